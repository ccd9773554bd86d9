"""The batchUpdate kinds behind everyday UI actions (drag a column, duplicate a tab, filter, hide, merge, paste,
insert or delete cells, named ranges, groups, find and replace), through gspread over a loopback socket, with
Google's replies; and each kind failing inside a batch leaves the spreadsheet as it was."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gspread
import pytest

from sheets_emulator import Emulator
from sheets_emulator.http import EmulatorServer

TABLE = [["id", "name", "status"], ["r1", "a", "x"], ["r2", "b", "y"], ["r3", "c", "z"]]


@pytest.fixture
def sh(http_server: EmulatorServer, spreadsheet_id: str) -> Iterator[gspread.Spreadsheet]:
    """The test spreadsheet through gspread over HTTP, Sheet1 holding TABLE in A1:C4."""
    spreadsheet = http_server.gspread_client().open_by_key(spreadsheet_id)
    spreadsheet.sheet1.update(TABLE, "A1")
    yield spreadsheet


def batch(sh: gspread.Spreadsheet, *requests: dict[str, Any]) -> list[dict[str, Any]]:
    return list(sh.batch_update({"requests": list(requests)})["replies"])


def error_of(call: Any) -> str:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        call()
    assert raised.value.response.status_code == 400
    return str(raised.value.error["message"])


def span(dimension: str, start: int, end: int, sheet_id: int = 0) -> dict[str, Any]:
    return {"sheetId": sheet_id, "dimension": dimension, "startIndex": start, "endIndex": end}


def grid(r1: int, r2: int, c1: int, c2: int, sheet_id: int = 0) -> dict[str, Any]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": r1,
        "endRowIndex": r2,
        "startColumnIndex": c1,
        "endColumnIndex": c2,
    }


def sheet_json(sh: gspread.Spreadsheet, title: str = "Sheet1") -> dict[str, Any]:
    return next(s for s in sh.fetch_sheet_metadata()["sheets"] if s["properties"]["title"] == title)


# ---------------------------------------------------------------- moveDimension


def test_move_dimension_counts_the_destination_before_the_source_is_removed(sh: gspread.Spreadsheet) -> None:
    sh.sheet1.update([[0], [1], [2], [3], [4]], "E1")
    assert batch(sh, {"moveDimension": {"source": span("ROWS", 1, 3), "destinationIndex": 4}}) == [{}]
    # Google's own example: A1..A5 of 0, 1, 2, 3, 4 with [1, 3) moved to 4 gives 0, 3, 1, 2, 4
    assert sh.sheet1.col_values(5) == ["0", "3", "1", "2", "4"]


def test_dragging_a_column_left_moves_its_cells_notes_and_width(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update_note("C2", "check")
    batch(
        sh,
        {
            "updateDimensionProperties": {
                "range": span("COLUMNS", 2, 3),
                "properties": {"pixelSize": 250},
                "fields": "pixelSize",
            }
        },
        {"moveDimension": {"source": span("COLUMNS", 2, 3), "destinationIndex": 0}},
    )
    assert ws.get_all_values() == [
        ["status", "id", "name"],
        ["x", "r1", "a"],
        ["y", "r2", "b"],
        ["z", "r3", "c"],
    ]
    assert ws.get_note("A2") == "check"
    columns = sh.fetch_sheet_metadata(
        {"ranges": "Sheet1!A1:C1", "fields": "sheets.data.columnMetadata.pixelSize"}
    )
    assert columns["sheets"][0]["data"][0]["columnMetadata"] == [
        {"pixelSize": 250},
        {"pixelSize": 100},
        {"pixelSize": 100},
    ]


def test_moved_rows_keep_their_row_metadata(sh: gspread.Spreadsheet) -> None:
    location = {"dimensionRange": span("ROWS", 1, 2)}
    metadata = {"metadataKey": "row", "metadataValue": "r1", "location": location, "visibility": "DOCUMENT"}
    batch(sh, {"createDeveloperMetadata": {"developerMetadata": metadata}})
    batch(sh, {"moveDimension": {"source": span("ROWS", 1, 2), "destinationIndex": 4}})
    assert sh.sheet1.col_values(1) == ["id", "r2", "r3", "r1"]
    search = sh.client.request(
        "post",
        f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/developerMetadata:search",
        json={"dataFilters": [{"developerMetadataLookup": {"metadataValue": "r1"}}]},
    ).json()
    assert search["matchedDeveloperMetadata"][0]["developerMetadata"]["location"]["dimensionRange"] == {
        "dimension": "ROWS",
        "startIndex": 3,
        "endIndex": 4,
    }


def test_move_dimension_into_itself_is_a_400(sh: gspread.Spreadsheet) -> None:
    message = error_of(
        lambda: batch(sh, {"moveDimension": {"source": span("ROWS", 1, 3), "destinationIndex": 2}})
    )
    assert message.startswith(
        "Invalid requests[0].moveDimension: destinationIndex 2 is inside the source range"
    )


# ---------------------------------------------------------------- duplicateSheet


def test_duplicate_sheet_replies_with_the_new_properties(sh: gspread.Spreadsheet) -> None:
    sh.sheet1.update_note("B2", "note")
    reply = batch(sh, {"duplicateSheet": {"sourceSheetId": 0, "newSheetId": 77, "insertSheetIndex": 1}})
    assert reply == [
        {
            "duplicateSheet": {
                "properties": {
                    "sheetId": 77,
                    "title": "Copy of Sheet1",
                    "index": 1,
                    "sheetType": "GRID",
                    "gridProperties": {"rowCount": 1000, "columnCount": 26},
                }
            }
        }
    ]
    copy = sh.get_worksheet_by_id(77)
    assert copy.get_all_values() == TABLE and copy.get_note("B2") == "note"
    second = batch(sh, {"duplicateSheet": {"sourceSheetId": 0, "insertSheetIndex": 0}})
    assert second[0]["duplicateSheet"]["properties"]["title"] == "Copy of Sheet1 2"
    assert [ws.title for ws in sh.worksheets()] == ["Copy of Sheet1 2", "Sheet1", "Copy of Sheet1"]


def test_duplicate_sheet_copies_what_the_tab_carries_with_new_ids(
    sh: gspread.Spreadsheet, emulator: Emulator
) -> None:
    location = {"dimensionRange": span("ROWS", 1, 2)}
    batch(
        sh,
        {
            "createDeveloperMetadata": {
                "developerMetadata": {"metadataKey": "k", "location": location, "visibility": "DOCUMENT"}
            }
        },
        {"mergeCells": {"range": grid(5, 6, 0, 2), "mergeType": "MERGE_ALL"}},
        {"addProtectedRange": {"protectedRange": {"range": grid(0, 1, 0, 3), "warningOnly": True}}},
        {"setBasicFilter": {"filter": {"range": grid(0, 4, 0, 3)}}},
    )
    reply = batch(sh, {"duplicateSheet": {"sourceSheetId": 0, "newSheetName": "Copy", "newSheetId": 5}})
    assert reply[0]["duplicateSheet"]["properties"]["index"] == 0
    copy = sheet_json(sh, "Copy")
    original = sheet_json(sh)
    assert copy["merges"] == [grid(5, 6, 0, 2, 5)]
    assert copy["basicFilter"] == {"range": grid(0, 4, 0, 3, 5)}
    assert copy["protectedRanges"][0]["range"] == grid(0, 1, 0, 3, 5)
    assert (
        copy["protectedRanges"][0]["protectedRangeId"] != original["protectedRanges"][0]["protectedRangeId"]
    )
    book = emulator.spreadsheet(sh.id)
    copied_metadata = book.metadata_on(5)
    assert [m["metadataKey"] for m in copied_metadata] == ["k"]
    assert copied_metadata[0]["metadataId"] != book.metadata_on(0)[0]["metadataId"]


def test_duplicate_sheet_with_a_taken_name_is_a_400_and_changes_nothing(sh: gspread.Spreadsheet) -> None:
    message = error_of(
        lambda: batch(
            sh,
            {"duplicateSheet": {"sourceSheetId": 0, "newSheetName": "Fine"}},
            {"duplicateSheet": {"sourceSheetId": 0, "newSheetName": "sheet1"}},
        )
    )
    assert (
        message
        == 'Invalid requests[1].duplicateSheet: A sheet with the name "sheet1" already exists. Please enter another name.'
    )
    assert [ws.title for ws in sh.worksheets()] == ["Sheet1"]


# ---------------------------------------------------------------- filters


def test_basic_filter_is_stored_with_explicit_bounds_and_cleared(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.resize(20, 20)
    ws.set_basic_filter()
    assert sheet_json(sh)["basicFilter"] == {
        "range": {"startRowIndex": 0, "endRowIndex": 20, "startColumnIndex": 0, "endColumnIndex": 20}
    }
    ws.set_basic_filter("B1:C2")
    assert sheet_json(sh)["basicFilter"] == {
        "range": {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 1, "endColumnIndex": 3}
    }
    ws.clear_basic_filter()
    assert "basicFilter" not in sheet_json(sh)


def test_filtered_rows_are_hidden_by_filter_yet_read_and_write(sh: gspread.Spreadsheet) -> None:
    criteria = [{"columnIndex": 2, "filterCriteria": {"hiddenValues": ["y"]}}]
    batch(sh, {"setBasicFilter": {"filter": {"range": grid(0, 4, 0, 3), "filterSpecs": criteria}}})
    rows = sh.fetch_sheet_metadata({"ranges": "Sheet1!A1:A4", "fields": "sheets.data.rowMetadata"})
    assert [r.get("hiddenByFilter", False) for r in rows["sheets"][0]["data"][0]["rowMetadata"]] == [
        False,
        False,
        True,
        False,
    ]
    sh.sheet1.update([["b2"]], "B3")
    assert sh.sheet1.get_all_values()[2] == ["r2", "b2", "y"]


def test_filter_views_are_added_updated_and_deleted(sh: gspread.Spreadsheet) -> None:
    reply = batch(
        sh, {"addFilterView": {"filter": {"filterViewId": 42, "title": "Open", "range": grid(0, 4, 0, 3)}}}
    )
    assert reply == [
        {
            "addFilterView": {
                "filter": {
                    "filterViewId": 42,
                    "title": "Open",
                    "range": {
                        "startRowIndex": 0,
                        "endRowIndex": 4,
                        "startColumnIndex": 0,
                        "endColumnIndex": 3,
                    },
                }
            }
        }
    ]
    batch(sh, {"updateFilterView": {"filter": {"filterViewId": 42, "title": "Mine"}, "fields": "title"}})
    assert sheet_json(sh)["filterViews"][0]["title"] == "Mine"
    duplicated = batch(sh, {"duplicateFilterView": {"filterId": 42}})[0]["duplicateFilterView"]["filter"]
    assert duplicated["title"] == "Copy of Mine" and duplicated["filterViewId"] != 42
    batch(
        sh,
        {"deleteFilterView": {"filterId": 42}},
        {"deleteFilterView": {"filterId": duplicated["filterViewId"]}},
    )
    assert "filterViews" not in sheet_json(sh)
    assert error_of(lambda: batch(sh, {"deleteFilterView": {"filterId": 42}})).endswith(
        "No filter view with id: 42"
    )


# ---------------------------------------------------------------- hidden rows and columns, hidden tabs


def test_hidden_rows_and_columns_still_read_and_write(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.hide_rows(1, 3)
    ws.hide_columns(1, 2)
    meta = sh.fetch_sheet_metadata(
        {"ranges": "Sheet1!A1:C4", "fields": "sheets.data(rowMetadata,columnMetadata)"}
    )
    data = meta["sheets"][0]["data"][0]
    assert [r.get("hiddenByUser", False) for r in data["rowMetadata"]] == [False, True, True, False]
    assert data["columnMetadata"][1] == {"hiddenByUser": True, "pixelSize": 100}
    ws.update([["B"]], "B2")
    assert ws.get_all_values() == [TABLE[0], ["r1", "B", "x"], TABLE[2], TABLE[3]]
    ws.unhide_rows(1, 3)
    meta = sh.fetch_sheet_metadata({"ranges": "Sheet1!A2", "fields": "sheets.data.rowMetadata"})
    assert meta["sheets"][0]["data"][0]["rowMetadata"] == [{"pixelSize": 21}]


def test_hiding_the_last_visible_tab_is_a_400(sh: gspread.Spreadsheet) -> None:
    other = sh.add_worksheet("Other", 5, 5)
    other.hide()
    message = error_of(lambda: sh.sheet1.hide())
    assert (
        message == "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document."
    )
    assert [ws.title for ws in sh.worksheets(exclude_hidden=True)] == ["Sheet1"]


# ---------------------------------------------------------------- merges


def test_merging_keeps_only_the_top_left_value(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.merge_cells("A2:B3")
    assert ws.get_all_values() == [TABLE[0], ["r1", "", "x"], ["", "", "y"], TABLE[3]]
    ws.merge_cells("A1:C1", merge_type="MERGE_ROWS")
    assert ws.row_values(1) == ["id"]


def test_merge_all_over_row_merges_replaces_them(sh: gspread.Spreadsheet) -> None:
    batch(sh, {"mergeCells": {"mergeType": "MERGE_ROWS", "range": grid(0, 2, 0, 2)}})
    assert len(sheet_json(sh)["merges"]) == 2
    batch(sh, {"mergeCells": {"mergeType": "MERGE_ALL", "range": grid(0, 2, 0, 2)}})
    assert sheet_json(sh)["merges"] == [
        {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}
    ]


def test_a_merge_partly_over_another_is_a_400(sh: gspread.Spreadsheet) -> None:
    batch(sh, {"mergeCells": {"mergeType": "MERGE_ALL", "range": grid(0, 2, 0, 2)}})
    message = error_of(
        lambda: batch(sh, {"mergeCells": {"mergeType": "MERGE_ALL", "range": grid(1, 3, 1, 3)}})
    )
    assert "partially overlap" in message


# ---------------------------------------------------------------- copyPaste and cutPaste


def test_copy_paste_normal_copies_values_formats_and_notes(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.format("A1:C1", {"textFormat": {"bold": True}})
    ws.update_note("A1", "header")
    ws.copy_range("A1:C2", "E5")
    assert ws.get("E5:G6") == [TABLE[0], TABLE[1]]
    assert ws.get_note("E5") == "header"
    cells = sh.fetch_sheet_metadata(
        {"ranges": "Sheet1!E5", "fields": "sheets.data.rowData.values.userEnteredFormat.textFormat.bold"}
    )
    assert (
        cells["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"]["textFormat"]["bold"]
        is True
    )


def test_copy_paste_values_only_keeps_the_destination_format(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([["=1+2"]], "D1", raw=False)
    ws.format("E1", {"numberFormat": {"type": "NUMBER", "pattern": "0.00"}})
    batch(
        sh,
        {
            "copyPaste": {
                "source": grid(0, 1, 3, 4),
                "destination": grid(0, 1, 4, 5),
                "pasteType": "PASTE_VALUES",
            }
        },
    )
    assert ws.get("E1", value_render_option="FORMULA") == [[3]]
    assert ws.acell("E1").value == "3.00"


def test_copy_paste_tiles_a_destination_that_is_a_multiple(sh: gspread.Spreadsheet) -> None:
    batch(sh, {"copyPaste": {"source": grid(1, 2, 0, 1), "destination": grid(5, 8, 0, 2)}})
    assert sh.sheet1.get("A6:B8") == [["r1", "r1"], ["r1", "r1"], ["r1", "r1"]]


def test_cut_paste_moves_and_empties_the_source(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.cut_range("A2:C3", "E10")
    assert ws.get("E10:G11") == [TABLE[1], TABLE[2]]
    assert [row[:3] for row in ws.get_all_values()[:4]] == [TABLE[0], ["", "", ""], ["", "", ""], TABLE[3]]


# ---------------------------------------------------------------- insertRange and deleteRange


def test_insert_range_shifts_only_the_cells_of_its_columns(sh: gspread.Spreadsheet) -> None:
    batch(sh, {"insertRange": {"range": grid(1, 2, 1, 2), "shiftDimension": "ROWS"}})
    assert sh.sheet1.get_all_values() == [
        TABLE[0],
        ["r1", "", "x"],
        ["r2", "a", "y"],
        ["r3", "b", "z"],
        ["", "c", ""],
    ]


def test_delete_range_shifts_cells_left(sh: gspread.Spreadsheet) -> None:
    batch(sh, {"deleteRange": {"range": grid(1, 2, 0, 1), "shiftDimension": "COLUMNS"}})
    assert sh.sheet1.get_all_values()[1] == ["a", "x", ""]
    assert sh.sheet1.col_count == 26


# ---------------------------------------------------------------- named ranges


def test_named_ranges_are_added_read_by_name_updated_and_deleted(sh: gspread.Spreadsheet) -> None:
    reply = batch(sh, {"addNamedRange": {"namedRange": {"name": "Ids", "range": grid(1, 4, 0, 1)}}})[0]
    named = reply["addNamedRange"]["namedRange"]
    assert named["name"] == "Ids" and isinstance(named["namedRangeId"], str)
    assert named["range"] == {
        "startRowIndex": 1,
        "endRowIndex": 4,
        "startColumnIndex": 0,
        "endColumnIndex": 1,
    }
    assert sh.values_get("Ids")["values"] == [["r1"], ["r2"], ["r3"]]
    batch(sh, {"insertDimension": {"range": span("ROWS", 0, 1)}})
    assert sh.list_named_ranges()[0]["range"]["startRowIndex"] == 2
    batch(
        sh,
        {
            "updateNamedRange": {
                "namedRange": {"namedRangeId": named["namedRangeId"], "name": "Rows"},
                "fields": "name",
            }
        },
    )
    assert [n["name"] for n in sh.list_named_ranges()] == ["Rows"]
    batch(sh, {"deleteNamedRange": {"namedRangeId": named["namedRangeId"]}})
    assert sh.list_named_ranges() == []


def test_a_second_range_with_the_same_name_is_a_400(sh: gspread.Spreadsheet) -> None:
    sh.sheet1.define_named_range("A1:B2", "Block")
    message = error_of(lambda: sh.sheet1.define_named_range("A3:B4", "block"))
    assert message.startswith("Invalid requests[0].addNamedRange:") and "already exists" in message


# ---------------------------------------------------------------- dimension groups


def test_groups_nest_by_depth_as_the_reference_describes(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.add_dimension_group_columns(1, 4)  # B:D
    reply = batch(sh, {"addDimensionGroup": {"range": span("COLUMNS", 2, 5)}})  # C:E
    assert reply == [
        {
            "addDimensionGroup": {
                "dimensionGroups": [
                    {"range": {"dimension": "COLUMNS", "startIndex": 1, "endIndex": 5}, "depth": 1},
                    {"range": {"dimension": "COLUMNS", "startIndex": 2, "endIndex": 4}, "depth": 2},
                ]
            }
        }
    ]
    deleted = batch(sh, {"deleteDimensionGroup": {"range": span("COLUMNS", 3, 5)}})  # D:E
    assert deleted[0]["deleteDimensionGroup"]["dimensionGroups"] == [
        {"range": {"dimension": "COLUMNS", "startIndex": 1, "endIndex": 4}, "depth": 1},
        {"range": {"dimension": "COLUMNS", "startIndex": 2, "endIndex": 3}, "depth": 2},
    ]
    ws.add_dimension_group_rows(1, 3)
    assert ws.list_dimension_group_rows() == [
        {"range": {"dimension": "ROWS", "startIndex": 1, "endIndex": 3}, "depth": 1}
    ]


# ---------------------------------------------------------------- findReplace


def test_find_replace_counts_what_it_changed(sh: gspread.Spreadsheet) -> None:
    sh.sheet1.update([['=A2&"r"']], "D1", raw=False)
    reply = batch(
        sh, {"findReplace": {"find": "R", "replacement": "row", "sheetId": 0, "includeFormulas": True}}
    )
    assert reply == [
        {
            "findReplace": {
                "valuesChanged": 3,
                "formulasChanged": 1,
                "rowsChanged": 4,
                "sheetsChanged": 1,
                "occurrencesChanged": 4,
            }
        }
    ]
    assert sh.sheet1.col_values(1) == ["id", "row1", "row2", "row3"]
    nothing = batch(sh, {"findReplace": {"find": "absent", "replacement": "x", "allSheets": True}})
    assert nothing == [{"findReplace": {}}]


def test_find_replace_whole_cell_case_sensitive_and_regex(sh: gspread.Spreadsheet) -> None:
    batch(sh, {"findReplace": {"find": "X", "replacement": "done", "allSheets": True, "matchCase": True}})
    assert sh.sheet1.col_values(3)[1] == "x"
    batch(
        sh,
        {
            "findReplace": {
                "find": "r(\\d)",
                "replacement": "row-$1",
                "allSheets": True,
                "searchByRegex": True,
                "matchEntireCell": True,
            }
        },
    )
    assert sh.sheet1.col_values(1) == ["id", "row-1", "row-2", "row-3"]


# ---------------------------------------------------------------- all or nothing


NEW_KINDS_FAILING = [
    {"moveDimension": {"source": span("ROWS", 1, 2, sheet_id=9), "destinationIndex": 0}},
    {"duplicateSheet": {"sourceSheetId": 9}},
    {"setBasicFilter": {"filter": {"range": {"sheetId": 9}}}},
    {"clearBasicFilter": {"sheetId": 9}},
    {"addFilterView": {"filter": {"range": {"sheetId": 9}}}},
    {"deleteFilterView": {"filterId": 12345}},
    {
        "updateDimensionProperties": {
            "range": span("ROWS", 0, 1, 9),
            "properties": {"hiddenByUser": True},
            "fields": "hiddenByUser",
        }
    },
    {"copyPaste": {"source": grid(0, 1, 0, 1), "destination": grid(0, 1, 0, 1, 9)}},
    {"cutPaste": {"source": grid(0, 1, 0, 1), "destination": {"sheetId": 9}}},
    {"insertRange": {"range": grid(0, 1, 0, 1, 9), "shiftDimension": "ROWS"}},
    {"deleteRange": {"range": grid(0, 1, 0, 1, 9), "shiftDimension": "ROWS"}},
    {"addNamedRange": {"namedRange": {"name": "A1", "range": grid(0, 1, 0, 1)}}},
    {"updateNamedRange": {"namedRange": {"namedRangeId": "none", "name": "x"}, "fields": "name"}},
    {"deleteNamedRange": {"namedRangeId": "none"}},
    {"addDimensionGroup": {"range": span("ROWS", 0, 1, 9)}},
    {"deleteDimensionGroup": {"range": span("ROWS", 0, 1)}},
    {"findReplace": {"find": "", "replacement": "x", "allSheets": True}},
    {"mergeCells": {"range": grid(0, 2, 0, 2, 9)}},
]


@pytest.mark.parametrize("failing", NEW_KINDS_FAILING, ids=lambda r: next(iter(r)))
def test_a_failing_request_undoes_the_whole_batch(
    sh: gspread.Spreadsheet, emulator: Emulator, failing: dict[str, Any]
) -> None:
    before = emulator.snapshot()
    changes = [
        {"moveDimension": {"source": span("COLUMNS", 2, 3), "destinationIndex": 0}},
        {"duplicateSheet": {"sourceSheetId": 0, "newSheetName": "Dup"}},
        {"setBasicFilter": {"filter": {"range": grid(0, 4, 0, 3)}}},
        {"mergeCells": {"range": grid(5, 7, 0, 2)}},
        {"findReplace": {"find": "r", "replacement": "R", "allSheets": True}},
        {"addNamedRange": {"namedRange": {"name": "Fine", "range": grid(0, 1, 0, 1)}}},
    ]
    message = error_of(lambda: batch(sh, *changes, failing))
    assert message.startswith(f"Invalid requests[{len(changes)}].{next(iter(failing))}:")
    assert emulator.snapshot() == before


# ---------------------------------------------------------------- values.append finds the table as Google does


def test_append_after_a_row_with_a_gap_goes_under_its_last_block(sh: gspread.Spreadsheet) -> None:
    ws = sh.add_worksheet("Events", 10, 8)
    ws.append_row(["a", "", "c"])
    second = ws.append_row(["a", "", "c"])  # the whole tab: two blocks, A1 and C1; Google takes the last
    assert second["tableRange"] == "Events!C1" and second["updates"]["updatedRange"] == "Events!C2:E2"
    assert ws.row_values(2) == ["", "", "a", "", "c"]


def test_append_at_a_cell_takes_the_block_holding_it(sh: gspread.Spreadsheet) -> None:
    ws = sh.add_worksheet("Events", 10, 8)
    ws.append_row(["a", "", "c"])
    second = ws.append_row(["a", "", "c"], table_range="A1")
    assert second["tableRange"] == "Events!A1" and ws.row_values(2) == ["a", "", "c"]


def test_append_joins_rows_that_start_with_empty_cells(sh: gspread.Spreadsheet) -> None:
    ws = sh.add_worksheet("Events", 10, 8)
    ws.update([["id", "name"], ["", "no id yet"], ["r3", "c"]], "A1")
    reply = ws.append_row(["r4", "d"])
    assert reply["tableRange"] == "Events!A1:B3" and ws.row_values(4) == ["r4", "d"]


def test_append_at_an_empty_row_writes_there(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.insert_row([], 2)
    reply = ws.append_row(["new"], table_range="A2")
    assert "tableRange" not in reply and ws.row_values(2) == ["new"]


def test_append_under_the_lowest_block_of_a_range(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([["later"]], "A7")
    reply = ws.append_row(["next"], table_range="A1:C20")
    assert reply["tableRange"] == "Sheet1!A7" and ws.acell("A8").value == "next"


def test_a_failing_batch_undoes_writes_made_before_and_after_rows_moved(
    sh: gspread.Spreadsheet, emulator: Emulator
) -> None:
    """Writes copy only the rows they change; rows that moved in between must still be put back."""
    before = emulator.snapshot()

    def write(row: int, text: str) -> dict[str, Any]:
        return {
            "updateCells": {
                "start": {"sheetId": 0, "rowIndex": row, "columnIndex": 0},
                "rows": [{"values": [{"userEnteredValue": {"stringValue": text}}]}],
                "fields": "userEnteredValue",
            }
        }

    message = error_of(
        lambda: batch(
            sh,
            write(1, "first"),
            {"insertDimension": {"range": span("ROWS", 1, 2)}},
            write(1, "second"),
            write(2, "third"),
            {"moveDimension": {"source": span("ROWS", 2, 3), "destinationIndex": 0}},
            write(0, "fourth"),
            {"deleteSheet": {"sheetId": 404}},
        )
    )
    assert message == "Invalid requests[6].deleteSheet: No grid with id: 404"
    assert emulator.snapshot() == before
    assert sh.sheet1.get_all_values() == TABLE


def test_a_failing_values_batch_writes_nothing(sh: gspread.Spreadsheet, emulator: Emulator) -> None:
    before = emulator.snapshot()
    with pytest.raises(gspread.exceptions.APIError):
        sh.values_batch_update(
            {
                "valueInputOption": "RAW",
                "data": [{"range": "A2", "values": [["x"]]}, {"range": "Nope!A1", "values": [["y"]]}],
            }
        )
    assert emulator.snapshot() == before

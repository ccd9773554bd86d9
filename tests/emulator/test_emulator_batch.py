"""spreadsheets.batchUpdate request kinds, developer metadata, DataFilter value methods and spreadsheets.get
masks, through gspread's low-level calls (what sheets-sync's adapter uses)."""

from __future__ import annotations

from typing import Any

import gspread
import pytest
from gspread.utils import ValueRenderOption

from sheets_emulator import Emulator

ROW_KEY = "sheets-sync/row-id"


def batch(sh: gspread.Spreadsheet, *requests: dict[str, Any]) -> dict[str, Any]:
    return sh.batch_update({"requests": list(requests)})


def error_of(call: Any) -> dict[str, Any]:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        call()
    return dict(raised.value.error) | {"http": raised.value.response.status_code}


def add_sheet(title: str, sheet_id: int | None = None, rows: int = 20, cols: int = 6) -> dict[str, Any]:
    properties: dict[str, Any] = {"title": title, "gridProperties": {"rowCount": rows, "columnCount": cols}}
    if sheet_id is not None:
        properties["sheetId"] = sheet_id
    return {"addSheet": {"properties": properties}}


def row_metadata(sheet_id: int, row: int, value: str) -> dict[str, Any]:
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": ROW_KEY,
                "metadataValue": value,
                "location": {
                    "dimensionRange": {
                        "sheetId": sheet_id,
                        "dimension": "ROWS",
                        "startIndex": row,
                        "endIndex": row + 1,
                    }
                },
                "visibility": "DOCUMENT",
            }
        }
    }


def test_client_chosen_sheet_id_is_honoured_and_replied(sh: gspread.Spreadsheet) -> None:
    reply = batch(sh, add_sheet("Heatmap", sheet_id=4242, rows=5, cols=3))
    assert reply == {
        "spreadsheetId": sh.id,
        "replies": [
            {
                "addSheet": {
                    "properties": {
                        "sheetId": 4242,
                        "title": "Heatmap",
                        "index": 1,
                        "sheetType": "GRID",
                        "gridProperties": {"rowCount": 5, "columnCount": 3},
                    }
                }
            }
        ],
    }


def test_duplicate_sheet_id_is_a_400(sh: gspread.Spreadsheet) -> None:
    error = error_of(lambda: batch(sh, add_sheet("Other", sheet_id=0)))
    assert error["http"] == 400 and error["status"] == "INVALID_ARGUMENT"
    assert error["message"].startswith("Invalid requests[0].addSheet: A sheet with the id 0 already exists")


def test_batch_update_is_all_or_nothing(sh: gspread.Spreadsheet, emulator: Emulator) -> None:
    error = error_of(
        lambda: batch(
            sh,
            add_sheet("New tab", sheet_id=7),
            {
                "updateCells": {
                    "start": {"sheetId": 0},
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                    "fields": "userEnteredValue",
                }
            },
            {"deleteSheet": {"sheetId": 999}},
        )
    )
    assert error["message"] == "Invalid requests[2].deleteSheet: No grid with id: 999"
    book = emulator.spreadsheet(sh.id)
    assert [s.title for s in book.sheets] == ["Sheet1"]
    assert book.sheets[0].cells == {}
    assert emulator.requests[-1]["status"] == 400 and emulator.requests[-1]["applied"] is False


def test_unsupported_request_kinds_are_400_never_silent(sh: gspread.Spreadsheet) -> None:
    known = error_of(lambda: batch(sh, {"addChart": {"chart": {}}}))
    assert known["message"] == (
        "Invalid requests[0].addChart: the sheets-sync emulator does not support the request kind 'addChart'."
    )
    unknown = error_of(lambda: batch(sh, {"makeCoffee": {}}))
    assert unknown["message"] == (
        "Invalid JSON payload received. Unknown name \"makeCoffee\" at 'requests[0]': Cannot find field."
    )
    assert error_of(lambda: batch(sh))["message"] == "Must specify at least one request."


def test_cell_limit_of_ten_million(sh: gspread.Spreadsheet) -> None:
    error = error_of(lambda: batch(sh, add_sheet("Huge", rows=1_000_000, cols=10)))
    assert error["message"] == (
        "Invalid requests[0].addSheet: "
        "This action would increase the number of cells in the workbook above the limit of 10000000 cells."
    )
    batch(sh, add_sheet("Big", rows=997_000, cols=10))  # 26,000 + 9,970,000 cells: fits
    error = error_of(
        lambda: batch(sh, {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 1000}})
    )
    assert "above the limit of 10000000 cells" in error["message"]


def test_write_past_the_grid_in_batch_update(sh: gspread.Spreadsheet) -> None:
    batch(sh, add_sheet("Tiny", sheet_id=5, rows=2, cols=2))
    error = error_of(
        lambda: batch(
            sh,
            {
                "repeatCell": {
                    "range": {"sheetId": 5, "startRowIndex": 1, "endRowIndex": 3},
                    "cell": {"note": "x"},
                    "fields": "note",
                }
            },
        )
    )
    assert error["message"] == (
        "Invalid requests[0].repeatCell: Range (Tiny!A2:B3) exceeds grid limits. Max rows: 2, max columns: 2"
    )


def test_update_cells_with_a_fields_mask(sh: gspread.Spreadsheet, emulator: Emulator) -> None:
    ws = sh.sheet1
    ws.update([["keep me", 0.25]], "A1")
    batch(
        sh,
        {
            "updateCells": {
                "range": {
                    "sheetId": 0,
                    "startRowIndex": 0,
                    "endRowIndex": 1,
                    "startColumnIndex": 1,
                    "endColumnIndex": 3,
                },
                "rows": [
                    {
                        "values": [
                            {
                                "userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}},
                                "note": "a note",
                            }
                        ]
                    }
                ],
                "fields": "userEnteredFormat.numberFormat,note",
            }
        },
    )
    assert ws.get_values("A1:B1") == [["keep me", "25.0%"]]
    assert emulator.pm(sh.id).note("Sheet1", "B1") == "a note"
    batch(
        sh,
        {
            "updateCells": {
                "range": {
                    "sheetId": 0,
                    "startRowIndex": 0,
                    "endRowIndex": 1,
                    "startColumnIndex": 1,
                    "endColumnIndex": 2,
                },
                "fields": "note",
            }
        },
    )
    assert emulator.pm(sh.id).note("Sheet1", "B1") is None  # cells the rows miss are cleared under the mask
    assert ws.get_values("B1") == [["25.0%"]]


def test_repeat_cell_number_format_and_string_values_stay_text(sh: gspread.Spreadsheet) -> None:
    batch(
        sh,
        {
            "updateCells": {
                "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                "rows": [
                    {
                        "values": [
                            {"userEnteredValue": {"stringValue": "=1+1"}},
                            {"userEnteredValue": {"numberValue": 0.755}},
                        ]
                    }
                ],
                "fields": "userEnteredValue",
            }
        },
        {
            "repeatCell": {
                "range": {"sheetId": 0, "startColumnIndex": 1, "endColumnIndex": 2},
                "cell": {"userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0%"}}},
                "fields": "userEnteredFormat.numberFormat",
            }
        },
    )
    assert sh.sheet1.get_values("A1:B1") == [["=1+1", "76%"]]
    assert sh.sheet1.get_values("A1:B1", value_render_option=ValueRenderOption.formula) == [["=1+1", 0.755]]


def test_protected_ranges_add_update_delete(sh: gspread.Spreadsheet) -> None:
    reply = batch(
        sh,
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": {"sheetId": 0, "startColumnIndex": 0, "endColumnIndex": 2},
                    "description": "ids",
                    "warningOnly": True,
                }
            }
        },
    )
    protected = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    assert protected["description"] == "ids" and protected["range"] == {
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    pid = protected["protectedRangeId"]
    batch(
        sh,
        {
            "updateProtectedRange": {
                "protectedRange": {"protectedRangeId": pid, "description": "tool-owned"},
                "fields": "description",
            }
        },
    )
    listed = sh.fetch_sheet_metadata({"fields": "sheets.protectedRanges"})["sheets"][0]["protectedRanges"]
    assert [(p["protectedRangeId"], p["description"], p["warningOnly"]) for p in listed] == [
        (pid, "tool-owned", True)
    ]
    batch(sh, {"deleteProtectedRange": {"protectedRangeId": pid}})
    assert sh.fetch_sheet_metadata({"fields": "sheets.protectedRanges"}) == {"sheets": [{}]}
    assert (
        "No protected range"
        in error_of(lambda: batch(sh, {"deleteProtectedRange": {"protectedRangeId": pid}}))["message"]
    )


def test_conditional_format_rules_by_index(sh: gspread.Spreadsheet) -> None:
    gradient = {
        "ranges": [
            {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 10, "startColumnIndex": 2, "endColumnIndex": 5}
        ],
        "gradientRule": {
            "minpoint": {"color": {"red": 0.9}, "type": "NUMBER", "value": "0"},
            "maxpoint": {"color": {"blue": 0.8}, "type": "NUMBER", "value": "1"},
        },
    }
    boolean = {
        "ranges": [{"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}],
        "booleanRule": {"condition": {"type": "NOT_BLANK"}, "format": {"textFormat": {"bold": True}}},
    }
    batch(
        sh,
        {"addConditionalFormatRule": {"rule": gradient, "index": 0}},
        {"addConditionalFormatRule": {"rule": boolean, "index": 0}},
    )
    rules = sh.fetch_sheet_metadata({"fields": "sheets.conditionalFormats"})["sheets"][0][
        "conditionalFormats"
    ]
    assert ["booleanRule" in r for r in rules] == [True, False]
    assert rules[1]["gradientRule"]["minpoint"]["colorStyle"] == {"rgbColor": {"red": 0.9}}
    assert rules[1]["ranges"] == [
        {"startRowIndex": 1, "endRowIndex": 10, "startColumnIndex": 2, "endColumnIndex": 5}
    ]
    deleted = batch(sh, {"deleteConditionalFormatRule": {"sheetId": 0, "index": 0}})
    assert "booleanRule" in deleted["replies"][0]["deleteConditionalFormatRule"]["rule"]
    moved = batch(sh, {"updateConditionalFormatRule": {"sheetId": 0, "index": 0, "rule": boolean}})
    assert moved["replies"][0]["updateConditionalFormatRule"]["newIndex"] == 0
    assert len(sh.fetch_sheet_metadata()["sheets"][0]["conditionalFormats"]) == 1


def test_developer_metadata_create_search_get_update_delete(sh: gspread.Spreadsheet) -> None:
    created = batch(
        sh,
        row_metadata(0, 4, "m01-s1"),
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataId": 77,
                    "metadataKey": "layout",
                    "metadataValue": "v1",
                    "location": {"spreadsheet": True},
                    "visibility": "PROJECT",
                }
            }
        },
    )
    row_entry = created["replies"][0]["createDeveloperMetadata"]["developerMetadata"]
    assert row_entry["location"] == {
        "locationType": "ROW",
        "dimensionRange": {"dimension": "ROWS", "startIndex": 4, "endIndex": 5},
    }
    lookup = {
        "dataFilters": [{"developerMetadataLookup": {"metadataKey": ROW_KEY, "metadataValue": "m01-s1"}}]
    }
    found = sh.client.request(
        "post", f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/developerMetadata:search", json=lookup
    ).json()
    assert [m["developerMetadata"]["metadataId"] for m in found["matchedDeveloperMetadata"]] == [
        row_entry["metadataId"]
    ]
    assert found["matchedDeveloperMetadata"][0]["dataFilters"] == lookup["dataFilters"]
    by_id = sh.client.request(
        "get", f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/developerMetadata/77"
    ).json()
    assert by_id["metadataKey"] == "layout" and by_id["location"] == {
        "locationType": "SPREADSHEET",
        "spreadsheet": True,
    }
    assert sh.fetch_sheet_metadata({"fields": "developerMetadata.metadataId"}) == {
        "developerMetadata": [{"metadataId": 77}]
    }
    batch(
        sh,
        {
            "updateDeveloperMetadata": {
                "dataFilters": [{"developerMetadataLookup": {"metadataId": 77}}],
                "developerMetadata": {"metadataValue": "v2"},
                "fields": "metadataValue",
            }
        },
    )
    assert (
        sh.client.request(
            "get", f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/developerMetadata/77"
        ).json()["metadataValue"]
        == "v2"
    )
    deleted = batch(
        sh, {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": ROW_KEY}}}}
    )
    assert len(deleted["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]) == 1
    nothing = sh.client.request(
        "post", f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/developerMetadata:search", json=lookup
    ).json()
    assert nothing == {}


def test_write_rows_by_identity_with_batch_update_by_data_filter(
    sh: gspread.Spreadsheet, emulator: Emulator
) -> None:
    """Row metadata + values:batchUpdateByDataFilter: a lookup resolves to the whole row; nulls skip cells."""
    ws = sh.sheet1
    ws.update([["id", "status"], ["s1", "open"], ["s2", "open"]], "A1")
    batch(sh, row_metadata(0, 1, "s1"), row_metadata(0, 2, "s2"))
    emulator.pm(sh.id).sort_range("Sheet1", "A2:B3", column="A", descending=True)
    body: dict[str, Any] = {
        "valueInputOption": "RAW",
        "data": [
            {
                "dataFilter": {"developerMetadataLookup": {"metadataKey": ROW_KEY, "metadataValue": "s1"}},
                "values": [[None, "done"]],
            }
        ],
    }
    answer = sh.client.request(
        "post",
        f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/values:batchUpdateByDataFilter",
        json=body,
    ).json()
    assert answer["totalUpdatedCells"] == 1
    assert answer["responses"][0]["updatedRange"] == "Sheet1!A3:B3"
    assert answer["responses"][0]["dataFilter"] == body["data"][0]["dataFilter"]
    assert ws.get_all_values() == [["id", "status"], ["s2", "open"], ["s1", "done"]]
    read = sh.client.request(
        "post",
        f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/values:batchGetByDataFilter",
        json={
            "dataFilters": [{"developerMetadataLookup": {"metadataValue": "s2"}}, {"a1Range": "Sheet1!A1:B1"}]
        },
    ).json()
    assert [v["valueRange"]["values"] for v in read["valueRanges"]] == [[["s2", "open"]], [["id", "status"]]]
    assert read["valueRanges"][0]["valueRange"]["range"] == "Sheet1!A2:Z2"


def test_by_data_filter_with_grid_range_and_clear(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    body: dict[str, Any] = {
        "valueInputOption": "USER_ENTERED",
        "data": [
            {
                "dataFilter": {
                    "gridRange": {
                        "sheetId": 0,
                        "startRowIndex": 0,
                        "endRowIndex": 1,
                        "startColumnIndex": 1,
                        "endColumnIndex": 3,
                    }
                },
                "values": [["30%", "x"]],
            }
        ],
    }
    sh.client.request(
        "post",
        f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/values:batchUpdateByDataFilter",
        json=body,
    )
    assert ws.get_values("A1:C1") == [["", "30%", "x"]]
    too_wide = dict(body, data=[dict(body["data"][0], values=[["a", "b", "c"]])])
    error = error_of(
        lambda: sh.client.request(
            "post",
            f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/values:batchUpdateByDataFilter",
            json=too_wide,
        )
    )
    assert (
        error["message"] == "Requested writing within range [Sheet1!B1:C1], but tried writing to column [D]"
    )
    cleared = sh.client.request(
        "post",
        f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/values:batchClearByDataFilter",
        json={"dataFilters": [{"a1Range": "Sheet1!B1"}]},
    ).json()
    assert cleared["clearedRanges"] == ["Sheet1!B1"]
    assert ws.get_values("A1:C1") == [["", "", "x"]]


def test_whole_workbook_read_in_one_get_with_a_fields_mask(
    sh: gspread.Spreadsheet, emulator: Emulator
) -> None:
    ws = sh.sheet1
    ws.update([["id", "rate"], ["m01", 0.5]], "A1")
    ws.format("B2", {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}})
    ws.update_note("A2", "tooltip")
    batch(sh, row_metadata(0, 1, "m01"))
    fields = (
        "sheets(properties(sheetId,title,gridProperties),protectedRanges,developerMetadata,"
        "data.rowData.values(userEnteredValue,effectiveValue,formattedValue,note,userEnteredFormat.numberFormat),"
        "data.rowMetadata.developerMetadata)"
    )
    emulator.clear_log()
    got = sh.fetch_sheet_metadata({"includeGridData": "true", "fields": fields})
    assert emulator.count() == 1
    sheet = got["sheets"][0]
    assert sheet["properties"] == {
        "sheetId": 0,
        "title": "Sheet1",
        "gridProperties": {"rowCount": 1000, "columnCount": 26},
    }
    (data,) = sheet["data"]
    assert data["rowData"] == [
        {
            "values": [
                {
                    "userEnteredValue": {"stringValue": "id"},
                    "effectiveValue": {"stringValue": "id"},
                    "formattedValue": "id",
                },
                {
                    "userEnteredValue": {"stringValue": "rate"},
                    "effectiveValue": {"stringValue": "rate"},
                    "formattedValue": "rate",
                },
            ]
        },
        {
            "values": [
                {
                    "userEnteredValue": {"stringValue": "m01"},
                    "effectiveValue": {"stringValue": "m01"},
                    "formattedValue": "m01",
                    "note": "tooltip",
                },
                {
                    "userEnteredValue": {"numberValue": 0.5},
                    "effectiveValue": {"numberValue": 0.5},
                    "formattedValue": "50.0%",
                    "userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}},
                },
            ]
        },
    ]
    assert len(data["rowMetadata"]) == 1000
    assert data["rowMetadata"][0] == {}
    assert [m["metadataValue"] for m in data["rowMetadata"][1]["developerMetadata"]] == ["m01"]


def test_get_with_ranges_returns_only_those_sheets(sh: gspread.Spreadsheet) -> None:
    batch(sh, add_sheet("Second", sheet_id=2))
    sh.worksheet("Second").update([["x", "y"], ["z"]], "B2")
    got = sh.fetch_sheet_metadata({"ranges": "Second!B2:C3", "includeGridData": "true"})
    assert [s["properties"]["title"] for s in got["sheets"]] == ["Second"]
    (data,) = got["sheets"][0]["data"]
    assert (data["startRow"], data["startColumn"], len(data["rowMetadata"]), len(data["columnMetadata"])) == (
        1,
        1,
        2,
        2,
    )
    assert [[c["formattedValue"] for c in row["values"]] for row in data["rowData"]] == [["x", "y"], ["z"]]
    assert (
        data["rowData"][0]["values"][0]["effectiveFormat"]["textFormat"]["fontFamily"]
        == "arial,sans,sans-serif"
    )


def test_spreadsheets_create(emulator: Emulator, gc: gspread.Client) -> None:
    body = {
        "properties": {"title": "Created"},
        "sheets": [{"properties": {"sheetId": 10, "title": "Heatmap"}}],
    }
    created = gc.http_client.request(
        "post", "https://sheets.googleapis.com/v4/spreadsheets", json=body
    ).json()
    assert created["properties"]["title"] == "Created"
    assert [s["properties"]["sheetId"] for s in created["sheets"]] == [10]
    assert len(created["spreadsheetId"]) == 44 and created["spreadsheetId"] in emulator.spreadsheet_ids


def test_insert_and_delete_dimension_move_attached_things(
    sh: gspread.Spreadsheet, emulator: Emulator
) -> None:
    ws = sh.sheet1
    ws.update([["r1"], ["r2"], ["r3"], ["r4"]], "A1")
    batch(
        sh,
        row_metadata(0, 2, "r3"),
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3},
                    "warningOnly": True,
                }
            }
        },
        {
            "setDataValidation": {
                "range": {
                    "sheetId": 0,
                    "startRowIndex": 2,
                    "endRowIndex": 3,
                    "startColumnIndex": 0,
                    "endColumnIndex": 1,
                },
                "rule": {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "r3"}]}},
            }
        },
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 4},
                "inheritFromBefore": True,
            }
        },
    )
    book = emulator.spreadsheet(sh.id)
    assert ws.col_values(1) == ["r1", "r2", "", "", "r3", "r4"]
    (protected,) = book.sheets[0].protected_ranges
    assert (protected["range"]["startRowIndex"], protected["range"]["endRowIndex"]) == (1, 5)
    assert book.developer_metadata[0]["location"]["dimensionRange"]["startIndex"] == 4
    assert book.sheets[0].cell(4, 0).validation is not None
    batch(
        sh,
        {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 4, "endIndex": 5}}},
    )
    assert book.developer_metadata == []  # metadata on a deleted row goes with it
    assert ws.col_values(1) == ["r1", "r2", "", "", "r4"]
    error = error_of(
        lambda: batch(
            sh,
            {
                "deleteDimension": {
                    "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 26}
                }
            },
        )
    )
    assert (
        error["message"]
        == "Invalid requests[0].deleteDimension: You can't delete all the columns on the sheet."
    )


def test_update_sheet_properties_index_and_tab_color(sh: gspread.Spreadsheet) -> None:
    batch(sh, add_sheet("B", sheet_id=1), add_sheet("C", sheet_id=2))
    batch(
        sh,
        {
            "updateSheetProperties": {
                "properties": {"sheetId": 2, "index": 0, "tabColor": {"red": 1}},
                "fields": "index,tabColor",
            }
        },
    )
    props = [s["properties"] for s in sh.fetch_sheet_metadata()["sheets"]]
    assert [(p["title"], p["index"]) for p in props] == [("C", 0), ("Sheet1", 1), ("B", 2)]
    assert props[0]["tabColorStyle"] == {"rgbColor": {"red": 1}}
    error = error_of(
        lambda: batch(
            sh, {"updateSheetProperties": {"properties": {"sheetId": 1, "title": "c"}, "fields": "title"}}
        )
    )
    assert error["message"].endswith('A sheet with the name "c" already exists. Please enter another name.')


def test_update_dimension_properties_and_auto_resize(sh: gspread.Spreadsheet, emulator: Emulator) -> None:
    batch(
        sh,
        {
            "updateDimensionProperties": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 2},
                "properties": {"pixelSize": 240},
                "fields": "pixelSize",
            }
        },
        {
            "autoResizeDimensions": {
                "dimensions": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 2, "endIndex": 4}
            }
        },
    )
    columns = sh.fetch_sheet_metadata(
        {"ranges": "Sheet1!A1:C1", "fields": "sheets.data.columnMetadata.pixelSize"}
    )
    assert columns["sheets"][0]["data"][0]["columnMetadata"] == [
        {"pixelSize": 240},
        {"pixelSize": 240},
        {"pixelSize": 100},
    ]
    error = error_of(
        lambda: batch(
            sh,
            {
                "updateDimensionProperties": {
                    "range": {"sheetId": 0, "dimension": "ROWS"},
                    "properties": {"developerMetadata": []},
                    "fields": "developerMetadata",
                }
            },
        )
    )
    assert "supports only pixelSize and hiddenByUser" in error["message"]

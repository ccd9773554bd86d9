"""The PM's one-liners (drag a column, duplicate a tab, filter, hide, merge, paste, sort, type as in the UI), read
back through gspread as the sync reads them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import gspread
import pytest

from sheets_emulator import PM, Emulator, PMRefused
from sheets_emulator.testing import ManualClock

TABLE = [
    ["id", "priority", "status"],
    ["s1", "low", "open"],
    ["s2", "high", "done"],
    ["s3", "medium", "open"],
]


@pytest.fixture
def emulator(clock: ManualClock) -> Emulator:
    return Emulator(clock=clock, sleep=clock.sleep, today=lambda: dt.date(2026, 5, 17))


@pytest.fixture
def ws(sh: gspread.Spreadsheet) -> gspread.Worksheet:
    sh.sheet1.update(TABLE, "A1")
    return sh.sheet1


@pytest.fixture
def pm(emulator: Emulator, spreadsheet_id: str, ws: gspread.Worksheet) -> PM:
    return emulator.pm(spreadsheet_id)


def dropdown(sh: gspread.Spreadsheet, a1_range: str, values: list[str], *, strict: bool) -> None:
    ws = sh.sheet1
    rows = ws.range(a1_range)
    grid: dict[str, Any] = {
        "sheetId": ws.id,
        "startRowIndex": rows[0].row - 1,
        "endRowIndex": rows[-1].row,
        "startColumnIndex": rows[0].col - 1,
        "endColumnIndex": rows[-1].col,
    }
    condition = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in values]}
    sh.batch_update(
        {
            "requests": [
                {"setDataValidation": {"range": grid, "rule": {"condition": condition, "strict": strict}}}
            ]
        }
    )


def test_drag_a_column(pm: PM, ws: gspread.Worksheet) -> None:
    pm.move_columns("Sheet1", "C", before="A")
    assert ws.row_values(1) == ["status", "id", "priority"]
    pm.move_columns("Sheet1", "A", before="D")  # and back to the right of "priority"
    assert ws.row_values(1) == ["id", "priority", "status"]


def test_drag_rows(pm: PM, ws: gspread.Worksheet) -> None:
    pm.move_rows("Sheet1", 4, before=2)
    assert ws.col_values(1) == ["id", "s3", "s1", "s2"]


def test_duplicate_a_tab_lands_next_to_it(pm: PM, sh: gspread.Spreadsheet) -> None:
    sh.add_worksheet("Last", 5, 5)
    assert pm.duplicate_tab("Sheet1") == "Copy of Sheet1"
    assert [w.title for w in sh.worksheets()] == ["Sheet1", "Copy of Sheet1", "Last"]
    assert sh.worksheet("Copy of Sheet1").get_all_values() == TABLE
    assert pm.duplicate_tab("Sheet1", "Mine") == "Mine"


def test_filter_hides_rows_the_values_api_still_reads(
    pm: PM, sh: gspread.Spreadsheet, ws: gspread.Worksheet
) -> None:
    pm.set_filter("Sheet1", "A1:C4", hide={"C": ["done"]})
    meta = sh.fetch_sheet_metadata(
        {"ranges": "Sheet1!A1:A4", "fields": "sheets(basicFilter,data.rowMetadata)"}
    )
    sheet = meta["sheets"][0]
    assert sheet["basicFilter"]["filterSpecs"] == [
        {"columnIndex": 2, "filterCriteria": {"hiddenValues": ["done"]}}
    ]
    assert [r.get("hiddenByFilter", False) for r in sheet["data"][0]["rowMetadata"]] == [
        False,
        False,
        True,
        False,
    ]
    assert ws.get_all_values() == TABLE
    pm.clear_filter("Sheet1")
    assert "basicFilter" not in sh.fetch_sheet_metadata()["sheets"][0]
    assert pm.add_filter_view("Sheet1", "A1:C4", name="Open") > 0


def test_hide_rows_columns_and_tabs(pm: PM, sh: gspread.Spreadsheet, ws: gspread.Worksheet) -> None:
    pm.hide_rows("Sheet1", 2, count=2)
    pm.hide_columns("Sheet1", "B")
    data = sh.fetch_sheet_metadata(
        {"ranges": "Sheet1!A1:B3", "fields": "sheets.data(rowMetadata,columnMetadata)"}
    )
    grid = data["sheets"][0]["data"][0]
    assert [r.get("hiddenByUser", False) for r in grid["rowMetadata"]] == [False, True, True]
    assert [c.get("hiddenByUser", False) for c in grid["columnMetadata"]] == [False, True]
    ws.update([["urgent"]], "B2")  # a hidden cell still takes a write
    assert ws.acell("B2").value == "urgent"
    with pytest.raises(PMRefused, match="You can't hide all the sheets"):
        pm.hide_tab("Sheet1")


def test_merge_keeps_the_top_left_value(pm: PM, ws: gspread.Worksheet) -> None:
    pm.merge("Sheet1", "B2:C3")
    assert ws.get("B2:C3") == [["low"]]


def test_paste_a_block_types_each_value(pm: PM, ws: gspread.Worksheet) -> None:
    pm.paste_block("Sheet1", "A5", [["s4", "30%", "3/4"], ["s5", "'0012", "=1+1"]])
    assert ws.get("A5:C6", value_render_option="FORMULA") == [["s4", 0.3, 46085], ["s5", "0012", "=1+1"]]


def test_copy_and_cut_paste(pm: PM, ws: gspread.Worksheet) -> None:
    pm.copy_paste("Sheet1", "A2:C2", "A6", values_only=True)
    pm.cut_paste("Sheet1", "A3:C3", "A7")
    assert ws.get("A6:C7") == [TABLE[1], TABLE[2]]
    assert ws.row_values(3) == []


def test_sort_with_the_header_row_marked_keeps_it_on_top(pm: PM, ws: gspread.Worksheet) -> None:
    pm.sort_range("Sheet1", "A1:C4", "B", header_rows=1)
    assert ws.col_values(2) == ["priority", "high", "low", "medium"]


def test_sort_with_the_header_row_selected_but_not_marked_sorts_it_in(pm: PM, ws: gspread.Worksheet) -> None:
    pm.sort_range("Sheet1", "A1:C4", "B")
    assert ws.col_values(2) == ["high", "low", "medium", "priority"]


def test_typing_dates_as_en_us(pm: PM) -> None:
    pm.set_cell("Sheet1", "D1", "3/4/2026")
    pm.set_cell("Sheet1", "D2", "3/4")  # the year comes from Emulator(today=...)
    pm.set_cell("Sheet1", "D3", "12/31/99")
    assert [pm.value("Sheet1", c) for c in ("D1", "D2", "D3")] == [46085, 46085, 36525]
    assert pm.formatted("Sheet1", "D2") == "3/4/2026"


def test_a_year_less_date_follows_the_injected_today() -> None:
    emulator = Emulator(today=lambda: dt.date(2031, 1, 1))
    spreadsheet_id = emulator.create_spreadsheet("later")
    pm = emulator.pm(spreadsheet_id)
    pm.set_cell("Sheet1", "A1", "3/4")
    assert pm.formatted("Sheet1", "A1") == "3/4/2031"


def test_a_plain_text_cell_keeps_what_is_typed(pm: PM, ws: gspread.Worksheet) -> None:
    ws.format("D1:D3", {"numberFormat": {"type": "TEXT"}})
    for cell, text in (("D1", "0012"), ("D2", "3/4"), ("D3", "=1+1")):
        pm.set_cell("Sheet1", cell, text)
    assert ws.get("D1:D3", value_render_option="UNFORMATTED_VALUE") == [["0012"], ["3/4"], ["=1+1"]]


def test_a_leading_apostrophe_forces_text(pm: PM) -> None:
    pm.set_cell("Sheet1", "D1", "'1e5")
    assert pm.value("Sheet1", "D1") == "1e5"


def test_a_strict_dropdown_refuses_a_value_outside_its_list(
    pm: PM, sh: gspread.Spreadsheet, ws: gspread.Worksheet
) -> None:
    dropdown(sh, "B2:B4", ["low", "medium", "high"], strict=True)
    with pytest.raises(PMRefused, match="violates the data validation rules"):
        pm.set_cell("Sheet1", "B2", "urgent")
    assert ws.acell("B2").value == "low"
    pm.set_cell("Sheet1", "B2", "High")  # list entries match ignoring case
    pm.set_cell("Sheet1", "B3", "")  # emptying is always allowed
    assert ws.get("B2:B3") == [["High"]]
    with pytest.raises(PMRefused):
        pm.paste_block("Sheet1", "B3", [["medium"], ["nope"]])
    assert ws.acell("B3").value is None


def test_a_warning_dropdown_takes_any_value(pm: PM, sh: gspread.Spreadsheet, ws: gspread.Worksheet) -> None:
    dropdown(sh, "B2:B4", ["low", "high"], strict=False)
    pm.set_cell("Sheet1", "B2", "urgent")
    assert ws.acell("B2").value == "urgent"


def test_api_writes_under_a_strict_dropdown_are_refused_whole(
    sh: gspread.Spreadsheet, ws: gspread.Worksheet
) -> None:
    dropdown(sh, "B2:B4", ["low", "medium", "high"], strict=True)
    with pytest.raises(gspread.exceptions.APIError) as raised:
        ws.update([["medium", "x"], ["urgent", "y"]], "B2")
    assert raised.value.error["message"] == (
        "The data you entered in cell B3 violates the data validation rules set on this cell."
    )
    assert ws.get_all_values() == TABLE


def test_find_replace_in_one_tab(pm: PM, ws: gspread.Worksheet) -> None:
    assert pm.find_replace("open", "todo", "Sheet1") == {
        "valuesChanged": 2,
        "rowsChanged": 2,
        "sheetsChanged": 1,
        "occurrencesChanged": 2,
    }
    assert ws.col_values(3) == ["status", "todo", "done", "todo"]


def test_insert_and_delete_cells_columns_and_groups(
    pm: PM, sh: gspread.Spreadsheet, ws: gspread.Worksheet
) -> None:
    pm.insert_cells("Sheet1", "B2:B2", shift="down")
    assert ws.col_values(2) == ["priority", "", "low", "high", "medium"]
    pm.delete_cells("Sheet1", "B2:B2", shift="up")
    pm.insert_columns("Sheet1", "B")
    assert ws.row_values(1) == ["id", "", "priority", "status"]
    pm.delete_columns("Sheet1", "B")
    pm.group_rows("Sheet1", 2, count=3)
    assert ws.list_dimension_group_rows()[0]["range"]["startIndex"] == 1
    assert ws.get_all_values() == TABLE

"""gspread's public API against the in-process emulator, checked against what Google answers (the expected
values come from the recordings in ../shared/fixtures/sheets-api/gspread-cassettes where they exist)."""

from __future__ import annotations

from typing import Literal

import gspread
import pytest
from gspread.utils import (
    DateTimeOption,
    Dimension,
    ValidationConditionType,
    ValueInputOption,
    ValueRenderOption,
)

from sheets_emulator import Emulator

GRID = [["A1", "B1", "", "D1"], ["", "b2", "", ""], ["", "", "", ""], ["A4", "B4", "", "D4"]]


def test_open_by_key_reads_a_new_spreadsheet_like_google(sh: gspread.Spreadsheet) -> None:
    sheet = sh.sheet1
    assert (sheet.id, sheet.title, sheet.index, sheet.row_count, sheet.col_count) == (
        0,
        "Sheet1",
        0,
        1000,
        26,
    )
    assert sh.title == "Test"


def test_unknown_spreadsheet_raises_spreadsheet_not_found(gc: gspread.Client) -> None:
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open_by_key("does-not-exist")


def test_update_then_get_leaves_out_trailing_empties(ws: gspread.Worksheet) -> None:
    result = ws.update(GRID, "A1")
    assert result["updatedRange"] == "Sheet1!A1:D4"
    assert (result["updatedRows"], result["updatedColumns"], result["updatedCells"]) == (4, 4, 16)
    assert ws.get("A1:D4") == [["A1", "B1", "", "D1"], ["", "b2"], [], ["A4", "B4", "", "D4"]]
    assert ws.get_all_values() == GRID


def test_add_and_delete_worksheets(sh: gspread.Spreadsheet) -> None:
    first = sh.add_worksheet("test_add_del_worksheet 1", rows=1, cols=1)
    second = sh.add_worksheet("test_add_del_worksheet 2", rows=1, cols=1)
    assert [w.title for w in sh.worksheets()] == [
        "Sheet1",
        "test_add_del_worksheet 1",
        "test_add_del_worksheet 2",
    ]
    assert (second.index, second.row_count, second.col_count) == (2, 1, 1)
    sh.del_worksheet(first)
    assert [(w.title, w.index) for w in sh.worksheets()] == [("Sheet1", 0), ("test_add_del_worksheet 2", 1)]


def test_duplicate_sheet_title_is_googles_400(sh: gspread.Spreadsheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        sh.add_worksheet("sheet1", rows=5, cols=5)
    assert raised.value.response.status_code == 400
    assert raised.value.error["message"] == (
        'Invalid requests[0].addSheet: A sheet with the name "sheet1" already exists. '
        "Please enter another name."
    )


def test_batch_update_and_batch_get(ws: gspread.Worksheet) -> None:
    result = ws.batch_update(
        [
            {"range": "A1:D1", "values": [["A1", "B1", "", "D1"]]},
            {"range": "A4:D4", "values": [["A4", "B4", "", "D4"]]},
        ]
    )
    assert (result["totalUpdatedRows"], result["totalUpdatedColumns"], result["totalUpdatedCells"]) == (
        2,
        4,
        8,
    )
    assert [r["updatedRange"] for r in result["responses"]] == ["Sheet1!A1:D1", "Sheet1!A4:D4"]
    ranges = ws.batch_get(["A1:B1", "B4:D4"])
    assert [r.range for r in ranges] == ["Sheet1!A1:B1", "Sheet1!B4:D4"]
    assert ranges == [[["A1", "B1"]], [["B4", "", "D4"]]]


def test_values_get_quotes_titles_only_when_needed(sh: gspread.Spreadsheet) -> None:
    cactus = sh.add_worksheet("🌵 test_values_get 1", rows=10, cols=10)
    cactus.update([["🍇", "🍉", "🍋"], ["🍐", "🍎", "🍓"]], "A1")
    whole = sh.values_get("🌵 test_values_get 1")
    assert whole["range"] == "'🌵 test_values_get 1'!A1:J10"
    assert sh.values_get("'Sheet1'!A1:1")["range"] == "Sheet1!A1:Z1"
    assert sh.values_batch_get(["🌵 test_values_get 1!A:A"])["valueRanges"][0] == {
        "range": "'🌵 test_values_get 1'!A1:A10",
        "majorDimension": "ROWS",
        "values": [["🍇"], ["🍐"]],
    }


def test_empty_range_has_no_values_key(sh: gspread.Spreadsheet) -> None:
    assert sh.values_get("Sheet1!C2:E2") == {"range": "Sheet1!C2:E2", "majorDimension": "ROWS"}


def test_value_render_options(ws: gspread.Worksheet) -> None:
    """WorksheetTest.test_get_all_values_date_time_render_options, answered as Google did."""
    ws.resize(2, 4)
    ws.update([["=4/2", "2020-01-01", "string", 53], ["=3/2", 0.12, "1999-01-02", ""]], "A1:D2", raw=False)
    unformatted = ws.get_values(value_render_option=ValueRenderOption.unformatted)
    assert unformatted == [[2, 43831, "string", 53], [1.5, 0.12, 36162, ""]]
    formatted = ws.get_values(value_render_option=ValueRenderOption.formatted)
    assert formatted == [["2", "2020-01-01", "string", "53"], ["1.5", "0.12", "1999-01-02", ""]]
    formulas = ws.get_values(value_render_option=ValueRenderOption.formula)
    assert formulas == [["=4/2", 43831, "string", 53], ["=3/2", 0.12, 36162, ""]]
    as_strings = ws.get_values(
        value_render_option=ValueRenderOption.unformatted,
        date_time_render_option=DateTimeOption.formatted_string,
    )
    assert as_strings[0][1] == "2020-01-01"


def test_raw_keeps_text_and_user_entered_parses_it(ws: gspread.Worksheet) -> None:
    texts = [
        "6.10",
        "0012",
        '=IMPORTXML("http://x","//a")',
        "+1 555 0100",
        "1e5",
        "TRUE",
        "2026-01-20",
        "30%",
    ]
    ws.update([texts], "A1", value_input_option=ValueInputOption.raw)
    assert ws.get_values("A1:H1", value_render_option=ValueRenderOption.unformatted) == [texts]
    ws.update([texts], "A2", value_input_option=ValueInputOption.user_entered)
    parsed = ws.get_values("A2:H2", value_render_option=ValueRenderOption.unformatted)[0]
    assert parsed[:2] == [6.1, 12]
    assert parsed[3:] == ["+1 555 0100", 100000, True, 46042, 0.3]
    assert ws.get_values("A2:H2", value_render_option=ValueRenderOption.formula)[0][2] == texts[2]
    assert ws.get_values("H2")[0][0] == "30%"


def test_percent_and_number_formats_render(ws: gspread.Worksheet) -> None:
    ws.update([[0.3, 1234.5, 1.0, 0.5]], "A1")
    ws.format("A1", {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}})
    ws.format("B1", {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}})
    assert ws.get_values("A1:D1") == [["30.0%", "1,234.50", "1", "0.5"]]
    assert ws.get_values("A1:D1", value_render_option=ValueRenderOption.unformatted) == [
        [0.3, 1234.5, 1, 0.5]
    ]


def test_major_dimension_columns(ws: gspread.Worksheet) -> None:
    ws.update([["a", "b"], ["c"]], "A1", major_dimension=Dimension.cols)
    assert ws.get_all_values() == [["a", "c"], ["b", ""]]
    assert ws.get("A1:B2", major_dimension=Dimension.cols) == [["a", "b"], ["c"]]


def test_append_rows_finds_the_table(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    first = ws.append_rows([["r1c1", "r1c2"]])
    assert "tableRange" not in first and first["updates"]["updatedRange"] == "Sheet1!A1:B1"
    second = ws.append_rows([["r2c1", "r2c2"], ["r3c1"]])
    assert second["tableRange"] == "Sheet1!A1:B1"
    assert second["updates"]["updatedRange"] == "Sheet1!A2:B3"
    assert ws.get_all_values() == [["r1c1", "r1c2"], ["r2c1", "r2c2"], ["r3c1", ""]]


def test_append_past_the_grid_adds_rows(sh: gspread.Spreadsheet) -> None:
    small = sh.add_worksheet("small", rows=2, cols=2)
    small.append_rows([["a"], ["b"], ["c"], ["d", "e", "f"]])
    small = sh.worksheet("small")
    assert (small.row_count, small.col_count) == (4, 3)


def test_clear_and_batch_clear_keep_formats(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.update([["12345", "ThisIsText"]], "A1:B1")
    ws.update([["5678", "Second", "Text"]], "C2:E2")
    ws.format("A1", {"textFormat": {"bold": True}})
    cleared = ws.batch_clear(["A1:B1", "C2:E2"])
    assert cleared["clearedRanges"] == ["Sheet1!A1:B1", "Sheet1!C2:E2"]
    assert ws.get("A1:B1") == [[]] and ws.get("C2:E2") == [[]]  # gspread turns "no values" into [[]]
    ws.update([["x"]], "A1")
    assert ws.clear()["clearedRange"] == "Sheet1!A1:Z1000"
    assert ws.get_all_values() == [[]]
    fmt = sh.fetch_sheet_metadata(
        {"ranges": "Sheet1!A1", "fields": "sheets.data.rowData.values.userEnteredFormat"}
    )
    assert fmt["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"]["textFormat"] == {
        "bold": True
    }


def test_freeze_and_unfreeze(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.freeze(rows=2)
    ws.freeze(cols=1)
    grid = sh.fetch_sheet_metadata()["sheets"][0]["properties"]["gridProperties"]
    assert grid == {"rowCount": 1000, "columnCount": 26, "frozenRowCount": 2, "frozenColumnCount": 1}
    ws.freeze(0, 0)
    grid = sh.fetch_sheet_metadata()["sheets"][0]["properties"]["gridProperties"]
    assert grid == {"rowCount": 1000, "columnCount": 26}


def test_format_echoes_color_styles(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    """WorksheetTest.test_format: Google adds backgroundColorStyle / foregroundColorStyle twins."""
    ws.format(
        "A2:B2",
        {
            "backgroundColor": {"green": 1, "blue": 1},
            "horizontalAlignment": "CENTER",
            "textFormat": {"foregroundColor": {"red": 1, "green": 1}, "fontSize": 12, "bold": True},
        },
    )
    meta = sh.fetch_sheet_metadata(
        {"ranges": "Sheet1!A2", "fields": "sheets.data.rowData.values.userEnteredFormat"}
    )
    assert meta == {
        "sheets": [
            {
                "data": [
                    {
                        "rowData": [
                            {
                                "values": [
                                    {
                                        "userEnteredFormat": {
                                            "backgroundColor": {"green": 1, "blue": 1},
                                            "horizontalAlignment": "CENTER",
                                            "textFormat": {
                                                "foregroundColor": {"red": 1, "green": 1},
                                                "fontSize": 12,
                                                "bold": True,
                                                "foregroundColorStyle": {"rgbColor": {"red": 1, "green": 1}},
                                            },
                                            "backgroundColorStyle": {"rgbColor": {"green": 1, "blue": 1}},
                                        }
                                    }
                                ]
                            }
                        ]
                    }
                ]
            }
        ]
    }


def test_add_protected_range_warning_only(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    reply = ws.add_protected_range("A1:B2", warning_only=True)
    protected = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    assert protected["range"] == {
        "startRowIndex": 0,
        "endRowIndex": 2,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    assert protected["warningOnly"] is True and isinstance(protected["protectedRangeId"], int)
    listed = sh.fetch_sheet_metadata()["sheets"][0]["protectedRanges"]
    assert [p["protectedRangeId"] for p in listed] == [protected["protectedRangeId"]]


def test_update_title_keeps_the_sheet_id(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.update_title("D3")
    assert [(w.id, w.title) for w in sh.worksheets()] == [(0, "D3")]
    ws.update([["x"]], "A1")
    assert sh.values_get("'D3'!A1:B2")["range"] == "'D3'!A1:B2"
    sh.update_title("🎊 Updated Title #123 🎉")
    assert sh.fetch_sheet_metadata()["properties"]["title"] == "🎊 Updated Title #123 🎉"


def test_resize(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.update([["keep", "gone"], ["gone too"]], "A1")
    ws.resize(rows=1, cols=1)
    assert (ws.row_count, ws.col_count) == (1, 1)
    ws.resize(rows=5, cols=3)
    assert sh.worksheet("Sheet1").get_all_values() == [["keep"]]


def test_insert_rows_shifts_contents(ws: gspread.Worksheet) -> None:
    ws.update([["r1"], ["r2"], ["r3"]], "A1")
    ws.insert_rows([["new a", "new b"]], row=2)
    assert ws.get_all_values() == [["r1", ""], ["new a", "new b"], ["r2", ""], ["r3", ""]]
    ws.update_acell("B3", "=1+1")
    ws.insert_row(["top"], index=1)
    assert ws.acell("B4", value_render_option=ValueRenderOption.formula).value == "=1+1"


def test_delete_rows(ws: gspread.Worksheet) -> None:
    ws.update([[f"row {n}"] for n in range(1, 6)], "A1")
    ws.delete_rows(2, 3)
    assert ws.get_all_values() == [["row 1"], ["row 4"], ["row 5"]]
    assert ws.row_count == 998


def test_sort_like_google(ws: gspread.Worksheet) -> None:
    """WorksheetTest.test_sort: the recorded orders."""
    ws.resize(6, 3)
    rows = [
        ["Apple", "2012", "4"],
        ["Banana", "2013", "3"],
        ["Canada", "2007", "1"],
        ["Dinosaur", "2013", "6"],
        ["Elephant", "2019", "2"],
        ["Fox", "2077", "5"],
    ]
    ws.update(rows, "A1:C6")
    ws.sort((3, "asc"))
    assert [r[0] for r in ws.get_all_values()] == ["Canada", "Elephant", "Banana", "Apple", "Fox", "Dinosaur"]
    ws.sort((1, "des"))
    assert [r[0] for r in ws.get_all_values()] == ["Fox", "Elephant", "Dinosaur", "Canada", "Banana", "Apple"]
    ws.sort((2, "asc"), (3, "asc"))
    assert [r[0] for r in ws.get_all_values()] == ["Canada", "Apple", "Banana", "Dinosaur", "Elephant", "Fox"]
    ws.sort((3, "des"), range="A2:C6")
    assert [r[0] for r in ws.get_all_values()] == ["Canada", "Dinosaur", "Fox", "Apple", "Banana", "Elephant"]


def test_sort_puts_empty_cells_last_and_numbers_before_text(ws: gspread.Worksheet) -> None:
    ws.update([[10], [""], ["b"], [2], ["A"], [True]], "A1", value_input_option=ValueInputOption.user_entered)
    orders: list[tuple[Literal["asc", "des"], list[str]]] = [
        ("asc", ["2", "10", "A", "b", "TRUE"]),
        ("des", ["TRUE", "b", "A", "10", "2"]),
    ]
    for order, expected in orders:
        ws.sort((1, order), range="A1:A6")
        assert ws.col_values(1) == expected  # the empty cell went to row 6 both times


def test_notes(ws: gspread.Worksheet) -> None:
    """WorksheetTest.test_worksheet_notes."""
    assert ws.get_note("A1") == ""
    ws.update_note("A1", "slim shaddy")
    assert ws.get_note("A1") == "slim shaddy"
    ws.update_notes({"A1": "read my note", "B2": "Or don't"})
    assert (ws.get_note("A1"), ws.get_note("B2")) == ("read my note", "Or don't")
    ws.clear_note("A1")
    assert ws.get_note("A1") == ""
    assert ws.get_notes() == [[], ["", "Or don't"]]


def test_data_validation_is_stored_and_returned(ws: gspread.Worksheet, sh: gspread.Spreadsheet) -> None:
    ws.add_validation(
        "A1:A3", ValidationConditionType.one_of_list, ["high", "low"], showCustomUi=True, strict=True
    )
    meta = sh.fetch_sheet_metadata(
        {"ranges": "Sheet1!A1:A4", "fields": "sheets.data.rowData.values.dataValidation"}
    )
    rows = meta["sheets"][0]["data"][0]["rowData"]
    assert len(rows) == 3
    assert rows[0]["values"][0]["dataValidation"] == {
        "condition": {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": "high"}, {"userEnteredValue": "low"}],
        },
        "strict": True,
        "showCustomUi": True,
    }


def test_writing_past_the_grid_is_googles_400(sh: gspread.Spreadsheet) -> None:
    small = sh.add_worksheet("tiny", rows=2, cols=2)
    with pytest.raises(gspread.exceptions.APIError) as raised:
        small.update([["a", "b", "c"]], "A1")
    assert raised.value.response.status_code == 400
    assert (
        raised.value.error["message"] == "Range (tiny!A1:C1) exceeds grid limits. Max rows: 2, max columns: 2"
    )


def test_values_batch_update_is_all_or_nothing(ws: gspread.Worksheet, emulator: Emulator) -> None:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        ws.batch_update([{"range": "A1", "values": [["written first"]]}, {"range": "AA1", "values": [["x"]]}])
    assert raised.value.error["message"] == (
        "Range (Sheet1!AA1) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    assert ws.get_all_values() == [[]]
    assert emulator.requests[-1]["applied"] is False


def test_data_must_fit_a_bounded_range(ws: gspread.Worksheet) -> None:
    """A range with two corners is a box; a single cell is only where the data starts."""
    with pytest.raises(gspread.exceptions.APIError) as raised:
        ws.update([["a", "b", "c"]], "A1:B1")
    assert raised.value.error["message"] == (
        "Requested writing within range [Sheet1!A1:B1], but tried writing to column [C]"
    )
    with pytest.raises(gspread.exceptions.APIError) as raised:
        ws.update([["a"], ["b"]], "A1:B1")
    assert raised.value.error["message"] == (
        "Requested writing within range [Sheet1!A1:B1], but tried writing to row [2]"
    )
    ws.update([["a", "b", "c"], ["d"]], "A1")
    assert ws.get_all_values() == [["a", "b", "c"], ["d", "", ""]]


def test_a_range_in_the_body_must_repeat_the_urls(ws: gspread.Worksheet) -> None:
    """Google compares the two texts: ``A1`` and ``Sheet1!A1`` name the same cell but do not match."""
    params = {"valueInputOption": "RAW"}
    ws.client.values_update(
        ws.spreadsheet_id, "Sheet1!A1", params, {"range": "Sheet1!A1", "values": [["ok"]]}
    )
    with pytest.raises(gspread.exceptions.APIError) as raised:
        ws.client.values_update(ws.spreadsheet_id, "Sheet1!A1", params, {"range": "A1", "values": [["no"]]})
    assert raised.value.error["message"] == "Request range[Sheet1!A1] does not match value's range[A1]"
    assert ws.get_all_values() == [["ok"]]


def test_values_must_be_a_list_of_lists(ws: gspread.Worksheet) -> None:
    """WorksheetTest.test_add_validation records this exact 400."""
    with pytest.raises(gspread.exceptions.APIError) as raised:
        ws.client.values_update(
            ws.spreadsheet_id, "'Sheet1'!A1", {"valueInputOption": "RAW"}, {"values": "X"}
        )
    assert raised.value.error["message"] == (
        "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\""
    )


def test_text_over_50000_characters_is_refused(ws: gspread.Worksheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        ws.update([["x" * 50_001]], "A1")
    assert "maximum of 50000 characters in a single cell" in raised.value.error["message"]
    ws.update([["x" * 50_000]], "A1")
    assert len(ws.acell("A1").value or "") == 50_000


def test_gspread_create_and_open_by_title_use_the_emulated_drive(emulator: Emulator) -> None:
    gc = emulator.gspread_client()
    created = gc.create("Made by gspread")
    assert gc.open("Made by gspread").id == created.id
    assert created.sheet1.title == "Sheet1"
    gc.del_spreadsheet(created.id)
    assert created.id not in emulator.spreadsheet_ids

"""The PM at the keyboard: edits behind the API's back that move what is attached to rows, as the Sheets UI
does."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_emulator import Emulator
from sheets_emulator.testing import emulator_with_client

KEY = "row-id"


def setup_table(sh: gspread.Spreadsheet) -> None:
    """Rows 1..4: a header and three suggestions with notes, a priority dropdown and one metadata per row."""
    sh.sheet1.update([["id", "priority"], ["s1", "low"], ["s2", "high"], ["s3", "medium"]], "A1")
    requests: list[dict[str, Any]] = [
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": KEY,
                    "metadataValue": f"s{row}",
                    "location": {
                        "dimensionRange": {
                            "sheetId": 0,
                            "dimension": "ROWS",
                            "startIndex": row,
                            "endIndex": row + 1,
                        }
                    },
                    "visibility": "DOCUMENT",
                }
            }
        }
        for row in (1, 2, 3)
    ]
    requests.append(
        {
            "setDataValidation": {
                "range": {
                    "sheetId": 0,
                    "startRowIndex": 1,
                    "endRowIndex": 3,
                    "startColumnIndex": 1,
                    "endColumnIndex": 2,
                },
                "rule": {
                    "condition": {
                        "type": "ONE_OF_LIST",
                        "values": [{"userEnteredValue": "low"}, {"userEnteredValue": "high"}],
                    }
                },
            }
        }
    )
    requests.append(
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": {
                        "sheetId": 0,
                        "startRowIndex": 1,
                        "endRowIndex": 4,
                        "startColumnIndex": 0,
                        "endColumnIndex": 1,
                    },
                    "warningOnly": True,
                }
            }
        }
    )
    sh.batch_update({"requests": requests})
    sh.sheet1.update_notes({"A2": "note s1", "A3": "note s2"})


def metadata_rows(emulator: Emulator, spreadsheet_id: str) -> dict[str, int]:
    return {
        m["metadataValue"]: m["location"]["dimensionRange"]["startIndex"]
        for m in emulator.spreadsheet(spreadsheet_id).developer_metadata
    }


def test_set_cell_types_like_a_user(emulator: Emulator, sh: gspread.Spreadsheet) -> None:
    pm = emulator.pm(sh.id)
    pm.set_cell("Sheet1", "B7", "30%")
    pm.set_cell("Sheet1", "C7", "6.10")
    pm.set_cell("Sheet1", "D7", "'0012")
    pm.set_cell("Sheet1", "E7", "=SUM(A1:A2)")
    assert sh.sheet1.get_values("B7:E7") == [["30%", "6.1", "0012", "=SUM(A1:A2)"]]
    assert pm.get_values("Sheet1")[6] == ["", 0.3, 6.1, "0012", "=SUM(A1:A2)"]
    pm.set_cell("Sheet1", "B7", "")
    assert pm.value("Sheet1", "B7") is None
    assert emulator.count() == 3  # gspread's two reads and one open; PM edits are not API requests


def test_sort_moves_notes_validation_and_row_metadata(emulator: Emulator, sh: gspread.Spreadsheet) -> None:
    setup_table(sh)
    pm = emulator.pm(sh.id)
    pm.sort_range("Sheet1", "A2:B4", column="B")  # high, low, medium
    assert pm.get_values("Sheet1") == [["id", "priority"], ["s2", "high"], ["s1", "low"], ["s3", "medium"]]
    assert (pm.note("Sheet1", "A2"), pm.note("Sheet1", "A3"), pm.note("Sheet1", "A4")) == (
        "note s2",
        "note s1",
        None,
    )
    book = emulator.spreadsheet(sh.id).sheets[0]
    assert [book.cell(r, 1).validation is not None for r in (1, 2, 3)] == [True, True, False]
    assert metadata_rows(emulator, sh.id) == {"s1": 2, "s2": 1, "s3": 3}
    (protected,) = book.protected_ranges
    assert (protected["range"]["startRowIndex"], protected["range"]["endRowIndex"]) == (1, 4)  # ranges stay


def test_sort_can_leave_row_metadata_in_place() -> None:
    """Emulator(sort_moves_row_metadata=False): the other plausible Google behaviour, for robustness tests."""
    emulator, gc, spreadsheet_id = emulator_with_client()
    emulator.options.sort_moves_row_metadata = False
    sh = gc.open_by_key(spreadsheet_id)
    setup_table(sh)
    emulator.pm(spreadsheet_id).sort_range("Sheet1", "A2:B4", column=1, descending=True)
    assert metadata_rows(emulator, spreadsheet_id) == {"s1": 1, "s2": 2, "s3": 3}
    assert emulator.pm(spreadsheet_id).get_values("Sheet1")[1] == ["s3", "medium"]


def test_insert_rows_shifts_everything_attached(emulator: Emulator, sh: gspread.Spreadsheet) -> None:
    setup_table(sh)
    pm = emulator.pm(sh.id)
    pm.insert_rows("Sheet1", 3, count=2)  # above s2
    assert [row[0] if row else "" for row in pm.get_values("Sheet1")] == ["id", "s1", "", "", "s2", "s3"]
    assert pm.note("Sheet1", "A5") == "note s2"
    assert metadata_rows(emulator, sh.id) == {"s1": 1, "s2": 4, "s3": 5}
    sheet = emulator.spreadsheet(sh.id).sheets[0]
    (protected,) = sheet.protected_ranges
    assert (protected["range"]["startRowIndex"], protected["range"]["endRowIndex"]) == (1, 6)
    assert sheet.cell(2, 1).validation is not None  # the new rows inherit the row above's dropdown
    assert sheet.row_count == 1002


def test_delete_rows_drops_their_notes_and_metadata(emulator: Emulator, sh: gspread.Spreadsheet) -> None:
    setup_table(sh)
    pm = emulator.pm(sh.id)
    pm.delete_rows("Sheet1", 2)
    assert pm.get_values("Sheet1") == [["id", "priority"], ["s2", "high"], ["s3", "medium"]]
    assert pm.note("Sheet1", "A2") == "note s2"
    assert metadata_rows(emulator, sh.id) == {"s2": 1, "s3": 2}
    (protected,) = emulator.spreadsheet(sh.id).sheets[0].protected_ranges
    assert (protected["range"]["startRowIndex"], protected["range"]["endRowIndex"]) == (1, 3)


def test_rename_tab_keeps_sheet_id(emulator: Emulator, sh: gspread.Spreadsheet) -> None:
    pm = emulator.pm(sh.id)
    pm.rename_tab("Sheet1", "Renamed by PM")
    assert [(w.id, w.title) for w in sh.worksheets()] == [(0, "Renamed by PM")]
    sh.add_worksheet("Other", 5, 5)
    with pytest.raises(ValueError):
        pm.rename_tab("Other", "renamed by pm")


def test_pm_refuses_cells_outside_the_grid(emulator: Emulator, sh: gspread.Spreadsheet) -> None:
    with pytest.raises(ValueError):
        emulator.pm(sh.id).set_cell("Sheet1", "AA1", "x")
    with pytest.raises(ValueError):
        emulator.pm(sh.id).delete_rows("Sheet1", 1000, count=2)


def test_state_accessors_for_assertions(emulator: Emulator, sh: gspread.Spreadsheet) -> None:
    setup_table(sh)
    sheet = emulator.spreadsheet(sh.id).sheets[0]
    assert sheet.notes() == {"A2": "note s1", "A3": "note s2"}
    assert sorted(sheet.data_validation()) == ["B2", "B3"]
    assert [m["metadataValue"] for m in emulator.spreadsheet(sh.id).metadata_on(0)] == ["s1", "s2", "s3"]
    assert emulator.spreadsheet(sh.id).metadata_on(1) == []

"""spreadsheets.get and getByDataFilter answers built from the tabs' memoized text (``sheets_emulator.answers``) are
the very bytes of the answer built afresh (``emu.options.cache_answers = False``), after every kind of change: PM
actions, API writes of values, formats, metadata and dimensions, a batch that fails and is undone, and changes made
through the live state; and a change to one tab rebuilds that tab's text only."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_emulator import PM, Emulator
from sheets_emulator.errors import ApiError
from sheets_sync.sync.api_json import METADATA_FIELDS, PULL_FIELDS, READ_FIELDS

SHEET = "memo-sheet"
BASE = f"/v4/spreadsheets/{SHEET}"
TABS = {"m01": 11, "m02": 12, "m03": 13}
EVERYTHING_ON_A_CELL = (
    "sheets(properties,data(startRow,startColumn,rowMetadata,columnMetadata,rowData.values(userEnteredValue,"
    "effectiveValue,formattedValue,userEnteredFormat,effectiveFormat,note,dataValidation,hyperlink)),merges,"
    "basicFilter,filterViews,protectedRanges,conditionalFormats,developerMetadata,rowGroups,columnGroups)"
)


def _get(**params: str) -> tuple[str, str, bytes | None]:
    return "GET", f"{BASE}?{urlencode({**params, 'prettyPrint': 'false'})}", None


def _by_filter(fields: str, *sheet_ids: int) -> tuple[str, str, bytes | None]:
    body = {
        "dataFilters": [{"gridRange": {"sheetId": sheet_id}} for sheet_id in sheet_ids],
        "includeGridData": True,
    }
    url = f"{BASE}:getByDataFilter?{urlencode({'fields': fields, 'prettyPrint': 'false'})}"
    return "POST", url, json.dumps(body).encode()


READS = {
    "push read": _get(fields=READ_FIELDS),
    "pull read": _get(fields=PULL_FIELDS),
    "metadata read": _get(fields=METADATA_FIELDS),
    "every cell field": _get(fields=EVERYTHING_ON_A_CELL),
    "no mask, grid data": _get(includeGridData="true"),
    "no mask, no grid data": _get(),
    "ranges": (
        "GET",
        f"{BASE}?includeGridData=true&ranges={quote('m02!B2:D5')}&ranges={quote('m01!A1:B2')}",
        None,
    ),
    "two tabs again": _by_filter(READ_FIELDS, TABS["m03"], TABS["m01"]),
    "one tab, every field": _by_filter(EVERYTHING_ON_A_CELL, TABS["m02"]),
}

NAMING_TABS = {"ranges", "two tabs again", "one tab, every field"}
"""Reads that name tabs (by title or id), which some steps rename or delete: they may answer an error."""


def _ok(answer: Any) -> None:
    assert answer.status == 200, answer.body[:500]


def _batch(emu: Emulator, *requests: dict[str, Any]) -> Any:
    return emu.handle("POST", f"{BASE}:batchUpdate", json.dumps({"requests": list(requests)}).encode())


def _grid(tab: str, rows: tuple[int, int], cols: tuple[int, int]) -> dict[str, int]:
    return {
        "sheetId": TABS[tab],
        "startRowIndex": rows[0],
        "endRowIndex": rows[1],
        "startColumnIndex": cols[0],
        "endColumnIndex": cols[1],
    }


def _metadata(key: str, location: dict[str, Any]) -> dict[str, Any]:
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": key,
                "metadataValue": key + "-value",
                "location": location,
                "visibility": "DOCUMENT",
            }
        }
    }


def _rows(tab: str, start: int, end: int) -> dict[str, Any]:
    return {
        "dimensionRange": {"sheetId": TABS[tab], "dimension": "ROWS", "startIndex": start, "endIndex": end}
    }


def build() -> Emulator:
    """Three module-like tabs: values, formulas, formats, notes, a dropdown, merges, a protection, a rule, and
    developer metadata on the spreadsheet, a tab, rows and a column."""
    emu = Emulator(today=lambda: dt.date(2026, 5, 17))
    emu.create_spreadsheet(SHEET, title="Memo")
    adds = [
        {
            "addSheet": {
                "properties": {
                    "sheetId": sid,
                    "title": t,
                    "gridProperties": {"rowCount": 30, "columnCount": 8},
                }
            }
        }
        for t, sid in TABS.items()
    ]
    _ok(_batch(emu, *adds, {"deleteSheet": {"sheetId": 0}}))
    for tab in TABS:
        rows = [[f"{tab} r{r}c{c}" if c % 2 else r * 10 + c for c in range(6)] for r in range(12)]
        rows[3][2] = '=HYPERLINK("https://example.com", "link")'
        rows[4][2] = "=2*21"
        url = f"{BASE}/values/{tab}!A1?valueInputOption=USER_ENTERED"
        _ok(emu.handle("PUT", url, json.dumps({"values": rows}).encode()))
    dropdown = {
        "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in ("low", "high")]}
    }
    _ok(
        _batch(
            emu,
            {
                "repeatCell": {
                    "range": _grid("m01", (0, 1), (0, 6)),
                    "cell": {
                        "userEnteredFormat": {"textFormat": {"bold": True}, "backgroundColor": {"red": 0.5}}
                    },
                    "fields": "userEnteredFormat(textFormat.bold,backgroundColor)",
                }
            },
            {
                "repeatCell": {
                    "range": _grid("m02", (1, 12), (4, 5)),
                    "cell": {"userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}}},
                    "fields": "userEnteredFormat.numberFormat",
                }
            },
            {
                "setDataValidation": {
                    "range": _grid("m03", (1, 12), (5, 6)),
                    "rule": {**dropdown, "strict": True},
                }
            },
            {"mergeCells": {"range": _grid("m01", (13, 14), (0, 3)), "mergeType": "MERGE_ALL"}},
            {
                "addProtectedRange": {
                    "protectedRange": {"range": _grid("m02", (0, 1), (0, 6)), "warningOnly": True}
                }
            },
            {
                "addConditionalFormatRule": {
                    "rule": {
                        "ranges": [_grid("m03", (1, 12), (0, 1))],
                        "gradientRule": {
                            "minpoint": {"color": {"red": 1}, "type": "MIN"},
                            "maxpoint": {"color": {"green": 1}, "type": "MAX"},
                        },
                    }
                }
            },
            {
                "updateCells": {
                    "start": {"sheetId": TABS["m02"], "rowIndex": 2, "columnIndex": 1},
                    "rows": [{"values": [{"note": "a note"}]}],
                    "fields": "note",
                }
            },
            _metadata("generation", {"spreadsheet": True}),
            _metadata("tab", {"sheetId": TABS["m01"]}),
            _metadata("row", _rows("m02", 3, 4)),
            _metadata("rows", _rows("m03", 1, 3)),
            _metadata(
                "column",
                {
                    "dimensionRange": {
                        "sheetId": TABS["m01"],
                        "dimension": "COLUMNS",
                        "startIndex": 2,
                        "endIndex": 3,
                    }
                },
            ),
        )
    )
    return emu


def _pm(action: Callable[[PM], Any]) -> Callable[[Emulator], Any]:
    return lambda emu: action(emu.pm(SHEET))


def _values(tab: str, cell: str, value: Any) -> Callable[[Emulator], Any]:
    def write(emu: Emulator) -> None:
        url = f"{BASE}/values/{tab}!{cell}?valueInputOption=USER_ENTERED"
        _ok(emu.handle("PUT", url, json.dumps({"values": [[value]]}).encode()))

    return write


def _api(*requests: dict[str, Any]) -> Callable[[Emulator], Any]:
    return lambda emu: _ok(_batch(emu, *requests))


def _failing_batch(emu: Emulator) -> None:
    """A batch that changes a tab, then fails: the whole batch is undone."""
    answer = _batch(
        emu,
        {
            "updateCells": {
                "start": {"sheetId": TABS["m01"], "rowIndex": 1, "columnIndex": 1},
                "rows": [{"values": [{"userEnteredValue": {"stringValue": "undone"}}]}],
                "fields": "userEnteredValue",
            }
        },
        {
            "deleteDimension": {
                "range": {"sheetId": TABS["m02"], "dimension": "ROWS", "startIndex": 0, "endIndex": 2}
            }
        },
        {"deleteSheet": {"sheetId": 999}},
    )
    assert answer.status == 400


def _live_state(emu: Emulator) -> None:
    """Changes made through the live state, as a test helper might: outside any request."""
    tab = emu.spreadsheet(SHEET).sheet_by_title("m03")
    if tab is None:
        raise KeyError("m03")
    tab.hidden_rows.add(4)
    tab.col_sizes[1] = 140
    tab.properties["gridProperties"]["frozenRowCount"] = 1


STEPS: dict[str, Callable[[Emulator], Any]] = {
    "type a value": _pm(lambda pm: pm.set_cell("m01", "B3", "30%")),
    "paste a block": _pm(lambda pm: pm.paste_block("m02", "A6", [["x", "3/4"], ["'0012", "7"]])),
    "set a note": _pm(lambda pm: pm.set_note("m03", "C2", "the PM's note")),
    "sort": _pm(lambda pm: pm.sort_range("m01", "A2:F12", "B", descending=True)),
    "drag columns": _pm(lambda pm: pm.move_columns("m02", "D", before="A", count=2)),
    "drag rows": _pm(lambda pm: pm.move_rows("m03", 5, before=2)),
    "paste": _pm(lambda pm: pm.copy_paste("m01", "A2:C3", "A20")),
    "paste into another tab": _pm(lambda pm: pm.copy_paste("m01", "A1:F2", "A25", to_tab="m02")),
    "cut and paste": _pm(lambda pm: pm.cut_paste("m03", "A2:B3", "E20")),
    "delete rows": _pm(lambda pm: pm.delete_rows("m02", 3, 2)),
    "insert rows": _pm(lambda pm: pm.insert_rows("m01", 4, 2)),
    "insert and delete columns": _pm(
        lambda pm: (pm.insert_columns("m03", "B"), pm.delete_columns("m01", "E"))
    ),
    "insert and delete cells": _pm(
        lambda pm: (pm.insert_cells("m02", "B2:B3"), pm.delete_cells("m03", "C2:C3"))
    ),
    "hide rows and columns": _pm(lambda pm: (pm.hide_rows("m01", 3, 2), pm.hide_columns("m02", "C"))),
    "filter": _pm(lambda pm: pm.set_filter("m03", "A1:F12", hide={"B": ["m03 r2c1"]})),
    "filter view": _pm(lambda pm: pm.add_filter_view("m01", "A1:F12", "mine")),
    "merge and unmerge": _pm(lambda pm: (pm.merge("m02", "A15:B16"), pm.unmerge("m01", "A14:C14"))),
    "group rows": _pm(lambda pm: pm.group_rows("m03", 3, 4)),
    "find and replace": _pm(lambda pm: pm.find_replace("r1", "ROW ONE")),
    "rename a tab": _pm(lambda pm: pm.rename_tab("m02", "renamed")),
    "duplicate a tab": _pm(lambda pm: pm.duplicate_tab("m01", "copy")),
    "move a tab": _pm(lambda pm: pm.move_tab("m03", 0)),
    "write a value": _values("m01", "F2", "written"),
    "write a formula": _values("m03", "A9", "=1+2"),
    "formats": _api(
        {
            "repeatCell": {
                "range": _grid("m03", (2, 5), (0, 3)),
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True, "foregroundColor": {"blue": 1}}}},
                "fields": "userEnteredFormat.textFormat",
            }
        }
    ),
    "default format": _api(
        {
            "updateSpreadsheetProperties": {
                "properties": {"defaultFormat": {"textFormat": {"fontSize": 11}}},
                "fields": "defaultFormat.textFormat.fontSize",
            }
        }
    ),
    "new metadata on a tab": _api(_metadata("another", {"sheetId": TABS["m03"]})),
    "new metadata on a row": _api(_metadata("row-2", _rows("m01", 5, 6))),
    "metadata changed": _api(
        {
            "updateDeveloperMetadata": {
                "dataFilters": [{"developerMetadataLookup": {"metadataKey": "tab"}}],
                "developerMetadata": {"metadataValue": "changed"},
                "fields": "metadataValue",
            }
        }
    ),
    "metadata deleted": _api(
        {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": "rows"}}}}
    ),
    "spreadsheet metadata changed": _api(
        {
            "updateDeveloperMetadata": {
                "dataFilters": [{"developerMetadataLookup": {"metadataKey": "generation"}}],
                "developerMetadata": {"metadataValue": "2"},
                "fields": "metadataValue",
            }
        }
    ),
    "column width": _api(
        {
            "updateDimensionProperties": {
                "range": {"sheetId": TABS["m01"], "dimension": "COLUMNS", "startIndex": 0, "endIndex": 2},
                "properties": {"pixelSize": 321},
                "fields": "pixelSize",
            }
        }
    ),
    "grid grows": _api({"appendDimension": {"sheetId": TABS["m02"], "dimension": "ROWS", "length": 5}}),
    "reply with the spreadsheet": lambda emu: _ok(
        emu.handle(
            "POST",
            f"{BASE}:batchUpdate",
            json.dumps(
                {
                    "requests": [
                        {
                            "updateSheetProperties": {
                                "properties": {"sheetId": TABS["m01"], "title": "first"},
                                "fields": "title",
                            }
                        }
                    ],
                    "includeSpreadsheetInResponse": True,
                    "responseIncludeGridData": True,
                }
            ).encode(),
        )
    ),
    "failing batch": _failing_batch,
    "change through the live state": _live_state,
    "delete a tab": _pm(lambda pm: pm.delete_tab("m03")),
}
"""Each step changes the workbook one way; they also run in this order, each on what the ones before left."""


def assert_answers_as_built_afresh(emu: Emulator, *names: str) -> None:
    """Each read answers, memoized, exactly the bytes of the same read built without the memo."""
    for name in names:
        method, url, body = READS[name]
        memoized = emu.handle(method, url, body)
        emu.options.cache_answers = False
        try:
            afresh = emu.handle(method, url, body)
        finally:
            emu.options.cache_answers = True
        if name not in NAMING_TABS:
            _ok(afresh)
        assert (memoized.status, memoized.body) == (afresh.status, afresh.body), name
        assert emu.handle(method, url, body).body == afresh.body, name  # read again: from the memo


@pytest.mark.parametrize("step", list(STEPS))
def test_a_read_memoized_before_a_change_answers_as_built_afresh_after_it(step: str) -> None:
    for read in READS:
        emu = build()
        assert_answers_as_built_afresh(emu, read)  # each tab's text memoized for this read
        STEPS[step](emu)
        assert_answers_as_built_afresh(emu, read)


def test_the_sync_reads_answer_as_built_afresh_after_each_change_in_turn() -> None:
    """A push's and a pull's read (two masks: both stay memoized) after each step, on what the ones before left."""
    emu = build()
    assert_answers_as_built_afresh(emu, "push read", "pull read")
    for name, step in STEPS.items():
        step(emu)
        try:
            assert_answers_as_built_afresh(emu, "push read", "pull read", "two tabs again")
        except AssertionError as error:
            raise AssertionError(f"after {name!r}: {error}") from None


@settings(deadline=None, max_examples=40)
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(STEPS)), st.sampled_from(sorted(READS))), min_size=1, max_size=8
    )
)
def test_reads_answer_as_built_afresh_between_changes_in_any_order(script: list[tuple[str, str]]) -> None:
    emu = build()
    for step, read in script:
        try:
            STEPS[step](emu)
        except (ValueError, KeyError, ApiError, AssertionError):
            pass  # a step the workbook no longer allows (its tab was deleted or renamed): refused or a 400
        assert_answers_as_built_afresh(emu, read)


def _texts(emu: Emulator) -> dict[str, list[bytes]]:
    """The memoized text of each tab."""
    return {sheet.title: [text for _, text in sheet.memo.values()] for sheet in emu.spreadsheet(SHEET).sheets}


def test_a_write_to_one_tab_rebuilds_that_tab_only() -> None:
    emu = build()
    method, url, body = READS["push read"]
    emu.handle(method, url, body)
    before = _texts(emu)
    _values("m02", "B2", "changed")(emu)
    emu.handle(method, url, body)
    after = _texts(emu)
    assert all(len(texts) == 1 for texts in after.values())
    assert after["m02"][0] is not before["m02"][0]
    assert b"changed" in after["m02"][0]
    assert after["m01"][0] is before["m01"][0]
    assert after["m03"][0] is before["m03"][0]


def test_a_tab_keeps_one_text_per_mask_for_the_last_two_masks() -> None:
    emu = build()
    for name in ("push read", "pull read", "push read", "every cell field", "two tabs again"):
        emu.handle(*READS[name])
    tab = emu.spreadsheet(SHEET).sheet_by_title("m01")
    assert tab is not None
    assert len(tab.memo) == 2


def test_an_indented_answer_holds_what_the_compact_one_holds() -> None:
    """``pretty_print=True`` answers as Google does, indented, built afresh; the compact answer is the same JSON."""
    emu = build()
    method, url, body = READS["push read"]
    compact = emu.handle(method, url, body).body
    emu.options.pretty_print = True
    indented = emu.handle(method, url.replace("&prettyPrint=false", ""), body).body
    assert indented.startswith(b'{\n  "spreadsheetId": ')
    assert json.loads(indented) == json.loads(compact)
    assert json.dumps(json.loads(compact), ensure_ascii=False, indent=2).encode() == indented

"""Unit tests of the emulator's codecs: A1 notation, field masks, value input, number formats, state."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_emulator import Emulator, a1, fieldmask
from sheets_emulator.formatting import format_number, general, parse_user_entered


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'Jon''s Data'!A1:C3", ("Jon's Data", 0, 3, 0, 3)),
        ("A:C", (None, None, None, 0, 3)),
        ("A1:1", (None, 0, 1, 0, None)),
        ("2:5", (None, 1, 5, None, None)),
        ("Sheet1", ("Sheet1", None, None, None, None)),
        ("'D3'", ("D3", None, None, None, None)),
        ("D3", (None, 2, 3, 3, 4)),
        ("$A$1:$B$2", (None, 0, 2, 0, 2)),
        ("A5:A", (None, 4, None, 0, 1)),
        ("Sheet1!B2:A1", ("Sheet1", 0, 2, 0, 2)),
        ("🌵 test_values_get 1!A:A", ("🌵 test_values_get 1", None, None, 0, 1)),
        ("Jon's Data", ("Jon's Data", None, None, None, None)),
        ("'Jon''s Data'", ("Jon's Data", None, None, None, None)),
        ("'It''s ''quoted'''!B2", ("It's 'quoted'", 1, 2, 1, 2)),
        ("données 2026!A1:1", ("données 2026", 0, 1, 0, None)),
    ],
)
def test_a1_parse(text: str, expected: tuple[object, ...]) -> None:
    parsed = a1.parse(text)
    assert (parsed.title, parsed.start_row, parsed.end_row, parsed.start_col, parsed.end_col) == expected


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("Sheet1", "Sheet1"),
        ("Heatmap", "Heatmap"),
        ("D3", "'D3'"),
        ("m01", "'m01'"),
        ("ABC", "'ABC'"),
        ("R1C1", "'R1C1'"),
        ("TRUE", "'TRUE'"),
        ("my tab", "'my tab'"),
        ("Jon's", "'Jon''s'"),
        ("🌵 test_values_get 1", "'🌵 test_values_get 1'"),
    ],
)
def test_titles_are_quoted_only_when_needed(title: str, written: str) -> None:
    assert a1.quote_title(title) == written


def test_format_range_like_google() -> None:
    assert a1.format_range("Sheet1", a1.Box(0, 1, 0, 26)) == "Sheet1!A1:Z1"
    assert a1.format_range("Sheet1", a1.Box(0, 1, 1, 2)) == "Sheet1!B1"
    assert a1.column_letters(701) == "ZZ" and a1.column_index("AAA") == 702


@given(st.text(min_size=1, max_size=30).filter(lambda t: t.strip() == t and t != ""))
def test_any_title_round_trips_through_a1(title: str) -> None:
    written = a1.format_range(title, a1.Box(2, 5, 1, 3))
    parsed = a1.parse(written)
    assert (parsed.title, parsed.start_row, parsed.end_row, parsed.start_col, parsed.end_col) == (
        title,
        2,
        5,
        1,
        3,
    )


def test_field_mask_parse_and_select() -> None:
    mask = fieldmask.parse(
        "sheets(properties(title),data.rowData.values(note,userEnteredFormat.numberFormat))"
    )
    assert mask == {
        "sheets": {
            "properties": {"title": None},
            "data": {"rowData": {"values": {"note": None, "userEnteredFormat": {"numberFormat": None}}}},
        }
    }
    assert fieldmask.parse("sheets/data/rowData/values/note") == fieldmask.parse(
        "sheets.data.rowData.values.note"
    )
    assert fieldmask.parse("*") is None
    assert fieldmask.select({"a": 1, "b": {"c": 2, "d": 3}}, fieldmask.parse("b.c")) == {"b": {"c": 2}}
    with pytest.raises(fieldmask.MaskError):
        fieldmask.parse("a(b")


def test_apply_update_clears_masked_fields_the_source_lacks() -> None:
    target = {"numberFormat": {"type": "PERCENT"}, "textFormat": {"bold": True, "italic": True}}
    updated = fieldmask.apply_update(
        target, {"textFormat": {"bold": False}}, fieldmask.parse("numberFormat,textFormat.bold")
    )
    assert updated == {"textFormat": {"bold": False, "italic": True}}
    assert target["numberFormat"] == {"type": "PERCENT"}  # not modified in place


@pytest.mark.parametrize(
    ("typed", "value", "number_format"),
    [
        ("6.10", {"numberValue": 6.1}, None),
        ("1e5", {"numberValue": 100000}, None),
        ("0012", {"numberValue": 12}, None),
        ("TRUE", {"boolValue": True}, None),
        ("false", {"boolValue": False}, None),
        ("30%", {"numberValue": 0.3}, {"type": "PERCENT", "pattern": "0%"}),
        ("2020-01-01", {"numberValue": 43831}, {"type": "DATE", "pattern": "yyyy-mm-dd"}),
        ("1,234", {"numberValue": 1234}, {"type": "NUMBER", "pattern": "#,##0"}),
        ("=A1+1", {"formulaValue": "=A1+1"}, None),
        ("'=A1", {"stringValue": "=A1"}, None),
        ("+1 555 0100", {"stringValue": "+1 555 0100"}, None),
        ("", None, None),
    ],
)
def test_user_entered_parsing(
    typed: str, value: dict[str, object] | None, number_format: dict[str, str] | None
) -> None:
    assert parse_user_entered(typed) == (value, number_format)


@pytest.mark.parametrize(
    ("number", "number_format", "shown"),
    [
        (0.3, {"type": "PERCENT", "pattern": "0.0%"}, "30.0%"),
        (0.3, {"type": "PERCENT", "pattern": "0%"}, "30%"),
        (1.0, None, "1"),
        (0.5, None, "0.5"),
        (1 / 3, None, "0.3333333333"),
        (6.1, {"type": "NUMBER", "pattern": "0.0"}, "6.1"),
        (6.55, {"type": "NUMBER", "pattern": "0"}, "7"),
        (1234567.891, {"type": "NUMBER", "pattern": "#,##0.00"}, "1,234,567.89"),
        (-1234.5, {"type": "CURRENCY", "pattern": '"$"#,##0.00'}, "-$1,234.50"),
        (43831, {"type": "DATE", "pattern": "yyyy-mm-dd"}, "2020-01-01"),
        (43831.75, {"type": "DATE_TIME", "pattern": "m/d/yyyy h:mm:ss"}, "1/1/2020 18:00:00"),
        (0.5, {"type": "TIME", "pattern": "h:mm am/pm"}, "12:00 PM"),
    ],
)
def test_number_formats(number: float, number_format: dict[str, str] | None, shown: str) -> None:
    assert format_number(number, number_format) == shown


def test_general_format_for_large_and_small_numbers() -> None:
    assert general(1e15) == "1.00E+15"
    assert general(1e-7) == "1.00E-07"
    assert general(100000.0) == "100000"


@given(st.text(max_size=200))
def test_raw_text_round_trips_through_the_api(text: str) -> None:
    """Whatever text sheets-sync writes RAW reads back unchanged (UNFORMATTED_VALUE), as at Google."""
    emulator = Emulator()
    emulator.create_spreadsheet("s")
    url = "https://sheets.googleapis.com/v4/spreadsheets/s/values/A1"
    import json

    emulator.handle("PUT", url + "?valueInputOption=RAW", json.dumps({"values": [[text]]}))
    got = emulator.handle("GET", url + "?valueRenderOption=UNFORMATTED_VALUE").json()
    assert got.get("values", [[""]]) == [[text]]


def test_state_round_trip(emulator: Emulator, spreadsheet_id: str) -> None:
    gc = emulator.gspread_client()
    sh = gc.open_by_key(spreadsheet_id)
    sh.sheet1.update([["a", 1.5], ["=1+1"]], "A1", raw=False)
    sh.sheet1.update_note("A1", "note")
    sh.sheet1.add_protected_range("A1:B2", warning_only=True)
    copy = Emulator.from_json(emulator.to_json())
    assert copy.to_json() == emulator.to_json()
    again = copy.gspread_client().open_by_key(spreadsheet_id).sheet1
    assert again.get_all_values() == [["a", "1.5"], ["2", ""]]
    assert again.get_note("A1") == "note"
    assert emulator.snapshot()["version"] == 1


def test_docs_list_every_request_kind_supported_or_not() -> None:
    """docs/emulator.md names every batchUpdate kind the emulator handles and every one it refuses."""
    from pathlib import Path

    from sheets_emulator.batch import GOOGLE_KINDS, HANDLERS

    docs = (Path(__file__).parents[2] / "docs" / "emulator.md").read_text(encoding="utf-8")
    missing = sorted(kind for kind in [*HANDLERS, *GOOGLE_KINDS] if kind not in docs)
    assert missing == []
    assert f"request kinds ({len(HANDLERS)})" in docs

"""How the emulator writes its answers: indented as Google does unless a request asks ``prettyPrint=false``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sheets_emulator import Emulator

CASSETTES = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "sheets-api" / "gspread-cassettes"
)
URL = "https://sheets.googleapis.com/v4/spreadsheets/s"


def _get(emulator: Emulator, **params: str) -> bytes:
    return emulator.session().get(URL, params={"fields": "spreadsheetId,sheets.properties", **params}).content


def test_a_google_like_emulator_indents_like_google_unless_asked_not_to() -> None:
    emulator = Emulator(pretty_print=True)
    emulator.create_spreadsheet("s")
    pretty, compact = _get(emulator), _get(emulator, prettyPrint="false")
    assert json.loads(pretty) == json.loads(compact)
    assert pretty.startswith(b'{\n  "spreadsheetId": "s",\n  "sheets": [\n    {\n') and b"\n" not in compact
    assert len(compact) < 0.6 * len(pretty)


def test_the_default_emulator_answers_compactly_whatever_is_asked() -> None:
    emulator = Emulator()
    emulator.create_spreadsheet("s")
    assert _get(emulator) == _get(emulator, prettyPrint="false") == _get(emulator, prettyPrint="true")
    assert b"\n" not in _get(emulator)


def test_googles_recorded_answers_are_indented_by_two_spaces() -> None:
    if not CASSETTES.is_dir():
        pytest.skip("../shared/fixtures is not here (it is in CI)")
    recording = json.loads((CASSETTES / "SpreadsheetTest.test_update_title.json").read_text())
    body = next(
        i["response"]["body"]["string"]
        for i in recording["interactions"]
        if i["request"]["method"] == "GET" and "/v4/spreadsheets/" in i["request"]["uri"]
    )
    assert body.startswith('{\n  "spreadsheetId": ') and '\n  "properties": {\n    "title": ' in body

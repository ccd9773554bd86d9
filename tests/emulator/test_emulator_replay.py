"""Replay real Google traffic recorded by gspread's test suite against the emulator.

For every recorded Sheets request the emulator must answer with the same status and the same JSON: the same
keys, the same value types, and the same values (A1 ranges as Google writes them, cell values, titles, grid
sizes), except ids, which Google draws at random (sheetId, protectedRangeId, the service account's e-mail).
Ids the emulator answers are mapped to the recorded ones, so later requests that name them (deleteSheet) reach
the right tab.

Drive requests are not Sheets API requests: the Drive "create file" becomes ``emu.create_spreadsheet`` with
the recorded id and name; Drive metadata reads and deletes are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from sheets_emulator import Emulator

FIXTURES = Path(__file__).resolve().parents[2] / "../shared/fixtures"
CASSETTES = FIXTURES / "sheets-api" / "gspread-cassettes"

# Values Google draws at random: compared by type only, and mapped for later requests.
ID_KEYS = frozenset({"sheetId", "protectedRangeId", "metadataId"})
# The service account that made the recordings is listed as an editor; the emulator lists its own.
NOT_COMPARED = frozenset({"users"})

pytestmark = pytest.mark.skipif(
    not CASSETTES.is_dir(), reason=f"recorded Google traffic not found at {CASSETTES} (../shared is absent)"
)


def sessions(path: Path) -> list[list[dict[str, Any]]]:
    """Split a cassette into recording sessions: each begins with the Drive call creating its spreadsheet."""
    found: list[list[dict[str, Any]]] = []
    for interaction in json.loads(path.read_text())["interactions"]:
        request = interaction["request"]
        if _is_drive(request["uri"]) and request["method"] == "POST":
            found.append([])
        if found:
            found[-1].append(interaction)
    return found


def _is_drive(uri: str) -> bool:
    return urlsplit(uri).netloc == "www.googleapis.com"


def _cases() -> list[Any]:
    if not CASSETTES.is_dir():
        return []
    cases = []
    for path in sorted(CASSETTES.glob("*.json")):
        for number, session in enumerate(sessions(path), start=1):
            cases.append(pytest.param(session, id=f"{path.stem}-{number}"))
    return cases


class Mismatch(AssertionError):
    pass


def compare(recorded: Any, actual: Any, ids: dict[int, int], where: str = "$") -> None:
    """Same shape and values, ids aside (recorded ids are mapped to the emulator's as they appear)."""
    if isinstance(recorded, dict):
        if not isinstance(actual, dict):
            raise Mismatch(f"{where}: expected an object, got {actual!r}")
        if set(recorded) != set(actual):
            raise Mismatch(f"{where}: keys {sorted(recorded)} != {sorted(actual)}")
        for key in recorded:
            if key in NOT_COMPARED:
                continue
            if key in ID_KEYS:
                _same_type(recorded[key], actual[key], f"{where}.{key}")
                ids[recorded[key]] = actual[key]
                continue
            compare(recorded[key], actual[key], ids, f"{where}.{key}")
    elif isinstance(recorded, list):
        if not isinstance(actual, list) or len(recorded) != len(actual):
            raise Mismatch(f"{where}: expected {recorded!r}, got {actual!r}")
        for index, (a, b) in enumerate(zip(recorded, actual, strict=True)):
            compare(a, b, ids, f"{where}[{index}]")
    elif recorded != actual or type(recorded) is not type(actual):
        raise Mismatch(f"{where}: expected {recorded!r}, got {actual!r}")


def _same_type(recorded: Any, actual: Any, where: str) -> None:
    if type(recorded) is not type(actual):
        raise Mismatch(f"{where}: expected a {type(recorded).__name__}, got {actual!r}")


def with_mapped_ids(value: Any, ids: dict[int, int]) -> Any:
    """A recorded request body with recorded ids replaced by the emulator's."""
    if isinstance(value, dict):
        return {k: ids.get(v, v) if k in ID_KEYS else with_mapped_ids(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [with_mapped_ids(item, ids) for item in value]
    return value


def replay(session: list[dict[str, Any]]) -> tuple[int, int]:
    """Replay one recording session; returns (Sheets interactions matched, Drive interactions skipped)."""
    emulator = Emulator()
    ids: dict[int, int] = {}
    matched = skipped = 0
    for number, interaction in enumerate(session):
        request, response = interaction["request"], interaction["response"]
        if _is_drive(request["uri"]):
            skipped += 1
            if request["method"] == "POST":  # Drive "create file": the spreadsheet the session works on
                created = json.loads(response["body"]["string"])
                emulator.create_spreadsheet(created["id"], title=created["name"])
            continue
        body = request["body"]
        if body:
            body = json.dumps(with_mapped_ids(json.loads(body), ids))
        answer = emulator.handle(request["method"], request["uri"], body)
        where = f"interaction {number}: {request['method']} {request['uri']}"
        assert answer.status == response["status"]["code"], (
            f"{where}: status {answer.status}: {answer.body!r}"
        )
        recorded_body = response["body"]["string"]
        if recorded_body:
            try:
                compare(json.loads(recorded_body), answer.json(), ids)
            except Mismatch as mismatch:
                raise AssertionError(f"{where}: {mismatch}") from None
        matched += 1
    return matched, skipped


@pytest.mark.parametrize("session", _cases())
def test_recorded_session_replays_identically(session: list[dict[str, Any]]) -> None:
    matched, _ = replay(session)
    assert matched > 0


def test_every_recorded_sheets_interaction_is_replayed() -> None:
    """Coverage over all 25 recordings (docs/emulator.md quotes these figures)."""
    total_matched = total_sheets = 0
    for path in sorted(CASSETTES.glob("*.json")):
        for session in sessions(path):
            total_sheets += sum(1 for i in session if not _is_drive(i["request"]["uri"]))
            total_matched += replay(session)[0]
    assert total_matched == total_sheets

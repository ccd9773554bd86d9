"""Scripted faults, the quota model and the before-next-write hook."""

from __future__ import annotations

import json
from pathlib import Path

import gspread
import pytest
import requests

from sheets_emulator import Emulator, Fault
from sheets_emulator.testing import ManualClock

FIXTURE_429 = Path(__file__).resolve().parents[2] / "../shared/fixtures/sheets-api/error-429-read-quota.json"


def api_status(call: object) -> int:
    """The HTTP status gspread saw (200 when the call succeeded)."""
    try:
        call()  # type: ignore[operator]
    except gspread.exceptions.APIError as error:
        return int(error.response.status_code)
    return 200


def test_429_three_times_then_success(ws: gspread.Worksheet, emulator: Emulator) -> None:
    emulator.inject(Fault(status=429, times=3))
    statuses = [api_status(lambda: ws.get("A1")) for _ in range(4)]
    assert statuses == [429, 429, 429, 200]
    assert [e["status"] for e in emulator.requests[-4:]] == [429, 429, 429, 200]
    assert [e["fault"] for e in emulator.requests[-4:]] == ["429", "429", "429", None]


@pytest.mark.skipif(not FIXTURE_429.is_file(), reason="../shared/fixtures is absent")
def test_429_body_is_googles_real_body(ws: gspread.Worksheet, emulator: Emulator) -> None:
    emulator.inject(Fault(status=429))
    with pytest.raises(gspread.exceptions.APIError) as raised:
        ws.get("A1")
    assert raised.value.response.json() == json.loads(FIXTURE_429.read_text())
    assert "Retry-After" not in raised.value.response.headers


def test_write_429_names_the_write_quota(ws: gspread.Worksheet, emulator: Emulator) -> None:
    emulator.inject(Fault(status=429, only="write", retry_after=7))
    with pytest.raises(gspread.exceptions.APIError) as raised:
        ws.update([["x"]], "A1")
    metadata = raised.value.response.json()["error"]["details"][0]["metadata"]
    assert metadata["quota_limit"] == "WriteRequestsPerMinutePerUser"
    assert "'Write requests'" in raised.value.error["message"]
    assert raised.value.response.headers["Retry-After"] == "7"
    assert ws.acell("A1").value is None  # not applied


def test_fault_only_on_writes_lets_reads_through(ws: gspread.Worksheet, emulator: Emulator) -> None:
    emulator.inject(Fault(status=500, only="write", kind="values.update"))
    assert api_status(lambda: ws.get("A1")) == 200
    assert api_status(lambda: ws.update([["x"]], "A1")) == 500
    assert api_status(lambda: ws.update([["x"]], "A1")) == 200


def test_503_forever(ws: gspread.Worksheet, emulator: Emulator) -> None:
    emulator.inject(Fault(status=503, times=None))
    assert {api_status(lambda: ws.get("A1")) for _ in range(20)} == {503}
    emulator.clear_faults()
    assert api_status(lambda: ws.get("A1")) == 200


def test_dropped_connection_raises_connection_error(ws: gspread.Worksheet, emulator: Emulator) -> None:
    emulator.inject(Fault(drop=True, only="write"))
    with pytest.raises(requests.ConnectionError):
        ws.update([["lost"]], "A1")
    assert ws.acell("A1").value is None
    entry = next(e for e in emulator.requests if e["kind"] == "values.update")
    assert (entry["status"], entry["dropped"], entry["applied"]) == (0, True, False)


def test_after_apply_applies_and_loses_the_answer(ws: gspread.Worksheet, emulator: Emulator) -> None:
    emulator.inject(Fault(after_apply=True, kind="spreadsheets.batchUpdate"))
    with pytest.raises(requests.ConnectionError):
        ws.spreadsheet.add_worksheet("made it", rows=5, cols=5)
    assert [w.title for w in ws.spreadsheet.worksheets()] == ["Sheet1", "made it"]
    entry = next(e for e in emulator.requests if e["kind"] == "spreadsheets.batchUpdate")
    assert (entry["status"], entry["dropped"], entry["applied"]) == (200, True, True)


def test_after_apply_with_a_status_lies_about_the_outcome(ws: gspread.Worksheet, emulator: Emulator) -> None:
    emulator.inject(Fault(status=503, after_apply=True, only="write"))
    assert api_status(lambda: ws.update([["applied anyway"]], "A1")) == 503
    assert ws.acell("A1").value == "applied anyway"


def test_slow_answer_uses_the_injectable_sleep(
    ws: gspread.Worksheet, emulator: Emulator, clock: ManualClock
) -> None:
    emulator.inject(Fault(delay=2.0))
    assert ws.get("A1") == [[]]
    assert clock.slept == [2.0]


def test_slow_answer_past_the_read_timeout_times_out(
    ws: gspread.Worksheet, emulator: Emulator, clock: ManualClock
) -> None:
    ws.client.set_timeout((1.0, 5.0))
    emulator.inject(Fault(delay=30.0))
    with pytest.raises(requests.ReadTimeout):
        ws.get("A1")
    assert clock.slept == [5.0]


def test_fault_needs_an_effect() -> None:
    with pytest.raises(ValueError):
        Fault()
    with pytest.raises(ValueError):
        Fault(status=429, only="reads")  # type: ignore[arg-type]


def test_quota_per_minute_on_the_injectable_clock(
    ws: gspread.Worksheet, emulator: Emulator, clock: ManualClock
) -> None:
    emulator.enable_quota(reads_per_minute=3, writes_per_minute=2)
    assert [api_status(lambda: ws.get("A1")) for _ in range(4)] == [200, 200, 200, 429]
    assert [api_status(lambda: ws.update([["x"]], "A1")) for _ in range(3)] == [200, 200, 429]
    clock.advance(59.0)
    assert api_status(lambda: ws.get("A1")) == 429
    clock.advance(1.0)
    assert api_status(lambda: ws.get("A1")) == 200
    refused = [e for e in emulator.requests if e["status"] == 429]
    assert {e["write"] for e in refused} == {False, True}


def test_quota_429_bodies_name_read_or_write(ws: gspread.Worksheet, emulator: Emulator) -> None:
    emulator.enable_quota(reads_per_minute=0, writes_per_minute=0)
    with pytest.raises(gspread.exceptions.APIError) as read:
        ws.get("A1")
    with pytest.raises(gspread.exceptions.APIError) as write:
        ws.update([["x"]], "A1")
    assert (
        read.value.response.json()["error"]["details"][0]["metadata"]["quota_limit"]
        == "ReadRequestsPerMinutePerUser"
    )
    assert write.value.response.json()["error"]["details"][0]["metadata"]["quota_limit"] == (
        "WriteRequestsPerMinutePerUser"
    )


def test_quota_is_per_user(emulator: Emulator, spreadsheet_id: str) -> None:
    emulator.enable_quota(reads_per_minute=1, writes_per_minute=1)
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{spreadsheet_id}"
    alice = [emulator.handle("GET", url, headers={"Authorization": "Bearer alice"}).status for _ in range(2)]
    bob = [emulator.handle("GET", url, headers={"Authorization": "Bearer bob"}).status for _ in range(2)]
    assert alice == bob == [200, 429]


def test_before_next_write_fires_once_just_before_the_next_write(
    ws: gspread.Worksheet, emulator: Emulator
) -> None:
    ws.update([["b"], ["a"]], "A1")
    seen: list[list[list[str | float | int | bool]]] = []
    pm = emulator.pm(ws.spreadsheet_id)

    def pm_sorts() -> None:
        seen.append(pm.get_values("Sheet1"))
        pm.sort_range("Sheet1", "A1:A2", column="A")

    emulator.before_next_write(pm_sorts)
    assert ws.get_all_values() == [["b"], ["a"]]  # reads do not fire it
    assert seen == []
    ws.update([["written after the sort"]], "B1")
    assert seen == [[["b"], ["a"]]]
    assert ws.get_all_values() == [["a", "written after the sort"], ["b", ""]]
    ws.update([["again"]], "B2")
    assert len(seen) == 1


def test_request_log_counts(ws: gspread.Worksheet, emulator: Emulator) -> None:
    emulator.clear_log()
    ws.update([["x"]], "A1")
    ws.spreadsheet.batch_update(
        {"requests": [{"addSheet": {"properties": {"title": "T"}}}, {"deleteSheet": {"sheetId": 0}}]}
    )
    ws.spreadsheet.values_get("T!A1")
    assert emulator.count() == 3
    assert emulator.count(write=True) == 2
    assert emulator.count(kind="values.get") == 1
    batch = emulator.requests[1]
    assert (batch["method"], batch["kind"], batch["requests"]) == (
        "POST",
        "spreadsheets.batchUpdate",
        ["addSheet", "deleteSheet"],
    )
    assert batch["path"] == f"/v4/spreadsheets/{ws.spreadsheet_id}:batchUpdate"
    assert emulator.requests[2]["path"] == f"/v4/spreadsheets/{ws.spreadsheet_id}/values/T!A1"

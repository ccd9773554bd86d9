"""The emulator over a real loopback socket, and the ``sheets-sync emulator`` command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import gspread
import pytest
import requests

from sheets_sync.emulator import Emulator, EndpointSession, Fault
from sheets_sync.emulator.http import EmulatorServer

pytestmark = pytest.mark.http


def test_gspread_round_trip_over_loopback(
    emulator: Emulator, spreadsheet_id: str, http_server: EmulatorServer
) -> None:
    assert http_server.url.startswith("http://127.0.0.1:")
    gc = gspread.Client(auth=None, session=EndpointSession(http_server.url))  # type: ignore[arg-type]
    sh = gc.open_by_key(spreadsheet_id)
    sh.add_worksheet("Jon's Data", rows=3, cols=3)
    sh.worksheet("Jon's Data").update([["a", "b"], ["c", "d"]], "A1")
    assert sh.values_get("'Jon''s Data'!A1:C3") == {
        "range": "'Jon''s Data'!A1:C3",
        "majorDimension": "ROWS",
        "values": [["a", "b"], ["c", "d"]],
    }
    log = requests.get(f"{http_server.url}/_emulator/requests", timeout=5).json()
    assert [(e["method"], e["kind"], e["write"], e["status"]) for e in log] == [
        ("GET", "spreadsheets.get", False, 200),
        ("POST", "spreadsheets.batchUpdate", True, 200),
        ("GET", "spreadsheets.get", False, 200),
        ("PUT", "values.update", True, 200),
        ("GET", "values.get", False, 200),
    ]
    assert log[1]["requests"] == ["addSheet"]
    assert log[3]["path"] == f"/v4/spreadsheets/{spreadsheet_id}/values/'Jon''s Data'!A1"


def test_any_authorization_header_is_accepted(spreadsheet_id: str, http_server: EmulatorServer) -> None:
    url = f"{http_server.url}/v4/spreadsheets/{spreadsheet_id}"
    assert requests.get(url, headers={"Authorization": "Bearer anything"}, timeout=5).status_code == 200
    assert requests.get(url, timeout=5).status_code == 200
    missing = requests.get(f"{http_server.url}/v4/spreadsheets/nope", timeout=5)
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }


def test_dropped_connection_closes_the_socket(
    emulator: Emulator, spreadsheet_id: str, http_server: EmulatorServer
) -> None:
    client = http_server.gspread_client()
    emulator.inject(Fault(drop=True))
    with pytest.raises(requests.ConnectionError):
        client.open_by_key(spreadsheet_id)
    assert client.open_by_key(spreadsheet_id).sheet1.title == "Sheet1"


def test_control_api_creates_spreadsheets_and_scripts_faults(http_server: EmulatorServer) -> None:
    base = f"{http_server.url}/_emulator"
    created = requests.post(
        f"{base}/spreadsheets", json={"spreadsheetId": "ctl", "title": "Ctl"}, timeout=5
    ).json()
    assert created == {"spreadsheetId": "ctl"}
    requests.post(f"{base}/faults", json={"status": 503, "times": 2}, timeout=5).raise_for_status()
    url = f"{http_server.url}/v4/spreadsheets/ctl"
    assert [requests.get(url, timeout=5).status_code for _ in range(3)] == [503, 503, 200]
    requests.delete(f"{base}/requests", timeout=5).raise_for_status()
    assert requests.get(f"{base}/requests", timeout=5).json() == []
    assert requests.get(f"{base}/nothing", timeout=5).status_code == 404


# ---------------------------------------------------------------- sheets-sync emulator (a subprocess)


def start_cli(*args: str) -> tuple[subprocess.Popen[str], str]:
    """Start ``sheets-sync emulator --port 0 ...`` and read the URL it prints first."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sheets_sync", "emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise AssertionError(f"no URL printed: {line!r} {process.stderr.read() if process.stderr else ''}")
    return process, line.rsplit(" ", 1)[-1].strip()


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def test_cli_serves_the_api_on_a_free_port() -> None:
    process, url = start_cli("--create-spreadsheet", "cli-sheet", "--create-spreadsheet", "other")
    try:
        answer = requests.get(f"{url}/v4/spreadsheets/cli-sheet", timeout=5)
        assert answer.status_code == 200
        assert answer.json()["sheets"][0]["properties"]["title"] == "Sheet1"
        assert requests.get(f"{url}/v4/spreadsheets/other", timeout=5).status_code == 200
        log = requests.get(f"{url}/_emulator/requests", timeout=5).json()
        assert [(e["kind"], e["status"]) for e in log] == [
            ("spreadsheets.get", 200),
            ("spreadsheets.get", 200),
        ]
    finally:
        stop(process)
    assert process.returncode == 0


def test_cli_state_persists_between_runs(tmp_path: Path) -> None:
    state = tmp_path / "workbooks.json"
    process, url = start_cli("--state", str(state), "--create-spreadsheet", "kept")
    try:
        gc = gspread.Client(auth=None, session=EndpointSession(url))  # type: ignore[arg-type]
        gc.open_by_key("kept").sheet1.update([["survives", 6.1]], "A1")
    finally:
        stop(process)
    assert json.loads(state.read_text())["spreadsheets"][0]["spreadsheetId"] == "kept"
    process, url = start_cli("--state", str(state))
    try:
        answer = requests.get(
            f"{url}/v4/spreadsheets/kept/values/A1:B1?valueRenderOption=UNFORMATTED_VALUE", timeout=5
        )
        assert answer.json()["values"] == [["survives", 6.1]]
    finally:
        stop(process)


def test_cli_rejects_a_broken_state_file(tmp_path: Path) -> None:
    state = tmp_path / "broken.json"
    state.write_text("{}")
    result = subprocess.run(
        [sys.executable, "-m", "sheets_sync", "emulator", "--port", "0", "--state", str(state)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert "not an emulator state file" in result.stderr


def test_in_process_session_serves_the_invalid_host_too(emulator: Emulator, spreadsheet_id: str) -> None:
    """``http://emulator.invalid`` is an endpoint a client can be pointed at to stay in-process."""
    session = emulator.session()
    answer = session.get(f"http://emulator.invalid/v4/spreadsheets/{spreadsheet_id}/values/A1:B2")
    assert answer.json() == {"range": "Sheet1!A1:B2", "majorDimension": "ROWS"}
    assert emulator.requests[-1]["kind"] == "values.get"

"""The emulator over a real loopback socket, and the ``sheets-sync emulator`` command."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import gspread
import pytest
import requests

from sheets_emulator import Emulator, EndpointSession, Fault
from sheets_emulator.http import EmulatorServer

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


def test_a_proxy_in_the_environment_is_not_asked_for_loopback(
    spreadsheet_id: str, http_server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert http_server.gspread_client().open_by_key(spreadsheet_id).sheet1.title == "Sheet1"


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


def test_a_chunked_body_is_read_whole(spreadsheet_id: str, http_server: EmulatorServer) -> None:
    """requests sends a generator body chunked, without Content-Length; the keep-alive connection must survive."""
    session = requests.Session()
    url = f"{http_server.url}/v4/spreadsheets/{spreadsheet_id}/values/A1"
    chunks = iter([b'{"values": [["chun', b'ked"]]}'])
    answer = session.put(url, params={"valueInputOption": "RAW"}, data=chunks, timeout=5)
    assert answer.json()["updatedRange"] == "Sheet1!A1"
    assert session.get(url, timeout=5).json()["values"] == [["chunked"]]


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
        # Ctrl-C must reach it even when the test runner was started with SIGINT ignored (nohup, CI).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no lock taken
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise AssertionError(f"no URL printed: {line!r} {process.stderr.read() if process.stderr else ''}")
    return process, line.rsplit(" ", 1)[-1].strip()


def stop(process: subprocess.Popen[str], signum: int = signal.SIGINT) -> str:
    """Stop the server as a user would (Ctrl-C) and return what it printed on stderr."""
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=10)
    return stderr


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sheets_sync", "emulator", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


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
        stderr = stop(process)
    assert process.returncode == 0
    assert "Traceback" not in stderr and "stopped" in stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_cli_state_persists_between_runs(tmp_path: Path, signum: int) -> None:
    state = tmp_path / "workbooks.json"
    process, url = start_cli("--state", str(state), "--create-spreadsheet", "kept")
    try:
        gc = gspread.Client(auth=None, session=EndpointSession(url))  # type: ignore[arg-type]
        gc.open_by_key("kept").sheet1.update([["survives", 6.1]], "A1")
    finally:
        stderr = stop(process, signum)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert f"state saved to {state}" in stderr
    assert json.loads(state.read_text())["spreadsheets"][0]["spreadsheetId"] == "kept"
    process, url = start_cli("--state", str(state))
    try:
        answer = requests.get(
            f"{url}/v4/spreadsheets/kept/values/A1:B1?valueRenderOption=UNFORMATTED_VALUE", timeout=5
        )
        assert answer.json()["values"] == [["survives", 6.1]]
    finally:
        stop(process)


@pytest.mark.parametrize(
    "content",
    ["{}", "[1]", "not json", '{"version": 1, "spreadsheets": [1]}', '{"version": 1, "spreadsheets": [{}]}'],
)
def test_cli_rejects_a_broken_state_file_in_one_line(tmp_path: Path, content: str) -> None:
    state = tmp_path / "broken.json"
    state.write_text(content)
    result = run_cli("--port", "0", "--state", str(state))
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {state}: not an emulator state file (")
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert state.read_text() == content  # not overwritten


def test_cli_refuses_a_state_file_it_could_not_save(tmp_path: Path) -> None:
    """Checked at start: finding out at Ctrl-C would lose the session's workbooks."""
    result = run_cli("--port", "0", "--state", str(tmp_path / "missing-dir" / "state.json"))
    assert result.returncode == 1
    assert "is not an existing directory" in result.stderr and len(result.stderr.splitlines()) == 1


def test_cli_port_in_use_is_a_one_line_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--port", str(port))
    assert result.returncode == 1
    assert result.stderr == (
        f"error: cannot listen on 127.0.0.1:{port}: the port is already in use (another emulator still "
        "running?); choose another --port, or --port 0\n"
    )
    assert result.stdout == ""


def test_in_process_session_serves_the_invalid_host_too(emulator: Emulator, spreadsheet_id: str) -> None:
    """``http://emulator.invalid`` is an endpoint a client can be pointed at to stay in-process."""
    session = emulator.session()
    answer = session.get(f"http://emulator.invalid/v4/spreadsheets/{spreadsheet_id}/values/A1:B2")
    assert answer.json() == {"range": "Sheet1!A1:B2", "majorDimension": "ROWS"}
    assert emulator.requests[-1]["kind"] == "values.get"

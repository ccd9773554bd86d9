"""The push, pull and status commands over a real loopback HTTP server (``--endpoint``), as a user runs them."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result
from sync_helpers import module, paste_over_dropdown, write_modules

from sheets_emulator import Emulator, EmulatorServer, Fault, running_server
from sheets_sync.cli import main
from sheets_sync.models import Priority
from sheets_sync.store import Store

pytestmark = pytest.mark.http
SHEET = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-demo"


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator()
    emulator.create_spreadsheet(SHEET, title="Evals")
    with running_server(emulator) as running:
        yield running


@pytest.fixture
def cli_store(tmp_path: Path) -> Store:
    return write_modules(tmp_path / "data", module("m01"), module("m02", experiments=2, suggestions=2))


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, list(args), catch_exceptions=False)


def file_bytes(store: Store) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in store.data_dir.rglob("*") if p.is_file()}


def cell_of(server: EmulatorServer, title: str, label: str, row_id: str) -> str:
    """A1 name of the ``label`` cell in the suggestion row showing ``row_id``, read the way a PM looks."""
    values = server.emulator.pm(SHEET).get_values(title)
    header = next(i for i, row in enumerate(values) if "suggestion id" in row)
    id_column = values[header].index("suggestion id")
    row = next(i for i, r in enumerate(values) if len(r) > id_column and r[id_column] == row_id)
    return f"{chr(65 + values[header].index(label))}{row + 1}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_push_pull_status_over_http(server: EmulatorServer, cli_store: Store) -> None:
    url = f"https://docs.google.com/spreadsheets/d/{SHEET}/edit#gid=0"
    base = ["--data-dir", str(cli_store.data_dir), "--endpoint", server.url]
    pushed = run("push", "--spreadsheet", url, *base)
    assert pushed.exit_code == 0, pushed.output
    assert "Heatmap" in pushed.output and "m01" in pushed.output
    assert [s.title for s in server.emulator.spreadsheet(SHEET).sheets] == ["Heatmap", "m01", "m02"]
    assert (cli_store.sync_dir / f"{SHEET}.json").is_file()
    server.emulator.clear_log()
    status = run("status", "--json", *base, env={"SHEETS_SYNC_SPREADSHEET_ID": SHEET})
    assert status.exit_code == 0, status.output
    assert json.loads(status.output)["push"]["write_requests_needed"] is False
    assert server.emulator.count(write=True) == 0
    pulled = run("pull", "--spreadsheet", SHEET, *base)
    assert pulled.exit_code == 0 and "no write requests" in pulled.output


def test_a_proxy_setting_does_not_capture_the_loopback_emulator(
    server: EmulatorServer, cli_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A corporate HTTP(S)_PROXY is for Google; sending loopback emulator traffic to it would fail every request.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    pushed = run(
        "push", "--spreadsheet", SHEET, "--data-dir", str(cli_store.data_dir), "--endpoint", server.url
    )
    assert pushed.exit_code == 0, pushed.output
    assert server.emulator.count(write=True) == 1


def test_cell_counts_are_grouped_as_the_demo_prints_them(server: EmulatorServer, tmp_path: Path) -> None:
    """The bundled sample writes over a thousand cells: "1,436 cell(s)", as `demo` says it, not "1436"."""
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data", data)
    result = run(
        "push", "--dry-run", "--spreadsheet", SHEET, "--endpoint", server.url, "--data-dir", str(data)
    )
    assert result.exit_code == 0, result.output
    count = result.stdout.split("push would write ", 1)[1].split(" cell(s)", 1)[0]
    assert int(count.replace(",", "")) >= 1000 and count == f"{int(count.replace(',', '')):,}", count


def test_dry_run_prints_the_plan_and_writes_nothing(server: EmulatorServer, cli_store: Store) -> None:
    args = ["--spreadsheet", SHEET, "--endpoint", server.url, "--data-dir", str(cli_store.data_dir)]
    files = file_bytes(cli_store)
    result = run("push", "--dry-run", *args)
    assert result.exit_code == 0, result.output
    assert server.emulator.count(write=True) == 0
    assert file_bytes(cli_store) == files and not cli_store.sync_dir.exists()
    heading, *plan = result.stdout.splitlines()
    # Heatmap, m01 and m02 are written; the empty default tab is deleted, named apart (as the demo does)
    assert heading.startswith("push would write ")
    assert heading.endswith(" cell(s) in 3 tab(s); would delete tab(s): Sheet1")
    m02 = next(line.split() for line in plan if line.split()[:1] == ["m02"])
    assert m02[2:] == ["4", "0", "new"]  # rows added (2 experiments, 2 suggestions), PM edits, note
    pushed = run("push", *args)  # the plan printed is the plan applied
    applied = heading.replace("would write", "wrote").replace("would delete", "deleted")
    assert pushed.stdout.splitlines() == [applied, *plan]


def test_conflicts_exit_3_after_the_rest_is_applied(server: EmulatorServer, cli_store: Store) -> None:
    base = ["--spreadsheet", SHEET, "--endpoint", server.url, "--data-dir", str(cli_store.data_dir)]
    assert run("push", *base).exit_code == 0
    pm = server.emulator.pm(SHEET)
    cells = pm.get_values("m01")
    header = next(i for i, row in enumerate(cells) if "suggestion id" in row)
    issue = cells[header].index("issue")
    pm.set_cell("m01", f"{chr(65 + issue)}{header + 2}", "sheet side")
    edited = cli_store.load_module("m01")
    edited.suggestions[0].issue = "local side"
    edited.suggestions[1].issue = "only local"
    with cli_store.lock():
        cli_store.save_module(edited)
    result = run("push", *base)
    assert result.exit_code == 3
    [row] = [line.split() for line in result.stdout.splitlines() if "m01-s1" in line]
    assert row == [
        "m01",
        "m01-s1",
        "issue",
        "issue",
        "1",
        "local",
        "side",
        "sheet",
        "side",
    ]  # module .. sheet
    assert result.stderr.startswith("error: 1 conflict(s)") and "--prefer" in result.stderr
    values = pm.get_values("m01")
    assert values[header + 1][issue] == "sheet side" and values[header + 2][issue] == "only local"
    kept = cli_store.load_module("m01").suggestions
    assert (kept[0].issue, kept[1].issue) == ("local side", "only local")  # the local side is left as it was
    assert run("push", "--prefer", "local", *base).exit_code == 0
    assert pm.get_values("m01")[header + 1][issue] == "local side"


def test_a_server_that_keeps_failing_ends_in_a_clear_error(server: EmulatorServer, cli_store: Store) -> None:
    files = {p: p.read_bytes() for p in cli_store.data_dir.rglob("*") if p.is_file()}
    server.emulator.inject(Fault(status=503, times=None))
    result = run(
        "push",
        "--spreadsheet",
        SHEET,
        "--endpoint",
        server.url,
        "--deadline",
        "1",
        "--data-dir",
        str(cli_store.data_dir),
    )
    assert result.exit_code == 1
    assert "error: reading the spreadsheet: gave up after" in result.output and "HTTP 503" in result.output
    assert "currently unavailable. Local files were not changed" in result.output  # Google's "." not doubled
    assert {p: p.read_bytes() for p in cli_store.data_dir.rglob("*") if p.is_file()} == files


def test_network_down_is_a_clear_error_within_the_deadline(cli_store: Store) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens: connection refused
    files = file_bytes(cli_store)
    result = run(
        "push",
        "--spreadsheet",
        SHEET,
        "--endpoint",
        endpoint,
        "--deadline",
        "1",
        "--data-dir",
        str(cli_store.data_dir),
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert error.startswith("error: reading the spreadsheet: gave up after")
    assert f"network error reaching {endpoint.removeprefix('http://')}: connection refused" in error
    assert "Local files were not changed" in error
    assert "retrying in" in result.stderr  # each retry is logged
    assert file_bytes(cli_store) == files


def test_a_missing_spreadsheet_is_a_one_line_error(server: EmulatorServer, cli_store: Store) -> None:
    result = run(
        "pull",
        "--spreadsheet",
        "https://docs.google.com/spreadsheets/d/nope/edit",
        "--endpoint",
        server.url,
        "--data-dir",
        str(cli_store.data_dir),
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: spreadsheet 'nope' not found (HTTP 404)")
    assert result.stderr.count("\n") == 1
    assert [e["status"] for e in server.emulator.requests] == [404]  # not retried


def test_pull_dry_run_and_status_write_nothing(server: EmulatorServer, cli_store: Store) -> None:
    """A PM edit and a PM's new row are pending (a real pull would write an id): dry run and status write
    nothing to the sheet or to files, and say what would happen."""
    base = ["--spreadsheet", SHEET, "--endpoint", server.url, "--data-dir", str(cli_store.data_dir)]
    assert run("push", *base).exit_code == 0
    pm = server.emulator.pm(SHEET)
    pm.set_cell("m01", cell_of(server, "m01", "priority", "m01-s2"), "high")
    issue = cell_of(server, "m01", "issue", "m01-s3")
    pm.set_cell("m01", f"{issue[0]}{int(issue[1:]) + 1}", "a PM's new row")
    edited = cli_store.load_module("m02")
    edited.suggestions[0].issue = "edited locally"
    with cli_store.lock():
        cli_store.save_module(edited)
    files = file_bytes(cli_store)
    server.emulator.clear_log()

    dry = run("pull", "--dry-run", *base)
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines()[0] == "pull would change modules/m01.json and write 1 cell(s) in 1 tab(s)"
    assert "1 field(s) and 1 new suggestion(s) from the sheet: m01-s4" in dry.stdout
    status = run("status", "--json", *base)
    assert status.exit_code == 0
    both = json.loads(status.stdout)
    # the edited row is written whole: its 7 PM fields
    assert (both["push"]["cells"], both["push"]["sheet_edits_not_yet_pulled"]) == (7, 1)
    assert both["push"]["new_sheet_rows_not_yet_pulled"] == 1
    assert (both["pull"]["modules_changed"], both["pull"]["local_edits_not_yet_pushed"]) == (["m01"], 1)
    human = run("status", *base)
    assert "1 edit(s) in the sheet not yet pulled (run sheets-sync pull)" in human.stdout
    assert "1 local change(s) not yet pushed (run sheets-sync push)" in human.stdout

    assert server.emulator.count(write=True) == 0 and server.emulator.count() == 3  # one read per command
    assert file_bytes(cli_store) == files


def test_a_text_too_long_for_a_cell_is_refused_naming_module_and_row(
    server: EmulatorServer, cli_store: Store
) -> None:
    edited = cli_store.load_module("m02")
    edited.suggestions[1].suggestion = "x" * 50_001
    with cli_store.lock():
        cli_store.save_module(edited)
    result = run(
        "push", "--spreadsheet", SHEET, "--endpoint", server.url, "--data-dir", str(cli_store.data_dir)
    )
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        "error: modules/m02.json: suggestions[id=m02-s2].suggestion: 50,001 characters"
    )
    assert server.emulator.count(write=True) == 0


def test_settings_come_from_a_config_file(server: EmulatorServer, cli_store: Store, tmp_path: Path) -> None:
    config = tmp_path / "sync.toml"
    config.write_text(f'spreadsheet_id = "{SHEET}"\nendpoint = "{server.url}"\n', encoding="utf-8")
    result = run("push", "--config", str(config), "--data-dir", str(cli_store.data_dir))
    assert result.exit_code == 0, result.output
    assert server.emulator.count(write=True) == 1
    # an endpoint not given on the command line is named, so an emulator never passes for Google unnoticed
    assert f"note: using the Sheets API at {server.url} (from $SHEETS_SYNC_ENDPOINT" in result.stderr


def test_usage_and_setting_errors(cli_store: Store) -> None:
    assert run("push", "--prefer", "nobody").exit_code == 2
    missing = run("push", "--data-dir", str(cli_store.data_dir))
    assert missing.exit_code == 1 and "no spreadsheet given" in missing.output
    bad = run("pull", "--spreadsheet", "not a url at all", "--data-dir", str(cli_store.data_dir))
    assert bad.exit_code == 1 and "neither a spreadsheet id" in bad.output
    nowhere = cli_store.data_dir.parent / "typo"
    typo = run("push", "--spreadsheet", SHEET, "--data-dir", str(nowhere))
    assert typo.exit_code == 1 and "no such data directory" in typo.output and not nowhere.exists()


def test_every_sync_command_has_help_and_is_documented() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "sync.md").read_text(encoding="utf-8")
    for command in ("push", "pull", "status"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "--spreadsheet ID_OR_URL" in result.output
        assert f"sheets-sync {command} --spreadsheet" in result.output  # an example to copy
        assert "Exit codes: 0 done" in result.output
        assert f"sheets-sync {command}" in docs
    for flag in (
        "--dry-run",
        "--prefer",
        "--accept-deletions",
        "--delete-removed-tabs",
        "--endpoint",
        "--deadline",
    ):
        assert flag in docs


def logged_requests(server: EmulatorServer) -> list[dict[str, object]]:
    """The emulator's request log, read the way another process would: over its control API."""
    answer = requests.get(f"{server.url}/_emulator/requests", timeout=5)
    answer.raise_for_status()
    return list(answer.json())


def test_a_sort_between_read_and_write_over_http(server: EmulatorServer, cli_store: Store) -> None:
    base = ["--spreadsheet", SHEET, "--endpoint", server.url, "--data-dir", str(cli_store.data_dir)]
    assert run("push", *base).exit_code == 0
    edited = cli_store.load_module("m01")
    edited.suggestions[0].priority = Priority.HIGH
    edited.suggestions[1].issue = "zz edited locally"
    with cli_store.lock():
        cli_store.save_module(edited)
    pm = server.emulator.pm(SHEET)
    first, issue = (
        cell_of(server, "m01", "suggestion id", "m01-s1"),
        cell_of(server, "m01", "issue", "m01-s1"),
    )
    last = cell_of(server, "m01", "applied in", "m01-s3")
    server.emulator.clear_log()
    server.emulator.before_next_write(
        lambda: pm.sort_range("m01", f"{first}:{last}", column=issue.rstrip("0123456789"), descending=True)
    )
    result = run("push", *base)
    assert result.exit_code == 0, result.output
    assert [(e["kind"], e["status"]) for e in logged_requests(server)] == [
        ("spreadsheets.get", 200),
        ("spreadsheets.batchUpdate", 200),  # lands on rows the sort moved
        ("spreadsheets.getByDataFilter", 200),  # the check (of m01 alone) finds them moved
        ("spreadsheets.batchUpdate", 200),  # puts them right
        ("spreadsheets.getByDataFilter", 200),
    ]
    assert issue != cell_of(server, "m01", "issue", "m01-s1")  # the sort did move the rows
    for suggestion in edited.suggestions:
        for label, value in (("issue", suggestion.issue), ("priority", suggestion.priority)):
            assert pm.value("m01", cell_of(server, "m01", label, suggestion.id)) == value


def test_three_429s_then_success_over_http(server: EmulatorServer, cli_store: Store) -> None:
    # Retry-After keeps the test fast; the backoff without one is tested on a fake clock (test_retry.py)
    fault = {"status": 429, "times": 3, "retryAfter": 0.01}
    requests.post(f"{server.url}/_emulator/faults", json=fault, timeout=5).raise_for_status()
    base = ["--spreadsheet", SHEET, "--endpoint", server.url, "--data-dir", str(cli_store.data_dir)]
    result = run("push", *base)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("HTTP 429") == 3  # each retry is logged
    log = logged_requests(server)
    assert [e["status"] for e in log] == [429, 429, 429, 200, 200, 200]
    assert [e["kind"] for e in log if e["status"] == 200] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
        "spreadsheets.getByDataFilter",
    ]
    book = server.emulator.spreadsheet(SHEET)
    assert [s.title for s in book.sheets] == ["Heatmap", "m01", "m02"]
    assert all(len(s.protected_ranges) == 1 for s in book.sheets)
    values = server.emulator.pm(SHEET).get_values("m02")
    header = next(i for i, row in enumerate(values) if row and row[0] == "experiment id")
    ids = [row[0] for row in values[header + 1 :] if row and row[0]]
    assert sorted(ids) == sorted(e.id for e in cli_store.load_module("m02").experiments)  # no duplicated rows


def test_refused_values_and_a_skipped_tab_exit_5_after_everything_else(
    server: EmulatorServer, cli_store: Store
) -> None:
    base = ["--spreadsheet", SHEET, "--data-dir", str(cli_store.data_dir), "--endpoint", server.url]
    assert run("push", *base).exit_code == 0
    pm = server.emulator.pm(SHEET)
    rubric = cell_of(server, "m01", "rubric", "m01-s1")
    paste_over_dropdown(server.emulator, SHEET, "m01", rubric, "no such rubric")
    pm.set_cell("m01", cell_of(server, "m01", "priority", "m01-s2"), "high")
    header = cell_of(server, "m02", "issue", "m02-s1")
    pm.set_cell("m02", f"{header[0]}6", "problem")  # the header above m02's issue column, renamed
    pulled = run("pull", *base)
    assert pulled.exit_code == 5, pulled.output
    assert (
        f"value refused: m01!{rubric}: rubric 'no such rubric' refused (allowed: main, style)"
        in pulled.stdout
    )
    assert "tab skipped: tab 'm02':" in pulled.stdout and "type 'issue' back" in pulled.stdout
    assert (
        "1 value(s) refused, 1 tab(s) skipped" in pulled.stderr
        and "everything else was applied" in pulled.stderr
    )
    assert cli_store.load_module("m01").suggestions[1].priority is Priority.HIGH
    pushed = run("push", *base)
    assert pushed.exit_code == 5, pushed.output
    assert "run sheets-sync pull" not in pushed.stdout
    assert "no such rubric" in (pm.note("m01", rubric) or "")
    pm.set_cell("m01", rubric, "style")
    pm.set_cell("m02", f"{header[0]}6", "issue")
    assert run("pull", *base).exit_code == 0
    assert run("push", *base).exit_code == 0
    assert pm.note("m01", rubric) is None


def test_conflicts_win_over_refused_values(server: EmulatorServer, cli_store: Store) -> None:
    base = ["--spreadsheet", SHEET, "--data-dir", str(cli_store.data_dir), "--endpoint", server.url]
    assert run("push", *base).exit_code == 0
    pm = server.emulator.pm(SHEET)
    paste_over_dropdown(
        server.emulator, SHEET, "m01", cell_of(server, "m01", "rubric", "m01-s1"), "no such rubric"
    )
    pm.set_cell("m01", cell_of(server, "m01", "issue", "m01-s2"), "sheet text")
    edited = cli_store.load_module("m01")
    edited.suggestions[1].issue = "local text"
    with cli_store.lock():
        cli_store.save_module(edited)
    result = run("push", *base)
    assert result.exit_code == 3, result.output
    assert "value refused" in result.stdout

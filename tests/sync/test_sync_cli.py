"""The push, pull and status commands over a real loopback HTTP server (``--endpoint``), as a user runs them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sync_helpers import module, write_modules

from sheets_sync.cli import main
from sheets_sync.emulator import Emulator, Fault
from sheets_sync.emulator.http import EmulatorServer, serve_http
from sheets_sync.store import Store

pytestmark = pytest.mark.http
SHEET = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-demo"


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator()
    emulator.create_spreadsheet(SHEET, title="Evals")
    running = serve_http(emulator)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def cli_store(tmp_path: Path) -> Store:
    return write_modules(tmp_path / "data", module("m01"), module("m02", experiments=2, suggestions=2))


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, list(args), catch_exceptions=False)


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


def test_dry_run_prints_the_plan_and_writes_nothing(server: EmulatorServer, cli_store: Store) -> None:
    result = run("push", "--dry-run", "--spreadsheet", SHEET, "--endpoint", server.url,
                 "--data-dir", str(cli_store.data_dir))
    assert result.exit_code == 0, result.output
    assert "push would" in result.output and "m02" in result.output
    assert server.emulator.count(write=True) == 0
    assert not cli_store.sync_dir.exists()


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
    assert "conflict" in result.output and "sheet side" in result.output
    values = pm.get_values("m01")
    assert values[header + 1][issue] == "sheet side" and values[header + 2][issue] == "only local"
    assert run("push", "--prefer", "local", *base).exit_code == 0
    assert pm.get_values("m01")[header + 1][issue] == "local side"


def test_a_server_that_keeps_failing_ends_in_a_clear_error(server: EmulatorServer, cli_store: Store) -> None:
    files = {p: p.read_bytes() for p in cli_store.data_dir.rglob("*") if p.is_file()}
    server.emulator.inject(Fault(status=503, times=None))
    result = run("push", "--spreadsheet", SHEET, "--endpoint", server.url, "--deadline", "1",
                 "--data-dir", str(cli_store.data_dir))
    assert result.exit_code == 1
    assert "error: reading the spreadsheet: gave up after" in result.output and "HTTP 503" in result.output
    assert {p: p.read_bytes() for p in cli_store.data_dir.rglob("*") if p.is_file()} == files


def test_settings_come_from_a_config_file(server: EmulatorServer, cli_store: Store, tmp_path: Path) -> None:
    config = tmp_path / "sync.toml"
    config.write_text(f'spreadsheet_id = "{SHEET}"\nendpoint = "{server.url}"\n', encoding="utf-8")
    result = run("push", "--config", str(config), "--data-dir", str(cli_store.data_dir))
    assert result.exit_code == 0, result.output
    assert server.emulator.count(write=True) == 1


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
        assert result.exit_code == 0 and "--spreadsheet" in result.output
        assert f"sheets-sync {command}" in docs
    for flag in ("--dry-run", "--prefer", "--accept-deletions", "--delete-removed-tabs", "--endpoint", "--deadline"):
        assert flag in docs

"""Two engineers through the command line over real HTTP against one emulator: every suggestion and every deletion
is kept, with exit 0 and no conflict."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sync_helpers import module, write_modules

from sheets_emulator import Emulator, EmulatorServer, running_server
from sheets_sync.cli import main

SHEET = "team-cli-sheet"
pytestmark = pytest.mark.http


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator()
    emulator.create_spreadsheet(SHEET, title="Evals")
    with running_server(emulator) as running:
        yield running


def run(data: Path, server: EmulatorServer, *args: str) -> Result:
    connection = ["--spreadsheet", SHEET, "--endpoint", server.url] if args[0] in ("push", "pull") else []
    return CliRunner().invoke(main, [*args, "--data-dir", str(data), *connection], catch_exceptions=False)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def suggest(data: Path, server: EmulatorServer, issue: str) -> None:
    ok(
        run(
            data,
            server,
            "suggest",
            "m01",
            "--version",
            "v1",
            "--rubric",
            "main",
            "--issue",
            issue,
            "--suggestion",
            "do it",
        )
    )


def issues(data: Path) -> dict[str, str]:
    raw = json.loads((data / "modules" / "m01.json").read_text())
    return {s["id"]: s["issue"] for s in raw["suggestions"]}


def delete(data: Path, suggestion_id: str) -> None:
    path = data / "modules" / "m01.json"
    raw = json.loads(path.read_text())
    raw["suggestions"] = [s for s in raw["suggestions"] if s["id"] != suggestion_id]
    path.write_text(json.dumps(raw, indent=2) + "\n")


def test_two_engineers_keep_every_suggestion_and_every_deletion(
    tmp_path: Path, server: EmulatorServer
) -> None:
    origin = write_modules(tmp_path / "origin", module("m01", suggestions=3)).data_dir
    ok(run(origin, server, "push"))
    ana, ben = tmp_path / "ana", tmp_path / "ben"
    shutil.copytree(origin, ana)
    shutil.copytree(origin, ben)
    suggest(ana, server, "ana 1")
    suggest(ben, server, "ben 1")
    suggest(ben, server, "ben 2")
    delete(ana, "m01-s1")
    delete(ben, "m01-s2")
    ok(run(ana, server, "push"))
    pushed = ok(run(ben, server, "push"))
    assert "renumbered" in pushed
    for data in (ana, ben, ana, ben):
        ok(run(data, server, "pull"))
        ok(run(data, server, "push"))
    expected = {"m01-s3": "issue 3", "m01-s4": "ana 1", "m01-s5": "ben 2", "m01-s6": "ben 1"}
    assert issues(ana) == issues(ben) == expected
    server.emulator.clear_log()
    ok(run(ana, server, "push"))
    assert (server.emulator.count(write=False), server.emulator.count(write=True)) == (1, 0)

"""Fixtures for the local-mirror tests: real temp directories, real JSON files, the real CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sheets_sync.cli import main


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``sheets-sync ARGS`` in-process; stdout and stderr kept apart."""
    monkeypatch.delenv("SHEETS_SYNC_DATA_DIR", raising=False)

    def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
        return CliRunner(env=env).invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run

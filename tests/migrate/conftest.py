"""Fixtures for ``sheets-sync migrate``: a real copy of the sample mirror, the trackers of ``trackers/``, the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from migrate_helpers import REPO

from sheets_sync.cli import main


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    """A copy of the committed sample data directory (modules m01..m05, m01a, imported from judge files)."""
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target, ignore=shutil.ignore_patterns("*.lock", ".sync"))
    return target


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``sheets-sync ARGS`` in-process; stdout and stderr kept apart."""
    monkeypatch.delenv("SHEETS_SYNC_DATA_DIR", raising=False)

    def run(*args: str | Path) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run

"""Fixtures for ``sheets-sync migrate``: a real copy of the sample mirror, the trackers of ``trackers/``, the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sheets_sync.cli import main

REPO = Path(__file__).resolve().parents[2]
TRACKERS = Path(__file__).resolve().parent / "trackers"
YAML_TRACKER = TRACKERS / "progress_history.yaml"
JS_TRACKER = TRACKERS / "modules_data.js"


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


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (the writer lock excluded: it is not data)."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }

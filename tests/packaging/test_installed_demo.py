"""The demo runs from a regular (non-editable) install: the emulator package and the dashboard assets are in
the distribution, not only in the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip install --no-deps --target``: a copy of the built distribution, dependencies from this venv."""
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=build,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert (target / "sheets_emulator" / "__init__.py").is_file()
    return target


def test_the_demo_runs_from_a_non_editable_install(installed: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETS_SYNC_")}
    # -P: do not put the working directory on sys.path, so only the installed copy can be imported.
    probe = (
        "import sheets_sync, sheets_emulator; print(sheets_sync.__file__); print(sheets_emulator.__file__)"
    )
    where = subprocess.run(
        [sys.executable, "-P", "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(installed)},
    ).stdout.split()
    assert all(Path(p).is_relative_to(installed) for p in where), where
    result = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "sheets_sync",
            "demo",
            "--data-dir",
            str(REPO / "data"),
            "--workdir",
            "out",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(installed), "COLUMNS": "80"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "out" / "site" / "index.html").is_file()
    assert "Traceback" not in result.stderr

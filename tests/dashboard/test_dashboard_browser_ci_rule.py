"""The CI=true browser rule end to end: a real pytest run of one browser test, with Chromium pointed away.

`test_dashboard_browser_setup.py` checks `require_browser` alone; this checks the wiring a user relies on (the
`browser` fixture asks it, with the real environment), so a green CI run cannot hide untested pages.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE_BROWSER_TEST = "tests/dashboard/test_dashboard_browser.py::test_filter_and_sort_rows"


def run_one_browser_test(chromium: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHEETS_SYNC_CHROMIUM": str(chromium)}
    env.pop("CI", None)
    env.pop("PYTEST_ADDOPTS", None)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", ONE_BROWSER_TEST, "-p", "no:cacheprovider", "-q", "-rA"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def summary(run: subprocess.CompletedProcess[str]) -> str:
    """The outcome counts of pytest's last line: "1 error in 0.52s" -> "1 error"."""
    return run.stdout.strip().splitlines()[-1].split(" in ")[0]


def test_on_ci_a_missing_browser_is_an_error_with_the_reason(tmp_path: Path) -> None:
    missing = tmp_path / "no-chromium"
    run = run_one_browser_test(missing, ci="true")
    assert run.returncode == 1, run.stdout + run.stderr
    assert summary(run) == "1 error", run.stdout
    assert f"browser tests must run on CI (CI=true), but: {missing} not found" in run.stdout, run.stdout


def test_off_ci_a_missing_browser_is_skipped_with_the_reason(tmp_path: Path) -> None:
    missing = tmp_path / "no-chromium"
    run = run_one_browser_test(missing, ci=None)
    assert run.returncode == 0, run.stdout + run.stderr
    assert summary(run) == "1 skipped", run.stdout
    assert f"browser tests skipped: {missing} not found (Debian: apt-get install chromium)" in run.stdout, (
        run.stdout
    )

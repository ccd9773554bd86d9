"""Without Chromium the browser tests skip with the reason, except on CI (CI=true), where they fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import browser_unavailable, require_browser


def test_a_missing_chromium_is_named_with_how_to_install_it(tmp_path: Path) -> None:
    missing = tmp_path / "chromium"
    assert browser_unavailable(missing) == f"{missing} not found (Debian: apt-get install chromium)"


@pytest.mark.parametrize("ci", [None, "", "false", "1"])
def test_off_ci_a_missing_browser_skips_with_the_reason(ci: str | None) -> None:
    with pytest.raises(pytest.skip.Exception, match="browser tests skipped: /x/chromium not found"):
        require_browser("/x/chromium not found", ci)


def test_on_ci_a_missing_browser_fails() -> None:
    with pytest.raises(
        pytest.fail.Exception, match=r"must run on CI \(CI=true\), but: /x/chromium not found"
    ):
        require_browser("/x/chromium not found", "true")


def test_with_a_browser_the_tests_run_on_ci_and_off_it() -> None:
    require_browser(None, "true")
    require_browser(None, None)

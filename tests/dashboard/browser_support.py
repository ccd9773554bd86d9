"""Where the browser tests find Chromium, and what they do without it.

Debian's Chromium (/usr/bin/chromium) driven by Playwright for Python: Playwright's own browser download does not
work here. Without either, the browser tests skip with the reason; with ``CI=true`` they fail instead, so a green
CI run means the pages were really tested in a browser.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.dashboard.browser import CHROMIUM


def browser_unavailable(chromium: Path = CHROMIUM) -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not chromium.exists():
        return f"{chromium} not found (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    return None


def require_browser(reason: str | None, ci: str | None) -> None:
    """Skip with ``reason`` when there is no browser; on CI (``CI=true``) fail instead."""
    if reason is None:
        return
    if ci == "true":
        pytest.fail(f"browser tests must run on CI (CI=true), but: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")

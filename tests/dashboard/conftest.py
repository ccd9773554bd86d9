"""Fixtures of the dashboard tests: the sample data, the built site, and ONE headless Chromium per session.

Browser tests need Debian's Chromium (/usr/bin/chromium; Playwright's own browser download does not work here)
and Playwright for Python. Without them they skip with the reason, except on CI (CI=true), where a missing browser
is a failure: a green CI run must mean the pages were really tested.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import browser_unavailable, require_browser
from dashboard_factory import sample_modules, write_modules

from sheets_sync import jsonio
from sheets_sync.dashboard.browser import CHROMIUM, CHROMIUM_ARGS
from sheets_sync.dashboard.build import build_site
from sheets_sync.store import Store


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return write_modules(tmp_path_factory.mktemp("dashboard") / "data", sample_modules())


@pytest.fixture(scope="session")
def site(sample_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site's directory (read-only for tests: build your own to change it)."""
    out = tmp_path_factory.mktemp("site")
    build_site(sample_store, out)
    return out


@pytest.fixture(scope="session")
def index(sample_store: Store) -> dict[str, Any]:
    return jsonio.read_json(sample_store.index_path)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require_browser(browser_unavailable(), os.environ.get("CI"))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageErrors(list[str]):
    """JavaScript exceptions and console errors (a CSP violation is one) seen by a page."""


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh context and page; the test fails if the page threw or logged an error."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors = PageErrors()
    page.on("pageerror", lambda exc: errors.append(f"exception: {exc}"))
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.errors = errors
    yield page
    context.close()
    assert not errors, f"the page reported errors: {errors}"

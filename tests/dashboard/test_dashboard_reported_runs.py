"""Runs known only by their reported rates (migrated from the legacy trackers) in headless Chromium: the Diff view
says the page cannot test them, with the CLI's very strings, and the heatmap shows no interval for them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from test_dashboard_browser import assert_page_shows_what_the_cli_prints, open_heatmap, open_module

from sheets_sync.dashboard.build import build_site
from sheets_sync.legacy.migrate import migrate
from sheets_sync.store import Store

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
TRACKERS = REPO / "tests" / "migrate" / "trackers"
RERUN = "m01_v6_gpt5_20260221"  # reported: 58.4% of 49 samples
COUNTED = "m01_v5_gpt5_20260203"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path]:
    root = tmp_path_factory.mktemp("reported")
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns("*.lock", ".sync"))
    store = Store(root / "data")
    migrate(
        store,
        progress_yaml=TRACKERS / "progress_history.yaml",
        modules_js=TRACKERS / "modules_data.js",
        apply=True,
    )
    build_site(store, root / "site")
    return store, root / "site"


@pytest.mark.parametrize(
    ("module_id", "a", "b"),
    [
        ("m01", COUNTED, RERUN),  # counted against reported
        ("m01", RERUN, COUNTED),
        ("m08", "m08_v1_gpt4omini_20260115", "m08_v2_gpt4omini_20260122"),  # both reported
        ("m07", "m07_v1.10_gpt4o_20260109", "m07_v2_gpt4o_20260112"),  # both counted
    ],
)
def test_the_diff_view_prints_what_the_cli_prints(
    page: Any, migrated: tuple[Store, Path], module_id: str, a: str, b: str
) -> None:
    store, site = migrated
    open_module(page, site, module_id)
    page.select_option("#diff-a", a)
    page.select_option("#diff-b", b)
    assert_page_shows_what_the_cli_prints(page, store, module_id)


def test_the_diff_view_names_the_reported_rate_and_tests_nothing(
    page: Any, migrated: tuple[Store, Path]
) -> None:
    _, site = migrated
    open_module(page, site, "m01")
    page.select_option("#diff-a", COUNTED)
    page.select_option("#diff-b", RERUN)
    row = page.locator("#diff-table tbody tr").first
    assert "58.4% reported" in row.inner_text()
    assert "cannot test: reported rate" in row.inner_text()


def test_the_heatmap_tooltip_says_a_reported_run_has_no_interval(
    page: Any, migrated: tuple[Store, Path]
) -> None:
    _, site = migrated
    open_heatmap(page, site)
    page.hover('td.cell[data-module="m08"][data-version="v1"]')
    tip = page.locator(".tip").first
    tip.wait_for()
    assert "reported: no interval" in tip.inner_text()

"""The heatmap paints from its HTML alone and loads the runs behind the cells afterwards, as <script src> files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from test_dashboard_browser import CELLS, expected_cells, open_heatmap

pytestmark = pytest.mark.browser

CELLS_WITH_CLASSES = """() => Array.from(document.querySelectorAll('td.cell')).map(td => [
  td.dataset.module, td.dataset.version, td.className, td.querySelector('.v').textContent,
  td.querySelector('.m').textContent])"""

# Records when the first frame was about to paint and when a heatmap data script was added to the page.
TIMELINE = """
window.__timeline = {};
requestAnimationFrame(() => { window.__timeline.frame = performance.now(); });
new MutationObserver(records => {
  for (const record of records) for (const node of record.addedNodes) {
    if (node.tagName === "SCRIPT" && (node.getAttribute("src") || "").startsWith("heatmap/rows-")
        && window.__timeline.script === undefined) window.__timeline.script = performance.now();
  }
}).observe(document, {childList: true, subtree: true});
"""


def test_without_javascript_the_cells_show_the_best_pass_rates(browser: Any, site: Path, index: dict) -> None:  # type: ignore[type-arg]
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto((site / "index.html").as_uri())
        assert page.evaluate(CELLS) == expected_cells(index, "", "pass_rate")
        assert page.locator('td[data-module="m01"][data-version="v2"] .v').is_visible()
    finally:
        context.close()


def test_the_cells_the_build_wrote_are_what_the_script_writes(page: Any, site: Path) -> None:
    open_heatmap(page, site)
    built = page.evaluate(CELLS_WITH_CLASSES)
    assert {cls for _, _, cls, _, _ in built} - {"cell empty", "cell na"}  # coloured cells among them
    for model in ("gpt-5", "gpt-4o-mini"):
        page.select_option("select[name=model]", model)
        assert page.evaluate(CELLS_WITH_CLASSES) != built
        page.select_option("select[name=model]", label="Best")  # now written by heatmap.js
        assert page.evaluate(CELLS_WITH_CLASSES) == built, model


def test_the_runs_arrive_as_script_files_after_the_first_frame(page: Any, site: Path, index: dict) -> None:  # type: ignore[type-arg]
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "braintrust.dev" not in html and "experiment_id" not in html  # no run data inline
    scripts = sorted(p.name for p in (site / "heatmap").iterdir())
    assert scripts and all(name.startswith("rows-") and name.endswith(".js") for name in scripts)
    page.add_init_script(TIMELINE)
    open_heatmap(page, site)
    timeline = page.evaluate("() => window.__timeline")
    assert timeline["script"] > timeline["frame"]
    loaded = page.evaluate("() => Array.from(document.scripts, s => s.getAttribute('src')).filter(Boolean)")
    assert [src for src in loaded if src.startswith("heatmap/")] == [f"heatmap/{name}" for name in scripts]
    page.hover('td[data-module="m01"][data-version="v2"]')  # the tooltip's runs come from the scripts
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    assert tip.locator("tbody tr").count() == len(index["modules"]["m01"]["versions"]["v2"]["by_model"])
    assert tip.locator("a", has_text="Braintrust").count() >= 1


def test_a_view_in_the_url_is_applied_once_the_runs_are_in(page: Any, site: Path, index: dict) -> None:  # type: ignore[type-arg]
    open_heatmap(page, site, "?model=gpt-4o&sort=-v1")
    assert page.evaluate(CELLS) != expected_cells(index, "", "pass_rate")
    order = page.eval_on_selector_all("tbody tr", "rows => rows.map(r => r.cells[1].dataset.module)")
    by_gpt4o = sorted(
        index["modules"],
        key=lambda m: (
            -(index["modules"][m]["versions"]["v1"]["by_model"].get("gpt-4o") or {"pass_rate": -1})[
                "pass_rate"
            ]
        ),
    )
    assert order == by_gpt4o


def test_a_missing_data_script_is_said_on_the_page(
    browser: Any, site: Path, tmp_path: Path, index: dict
) -> None:  # type: ignore[type-arg]
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    for script in (broken / "heatmap").iterdir():
        script.unlink()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((broken / "index.html").as_uri())
        message = page.locator("#no-match")
        message.wait_for(state="visible")
        assert "heatmap data did not load" in message.inner_text()
        assert page.evaluate(CELLS) == expected_cells(index, "", "pass_rate")  # the first paint stays
    finally:
        context.close()

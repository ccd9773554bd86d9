"""Dashboards for everyone, in a real headless Chromium: the keyboard reaches every tooltip, an accessibility scan
(axe-core, bundled by axe-playwright-python: no network) finds nothing serious, phones (390 px) never scroll the page
sideways, empty states say what to do, and the diff's A/B choice lives in the URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from dashboard_factory import run, write_modules

from sheets_sync.dashboard.build import build_site
from sheets_sync.index_file import write_index
from sheets_sync.models import Module
from sheets_sync.store import Store

PHONE = {"width": 390, "height": 844}

DIFF_ROWS = """() => Array.from(document.querySelectorAll('#diff-table tbody tr')).map(tr =>
  Object.fromEntries(Array.from(tr.cells).map(td => [td.dataset.col, td.textContent])))"""


def open_heatmap(page: Any, site: Path, query: str = "") -> None:
    page.goto((site / "index.html").as_uri() + query)
    page.wait_for_selector("table#heatmap[data-ready=true]")


def open_module(page: Any, site: Path, module_id: str, query: str = "") -> None:
    page.goto((site / "modules" / f"{module_id}.html").as_uri() + query)
    page.wait_for_selector("#diff[data-ready=true]")


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => { const e = document.activeElement;
          return {tag: e.tagName, module: e.dataset.module || null, version: e.dataset.version || null,
                  cls: e.getAttribute('class')}; }"""
    )


# ------------------------------------------------------------------------------------------------ keyboard


def test_the_keyboard_reaches_a_heatmap_cell_and_its_tooltip(page: Any, site: Path) -> None:
    open_heatmap(page, site)
    tip = page.locator("#tip")
    for _ in range(12):  # past the brand link, the crumbs, the controls and the sort buttons
        page.keyboard.press("Tab")
        if focused(page)["tag"] == "TD":
            break
    assert focused(page) == {"tag": "TD", "module": "m01", "version": "v1", "cls": focused(page)["cls"]}
    assert tip.is_visible() and "m01 \u00b7 v1" in tip.inner_text()
    assert (
        page.locator("td.cell[data-module=m01][data-version=v1]").get_attribute("aria-describedby") == "tip"
    )
    page.keyboard.press("ArrowRight")
    assert focused(page)["version"] == "v2" and "m01 \u00b7 v2" in tip.inner_text()
    page.keyboard.press("ArrowDown")
    assert (focused(page)["module"], focused(page)["version"]) == ("m02", "v2")
    page.keyboard.press("Escape")
    assert tip.is_hidden()
    page.keyboard.press("Enter")
    assert tip.is_visible() and "m02 \u00b7 v2" in tip.inner_text()
    page.keyboard.press("Escape")
    assert tip.is_hidden()
    # One tab stop: Tab leaves the table instead of walking through every cell.
    page.keyboard.press("Tab")
    assert focused(page)["tag"] != "TD"


def test_the_keyboard_reaches_chart_points_and_their_tooltip(page: Any, site: Path) -> None:
    open_module(page, site, "m01")
    tip = page.locator("#chart-tip")
    first = page.locator("svg.chart-svg").first.locator(".marker").first
    assert first.get_attribute("tabindex") == "0"
    first.focus()
    label = first.get_attribute("aria-label")
    assert tip.is_visible() and tip.inner_text() == label and "pass" in label
    page.keyboard.press("ArrowRight")
    second = page.locator("svg.chart-svg").first.locator(".marker").nth(1)
    assert tip.inner_text() == second.get_attribute("aria-label") != label
    page.keyboard.press("Escape")
    assert tip.is_hidden()
    page.keyboard.press("Enter")
    assert tip.is_visible()


# ------------------------------------------------------------------------------------------------ axe


def serious_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [1400, 390])
def test_no_serious_or_critical_accessibility_violations(browser: Any, site: Path, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        found = {}
        for name in ["index.html", *sorted(f"modules/{p.name}" for p in (site / "modules").glob("*.html"))]:
            page.goto((site / name).as_uri())
            page.wait_for_load_state("load")
            if name == "index.html":
                page.locator("td.cell").first.focus()  # the tooltip open, too
            violations = serious_violations(page)
            if violations:
                found[name] = violations
        assert not found, found
    finally:
        context.close()


# ------------------------------------------------------------------------------------------------ phones

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const outside = [];
  for (const el of document.querySelectorAll('main *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) continue;
    let up = el.parentElement, scrolls = null;
    while (up && !scrolls) {
      const style = getComputedStyle(up);
      if (style.overflowX === 'auto' || style.overflowX === 'scroll') scrolls = up;
      up = up.parentElement;
    }
    if (!scrolls) outside.push(el.tagName + '.' + el.getAttribute('class'));
    else if (!/scrolls sideways/.test(scrolls.getAttribute('aria-label') || '')) outside.push('silent scroller ' + scrolls.className);
  }
  return {page: document.documentElement.scrollWidth, width, outside: outside.slice(0, 5)};
}"""


def test_at_390_px_no_page_scrolls_sideways(browser: Any, site: Path) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        for name in ["index.html", *sorted(f"modules/{p.name}" for p in (site / "modules").glob("*.html"))]:
            page.goto((site / name).as_uri())
            page.wait_for_load_state("load")
            result = page.evaluate(OVERFLOW)
            assert result["page"] <= result["width"], f"{name} scrolls sideways: {result}"
            assert not result["outside"], (
                f"{name}: {result['outside']} outside the screen or a labelled table"
            )
    finally:
        context.close()


def test_at_390_px_the_module_column_is_the_id_and_the_diff_stacks(browser: Any, site: Path) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        open_heatmap(page, site)
        header = page.locator("tbody th.module").first
        assert header.bounding_box()["width"] <= 100
        assert header.inner_text().strip() == "m01"
        assert page.locator("td.cell").first.bounding_box()["x"] < 120  # the numbers start right after the id
        open_module(page, site, "m01")
        cells = page.locator("#diff-table tbody tr").first.locator("td")
        boxes = [cells.nth(i).bounding_box() for i in range(cells.count())]
        assert len(boxes) == 6
        assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 for box in boxes)
        assert len({round(box["y"]) for box in boxes}) == 6, "the diff's numbers are not stacked"
        labels = page.evaluate(
            "() => Array.from(document.querySelectorAll('#diff-table tbody tr:first-child td'))"
            ".map(td => getComputedStyle(td, '::before').content)"
        )
        assert labels[0] == '"A"' and labels[-1] == '"Verdict"'
    finally:
        context.close()


LEGEND_LINES = """() => Array.from(document.querySelectorAll('.legend .swatch.na, .legend .swatch.empty')).map(chip =>
  [chip.getBoundingClientRect().top, chip.nextElementSibling.getBoundingClientRect().top,
   chip.nextElementSibling.textContent])"""


@pytest.mark.parametrize("width", [1280, 390])
def test_each_legend_chip_sits_on_the_line_of_its_label(browser: Any, site: Path, width: int) -> None:
    """At 390 px the legend wraps; "n/a" must not end one line with "no rate" starting the next."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        open_heatmap(page, site)
        pairs = page.evaluate(LEGEND_LINES)
        assert [label for _, _, label in pairs] == ["no rate", "no run"]
        for chip_top, label_top, label in pairs:
            assert abs(chip_top - label_top) < 8, f"{width} px: the chip of {label!r} is on another line"
    finally:
        context.close()


SCROLL_HINTS = """() => Array.from(document.querySelectorAll('.scroll-hint')).map(hint => {
  const region = hint.nextElementSibling;
  return {shown: hint.offsetParent !== null, scrolls: region.scrollWidth > region.clientWidth + 1,
          region: region.getAttribute('aria-label')};
})"""


def test_at_390_px_a_scroll_hint_shows_only_above_a_table_that_scrolls(browser: Any, site: Path) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    seen = set()
    try:
        for name in ["index.html", *sorted(f"modules/{p.name}" for p in (site / "modules").glob("*.html"))]:
            page.goto((site / name).as_uri())
            page.wait_for_load_state("load")
            for hint in page.evaluate(SCROLL_HINTS):
                assert hint["shown"] == hint["scrolls"], f"{name}: {hint}"
                seen.add(hint["shown"])
        assert seen == {True, False}, "the sample has tables that scroll and tables that fit"
    finally:
        context.close()


TIP_REACH = """() => { const tip = document.getElementById('tip'); const box = tip.getBoundingClientRect();
  const cells = tip.querySelectorAll('.tip-table tr:first-child th, .tip-table tbody tr:first-child td');
  const last = cells[cells.length - 1];
  tip.scrollLeft = tip.scrollWidth;
  return {left: box.left, right: box.right, lastRight: last.getBoundingClientRect().right, columns: cells.length}; }"""


def test_at_390_px_a_pinned_tooltip_keeps_every_column_within_reach(browser: Any, site: Path) -> None:
    """The tooltip's table is wider than a phone: it scrolls inside the tooltip instead of running off the screen."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        open_heatmap(page, site)
        page.locator("td.cell[data-module=m01][data-version=v2]").click()
        assert page.locator("#tip").is_visible()
        reach = page.evaluate(TIP_REACH)
        assert reach["columns"] > 1
        assert reach["left"] >= 0 and reach["right"] <= PHONE["width"], reach
        assert reach["lastRight"] <= PHONE["width"], f"the tooltip's last column cannot be reached: {reach}"
    finally:
        context.close()


CHART_LABELS = """() => Array.from(document.querySelectorAll('.chart-svg .xlab, .chart-svg .ylab')).map(t => {
  const svg = t.closest('svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
          left: t.getBoundingClientRect().left, right: t.getBoundingClientRect().right};
})"""


def test_at_390_px_the_chart_labels_stay_readable_and_on_screen(browser: Any, site: Path) -> None:
    """The chart is drawn 600 units wide and shown ~340 px wide: its 12-unit labels were under 7 px."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        open_module(page, site, "m01")
        labels = page.evaluate(CHART_LABELS)
        assert labels and {"100%", "v1"} <= {label["text"] for label in labels}
        small = [label for label in labels if label["px"] < 8.5]
        assert not small, f"chart labels shown under 8.5 px: {small[:3]}"
        off = [label for label in labels if label["left"] < 0 or label["right"] > PHONE["width"]]
        assert not off, f"chart labels off the screen: {off[:3]}"
    finally:
        context.close()


# ------------------------------------------------------------------------------------------------ empty states


def test_an_empty_data_directory_says_to_run_import(page: Any, tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    store.modules_dir.mkdir(parents=True)
    with store.lock():
        write_index(store)
    site = tmp_path / "site"
    build_site(store, site)
    page.goto((site / "index.html").as_uri())
    empty = page.locator("#empty-state")
    assert empty.is_visible() and "sheets-sync import" in empty.inner_text()
    assert page.locator("table#heatmap").count() == 0


def test_a_filter_without_a_match_says_so(page: Any, site: Path) -> None:
    open_heatmap(page, site)
    page.fill("input[name=q]", "no-such-module")
    message = page.locator("#no-match")
    assert message.is_visible() and "no-such-module" in message.inner_text()
    assert page.locator("#heatmap tbody tr:visible").count() == 0
    page.fill("input[name=q]", "")
    assert message.is_hidden()


def test_a_one_run_module_page_works(page: Any, tmp_path: Path) -> None:
    # module.js:182 used to throw a TypeError here (no A/B selects with a single run); `page` fails on any error.
    lone = Module(
        module_id="m09",
        module_name="Lone",
        primary_rubric="r",
        experiments=[run("m09", "v1", "gpt-5", 30, rubrics={"r": (20, 50)}, primary="r")],
    )
    store = write_modules(tmp_path / "data", [lone])
    site = tmp_path / "site"
    build_site(store, site)
    open_module(page, site, "m09")
    assert "at least two experiments" in page.locator("#diff").inner_text()
    assert page.locator("svg.chart-svg .marker").count() == 2
    open_heatmap(page, site)
    assert page.locator("td.cell .v").first.inner_text() == "60.0%"


# ------------------------------------------------------------------------------------------------ URL, words


def test_the_diff_pair_round_trips_through_the_url(page: Any, browser: Any, site: Path) -> None:
    open_module(page, site, "m01")
    options = page.locator("#diff-a option").evaluate_all("os => os.map(o => o.value)")
    a, b = options[0], options[-2]
    page.select_option("#diff-a", a)
    page.select_option("#diff-b", b)
    rows = page.evaluate(DIFF_ROWS)
    query = parse_qs(urlparse(page.url).query)
    assert query == {"a": [a], "b": [b]}
    other = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    try:
        other.goto(page.url)
        other.wait_for_selector("#diff[data-ready=true]")
        assert other.input_value("#diff-a") == a and other.input_value("#diff-b") == b
        assert other.evaluate(DIFF_ROWS) == rows
    finally:
        other.context.close()
    open_module(page, site, "m01", "?a=not-an-id&b=" + b)  # an unknown id falls back to the default
    assert page.input_value("#diff-b") == b and page.input_value("#diff-a") in options


def test_pass_rate_and_match_rate_are_defined_where_they_first_appear(page: Any, site: Path) -> None:
    for open_page in (lambda: open_heatmap(page, site), lambda: open_module(page, site, "m01")):
        open_page()
        text = page.locator("main").inner_text()
        first_use = min(text.find("Pass rate"), text.lower().find("pass rate"))
        definition = page.locator("#def-pass-rate")
        assert definition.count() == 1 and page.locator("#def-match-rate").count() == 1
        assert text.find(definition.inner_text()) == first_use
        assert "primary rubric" in page.locator("#definitions").inner_text()

"""The pages in headless Chromium: what a user sees and clicks, checked against the index and the CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from dashboard_factory import XSS_IMG, XSS_SCRIPT

from sheets_sync.cli import main
from sheets_sync.models import rate
from sheets_sync.stats import two_proportion_test
from sheets_sync.store import Store

pytestmark = pytest.mark.browser

CELLS = """() => Array.from(document.querySelectorAll('td.cell')).map(td => [
  td.dataset.module, td.dataset.version, td.querySelector('.v').textContent,
  td.querySelector('.m').textContent, td.classList.contains('empty')])"""

DIFF_ROWS = """() => Array.from(document.querySelectorAll('#diff-table tbody tr')).map(tr =>
  Object.fromEntries(Array.from(tr.cells).map(td => [td.dataset.col, td.textContent])))"""


def open_heatmap(page: Any, site: Path, query: str = "") -> None:
    page.goto((site / "index.html").as_uri() + query)
    page.wait_for_selector("table#heatmap[data-ready=true]")


def open_module(page: Any, site: Path, module_id: str) -> None:
    page.goto((site / "modules" / f"{module_id}.html").as_uri())
    page.wait_for_selector("#diff[data-ready=true]")


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def expected_cells(index: dict[str, Any], model: str, metric: str) -> list[list[Any]]:
    """What every cell must show, straight from the index: [module, version, number, model name, empty]."""
    cells = []
    for module_id, entry in index["modules"].items():
        for version in index["versions"]:
            cell = entry["versions"].get(version)
            shown = (cell or {}).get("best") if model == "" else (cell or {}).get("by_model", {}).get(model)
            if shown is None:
                cells.append([module_id, version, "", "", True])
            else:
                cells.append(
                    [module_id, version, percent(shown[metric]), shown["model"] if model == "" else "", False]
                )
    return cells


# ------------------------------------------------------------------------------------------------ heatmap


def test_best_is_shown_by_default_with_the_model_in_its_own_element(
    page: Any, site: Path, index: dict
) -> None:  # type: ignore[type-arg]
    open_heatmap(page, site)
    assert page.eval_on_selector("select[name=model]", "s => s.value") == ""
    assert page.evaluate(CELLS) == expected_cells(index, "", "pass_rate")


def test_choosing_a_model_shows_its_numbers_and_best_restores(page: Any, site: Path, index: dict) -> None:  # type: ignore[type-arg]
    open_heatmap(page, site)
    for model in index["models"]:
        page.select_option("select[name=model]", model)
        assert page.evaluate(CELLS) == expected_cells(index, model, "pass_rate"), model
    page.select_option("select[name=model]", label="Best")
    assert page.evaluate(CELLS) == expected_cells(index, "", "pass_rate")


def test_switching_models_does_not_reflow_the_table(page: Any, site: Path, index: dict) -> None:  # type: ignore[type-arg]
    open_heatmap(page, site)
    size = "() => { const r = document.getElementById('heatmap').getBoundingClientRect(); return [r.width, r.height]; }"
    best = page.evaluate(size)
    for model in index["models"]:
        page.select_option("select[name=model]", model)  # the model names under the numbers go away
        assert page.evaluate(size) == best, model


def test_a_model_without_a_run_leaves_the_cell_visibly_empty(page: Any, site: Path) -> None:
    open_heatmap(page, site)
    page.select_option("select[name=model]", "gpt-5")
    empty = page.locator('td[data-module="m03"][data-version="v1"]')
    assert empty.inner_text() == ""
    assert "empty" in (empty.get_attribute("class") or "")
    background = empty.evaluate("td => getComputedStyle(td).backgroundImage")
    assert "gradient" in background  # hatched, unlike any coloured 0% cell
    page.select_option("select[name=model]", "gpt-4o-mini")
    assert (
        page.locator('td[data-module="m03"][data-version="v1"] .v').inner_text() == "n/a"
    )  # a run of 0 samples


def test_the_metric_selector_switches_to_match_rates(page: Any, site: Path, index: dict) -> None:  # type: ignore[type-arg]
    open_heatmap(page, site)
    assert page.eval_on_selector_all("select[name=metric] option", "os => os.map(o => o.value)") == [
        "pass_rate",
        "match_rate",
    ]
    page.select_option("select[name=metric]", "match_rate")
    assert page.evaluate(CELLS) == expected_cells(index, "", "match_rate")
    page.select_option("select[name=model]", "gpt-4o")
    assert page.evaluate(CELLS) == expected_cells(index, "gpt-4o", "match_rate")


def test_hovering_a_cell_lists_every_model_tested(page: Any, site: Path, index: dict) -> None:  # type: ignore[type-arg]
    open_heatmap(page, site)
    page.hover('td[data-module="m01"][data-version="v2"]')
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    rows = tip.locator("tbody tr")
    by_model = index["modules"]["m01"]["versions"]["v2"]["by_model"]
    assert rows.count() == len(by_model) == 3
    for position, (model, run) in enumerate(by_model.items()):
        texts = rows.nth(position).locator("td").all_inner_texts()
        low, high = run["pass_rate_ci"]
        assert texts[0].removesuffix(" ★") == model
        assert texts[1:7] == [
            percent(run["pass_rate"]),
            percent(run["match_rate"]),
            str(run["total"]),
            f"{low:.1f}–{high:.1f}%",
            run["timestamp"][:10],
            run["dataset_version"],
        ]
        assert rows.nth(position).locator("a").get_attribute("href") == run["braintrust_url"]
    assert "dataset v1" in tip.inner_text()
    assert "★ best" in tip.inner_text()
    # the described cell is outlined, and only that one
    assert page.eval_on_selector_all(
        "td[data-tip]", "tds => tds.map(td => td.dataset.module + td.dataset.version)"
    ) == ["m01v2"]
    page.keyboard.press("Escape")
    assert tip.is_hidden() and page.locator("td[data-tip]").count() == 0


def test_the_selection_is_kept_in_the_url(page: Any, site: Path, index: dict) -> None:  # type: ignore[type-arg]
    open_heatmap(page, site)
    page.select_option("select[name=model]", "gpt-5")
    page.select_option("select[name=metric]", "match_rate")
    assert page.url.endswith("index.html?model=gpt-5&metric=match_rate")
    shared = page.context.new_page()
    open_heatmap(shared, site, "?model=gpt-5&metric=match_rate")
    assert shared.eval_on_selector("select[name=model]", "s => s.value") == "gpt-5"
    assert shared.evaluate(CELLS) == expected_cells(index, "gpt-5", "match_rate")


def test_filter_and_sort_rows(page: Any, site: Path) -> None:
    open_heatmap(page, site)
    page.fill("input[name=q]", "schema")
    visible = page.eval_on_selector_all(
        "tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.cells[1].dataset.module)"
    )
    assert visible == ["m03"]
    assert "q=schema" in page.url
    page.fill("input[name=q]", "")
    page.click('th[data-sort="v1"] button')  # best v1 pass rate first: m03 80%, m02 50%, m01 44%
    order = page.eval_on_selector_all("tbody tr", "rows => rows.map(r => r.cells[1].dataset.module)")
    assert order == ["m03", "m02", "m01"]
    assert page.get_attribute('th[data-sort="v1"]', "aria-sort") == "descending"
    page.click('th[data-sort="id"] button >> nth=0')
    assert page.eval_on_selector_all("tbody tr", "rows => rows.map(r => r.cells[1].dataset.module)") == [
        "m01",
        "m02",
        "m03",
    ]


def test_each_row_links_to_its_module_page(page: Any, site: Path) -> None:
    open_heatmap(page, site)
    page.click('tbody th.module a[href="modules/m03.html"]')
    page.wait_for_selector("#diff[data-ready=true]")
    assert page.locator("h1").inner_text() == "ValidateOutputSchema"


# ------------------------------------------------------------------------------------------------ module page


def cli_diff(store: Store, module_id: str, a: str, b: str) -> tuple[dict[str, Any], str]:
    runner = CliRunner()
    as_json = runner.invoke(main, ["diff", module_id, a, b, "--json", "--data-dir", str(store.data_dir)])
    as_text = runner.invoke(main, ["diff", module_id, a, b, "--data-dir", str(store.data_dir)])
    assert as_json.exit_code == 0 and as_text.exit_code == 0, as_json.output + as_text.output
    return json.loads(as_json.stdout), as_text.stdout


def assert_page_shows_what_the_cli_prints(page: Any, store: Store, module_id: str) -> None:
    a, b = page.eval_on_selector("#diff", "d => [d.dataset.a, d.dataset.b]")
    data, text = cli_diff(store, module_id, a, b)
    page_rows = page.evaluate(DIFF_ROWS)
    assert page_rows == [row["text"] for row in data["rows"]]
    for row in page_rows:  # and the terminal table prints the same strings, in this order, on one line
        line = next(line for line in text.splitlines() if line.strip().startswith(row["metric"] + " "))
        position = 0
        for cell in row.values():
            position = line.index(cell, position) + len(cell)
    warnings = page.locator("#diff-warnings .warning").all_inner_texts()
    assert [w.removeprefix("⚠ ") for w in warnings] == data["warnings"]
    notes = page.locator("#diff-notes p").all_inner_texts()
    assert [n.removeprefix("† ") for n in notes] == data["notes"]
    assert [f"† {note}" for note in data["notes"]] == [
        line for line in text.splitlines() if line.startswith("†")
    ]
    borderline = page.eval_on_selector_all(
        "#diff-table tr.borderline", "rows => rows.map(r => r.dataset.kind)"
    )
    assert len(borderline) == sum(row["borderline"] for row in data["rows"])
    applied = page.locator("#diff-suggestions .sid").all_inner_texts()
    assert applied == [s["id"] for s in data["applied_suggestions"]]
    assert page.locator("#diff-cli").inner_text() == f"sheets-sync diff {module_id} {a} {b}"


def test_the_diff_view_defaults_to_latest_against_previous_on_the_same_model(
    page: Any, site: Path, sample_store: Store
) -> None:
    open_module(page, site, "m01")
    assert page.eval_on_selector("#diff", "d => [d.dataset.a, d.dataset.b]") == [
        "m01_v3_gpt5_20260109",
        "m01_v10_gpt5_20260120",
    ]
    assert_page_shows_what_the_cli_prints(page, sample_store, "m01")


@pytest.mark.parametrize(
    ("module_id", "a", "b"),
    [
        ("m01", "m01_v2_gpt5_20260105", "m01_v3_gpt5_20260109"),  # +20 pp, significant; a suggestion applied
        ("m01", "m01_v1_gpt4omini_20260102", "m01_v10_gpt5_20260120"),  # across models, two suggestions
        ("m03", "m03_v1_gpt4o_20260104", "m03_v3_gpt4o_20260112_v2"),  # dataset mismatch and regressions
        ("m03", "m03_v1_gpt4omini_20260104", "m03_v2_gpt4omini_20260108"),  # a run with no samples
        ("m03", "m03_v1_gpt4o_20260104", "m03_v2_gpt4o_20260108"),  # regressions and a borderline rise
        ("m03", "m03_v3_gpt5_20260112_v2", "m03_v1_gpt4o_20260104"),  # backwards, rubrics missing on one side
        ("m01", "m01_v2_gpt5_20260105", "m01_v2_gpt5_20260105"),  # the same run twice
    ],
)
def test_any_pair_shows_the_deltas_the_cli_prints(
    page: Any, site: Path, sample_store: Store, module_id: str, a: str, b: str
) -> None:
    open_module(page, site, module_id)
    page.select_option("#diff-a", a)
    page.select_option("#diff-b", b)
    assert_page_shows_what_the_cli_prints(page, sample_store, module_id)


def test_regressions_are_highlighted(page: Any, site: Path) -> None:
    open_module(page, site, "m03")
    page.select_option("#diff-a", "m03_v1_gpt4o_20260104")
    page.select_option("#diff-b", "m03_v2_gpt4o_20260108")
    flagged = page.eval_on_selector_all(
        "#diff-table tr.regression", "rows => rows.map(r => r.dataset.name || r.dataset.kind)"
    )
    assert flagged == ["pass_rate", "M03_schema_valid", "M03_schema_valid", "M03_no_extra_keys"]
    background = page.locator("#diff-table tr.regression").first.evaluate(
        "tr => getComputedStyle(tr).backgroundColor"
    )
    assert background != "rgba(0, 0, 0, 0)"


def test_experiments_table_sorts_by_pass_rate(page: Any, site: Path) -> None:
    open_module(page, site, "m01")
    page.click("table.experiments th:nth-child(7) button")
    rates = page.eval_on_selector_all(
        "table.experiments tbody tr", "rows => rows.map(r => parseFloat(r.cells[6].dataset.sort))"
    )
    assert rates == sorted(rates)
    page.click("table.experiments th:nth-child(7) button")
    assert page.eval_on_selector_all(
        "table.experiments tbody tr", "rows => rows.map(r => parseFloat(r.cells[6].dataset.sort))"
    ) == sorted(rates, reverse=True)


# ------------------------------------------------------------------------------------------------ safety


def test_hostile_text_renders_as_text_and_runs_nothing(page: Any, site: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_heatmap(page, site)
    page.hover('td[data-module="m02"][data-version="v1"]')
    assert XSS_IMG in page.locator("#tip").inner_text()
    assert page.locator("#tip a").count() == 0  # its javascript: Braintrust URL is not a link
    assert page.locator('tbody th.module a[href="modules/m02.html"] .module-name').inner_text() == XSS_IMG
    open_module(page, site, "m02")
    page.select_option("#diff-a", index=1)
    page.select_option("#diff-b", index=0)
    page.wait_for_timeout(200)  # an injected onerror would fire on the next tasks
    assert page.locator("h1").inner_text() == XSS_IMG
    assert page.locator(".description").inner_text() == XSS_SCRIPT
    assert XSS_SCRIPT in page.locator(".rubric-table tbody th").first.inner_text()
    assert page.locator(".sugg .issue").first.inner_text().endswith(XSS_IMG)
    assert XSS_SCRIPT in page.locator("#diff-table").inner_text()
    assert page.evaluate("() => [document.images.length, document.scripts.length]") == [0, 3]
    assert dialogs == []


def test_works_from_file_urls_with_the_network_off(browser: Any, site: Path, index: dict) -> None:  # type: ignore[type-arg]
    context = browser.new_context(offline=True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.route(lambda url: not url.startswith("file:"), lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        open_heatmap(page, site)
        page.select_option("select[name=model]", "gpt-4o")
        assert page.evaluate(CELLS) == expected_cells(index, "gpt-4o", "pass_rate")
        page.hover('td[data-module="m01"][data-version="v1"]')
        page.locator("#tip").wait_for(state="visible")
        page.click('tbody th.module a[href="modules/m01.html"]')
        page.wait_for_selector("#diff[data-ready=true]")
        assert page.locator("#diff-table tbody tr").count() == 5
        assert page.locator("svg.chart-svg").count() == 2
    finally:
        context.close()
    assert errors == []
    assert requests and all(url.startswith("file://") for url in requests), requests


# ------------------------------------------------------------------------------------------------ the JS port


def test_the_javascript_statistics_equal_pythons(page: Any, site: Path) -> None:
    open_module(page, site, "m01")
    generator = random.Random(5)
    pairs = [(a, 50, b, 50) for a in range(51) for b in range(51)]
    pairs += [
        (a, n, b, m)
        for n, m in ((1, 1), (7, 300), (500, 499))
        for a in range(0, n + 1, max(1, n // 20))
        for b in range(0, m + 1, max(1, m // 20))
    ]
    for _ in range(3000):
        n, m = generator.randint(1, 400), generator.randint(1, 400)
        pairs.append((generator.randint(0, n), n, generator.randint(0, m), m))
    results = page.evaluate(
        "pairs => pairs.map(p => SheetsSync.twoProportionTest(p[0], p[1], p[2], p[3]))", pairs
    )
    mismatches = [
        (pair, result, expected)
        for pair, result in zip(pairs, results, strict=True)
        if result != (expected := two_proportion_test(*pair)).__dict__
    ]
    assert mismatches == []


def test_the_javascript_rates_and_rounding_equal_pythons(page: Any, site: Path) -> None:
    open_module(page, site, "m01")
    counts = [(p, t) for t in range(1, 201) for p in range(t + 1)]
    js_rates = page.evaluate("counts => counts.map(c => SheetsSync.rate(c[0], c[1]))", counts)
    assert js_rates == [rate(p, t) for p, t in counts]
    values = [0.25, 0.75, 12.25, -12.25, 2.675, 0.125, 0.0625, 1.05, -0.05, 99.95, 0.00015, 0.00025, 1e-9]
    digits = [1, 2, 3, 4]
    js_rounded = page.evaluate(
        "([vs, ds]) => ds.map(d => vs.map(v => SheetsSync.pyRound(v, d)))", [values, digits]
    )
    assert js_rounded == [[round(v, d) for v in values] for d in digits]

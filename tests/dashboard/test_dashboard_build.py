"""The static site as files: what is written, escaping, determinism, and refusing an out-of-date index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from dashboard_factory import XSS_IMG, XSS_SCRIPT, m01, run, sample_modules, write_modules

from sheets_sync.dashboard.build import build_site, script_json
from sheets_sync.dashboard.views import heatmap_chunk, heatmap_view, safe_url
from sheets_sync.errors import DataError
from sheets_sync.index_file import write_index
from sheets_sync.store import Store


def read(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def embedded(html: str, element_id: str) -> object:
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.DOTALL)
    assert match, element_id
    return json.loads(match.group(1))


def test_the_site_has_a_heatmap_a_page_per_module_and_local_assets(site: Path) -> None:
    assert sorted(p.name for p in (site / "modules").iterdir()) == ["m01.html", "m02.html", "m03.html"]
    assert sorted(p.name for p in (site / "assets").iterdir()) == [
        "common.js",
        "heatmap.js",
        "module.js",
        "style.css",
    ]
    pages = [read(site, "index.html")] + [p.read_text() for p in (site / "modules").iterdir()]
    for html in pages:
        # Nothing is fetched from elsewhere: no http(s) script, stylesheet, font or image.
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html)
        assert "@import" not in html and "fetch(" not in html
    # nor by the stylesheet (fonts, images) or the scripts (requests, modules)
    css = read(site, "assets/style.css")
    assert not re.search(r"url\(|@import|@font-face", css)
    for script in ("common.js", "heatmap.js", "module.js"):
        assert not re.search(
            r"fetch\(|XMLHttpRequest|import\(|https?://[a-z]", read(site, f"assets/{script}")
        ), script


def test_heatmap_columns_are_versions_in_natural_order_and_cells_are_addressable(site: Path) -> None:
    html = read(site, "index.html")
    headers = re.findall(r'<th data-sort="(v[0-9]+)"', html)
    assert headers == ["v1", "v2", "v3", "v10"]
    assert 'data-module="m01" data-version="v10"' in html
    assert len(re.findall(r'<td class="cell (?:q\d|na|empty)"', html)) == 3 * 4
    assert '<a href="modules/m01.html" title="ExtractOwnBrandEntities">' in html


def test_model_options_are_best_then_every_model(site: Path) -> None:
    html = read(site, "index.html")
    select = html[html.index('<select name="model">') : html.index("</select>")]
    assert re.findall(r'<option value="([^"]*)">', select) == ["", "gpt-4o", "gpt-4o-mini", "gpt-5"]
    assert '<option value="">Best</option>' in select


def test_data_typed_by_people_is_escaped_in_html_and_in_inline_json(site: Path) -> None:
    for name in ("index.html", "modules/m02.html"):
        html = read(site, name)
        assert XSS_IMG not in html and XSS_SCRIPT not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        # Exactly our own script elements: the data's "</script><script>" did not open one.
        assert len(re.findall(r"<script\b", html)) == 3
    payload = embedded(read(site, "modules/m02.html"), "module-data")
    assert (
        payload["suggestions"][0]["suggestion"] == XSS_SCRIPT
    )  # and JSON.parse gives the text back unchanged


def test_script_json_cannot_close_its_script_element() -> None:
    data = {"a": "</script><!-- & \u2028", "</script>": [1, "<b>"]}
    text = str(script_json(data))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data


def test_only_http_links_become_hrefs(site: Path) -> None:
    assert "javascript:" not in read(site, "modules/m02.html")
    assert "javascript:" not in read(site, "index.html")
    assert safe_url(" https://x.test/a ") == "https://x.test/a"
    assert safe_url("JavaScript:alert(1)") is None and safe_url("data:text/html,x") is None


def test_the_same_data_builds_the_same_bytes(sample_store: Store, site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(sample_store, again)
    for path in sorted(site.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (again / path.relative_to(site)).read_bytes(), path


def test_a_missing_index_says_which_command_builds_it(tmp_path: Path) -> None:
    store = write_modules(tmp_path / "data", [m01()])
    store.index_path.unlink()
    with pytest.raises(DataError, match="run `sheets-sync index` first"):
        build_site(store, tmp_path / "site")


def test_an_index_older_than_the_module_files_is_refused(tmp_path: Path) -> None:
    store = write_modules(tmp_path / "data", [m01()])
    module = m01()
    module.experiments.append(run("m01", "v11", "gpt-5", 10, day=25))
    renamed = module.model_copy(
        update={"experiments": [e for e in module.experiments if e.prompt_version != "v10"]}
    )
    with store.lock():
        store.save_module(renamed)
    with pytest.raises(
        DataError, match=r"out of date .*unknown experiment m01_v10_gpt4o_20260120.*sheets-sync index"
    ):
        build_site(store, tmp_path / "site")


def test_pages_of_deleted_modules_are_removed(tmp_path: Path) -> None:
    store = write_modules(tmp_path / "data", sample_modules())
    site = tmp_path / "site"
    build_site(store, site)
    (tmp_path / "data" / "modules" / "m03.json").unlink()
    with store.lock():
        write_index(store)
    build_site(store, site)
    assert sorted(p.name for p in (site / "modules").iterdir()) == ["m01.html", "m02.html"]


def test_heatmap_payload_runs_follow_the_index(index: dict) -> None:  # type: ignore[type-arg]
    view = heatmap_view(index)
    head = view["payload"]
    payload = heatmap_chunk(index["modules"], head["versions"], head["models"], 0)
    dataset_version, best, runs = payload["rows"][0]["cells"][1]  # m01 v2
    cell = index["modules"]["m01"]["versions"]["v2"]
    decoded = {view["models"][r[0]]: dict(zip(head["run_fields"], r, strict=True)) for r in runs}
    assert (dataset_version, view["models"][best]) == (cell["dataset_version"], cell["best"]["model"])
    for model, expected in cell["by_model"].items():
        shown = decoded[model]
        assert (shown["pass_rate"], shown["match_rate"], shown["total"], shown["pass"]) == (
            expected["pass_rate"],
            expected["match_rate"],
            expected["total"],
            expected["pass"],
        )
        assert [shown["ci_low"], shown["ci_high"]] == expected["pass_rate_ci"]
        prefix, rest = shown["braintrust_url"]
        assert payload["url_prefixes"][prefix] + rest == expected["braintrust_url"]


def test_module_page_shows_the_essentials(site: Path) -> None:
    html = read(site, "modules/m01.html")
    assert "<h1>ExtractOwnBrandEntities</h1>" in html
    assert "Extract brand entities from product listings" in html
    assert '<strong class="big">82.0%</strong> pass' in html  # best so far: v10 gpt-5, 41/50
    assert html.count('<svg class="chart-svg"') == 2
    assert 'id="version-v2"' in html and "applied in v2" in html
    assert html.count('class="sortable experiments"') == 1
    assert html.count("Braintrust ↗") >= 10


def test_a_model_that_skipped_a_version_gets_a_gap_not_a_line(site: Path) -> None:
    html = read(site, "modules/m01.html")
    pass_chart = html[html.index("<figcaption>Pass rate") : html.index("<figcaption>Match rate")]
    gpt4o = pass_chart[pass_chart.index('data-model="gpt-4o"') : pass_chart.index('data-model="gpt-4o-mini"')]
    # gpt-4o ran v1, v2 and v10 (not v3): one line and one band v1-v2, and the lone v10 point's interval as an
    # error bar (a band needs two points); three markers.
    counts = [gpt4o.count(f'class="{css}"') for css in ("line", "band", "errorbar", "marker")]
    assert counts == [1, 1, 1, 3]
    assert re.search(r'<path class="errorbar" d="M[^"]+" stroke="#0072B2"/>', gpt4o)


def test_dataset_changes_are_marked_on_the_chart(site: Path) -> None:
    assert '<g class="ds-mark">' in read(site, "modules/m03.html")
    assert '<g class="ds-mark">' not in read(site, "modules/m01.html")


def version_block(html: str, version: str) -> str:
    start = html.index(f'<article class="version-block" id="version-{version}">')
    return html[start : html.index("</article>", start)]


def test_each_versions_measured_change_sits_next_to_the_suggestions_applied_in_it(site: Path) -> None:
    block = version_block(read(site, "modules/m01.html"), "v3")
    measured, suggestions = block.split("<h4>Applied in v3</h4>")
    # gpt-5 went 30/50 -> 40/50 from v2 to v3; gpt-4o-mini 24/50 -> 26/50; gpt-4o did not run v3.
    rows = re.findall(r"<tr><td[^>]*>([^<]+)</td><td[^>]*>(v\d+)", measured)
    assert rows == [("gpt-4o-mini", "v2"), ("gpt-5", "v2")]
    gpt5 = measured[measured.index('<tr><td data-label="Model">gpt-5</td>') :]
    assert (
        '<span class="delta rise">+20.0 pp</span> <span class="verdict rise">significant rise</span>' in gpt5
    )
    text = re.sub(r"<[^>]+>", "", gpt5)
    assert "60.0% (30/50) → 80.0% (40/50)" in text and "95% CI [+2.0, +36.4] · p 0.0291" in text
    applied, raised = suggestions.split("<h4>Raised on v3</h4>")
    assert re.findall(r'<span class="sid">([^<]+)</span>', applied) == ["m01-s2"]
    assert "applied in v3" in applied and "Explain retailer vs brand" in applied
    assert re.findall(r'<span class="sid">([^<]+)</span>', raised) == ["m01-s3"]
    assert "Keep lowercase brand variants" in raised


def test_a_measured_change_across_dataset_versions_says_so(site: Path) -> None:
    block = version_block(read(site, "modules/m03.html"), "v3")
    gpt4o = block[block.index('<tr><td data-label="Model">gpt-4o</td>') :]
    gpt4o = re.sub(r"<[^>]+>", "", gpt4o[: gpt4o.index("</tr>")])  # the row's text
    assert "⚠ dataset v1 → v2" in gpt4o
    assert "⚠" not in version_block(read(site, "modules/m03.html"), "v2")


def test_the_rubric_breakdown_is_rubric_by_version_per_model_coloured(site: Path) -> None:
    html = read(site, "modules/m03.html")
    rubrics = html[html.index('<section id="rubrics"') : html.index('<section id="experiments"')]
    tables = re.split(r'<h3 class="model-title">', rubrics)[1:]
    assert [re.search(r"</svg>([^<]+)</h3>", t).group(1) for t in tables] == [
        "gpt-4o",
        "gpt-4o-mini",
        "gpt-5",
    ]  # type: ignore[union-attr]
    gpt4o = tables[0]
    assert re.findall(r"<th(?: class=\"ds-change\")? title=\"dataset (v\d)\">(v\d)</th>", gpt4o) == [
        ("v1", "v1"),
        ("v1", "v2"),
        ("v2", "v3"),
    ]
    assert '<th class="ds-change" title="dataset v2">v3</th>' in gpt4o  # dataset changes at v3: dashed border
    row_names = [name.strip() for name in re.findall(r"<tr><th scope=\"row\">([^<]+)", gpt4o)]
    assert row_names == ["M03_schema_valid", "M03_ascii_only", "M03_no_extra_keys"]  # primary first
    ascii_row = gpt4o[gpt4o.index("M03_ascii_only") : gpt4o.index("M03_no_extra_keys")]
    # 46/50 -> 92.0% (bin 9), 50/50 -> 100.0%; v3 did not judge it: an empty cell, not 0%.
    assert re.findall(r'<td class="cell ([^"]+)"[^>]*>(?:<span class="v">([^<]*)</span>)?', ascii_row) == [
        ("q9", "92.0%"),
        ("q9", "100.0%"),
        ("empty ds-change", ""),
    ]


def test_a_borderline_measured_change_is_marked(tmp_path: Path) -> None:
    # The match rate goes 46/50 -> 50/50: significant by the test while its interval includes 0.
    module = m01().model_copy(
        update={
            "module_id": "m09",
            "experiments": [
                run("m09", "v1", "gpt-5", 30, day=1, rubrics={"R": (46, 50)}, primary="R"),
                run("m09", "v2", "gpt-5", 31, day=2, rubrics={"R": (50, 50)}, primary="R"),
            ],
            "primary_rubric": "R",
            "suggestions": [],
        }
    )
    store = write_modules(tmp_path / "data", [module])
    build_site(store, tmp_path / "site")
    block = version_block(read(tmp_path / "site", "modules/m09.html"), "v2")
    pass_cell, match_cell = re.findall(r'<span class="delta[^"]*">.*?</td>', block, re.DOTALL)
    assert "borderline-mark" not in pass_cell
    assert '<span class="verdict rise">significant rise</span> <span class="borderline-mark"' in match_cell

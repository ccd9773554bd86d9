"""The site built from the repository's bundled sample data (`data/`), the data a new user first sees.

The other dashboard tests use small hand-made modules; these check that the real sample builds, has a page per
module, and renders in a browser with no error. Expectations come from the data files themselves, so the sample
can grow without editing this file.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheets_sync import jsonio
from sheets_sync.cli import main
from sheets_sync.dashboard.build import build_site
from sheets_sync.dashboard.compare import default_pair
from sheets_sync.store import Store

BUNDLED_DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A snapshot of `data/` (the mirror and its index), so the tests never touch the repository's files."""
    copy = tmp_path_factory.mktemp("bundled") / "data"
    shutil.copytree(BUNDLED_DATA / "modules", copy / "modules")
    shutil.copy2(BUNDLED_DATA / "heatmap_index.json", copy / "heatmap_index.json")
    return Store(copy)


@pytest.fixture(scope="module")
def bundled_site(bundled_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled-site")
    result = CliRunner().invoke(
        main, ["dashboard", "--out", str(out), "--data-dir", str(bundled_store.data_dir)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out / 'index.html'}\n"
    return out


def module_ids() -> list[str]:
    return sorted(path.stem for path in (BUNDLED_DATA / "modules").glob("*.json"))


def test_the_sample_data_has_modules() -> None:
    assert len(module_ids()) >= 5


def test_the_site_has_a_page_for_each_module_and_a_row_linking_to_it(bundled_site: Path) -> None:
    assert sorted(p.stem for p in (bundled_site / "modules").glob("*.html")) == module_ids()
    heatmap = (bundled_site / "index.html").read_text(encoding="utf-8")
    for module_id in module_ids():
        page = (bundled_site / "modules" / f"{module_id}.html").read_text(encoding="utf-8")
        name = json.loads((BUNDLED_DATA / "modules" / f"{module_id}.json").read_text(encoding="utf-8"))[
            "module_name"
        ]
        assert f"<h1>{name}</h1>" in page
        assert f'<a href="modules/{module_id}.html"' in heatmap


def test_every_module_x_version_has_one_addressable_cell(bundled_site: Path, bundled_store: Store) -> None:
    index = jsonio.read_json(bundled_store.index_path)
    heatmap = (bundled_site / "index.html").read_text(encoding="utf-8")
    cells = re.findall(r'<td class="cell [a-z0-9]+" data-module="([^"]+)" data-version="([^"]+)"', heatmap)
    assert cells == [(m, v) for m in index["modules"] for v in index["versions"]]


def test_building_twice_writes_the_same_bytes(
    bundled_store: Store, bundled_site: Path, tmp_path: Path
) -> None:
    build_site(bundled_store, tmp_path)
    for path in sorted(bundled_site.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / path.relative_to(bundled_site)).read_bytes(), path


def test_diff_of_each_modules_default_pair_runs(bundled_store: Store) -> None:
    for module_id in module_ids():
        pair = default_pair(bundled_store.load_module(module_id))
        if pair is None:
            continue
        a, b = pair
        result = CliRunner().invoke(
            main, ["diff", module_id, a.id, b.id, "--json", "--data-dir", str(bundled_store.data_dir)]
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["rows"][0]["kind"] == "pass_rate"


# ------------------------------------------------------------------------------------------------ in a browser


@pytest.mark.browser
def test_every_page_renders_without_an_error(page: Any, bundled_site: Path, bundled_store: Store) -> None:
    """The `page` fixture fails the test on any JavaScript exception or console error (a CSP violation too)."""
    index = jsonio.read_json(bundled_store.index_path)
    page.goto((bundled_site / "index.html").as_uri())
    page.wait_for_selector("table#heatmap[data-ready=true]")
    numbers = page.eval_on_selector_all("td.cell .v", "cells => cells.map(c => c.textContent)")
    shown = [
        f"{entry['versions'][v]['best']['pass_rate']:.1f}%"
        for entry in index["modules"].values()
        for v in index["versions"]
        if v in entry["versions"] and entry["versions"][v]["best"]
    ]
    assert [n for n in numbers if n] == shown
    for model in index["models"]:
        page.select_option("select[name=model]", model)
    for module_id in module_ids():
        page.goto((bundled_site / "modules" / f"{module_id}.html").as_uri())
        page.wait_for_selector("#diff[data-ready=true]")
        assert page.locator("svg.chart-svg").count() == 2
        assert page.locator("#diff-table tbody tr").count() >= 2


def test_the_documented_diff_example_is_what_the_cli_prints(bundled_store: Store) -> None:
    docs = (BUNDLED_DATA.parent / "docs" / "dashboard.md").read_text(encoding="utf-8")
    example = re.search(r"```\n\$ sheets-sync (diff [^\n]+)\n(.*?)```", docs, re.DOTALL)
    assert example, "docs/dashboard.md lost its `sheets-sync diff` example"
    args = example.group(1).split()
    result = CliRunner().invoke(main, [*args, "--data-dir", str(bundled_store.data_dir)])
    assert result.exit_code == 0, result.output

    def words(text: str) -> list[list[str]]:  # the table's rule and padding depend on the width
        return [
            line.split() for line in text.splitlines() if line.strip() and not set(line.strip()) <= {"─", "-"}
        ]

    assert words(result.stdout) == words(example.group(2))

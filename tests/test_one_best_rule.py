"""One answer everywhere: the sheet, the index, the pages and ``show`` name the same best runs, on the same dataset
version, and list rubrics in the same order, on a module built so that any other rule would disagree.

The module: prompt v1 only on dataset v1 (the highest pass rate of all, 90%), prompts v2 and v3 on dataset v2 with
ties on pass rate (broken by match rate, then by model name, then by the newer prompt version), a re-run whose
older run scored higher (the heatmap shows the latest), and rubrics r1, r2, r10 besides the primary one (plain
text order would put r10 before r2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_emulator import Emulator, EmulatorServer, running_server
from sheets_sync.best import best_so_far
from sheets_sync.cli import main
from sheets_sync.dashboard.build import build_site
from sheets_sync.index_file import write_index
from sheets_sync.models import Experiment, Metrics, Module, RubricResult, rate
from sheets_sync.store import Store

SHEET = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-best"
RUBRICS_IN_ORDER = ["main", "r1", "r2", "r10"]  # primary first, then natural order


def run(version: str, model: str, dataset: str, passed: int, matched: int, day: int) -> Experiment:
    timestamp = datetime(2026, 1, day, 9, 0)
    return Experiment(
        id=f"m07_{version}_{model}_{dataset}_{day}",
        prompt_version=version,
        dataset_version=dataset,
        model=model,
        timestamp=timestamp,
        metrics=Metrics(
            pass_rate=rate(passed, 50),
            match_rate=rate(matched, 50),
            total=50,
            passed=passed,
            fail=50 - passed,
        ),
        rubrics={
            "r10": RubricResult.from_counts(40, 50),
            "main": RubricResult.from_counts(matched, 50),
            "r2": RubricResult.from_counts(30, 50),
            "r1": RubricResult.from_counts(20, 50),
        },
    )


def awkward_module() -> Module:
    experiments = [
        run("v1", "gpt-5", "v1", 45, 40, 1),  # 90%: the best of all runs, but on the old dataset version
        run("v2", "gpt-b", "v2", 25, 15, 2),  # 50%, ties on pass rate and match rate with gpt-a: name decides
        run("v2", "gpt-a", "v2", 25, 15, 3),
        run("v2", "gpt-c", "v2", 25, 10, 4),  # 50%, lower match rate
        run(
            "v3", "gpt-a", "v2", 25, 15, 5
        ),  # same rates and model as v2's gpt-a: the newer prompt version wins
        run("v3", "gpt-d", "v2", 48, 48, 6),  # 96%, but re-run later at 20%: the heatmap shows the later run
        run("v3", "gpt-d", "v2", 10, 5, 7),
        run("v4", "gpt-5", "v1", 49, 49, 8),  # a newer prompt version judged only on the old dataset version
    ]
    return Module(module_id="m07", module_name="Awkward", primary_rubric="main", experiments=experiments)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "data")
    with store.lock():
        store.save_module(awkward_module())
        write_index(store)
    return store


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator()
    emulator.create_spreadsheet(SHEET, title="Evals")
    with running_server(emulator) as running:
        yield running


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_rule_itself_on_the_awkward_module() -> None:
    found = best_so_far(awkward_module().experiments)
    assert found is not None
    assert (found.dataset_version, found.experiment.id) == ("v2", "m07_v3_gpt-a_v2_5")


def test_sheet_index_pages_and_show_agree(store: Store, server: EmulatorServer, tmp_path: Path) -> None:
    expected = best_so_far(store.load_module("m07").experiments)
    assert expected is not None
    best = expected.experiment

    # index
    index = json.loads(store.index_path.read_text())
    entry = index["modules"]["m07"]
    assert entry["best_so_far"]["experiment_id"] == best.id
    assert entry["best_so_far"]["dataset_version"] == "v2"
    cell_bests = {v: (c["dataset_version"], c["best"]["experiment_id"]) for v, c in entry["versions"].items()}
    assert cell_bests == {
        "v1": ("v1", "m07_v1_gpt-5_v1_1"),
        "v2": ("v2", "m07_v2_gpt-a_v2_3"),
        "v3": ("v2", "m07_v3_gpt-a_v2_5"),
        "v4": ("v1", "m07_v4_gpt-5_v1_8"),
    }

    # sheet
    cli("push", "--spreadsheet", SHEET, "--endpoint", server.url, "--data-dir", str(store.data_dir))
    values = server.emulator.pm(SHEET).get_values("m07")
    best_row = next(row for row in values if row and row[0] == "Best so far")
    assert "dataset v2" in best_row[1] and best.model in best_row[1] and "prompt v3" in best_row[1]
    assert "50.0% pass" in best_row[1]
    header = next(row for row in values if "experiment id" in row)
    assert [h.removeprefix("rubric: ") for h in header if h.startswith("rubric: ")] == RUBRICS_IN_ORDER
    heatmap = server.emulator.pm(SHEET).get_values("Heatmap")
    # The Heatmap's best block is the first "m07" row; its cells are the cell bests' pass rates.
    first_row = next(row for row in heatmap if row and row[0] == "m07")
    assert first_row[2:6] == [0.9, 0.5, 0.5, 0.98]  # fractions shown with the 0.0% format

    # pages
    site = tmp_path / "site"
    build_site(store, site)
    page = (site / "modules" / "m07.html").read_text()
    best_block = re.search(r'<div class="best">(.*?)</div>', page, re.DOTALL)
    assert best_block is not None
    text = re.sub(r"<[^>]+>", " ", best_block.group(1))
    assert "50.0%" in text and "v3" in text and best.model in text and "dataset v2" in text
    rubric_rows = re.findall(r'<tr><th scope="row">([^<]+?)(?: <span|</th>)', page)
    assert rubric_rows[: len(RUBRICS_IN_ORDER)] == RUBRICS_IN_ORDER
    payload = json.loads(re.search(r'id="module-data">(.*?)</script>', page, re.DOTALL).group(1))  # type: ignore[union-attr]
    assert payload["rubric_order"] == RUBRICS_IN_ORDER
    heatmap_payload = json.loads(
        re.search(r'id="heatmap-data">(.*?)</script>', (site / "index.html").read_text(), re.DOTALL).group(1)  # type: ignore[union-attr]
    )
    models = heatmap_payload["models"]
    script = (site / heatmap_payload["chunks"][0]).read_text()  # the runs come in <script src> files
    row = json.loads(script[script.index(".push(") + 6 : script.rindex(");")])["rows"][0]
    shown = {
        version: (cell[0], models[cell[1]])
        for version, cell in zip(heatmap_payload["versions"], row["cells"])
    }
    assert shown == {
        "v1": ("v1", "gpt-5"),
        "v2": ("v2", "gpt-a"),
        "v3": ("v2", "gpt-a"),
        "v4": ("v1", "gpt-5"),
    }
    # and the cells the page paints before any script ran name the same runs
    painted = re.findall(
        r'data-module="m07" data-version="(v\d)"[^>]*><span class="v">[^<]*</span><span class="m">([^<]*)</span>',
        (site / "index.html").read_text(),
    )
    assert painted == [(version, model) for version, (_, model) in shown.items()]

    # show
    shown_text = cli("show", "m07", "--data-dir", str(store.data_dir))
    line = next(line for line in shown_text.splitlines() if line.startswith("best so far"))
    assert "dataset v2" in line and best.id in line and "50.0% pass" in line
    rubric_header = next(line for line in shown_text.splitlines() if "r10" in line and "r1" in line)
    assert rubric_header.split() == ["id", "main", "*", "r1", "r2", "r10"]

"""Runs known only by their reported rates, on every surface: model, judge files, index, sheet, show, diff, pages.

The runs come from a real migration of ``trackers/`` into a copy of the sample mirror.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from migrate_helpers import JS_TRACKER, YAML_TRACKER

from sheets_emulator import Emulator
from sheets_sync.dashboard.compare import compare, row_texts
from sheets_sync.legacy.migrate import migrate
from sheets_sync.models import Metrics, Module
from sheets_sync.store import Store
from sheets_sync.sync.columns import RATE_FORMAT, REPORTED_RATE_FORMAT
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.retry import Retrier, RetryPolicy
from sheets_sync.sync.snapshot import TabSnapshot
from sheets_sync.sync.tabs import find_geometry

Cli = Callable[..., Result]
RERUN = "m01_v6_gpt5_20260221"  # 58.4% of 49 samples, a mean of three reruns
COUNTED = "m01_v5_gpt5_20260203"  # the judge file's run of the version before, same model


@pytest.fixture
def migrated(mirror: Path) -> Store:
    store = Store(mirror)
    migrate(store, progress_yaml=YAML_TRACKER, modules_js=JS_TRACKER, apply=True)
    return store


# ------------------------------------------------------------------------------------------------ the model


def test_a_reported_run_keeps_its_rates_and_has_no_counts() -> None:
    metrics = Metrics(reported=True, total=49, passed=None, fail=None, pass_rate=58.4, match_rate=38.0)
    assert metrics.counts() is None
    assert metrics.model_dump(by_alias=True)["reported"] is True


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"reported": True, "total": 49, "pass": 28, "fail": None, "pass_rate": 58.4},
            "must be null in a reported run",
        ),
        ({"reported": True, "total": None, "pass": None, "fail": None}, "needs its reported pass rate"),
        ({"total": 50, "pass": None, "fail": 20}, "must be a count (only a reported run has no counts)"),
    ],
)
def test_counts_belong_to_counted_runs_only(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Metrics.model_validate(fields)


def test_a_counted_run_writes_no_reported_key(migrated: Store) -> None:
    """Adding the marker changed no byte of the files of counted runs."""
    counted = json.loads(migrated.module_path("m01").read_text())["experiments"]
    assert all("reported" not in e["metrics"] for e in counted if e["id"] != RERUN)


def test_a_judge_file_cannot_claim_reported_rates(cli: Cli, tmp_path: Path) -> None:
    judge = json.loads(
        (Path(__file__).parents[2] / "data/judge_results/m01_v1_gpt-4o_20260120.json").read_text()
    )
    judge.pop("results", None)
    judge["metrics"] = {"pass_rate": 50.0, "total": 50, "pass": None, "fail": None, "reported": True}
    judge["rubrics"] = {}
    path = tmp_path / "m01_v9_gpt-4o_20260301.json"
    path.write_text(json.dumps(judge))
    result = cli("import", path, "--data-dir", tmp_path / "data")
    assert result.exit_code == 1
    assert "reported" in result.stderr and "\n" not in result.stderr.strip()


# ------------------------------------------------------------------------------------------------ index, show


def test_the_index_marks_the_run_reported_with_no_interval(migrated: Store) -> None:
    index = json.loads(migrated.index_path.read_text())
    entry = index["modules"]["m01"]["versions"]["v6"]["by_model"]["gpt-5"]
    assert (entry["reported"], entry["pass_rate"], entry["pass"], entry["pass_rate_ci"]) == (
        True,
        58.4,
        None,
        None,
    )
    counted = index["modules"]["m01"]["versions"]["v5"]["by_model"]["gpt-5"]
    assert "reported" not in counted and counted["pass_rate_ci"] is not None


def test_show_marks_the_rate_reported_and_prints_no_count(cli: Cli, migrated: Store) -> None:
    result = cli("show", "m01", "--data-dir", migrated.data_dir)
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith(RERUN))  # the experiments table
    assert "58.4 (reported)" in row
    assert row.split()[6:10] == ["49", "-", "-", "0"]


def test_validate_accepts_the_migrated_mirror(cli: Cli, migrated: Store) -> None:
    assert cli("validate", "--data-dir", migrated.data_dir).exit_code == 0


# ------------------------------------------------------------------------------------------------ diff


def test_diff_against_a_reported_run_says_it_cannot_test(cli: Cli, migrated: Store) -> None:
    result = cli("diff", "m01", COUNTED, RERUN, "--data-dir", migrated.data_dir)
    assert result.exit_code == 0, result.output
    assert f"B ({RERUN}) has reported rates, not counts: the pass rate cannot be tested" in result.stdout
    [row] = [line for line in result.stdout.splitlines() if line.startswith("pass rate")]
    assert "58.4% reported" in row and "cannot test: reported rate" in row


def test_diff_json_gives_no_test_and_the_reported_rate(cli: Cli, migrated: Store) -> None:
    result = cli("diff", "m01", COUNTED, RERUN, "--json", "--data-dir", migrated.data_dir)
    doc = json.loads(result.stdout)
    pass_row = doc["rows"][0]
    assert (pass_row["b"], pass_row["b_reported"], pass_row["p_value"], pass_row["significant"]) == (
        None, 58.4, None, None,
    )  # fmt: skip
    assert pass_row["regression"] is False


def test_fail_on_regression_does_not_count_an_untestable_row(cli: Cli, migrated: Store) -> None:
    result = cli("diff", "m01", COUNTED, RERUN, "--fail-on-regression", "--data-dir", migrated.data_dir)
    assert result.exit_code == 0, result.output


def test_two_counted_runs_still_compare_as_before(migrated: Store) -> None:
    module: Module = migrated.load_module("m07")
    a, b = module.experiment("m07_v1.10_gpt4o_20260109"), module.experiment("m07_v2_gpt4o_20260112")
    assert a is not None and b is not None
    texts = row_texts(compare(module, a, b).pass_rate)
    assert (texts["a"], texts["b"], texts["verdict"]) == ("40.0% (20/50)", "52.0% (26/50)", "not significant")


# ------------------------------------------------------------------------------------------------ dashboards


def test_module_page_shows_the_run_as_reported(cli: Cli, migrated: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = cli("dashboard", "--data-dir", migrated.data_dir, "--out", site)
    assert result.exit_code == 0, result.output
    page = (site / "modules" / "m01.html").read_text()
    row = page[page.index(f'<td class="mono">{RERUN}</td>') :].split("</tr>", 1)[0]
    assert "(reported)" in row
    assert "reported rate (a legacy tracker&#39;s figure, not counted): no interval, no test" in row


# ------------------------------------------------------------------------------------------------ the sheet


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(params=["fake", "emulator"])
def engine(request: pytest.FixtureRequest, migrated: Store) -> Iterator[SyncEngine]:
    """The in-memory workbook, and the emulator behind real gspread over HTTP."""
    clock = _Clock()
    retrier = Retrier(RetryPolicy(deadline=300, clock=clock, rng=random.Random(7)))
    if request.param == "fake":
        yield SyncEngine(migrated, FakeWorkbook("sheet-1"), retrier)
        return
    emulator = Emulator(clock=clock.monotonic, sleep=clock.sleep)
    emulator.create_spreadsheet("sheet-1", title="Evals")
    yield SyncEngine(migrated, GspreadWorkbook("sheet-1", emulator.session(), retrier=retrier), retrier)


def _cell_of(tab: TabSnapshot, label: str, experiment: str) -> tuple[int, int]:
    geometry = find_geometry(tab)
    id_column = geometry.column("experiment id")
    row = next(r for (r, c), cell in tab.cells.items() if c == id_column and cell.value == experiment)
    return row, geometry.column(label)


def test_the_sheet_writes_reported_rates_in_their_own_format_and_no_counts(engine: SyncEngine) -> None:
    engine.push()
    tab = engine.workbook.read().by_title("m01")
    assert tab is not None
    rate_cell = tab.cell(*_cell_of(tab, "pass rate", RERUN))
    assert (rate_cell.value, rate_cell.number_format) == (0.584, REPORTED_RATE_FORMAT)
    assert tab.cell(*_cell_of(tab, "pass rate", COUNTED)).number_format == RATE_FORMAT
    assert tab.value(*_cell_of(tab, "total", RERUN)) == 49
    assert tab.value(*_cell_of(tab, "pass", RERUN)) is None
    assert tab.value(*_cell_of(tab, "fail", RERUN)) is None


def test_a_second_push_finds_the_reported_cells_as_written(engine: SyncEngine) -> None:
    engine.push()
    before = engine.workbook.read()
    status = engine.status()
    assert sum(t.tool_edits for t in status.pull.tabs) == 0
    engine.push()
    assert engine.workbook.read().by_title("m01") == before.by_title("m01")


def test_the_heatmap_tab_marks_a_reported_best_and_its_note_says_why(engine: SyncEngine) -> None:
    engine.push()
    heatmap = engine.workbook.read().by_title("Heatmap")
    assert heatmap is not None
    row = next(r for (r, c), cell in heatmap.cells.items() if c == 0 and cell.value == "m08")
    header = next(r for (r, c), cell in heatmap.cells.items() if c == 0 and cell.value == "module id")
    assert header < row
    column = next(c for (r, c), cell in heatmap.cells.items() if r == header and cell.value == "v1")
    best = heatmap.cell(row, column)
    assert (best.value, best.number_format) == (0.8, REPORTED_RATE_FORMAT)  # gpt-5's 80%, as the JS states it
    assert (
        best.note is not None
        and "gpt-5: pass 80.0%, match -, reported rate (no counts, no interval)" in best.note
    )
    m01 = next(r for (r, c), cell in heatmap.cells.items() if c == 0 and cell.value == "m01" and r > header)
    assert heatmap.cell(m01, 2).number_format == RATE_FORMAT

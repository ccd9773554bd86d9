"""Push, pull and status end to end on the in-memory fake workbook (fast; the same flows run on the emulator)."""

from __future__ import annotations

import logging

import pytest
from sync_helpers import experiment
from workbook_views import label_cell, suggestion_range, suggestion_rows, tab

from sheets_sync import palette
from sheets_sync.errors import DataError, LockedError, WorkbookLayoutError
from sheets_sync.store import Store
from sheets_sync.sync.base_file import base_path
from sheets_sync.sync.engine import SyncEngine, SyncOptions
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.layout import GRID_CELL_LIMIT, HEADER_BLOCK, RATE_FORMAT
from sheets_sync.sync.ops import WriteCells
from sheets_sync.sync.report import plan_lines
from sheets_sync.sync.retry import Retrier


def test_first_push_creates_heatmap_and_module_tabs(fake_engine: SyncEngine, fake: FakeWorkbook) -> None:
    result = fake_engine.push()
    snapshot = fake.read()
    assert [t.title for t in snapshot.tabs] == ["Heatmap", "m01", "m02"]  # empty Sheet1 removed
    m01 = tab(snapshot, "m01")
    assert [m01.value(row, 0) for row in range(4)] == list(HEADER_BLOCK)
    assert m01.frozen_rows == 6
    assert set(suggestion_rows(snapshot, "m01")) == {"m01-s1", "m01-s2", "m01-s3"}
    assert fake.write_calls == 1 and not result.conflicts


def test_heatmap_cells_are_fractions_with_a_percent_format_and_a_note(
    fake_engine: SyncEngine, fake: FakeWorkbook
) -> None:
    fake_engine.push()
    heatmap = tab(fake.read(), "Heatmap")
    row = fake.find("Heatmap", "m01")[0]  # the first block is the best pass rate
    cell = heatmap.cell(row, 2)  # m01, v1: best of 40%, 42%, 44%
    assert cell.value == 0.44 and cell.number_format == RATE_FORMAT  # 44.0 stored as 0.44, shown as "44.0%"
    assert cell.note is not None
    for model in ("gpt-4o", "gpt-5", "gpt-4o-mini"):
        assert f"{model}: pass " in cell.note
    assert "n=50" in cell.note and "2026-01-1" in cell.note
    assert cell.background in {band.background for band in palette.VIRIDIS}  # the dashboard's colours, set
    assert not fake.colour_scales("Heatmap")  # on each cell, not by a colour scale


def test_blocks_for_match_rate_and_each_model_are_on_the_heatmap(
    fake_engine: SyncEngine, fake: FakeWorkbook
) -> None:
    fake_engine.push()
    texts = {row[0] for row in fake.values("Heatmap") if row}
    assert {
        "Best pass rate",
        "Match rate of the best model",
        "Pass rate: gpt-5",
        "Pass rate: gpt-4o",
    } <= texts


def test_no_op_push_writes_nothing(fake_engine: SyncEngine, fake: FakeWorkbook) -> None:
    fake_engine.push()
    writes, reads = fake.write_calls, fake.reads
    result = fake_engine.push()
    assert fake.write_calls == writes
    assert fake.reads == reads + 1
    assert not result.plan.has_writes


def test_the_tab_is_found_without_a_base_snapshot(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    fake.pm_rename("m02", "renamed")
    base_path(store, fake.spreadsheet_id).unlink()
    fake_engine.push()
    assert [t.title for t in fake.tabs] == ["Heatmap", "m01", "renamed"]


def test_other_tabs_are_left_alone(fake_engine: SyncEngine, fake: FakeWorkbook) -> None:
    fake.pm_add_tab("Team notes", values={(0, 0): "keep me", (3, 2): 42})
    fake_engine.push()
    fake_engine.push()
    assert fake.values("Team notes") == [["keep me"], [], [], ["", "", "42"]]
    assert "Sheet1" not in [t.title for t in fake.tabs]


@pytest.mark.parametrize("title, removed", [("Feuille 1", True), ("Tabellenblatt1", True), ("Notes", False)])
def test_the_empty_first_tab_is_removed_in_any_language(
    store: Store, retrier: Retrier, title: str, removed: bool
) -> None:
    """A French or German account's new spreadsheet starts with "Feuille 1" or "Tabellenblatt1" (sheetId 0)."""
    fake = FakeWorkbook("sheet-1")
    fake.pm_rename("Sheet1", title)
    SyncEngine(store, fake, retrier).push()
    assert ([t.title for t in fake.tabs] == ["Heatmap", "m01", "m02"]) is removed
    assert (title in [t.title for t in fake.tabs]) is not removed


def test_a_sheet1_with_data_is_kept(fake_engine: SyncEngine, fake: FakeWorkbook) -> None:
    fake.pm_set("Sheet1", 0, 0, "data")
    fake_engine.push()
    assert "Sheet1" in [t.title for t in fake.tabs]


def test_a_grid_over_ten_million_cells_fails_before_writing(
    fake_engine: SyncEngine, fake: FakeWorkbook
) -> None:
    fake.pm_add_tab("Big")
    fake.tab("Big").rows, fake.tab("Big").columns = GRID_CELL_LIMIT - 1000, 1
    with pytest.raises(WorkbookLayoutError, match="10,000,000"):
        fake_engine.push()
    assert fake.write_calls == 0


def test_text_too_long_for_a_cell_names_module_and_row(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    edited = store.load_module("m02")
    edited.suggestions[1].suggestion = "x" * 50_001
    with store.lock():
        store.save_module(edited)
    with pytest.raises(DataError) as caught:
        fake_engine.push()
    assert "m02-s2" in str(caught.value) and "m02" in str(caught.value.path)
    assert fake.write_calls == 0


def test_any_text_too_long_for_a_cell_is_refused_before_writing(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    edited = store.load_module("m01")
    edited.description = "d" * 60_000
    with store.lock():
        store.save_module(edited)
    with pytest.raises(DataError) as caught:
        fake_engine.push()
    assert (str(caught.value.path), caught.value.json_path) == ("modules/m01.json", "description")
    assert "60,000 characters" in str(caught.value) and fake.write_calls == 0


def test_a_new_rubric_inserts_a_column_and_keeps_the_suggestions(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    fake.pm_set("m01", *label_cell(fake.read(), "m01", "issue", "m01-s3"), "edited by a PM")
    edited = store.load_module("m01")
    run = experiment("m01", "v9", "gpt-5", 25)
    run.rubrics["tone"] = run.rubrics["style"]
    edited.experiments.append(run)
    with store.lock():
        store.save_module(edited)
    fake_engine.push()
    snapshot = fake.read()
    assert label_cell(snapshot, "m01", "rubric: tone", run.id)
    rows = suggestion_rows(snapshot, "m01")
    assert rows["m01-s3"]["issue"] == "edited by a PM" and rows["m01-s1"]["issue"] == "issue 1"
    assert fake_engine.pull().plan.notes.pulled_fields == 1


def test_dry_run_writes_nothing_anywhere(fake_engine: SyncEngine, fake: FakeWorkbook, store: Store) -> None:
    before = {p: p.read_bytes() for p in store.data_dir.rglob("*.json")}
    result = fake_engine.push(SyncOptions(dry_run=True))
    assert not result.applied and result.plan.cells_written > 0
    assert fake.write_calls == 0
    assert {p: p.read_bytes() for p in store.data_dir.rglob("*.json")} == before


def test_a_well_formed_unknown_id_is_adopted(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    """A pull that wrote ids and died before saving: the next pull keeps those ids."""
    fake_engine.push()
    rows, columns = suggestion_range(fake.read(), "m02")
    fake.pm_set("m02", rows[1], columns[0], "m02-s7")
    fake.pm_set("m02", rows[1], columns[0] + 3, "found later")
    assert fake_engine.pull().plan.notes.imported == ["m02-s7"]
    assert store.load_module("m02").suggestions[-1].issue == "found later"


def test_one_sync_at_a_time(fake_engine: SyncEngine, store: Store) -> None:
    with store.lock():
        other = SyncEngine(Store(store.data_dir), fake_engine.workbook, fake_engine.retrier)
        with pytest.raises(LockedError):
            other.push()


def test_removed_module_keeps_its_tab_unless_asked(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    store.module_path("m02").unlink()
    kept = fake_engine.push().plan
    assert kept.notes.removed_modules == ["m02"]
    assert "module(s) removed locally, tab kept (push --delete-removed-tabs deletes it): m02" in plan_lines(
        kept
    )
    assert "m02" in [t.title for t in fake.tabs]
    assert fake_engine.status().pull.notes.removed_modules == ["m02"]
    deleted = fake_engine.push(SyncOptions(delete_removed_tabs=True)).plan
    assert plan_lines(deleted) == ["module(s) removed locally, tab deleted by this push: m02"]
    assert [t.title for t in fake.tabs] == ["Heatmap", "m01"]
    assert not fake_engine.push().plan.notes.removed_modules


def test_pull_writes_nothing_but_ids(fake_engine: SyncEngine, fake: FakeWorkbook) -> None:
    fake_engine.push()
    snapshot = fake.read()
    fake.pm_set("m01", *label_cell(snapshot, "m01", "issue", "m01-s1"), "edited")
    (_, end), (first, _) = suggestion_range(snapshot, "m01")
    fake.pm_set("m01", end, first + 3, "a new row")
    experiment_id = str(tab(snapshot, "m01").value(6, 0))
    fake.pm_set("m01", *label_cell(snapshot, "m01", "pass rate", experiment_id), 0.5)
    plan = fake_engine.status().pull
    written = [(op.row, op.column, op.rows) for op in plan.ops if isinstance(op, WriteCells)]
    assert len(written) == len(plan.ops) == 1
    assert written[0][:2] == (end, first) and written[0][2][0][0].value == "m01-s4"


def test_progress_is_logged_for_people_watching(
    fake_engine: SyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    """The CLI shows these on stderr when it is a terminal (warnings, such as retries, always)."""
    with caplog.at_level(logging.INFO, logger="sheets_sync.sync"):
        fake_engine.push()
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "reading spreadsheet sheet-1"
    assert messages[1].startswith("writing ") and "cell(s)" in messages[1]
    assert messages[2] == "reading the 3 written tab(s) again to check what was written"

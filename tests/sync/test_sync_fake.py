"""Push, pull and status end to end on the in-memory fake workbook (fast; the same flows run on the emulator)."""

from __future__ import annotations

import logging

import pytest
from sync_helpers import experiment, suggestion
from workbook_views import label_cell, suggestion_range, suggestion_rows, tab

from sheets_sync.errors import ConflictError, DataError, LockedError, WorkbookLayoutError
from sheets_sync.models import Priority, Status
from sheets_sync.store import Store
from sheets_sync.sync.base_file import base_path, load_base
from sheets_sync.sync.engine import SyncEngine, SyncOptions
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.layout import GRID_CELL_LIMIT, HEADER_BLOCK, PM_FIELDS, RATE_FORMAT
from sheets_sync.sync.merge import Prefer
from sheets_sync.sync.ops import WriteCells
from sheets_sync.sync.report import plan_lines
from sheets_sync.sync.retry import Retrier
from sheets_sync.sync.snapshot import ColourScale, Dropdown


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
    assert len(fake.colour_scales("Heatmap")) == 1


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


def test_a_pm_edit_is_pulled_into_the_module_file(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    fake.pm_set("m01", *label_cell(fake.read(), "m01", "priority", "m01-s2"), "High")
    pushed = fake_engine.push()
    assert pushed.plan.notes.sheet_edits_pending == 1  # push leaves it, says it is not yet pulled
    assert store.load_module("m01").suggestions[1].priority is Priority.MEDIUM
    result = fake_engine.pull()
    assert result.saved_modules == ["m01"]
    assert store.load_module("m01").suggestions[1].priority is Priority.HIGH
    assert load_base(store, fake.spreadsheet_id).suggestion("m01", "m01-s2")["priority"] == "high"
    status = fake_engine.status()
    assert not status.push.has_writes and not status.pull.modules


def test_a_local_edit_is_pushed_as_its_whole_row(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    edited = store.load_module("m02")
    edited.suggestions[0].status = Status.APPLIED
    with store.lock():
        store.save_module(edited)
    result = fake_engine.push()
    assert result.plan.cells_written == len(PM_FIELDS)  # every field of a row push writes, in one request
    assert suggestion_rows(fake.read(), "m02")["m02-s1"]["status"] == "applied"


def edit_issue_on_both_sides(fake_engine: SyncEngine, fake: FakeWorkbook, store: Store) -> None:
    """After a push, m01-s1's issue becomes "sheet text" in the sheet and "local text" locally: a conflict."""
    fake_engine.push()
    fake.pm_set("m01", *label_cell(fake.read(), "m01", "issue", "m01-s1"), "sheet text")
    edited = store.load_module("m01")
    edited.suggestions[0].issue = "local text"
    with store.lock():
        store.save_module(edited)


def test_both_sides_edited_is_a_conflict_left_alone(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    edit_issue_on_both_sides(fake_engine, fake, store)
    for run in (fake_engine.push, fake_engine.pull):
        result = run()
        [conflict] = result.conflicts
        assert (conflict.row_id, conflict.column, conflict.base, conflict.local, conflict.sheet) == (
            "m01-s1",
            "issue",
            "issue 1",
            "local text",
            "sheet text",
        )
        with pytest.raises(ConflictError) as caught:
            result.raise_for_conflicts()
        assert caught.value.exit_code == 3
    assert suggestion_rows(fake.read(), "m01")["m01-s1"]["issue"] == "sheet text"
    assert store.load_module("m01").suggestions[0].issue == "local text"


@pytest.mark.parametrize("prefer, expected", [(Prefer.LOCAL, "local text"), (Prefer.SHEET, "sheet text")])
def test_prefer_resolves_a_conflict_on_both_sides(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store, prefer: Prefer, expected: str
) -> None:
    edit_issue_on_both_sides(fake_engine, fake, store)
    pushed = fake_engine.push(SyncOptions(prefer=prefer))
    assert not pushed.conflicts and pushed.plan.notes.resolved == ["m01-s1 issue"]
    assert not fake_engine.pull().conflicts
    assert suggestion_rows(fake.read(), "m01")["m01-s1"]["issue"] == expected
    assert store.load_module("m01").suggestions[0].issue == expected


@pytest.mark.parametrize(
    "command, prefer, carried_later",
    [
        ("push", Prefer.LOCAL, False),
        ("push", Prefer.SHEET, True),
        ("pull", Prefer.SHEET, False),
        ("pull", Prefer.LOCAL, True),
    ],
)
def test_a_resolution_is_said_to_come_later_only_when_this_command_does_not_write_it(
    fake_engine: SyncEngine,
    fake: FakeWorkbook,
    store: Store,
    command: str,
    prefer: Prefer,
    carried_later: bool,
) -> None:
    edit_issue_on_both_sides(fake_engine, fake, store)
    sync = fake_engine.push if command == "push" else fake_engine.pull
    [line] = [line for line in plan_lines(sync(SyncOptions(prefer=prefer)).plan) if "--prefer" in line]
    assert line.startswith("1 conflict(s) resolved by --prefer: m01-s1 issue")
    assert ("comes across with the next" in line) is carried_later


def test_pm_sorts_inserts_and_adds_a_row(fake_engine: SyncEngine, fake: FakeWorkbook, store: Store) -> None:
    fake_engine.push()
    snapshot = fake.read()
    rows, columns = suggestion_range(snapshot, "m01")
    issue_column = label_cell(snapshot, "m01", "issue", "m01-s1")[1]
    fake.pm_sort("m01", rows, columns, key=issue_column, descending=True)
    fake.pm_set("m01", *label_cell(fake.read(), "m01", "priority", "m01-s1"), "low")
    fake.pm_insert_rows("m01", rows[0] - 1)  # a blank row above the tables' header
    fake.pm_set("m01", *label_cell(fake.read(), "m01", "status", "m01-s3"), "applied")
    new_row = rows[1] + 1
    fake.pm_set("m01", new_row, issue_column, "brand new issue")
    fake.pm_set("m01", new_row, issue_column + 1, "brand new suggestion")
    result = fake_engine.pull()
    local = {s.id: s for s in store.load_module("m01").suggestions}
    assert local["m01-s1"].priority is Priority.LOW
    assert local["m01-s3"].status is Status.APPLIED
    assert local["m01-s4"].issue == "brand new issue"
    assert result.plan.notes.imported == ["m01-s4"]
    assert suggestion_rows(fake.read(), "m01")["m01-s4"]["suggestion"] == "brand new suggestion"
    fake_engine.push()  # writes the new row's default status, freezes the moved header row
    rows = suggestion_rows(fake.read(), "m01")
    assert rows["m01-s4"]["status"] == "proposed" and rows["m01-s1"]["priority"] == "low"
    assert not fake_engine.push().plan.has_writes
    assert not fake_engine.pull().plan.modules  # a second pull imports nothing twice
    assert [s.id for s in store.load_module("m01").suggestions] == ["m01-s1", "m01-s2", "m01-s3", "m01-s4"]


def test_a_cleared_id_cell_is_written_back_by_push(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    fake.pm_set("m01", *label_cell(fake.read(), "m01", "suggestion id", "m01-s2"), None)
    assert fake_engine.status().pull.notes.imported == []  # recognised by its fields: never imported twice
    result = fake_engine.push()
    assert result.plan.notes.id_repairs == ["m01-s2"]
    assert "m01-s2" in suggestion_rows(fake.read(), "m01")
    assert not fake_engine.pull().plan.modules


def test_a_deleted_row_is_kept_locally_and_restored(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    fake.pm_delete_rows("m01", label_cell(fake.read(), "m01", "issue", "m01-s2")[0])
    pulled = fake_engine.pull()
    assert pulled.plan.notes.deleted_in_sheet == ["m01-s2"]
    assert [s.id for s in store.load_module("m01").suggestions] == ["m01-s1", "m01-s2", "m01-s3"]
    pushed = fake_engine.push()
    assert pushed.plan.notes.restored == ["m01-s2"]
    assert suggestion_rows(fake.read(), "m01")["m01-s2"]["issue"] == "issue 2"


def test_accepting_a_deletion_removes_it_locally(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    fake.pm_delete_rows("m02", label_cell(fake.read(), "m02", "issue", "m02-s1")[0])
    fake_engine.pull(SyncOptions(accept_deletions=True))
    assert [s.id for s in store.load_module("m02").suggestions] == ["m02-s2"]
    assert not fake_engine.push().plan.notes.restored


def test_pull_says_whether_it_deleted_or_kept_a_row_deleted_in_the_sheet(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    fake.pm_delete_rows("m01", label_cell(fake.read(), "m01", "issue", "m01-s2")[0])
    kept = fake_engine.status().pull
    assert "suggestion row(s) deleted in the sheet, kept locally; the next push restores them: m01-s2" in (
        plan_lines(kept)
    )
    accepted = fake_engine.pull(SyncOptions(accept_deletions=True)).plan
    assert [s.id for s in store.load_module("m01").suggestions] == ["m01-s1", "m01-s3"]
    lines = plan_lines(accepted)
    assert "suggestion row(s) deleted in the sheet, deleted locally too (--accept-deletions): m01-s2" in lines
    assert not any("restores" in line for line in lines)


def test_a_suggestion_deleted_locally_is_cleared_in_the_sheet(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    edited = store.load_module("m01")
    edited.suggestions = edited.suggestions[:2]
    with store.lock():
        store.save_module(edited)
    assert fake_engine.push().plan.notes.deleted_locally == ["m01-s3"]
    assert set(suggestion_rows(fake.read(), "m01")) == {"m01-s1", "m01-s2"}


def test_pm_edit_of_a_tool_owned_cell_is_reported_and_reverted(
    fake_engine: SyncEngine, fake: FakeWorkbook
) -> None:
    fake_engine.push()
    experiment_id = tab(fake.read(), "m01").value(6, 0)
    position = label_cell(fake.read(), "m01", "pass rate", str(experiment_id))
    original = tab(fake.read(), "m01").value(*position)
    fake.pm_set("m01", *position, 0.99)
    assert fake_engine.status().pull.tabs[0].tool_edits == 1
    result = fake_engine.push()
    assert sum(t.tool_edits for t in result.plan.tabs) == 1
    assert "1 PM edit(s) in tool-owned cells reverted" in plan_lines(result.plan)
    assert tab(fake.read(), "m01").value(*position) == original


def test_ten_pushes_leave_one_protection_dropdown_and_colour_scale(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    for n in range(10):
        edited = store.load_module("m01")
        edited.suggestions.append(suggestion("m01", 10 + n))  # a growing table, so layout is re-checked
        with store.lock():
            store.save_module(edited)
        fake_engine.push()
    for title in ("Heatmap", "m01", "m02"):
        assert len(fake.tab(title).protections) == 1
    assert len(fake.colour_scales("Heatmap")) == 1
    assert all(not isinstance(rule, ColourScale) for rule in fake.tab("m01").rules)
    m01 = tab(fake.read(), "m01")
    for label, values in (
        ("priority", ("high", "medium", "low")),
        ("status", tuple(s.value for s in Status)),
    ):
        column = label_cell(fake.read(), "m01", label, "m01-s19")[1]
        assert {m01.cell(row, column).dropdown for row in range(6, m01.row_count)} == {Dropdown(values)}


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


def test_deleted_locally_but_edited_in_the_sheet_is_a_conflict(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    fake.pm_set("m02", *label_cell(fake.read(), "m02", "issue", "m02-s2"), "a PM still cares")
    edited = store.load_module("m02")
    edited.suggestions = edited.suggestions[:1]
    with store.lock():
        store.save_module(edited)
    [conflict] = fake_engine.push().conflicts
    assert (conflict.row_id, conflict.local, conflict.sheet) == ("m02-s2", "(deleted)", "(edited)")
    assert "m02-s2" in suggestion_rows(fake.read(), "m02")
    fake_engine.push(SyncOptions(prefer=Prefer.LOCAL))
    assert "m02-s2" not in suggestion_rows(fake.read(), "m02")


def test_progress_is_logged_for_people_watching(
    fake_engine: SyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    """The CLI shows these on stderr when it is a terminal (warnings, such as retries, always)."""
    with caplog.at_level(logging.INFO, logger="sheets_sync.sync"):
        fake_engine.push()
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "reading spreadsheet sheet-1"
    assert messages[1].startswith("writing ") and "cell(s)" in messages[1]
    assert messages[2] == "reading the spreadsheet again to check what was written"


@pytest.mark.parametrize(
    "command, prefer, restored, carried_later",
    [
        ("push", Prefer.SHEET, True, True),
        ("pull", Prefer.SHEET, True, False),
        ("push", Prefer.LOCAL, False, False),
        ("pull", Prefer.LOCAL, False, True),
    ],
)
def test_a_resolved_local_deletion_settles_on_both_sides_without_a_new_conflict(
    fake_engine: SyncEngine,
    fake: FakeWorkbook,
    store: Store,
    command: str,
    prefer: Prefer,
    restored: bool,
    carried_later: bool,
) -> None:
    """--prefer sheet brings the PM's row back into the module file, --prefer local clears it; whichever command
    resolved it, the other one carries the choice across (as the report says) and nobody is asked again."""
    fake_engine.push()
    fake.pm_set("m02", *label_cell(fake.read(), "m02", "issue", "m02-s2"), "a PM still cares")
    edited = store.load_module("m02")
    edited.suggestions = edited.suggestions[:1]
    with store.lock():
        store.save_module(edited)
    sync = fake_engine.push if command == "push" else fake_engine.pull
    resolved = sync(SyncOptions(prefer=prefer))
    assert not resolved.conflicts and resolved.plan.notes.resolved == ["m02-s2 (row)"]
    [line] = [line for line in plan_lines(resolved.plan) if "--prefer" in line]
    assert ("comes across with the next" in line) is carried_later
    for follow_up in (fake_engine.pull, fake_engine.push, fake_engine.pull):
        assert not follow_up().conflicts
    local = {s.id: s for s in store.load_module("m02").suggestions}
    sheet = suggestion_rows(fake.read(), "m02")
    assert ("m02-s2" in local, "m02-s2" in sheet) == (restored, restored)
    if restored:
        assert local["m02-s2"].issue == sheet["m02-s2"]["issue"] == "a PM still cares"
        assert local["m02-s2"].suggestion == "suggestion 2"  # the PM's whole row, not only the edited cell
    status = fake_engine.status()
    assert not status.push.has_writes and not status.pull.modules
    assert not status.push.conflicts and not status.pull.conflicts

"""The three-way merge as users meet it: PM edits pulled, local edits pushed, conflicts listed and resolved.

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture)."""

from __future__ import annotations

import pytest
from sides import SHEET, Side
from workbook_views import suggestion_range

from sheets_sync.errors import ConflictError
from sheets_sync.models import Priority, Status
from sheets_sync.store import Store
from sheets_sync.sync.base_file import load_base
from sheets_sync.sync.engine import SyncOptions
from sheets_sync.sync.layout import PM_FIELDS
from sheets_sync.sync.merge import Prefer
from sheets_sync.sync.report import plan_lines


def test_a_pm_edit_is_pulled_into_the_module_file(side: Side, store: Store) -> None:
    side.engine.push()
    side.type("m01", *side.cell_of("m01", "priority", "m01-s2"), "High")
    pushed = side.engine.push()
    assert pushed.plan.notes.sheet_edits_pending == 1  # push leaves it, says it is not yet pulled
    assert store.load_module("m01").suggestions[1].priority is Priority.MEDIUM
    result = side.engine.pull()
    assert result.saved_modules == ["m01"]
    assert store.load_module("m01").suggestions[1].priority is Priority.HIGH
    assert load_base(store, SHEET).suggestion("m01", "m01-s2")["priority"] == "high"
    status = side.engine.status()
    assert not status.push.has_writes and not status.pull.modules


def test_a_local_edit_is_pushed_as_its_whole_row(side: Side, store: Store) -> None:
    side.engine.push()
    edited = store.load_module("m02")
    edited.suggestions[0].status = Status.APPLIED
    with store.lock():
        store.save_module(edited)
    result = side.engine.push()
    assert result.plan.cells_written == len(PM_FIELDS)  # every field of a row push writes, in one request
    assert side.rows("m02")["m02-s1"]["status"] == "applied"


def edit_issue_on_both_sides(side: Side, store: Store) -> None:
    """After a push, m01-s1's issue becomes "sheet text" in the sheet and "local text" locally: a conflict."""
    side.engine.push()
    side.type("m01", *side.cell_of("m01", "issue", "m01-s1"), "sheet text")
    edited = store.load_module("m01")
    edited.suggestions[0].issue = "local text"
    with store.lock():
        store.save_module(edited)


def test_both_sides_edited_is_a_conflict_left_alone(side: Side, store: Store) -> None:
    edit_issue_on_both_sides(side, store)
    for run in (side.engine.push, side.engine.pull):
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
    assert side.rows("m01")["m01-s1"]["issue"] == "sheet text"
    assert store.load_module("m01").suggestions[0].issue == "local text"


@pytest.mark.parametrize("prefer, expected", [(Prefer.LOCAL, "local text"), (Prefer.SHEET, "sheet text")])
def test_prefer_resolves_a_conflict_on_both_sides(
    side: Side, store: Store, prefer: Prefer, expected: str
) -> None:
    edit_issue_on_both_sides(side, store)
    pushed = side.engine.push(SyncOptions(prefer=prefer))
    assert not pushed.conflicts and pushed.plan.notes.resolved == ["m01-s1 issue"]
    assert not side.engine.pull().conflicts
    assert side.rows("m01")["m01-s1"]["issue"] == expected
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
    side: Side,
    store: Store,
    command: str,
    prefer: Prefer,
    carried_later: bool,
) -> None:
    edit_issue_on_both_sides(side, store)
    sync = side.engine.push if command == "push" else side.engine.pull
    [line] = [line for line in plan_lines(sync(SyncOptions(prefer=prefer)).plan) if "--prefer" in line]
    assert line.startswith("1 conflict(s) resolved by --prefer: m01-s1 issue")
    assert ("comes across with the next" in line) is carried_later


def test_pm_sorts_inserts_and_adds_a_row(side: Side, store: Store) -> None:
    side.engine.push()
    snapshot = side.read()
    rows, columns = suggestion_range(snapshot, "m01")
    issue_column = side.cell_of("m01", "issue", "m01-s1")[1]
    side.sort("m01", rows, columns, key=issue_column, descending=True)
    side.type("m01", *side.cell_of("m01", "priority", "m01-s1"), "low")
    side.insert_rows("m01", rows[0] - 1)  # a blank row above the tables' header
    side.type("m01", *side.cell_of("m01", "status", "m01-s3"), "applied")
    new_row = rows[1] + 1
    side.type("m01", new_row, issue_column, "brand new issue")
    side.type("m01", new_row, issue_column + 1, "brand new suggestion")
    result = side.engine.pull()
    local = {s.id: s for s in store.load_module("m01").suggestions}
    assert local["m01-s1"].priority is Priority.LOW
    assert local["m01-s3"].status is Status.APPLIED
    assert local["m01-s4"].issue == "brand new issue"
    assert result.plan.notes.imported == ["m01-s4"]
    assert side.rows("m01")["m01-s4"]["suggestion"] == "brand new suggestion"
    side.engine.push()  # writes the new row's default status, freezes the moved header row
    rows = side.rows("m01")
    assert rows["m01-s4"]["status"] == "proposed" and rows["m01-s1"]["priority"] == "low"
    assert not side.engine.push().plan.has_writes
    assert not side.engine.pull().plan.modules  # a second pull imports nothing twice
    assert [s.id for s in store.load_module("m01").suggestions] == ["m01-s1", "m01-s2", "m01-s3", "m01-s4"]


def test_a_cleared_id_cell_is_written_back_by_push(side: Side, store: Store) -> None:
    side.engine.push()
    side.type("m01", *side.cell_of("m01", "suggestion id", "m01-s2"), "")
    assert side.engine.status().pull.notes.imported == []  # recognised by its fields: never imported twice
    result = side.engine.push()
    assert result.plan.notes.id_repairs == ["m01-s2"]
    assert "m01-s2" in side.rows("m01")
    assert not side.engine.pull().plan.modules

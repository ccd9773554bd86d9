"""Rows deleted on either side: restored, accepted, cleared, or a conflict when the other side edited them.

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture)."""

from __future__ import annotations

import pytest
from sides import Side

from sheets_sync.store import Store
from sheets_sync.sync.engine import SyncOptions
from sheets_sync.sync.merge import Prefer
from sheets_sync.sync.report import plan_lines


def test_a_deleted_row_is_kept_locally_and_restored(side: Side, store: Store) -> None:
    side.engine.push()
    side.delete_rows("m01", side.cell_of("m01", "issue", "m01-s2")[0])
    pulled = side.engine.pull()
    assert pulled.plan.notes.deleted_in_sheet == ["m01-s2"]
    assert [s.id for s in store.load_module("m01").suggestions] == ["m01-s1", "m01-s2", "m01-s3"]
    pushed = side.engine.push()
    assert pushed.plan.notes.restored == ["m01-s2"]
    assert side.rows("m01")["m01-s2"]["issue"] == "issue 2"


def test_accepting_a_deletion_removes_it_locally(side: Side, store: Store) -> None:
    side.engine.push()
    side.delete_rows("m02", side.cell_of("m02", "issue", "m02-s1")[0])
    side.engine.pull(SyncOptions(accept_deletions=True))
    assert [s.id for s in store.load_module("m02").suggestions] == ["m02-s2"]
    assert not side.engine.push().plan.notes.restored


def test_pull_says_whether_it_deleted_or_kept_a_row_deleted_in_the_sheet(side: Side, store: Store) -> None:
    side.engine.push()
    side.delete_rows("m01", side.cell_of("m01", "issue", "m01-s2")[0])
    kept = side.engine.status().pull
    assert "suggestion row(s) deleted in the sheet, kept locally; the next push restores them: m01-s2" in (
        plan_lines(kept)
    )
    accepted = side.engine.pull(SyncOptions(accept_deletions=True)).plan
    assert [s.id for s in store.load_module("m01").suggestions] == ["m01-s1", "m01-s3"]
    lines = plan_lines(accepted)
    assert "suggestion row(s) deleted in the sheet, deleted locally too (--accept-deletions): m01-s2" in lines
    assert not any("restores" in line for line in lines)


def test_a_suggestion_deleted_locally_is_cleared_in_the_sheet(side: Side, store: Store) -> None:
    side.engine.push()
    edited = store.load_module("m01")
    edited.suggestions = edited.suggestions[:2]
    with store.lock():
        store.save_module(edited)
    assert side.engine.push().plan.notes.deleted_locally == ["m01-s3"]
    assert set(side.rows("m01")) == {"m01-s1", "m01-s2"}


def test_deleted_locally_but_edited_in_the_sheet_is_a_conflict(side: Side, store: Store) -> None:
    side.engine.push()
    side.type("m02", *side.cell_of("m02", "issue", "m02-s2"), "a PM still cares")
    edited = store.load_module("m02")
    edited.suggestions = edited.suggestions[:1]
    with store.lock():
        store.save_module(edited)
    [conflict] = side.engine.push().conflicts
    assert (conflict.row_id, conflict.local, conflict.sheet) == ("m02-s2", "(deleted)", "(edited)")
    assert "m02-s2" in side.rows("m02")
    side.engine.push(SyncOptions(prefer=Prefer.LOCAL))
    assert "m02-s2" not in side.rows("m02")


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
    side: Side,
    store: Store,
    command: str,
    prefer: Prefer,
    restored: bool,
    carried_later: bool,
) -> None:
    """--prefer sheet brings the PM's row back into the module file, --prefer local clears it; whichever command
    resolved it, the other one carries the choice across (as the report says) and nobody is asked again."""
    side.engine.push()
    side.type("m02", *side.cell_of("m02", "issue", "m02-s2"), "a PM still cares")
    edited = store.load_module("m02")
    edited.suggestions = edited.suggestions[:1]
    with store.lock():
        store.save_module(edited)
    sync = side.engine.push if command == "push" else side.engine.pull
    resolved = sync(SyncOptions(prefer=prefer))
    assert not resolved.conflicts and resolved.plan.notes.resolved == ["m02-s2 (row)"]
    [line] = [line for line in plan_lines(resolved.plan) if "--prefer" in line]
    assert ("comes across with the next" in line) is carried_later
    for follow_up in (side.engine.pull, side.engine.push, side.engine.pull):
        assert not follow_up().conflicts
    local = {s.id: s for s in store.load_module("m02").suggestions}
    sheet = side.rows("m02")
    assert ("m02-s2" in local, "m02-s2" in sheet) == (restored, restored)
    if restored:
        assert local["m02-s2"].issue == sheet["m02-s2"]["issue"] == "a PM still cares"
        assert local["m02-s2"].suggestion == "suggestion 2"  # the PM's whole row, not only the edited cell
    status = side.engine.status()
    assert not status.push.has_writes and not status.pull.modules
    assert not status.push.conflicts and not status.pull.conflicts

"""Rows and ids: a PM typing into an id cell; deleting a module or a suggestion locally while a PM edited it.

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sides import Side, exit_code

from sheets_sync.store import Store
from sheets_sync.sync.engine import SyncOptions


def test_typing_into_an_id_cell_is_reverted_never_a_duplicate(side: Side, store: Store) -> None:
    side.engine.push()
    side.type("m01", *side.cell_of("m01", "suggestion id", "m01-s3"), "m01-s9")
    side.type("m01", *side.cell_of("m01", "priority", "m01-s9"), "high")
    pulled = side.engine.pull()
    module_after = store.load_module("m01")
    assert [s.id for s in module_after.suggestions] == ["m01-s1", "m01-s2", "m01-s3"]
    assert module_after.suggestions[2].priority == "high" and not pulled.plan.notes.imported
    side.engine.push()
    assert sorted(side.rows("m01")) == ["m01-s1", "m01-s2", "m01-s3"]


@pytest.mark.parametrize("delete_tabs", [False, True])
def test_deleting_a_module_with_unpulled_edits_is_a_conflict(
    side: Side, store: Store, data_dir: Path, delete_tabs: bool
) -> None:
    side.engine.push()
    side.type("m02", *side.cell_of("m02", "issue", "m02-s2"), "a PM's unpulled edit")
    (data_dir / "modules" / "m02.json").unlink()
    pushed = side.engine.push(SyncOptions(delete_removed_tabs=delete_tabs))
    assert exit_code(pushed) == 3 and [c.row_id for c in pushed.conflicts] == ["m02-s2"]
    assert side.read().by_title("m02") is not None
    assert exit_code(side.engine.pull()) == 3

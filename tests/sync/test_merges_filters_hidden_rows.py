"""Filters on, rows hidden, cells merged across suggestion rows: the sync works and loses nothing.

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture); filters
and hidden rows exist only in the emulator (the in-memory workbook has no view state)."""

from __future__ import annotations

import pytest
from sides import Side, a1, exit_code
from test_tabs import edit_locally

from sheets_sync.store import Store


def test_a_merge_that_blanked_pm_text_is_reported_not_pulled_and_push_puts_it_back(
    side: Side, store: Store
) -> None:
    side.engine.push()
    top, column = side.cell_of("m01", "issue", "m01-s1")
    side.merge(
        "m01", (top, top + 2), (column, column + 1)
    )  # issue of m01-s1 and m01-s2: only s1's text stays
    pulled = side.engine.pull()
    assert store.load_module("m01").suggestions[1].issue == "issue 2"  # not pulled as a clearing
    [line] = pulled.plan.notes.merged_cells
    assert f"m01!{a1(top + 1, column)}: m01-s2 issue blanked by merged cells" in line
    assert exit_code(pulled) == 0
    pushed = side.engine.push()
    assert pushed.plan.notes.merged_cells and not side.tab("m01").merges
    assert side.rows("m01")["m01-s2"]["issue"] == "issue 2"
    assert not side.engine.push().plan.has_writes


def test_hidden_rows_sync_both_ways(side: Side, store: Store) -> None:
    if side.emu is None:
        pytest.skip("hidden rows are view state the in-memory workbook does not have")
    side.engine.push()
    row, _ = side.cell_of("m01", "issue", "m01-s2")
    side.pm.hide_rows("m01", row + 1, 2)
    side.type("m01", *side.cell_of("m01", "priority", "m01-s3"), "high")
    edit_locally(store, "m01", 2, issue="into a hidden row")
    assert exit_code(side.engine.pull()) == 0 and store.load_module("m01").suggestions[2].priority == "high"
    side.engine.push()
    assert side.rows("m01")["m01-s2"]["issue"] == "into a hidden row"
    assert not side.engine.push().plan.has_writes


def test_a_filter_hiding_rows_changes_nothing_the_sync_does(side: Side, store: Store) -> None:
    if side.emu is None:
        pytest.skip("filters are view state the in-memory workbook does not have")
    side.engine.push()
    _, status_column = side.cell_of("m01", "status", "m01-s1")
    side.type("m01", *side.cell_of("m01", "status", "m01-s2"), "rejected")
    side.pm.set_filter("m01", None, hide={a1(0, status_column)[:-1]: ["rejected"]})
    side.type("m01", *side.cell_of("m01", "issue", "m01-s3"), "typed with the filter on")
    edit_locally(store, "m01", 1, suggestion="pushed with the filter on")
    pulled = side.engine.pull()
    assert exit_code(pulled) == 0
    module = store.load_module("m01")
    assert (module.suggestions[1].status, module.suggestions[2].issue) == (
        "rejected",
        "typed with the filter on",
    )
    side.engine.push()
    assert side.rows("m01")["m01-s1"]["suggestion"] == "pushed with the filter on"
    assert sorted(side.rows("m01")) == ["m01-s1", "m01-s2", "m01-s3"]

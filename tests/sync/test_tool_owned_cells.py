"""Tool-owned cells and rules: PM edits reverted and reported; rules that never pile up.

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture)."""

from __future__ import annotations

from sides import Side
from sync_helpers import suggestion

from sheets_sync.models import Status
from sheets_sync.store import Store
from sheets_sync.sync.report import plan_lines
from sheets_sync.sync.snapshot import ColourScale, Dropdown


def test_pm_edit_of_a_tool_owned_cell_is_reported_and_reverted(side: Side) -> None:
    side.engine.push()
    experiment_id = side.tab("m01").value(6, 0)
    position = side.cell_of("m01", "pass rate", str(experiment_id))
    original = side.tab("m01").value(*position)
    side.type("m01", *position, "99%")
    assert side.engine.status().pull.tabs[0].tool_edits == 1
    result = side.engine.push()
    assert sum(t.tool_edits for t in result.plan.tabs) == 1
    assert "1 PM edit(s) in tool-owned cells reverted" in plan_lines(result.plan)
    assert side.tab("m01").value(*position) == original


def test_ten_pushes_leave_one_protection_and_dropdown_and_no_colour_scale(side: Side, store: Store) -> None:
    for n in range(10):
        edited = store.load_module("m01")
        edited.suggestions.append(suggestion("m01", 10 + n))  # a growing table, so layout is re-checked
        with store.lock():
            store.save_module(edited)
        side.engine.push()
    for title in ("Heatmap", "m01", "m02"):
        assert len(side.tab(title).protections) == 1
    for title in ("Heatmap", "m01"):  # the Heatmap's colours are set on its cells
        assert all(not isinstance(rule, ColourScale) for rule in side.tab(title).conditional_rules)
    m01 = side.tab("m01")
    for label, values in (
        ("priority", ("high", "medium", "low")),
        ("status", tuple(s.value for s in Status)),
    ):
        column = side.cell_of("m01", label, "m01-s19")[1]
        assert {m01.cell(row, column).dropdown for row in range(6, m01.row_count)} == {Dropdown(values)}

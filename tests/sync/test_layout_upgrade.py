"""Tabs written by an older layout are upgraded in place on push, from the one column table, PM text kept.

An older release is played by planning with an older column table (``PlanOptions(table=...)``); the current one
then upgrades the tab. Each behaviour runs on the in-memory workbook and on the emulator behind gspread."""

from __future__ import annotations

from dataclasses import replace

from sides import Side, a1

from sheets_sync.store import Store
from sheets_sync.sync.base import Base
from sheets_sync.sync.base_file import save_base
from sheets_sync.sync.columns import MODULE_COLUMNS, Column, ColumnTable
from sheets_sync.sync.plan import Plan, PlanOptions, plan_push
from sheets_sync.sync.recover import verify
from sheets_sync.sync.snapshot import Recovery
from sheets_sync.sync.tabs import find_geometry, read_module_tab
from sheets_sync.sync.upgrade import upgrade_tab

BY_KEY = {c.key: c for c in MODULE_COLUMNS.suggestions}


def layout(*suggestions: Column) -> ColumnTable:
    return MODULE_COLUMNS.with_columns([*MODULE_COLUMNS.experiments, *suggestions])


# An older release: no 'applied in' column, 'issue' after 'suggestion', 'priority' labelled 'prio'.
OLDER = layout(
    BY_KEY["id"],
    BY_KEY["version"],
    BY_KEY["rubric"],
    BY_KEY["suggestion"],
    BY_KEY["issue"],
    replace(BY_KEY["priority"], label="prio"),
    BY_KEY["status"],
)
# The current release knows 'prio' as an old label of 'priority'.
CURRENT = layout(
    *(replace(c, aliases=("prio",)) if c.key == "priority" else c for c in MODULE_COLUMNS.suggestions)
)


def push_with(side: Side, store: Store, table: ColumnTable, base: Base) -> Plan:
    """One push as the release with ``table`` makes it (read, plan, write, verify)."""
    workbook = side.engine.workbook
    before = workbook.read()
    plan = plan_push(store.load_all(), before, base, PlanOptions(table=table))
    workbook.apply(plan.ops)
    assert verify(before, plan, workbook.read()).clean
    with store.lock():
        save_base(store, plan.base)
    return plan


def texts(side: Side, title: str, table: ColumnTable) -> dict[str, dict[str, str]]:
    return {r.truth_id: dict(r.actual) for r in read_module_tab(side.tab(title), None, table).suggestions}


def test_a_tab_of_an_older_layout_is_upgraded_in_place_pm_text_kept(side: Side, store: Store) -> None:
    first = push_with(side, store, OLDER, Base(spreadsheet_id="sheet-1"))
    tab = side.tab("m01")
    geometry = find_geometry(tab, OLDER)
    issue = (
        next(r for (r, c), cell in tab.cells.items() if cell.value == "m01-s1"),
        geometry.column("issue"),
    )
    side.type("m01", *issue, "a PM edit made before the upgrade")
    side.type("m01", geometry.suggestions_header, geometry.column("prio"), " Prio ")  # case and spacing only
    old = texts(side, "m01", CURRENT)
    second = push_with(side, store, CURRENT, first.base)
    assert any("moved" in line for line in second.notes.upgraded_tabs)
    assert any("'applied in' added" in line for line in second.notes.upgraded_tabs)
    tab = side.tab("m01")
    geometry = find_geometry(tab, CURRENT)
    header = [tab.value(geometry.suggestions_header, geometry.column(c.label)) for c in CURRENT.suggestions]
    assert header == [c.label for c in CURRENT.suggestions]
    columns = [geometry.column(c.label) for c in CURRENT.suggestions]
    assert columns == list(range(columns[0], columns[0] + len(columns)))  # in the table's order, side by side
    new = texts(side, "m01", CURRENT)
    assert new["m01-s1"]["issue"] == "a PM edit made before the upgrade"
    assert {sid: {k: v for k, v in row.items() if k != "applied_in"} for sid, row in new.items()} == {
        sid: {k: v for k, v in row.items() if k != "applied_in"} for sid, row in old.items()
    }
    assert not push_with(side, store, CURRENT, second.base).has_writes
    # and the pull after it takes the PM's edit
    side.engine.push()  # the real current layout (no alias needed now that the header says 'priority')
    assert side.engine.pull().plan.notes.pulled_fields == 1
    assert store.load_module("m01").suggestions[0].issue == "a PM edit made before the upgrade"


def test_reordered_pm_columns_move_with_their_notes(side: Side, store: Store) -> None:
    """Moved server-side: a PM's note on a cell travels with its column."""
    reordered = layout(
        *(
            BY_KEY[k]
            for k in ("id", "status", "priority", "version", "rubric", "issue", "suggestion", "applied_in")
        )
    )
    first = push_with(side, store, reordered, Base(spreadsheet_id="sheet-1"))
    row = next(r for (r, c), cell in side.tab("m01").cells.items() if cell.value == "m01-s2")
    column = find_geometry(side.tab("m01"), reordered).column("issue")
    if side.fake is not None:
        cell = side.fake.tab("m01").cells[(row, column)]
        side.fake.tab("m01").cells[(row, column)] = replace(cell, note="the PM's own note")
    else:
        side.pm.set_note("m01", a1(row, column), "the PM's own note")
    push_with(side, store, MODULE_COLUMNS, first.base)
    geometry = find_geometry(side.tab("m01"))
    assert side.tab("m01").cell(row, geometry.column("issue")).note == "the PM's own note"
    assert side.tab("m01").cell(row, geometry.column("issue")).value == "issue 2"


def test_rubric_columns_take_the_order_the_layout_gives(side: Side, store: Store) -> None:
    """The experiments table (tool-owned) is rewritten in the order asked for (how issue 14's rubric order lands
    in existing tabs): labels and values move together, nothing else is touched."""
    side.engine.push()
    tab = side.tab("m01")
    upgrade = upgrade_tab(tab, Recovery(), find_geometry(tab), ["style", "main"])
    order = sorted(upgrade.geometry.experiment_labels, key=upgrade.geometry.columns.__getitem__)
    assert order[-2:] == ["rubric: style", "rubric: main"]
    assert upgrade.changes == ["experiments table columns reordered"] and not upgrade.ops

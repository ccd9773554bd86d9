"""Upgrading a module tab written by an older layout, in place, from the column table. Pure.

The one mechanism for layout changes (:mod:`sheets_sync.sync.columns` says how a release describes one): push
compares the tab's columns, as found by their header labels, with the current column table and plans

* **experiments table** (tool-owned): missing columns (a new rubric, or a column a later release added) are
  inserted at its end (whole columns: the suggestions table moves right with its notes, rules and protection);
  its columns then take the table's order by rewriting them, since every cell there is rewritten from local data;
* **suggestions table** (PM text): a missing column is inserted at its place, and columns out of order are moved
  server-side (``moveDimension``), so PM text travels with its notes and formats and nothing is retyped; the
  engine verifies afterwards that every suggestion still shows the text it showed before
  (:func:`sheets_sync.sync.recover.verify`);
* **renamed columns** (an old label, kept as an alias in the table): recognised, and the header rewritten.

The tab is simulated as it will be after these operations, so the rest of the plan is made against it, in the
same single write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from sheets_sync.sync.cells import column_mover, move_columns, remap_recovery, shift_columns
from sheets_sync.sync.columns import normalise_label
from sheets_sync.sync.layout import TabGeometry, with_rubrics
from sheets_sync.sync.ops import InsertColumns, MoveColumns, Op, SetDropdown
from sheets_sync.sync.snapshot import GridRange, Recovery, TabSnapshot


@dataclass
class Upgrade:
    """The structural operations, the tab and recovery as they will be after them, and what changed (in words)."""

    ops: list[Op]
    tab: TabSnapshot
    recovery: Recovery
    geometry: TabGeometry
    changes: list[str] = field(default_factory=list)
    moved_pm_text: bool = False
    inserted_fields: set[str] = field(default_factory=set)
    """Suggestion fields whose column this upgrade inserts (empty now: push writes them, pull never reads them)."""

    @property
    def inserted_columns(self) -> set[int]:
        """Columns (after the upgrade) that the upgrade inserted: new columns get their widths."""
        return {c for op in self.ops if isinstance(op, InsertColumns) for c in range(op.at, op.at + op.count)}


def upgrade_tab(
    tab: TabSnapshot, recovery: Recovery, geometry: TabGeometry, rubrics: Sequence[str]
) -> Upgrade:
    """Plan the upgrade of one tab to the current layout (nothing when it already has it)."""
    upgrade = Upgrade([], tab, recovery, geometry)
    _renamed_headers(upgrade)
    _missing_experiment_columns(upgrade, rubrics)
    _order_experiments(upgrade, rubrics)
    _order_suggestions(upgrade)
    return upgrade


def _renamed_headers(upgrade: Upgrade) -> None:
    geometry, tab = upgrade.geometry, upgrade.tab
    for label, column in geometry.columns.items():
        header = geometry.suggestions_header if label in geometry.suggestion_labels else geometry.header_row
        shown = tab.value(header, column)
        if isinstance(shown, str) and normalise_label(shown) != normalise_label(label):
            upgrade.changes.append(f"column {shown!r} renamed {label!r}")


def _missing_experiment_columns(upgrade: Upgrade, rubrics: Sequence[str]) -> None:
    wider, at, count = with_rubrics(upgrade.geometry, rubrics)
    if not count:
        return
    sheet_id = upgrade.tab.sheet_id
    upgrade.ops.append(InsertColumns(sheet_id, at, count))
    upgrade.tab = shift_columns(upgrade.tab, at, count)
    upgrade.recovery = remap_recovery(upgrade.recovery, sheet_id, lambda c: c + count if c >= at else c)
    added = [label for label in wider.columns if label not in upgrade.geometry.columns]
    upgrade.geometry = wider
    upgrade.changes.append(f"column(s) {', '.join(repr(label) for label in added)} added")


def _order_experiments(upgrade: Upgrade, rubrics: Sequence[str]) -> None:
    """Tool-owned columns take the table's order in the columns they already use (rewritten, not moved)."""
    geometry = upgrade.geometry
    table = geometry.table
    wanted = [c.label for c in table.experiments] + [table.rubric_label(r) for r in rubrics]
    present = list(geometry.experiment_labels)
    order = [label for label in wanted if label in present] + [
        label for label in present if label not in wanted
    ]
    slots = sorted(geometry.columns[label] for label in present)
    placed = dict(zip(order, slots, strict=True))
    if all(geometry.columns[label] == column for label, column in placed.items()):
        return
    upgrade.geometry = replace(geometry, columns={**geometry.columns, **placed})
    upgrade.changes.append("experiments table columns reordered")


def _order_suggestions(upgrade: Upgrade) -> None:
    """Each suggestion column to its place, left to right: inserted when missing, moved when elsewhere."""
    sheet_id = upgrade.tab.sheet_id
    table = upgrade.geometry.table
    columns = dict(upgrade.geometry.columns)
    start = min(columns[c.label] for c in table.suggestions if c.label in columns)
    for offset, column in enumerate(table.suggestions):
        target = start + offset
        current = columns.get(column.label)
        if current == target:
            continue
        mover: Callable[[int], int]
        if current is None:
            upgrade.ops.append(InsertColumns(sheet_id, target, 1))
            if not column.dropdown:  # an inserted column may inherit its neighbour's dropdown: not this one
                upgrade.ops.append(SetDropdown(GridRange(sheet_id, 0, None, target, target + 1), None))
            upgrade.tab = shift_columns(upgrade.tab, target, 1)
            mover = _shifted_from(target)
            upgrade.changes.append(f"column {column.label!r} added")
            upgrade.inserted_fields.add(column.key)
        else:
            upgrade.ops.append(MoveColumns(sheet_id, current, current + 1, target))
            upgrade.tab = move_columns(upgrade.tab, current, current + 1, target)
            mover = _moved(current, target)
            upgrade.changes.append(f"column {column.label!r} moved")
            upgrade.moved_pm_text = True
        upgrade.recovery = remap_recovery(upgrade.recovery, sheet_id, mover)
        columns = {label: mover(c) for label, c in columns.items()}
        columns[column.label] = target
    upgrade.geometry = replace(upgrade.geometry, columns=columns)


def _shifted_from(at: int) -> Callable[[int], int]:
    return lambda c: c + 1 if c >= at else c


def _moved(current: int, target: int) -> Callable[[int], int]:
    return column_mover(current, current + 1, target)

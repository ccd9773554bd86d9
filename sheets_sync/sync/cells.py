"""Turning wanted cells into the fewest write operations, and helpers over tab snapshots. Pure.

Only cells whose managed parts differ from the sheet are sent. Neighbouring cells with the same managed parts are
merged into rectangles (a new tab is one ``updateCells`` per table, not one per cell).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from sheets_sync.sync.ops import CellSpec, WriteCells
from sheets_sync.sync.snapshot import Recovery, TabSnapshot

Position = tuple[int, int]


def changed_cells(tab: TabSnapshot | None, wanted: Mapping[Position, CellSpec]) -> dict[Position, CellSpec]:
    """The wanted cells that the tab does not already hold (all of them for a tab yet to be made)."""
    if tab is None:
        return {pos: spec for pos, spec in wanted.items() if not spec.matches(_EMPTY)}
    return {pos: spec for pos, spec in wanted.items() if not spec.matches(tab.cell(*pos))}


def group_cells(sheet_id: int, cells: Mapping[Position, CellSpec]) -> list[WriteCells]:
    """Rectangles of neighbouring cells with the same managed fields, in row-major order."""
    runs = _row_runs(cells)
    blocks: list[tuple[int, int, list[list[CellSpec]]]] = []
    for row, column, specs in runs:
        last = blocks[-1] if blocks else None
        if last and _extends(last, row, column, specs):
            last[2].append(specs)
        else:
            blocks.append((row, column, [specs]))
    return [WriteCells(sheet_id, row, column, tuple(tuple(r) for r in rows)) for row, column, rows in blocks]


def _row_runs(cells: Mapping[Position, CellSpec]) -> list[tuple[int, int, list[CellSpec]]]:
    runs: list[tuple[int, int, list[CellSpec]]] = []
    for (row, column), spec in sorted(cells.items()):
        last = runs[-1] if runs else None
        if last and last[0] == row and last[1] + len(last[2]) == column and last[2][0].fields == spec.fields:
            last[2].append(spec)
        else:
            runs.append((row, column, [spec]))
    return runs


def _extends(
    block: tuple[int, int, list[list[CellSpec]]], row: int, column: int, specs: list[CellSpec]
) -> bool:
    top, left, rows = block
    return (
        left == column
        and top + len(rows) == row
        and len(rows[0]) == len(specs)
        and rows[0][0].fields == specs[0].fields
    )


def shift_columns(tab: TabSnapshot, at: int, count: int) -> TabSnapshot:
    """The tab as it will be after ``count`` columns are inserted at ``at`` (cells and widths move right)."""

    def moved(column: int) -> int:
        return column + count if column >= at else column

    return replace(
        tab,
        column_count=tab.column_count + count,
        cells={(row, moved(column)): cell for (row, column), cell in tab.cells.items()},
        column_widths={moved(column): width for column, width in tab.column_widths.items()},
    )


def column_mover(start: int, end: int, to: int) -> Callable[[int], int]:
    """Where each column goes when columns ``[start, end)`` move to begin at ``to`` (``to`` counted after the
    move, as :class:`~sheets_sync.sync.ops.MoveColumns` says)."""
    width = end - start

    def moved(column: int) -> int:
        if start <= column < end:
            return to + column - start
        rest = column - width if column >= end else column  # the column with the moved ones taken out
        return rest + width if rest >= to else rest

    return moved


def move_columns(tab: TabSnapshot, start: int, end: int, to: int) -> TabSnapshot:
    """The tab as it will be after a column move (cells and widths go with their columns)."""
    moved = column_mover(start, end, to)
    return replace(
        tab,
        cells={(row, moved(column)): cell for (row, column), cell in tab.cells.items()},
        column_widths={moved(column): width for column, width in tab.column_widths.items()},
    )


def shift_recovery(recovery: Recovery, sheet_id: int, at: int, count: int) -> Recovery:
    """Recovery keys follow the same column insert."""
    return remap_recovery(recovery, sheet_id, lambda column: column + count if column >= at else column)


def remap_recovery(recovery: Recovery, sheet_id: int, moved: Callable[[int], int]) -> Recovery:
    """Recovery keys follow a change of columns of one tab."""
    truth = {
        (sid, row, moved(column) if sid == sheet_id else column): value
        for (sid, row, column), value in recovery.truth.items()
    }
    return Recovery(truth, recovery.lost_rows)


_EMPTY = TabSnapshot(0, "", 0, 0, 0).cell(0, 0)

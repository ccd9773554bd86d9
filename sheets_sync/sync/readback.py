"""The check after writing reads the tabs the write touched, not the whole workbook. Pure.

:func:`touched_tabs` names every tab an operation list changes (cells, rows, columns, rules, protections, merges,
tab-level metadata); the engine reads those tabs again (their whole grid, so a row a PM moved under our write is
still found by its id, and a PM's edit of a tool-owned cell there still shows) and :func:`merge_read` puts that
partial read together with the snapshot the plan was made from. A tab the write did not touch holds no write to
verify and planned no write, so the earlier read of it serves the next plan as well as a new one would; the
spreadsheet's own developer metadata (the write generation) always comes from the new read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sheets_sync.sync.ops import (
    AddProtection,
    CreateMetadata,
    DeleteMetadata,
    DeleteTab,
    Op,
    SetBackground,
    SetDropdown,
    SetNumberFormat,
    UnmergeCells,
    UpdateMetadata,
)
from sheets_sync.sync.snapshot import SheetSnapshot


@dataclass(frozen=True)
class TouchedTabs:
    """The tabs a write changes: ``kept`` are read again, ``deleted`` are gone after it."""

    kept: frozenset[int]
    deleted: frozenset[int]


def touched_tabs(ops: Iterable[Op], before: SheetSnapshot) -> TouchedTabs:
    """Every tab the operations change; metadata updates and deletes count for the tab their entry is on."""
    on_tab = {m.metadata_id: m.sheet_id for m in before.metadata}
    kept: set[int] = set()
    deleted: set[int] = set()
    for op in ops:
        if isinstance(op, DeleteTab):
            deleted.add(op.sheet_id)
            continue
        sheet_id = _sheet_of(op, on_tab)
        if sheet_id is not None:
            kept.add(sheet_id)
    return TouchedTabs(frozenset(kept - deleted), frozenset(deleted))


def _sheet_of(op: Op, on_tab: dict[int, int | None]) -> int | None:
    """The tab an operation changes; None for the spreadsheet itself."""
    if isinstance(op, AddProtection):
        return op.protection.range.sheet_id
    if isinstance(op, SetDropdown | SetNumberFormat | SetBackground | UnmergeCells):
        return op.range.sheet_id
    if isinstance(op, CreateMetadata):
        return op.sheet_id
    if isinstance(op, UpdateMetadata | DeleteMetadata):
        return on_tab.get(op.metadata_id)
    return int(op.sheet_id)


def merge_read(before: SheetSnapshot, fresh: SheetSnapshot, touched: TouchedTabs) -> SheetSnapshot:
    """The workbook after a write: the touched tabs (and their metadata) as read again, the others as read
    before, deleted tabs gone, the spreadsheet's own metadata as read again."""
    dropped = touched.kept | touched.deleted
    tabs = [tab for tab in before.tabs if tab.sheet_id not in dropped] + list(fresh.tabs)
    metadata = [m for m in before.metadata if m.sheet_id is not None and m.sheet_id not in dropped]
    return SheetSnapshot(
        before.spreadsheet_id,
        tuple(sorted(tabs, key=lambda tab: tab.index)),
        metadata=(*fresh.metadata, *metadata),
    )

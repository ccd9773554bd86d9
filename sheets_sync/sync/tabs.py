"""Reading the workbook's tabs as sheets-sync sees them: which tab is whose, and what a module tab's tables hold.

Pure. Tabs are tracked by sheetId, never by title alone: the base snapshot remembers each module's sheetId, and
sheets-sync chooses the sheetIds of the tabs it adds from a hash of the module id, so its tabs are recognised even
after a PM renamed them, after the base snapshot was lost, or after an ``addSheet`` whose answer never arrived.

Rows are found by content, never by position: the tables' header row is the row holding both ``experiment id`` and
``suggestion id`` (wherever PMs' inserted rows moved it), columns are found by their header labels, and every row
below with anything in a table's columns is a row of that table (blank lines in the middle are skipped).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sheets_sync.errors import WorkbookLayoutError
from sheets_sync.sync.codec import cell_text
from sheets_sync.sync.layout import (
    EXPERIMENT_COLUMNS,
    EXPERIMENT_ID,
    HEADER_BLOCK,
    LABEL_FIELD,
    RUBRIC_PREFIX,
    SUGGESTION_ID,
    SUGGESTION_LABELS,
    TabGeometry,
)
from sheets_sync.sync.snapshot import Recovery, SheetSnapshot, TabSnapshot

HEATMAP_KEY = "::heatmap"
CANDIDATES = 8
FIXED_LABELS = frozenset(label for label, _ in EXPERIMENT_COLUMNS) | frozenset(SUGGESTION_LABELS)


# ---------------------------------------------------------------------------------------------- which tab is whose


def candidate_sheet_ids(key: str) -> list[int]:
    """The sheetIds sheets-sync may give the tab of ``key`` (a module id or HEATMAP_KEY), in order of preference."""
    ids = []
    for attempt in range(CANDIDATES):
        value = zlib.crc32(f"sheets-sync:{key}:{attempt}".encode()) & 0x7FFFFFFF
        ids.append(value or 1)
    return ids


def new_sheet_id(key: str, taken: set[int]) -> int:
    """The first candidate id not used by another tab."""
    for candidate in candidate_sheet_ids(key):
        if candidate not in taken:
            return candidate
    raise WorkbookLayoutError(f"no free sheetId for the tab of {key!r}")  # 8 collisions in 2^31: never seen


@dataclass(frozen=True)
class TabMap:
    """The tabs sheets-sync made: the Heatmap and one per module id (including modules removed locally)."""

    heatmap: TabSnapshot | None
    modules: Mapping[str, TabSnapshot]

    def ours(self) -> set[int]:
        ids = {tab.sheet_id for tab in self.modules.values()}
        return ids | ({self.heatmap.sheet_id} if self.heatmap else set())

    def owner_of(self, sheet_id: int) -> str | None:
        return next((key for key, tab in self.modules.items() if tab.sheet_id == sheet_id), None)


def map_tabs(
    sheet: SheetSnapshot, known: Mapping[str, int], heatmap_id: int | None, keys: Iterable[str]
) -> TabMap:
    """Find each key's tab: first by the sheetId the base snapshot remembers, then by sheets-sync's own ids."""
    claimed: set[int] = set()
    heatmap = _find_tab(sheet, HEATMAP_KEY, heatmap_id, claimed)
    modules = {}
    for key in keys:
        tab = _find_tab(sheet, key, known.get(key), claimed)
        if tab is not None:
            modules[key] = tab
    return TabMap(heatmap, modules)


def _find_tab(
    sheet: SheetSnapshot, key: str, remembered: int | None, claimed: set[int]
) -> TabSnapshot | None:
    options = ([remembered] if remembered is not None else []) + candidate_sheet_ids(key)
    for sheet_id in options:
        tab = sheet.tab(sheet_id)
        if tab is not None and sheet_id not in claimed:
            claimed.add(sheet_id)
            return tab
    return None


# ---------------------------------------------------------------------------------------------- module tab contents


@dataclass(frozen=True)
class SheetExperiment:
    """A row of the experiments table: where it is and the id it shows."""

    row: int
    id_text: str


@dataclass(frozen=True)
class SheetSuggestion:
    """A row of the suggestions table.

    ``actual`` is what the cells show (texts by field), ``truth`` what the PM's data holds: the same, except where
    a write of ours landed on the row by mistake and recovery knows what was there before. ``row`` is None for a
    row that such a write overwrote entirely and that has to be put back.
    """

    row: int | None
    id_cell: str
    truth_id: str
    actual: Mapping[str, str]
    truth: Mapping[str, str]

    @property
    def blank(self) -> bool:
        return not self.truth_id.strip() and not any(v.strip() for v in self.truth.values())


@dataclass(frozen=True)
class ModuleTabView:
    """A module tab read by labels; ``geometry`` is None for a tab with nothing in it yet."""

    geometry: TabGeometry | None
    block_cells: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    experiments: tuple[SheetExperiment, ...] = ()
    suggestions: tuple[SheetSuggestion, ...] = ()
    experiments_end: int = 0
    suggestions_end: int = 0


def read_module_tab(tab: TabSnapshot, recovery: Recovery | None = None) -> ModuleTabView:
    """Parse a module tab; a tab with values but no recognisable header row is an error, never overwritten."""
    if not tab.has_values():
        return ModuleTabView(None)
    geometry = find_geometry(tab)
    experiments = _experiment_rows(tab, geometry)
    suggestions = _suggestion_rows(tab, geometry, recovery or Recovery())
    placed = [s.row for s in suggestions if s.row is not None]
    return ModuleTabView(
        geometry,
        _block_cells(tab, geometry.header_row),
        tuple(experiments),
        tuple(suggestions),
        max((e.row for e in experiments), default=geometry.header_row) + 1,
        max(placed, default=geometry.header_row) + 1,
    )


def find_geometry(tab: TabSnapshot) -> TabGeometry:
    """The header row (the first with both id labels) and the column of every known label in it."""
    rows: dict[int, dict[str, int]] = {}
    for row, column, value in sorted(tab.valued_cells()):
        if isinstance(value, str) and (value in FIXED_LABELS or value.startswith(RUBRIC_PREFIX)):
            rows.setdefault(row, {}).setdefault(value, column)
    header = next((row for row in sorted(rows) if {EXPERIMENT_ID, SUGGESTION_ID} <= rows[row].keys()), None)
    if header is None:
        raise WorkbookLayoutError(
            f"tab {tab.title!r}: no header row with {EXPERIMENT_ID!r} and {SUGGESTION_ID!r} found; restore it "
            "(Edit > Version history) or delete the tab, then push again"
        )
    missing = sorted(FIXED_LABELS - rows[header].keys())
    if missing:
        raise WorkbookLayoutError(
            f"tab {tab.title!r}: header row {header + 1} lacks the column(s) {', '.join(missing)}; put the header "
            "labels back or delete the tab, then push again"
        )
    return TabGeometry(header, rows[header])


def _experiment_rows(tab: TabSnapshot, geometry: TabGeometry) -> list[SheetExperiment]:
    columns = [geometry.column(label) for label in geometry.experiment_labels]
    id_column = geometry.column(EXPERIMENT_ID)
    return [
        SheetExperiment(row, cell_text(tab.value(row, id_column)).strip())
        for row in _used_rows(tab, geometry.header_row, columns)
    ]


def _suggestion_rows(tab: TabSnapshot, geometry: TabGeometry, recovery: Recovery) -> list[SheetSuggestion]:
    columns = {LABEL_FIELD[label]: geometry.column(label) for label in SUGGESTION_LABELS}
    rows = []
    for row in _used_rows(tab, geometry.header_row, list(columns.values())):
        actual = {name: cell_text(tab.value(row, column)) for name, column in columns.items()}
        truth = {
            name: cell_text(recovery.truth[key])
            if (key := (tab.sheet_id, row, column)) in recovery.truth
            else text
            for (name, column), text in zip(columns.items(), actual.values(), strict=True)
        }
        id_cell = actual.pop("id").strip()
        rows.append(SheetSuggestion(row, id_cell, truth.pop("id").strip(), actual, truth))
    for lost in recovery.lost_rows.get(tab.sheet_id, ()):
        texts = {
            LABEL_FIELD[label]: cell_text(value) for label, value in lost.items() if label in LABEL_FIELD
        }
        truth_id = texts.pop("id", "").strip()
        empty = {name: "" for name in texts}
        rows.append(SheetSuggestion(None, "", truth_id, empty, texts))
    return rows


def _used_rows(tab: TabSnapshot, header_row: int, columns: list[int]) -> list[int]:
    wanted = set(columns)
    return sorted({row for row, column, _ in tab.valued_cells() if row > header_row and column in wanted})


def _block_cells(tab: TabSnapshot, header_row: int) -> dict[str, tuple[int, int]]:
    """Where each header-block label is (above the header row, wherever inserted rows moved it)."""
    found: dict[str, tuple[int, int]] = {}
    for row, column, value in sorted(tab.valued_cells()):
        if row < header_row and isinstance(value, str) and value in HEADER_BLOCK:
            found.setdefault(value, (row, column))
    return found

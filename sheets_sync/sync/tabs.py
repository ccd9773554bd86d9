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
from sheets_sync.sync.columns import EXPERIMENT_ID, MODULE_COLUMNS, PLAIN_TEXT_FORMAT, ColumnTable, TableName
from sheets_sync.sync.layout import HEADER_BLOCK, LABEL_FIELD, TabGeometry
from sheets_sync.sync.snapshot import Cell, Recovery, SheetSnapshot, TabSnapshot

HEATMAP_KEY = "::heatmap"
CANDIDATES = 8


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
    formulas: frozenset[str] = frozenset()
    """Fields whose cell holds a real formula (its source is not the PM's text; reported, never taken)."""
    absent: frozenset[str] = frozenset()
    """Fields the tab has no column for yet (an older layout): never read as a PM's edit."""
    merged: frozenset[str] = frozenset()
    """Fields whose cell a merge hides (blanked): never read as a PM's edit; push unmerges and writes them."""
    apostrophes: frozenset[str] = frozenset()
    """Fields whose cell text starts with ``'`` (dropped from the text read: a PM's "this is text" mark)."""
    not_text: frozenset[str] = frozenset()
    """Fields whose cell stores a number, date or boolean under a format that is not plain text (``0012`` typed
    under a ``0000`` format is 12): the PM's text is what it shows. Putting the plain-text format back would show
    the stored value instead (``12``), so push writes these cells as their text (in a pull's read, which carries
    no format, every such cell counts; only push uses it)."""

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


class TabLayoutProblem(WorkbookLayoutError):
    """A module tab whose tables cannot be read safely (a header label really gone): that tab is skipped, reported,
    and every other tab syncs (exit 5). Carries the tab's title."""

    def __init__(self, title: str, message: str) -> None:
        self.title = title
        super().__init__(f"tab {title!r}: {message}")


def read_module_tab(
    tab: TabSnapshot, recovery: Recovery | None = None, table: ColumnTable = MODULE_COLUMNS
) -> ModuleTabView:
    """Parse a module tab; a tab with values but no recognisable tables raises :class:`TabLayoutProblem`."""
    if not tab.has_values():
        return ModuleTabView(None)
    geometry = find_geometry(tab, table)
    block = _block_cells(tab, geometry)
    experiments = _experiment_rows(tab, geometry, block)
    suggestions = _suggestion_rows(tab, geometry, recovery or Recovery())
    placed = [s.row for s in suggestions if s.row is not None]
    return ModuleTabView(
        geometry,
        block,
        tuple(experiments),
        tuple(suggestions),
        max([e.row for e in experiments] + [geometry.header_row]) + 1,
        max(placed + [geometry.suggestions_header]) + 1,
    )


def find_geometry(tab: TabSnapshot, table: ColumnTable = MODULE_COLUMNS) -> TabGeometry:
    """Each table's header row (wherever a sort or inserted rows moved it) and the column of every label in it.

    Labels are recognised ignoring case and spacing, old labels included (the column table's aliases). A table
    missing a column that the current layout has is fine when nothing says the column was there (an older layout:
    push inserts it); a column holding data under a blank or unknown header means a header was lost, and the tab
    is skipped rather than guessed at.
    """
    labels = _recognised_labels(tab, table)
    experiments = _header_row(labels, table, TableName.EXPERIMENTS, table.experiments[0].label)
    suggestions = _header_row(labels, table, TableName.SUGGESTIONS, table.suggestions[0].label)
    if experiments is None or suggestions is None:
        missing = table.experiments[0].label if experiments is None else table.suggestions[0].label
        raise TabLayoutProblem(
            tab.title,
            f"no header row with {missing!r} found; type the header labels back (Edit > Version history shows "
            "them), then sync again; until then this tab is skipped and its edits stay in the sheet",
        )
    columns = {label: column for label, column in labels[experiments].items() if _is_experiment(table, label)}
    columns |= {
        label: column for label, column in labels[suggestions].items() if not _is_experiment(table, label)
    }
    columns |= _reclaimed_experiment_columns(tab, table, experiments, columns)
    geometry = TabGeometry(experiments, columns, suggestions if suggestions != experiments else None, table)
    _check_no_lost_header(tab, geometry)
    return geometry


def _reclaimed_experiment_columns(
    tab: TabSnapshot, table: ColumnTable, header: int, columns: Mapping[str, int]
) -> dict[str, int]:
    """Experiments-table columns whose header a PM changed: tool-owned, so when as many unknown header cells sit
    between the table's known columns as fixed labels are missing, they are those columns (in order), and push
    writes their labels back instead of adding the columns again."""
    missing = [c.label for c in table.experiments if c.label not in columns]
    if not missing:
        return {}
    known = sorted(column for label, column in columns.items() if _is_experiment(table, label))
    inside = [c for c in range(known[0], known[-1] + 1) if c not in known]
    if len(inside) != len(missing):
        return {}
    return dict(zip(missing, inside, strict=True))


def _recognised_labels(tab: TabSnapshot, table: ColumnTable) -> dict[int, dict[str, int]]:
    """Per row, each recognised label (as the current layout names it) and its first column."""
    rows: dict[int, dict[str, int]] = {}
    for row, column, value in sorted(tab.valued_cells()):
        if not isinstance(value, str):
            continue
        known = table.recognise(value)
        rubric = table.rubric_of(value)
        label = known.label if known is not None else table.rubric_label(rubric) if rubric else None
        if label is not None:
            rows.setdefault(row, {}).setdefault(label, column)
    return rows


def _is_experiment(table: ColumnTable, label: str) -> bool:
    column = table.recognise(label)
    return column.table is TableName.EXPERIMENTS if column is not None else True


def _header_row(
    labels: Mapping[int, Mapping[str, int]], table: ColumnTable, name: TableName, id_label: str
) -> int | None:
    """The row holding the table's id label and the most of its other labels (the first such row on a tie)."""
    own = {c.label for c in table.table(name)}
    candidates = [row for row in sorted(labels) if id_label in labels[row]]
    if not candidates:
        return None
    return max(candidates, key=lambda row: (len(own & labels[row].keys()), -row))


def _check_no_lost_header(tab: TabSnapshot, geometry: TabGeometry) -> None:
    """A column of the suggestions table's span that holds data under no known label: a lost header."""
    table = geometry.table
    own = [geometry.columns[c.label] for c in table.suggestions if c.label in geometry.columns]
    missing = [c.label for c in table.suggestions if c.label not in geometry.columns]
    if not missing:
        return
    start = min(own)
    known_columns = set(geometry.columns.values())
    header = geometry.suggestions_header
    for column in range(start, start + len(table.suggestions)):
        if column in known_columns:
            continue
        if any(c == column and r != header for r, c, _ in tab.valued_cells()):
            raise TabLayoutProblem(
                tab.title,
                f"the header of column {_column_letters(column)} (row {header + 1}) is not one sheets-sync knows, "
                f"and {', '.join(repr(m) for m in missing)} is missing; type {missing[0]!r} back into that header "
                "cell (Edit > Version history shows it), then sync again; until then this tab is skipped and its "
                "edits stay in the sheet",
            )


def _column_letters(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _experiment_rows(
    tab: TabSnapshot, geometry: TabGeometry, block: Mapping[str, tuple[int, int]]
) -> list[SheetExperiment]:
    """Rows with anything in the experiments columns but the header row and the header block's rows (rows above
    the header row count too: a sort that took the header row along puts rows above it)."""
    columns = [geometry.column(label) for label in geometry.experiment_labels]
    id_column = geometry.column(EXPERIMENT_ID)
    block_rows = {row for row, _ in block.values()}
    return [
        SheetExperiment(row, cell_text(tab.value(row, id_column)).strip())
        for row in _used_rows(tab, {geometry.header_row} | block_rows, columns)
        if row > geometry.header_row or cell_text(tab.value(row, id_column)).strip()
    ]


def _suggestion_rows(tab: TabSnapshot, geometry: TabGeometry, recovery: Recovery) -> list[SheetSuggestion]:
    columns = {
        c.key: geometry.column(c.label) for c in geometry.table.suggestions if c.label in geometry.columns
    }
    absent = frozenset(c.key for c in geometry.table.suggestions if c.label not in geometry.columns)
    hidden = tab.merged_away()
    rows = []
    for row in _used_rows(tab, {geometry.suggestions_header}, list(columns.values())):
        cells = {name: tab.cell(row, column) for name, column in columns.items()}
        actual = {name: column_text(cell) for name, cell in cells.items()}
        truth = {
            name: cell_text(recovery.truth[key])
            if (key := (tab.sheet_id, row, column)) in recovery.truth
            else text
            for (name, column), text in zip(columns.items(), actual.values(), strict=True)
        }
        formulas = frozenset(name for name, cell in cells.items() if cell.formula and name != "id")
        merged = frozenset(
            name for name, column in columns.items() if (row, column) in hidden and name != "id"
        )
        apostrophes = frozenset(name for name, cell in cells.items() if _text_of(cell).startswith("'"))
        not_text = frozenset(name for name, cell in cells.items() if _shown_not_stored(cell) and name != "id")
        id_cell = actual.pop("id").strip()
        actual |= {name: "" for name in absent}
        truth |= {name: "" for name in absent}
        rows.append(
            SheetSuggestion(
                row,
                id_cell,
                truth.pop("id").strip(),
                actual,
                truth,
                formulas,
                absent,
                merged,
                apostrophes,
                not_text,
            )
        )
    for lost in recovery.lost_rows.get(tab.sheet_id, ()):
        texts = {
            LABEL_FIELD[label]: cell_text(value) for label, value in lost.items() if label in LABEL_FIELD
        }
        truth_id = texts.pop("id", "").strip()
        empty = {name: "" for name in texts}
        rows.append(SheetSuggestion(None, "", truth_id, empty, texts))
    return rows


def column_text(cell: Cell) -> str:
    """What a PM text cell says, as the PM sees it: its text; for a value Sheets turned into a number, date,
    percentage or boolean (a cell not formatted as plain text), the text Sheets shows (``3/4/2026``, ``30%``,
    ``0012`` under a ``0000`` format); one leading ``'`` (the PM's "this is text" mark) is not part of the text.
    """
    text = _text_of(cell)
    return text[1:] if text.startswith("'") and not cell.formula else text


def _shown_not_stored(cell: Cell) -> bool:
    """A value that is not text, in a cell that is not plain text: what it shows depends on its format."""
    return (
        cell.value is not None and not isinstance(cell.value, str) and cell.number_format != PLAIN_TEXT_FORMAT
    )


def _text_of(cell: Cell) -> str:
    if isinstance(cell.value, str):
        return cell.value
    if cell.value is None:
        return ""
    return cell.shown if cell.shown is not None else cell_text(cell.value)


def _used_rows(tab: TabSnapshot, skipped: set[int], columns: list[int]) -> list[int]:
    wanted = set(columns)
    return sorted({row for row, column, _ in tab.valued_cells() if row not in skipped and column in wanted})


def _block_cells(tab: TabSnapshot, geometry: TabGeometry) -> dict[str, tuple[int, int]]:
    """Where each header-block label is (in the first column; wherever inserted rows or a sort moved it)."""
    first = geometry.column(EXPERIMENT_ID)
    found: dict[str, tuple[int, int]] = {}
    for row, column, value in sorted(tab.valued_cells()):
        if (
            column == first
            and row != geometry.header_row
            and isinstance(value, str)
            and value in HEADER_BLOCK
        ):
            found.setdefault(value, (row, column))
    return found

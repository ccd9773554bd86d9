"""The write operations a plan is made of: a small typed vocabulary both Workbook implementations apply.

Pure values. The gspread adapter turns them into ``spreadsheets.batchUpdate`` requests
(:mod:`sheets_sync.sync.api_json`); the in-memory fake applies them to its state. Applied in order: structure first
(tabs, grid sizes, inserted columns), then cells, then rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from sheets_sync.sync.codec import CellValue, same_value
from sheets_sync.sync.snapshot import Cell, ColourScale, Dropdown, GridRange, Protection


class CellField(StrEnum):
    """The parts of a cell a write may set; also the API field-mask paths of ``updateCells``."""

    VALUE = "userEnteredValue"
    NUMBER_FORMAT = "userEnteredFormat.numberFormat"
    BOLD = "userEnteredFormat.textFormat.bold"
    LINK = "userEnteredFormat.textFormat.link"
    NOTE = "note"
    BACKGROUND = "userEnteredFormat.backgroundColor"
    TEXT_COLOUR = "userEnteredFormat.textFormat.foregroundColor"


VALUE_ONLY = frozenset({CellField.VALUE})
PULL_READS = frozenset({CellField.VALUE, CellField.NOTE})
"""The parts of a cell a pull's read carries (:data:`~sheets_sync.sync.api_json.PULL_CELL_PARTS`), so the only
ones a pull compares: a PM's edit changes a value (or a note); a format a PM changed is for push to put back."""


@dataclass(frozen=True)
class CellSpec:
    """The wanted state of the parts of one cell listed in ``fields`` (the others are left as they are)."""

    value: CellValue = None
    number_format: str | None = None
    bold: bool = False
    link: str | None = None
    note: str | None = None
    background: str | None = None  # "#rrggbb"
    text_colour: str | None = None  # "#rrggbb"; None: Sheets' default (black)
    fields: frozenset[CellField] = VALUE_ONLY

    def matches(self, cell: Cell) -> bool:
        """True when the cell already is what this spec wants, so nothing needs sending."""
        return all(self._field_matches(name, cell) for name in self.fields)

    def within(self, fields: frozenset[CellField]) -> CellSpec:
        """The same wanted state, of these parts only: what a read that carried no others can compare."""
        return replace(self, fields=self.fields & fields)

    def _field_matches(self, name: CellField, cell: Cell) -> bool:
        if name is CellField.VALUE:
            return same_value(self.value, cell.value)
        if name is CellField.NUMBER_FORMAT:
            return self.number_format == cell.number_format
        if name is CellField.BOLD:
            return self.bold == cell.bold
        if name is CellField.LINK:
            return self.link == cell.link
        if name is CellField.BACKGROUND:
            return self.background == cell.background
        if name is CellField.TEXT_COLOUR:
            return self.text_colour == cell.text_colour
        return self.note == cell.note


@dataclass(frozen=True)
class AddTab:
    """``addSheet`` with a client-chosen sheet id, so a repeated add is recognisable."""

    sheet_id: int
    title: str
    rows: int
    columns: int
    index: int | None = None
    frozen_rows: int = 0
    frozen_columns: int = 0


@dataclass(frozen=True)
class DeleteTab:
    sheet_id: int
    title: str


@dataclass(frozen=True)
class UpdateTab:
    """Grid size and frozen rows/columns; None leaves a property as it is."""

    sheet_id: int
    rows: int | None = None
    columns: int | None = None
    frozen_rows: int | None = None
    frozen_columns: int | None = None


@dataclass(frozen=True)
class InsertColumns:
    """Insert whole columns (new rubric columns), shifting everything right of ``at`` with its notes and rules."""

    sheet_id: int
    at: int
    count: int


@dataclass(frozen=True)
class MoveColumns:
    """Move whole columns ``[start, end)`` so that they begin at ``to`` (in the coordinates after the move), with
    their values, notes, formats and rules: how a layout upgrade reorders PM columns server-side."""

    sheet_id: int
    start: int
    end: int
    to: int


@dataclass(frozen=True)
class AppendRows:
    """Add rows at the end of the grid: relative, so rows a PM inserted meanwhile are never cut off."""

    sheet_id: int
    count: int


@dataclass(frozen=True)
class WriteCells:
    """A rectangle of cell specs starting at (row, column); every spec in it has the same ``fields``."""

    sheet_id: int
    row: int
    column: int
    rows: tuple[tuple[CellSpec, ...], ...]

    @property
    def fields(self) -> frozenset[CellField]:
        return self.rows[0][0].fields

    @property
    def cell_count(self) -> int:
        return sum(len(row) for row in self.rows)


@dataclass(frozen=True)
class SetColumnWidths:
    sheet_id: int
    start: int
    end: int
    pixels: int


@dataclass(frozen=True)
class AddProtection:
    protection: Protection


@dataclass(frozen=True)
class DeleteProtection:
    sheet_id: int
    protected_range_id: int


@dataclass(frozen=True)
class SetDropdown:
    """``setDataValidation``: replaces whatever rule the cells of the range had (so it cannot pile up)."""

    range: GridRange
    dropdown: Dropdown | None


@dataclass(frozen=True)
class SetNumberFormat:
    """``repeatCell`` of one number format over a range (the PM columns as plain text); values stay."""

    range: GridRange
    pattern: str


@dataclass(frozen=True)
class SetBackground:
    """``repeatCell`` of one background colour over a range (the PM columns' shade); values and text stay."""

    range: GridRange
    colour: str  # "#rrggbb"


@dataclass(frozen=True)
class UnmergeCells:
    """``unmergeCells``: merges intersecting the range are undone (a merge inside the suggestions table hides PM
    text and stops Sheets from sorting it)."""

    range: GridRange


@dataclass(frozen=True)
class AddColourScale:
    sheet_id: int
    rule: ColourScale
    index: int = 0


@dataclass(frozen=True)
class DeleteConditionalRule:
    sheet_id: int
    index: int


@dataclass(frozen=True)
class CreateMetadata:
    """``createDeveloperMetadata`` on the spreadsheet (``sheet_id`` None) or a tab; ``metadata_id`` None lets the
    server choose. A chosen id that exists already makes the whole batch fail: the write generation relies on it."""

    key: str
    value: str
    sheet_id: int | None = None
    metadata_id: int | None = None


@dataclass(frozen=True)
class UpdateMetadata:
    """``updateDeveloperMetadata`` of one entry's value, by id."""

    metadata_id: int
    value: str


@dataclass(frozen=True)
class DeleteMetadata:
    """``deleteDeveloperMetadata`` of one entry, by id."""

    metadata_id: int


Op = (
    AddTab
    | DeleteTab
    | UpdateTab
    | InsertColumns
    | MoveColumns
    | AppendRows
    | WriteCells
    | SetColumnWidths
    | AddProtection
    | DeleteProtection
    | SetDropdown
    | SetNumberFormat
    | SetBackground
    | UnmergeCells
    | AddColourScale
    | DeleteConditionalRule
    | CreateMetadata
    | UpdateMetadata
    | DeleteMetadata
)


@dataclass(frozen=True)
class RowWrite:
    """Why cells of one suggestion-table row were written: the row (by id) they were meant for.

    The engine checks these after writing: cells that landed on another row (a PM sorted in between) are put back.
    ``source_row`` is where the plan read the row (None for a row it appended); ``cells`` maps column labels to the
    values written; ``whole_row`` is True when every cell of the row was written (an appended or restored row).
    """

    sheet_id: int
    row: int
    target_id: str
    source_row: int | None
    cells: tuple[tuple[str, CellValue], ...]
    whole_row: bool = False

"""What a workbook holds, as pure values: the planner's view of the sheet.

A :class:`SheetSnapshot` is one read of the whole workbook (both Workbook implementations produce it: the gspread
adapter parses one ``spreadsheets.get`` answer, the in-memory fake copies its state). Rows and columns are 0-based,
range ends exclusive and ``None`` when unbounded, as in the API's ``GridRange``.

``recovery`` is empty on a plain read. After a write that landed on the wrong rows (a PM sorted between our read and
our write) the engine builds a snapshot whose ``recovery`` says what the PM's cells held before we overwrote them, so
the next plan puts them back (see :mod:`sheets_sync.sync.recover`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sheets_sync.sync.codec import CellValue

DEFAULT_COLUMN_WIDTH = 100


@dataclass(frozen=True)
class GridRange:
    """A rectangle of one tab; ``end_*`` None means "to the end of the grid" (and follows the grid as it grows)."""

    sheet_id: int
    start_row: int = 0
    end_row: int | None = None
    start_column: int = 0
    end_column: int | None = None


@dataclass(frozen=True, slots=True)
class Dropdown:
    """A list-of-values data validation rule (``ONE_OF_LIST``); ``values`` empty stands for any other rule kind."""

    values: tuple[str, ...]
    strict: bool = True


@dataclass(frozen=True, slots=True)
class Cell:
    """The parts of a cell sheets-sync reads or manages."""

    value: CellValue = None
    note: str | None = None
    number_format: str | None = None
    bold: bool = False
    link: str | None = None
    dropdown: Dropdown | None = None
    background: str | None = None  # "#rrggbb"; None: no colour set
    text_colour: str | None = None  # "#rrggbb"; None: Sheets' default (black)
    shown: str | None = None
    """The text Sheets shows (``formattedValue``), when the read returned one: ``3/4/2026`` for a date the PM
    typed into a cell that is not plain text, ``30%`` for 0.3."""
    formula: bool = False
    """The value is a formula's source (``userEnteredValue.formulaValue``), not text."""


EMPTY_CELL = Cell()


@dataclass(frozen=True)
class Protection:
    """A protected range. sheets-sync's own are warning-only and have a description starting with ``sheets-sync``."""

    range: GridRange
    description: str
    warning_only: bool
    unprotected: tuple[GridRange, ...] = ()
    protected_range_id: int | None = None

    @property
    def ours(self) -> bool:
        return self.description.startswith(PROTECTION_PREFIX)

    def same_as(self, other: Protection) -> bool:
        """Equal ignoring the server-assigned id."""
        return (self.range, self.description, self.warning_only, self.unprotected) == (
            other.range,
            other.description,
            other.warning_only,
            other.unprotected,
        )


PROTECTION_PREFIX = "sheets-sync"


@dataclass(frozen=True)
class ColourPoint:
    """One interpolation point of a colour scale: ``kind`` is the API's InterpolationPointType."""

    kind: str
    value: str
    colour: str  # "#rrggbb"


@dataclass(frozen=True)
class ColourScale:
    """A gradient conditional-format rule over some ranges."""

    ranges: tuple[GridRange, ...]
    points: tuple[ColourPoint, ...]


@dataclass(frozen=True)
class OtherRule:
    """A conditional-format rule of another kind (a PM's): counted for indexes, never touched."""

    description: str = ""


ConditionalRule = ColourScale | OtherRule


@dataclass(frozen=True)
class TabSnapshot:
    """One tab: properties, the cells that hold anything, and what is attached to ranges."""

    sheet_id: int
    title: str
    index: int
    row_count: int
    column_count: int
    frozen_rows: int = 0
    frozen_columns: int = 0
    cells: Mapping[tuple[int, int], Cell] = field(default_factory=dict)
    column_widths: Mapping[int, int] = field(default_factory=dict)
    protections: tuple[Protection, ...] = ()
    conditional_rules: tuple[ConditionalRule, ...] = ()
    merges: tuple[GridRange, ...] = ()
    digest: str | None = field(default=None, compare=False)
    """The fingerprint of the tab's text in a whole-workbook read (None for any other read): what
    :mod:`sheets_sync.sync.settled` knows an unchanged tab by."""

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.get((row, column), EMPTY_CELL)

    def value(self, row: int, column: int) -> CellValue:
        return self.cell(row, column).value

    def column_width(self, column: int) -> int:
        return self.column_widths.get(column, DEFAULT_COLUMN_WIDTH)

    def has_values(self) -> bool:
        """True when any cell holds a value (an empty default Sheet1 holds none)."""
        return any(cell.value is not None for cell in self.cells.values())

    def valued_cells(self) -> Iterator[tuple[int, int, CellValue]]:
        for (row, column), cell in self.cells.items():
            if cell.value is not None:
                yield row, column, cell.value

    @property
    def cell_count(self) -> int:
        return self.row_count * self.column_count

    def merged_away(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Cells a merge hides (every cell of a merged range but its top-left one), each with that anchor cell."""
        hidden = {}
        for merge in self.merges:
            end_row = merge.end_row if merge.end_row is not None else self.row_count
            end_column = merge.end_column if merge.end_column is not None else self.column_count
            for row in range(merge.start_row, end_row):
                for column in range(merge.start_column, end_column):
                    if (row, column) != (merge.start_row, merge.start_column):
                        hidden[(row, column)] = (merge.start_row, merge.start_column)
        return hidden


@dataclass(frozen=True)
class Recovery:
    """What the PM's cells held before a write of ours landed on them (see module docstring).

    ``truth`` maps (sheet id, row, column) to the value the PM had there; ``lost_rows`` lists, per sheet id,
    suggestion rows (by column label) that one of our writes overwrote entirely and that need a new place.
    """

    truth: Mapping[tuple[int, int, int], CellValue] = field(default_factory=lambda: MappingProxyType({}))
    lost_rows: Mapping[int, tuple[Mapping[str, CellValue], ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __bool__(self) -> bool:
        return bool(self.truth) or any(self.lost_rows.values())


@dataclass(frozen=True)
class DeveloperMetadata:
    """A developer metadata entry of the spreadsheet (``sheet_id`` None) or of one tab: how sheets-sync keeps what
    every clone needs to know (deleted suggestion ids, the write generation) in the workbook itself."""

    metadata_id: int
    key: str
    value: str
    sheet_id: int | None = None


@dataclass(frozen=True)
class SheetSnapshot:
    """One read of the whole workbook, tabs in their order."""

    spreadsheet_id: str
    tabs: tuple[TabSnapshot, ...]
    recovery: Recovery = field(default_factory=Recovery)
    metadata: tuple[DeveloperMetadata, ...] = ()

    def tab(self, sheet_id: int) -> TabSnapshot | None:
        return next((tab for tab in self.tabs if tab.sheet_id == sheet_id), None)

    def by_title(self, title: str) -> TabSnapshot | None:
        """Tab titles are unique ignoring case in Google Sheets."""
        wanted = title.casefold()
        return next((tab for tab in self.tabs if tab.title.casefold() == wanted), None)

    @property
    def cell_count(self) -> int:
        return sum(tab.cell_count for tab in self.tabs)

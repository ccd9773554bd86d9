"""An in-memory Workbook for fast tests: a small real spreadsheet, not a mock.

It applies the same operations the gspread adapter sends (all-or-nothing per ``apply``, like ``batchUpdate``),
refuses what Google refuses (duplicate titles or sheetIds, writes past the grid, more than 10,000,000 cells), and can
play a PM at the keyboard: edit cells, sort a range, insert and delete rows, rename tabs. Faults are scripted:
a write that fails before or after it is applied (its answer lost), a callback that runs just before the next write
(the PM who sorts between a push's read and its write).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sheets_sync.errors import SheetsError
from sheets_sync.sync.cells import column_mover
from sheets_sync.sync.codec import CellValue, cell_text
from sheets_sync.sync.layout import GRID_CELL_LIMIT
from sheets_sync.sync.ops import (
    AddColourScale,
    AddProtection,
    AddTab,
    AppendRows,
    CellField,
    CellSpec,
    CreateMetadata,
    DeleteConditionalRule,
    DeleteMetadata,
    DeleteProtection,
    DeleteTab,
    InsertColumns,
    MoveColumns,
    Op,
    SetBackground,
    SetColumnWidths,
    SetDropdown,
    SetNumberFormat,
    UnmergeCells,
    UpdateMetadata,
    UpdateTab,
    WriteCells,
)
from sheets_sync.sync.snapshot import (
    EMPTY_CELL,
    Cell,
    ColourScale,
    ConditionalRule,
    DeveloperMetadata,
    GridRange,
    Protection,
    SheetSnapshot,
    TabSnapshot,
)
from sheets_sync.sync.workbook import WriteOutcomeUnknownError


@dataclass
class FakeTab:
    sheet_id: int
    title: str
    rows: int = 1000
    columns: int = 26
    frozen_rows: int = 0
    frozen_columns: int = 0
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)
    protections: list[Protection] = field(default_factory=list)
    rules: list[ConditionalRule] = field(default_factory=list)
    merges: list[GridRange] = field(default_factory=list)

    def put(self, row: int, column: int, cell: Cell) -> None:
        if cell == EMPTY_CELL:
            self.cells.pop((row, column), None)
        else:
            self.cells[(row, column)] = cell


@dataclass
class WriteFault:
    """The next write fails; ``after_apply`` applies it first (the answer is lost, not the write)."""

    after_apply: bool = False


class FakeWorkbook:
    """In-memory Workbook; ``reads`` and ``write_calls`` count requests the way the API would."""

    def __init__(self, spreadsheet_id: str = "fake-sheet", *, default_tab: bool = True) -> None:
        self._id = spreadsheet_id
        self.tabs: list[FakeTab] = [FakeTab(0, "Sheet1")] if default_tab else []
        self.reads = 0
        self.write_calls = 0
        self.faults: list[WriteFault] = []
        self._before_write: list[Callable[[], None]] = []
        self._next_protection_id = 1000
        self.metadata: list[DeveloperMetadata] = []
        self._work_metadata: list[DeveloperMetadata] = []

    @property
    def spreadsheet_id(self) -> str:
        return self._id

    # ------------------------------------------------------------------------------------------ Workbook

    def read(
        self, tabs: Collection[int] | None = None, *, formats: bool = True, known: Collection[str] = ()
    ) -> SheetSnapshot:
        """Tabs carry no digest (``known`` is not used): the fake's syncs always plan every tab."""
        self.reads += 1
        live = {tab.sheet_id for tab in self.tabs}
        if tabs is not None and not set(tabs) <= live:
            raise SheetsError(f"fake: no grid with id {min(set(tabs) - live)}", status=400)
        return SheetSnapshot(
            self._id,
            tuple(
                self._snapshot(index, tab, formats)
                for index, tab in enumerate(self.tabs)
                if tabs is None or tab.sheet_id in tabs
            ),
            metadata=tuple(
                m for m in self.metadata if tabs is None or m.sheet_id is None or m.sheet_id in tabs
            ),
        )

    def apply(self, ops: Sequence[Op]) -> None:
        self.write_calls += 1
        while self._before_write:
            self._before_write.pop(0)()
        fault = self.faults.pop(0) if self.faults else None
        if fault is not None and not fault.after_apply:
            raise WriteOutcomeUnknownError("fake: connection reset before the write arrived")
        work = copy.deepcopy(self.tabs)
        self._work_metadata = list(self.metadata)
        for op in ops:
            self._apply_one(work, op)
        if sum(t.rows * t.columns for t in work) > GRID_CELL_LIMIT:
            raise SheetsError("fake: the workbook would exceed 10000000 cells", status=400)
        self.tabs = work
        live = {t.sheet_id for t in work}
        self.metadata = [m for m in self._work_metadata if m.sheet_id is None or m.sheet_id in live]
        if fault is not None:
            raise WriteOutcomeUnknownError("fake: the write was applied but its answer was lost")

    # ------------------------------------------------------------------------------------------ test helpers

    def before_next_write(self, callback: Callable[[], None]) -> None:
        self._before_write.append(callback)

    def clear_before_write(self) -> None:
        """Drop callbacks no write has run yet."""
        self._before_write.clear()

    def fail_next_write(self, *, after_apply: bool = False, times: int = 1) -> None:
        self.faults.extend(WriteFault(after_apply) for _ in range(times))

    def tab(self, title: str) -> FakeTab:
        return next(t for t in self.tabs if t.title.casefold() == title.casefold())

    def values(self, title: str) -> list[list[str]]:
        """The tab as texts, trailing empty rows and cells left out (like the API's values)."""
        tab = self.tab(title)
        if not any(c.value is not None for c in tab.cells.values()):
            return []
        last_row = max(r for (r, _), c in tab.cells.items() if c.value is not None)
        rows = []
        for row in range(last_row + 1):
            texts = [cell_text(tab.cells.get((row, col), EMPTY_CELL).value) for col in range(tab.columns)]
            while texts and texts[-1] == "":
                texts.pop()
            rows.append(texts)
        return rows

    def find(self, title: str, text: str) -> tuple[int, int]:
        """Where a value is (row, column), 0-based."""
        tab = self.tab(title)
        return next(pos for pos, cell in sorted(tab.cells.items()) if cell.value == text)

    # ------------------------------------------------------------------------------------------ a PM

    def pm_set(self, title: str, row: int, column: int, value: CellValue) -> None:
        tab = self.tab(title)
        tab.put(row, column, replace(tab.cells.get((row, column), EMPTY_CELL), value=value))

    def pm_type(self, title: str, row: int, column: int, text: str) -> None:
        """Type ``text`` into a cell as the Sheets UI does: in a plain-text cell it stays text; elsewhere numbers,
        dates, percentages, amounts and booleans become values shown as typed, ``=...`` a formula, and a leading
        ``'`` forces text (and is not stored)."""
        tab = self.tab(title)
        cell = tab.cells.get((row, column), EMPTY_CELL)
        if cell.number_format == "@":
            typed = Cell(value=text or None)
        else:
            typed = _typed(text)
            typed = replace(typed, shown=_shown_under(typed, cell.number_format))
        tab.put(row, column, replace(cell, value=typed.value, shown=typed.shown, formula=typed.formula))

    def pm_format(self, title: str, row: int, column: int, pattern: str | None) -> None:
        """Format > Number of one cell (a custom pattern such as ``0000``, ``@`` for plain text, None for
        Automatic): the value stays, the text it shows follows the format."""
        tab = self.tab(title)
        cell = tab.cells.get((row, column), EMPTY_CELL)
        tab.put(row, column, replace(cell, number_format=pattern, shown=_shown_under(cell, pattern)))

    def pm_add_tab(
        self, title: str, sheet_id: int = 777, values: dict[tuple[int, int], CellValue] | None = None
    ) -> None:
        tab = FakeTab(sheet_id, title)
        for (row, column), value in (values or {}).items():
            tab.put(row, column, Cell(value))
        self.tabs.append(tab)

    def pm_merge(self, title: str, rows: tuple[int, int], columns: tuple[int, int]) -> None:
        """Format > Merge cells > Merge all: only the top-left value stays; the others are emptied."""
        tab = self.tab(title)
        for row in range(*rows):
            for column in range(*columns):
                if (row, column) != (rows[0], columns[0]):
                    cell = tab.cells.get((row, column), EMPTY_CELL)
                    tab.put(row, column, replace(cell, value=None, shown=None, formula=False))
        tab.merges.append(GridRange(tab.sheet_id, rows[0], rows[1], columns[0], columns[1]))

    def pm_duplicate(self, title: str, new_title: str | None = None, sheet_id: int = 4242) -> str:
        """The tab menu's Duplicate: a copy named "Copy of <title>" right after the original."""
        tab = self.tab(title)
        copy_tab = copy.deepcopy(tab)
        copy_tab.sheet_id = sheet_id
        copy_tab.title = new_title or f"Copy of {tab.title}"
        copy_tab.protections = []
        for protection in tab.protections:
            self._next_protection_id += 1
            copy_tab.protections.append(
                replace(
                    protection,
                    range=replace(protection.range, sheet_id=sheet_id),
                    unprotected=tuple(replace(r, sheet_id=sheet_id) for r in protection.unprotected),
                    protected_range_id=self._next_protection_id,
                )
            )
        copy_tab.merges = [replace(m, sheet_id=sheet_id) for m in tab.merges]
        self.tabs.insert(self.tabs.index(tab) + 1, copy_tab)
        return copy_tab.title

    def pm_delete_tab(self, title: str) -> None:
        self.tabs.remove(self.tab(title))

    def pm_rename(self, old: str, new: str) -> None:
        self.tab(old).title = new

    def pm_sort(
        self, title: str, rows: tuple[int, int], columns: tuple[int, int], key: int, descending: bool = False
    ) -> None:
        """Sort the rectangle rows [a, b) x columns [c, d) by column ``key`` (as Data > Sort range does)."""
        tab = self.tab(title)
        records = [[tab.cells.get((r, c), EMPTY_CELL) for c in range(*columns)] for r in range(*rows)]
        index = key - columns[0]
        filled = [r for r in records if r[index].value is not None]
        empty = [r for r in records if r[index].value is None]
        filled.sort(key=lambda r: _sort_key(r[index].value), reverse=descending)
        for offset, record in enumerate(filled + empty):
            for column_offset, cell in enumerate(record):
                tab.put(rows[0] + offset, columns[0] + column_offset, cell)

    def pm_insert_rows(self, title: str, at: int, count: int = 1) -> None:
        """Insert blank rows before 0-based row ``at``; everything below moves down with notes and rules."""
        tab = self.tab(title)
        tab.cells = {(r + count if r >= at else r, c): cell for (r, c), cell in tab.cells.items()}
        tab.rows += count
        tab.protections = [_shift_protection(p, at, count) for p in tab.protections]

    def pm_delete_rows(self, title: str, at: int, count: int = 1) -> None:
        tab = self.tab(title)
        kept = {(r, c): cell for (r, c), cell in tab.cells.items() if not at <= r < at + count}
        tab.cells = {(r - count if r >= at + count else r, c): cell for (r, c), cell in kept.items()}
        tab.rows -= count
        tab.protections = [_shift_protection(p, at, -count) for p in tab.protections]

    # ------------------------------------------------------------------------------------------ internals

    def _snapshot(self, index: int, tab: FakeTab, formats: bool) -> TabSnapshot:
        cells = dict(tab.cells) if formats else _as_a_pull_reads(tab.cells)
        return TabSnapshot(
            tab.sheet_id,
            tab.title,
            index,
            tab.rows,
            tab.columns,
            tab.frozen_rows,
            tab.frozen_columns,
            cells,
            dict(tab.widths),
            tuple(tab.protections),
            tuple(tab.rules),
            tuple(tab.merges),
        )

    def _apply_one(self, tabs: list[FakeTab], op: Op) -> None:
        handler = getattr(self, f"_op_{type(op).__name__}")
        handler(tabs, op)

    def _find(self, tabs: list[FakeTab], sheet_id: int) -> FakeTab:
        for tab in tabs:
            if tab.sheet_id == sheet_id:
                return tab
        raise SheetsError(f"fake: no grid with id {sheet_id}", status=400)

    def _op_AddTab(self, tabs: list[FakeTab], op: AddTab) -> None:
        if any(t.sheet_id == op.sheet_id for t in tabs):
            raise SheetsError(f"fake: a sheet with id {op.sheet_id} already exists", status=400)
        if any(t.title.casefold() == op.title.casefold() for t in tabs):
            raise SheetsError(f"fake: a sheet with the name {op.title!r} already exists", status=400)
        tab = FakeTab(op.sheet_id, op.title, op.rows, op.columns, op.frozen_rows, op.frozen_columns)
        tabs.insert(len(tabs) if op.index is None else op.index, tab)

    def _op_DeleteTab(self, tabs: list[FakeTab], op: DeleteTab) -> None:
        tab = self._find(tabs, op.sheet_id)
        if len(tabs) == 1:
            raise SheetsError("fake: cannot delete the only sheet", status=400)
        tabs.remove(tab)

    def _op_UpdateTab(self, tabs: list[FakeTab], op: UpdateTab) -> None:
        tab = self._find(tabs, op.sheet_id)
        tab.rows = op.rows if op.rows is not None else tab.rows
        tab.columns = op.columns if op.columns is not None else tab.columns
        tab.frozen_rows = op.frozen_rows if op.frozen_rows is not None else tab.frozen_rows
        tab.frozen_columns = op.frozen_columns if op.frozen_columns is not None else tab.frozen_columns

    def _op_InsertColumns(self, tabs: list[FakeTab], op: InsertColumns) -> None:
        tab = self._find(tabs, op.sheet_id)
        tab.cells = {(r, c + op.count if c >= op.at else c): cell for (r, c), cell in tab.cells.items()}
        tab.widths = {c + op.count if c >= op.at else c: w for c, w in tab.widths.items()}
        tab.columns += op.count

    def _op_MoveColumns(self, tabs: list[FakeTab], op: MoveColumns) -> None:
        tab = self._find(tabs, op.sheet_id)
        if not 0 <= op.start < op.end <= tab.columns or op.to + op.end - op.start > tab.columns:
            raise SheetsError("fake: moveDimension range exceeds grid limits", status=400)
        moved = column_mover(op.start, op.end, op.to)
        tab.cells = {(r, moved(c)): cell for (r, c), cell in tab.cells.items()}
        tab.widths = {moved(c): w for c, w in tab.widths.items()}

    def _op_UnmergeCells(self, tabs: list[FakeTab], op: UnmergeCells) -> None:
        tab = self._find(tabs, op.range.sheet_id)
        tab.merges = [m for m in tab.merges if not _intersects(m, op.range)]

    def _op_AppendRows(self, tabs: list[FakeTab], op: AppendRows) -> None:
        self._find(tabs, op.sheet_id).rows += op.count

    def _op_WriteCells(self, tabs: list[FakeTab], op: WriteCells) -> None:
        tab = self._find(tabs, op.sheet_id)
        for row_offset, specs in enumerate(op.rows):
            for column_offset, spec in enumerate(specs):
                row, column = op.row + row_offset, op.column + column_offset
                if row >= tab.rows or column >= tab.columns:
                    raise SheetsError(f"fake: write to ({row}, {column}) exceeds grid limits", status=400)
                tab.put(row, column, _written(tab.cells.get((row, column), EMPTY_CELL), spec))

    def _op_SetColumnWidths(self, tabs: list[FakeTab], op: SetColumnWidths) -> None:
        tab = self._find(tabs, op.sheet_id)
        for column in range(op.start, op.end):
            tab.widths[column] = op.pixels

    def _op_AddProtection(self, tabs: list[FakeTab], op: AddProtection) -> None:
        tab = self._find(tabs, op.protection.range.sheet_id)
        self._next_protection_id += 1
        tab.protections.append(replace(op.protection, protected_range_id=self._next_protection_id))

    def _op_DeleteProtection(self, tabs: list[FakeTab], op: DeleteProtection) -> None:
        tab = self._find(tabs, op.sheet_id)
        kept = [p for p in tab.protections if p.protected_range_id != op.protected_range_id]
        if len(kept) == len(tab.protections):
            raise SheetsError(f"fake: no protected range with id {op.protected_range_id}", status=400)
        tab.protections = kept

    def _set_on_cells(self, tabs: list[FakeTab], grid_range: GridRange, **changes: Any) -> None:
        """Set one property of every cell in the range (open ends stop at the grid), as repeatCell does."""
        tab = self._find(tabs, grid_range.sheet_id)
        for position in _positions(tab, grid_range):
            tab.put(*position, replace(tab.cells.get(position, EMPTY_CELL), **changes))

    def _op_SetDropdown(self, tabs: list[FakeTab], op: SetDropdown) -> None:
        self._set_on_cells(tabs, op.range, dropdown=op.dropdown)

    def _op_SetNumberFormat(self, tabs: list[FakeTab], op: SetNumberFormat) -> None:
        """As repeatCell of a number format: values stay, and a number, date or boolean shows what the new format
        makes of it (under plain text, 12 typed as ``0012`` with a ``0000`` format shows ``12``)."""
        tab = self._find(tabs, op.range.sheet_id)
        for position in _positions(tab, op.range):
            cell = tab.cells.get(position, EMPTY_CELL)
            tab.put(*position, replace(cell, number_format=op.pattern, shown=_shown_under(cell, op.pattern)))

    def _op_SetBackground(self, tabs: list[FakeTab], op: SetBackground) -> None:
        self._set_on_cells(tabs, op.range, background=op.colour)

    def _op_AddColourScale(self, tabs: list[FakeTab], op: AddColourScale) -> None:
        self._find(tabs, op.sheet_id).rules.insert(op.index, op.rule)

    def _op_DeleteConditionalRule(self, tabs: list[FakeTab], op: DeleteConditionalRule) -> None:
        tab = self._find(tabs, op.sheet_id)
        if op.index >= len(tab.rules):
            raise SheetsError(f"fake: no conditional format rule at index {op.index}", status=400)
        del tab.rules[op.index]

    def _op_CreateMetadata(self, tabs: list[FakeTab], op: CreateMetadata) -> None:
        taken = {m.metadata_id for m in self._work_metadata}
        if op.metadata_id in taken:
            raise SheetsError(f"fake: developer metadata with id {op.metadata_id} already exists", status=400)
        if op.sheet_id is not None:
            self._find(tabs, op.sheet_id)
        metadata_id = op.metadata_id or max(taken | {1_000_000}) + 1
        self._work_metadata.append(DeveloperMetadata(metadata_id, op.key, op.value, op.sheet_id))

    def _op_UpdateMetadata(self, tabs: list[FakeTab], op: UpdateMetadata) -> None:
        self._work_metadata = [
            replace(m, value=op.value) if m.metadata_id == op.metadata_id else m for m in self._work_metadata
        ]

    def _op_DeleteMetadata(self, tabs: list[FakeTab], op: DeleteMetadata) -> None:
        self._work_metadata = [m for m in self._work_metadata if m.metadata_id != op.metadata_id]

    def colour_scales(self, title: str) -> list[ColourScale]:
        return [r for r in self.tab(title).rules if isinstance(r, ColourScale)]


def _written(cell: Cell, spec: CellSpec) -> Cell:
    changes: dict[str, object] = {}
    if CellField.VALUE in spec.fields:
        changes["value"] = spec.value
    if CellField.NUMBER_FORMAT in spec.fields:
        changes["number_format"] = spec.number_format
    if CellField.BOLD in spec.fields:
        changes["bold"] = spec.bold
    if CellField.LINK in spec.fields:
        changes["link"] = spec.link
    if CellField.NOTE in spec.fields:
        changes["note"] = spec.note
    if CellField.BACKGROUND in spec.fields:
        changes["background"] = spec.background
    if CellField.TEXT_COLOUR in spec.fields:
        changes["text_colour"] = spec.text_colour
    if CellField.VALUE in spec.fields:
        changes["shown"] = None
        changes["formula"] = False
    return replace(cell, **changes)  # type: ignore[arg-type]


_DATE = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?")
_ZERO_PADDED = re.compile(r"0+")


def _shown_under(cell: Cell, pattern: str | None) -> str | None:
    """The text a cell shows under a number format: text shows as it is; a number, date or boolean under plain
    text in its general form (a date as its serial number), under a ``0000``-style pattern zero-padded, under
    any other format (Automatic) as it showed before (as typed). The few patterns the tests use, not Sheets' all."""
    value = cell.value
    if value is None or isinstance(value, str):
        return cell.shown
    if pattern == "@":
        return cell_text(value)
    if (
        pattern
        and _ZERO_PADDED.fullmatch(pattern)
        and not isinstance(value, bool)
        and float(value).is_integer()
    ):
        return str(int(value)).zfill(len(pattern))
    return cell.shown


def _positions(tab: FakeTab, grid_range: GridRange) -> Iterator[tuple[int, int]]:
    """Every cell of a range; open ends stop at the grid."""
    end_row = min(grid_range.end_row or tab.rows, tab.rows)
    end_column = min(grid_range.end_column or tab.columns, tab.columns)
    for row in range(grid_range.start_row, end_row):
        for column in range(grid_range.start_column, end_column):
            yield row, column


def _typed(text: str) -> Cell:
    """What the UI stores for typed text in a cell that is not plain text (en_US)."""
    if not text:
        return Cell()
    if text.startswith("'"):
        return Cell(value=text[1:] or None)
    if text.startswith("="):
        return Cell(value=text, formula=True)
    if text.upper() in ("TRUE", "FALSE"):
        return Cell(value=text.upper() == "TRUE", shown=text.upper())
    if match := _DATE.fullmatch(text):
        # "3/4" takes this year and shows it, as Sheets does (its date format shows m/d/yyyy)
        month, day = int(match[1]), int(match[2])
        year = int(match[3]) if match[3] else date.today().year
        serial = (date(year, month, day) - date(1899, 12, 30)).days
        return Cell(value=serial, shown=f"{month}/{day}/{year}")
    currency = text.startswith("$")
    number = text.removeprefix("$").replace(",", "")
    percent = number.endswith("%")
    try:
        value = float(number.removesuffix("%"))
    except ValueError:
        return Cell(value=text)
    value = value / 100 if percent else value
    stored: CellValue = int(value) if value.is_integer() else value
    # The general format shows a number in its shortest form: "0012" typed is shown (and kept) as 12.
    shown = text if percent else f"${value:,.2f}" if currency else cell_text(stored)
    return Cell(value=stored, shown=shown)


def _intersects(left: GridRange, right: GridRange) -> bool:
    def overlap(a: int, b: int | None, c: int, d: int | None) -> bool:
        return (b is None or c < b) and (d is None or a < d)

    return overlap(left.start_row, left.end_row, right.start_row, right.end_row) and overlap(
        left.start_column, left.end_column, right.start_column, right.end_column
    )


def _sort_key(value: CellValue) -> tuple[int, float, str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1, 0.0, cell_text(value).lower())


def _shift_protection(protection: Protection, at: int, count: int) -> Protection:
    def shift(grid: GridRange) -> GridRange:
        start = grid.start_row + count if grid.start_row >= at else grid.start_row
        end = grid.end_row + count if grid.end_row is not None and grid.end_row > at else grid.end_row
        return replace(grid, start_row=max(start, 0), end_row=end)

    return replace(
        protection, range=shift(protection.range), unprotected=tuple(map(shift, protection.unprotected))
    )


def _as_a_pull_reads(cells: dict[tuple[int, int], Cell]) -> dict[tuple[int, int], Cell]:
    """What a pull's read returns (``PULL_FIELDS``): each cell's value, shown text and note, no format, link or
    dropdown; cells that held only those are not there at all."""
    kept = {
        position: Cell(cell.value, note=cell.note, shown=cell.shown, formula=cell.formula)
        for position, cell in cells.items()
    }
    return {position: cell for position, cell in kept.items() if cell != EMPTY_CELL}

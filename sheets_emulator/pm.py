"""A PM at the keyboard: edits a spreadsheet the way the Sheets UI does, behind the API's back.

PM actions change the emulator's state directly (they are not API requests and are not logged) and use the
same operations as the API requests, so they move notes, validation, formats, protections, conditional-format
ranges and row developer metadata exactly as the corresponding API requests do. Rows are 1-based, as on
screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sheets_emulator import a1, dimensions
from sheets_emulator.formatting import is_date_format, json_number
from sheets_emulator.lookup import sheet_for
from sheets_emulator.model import Sheet, Spreadsheet
from sheets_emulator.values import RenderOptions, read_box, typed_cell

if TYPE_CHECKING:
    from sheets_emulator.core import Emulator


class PM:
    """Someone editing one spreadsheet in the browser."""

    def __init__(self, emulator: Emulator, spreadsheet_id: str) -> None:
        self.emulator = emulator
        self.spreadsheet_id = spreadsheet_id

    @property
    def _book(self) -> Spreadsheet:
        return self.emulator.spreadsheet(self.spreadsheet_id)

    def _sheet(self, title: str) -> Sheet:
        return sheet_for(self._book, title, title)

    def set_cell(self, title: str, cell: str, value: Any) -> None:
        """Type a value into a cell: text is parsed as typing is (USER_ENTERED); "" empties the cell."""
        with self.emulator.lock:
            sheet = self._sheet(title)
            row, col = _cell(cell)
            _check_inside(sheet, row, col)
            sheet.put(row, col, typed_cell(sheet.cell(row, col), value, "USER_ENTERED"))

    def set_note(self, title: str, cell: str, note: str | None) -> None:
        """Add, change or (with None or "") remove a cell's note."""
        with self.emulator.lock:
            sheet = self._sheet(title)
            row, col = _cell(cell)
            _check_inside(sheet, row, col)
            sheet.put(row, col, sheet.cell(row, col).with_(note=note or None))

    def note(self, title: str, cell: str) -> str | None:
        """The note on a cell (None when there is none)."""
        row, col = _cell(cell)
        return self._sheet(title).cell(row, col).note

    def get_values(self, title: str) -> list[list[str | float | int | bool]]:
        """What the tab holds, unformatted (numbers as numbers), trailing empties left out. Not an API
        request."""
        with self.emulator.lock:
            sheet = self._sheet(title)
            box = a1.Box(0, sheet.row_count, 0, sheet.col_count)
            return read_box(sheet, box, RenderOptions(value="UNFORMATTED_VALUE"))

    def sort_range(self, title: str, cell_range: str, column: str | int, descending: bool = False) -> None:
        """Data > Sort range by one column: ``column`` is a letter ("C") or a 0-based sheet column index."""
        with self.emulator.lock:
            sheet = self._sheet(title)
            box = a1.resolve(a1.parse(cell_range), sheet.row_count, sheet.col_count)
            index = a1.column_index(column) if isinstance(column, str) else int(column)
            if not box.start_col <= index < box.end_col:
                raise ValueError(f"column {column!r} is outside the range {cell_range}")
            spec = {"dimensionIndex": index, "sortOrder": "DESCENDING" if descending else "ASCENDING"}
            dimensions.sort_rows(
                self._book,
                sheet,
                box,
                [spec],
                move_row_metadata=self.emulator.options.sort_moves_row_metadata,
            )

    def insert_rows(self, title: str, row: int, count: int = 1) -> None:
        """Insert ``count`` empty rows above 1-based ``row`` (they take the formatting of the row above)."""
        with self.emulator.lock:
            sheet = self._sheet(title)
            if not 1 <= row <= sheet.row_count + 1:
                raise ValueError(f"row {row} is outside the sheet (1..{sheet.row_count + 1})")
            dimensions.insert(self._book, sheet, dimensions.ROWS, row - 1, count, inherit_before=row > 1)

    def delete_rows(self, title: str, row: int, count: int = 1) -> None:
        """Delete ``count`` rows starting at 1-based ``row``, with their notes, validation and metadata."""
        with self.emulator.lock:
            sheet = self._sheet(title)
            if not 1 <= row <= row + count - 1 <= sheet.row_count:
                raise ValueError(
                    f"rows {row}..{row + count - 1} are outside the sheet (1..{sheet.row_count})"
                )
            dimensions.delete(self._book, sheet, dimensions.ROWS, row - 1, row - 1 + count)

    def rename_tab(self, old_title: str, new_title: str) -> None:
        """Rename a tab (its sheetId stays)."""
        with self.emulator.lock:
            sheet = self._sheet(old_title)
            other = self._book.sheet_by_title(new_title)
            if other is not None and other is not sheet:
                raise ValueError(f'A sheet with the name "{new_title}" already exists.')
            sheet.properties["title"] = new_title

    def formatted(self, title: str, cell: str) -> str:
        """The text the PM sees in a cell."""
        row, col = _cell(cell)
        sheet = self._sheet(title)
        value = read_box(sheet, a1.Box(row, row + 1, col, col + 1), RenderOptions())
        return str(value[0][0]) if value else ""

    def value(self, title: str, cell: str) -> Any:
        """A cell's unformatted value (None when empty)."""
        row, col = _cell(cell)
        sheet = self._sheet(title)
        rendered = read_box(
            sheet, a1.Box(row, row + 1, col, col + 1), RenderOptions(value="UNFORMATTED_VALUE")
        )
        if not rendered:
            return None
        value = rendered[0][0]
        number_format = (sheet.cell(row, col).format or {}).get("numberFormat")
        return json_number(value) if isinstance(value, float) and not is_date_format(number_format) else value


def _cell(text: str) -> tuple[int, int]:
    parsed = a1.parse(text)
    if not parsed.is_single_cell:
        raise ValueError(f"{text!r} is not a single cell")
    assert parsed.start_row is not None and parsed.start_col is not None
    return parsed.start_row, parsed.start_col


def _check_inside(sheet: Sheet, row: int, col: int) -> None:
    if row >= sheet.row_count or col >= sheet.col_count:
        raise ValueError(f"{a1.cell_name(row, col)} is outside the grid of {sheet.title!r}")

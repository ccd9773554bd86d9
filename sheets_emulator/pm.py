"""A PM at the keyboard: edits a spreadsheet the way the Sheets UI does, behind the API's back.

PM actions change the emulator's state directly (they are not API requests and are not logged) and run the
same code as the API requests they correspond to (dragging a column is a moveDimension, duplicating a tab a
duplicateSheet...), each all or nothing, so they move notes, validation, formats, protections, filters,
conditional-format ranges and row developer metadata exactly as those requests do. Rows are 1-based and
columns are letters, as on screen. An action the UI would refuse raises :class:`PMRefused` (a ValueError) and
changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sheets_emulator import a1, dimensions, validation
from sheets_emulator.api import Context
from sheets_emulator.errors import ApiError, RequestProblem
from sheets_emulator.formatting import is_date_format, json_number
from sheets_emulator.lookup import box_to_grid_range, sheet_for
from sheets_emulator.model import Json, Sheet, Spreadsheet, transaction
from sheets_emulator.values import RenderOptions, read_box, typed_cell

if TYPE_CHECKING:
    from sheets_emulator.core import Emulator


class PMRefused(ValueError):
    """The Sheets UI would refuse this action (e.g. a value outside a strict dropdown); nothing changed."""


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
        """Type a value into a cell, as in the UI: en_US numbers, percentages and dates (``3/4/2026``; ``3/4``
        takes its year from ``Emulator(today=...)``), a leading ``'`` forces text, a cell formatted as plain
        text keeps what is typed, a strict dropdown refuses a value outside its list (:class:`PMRefused`);
        "" empties the cell."""
        with self.emulator.lock:
            sheet = self._sheet(title)
            row, col = _cell(cell)
            _check_inside(sheet, row, col)
            typed = typed_cell(sheet.cell(row, col), value, "USER_ENTERED", today=self.emulator.options.today)
            if not validation.allowed(typed):
                raise PMRefused(f"{title}!{cell}: {validation.refusal(row, col)}")
            sheet.put(row, col, typed)

    type_in = set_cell

    def paste_block(self, title: str, cell: str, block: list[list[Any]]) -> None:
        """Paste text copied from elsewhere (a block of rows) with its top-left at ``cell``: each value is typed
        as :meth:`set_cell` types it; the whole paste is refused when one value is (nothing changes)."""
        with self.emulator.lock:
            sheet = self._sheet(title)
            top, left = _cell(cell)
            height, width = len(block), max((len(line) for line in block), default=0)
            if top + height > sheet.row_count or left + width > sheet.col_count:
                raise PMRefused(f"{title}!{cell}: the block of {height} x {width} does not fit in the grid")
            typed = {}
            for i, line in enumerate(block):
                for j, value in enumerate(line):
                    cell_after = typed_cell(
                        sheet.cell(top + i, left + j),
                        value,
                        "USER_ENTERED",
                        today=self.emulator.options.today,
                    )
                    if not validation.allowed(cell_after):
                        raise PMRefused(f"{title}: {validation.refusal(top + i, left + j)}")
                    typed[(top + i, left + j)] = cell_after
            for (row, col), cell_after in typed.items():
                sheet.put(row, col, cell_after)

    # ------------------------------------------------------------ actions that are API requests underneath

    def _request(self, kind: str, body: Json) -> Json:
        """Run one batchUpdate request kind, all or nothing."""
        from sheets_emulator.batch import HANDLERS  # the batch module imports this package's request modules

        with self.emulator.lock:
            try:
                with transaction():
                    return HANDLERS[kind](Context(self._book, self.emulator.options), body) or {}
            except (RequestProblem, ApiError) as problem:
                raise PMRefused(f"{kind}: {problem}") from None

    def _grid(self, title: str, cell_range: str | None = None) -> Json:
        sheet = self._sheet(title)
        if cell_range is None:
            return box_to_grid_range(sheet, a1.Box(0, sheet.row_count, 0, sheet.col_count))
        box = a1.resolve(a1.parse(cell_range), sheet.row_count, sheet.col_count)
        return box_to_grid_range(sheet, box)

    def _span(self, title: str, dimension: str, start: int, count: int) -> Json:
        return {
            "sheetId": self._sheet(title).sheet_id,
            "dimension": dimension,
            "startIndex": start,
            "endIndex": start + count,
        }

    def move_columns(self, title: str, column: str, before: str | None = None, count: int = 1) -> None:
        """Drag ``count`` columns starting at ``column`` so they sit just before column ``before`` (None: after
        the last column)."""
        sheet = self._sheet(title)
        destination = sheet.col_count if before is None else a1.column_index(before)
        self._request(
            "moveDimension",
            {
                "source": self._span(title, "COLUMNS", a1.column_index(column), count),
                "destinationIndex": destination,
            },
        )

    def move_rows(self, title: str, row: int, before: int | None = None, count: int = 1) -> None:
        """Drag ``count`` rows starting at 1-based ``row`` so they sit just above row ``before`` (None: at the
        end)."""
        sheet = self._sheet(title)
        destination = sheet.row_count if before is None else before - 1
        self._request(
            "moveDimension",
            {"source": self._span(title, "ROWS", row - 1, count), "destinationIndex": destination},
        )

    def duplicate_tab(self, title: str, new_title: str | None = None) -> str:
        """Duplicate a tab as the tab menu does: the copy ("Copy of X" unless named) lands right after it."""
        sheet = self._sheet(title)
        body: Json = {"sourceSheetId": sheet.sheet_id, "insertSheetIndex": self._book.sheets.index(sheet) + 1}
        if new_title is not None:
            body["newSheetName"] = new_title
        reply = self._request("duplicateSheet", body)
        return str(reply["duplicateSheet"]["properties"]["title"])

    def delete_tab(self, title: str) -> None:
        self._request("deleteSheet", {"sheetId": self._sheet(title).sheet_id})

    def move_tab(self, title: str, index: int) -> None:
        """Drag a tab to 0-based position ``index`` among the tabs."""
        sheet = self._sheet(title)
        current = self._book.sheets.index(sheet)
        target = index + 1 if index > current else index  # the API counts before the tab is removed
        self._request(
            "updateSheetProperties",
            {"properties": {"sheetId": sheet.sheet_id, "index": target}, "fields": "index"},
        )

    def hide_tab(self, title: str, hidden: bool = True) -> None:
        """Hide (or show) a tab; hiding the last visible tab is refused, as in Sheets."""
        sheet = self._sheet(title)
        self._request(
            "updateSheetProperties",
            {"properties": {"sheetId": sheet.sheet_id, "hidden": hidden}, "fields": "hidden"},
        )

    def _hide(self, title: str, dimension: str, start: int, count: int, hidden: bool) -> None:
        self._request(
            "updateDimensionProperties",
            {
                "range": self._span(title, dimension, start, count),
                "properties": {"hiddenByUser": hidden},
                "fields": "hiddenByUser",
            },
        )

    def hide_rows(self, title: str, row: int, count: int = 1) -> None:
        """Hide rows (they still read and write through the values API)."""
        self._hide(title, "ROWS", row - 1, count, True)

    def unhide_rows(self, title: str, row: int, count: int = 1) -> None:
        self._hide(title, "ROWS", row - 1, count, False)

    def hide_columns(self, title: str, column: str, count: int = 1) -> None:
        self._hide(title, "COLUMNS", a1.column_index(column), count, True)

    def unhide_columns(self, title: str, column: str, count: int = 1) -> None:
        self._hide(title, "COLUMNS", a1.column_index(column), count, False)

    def set_filter(
        self, title: str, cell_range: str | None = None, hide: dict[str, list[str]] | None = None
    ) -> None:
        """Data > Create a filter over ``cell_range`` (None: the whole tab); ``hide`` maps a column letter to
        the values its filter unticks (``{"C": ["done"]}``): those rows are hidden by the filter."""
        grid = self._grid(title, cell_range)
        body: Json = {"filter": {"range": grid}}
        if hide:
            body["filter"]["filterSpecs"] = [
                {"columnIndex": a1.column_index(column), "filterCriteria": {"hiddenValues": list(values)}}
                for column, values in hide.items()
            ]
        self._request("setBasicFilter", body)

    def clear_filter(self, title: str) -> None:
        """Data > Remove filter."""
        self._request("clearBasicFilter", {"sheetId": self._sheet(title).sheet_id})

    def add_filter_view(self, title: str, cell_range: str | None = None, name: str | None = None) -> int:
        """Data > Filter views > Create new filter view; returns its filterViewId."""
        view: Json = {"range": self._grid(title, cell_range)}
        if name:
            view["title"] = name
        reply = self._request("addFilterView", {"filter": view})
        return int(reply["addFilterView"]["filter"]["filterViewId"])

    def merge(self, title: str, cell_range: str, how: str = "all") -> None:
        """Format > Merge cells (``how``: "all", "rows" (horizontally) or "columns" (vertically)); only each
        block's top-left value is kept, as Sheets warns."""
        merge_type = {"all": "MERGE_ALL", "rows": "MERGE_ROWS", "columns": "MERGE_COLUMNS"}[how]
        self._request("mergeCells", {"range": self._grid(title, cell_range), "mergeType": merge_type})

    def unmerge(self, title: str, cell_range: str) -> None:
        self._request("unmergeCells", {"range": self._grid(title, cell_range)})

    def copy_paste(
        self, title: str, source: str, destination: str, values_only: bool = False, to_tab: str | None = None
    ) -> None:
        """Copy ``source`` and paste at ``destination`` (a cell or a range to fill), Ctrl+V or, with
        ``values_only``, Ctrl+Shift+V; ``to_tab`` pastes into another tab."""
        self._request(
            "copyPaste",
            {
                "source": self._grid(title, source),
                "destination": self._grid(to_tab or title, destination),
                "pasteType": "PASTE_VALUES" if values_only else "PASTE_NORMAL",
            },
        )

    def cut_paste(self, title: str, source: str, destination: str, to_tab: str | None = None) -> None:
        """Cut ``source`` and paste it with its top-left at cell ``destination``."""
        row, col = _cell(destination)
        target = self._sheet(to_tab or title)
        self._request(
            "cutPaste",
            {
                "source": self._grid(title, source),
                "destination": {"sheetId": target.sheet_id, "rowIndex": row, "columnIndex": col},
                "pasteType": "PASTE_NORMAL",
            },
        )

    def insert_cells(self, title: str, cell_range: str, shift: str = "down") -> None:
        """Insert cells > shift down (or right)."""
        dimension = {"down": "ROWS", "right": "COLUMNS"}[shift]
        self._request("insertRange", {"range": self._grid(title, cell_range), "shiftDimension": dimension})

    def delete_cells(self, title: str, cell_range: str, shift: str = "up") -> None:
        """Delete cells > shift up (or left)."""
        dimension = {"up": "ROWS", "left": "COLUMNS"}[shift]
        self._request("deleteRange", {"range": self._grid(title, cell_range), "shiftDimension": dimension})

    def insert_columns(self, title: str, column: str, count: int = 1) -> None:
        """Insert ``count`` columns left of ``column`` (they take the formatting of the column left of them)."""
        index = a1.column_index(column)
        self._request(
            "insertDimension",
            {"range": self._span(title, "COLUMNS", index, count), "inheritFromBefore": index > 0},
        )

    def delete_columns(self, title: str, column: str, count: int = 1) -> None:
        self._request(
            "deleteDimension", {"range": self._span(title, "COLUMNS", a1.column_index(column), count)}
        )

    def group_rows(self, title: str, row: int, count: int = 1) -> None:
        """Group rows (View > Group); nested groups deepen."""
        self._request("addDimensionGroup", {"range": self._span(title, "ROWS", row - 1, count)})

    def find_replace(
        self,
        find: str,
        replacement: str,
        title: str | None = None,
        *,
        match_case: bool = False,
        entire_cell: bool = False,
    ) -> Json:
        """Edit > Find and replace in one tab (or, with no title, every tab); returns Google's counts."""
        body: Json = {
            "find": find,
            "replacement": replacement,
            "matchCase": match_case,
            "matchEntireCell": entire_cell,
        }
        if title is None:
            body["allSheets"] = True
        else:
            body["sheetId"] = self._sheet(title).sheet_id
        return dict(self._request("findReplace", body)["findReplace"])

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

    def sort_range(
        self,
        title: str,
        cell_range: str,
        column: str | int,
        descending: bool = False,
        *,
        header_rows: int = 0,
    ) -> None:
        """Data > Sort range by one column: ``column`` is a letter ("C") or a 0-based sheet column index.

        ``header_rows``: how many rows at the top of the selection the PM marked as headers ("Data has header
        row"); they stay in place. A PM who selects the header rows without marking them sorts them in with
        the data, as Sheets does."""
        with self.emulator.lock:
            sheet = self._sheet(title)
            box = a1.resolve(a1.parse(cell_range), sheet.row_count, sheet.col_count)
            if header_rows:
                box = a1.Box(
                    min(box.start_row + header_rows, box.end_row), box.end_row, box.start_col, box.end_col
                )
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

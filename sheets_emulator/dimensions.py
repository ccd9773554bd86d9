"""Inserting, deleting, resizing and sorting rows and columns, and moving what is attached to them.

Shared by the batchUpdate requests (insertDimension, deleteDimension, appendDimension, updateSheetProperties,
sortRange) and by the PM at the keyboard, so both behave the same way, like Google Sheets:

* insert: cells, notes, validation and formats below (or right of) the insertion point shift; ranges
  (protected ranges, conditional-format ranges, merges) that contain the insertion point grow, ranges after it
  move; row and column developer metadata move with their rows; new rows inherit format and validation from
  their neighbour.
* delete: the rows' cells go; ranges shrink (and disappear when empty); metadata on deleted rows is deleted.
* sort: the cell contents (value, format, note, validation) of the sorted range move row by row; cells outside
  the range's columns, protected ranges and conditional formats stay; single-row ROW developer metadata inside
  the range moves with its row unless ``move_row_metadata`` is False
  (``Emulator(sort_moves_row_metadata=False)``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from sheets_emulator.a1 import Box
from sheets_emulator.formatting import effective_value
from sheets_emulator.model import Cell, Json, Sheet, Spreadsheet

ROWS = "ROWS"
COLUMNS = "COLUMNS"

_SPAN_KEYS = {ROWS: ("startRowIndex", "endRowIndex"), COLUMNS: ("startColumnIndex", "endColumnIndex")}

SpanMap = Callable[[int, int], tuple[int, int]]


def insert(
    spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, start: int, count: int, inherit_before: bool
) -> None:
    """insertDimension: ``count`` new rows (or columns) before index ``start``."""
    if count <= 0:
        return
    _shift_cells(sheet, dimension, lambda i: i + count if i >= start else i)
    _shift_sizes(sheet, dimension, lambda i: i + count if i >= start else i)
    neighbour = start - 1 if inherit_before else start + count
    _inherit(sheet, dimension, neighbour, range(start, start + count))
    _grow(sheet, dimension, count)
    _map_spans(spreadsheet, sheet, dimension, lambda s, e: _span_after_insert(s, e, start, count))
    _shift_frozen(sheet, dimension, lambda frozen: frozen + count if start < frozen else frozen)


def delete(spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int) -> None:
    """deleteDimension: remove rows (or columns) ``start`` to ``end - 1``."""
    count = end - start
    if count <= 0:
        return
    _drop_cells(sheet, dimension, start, end)
    _shift_cells(sheet, dimension, lambda i: i - count if i >= end else i)
    _drop_sizes(sheet, dimension, start, end)
    _shift_sizes(sheet, dimension, lambda i: i - count if i >= end else i)
    _grow(sheet, dimension, -count)
    _map_spans(spreadsheet, sheet, dimension, lambda s, e: _span_after_delete(s, e, start, end))
    _shift_frozen(sheet, dimension, lambda frozen: frozen - max(0, min(frozen, end) - start))


def resize(spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, new_count: int) -> None:
    """Set rowCount (or columnCount): shrinking deletes the rows at the end, with what is attached to them."""
    current = sheet.row_count if dimension == ROWS else sheet.col_count
    if new_count < current:
        delete(spreadsheet, sheet, dimension, new_count, current)
    elif new_count > current:
        _grow(sheet, dimension, new_count - current)


def move(
    spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int, destination: int
) -> None:
    """moveDimension: rows (or columns) ``start`` to ``end - 1`` go to ``destination``, an index counted
    before they are removed (Google's example: moving [1, 3) of 0..4 to 4 gives 0, 3, 1, 2, 4).

    Cells, sizes, hidden flags and single-row (column) developer metadata travel with their rows; a range
    attached to the grid (merges, protections, filters, named ranges, groups) becomes the smallest range
    holding where its rows went.
    """
    count = end - start
    if count <= 0 or start <= destination <= end:
        return
    landing = destination if destination < start else destination - count

    def new_index(index: int) -> int:
        if start <= index < end:
            return landing + index - start
        if destination <= index < start:
            return index + count
        if end <= index < destination:
            return index - count
        return index

    _shift_cells(sheet, dimension, new_index)
    _shift_sizes(sheet, dimension, new_index)
    window = (min(start, destination), max(end, destination))
    _map_spans(spreadsheet, sheet, dimension, lambda s, e: _span_after_move(s, e, window, new_index))


def _span_after_move(
    start: int, end: int, window: tuple[int, int], new_index: Callable[[int], int]
) -> tuple[int, int]:
    """Where a span goes when rows inside ``window`` are permuted: the hull of its rows' new places."""
    low, high = window
    if end <= low or start >= high or (start <= low and end >= high):
        return start, end
    places = [new_index(i) for i in range(max(start, low), min(end, high))]
    if start < low:
        places.append(start)
    if end > high:
        places.append(end - 1)
    return min(places), max(places) + 1


def sort_rows(
    spreadsheet: Spreadsheet, sheet: Sheet, box: Box, specs: list[Json], *, move_row_metadata: bool = True
) -> None:
    """sortRange: reorder the rows of ``box`` by the sort specs (empty cells last, whatever the order)."""
    rows = list(range(box.start_row, box.end_row))

    def compare(a: int, b: int) -> int:
        return _compare_rows(sheet, a, b, specs)

    ordered = sorted(rows, key=functools.cmp_to_key(compare))  # stable: equal rows keep their order
    moved_from = {box.start_row + i: old for i, old in enumerate(ordered)}
    snapshot = {row: {c: sheet.cell(row, c) for c in range(box.start_col, box.end_col)} for row in rows}
    for new_row, old_row in moved_from.items():
        for col, cell in snapshot[old_row].items():
            sheet.put(new_row, col, cell)
    if move_row_metadata:
        new_index = {old: new for new, old in moved_from.items()}
        _move_row_metadata(spreadsheet, sheet, new_index)


def _compare_rows(sheet: Sheet, a: int, b: int, specs: list[Json]) -> int:
    for spec in specs:
        column = int(spec.get("dimensionIndex", 0))
        key_a, key_b = _sort_key(sheet.cell(a, column)), _sort_key(sheet.cell(b, column))
        if key_a is None and key_b is None:
            continue
        if key_a is None or key_b is None:
            return 1 if key_a is None else -1
        result = (key_a > key_b) - (key_a < key_b)
        if spec.get("sortOrder") == "DESCENDING":
            result = -result
        if result:
            return result
    return 0


def _sort_key(cell: Cell) -> tuple[int, Any] | None:
    """Numbers before text before booleans, text compared ignoring case; None for an empty cell."""
    value = effective_value(cell.value) if cell.value else None
    if value is None and cell.value is not None:
        value = {"stringValue": cell.value.get("formulaValue", "")}
    if not value:
        return None
    if "numberValue" in value:
        return (0, float(value["numberValue"]))
    if "stringValue" in value:
        return (1, str(value["stringValue"]).casefold())
    if "boolValue" in value:
        return (2, bool(value["boolValue"]))
    return (3, "")


def _move_row_metadata(spreadsheet: Spreadsheet, sheet: Sheet, new_index: dict[int, int]) -> None:
    for metadata in row_metadata(spreadsheet, sheet.sheet_id):
        span = metadata["location"]["dimensionRange"]
        if span["endIndex"] - span["startIndex"] == 1 and span["startIndex"] in new_index:
            span["startIndex"] = new_index[span["startIndex"]]
            span["endIndex"] = span["startIndex"] + 1


def row_metadata(spreadsheet: Spreadsheet, sheet_id: int, dimension: str = ROWS) -> Iterator[Json]:
    """Developer metadata located on rows (or columns) of one sheet."""
    location_type = "ROW" if dimension == ROWS else "COLUMN"
    for metadata in spreadsheet.developer_metadata:
        location = metadata["location"]
        if (
            location["locationType"] == location_type
            and location["dimensionRange"].get("sheetId", 0) == sheet_id
        ):
            yield metadata


# ---------------------------------------------------------------- cells and sizes


def _shift_cells(sheet: Sheet, dimension: str, move: Callable[[int], int]) -> None:
    if dimension == ROWS:
        sheet.cells = {move(row): cols for row, cols in sheet.cells.items()}
    else:
        sheet.cells = {
            row: {move(col): cell for col, cell in cols.items()} for row, cols in sheet.cells.items()
        }


def _drop_cells(sheet: Sheet, dimension: str, start: int, end: int) -> None:
    if dimension == ROWS:
        sheet.cells = {row: cols for row, cols in sheet.cells.items() if not start <= row < end}
        return
    kept = {
        row: {c: cell for c, cell in cols.items() if not start <= c < end}
        for row, cols in sheet.cells.items()
    }
    sheet.cells = {row: cols for row, cols in kept.items() if cols}


def _sizes(sheet: Sheet, dimension: str) -> dict[int, int]:
    return sheet.row_sizes if dimension == ROWS else sheet.col_sizes


def hidden(sheet: Sheet, dimension: str) -> set[int]:
    """The rows (or columns) a user hid (``hiddenByUser``)."""
    return sheet.hidden_rows if dimension == ROWS else sheet.hidden_cols


def _shift_sizes(sheet: Sheet, dimension: str, move: Callable[[int], int]) -> None:
    """Pixel sizes and hidden flags belong to their row (or column): they move with it."""
    moved = {move(i): size for i, size in _sizes(sheet, dimension).items()}
    _sizes(sheet, dimension).clear()
    _sizes(sheet, dimension).update(moved)
    moved_hidden = {move(i) for i in hidden(sheet, dimension)}
    hidden(sheet, dimension).clear()
    hidden(sheet, dimension).update(moved_hidden)


def _drop_sizes(sheet: Sheet, dimension: str, start: int, end: int) -> None:
    sizes = _sizes(sheet, dimension)
    for index in [i for i in sizes if start <= i < end]:
        del sizes[index]
    hidden(sheet, dimension).difference_update(range(start, end))


def _inherit(sheet: Sheet, dimension: str, neighbour: int, new_indices: range) -> None:
    """New rows take the neighbour row's formats and validation (not its values or notes), as Sheets does."""
    limit = sheet.row_count if dimension == ROWS else sheet.col_count
    if neighbour < 0 or neighbour >= limit + len(new_indices):
        return
    for (row, col), cell in list(_line(sheet, dimension, neighbour)):
        if cell.format is None and cell.validation is None:
            continue
        inherited = Cell(format=cell.format, validation=cell.validation)
        for index in new_indices:
            target = (index, col) if dimension == ROWS else (row, index)
            sheet.put(*target, inherited)
    size = _sizes(sheet, dimension).get(neighbour)
    if size is not None:
        for index in new_indices:
            _sizes(sheet, dimension)[index] = size


def _line(sheet: Sheet, dimension: str, index: int) -> Iterator[tuple[tuple[int, int], Cell]]:
    if dimension == ROWS:
        for col, cell in sheet.cells.get(index, {}).items():
            yield (index, col), cell
        return
    for row, cols in sheet.cells.items():
        if index in cols:
            yield (row, index), cols[index]


def _grow(sheet: Sheet, dimension: str, delta: int) -> None:
    key = "rowCount" if dimension == ROWS else "columnCount"
    sheet.grid[key] = int(sheet.grid.get(key, 0)) + delta


def _shift_frozen(sheet: Sheet, dimension: str, change: Callable[[int], int]) -> None:
    key = "frozenRowCount" if dimension == ROWS else "frozenColumnCount"
    frozen = int(sheet.grid.get(key, 0))
    if frozen:
        updated = change(frozen)
        if updated:
            sheet.grid[key] = updated
        else:
            sheet.grid.pop(key, None)


# ---------------------------------------------------------------- ranges attached to the grid


def _span_after_insert(start: int, end: int, at: int, count: int) -> tuple[int, int]:
    """A range grows when rows are inserted inside it and moves when they are inserted before it."""
    if at <= start:
        return start + count, end + count
    if at < end:
        return start, end + count
    return start, end


def _span_after_delete(start: int, end: int, del_start: int, del_end: int) -> tuple[int, int]:
    """Each bound moves up by the number of deleted indices below it."""

    def mapped(index: int) -> int:
        return index - max(0, min(index, del_end) - del_start)

    return mapped(start), mapped(end)


def _map_spans(spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, change: SpanMap) -> None:
    """Apply a span change to every range attached to this sheet's rows (or columns); drop emptied ones."""
    sheet.protected_ranges = [
        p for p in sheet.protected_ranges if _map_grid_range(p["range"], dimension, change)
    ]
    kept_rules = []
    for rule in sheet.conditional_formats:
        rule["ranges"] = [r for r in rule.get("ranges", []) if _map_grid_range(r, dimension, change)]
        if rule["ranges"]:
            kept_rules.append(rule)
    sheet.conditional_formats = kept_rules
    sheet.merges = [m for m in sheet.merges if _map_grid_range(m, dimension, change)]
    if sheet.basic_filter is not None and not _map_grid_range(sheet.basic_filter["range"], dimension, change):
        sheet.basic_filter = None
    sheet.filter_views = [v for v in sheet.filter_views if _map_grid_range(v["range"], dimension, change)]
    spreadsheet.named_ranges = [
        named
        for named in spreadsheet.named_ranges
        if int(named["range"].get("sheetId", 0)) != sheet.sheet_id
        or _map_grid_range(named["range"], dimension, change)
    ]
    groups = sheet.row_groups if dimension == ROWS else sheet.column_groups
    kept_groups = []
    for group in groups:
        span = group["range"]
        span["startIndex"], span["endIndex"] = change(span["startIndex"], span["endIndex"])
        if span["endIndex"] > span["startIndex"]:
            kept_groups.append(group)
    groups[:] = kept_groups
    location_type = "ROW" if dimension == ROWS else "COLUMN"
    kept_metadata = []
    for metadata in spreadsheet.developer_metadata:
        location = metadata["location"]
        span = location.get("dimensionRange")
        on_this_axis = (
            location["locationType"] == location_type and span and span.get("sheetId", 0) == sheet.sheet_id
        )
        if on_this_axis:
            span["startIndex"], span["endIndex"] = change(span["startIndex"], span["endIndex"])
            if span["endIndex"] <= span["startIndex"]:
                continue
        kept_metadata.append(metadata)
    spreadsheet.developer_metadata = kept_metadata


def _map_grid_range(grid_range: Json, dimension: str, change: SpanMap) -> bool:
    """Change a GridRange in place along one axis; False when it became empty (open ends stay open)."""
    start_key, end_key = _SPAN_KEYS[dimension]
    start = int(grid_range.get(start_key) or 0)
    end = grid_range.get(end_key)
    new_start, new_end = change(start, int(end) if end is not None else 1 << 40)
    if start_key in grid_range or new_start:
        grid_range[start_key] = new_start
    if end is not None:
        grid_range[end_key] = new_end
        return new_end > new_start
    return True

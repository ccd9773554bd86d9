"""batchUpdate requests that move or rewrite blocks of cells: copyPaste, cutPaste, insertRange, deleteRange
and findReplace.

What a paste carries, by ``pasteType`` (Google's words in brackets):

* ``PASTE_NORMAL`` [values, formulas, formats, and merges]: the whole cell (value, format, note, validation)
  and the merges inside the source;
* ``PASTE_VALUES`` [the values ONLY without formats, formulas, or merges]: the effective value (a formula the
  emulator cannot calculate pastes its text as a string);
* ``PASTE_FORMAT``, ``PASTE_NO_BORDERS`` (as NORMAL, borders left as they are), ``PASTE_FORMULA`` (values and
  formulas, no formats) and ``PASTE_DATA_VALIDATION``.

A copyPaste destination that is a multiple of the source's height (or width) is filled by repeating the source;
any other destination receives one copy from its top-left cell, even past its end. Formulas are pasted as they
are: relative references are not rewritten (the emulator does not evaluate formulas).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from sheets_emulator.a1 import Box
from sheets_emulator.api import Context
from sheets_emulator.errors import RequestProblem
from sheets_emulator.formatting import effective_value, format_value, parse_user_entered
from sheets_emulator.lookup import box_to_grid_range, grid_box
from sheets_emulator.model import EMPTY, Cell, Json, Sheet
from sheets_emulator.sheet_requests import sheet_by_id
from sheets_emulator.values import check_cell_limit, exceeds_grid

PASTE_TYPES = (
    "PASTE_NORMAL",
    "PASTE_VALUES",
    "PASTE_FORMAT",
    "PASTE_NO_BORDERS",
    "PASTE_FORMULA",
    "PASTE_DATA_VALIDATION",
)

Snapshot = dict[tuple[int, int], Cell]


def _paste_type(body: Json) -> str:
    paste_type = body.get("pasteType") or "PASTE_NORMAL"
    if paste_type == "PASTE_CONDITIONAL_FORMATTING":
        raise RequestProblem(
            "the sheets-sync emulator does not support pasteType PASTE_CONDITIONAL_FORMATTING."
        )
    if paste_type not in PASTE_TYPES:
        raise RequestProblem(f"Invalid pasteType: {paste_type}.")
    return str(paste_type)


def _cells(box: Box) -> Iterator[tuple[int, int]]:
    for row in range(box.start_row, box.end_row):
        for col in range(box.start_col, box.end_col):
            yield row, col


def _snapshot(sheet: Sheet, box: Box) -> Snapshot:
    return {(r - box.start_row, c - box.start_col): sheet.cell(r, c) for r, c in _cells(box)}


def pasted(target: Cell, source: Cell, paste_type: str) -> Cell:
    """The cell at a destination after ``source`` is pasted onto ``target`` with ``paste_type``."""
    if paste_type == "PASTE_NORMAL":
        return source
    if paste_type == "PASTE_VALUES":
        return target.with_(value=_plain_value(source))
    if paste_type == "PASTE_FORMAT":
        return target.with_(format=source.format)
    if paste_type == "PASTE_NO_BORDERS":
        borders = (target.format or {}).get("borders")
        kept = {k: v for k, v in (source.format or {}).items() if k != "borders"}
        if borders:
            kept["borders"] = borders
        return source.with_(format=kept or None)
    if paste_type == "PASTE_FORMULA":
        return target.with_(value=source.value)
    return target.with_(validation=source.validation)


def _plain_value(cell: Cell) -> Json | None:
    if cell.value is None:
        return None
    if "formulaValue" not in cell.value:
        return cell.value
    effective = effective_value(cell.value)
    return effective if effective is not None else {"stringValue": cell.value["formulaValue"]}


def _paste(
    sheet: Sheet, top: int, left: int, snapshot: Snapshot, height: int, width: int, paste_type: str
) -> None:
    for (i, j), cell in snapshot.items():
        if i < height and j < width:
            sheet.put(top + i, left + j, pasted(sheet.cell(top + i, left + j), cell, paste_type))


def _repeats(source_length: int, destination_length: int) -> int:
    """How many copies fit: the destination must be an exact multiple of the source."""
    if destination_length >= source_length and destination_length % source_length == 0:
        return destination_length // source_length
    return 1


def _transposed(snapshot: Snapshot) -> Snapshot:
    return {(j, i): cell for (i, j), cell in snapshot.items()}


def copy_paste(ctx: Context, body: Json) -> None:
    """copyPaste: the source (read before anything is written) pasted over the destination, tiled."""
    spreadsheet = ctx.spreadsheet
    source_sheet, source = _bounded(spreadsheet, body.get("source"))
    target_sheet, destination = grid_box(spreadsheet, body.get("destination") or {})
    paste_type = _paste_type(body)
    snapshot = _snapshot(source_sheet, source)
    height, width = source.rows, source.cols
    if body.get("pasteOrientation") == "TRANSPOSE":
        snapshot, height, width = _transposed(snapshot), width, height
    down, across = _repeats(height, destination.rows), _repeats(width, destination.cols)
    extent = Box(
        destination.start_row,
        destination.start_row + height * down,
        destination.start_col,
        destination.start_col + width * across,
    )
    if extent.end_row > target_sheet.row_count or extent.end_col > target_sheet.col_count:
        raise exceeds_grid(target_sheet, extent)
    for i in range(down):
        for j in range(across):
            top, left = extent.start_row + i * height, extent.start_col + j * width
            _paste(target_sheet, top, left, snapshot, height, width, paste_type)
            if paste_type == "PASTE_NORMAL" and body.get("pasteOrientation") != "TRANSPOSE":
                _copy_merges(source_sheet, source, target_sheet, top, left)


def _bounded(spreadsheet: Any, grid_range: Json | None) -> tuple[Sheet, Box]:
    sheet, box = grid_box(spreadsheet, grid_range or {})
    if box.end_row > sheet.row_count or box.end_col > sheet.col_count:
        raise exceeds_grid(sheet, box)
    if box.empty:
        raise RequestProblem("The source range must hold at least one cell.")
    return sheet, box


def _merge_box(merge: Json) -> Box:
    return Box(
        merge["startRowIndex"], merge["endRowIndex"], merge["startColumnIndex"], merge["endColumnIndex"]
    )


def _inside(inner: Box, outer: Box) -> bool:
    return (
        outer.start_row <= inner.start_row
        and inner.end_row <= outer.end_row
        and outer.start_col <= inner.start_col
        and inner.end_col <= outer.end_col
    )


def _copy_merges(source_sheet: Sheet, source: Box, target: Sheet, top: int, left: int) -> None:
    """Merges inside the source land at the destination, replacing merges they overlap."""
    moved = []
    for merge in source_sheet.merges:
        box = _merge_box(merge)
        if _inside(box, source):
            dr, dc = top - source.start_row, left - source.start_col
            moved.append(Box(box.start_row + dr, box.end_row + dr, box.start_col + dc, box.end_col + dc))
    for box in moved:
        target.merges = [m for m in target.merges if not _merge_box(m).intersects(box)]
        target.merges.append(box_to_grid_range(target, box))


def cut_paste(ctx: Context, body: Json) -> None:
    """cutPaste: the source is emptied entirely (whatever ``pasteType`` pastes) and pasted at ``destination``
    (a GridCoordinate); merges inside the source move with it."""
    spreadsheet = ctx.spreadsheet
    source_sheet, source = _bounded(spreadsheet, body.get("source"))
    coordinate = body.get("destination") or {}
    target_sheet = sheet_by_id(spreadsheet, coordinate.get("sheetId"))
    top, left = int(coordinate.get("rowIndex") or 0), int(coordinate.get("columnIndex") or 0)
    paste_type = _paste_type(body)
    extent = Box(top, top + source.rows, left, left + source.cols)
    if extent.end_row > target_sheet.row_count or extent.end_col > target_sheet.col_count:
        raise exceeds_grid(target_sheet, extent)
    snapshot = _snapshot(source_sheet, source)
    merges = [m for m in source_sheet.merges if _inside(_merge_box(m), source)]
    source_sheet.merges = [m for m in source_sheet.merges if m not in merges]
    for row, col in _cells(source):
        source_sheet.put(row, col, EMPTY)
    _paste(target_sheet, top, left, snapshot, source.rows, source.cols, paste_type)
    if paste_type == "PASTE_NORMAL":
        staged = Sheet(properties=source_sheet.properties, merges=merges)
        _copy_merges(staged, source, target_sheet, top, left)


# ---------------------------------------------------------------- insertRange / deleteRange


def _shift_dimension(body: Json) -> str:
    shift = body.get("shiftDimension")
    if shift not in ("ROWS", "COLUMNS"):
        raise RequestProblem("shiftDimension must be ROWS or COLUMNS.")
    return str(shift)


def _move_cells(sheet: Sheet, moves: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Move cells (all read first, so overlapping moves are safe); vacated cells become empty."""
    taken = {src: sheet.cell(*src) for src, _ in moves}
    for src, _ in moves:
        sheet.put(*src, EMPTY)
    for src, dst in moves:
        sheet.put(*dst, taken[src])


def insert_range(ctx: Context, body: Json) -> None:
    """insertRange: empty cells appear in the range; the cells at and after it in its columns move down
    (ROWS) or, in its rows, move right (COLUMNS). The grid grows only when moved content would fall off its
    end (not verified against Google)."""
    sheet, box = _bounded(ctx.spreadsheet, body.get("range"))
    shift = _shift_dimension(body)
    if shift == "ROWS":
        moves = [
            ((r, c), (r + box.rows, c))
            for r, cols in sheet.cells.items()
            if r >= box.start_row
            for c in cols
            if box.start_col <= c < box.end_col
        ]
        needed = max((dst[0] + 1 for _, dst in moves), default=0)
        if needed > sheet.row_count:
            sheet.grid["rowCount"] = needed
    else:
        moves = [
            ((r, c), (r, c + box.cols))
            for r, cols in sheet.cells.items()
            if box.start_row <= r < box.end_row
            for c in cols
            if c >= box.start_col
        ]
        needed = max((dst[1] + 1 for _, dst in moves), default=0)
        if needed > sheet.col_count:
            sheet.grid["columnCount"] = needed
    _move_cells(sheet, moves)
    check_cell_limit(ctx.spreadsheet)


def delete_range(ctx: Context, body: Json) -> None:
    """deleteRange: the range's cells go; the cells after it in its columns move up (ROWS) or, in its rows,
    move left (COLUMNS). The grid keeps its size."""
    sheet, box = _bounded(ctx.spreadsheet, body.get("range"))
    shift = _shift_dimension(body)
    for row, col in _cells(box):
        sheet.put(row, col, EMPTY)
    if shift == "ROWS":
        moves = [
            ((r, c), (r - box.rows, c))
            for r, cols in sheet.cells.items()
            if r >= box.end_row
            for c in cols
            if box.start_col <= c < box.end_col
        ]
    else:
        moves = [
            ((r, c), (r, c - box.cols))
            for r, cols in sheet.cells.items()
            if box.start_row <= r < box.end_row
            for c in cols
            if c >= box.end_col
        ]
    _move_cells(sheet, moves)


# ---------------------------------------------------------------- findReplace


def find_replace(ctx: Context, body: Json) -> Json:
    """findReplace over a range, a sheet or every sheet; the reply counts what changed (zero counts are left
    out, as Google's JSON does)."""
    find = body.get("find")
    if not find:
        raise RequestProblem("find must not be empty.")
    replace = _replacer(str(find), str(body.get("replacement") or ""), body)
    include_formulas = bool(body.get("includeFormulas"))
    counts = {"valuesChanged": 0, "formulasChanged": 0, "rowsChanged": 0, "sheetsChanged": 0}
    occurrences = 0
    for sheet, box in _scope(ctx, body):
        rows: set[int] = set()
        for row, col in sorted(_value_cells(sheet, box)):
            cell = sheet.cell(row, col)
            changed = _replace_in_cell(cell, replace, include_formulas)
            if changed is None:
                continue
            new_value, found, is_formula = changed
            sheet.put(row, col, cell.with_(value=new_value))
            occurrences += found
            counts["formulasChanged" if is_formula else "valuesChanged"] += 1
            rows.add(row)
        counts["rowsChanged"] += len(rows)
        counts["sheetsChanged"] += 1 if rows else 0
    counts["occurrencesChanged"] = occurrences
    return {"findReplace": {key: value for key, value in counts.items() if value}}


def _scope(ctx: Context, body: Json) -> list[tuple[Sheet, Box]]:
    scopes = [key for key in ("range", "sheetId") if body.get(key) is not None]
    scopes += ["allSheets"] if body.get("allSheets") is True else []
    if len(scopes) != 1:
        raise RequestProblem("Exactly one of range, sheetId or allSheets must be set.")
    if scopes[0] == "range":
        sheet, box = grid_box(ctx.spreadsheet, body["range"])
        return [(sheet, box)]
    sheets = (
        [sheet_by_id(ctx.spreadsheet, body["sheetId"])] if scopes[0] == "sheetId" else ctx.spreadsheet.sheets
    )
    return [(sheet, Box(0, sheet.row_count, 0, sheet.col_count)) for sheet in sheets]


def _value_cells(sheet: Sheet, box: Box) -> list[tuple[int, int]]:
    return [
        (r, c)
        for r, cols in sheet.cells.items()
        if box.start_row <= r < box.end_row
        for c, cell in cols.items()
        if box.start_col <= c < box.end_col and cell.value is not None
    ]


Replacer = Callable[[str], tuple[str, int]]


def _replacer(find: str, replacement: str, body: Json) -> Replacer:
    """A function text -> (new text, occurrences), from find / matchCase / matchEntireCell / searchByRegex."""
    flags = 0 if body.get("matchCase") else re.IGNORECASE
    if body.get("searchByRegex"):
        try:
            pattern = re.compile(find, flags)
        except re.error as error:
            raise RequestProblem(f"Invalid regular expression {find!r}: {error}.") from None
        template = re.sub(r"\$(\d+)", r"\\\1", replacement)  # Java-style $1 groups
    else:
        pattern = re.compile(re.escape(find), flags)
        template = replacement.replace("\\", "\\\\")
    if body.get("matchEntireCell"):
        pattern = re.compile(rf"\A(?:{pattern.pattern})\Z", flags)

    def replace(text: str) -> tuple[str, int]:
        return pattern.subn(template, text)

    return replace


def _replace_in_cell(
    cell: Cell, replace: Replacer, include_formulas: bool
) -> tuple[Json | None, int, bool] | None:
    """(new value, occurrences, was a formula) when the cell changes, else None. Text is searched as shown;
    a changed number or boolean is read back as typed."""
    value = cell.value or {}
    if "formulaValue" in value:
        if not include_formulas:
            return None
        text, found = replace(str(value["formulaValue"]))
        return ({"formulaValue": text} if text else None, found, True) if found else None
    shown = format_value(effective_value(value), (cell.format or {}).get("numberFormat"))
    text, found = replace(shown)
    if not found or text == shown:
        return None
    if "stringValue" in value:
        return ({"stringValue": text} if text else None), found, False
    parsed, _ = parse_user_entered(text)
    return parsed, found, False


HANDLERS = {
    "copyPaste": copy_paste,
    "cutPaste": cut_paste,
    "insertRange": insert_range,
    "deleteRange": delete_range,
    "findReplace": find_replace,
}

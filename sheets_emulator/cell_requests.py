"""batchUpdate requests that change cells: updateCells, repeatCell, setDataValidation, updateBorders,
mergeCells and unmergeCells.

A CellData is applied through a fields mask over the four things a cell stores: ``userEnteredValue``,
``userEnteredFormat``, ``note`` and ``dataValidation`` (``*`` means all four). Read-only fields in a mask
(``effectiveValue``, ``formattedValue``...) are ignored, as Google computes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sheets_emulator import fieldmask, validation
from sheets_emulator.a1 import Box
from sheets_emulator.api import Context, required_mask
from sheets_emulator.errors import RequestProblem
from sheets_emulator.formatting import text_length
from sheets_emulator.lookup import box_to_grid_range, grid_box
from sheets_emulator.model import CELL_TEXT_LIMIT, Cell, Json, Sheet
from sheets_emulator.styles import normalized_format, without_defaults
from sheets_emulator.values import exceeds_grid

VALUE_KINDS = ("stringValue", "numberValue", "boolValue", "formulaValue", "errorValue")
# Writable CellData fields the emulator does not store: refused, never silently dropped.
UNSUPPORTED_FIELDS = ("textFormatRuns", "chipRuns", "pivotTable", "dataSourceTable", "dataSourceFormula")


def _mask(body: Json) -> fieldmask.Mask | None:
    mask = required_mask(body)
    unsupported = sorted(name for name in fieldmask.top_level(mask) or () if name in UNSUPPORTED_FIELDS)
    if unsupported:
        raise RequestProblem(f"the sheets-sync emulator does not support writing {', '.join(unsupported)}.")
    return mask


def _in_grid(sheet: Sheet, box: Box) -> Box:
    if box.end_row > sheet.row_count or box.end_col > sheet.col_count:
        raise exceeds_grid(sheet, box)
    return box


def apply_cell_data(cell: Cell, data: Json, mask: fieldmask.Mask | None) -> Cell:
    """A cell after a CellData is written through a mask (absent fields under the mask are cleared)."""
    changes: dict[str, Any] = {}
    for name in ("userEnteredValue", "userEnteredFormat", "note", "dataValidation"):
        selected, sub = fieldmask.child(mask, name)
        if selected:
            changes.update(_change(cell, name, data, sub))
    return cell.with_(**changes) if changes else cell


def _put_checked(sheet: Sheet, row: int, col: int, cell: Cell) -> None:
    """Store a cell whose value was written: a value its strict rule refuses is a 400."""
    if cell.value is not None and cell.value != sheet.cell(row, col).value and not validation.allowed(cell):
        raise RequestProblem(validation.refusal(row, col))
    sheet.put(row, col, cell)


def _change(cell: Cell, name: str, data: Json, sub: fieldmask.Mask | None) -> dict[str, Any]:
    if name == "userEnteredValue":
        return {"value": _extended_value(data.get("userEnteredValue"))}
    if name == "userEnteredFormat":
        merged = fieldmask.apply_update(cell.format, data.get("userEnteredFormat") or {}, sub)
        return {"format": normalized_format(merged)}
    if name == "note":
        return {"note": data.get("note") or None}
    rule = data.get("dataValidation")
    return {"validation": without_defaults(rule) if rule else None}


def _extended_value(value: Any) -> Json | None:
    """An ExtendedValue must set exactly one kind; text over 50,000 characters is refused like Google."""
    if not value:
        return None
    kinds = [k for k in VALUE_KINDS if value.get(k) is not None]
    if len(kinds) != 1:
        raise RequestProblem(
            "userEnteredValue must set exactly one of stringValue, numberValue, boolValue, formulaValue."
        )
    stored = {kinds[0]: value[kinds[0]]}
    if text_length(stored) > CELL_TEXT_LIMIT:
        raise RequestProblem(
            f"Your input contains more than the maximum of {CELL_TEXT_LIMIT} characters in a single cell."
        )
    return stored


def _cells(box: Box) -> Iterator[tuple[int, int]]:
    for row in range(box.start_row, box.end_row):
        for col in range(box.start_col, box.end_col):
            yield row, col


def update_cells(ctx: Context, body: Json) -> None:
    """updateCells from ``start`` (rows as given) or into ``range`` (cells the rows miss are cleared)."""
    mask = _mask(body)
    rows = body.get("rows") or []
    if "range" in body and body["range"] is not None:
        sheet, box = grid_box(ctx.spreadsheet, body["range"])
        _in_grid(sheet, box)
        for row, col in _cells(box):
            data = _data_at(rows, row - box.start_row, col - box.start_col)
            _put_checked(sheet, row, col, apply_cell_data(sheet.cell(row, col), data, mask))
        return
    start = body.get("start") or {}
    sheet, _ = grid_box(ctx.spreadsheet, {"sheetId": start.get("sheetId", 0)})
    top, left = int(start.get("rowIndex", 0) or 0), int(start.get("columnIndex", 0) or 0)
    height = len(rows)
    width = max((len((r or {}).get("values") or []) for r in rows), default=0)
    _in_grid(sheet, Box(top, top + height, left, left + width))
    for i, row_data in enumerate(rows):
        for j, data in enumerate((row_data or {}).get("values") or []):
            cell = apply_cell_data(sheet.cell(top + i, left + j), data or {}, mask)
            _put_checked(sheet, top + i, left + j, cell)


def _data_at(rows: list[Json], i: int, j: int) -> Json:
    if i >= len(rows):
        return {}
    values = (rows[i] or {}).get("values") or []
    return (values[j] or {}) if j < len(values) else {}


def repeat_cell(ctx: Context, body: Json) -> None:
    """repeatCell: the same CellData through the mask into every cell of the range."""
    mask = _mask(body)
    sheet, box = grid_box(ctx.spreadsheet, body.get("range") or {})
    _in_grid(sheet, box)
    data = body.get("cell") or {}
    for row, col in _cells(box):
        _put_checked(sheet, row, col, apply_cell_data(sheet.cell(row, col), data, mask))


def set_data_validation(ctx: Context, body: Json) -> None:
    """setDataValidation: the rule is stored on every cell of the range (no rule clears it)."""
    sheet, box = grid_box(ctx.spreadsheet, body.get("range") or {})
    _in_grid(sheet, box)
    rule = body.get("rule")
    if rule is not None and not (rule.get("condition") or {}).get("type"):
        raise RequestProblem("A data validation rule needs a condition type.")
    validation = without_defaults(rule) if rule else None
    for row, col in _cells(box):
        sheet.put(row, col, sheet.cell(row, col).with_(validation=validation))


def update_borders(ctx: Context, body: Json) -> None:
    """updateBorders: outer and inner borders stored in each cell's userEnteredFormat.borders."""
    sheet, box = grid_box(ctx.spreadsheet, body.get("range") or {})
    _in_grid(sheet, box)
    for row, col in _cells(box):
        sides = {
            "top": body.get("top") if row == box.start_row else body.get("innerHorizontal"),
            "bottom": body.get("bottom") if row == box.end_row - 1 else body.get("innerHorizontal"),
            "left": body.get("left") if col == box.start_col else body.get("innerVertical"),
            "right": body.get("right") if col == box.end_col - 1 else body.get("innerVertical"),
        }
        given = {side: border for side, border in sides.items() if border is not None}
        if not given:
            continue
        cell = sheet.cell(row, col)
        borders = {**((cell.format or {}).get("borders") or {}), **given}
        sheet.put(row, col, cell.with_(format=normalized_format({**(cell.format or {}), "borders": borders})))


def merge_cells(ctx: Context, body: Json) -> None:
    """mergeCells: MERGE_ALL, MERGE_ROWS or MERGE_COLUMNS. Each merged block keeps only its top-left value
    (the other cells' values are cleared; their formats and notes stay). Merges lying inside a new block are
    replaced by it (Google's answer to MERGE_ALL over two MERGE_ROWS merges, recorded by gspread); a merge
    only partly inside is refused (not verified against Google)."""
    sheet, box = grid_box(ctx.spreadsheet, body.get("range") or {})
    _in_grid(sheet, box)
    merge_type = body.get("mergeType", "MERGE_ALL")
    if merge_type == "MERGE_ROWS":
        boxes = [Box(r, r + 1, box.start_col, box.end_col) for r in range(box.start_row, box.end_row)]
    elif merge_type == "MERGE_COLUMNS":
        boxes = [Box(box.start_row, box.end_row, c, c + 1) for c in range(box.start_col, box.end_col)]
    else:
        boxes = [box]
    for part in boxes:
        if part.rows * part.cols < 2:
            continue
        overlapping = [m for m in sheet.merges if _merge_box(m).intersects(part)]
        if any(not _inside(_merge_box(m), part) for m in overlapping):
            raise RequestProblem("You can't merge cells that partially overlap an existing merge.")
        sheet.merges = [m for m in sheet.merges if m not in overlapping]
        sheet.merges.append(box_to_grid_range(sheet, part))
        _keep_top_left_value(sheet, part)


def _inside(inner: Box, outer: Box) -> bool:
    return (
        outer.start_row <= inner.start_row
        and inner.end_row <= outer.end_row
        and outer.start_col <= inner.start_col
        and inner.end_col <= outer.end_col
    )


def _keep_top_left_value(sheet: Sheet, box: Box) -> None:
    for row, col in _cells(box):
        if (row, col) != (box.start_row, box.start_col) and sheet.cell(row, col).value is not None:
            sheet.put(row, col, sheet.cell(row, col).with_(value=None))


def unmerge_cells(ctx: Context, body: Json) -> None:
    """unmergeCells: merges intersecting the range go."""
    sheet, box = grid_box(ctx.spreadsheet, body.get("range") or {})
    sheet.merges = [m for m in sheet.merges if not _merge_box(m).intersects(box)]


def _merge_box(merge: Json) -> Box:
    return Box(
        merge["startRowIndex"], merge["endRowIndex"], merge["startColumnIndex"], merge["endColumnIndex"]
    )


def _overlaps_merge(sheet: Sheet, box: Box) -> bool:
    return any(_merge_box(m).intersects(box) for m in sheet.merges)


HANDLERS = {
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "setDataValidation": set_data_validation,
    "updateBorders": update_borders,
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
}

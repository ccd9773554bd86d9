"""Spreadsheet state -> the JSON ``spreadsheets.get`` returns, honouring ``fields`` masks and ``ranges``.

Grid data is built directly under the mask (a whole-workbook read with ``includeGridData`` is the sync's main
read, so cells compute only the fields asked for). Google's quirks kept here: ``sheetId`` 0 is left out of
GridRange and DimensionRange objects; ``startRow``/``startColumn`` 0 are left out of GridData; trailing empty
rows and cells are left out of ``rowData``; an empty cell in the middle of a row is ``{}``.
"""

from __future__ import annotations

import copy
from typing import Any

from sheets_emulator import fieldmask
from sheets_emulator.a1 import Box
from sheets_emulator.fieldmask import Mask
from sheets_emulator.filtering import rows_hidden_by_filter
from sheets_emulator.formatting import effective_value, format_value, hyperlink
from sheets_emulator.model import (
    DEFAULT_COLUMN_PIXELS,
    DEFAULT_ROW_PIXELS,
    Cell,
    Json,
    Sheet,
    Spreadsheet,
)

SPREADSHEET_URL = "https://docs.google.com/spreadsheets/d/{}/edit"


def grid_range_json(grid_range: Json) -> Json:
    """A GridRange as Google answers it: without ``sheetId`` when it is 0."""
    out = {key: value for key, value in grid_range.items() if value is not None}
    if out.get("sheetId") == 0:
        del out["sheetId"]
    return out


def metadata_json(metadata: Json) -> Json:
    """DeveloperMetadata as Google answers it (DimensionRange without sheetId 0)."""
    out = copy.deepcopy(metadata)
    dimension_range = out.get("location", {}).get("dimensionRange")
    if dimension_range is not None and dimension_range.get("sheetId") == 0:
        del dimension_range["sheetId"]
    return out


def dimension_range_json(span: Json) -> Json:
    """A DimensionRange as Google answers it: without ``sheetId`` when it is 0."""
    return grid_range_json(span)


def ranged_json(item: Json) -> Json:
    """A FilterView, BasicFilter or NamedRange: its ``range`` without sheetId 0."""
    out = copy.deepcopy(item)
    if "range" in out:
        out["range"] = grid_range_json(out["range"])
    return out


def dimension_group_json(group: Json) -> Json:
    out = copy.deepcopy(group)
    out["range"] = dimension_range_json(group["range"])
    return out


def protected_range_json(protected: Json) -> Json:
    out = {key: copy.deepcopy(value) for key, value in protected.items() if value not in (None, False, "")}
    out["range"] = grid_range_json(protected["range"])
    out.setdefault("requestingUserCanEdit", True)
    return out


def conditional_format_json(rule: Json) -> Json:
    out = copy.deepcopy(rule)
    out["ranges"] = [grid_range_json(r) for r in rule.get("ranges", [])]
    return out


def spreadsheet_json(
    spreadsheet: Spreadsheet,
    *,
    mask: Mask | None = None,
    include_grid_data: bool = False,
    ranges: list[tuple[Sheet, Box]] | None = None,
) -> Json:
    """The Spreadsheet resource; with a mask, grid data is included when the mask asks for it (Google)."""
    sheets = sheets_in(spreadsheet, ranges)
    selected = top_json(spreadsheet, mask, [sheet_json(spreadsheet, sheet) for sheet in sheets])
    _add_grid_data(spreadsheet, selected, sheets, mask, include_grid_data, ranges)
    return selected


def top_json(spreadsheet: Spreadsheet, mask: Mask | None, sheets: list[Json] | None = None) -> Json:
    """The Spreadsheet resource under the mask, its ``sheets`` those given (none: the caller fills them in, as
    :mod:`sheets_emulator.answers` does), without grid data."""
    body: Json = {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "properties": copy.deepcopy(spreadsheet.properties),
        "sheets": sheets if sheets is not None else [],
    }
    top_metadata = [
        m for m in spreadsheet.developer_metadata if m["location"]["locationType"] == "SPREADSHEET"
    ]
    if spreadsheet.named_ranges:
        body["namedRanges"] = [ranged_json(n) for n in spreadsheet.named_ranges]
    if top_metadata:
        body["developerMetadata"] = [metadata_json(m) for m in top_metadata]
    body["spreadsheetUrl"] = SPREADSHEET_URL.format(spreadsheet.spreadsheet_id)
    return fieldmask.select(body, mask)  # type: ignore[no-any-return]


def sheets_in(spreadsheet: Spreadsheet, ranges: list[tuple[Sheet, Box]] | None) -> list[Sheet]:
    """With ``ranges``, only the sheets they name, in tab order."""
    if ranges is None:
        return list(spreadsheet.sheets)
    wanted = {sheet.sheet_id for sheet, _ in ranges}
    return [sheet for sheet in spreadsheet.sheets if sheet.sheet_id in wanted]


def sheet_boxes(sheet: Sheet, ranges: list[tuple[Sheet, Box]] | None) -> list[Box]:
    """The boxes of a sheet whose grid data is answered: the ranges on it, or the whole grid without ranges."""
    if ranges is None:
        return [Box(0, sheet.row_count, 0, sheet.col_count)]
    return [box for s, box in ranges if s.sheet_id == sheet.sheet_id]


def _add_grid_data(
    spreadsheet: Spreadsheet,
    selected: Json,
    sheets: list[Sheet],
    mask: Mask | None,
    include_grid_data: bool,
    ranges: list[tuple[Sheet, Box]] | None,
) -> None:
    grid_mask, wanted = data_mask(mask, include_grid_data)
    if not wanted or "sheets" not in selected:
        return
    for sheet, sheet_out in zip(sheets, selected["sheets"], strict=True):
        sheet_out["data"] = [
            grid_data_json(spreadsheet, sheet, box, grid_mask) for box in sheet_boxes(sheet, ranges)
        ]


def data_mask(mask: Mask | None, include_grid_data: bool) -> tuple[Mask | None, bool]:
    """(mask of each GridData, grid data wanted?): ``includeGridData`` is ignored when a field mask is given, the
    mask decides."""
    if mask is None:
        return None, include_grid_data
    selected, sheets_mask = fieldmask.child(mask, "sheets")
    if not selected:
        return None, False
    if sheets_mask is None:
        return None, True
    selected, grid_mask = fieldmask.child(sheets_mask, "data")
    return grid_mask, selected


def sheet_json(spreadsheet: Spreadsheet, sheet: Sheet) -> Json:
    """A Sheet resource without grid data, keys in Google's order, empty lists left out."""
    out: Json = {"properties": copy.deepcopy(sheet.properties)}
    if sheet.merges:
        out["merges"] = [grid_range_json(m) for m in sheet.merges]
    if sheet.conditional_formats:
        out["conditionalFormats"] = [conditional_format_json(r) for r in sheet.conditional_formats]
    if sheet.filter_views:
        out["filterViews"] = [ranged_json(v) for v in sheet.filter_views]
    if sheet.protected_ranges:
        out["protectedRanges"] = [protected_range_json(p) for p in sheet.protected_ranges]
    if sheet.basic_filter is not None:
        out["basicFilter"] = ranged_json(sheet.basic_filter)
    sheet_metadata = [
        m
        for m in spreadsheet.developer_metadata
        if m["location"]["locationType"] == "SHEET" and m["location"].get("sheetId") == sheet.sheet_id
    ]
    if sheet_metadata:
        out["developerMetadata"] = [metadata_json(m) for m in sheet_metadata]
    if sheet.row_groups:
        out["rowGroups"] = [dimension_group_json(g) for g in sheet.row_groups]
    if sheet.column_groups:
        out["columnGroups"] = [dimension_group_json(g) for g in sheet.column_groups]
    return out


def grid_data_json(spreadsheet: Spreadsheet, sheet: Sheet, box: Box, mask: Mask | None) -> Json:
    """One GridData: rowData (cells), rowMetadata and columnMetadata for a box of the sheet."""
    out: Json = {}
    if box.start_row and fieldmask.child(mask, "startRow")[0]:
        out["startRow"] = box.start_row
    if box.start_col and fieldmask.child(mask, "startColumn")[0]:
        out["startColumn"] = box.start_col
    selected, row_data_mask = fieldmask.child(mask, "rowData")
    if selected:
        rows = _row_data(spreadsheet, sheet, box, row_data_mask)
        if rows:
            out["rowData"] = rows
    selected, row_meta_mask = fieldmask.child(mask, "rowMetadata")
    if selected and box.rows:
        out["rowMetadata"] = fieldmask.select(
            _dimension_metadata(spreadsheet, sheet, box, "ROWS"), row_meta_mask
        )
    selected, col_meta_mask = fieldmask.child(mask, "columnMetadata")
    if selected and box.cols:
        out["columnMetadata"] = fieldmask.select(
            _dimension_metadata(spreadsheet, sheet, box, "COLUMNS"), col_meta_mask
        )
    return out


def _row_data(spreadsheet: Spreadsheet, sheet: Sheet, box: Box, mask: Mask | None) -> list[Json]:
    selected, values_mask = fieldmask.child(mask, "values")
    rows_with_cells = [
        r for r, cols in sheet.cells.items() if box.start_row <= r < box.end_row and _has_cell_in(cols, box)
    ]
    if not rows_with_cells:
        return []
    to_json = CellSerializer(spreadsheet.properties.get("defaultFormat", {}), values_mask)
    rows: list[Json] = []
    for row in range(box.start_row, max(rows_with_cells) + 1):
        cols = sheet.cells.get(row, {})
        in_box = [c for c in cols if box.start_col <= c < box.end_col]
        if not in_box or not selected:
            rows.append({})
            continue
        values = [to_json(cols[c]) if c in cols else {} for c in range(box.start_col, max(in_box) + 1)]
        rows.append({"values": values})
    return rows


def _has_cell_in(cols: dict[int, Cell], box: Box) -> bool:
    return any(box.start_col <= c < box.end_col for c in cols)


CELL_FIELDS = (
    "userEnteredValue",
    "effectiveValue",
    "formattedValue",
    "userEnteredFormat",
    "effectiveFormat",
    "note",
    "dataValidation",
    "hyperlink",
)


class CellSerializer:
    """CellData under a mask, computing only the fields the mask keeps (mask resolved once per grid)."""

    def __init__(self, default_format: Json, mask: Mask | None) -> None:
        self.default_format = default_format
        self.wanted: dict[str, Mask | None] = {}
        for name in CELL_FIELDS:
            selected, sub = fieldmask.child(mask, name)
            if selected:
                self.wanted[name] = sub
        self.needs_effective = "effectiveValue" in self.wanted or "formattedValue" in self.wanted

    def __call__(self, cell: Cell) -> Json:
        wanted = self.wanted
        out: Json = {}
        value = cell.value
        if value is not None:
            effective = effective_value(value) if self.needs_effective else None
            if "userEnteredValue" in wanted:
                out["userEnteredValue"] = self._select(value, "userEnteredValue")
            if effective is not None and "effectiveValue" in wanted:
                out["effectiveValue"] = self._select(effective, "effectiveValue")
            if "formattedValue" in wanted:
                out["formattedValue"] = _formatted(cell, effective)
            link = hyperlink(value) if "hyperlink" in wanted else None
            if link is not None:
                out["hyperlink"] = link[0]
        if cell.format and "userEnteredFormat" in wanted:
            out["userEnteredFormat"] = self._select(cell.format, "userEnteredFormat")
        if (value is not None or cell.format) and "effectiveFormat" in wanted:
            out["effectiveFormat"] = self._select(
                _merge(self.default_format, cell.format or {}), "effectiveFormat"
            )
        if cell.note is not None and "note" in wanted:
            out["note"] = cell.note
        if cell.validation is not None and "dataValidation" in wanted:
            out["dataValidation"] = self._select(cell.validation, "dataValidation")
        return out

    def _select(self, value: Any, name: str) -> Any:
        sub = self.wanted[name]
        return value if sub is None else fieldmask.select(value, sub)


def cell_json(cell: Cell, default_format: Json, mask: Mask | None) -> Json:
    """One CellData with only the masked fields."""
    return CellSerializer(default_format, mask)(cell)


def _formatted(cell: Cell, effective: Json | None) -> str:
    formula = cell.value.get("formulaValue") if cell.value else None
    number_format = (cell.format or {}).get("numberFormat")
    return format_value(effective, number_format, formula)


def _merge(base: Json, override: Json) -> Json:
    """effectiveFormat: the spreadsheet's default format overlaid with the cell's own."""
    out = dict(base)
    for key, value in override.items():
        out[key] = (
            _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
        )
    return out


def _dimension_metadata(spreadsheet: Spreadsheet, sheet: Sheet, box: Box, dimension: str) -> list[Json]:
    """DimensionProperties per row (or column) of the box, with the developer metadata attached to it."""
    if dimension == "ROWS":
        start, end, sizes, default = box.start_row, box.end_row, sheet.row_sizes, DEFAULT_ROW_PIXELS
        hidden = sheet.hidden_rows
        filtered = rows_hidden_by_filter(sheet)
    else:
        start, end, sizes, default = box.start_col, box.end_col, sheet.col_sizes, DEFAULT_COLUMN_PIXELS
        hidden, filtered = sheet.hidden_cols, set()
    attached = metadata_by_index(spreadsheet, sheet.sheet_id, dimension)
    out: list[Json] = []
    for index in range(start, end):
        entry: Json = {"hiddenByFilter": True} if index in filtered else {}
        if index in hidden:
            entry["hiddenByUser"] = True
        entry["pixelSize"] = sizes.get(index, default)
        if index in attached:
            entry["developerMetadata"] = [metadata_json(m) for m in attached[index]]
        out.append(entry)
    return out


def metadata_by_index(spreadsheet: Spreadsheet, sheet_id: int, dimension: str) -> dict[int, list[Json]]:
    """Row (or column) index -> developer metadata located on it."""
    location_type = "ROW" if dimension == "ROWS" else "COLUMN"
    attached: dict[int, list[Json]] = {}
    for metadata in spreadsheet.developer_metadata:
        location = metadata["location"]
        if location["locationType"] != location_type:
            continue
        span = location["dimensionRange"]
        if span.get("sheetId", 0) != sheet_id:
            continue
        for index in range(span["startIndex"], span["endIndex"]):
            attached.setdefault(index, []).append(metadata)
    return attached

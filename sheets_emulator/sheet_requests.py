"""batchUpdate requests about tabs and their grids: addSheet, duplicateSheet, deleteSheet,
updateSheetProperties, updateSpreadsheetProperties, appendDimension, insertDimension, deleteDimension,
moveDimension, updateDimensionProperties, autoResizeDimensions and sortRange.
"""

from __future__ import annotations

import copy
from typing import Any

from sheets_emulator import dimensions, fieldmask
from sheets_emulator.api import Context, required_mask
from sheets_emulator.errors import RequestProblem
from sheets_emulator.lookup import grid_box
from sheets_emulator.model import (
    DEFAULT_COLUMNS,
    DEFAULT_ROWS,
    Json,
    Sheet,
    Spreadsheet,
    new_sheet_properties,
)
from sheets_emulator.styles import with_color_styles
from sheets_emulator.values import check_cell_limit, exceeds_grid


def sheet_by_id(spreadsheet: Spreadsheet, sheet_id: Any) -> Sheet:
    sheet = spreadsheet.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise RequestProblem(f"No grid with id: {int(sheet_id or 0)}")
    return sheet


def _duplicate_title(title: str) -> RequestProblem:
    return RequestProblem(f'A sheet with the name "{title}" already exists. Please enter another name.')


def add_sheet(ctx: Context, body: Json) -> Json:
    """addSheet: a client-chosen sheetId is honoured; titles are unique ignoring case."""
    spreadsheet = ctx.spreadsheet
    requested = copy.deepcopy(body.get("properties") or {})
    sheet_id = requested.get("sheetId")
    if sheet_id is None:
        sheet_id = spreadsheet.new_id(spreadsheet.sheet_ids())
    elif spreadsheet.sheet_by_id(int(sheet_id)) is not None:
        raise RequestProblem(f"A sheet with the id {int(sheet_id)} already exists. Please enter another id.")
    title = requested.get("title") or _next_default_title(spreadsheet)
    if spreadsheet.sheet_by_title(title) is not None:
        raise _duplicate_title(title)
    grid = requested.get("gridProperties") or {}
    index = min(int(requested.get("index", len(spreadsheet.sheets))), len(spreadsheet.sheets))
    rows, cols = int(grid.get("rowCount", DEFAULT_ROWS)), int(grid.get("columnCount", DEFAULT_COLUMNS))
    properties = new_sheet_properties(int(sheet_id), title, index, rows, cols)
    _copy_extra_properties(requested, properties)
    sheet = Sheet(properties)
    _check_frozen(sheet)
    spreadsheet.sheets.insert(index, sheet)
    spreadsheet.renumber()
    check_cell_limit(spreadsheet)
    return {"addSheet": {"properties": copy.deepcopy(sheet.properties)}}


def _copy_extra_properties(requested: Json, properties: Json) -> None:
    """Frozen counts, tab colour, hidden flag and other properties the request sets."""
    grid = requested.get("gridProperties") or {}
    for key, value in grid.items():
        if key not in ("rowCount", "columnCount") and value not in (None, 0, False):
            properties["gridProperties"][key] = value
    for key, value in requested.items():
        if key not in ("sheetId", "title", "index", "gridProperties", "sheetType") and value not in (
            None,
            False,
        ):
            properties[key] = copy.deepcopy(value)
    with_color_styles(properties)


def _next_default_title(spreadsheet: Spreadsheet) -> str:
    number = len(spreadsheet.sheets) + 1
    while spreadsheet.sheet_by_title(f"Sheet{number}") is not None:
        number += 1
    return f"Sheet{number}"


def _check_frozen(sheet: Sheet) -> None:
    if int(sheet.grid.get("frozenRowCount", 0)) >= sheet.row_count > 0:
        raise RequestProblem("You can't freeze all visible rows on the sheet.")
    if int(sheet.grid.get("frozenColumnCount", 0)) >= sheet.col_count > 0:
        raise RequestProblem("You can't freeze all visible columns on the sheet.")


def delete_sheet(ctx: Context, body: Json) -> None:
    """deleteSheet: the last tab cannot go; metadata located on the tab goes with it."""
    spreadsheet = ctx.spreadsheet
    sheet = sheet_by_id(spreadsheet, body.get("sheetId"))
    if len(spreadsheet.sheets) == 1:
        raise RequestProblem("You can't remove all the sheets in a document.")
    spreadsheet.sheets.remove(sheet)
    ctx.forget_metadata_ids()
    spreadsheet.developer_metadata = [
        m for m in spreadsheet.developer_metadata if not _on_sheet(m, sheet.sheet_id)
    ]
    spreadsheet.renumber()


def _on_sheet(metadata: Json, sheet_id: int) -> bool:
    location = metadata["location"]
    if location["locationType"] == "SHEET":
        return int(location.get("sheetId", 0)) == sheet_id
    span = location.get("dimensionRange")
    return span is not None and int(span.get("sheetId", 0)) == sheet_id


def update_sheet_properties(ctx: Context, body: Json) -> None:
    """updateSheetProperties with a fields mask: title, index, grid size, frozen counts, tab colour..."""
    spreadsheet = ctx.spreadsheet
    requested = body.get("properties") or {}
    sheet = sheet_by_id(spreadsheet, requested.get("sheetId"))
    mask = required_mask(body)
    merged = fieldmask.apply_update(sheet.properties, requested, mask)
    merged["sheetId"] = sheet.sheet_id
    merged.setdefault("sheetType", "GRID")
    _check_title(spreadsheet, sheet, merged.get("title"))
    new_grid = merged.get("gridProperties") or {}
    old_rows, old_cols = sheet.row_count, sheet.col_count
    requested_index = merged.get("index")
    new_index = int(requested_index) if requested_index is not None else int(sheet.properties["index"])
    merged["gridProperties"] = {**new_grid, "rowCount": old_rows, "columnCount": old_cols}
    _sync_tab_color(merged, requested, mask)
    sheet.properties = merged
    dimensions.resize(spreadsheet, sheet, dimensions.ROWS, int(new_grid.get("rowCount", old_rows)))
    dimensions.resize(spreadsheet, sheet, dimensions.COLUMNS, int(new_grid.get("columnCount", old_cols)))
    _drop_zero_frozen(sheet)
    _check_frozen(sheet)
    _check_some_tab_visible(spreadsheet)
    _move_sheet(spreadsheet, sheet, new_index)
    check_cell_limit(spreadsheet)


def _check_some_tab_visible(spreadsheet: Spreadsheet) -> None:
    """Hiding the last visible tab is refused, as in Sheets."""
    if all(sheet.properties.get("hidden") for sheet in spreadsheet.sheets):
        raise RequestProblem("You can't hide all the sheets in a document.")


def _check_title(spreadsheet: Spreadsheet, sheet: Sheet, title: Any) -> None:
    if not title:
        raise RequestProblem("Sheet name cannot be empty.")
    other = spreadsheet.sheet_by_title(str(title))
    if other is not None and other is not sheet:
        raise _duplicate_title(str(title))


def _sync_tab_color(merged: Json, requested: Json, mask: fieldmask.Mask | None) -> None:
    """tabColor and tabColorStyle are one property seen twice: setting or clearing one does the other."""
    names = fieldmask.top_level(mask)
    if names is not None and "tabColor" in names and "tabColorStyle" not in names:
        merged.pop("tabColorStyle", None)
    if names is not None and "tabColorStyle" in names and "tabColor" not in names:
        merged.pop("tabColor", None)
        rgb = (requested.get("tabColorStyle") or {}).get("rgbColor")
        if rgb is not None:
            merged["tabColor"] = copy.deepcopy(rgb)
    with_color_styles(merged)


def _drop_zero_frozen(sheet: Sheet) -> None:
    """Google leaves frozen counts out once they are 0 (the freeze recording shows it)."""
    for key in ("frozenRowCount", "frozenColumnCount"):
        if not sheet.grid.get(key):
            sheet.grid.pop(key, None)


def _move_sheet(spreadsheet: Spreadsheet, sheet: Sheet, index: int) -> None:
    """Google's index is the position before the move: moving right lands one place earlier."""
    current = spreadsheet.sheets.index(sheet)
    if index == current:
        spreadsheet.renumber()
        return
    target = index - 1 if index > current else index
    spreadsheet.sheets.remove(sheet)
    spreadsheet.sheets.insert(max(0, min(target, len(spreadsheet.sheets))), sheet)
    spreadsheet.renumber()


def update_spreadsheet_properties(ctx: Context, body: Json) -> None:
    """updateSpreadsheetProperties (title, locale, timeZone...) with a fields mask."""
    mask = required_mask(body)
    merged = fieldmask.apply_update(ctx.spreadsheet.properties, body.get("properties") or {}, mask)
    if not merged.get("title"):
        raise RequestProblem("Spreadsheet title cannot be empty.")
    ctx.spreadsheet.properties = merged


def _dimension_range(spreadsheet: Spreadsheet, span: Json) -> tuple[Sheet, str, int, int]:
    """A DimensionRange checked against its sheet: (sheet, dimension, start, end)."""
    sheet = sheet_by_id(spreadsheet, span.get("sheetId"))
    dimension = span.get("dimension")
    if dimension not in (dimensions.ROWS, dimensions.COLUMNS):
        raise RequestProblem("dimension must be ROWS or COLUMNS.")
    count = sheet.row_count if dimension == dimensions.ROWS else sheet.col_count
    start = int(span.get("startIndex", 0) or 0)
    end = int(span["endIndex"]) if span.get("endIndex") is not None else count
    if start < 0 or end < start:
        raise RequestProblem(f"Invalid dimension range: startIndex {start}, endIndex {end}.")
    return sheet, dimension, start, end


def append_dimension(ctx: Context, body: Json) -> None:
    """appendDimension: rows or columns added at the end."""
    sheet = sheet_by_id(ctx.spreadsheet, body.get("sheetId"))
    dimension = body.get("dimension")
    if dimension not in (dimensions.ROWS, dimensions.COLUMNS):
        raise RequestProblem("dimension must be ROWS or COLUMNS.")
    length = int(body.get("length", 0))
    if length <= 0:
        raise RequestProblem("length must be greater than 0.")
    current = sheet.row_count if dimension == dimensions.ROWS else sheet.col_count
    dimensions.resize(ctx.spreadsheet, sheet, dimension, current + length)
    check_cell_limit(ctx.spreadsheet)


def insert_dimension(ctx: Context, body: Json) -> None:
    """insertDimension: shifts cells and grows the ranges the insertion falls inside."""
    sheet, dimension, start, end = _dimension_range(ctx.spreadsheet, body.get("range") or {})
    count = sheet.row_count if dimension == dimensions.ROWS else sheet.col_count
    if start > count:
        raise RequestProblem(
            f"Cannot insert at index {start}: the sheet has only {count} {dimension.lower()}."
        )
    inherit_before = bool(body.get("inheritFromBefore"))
    if inherit_before and start == 0:
        raise RequestProblem("Cannot inherit from before when inserting at index 0.")
    dimensions.insert(ctx.spreadsheet, sheet, dimension, start, end - start, inherit_before)
    check_cell_limit(ctx.spreadsheet)


def delete_dimension(ctx: Context, body: Json) -> None:
    """deleteDimension: at least one row and one column must remain, as in Sheets."""
    sheet, dimension, start, end = _dimension_range(ctx.spreadsheet, body.get("range") or {})
    count = sheet.row_count if dimension == dimensions.ROWS else sheet.col_count
    if end > count:
        raise RequestProblem(f"Cannot delete {dimension.lower()} past the end of the grid ({count}).")
    if start == 0 and end >= count:
        raise RequestProblem(f"You can't delete all the {dimension.lower()} on the sheet.")
    dimensions.delete(ctx.spreadsheet, sheet, dimension, start, end)


def update_dimension_properties(ctx: Context, body: Json) -> None:
    """updateDimensionProperties: pixelSize and hiddenByUser (other properties are refused, not ignored).

    A hidden row still reads and writes through the values API, as at Google.
    """
    sheet, dimension, start, end = _dimension_range(ctx.spreadsheet, body.get("range") or {})
    count = sheet.row_count if dimension == dimensions.ROWS else sheet.col_count
    if end > count:
        raise RequestProblem(f"Invalid dimension range: endIndex {end} is past the grid ({count}).")
    names = fieldmask.top_level(required_mask(body)) or {"pixelSize", "hiddenByUser"}
    unsupported = names - {"pixelSize", "hiddenByUser"}
    if unsupported:
        raise RequestProblem(
            f"the sheets-sync emulator supports only pixelSize and hiddenByUser, not {sorted(unsupported)}."
        )
    properties = body.get("properties") or {}
    if "pixelSize" in names:
        _set_sizes(sheet, dimension, range(start, end), properties.get("pixelSize"))
    if "hiddenByUser" in names:
        hidden = dimensions.hidden(sheet, dimension)
        if properties.get("hiddenByUser"):
            hidden.update(range(start, end))
        else:
            hidden.difference_update(range(start, end))


def _set_sizes(sheet: Sheet, dimension: str, indices: range, size: Any) -> None:
    sizes = sheet.row_sizes if dimension == dimensions.ROWS else sheet.col_sizes
    for index in indices:
        if size is None:
            sizes.pop(index, None)
        else:
            sizes[index] = int(size)


def move_dimension(ctx: Context, body: Json) -> None:
    """moveDimension: ``destinationIndex`` is counted before the source rows (or columns) are removed."""
    sheet, dimension, start, end = _dimension_range(ctx.spreadsheet, body.get("source") or {})
    count = sheet.row_count if dimension == dimensions.ROWS else sheet.col_count
    if end > count or start >= end:
        raise RequestProblem(
            f"Invalid source range [{start}, {end}) for a grid of {count} {dimension.lower()}."
        )
    if body.get("destinationIndex") is None:
        raise RequestProblem("destinationIndex is required.")
    destination = int(body["destinationIndex"])
    if not 0 <= destination <= count:
        raise RequestProblem(f"destinationIndex {destination} is outside the grid (0..{count}).")
    if start < destination < end:
        raise RequestProblem(f"destinationIndex {destination} is inside the source range [{start}, {end}).")
    dimensions.move(ctx.spreadsheet, sheet, dimension, start, end, destination)


def duplicate_sheet(ctx: Context, body: Json) -> Json:
    """duplicateSheet: a copy of a tab (cells, formats, notes, validation, sizes, hidden rows, merges,
    protections, rules, filters, groups and the tab's developer metadata, each with new ids); "Copy of X"
    when unnamed; inserted at ``insertSheetIndex`` (0 when unset)."""
    spreadsheet = ctx.spreadsheet
    source = sheet_by_id(spreadsheet, body.get("sourceSheetId"))
    new_id = body.get("newSheetId")
    if new_id is None:
        new_id = spreadsheet.new_id(spreadsheet.sheet_ids())
    elif spreadsheet.sheet_by_id(int(new_id)) is not None:
        raise RequestProblem(f"A sheet with the id {int(new_id)} already exists. Please enter another id.")
    title = body.get("newSheetName") or _copy_title(spreadsheet, source.title)
    if spreadsheet.sheet_by_title(title) is not None:
        raise _duplicate_title(title)
    index = int(body.get("insertSheetIndex") or 0)
    if not 0 <= index <= len(spreadsheet.sheets):
        raise RequestProblem(f"insertSheetIndex {index} is outside 0..{len(spreadsheet.sheets)}.")
    copy_ = _copied_sheet(spreadsheet, source, int(new_id), title)
    spreadsheet.sheets.insert(index, copy_)
    spreadsheet.renumber()
    check_cell_limit(spreadsheet)
    return {"duplicateSheet": {"properties": copy.deepcopy(copy_.properties)}}


def _copy_title(spreadsheet: Spreadsheet, title: str) -> str:
    candidate, number = f"Copy of {title}", 1
    while spreadsheet.sheet_by_title(candidate) is not None:
        number += 1
        candidate = f"Copy of {title} {number}"
    return candidate


def _copied_sheet(spreadsheet: Spreadsheet, source: Sheet, new_id: int, title: str) -> Sheet:
    copied = source.clone()
    copied.properties.update({"sheetId": new_id, "title": title})
    for protected in copied.protected_ranges:
        protected["protectedRangeId"] = spreadsheet.new_id(spreadsheet.protected_range_ids())
    for view in copied.filter_views:
        view["filterViewId"] = spreadsheet.new_id(filter_view_ids(spreadsheet))
    for attached in (
        copied.protected_ranges,
        copied.conditional_formats,
        copied.merges,
        copied.filter_views,
        copied.row_groups,
        copied.column_groups,
        [copied.basic_filter] if copied.basic_filter else [],
    ):
        retarget(attached, new_id)
    copied_metadata: list[Json] = []
    for metadata in spreadsheet.metadata_on(source.sheet_id):
        entry = copy.deepcopy(metadata)
        entry["metadataId"] = spreadsheet.new_id(
            spreadsheet.metadata_ids() | {m["metadataId"] for m in copied_metadata}
        )
        retarget(entry["location"], new_id)
        copied_metadata.append(entry)
    spreadsheet.developer_metadata.extend(copied_metadata)
    return copied


def retarget(value: Any, sheet_id: int) -> None:
    """Point every ``sheetId`` inside a JSON value at another sheet (in place)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "sheetId":
                value[key] = sheet_id
            else:
                retarget(item, sheet_id)
    elif isinstance(value, list):
        for item in value:
            retarget(item, sheet_id)


def filter_view_ids(spreadsheet: Spreadsheet) -> set[int]:
    return {int(v["filterViewId"]) for sheet in spreadsheet.sheets for v in sheet.filter_views}


def auto_resize_dimensions(ctx: Context, body: Json) -> None:
    """autoResizeDimensions: accepted, changes nothing (the emulator does not measure text)."""
    span = body.get("dimensions") or {}
    sheet_by_id(ctx.spreadsheet, span.get("sheetId"))


def sort_range(ctx: Context, body: Json) -> None:
    """sortRange: rows of the range reordered; see :func:`dimensions.sort_rows` for what moves."""
    sheet, box = grid_box(ctx.spreadsheet, body.get("range") or {})
    specs = body.get("sortSpecs") or []
    if not specs:
        raise RequestProblem("sortSpecs must not be empty.")
    if box.end_row > sheet.row_count or box.end_col > sheet.col_count:
        raise exceeds_grid(sheet, box)
    dimensions.sort_rows(
        ctx.spreadsheet, sheet, box, specs, move_row_metadata=ctx.options.sort_moves_row_metadata
    )


HANDLERS = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "appendDimension": append_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "moveDimension": move_dimension,
    "duplicateSheet": duplicate_sheet,
    "autoResizeDimensions": auto_resize_dimensions,
    "sortRange": sort_range,
}

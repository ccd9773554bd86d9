"""The ``spreadsheets.values`` methods: get, batchGet, update, batchUpdate, append, clear, batchClear and the
``...ByDataFilter`` forms.

Reads echo the requested range clipped to the grid (``Sheet1!A1:Z1000`` for ``Sheet1``), leave trailing empty
cells and rows out of ``values`` and leave ``values`` out for an empty range. Writes never grow the grid (400
"exceeds grid limits"), except append, which adds rows and columns as Google does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sheets_emulator import a1, dimensions, validation
from sheets_emulator.a1 import Box, column_letters, format_range
from sheets_emulator.api import ApiRequest, Context
from sheets_emulator.errors import ApiError, cell_limit_message, invalid
from sheets_emulator.formatting import (
    Today,
    effective_value,
    format_value,
    is_date_format,
    json_number,
    parse_raw,
    parse_user_entered,
    text_length,
)
from sheets_emulator.lookup import a1_box, a1_target, filter_targets
from sheets_emulator.model import CELL_LIMIT, CELL_TEXT_LIMIT, Cell, Json, Sheet, Spreadsheet

RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")


@dataclass(frozen=True)
class RenderOptions:
    major: str = "ROWS"
    value: str = "FORMATTED_VALUE"
    date_time: str = "SERIAL_NUMBER"


@dataclass
class WriteResult:
    """What one ValueRange write changed, in the shape of an UpdateValuesResponse."""

    sheet: Sheet
    box: Box
    cells: set[tuple[int, int]] = field(default_factory=set)

    def json(self, spreadsheet_id: str) -> Json:
        out: Json = {"spreadsheetId": spreadsheet_id}
        if self.box.empty:
            return out
        out["updatedRange"] = format_range(self.sheet.title, self.box)
        if self.cells:
            out["updatedRows"] = len({r for r, _ in self.cells})
            out["updatedColumns"] = len({c for _, c in self.cells})
            out["updatedCells"] = len(self.cells)
        return out


# ---------------------------------------------------------------- reading


def render_options(source: ApiRequest | Json, prefix: str = "") -> RenderOptions:
    """majorDimension / valueRenderOption / dateTimeRenderOption from a query, or from a body
    (``response...``)."""

    def get(name: str) -> Any:
        key = prefix + name[0].upper() + name[1:] if prefix and name != "majorDimension" else name
        return source.param(key) if isinstance(source, ApiRequest) else source.get(key)

    options = RenderOptions(
        major=get("majorDimension") or "ROWS",
        value=get("valueRenderOption") or "FORMATTED_VALUE",
        date_time=get("dateTimeRenderOption") or "SERIAL_NUMBER",
    )
    _check_enum(options.value, RENDER_OPTIONS, "value_render_option", "ValueRenderOption")
    _check_enum(options.major, ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED"), "major_dimension", "Dimension")
    return options


def _check_enum(value: str, allowed: tuple[str, ...], field_name: str, type_name: str) -> None:
    """Google's answer to an enum value it does not know."""
    if value not in allowed:
        type_url = f"type.googleapis.com/google.apps.sheets.v4.{type_name}"
        raise invalid(f"Invalid value at '{field_name}' ({type_url}), \"{value}\"")


def render_cell(cell: Cell, options: RenderOptions) -> Any:
    """One cell's value for a values response (None when empty)."""
    if cell.value is None:
        return None
    if options.value == "FORMULA" and "formulaValue" in cell.value:
        return cell.value["formulaValue"]
    effective = effective_value(cell.value)
    number_format = (cell.format or {}).get("numberFormat")
    if options.value == "FORMATTED_VALUE":
        return format_value(effective, number_format, cell.value.get("formulaValue"))
    if effective is None:
        return cell.value.get("formulaValue", "")
    if "numberValue" in effective:
        if options.date_time == "FORMATTED_STRING" and is_date_format(number_format):
            return format_value(effective, number_format)
        return json_number(effective["numberValue"])
    if "stringValue" in effective:
        return effective["stringValue"]
    if "boolValue" in effective:
        return bool(effective["boolValue"])
    return format_value(effective, number_format)


def read_box(sheet: Sheet, box: Box, options: RenderOptions) -> list[list[Any]]:
    """The values of a box, major dimension applied, trailing empty cells and lines left out."""
    if options.major == "COLUMNS":
        lines = [
            [sheet.cell(r, c) for r in range(box.start_row, box.end_row)] for c in _used_cols(sheet, box)
        ]
    else:
        lines = [
            [sheet.cell(r, c) for c in range(box.start_col, box.end_col)] for r in _used_rows(sheet, box)
        ]
    rendered = [[render_cell(cell, options) for cell in line] for line in lines]
    return _trim(rendered)


def _used_rows(sheet: Sheet, box: Box) -> range:
    """Rows up to the last one holding a value in the box (avoids rendering 1000 empty rows)."""
    used = [
        r for r, cols in sheet.cells.items() if box.start_row <= r < box.end_row and _has_value(cols, box)
    ]
    return range(box.start_row, max(used) + 1) if used else range(0)


def _used_cols(sheet: Sheet, box: Box) -> range:
    used = [
        c
        for r, cols in sheet.cells.items()
        if box.start_row <= r < box.end_row
        for c, cell in cols.items()
        if box.start_col <= c < box.end_col and cell.value is not None
    ]
    return range(box.start_col, max(used) + 1) if used else range(0)


def _has_value(cols: dict[int, Cell], box: Box) -> bool:
    return any(box.start_col <= c < box.end_col and cell.value is not None for c, cell in cols.items())


def _trim(lines: list[list[Any]]) -> list[list[Any]]:
    out = []
    for line in lines:
        end = len(line)
        while end and line[end - 1] is None:
            end -= 1
        out.append(["" if value is None else value for value in line[:end]])
    while out and not out[-1]:
        out.pop()
    return out


def value_range(sheet: Sheet, box: Box, options: RenderOptions) -> Json:
    """A ValueRange: ``range`` as Google writes it, ``values`` only when something is there."""
    out: Json = {"range": format_range(sheet.title, box), "majorDimension": _major_name(options.major)}
    values = read_box(sheet, box, options)
    if values:
        out["values"] = values
    return out


def _major_name(major: str) -> str:
    return "COLUMNS" if major == "COLUMNS" else "ROWS"


def readable_box(sheet: Sheet, box: Box) -> Box:
    """A read range clipped to the grid; a range starting past the grid is a 400, as at Google."""
    if box.start_row >= sheet.row_count or box.start_col >= sheet.col_count:
        raise exceeds_grid(sheet, box)
    return a1.clip(box, sheet.row_count, sheet.col_count)


def exceeds_grid(sheet: Sheet, box: Box) -> ApiError:
    return invalid(
        f"Range ({format_range(sheet.title, box)}) exceeds grid limits. "
        f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}"
    )


def get(ctx: Context, request: ApiRequest) -> Json:
    """values.get"""
    sheet, box = a1_box(ctx.spreadsheet, request.range_text or "")
    return value_range(sheet, readable_box(sheet, box), render_options(request))


def batch_get(ctx: Context, request: ApiRequest) -> Json:
    """values.batchGet"""
    options = render_options(request)
    ranges = []
    for text in request.params("ranges"):
        sheet, box = a1_box(ctx.spreadsheet, text)
        ranges.append(value_range(sheet, readable_box(sheet, box), options))
    return {"spreadsheetId": ctx.spreadsheet.spreadsheet_id, "valueRanges": ranges}


def batch_get_by_data_filter(ctx: Context, request: ApiRequest) -> Json:
    """values.batchGetByDataFilter: one MatchedValueRange per range each filter selects."""
    body = request.json_body()
    options = render_options(body)
    matched = []
    for data_filter in body.get("dataFilters", []):
        for sheet, box in filter_targets(ctx.spreadsheet, data_filter):
            clipped = readable_box(sheet, box)
            matched.append({"valueRange": value_range(sheet, clipped, options), "dataFilters": [data_filter]})
    out: Json = {"spreadsheetId": ctx.spreadsheet.spreadsheet_id}
    if matched:
        out["valueRanges"] = matched
    return out


# ---------------------------------------------------------------- writing


def input_option(value: Any) -> str:
    if value in (None, ""):
        raise invalid("'valueInputOption' is required but not specified")
    if value not in INPUT_OPTIONS:
        raise invalid(
            f"Invalid value at 'value_input_option' "
            f'(type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "{value}"'
        )
    return str(value)


def _check_values(values: Any, field_name: str) -> list[list[Any]]:
    """``values`` must be a list of lists (Google's own error text otherwise, as recorded)."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise _list_value_error(field_name, values)
    for line in values:
        if not isinstance(line, list):
            raise _list_value_error(field_name, line)
    return values


def _list_value_error(field_name: str, value: Any) -> ApiError:
    shown = value if isinstance(value, str) else str(value)
    message = f"Invalid value at '{field_name}' (type.googleapis.com/google.protobuf.ListValue), \"{shown}\""
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": field_name, "description": message}],
        }
    ]
    return ApiError(400, message, details=details)


def _grid_positions(values: list[list[Any]], major: str) -> list[tuple[int, int, Any]]:
    """(row offset, column offset, value) for every value sent; COLUMNS lists are columns."""
    positions = []
    for i, line in enumerate(values):
        for j, value in enumerate(line):
            positions.append((i, j, value) if major != "COLUMNS" else (j, i, value))
    return positions


def write_values(
    spreadsheet: Spreadsheet,
    sheet: Sheet,
    anchor: Box,
    values: list[list[Any]],
    major: str,
    option: str,
    *,
    bounded: bool,
    today: Today | None = None,
) -> WriteResult:
    """Write a ValueRange at ``anchor``'s top-left; with ``bounded``, the data must fit inside ``anchor``.

    A value a strict dropdown or checkbox refuses is a 400 and the request changes nothing (see
    :mod:`sheets_emulator.validation`)."""
    positions = _grid_positions(values, major)
    rows = max((r for r, _, _ in positions), default=-1) + 1
    cols = max((c for _, c, _ in positions), default=-1) + 1
    extent = Box(anchor.start_row, anchor.start_row + rows, anchor.start_col, anchor.start_col + cols)
    if bounded:
        _check_within(sheet, anchor, extent)
    if extent.end_row > sheet.row_count or extent.end_col > sheet.col_count:
        raise exceeds_grid(sheet, extent)
    result = WriteResult(sheet=sheet, box=extent)
    for row_offset, col_offset, value in positions:
        if value is None:
            continue  # Google skips nulls: the cell keeps what it has
        row, col = anchor.start_row + row_offset, anchor.start_col + col_offset
        written = typed_cell(sheet.cell(row, col), value, option, today=today)
        if not validation.allowed(written):
            raise invalid(validation.refusal(row, col))
        sheet.put(row, col, written)
        result.cells.add((row, col))
    return result


def typed_cell(cell: Cell, value: Any, option: str, *, today: Today | None = None) -> Cell:
    """A cell after a value is written into it: formats, notes and validation stay; USER_ENTERED may add a
    format. A cell formatted as plain text (number format TEXT) keeps typed text as it is, as Sheets does."""
    plain_text = ((cell.format or {}).get("numberFormat") or {}).get("type") == "TEXT"
    if option == "USER_ENTERED" and plain_text and isinstance(value, str):
        parsed, implied_format = parse_raw(value), None
    elif option == "USER_ENTERED":
        parsed, implied_format = parse_user_entered(value, today)
    else:
        parsed, implied_format = parse_raw(value), None
    if text_length(parsed) > CELL_TEXT_LIMIT:
        raise invalid(
            f"Your input contains more than the maximum of {CELL_TEXT_LIMIT} characters in a single cell."
        )
    cell_format = cell.format
    if implied_format and not (cell_format or {}).get("numberFormat"):
        cell_format = {**(cell_format or {}), "numberFormat": implied_format}
    return Cell(parsed, cell_format, cell.note, cell.validation)


def _check_within(sheet: Sheet, anchor: Box, extent: Box) -> None:
    """Data sent for a bounded range must fit in it (Google names the first row or column outside)."""
    within = f"Requested writing within range [{format_range(sheet.title, anchor)}]"
    if extent.end_row > anchor.end_row:
        raise invalid(f"{within}, but tried writing to row [{extent.end_row}]")
    if extent.end_col > anchor.end_col:
        raise invalid(f"{within}, but tried writing to column [{column_letters(extent.end_col - 1)}]")


def _write_a1(ctx: Context, text: str, body: Json, option: str, field_name: str) -> WriteResult:
    """Write one ValueRange given by A1.

    A single cell is an anchor the data may extend from; any other range is a box the data must fit in.
    """
    sheet, parsed = a1_target(ctx.spreadsheet, text)
    anchor = a1.resolve(parsed, sheet.row_count, sheet.col_count)
    values = _check_values(body.get("values"), field_name)
    major = body.get("majorDimension") or "ROWS"
    return write_values(
        ctx.spreadsheet,
        sheet,
        anchor,
        values,
        major,
        option,
        bounded=not parsed.is_single_cell,
        today=ctx.options.today,
    )


def _check_body_range(url_range: str, body: Json) -> None:
    """A ``range`` in the body must repeat the URL's, character for character (Google compares the text:
    ``Students`` and ``Students!A1`` differ)."""
    body_range = body.get("range")
    if body_range is not None and body_range != url_range:
        raise invalid(f"Request range[{url_range}] does not match value's range[{body_range}]")


def update(ctx: Context, request: ApiRequest) -> Json:
    """values.update (PUT .../values/{range})"""
    option = input_option(request.param("valueInputOption"))
    body = request.json_body()
    text = request.range_text or ""
    _check_body_range(text, body)
    result = _write_a1(ctx, text, body, option, "data.values")
    out = result.json(ctx.spreadsheet.spreadsheet_id)
    if request.flag("includeValuesInResponse"):
        out["updatedData"] = value_range(result.sheet, result.box, render_options(request, "response"))
    return out


def batch_update(ctx: Context, request: ApiRequest) -> Json:
    """values.batchUpdate"""
    body = request.json_body()
    option = input_option(body.get("valueInputOption"))
    results = []
    for index, value_range_body in enumerate(body.get("data") or []):
        text = value_range_body.get("range") or ""
        results.append(_write_a1(ctx, text, value_range_body, option, f"data[{index}].values"))
    return _batch_response(ctx, results, body)


def _batch_response(
    ctx: Context, results: list[WriteResult], body: Json, filters: list[Json] | None = None
) -> Json:
    spreadsheet_id = ctx.spreadsheet.spreadsheet_id
    out: Json = {"spreadsheetId": spreadsheet_id}
    cells = {(r.sheet.sheet_id, row, col) for r in results for row, col in r.cells}
    if cells:
        out["totalUpdatedRows"] = len({(s, row) for s, row, _ in cells})
        out["totalUpdatedColumns"] = len({(s, col) for s, _, col in cells})
        out["totalUpdatedCells"] = len(cells)
        out["totalUpdatedSheets"] = len({s for s, _, _ in cells})
    responses = []
    for index, result in enumerate(results):
        entry = result.json(spreadsheet_id)
        if filters is not None:
            entry.pop("spreadsheetId", None)
            entry["dataFilter"] = filters[index]
        if body.get("includeValuesInResponse"):
            entry["updatedData"] = value_range(result.sheet, result.box, render_options(body, "response"))
        responses.append(entry)
    if responses:
        out["responses"] = responses
    return out


def batch_update_by_data_filter(ctx: Context, request: ApiRequest) -> Json:
    """values.batchUpdateByDataFilter: a filter matching several ranges writes to each; matching none writes
    nothing."""
    body = request.json_body()
    option = input_option(body.get("valueInputOption"))
    results, filters = [], []
    for index, item in enumerate(body.get("data") or []):
        data_filter = item.get("dataFilter") or {}
        values = _check_values(item.get("values"), f"data[{index}].values")
        for sheet, box in filter_targets(ctx.spreadsheet, data_filter):
            major = item.get("majorDimension") or "ROWS"
            results.append(
                write_values(
                    ctx.spreadsheet,
                    sheet,
                    box,
                    values,
                    major,
                    option,
                    bounded=True,
                    today=ctx.options.today,
                )
            )
            filters.append(data_filter)
    return _batch_response(ctx, results, body, filters)


def clear_box(sheet: Sheet, box: Box) -> None:
    """Clear values only: formats, notes and validation stay (as values.clear does)."""
    for row in [r for r in sheet.cells if box.start_row <= r < box.end_row]:
        for col in [c for c in sheet.cells[row] if box.start_col <= c < box.end_col]:
            sheet.put(row, col, sheet.cells[row][col].with_(value=None))


def _clear_a1(ctx: Context, text: str) -> str:
    sheet, box = a1_box(ctx.spreadsheet, text)
    clipped = readable_box(sheet, box)
    clear_box(sheet, clipped)
    return format_range(sheet.title, clipped)


def clear(ctx: Context, request: ApiRequest) -> Json:
    """values.clear"""
    cleared = _clear_a1(ctx, request.range_text or "")
    return {"spreadsheetId": ctx.spreadsheet.spreadsheet_id, "clearedRange": cleared}


def batch_clear(ctx: Context, request: ApiRequest) -> Json:
    """values.batchClear"""
    ranges = request.json_body().get("ranges") or []
    cleared = [_clear_a1(ctx, text) for text in ranges]
    return {"spreadsheetId": ctx.spreadsheet.spreadsheet_id, "clearedRanges": cleared}


def batch_clear_by_data_filter(ctx: Context, request: ApiRequest) -> Json:
    """values.batchClearByDataFilter"""
    cleared = []
    for data_filter in request.json_body().get("dataFilters") or []:
        for sheet, box in filter_targets(ctx.spreadsheet, data_filter):
            clipped = readable_box(sheet, box)
            clear_box(sheet, clipped)
            cleared.append(format_range(sheet.title, clipped))
    out: Json = {"spreadsheetId": ctx.spreadsheet.spreadsheet_id}
    if cleared:
        out["clearedRanges"] = cleared
    return out


# ---------------------------------------------------------------- append


def append(ctx: Context, request: ApiRequest) -> Json:
    """values.append: find the table in the range, write after its last row (growing the grid when needed)."""
    option = input_option(request.param("valueInputOption"))
    body = request.json_body()
    text = request.range_text or ""
    _check_body_range(text, body)
    sheet, parsed = a1_target(ctx.spreadsheet, text)
    box = a1.resolve(parsed, sheet.row_count, sheet.col_count)
    values = _check_values(body.get("values"), "data.values")
    major = body.get("majorDimension") or "ROWS"
    table = find_table(sheet, box, single_cell=parsed.is_single_cell)
    start_row, start_col = (table.end_row, table.start_col) if table else (box.start_row, box.start_col)
    positions = _grid_positions(values, major)
    rows = max((r for r, _, _ in positions), default=-1) + 1
    cols = max((c for _, c, _ in positions), default=-1) + 1
    _make_room(ctx.spreadsheet, sheet, start_row, start_col, rows, cols, request.param("insertDataOption"))
    anchor = Box(start_row, start_row + rows, start_col, start_col + cols)
    result = write_values(
        ctx.spreadsheet, sheet, anchor, values, major, option, bounded=False, today=ctx.options.today
    )
    out: Json = {"spreadsheetId": ctx.spreadsheet.spreadsheet_id}
    if table:
        out["tableRange"] = format_range(sheet.title, table)
    out["updates"] = result.json(ctx.spreadsheet.spreadsheet_id)
    if request.flag("includeValuesInResponse"):
        out["updates"]["updatedData"] = value_range(sheet, result.box, render_options(request, "response"))
    return out


def find_table(sheet: Sheet, box: Box, *, single_cell: bool) -> Box | None:
    """The "table" append writes after, as Google finds it.

    Tables are the blocks of non-empty cells joined side by side or one above the other (a row that starts
    with empty cells still joins the block above it; an empty row or column separates two tables). For a
    range, the table is the last block inside it (lowest, then rightmost): gspread's recordings show ``x, "",
    y`` in row 1 appended to as table ``C1``. For a single cell, it is the block holding that cell
    (``tableRange`` ``Sheet1!A1`` when B1 is empty) or, for an empty cell, the block of the first value right
    of it in its row; an empty row has no table and the values go where the cell is (recorded: an append
    at an inserted empty row A2 writes A2).
    """
    area = (
        Box(box.start_row, sheet.row_count, box.start_col, sheet.col_count)
        if single_cell
        else a1.clip(box, sheet.row_count, sheet.col_count)
    )
    filled = {
        (r, c)
        for r, cols in sheet.cells.items()
        if area.start_row <= r < area.end_row
        for c, cell in cols.items()
        if area.start_col <= c < area.end_col and cell.value is not None
    }
    if not filled:
        return None
    if single_cell:
        row = box.start_row
        first = min((c for r, c in filled if r == row), default=None)
        return _block_box(_block(filled, (row, first))) if first is not None else None
    blocks = _blocks(filled)
    return max((_block_box(block) for block in blocks), key=lambda b: (b.end_row, b.start_col))


def _block(filled: set[tuple[int, int]], start: tuple[int, int]) -> set[tuple[int, int]]:
    """The cells joined to ``start`` through side-by-side or stacked neighbours."""
    seen, todo = {start}, [start]
    while todo:
        row, col = todo.pop()
        for neighbour in ((row + 1, col), (row - 1, col), (row, col + 1), (row, col - 1)):
            if neighbour in filled and neighbour not in seen:
                seen.add(neighbour)
                todo.append(neighbour)
    return seen


def _blocks(filled: set[tuple[int, int]]) -> list[set[tuple[int, int]]]:
    blocks, left = [], set(filled)
    while left:
        block = _block(left, min(left))
        blocks.append(block)
        left -= block
    return blocks


def _block_box(block: set[tuple[int, int]]) -> Box:
    rows, cols = [r for r, _ in block], [c for _, c in block]
    return Box(min(rows), max(rows) + 1, min(cols), max(cols) + 1)


def _make_room(
    spreadsheet: Spreadsheet,
    sheet: Sheet,
    row: int,
    col: int,
    rows: int,
    cols: int,
    insert_option: str | None,
) -> None:
    """INSERT_ROWS inserts rows for the data; OVERWRITE grows the grid only when the data runs past it."""
    if insert_option == "INSERT_ROWS" and rows:
        dimensions.insert(
            spreadsheet, sheet, dimensions.ROWS, min(row, sheet.row_count), rows, inherit_before=row > 0
        )
    if row + rows > sheet.row_count:
        dimensions.resize(spreadsheet, sheet, dimensions.ROWS, row + rows)
    if col + cols > sheet.col_count:
        dimensions.resize(spreadsheet, sheet, dimensions.COLUMNS, col + cols)
    check_cell_limit(spreadsheet)


def check_cell_limit(spreadsheet: Spreadsheet) -> None:
    """Google's 10,000,000-cell limit per spreadsheet."""
    if spreadsheet.total_cells() > CELL_LIMIT:
        raise invalid(cell_limit_message(CELL_LIMIT))

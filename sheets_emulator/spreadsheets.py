"""The ``spreadsheets`` methods other than batchUpdate: get, getByDataFilter, create, and developer metadata
search and get.
"""

from __future__ import annotations

import secrets
import string

from sheets_emulator import fieldmask
from sheets_emulator.a1 import Box
from sheets_emulator.answers import SpreadsheetAnswer
from sheets_emulator.api import ApiRequest, Context
from sheets_emulator.errors import RequestProblem, invalid, not_found
from sheets_emulator.lookup import a1_box, filter_targets, search_metadata
from sheets_emulator.model import (
    DEFAULT_COLUMNS,
    DEFAULT_ROWS,
    Json,
    Sheet,
    Spreadsheet,
    new_spreadsheet,
)
from sheets_emulator.serialize import metadata_json
from sheets_emulator.sheet_requests import add_sheet

ID_ALPHABET = string.ascii_letters + string.digits + "-_"


def new_spreadsheet_id() -> str:
    """A Google-looking id: 44 characters from [A-Za-z0-9-_], starting with 1."""
    return "1" + "".join(secrets.choice(ID_ALPHABET) for _ in range(43))


def _mask(request: ApiRequest) -> fieldmask.Mask | None:
    fields = request.param("fields")
    if fields is None:
        return None
    try:
        return fieldmask.parse(fields)
    except fieldmask.MaskError as error:
        raise invalid(str(error)) from None


def _clip(sheet: Sheet, box: Box) -> Box:
    return Box(
        min(box.start_row, sheet.row_count),
        min(box.end_row, sheet.row_count),
        min(box.start_col, sheet.col_count),
        min(box.end_col, sheet.col_count),
    )


def _answer(
    ctx: Context, mask: fieldmask.Mask | None, include_grid_data: bool, ranges: list[tuple[Sheet, Box]] | None
) -> Json | SpreadsheetAnswer:
    """The Spreadsheet resource, encoded from the tabs' memoized text unless the emulator is told not to."""
    answer = SpreadsheetAnswer(ctx.spreadsheet, mask, include_grid_data, ranges)
    return answer if ctx.options.cache_answers else answer.as_json()


def get(ctx: Context, request: ApiRequest) -> Json | SpreadsheetAnswer:
    """spreadsheets.get: ``ranges`` limit the sheets (and grid data) returned; ``fields`` masks the answer."""
    ranges = None
    if request.params("ranges"):
        ranges = []
        for text in request.params("ranges"):
            sheet, box = a1_box(ctx.spreadsheet, text)
            ranges.append((sheet, _clip(sheet, box)))
    return _answer(ctx, _mask(request), request.flag("includeGridData"), ranges)


def get_by_data_filter(ctx: Context, request: ApiRequest) -> Json | SpreadsheetAnswer:
    """spreadsheets.getByDataFilter: like get, the ranges given as DataFilters."""
    body = request.json_body()
    ranges = [
        (sheet, _clip(sheet, box))
        for data_filter in body.get("dataFilters") or []
        for sheet, box in filter_targets(ctx.spreadsheet, data_filter)
    ]
    return _answer(
        ctx, _mask(request), bool(body.get("includeGridData")), ranges if body.get("dataFilters") else None
    )


def create(body: Json, spreadsheet_id: str) -> Spreadsheet:
    """spreadsheets.create: title and tabs from the body (one ``Sheet1`` when none are given)."""
    properties = body.get("properties") or {}
    spreadsheet = new_spreadsheet(spreadsheet_id, str(properties.get("title") or "Untitled spreadsheet"))
    for key, value in properties.items():
        if key != "title" and value is not None:
            spreadsheet.properties[key] = value
    requested_sheets = body.get("sheets") or []
    if requested_sheets:
        spreadsheet.sheets = []
    ctx = Context(spreadsheet)
    for requested in requested_sheets:
        sheet_properties = dict(requested.get("properties") or {})
        grid = sheet_properties.setdefault("gridProperties", {})
        grid.setdefault("rowCount", DEFAULT_ROWS)
        grid.setdefault("columnCount", DEFAULT_COLUMNS)
        try:
            add_sheet(ctx, {"properties": sheet_properties})
        except RequestProblem as problem:
            raise invalid(str(problem)) from None
    return spreadsheet


def search_developer_metadata(ctx: Context, request: ApiRequest) -> Json:
    """developerMetadata:search: ``{}`` when nothing matches, as Google answers."""
    matched = search_metadata(ctx.spreadsheet, request.json_body().get("dataFilters") or [])
    if not matched:
        return {}
    return {
        "matchedDeveloperMetadata": [
            {"developerMetadata": metadata_json(m["developerMetadata"]), "dataFilters": m["dataFilters"]}
            for m in matched
        ]
    }


def get_developer_metadata(ctx: Context, request: ApiRequest) -> Json:
    """developerMetadata.get by id (404 when unknown)."""
    try:
        wanted = int(request.metadata_id or "")
    except ValueError:
        raise invalid(f"Invalid metadataId: {request.metadata_id}") from None
    for metadata in ctx.spreadsheet.developer_metadata:
        if int(metadata["metadataId"]) == wanted:
            return metadata_json(metadata)
    raise not_found()

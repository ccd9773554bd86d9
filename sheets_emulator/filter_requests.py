"""batchUpdate requests about filters: setBasicFilter, clearBasicFilter, addFilterView, updateFilterView,
duplicateFilterView and deleteFilterView.

A filter's range is stored with every bound explicit and clipped to the grid (Google answers
``{"range": {"startRowIndex": 0, "endRowIndex": 20, "startColumnIndex": 0, "endColumnIndex": 20}}`` for a
filter set on a whole 20 x 20 tab). Filters never change what the values API reads or writes: a row a filter
hides (``hiddenByFilter`` in rowMetadata) still reads and writes as any other.
"""

from __future__ import annotations

import copy
from typing import Any

from sheets_emulator import fieldmask
from sheets_emulator.a1 import Box
from sheets_emulator.api import Context, required_mask
from sheets_emulator.errors import RequestProblem
from sheets_emulator.lookup import box_to_grid_range, grid_box
from sheets_emulator.model import Json, Sheet, Spreadsheet
from sheets_emulator.serialize import ranged_json
from sheets_emulator.sheet_requests import filter_view_ids, sheet_by_id
from sheets_emulator.styles import without_nulls

FILTER_KEYS = ("sortSpecs", "criteria", "filterSpecs")


def clipped_range(spreadsheet: Spreadsheet, grid_range: Json) -> tuple[Sheet, Json]:
    """A GridRange with every bound explicit, clipped to its sheet's grid."""
    sheet, box = grid_box(spreadsheet, grid_range)
    clipped = Box(
        max(0, box.start_row),
        min(box.end_row, sheet.row_count),
        max(0, box.start_col),
        min(box.end_col, sheet.col_count),
    )
    if clipped.empty:
        raise RequestProblem("The filter range must hold at least one cell inside the grid.")
    return sheet, box_to_grid_range(sheet, clipped)


def _filter_body(requested: Json) -> Json:
    return {key: copy.deepcopy(requested[key]) for key in FILTER_KEYS if requested.get(key)}


def set_basic_filter(ctx: Context, body: Json) -> None:
    """setBasicFilter: the tab's one basic filter is replaced (a tab without ``range`` bounds: all of it)."""
    requested = body.get("filter") or {}
    sheet, grid_range = clipped_range(ctx.spreadsheet, requested.get("range") or {})
    sheet.basic_filter = {"range": grid_range, **_filter_body(requested)}


def clear_basic_filter(ctx: Context, body: Json) -> None:
    """clearBasicFilter: the tab's basic filter goes (clearing a tab without one is fine)."""
    sheet = sheet_by_id(ctx.spreadsheet, body.get("sheetId"))
    sheet.basic_filter = None


def add_filter_view(ctx: Context, body: Json) -> Json:
    """addFilterView: the reply carries the stored view with its filterViewId."""
    spreadsheet = ctx.spreadsheet
    requested = body.get("filter") or {}
    sheet, grid_range = clipped_range(spreadsheet, requested.get("range") or {})
    view_id = requested.get("filterViewId")
    if view_id is None:
        view_id = spreadsheet.new_id(filter_view_ids(spreadsheet))
    elif int(view_id) in filter_view_ids(spreadsheet):
        raise RequestProblem(f"A filter view with id {int(view_id)} already exists.")
    view: Json = {"filterViewId": int(view_id)}
    if requested.get("title"):
        view["title"] = str(requested["title"])
    view["range"] = grid_range
    view.update(_filter_body(requested))
    sheet.filter_views.append(view)
    return {"addFilterView": {"filter": ranged_json(view)}}


def find_filter_view(spreadsheet: Spreadsheet, view_id: Any) -> tuple[Sheet, Json]:
    for sheet in spreadsheet.sheets:
        for view in sheet.filter_views:
            if int(view["filterViewId"]) == int(view_id or 0):
                return sheet, view
    raise RequestProblem(f"No filter view with id: {view_id}")


def update_filter_view(ctx: Context, body: Json) -> None:
    """updateFilterView: the masked fields of the view change (its id stays)."""
    requested = body.get("filter") or {}
    sheet, view = find_filter_view(ctx.spreadsheet, requested.get("filterViewId"))
    merged = without_nulls(fieldmask.apply_update(view, requested, required_mask(body)))
    merged["filterViewId"] = view["filterViewId"]
    target, merged["range"] = clipped_range(
        ctx.spreadsheet, merged.get("range") or {"sheetId": sheet.sheet_id}
    )
    sheet.filter_views.remove(view)
    target.filter_views.append(merged)


def duplicate_filter_view(ctx: Context, body: Json) -> Json:
    """duplicateFilterView: a copy with a new id, titled "Copy of <title>" (not verified against Google)."""
    spreadsheet = ctx.spreadsheet
    sheet, view = find_filter_view(spreadsheet, body.get("filterId"))
    copied = copy.deepcopy(view)
    copied["filterViewId"] = spreadsheet.new_id(filter_view_ids(spreadsheet))
    copied["title"] = f"Copy of {view.get('title', '')}".rstrip()
    sheet.filter_views.append(copied)
    return {"duplicateFilterView": {"filter": ranged_json(copied)}}


def delete_filter_view(ctx: Context, body: Json) -> None:
    sheet, view = find_filter_view(ctx.spreadsheet, body.get("filterId"))
    sheet.filter_views.remove(view)


HANDLERS = {
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "addFilterView": add_filter_view,
    "updateFilterView": update_filter_view,
    "duplicateFilterView": duplicate_filter_view,
    "deleteFilterView": delete_filter_view,
}

"""batchUpdate requests for named ranges (addNamedRange, updateNamedRange, deleteNamedRange) and dimension
groups (addDimensionGroup, updateDimensionGroup, deleteDimensionGroup).

Groups follow the reference's model: every row (or column) has a depth, the number of groups over it; adding
a group over a range adds one to the depth of each of its rows, deleting one takes one away, and the groups are
the maximal runs of rows at each depth (so ``[B:D, depth 1] + [C:E]`` gives ``[B:E, 1]`` and ``[C:D, 2]``).
Both group requests reply with every group of that dimension on the tab, as Google does.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from sheets_emulator import a1, dimensions, fieldmask
from sheets_emulator.api import Context, required_mask
from sheets_emulator.errors import RequestProblem
from sheets_emulator.lookup import grid_box
from sheets_emulator.model import Json, Sheet, Spreadsheet
from sheets_emulator.serialize import dimension_group_json, ranged_json
from sheets_emulator.sheet_requests import sheet_by_id
from sheets_emulator.styles import without_nulls

MAX_GROUP_DEPTH = 8
_NAME = re.compile(r"^[A-Za-z_\\][A-Za-z0-9_.]*$")


# ---------------------------------------------------------------- named ranges


def _check_name(spreadsheet: Spreadsheet, name: Any, keep: Json | None = None) -> str:
    """Names as Sheets accepts them: letters, digits, ``_`` and ``.``, not a cell reference, unique."""
    text = str(name or "")
    if not _NAME.match(text) or _looks_like_cell(text) or text.upper() in ("TRUE", "FALSE"):
        raise RequestProblem(f"Invalid name for a named range: {text!r}.")
    for named in spreadsheet.named_ranges:
        if named is not keep and named["name"].casefold() == text.casefold():
            raise RequestProblem(f"A named range with the name {text!r} already exists.")
    return text


def _looks_like_cell(text: str) -> bool:
    try:
        parsed = a1.parse(text)
    except a1.A1Error:
        return False
    return parsed.title is None and parsed.start_row is not None and parsed.start_col is not None


def _stored_range(spreadsheet: Spreadsheet, grid_range: Json) -> Json:
    sheet, _ = grid_box(spreadsheet, grid_range)
    return {**without_nulls(copy.deepcopy(grid_range)), "sheetId": sheet.sheet_id}


def named_range_ids(spreadsheet: Spreadsheet) -> set[str]:
    return {str(named["namedRangeId"]) for named in spreadsheet.named_ranges}


def add_named_range(ctx: Context, body: Json) -> Json:
    """addNamedRange: the reply carries the stored range with its (string) namedRangeId."""
    spreadsheet = ctx.spreadsheet
    requested = body.get("namedRange") or {}
    named_id = requested.get("namedRangeId")
    if named_id is None:
        taken = {int(i) for i in named_range_ids(spreadsheet) if i.isdigit()}
        named_id = str(spreadsheet.new_id(taken))
    elif str(named_id) in named_range_ids(spreadsheet):
        raise RequestProblem(f"A named range with id {named_id} already exists.")
    stored = {
        "namedRangeId": str(named_id),
        "name": _check_name(spreadsheet, requested.get("name")),
        "range": _stored_range(spreadsheet, requested.get("range") or {}),
    }
    spreadsheet.named_ranges.append(stored)
    return {"addNamedRange": {"namedRange": ranged_json(stored)}}


def _find_named(spreadsheet: Spreadsheet, named_id: Any) -> Json:
    for named in spreadsheet.named_ranges:
        if str(named["namedRangeId"]) == str(named_id):
            return named
    raise RequestProblem(f"No named range with id: {named_id}")


def update_named_range(ctx: Context, body: Json) -> None:
    """updateNamedRange: the masked fields (name, range) change."""
    spreadsheet = ctx.spreadsheet
    requested = body.get("namedRange") or {}
    named = _find_named(spreadsheet, requested.get("namedRangeId"))
    merged = fieldmask.apply_update(named, requested, required_mask(body))
    merged["namedRangeId"] = named["namedRangeId"]
    merged["name"] = _check_name(spreadsheet, merged.get("name"), keep=named)
    merged["range"] = _stored_range(spreadsheet, merged.get("range") or {})
    named.clear()
    named.update(merged)


def delete_named_range(ctx: Context, body: Json) -> None:
    named = _find_named(ctx.spreadsheet, body.get("namedRangeId"))
    ctx.spreadsheet.named_ranges.remove(named)


def named_range_by_name(spreadsheet: Spreadsheet, name: str) -> Json | None:
    """The named range an A1 text names (names ignore case, as in Sheets)."""
    wanted = name.casefold()
    return next((n for n in spreadsheet.named_ranges if n["name"].casefold() == wanted), None)


# ---------------------------------------------------------------- dimension groups


def _groups(sheet: Sheet, dimension: str) -> list[Json]:
    return sheet.row_groups if dimension == dimensions.ROWS else sheet.column_groups


def _depths(groups: list[Json]) -> dict[int, int]:
    depth: dict[int, int] = {}
    for group in groups:
        span = group["range"]
        for index in range(span["startIndex"], span["endIndex"]):
            depth[index] = max(depth.get(index, 0), int(group["depth"]))
    return depth


def _rebuild(sheet: Sheet, dimension: str, depth: dict[int, int], old: list[Json]) -> None:
    """Groups from depths: at each level, the maximal runs of indices that deep (collapsed state kept)."""
    collapsed = {
        (g["range"]["startIndex"], g["range"]["endIndex"], g["depth"]) for g in old if g.get("collapsed")
    }
    groups = []
    for level in range(1, max(depth.values(), default=0) + 1):
        for start, end in _runs(sorted(i for i, d in depth.items() if d >= level)):
            groups.append(_group(sheet, dimension, start, end, level, collapsed))
    groups.sort(key=lambda g: (g["range"]["startIndex"], g["depth"]))
    _groups(sheet, dimension)[:] = groups


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive indices as [start, end) runs."""
    runs: list[list[int]] = []
    for index in indices:
        if runs and runs[-1][1] == index:
            runs[-1][1] = index + 1
        else:
            runs.append([index, index + 1])
    return [(start, end) for start, end in runs]


def _group(
    sheet: Sheet, dimension: str, start: int, end: int, level: int, collapsed: set[tuple[int, int, int]]
) -> Json:
    group: Json = {
        "range": {"sheetId": sheet.sheet_id, "dimension": dimension, "startIndex": start, "endIndex": end},
        "depth": level,
    }
    if (start, end, level) in collapsed:
        group["collapsed"] = True
    return group


def _group_range(spreadsheet: Spreadsheet, span: Json) -> tuple[Sheet, str, int, int]:
    sheet = sheet_by_id(spreadsheet, span.get("sheetId"))
    dimension = span.get("dimension")
    if dimension not in (dimensions.ROWS, dimensions.COLUMNS):
        raise RequestProblem("dimension must be ROWS or COLUMNS.")
    count = sheet.row_count if dimension == dimensions.ROWS else sheet.col_count
    start = int(span.get("startIndex") or 0)
    end = int(span["endIndex"]) if span.get("endIndex") is not None else count
    if not 0 <= start < end <= count:
        raise RequestProblem(f"Invalid dimension range [{start}, {end}) for a grid of {count}.")
    return sheet, dimension, start, end


def _reply(kind: str, sheet: Sheet, dimension: str) -> Json:
    return {kind: {"dimensionGroups": [dimension_group_json(g) for g in _groups(sheet, dimension)]}}


def add_dimension_group(ctx: Context, body: Json) -> Json:
    sheet, dimension, start, end = _group_range(ctx.spreadsheet, body.get("range") or {})
    old = copy.deepcopy(_groups(sheet, dimension))
    depth = _depths(old)
    for index in range(start, end):
        depth[index] = depth.get(index, 0) + 1
        if depth[index] > MAX_GROUP_DEPTH:
            raise RequestProblem(f"Groups cannot be nested more than {MAX_GROUP_DEPTH} levels deep.")
    _rebuild(sheet, dimension, depth, old)
    return _reply("addDimensionGroup", sheet, dimension)


def delete_dimension_group(ctx: Context, body: Json) -> Json:
    sheet, dimension, start, end = _group_range(ctx.spreadsheet, body.get("range") or {})
    old = copy.deepcopy(_groups(sheet, dimension))
    depth = _depths(old)
    if not any(depth.get(index) for index in range(start, end)):
        raise RequestProblem("No group over the given range.")
    for index in range(start, end):
        if depth.get(index):
            depth[index] -= 1
            if not depth[index]:
                del depth[index]
    _rebuild(sheet, dimension, depth, old)
    return _reply("deleteDimensionGroup", sheet, dimension)


def update_dimension_group(ctx: Context, body: Json) -> None:
    """updateDimensionGroup: ``collapsed`` of the group with that range and depth."""
    requested = body.get("dimensionGroup") or {}
    sheet, dimension, start, end = _group_range(ctx.spreadsheet, requested.get("range") or {})
    names = fieldmask.top_level(required_mask(body)) or {"collapsed"}
    if names - {"collapsed"}:
        raise RequestProblem("Only the collapsed state of a group can be updated.")
    for group in _groups(sheet, dimension):
        span = group["range"]
        if (span["startIndex"], span["endIndex"], group["depth"]) == (start, end, requested.get("depth")):
            if requested.get("collapsed"):
                group["collapsed"] = True
            else:
                group.pop("collapsed", None)
            return
    raise RequestProblem("No group with that range and depth.")


HANDLERS = {
    "addNamedRange": add_named_range,
    "updateNamedRange": update_named_range,
    "deleteNamedRange": delete_named_range,
    "addDimensionGroup": add_dimension_group,
    "updateDimensionGroup": update_dimension_group,
    "deleteDimensionGroup": delete_dimension_group,
}

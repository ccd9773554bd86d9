"""batchUpdate requests for things attached to ranges: protected ranges, conditional-format rules and
developer metadata. Replies carry what Google returns (the new protectedRangeId, the created metadata, the
deleted rule).
"""

from __future__ import annotations

import copy
from typing import Any

from sheets_emulator import fieldmask
from sheets_emulator.api import Context, required_mask
from sheets_emulator.errors import RequestProblem
from sheets_emulator.lookup import filter_targets, grid_box, match_metadata, metadata_in_box
from sheets_emulator.model import Json, Sheet, Spreadsheet
from sheets_emulator.serialize import conditional_format_json, metadata_json, protected_range_json
from sheets_emulator.sheet_requests import sheet_by_id
from sheets_emulator.styles import with_color_styles, without_defaults

# The editor Google lists on a protection made by the (service) account that calls the API.
EDITOR = "sheets-sync-emulator@example.iam.gserviceaccount.com"


# ---------------------------------------------------------------- protected ranges


def add_protected_range(ctx: Context, body: Json) -> Json:
    """addProtectedRange: the reply carries the new protectedRangeId (client-chosen ids are honoured)."""
    spreadsheet = ctx.spreadsheet
    requested = body.get("protectedRange") or {}
    sheet, _ = grid_box(spreadsheet, requested.get("range") or {})
    protected_id = requested.get("protectedRangeId")
    if protected_id is None:
        protected_id = spreadsheet.new_id(spreadsheet.protected_range_ids())
    elif int(protected_id) in spreadsheet.protected_range_ids():
        raise RequestProblem(f"A protected range with id {int(protected_id)} already exists.")
    stored = _stored_protection(int(protected_id), requested, sheet)
    sheet.protected_ranges.append(stored)
    reply = protected_range_json(stored)
    reply["editors"] = without_defaults(requested.get("editors") or {})
    return {"addProtectedRange": {"protectedRange": reply}}


def _stored_protection(protected_id: int, requested: Json, sheet: Sheet) -> Json:
    if requested.get("warningOnly") and requested.get("editors"):
        raise RequestProblem("Warning-only protected ranges cannot have editors.")
    grid_range = {**without_defaults(requested.get("range") or {}), "sheetId": sheet.sheet_id}
    editors = without_defaults(requested.get("editors") or {})
    editors["users"] = sorted(set(editors.get("users", [])) | {EDITOR})
    stored: Json = {"protectedRangeId": protected_id, "range": grid_range}
    for key in ("description", "warningOnly", "unprotectedRanges"):
        if requested.get(key) not in (None, False, ""):
            stored[key] = copy.deepcopy(requested[key])
    stored["requestingUserCanEdit"] = True
    stored["editors"] = editors
    return stored


def _find_protection(spreadsheet: Spreadsheet, protected_id: Any) -> tuple[Sheet, Json]:
    for sheet in spreadsheet.sheets:
        for protected in sheet.protected_ranges:
            if int(protected["protectedRangeId"]) == int(protected_id or 0):
                return sheet, protected
    raise RequestProblem(f"No protected range with id: {protected_id}")


def update_protected_range(ctx: Context, body: Json) -> None:
    """updateProtectedRange with a fields mask (range, description, warningOnly, editors)."""
    requested = body.get("protectedRange") or {}
    sheet, protected = _find_protection(ctx.spreadsheet, requested.get("protectedRangeId"))
    mask = required_mask(body)
    merged = fieldmask.apply_update(protected, requested, mask)
    merged["protectedRangeId"] = protected["protectedRangeId"]
    target_sheet, _ = grid_box(ctx.spreadsheet, merged.get("range") or {})
    merged["range"] = {**merged.get("range", {}), "sheetId": target_sheet.sheet_id}
    sheet.protected_ranges.remove(protected)
    target_sheet.protected_ranges.append(merged)


def delete_protected_range(ctx: Context, body: Json) -> None:
    sheet, protected = _find_protection(ctx.spreadsheet, body.get("protectedRangeId"))
    sheet.protected_ranges.remove(protected)


# ---------------------------------------------------------------- conditional formats


def _rule_sheet(spreadsheet: Spreadsheet, rule: Json) -> Sheet:
    ranges = rule.get("ranges") or []
    if not ranges:
        raise RequestProblem("A conditional format rule needs at least one range.")
    sheets = {grid_box(spreadsheet, r)[0].sheet_id for r in ranges}
    if len(sheets) != 1:
        raise RequestProblem("All ranges of a conditional format rule must be on the same sheet.")
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise RequestProblem("A conditional format rule needs exactly one of booleanRule or gradientRule.")
    return sheet_by_id(spreadsheet, sheets.pop())


def _stored_rule(rule: Json, sheet: Sheet) -> Json:
    stored = with_color_styles(without_defaults(copy.deepcopy(rule)))
    stored["ranges"] = [{**r, "sheetId": sheet.sheet_id} for r in stored["ranges"]]
    return stored


def add_conditional_format_rule(ctx: Context, body: Json) -> None:
    """addConditionalFormatRule at ``index`` (default 0, the top: Google's default too)."""
    rule = body.get("rule") or {}
    sheet = _rule_sheet(ctx.spreadsheet, rule)
    index = int(body.get("index", 0) or 0)
    if not 0 <= index <= len(sheet.conditional_formats):
        raise RequestProblem(f"Invalid index {index}: the sheet has {len(sheet.conditional_formats)} rules.")
    sheet.conditional_formats.insert(index, _stored_rule(rule, sheet))


def _rule_at(ctx: Context, body: Json) -> tuple[Sheet, int]:
    sheet = sheet_by_id(ctx.spreadsheet, body.get("sheetId"))
    index = int(body.get("index", 0) or 0)
    if not 0 <= index < len(sheet.conditional_formats):
        raise RequestProblem(f"No conditional format on sheet {sheet.sheet_id} at index {index}.")
    return sheet, index


def update_conditional_format_rule(ctx: Context, body: Json) -> Json:
    """updateConditionalFormatRule: replace the rule at ``index`` or move it to ``newIndex``."""
    sheet, index = _rule_at(ctx, body)
    old = sheet.conditional_formats[index]
    if body.get("rule") is not None:
        new_sheet = _rule_sheet(ctx.spreadsheet, body["rule"])
        new_rule = _stored_rule(body["rule"], new_sheet)
        del sheet.conditional_formats[index]
        new_sheet.conditional_formats.insert(min(index, len(new_sheet.conditional_formats)), new_rule)
        return {
            "updateConditionalFormatRule": {
                "newRule": conditional_format_json(new_rule),
                "newIndex": index,
                "oldRule": conditional_format_json(old),
                "oldIndex": index,
            }
        }
    new_index = int(body.get("newIndex", 0) or 0)
    if not 0 <= new_index < len(sheet.conditional_formats):
        raise RequestProblem(f"Invalid newIndex {new_index}.")
    del sheet.conditional_formats[index]
    sheet.conditional_formats.insert(new_index, old)
    return {
        "updateConditionalFormatRule": {
            "newRule": conditional_format_json(old),
            "newIndex": new_index,
            "oldIndex": index,
        }
    }


def delete_conditional_format_rule(ctx: Context, body: Json) -> Json:
    """deleteConditionalFormatRule: the reply carries the removed rule."""
    sheet, index = _rule_at(ctx, body)
    removed = sheet.conditional_formats.pop(index)
    return {"deleteConditionalFormatRule": {"rule": conditional_format_json(removed)}}


# ---------------------------------------------------------------- developer metadata


def create_developer_metadata(ctx: Context, body: Json) -> Json:
    """createDeveloperMetadata on the spreadsheet, a sheet, or rows/columns (a DimensionRange)."""
    spreadsheet = ctx.spreadsheet
    requested = body.get("developerMetadata") or {}
    metadata_id = requested.get("metadataId")
    if metadata_id is None:
        metadata_id = spreadsheet.new_id(ctx.metadata_ids())
    elif int(metadata_id) in ctx.metadata_ids():
        raise RequestProblem(f"Developer metadata with id {int(metadata_id)} already exists.")
    visibility = requested.get("visibility")
    if visibility not in ("DOCUMENT", "PROJECT"):
        raise RequestProblem("developerMetadata.visibility must be DOCUMENT or PROJECT.")
    stored: Json = {"metadataId": int(metadata_id)}
    if requested.get("metadataKey") is not None:
        stored["metadataKey"] = str(requested["metadataKey"])
    if requested.get("metadataValue") is not None:
        stored["metadataValue"] = str(requested["metadataValue"])
    stored["location"] = normalized_location(spreadsheet, requested.get("location") or {})
    stored["visibility"] = visibility
    spreadsheet.developer_metadata.append(stored)
    ctx.metadata_ids().add(int(metadata_id))
    return {"createDeveloperMetadata": {"developerMetadata": metadata_json(stored)}}


def normalized_location(spreadsheet: Spreadsheet, location: Json) -> Json:
    """A DeveloperMetadataLocation with its locationType, checked against the grid."""
    if location.get("spreadsheet"):
        return {"locationType": "SPREADSHEET", "spreadsheet": True}
    if location.get("dimensionRange") is not None:
        span = location["dimensionRange"]
        sheet = sheet_by_id(spreadsheet, span.get("sheetId"))
        dimension = span.get("dimension")
        if dimension not in ("ROWS", "COLUMNS"):
            raise RequestProblem("dimensionRange.dimension must be ROWS or COLUMNS.")
        count = sheet.row_count if dimension == "ROWS" else sheet.col_count
        start, end = int(span.get("startIndex", 0) or 0), int(span.get("endIndex", 0) or 0)
        if not 0 <= start < end <= count:
            raise RequestProblem(
                f"Invalid dimensionRange [{start}, {end}) for a grid of {count} {dimension.lower()}."
            )
        return {
            "locationType": "ROW" if dimension == "ROWS" else "COLUMN",
            "dimensionRange": {
                "sheetId": sheet.sheet_id,
                "dimension": dimension,
                "startIndex": start,
                "endIndex": end,
            },
        }
    if "sheetId" in location:
        sheet = sheet_by_id(spreadsheet, location.get("sheetId"))
        return {"locationType": "SHEET", "sheetId": sheet.sheet_id}
    raise RequestProblem(
        "developerMetadata.location must name the spreadsheet, a sheetId or a dimensionRange."
    )


def _matched(spreadsheet: Spreadsheet, data_filters: list[Json]) -> list[Json]:
    found: dict[int, Json] = {}
    for data_filter in data_filters:
        if "developerMetadataLookup" not in data_filter:
            for sheet, box in filter_targets(spreadsheet, data_filter):
                for metadata in metadata_in_box(spreadsheet, sheet, box):
                    found[int(metadata["metadataId"])] = metadata
            continue
        for metadata in match_metadata(spreadsheet, data_filter["developerMetadataLookup"]):
            found[int(metadata["metadataId"])] = metadata
    return list(found.values())


def update_developer_metadata(ctx: Context, body: Json) -> Json:
    """updateDeveloperMetadata: every entry the filters match gets the masked fields."""
    spreadsheet = ctx.spreadsheet
    spreadsheet.developer_metadata  # noqa: B018 - copy the entries now: the matches below are changed in place
    mask = required_mask(body)
    requested = body.get("developerMetadata") or {}
    updated = []
    for metadata in _matched(spreadsheet, body.get("dataFilters") or []):
        merged = fieldmask.apply_update(metadata, requested, mask)
        merged["metadataId"] = metadata["metadataId"]
        merged["location"] = normalized_location(
            spreadsheet, _as_request_location(merged.get("location") or {})
        )
        metadata.clear()
        metadata.update(merged)
        updated.append(metadata_json(metadata))
    return {"updateDeveloperMetadata": {"developerMetadata": updated}}


def _as_request_location(location: Json) -> Json:
    return {k: v for k, v in location.items() if k != "locationType"}


def delete_developer_metadata(ctx: Context, body: Json) -> Json:
    """deleteDeveloperMetadata: every entry the filter matches goes; the reply lists them."""
    spreadsheet = ctx.spreadsheet
    ctx.forget_metadata_ids()
    doomed = _matched(spreadsheet, [body.get("dataFilter") or {}])
    doomed_ids = {int(m["metadataId"]) for m in doomed}
    spreadsheet.developer_metadata = [
        m for m in spreadsheet.developer_metadata if int(m["metadataId"]) not in doomed_ids
    ]
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": [metadata_json(m) for m in doomed]}}


HANDLERS = {
    "addProtectedRange": add_protected_range,
    "updateProtectedRange": update_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "addConditionalFormatRule": add_conditional_format_rule,
    "updateConditionalFormatRule": update_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "createDeveloperMetadata": create_developer_metadata,
    "updateDeveloperMetadata": update_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
}

"""Where a request points: A1 ranges, GridRanges and DataFilters resolved to (sheet, box), and
developer-metadata lookups.

A DataFilter with a ``developerMetadataLookup`` resolves to the location of each metadata entry it matches: a
ROW entry is that whole row of its sheet (every column), a COLUMN entry the whole column, a SHEET entry the
whole sheet. That is how a values write can address a row by identity (``values:batchUpdateByDataFilter``).
"""

from __future__ import annotations

from typing import Any

from sheets_emulator import a1
from sheets_emulator.a1 import A1Range, Box
from sheets_emulator.errors import ApiError, invalid, unable_to_parse
from sheets_emulator.model import Json, Sheet, Spreadsheet

Target = tuple[Sheet, Box]


def sheet_for(spreadsheet: Spreadsheet, title: str | None, text: str) -> Sheet:
    """The sheet a range names; a range without a title means the first sheet, as at Google."""
    if title is None:
        return spreadsheet.sheets[0]
    sheet = spreadsheet.sheet_by_title(title)
    if sheet is None:
        raise unable_to_parse(text)
    return sheet


def a1_target(spreadsheet: Spreadsheet, text: str) -> tuple[Sheet, A1Range]:
    """Parse an A1 range and find its sheet (400 "Unable to parse range" otherwise); a named range's name
    stands for its range, as at Google (a tab with that title wins)."""
    named = _named_range(spreadsheet, text)
    if named is not None:
        return named
    try:
        parsed = a1.parse(text)
    except a1.A1Error:
        raise unable_to_parse(text) from None
    return sheet_for(spreadsheet, parsed.title, text), parsed


def _named_range(spreadsheet: Spreadsheet, text: str) -> tuple[Sheet, A1Range] | None:
    if "!" in text or spreadsheet.sheet_by_title(text) is not None:
        return None
    wanted = text.casefold()
    named = next((n for n in spreadsheet.named_ranges if n["name"].casefold() == wanted), None)
    if named is None:
        return None
    sheet = spreadsheet.sheet_by_id(int(named["range"].get("sheetId", 0)))
    if sheet is None:
        return None
    box = grid_range_to_box(named["range"], sheet)
    return sheet, A1Range(sheet.title, box.start_row, box.end_row, box.start_col, box.end_col)


def a1_box(spreadsheet: Spreadsheet, text: str) -> Target:
    """An A1 range as a box on its sheet, open bounds filled from the grid (not clipped)."""
    sheet, parsed = a1_target(spreadsheet, text)
    return sheet, a1.resolve(parsed, sheet.row_count, sheet.col_count)


def grid_box(spreadsheet: Spreadsheet, grid_range: Json) -> Target:
    """A GridRange (sheetId defaults to 0; missing bounds are the grid's edges)."""
    sheet_id = int(grid_range.get("sheetId", 0) or 0)
    sheet = spreadsheet.sheet_by_id(sheet_id)
    if sheet is None:
        raise invalid(f"No grid with id: {sheet_id}")
    return sheet, grid_range_to_box(grid_range, sheet)


def grid_range_to_box(grid_range: Json, sheet: Sheet) -> Box:
    def bound(key: str, default: int) -> int:
        value = grid_range.get(key)
        return int(value) if value is not None else default

    return Box(
        start_row=bound("startRowIndex", 0),
        end_row=bound("endRowIndex", sheet.row_count),
        start_col=bound("startColumnIndex", 0),
        end_col=bound("endColumnIndex", sheet.col_count),
    )


def box_to_grid_range(sheet: Sheet, box: Box) -> Json:
    return {
        "sheetId": sheet.sheet_id,
        "startRowIndex": box.start_row,
        "endRowIndex": box.end_row,
        "startColumnIndex": box.start_col,
        "endColumnIndex": box.end_col,
    }


def filter_targets(spreadsheet: Spreadsheet, data_filter: Json) -> list[Target]:
    """Every (sheet, box) a DataFilter selects (several when a metadata lookup matches several entries)."""
    if "a1Range" in data_filter:
        return [a1_box(spreadsheet, str(data_filter["a1Range"]))]
    if "gridRange" in data_filter:
        return [grid_box(spreadsheet, data_filter["gridRange"])]
    if "developerMetadataLookup" in data_filter:
        matches = match_metadata(spreadsheet, data_filter["developerMetadataLookup"])
        return [target for m in matches if (target := metadata_target(spreadsheet, m)) is not None]
    raise invalid("Invalid dataFilter: one of a1Range, gridRange or developerMetadataLookup is required.")


def metadata_target(spreadsheet: Spreadsheet, metadata: Json) -> Target | None:
    """The grid a metadata entry is attached to (None for spreadsheet-level metadata)."""
    location = metadata["location"]
    kind = location["locationType"]
    if kind == "SHEET":
        sheet = spreadsheet.sheet_by_id(int(location.get("sheetId", 0)))
        return (sheet, Box(0, sheet.row_count, 0, sheet.col_count)) if sheet else None
    if kind not in ("ROW", "COLUMN"):
        return None
    span = location["dimensionRange"]
    sheet = spreadsheet.sheet_by_id(int(span.get("sheetId", 0)))
    if sheet is None:
        return None
    if kind == "ROW":
        return sheet, Box(span["startIndex"], span["endIndex"], 0, sheet.col_count)
    return sheet, Box(0, sheet.row_count, span["startIndex"], span["endIndex"])


def match_metadata(spreadsheet: Spreadsheet, lookup: Json) -> list[Json]:
    """Developer metadata matching every criterion of a DeveloperMetadataLookup."""
    criteria = {k: v for k, v in lookup.items() if v not in (None, "")}
    if not criteria:
        raise invalid("Invalid developerMetadataLookup: at least one criterion must be set.")
    return [m for m in spreadsheet.metadata_for_reading if _matches(m, criteria)]


def _matches(metadata: Json, criteria: dict[str, Any]) -> bool:
    scalar_checks = {
        "metadataId": lambda v: int(metadata["metadataId"]) == int(v),
        "metadataKey": lambda v: metadata.get("metadataKey") == v,
        "metadataValue": lambda v: metadata.get("metadataValue") == v,
        "visibility": lambda v: metadata.get("visibility", "DOCUMENT") == v,
        "locationType": lambda v: metadata["location"]["locationType"] == v,
    }
    for key, check in scalar_checks.items():
        if key in criteria and not check(criteria[key]):
            return False
    if "metadataLocation" in criteria:
        strategy = criteria.get("locationMatchingStrategy", "EXACT_LOCATION")
        return _location_matches(metadata["location"], criteria["metadataLocation"], strategy)
    return True


def _location_matches(location: Json, wanted: Json, strategy: str) -> bool:
    if wanted.get("spreadsheet"):
        return location["locationType"] == "SPREADSHEET"
    if "sheetId" in wanted:
        sheet_id = int(wanted["sheetId"])
        if strategy == "INTERSECTING_LOCATION":
            return _location_sheet(location) == sheet_id
        return location["locationType"] == "SHEET" and int(location.get("sheetId", 0)) == sheet_id
    if "dimensionRange" in wanted:
        return _dimension_matches(location, wanted["dimensionRange"], strategy)
    return False


def _location_sheet(location: Json) -> int | None:
    if location["locationType"] == "SHEET":
        return int(location.get("sheetId", 0))
    if "dimensionRange" in location:
        return int(location["dimensionRange"].get("sheetId", 0))
    return None


def _dimension_matches(location: Json, wanted: Json, strategy: str) -> bool:
    span = location.get("dimensionRange")
    if span is None:
        return False
    same_axis = span.get("dimension") == wanted.get("dimension") and int(span.get("sheetId", 0)) == int(
        wanted.get("sheetId", 0)
    )
    if not same_axis:
        return False
    start, end = int(wanted.get("startIndex", 0)), int(wanted.get("endIndex", 1 << 40))
    if strategy == "INTERSECTING_LOCATION":
        return span["startIndex"] < end and start < span["endIndex"]
    return span["startIndex"] == start and span["endIndex"] == end


def metadata_in_box(spreadsheet: Spreadsheet, sheet: Sheet, box: Box) -> list[Json]:
    """Metadata whose location intersects a box (developerMetadata:search with an a1Range or gridRange)."""
    found = []
    for metadata in spreadsheet.metadata_for_reading:
        target = metadata_target(spreadsheet, metadata)
        if target is None or target[0].sheet_id != sheet.sheet_id:
            continue
        if target[1].intersects(box):
            found.append(metadata)
    return found


def search_metadata(spreadsheet: Spreadsheet, data_filters: list[Json]) -> list[Json]:
    """developerMetadata:search: each matched entry once, with the filters that matched it."""
    matched: dict[int, Json] = {}
    for data_filter in data_filters:
        for metadata in _filter_metadata(spreadsheet, data_filter):
            entry = matched.setdefault(
                int(metadata["metadataId"]), {"developerMetadata": metadata, "dataFilters": []}
            )
            entry["dataFilters"].append(data_filter)
    order = {int(m["metadataId"]): i for i, m in enumerate(spreadsheet.metadata_for_reading)}
    return sorted(matched.values(), key=lambda e: order[int(e["developerMetadata"]["metadataId"])])


def _filter_metadata(spreadsheet: Spreadsheet, data_filter: Json) -> list[Json]:
    if "developerMetadataLookup" in data_filter:
        return match_metadata(spreadsheet, data_filter["developerMetadataLookup"])
    if "a1Range" in data_filter or "gridRange" in data_filter:
        sheet, box = filter_targets(spreadsheet, data_filter)[0]
        return metadata_in_box(spreadsheet, sheet, box)
    raise ApiError(
        400, "Invalid dataFilter: one of a1Range, gridRange or developerMetadataLookup is required."
    )

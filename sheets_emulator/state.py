"""Saving and loading emulator state as JSON (``sheets-sync emulator --state FILE``).

The format is the emulator's own (version 1), deterministic (sorted cells) so state files diff cleanly.
"""

from __future__ import annotations

import json
from typing import Any

from sheets_emulator.model import Cell, Json, Sheet, Spreadsheet

VERSION = 1


def dump_spreadsheet(spreadsheet: Spreadsheet) -> Json:
    return {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "properties": spreadsheet.properties,
        "sheets": [_dump_sheet(sheet) for sheet in spreadsheet.sheets],
        "developerMetadata": spreadsheet.developer_metadata,
        "namedRanges": spreadsheet.named_ranges,
        "idCounter": spreadsheet.id_counter,
    }


def _dump_sheet(sheet: Sheet) -> Json:
    cells = [
        [row, col, _dump_cell(sheet.cells[row][col])]
        for row in sorted(sheet.cells)
        for col in sorted(sheet.cells[row])
    ]
    return {
        "properties": sheet.properties,
        "cells": cells,
        "protectedRanges": sheet.protected_ranges,
        "conditionalFormats": sheet.conditional_formats,
        "merges": sheet.merges,
        "rowSizes": [[i, size] for i, size in sorted(sheet.row_sizes.items())],
        "columnSizes": [[i, size] for i, size in sorted(sheet.col_sizes.items())],
        "hiddenRows": sorted(sheet.hidden_rows),
        "hiddenColumns": sorted(sheet.hidden_cols),
        "basicFilter": sheet.basic_filter,
        "filterViews": sheet.filter_views,
        "rowGroups": sheet.row_groups,
        "columnGroups": sheet.column_groups,
    }


def _dump_cell(cell: Cell) -> Json:
    out: Json = {}
    if cell.value is not None:
        out["userEnteredValue"] = cell.value
    if cell.format is not None:
        out["userEnteredFormat"] = cell.format
    if cell.note is not None:
        out["note"] = cell.note
    if cell.validation is not None:
        out["dataValidation"] = cell.validation
    return out


def load_spreadsheet(data: Json) -> Spreadsheet:
    return Spreadsheet(
        spreadsheet_id=data["spreadsheetId"],
        properties=data["properties"],
        sheets=[_load_sheet(sheet) for sheet in data.get("sheets", [])],
        developer_metadata=data.get("developerMetadata", []),
        named_ranges=data.get("namedRanges", []),
        id_counter=int(data.get("idCounter", 0)),
    )


def _load_sheet(data: Json) -> Sheet:
    sheet = Sheet(
        properties=data["properties"],
        protected_ranges=data.get("protectedRanges", []),
        conditional_formats=data.get("conditionalFormats", []),
        merges=data.get("merges", []),
        row_sizes={int(i): int(size) for i, size in data.get("rowSizes", [])},
        col_sizes={int(i): int(size) for i, size in data.get("columnSizes", [])},
        hidden_rows={int(i) for i in data.get("hiddenRows", [])},
        hidden_cols={int(i) for i in data.get("hiddenColumns", [])},
        basic_filter=data.get("basicFilter"),
        filter_views=data.get("filterViews", []),
        row_groups=data.get("rowGroups", []),
        column_groups=data.get("columnGroups", []),
    )
    for row, col, cell in data.get("cells", []):
        sheet.put(
            int(row),
            int(col),
            Cell(
                value=cell.get("userEnteredValue"),
                format=cell.get("userEnteredFormat"),
                note=cell.get("note"),
                validation=cell.get("dataValidation"),
            ),
        )
    return sheet


def dumps(spreadsheets: dict[str, Spreadsheet]) -> str:
    payload = {
        "version": VERSION,
        "spreadsheets": [dump_spreadsheet(s) for _, s in sorted(spreadsheets.items())],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def loads(text: str | bytes | dict[str, Any]) -> dict[str, Spreadsheet]:
    """The spreadsheets of a state file; ValueError for anything that is not one (a one-line CLI error)."""
    payload = text if isinstance(text, dict) else json.loads(text)
    version = payload.get("version") if isinstance(payload, dict) else None
    if version != VERSION:
        raise ValueError(f'expected a JSON object with "version": {VERSION}, found version {version!r}')
    try:
        books = [load_spreadsheet(item) for item in payload.get("spreadsheets", [])]
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"malformed spreadsheet entry: {type(error).__name__}: {error}") from None
    return {book.spreadsheet_id: book for book in books}

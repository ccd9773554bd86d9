"""The Sheets API v4 wire format, both ways. Pure: JSON in, snapshot out; operations in, request JSON out.

* :data:`READ_FIELDS` is the one ``spreadsheets.get`` field mask of a sync's read: tab properties, protections,
  conditional formats, merges, developer metadata, column widths, and per cell only the parts a plan compares
  (:data:`CELL_FIELDS`): the user-entered value (what is stored), the shown text (what a PM sees, for PM columns
  typed into without the plain-text format), note, number format pattern, bold, colours, link and dropdown.
  :data:`PULL_FIELDS` asks per cell only what a pull's plan uses (:data:`PULL_CELL_PARTS`: value, shown text,
  note): a pull takes what PMs typed and writes nothing but ids, so formats and dropdowns are a push's business.
* :func:`batch_requests` turns operations into ``spreadsheets.batchUpdate`` requests and :func:`split_batches`
  splits them into bodies near 2 MB (Google refuses bigger ones), in order.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from sheets_sync.sync.answer_split import LazyGrid, LazyMapping, TabText, split_answer
from sheets_sync.sync.codec import from_extended_value, to_extended_value
from sheets_sync.sync.generation import GENERATION_KEY
from sheets_sync.sync.ops import (
    AddColourScale,
    AddProtection,
    AddTab,
    AppendRows,
    CellField,
    CellSpec,
    CreateMetadata,
    DeleteConditionalRule,
    DeleteMetadata,
    DeleteProtection,
    DeleteTab,
    InsertColumns,
    MoveColumns,
    Op,
    SetBackground,
    SetColumnWidths,
    SetDropdown,
    SetNumberFormat,
    UnmergeCells,
    UpdateMetadata,
    UpdateTab,
    WriteCells,
)
from sheets_sync.sync.snapshot import (
    Cell,
    ColourPoint,
    ColourScale,
    ConditionalRule,
    DeveloperMetadata,
    Dropdown,
    GridRange,
    OtherRule,
    Protection,
    SheetSnapshot,
    TabSnapshot,
)

Json = dict[str, Any]

SPREADSHEET_METADATA = (
    "developerMetadata(metadataId,metadataKey,metadataValue,location(locationType,spreadsheet))"
)
TAB_FIELDS = (
    "properties(sheetId,title,index,gridProperties(rowCount,columnCount,frozenRowCount,frozenColumnCount)),"
    "protectedRanges(protectedRangeId,range,description,warningOnly,unprotectedRanges),"
    "conditionalFormats(ranges,gradientRule),"
    "merges,developerMetadata(metadataId,metadataKey,metadataValue,location(locationType,sheetId))"
)
CELL_FIELDS = {
    "value": "userEnteredValue",
    "shown": "formattedValue",
    "note": "note",
    "format": "userEnteredFormat(numberFormat.pattern,backgroundColor,textFormat(bold,link.uri,foregroundColor))",
    "link": "hyperlink",
    "dropdown": "dataValidation(condition(type,values.userEnteredValue),strict)",
}
"""Per cell, each part of :class:`~sheets_sync.sync.snapshot.Cell` and the narrowest mask that carries it: the
number format's pattern, not its type; a dropdown's kind, values and strictness, not how it is shown."""


PULL_CELL_PARTS = ("value", "shown", "note")
"""The parts of a cell a pull's plan uses: what a PM typed (the value, and the text it shows when Sheets turned it
into a number or date), whether it is a formula (in the value), and the note. Not the formats, colours, links and
dropdowns (without them a pull's answer is less than half the size): a pull compares tool-owned cells by value and
note (:data:`~sheets_sync.sync.ops.PULL_READS`) and leaves putting back their looks to push. Tab-level parts
(merges, protections, metadata) are read as by a push."""


def read_fields(parts: Iterable[str] = CELL_FIELDS) -> str:
    """The ``spreadsheets.get`` field mask of a sync's read, asking these parts of each cell (keys of
    :data:`CELL_FIELDS`)."""
    paths = [CELL_FIELDS[part] for part in parts]
    cells = f"data(startRow,startColumn,columnMetadata(pixelSize),rowData(values({','.join(paths)})))"
    return f"spreadsheetId,sheets({TAB_FIELDS},{cells}),{SPREADSHEET_METADATA}"


READ_FIELDS = read_fields()
PULL_FIELDS = read_fields(PULL_CELL_PARTS)
METADATA_FIELDS = (
    "spreadsheetId,developerMetadata(metadataId,metadataKey,metadataValue,location(locationType,spreadsheet))"
)
"""The spreadsheet's own developer metadata alone (the write generation): the check after a write that touched no
tab."""
MAX_BATCH_BYTES = 1_900_000
"""Google refuses request bodies over about 2 MB; stay a little under."""


# ---------------------------------------------------------------------------------------------- reading


def snapshot_from_api(data: Mapping[str, Any]) -> SheetSnapshot:
    """A SheetSnapshot from one ``spreadsheets.get`` answer made with :data:`READ_FIELDS`."""
    return _snapshot(data, ((sheet, tab_from_api(sheet), True) for sheet in data.get("sheets", [])))


class AnswerCheck(Protocol):
    """Checks each part of a read's answer before it is used (:mod:`sheets_sync.sync.api_answers`)."""

    def sheet(self, sheet: object, number: int) -> None:
        """Raise when the answer's ``sheets[number]`` is not what Google sends."""

    def top(self, top: Mapping[str, Any], sheets: int) -> None:
        """Raise when the answer's fields but ``sheets`` (all read by now) are not what Google sends."""


def snapshot_from_text(text: str, check: AnswerCheck | None = None) -> SheetSnapshot:
    """The same from the answer's JSON text, decoding one tab at a time: a large workbook's answer is never held
    as Python objects all at once (they take several times the bytes of the text). ``check`` sees each tab before
    it is used, and the rest of the answer after the tabs. A ValueError when the text is not a JSON object."""
    top, sheets = _top_level(text)
    try:
        return _snapshot(top, ((sheet, tab_from_api(sheet), True) for sheet in sheets), check)
    except IndexError:
        raise ValueError("the Sheets API answer ends too early") from None


def snapshot_from_bytes(
    data: bytes, check: AnswerCheck | None = None, known: Collection[str] = ()
) -> SheetSnapshot:
    """The same from the answer's bytes. A whole-workbook answer is cut into its tabs first
    (:mod:`~sheets_sync.sync.answer_split`): each tab gets the digest of its text, and a tab whose digest is in
    ``known`` (a text some earlier read decoded and checked) is not checked again and is decoded lazily: its grid
    only if a cell of it is read. An answer that cannot be cut is decoded as :func:`snapshot_from_text` does."""
    split = split_answer(data)
    if split is None:
        return snapshot_from_text(data.decode("utf-8"), check)

    def tabs() -> Iterator[tuple[Mapping[str, Any], TabSnapshot, bool]]:
        for start, end in split.tabs:
            text = TabText(data, start, end)
            digest = text.digest
            if digest in known:
                light, span = text.parts()
                if span is None:
                    yield light, tab_from_api(light, digest), False
                    continue
                grid = LazyGrid(data, span, grid_parts)
                yield light, tab_from_parts(light, LazyMapping(grid, 0), LazyMapping(grid, 1), digest), False
            else:
                sheet = text.decode()
                yield sheet, tab_from_api(sheet, digest), True

    return _snapshot(split.top, tabs(), check)


def _snapshot(
    top: Mapping[str, Any],
    sheets: Iterator[tuple[Mapping[str, Any], TabSnapshot, bool]],
    check: AnswerCheck | None = None,
) -> SheetSnapshot:
    """The snapshot of the answer's top-level fields and tabs: (the tab's fields, its snapshot, whether to check
    it; a tab whose text an earlier read checked is not checked again)."""
    tabs = []
    metadata = []
    for number, (sheet, tab, unchecked) in enumerate(sheets):
        if check is not None and unchecked:
            check.sheet(sheet, number)
        metadata += [_metadata(m, tab.sheet_id) for m in sheet.get("developerMetadata", [])]
        tabs.append(tab)
    if check is not None:
        check.top(top, len(tabs))
    metadata = [_metadata(m, None) for m in top.get("developerMetadata", [])] + metadata
    return SheetSnapshot(
        str(top.get("spreadsheetId", "")),
        tuple(sorted(tabs, key=lambda t: t.index)),
        metadata=tuple(m for m in metadata if m is not None),
    )


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def _top_level(text: str) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    """The answer's top-level fields but ``sheets``, and the ``sheets`` one by one, decoded as they are asked
    for; the fields are all there once the tabs have been gone through."""
    top: dict[str, Any] = {}

    def sheets() -> Iterator[dict[str, Any]]:
        position = _expect(text, _skip(text, 0), "{")
        while text[position] != "}":
            key, position = _DECODER.raw_decode(text, position)
            position = _expect(text, _skip(text, position), ":")
            if key == "sheets":
                position = _expect(text, position, "[")
                while text[position] != "]":
                    sheet, position = _DECODER.raw_decode(text, position)
                    yield sheet
                    position = _comma(text, position)
                position += 1
            else:
                top[key], position = _DECODER.raw_decode(text, position)
            position = _comma(text, position)

    return top, sheets()


def _comma(text: str, position: int) -> int:
    position = _skip(text, position)
    return _skip(text, position + 1) if text[position] == "," else position


def _skip(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _expect(text: str, position: int, char: str) -> int:
    if text[position] != char:
        raise ValueError(
            f"unexpected {text[position : position + 20]!r} at {position} of the Sheets API answer"
        )
    return _skip(text, position + 1)


def _metadata(data: Mapping[str, Any], sheet_id: int | None) -> DeveloperMetadata | None:
    """Spreadsheet- and sheet-level entries (row and column metadata is not sheets-sync's)."""
    location = data.get("location") or {}
    if location.get("locationType", "SPREADSHEET" if sheet_id is None else "SHEET") not in (
        "SPREADSHEET",
        "SHEET",
    ):
        return None
    return DeveloperMetadata(
        int(data.get("metadataId", 0)),
        str(data.get("metadataKey", "")),
        str(data.get("metadataValue", "")),
        sheet_id,
    )


def tab_from_api(sheet: Mapping[str, Any], digest: str | None = None) -> TabSnapshot:
    cells, widths = grid_parts(sheet.get("data", []))
    return tab_from_parts(sheet, cells, widths, digest)


def grid_parts(blocks: Iterable[Mapping[str, Any]]) -> tuple[dict[tuple[int, int], Cell], dict[int, int]]:
    """A tab's cells and column widths from its ``data`` (its grid blocks)."""
    cells: dict[tuple[int, int], Cell] = {}
    widths: dict[int, int] = {}
    for block in blocks:
        cells.update(_cells_from_grid(block))
        first = int(block.get("startColumn", 0))
        widths.update(
            {first + i: int(m.get("pixelSize", 100)) for i, m in enumerate(block.get("columnMetadata", []))}
        )
    return cells, widths


def tab_from_parts(
    sheet: Mapping[str, Any],
    cells: Mapping[tuple[int, int], Cell],
    widths: Mapping[int, int],
    digest: str | None = None,
) -> TabSnapshot:
    """A tab from its fields but ``data``, with its grid given (decoded, or still to be: see answer_split)."""
    properties = sheet.get("properties", {})
    grid = properties.get("gridProperties", {})
    return TabSnapshot(
        sheet_id=int(properties.get("sheetId", 0)),
        title=str(properties.get("title", "")),
        index=int(properties.get("index", 0)),
        row_count=int(grid.get("rowCount", 0)),
        column_count=int(grid.get("columnCount", 0)),
        frozen_rows=int(grid.get("frozenRowCount", 0)),
        frozen_columns=int(grid.get("frozenColumnCount", 0)),
        cells=cells,
        column_widths=widths,
        protections=tuple(_protection(p) for p in sheet.get("protectedRanges", [])),
        conditional_rules=tuple(_rule(r) for r in sheet.get("conditionalFormats", [])),
        merges=tuple(grid_range_from_api(m) for m in sheet.get("merges", [])),
        digest=digest,
    )


def _cells_from_grid(block: Mapping[str, Any]) -> Iterator[tuple[tuple[int, int], Cell]]:
    top, left = int(block.get("startRow", 0)), int(block.get("startColumn", 0))
    for row_offset, row in enumerate(block.get("rowData", [])):
        for column_offset, data in enumerate(row.get("values", [])):
            if data:
                yield (top + row_offset, left + column_offset), cell_from_api(data)


def cell_from_api(data: Mapping[str, Any]) -> Cell:
    """A cell as read. The link is the cell-level ``textFormat.link`` sheets-sync writes, or the read-only
    ``hyperlink`` Google derives from it, whichever the server returns, so a link never looks changed."""
    entered = data.get("userEnteredValue") or {}
    shown = data.get("formattedValue")
    shown = str(shown) if shown is not None and "stringValue" not in entered else None
    formula = "formulaValue" in entered
    if data.keys() <= _VALUE_ONLY:  # most cells: a value (and the text it shows) and nothing else
        return Cell(from_extended_value(entered), shown=shown, formula=formula)
    cell_format = data.get("userEnteredFormat") or {}
    text_format = cell_format.get("textFormat") or {}
    number_format = cell_format.get("numberFormat") or {}
    return Cell(
        value=from_extended_value(data.get("userEnteredValue")),
        note=data.get("note") or None,
        number_format=number_format.get("pattern") or None,
        bold=bool(text_format.get("bold")),
        link=(text_format.get("link") or {}).get("uri") or data.get("hyperlink") or None,
        dropdown=_dropdown(data.get("dataValidation")),
        background=_background(cell_format.get("backgroundColor")),
        text_colour=_text_colour(text_format.get("foregroundColor")),
        shown=shown,
        formula=formula,
    )


def _background(colour: Mapping[str, Any] | None) -> str | None:
    """A cell's own background as ``#rrggbb``; white (Google's default, sent for any formatted cell) is none."""
    if not colour:
        return None
    text = _colour_hex(colour)
    return None if text == "#ffffff" else text


def _text_colour(colour: Mapping[str, Any] | None) -> str | None:
    """A cell's own text colour as ``#rrggbb``; black (the default) is none."""
    if not colour:
        return None
    text = _colour_hex(colour)
    return None if text == "#000000" else text


_VALUE_ONLY = frozenset({"userEnteredValue", "formattedValue"})


def _dropdown(rule: Mapping[str, Any] | None) -> Dropdown | None:
    if not rule:
        return None
    condition = rule.get("condition") or {}
    if condition.get("type") != "ONE_OF_LIST":
        return Dropdown(())
    values = tuple(str(v.get("userEnteredValue", "")) for v in condition.get("values", []))
    return _shared_dropdown(values, bool(rule.get("strict")))


@functools.lru_cache(maxsize=1024)
def _shared_dropdown(values: tuple[str, ...], strict: bool) -> Dropdown:
    """One object per distinct dropdown: a tab repeats each of its few dropdowns down every row."""
    return Dropdown(values, strict)


def grid_range_from_api(data: Mapping[str, Any]) -> GridRange:
    """A GridRange; Google leaves out sheetId 0 and zero start indexes."""
    return GridRange(
        int(data.get("sheetId", 0)),
        int(data.get("startRowIndex", 0)),
        _optional_int(data.get("endRowIndex")),
        int(data.get("startColumnIndex", 0)),
        _optional_int(data.get("endColumnIndex")),
    )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _protection(data: Mapping[str, Any]) -> Protection:
    return Protection(
        range=grid_range_from_api(data.get("range", {})),
        description=str(data.get("description", "")),
        warning_only=bool(data.get("warningOnly")),
        unprotected=tuple(grid_range_from_api(r) for r in data.get("unprotectedRanges", [])),
        protected_range_id=_optional_int(data.get("protectedRangeId")),
    )


def _rule(data: Mapping[str, Any]) -> ConditionalRule:
    gradient = data.get("gradientRule")
    if not gradient:
        return OtherRule()
    points = tuple(
        ColourPoint(str(p.get("type", "")), str(p.get("value", "")), _hex(p))
        for p in (gradient.get(k) for k in ("minpoint", "midpoint", "maxpoint"))
        if p
    )
    return ColourScale(tuple(grid_range_from_api(r) for r in data.get("ranges", [])), points)


def _hex(point: Mapping[str, Any]) -> str:
    return _colour_hex(point.get("color") or (point.get("colorStyle") or {}).get("rgbColor") or {})


def _colour_hex(colour: Mapping[str, Any]) -> str:
    return _channels_hex(colour.get("red", 0), colour.get("green", 0), colour.get("blue", 0))


@functools.lru_cache(maxsize=1024)
def _channels_hex(red: float, green: float, blue: float) -> str:
    """Cached: a workbook holds a handful of colours over thousands of cells (the PM columns' shade)."""
    return "#" + "".join(f"{round(float(value) * 255):02x}" for value in (red, green, blue))


# ---------------------------------------------------------------------------------------------- writing


def batch_requests(ops: Iterable[Op]) -> list[Json]:
    """The ``spreadsheets.batchUpdate`` requests for these operations, in order."""
    return [piece for op in ops for piece in _pieces(op)]


def split_batches(requests: Sequence[Json], limit: int = MAX_BATCH_BYTES) -> list[list[Json]]:
    """Consecutive groups of requests whose JSON stays under ``limit`` bytes (one request per group at least).

    When the first request claims the next write generation (:mod:`sheets_sync.sync.generation`), every later body
    claims the one after, so another writer cannot slip in between two bodies of one write unnoticed."""
    batches: list[list[Json]] = []
    size = 0
    for request in requests:
        length = _size(request)
        if not batches or size + length > limit:
            batches.append([])
            size = 0
        batches[-1].append(request)
        size += length
    return _chain_generation(batches)


def _chain_generation(batches: list[list[Json]]) -> list[list[Json]]:
    claim = (
        (batches[0][0].get("createDeveloperMetadata") or {}).get("developerMetadata", {}) if batches else {}
    )
    if claim.get("metadataKey") != GENERATION_KEY or "metadataId" not in claim:
        return batches
    first = int(claim["metadataId"])
    for offset, batch in enumerate(batches[1:], start=1):
        taken = CreateMetadata(GENERATION_KEY, claim.get("metadataValue", ""), None, first + offset)
        batch[:0] = [_create_metadata(taken), _delete_metadata(DeleteMetadata(first + offset - 1))]
    return batches


def _pieces(op: Op) -> list[Json]:
    """A big cell write is cut into row bands (halving until each is under the size limit), so that no single
    request nears Google's limit."""
    request = _request(op)
    if not isinstance(op, WriteCells) or len(op.rows) == 1 or _size(request) <= MAX_BATCH_BYTES:
        return [request]
    half = len(op.rows) // 2
    top = WriteCells(op.sheet_id, op.row, op.column, op.rows[:half])
    bottom = WriteCells(op.sheet_id, op.row + half, op.column, op.rows[half:])
    return _pieces(top) + _pieces(bottom)


def _size(request: Json) -> int:
    return len(json.dumps(request, ensure_ascii=False).encode()) + 1


def _request(op: Op) -> Json:
    builder = _BUILDERS[type(op)]
    return builder(op)  # type: ignore[operator]


def grid_range_json(grid: GridRange) -> Json:
    out: Json = {
        "sheetId": grid.sheet_id,
        "startRowIndex": grid.start_row,
        "startColumnIndex": grid.start_column,
    }
    if grid.end_row is not None:
        out["endRowIndex"] = grid.end_row
    if grid.end_column is not None:
        out["endColumnIndex"] = grid.end_column
    return out


def _whole_sheet(grid: GridRange) -> Json:
    """An unbounded range is sent as ``{"sheetId": n}``: Google reads it as "the whole sheet"."""
    if grid == GridRange(grid.sheet_id):
        return {"sheetId": grid.sheet_id}
    return grid_range_json(grid)


def _add_tab(op: AddTab) -> Json:
    grid = {"rowCount": op.rows, "columnCount": op.columns}
    grid |= {"frozenRowCount": op.frozen_rows} if op.frozen_rows else {}
    grid |= {"frozenColumnCount": op.frozen_columns} if op.frozen_columns else {}
    properties: Json = {"sheetId": op.sheet_id, "title": op.title, "gridProperties": grid}
    if op.index is not None:
        properties["index"] = op.index
    return {"addSheet": {"properties": properties}}


def _delete_tab(op: DeleteTab) -> Json:
    return {"deleteSheet": {"sheetId": op.sheet_id}}


def _update_tab(op: UpdateTab) -> Json:
    names = {
        "rows": "rowCount",
        "columns": "columnCount",
        "frozen_rows": "frozenRowCount",
        "frozen_columns": "frozenColumnCount",
    }
    grid = {api: getattr(op, attr) for attr, api in names.items() if getattr(op, attr) is not None}
    fields = ",".join(f"gridProperties.{name}" for name in grid)
    return {
        "updateSheetProperties": {
            "properties": {"sheetId": op.sheet_id, "gridProperties": grid},
            "fields": fields,
        }
    }


def _insert_columns(op: InsertColumns) -> Json:
    dimension = {
        "sheetId": op.sheet_id,
        "dimension": "COLUMNS",
        "startIndex": op.at,
        "endIndex": op.at + op.count,
    }
    return {"insertDimension": {"range": dimension, "inheritFromBefore": op.at > 0}}


def _move_columns(op: MoveColumns) -> Json:
    """``moveDimension``: Google's ``destinationIndex`` is in the coordinates before the move."""
    destination = op.to if op.to < op.start else op.to + (op.end - op.start)
    source = {"sheetId": op.sheet_id, "dimension": "COLUMNS", "startIndex": op.start, "endIndex": op.end}
    return {"moveDimension": {"source": source, "destinationIndex": destination}}


def _append_rows(op: AppendRows) -> Json:
    return {"appendDimension": {"sheetId": op.sheet_id, "dimension": "ROWS", "length": op.count}}


def _write_cells(op: WriteCells) -> Json:
    fields = ",".join(sorted(str(name) for name in op.fields))
    rows = [{"values": [cell_json(spec) for spec in row]} for row in op.rows]
    start = {"sheetId": op.sheet_id, "rowIndex": op.row, "columnIndex": op.column}
    return {"updateCells": {"start": start, "rows": rows, "fields": fields}}


def cell_json(spec: CellSpec) -> Json:
    """CellData for a spec; a part left out under the field mask is cleared (that is how empties are written)."""
    data: Json = {}
    value = to_extended_value(spec.value) if CellField.VALUE in spec.fields else None
    if value is not None:
        data["userEnteredValue"] = value
    cell_format = _format_json(spec)
    if cell_format:
        data["userEnteredFormat"] = cell_format
    if CellField.NOTE in spec.fields and spec.note:
        data["note"] = spec.note
    return data


def _format_json(spec: CellSpec) -> Json:
    out: Json = {}
    if CellField.NUMBER_FORMAT in spec.fields and spec.number_format:
        kind = "TEXT" if spec.number_format == "@" else "PERCENT" if "%" in spec.number_format else "NUMBER"
        out["numberFormat"] = {"type": kind, "pattern": spec.number_format}
    if CellField.BACKGROUND in spec.fields and spec.background:
        out["backgroundColor"] = colour_json(spec.background)
    text: Json = {}
    if CellField.BOLD in spec.fields and spec.bold:
        text["bold"] = True
    if CellField.LINK in spec.fields and spec.link:
        text["link"] = {"uri": spec.link}
    if CellField.TEXT_COLOUR in spec.fields and spec.text_colour:
        text["foregroundColor"] = colour_json(spec.text_colour)
    if text:
        out["textFormat"] = text
    return out


def _widths(op: SetColumnWidths) -> Json:
    dimension = {"sheetId": op.sheet_id, "dimension": "COLUMNS", "startIndex": op.start, "endIndex": op.end}
    return {
        "updateDimensionProperties": {
            "range": dimension,
            "properties": {"pixelSize": op.pixels},
            "fields": "pixelSize",
        }
    }


def _add_protection(op: AddProtection) -> Json:
    protection = op.protection
    body: Json = {
        "range": _whole_sheet(protection.range),
        "description": protection.description,
        "warningOnly": protection.warning_only,
    }
    if protection.unprotected:
        body["unprotectedRanges"] = [grid_range_json(r) for r in protection.unprotected]
    return {"addProtectedRange": {"protectedRange": body}}


def _delete_protection(op: DeleteProtection) -> Json:
    return {"deleteProtectedRange": {"protectedRangeId": op.protected_range_id}}


def _dropdown_json(op: SetDropdown) -> Json:
    body: Json = {"range": grid_range_json(op.range)}
    if op.dropdown is not None:
        values = [{"userEnteredValue": value} for value in op.dropdown.values]
        body["rule"] = {
            "condition": {"type": "ONE_OF_LIST", "values": values},
            "strict": op.dropdown.strict,
            "showCustomUi": True,
        }
    return {"setDataValidation": body}


def _background_json(op: SetBackground) -> Json:
    return {
        "repeatCell": {
            "range": grid_range_json(op.range),
            "cell": {"userEnteredFormat": {"backgroundColor": colour_json(op.colour)}},
            "fields": "userEnteredFormat.backgroundColor",
        }
    }


def _number_format_json(op: SetNumberFormat) -> Json:
    kind = "TEXT" if op.pattern == "@" else "NUMBER"
    cell = {"userEnteredFormat": {"numberFormat": {"type": kind, "pattern": op.pattern}}}
    return {
        "repeatCell": {
            "range": grid_range_json(op.range),
            "cell": cell,
            "fields": "userEnteredFormat.numberFormat",
        }
    }


def _unmerge_json(op: UnmergeCells) -> Json:
    return {"unmergeCells": {"range": grid_range_json(op.range)}}


def _add_colour_scale(op: AddColourScale) -> Json:
    names = ("minpoint", "midpoint", "maxpoint")
    gradient = {name: _point_json(point) for name, point in zip(names, op.rule.points, strict=False)}
    rule = {"ranges": [grid_range_json(r) for r in op.rule.ranges], "gradientRule": gradient}
    return {"addConditionalFormatRule": {"rule": rule, "index": op.index}}


def _point_json(point: ColourPoint) -> Json:
    return {"color": colour_json(point.colour), "type": point.kind, "value": point.value}


def colour_json(colour: str) -> Json:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return {"red": red, "green": green, "blue": blue}


def _delete_rule(op: DeleteConditionalRule) -> Json:
    return {"deleteConditionalFormatRule": {"sheetId": op.sheet_id, "index": op.index}}


def _create_metadata(op: CreateMetadata) -> Json:
    location: Json = {"spreadsheet": True} if op.sheet_id is None else {"sheetId": op.sheet_id}
    metadata: Json = {
        "metadataKey": op.key,
        "metadataValue": op.value,
        "location": location,
        "visibility": "DOCUMENT",
    }
    if op.metadata_id is not None:
        metadata["metadataId"] = op.metadata_id
    return {"createDeveloperMetadata": {"developerMetadata": metadata}}


def _metadata_filter(metadata_id: int) -> Json:
    return {"developerMetadataLookup": {"metadataId": metadata_id}}


def _update_metadata(op: UpdateMetadata) -> Json:
    return {
        "updateDeveloperMetadata": {
            "dataFilters": [_metadata_filter(op.metadata_id)],
            "developerMetadata": {"metadataValue": op.value},
            "fields": "metadataValue",
        }
    }


def _delete_metadata(op: DeleteMetadata) -> Json:
    return {"deleteDeveloperMetadata": {"dataFilter": _metadata_filter(op.metadata_id)}}


_BUILDERS: dict[type, object] = {
    AddTab: _add_tab,
    DeleteTab: _delete_tab,
    UpdateTab: _update_tab,
    InsertColumns: _insert_columns,
    MoveColumns: _move_columns,
    AppendRows: _append_rows,
    WriteCells: _write_cells,
    SetColumnWidths: _widths,
    AddProtection: _add_protection,
    DeleteProtection: _delete_protection,
    SetDropdown: _dropdown_json,
    SetNumberFormat: _number_format_json,
    SetBackground: _background_json,
    UnmergeCells: _unmerge_json,
    AddColourScale: _add_colour_scale,
    DeleteConditionalRule: _delete_rule,
    CreateMetadata: _create_metadata,
    UpdateMetadata: _update_metadata,
    DeleteMetadata: _delete_metadata,
}

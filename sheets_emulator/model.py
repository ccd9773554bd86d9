"""The state of emulated spreadsheets: sheets, cells, notes, formats, protections, rules and developer
metadata.

Cells are stored sparsely (``cells[row][col]``) as immutable :class:`Cell` values, so that copying a sheet
copies dictionaries of references, not cells: every write request runs on a :meth:`Spreadsheet.clone` and
replaces the state only when the whole request succeeded (Google's batchUpdate is all-or-nothing).

JSON-shaped parts (sheet properties, protected ranges, conditional format rules, developer metadata) are kept
as the API's own dictionaries, with one internal difference: ``sheetId`` is always present in ranges here,
while Google leaves it out of its answers when it is 0 (see :mod:`sheets_emulator.serialize`).
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sheets_emulator.a1 import cell_name

CELL_LIMIT = 10_000_000  # Google's limit per spreadsheet, since March 2022
CELL_TEXT_LIMIT = 50_000  # characters in one cell
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
DEFAULT_ROW_PIXELS = 21
DEFAULT_COLUMN_PIXELS = 100

Json = dict[str, Any]


class Cell(NamedTuple):
    """One cell: its user-entered value (an ExtendedValue), format, note and data-validation rule.

    Immutable (a tuple), so clones of a sheet share cells; the dictionaries inside are never modified in
    place.
    """

    value: Json | None = None
    format: Json | None = None
    note: str | None = None
    validation: Json | None = None

    @property
    def empty(self) -> bool:
        return self.value is None and self.format is None and self.note is None and self.validation is None

    def with_(self, **changes: Any) -> Cell:
        """A copy with some fields replaced (``_replace`` is the NamedTuple spelling)."""
        return self._replace(**changes)


EMPTY = Cell()


@dataclass
class Sheet:
    """One tab: properties as the API writes them, sparse cells and what is attached to its ranges."""

    properties: Json
    cells: dict[int, dict[int, Cell]] = field(default_factory=dict)
    protected_ranges: list[Json] = field(default_factory=list)
    conditional_formats: list[Json] = field(default_factory=list)
    merges: list[Json] = field(default_factory=list)
    row_sizes: dict[int, int] = field(default_factory=dict)
    col_sizes: dict[int, int] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    basic_filter: Json | None = None
    filter_views: list[Json] = field(default_factory=list)
    row_groups: list[Json] = field(default_factory=list)
    column_groups: list[Json] = field(default_factory=list)

    @property
    def sheet_id(self) -> int:
        return int(self.properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def grid(self) -> Json:
        return self.properties.setdefault("gridProperties", {})

    @property
    def row_count(self) -> int:
        return int(self.grid.get("rowCount", 0))

    @property
    def col_count(self) -> int:
        return int(self.grid.get("columnCount", 0))

    @property
    def cell_count(self) -> int:
        return self.row_count * self.col_count

    def cell(self, row: int, col: int) -> Cell:
        """The cell at (row, col), or the shared empty cell."""
        return self.cells.get(row, {}).get(col, EMPTY)

    def put(self, row: int, col: int, cell: Cell) -> None:
        """Store a cell; an empty cell is removed so storage stays sparse."""
        if cell.empty:
            row_cells = self.cells.get(row)
            if row_cells is not None:
                row_cells.pop(col, None)
                if not row_cells:
                    del self.cells[row]
            return
        self.cells.setdefault(row, {})[col] = cell

    def notes(self) -> dict[str, str]:
        """Every note by cell name ({"B7": "..."}), for assertions."""
        return {cell_name(r, c): cell.note for r, c, cell in self._cells() if cell.note is not None}

    def data_validation(self) -> dict[str, Json]:
        """Every data-validation rule by cell name, for assertions."""
        return {
            cell_name(r, c): cell.validation for r, c, cell in self._cells() if cell.validation is not None
        }

    def _cells(self) -> list[tuple[int, int, Cell]]:
        return [(r, c, self.cells[r][c]) for r in sorted(self.cells) for c in sorted(self.cells[r])]

    def clone(self) -> Sheet:
        """Copy the containers; cells are shared (immutable)."""
        return Sheet(
            properties=copy.deepcopy(self.properties),
            cells={row: dict(cols) for row, cols in self.cells.items()},
            protected_ranges=copy.deepcopy(self.protected_ranges),
            conditional_formats=copy.deepcopy(self.conditional_formats),
            merges=copy.deepcopy(self.merges),
            row_sizes=dict(self.row_sizes),
            col_sizes=dict(self.col_sizes),
            hidden_rows=set(self.hidden_rows),
            hidden_cols=set(self.hidden_cols),
            basic_filter=copy.deepcopy(self.basic_filter),
            filter_views=copy.deepcopy(self.filter_views),
            row_groups=copy.deepcopy(self.row_groups),
            column_groups=copy.deepcopy(self.column_groups),
        )


@dataclass
class Spreadsheet:
    """A workbook: properties, tabs in order, and all developer metadata (any location)."""

    spreadsheet_id: str
    properties: Json
    sheets: list[Sheet] = field(default_factory=list)
    developer_metadata: list[Json] = field(default_factory=list)
    named_ranges: list[Json] = field(default_factory=list)
    id_counter: int = 0

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((sheet for sheet in self.sheets if sheet.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        """Sheet titles are unique ignoring case, as in Google Sheets."""
        wanted = title.casefold()
        return next((sheet for sheet in self.sheets if sheet.title.casefold() == wanted), None)

    def renumber(self) -> None:
        """Keep ``properties.index`` equal to each tab's position."""
        for index, sheet in enumerate(self.sheets):
            sheet.properties["index"] = index

    def total_cells(self) -> int:
        return sum(sheet.cell_count for sheet in self.sheets)

    def new_id(self, taken: set[int]) -> int:
        """A Google-looking positive 31-bit id, deterministic per spreadsheet so tests and state files are
        stable."""
        while True:
            self.id_counter += 1
            digest = hashlib.sha256(f"{self.spreadsheet_id}:{self.id_counter}".encode()).digest()
            candidate = int.from_bytes(digest[:4], "big") & 0x7FFFFFFF
            if candidate and candidate not in taken:
                return candidate

    def metadata_on(self, sheet_id: int) -> list[Json]:
        """Developer metadata located on a sheet or on its rows or columns, for assertions."""
        return [m for m in self.developer_metadata if _located_sheet(m["location"]) == sheet_id]

    def sheet_ids(self) -> set[int]:
        return {sheet.sheet_id for sheet in self.sheets}

    def protected_range_ids(self) -> set[int]:
        return {int(p["protectedRangeId"]) for sheet in self.sheets for p in sheet.protected_ranges}

    def metadata_ids(self) -> set[int]:
        return {int(m["metadataId"]) for m in self.developer_metadata}

    def clone(self) -> Spreadsheet:
        return Spreadsheet(
            spreadsheet_id=self.spreadsheet_id,
            properties=copy.deepcopy(self.properties),
            sheets=[sheet.clone() for sheet in self.sheets],
            developer_metadata=copy.deepcopy(self.developer_metadata),
            named_ranges=copy.deepcopy(self.named_ranges),
            id_counter=self.id_counter,
        )

    def replace_state(self, other: Spreadsheet) -> None:
        """Adopt another spreadsheet's state in place, so references held by tests stay live."""
        self.properties = other.properties
        self.sheets = other.sheets
        self.developer_metadata = other.developer_metadata
        self.named_ranges = other.named_ranges
        self.id_counter = other.id_counter


def _located_sheet(location: Json) -> int | None:
    """The sheet a metadata location is on (None for the spreadsheet itself)."""
    if location["locationType"] == "SHEET":
        return int(location.get("sheetId", 0))
    span = location.get("dimensionRange")
    return int(span.get("sheetId", 0)) if span else None


def new_sheet_properties(sheet_id: int, title: str, index: int, rows: int, cols: int) -> Json:
    """Sheet properties as Google returns them for a new grid tab."""
    return {
        "sheetId": sheet_id,
        "title": title,
        "index": index,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": rows, "columnCount": cols},
    }


def new_spreadsheet(spreadsheet_id: str, title: str) -> Spreadsheet:
    """A new spreadsheet as Google makes it: one tab ``Sheet1``, sheetId 0, 1000 x 26."""
    spreadsheet = Spreadsheet(spreadsheet_id=spreadsheet_id, properties=default_spreadsheet_properties(title))
    spreadsheet.sheets.append(Sheet(new_sheet_properties(0, "Sheet1", 0, DEFAULT_ROWS, DEFAULT_COLUMNS)))
    return spreadsheet


def default_spreadsheet_properties(title: str) -> Json:
    """Spreadsheet properties with the defaults the recordings show (en_US, Etc/GMT, Arial 10)."""
    return {
        "title": title,
        "locale": "en_US",
        "autoRecalc": "ON_CHANGE",
        "timeZone": "Etc/GMT",
        "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
        "spreadsheetTheme": copy.deepcopy(DEFAULT_THEME),
    }


DEFAULT_FORMAT: Json = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}


def _theme_color(kind: str, red: float, green: float, blue: float) -> Json:
    rgb = {k: v for k, v in (("red", red), ("green", green), ("blue", blue)) if v}
    return {"colorType": kind, "color": {"rgbColor": rgb}}


DEFAULT_THEME: Json = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        _theme_color("TEXT", 0, 0, 0),
        _theme_color("BACKGROUND", 1, 1, 1),
        _theme_color("ACCENT1", 0.25882354, 0.52156866, 0.95686275),
        _theme_color("ACCENT2", 0.91764706, 0.2627451, 0.20784314),
        _theme_color("ACCENT3", 0.9843137, 0.7372549, 0.015686275),
        _theme_color("ACCENT4", 0.20392157, 0.65882355, 0.3254902),
        _theme_color("ACCENT5", 1, 0.42745098, 0.003921569),
        _theme_color("ACCENT6", 0.27450982, 0.7411765, 0.7764706),
        _theme_color("LINK", 0.06666667, 0.33333334, 0.8),
    ],
}

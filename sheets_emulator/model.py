"""The state of emulated spreadsheets: sheets, cells, notes, formats, protections, rules and developer
metadata.

Cells are stored sparsely (``cells[row][col]``) as immutable :class:`Cell` values. Every write request runs
inside a :func:`transaction`: what it touches is copied on first access (a row of cells, a sheet's merges, the
developer metadata...) and put back if the request fails, so a request is all or nothing (Google's batchUpdate
is) and costs what it changes, not the size of the workbook.

Each tab and each spreadsheet carries a ``revision``, a number never used before, taken anew whenever it may
have changed: when a transaction copies or replaces one of its containers (and when a rollback puts them back),
when :meth:`Sheet.put` stores a cell, and when one of its containers is handed out outside both a transaction and
a read (:func:`reading`), since code outside a transaction (the PM's direct edits) changes containers in place.
So whatever is derived from one and stored with its revision (the answers of :mod:`sheets_emulator.answers`) is
valid exactly as long as the revision is the same; nothing needs to remember to invalidate it.

JSON-shaped parts (sheet properties, protected ranges, conditional format rules, developer metadata) are kept
as the API's own dictionaries, with one internal difference: ``sheetId`` is always present in ranges here,
while Google leaves it out of its answers when it is 0 (see :mod:`sheets_emulator.serialize`).
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


# ---------------------------------------------------------------- copy-on-write transactions


class Transaction:
    """A write request in progress: what it changed, so that a failure can put everything back.

    Inside :func:`transaction`, the first access to a container of a sheet or a spreadsheet (its properties,
    protected ranges, merges, developer metadata...) replaces it with a copy and remembers the original; cells
    are copied row by row, only for the rows written. So a write costs what it changes, not the size of the
    workbook, and a failing request (or batch) is undone by putting the originals back.
    """

    def __init__(self) -> None:
        self.saved: list[tuple[Any, str, Any]] = []
        self._claimed: set[tuple[int, Any]] = set()
        self._owned: set[int] = set()
        self._keep_alive: list[Any] = []  # so that ids in _owned are not reused while the transaction runs

    def own(self, container: Any) -> Any:
        """Mark a container as made inside this transaction (free to change in place)."""
        self._owned.add(id(container))
        self._keep_alive.append(container)
        return container

    def owns(self, container: Any) -> bool:
        return id(container) in self._owned

    def claim(self, owner: Any, name: Any) -> bool:
        """True the first time ``owner.name`` is touched in this transaction."""
        key = (id(owner), name)
        if key in self._claimed:
            return False
        self._claimed.add(key)
        return True

    def save(self, owner: Any, slot: str) -> None:
        self.saved.append((owner, slot, owner.__dict__.get(slot)))

    def rollback(self) -> None:
        for owner, slot, original in reversed(self.saved):
            owner.__dict__[slot] = original
            _restamp(owner)


_active = threading.local()
_revisions = itertools.count(1)


def _restamp(owner: Any) -> None:
    """A new revision for an owner whose state may change (or just changed)."""
    owner.__dict__["_revision"] = next(_revisions)


def active_transaction() -> Transaction | None:
    return getattr(_active, "transaction", None)


def _in_read() -> bool:
    return bool(getattr(_active, "reading", False))


@contextmanager
def reading() -> Iterator[None]:
    """A read-only stretch (a read request, a state dump): containers reached through attributes inside it do not
    take a new revision. Code inside must not change what it reads."""
    outer = _in_read()
    _active.reading = True
    try:
        yield
    finally:
        _active.reading = outer


@contextmanager
def transaction() -> Iterator[Transaction]:
    """Run a write: on an exception every change made inside is undone (all or nothing)."""
    outer = active_transaction()
    current = Transaction()
    _active.transaction = current
    try:
        yield current
    except BaseException:
        current.rollback()
        raise
    finally:
        _active.transaction = outer


class _CopiedOnWrite:
    """A container attribute: inside a transaction, the first access swaps in a copy (the original is kept
    for a rollback); assignments inside a transaction are remembered too."""

    def __init__(self, copier: Callable[[Any], Any]) -> None:
        self.copier = copier
        self.slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, owner: Any, owner_type: type | None = None) -> Any:
        if owner is None:
            return self
        current = active_transaction()
        if current is not None:
            if current.claim(owner, self.slot):
                current.save(owner, self.slot)
                owner.__dict__[self.slot] = self.copier(owner.__dict__[self.slot])
                _restamp(owner)
        elif not _in_read():
            _restamp(owner)  # the live container, handed out where nothing stops a change in place
        return owner.__dict__[self.slot]

    def __set__(self, owner: Any, value: Any) -> None:
        current = active_transaction()
        if current is not None and current.claim(owner, self.slot):
            current.save(owner, self.slot)
        owner.__dict__[self.slot] = value
        _restamp(owner)


class _Assigned:
    """A value changed only by assigning a new one (cells are changed in place only by :meth:`Sheet.put`):
    reading copies nothing; inside a transaction an assignment is remembered, and the new value (built by
    the request) is the transaction's own."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, owner: Any, owner_type: type | None = None) -> Any:
        if owner is None:
            return self
        if active_transaction() is None and not _in_read():
            _restamp(owner)  # outside a transaction, nothing stops a change in place
        return owner.__dict__[self.slot]

    def __set__(self, owner: Any, value: Any) -> None:
        current = active_transaction()
        if current is not None:
            if current.claim(owner, self.slot):
                current.save(owner, self.slot)
            if isinstance(value, dict):
                current.own(value)
        owner.__dict__[self.slot] = value
        _restamp(owner)


_deep = copy.deepcopy


class _Stamped:
    """What carries a revision: a tab, a spreadsheet (its containers are attributes that restamp it)."""

    @property
    def revision(self) -> int:
        """A number never used before, taken anew whenever this may have changed (see the module docstring)."""
        return int(self.__dict__["_revision"])

    @property
    def memo(self) -> dict[Any, Any]:
        """Scratch space for what is derived from this, each entry stored with the :attr:`revision` it was derived
        at (:mod:`sheets_emulator.answers`); it goes with the object, and a clone starts without."""
        return self.__dict__.setdefault("_memo", {})  # type: ignore[no-any-return]


class Sheet(_Stamped):
    """One tab: properties as the API writes them, sparse cells and what is attached to its ranges."""

    properties: Json = _CopiedOnWrite(_deep)  # type: ignore[assignment]
    cells: dict[int, dict[int, Cell]] = _Assigned()  # type: ignore[assignment]
    protected_ranges: list[Json] = _CopiedOnWrite(_deep)  # type: ignore[assignment]
    conditional_formats: list[Json] = _CopiedOnWrite(_deep)  # type: ignore[assignment]
    merges: list[Json] = _CopiedOnWrite(_deep)  # type: ignore[assignment]
    row_sizes: dict[int, int] = _CopiedOnWrite(dict)  # type: ignore[assignment]
    col_sizes: dict[int, int] = _CopiedOnWrite(dict)  # type: ignore[assignment]
    hidden_rows: set[int] = _CopiedOnWrite(set)  # type: ignore[assignment]
    hidden_cols: set[int] = _CopiedOnWrite(set)  # type: ignore[assignment]
    basic_filter: Json | None = _CopiedOnWrite(_deep)  # type: ignore[assignment]
    filter_views: list[Json] = _CopiedOnWrite(_deep)  # type: ignore[assignment]
    row_groups: list[Json] = _CopiedOnWrite(_deep)  # type: ignore[assignment]
    column_groups: list[Json] = _CopiedOnWrite(_deep)  # type: ignore[assignment]

    def __init__(
        self,
        properties: Json,
        cells: dict[int, dict[int, Cell]] | None = None,
        protected_ranges: list[Json] | None = None,
        conditional_formats: list[Json] | None = None,
        merges: list[Json] | None = None,
        row_sizes: dict[int, int] | None = None,
        col_sizes: dict[int, int] | None = None,
        hidden_rows: set[int] | None = None,
        hidden_cols: set[int] | None = None,
        basic_filter: Json | None = None,
        filter_views: list[Json] | None = None,
        row_groups: list[Json] | None = None,
        column_groups: list[Json] | None = None,
    ) -> None:
        self.properties = properties
        self.cells = cells if cells is not None else {}
        self.protected_ranges = protected_ranges if protected_ranges is not None else []
        self.conditional_formats = conditional_formats if conditional_formats is not None else []
        self.merges = merges if merges is not None else []
        self.row_sizes = row_sizes if row_sizes is not None else {}
        self.col_sizes = col_sizes if col_sizes is not None else {}
        self.hidden_rows = hidden_rows if hidden_rows is not None else set()
        self.hidden_cols = hidden_cols if hidden_cols is not None else set()
        self.basic_filter = basic_filter
        self.filter_views = filter_views if filter_views is not None else []
        self.row_groups = row_groups if row_groups is not None else []
        self.column_groups = column_groups if column_groups is not None else []

    def __repr__(self) -> str:
        return f"Sheet(sheetId={self.sheet_id}, title={self.title!r})"

    @property
    def _current_properties(self) -> Json:
        """The properties for reading only (no copy inside a transaction)."""
        return self.__dict__["_properties"]  # type: ignore[no-any-return]

    @property
    def sheet_id(self) -> int:
        return int(self._current_properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self._current_properties["title"])

    @property
    def index(self) -> int:
        return int(self._current_properties.get("index", 0))

    @property
    def grid(self) -> Json:
        return self.properties.setdefault("gridProperties", {})

    @property
    def row_count(self) -> int:
        return int(self._current_properties.get("gridProperties", {}).get("rowCount", 0))

    @property
    def col_count(self) -> int:
        return int(self._current_properties.get("gridProperties", {}).get("columnCount", 0))

    @property
    def cell_count(self) -> int:
        return self.row_count * self.col_count

    def cell(self, row: int, col: int) -> Cell:
        """The cell at (row, col), or the shared empty cell."""
        return self.cells.get(row, {}).get(col, EMPTY)

    def put(self, row: int, col: int, cell: Cell) -> None:
        """Store a cell; an empty cell is removed so storage stays sparse. Inside a transaction, the row table
        and the row are copied before their first change (only the rows written are copied)."""
        current = active_transaction()
        cells = self.__dict__["_cells"]
        _restamp(self)
        if current is not None:
            if not current.owns(cells):
                if current.claim(self, "_cells"):
                    current.save(self, "_cells")
                cells = self.__dict__["_cells"] = current.own(dict(cells))
            row_cells = cells.get(row)
            if row_cells is not None and not current.owns(row_cells):
                cells[row] = current.own(dict(row_cells))
            elif row_cells is None and not cell.empty:
                cells[row] = current.own({})
        if cell.empty:
            row_cells = cells.get(row)
            if row_cells is not None:
                row_cells.pop(col, None)
                if not row_cells:
                    del cells[row]
            return
        cells.setdefault(row, {})[col] = cell

    def notes(self) -> dict[str, str]:
        """Every note by cell name ({"B7": "..."}), for assertions."""
        return {cell_name(r, c): cell.note for r, c, cell in self._cells_in_order() if cell.note is not None}

    def data_validation(self) -> dict[str, Json]:
        """Every data-validation rule by cell name, for assertions."""
        return {
            cell_name(r, c): cell.validation
            for r, c, cell in self._cells_in_order()
            if cell.validation is not None
        }

    def _cells_in_order(self) -> list[tuple[int, int, Cell]]:
        return [(r, c, self.cells[r][c]) for r in sorted(self.cells) for c in sorted(self.cells[r])]

    def clone(self) -> Sheet:
        """A copy of everything (cells are shared: they are immutable)."""
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


class Spreadsheet(_Stamped):
    """A workbook: properties, tabs in order, all developer metadata (any location) and named ranges."""

    properties: Json = _CopiedOnWrite(_deep)  # type: ignore[assignment]
    sheets: list[Sheet] = _CopiedOnWrite(list)  # type: ignore[assignment]
    developer_metadata: list[Json] = _CopiedOnWrite(_deep)  # type: ignore[assignment]
    named_ranges: list[Json] = _CopiedOnWrite(_deep)  # type: ignore[assignment]
    id_counter: int = _Assigned()  # type: ignore[assignment]

    def __init__(
        self,
        spreadsheet_id: str,
        properties: Json,
        sheets: list[Sheet] | None = None,
        developer_metadata: list[Json] | None = None,
        named_ranges: list[Json] | None = None,
        id_counter: int = 0,
    ) -> None:
        self.spreadsheet_id = spreadsheet_id
        self.properties = properties
        self.sheets = sheets if sheets is not None else []
        self.developer_metadata = developer_metadata if developer_metadata is not None else []
        self.named_ranges = named_ranges if named_ranges is not None else []
        self.id_counter = id_counter

    def __repr__(self) -> str:
        return f"Spreadsheet(spreadsheetId={self.spreadsheet_id!r}, tabs={len(self.sheets)})"

    @property
    def _current_sheets(self) -> list[Sheet]:
        """The tabs for reading only (no copy of the list inside a transaction)."""
        return self.__dict__["_sheets"]  # type: ignore[no-any-return]

    @property
    def metadata_for_reading(self) -> list[Json]:
        """The developer metadata for reading only: no copy inside a transaction (never change what this
        returns; go through ``developer_metadata`` to change entries)."""
        return self.__dict__["_developer_metadata"]  # type: ignore[no-any-return]

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        cached = self._lookup_cache().get(("id", sheet_id))
        if cached is not None and cached.sheet_id == sheet_id and cached in self._current_sheets:
            return cached
        found = next((sheet for sheet in self._current_sheets if sheet.sheet_id == sheet_id), None)
        if found is not None:
            self._remember()
        return found

    def sheet_by_title(self, title: str) -> Sheet | None:
        """Sheet titles are unique ignoring case, as in Google Sheets."""
        wanted = title.casefold()
        cached = self._lookup_cache().get(("title", wanted))
        if cached is not None and cached.title.casefold() == wanted and cached in self._current_sheets:
            return cached
        found = next((sheet for sheet in self._current_sheets if sheet.title.casefold() == wanted), None)
        if found is not None:
            self._remember()
        return found

    def _lookup_cache(self) -> dict[tuple[str, Any], Sheet]:
        """Tabs by id and by folded title, so a lookup in a workbook of 1,000 tabs does not scan them all. A
        hint only: every hit is checked (the tab still there, with that id or title), a miss rebuilds it."""
        return self.__dict__.setdefault("_by_key", {})  # type: ignore[no-any-return]

    def _remember(self) -> None:
        index: dict[tuple[str, Any], Sheet] = {}
        for sheet in self._current_sheets:
            index[("id", sheet.sheet_id)] = sheet
            index[("title", sheet.title.casefold())] = sheet
        self.__dict__["_by_key"] = index

    def renumber(self) -> None:
        """Keep ``properties.index`` equal to each tab's position (touching only the tabs that moved)."""
        for index, sheet in enumerate(self.sheets):
            if sheet.index != index or "index" not in sheet._current_properties:
                sheet.properties["index"] = index

    def total_cells(self) -> int:
        return sum(sheet.cell_count for sheet in self._current_sheets)

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
        return {sheet.sheet_id for sheet in self._current_sheets}

    def protected_range_ids(self) -> set[int]:
        return {int(p["protectedRangeId"]) for sheet in self.sheets for p in sheet.protected_ranges}

    def metadata_ids(self) -> set[int]:
        return {int(m["metadataId"]) for m in self.developer_metadata}


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

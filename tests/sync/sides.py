"""One workbook implementation with a PM at its keyboard: the in-memory fake or the emulator behind gspread.

Behaviour tests take the ``side`` fixture (tests/sync/conftest.py) and run once per implementation. Cells are
0-based (row, column) here; the emulator's PM helper gets A1 names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gspread

from sheets_emulator import Emulator
from sheets_sync.errors import ConflictError, PartialSyncError
from sheets_sync.sync.columns import MODULE_COLUMNS
from sheets_sync.sync.engine import SyncEngine, SyncResult
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.module_plan import column_letters
from sheets_sync.sync.snapshot import Cell, SheetSnapshot, TabSnapshot
from sheets_sync.sync.tabs import find_geometry, read_module_tab

SHEET = "sheet-1"


def a1(row: int, column: int) -> str:
    return f"{column_letters(column)}{row + 1}"


def exit_code(result: SyncResult) -> int:
    """The exit code the CLI gives this result (0, 3 or 5)."""
    try:
        result.raise_for_conflicts()
    except (ConflictError, PartialSyncError) as exc:
        return exc.exit_code
    return 0


@dataclass
class Side:
    name: str
    engine: SyncEngine
    fake: FakeWorkbook | None = None
    emu: Emulator | None = None

    # ------------------------------------------------------------------------------------ reading

    def read(self) -> SheetSnapshot:
        return self.engine.workbook.read()

    def tab(self, title: str) -> TabSnapshot:
        found = self.read().by_title(title)
        assert found is not None, title
        return found

    def titles(self) -> list[str]:
        return [tab.title for tab in self.read().tabs]

    def cell(self, title: str, row: int, column: int) -> Cell:
        return self.tab(title).cell(row, column)

    def rows(self, title: str) -> dict[str, dict[str, str]]:
        """Suggestion rows by id (each id once), fields as texts."""
        found: dict[str, dict[str, str]] = {}
        for row in read_module_tab(self.tab(title)).suggestions:
            key = row.id_cell or f"<row {row.row}>"
            assert key not in found, f"{key} appears twice"
            found[key] = dict(row.actual)
        return found

    def cell_of(self, title: str, label: str, row_id: str) -> tuple[int, int]:
        """(row, column) of a label's cell in the row showing ``row_id`` (a suggestion or experiment id)."""
        tab = self.tab(title)
        geometry = find_geometry(tab)
        suggestion = label in {c.label for c in MODULE_COLUMNS.suggestions}
        id_column = geometry.column("suggestion id" if suggestion else "experiment id")
        row = next(r for (r, c), cell in tab.cells.items() if c == id_column and cell.value == row_id)
        return row, geometry.column(label)

    def header_of(self, title: str, label: str) -> tuple[int, int]:
        geometry = find_geometry(self.tab(title))
        row = geometry.suggestions_header if label in geometry.suggestion_labels else geometry.header_row
        return row, geometry.column(label)

    def write_requests(self) -> int:
        if self.fake is not None:
            return self.fake.write_calls
        assert self.emu is not None
        return self.emu.count(write=True)

    def read_requests(self) -> int:
        if self.fake is not None:
            return self.fake.reads
        assert self.emu is not None
        return self.emu.count(write=False)

    # ------------------------------------------------------------------------------------ a PM

    @property
    def pm(self):
        assert self.emu is not None
        return self.emu.pm(SHEET)

    def type(self, title: str, row: int, column: int, text: str) -> None:
        """Type into a cell as the Sheets UI does."""
        if self.fake is not None:
            self.fake.pm_type(title, row, column, text)
        else:
            self.pm.set_cell(title, a1(row, column), text)

    def set_number_format(self, title: str, row: int, column: int, pattern: str | None) -> None:
        """Format > Number of one cell: a custom pattern (``0000``), ``@`` (plain text), or None (Automatic)."""
        if self.fake is not None:
            self.fake.pm_format(title, row, column, pattern)
            return
        number_format = (
            {"type": "TEXT" if pattern == "@" else "NUMBER", "pattern": pattern} if pattern else {}
        )
        gspread_book(self.emu).worksheet(title).format(a1(row, column), {"numberFormat": number_format})

    def paste_over_dropdown(self, title: str, row: int, column: int, text: str) -> None:
        """Copy a cell that has no dropdown and paste it over one (Ctrl+V takes the validation along)."""
        if self.fake is not None:
            self.fake.pm_type(title, row, column, text)
            return
        spare = self.tab(title).column_count - 1
        self.pm.set_cell(title, a1(0, spare), text)
        self.pm.copy_paste(title, a1(0, spare), a1(row, column))
        self.pm.set_cell(title, a1(0, spare), "")

    def sort(
        self, title: str, rows: tuple[int, int], columns: tuple[int, int], key: int, descending: bool = False
    ) -> None:
        """Data > Sort range over the rectangle (rows [a, b), columns [c, d)), no header rows marked."""
        if self.fake is not None:
            self.fake.pm_sort(title, rows, columns, key, descending)
        else:
            cells = f"{a1(rows[0], columns[0])}:{a1(rows[1] - 1, columns[1] - 1)}"
            self.pm.sort_range(title, cells, key, descending)

    def rename_tab(self, old: str, new: str) -> None:
        if self.fake is not None:
            self.fake.pm_rename(old, new)
        else:
            self.pm.rename_tab(old, new)

    def add_tab(self, title: str, values: dict[tuple[int, int], str]) -> None:
        if self.fake is not None:
            self.fake.pm_add_tab(title, values=dict(values))
            return
        sheet = gspread_book(self.emu).add_worksheet(title, rows=20, cols=10)
        for (row, column), value in values.items():
            sheet.update_acell(a1(row, column), value)

    def duplicate_tab(self, title: str, new_title: str | None = None) -> str:
        if self.fake is not None:
            return self.fake.pm_duplicate(title, new_title)
        return str(self.pm.duplicate_tab(title, new_title))

    def delete_tab(self, title: str) -> None:
        if self.fake is not None:
            self.fake.pm_delete_tab(title)
        else:
            self.pm.delete_tab(title)

    def merge(self, title: str, rows: tuple[int, int], columns: tuple[int, int]) -> None:
        if self.fake is not None:
            self.fake.pm_merge(title, rows, columns)
        else:
            self.pm.merge(title, f"{a1(rows[0], columns[0])}:{a1(rows[1] - 1, columns[1] - 1)}")

    def insert_rows(self, title: str, at: int, count: int = 1) -> None:
        """Insert blank rows above 0-based row ``at``."""
        if self.fake is not None:
            self.fake.pm_insert_rows(title, at, count)
        else:
            self.pm.insert_rows(title, at + 1, count)

    def delete_rows(self, title: str, at: int, count: int = 1) -> None:
        if self.fake is not None:
            self.fake.pm_delete_rows(title, at, count)
        else:
            self.pm.delete_rows(title, at + 1, count)

    def before_next_write(self, callback: Callable[[], None]) -> None:
        if self.fake is not None:
            self.fake.before_next_write(callback)
        else:
            assert self.emu is not None
            self.emu.before_next_write(callback)


def gspread_book(emu: Emulator | None) -> gspread.Spreadsheet:
    assert emu is not None
    return emu.gspread_client().open_by_key(SHEET)

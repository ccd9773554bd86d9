"""Several clones of one repository syncing one emulated workbook: the helpers the team tests share."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sheets_emulator import Emulator
from sheets_sync.edits import add_suggestion
from sheets_sync.models import Priority
from sheets_sync.store import Store
from sheets_sync.sync.engine import SyncEngine, SyncOptions, SyncResult
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.layout import FIELD_LABEL
from sheets_sync.sync.snapshot import SheetSnapshot
from sheets_sync.sync.tabs import find_geometry, read_module_tab

SPREADSHEET = "team-sheet"


@dataclass
class Clone:
    """One engineer's (or the scheduled job's) data directory, syncing through gspread to the emulator."""

    name: str
    store: Store
    emulator: Emulator

    @property
    def engine(self) -> SyncEngine:
        return SyncEngine(self.store, GspreadWorkbook(SPREADSHEET, self.emulator.session()))

    def push(self, **options: object) -> SyncResult:
        return self.engine.push(SyncOptions(**options))  # type: ignore[arg-type]

    def pull(self, **options: object) -> SyncResult:
        return self.engine.pull(SyncOptions(**options))  # type: ignore[arg-type]

    def suggest(self, issue: str, module_id: str = "m01") -> str:
        added = add_suggestion(
            self.store, module_id, version="v1", rubric="main", issue=issue, suggestion=f"fix for {issue}"
        )
        return added.id

    def delete(self, suggestion_id: str, module_id: str = "m01") -> None:
        with self.store.lock():
            module = self.store.load_module(module_id)
            kept = [s for s in module.suggestions if s.id != suggestion_id]
            assert len(kept) < len(module.suggestions), f"{self.name} has no {suggestion_id}"
            self.store.save_module(module.model_copy(update={"suggestions": kept}))

    def edit(self, suggestion_id: str, module_id: str = "m01", **fields: object) -> None:
        with self.store.lock():
            module = self.store.load_module(module_id)
            changed = [
                s.model_copy(update=fields) if s.id == suggestion_id else s for s in module.suggestions
            ]
            self.store.save_module(module.model_copy(update={"suggestions": changed}))

    def suggestions(self, module_id: str = "m01") -> dict[str, str]:
        """Suggestion id -> issue text, from the module file."""
        return {s.id: s.issue for s in self.store.load_module(module_id).suggestions}

    def suggestion(self, suggestion_id: str, module_id: str = "m01") -> dict[str, object]:
        found = next(s for s in self.store.load_module(module_id).suggestions if s.id == suggestion_id)
        return found.model_dump(mode="json")


def clone_of(source: Store, name: str, root: Path, emulator: Emulator) -> Clone:
    target = root / name / "data"
    shutil.copytree(source.data_dir, target, ignore=shutil.ignore_patterns("*.lock"))
    return Clone(name, Store(target), emulator)


def sheet(emulator: Emulator) -> SheetSnapshot:
    return GspreadWorkbook(SPREADSHEET, emulator.session()).read()


def sheet_rows(emulator: Emulator, title: str = "m01") -> dict[str, dict[str, str]]:
    """The suggestions table by id (each id once), fields as texts."""
    rows: dict[str, dict[str, str]] = {}
    for row in read_module_tab(_tab(emulator, title)).suggestions:
        if row.blank:
            continue
        assert row.id_cell not in rows, f"{row.id_cell} appears twice in {title}"
        rows[row.id_cell] = dict(row.actual)
    return rows


def _tab(emulator: Emulator, title: str):  # type: ignore[no-untyped-def]
    found = sheet(emulator).by_title(title)
    assert found is not None
    return found


def pm_cell(emulator: Emulator, suggestion_id: str, name: str, title: str = "m01") -> str:
    """The A1 name of a suggestion's field cell, as a PM finds it."""
    tab = _tab(emulator, title)
    geometry = find_geometry(tab)
    row = next(r.row for r in read_module_tab(tab).suggestions if r.id_cell == suggestion_id)
    assert row is not None
    column = geometry.column(FIELD_LABEL[name])
    return f"{_letters(column)}{row + 1}"


def pm_row(emulator: Emulator, suggestion_id: str, title: str = "m01") -> int:
    row = next(
        r.row for r in read_module_tab(_tab(emulator, title)).suggestions if r.id_cell == suggestion_id
    )
    assert row is not None
    return row + 1


def _letters(column: int) -> str:
    text = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


HIGH = Priority.HIGH


def pm_type_new_row(emulator: Emulator, values: dict[str, str], title: str = "m01") -> None:
    """A PM types a row below the suggestions table: ``values`` by field name, ``"id"`` for the id cell."""
    tab = _tab(emulator, title)
    geometry = find_geometry(tab)
    rows = [r.row for r in read_module_tab(tab).suggestions if r.row is not None]
    row = max(rows, default=geometry.header_row) + 2
    pm = emulator.pm(SPREADSHEET)
    for name, text in values.items():
        label = "suggestion id" if name == "id" else FIELD_LABEL[name]
        pm.set_cell(title, f"{_letters(geometry.column(label))}{row}", text)

"""The real stack: sheets-sync -> gspread -> requests -> the Sheets API emulator (in-process transport)."""

from __future__ import annotations

import pytest
from sync_helpers import FakeClock, modules, write_modules

from sheets_sync.emulator import Emulator, Fault
from sheets_sync.errors import (
    SheetsNotFoundError,
    SheetsPermissionError,
    SheetsUnavailableError,
    WorkbookLayoutError,
)
from sheets_sync.models import Priority, Status
from sheets_sync.store import Store
from sheets_sync.sync.codec import cell_text
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.merge import local_texts
from sheets_sync.sync.retry import Retrier
from sheets_sync.sync.tabs import find_geometry, read_module_tab

SHEET = "sheet-1"


def rows_by_id(emu: Emulator, title: str) -> dict[str, dict[str, str]]:
    workbook = GspreadWorkbook(SHEET, emu.session())
    snapshot = workbook.read()
    tab = snapshot.by_title(title)
    assert tab is not None
    return {r.id_cell or f"<{r.row}>": dict(r.actual) for r in read_module_tab(tab).suggestions}


def a1(emu: Emulator, title: str, label: str, row_id: str) -> str:
    """The A1 name of a label's cell in the row showing ``row_id``."""
    tab = GspreadWorkbook(SHEET, emu.session()).read().by_title(title)
    assert tab is not None
    geometry = find_geometry(tab)
    id_column = geometry.column("suggestion id" if label in ("issue", "priority", "status", "suggestion id",
                                                             "suggestion", "version") else "experiment id")
    row = next(r for (r, c), cell in tab.cells.items() if c == id_column and cell.value == row_id)
    return _name(row, geometry.column(label))


def _name(row: int, column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def table_range(emu: Emulator, title: str) -> str:
    """A1 range of the suggestions table's data rows."""
    tab = GspreadWorkbook(SHEET, emu.session()).read().by_title(title)
    assert tab is not None
    geometry = find_geometry(tab)
    view = read_module_tab(tab)
    first = _name(geometry.header_row + 1, geometry.column("suggestion id"))
    last = _name(max(r.row for r in view.suggestions if r.row is not None), geometry.column("applied in"))
    return f"{first}:{last}"


def test_first_push_builds_the_workbook_in_three_requests(emu_engine: SyncEngine, emu: Emulator) -> None:
    emu_engine.push()
    assert [(e["kind"], e["status"]) for e in emu.requests] == [
        ("spreadsheets.get", 200), ("spreadsheets.batchUpdate", 200), ("spreadsheets.get", 200)]
    book = emu.spreadsheet(SHEET)
    assert [s.title for s in book.sheets] == ["Heatmap", "m01", "m02"]
    pm = emu.pm(SHEET)
    assert pm.formatted("m01", "B1") == "m01 - Module m01"
    heatmap = pm.get_values("Heatmap")
    assert heatmap[4][:3] == ["module id", "module name", "v1"]
    assert pm.formatted("Heatmap", "C6").endswith("%") and "3000%" not in pm.formatted("Heatmap", "C6")
    assert "gpt-5: pass" in (pm.note("Heatmap", "C6") or "")
    m01 = book.sheets[1]
    assert m01.properties["gridProperties"]["frozenRowCount"] == 6
    assert m01.properties["gridProperties"]["rowCount"] < 100  # sized to the data, not 1000 rows


def test_braintrust_link_is_a_cell_link_not_a_formula(emu_engine: SyncEngine, emu: Emulator) -> None:
    emu_engine.push()
    sheet = emu.spreadsheet(SHEET).sheets[1]
    cell = next(c for row in sheet.cells.values() for c in row.values()
                if c.value == {"stringValue": "open in Braintrust"})
    assert cell.format["textFormat"]["link"]["uri"].startswith("https://www.braintrust.dev/")


def test_awkward_text_round_trips_through_gspread(emu_engine: SyncEngine, emu: Emulator, store: Store) -> None:
    awkward = ['=IMPORTXML("http://x","//a")', "+1 555 0100", "0012", "6.10", "1e5", "TRUE", "2026-01-20",
               "line\nbreak 🌵"]
    edited = store.load_module("m01")
    for index, text in enumerate(awkward[:3]):
        edited.suggestions[index].issue = text
    edited.suggestions[0].suggestion = " | ".join(awkward)
    edited.suggestions[1].applied_in = "6.10"
    edited.suggestions[2].version = "0012"
    with store.lock():
        store.save_module(edited)
    emu_engine.push()
    pm = emu.pm(SHEET)
    assert pm.value("m01", a1(emu, "m01", "issue", "m01-s1")) == awkward[0]  # text, not a formula
    rows = rows_by_id(emu, "m01")
    assert rows == {s.id: local_texts(s) for s in edited.suggestions}
    assert not emu_engine.pull().plan.modules
    assert not emu_engine.push().plan.has_writes


def test_pm_edit_pulled_local_edit_pushed_and_conflict(emu_engine: SyncEngine, emu: Emulator, store: Store) -> None:
    emu_engine.push()
    pm = emu.pm(SHEET)
    pm.set_cell("m01", a1(emu, "m01", "priority", "m01-s1"), "high")
    pm.set_cell("m01", a1(emu, "m01", "status", "m01-s2"), "In progress")
    assert emu_engine.pull().saved_modules == ["m01"]
    local = store.load_module("m01").suggestions
    assert (local[0].priority, local[1].status) == (Priority.HIGH, Status.IN_PROGRESS)
    local[2].issue = "edited locally"
    with store.lock():
        store.save_module(store.load_module("m01").model_copy(update={"suggestions": local}))
    emu.clear_log()
    assert emu_engine.push().plan.cells_written == 1
    assert rows_by_id(emu, "m01")["m01-s3"]["issue"] == "edited locally"
    pm.set_cell("m01", a1(emu, "m01", "issue", "m01-s3"), "edited in the sheet")
    local[2].issue = "edited locally again"
    with store.lock():
        store.save_module(store.load_module("m01").model_copy(update={"suggestions": local}))
    result = emu_engine.push()
    assert [(c.row_id, c.column) for c in result.conflicts] == [("m01-s3", "issue")]
    assert rows_by_id(emu, "m01")["m01-s3"]["issue"] == "edited in the sheet"
    assert store.load_module("m01").suggestions[2].issue == "edited locally again"


def test_pm_sorts_inserts_a_row_and_adds_a_suggestion(emu_engine: SyncEngine, emu: Emulator, store: Store) -> None:
    emu_engine.push()
    pm = emu.pm(SHEET)
    pm.sort_range("m01", table_range(emu, "m01"), column=a1(emu, "m01", "issue", "m01-s1").rstrip("0123456789"),
                  descending=True)
    pm.set_cell("m01", a1(emu, "m01", "priority", "m01-s1"), "low")
    pm.insert_rows("m01", 6)  # a blank row above the tables
    pm.set_cell("m01", a1(emu, "m01", "issue", "m01-s2"), "edited after the sort")
    last = table_range(emu, "m01").split(":")[1]
    new_row = int(last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + 1
    issue_column = a1(emu, "m01", "issue", "m01-s1").rstrip("0123456789")
    pm.set_cell("m01", f"{issue_column}{new_row}", "a new issue")
    result = emu_engine.pull()
    assert result.plan.notes.imported == ["m01-s4"]
    local = {s.id: s for s in store.load_module("m01").suggestions}
    assert local["m01-s1"].priority is Priority.LOW
    assert local["m01-s2"].issue == "edited after the sort"
    assert local["m01-s4"].issue == "a new issue"
    assert rows_by_id(emu, "m01")["m01-s4"]["issue"] == "a new issue"
    emu_engine.push()
    assert rows_by_id(emu, "m01")["m01-s4"]["status"] == "proposed"
    assert not emu_engine.pull().plan.modules and not emu_engine.push().plan.has_writes


def test_a_sort_between_read_and_write(emu_engine: SyncEngine, emu: Emulator, store: Store) -> None:
    emu_engine.push()
    edited = store.load_module("m01")
    edited.suggestions[0].priority = Priority.HIGH
    edited.suggestions[1].issue = "zz edited locally"
    with store.lock():
        store.save_module(edited)
    pm = emu.pm(SHEET)
    issue_column = a1(emu, "m01", "issue", "m01-s1").rstrip("0123456789")
    emu.before_next_write(lambda: pm.sort_range("m01", table_range(emu, "m01"), column=issue_column,
                                                descending=True))
    result = emu_engine.push()
    assert result.recovered
    assert rows_by_id(emu, "m01") == {s.id: local_texts(s) for s in edited.suggestions}


def test_a_deleted_row_is_reported_and_restored(emu_engine: SyncEngine, emu: Emulator, store: Store) -> None:
    emu_engine.push()
    row = int(a1(emu, "m02", "issue", "m02-s1").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    emu.pm(SHEET).delete_rows("m02", row)
    assert emu_engine.pull().plan.notes.deleted_in_sheet == ["m02-s1"]
    assert [s.id for s in store.load_module("m02").suggestions] == ["m02-s1", "m02-s2"]
    emu_engine.push()
    assert set(rows_by_id(emu, "m02")) == {"m02-s1", "m02-s2"}


def test_ten_pushes_leave_one_rule_of_each_kind(emu_engine: SyncEngine, emu: Emulator, store: Store) -> None:
    for n in range(10):
        edited = store.load_module("m02")
        edited.suggestions[0].issue = f"edit {n}"
        edited.suggestions.append(edited.suggestions[0].model_copy(update={"id": f"m02-s{n + 10}"}))
        with store.lock():
            store.save_module(edited)
        emu_engine.push()
    book = emu.spreadsheet(SHEET)
    for sheet in book.sheets:
        assert len(sheet.protected_ranges) == 1, sheet.title
    heatmap, m02 = book.sheet_by_title("Heatmap"), book.sheet_by_title("m02")
    assert heatmap is not None and m02 is not None
    assert len(heatmap.conditional_formats) == 1
    rules = {str(c.validation) for row in m02.cells.values() for c in row.values() if c.validation}
    assert len(rules) == 2  # one priority rule, one status rule, on every row of their columns


@pytest.mark.parametrize("count", [1, 10, 100])
def test_request_counts_do_not_grow_with_the_workbook(
    data_dir, emu: Emulator, retrier: Retrier, count: int
) -> None:
    store = write_modules(data_dir, *modules(count))
    engine = SyncEngine(store, GspreadWorkbook(SHEET, emu.session(), retrier=retrier), retrier)
    engine.push()
    emu.clear_log()
    engine.push()
    assert (emu.count(), emu.count(write=True)) == (1, 0)  # a no-op push: one read, zero writes
    edited = store.load_module("m001")
    edited.suggestions[0].issue = "one cell"
    with store.lock():
        store.save_module(edited)
    emu.clear_log()
    assert engine.push().plan.cells_written == 1
    assert [e["kind"] for e in emu.requests] == ["spreadsheets.get", "spreadsheets.batchUpdate", "spreadsheets.get"]


def test_three_429s_then_success(emu_engine: SyncEngine, emu: Emulator, clock: FakeClock) -> None:
    emu.inject(Fault(status=429, times=3))
    emu_engine.push()
    assert [e["status"] for e in emu.requests][:4] == [429, 429, 429, 200]
    assert len(clock.sleeps) == 3
    book = emu.spreadsheet(SHEET)
    assert [s.title for s in book.sheets] == ["Heatmap", "m01", "m02"]
    assert all(len(s.protected_ranges) == 1 for s in book.sheets)


def test_the_per_minute_quota_is_waited_out(emu_engine: SyncEngine, emu: Emulator, clock: FakeClock) -> None:
    emu.enable_quota(reads_per_minute=1, writes_per_minute=1)
    emu_engine.push()  # read, write, then the verifying read is over quota until the minute has passed
    assert [e["status"] for e in emu.requests][-1] == 200 and 429 in [e["status"] for e in emu.requests]
    assert sum(clock.sleeps) >= 30
    assert [s.title for s in emu.spreadsheet(SHEET).sheets] == ["Heatmap", "m01", "m02"]


def test_429s_on_the_write_are_resent(emu_engine: SyncEngine, emu: Emulator) -> None:
    emu.inject(Fault(status=429, times=3, only="write"))
    emu_engine.push()
    assert [e["status"] for e in emu.requests if e["write"]] == [429, 429, 429, 200]
    assert [s.title for s in emu.spreadsheet(SHEET).sheets] == ["Heatmap", "m01", "m02"]


def test_503_forever_gives_up_by_the_deadline(
    emu_engine: SyncEngine, emu: Emulator, store: Store, clock: FakeClock
) -> None:
    before = {p: p.read_bytes() for p in store.data_dir.rglob("*") if p.is_file()}
    emu.inject(Fault(status=503, times=None))
    with pytest.raises(SheetsUnavailableError) as caught:
        emu_engine.push()
    assert "gave up" in str(caught.value) and "503" in str(caught.value)
    assert clock.now - 1000.0 <= 300
    assert {p: p.read_bytes() for p in store.data_dir.rglob("*") if p.is_file()} == before


def test_a_lost_answer_to_a_write_creates_no_duplicates(emu_engine: SyncEngine, emu: Emulator) -> None:
    emu.inject(Fault(after_apply=True, drop=True, only="write"))
    emu_engine.push()
    book = emu.spreadsheet(SHEET)
    assert [s.title for s in book.sheets] == ["Heatmap", "m01", "m02"]
    assert all(len(s.protected_ranges) == 1 for s in book.sheets)
    assert len(book.sheets[0].conditional_formats) == 1
    assert emu.count(write=True) == 1


def test_a_write_that_timed_out_after_being_applied_is_not_repeated(
    emu_engine: SyncEngine, emu: Emulator, clock: FakeClock
) -> None:
    emu.inject(Fault(delay=120, only="write"))  # applied, but the answer comes after the 60 s read timeout
    emu_engine.push()
    book = emu.spreadsheet(SHEET)
    assert [s.title for s in book.sheets] == ["Heatmap", "m01", "m02"]
    assert all(len(s.protected_ranges) == 1 for s in book.sheets)
    assert emu.count(write=True) == 1 and 60 in clock.sleeps


def test_a_renamed_tab_is_found_by_its_sheet_id(emu_engine: SyncEngine, emu: Emulator, store: Store) -> None:
    emu_engine.push()
    emu.pm(SHEET).rename_tab("m02", "Classifier")
    edited = store.load_module("m02")
    edited.suggestions[0].issue = "after the rename"
    with store.lock():
        store.save_module(edited)
    emu_engine.push()
    assert [s.title for s in emu.spreadsheet(SHEET).sheets] == ["Heatmap", "m01", "Classifier"]
    assert rows_by_id(emu, "Classifier")["m02-s1"]["issue"] == "after the rename"


def test_a_foreign_tab_with_our_title_is_an_error(emu_engine: SyncEngine, emu: Emulator) -> None:
    emu.gspread_client().open_by_key(SHEET).add_worksheet("m02", rows=10, cols=5)
    emu.clear_log()
    with pytest.raises(WorkbookLayoutError, match="did not make"):
        emu_engine.push()
    assert emu.count(write=True) == 0


def test_other_tabs_are_left_alone_and_sheet1_removed(emu_engine: SyncEngine, emu: Emulator) -> None:
    client = emu.gspread_client().open_by_key(SHEET)
    client.add_worksheet("Team", rows=5, cols=3).update([["ours", 1]], "A1")
    emu_engine.push()
    emu_engine.push()
    titles = [s.title for s in emu.spreadsheet(SHEET).sheets]
    assert titles == ["Heatmap", "Team", "m01", "m02"]
    assert emu.pm(SHEET).get_values("Team") == [["ours", 1]]


def test_a_grid_over_the_cell_limit_fails_before_writing(emu_engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SHEET).set_cell("Sheet1", "A1", "kept")
    emu.gspread_client().open_by_key(SHEET).add_worksheet("Big", rows=383_577, cols=26)  # 9,973,002 cells
    emu.clear_log()
    with pytest.raises(WorkbookLayoutError, match="10,000,000"):
        emu_engine.push()
    assert emu.count(write=True) == 0


def test_missing_spreadsheet_and_no_access(store: Store, emu: Emulator, retrier: Retrier) -> None:
    missing = SyncEngine(store, GspreadWorkbook("nope", emu.session(), retrier=retrier), retrier)
    with pytest.raises(SheetsNotFoundError, match="not found"):
        missing.push()
    emu.inject(Fault(status=403, times=1))
    workbook = GspreadWorkbook(SHEET, emu.session(), retrier=retrier, account="sync@p.iam.gserviceaccount.com")
    with pytest.raises(SheetsPermissionError, match="sync@p.iam.gserviceaccount.com"):
        SyncEngine(store, workbook, retrier).push()
    assert len([e for e in emu.requests if e["status"] == 403]) == 1  # not retried


def test_values_read_unformatted(emu_engine: SyncEngine, emu: Emulator) -> None:
    emu_engine.push()
    pm = emu.pm(SHEET)
    cell = a1(emu, "m01", "version", "m01-s1")
    pm.set_cell("m01", cell, "7")  # typed: Sheets makes it the number 7
    assert cell_text(pm.value("m01", cell)) == "7"
    emu_engine.pull()
    assert rows_by_id(emu, "m01")["m01-s1"]["version"] == "7"

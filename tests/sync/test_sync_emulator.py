"""The real stack: sheets-sync -> gspread -> requests -> the Sheets API emulator (in-process transport)."""

from __future__ import annotations

import logging
import random

import gspread
import pytest
from fake_clock import FakeClock
from sync_helpers import AWKWARD_TEXTS, experiment, modules, paste_over_dropdown, write_modules

from sheets_emulator import Emulator, Fault
from sheets_sync import palette
from sheets_sync.errors import (
    SheetsNotFoundError,
    SheetsPermissionError,
    SheetsUnavailableError,
    WorkbookLayoutError,
)
from sheets_sync.models import Priority
from sheets_sync.store import Store
from sheets_sync.sync.codec import cell_text
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.merge import local_texts
from sheets_sync.sync.pending import pending_path
from sheets_sync.sync.retry import Retrier, RetryPolicy
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
    id_column = geometry.column(
        "suggestion id"
        if label in ("issue", "priority", "status", "suggestion id", "suggestion", "version")
        else "experiment id"
    )
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
        ("spreadsheets.get", 200),
        ("spreadsheets.batchUpdate", 200),
        ("spreadsheets.getByDataFilter", 200),
    ]
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
    cell = next(
        c
        for row in sheet.cells.values()
        for c in row.values()
        if c.value == {"stringValue": "open in Braintrust"}
    )
    assert cell.format["textFormat"]["link"]["uri"].startswith("https://www.braintrust.dev/")


def test_awkward_text_round_trips_through_gspread(
    emu_engine: SyncEngine, emu: Emulator, store: Store
) -> None:
    awkward = AWKWARD_TEXTS
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


AWKWARD = AWKWARD_TEXTS


def test_each_awkward_text_is_a_whole_cell_of_text_after_a_push(
    data_dir, emu: Emulator, emu_workbook: GspreadWorkbook, retrier: Retrier
) -> None:
    """Every awkward value alone in a cell, as a PM sees it through gspread: the same text, never a number, date,
    boolean or formula; and pull reads back exactly what push wrote."""
    from sync_helpers import module as make_module
    from sync_helpers import suggestion

    awkward = make_module("m01", experiments=1, suggestions=0)
    awkward.suggestions = [
        suggestion("m01", n, issue=text, suggestion=text) for n, text in enumerate(AWKWARD, 1)
    ]
    store = write_modules(data_dir, awkward)
    engine = SyncEngine(store, emu_workbook, retrier)
    engine.push()
    worksheet = emu.gspread_client().open_by_key(SHEET).worksheet("m01")
    for number, text in enumerate(AWKWARD, 1):
        cell = a1(emu, "m01", "issue", f"m01-s{number}")
        # A text starting with ' is written with one more ' (the reader drops the first: docs/sync.md, Values).
        shown = f"'{text}" if text.startswith("'") else text
        assert worksheet.acell(cell).value == shown  # what the PM sees (FORMATTED_VALUE)
        unformatted = worksheet.acell(cell, value_render_option=gspread.utils.ValueRenderOption.unformatted)
        assert unformatted.value == shown and isinstance(emu.pm(SHEET).value("m01", cell), str)
    assert rows_by_id(emu, "m01") == {s.id: local_texts(s) for s in awkward.suggestions}
    pulled = engine.pull()
    assert not pulled.plan.modules and not pulled.plan.ops
    assert not engine.push().plan.has_writes


def test_the_heatmap_shows_fractions_blocks_notes_and_a_colour_blind_safe_scale(
    emu_engine: SyncEngine, emu: Emulator, emu_workbook: GspreadWorkbook, store: Store
) -> None:
    emu_engine.push()
    pm = emu.pm(SHEET)
    values = pm.get_values("Heatmap")
    titles = {row[0]: index for index, row in enumerate(values) if row}
    models = ("gpt-4o", "gpt-4o-mini", "gpt-5")
    assert {"Best pass rate", "Match rate of the best model", *(f"Pass rate: {m}" for m in models)} <= set(
        titles
    )
    m01 = store.load_module("m01")
    v1 = {e.model: e for e in m01.experiments if e.prompt_version == "v1"}
    best = max(v1.values(), key=lambda e: e.metrics.pass_rate or 0)

    def rate_cell(block: str) -> str:
        return f"C{titles[block] + 3}"  # the block title, its header row, then m01; column C is v1

    assert pm.value("Heatmap", rate_cell("Best pass rate")) == best.metrics.pass_rate / 100
    assert (
        pm.formatted("Heatmap", rate_cell("Best pass rate")) == f"{best.metrics.pass_rate:.1f}%"
    )  # not 4400%
    assert pm.value("Heatmap", rate_cell("Match rate of the best model")) == best.metrics.match_rate / 100
    for model, run in v1.items():
        assert pm.value("Heatmap", rate_cell(f"Pass rate: {model}")) == run.metrics.pass_rate / 100
    note = pm.note("Heatmap", rate_cell("Best pass rate")) or ""
    for model, run in v1.items():
        assert (
            f"{model}: pass {run.metrics.pass_rate:.1f}%, match {run.metrics.match_rate:.1f}%, "
            f"n={run.metrics.total}, {run.timestamp:%Y-%m-%d}"
        ) in note
    # The dashboard's viridis bands (sheets_sync.palette) as each rate cell's own background and text colour:
    # purple is low on both, yellow high; the dark bands get white text.
    heatmap = emu_workbook.read().by_title("Heatmap")
    assert heatmap is not None
    rates = [c for c in heatmap.cells.values() if c.number_format == "0.0%" and isinstance(c.value, float)]
    assert rates
    for cell in rates:
        band = palette.band(round(cell.value * 100, 6))  # type: ignore[operator]
        assert cell.background == band.background
        assert cell.text_colour == (None if band.text == palette.BLACK else band.text)
    assert not emu.spreadsheet(SHEET).sheet_by_title("Heatmap").conditional_formats  # type: ignore[union-attr]


def test_a_push_interrupted_after_its_write_is_repaired_by_the_next(
    emu_engine: SyncEngine, emu: Emulator, store: Store
) -> None:
    """The write lands, then the network goes: local files stay as they were, the next push finishes the job
    without duplicating anything and the one after has nothing to do."""
    emu_engine.push()
    edited = store.load_module("m02")
    edited.suggestions[0].issue = "edited locally"
    edited.suggestions.append(
        edited.suggestions[0].model_copy(update={"id": "m02-s3", "issue": "new locally"})
    )
    with store.lock():
        store.save_module(edited)
    pending = pending_path(store, SHEET)
    before = {p: p.read_bytes() for p in store.data_dir.rglob("*") if p.is_file()}
    emu.before_next_write(lambda: emu.inject(Fault(status=503, times=None, only="read")))
    with pytest.raises(SheetsUnavailableError, match="Local files were not changed"):
        emu_engine.push()
    after = {p: p.read_bytes() for p in store.data_dir.rglob("*") if p.is_file()}
    assert after.pop(pending)  # what the write was about to do, recorded before it was sent
    assert after == before
    emu.clear_faults()
    retrier = Retrier(RetryPolicy(clock=FakeClock()))
    again = SyncEngine(store, GspreadWorkbook(SHEET, emu.session(), retrier=retrier), retrier)
    again.push()
    assert rows_by_id(emu, "m02") == {s.id: local_texts(s) for s in edited.suggestions}
    assert all(len(s.protected_ranges) == 1 for s in emu.spreadsheet(SHEET).sheets)
    assert not again.push().plan.has_writes


@pytest.mark.parametrize("count", [1, 10, 100])
def test_request_counts_do_not_grow_with_the_workbook(
    data_dir, emu: Emulator, retrier: Retrier, count: int
) -> None:
    store = write_modules(data_dir, *modules(count))
    engine = SyncEngine(store, GspreadWorkbook(SHEET, emu.session(), retrier=retrier), retrier)
    engine.push()
    # a first push: read, write, read to check (only the writes grow, with the payload)
    assert emu.count(write=False) <= 2
    emu.clear_log()
    engine.push()
    assert (emu.count(), emu.count(write=True)) == (1, 0)  # a no-op push: one read, zero writes
    emu.clear_log()
    assert not engine.pull().plan.modules
    assert (emu.count(), emu.count(write=True)) == (1, 0)  # a no-op pull: one read, zero writes
    emu.pm(SHEET).set_cell("m001", a1(emu, "m001", "priority", "m001-s2"), "high")
    emu.clear_log()
    assert engine.pull().saved_modules == ["m001"]
    assert store.load_module("m001").suggestions[1].priority is Priority.HIGH
    assert (emu.count(), emu.count(write=True)) == (1, 0)  # a pull of one PM edit: one read, nothing written
    edited = store.load_module("m001")
    edited.suggestions[0].issue = "one cell"
    with store.lock():
        store.save_module(edited)
    emu.clear_log()
    assert engine.push().plan.cells_written == 7  # the edited row, whole
    assert [e["kind"] for e in emu.requests] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
        "spreadsheets.getByDataFilter",
    ]
    # a refused value found by push: its mark (note and colour) goes into the same one write
    paste_over_dropdown(emu, SHEET, "m001", a1(emu, "m001", "version", "m001-s3"), "v99")
    edited.suggestions[1].issue = "another cell"
    with store.lock():
        store.save_module(edited)
    emu.clear_log()
    assert engine.push().plan.notes.refused
    assert [e["kind"] for e in emu.requests] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
        "spreadsheets.getByDataFilter",
    ]


EVERY_CELL_FIELD = (
    "sheets(properties,protectedRanges,conditionalFormats,merges,developerMetadata,"
    "data(startRow,startColumn,columnMetadata,rowData(values(userEnteredValue,formattedValue,note,"
    "userEnteredFormat,hyperlink,dataValidation)))),developerMetadata"
)
"""What a sync read before it read what the plan needs: every field of every cell it looks at."""


@pytest.mark.parametrize("count", [1, 10, 100])
def test_bytes_read_follow_what_the_plan_needs(data_dir, emu: Emulator, retrier: Retrier, count: int) -> None:
    store = write_modules(data_dir, *modules(count))
    engine = SyncEngine(store, GspreadWorkbook(SHEET, emu.session(), retrier=retrier), retrier)
    engine.push()
    everything = emu.session().get(
        f"https://sheets.googleapis.com/v4/spreadsheets/{SHEET}", params={"fields": EVERY_CELL_FIELD}
    )
    emu.clear_log()
    assert not engine.push().plan.has_writes
    assert (emu.count(), emu.count(write=True)) == (1, 0)  # a no-op push: one read, zero writes
    push = emu.bytes_sent(write=False)
    assert push < 0.95 * len(everything.content)  # narrower masks: number format patterns, dropdown values
    emu.clear_log()
    assert not engine.pull().plan.modules
    assert (emu.count(), emu.count(write=True)) == (1, 0)
    pull = emu.bytes_sent(write=False)
    assert pull < push / 2  # no format, colour, link or dropdown per cell: a pull compares values
    edited = store.load_module("m001")
    edited.suggestions[0].issue = "one cell"
    with store.lock():
        store.save_module(edited)
    emu.clear_log()
    assert engine.push().plan.cells_written == 7  # the edited row, whole
    assert [e["kind"] for e in emu.requests] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
        "spreadsheets.getByDataFilter",
    ]
    read, check = (e["response_bytes"] for e in emu.requests if not e["write"])
    assert read == push
    # the check reads the one tab written: its share of the workbook, however many tabs there are
    assert check < 2 * push / (count + 1)


PREVIOUS_READ = (
    "spreadsheetId,sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount,frozenRowCount,"
    "frozenColumnCount)),protectedRanges(protectedRangeId,range,description,warningOnly,unprotectedRanges),"
    "conditionalFormats(ranges,gradientRule),data(startRow,startColumn,columnMetadata(pixelSize),rowData(values("
    "userEnteredValue,formattedValue,note,userEnteredFormat(numberFormat,backgroundColor,textFormat(bold,link,"
    "foregroundColor)),hyperlink,dataValidation))),merges,developerMetadata(metadataId,metadataKey,metadataValue,"
    "location(locationType,sheetId))),developerMetadata(metadataId,metadataKey,metadataValue,location(locationType,"
    "spreadsheet))"
)
"""The read of the release before this one, asked of Google without ``prettyPrint=false``."""


def test_against_answers_shaped_as_googles_a_sync_reads_a_third_of_what_it_did(
    data_dir, clock: FakeClock, retrier: Retrier
) -> None:
    emu = Emulator(clock=clock.monotonic, sleep=clock.sleep, pretty_print=True)  # indented, as Google answers
    emu.create_spreadsheet(SHEET)
    store = write_modules(data_dir, *modules(10))
    engine = SyncEngine(store, GspreadWorkbook(SHEET, emu.session(), retrier=retrier), retrier)
    engine.push()
    before = emu.session().get(
        f"https://sheets.googleapis.com/v4/spreadsheets/{SHEET}", params={"fields": PREVIOUS_READ}
    )
    emu.clear_log()
    engine.push()
    engine.pull()
    assert all(entry["query"].get("prettyPrint") == "false" for entry in emu.requests)
    push, pull = (entry["response_bytes"] for entry in emu.requests)
    assert push < len(before.content) / 3 and pull < len(before.content) / 4


def test_three_429s_then_success(emu_engine: SyncEngine, emu: Emulator, clock: FakeClock) -> None:
    emu.inject(Fault(status=429, times=3))
    emu_engine.push()
    assert [e["status"] for e in emu.requests][:4] == [429, 429, 429, 200]
    assert len(clock.sleeps) == 3
    book = emu.spreadsheet(SHEET)
    assert [s.title for s in book.sheets] == ["Heatmap", "m01", "m02"]
    assert all(len(s.protected_ranges) == 1 for s in book.sheets)


def test_retry_after_sent_by_the_server_is_honoured(
    emu_engine: SyncEngine, emu: Emulator, clock: FakeClock
) -> None:
    emu.inject(Fault(status=429, retry_after=7))
    emu.inject(Fault(status=503, retry_after=11, only="write"))
    emu_engine.push()
    assert clock.sleeps == [7, 11]  # the header's waits, not the backoff's
    assert [s.title for s in emu.spreadsheet(SHEET).sheets] == ["Heatmap", "m01", "m02"]


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
    workbook = GspreadWorkbook(
        SHEET, emu.session(), retrier=retrier, account="sync@p.iam.gserviceaccount.com"
    )
    with pytest.raises(SheetsPermissionError, match="sync@p.iam.gserviceaccount.com"):
        SyncEngine(store, workbook, retrier).push()
    assert len([e for e in emu.requests if e["status"] == 403]) == 1  # not retried


def test_values_read_unformatted(emu_engine: SyncEngine, emu: Emulator) -> None:
    emu_engine.push()
    pm = emu.pm(SHEET)
    cell = a1(emu, "m01", "version", "m01-s1")
    paste_over_dropdown(emu, SHEET, "m01", cell, "7")  # from a cell with no text format: the number 7
    assert cell_text(pm.value("m01", cell)) == "7"
    emu_engine.pull()
    assert rows_by_id(emu, "m01")["m01-s1"]["version"] == "7"


def test_an_id_the_workbook_still_holds_is_not_handed_out_again(
    emu_engine: SyncEngine, emu: Emulator, store: Store
) -> None:
    # m01-s3 is deleted locally after a push; its row stays in the sheet until the next push. A suggestion added
    # before that push must not take m01-s3, or the sync would match the new suggestion to the old row.
    from sheets_sync.edits import add_suggestion

    emu_engine.push()
    module = store.load_module("m01")
    with store.lock():
        store.save_module(module.model_copy(update={"suggestions": module.suggestions[:2]}))
    experiment = module.experiments[0]
    added = add_suggestion(
        store, "m01", version=experiment.prompt_version, rubric="main", issue="new", suggestion="new text"
    )
    assert added.id == "m01-s4"
    emu_engine.push()
    rows = rows_by_id(emu, "m01")
    assert "m01-s3" not in rows
    assert rows["m01-s4"]["issue"] == "new"


PM_LABELS = ("version", "rubric", "issue", "suggestion", "priority", "status", "applied in")


def _covers(grid_range: dict[str, int], row: int, column: int) -> bool:
    """Whether an API GridRange (bounds left out are unbounded) holds the cell at (row, column)."""
    rows = grid_range.get("startRowIndex", 0), grid_range.get("endRowIndex", row + 1)
    columns = grid_range.get("startColumnIndex", 0), grid_range.get("endColumnIndex", column + 1)
    return rows[0] <= row < rows[1] and columns[0] <= column < columns[1]


def test_module_tabs_protect_tool_owned_columns_warning_only(emu_engine: SyncEngine, emu: Emulator) -> None:
    """PMs can type in the suggestion fields and get a warning (not a lock) anywhere else."""
    emu_engine.push()
    snapshot = GspreadWorkbook(SHEET, emu.session()).read()
    for title in ("m01", "m02"):
        sheet = emu.spreadsheet(SHEET).sheet_by_title(title)
        tab = snapshot.by_title(title)
        assert sheet is not None and tab is not None
        [protection] = sheet.protected_ranges
        assert protection["warningOnly"] is True
        assert protection["range"] == {"sheetId": sheet.properties["sheetId"]}  # the whole tab
        geometry = find_geometry(tab)
        open_ranges = protection.get("unprotectedRanges", [])

        def unprotected(row: int, column: int, ranges: list[dict[str, int]] = open_ranges) -> bool:
            return any(_covers(r, row, column) for r in ranges)

        rows = range(sheet.properties["gridProperties"]["rowCount"])
        below_header = range(geometry.header_row + 1, rows.stop)
        for label in PM_LABELS:
            column = geometry.column(label)
            assert all(unprotected(row, column) for row in below_header), (title, label)
            assert not unprotected(geometry.header_row, column), (title, label)  # the header is the tool's
        tool_labels = ["suggestion id", *geometry.experiment_labels]
        assert "experiment id" in tool_labels and "rubric: main" in tool_labels
        for label in tool_labels:
            column = geometry.column(label)
            assert not any(unprotected(row, column) for row in rows), (title, label)


def test_heatmap_columns_and_experiment_rows_follow_natural_version_order(
    data_dir, emu: Emulator, emu_workbook: GspreadWorkbook, retrier: Retrier
) -> None:
    """v2, v9, v10, never the text order v10, v2, v9."""
    from sync_helpers import module as make_module

    runs = make_module("m01", experiments=0, suggestions=1)
    runs.experiments = [
        experiment("m01", version, "gpt-5", day) for version, day in (("v10", 3), ("v2", 1), ("v9", 2))
    ]
    store = write_modules(data_dir, runs)
    SyncEngine(store, emu_workbook, retrier).push()
    pm = emu.pm(SHEET)
    heatmap = pm.get_values("Heatmap")
    header = next(row for row in heatmap if row[:2] == ["module id", "module name"])
    assert header[2:] == ["v2", "v9", "v10"]
    values = pm.get_values("m01")
    table_header = next(i for i, row in enumerate(values) if row and row[0] == "experiment id")
    version_column = values[table_header].index("prompt version")
    assert [row[version_column] for row in values[table_header + 1 : table_header + 4]] == ["v2", "v9", "v10"]


def test_a_blank_column_separates_the_experiments_and_suggestions_tables(
    emu_engine: SyncEngine, emu: Emulator
) -> None:
    emu_engine.push()
    for title in ("m01", "m02"):
        tab = GspreadWorkbook(SHEET, emu.session()).read().by_title(title)
        assert tab is not None
        geometry = find_geometry(tab)
        separator = geometry.last_experiment_column + 1
        assert geometry.column("suggestion id") == separator + 1
        assert not [
            cell.value for (_, column), cell in tab.cells.items() if column == separator and cell.value
        ]
        header = emu.pm(SHEET).get_values(title)[geometry.header_row]
        assert header[separator - 1 : separator + 2] == ["rubric: style", "", "suggestion id"]


def test_pacing_keeps_a_push_under_the_per_minute_limit(
    store: Store, emu: Emulator, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Three 429s and a first push's three requests are six requests: with a limit of three a minute, the pace
    spreads them over more than a minute (the backoff alone would take seconds)."""
    limit = 3
    retrier = Retrier(RetryPolicy(deadline=600, requests_per_minute=limit, clock=clock, rng=random.Random(7)))
    engine = SyncEngine(store, GspreadWorkbook(SHEET, emu.session(), retrier=retrier), retrier)
    emu.inject(Fault(status=429, times=3))
    with caplog.at_level(logging.INFO, logger="sheets_sync.sync"):
        engine.push()
    sent = [entry["time"] for entry in emu.requests]
    assert len(sent) == 6 and sent[-1] - sent[0] >= 60
    for index, moment in enumerate(sent):
        # the pace waits until the oldest request is 60 s old; the float sum of that wait may land 1e-13 s short
        assert len([t for t in sent[index:] if t - moment < 60 - 1e-6]) <= limit, sent
    assert any(r.getMessage().startswith("pacing: ") for r in caplog.records)
    assert [s.title for s in emu.spreadsheet(SHEET).sheets] == ["Heatmap", "m01", "m02"]

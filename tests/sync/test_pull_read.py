"""A pull reads of each cell only what its plan uses: the value, the shown text and the note, no format.

Formats, colours, links and dropdowns are a push's business (it puts them back); a pull brings PM edits, which are
values. These tests hold the pull to that over real gspread against the emulator: the masks it asks, what it still
sees with them, and what the narrower answer weighs."""

from __future__ import annotations

import re
from dataclasses import replace

from sides import Side, a1
from sync_helpers import modules, write_modules
from test_sync_emulator import PREVIOUS_READ
from workbook_views import label_cell, suggestion_range

from sheets_emulator import Emulator
from sheets_sync.store import Store
from sheets_sync.sync.api_json import PULL_FIELDS
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.retry import Retrier
from sheets_sync.sync.snapshot import Cell

SHEET = "sheet-1"
FORMAT_PARTS = ("userEnteredFormat", "hyperlink", "dataValidation", "effectiveFormat")


def _cell_parts(fields: str) -> list[str]:
    """The per-cell parts a read's field mask asks (inside ``rowData(values(...))``)."""
    match = re.search(r"rowData\(values\((.*?)\)\)", fields)
    assert match, fields
    return match.group(1).split(",")


def test_every_read_of_a_pull_asks_no_cell_format(
    emu_engine: SyncEngine, emu: Emulator, store: Store
) -> None:
    emu_engine.push()
    snapshot = emu_engine.workbook.read()
    (_, end), _ = suggestion_range(snapshot, "m01")
    issue = label_cell(snapshot, "m01", "issue", "m01-s1")[1]
    emu.pm(SHEET).set_cell("m01", a1(end, issue), "a PM's new row")  # no id: the pull writes one
    emu.clear_log()
    pulled = emu_engine.pull()
    assert pulled.plan.notes.imported == ["m01-s4"] and not pulled.recovered
    assert [e["kind"] for e in emu.requests] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
        "spreadsheets.getByDataFilter",  # the check of the id written, under the same mask
    ]
    for entry in (e for e in emu.requests if not e["write"]):
        assert entry["query"]["fields"] == PULL_FIELDS
        assert _cell_parts(entry["query"]["fields"]) == ["userEnteredValue", "formattedValue", "note"]
    assert not any(part in PULL_FIELDS for part in FORMAT_PARTS)
    assert store.load_module("m01").suggestions[-1].issue == "a PM's new row"
    emu.clear_log()
    assert not emu_engine.pull().plan.has_writes
    assert (emu.count(), emu.count(write=True)) == (1, 0)  # nothing changed: one read, no write


def test_a_pm_edit_in_a_cell_whose_format_a_pm_changed_is_pulled_as_shown(
    emu_engine: SyncEngine, emu: Emulator, store: Store
) -> None:
    """The PM column lost its plain-text format (Format > Number > Custom ``0000``) and the PM typed ``0012``: Sheets
    stores 12 and shows 0012. The pull reads no format, yet takes what the PM sees."""
    emu_engine.push()
    position = label_cell(emu_engine.workbook.read(), "m01", "issue", "m01-s2")
    number_format = {"numberFormat": {"type": "NUMBER", "pattern": "0000"}}
    emu.gspread_client().open_by_key(SHEET).worksheet("m01").format(a1(*position), number_format)
    emu.pm(SHEET).set_cell("m01", a1(*position), "0012")
    assert emu.pm(SHEET).value("m01", a1(*position)) == 12  # a number now, not text
    pulled = emu_engine.pull()
    assert store.load_module("m01").suggestions[1].issue == "0012"
    assert sum(t.tool_edits for t in pulled.plan.tabs) == 0
    assert not emu_engine.pull().plan.modules  # pulled once: the sheet and the module agree


def test_a_format_only_change_of_a_tool_owned_cell_is_a_push_s_business(side: Side) -> None:
    """A pull compares tool-owned cells by value (it reads no format): a PM's new number format on a pass rate is
    not an edit it reports; push, which reads formats, counts it and puts the format back."""
    side.engine.push()
    experiment_id = str(side.tab("m01").value(6, 0))
    position = side.cell_of("m01", "pass rate", experiment_id)
    original = side.tab("m01").cell(*position)
    if side.fake is not None:
        side.fake.tab("m01").put(*position, replace(original, number_format="0.000"))
    else:
        worksheet = side.emu.gspread_client().open_by_key(SHEET).worksheet("m01")
        worksheet.format(a1(*position), {"numberFormat": {"type": "NUMBER", "pattern": "0.000"}})
    assert side.tab("m01").cell(*position).number_format == "0.000"
    assert sum(t.tool_edits for t in side.engine.status().pull.tabs) == 0
    assert sum(t.tool_edits for t in side.engine.pull().plan.tabs) == 0
    assert sum(t.tool_edits for t in side.engine.status().push.tabs) == 1
    side.type("m01", *position, "99%")  # a value: the pull does report it
    assert sum(t.tool_edits for t in side.engine.pull().plan.tabs) == 1
    assert sum(t.tool_edits for t in side.engine.push().plan.tabs) == 1
    after = side.tab("m01").cell(*position)
    assert (after.value, after.number_format) == (original.value, original.number_format)


def test_a_pull_reads_under_a_third_of_the_previous_release_s_whole_read(
    data_dir, emu: Emulator, retrier: Retrier
) -> None:
    """Bytes, not time: the answers of a no-op pull at 10 modules against the read of the release before (every
    part of every cell, unindented), and against a no-op push's read of the same workbook."""
    store = write_modules(data_dir, *modules(10))
    engine = SyncEngine(store, GspreadWorkbook(SHEET, emu.session(), retrier=retrier), retrier)
    engine.push()
    before = emu.session().get(
        f"https://sheets.googleapis.com/v4/spreadsheets/{SHEET}",
        params={"fields": PREVIOUS_READ, "prettyPrint": "false"},
    )
    emu.clear_log()
    engine.push()
    push = emu.bytes_sent(write=False)
    emu.clear_log()
    assert not engine.pull().plan.modules
    pull = emu.bytes_sent(write=False)
    assert pull <= len(before.content) / 3
    assert pull < push / 2  # no format, colour, link or dropdown per cell


def test_the_fake_reads_a_pull_as_the_emulator_answers_it(side: Side) -> None:
    """The in-memory workbook's pull read drops the same parts of each cell as ``PULL_FIELDS`` does: a note and a
    formula are there, the formats are not."""
    side.engine.push()
    noted = side.cell_of("m01", "issue", "m01-s1")
    formula = side.cell_of("m01", "issue", "m01-s2")
    if side.fake is not None:
        tab = side.fake.tab("m01")
        tab.put(*noted, replace(tab.cells[noted], note="a PM's note"))
        tab.put(*formula, replace(tab.cells[formula], value="=A1", formula=True))
    else:
        side.pm.set_note("m01", a1(*noted), "a PM's note")
        spare = side.tab("m01").column_count - 1
        side.pm.set_cell("m01", a1(0, spare), "=A1")
        side.pm.copy_paste("m01", a1(0, spare), a1(*formula))
    whole = side.tab("m01")
    pulled = side.engine.workbook.read(formats=False).by_title("m01")
    assert pulled is not None
    assert whole.cell(*noted).background and whole.cell(*noted).number_format == "@"  # shade, plain text
    for position in (noted, formula):
        cell, read = pulled.cell(*position), whole.cell(*position)
        assert cell == Cell(read.value, note=read.note, shown=read.shown, formula=read.formula)
    assert pulled.cell(*noted).note == "a PM's note" and pulled.cell(*formula).formula
    assert all(
        (c.number_format, c.bold, c.link, c.dropdown, c.background, c.text_colour)
        == (None, False, None, None, None, None)
        for c in pulled.cells.values()
    )

"""What a PM types reaches the JSON as the PM sees it; values the tool cannot take are refused, named and marked.

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture)."""

from __future__ import annotations

from sides import Side, a1, exit_code

from sheets_sync.store import Store
from sheets_sync.sync.engine import SyncOptions, SyncResult
from sheets_sync.sync.layout import PM_SHADE, REFUSED_COLOUR
from sheets_sync.sync.merge import Prefer
from sheets_sync.sync.snapshot import Cell


def test_a_refused_value_is_named_marked_and_unmarked_once_fixed(side: Side, store: Store) -> None:
    side.engine.push()
    # The strict dropdown refuses "urgent" typed in the UI (and through the API); a cell copied from elsewhere and
    # pasted over it brings its own validation along, and with it any value.
    side.paste_over_dropdown("m01", *side.cell_of("m01", "priority", "m01-s1"), "urgent")
    side.paste_over_dropdown(
        "m01", *side.cell_of("m01", "version", "m01-s2"), "v99"
    )  # versions: a dropdown too
    side.type("m01", *side.cell_of("m01", "applied in", "m01-s3"), "v7")  # a version with no runs yet is fine
    pulled = side.engine.pull()
    assert exit_code(pulled) == 5
    refused = " | ".join(pulled.plan.notes.refused)
    priority_cell = a1(*side.cell_of("m01", "priority", "m01-s1"))
    assert f"m01!{priority_cell}: priority 'urgent' refused (allowed: high, medium, low)" in refused
    assert "version 'v99' refused (allowed: v1)" in refused
    module_after = store.load_module("m01")
    assert module_after.suggestions[0].priority == "medium" and module_after.suggestions[2].applied_in == "v7"
    pushed = side.engine.push()
    assert exit_code(pushed) == 5 and not any("run sheets-sync pull" in x for x in _lines(pushed))
    cell = side.tab("m01").cell(*side.cell_of("m01", "priority", "m01-s1"))
    assert (
        cell.value == "urgent"
        and cell.background == REFUSED_COLOUR
        and "high, medium, low" in (cell.note or "")
    )
    side.type("m01", *side.cell_of("m01", "priority", "m01-s1"), "low")
    side.type("m01", *side.cell_of("m01", "version", "m01-s2"), "v1")
    assert exit_code(side.engine.pull()) == 0 and store.load_module("m01").suggestions[0].priority == "low"
    side.engine.push()
    cell = side.tab("m01").cell(*side.cell_of("m01", "priority", "m01-s1"))
    assert cell.note is None and cell.background == PM_SHADE  # the mark gone, the PM column's shade back


def test_marking_refused_cells_is_part_of_the_one_write(side: Side) -> None:
    side.engine.push()
    side.paste_over_dropdown("m01", *side.cell_of("m01", "rubric", "m01-s1"), "no such rubric")
    writes = side.write_requests()
    side.engine.push()
    assert side.write_requests() - writes == 1


TYPED = [
    "0012",
    "6.10",
    "1e5",
    "3/4/2026",
    "30%",
    "$5",
    "TRUE",
    "emoji 🌵",
    "two\nlines",
    "=1+2",
    "x" * 50_000,
]


def test_what_a_pm_types_reaches_the_json_as_the_pm_sees_it(side: Side, store: Store) -> None:
    side.engine.push()
    for text, number in zip(TYPED, range(1, 4), strict=False):
        side.type("m01", *side.cell_of("m01", "issue", f"m01-s{number}"), text)
    pulled = side.engine.pull()
    assert [s.issue for s in store.load_module("m01").suggestions] == TYPED[:3], pulled.plan.notes.refused
    for batch in (TYPED[3:6], TYPED[6:9], TYPED[9:]):
        for number, text in enumerate(batch, 1):
            side.type("m01", *side.cell_of("m01", "issue", f"m01-s{number}"), text)
        side.engine.pull()
        assert [s.issue for s in store.load_module("m01").suggestions][: len(batch)] == batch
    assert not side.engine.push().plan.has_writes or side.name == "emulator"


def test_a_leading_apostrophe_typed_by_a_pm_is_not_part_of_the_text(side: Side, store: Store) -> None:
    side.engine.push()
    side.type("m01", *side.cell_of("m01", "issue", "m01-s1"), "'0012")
    side.engine.pull()
    assert store.load_module("m01").suggestions[0].issue == "0012"


def test_a_real_formula_is_reported_not_stored_as_its_source(side: Side, store: Store) -> None:
    side.engine.push()
    row, column = side.cell_of("m01", "issue", "m01-s1")
    if side.fake is not None:
        side.fake.tab("m01").put(row, column, Cell(value="=A1", formula=True))
    else:  # typed where the cell is not plain text, then copied over the PM's cell (format included)
        spare = side.tab("m01").column_count - 1
        side.pm.set_cell("m01", a1(0, spare), "=A1")
        side.pm.copy_paste("m01", a1(0, spare), a1(row, column))
    pulled = side.engine.pull()
    assert store.load_module("m01").suggestions[0].issue == "issue 1"
    [line] = pulled.plan.notes.refused
    assert line.startswith(f"m01!{a1(row, column)}: holds a formula ('=A1')") and exit_code(pulled) == 5
    side.engine.push()
    assert side.tab("m01").cell(row, column).formula  # the PM's formula is not overwritten either


def _lines(result: SyncResult) -> list[str]:
    from sheets_sync.sync.report import plan_lines

    return plan_lines(result.plan)


def test_a_text_starting_with_an_apostrophe_round_trips(side: Side, store: Store) -> None:
    module = store.load_module("m01")
    module.suggestions[0].issue = "'quoted"
    with store.lock():
        store.save_module(module)
    side.engine.push()
    assert side.tab("m01").value(*side.cell_of("m01", "issue", "m01-s1")) == "''quoted"  # one more ' (docs)
    assert not side.engine.pull().plan.modules and not side.engine.push().plan.has_writes


def test_an_apostrophe_text_written_as_it_is_by_an_older_release_is_not_an_edit(
    side: Side, store: Store
) -> None:
    from sheets_sync.sync.ops import CellSpec, WriteCells

    module = store.load_module("m01")
    module.suggestions[0].issue = "'quoted"
    with store.lock():
        store.save_module(module)
    side.engine.push()
    row, column = side.cell_of("m01", "issue", "m01-s1")
    sheet_id = side.tab("m01").sheet_id
    side.engine.workbook.apply(
        [WriteCells(sheet_id, row, column, ((CellSpec("'quoted"),),))]
    )  # RAW, as before
    pulled = side.engine.pull()
    assert store.load_module("m01").suggestions[0].issue == "'quoted", store.load_module("m01").suggestions[0]
    assert not pulled.plan.modules
    assert not side.engine.push().plan.has_writes


def test_a_new_row_with_a_refused_value_is_not_imported_until_fixed(side: Side, store: Store) -> None:
    side.engine.push()
    row, column = side.cell_of("m01", "rubric", "m01-s3")
    row += 1  # the row under the table: a PM's new suggestion
    side.paste_over_dropdown("m01", row, column, "tone")  # m01 has no rubric "tone"
    side.type("m01", row, side.cell_of("m01", "issue", "m01-s3")[1], "a new issue")
    pulled = side.engine.pull()
    assert exit_code(pulled) == 5 and not pulled.plan.notes.imported
    assert pulled.plan.notes.refused == [
        f"m01!{a1(row, column)}: rubric 'tone' refused (allowed: main, style)"
    ]
    pushed = side.engine.push()
    assert not pushed.plan.notes.new_rows_pending  # never "run pull" for a row pull cannot take
    assert "main, style" in (side.tab("m01").cell(row, column).note or "")
    side.type("m01", row, column, "style")
    assert side.engine.pull().plan.notes.imported == ["m01-s4"]
    side.engine.push()
    assert side.tab("m01").cell(row, column).note is None


# ---------------------------------------------------------------------------------------------- a PM's own format


def _under_format(side: Side, row_id: str, pattern: str | None, text: str, label: str = "issue") -> None:
    """A PM sets a PM cell's number format (Format > Number: custom, or Automatic) and types into it."""
    position = side.cell_of("m01", label, row_id)
    side.set_number_format("m01", *position, pattern)
    side.type("m01", *position, text)


def _one_push(side: Side) -> tuple[SyncResult, int, int]:
    """A push, and the read and write requests it made."""
    reads, writes = side.read_requests(), side.write_requests()
    result = side.engine.push()
    return result, side.read_requests() - reads, side.write_requests() - writes


def test_a_number_shown_through_a_pm_s_format_keeps_its_text_when_push_puts_plain_text_back(
    side: Side, store: Store
) -> None:
    """``0012`` typed under a custom ``0000`` format is the number 12 shown as 0012: the pull takes 0012, and the
    push that formats the column as plain text again writes the cell as the text 0012, so it still shows 0012 and
    the next pull sees no edit."""
    side.engine.push()
    _under_format(side, "m01-s2", "0000", "0012")
    position = side.cell_of("m01", "issue", "m01-s2")
    assert side.tab("m01").value(*position) == 12  # a number, shown as 0012
    side.engine.pull()
    assert store.load_module("m01").suggestions[1].issue == "0012"
    pushed, _, writes = _one_push(side)
    assert writes == 1 and not pushed.plan.notes.sheet_edits_pending
    cell = side.tab("m01").cell(*position)
    assert (cell.value, cell.number_format) == ("0012", "@")
    pulled = side.engine.pull()
    assert not pulled.plan.modules and not pulled.plan.notes.pulled_fields
    assert store.load_module("m01").suggestions[1].issue == "0012"
    assert _one_push(side)[1:] == (1, 0)  # settled: one read, no write


def test_a_pm_s_format_that_push_leaves_alone_costs_no_write(side: Side, store: Store) -> None:
    """The plain-text format is put back only where a PM cell lacks it; a push with none to put back writes
    nothing, even over a number in a plain-text cell (it shows the same either way; the edit is for the pull)."""
    side.engine.push()
    _under_format(side, "m01-s1", "0000", "0012")
    position = side.cell_of("m01", "issue", "m01-s1")
    side.set_number_format("m01", *position, "@")  # the PM puts plain text back: the number 12 shows 12
    assert side.tab("m01").value(*position) == 12
    pushed, reads, writes = _one_push(side)
    assert (reads, writes) == (1, 0) and pushed.plan.notes.sheet_edits_pending == 1
    side.engine.pull()
    assert store.load_module("m01").suggestions[0].issue == "12"


def test_a_date_typed_where_the_pm_took_plain_text_off_keeps_its_text(side: Side, store: Store) -> None:
    """``3/4`` typed into a cell set to Automatic is a date (a serial number) showing 3/4/<this year>: plain text
    put back would show the serial number; push writes the date's text instead."""
    side.engine.push()
    _under_format(side, "m01-s1", None, "3/4")
    position = side.cell_of("m01", "issue", "m01-s1")
    assert isinstance(side.tab("m01").value(*position), int)  # the serial number
    side.engine.pull()
    shown = store.load_module("m01").suggestions[0].issue
    assert shown.startswith("3/4/")
    side.engine.push()
    assert side.tab("m01").cell(*position).value == shown
    assert not side.engine.pull().plan.modules
    assert store.load_module("m01").suggestions[0].issue == shown


def test_values_not_pulled_yet_keep_the_text_they_show_through_a_push(side: Side, store: Store) -> None:
    """Typed under the PM's own formats and pushed over before any pull (a local edit of the same row pushed in
    the same write): both sides' edits arrive, none as the number Sheets stored."""
    side.engine.push()
    _under_format(side, "m01-s1", "0000", "0012")
    _under_format(side, "m01-s2", None, "50%")
    _under_format(side, "m01-s3", None, "1e3")
    module = store.load_module("m01")
    module.suggestions[0].suggestion = "a local edit"
    with store.lock():
        store.save_module(module)
    pushed = side.engine.push()
    assert pushed.plan.notes.sheet_edits_pending == 3
    rows = side.rows("m01")
    assert [rows[f"m01-s{n}"]["issue"] for n in (1, 2, 3)] == ["0012", "50%", "1000"]
    assert rows["m01-s1"]["suggestion"] == "a local edit"
    assert all(
        isinstance(side.tab("m01").value(*side.cell_of("m01", "issue", f"m01-s{n}")), str) for n in (1, 2, 3)
    )
    side.engine.pull()
    after = store.load_module("m01").suggestions
    assert [s.issue for s in after[:3]] == ["0012", "50%", "1000"]
    assert after[0].suggestion == "a local edit"
    assert not side.engine.pull().plan.modules and not side.engine.push().plan.has_writes


def test_a_new_row_typed_under_other_formats_is_imported_as_it_showed(side: Side, store: Store) -> None:
    """A PM's new row, typed without plain text and pushed over before the pull that imports it: its cells are
    written as the texts they show, and the pull imports those."""
    side.engine.push()
    row, issue = side.cell_of("m01", "issue", "m01-s3")
    row += 1
    side.set_number_format("m01", row, issue, "0000")
    side.type("m01", row, issue, "0042")
    suggestion = side.cell_of("m01", "suggestion", "m01-s3")[1]
    side.set_number_format("m01", row, suggestion, None)
    side.type("m01", row, suggestion, "TRUE")
    pushed = side.engine.push()
    assert pushed.plan.notes.new_rows_pending == 1
    assert side.tab("m01").value(row, issue) == "0042"
    assert side.engine.pull().plan.notes.imported == ["m01-s4"]
    new = store.load_module("m01").suggestions[-1]
    assert (new.issue, new.suggestion) == ("0042", "TRUE")


def test_a_conflict_in_a_cell_under_a_pm_s_format_keeps_both_texts(side: Side, store: Store) -> None:
    """The module and the PM changed the same issue, the PM under a ``0000`` format: push leaves the conflict as it
    is on both sides, the PM's side as the text it shows; ``--prefer sheet`` then takes that text."""
    side.engine.push()
    module = store.load_module("m01")
    module.suggestions[1].issue = "a local issue"
    with store.lock():
        store.save_module(module)
    _under_format(side, "m01-s2", "0000", "0012")
    pushed = side.engine.push()
    assert [(c.row_id, c.column, c.sheet) for c in pushed.plan.conflicts] == [("m01-s2", "issue", "0012")]
    assert side.tab("m01").value(*side.cell_of("m01", "issue", "m01-s2")) == "0012"
    assert store.load_module("m01").suggestions[1].issue == "a local issue"
    side.engine.pull(SyncOptions(prefer=Prefer.SHEET))
    assert store.load_module("m01").suggestions[1].issue == "0012"


def test_a_row_deleted_locally_but_edited_under_a_pm_s_format_keeps_its_text(
    side: Side, store: Store
) -> None:
    """A suggestion deleted locally whose row a PM edited is a conflict push leaves in the sheet: as the text the
    PM typed, not the number Sheets stored."""
    side.engine.push()
    module = store.load_module("m01")
    module.suggestions = [s for s in module.suggestions if s.id != "m01-s2"]
    with store.lock():
        store.save_module(module)
    _under_format(side, "m01-s2", "0000", "0012")
    pushed = side.engine.push()
    assert [(c.row_id, c.column) for c in pushed.plan.conflicts] == [("m01-s2", "(row)")]
    assert side.tab("m01").value(*side.cell_of("m01", "issue", "m01-s2")) == "0012"
    side.engine.pull(SyncOptions(prefer=Prefer.SHEET))
    assert [s.issue for s in store.load_module("m01").suggestions if s.id == "m01-s2"] == ["0012"]

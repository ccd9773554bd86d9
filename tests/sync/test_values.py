"""What a PM types reaches the JSON as the PM sees it; values the tool cannot take are refused, named and marked.

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture)."""

from __future__ import annotations

from sides import Side, a1, exit_code

from sheets_sync.store import Store
from sheets_sync.sync.engine import SyncResult
from sheets_sync.sync.layout import PM_SHADE, REFUSED_COLOUR
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

"""What else PMs do in the Sheets UI (the emulator's PM one-liners, API requests underneath: moveDimension,
insertDimension, deleteDimension, insertRange, cutPaste, copyPaste, findReplace): no edit is lost, no id twice,
push puts the layout back."""

from __future__ import annotations

import pytest
from sides import Side, a1, exit_code

from sheets_emulator import Emulator
from sheets_sync.store import Store
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.tabs import find_geometry


@pytest.fixture
def side(emu_engine: SyncEngine, emu: Emulator) -> Side:
    """The emulator only: these PM actions are its one-liners (the layout upgrade tests cover the fake)."""
    return Side("emulator", emu_engine, emu=emu)


def letter(column: int) -> str:
    return a1(0, column)[:-1]


def test_a_pm_drags_a_column_elsewhere(side: Side, store: Store) -> None:
    side.engine.push()
    side.type("m01", *side.cell_of("m01", "priority", "m01-s2"), "high")
    _, priority = side.cell_of("m01", "priority", "m01-s2")
    _, issue = side.cell_of("m01", "issue", "m01-s2")
    side.pm.move_columns("m01", letter(priority), before=letter(issue))
    pulled = side.engine.pull()
    assert exit_code(pulled) == 0 and store.load_module("m01").suggestions[1].priority == "high"
    pushed = side.engine.push()
    assert any("moved" in line for line in pushed.plan.notes.upgraded_tabs)
    geometry = find_geometry(side.tab("m01"))
    assert geometry.column("priority") == geometry.column("suggestion") + 1
    assert side.rows("m01")["m01-s2"]["priority"] == "high"
    assert not side.engine.push().plan.has_writes


def test_a_pm_inserts_a_column_of_their_own_inside_the_table(side: Side, store: Store) -> None:
    side.engine.push()
    _, suggestion = side.cell_of("m01", "suggestion", "m01-s1")
    side.pm.insert_columns("m01", letter(suggestion))
    header = find_geometry(side.tab("m01")).suggestions_header
    side.type("m01", header, suggestion, "PM notes")
    side.type("m01", side.cell_of("m01", "issue", "m01-s1")[0], suggestion, "my own note")
    side.type("m01", *side.cell_of("m01", "issue", "m01-s3"), "edited")
    assert exit_code(side.engine.pull()) == 0 and store.load_module("m01").suggestions[2].issue == "edited"
    side.engine.push()
    tab = side.tab("m01")
    geometry = find_geometry(tab)
    columns = [geometry.column(label) for label in geometry.suggestion_labels]
    assert columns == list(range(columns[0], columns[0] + len(columns)))  # the table side by side again
    own = next(c for (r, c), cell in tab.cells.items() if cell.value == "PM notes")
    assert own > columns[-1] and any(
        cell.value == "my own note" for (r, c), cell in tab.cells.items() if c == own
    )
    assert side.rows("m01")["m01-s3"]["issue"] == "edited"


def test_a_pm_deletes_a_column_and_push_restores_it_from_the_module_files(side: Side, store: Store) -> None:
    side.engine.push()
    _, rubric = side.cell_of("m01", "rubric", "m01-s1")
    side.pm.delete_columns("m01", letter(rubric))
    pulled = side.engine.pull()
    assert (
        exit_code(pulled) == 0 and store.load_module("m01").suggestions[0].rubric == "main"
    )  # nothing pulled
    pushed = side.engine.push()
    assert any("'rubric' added" in line for line in pushed.plan.notes.upgraded_tabs)
    assert {sid: row["rubric"] for sid, row in side.rows("m01").items()} == {
        "m01-s1": "main",
        "m01-s2": "main",
        "m01-s3": "main",
    }
    assert not side.engine.push().plan.has_writes


def test_cells_inserted_with_shift_down_inside_the_suggestions_table(side: Side, store: Store) -> None:
    side.engine.push()
    row, id_column = side.cell_of("m01", "suggestion id", "m01-s2")
    _, last = side.cell_of("m01", "applied in", "m01-s2")
    side.pm.insert_cells("m01", f"{a1(row, id_column)}:{a1(row, last)}", shift="down")  # the table only
    side.type("m01", *side.cell_of("m01", "status", "m01-s3"), "applied")
    assert exit_code(side.engine.pull()) == 0 and store.load_module("m01").suggestions[2].status == "applied"
    side.engine.push()
    assert sorted(side.rows("m01")) == ["m01-s1", "m01-s2", "m01-s3"]
    assert not side.engine.push().plan.has_writes


def test_a_row_cut_and_pasted_below_the_table(side: Side, store: Store) -> None:
    side.engine.push()
    row, id_column = side.cell_of("m01", "suggestion id", "m01-s1")
    _, last = side.cell_of("m01", "applied in", "m01-s1")
    side.pm.cut_paste("m01", f"{a1(row, id_column)}:{a1(row, last)}", a1(row + 6, id_column))
    side.type("m01", *side.cell_of("m01", "issue", "m01-s1"), "moved and edited")
    pulled = side.engine.pull()
    assert not pulled.plan.notes.deleted_in_sheet
    assert store.load_module("m01").suggestions[0].issue == "moved and edited"
    side.engine.push()
    assert sorted(side.rows("m01")) == ["m01-s1", "m01-s2", "m01-s3"]


def test_a_row_copied_to_start_a_new_suggestion_becomes_one(side: Side, store: Store) -> None:
    side.engine.push()
    row, id_column = side.cell_of("m01", "suggestion id", "m01-s2")
    _, last = side.cell_of("m01", "applied in", "m01-s2")
    below = side.cell_of("m01", "suggestion id", "m01-s3")[0] + 1
    side.pm.copy_paste("m01", f"{a1(row, id_column)}:{a1(row, last)}", a1(below, id_column))
    side.type("m01", below, side.cell_of("m01", "issue", "m01-s2")[1], "a variant of issue 2")
    pulled = side.engine.pull()
    assert pulled.plan.notes.imported == ["m01-s4"]  # the copy gets its own id; m01-s2 stays itself
    module = store.load_module("m01")
    assert (module.suggestions[1].issue, module.suggestions[3].issue) == ("issue 2", "a variant of issue 2")
    side.engine.push()
    assert sorted(side.rows("m01")) == ["m01-s1", "m01-s2", "m01-s3", "m01-s4"]


def test_find_and_replace_across_every_tab(side: Side, store: Store) -> None:
    side.engine.push()
    side.pm.find_replace("suggestion 2", "a better suggestion")  # a PM field
    side.pm.find_replace("gpt-4o", "GPT-4o", match_case=True)  # tool-owned cells only
    pulled = side.engine.pull()
    assert store.load_module("m01").suggestions[1].suggestion == "a better suggestion"
    assert sum(t.tool_edits for t in pulled.plan.tabs) > 0
    pushed = side.engine.push()
    assert sum(t.tool_edits for t in pushed.plan.tabs) > 0  # reverted
    assert not any(cell.value == "GPT-4o" for tab in side.read().tabs for cell in tab.cells.values())

"""Sorts that take the header rows along: the tables are found wherever their header rows went.

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture)."""

from __future__ import annotations

from sides import Side, exit_code

from sheets_sync.store import Store
from sheets_sync.sync.tabs import find_geometry


def test_a_select_all_sort_with_the_header_rows_keeps_every_edit(side: Side, store: Store) -> None:
    side.engine.push()
    side.type("m02", *side.cell_of("m02", "issue", "m02-s2"), "edited before the sort")
    tab = side.read().by_title("m02")
    assert tab is not None
    side.sort("m02", (0, tab.row_count), (0, tab.column_count), key=find_geometry(tab).column("issue"))
    pulled = side.engine.pull()
    assert exit_code(pulled) == 0
    assert store.load_module("m02").suggestions[1].issue == "edited before the sort"
    pushed = side.engine.push()
    assert not pushed.plan.notes.restored and sorted(side.rows("m02")) == ["m02-s1", "m02-s2"]
    assert not side.engine.push().plan.has_writes


def test_the_suggestions_table_sorted_with_its_header_row_selected(side: Side, store: Store) -> None:
    side.engine.push()
    side.type("m02", *side.cell_of("m02", "status", "m02-s1"), "applied")
    header, id_column = side.header_of("m02", "suggestion id")
    end_column = side.header_of("m02", "applied in")[1] + 1
    side.sort(
        "m02", (header, header + 4), (id_column, end_column), key=id_column
    )  # "suggestion id" sorts last
    tab = side.read().by_title("m02")
    assert tab is not None and find_geometry(tab).suggestions_header != find_geometry(tab).header_row
    assert exit_code(side.engine.pull()) == 0
    assert store.load_module("m02").suggestions[0].status == "applied"
    pushed = side.engine.push()
    assert not pushed.plan.notes.restored and not pushed.plan.notes.new_rows_pending
    assert sorted(side.rows("m02")) == ["m02-s1", "m02-s2"]

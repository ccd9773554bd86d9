"""A workbook PMs understand: their columns shaded (the cells' own background), header notes saying what to type,
an instruction line, dropdowns of the module's own versions and rubrics (and a non-strict one for "applied in"),
also in a tab an older release wrote. Each behaviour on the in-memory workbook and on the emulator."""

from __future__ import annotations

from sides import Side
from sync_helpers import experiment

from sheets_sync.store import Store
from sheets_sync.sync.columns import MODULE_COLUMNS, Owner
from sheets_sync.sync.layout import INSTRUCTION, PM_SHADE
from sheets_sync.sync.ops import CellField, CellSpec, SetBackground, WriteCells
from sheets_sync.sync.snapshot import Dropdown, GridRange
from sheets_sync.sync.tabs import find_geometry

PM_COLUMNS = [c for c in MODULE_COLUMNS.suggestions if c.owner is Owner.PM]


def test_pm_columns_are_shaded_to_the_end_of_the_grid_and_nothing_else_is(side: Side) -> None:
    side.engine.push()
    tab = side.tab("m01")
    geometry = find_geometry(tab)
    assert geometry is not None
    first = geometry.suggestions_header + 1
    for column in PM_COLUMNS:
        at = geometry.column(column.label)
        assert all(tab.cell(row, at).background == PM_SHADE for row in range(first, tab.row_count)), (
            column.label
        )
        assert tab.cell(geometry.suggestions_header, at).background == PM_SHADE  # its header too
    for label in ("suggestion id", "experiment id", "pass rate"):
        at = geometry.column(label)
        assert all(tab.cell(row, at).background is None for row in range(tab.row_count)), label


def test_headers_say_what_to_type_and_an_instruction_line_says_which_cells(side: Side) -> None:
    side.engine.push()
    tab = side.tab("m01")
    geometry = find_geometry(tab)
    assert geometry is not None
    for column in MODULE_COLUMNS.suggestions:
        note = tab.cell(geometry.suggestions_header, geometry.column(column.label)).note
        assert note and note == column.note, column.label
    assert "high, medium or low" in (
        tab.cell(geometry.suggestions_header, geometry.column("priority")).note or ""
    )
    assert tab.cell(geometry.header_row - 1, 0).value == INSTRUCTION
    assert "yellow" in INSTRUCTION and "empty id" in INSTRUCTION


def test_dropdowns_offer_the_modules_versions_and_rubrics(side: Side, store: Store) -> None:
    side.engine.push()

    def dropdown(label: str) -> Dropdown | None:
        tab = side.tab("m01")
        geometry = find_geometry(tab)
        assert geometry is not None
        return tab.cell(tab.row_count - 1, geometry.column(label)).dropdown  # to the end of the grid

    assert dropdown("version") == Dropdown(("v1",), strict=True)
    assert dropdown("rubric") == Dropdown(("main", "style"), strict=True)
    assert dropdown("applied in") == Dropdown(("v1",), strict=False)  # a version with no runs yet is fine
    module = store.load_module("m01")
    module.experiments.append(experiment("m01", "v10", "gpt-5", 20))
    module.experiments.append(experiment("m01", "v2", "gpt-5", 21))
    with store.lock():
        store.save_module(module)
    side.engine.push()
    assert dropdown("version") == Dropdown(("v1", "v2", "v10"), strict=True)  # natural order
    assert dropdown("applied in") == Dropdown(("v1", "v2", "v10"), strict=False)
    writes = side.write_requests()
    side.engine.push()
    assert side.write_requests() == writes  # and then nothing to do


def test_a_tab_an_older_release_wrote_gets_the_looks_and_keeps_the_pm_text(side: Side) -> None:
    side.engine.push()
    before = side.rows("m01")
    tab = side.tab("m01")
    geometry = find_geometry(tab)
    assert geometry is not None
    # What an older release left: no shade, no header notes, no instruction line.
    plain = CellSpec(fields=frozenset({CellField.NOTE}))
    side.engine.workbook.apply(
        [
            SetBackground(GridRange(tab.sheet_id), "#ffffff"),
            WriteCells(tab.sheet_id, geometry.header_row - 1, 0, ((CellSpec(),),)),
            *(
                WriteCells(tab.sheet_id, geometry.suggestions_header, geometry.column(c.label), ((plain,),))
                for c in MODULE_COLUMNS.suggestions
            ),
        ]
    )
    assert (
        side.tab("m01").cell(geometry.suggestions_header + 1, geometry.column("issue")).background != PM_SHADE
    )
    result = side.engine.push()
    assert result.plan.has_writes
    tab = side.tab("m01")
    assert tab.cell(geometry.suggestions_header + 1, geometry.column("issue")).background == PM_SHADE
    assert tab.cell(geometry.header_row - 1, 0).value == INSTRUCTION
    assert tab.cell(geometry.suggestions_header, geometry.column("status")).note
    assert side.rows("m01") == before
    assert not side.engine.push().plan.has_writes

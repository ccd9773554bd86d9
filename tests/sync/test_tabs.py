"""Which tab is whose: renamed tabs, foreign tabs with our titles, PMs' own tabs, duplicated and adopted copies.

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture)."""

from __future__ import annotations

from sides import Side, exit_code

from sheets_sync.store import Store


def edit_locally(store: Store, module_id: str, number: int, **fields: object) -> None:
    module = store.load_module(module_id)
    for name, value in fields.items():
        setattr(module.suggestions[number - 1], name, value)
    with store.lock():
        store.save_module(module)


def test_a_renamed_tab_is_found_by_its_sheet_id(side: Side, store: Store) -> None:
    side.engine.push()
    side.rename_tab("m02", "Classifier")
    edit_locally(store, "m02", 1, issue="after the rename")
    side.engine.push()
    assert side.titles() == ["Heatmap", "m01", "Classifier"]
    assert side.rows("Classifier")["m02-s1"]["issue"] == "after the rename"


def test_a_foreign_tab_with_a_modules_title_is_never_overwritten_and_only_that_module_waits(
    side: Side, store: Store
) -> None:
    side.add_tab("m02", {(0, 0): "the team's own notes"})
    pushed = side.engine.push()
    assert exit_code(pushed) == 5
    [skipped] = pushed.plan.notes.skipped_tabs
    assert "'m02'" in skipped and "did not make" in skipped
    assert side.tab("m02").value(0, 0) == "the team's own notes" and len(side.tab("m02").cells) == 1
    assert side.rows("m01")  # every other tab synced
    side.rename_tab("m02", "notes")
    assert exit_code(side.engine.push()) == 0 and "m02-s1" in side.rows("m02")


def test_other_tabs_are_left_alone(side: Side) -> None:
    side.add_tab("Team notes", {(0, 0): "keep me", (3, 2): "42"})
    side.engine.push()
    assert not side.engine.push().plan.has_writes
    tab = side.tab("Team notes")
    assert {pos: cell.value for pos, cell in tab.cells.items() if cell.value is not None} in (
        {(0, 0): "keep me", (3, 2): "42"},
        {(0, 0): "keep me", (3, 2): 42},  # typed through the UI it is a number
    )


def test_a_duplicated_tab_is_reported_with_the_edits_made_only_in_the_copy(side: Side, store: Store) -> None:
    side.engine.push()
    copy = side.duplicate_tab("m02")
    assert copy == "Copy of m02"
    side.type(copy, *side.cell_of(copy, "issue", "m02-s2"), "typed into the copy")
    side.type("m02", *side.cell_of("m02", "status", "m02-s1"), "applied")
    pulled = side.engine.pull()
    assert exit_code(pulled) == 5  # an edit only in the copy is not applied: someone must look
    assert store.load_module("m02").suggestions[0].status == "applied"  # the real tab is pulled as usual
    assert store.load_module("m02").suggestions[1].issue == "issue 2"
    [line] = pulled.plan.notes.copies
    assert "'Copy of m02' is a copy of m02's tab" in line and "m02-s2 issue" in line
    pushed = side.engine.push()
    assert pushed.plan.notes.copy_edits == ["Copy of m02: m02-s2 issue"]
    assert side.rows(copy)["m02-s2"]["issue"] == "typed into the copy"  # a copy is never written


def test_an_untouched_copy_is_reported_and_changes_nothing(side: Side) -> None:
    side.engine.push()
    side.duplicate_tab("m01")
    pushed = side.engine.push()
    assert exit_code(pushed) == 0 and not pushed.plan.has_writes
    assert pushed.plan.notes.copies and not pushed.plan.notes.copy_edits


def test_a_copy_renamed_to_the_module_id_is_adopted_when_the_modules_tab_is_gone(
    side: Side, store: Store
) -> None:
    side.engine.push()
    copy = side.duplicate_tab("m02")
    side.type(copy, *side.cell_of(copy, "priority", "m02-s1"), "high")
    side.delete_tab("m02")
    side.rename_tab(copy, "m02")
    pulled = side.engine.pull()
    assert exit_code(pulled) == 0
    assert "a copy of m02's tab renamed to 'm02'" in pulled.plan.notes.adopted_tabs[0]
    assert store.load_module("m02").suggestions[0].priority == "high"
    edit_locally(store, "m02", 2, issue="pushed into the adopted tab")
    pushed = side.engine.push()
    assert exit_code(pushed) == 0 and side.titles().count("m02") == 1
    assert side.rows("m02")["m02-s2"]["issue"] == "pushed into the adopted tab"
    assert not pushed.plan.notes.adopted_tabs  # its sheetId is remembered now
    assert not side.engine.push().plan.has_writes


def test_a_tab_with_the_title_but_other_ids_is_foreign_not_adopted(side: Side, store: Store) -> None:
    side.engine.push()
    copy = side.duplicate_tab("m01")
    side.delete_tab("m02")
    side.rename_tab(copy, "m02")  # m01's rows under m02's title: not a copy of m02's tab
    pushed = side.engine.push()
    assert exit_code(pushed) == 5 and not pushed.plan.notes.adopted_tabs
    assert "m01-s1" in side.rows("m02")  # never overwritten

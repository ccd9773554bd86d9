"""The check after a write reads the tabs the write touched: which they are, and the workbook put back together."""

from __future__ import annotations

from pathlib import Path

from sync_helpers import module, write_modules

from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.ops import (
    AddColourScale,
    AddProtection,
    AddTab,
    CellSpec,
    CreateMetadata,
    DeleteMetadata,
    DeleteTab,
    SetDropdown,
    UpdateMetadata,
    WriteCells,
)
from sheets_sync.sync.readback import TouchedTabs, merge_read, touched_tabs
from sheets_sync.sync.snapshot import (
    Cell,
    ColourScale,
    DeveloperMetadata,
    Dropdown,
    GridRange,
    Protection,
    SheetSnapshot,
    TabSnapshot,
)


def _tab(sheet_id: int, title: str, index: int, text: str) -> TabSnapshot:
    return TabSnapshot(sheet_id, title, index, 10, 5, cells={(0, 0): Cell(text)})


BEFORE = SheetSnapshot(
    "s",
    (_tab(1, "a", 0, "old a"), _tab(2, "b", 1, "old b"), _tab(3, "c", 2, "old c")),
    metadata=(
        DeveloperMetadata(10, "sheets-sync:generation", "push x", None),
        DeveloperMetadata(20, "tombstone", "m01-s1", 2),
        DeveloperMetadata(30, "tombstone", "m03-s1", 3),
    ),
)


def test_every_kind_of_change_names_its_tab() -> None:
    ops = [
        WriteCells(1, 0, 0, ((CellSpec("x"),),)),
        AddTab(7, "new", 10, 5),
        AddProtection(Protection(GridRange(8), "sheets-sync", True)),
        SetDropdown(GridRange(9, 1, 5, 2, 3), Dropdown(("a",))),
        AddColourScale(11, ColourScale((GridRange(11),), ()), 0),
        CreateMetadata("sheets-sync:generation", "push y", None, 11),
        DeleteMetadata(10),  # the spreadsheet's own: no tab
        UpdateMetadata(20, "m01-s1,m01-s2"),  # on tab 2
        DeleteTab(3, "c"),
    ]
    assert touched_tabs(ops, BEFORE) == TouchedTabs(frozenset({1, 2, 7, 8, 9, 11}), frozenset({3}))


def test_the_workbook_after_a_write_takes_touched_tabs_and_the_generation_from_the_new_read() -> None:
    fresh = SheetSnapshot(
        "s",
        (_tab(1, "a", 0, "new a"),),
        metadata=(DeveloperMetadata(11, "sheets-sync:generation", "push y", None),),
    )
    after = merge_read(BEFORE, fresh, TouchedTabs(frozenset({1}), frozenset({3})))
    assert [(t.title, t.value(0, 0)) for t in after.tabs] == [("a", "new a"), ("b", "old b")]
    assert sorted(m.metadata_id for m in after.metadata) == [11, 20]  # old generation gone, deleted tab's too


def test_a_push_reads_back_only_the_tab_it_wrote(data_dir: Path) -> None:
    store = write_modules(data_dir, module("m01"), module("m02"), module("m03"))
    fake = FakeWorkbook("s")
    engine = SyncEngine(store, fake)
    engine.push()
    edited = store.load_module("m02")
    edited.suggestions[0].issue = "edited locally"
    with store.lock():
        store.save_module(edited)
    seen: list[object] = []
    read = fake.read
    fake.read = lambda tabs=None, **kw: seen.append(tabs) or read(tabs, **kw)  # type: ignore[method-assign]
    assert engine.push().plan.cells_written
    m02 = fake.tab("m02").sheet_id
    assert seen == [None, frozenset({m02})]


def test_a_written_tab_deleted_before_the_check_makes_it_read_the_whole_workbook(data_dir: Path) -> None:
    store = write_modules(data_dir, module("m01"), module("m02"))
    fake = FakeWorkbook("s")
    engine = SyncEngine(store, fake)
    engine.push()
    edited = store.load_module("m02")
    edited.suggestions[0].issue = "edited locally"
    with store.lock():
        store.save_module(edited)
    m02 = fake.tab("m02").sheet_id
    seen: list[object] = []
    read = fake.read
    fake.read = lambda tabs=None, **kw: seen.append(tabs) or read(tabs, **kw)  # type: ignore[method-assign]
    # a PM deletes the tab in the second between our write and our check
    original_apply = fake.apply

    def apply_then_the_tab_goes(ops: list[object]) -> None:
        original_apply(ops)  # type: ignore[arg-type]
        if len(seen) == 1:
            fake.tabs = [t for t in fake.tabs if t.sheet_id != m02]

    fake.apply = apply_then_the_tab_goes  # type: ignore[assignment,method-assign]
    assert engine.push().applied
    assert seen[:3] == [None, frozenset({m02}), None]  # the narrow check failed: the whole workbook was read
    assert any("edited locally" in row for row in fake.values("m02"))  # the tab was made again, edit included

"""Settled tabs (sheets_sync.sync.settled): a sync skips tabs that ended the last sync with nothing to do and did not
change since, and skipping never changes what a sync does.

The main check is differential: after each PM action or local change, the plan made with the record (tabs skipped,
grids never decoded) must equal the plan made from a plain read that plans every tab, for a push and for a pull.
Real gspread against the emulator throughout, since the record is keyed by the text of the API's answer.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from click.testing import CliRunner
from sync_helpers import module, paste_over_dropdown, write_modules

from sheets_emulator import Emulator
from sheets_sync.cli import main
from sheets_sync.errors import ConflictError, DataError, PartialSyncError
from sheets_sync.index import build_index
from sheets_sync.store import Store
from sheets_sync.sync.answer_split import LazyMapping, split_answer
from sheets_sync.sync.api_json import PULL_FIELDS, READ_FIELDS, snapshot_from_bytes, snapshot_from_text
from sheets_sync.sync.base_file import load_base
from sheets_sync.sync.engine import SyncEngine, settled_view
from sheets_sync.sync.gspread_adapter import GOOGLE_BASE, GspreadWorkbook
from sheets_sync.sync.local_modules import LocalModules
from sheets_sync.sync.merge import Direction
from sheets_sync.sync.module_plan import column_letters
from sheets_sync.sync.plan import Plan, PlanOptions, plan_pull, plan_push
from sheets_sync.sync.retry import Retrier
from sheets_sync.sync.settled_file import load_settled, module_digests, settled_path
from sheets_sync.sync.tabs import read_module_tab

SPREADSHEET = "sheet-1"


@pytest.fixture
def engine(store: Store, emu: Emulator, retrier: Retrier) -> SyncEngine:
    write_modules(store.data_dir, module("m01"), module("m02"), module("m03", suggestions=5))
    index_data(store)  # as after an import: the index cache lets a sync leave unchanged module files unparsed
    workbook = GspreadWorkbook(SPREADSHEET, emu.session(), retrier=retrier)
    return SyncEngine(store, workbook, retrier)


def settle(engine: SyncEngine) -> None:
    """Sync until both directions have nothing to do, so every tab is recorded as settled."""
    for _ in range(3):
        engine.pull()
        engine.push()
    engine.pull()
    engine.push()


def answer(emu: Emulator, fields: str = READ_FIELDS) -> bytes:
    response = emu.session().get(
        f"{GOOGLE_BASE}/v4/spreadsheets/{SPREADSHEET}",
        params={"fields": fields, "includeGridData": "true", "prettyPrint": "false"},
    )
    assert response.status_code == 200, response.text
    return response.content


def compare_plans(engine: SyncEngine, direction: Direction) -> tuple[Plan, int]:
    """The plan with the record and the plan of every tab, from the same workbook state: (the plan, tabs skipped)."""
    store, workbook = engine.store, engine.workbook
    record = load_settled(store, SPREADSHEET)
    local, base = LocalModules(store), load_base(store, SPREADSHEET)
    push = direction is Direction.PUSH
    lazy = workbook.read(formats=push, known=record.known())
    whole = workbook.read(formats=push)
    options = PlanOptions()
    settled = settled_view(direction, record, lazy, base, options, {}, local.digests)
    assert local.digests == module_digests(store, local)
    planner = plan_push if push else plan_pull
    with_record = planner(local, lazy, base, options, settled)
    without = planner(store.load_all(), whole, base, options)  # every module file parsed, every tab planned
    skipped = sum(
        1 for digest, key in settled.found.items() if record.entries[direction.value].get(digest) == key
    )
    with_record.settled = without.settled = {}
    assert with_record == without, f"{direction.value}: the record changed the plan"
    return with_record, skipped


def test_a_settled_workbook_skips_every_tab_and_decodes_no_grid(engine: SyncEngine, emu: Emulator) -> None:
    settle(engine)
    for direction in Direction:
        plan, skipped = compare_plans(engine, direction)
        assert not plan.ops and not plan.modules
        assert skipped == (4 if direction is Direction.PUSH else 3)  # the Heatmap is a push's only
    record = load_settled(engine.store, SPREADSHEET)
    snapshot = engine.workbook.read(known=record.known())
    local, base = engine.store.load_all(), load_base(engine.store, SPREADSHEET)
    settled = settled_view(
        Direction.PUSH, record, snapshot, base, PlanOptions(), {}, module_digests(engine.store, local)
    )
    plan_push(local, snapshot, base, PlanOptions(), settled)
    grids = [tab.cells for tab in snapshot.tabs]
    assert grids and all(isinstance(cells, LazyMapping) for cells in grids)
    assert all(cells._grid._parts is None for cells in grids if isinstance(cells, LazyMapping))


def edit_pm_cell(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).set_cell("m01", suggestion_cell(engine, "m01", "issue"), "PM typed this")


def edit_tool_cell(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).set_cell("m02", "B1", "a PM renamed the module")


def paste_dropdown(engine: SyncEngine, emu: Emulator) -> None:
    paste_over_dropdown(emu, SPREADSHEET, "m03", suggestion_cell(engine, "m03", "status"), "applied")


def sort_suggestions(engine: SyncEngine, emu: Emulator) -> None:
    row, column = engine_cell(engine, "m03", "issue")
    letter = letters(column)
    first, last = letters(column - 2), letters(column + 4)
    emu.pm(SPREADSHEET).sort_range("m03", f"{first}{row + 1}:{last}{row + 5}", column=letter, descending=True)


def paste_blank(engine: SyncEngine, emu: Emulator) -> None:
    """A blank cell with no format pasted over a PM cell (Ctrl+V): its value, shade and plain-text format go."""
    emu.pm(SPREADSHEET).copy_paste("m01", "A5", suggestion_cell(engine, "m01", "suggestion"))


def hide_rows(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).hide_rows("m02", 7)


def add_note(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).set_note("m02", suggestion_cell(engine, "m02", "issue"), "PM's own note")


def merge_cells(engine: SyncEngine, emu: Emulator) -> None:
    row, column = engine_cell(engine, "m01", "issue")
    emu.pm(SPREADSHEET).merge("m01", f"{letters(column)}{row + 1}:{letters(column + 1)}{row + 1}")


def duplicate_tab(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).duplicate_tab("m02", "m02 copy")


def rename_tab(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).rename_tab("m03", "m03 renamed")


def move_tab(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).move_tab("m01", 3)


def local_edit(engine: SyncEngine, emu: Emulator) -> None:
    store = engine.store
    changed = store.load_module("m02")
    changed.suggestions[0].issue = "edited in the module file"
    with store.lock():
        store.save_module(changed)


def hand_edit_base(engine: SyncEngine, emu: Emulator) -> None:
    path = engine.store.sync_dir / f"{SPREADSHEET}.json"
    base = json.loads(path.read_text())
    first = next(iter(base["suggestions"]["m01"]))
    base["suggestions"]["m01"][first]["issue"] = "what the base said"
    path.write_text(json.dumps(base, indent=2) + "\n")


def insert_rows(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).insert_rows("m03", engine_cell(engine, "m03", "issue")[0] + 2, 2)


def delete_rows(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).delete_rows("m02", engine_cell(engine, "m02", "issue")[0] + 1)


def cut_paste_row(engine: SyncEngine, emu: Emulator) -> None:
    row, column = engine_cell(engine, "m03", "issue")
    first, last = letters(column - 3), letters(column + 4)
    emu.pm(SPREADSHEET).cut_paste("m03", f"{first}{row + 1}:{last}{row + 1}", f"{first}{row + 9}")


def find_replace(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).find_replace("issue", "ISSUE", "m01")


def filter_rows(engine: SyncEngine, emu: Emulator) -> None:
    _, column = engine_cell(engine, "m03", "status")
    emu.pm(SPREADSHEET).set_filter("m03", hide={letters(column): ["proposed"]})


def insert_column(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).insert_columns("m02", letters(engine_cell(engine, "m02", "issue")[1]))


def group_rows(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).group_rows("m01", 8, 2)


def delete_tab(engine: SyncEngine, emu: Emulator) -> None:
    emu.pm(SPREADSHEET).delete_tab("m02")


def module_added(engine: SyncEngine, emu: Emulator) -> None:
    write_modules(engine.store.data_dir, module("m04"))


def module_removed(engine: SyncEngine, emu: Emulator) -> None:
    engine.store.module_path("m01").unlink()


ACTIONS = [
    edit_pm_cell,
    edit_tool_cell,
    paste_dropdown,
    sort_suggestions,
    paste_blank,
    hide_rows,
    add_note,
    merge_cells,
    duplicate_tab,
    rename_tab,
    move_tab,
    local_edit,
    hand_edit_base,
    insert_rows,
    delete_rows,
    cut_paste_row,
    find_replace,
    filter_rows,
    insert_column,
    group_rows,
    delete_tab,
    module_added,
    module_removed,
]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.__name__)
def test_after_a_change_the_record_never_changes_a_plan(
    engine: SyncEngine, emu: Emulator, action: object
) -> None:
    settle(engine)
    assert callable(action)
    action(engine, emu)
    for direction in Direction:
        compare_plans(engine, direction)
    for sync in (engine.pull, engine.push):
        with contextlib.suppress(ConflictError, PartialSyncError):
            sync().raise_for_conflicts()
    for direction in Direction:
        compare_plans(engine, direction)


def test_the_changed_tab_is_planned_and_the_others_skipped(engine: SyncEngine, emu: Emulator) -> None:
    settle(engine)
    edit_pm_cell(engine, emu)
    plan, skipped = compare_plans(engine, Direction.PULL)
    assert skipped == 2
    assert plan.modules["m01"].suggestions[0].issue == "PM typed this"
    result = engine.pull()
    assert engine.store.load_module("m01").suggestions[0].issue == "PM typed this", result


def test_an_unreadable_record_only_means_every_tab_is_planned(engine: SyncEngine, emu: Emulator) -> None:
    settle(engine)
    path = settled_path(engine.store, SPREADSHEET)
    path.write_text("{not json")
    emu.clear_log()
    result = engine.push()
    assert not result.plan.ops and emu.count(write=True) == 0
    assert load_settled(engine.store, SPREADSHEET).known()


def test_the_record_is_never_committed(engine: SyncEngine) -> None:
    settle(engine)
    path = settled_path(engine.store, SPREADSHEET)
    assert path.is_file()
    assert (path.parent / ".gitignore").read_text().splitlines()[-1] == "*"


# ---------------------------------------------------------------------------------------------- the cut


def tricky_workbook(engine: SyncEngine, emu: Emulator) -> None:
    settle(engine)
    pm = emu.pm(SPREADSHEET)
    cells = [suggestion_cell(engine, "m03", name) for name in ("issue", "suggestion")]
    pm.set_cell("m03", cells[0], '},{"properties":{"sheetId":7},"data":[ ],"merges":[ "é😀 \\"')
    pm.set_cell("m03", cells[1], "]}")


@pytest.mark.parametrize("fields", [READ_FIELDS, PULL_FIELDS], ids=["push", "pull"])
def test_cut_answer_reads_as_the_whole_answer(engine: SyncEngine, emu: Emulator, fields: str) -> None:
    tricky_workbook(engine, emu)
    data = answer(emu, fields)
    split = split_answer(data)
    assert split is not None and len(split.tabs) == 4
    whole = snapshot_from_text(data.decode())
    cut = snapshot_from_bytes(data)
    assert cut == whole
    digests = {tab.digest for tab in cut.tabs}
    assert None not in digests and len(digests) == 4
    lazy = snapshot_from_bytes(data, known=digests)
    assert all(isinstance(tab.cells, LazyMapping) for tab in lazy.tabs)
    assert lazy == whole
    assert [dict(tab.cells) for tab in lazy.tabs] == [dict(tab.cells) for tab in whole.tabs]
    assert [dict(tab.column_widths) for tab in lazy.tabs] == [dict(tab.column_widths) for tab in whole.tabs]


def test_an_answer_of_another_shape_is_read_whole(engine: SyncEngine, emu: Emulator) -> None:
    tricky_workbook(engine, emu)
    pretty = json.dumps(
        json.loads(answer(emu)), indent=2
    ).encode()  # as Google sends it without prettyPrint=false
    assert split_answer(pretty) is None
    read = snapshot_from_bytes(pretty)
    assert read == snapshot_from_text(answer(emu).decode())
    assert all(tab.digest is None for tab in read.tabs)


def test_a_cut_answer_cut_short_is_not_json(engine: SyncEngine, emu: Emulator) -> None:
    settle(engine)
    data = answer(emu)
    for end in (len(data) // 3, len(data) - 2):
        with pytest.raises(ValueError):
            snapshot_from_bytes(data[:end])


# ---------------------------------------------------------------------------------------------- helpers


def engine_cell(engine: SyncEngine, title: str, field: str) -> tuple[int, int]:
    """(row, column) of the first suggestion's ``field`` cell in a module tab."""
    tab = engine.workbook.read().by_title(title)
    assert tab is not None
    view = read_module_tab(tab)
    row = next(r.row for r in view.suggestions if r.row is not None and not r.blank)
    assert row is not None and view.geometry is not None
    return row, view.geometry.field_column(field)


def suggestion_cell(engine: SyncEngine, title: str, field: str) -> str:
    row, column = engine_cell(engine, title, field)
    return f"{letters(column)}{row + 1}"


def letters(column: int) -> str:
    return column_letters(column)


def test_a_settled_sync_parses_no_module_file(engine: SyncEngine) -> None:
    """Once `index` recorded every module file as valid, a sync with nothing to do parses none of them; a file
    changed since (or not in the cache) is parsed, and a broken one still stops the sync."""
    settle(engine)
    store = engine.store
    assert CliRunner().invoke(main, ["index", "--data-dir", str(store.data_dir)]).exit_code == 0
    for direction in Direction:
        local, record = LocalModules(store), load_settled(store, SPREADSHEET)
        push = direction is Direction.PUSH
        snapshot = engine.workbook.read(formats=push, known=record.known())
        base = load_base(store, SPREADSHEET)
        settled = settled_view(direction, record, snapshot, base, PlanOptions(), {}, local.digests)
        plan = (plan_push if push else plan_pull)(local, snapshot, base, PlanOptions(), settled)
        assert not plan.ops and local.parsed == 0, direction
    store.module_path("m02").write_text('{"module_id": "m02"')
    with pytest.raises(DataError, match="m02"):
        engine.push()


def test_another_releases_record_is_not_used(engine: SyncEngine) -> None:
    """Another release may check an answer more strictly: the tab texts an older one checked are checked again."""
    settle(engine)
    path = settled_path(engine.store, SPREADSHEET)
    record = json.loads(path.read_text())
    assert load_settled(engine.store, SPREADSHEET).known()
    path.write_text(json.dumps({**record, "code": "another release"}))
    assert not load_settled(engine.store, SPREADSHEET).known()
    engine.push()
    assert load_settled(engine.store, SPREADSHEET).known()


def index_data(store: Store) -> None:
    result = CliRunner().invoke(main, ["index", "--data-dir", str(store.data_dir)])
    assert result.exit_code == 0, result.output


def test_the_heatmap_comes_from_the_index_for_unchanged_module_files(engine: SyncEngine) -> None:
    """A push whose Heatmap must be planned again (a module changed) parses only the module files changed since
    the last import or `index`: the others' entries come from the index file, and the result is the index of
    every module, whatever the state of the cache."""
    store = engine.store
    local = LocalModules(store)
    assert local.heatmap_index() == build_index(store.load_all()) and local.parsed == 0
    edited = store.load_module("m02")
    edited.module_name = "renamed by hand"  # not indexed again: its entry must come from the file
    with store.lock():
        store.save_module(edited)
    local = LocalModules(store)
    assert local.heatmap_index() == build_index(store.load_all()) and local.parsed == 1
    store.cache_dir.joinpath("index.json").unlink()
    local = LocalModules(store)
    assert local.heatmap_index() == build_index(store.load_all()) and local.parsed == 3

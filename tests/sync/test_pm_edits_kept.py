"""Every PM edit is kept, whatever PMs do in Google Sheets (issue 10). Each behaviour runs against both the
in-memory workbook and the emulator behind real gspread, through one parametrised fixture (``side``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sync_helpers import module, write_modules
from workbook_views import suggestion_rows

from sheets_emulator import Emulator
from sheets_sync.errors import ConflictError, PartialSyncError
from sheets_sync.store import Store
from sheets_sync.sync.columns import MODULE_COLUMNS
from sheets_sync.sync.engine import SyncEngine, SyncOptions, SyncResult
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.layout import REFUSED_COLOUR
from sheets_sync.sync.module_plan import column_letters
from sheets_sync.sync.plan import PlanOptions, plan_push
from sheets_sync.sync.snapshot import SheetSnapshot
from sheets_sync.sync.tabs import find_geometry

SHEET = "sheet-1"


@dataclass
class Side:
    """One workbook implementation with a PM at its keyboard; cells 0-based (row, column)."""

    name: str
    engine: SyncEngine
    fake: FakeWorkbook | None = None
    emu: Emulator | None = None

    def read(self) -> SheetSnapshot:
        return self.engine.workbook.read()

    def type(self, title: str, row: int, column: int, text: str) -> None:
        if self.fake is not None:
            self.fake.pm_type(title, row, column, text)
        else:
            assert self.emu is not None
            self.emu.pm(SHEET).set_cell(title, f"{column_letters(column)}{row + 1}", text)

    def sort(self, title: str, rows: tuple[int, int], columns: tuple[int, int], key: int) -> None:
        """Data > Sort range over the 0-based rectangle, no header rows marked."""
        if self.fake is not None:
            self.fake.pm_sort(title, rows, columns, key)
        else:
            assert self.emu is not None
            first = f"{column_letters(columns[0])}{rows[0] + 1}"
            last = f"{column_letters(columns[1] - 1)}{rows[1]}"
            self.emu.pm(SHEET).sort_range(title, f"{first}:{last}", key)

    def cell_of(self, title: str, label: str, row_id: str) -> tuple[int, int]:
        snapshot = self.read()
        tab = snapshot.by_title(title)
        assert tab is not None
        geometry = find_geometry(tab)
        id_label = (
            "suggestion id" if label in {c.label for c in MODULE_COLUMNS.suggestions} else "experiment id"
        )
        id_column = geometry.column(id_label)
        row = next(r for (r, c), cell in tab.cells.items() if c == id_column and cell.value == row_id)
        return row, geometry.column(label)

    def header_of(self, title: str, label: str) -> tuple[int, int]:
        tab = self.read().by_title(title)
        assert tab is not None
        geometry = find_geometry(tab)
        row = geometry.suggestions_header if label in geometry.suggestion_labels else geometry.header_row
        return row, geometry.column(label)


@pytest.fixture(params=["fake", "emulator"])
def side(request: pytest.FixtureRequest, store: Store, retrier) -> Iterator[Side]:
    if request.param == "fake":
        fake = FakeWorkbook(SHEET)
        yield Side("fake", SyncEngine(store, fake, retrier), fake=fake)
        return
    emu = Emulator()
    emu.create_spreadsheet(SHEET, title="Evals")
    workbook = GspreadWorkbook(SHEET, emu.session(), retrier=retrier)
    yield Side("emulator", SyncEngine(store, workbook, retrier), emu=emu)


def exit_code(result: SyncResult) -> int:
    try:
        result.raise_for_conflicts()
    except (ConflictError, PartialSyncError) as exc:
        return exc.exit_code
    return 0


def ids(side: Side, title: str) -> list[str]:
    return sorted(suggestion_rows(side.read(), title))


# ---------------------------------------------------------------------------------------------- headers


def test_a_header_changed_in_case_or_spacing_is_still_recognised(side: Side, store: Store) -> None:
    side.engine.push()
    side.type("m02", *side.header_of("m02", "issue"), "  ISSUE ")
    side.type("m02", *side.cell_of("m02", "priority", "m02-s1"), "high")
    pulled = side.engine.pull()
    assert exit_code(pulled) == 0 and store.load_module("m02").suggestions[0].priority == "high"
    side.engine.push()
    assert side.read().by_title("m02").value(*side.header_of("m02", "issue")) == "issue"  # type: ignore[union-attr]


def test_a_header_really_gone_skips_that_tab_only_and_its_edits_stay(side: Side, store: Store) -> None:
    side.engine.push()
    header = side.header_of("m01", "issue")
    edited = side.cell_of("m01", "issue", "m01-s1")
    side.type("m01", *header, "problem")
    side.type("m01", *edited, "edited in the broken tab")
    side.type("m02", *side.cell_of("m02", "priority", "m02-s1"), "high")
    pulled = side.engine.pull()
    assert exit_code(pulled) == 5
    assert store.load_module("m02").suggestions[0].priority == "high"  # the other tab synced
    [skipped] = pulled.plan.notes.skipped_tabs
    assert "'m01'" in skipped and "delete" not in skipped and "type 'issue' back" in skipped
    pushed = side.engine.push()
    assert exit_code(pushed) == 5
    assert side.read().by_title("m01").value(*edited) == "edited in the broken tab"  # type: ignore[union-attr]
    side.type("m01", *header, "issue")
    assert exit_code(side.engine.pull()) == 0
    assert store.load_module("m01").suggestions[0].issue == "edited in the broken tab"


# ---------------------------------------------------------------------------------------------- sorting


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
    assert not pushed.plan.notes.restored and ids(side, "m02") == ["m02-s1", "m02-s2"]
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
    assert ids(side, "m02") == ["m02-s1", "m02-s2"]


# ---------------------------------------------------------------------------------------------- refused values


def test_a_refused_value_is_named_marked_and_unmarked_once_fixed(side: Side, store: Store) -> None:
    side.engine.push()
    if side.emu is not None:
        # Google (and the emulator) refuse a value outside a strict dropdown, typed or sent through the API; a
        # paste that replaces the cell's validation can still bring one: the in-memory workbook plays that.
        side.emu.pm(SHEET).set_note("m01", "A1", None)
        pytest.skip("the strict priority dropdown refuses 'urgent' here; the rubric case below runs on both")
    side.type("m01", *side.cell_of("m01", "priority", "m01-s1"), "urgent")
    side.type("m01", *side.cell_of("m01", "version", "m01-s2"), "v99")
    side.type("m01", *side.cell_of("m01", "applied in", "m01-s3"), "v7")  # a version with no runs yet is fine
    pulled = side.engine.pull()
    assert exit_code(pulled) == 5
    refused = " | ".join(pulled.plan.notes.refused)
    priority_cell = _a1(*side.cell_of("m01", "priority", "m01-s1"))
    assert f"m01!{priority_cell}: priority 'urgent' refused (allowed: high, medium, low)" in refused
    assert "version 'v99' refused (allowed: v1)" in refused
    module_after = store.load_module("m01")
    assert module_after.suggestions[0].priority == "medium" and module_after.suggestions[2].applied_in == "v7"
    pushed = side.engine.push()
    assert exit_code(pushed) == 5 and not any("run sheets-sync pull" in x for x in _lines(pushed))
    cell = side.read().by_title("m01").cell(*side.cell_of("m01", "priority", "m01-s1"))  # type: ignore[union-attr]
    assert (
        cell.value == "urgent"
        and cell.background == REFUSED_COLOUR
        and "high, medium, low" in (cell.note or "")
    )
    side.type("m01", *side.cell_of("m01", "priority", "m01-s1"), "low")
    side.type("m01", *side.cell_of("m01", "version", "m01-s2"), "v1")
    assert exit_code(side.engine.pull()) == 0 and store.load_module("m01").suggestions[0].priority == "low"
    side.engine.push()
    cell = side.read().by_title("m01").cell(*side.cell_of("m01", "priority", "m01-s1"))  # type: ignore[union-attr]
    assert cell.note is None and cell.background is None


def test_marking_refused_cells_is_part_of_the_one_write(side: Side) -> None:
    side.engine.push()
    side.type("m01", *side.cell_of("m01", "rubric", "m01-s1"), "no such rubric")
    writes = _writes(side)
    side.engine.push()
    assert _writes(side) - writes == 1


# ---------------------------------------------------------------------------------------------- text fidelity

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
        side.fake.pm_set("m01", row, column, None)
        side.fake.tab("m01").cells[(row, column)] = (
            side.fake.tab("m01").cells.get((row, column)).__class__(value="=A1", formula=True)
        )
    else:
        _api_write(side, _a1(row, column), {"formulaValue": "=A1"})
    pulled = side.engine.pull()
    assert store.load_module("m01").suggestions[0].issue == "issue 1"
    assert any("formula" in line for line in pulled.plan.notes.refused) and exit_code(pulled) == 5


# ---------------------------------------------------------------------------------------------- id cells


def test_typing_into_an_id_cell_is_reverted_never_a_duplicate(side: Side, store: Store) -> None:
    side.engine.push()
    side.type("m01", *side.cell_of("m01", "suggestion id", "m01-s3"), "m01-s9")
    side.type("m01", *side.cell_of("m01", "priority", "m01-s9"), "high")
    pulled = side.engine.pull()
    module_after = store.load_module("m01")
    assert [s.id for s in module_after.suggestions] == ["m01-s1", "m01-s2", "m01-s3"]
    assert module_after.suggestions[2].priority == "high" and not pulled.plan.notes.imported
    side.engine.push()
    assert ids(side, "m01") == ["m01-s1", "m01-s2", "m01-s3"]


# ---------------------------------------------------------------------------------------------- deleting


@pytest.mark.parametrize("delete_tabs", [False, True])
def test_deleting_a_module_with_unpulled_edits_is_a_conflict(
    side: Side, store: Store, data_dir: Path, delete_tabs: bool
) -> None:
    side.engine.push()
    side.type("m02", *side.cell_of("m02", "issue", "m02-s2"), "a PM's unpulled edit")
    (data_dir / "modules" / "m02.json").unlink()
    pushed = side.engine.push(SyncOptions(delete_removed_tabs=delete_tabs))
    assert exit_code(pushed) == 3 and [c.row_id for c in pushed.conflicts] == ["m02-s2"]
    assert side.read().by_title("m02") is not None
    assert exit_code(side.engine.pull()) == 3


# ---------------------------------------------------------------------------------------------- layout upgrade


def test_a_tab_written_by_an_older_layout_is_upgraded_in_place(store: Store, retrier) -> None:
    """An older release: no 'applied in' column, 'issue' after 'suggestion', 'priority' labelled 'prio'."""
    current = MODULE_COLUMNS.suggestions
    by_key = {c.key: c for c in current}
    old = [by_key["id"], by_key["version"], by_key["rubric"], by_key["suggestion"], by_key["issue"]]
    old += [
        by_key["priority"].__class__(**{**by_key["priority"].__dict__, "label": "prio"}),
        by_key["status"],
    ]
    older = MODULE_COLUMNS.with_columns([*MODULE_COLUMNS.experiments, *old])
    fake = FakeWorkbook(SHEET)
    local, base = store.load_all(), _empty_base()
    first = plan_push(local, fake.read(), base, PlanOptions(table=older))
    fake.apply(first.ops)
    # The current release knows 'prio' as an old label of 'priority'.
    renamed = [
        c if c.key != "priority" else c.__class__(**{**c.__dict__, "aliases": ("prio",)}) for c in current
    ]
    table = MODULE_COLUMNS.with_columns([*MODULE_COLUMNS.experiments, *renamed])
    before = {r.truth_id: dict(r.actual) for r in _view(fake.read().by_title("m01"), table).suggestions}
    fake.pm_type("m01", *_cell(fake.read(), "m01", "issue", "m01-s1", older), "a PM edit kept by the upgrade")
    second = plan_push(local, fake.read(), first.base, PlanOptions(table=table))
    fake.apply(second.ops)
    tab = fake.read().by_title("m01")
    assert tab is not None
    geometry = find_geometry(tab, table)
    labels = [tab.value(geometry.suggestions_header, geometry.column(c.label)) for c in table.suggestions]
    assert labels == [c.label for c in table.suggestions]
    rows = {r.truth_id: dict(r.actual) for r in _view(tab, table).suggestions}
    assert rows["m01-s1"]["issue"] == "a PM edit kept by the upgrade"
    assert {
        sid: {k: v for k, v in r.items() if k != "applied_in"} for sid, r in rows.items() if sid != "m01-s1"
    } == {
        sid: {k: v for k, v in r.items() if k != "applied_in"} for sid, r in before.items() if sid != "m01-s1"
    }
    assert any("moved" in line for line in second.notes.upgraded_tabs)
    assert not plan_push(local, fake.read(), second.base, PlanOptions(table=table)).has_writes


# ---------------------------------------------------------------------------------------------- helpers


def _a1(row: int, column: int) -> str:
    return f"{column_letters(column)}{row + 1}"


def _api_write(side: Side, cell: str, value: dict[str, str]) -> None:
    """A value arriving through the API (a script, an add-on), past dropdowns and plain-text formats."""
    assert side.emu is not None
    book = side.emu.gspread_client().open_by_key(SHEET)
    sheet_id = book.worksheet("m01").id
    row, column = gspread_cell(cell)
    start = {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column}
    request = {
        "updateCells": {
            "start": start,
            "rows": [{"values": [{"userEnteredValue": value}]}],
            "fields": "userEnteredValue",
        }
    }
    book.batch_update({"requests": [request]})


def gspread_cell(cell: str) -> tuple[int, int]:
    import gspread

    row, column = gspread.utils.a1_to_rowcol(cell)
    return row - 1, column - 1


def _lines(result: SyncResult) -> list[str]:
    from sheets_sync.sync.report import plan_lines

    return plan_lines(result.plan)


def _writes(side: Side) -> int:
    if side.fake is not None:
        return side.fake.write_calls
    assert side.emu is not None
    return side.emu.count(write=True)


def _empty_base():
    from sheets_sync.sync.base import Base

    return Base(spreadsheet_id=SHEET)


def _view(tab, table):
    from sheets_sync.sync.tabs import read_module_tab

    return read_module_tab(tab, None, table)


def _cell(snapshot: SheetSnapshot, title: str, label: str, row_id: str, table) -> tuple[int, int]:
    tab = snapshot.by_title(title)
    assert tab is not None
    geometry = find_geometry(tab, table)
    id_column = geometry.column("suggestion id")
    row = next(r for (r, c), cell in tab.cells.items() if c == id_column and cell.value == row_id)
    return row, geometry.column(label)


@pytest.fixture
def store(data_dir: Path) -> Store:
    return write_modules(data_dir, module("m01"), module("m02", experiments=2, suggestions=2))

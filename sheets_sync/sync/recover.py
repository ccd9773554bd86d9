"""After a write: did every cell land on the row it was meant for? If not, what did we overwrite? Pure.

The Sheets API has no conditional write: a cell is addressed by position, and a PM who sorts the suggestions table
in the second between our read and our write moves other rows under our writes. So the engine reads the workbook
once more after writing and calls :func:`verify` with the snapshot the plan was made from, the plan, and the new
read:

* Clean (every written cell holds what we wrote, on the row with the id it was meant for, and every suggestion id
  is still in its table): done.
* Otherwise :func:`verify` returns the new read with a :class:`Recovery`: for each cell that landed on another row,
  the value that row held before (taken from the earlier snapshot, by that row's id, or for an id cell we wrote, by
  its other cells); and the rows that a write overwrote entirely (they will be appended again). The engine plans
  again from it: the next plan writes the PM's values back where we overwrote them and our values where they belong.

What cannot be recovered: a PM's edit typed into the very cell we overwrote within that second, and a new row
without an id typed where we appended within that second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from sheets_sync.sync.codec import CellValue, text_or_none
from sheets_sync.sync.columns import SUGGESTION_ID
from sheets_sync.sync.layout import FIELD_LABEL, PM_FIELDS
from sheets_sync.sync.merge import canonical_texts
from sheets_sync.sync.ops import RowWrite, WriteCells
from sheets_sync.sync.plan import Plan
from sheets_sync.sync.snapshot import Recovery, SheetSnapshot
from sheets_sync.sync.tabs import ModuleTabView, SheetSuggestion, read_module_tab


@dataclass
class Verification:
    """The outcome of :func:`verify`: ``snapshot`` is what to plan from next when not clean."""

    clean: bool
    snapshot: SheetSnapshot
    problems: list[str] = field(default_factory=list)


def verify(before: SheetSnapshot, plan: Plan, after: SheetSnapshot) -> Verification:
    """Check the written cells against a fresh read; build the recovery when some landed elsewhere."""
    problems = _unlanded_cells(plan, after)
    truth: dict[tuple[int, int, int], CellValue] = {}
    lost: dict[int, tuple[Mapping[str, CellValue], ...]] = {}
    for sheet_id, writes in _by_sheet(plan.row_writes).items():
        tab_before, tab_after = before.tab(sheet_id), after.tab(sheet_id)
        if tab_before is None or tab_after is None:
            continue
        view_before = read_module_tab(tab_before, before.recovery)
        view_after = read_module_tab(tab_after)
        checker = _TabCheck(sheet_id, view_before, view_after, writes)
        problems += checker.run()
        truth.update(checker.truth)
        if checker.lost:
            lost[sheet_id] = tuple(checker.lost)
    problems += _check_moved_text(plan, after, truth)
    if not problems:
        return Verification(True, after)
    return Verification(False, replace(after, recovery=Recovery(truth, lost)), problems)


def _check_moved_text(
    plan: Plan, after: SheetSnapshot, truth: dict[tuple[int, int, int], CellValue]
) -> list[str]:
    """After a layout upgrade moved PM columns: every suggestion shows the text it showed before. A cell that does
    not is put back by the next plan (its text is taken as the truth of that cell)."""
    problems = []
    for sheet_id, expected in plan.expected.items():
        tab = after.tab(sheet_id)
        view = read_module_tab(tab) if tab is not None else None
        if view is None or view.geometry is None:
            problems.append(f"tab {sheet_id} lost its tables during a layout upgrade")
            continue
        rows = {row.truth_id: row for row in view.suggestions if row.row is not None}
        for sid, texts in expected.items():
            row = rows.get(sid)
            if row is None:
                continue  # a row gone is found by the row checks
            for name, text in texts.items():
                if row.actual.get(name, "") != text:
                    assert row.row is not None
                    truth[(sheet_id, row.row, view.geometry.field_column(name))] = text_or_none(text)
                    problems.append(
                        f"{tab.title if tab else sheet_id}: {sid} {name} changed while its column moved"
                    )
    return problems


def _unlanded_cells(plan: Plan, after: SheetSnapshot) -> list[str]:
    problems = []
    for op in plan.ops:
        if not isinstance(op, WriteCells):
            continue
        tab = after.tab(op.sheet_id)
        if tab is None:
            problems.append(f"tab {op.sheet_id} is gone")
            continue
        for row_offset, specs in enumerate(op.rows):
            for column_offset, spec in enumerate(specs):
                row, column = op.row + row_offset, op.column + column_offset
                if not spec.matches(tab.cell(row, column)):
                    problems.append(f"{tab.title}!R{row + 1}C{column + 1} does not hold what was written")
    return problems


def _by_sheet(writes: Iterable[RowWrite]) -> dict[int, list[RowWrite]]:
    grouped: dict[int, list[RowWrite]] = {}
    for write in writes:
        grouped.setdefault(write.sheet_id, []).append(write)
    return grouped


@dataclass
class _TabCheck:
    """Verification and recovery of one module tab's suggestion writes."""

    sheet_id: int
    before: ModuleTabView
    after: ModuleTabView
    writes: list[RowWrite]
    truth: dict[tuple[int, int, int], CellValue] = field(default_factory=dict)
    lost: list[Mapping[str, CellValue]] = field(default_factory=list)

    def run(self) -> list[str]:
        if self.after.geometry is None:
            return ["a module tab lost its tables"]
        problems = []
        overridden_ids: set[str] = set()
        for write in self.writes:
            landed = self._landed(write)
            intended = self._intended(write)
            if landed is intended:
                continue
            if landed is None:
                if not self._landed_elsewhere(write, intended):
                    continue
                # What is there now is no row we read: a blank row (a sort moved the intended row away and empty
                # rows down) or one typed meanwhile. The cells we wrote held nothing we know of: clear them again.
                problems.append(
                    f"row {write.row + 1} was written for {write.target_id} but holds no row read"
                )
                self._restore_blank(write)
                continue
            problems.append(f"row {write.row + 1} was written for {write.target_id} but holds another row")
            overridden_ids |= self._restore(write, landed)
        problems += self._find_lost(overridden_ids)
        return problems

    def _landed_elsewhere(self, write: RowWrite, intended: SheetSuggestion | None) -> bool:
        """True when a write into a row we read (not an append) now sits in a row that is not that row."""
        return not write.whole_row and intended is not None and self._row_at(write.row) is not None

    def _restore_blank(self, write: RowWrite) -> None:
        assert self.after.geometry is not None
        for label, _ in write.cells:
            self.truth[(self.sheet_id, write.row, self.after.geometry.column(label))] = None

    def _row_at(self, row: int) -> SheetSuggestion | None:
        return next((s for s in self.after.suggestions if s.row == row), None)

    def _intended(self, write: RowWrite) -> SheetSuggestion | None:
        if write.source_row is not None:
            return next((s for s in self.before.suggestions if s.row == write.source_row), None)
        return next((s for s in self.before.suggestions if s.truth_id == write.target_id), None)

    def _landed(self, write: RowWrite) -> SheetSuggestion | None:
        """The earlier snapshot's row that is now where we wrote (None: ours, or nothing known was there)."""
        if write.whole_row:
            return None
        now = self._row_at(write.row)
        if now is None:
            return None
        written = {label for label, _ in write.cells}
        if SUGGESTION_ID not in written:
            return self._by_id(now.id_cell) if now.id_cell else self._by_content(now, written, write)
        return self._by_content(now, written, write)

    def _by_id(self, suggestion_id: str) -> SheetSuggestion | None:
        return next((s for s in self.before.suggestions if s.truth_id == suggestion_id), None)

    def _by_content(self, now: SheetSuggestion, written: set[str], write: RowWrite) -> SheetSuggestion | None:
        """The earlier row whose unwritten cells (the id cell included, when we did not write it) equal this row's;
        the intended row wins a tie. A row with an id never matches a row without: a PM's new row that only has
        an issue must not be taken for the blank row a sort left where we wrote."""
        names = [name for name in PM_FIELDS if FIELD_LABEL[name] not in written]
        shown = canonical_texts(now.actual)
        id_written = SUGGESTION_ID in written
        candidates = [
            s
            for s in self.before.suggestions
            if (id_written or s.truth_id == now.id_cell)
            and all(canonical_texts(s.truth)[n] == shown[n] for n in names)
        ]
        intended = self._intended(write)
        return intended if intended in candidates else (candidates[0] if candidates else None)

    def _restore(self, write: RowWrite, landed: SheetSuggestion) -> set[str]:
        """Remember what ``landed`` held in each cell we overwrote; returns the id it now stands for."""
        assert self.after.geometry is not None
        values = {FIELD_LABEL[name]: text for name, text in landed.truth.items()} | {
            SUGGESTION_ID: landed.truth_id
        }
        for label, _ in write.cells:
            column = self.after.geometry.column(label)
            self.truth[(self.sheet_id, write.row, column)] = text_or_none(values[label])
        return {landed.truth_id} if landed.truth_id else set()

    def _find_lost(self, overridden_ids: set[str]) -> list[str]:
        """Rows that no longer appear anywhere: with an id, found by id (overwritten by an append, or deleted
        meanwhile); without one (a PM's new row, or one whose id a PM cleared), found by content, and only looked
        for when we appended rows (a sort can move such a row into the rows an append then overwrites)."""
        cleared = {w.target_id for w in self.writes if _clears_id(w)}
        # A row whose id cell a PM overwrote and we put back: its old (typed) id is meant to go.
        renamed = {
            intended.truth_id
            for w in self.writes
            if SUGGESTION_ID in dict(w.cells) and (intended := self._intended(w)) is not None
        }
        present = {s.id_cell for s in self.after.suggestions} | overridden_ids | renamed
        problems = []
        for row in self.before.suggestions:
            if row.truth_id and row.truth_id not in present and row.truth_id not in cleared:
                self.lost.append(_row_values(row))
                problems.append(f"suggestion {row.truth_id} disappeared from its table")
        if not any(write.whole_row for write in self.writes):
            return problems
        shown = [canonical_texts(s.actual) for s in self.after.suggestions]
        for row in self.before.suggestions:
            if not row.truth_id and not row.blank and canonical_texts(row.truth) not in shown:
                self.lost.append(_row_values(row))
                problems.append(
                    f"a row without id (issue {row.truth.get('issue', '')[:40]!r}) was overwritten"
                )
        return problems


def _clears_id(write: RowWrite) -> bool:
    """A write that empties the id cell: the row of a suggestion deleted locally."""
    cells = dict(write.cells)
    return SUGGESTION_ID in cells and cells[SUGGESTION_ID] is None


def _row_values(row: SheetSuggestion) -> dict[str, CellValue]:
    values: dict[str, CellValue] = {SUGGESTION_ID: row.truth_id}
    values.update(
        {FIELD_LABEL[name]: text_or_none(text) for name, text in row.truth.items() if name in FIELD_LABEL}
    )
    return values

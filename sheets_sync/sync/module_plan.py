"""Planning one module tab: its header block, experiments table, suggestions table, grid and rules. Pure.

Push makes the tab show the local data in every tool-owned cell (header block, header row, experiments, suggestion
ids) and writes the PM fields the merge decided; pull writes nothing but suggestion ids. Experiments are matched by
id: a PM's sort is kept, new experiments are appended, rows that show no known experiment are cleared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sheets_sync.errors import DataError
from sheets_sync.models import Experiment, Module
from sheets_sync.sync.base import FieldTexts, digest
from sheets_sync.sync.cells import Position, changed_cells, group_cells
from sheets_sync.sync.codec import CellTextTooLongError, text_value
from sheets_sync.sync.columns import MODULE_COLUMNS, PLAIN_TEXT_FORMAT, ColumnTable, Owner
from sheets_sync.sync.layout import (
    COLUMN_MARGIN,
    HEADER_BLOCK,
    HEADER_ROW,
    INSTRUCTION,
    PM_SHADE,
    REFUSED_COLOUR,
    REFUSED_NOTE_PREFIX,
    ROW_MARGIN,
    TabGeometry,
    canonical_geometry,
    column_widths,
    dropdown_ranges,
    empty_experiment_spec,
    experiment_specs,
    header_block_values,
    header_row_specs,
    instruction_spec,
    label_spec,
    module_protection,
    module_rubrics,
    plain_text_ranges,
    pm_column_ranges,
)
from sheets_sync.sync.merge import Direction, MergeOptions, MergeResult, Refusal, merge_module
from sheets_sync.sync.notes import Notes
from sheets_sync.sync.ops import (
    PULL_READS,
    AddProtection,
    AppendRows,
    CellField,
    CellSpec,
    DeleteProtection,
    Op,
    RowWrite,
    SetBackground,
    SetColumnWidths,
    SetDropdown,
    SetNumberFormat,
    UnmergeCells,
    UpdateTab,
    WriteCells,
)
from sheets_sync.sync.snapshot import Cell, GridRange, Protection, Recovery, TabSnapshot
from sheets_sync.sync.tabs import ModuleTabView, read_module_tab
from sheets_sync.sync.upgrade import Upgrade, upgrade_tab

MAX_FROZEN_HEADER_ROW = 2 * HEADER_ROW
"""Below this row a header row moved by a sort is not frozen at (the tab keeps the frozen rows it has)."""


@dataclass(frozen=True)
class ModuleTabInput:
    """Everything the plan of one module tab depends on."""

    module: Module
    tab: TabSnapshot | None
    sheet_id: int
    base_suggestions: Mapping[str, FieldTexts]
    base_digest: str | None
    recovery: Recovery = field(default_factory=Recovery)
    table: ColumnTable = MODULE_COLUMNS


@dataclass(kw_only=True)
class ModuleTabPlan:
    """The writes for one module tab and what the merge decided."""

    ops: list[Op]
    cell_ops: list[WriteCells]
    rule_ops: list[Op]
    row_writes: list[RowWrite]
    merge: MergeResult
    digest: str
    cells_written: int
    rows_added: int
    tool_edits: int
    rows: int
    columns: int
    frozen_rows: int
    notes: Notes = field(default_factory=Notes)
    """What this tab's plan reports besides the merge's notes: refused values and formulas (tab, cell, value,
    allowed values), merged cells, layout upgrades."""
    expected: dict[str, dict[str, str]] = field(default_factory=dict)
    """After a layout upgrade moved PM text: what each suggestion must show once the plan is applied (verified)."""


def plan_module_tab(given: ModuleTabInput, options: MergeOptions) -> ModuleTabPlan:
    """Plan one module tab in the given direction; raises TabLayoutProblem for a tab that cannot be read."""
    push = options.direction is Direction.PUSH
    tab, recovery = given.tab, given.recovery
    view = read_module_tab(tab, recovery, given.table) if tab is not None else ModuleTabView(None)
    geometry = view.geometry or canonical_geometry(module_rubrics(given.module), given.table)
    upgrade = None
    if push and tab is not None and view.geometry is not None:
        upgrade = upgrade_tab(tab, recovery, view.geometry, module_rubrics(given.module))
        tab, recovery, geometry = upgrade.tab, upgrade.recovery, upgrade.geometry
        if upgrade.ops or upgrade.geometry != view.geometry:
            view = _reread(tab, recovery, geometry, frozenset(upgrade.inserted_fields))
    return _ModulePlanner(given, options, tab, view, geometry, upgrade).plan()


def _reread(
    tab: TabSnapshot, recovery: Recovery, geometry: TabGeometry, inserted: frozenset[str]
) -> ModuleTabView:
    """The tab as it will be after the upgrade, read with the upgraded geometry (its header labels may still be
    the old ones: they are rewritten by this same plan); fields of inserted columns are absent, not blank."""
    view = read_module_tab(tab, recovery, geometry.table)
    rows = tuple(replace(row, absent=row.absent | inserted) for row in view.suggestions)
    return replace(view, geometry=geometry, suggestions=rows)


@dataclass
class _ModulePlanner:
    given: ModuleTabInput
    options: MergeOptions
    tab: TabSnapshot | None
    view: ModuleTabView
    geometry: TabGeometry
    upgrade: Upgrade | None
    wanted: dict[Position, CellSpec] = field(default_factory=dict)
    forced: set[Position] = field(default_factory=set)
    row_writes: list[RowWrite] = field(default_factory=list)

    @property
    def push(self) -> bool:
        return self.options.direction is Direction.PUSH

    @property
    def sheet_id(self) -> int:
        return self.given.sheet_id

    def plan(self) -> ModuleTabPlan:
        tool_cells = self._tool_owned_cells() if self.view.geometry or self.push else {}
        tab_digest = self._digest()
        unchanged_locally = self.tab is not None and tab_digest == self.given.base_digest
        # A pull reads no formats (PULL_READS): it counts a tool-owned cell edited when its value (or note) is.
        compared = tool_cells if self.push else {p: spec.within(PULL_READS) for p, spec in tool_cells.items()}
        tool_edits = len(changed_cells(self.tab, compared)) if unchanged_locally else 0
        if self.push:
            self.wanted.update(tool_cells)
        merge = merge_module(
            self.given.module, self.view.suggestions, self.given.base_suggestions, self.options
        )
        rows_added = self._suggestion_cells(merge) + self._new_experiment_rows()
        shade: list[Op] = []
        if self.push:
            self._marks(merge)
            shade = self._shade_ops(self._grid_size()[0])
            if shade:  # the shade goes over the whole PM columns: marks that stay are written again on top
                self.forced |= {p for p, spec in self.wanted.items() if spec.background == REFUSED_COLOUR}
        changed = changed_cells(self.tab, self.wanted)
        changed |= {position: self.wanted[position] for position in self.forced if position in self.wanted}
        rows, columns = self._grid_size()
        plan = ModuleTabPlan(
            ops=[],
            cell_ops=group_cells(self.sheet_id, changed),
            rule_ops=[],
            row_writes=self.row_writes,
            merge=merge,
            digest=tab_digest,
            cells_written=len(changed),
            rows_added=rows_added,
            tool_edits=tool_edits,
            rows=rows,
            columns=columns,
            frozen_rows=self.geometry.header_row + 1,
            notes=Notes(
                refused=self._refusal_lines(merge),
                merged_cells=self._merged_lines(merge),
                upgraded_tabs=[f"{self._title}: {change}" for change in self.upgrade.changes]
                if self.upgrade
                else [],
            ),
        )
        if self.push:
            plan.ops = self.structure + self._grid_ops(rows, columns)
            plan.rule_ops = self._width_ops() + self._protection_ops() + self._dropdown_ops(rows)
            plan.rule_ops += self._plain_text_ops(rows)
            # Before the cell writes: a refused-value mark written by them stays on top of the shade.
            plan.ops = self._unmerge_ops() + plan.ops + shade
            if self.upgrade is not None and self.upgrade.moved_pm_text:
                plan.expected = self._expected(merge)
        return plan

    @property
    def structure(self) -> list[Op]:
        return self.upgrade.ops if self.upgrade is not None else []

    # ------------------------------------------------------------------------------------ refused values

    @property
    def _title(self) -> str:
        return self.tab.title if self.tab is not None else self.given.module.module_id

    def _refusal_lines(self, merge: MergeResult) -> list[str]:
        title = self._title
        lines = []
        for refusal in merge.refused:
            where = self._cell_name(refusal.row, refusal.field)
            allowed = ", ".join(refusal.allowed) or "none yet"
            label = self.given.table.suggestion(refusal.field).label
            lines.append(f"{title}!{where}: {label} {refusal.value!r} refused (allowed: {allowed})")
        for formula in merge.formulas:
            where = self._cell_name(formula.row, formula.field)
            lines.append(
                f"{title}!{where}: holds a formula ({formula.source[:40]!r}), not text; not taken (type the text, "
                "or format the cell as plain text first)"
            )
        return lines

    def _merged_lines(self, merge: MergeResult) -> list[str]:
        title = self._title
        action = (
            "unmerged and written back by this push"
            if self.push
            else "the next push unmerges and writes it back"
        )
        return [
            f"{title}!{self._cell_name(m.row, m.field)}: {m.suggestion_id} {m.field} blanked by merged cells; "
            f"not pulled, kept locally ({action})"
            for m in merge.merged
        ]

    def _cell_name(self, row: int | None, name: str) -> str:
        if row is None:
            return "(a row being put back)"
        return f"{column_letters(self.geometry.field_column(name))}{row + 1}"

    def _marks(self, merge: MergeResult) -> None:
        """A refused value's cell gets a note saying what is allowed and a light red background, in this same
        write; a cell whose value is fixed loses both (only marks of ours: a PM's own notes stay)."""
        refused = {(r.row, r.field): r for r in merge.refused if r.row is not None}
        for row in self.view.suggestions:
            if row.row is None:
                continue
            for column in self.given.table.suggestions:
                if column.owner is not Owner.PM:
                    continue
                self._mark(row.row, column.key, refused.get((row.row, column.key)))

    def _mark(self, row: int, name: str, refusal: Refusal | None) -> None:
        position = (row, self.geometry.field_column(name))
        cell = self.tab.cell(*position) if self.tab is not None else None
        ours = cell is not None and (cell.note or "").startswith(REFUSED_NOTE_PREFIX)
        if refusal is None and not ours:
            return
        note = refused_note(refusal, self.given.table.suggestion(name).label) if refusal else None
        spec = self.wanted.get(position)
        self.wanted[position] = CellSpec(
            spec.value if spec is not None else None,
            note=note,
            background=REFUSED_COLOUR if refusal else PM_SHADE,
            fields=(spec.fields if spec is not None else frozenset())
            | {CellField.NOTE, CellField.BACKGROUND},
        )

    def _expected(self, merge: MergeResult) -> dict[str, dict[str, str]]:
        """What every suggestion row shows once this plan is applied: its texts now, or what push writes."""
        written = {u.suggestion_id: u.cells for u in merge.updates}
        return {
            row.truth_id: {
                **row.truth,
                **{k: v for k, v in written.get(row.truth_id, {}).items() if k != "id"},
            }
            for row in self.view.suggestions
            if row.truth_id and row.row is not None
        }

    # ------------------------------------------------------------------------------------ tool-owned cells

    def _tool_owned_cells(self) -> dict[Position, CellSpec]:
        cells: dict[Position, CellSpec] = {}
        header = self.geometry.header_row
        cells.update(header_row_specs(self.geometry))
        if header >= 1 and (header - 1, 0) not in cells:
            cells[(header - 1, 0)] = instruction_spec()
        values = header_block_values(self.given.module)
        for index, label in enumerate(HEADER_BLOCK):
            row, column = self.view.block_cells.get(label, (index, 0))
            if row != header and (row, column) not in cells:
                cells[(row, column)] = label_spec(label)
                cells[(row, column + 1)] = values[label]
        for row, experiment in self._experiment_placements():
            cells.update(self._experiment_row(row, experiment))
        return cells

    def _experiment_row(self, row: int, experiment: Experiment | None) -> dict[Position, CellSpec]:
        labels = self.geometry.experiment_labels
        if experiment is None:
            specs = {label: empty_experiment_spec() for label in labels}
        else:
            specs = experiment_specs(experiment, labels, self.given.table)
        return {(row, self.geometry.column(label)): spec for label, spec in specs.items()}

    def _experiment_placements(self) -> list[tuple[int, Experiment | None]]:
        """Rows by experiment id (a PM's sort is kept); new experiments fill unusable rows, then the end."""
        experiments = sorted(self.given.module.experiments, key=Experiment.sort_key)
        wanted = {e.id: e for e in experiments}
        placed: dict[str, int] = {}
        free: list[int] = []
        for row in self.view.experiments:
            if row.id_text in wanted and row.id_text not in placed:
                placed[row.id_text] = row.row
            elif row.row > self.geometry.header_row:
                free.append(row.row)  # above the header row only known ids count (a sort moved them there)
        result: list[tuple[int, Experiment | None]] = [
            (placed[e.id], e) for e in experiments if e.id in placed
        ]
        next_row = self.view.experiments_end if self.view.geometry else self.geometry.header_row + 1
        for experiment in (e for e in experiments if e.id not in placed):
            if free:
                result.append((free.pop(0), experiment))
            else:
                result.append((next_row, experiment))
                next_row += 1
        return result + [(row, None) for row in free]

    def _new_experiment_rows(self) -> int:
        if not self.push:
            return 0
        shown = {row.id_text for row in self.view.experiments}
        return sum(1 for e in self.given.module.experiments if e.id not in shown)

    def _digest(self) -> str:
        """Fingerprint of the tool-owned content (by experiment id, not by row, so a PM's sort does not count)."""
        labels = self.geometry.experiment_labels
        table = self.given.table
        rows = {
            e.id: {
                lab: [s.value, s.number_format, s.link]
                for lab, s in experiment_specs(e, labels, table).items()
            }
            for e in self.given.module.experiments
        }
        block = {label: spec.value for label, spec in header_block_values(self.given.module).items()}
        order = sorted(self.geometry.columns, key=self.geometry.columns.__getitem__)
        # The header notes, shades and instruction line are in it too, so a tab an older release wrote does not
        # report them as "PM edits reverted" when push first adds them.
        header = [
            [spec.value, spec.note, spec.background]
            for _, spec in sorted(header_row_specs(self.geometry).items())
        ]
        return digest(
            {"experiments": rows, "block": block, "labels": order, "header": header, "line": INSTRUCTION}
        )

    # ------------------------------------------------------------------------------------ suggestions

    def _suggestion_cells(self, merge: MergeResult) -> int:
        """Cells of the rows the merge wants written; returns how many rows are appended."""
        next_row = self.view.suggestions_end if self.view.geometry else self.geometry.suggestions_header + 1
        appended = 0
        for update in merge.updates:
            placed = update.row.row if update.row is not None else None
            row = next_row if placed is None else placed
            next_row += placed is None
            appended += placed is None
            cells = tuple(
                (self.given.table.suggestion(name).label, self._text(update.suggestion_id, name, text))
                for name, text in update.cells.items()
                if name in self._table_fields
            )
            for label, value in cells:
                self.wanted[(row, self.geometry.column(label))] = CellSpec(value)
                # Sent even when the cell already holds it: every field of a row push writes is written, so a
                # row that moved under the write never keeps a field of the row that was there.
                self.forced.add((row, self.geometry.column(label)))
            self.row_writes.append(
                RowWrite(self.sheet_id, row, update.suggestion_id, placed, cells, update.whole_row)
            )
        return appended

    @property
    def _table_fields(self) -> set[str]:
        """Fields the layout has a column for (an older layout may lack one)."""
        return {c.key for c in self.given.table.suggestions}

    def _text(self, suggestion_id: str, name: str, text: str) -> str | None:
        try:
            value = text_value(pm_cell_text(text))
        except CellTextTooLongError as exc:
            module_id = self.given.module.module_id
            raise DataError(
                f"{name} of suggestion {suggestion_id} is {exc}; shorten it",
                path=f"modules/{module_id}.json",
                json_path=f"suggestions[id={suggestion_id}].{name}",
            ) from None
        return value if value is None else str(value)

    # ------------------------------------------------------------------------------------ grid and rules

    def _grid_size(self) -> tuple[int, int]:
        """Rows and columns used plus a small margin; an existing grid only grows."""
        used = [row for row, _ in self.wanted]
        if self.tab is not None:
            used += [row for row, _, _ in self.tab.valued_cells()]
        rows_needed = max(used + [self.geometry.header_row + 1]) + 1
        columns_needed = self.geometry.last_column + 1
        current_rows = self.tab.row_count if self.tab else 0
        current_columns = self.tab.column_count if self.tab else 0
        rows = current_rows if current_rows >= rows_needed else rows_needed + ROW_MARGIN
        columns = current_columns if current_columns >= columns_needed else columns_needed + COLUMN_MARGIN
        return rows, columns

    def _grid_ops(self, rows: int, columns: int) -> list[Op]:
        if self.tab is None:
            return []
        # Frozen rows follow the header row, unless a sort took it far down (freezing half the tab helps nobody).
        frozen = self.geometry.header_row + 1 if self.geometry.header_row <= MAX_FROZEN_HEADER_ROW else None
        change = UpdateTab(
            self.sheet_id,
            columns=columns if columns != self.tab.column_count else None,
            frozen_rows=frozen if frozen is not None and frozen != self.tab.frozen_rows else None,
        )
        ops: list[Op] = [change] if (change.columns, change.frozen_rows) != (None, None) else []
        # Rows are appended (a relative request), never set: rows a PM inserted meanwhile stay.
        if rows > self.tab.row_count:
            ops.append(AppendRows(self.sheet_id, rows - self.tab.row_count))
        return ops

    def _width_ops(self) -> list[Op]:
        """Widths for a new tab and for inserted columns only: a PM's resized columns stay as they are."""
        inserted = self.upgrade.inserted_columns if self.upgrade is not None else set()
        wanted = {c: w for c, w in column_widths(self.geometry).items() if self.tab is None or c in inserted}
        return width_ops(self.sheet_id, wanted)

    def _protection_ops(self) -> list[Op]:
        return protection_ops(self.tab, module_protection(self.sheet_id, self.geometry))

    def _dropdown_ops(self, rows: int) -> list[Op]:
        ops: list[Op] = []
        for grid_range, dropdown in dropdown_ranges(self.sheet_id, self.geometry, self.given.module):
            column = grid_range.start_column
            end = grid_range.end_row or rows
            cells = (
                (self.tab.cell(row, column) for row in range(grid_range.start_row, end)) if self.tab else None
            )
            if cells is None or any(cell.dropdown != dropdown for cell in cells):
                ops.append(SetDropdown(grid_range, dropdown))
        return ops

    def _unmerge_ops(self) -> list[Op]:
        """Merges over the suggestions table's rows hide PM text and stop Sheets sorting the table: undone."""
        if self.tab is None or not self.tab.merges:
            return []
        columns = [self.geometry.column(c.label) for c in self.given.table.suggestions]
        first, last = min(columns), max(columns)
        below = self.geometry.suggestions_header + 1
        return [
            UnmergeCells(merge)
            for merge in self.tab.merges
            if (merge.end_column is None or merge.end_column > first)
            and merge.start_column <= last
            and (merge.end_row is None or merge.end_row > below)
        ]

    def _cells_in(self, grid_range: GridRange, rows: int) -> list[Cell] | None:
        """The tab's cells in the range's columns, from its first row to ``rows``; None for a tab not there yet."""
        if self.tab is None:
            return None
        return [
            self.tab.cell(row, column)
            for row in range(grid_range.start_row, rows)
            for column in range(grid_range.start_column, grid_range.end_column or 0)
        ]

    def _shade_ops(self, rows: int) -> list[Op]:
        """The PM columns' own background (the shade, or a refused mark's red); re-applied where a cell lacks it
        (a new tab, rows added, a tab an older release wrote, a PM's paste of another format)."""
        ops: list[Op] = []
        kept = {PM_SHADE, REFUSED_COLOUR}
        for grid_range in pm_column_ranges(self.sheet_id, self.geometry):
            cells = self._cells_in(grid_range, rows)
            if cells is None or any(cell.background not in kept for cell in cells):
                ops.append(SetBackground(grid_range, PM_SHADE))
        return ops

    def _plain_text_ops(self, rows: int) -> list[Op]:
        ops: list[Op] = []
        for grid_range in plain_text_ranges(self.sheet_id, self.geometry):
            cells = self._cells_in(grid_range, rows)
            if cells is None or any(cell.number_format != PLAIN_TEXT_FORMAT for cell in cells):
                ops.append(SetNumberFormat(grid_range, PLAIN_TEXT_FORMAT))
        return ops


def refused_note(refusal: Refusal, label: str) -> str:
    allowed = ", ".join(refusal.allowed) or "none yet"
    return (
        f"{REFUSED_NOTE_PREFIX}{refusal.value!r} is not a {label} sheets-sync can take; allowed: {allowed}. "
        "Fix the value and the next push removes this note."
    )


def pm_cell_text(text: str) -> str:
    """The text push writes for a PM text field: a text starting with ``'`` gets one more ``'`` in front, since
    the reader drops one (a ``'`` a PM types is Sheets' "this is text" mark, not part of the text)."""
    return f"'{text}" if text.startswith("'") else text


def column_letters(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def protection_ops(tab: TabSnapshot | None, wanted: Protection) -> list[Op]:
    """Exactly one protection of ours per tab: kept when it is already the wanted one, else replaced."""
    ours = [p for p in tab.protections if p.ours] if tab is not None else []
    if len(ours) == 1 and ours[0].same_as(wanted):
        return []
    deletes: list[Op] = [
        DeleteProtection(wanted.range.sheet_id, p.protected_range_id)
        for p in ours
        if p.protected_range_id is not None
    ]
    return deletes + [AddProtection(wanted)]


def width_ops(sheet_id: int, widths: Mapping[int, int]) -> list[Op]:
    """One request per run of neighbouring columns of the same width."""
    ops: list[SetColumnWidths] = []
    for column, pixels in sorted(widths.items()):
        last = ops[-1] if ops else None
        if last is not None and last.end == column and last.pixels == pixels:
            ops[-1] = SetColumnWidths(sheet_id, last.start, column + 1, pixels)
        else:
            ops.append(SetColumnWidths(sheet_id, column, column + 1, pixels))
    return list(ops)

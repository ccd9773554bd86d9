"""Planning one module tab: its header block, experiments table, suggestions table, grid and rules. Pure.

Push makes the tab show the local data in every tool-owned cell (header block, header row, experiments, suggestion
ids) and writes the PM fields the merge decided; pull writes nothing but suggestion ids. Experiments are matched by
id: a PM's sort is kept, new experiments are appended, rows that show no known experiment are cleared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sheets_sync.errors import DataError
from sheets_sync.models import Experiment, Module
from sheets_sync.sync.base import FieldTexts, digest
from sheets_sync.sync.cells import Position, changed_cells, group_cells, shift_columns, shift_recovery
from sheets_sync.sync.codec import CellTextTooLongError, text_value
from sheets_sync.sync.layout import (
    COLUMN_MARGIN,
    FIELD_LABEL,
    HEADER_BLOCK,
    ROW_MARGIN,
    TabGeometry,
    canonical_geometry,
    column_widths,
    dropdown_ranges,
    empty_experiment_spec,
    experiment_specs,
    header_block_values,
    header_row_specs,
    label_spec,
    module_protection,
    module_rubrics,
    with_rubrics,
)
from sheets_sync.sync.merge import Direction, MergeOptions, MergeResult, merge_module
from sheets_sync.sync.ops import (
    AddProtection,
    CellSpec,
    DeleteProtection,
    InsertColumns,
    Op,
    RowWrite,
    SetColumnWidths,
    SetDropdown,
    UpdateTab,
    WriteCells,
)
from sheets_sync.sync.snapshot import Protection, Recovery, TabSnapshot
from sheets_sync.sync.tabs import ModuleTabView, read_module_tab


@dataclass(frozen=True)
class ModuleTabInput:
    """Everything the plan of one module tab depends on."""

    module: Module
    tab: TabSnapshot | None
    sheet_id: int
    base_suggestions: Mapping[str, FieldTexts]
    base_digest: str | None
    recovery: Recovery = field(default_factory=Recovery)


@dataclass
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


def plan_module_tab(given: ModuleTabInput, options: MergeOptions) -> ModuleTabPlan:
    """Plan one module tab in the given direction."""
    push = options.direction is Direction.PUSH
    tab, recovery = given.tab, given.recovery
    structure: list[Op] = []
    view = read_module_tab(tab, recovery) if tab is not None else ModuleTabView(None)
    geometry = view.geometry or canonical_geometry(module_rubrics(given.module))
    if push and tab is not None and view.geometry is not None:
        geometry, at, count = with_rubrics(view.geometry, module_rubrics(given.module))
        if count:
            structure.append(InsertColumns(given.sheet_id, at, count))
            tab, recovery = shift_columns(tab, at, count), shift_recovery(recovery, given.sheet_id, at, count)
            view = read_module_tab(tab, recovery)
    return _ModulePlanner(given, options, tab, view, geometry, structure).plan()


@dataclass
class _ModulePlanner:
    given: ModuleTabInput
    options: MergeOptions
    tab: TabSnapshot | None
    view: ModuleTabView
    geometry: TabGeometry
    structure: list[Op]
    wanted: dict[Position, CellSpec] = field(default_factory=dict)
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
        tool_edits = len(changed_cells(self.tab, tool_cells)) if unchanged_locally else 0
        if self.push:
            self.wanted.update(tool_cells)
        merge = merge_module(
            self.given.module, self.view.suggestions, self.given.base_suggestions, self.options
        )
        rows_added = self._suggestion_cells(merge) + self._new_experiment_rows()
        changed = changed_cells(self.tab, self.wanted)
        rows, columns = self._grid_size()
        plan = ModuleTabPlan(
            [],
            group_cells(self.sheet_id, changed),
            [],
            self.row_writes,
            merge,
            tab_digest,
            len(changed),
            rows_added,
            tool_edits,
            rows,
            columns,
            self.geometry.header_row + 1,
        )
        if self.push:
            plan.ops = self.structure + self._grid_ops(rows, columns)
            plan.rule_ops = self._width_ops() + self._protection_ops() + self._dropdown_ops(rows)
        return plan

    # ------------------------------------------------------------------------------------ tool-owned cells

    def _tool_owned_cells(self) -> dict[Position, CellSpec]:
        cells: dict[Position, CellSpec] = {}
        header = self.geometry.header_row
        cells.update({(header, column): spec for column, spec in header_row_specs(self.geometry).items()})
        values = header_block_values(self.given.module)
        for index, label in enumerate(HEADER_BLOCK):
            row, column = self.view.block_cells.get(label, (index, 0))
            if row < header:
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
            specs = experiment_specs(experiment, labels)
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
            else:
                free.append(row.row)
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
        rows = {
            e.id: {lab: [s.value, s.number_format, s.link] for lab, s in experiment_specs(e, labels).items()}
            for e in self.given.module.experiments
        }
        block = {label: spec.value for label, spec in header_block_values(self.given.module).items()}
        return digest({"experiments": rows, "block": block, "labels": sorted(self.geometry.columns)})

    # ------------------------------------------------------------------------------------ suggestions

    def _suggestion_cells(self, merge: MergeResult) -> int:
        """Cells of the rows the merge wants written; returns how many rows are appended."""
        next_row = self.view.suggestions_end if self.view.geometry else self.geometry.header_row + 1
        appended = 0
        for update in merge.updates:
            placed = update.row.row if update.row is not None else None
            row = next_row if placed is None else placed
            next_row += placed is None
            appended += placed is None
            cells = tuple(
                (FIELD_LABEL[name], self._text(update.suggestion_id, name, text))
                for name, text in update.cells.items()
            )
            for label, value in cells:
                self.wanted[(row, self.geometry.column(label))] = CellSpec(value)
            self.row_writes.append(
                RowWrite(self.sheet_id, row, update.suggestion_id, placed, cells, update.whole_row)
            )
        return appended

    def _text(self, suggestion_id: str, name: str, text: str) -> str | None:
        try:
            value = text_value(text)
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
        frozen = self.geometry.header_row + 1
        change = UpdateTab(
            self.sheet_id,
            rows=rows if rows != self.tab.row_count else None,
            columns=columns if columns != self.tab.column_count else None,
            frozen_rows=frozen if frozen != self.tab.frozen_rows else None,
        )
        return [change] if (change.rows, change.columns, change.frozen_rows) != (None, None, None) else []

    def _width_ops(self) -> list[Op]:
        """Widths for a new tab and for inserted columns only: a PM's resized columns stay as they are."""
        inserted = {
            c
            for op in self.structure
            if isinstance(op, InsertColumns)
            for c in range(op.at, op.at + op.count)
        }
        wanted = {c: w for c, w in column_widths(self.geometry).items() if self.tab is None or c in inserted}
        return width_ops(self.sheet_id, wanted)

    def _protection_ops(self) -> list[Op]:
        return protection_ops(self.tab, module_protection(self.sheet_id, self.geometry))

    def _dropdown_ops(self, rows: int) -> list[Op]:
        ops: list[Op] = []
        for grid_range, dropdown in dropdown_ranges(self.sheet_id, self.geometry, rows):
            column = grid_range.start_column
            end = grid_range.end_row or rows
            cells = (
                (self.tab.cell(row, column) for row in range(grid_range.start_row, end)) if self.tab else None
            )
            if cells is None or any(cell.dropdown != dropdown for cell in cells):
                ops.append(SetDropdown(grid_range, dropdown))
        return ops


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

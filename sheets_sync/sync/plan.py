"""The pure planner: (local modules, sheet snapshot, base snapshot) -> Plan. No I/O.

:func:`plan_push` decides every write that makes the workbook show the local data (creating the Heatmap and module
tabs, restoring tool-owned cells, writing PM fields changed only locally) and :func:`plan_pull` every change that
brings PM edits into the modules (plus the ids of PMs' new suggestion rows, the only cells pull writes). Both return
the base snapshot as it will be once the plan is applied, so the engine only has to apply and save.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sheets_sync.errors import DataError, WorkbookLayoutError
from sheets_sync.models import Module
from sheets_sync.sync.base import Base, digest
from sheets_sync.sync.cells import changed_cells, group_cells
from sheets_sync.sync.clone_plan import ClonePlan
from sheets_sync.sync.codec import MAX_CELL_CHARS
from sheets_sync.sync.columns import MODULE_COLUMNS, ColumnTable
from sheets_sync.sync.copies import adopt_renamed_copies, report_copies
from sheets_sync.sync.layout import (
    COLOUR_POINTS,
    GRID_CELL_LIMIT,
    HEATMAP_FIELDS,
    HEATMAP_TITLE,
    PM_FIELDS,
    HeatmapLayout,
    heatmap_layout,
    heatmap_protection,
)
from sheets_sync.sync.merge import Conflict, Direction, MergeOptions, Prefer, canonical_texts
from sheets_sync.sync.module_plan import (
    ModuleTabInput,
    ModuleTabPlan,
    plan_module_tab,
    protection_ops,
    width_ops,
)
from sheets_sync.sync.notes import Notes
from sheets_sync.sync.ops import (
    AddColourScale,
    AddTab,
    CellSpec,
    DeleteConditionalRule,
    DeleteTab,
    Op,
    RowWrite,
    UpdateTab,
    WriteCells,
)
from sheets_sync.sync.settled import Settled, nothing_settled
from sheets_sync.sync.snapshot import ColourScale, SheetSnapshot, TabSnapshot
from sheets_sync.sync.tabs import (
    HEATMAP_KEY,
    TabLayoutProblem,
    TabMap,
    map_tabs,
    new_sheet_id,
    read_module_tab,
)
from sheets_sync.versions import natural_key

DEFAULT_TAB = "Sheet1"
# A new spreadsheet's first tab has sheetId 0, a 1000 x 26 grid and a localised title: "Sheet1", "Feuille 1",
# "Hoja 1", "Tabellenblatt1", "シート1"... (letters, an optional space, then 1).
_DEFAULT_TAB_TITLE = re.compile(r"[^\W\d_]+ ?1")


@dataclass(frozen=True)
class PlanOptions:
    """What the user asked for: conflict resolution, accepting rows deleted in the sheet, deleting old tabs."""

    prefer: Prefer | None = None
    accept_deletions: bool = False
    delete_removed_tabs: bool = False
    table: ColumnTable = MODULE_COLUMNS
    """The module tab's layout (the current one; another in tests of layout upgrades)."""


@dataclass(frozen=True)
class TabSummary:
    """Per tab: cells written, rows added, whether the tab is added or deleted, PM edits of tool cells found."""

    title: str
    cells: int = 0
    rows_added: int = 0
    new: bool = False
    deleted: bool = False
    tool_edits: int = 0


@dataclass(kw_only=True)
class Plan:
    """Writes to the workbook (in order), local modules to save, the base to save, and the report."""

    direction: Direction
    base: Base
    ops: list[Op] = field(default_factory=list)
    row_writes: list[RowWrite] = field(default_factory=list)
    tabs: list[TabSummary] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    modules: dict[str, Module] = field(default_factory=dict)
    notes: Notes = field(default_factory=Notes)
    expected: dict[int, dict[str, dict[str, str]]] = field(default_factory=dict)
    """Per sheetId, the texts every suggestion must show after the plan (tabs whose layout upgrade moved PM text)."""
    settled: dict[str, str] = field(default_factory=dict)
    """Tabs this plan found with nothing to do (text digest -> key), for the next sync (sheets_sync.sync.settled)."""

    @property
    def has_writes(self) -> bool:
        return bool(self.ops)

    @property
    def partial(self) -> bool:
        """Values refused or tabs skipped: everything else was applied (exit 5)."""
        return bool(self.notes.refused or self.notes.skipped_tabs or self.notes.copy_edits)

    @property
    def cells_written(self) -> int:
        return sum(op.cell_count for op in self.ops if isinstance(op, WriteCells))


# ---------------------------------------------------------------------------------------------- push


def plan_push(
    local: Mapping[str, Module],
    sheet: SheetSnapshot,
    base: Base,
    options: PlanOptions = PlanOptions(),
    settled: Settled | None = None,
) -> Plan:
    """Everything a push writes so the workbook shows the local data (see the module docstring). Tabs that
    ``settled`` knows ended the last push with nothing to do, and are unchanged since, are not planned again."""
    return _PushPlanner(local, sheet, base, options, settled or nothing_settled()).plan()


@dataclass
class _PushPlanner:
    local: Mapping[str, Module]
    sheet: SheetSnapshot
    base: Base
    options: PlanOptions
    settled: Settled = field(default_factory=nothing_settled)

    def plan(self) -> Plan:
        tabs = map_tabs(self.sheet, self.base.module_tabs, self.base.heatmap_sheet_id, self._keys())
        taken = {tab.sheet_id for tab in self.sheet.tabs}
        new_base = Base(spreadsheet_id=self.base.spreadsheet_id)
        new_base.tombstones = {m: list(ids) for m, ids in self.base.tombstones.items()}
        plan = Plan(direction=Direction.PUSH, base=new_base)
        tabs = _copies(self.sheet, tabs, self.local, self.base, plan)
        adds, body = self._heatmap(tabs, taken, plan)
        for module_id in sorted(self.local, key=natural_key):
            add, ops = self._module(module_id, tabs, taken, plan)
            adds += add
            body += ops
        deletes = self._deletes(tabs, plan)
        plan.ops = adds + body + deletes
        self._check_cell_limit(plan)
        plan.settled = self.settled.found
        return plan

    def _keys(self) -> list[str]:
        return sorted(set(self.local) | set(self.base.module_tabs), key=natural_key)

    # ------------------------------------------------------------------------------------ tabs

    def _sheet_id_for(
        self, key: str, title: str, existing: TabSnapshot | None, tabs: TabMap, taken: set[int]
    ) -> int:
        """The tab's sheetId: its existing one, or a new one once its title is known to be free."""
        if existing is not None:
            return existing.sheet_id
        _check_title_free(self.sheet, title, key, tabs)
        sheet_id = new_sheet_id(key, taken)
        taken.add(sheet_id)
        return sheet_id

    def _module(self, module_id: str, tabs: TabMap, taken: set[int], plan: Plan) -> tuple[list[Op], list[Op]]:
        tab = tabs.modules.get(module_id)
        try:
            sheet_id = self._sheet_id_for(module_id, module_id, tab, tabs, taken)
        except (
            WorkbookLayoutError
        ) as problem:  # a foreign tab holds the title: never overwritten, this module waits
            plan.notes.skipped_tabs.append(f"{problem}")
            _keep_base(plan, self.base, module_id)
            return [], []
        key = self.settled.module_key(module_id, tab, self.base)
        if tab is not None and self.settled.is_settled(key, tab):
            _keep_settled(plan, self.base, module_id, tab)
            self.settled.settle(key, tab)
            return [], []
        # Before any write (planning ends before the first one): a settled tab's module passed it when settled.
        check_cell_texts(self.local[module_id])
        clones = ClonePlan.before(
            self.local[module_id], tab, sheet_id, self.sheet, self.base, self.options.prefer
        )
        given = ModuleTabInput(
            clones.team.module,
            tab,
            sheet_id,
            clones.base_suggestions,
            self.base.digests.get(module_id),
            self.sheet.recovery,
            self.options.table,
        )
        try:
            tab_plan = plan_module_tab(
                given, clones.merge_options(_merge_options(Direction.PUSH, self.options))
            )
        except TabLayoutProblem as problem:
            _skip(plan, self.base, module_id, sheet_id, problem)
            return [], []
        _record(plan, module_id, tab.title if tab else module_id, tab is None, tab_plan)
        tombstone_ops = clones.after(plan, tab_plan.merge, push=True)
        if tab_plan.expected:
            plan.expected[sheet_id] = tab_plan.expected
        plan.base.module_tabs[module_id] = sheet_id
        plan.base.digests[module_id] = tab_plan.digest
        add: list[Op] = []
        if tab is None:
            add.append(
                AddTab(sheet_id, module_id, tab_plan.rows, tab_plan.columns, None, tab_plan.frozen_rows)
            )
        ops = tab_plan.ops + tab_plan.cell_ops + tab_plan.rule_ops + tombstone_ops
        if not ops and _idle(tab_plan) and _base_kept(plan, self.base, module_id):
            self.settled.settle(key, tab)
        return add, ops

    def _heatmap(self, tabs: TabMap, taken: set[int], plan: Plan) -> tuple[list[Op], list[Op]]:
        tab = tabs.heatmap
        sheet_id = self._sheet_id_for(HEATMAP_KEY, HEATMAP_TITLE, tab, tabs, taken)
        key = self.settled.heatmap_key(tab, self.base, HEATMAP_KEY)
        if tab is not None and self.settled.is_settled(key, tab):
            plan.tabs.append(TabSummary(tab.title))
            plan.base.heatmap_sheet_id = sheet_id
            if HEATMAP_KEY in self.base.digests:
                plan.base.digests[HEATMAP_KEY] = self.base.digests[HEATMAP_KEY]
            self.settled.settle(key, tab)
            return [], []
        layout = heatmap_layout(self.local)
        wanted = dict(layout.cells) | _stale_heatmap_cells(tab, layout)
        changed = changed_cells(tab, wanted)
        tab_digest = digest({f"{r},{c}": [s.value, s.note] for (r, c), s in sorted(layout.cells.items())})
        edits = len(changed) if tab is not None and tab_digest == self.base.digests.get(HEATMAP_KEY) else 0
        plan.tabs.append(
            TabSummary(tab.title if tab else HEATMAP_TITLE, len(changed), 0, tab is None, False, edits)
        )
        plan.base.heatmap_sheet_id = sheet_id
        plan.base.digests[HEATMAP_KEY] = tab_digest
        rows, columns = _grown(tab, layout.rows, layout.columns)
        add: list[Op] = (
            [AddTab(sheet_id, HEATMAP_TITLE, rows, columns, 0, layout.frozen_rows, 2)] if tab is None else []
        )
        body = _heatmap_grid_ops(tab, rows, columns, layout.frozen_rows) + list(
            group_cells(sheet_id, changed)
        )
        body += _heatmap_widths(sheet_id, tab, layout) + protection_ops(tab, heatmap_protection(sheet_id))
        body += colour_scale_ops(sheet_id, tab, layout.colour_scale(sheet_id))
        unchanged = (sheet_id, tab_digest) == (self.base.heatmap_sheet_id, self.base.digests.get(HEATMAP_KEY))
        if not add and not body and not edits and unchanged:
            self.settled.settle(key, tab)
        return add, body

    def _deletes(self, tabs: TabMap, plan: Plan) -> list[Op]:
        """Drop an empty default Sheet1; keep (or, when asked, delete) the tabs of modules removed locally."""
        ops: list[Op] = []
        ours = tabs.ours()
        for tab in self.sheet.tabs:
            if _is_default_tab(tab) and tab.sheet_id not in ours and _untouched(tab):
                ops.append(DeleteTab(tab.sheet_id, tab.title))
                plan.tabs.append(TabSummary(tab.title, deleted=True))
        for module_id, tab in tabs.modules.items():
            if module_id in self.local:
                continue
            plan.notes.removed_modules.append(module_id)
            conflicts = removed_module_conflicts(module_id, tab, self.base)
            if conflicts and self.options.prefer is not Prefer.LOCAL:
                plan.conflicts += [] if self.options.prefer is Prefer.SHEET else conflicts
                plan.base.module_tabs[module_id] = tab.sheet_id
                plan.base.suggestions[module_id] = dict(self.base.suggestions.get(module_id, {}))
                continue
            if self.options.delete_removed_tabs:
                ops.append(DeleteTab(tab.sheet_id, tab.title))
                plan.notes.removed_tabs_deleted.append(module_id)
                plan.tabs.append(TabSummary(tab.title, deleted=True))
            else:
                plan.base.module_tabs[module_id] = tab.sheet_id
                plan.base.suggestions[module_id] = dict(self.base.suggestions.get(module_id, {}))
        return ops

    def _check_cell_limit(self, plan: Plan) -> None:
        """Fail before writing anything when the grid would pass Google's 10,000,000-cell limit."""
        total = _cells_after(self.sheet, plan.ops)
        if total > GRID_CELL_LIMIT:
            raise WorkbookLayoutError(
                f"this push would make the workbook {total:,} cells, more than Google's limit of "
                f"{GRID_CELL_LIMIT:,}; nothing was written. Delete unused tabs or rows (Sheet > Delete), or split "
                "the modules over two spreadsheets"
            )


def removed_module_conflicts(module_id: str, tab: TabSnapshot, base: Base) -> list[Conflict]:
    """A module deleted locally whose tab holds PM edits not yet pulled (rows edited or added since the last
    sync): one conflict per row, so the deletion never silently throws them away. ``--prefer local`` deletes."""
    known = base.suggestions.get(module_id, {})
    try:
        rows = read_module_tab(tab).suggestions
    except TabLayoutProblem:
        return [Conflict(module_id, "(tab)", "(module)", "(present)", "(deleted)", "(unreadable tab)")]
    conflicts = []
    for row in rows:
        if row.blank:
            continue
        agreed = known.get(row.truth_id)
        if agreed is not None and canonical_texts(row.truth) == canonical_texts(agreed):
            continue
        name = row.truth_id or f"new row {row.row + 1 if row.row is not None else '?'}"
        conflicts.append(Conflict(module_id, name, "(module)", "(present)", "(deleted)", "(edited)"))
    return conflicts


def check_cell_texts(module: Module) -> None:
    """Refuse, before anything is written, any text of the module longer than a cell holds (never truncate)."""
    for json_path, text in _cell_texts(module):
        if text is not None and len(text) > MAX_CELL_CHARS:
            raise DataError(
                f"{len(text):,} characters, more than the {MAX_CELL_CHARS:,} a Google Sheets cell holds; shorten "
                "it (nothing was written)",
                path=f"modules/{module.module_id}.json",
                json_path=json_path,
            )


def _cell_texts(module: Module) -> Iterable[tuple[str, str | None]]:
    """Every text of a module that push writes into a cell, with its JSON path (suggestions by id)."""
    yield "module_name", module.module_name
    yield "description", module.description
    yield "primary_rubric", module.primary_rubric
    for index, experiment in enumerate(module.experiments):
        for name in ("id", "prompt_version", "dataset_version", "model"):
            yield f"experiments[{index}].{name}", getattr(experiment, name)
    for suggestion in module.suggestions:
        for name in ("id", *PM_FIELDS):
            yield f"suggestions[id={suggestion.id}].{name}", getattr(suggestion, name)


def _check_title_free(sheet: SheetSnapshot, title: str, key: str, tabs: TabMap) -> None:
    """A tab sheets-sync wants to add must not take a title in use: never overwrite a tab it did not make."""
    existing = sheet.by_title(title)
    if existing is None:
        return
    owner = tabs.owner_of(existing.sheet_id)
    if owner is not None or (tabs.heatmap is not None and tabs.heatmap.sheet_id == existing.sheet_id):
        what = f"module {owner}'s tab" if owner else "the Heatmap tab"
        raise WorkbookLayoutError(
            f"tab {existing.title!r} is {what}, renamed; rename it so that {key!r} can have its tab, then push again"
        )
    raise WorkbookLayoutError(
        f"the workbook has a tab named {existing.title!r} that sheets-sync did not make; sheets-sync never "
        "overwrites it: rename or delete that tab, then push again"
    )


def _skip(plan: Plan, base: Base, module_id: str, sheet_id: int, problem: TabLayoutProblem) -> None:
    """A tab that cannot be read safely: nothing of it is written or taken, its base stays as it was."""
    plan.notes.skipped_tabs.append(f"{problem}")
    plan.base.module_tabs[module_id] = sheet_id
    _keep_base(plan, base, module_id)


def _keep_settled(plan: Plan, base: Base, module_id: str, tab: TabSnapshot) -> None:
    """A tab not planned again (sheets_sync.sync.settled): it is reported, and its base entry stays as it was."""
    plan.tabs.append(TabSummary(tab.title))
    plan.base.module_tabs[module_id] = tab.sheet_id
    _keep_base(plan, base, module_id)


def _idle(tab_plan: ModuleTabPlan) -> bool:
    """Nothing to write, report or verify for the tab (its ops are the caller's to check)."""
    merge = tab_plan.merge
    return (
        tab_plan.cells_written == tab_plan.rows_added == tab_plan.tool_edits == 0
        and not tab_plan.row_writes
        and not tab_plan.expected
        and tab_plan.notes == Notes()
        and merge.notes == Notes()
        and not merge.conflicts
        and not merge.updates
        and not (merge.refused or merge.formulas or merge.merged)
    )


def _base_kept(plan: Plan, base: Base, module_id: str) -> bool:
    """The plan leaves the module's base entry and the module file as they were."""
    return (
        module_id not in plan.modules
        and plan.base.module_tabs.get(module_id) == base.module_tabs.get(module_id)
        and plan.base.digests.get(module_id) == base.digests.get(module_id)
        and (plan.base.suggestions.get(module_id) or {}) == (base.suggestions.get(module_id) or {})
        and plan.base.tombstones.get(module_id) == base.tombstones.get(module_id)
    )


def _keep_base(plan: Plan, base: Base, module_id: str) -> None:
    if module_id in base.module_tabs:
        plan.base.module_tabs.setdefault(module_id, base.module_tabs[module_id])
    if module_id in base.digests:
        plan.base.digests[module_id] = base.digests[module_id]
    plan.base.suggestions[module_id] = dict(base.suggestions.get(module_id, {}))


def _copies(
    sheet: SheetSnapshot, tabs: TabMap, local: Mapping[str, Module], base: Base, plan: Plan
) -> TabMap:
    """Adopt a renamed copy of a module's lost tab; report every other copy with its edits (sheets_sync.sync.copies)."""
    known = {  # only a module without a tab can adopt a copy (and reading only those parses no other module)
        module_id: {s.id for s in local[module_id].suggestions} | set(base.suggestions.get(module_id, {}))
        for module_id in local
        if module_id not in tabs.modules
    }
    tabs, adopted = adopt_renamed_copies(sheet, tabs, known)
    plan.notes.adopted_tabs += adopted
    copies = report_copies(sheet, tabs, base)
    plan.notes.copies += copies.lines
    plan.notes.copy_edits += copies.edits
    plan.base.copies = copies.baselines
    return tabs


def _record(plan: Plan, module_id: str, title: str, new: bool, tab_plan: ModuleTabPlan) -> None:
    merge = tab_plan.merge
    plan.notes.add(tab_plan.notes)
    plan.tabs.append(
        TabSummary(title, tab_plan.cells_written, tab_plan.rows_added, new, False, tab_plan.tool_edits)
    )
    plan.row_writes += tab_plan.row_writes
    plan.conflicts += merge.conflicts
    plan.base.suggestions[module_id] = merge.base
    plan.notes.add(merge.notes)


def _merge_options(direction: Direction, options: PlanOptions) -> MergeOptions:
    return MergeOptions(direction, options.prefer, options.accept_deletions)


def _is_default_tab(tab: TabSnapshot) -> bool:
    """The first tab of a new spreadsheet, in any language (a team's own tab keeps its place)."""
    if tab.title == DEFAULT_TAB:
        return True
    default_grid = (tab.sheet_id, tab.row_count, tab.column_count) == (0, 1000, 26)
    return default_grid and _DEFAULT_TAB_TITLE.fullmatch(tab.title) is not None


def _untouched(tab: TabSnapshot) -> bool:
    return not tab.has_values() and not tab.protections and not tab.conditional_rules


# ---------------------------------------------------------------------------------------------- heatmap helpers


def _stale_heatmap_cells(tab: TabSnapshot | None, layout: HeatmapLayout) -> dict[tuple[int, int], CellSpec]:
    """Cells the Heatmap no longer uses (a module or model removed) are cleared."""
    if tab is None:
        return {}
    clear = CellSpec(fields=HEATMAP_FIELDS)
    return {
        pos: clear
        for pos, cell in tab.cells.items()
        if pos not in layout.cells
        and (cell.value is not None or cell.note or cell.number_format or cell.bold)
    }


def _grown(tab: TabSnapshot | None, rows: int, columns: int) -> tuple[int, int]:
    if tab is None:
        return rows, columns
    return max(rows, tab.row_count), max(columns, tab.column_count)


def _heatmap_grid_ops(tab: TabSnapshot | None, rows: int, columns: int, frozen_rows: int) -> list[Op]:
    if tab is None:
        return []
    update = UpdateTab(
        tab.sheet_id,
        rows=rows if rows != tab.row_count else None,
        columns=columns if columns != tab.column_count else None,
        frozen_rows=frozen_rows if tab.frozen_rows != frozen_rows else None,
        frozen_columns=2 if tab.frozen_columns != 2 else None,
    )
    return [update] if update != UpdateTab(tab.sheet_id) else []


def _heatmap_widths(sheet_id: int, tab: TabSnapshot | None, layout: HeatmapLayout) -> list[Op]:
    """Widths for a new Heatmap and for its new columns; a PM's resizing is kept."""
    first_new = tab.column_count if tab is not None else 0
    return width_ops(sheet_id, {column: px for column, px in layout.widths().items() if column >= first_new})


def colour_scale_ops(sheet_id: int, tab: TabSnapshot | None, wanted: ColourScale | None) -> list[Op]:
    """Exactly one colour scale of ours: kept when it is already the wanted one, else replaced."""
    rules = tab.conditional_rules if tab is not None else ()
    ours = [i for i, rule in enumerate(rules) if isinstance(rule, ColourScale) and _is_ours(rule, wanted)]
    if wanted is not None and len(ours) == 1 and rules[ours[0]] == wanted:
        return []
    ops: list[Op] = [DeleteConditionalRule(sheet_id, index) for index in sorted(ours, reverse=True)]
    return ops + ([AddColourScale(sheet_id, wanted, 0)] if wanted is not None else [])


def _is_ours(rule: ColourScale, wanted: ColourScale | None) -> bool:
    return rule.points == COLOUR_POINTS or (wanted is not None and rule.points == wanted.points)


# ---------------------------------------------------------------------------------------------- grid size


def _cells_after(sheet: SheetSnapshot, ops: Iterable[Op]) -> int:
    """Cells in the workbook once ``ops`` are applied."""
    sizes = {tab.sheet_id: (tab.row_count, tab.column_count) for tab in sheet.tabs}
    for op in ops:
        if isinstance(op, AddTab):
            sizes[op.sheet_id] = (op.rows, op.columns)
        elif isinstance(op, DeleteTab):
            sizes.pop(op.sheet_id, None)
        elif isinstance(op, UpdateTab) and op.sheet_id in sizes:
            rows, columns = sizes[op.sheet_id]
            sizes[op.sheet_id] = (op.rows or rows, op.columns or columns)
    return sum(rows * columns for rows, columns in sizes.values())


# ---------------------------------------------------------------------------------------------- pull


def plan_pull(
    local: Mapping[str, Module],
    sheet: SheetSnapshot,
    base: Base,
    options: PlanOptions = PlanOptions(),
    settled: Settled | None = None,
) -> Plan:
    """Everything a pull changes: PM edits into the modules, ids into PMs' new rows (the only cells it writes).
    Tabs ``settled`` knows ended the last pull with nothing to bring in, and are unchanged since, are skipped."""
    settled = settled or nothing_settled()
    keys = sorted(set(local) | set(base.module_tabs), key=natural_key)
    tabs = map_tabs(sheet, base.module_tabs, base.heatmap_sheet_id, keys)
    new_base = base.model_copy(deep=True)
    plan = Plan(direction=Direction.PULL, base=new_base)
    tabs = _copies(sheet, tabs, local, base, plan)
    for module_id in sorted(local, key=natural_key):
        tab = tabs.modules.get(module_id)
        if tab is None:
            plan.notes.modules_without_tab.append(module_id)
            continue
        key = settled.module_key(module_id, tab, base)
        if settled.is_settled(key, tab):
            _keep_settled(plan, base, module_id, tab)
        elif not _pull_module(plan, local[module_id], tab, base, sheet, options):
            continue
        settled.settle(key, tab)
    plan.settled = settled.found
    plan.notes.removed_modules = [m for m in tabs.modules if m not in local]
    if options.prefer is None:
        for module_id in plan.notes.removed_modules:
            plan.conflicts += removed_module_conflicts(module_id, tabs.modules[module_id], base)
    return plan


def _pull_module(
    plan: Plan, module: Module, tab: TabSnapshot, base: Base, sheet: SheetSnapshot, options: PlanOptions
) -> bool:
    """Plan one module's pull; True when it found nothing to do (nothing to write, save or report)."""
    module_id = module.module_id
    clones = ClonePlan.before(module, tab, tab.sheet_id, sheet, base, options.prefer)
    given = ModuleTabInput(
        clones.team.module,
        tab,
        tab.sheet_id,
        clones.base_suggestions,
        base.digests.get(module_id),
        sheet.recovery,
        options.table,
    )
    try:
        tab_plan = plan_module_tab(given, clones.merge_options(_merge_options(Direction.PULL, options)))
    except TabLayoutProblem as problem:
        plan.notes.skipped_tabs.append(f"{problem}")
        return False
    _record(plan, module_id, tab.title, False, tab_plan)
    ops = tab_plan.cell_ops + clones.after(plan, tab_plan.merge, push=False)
    plan.ops += ops
    plan.base.module_tabs[module_id] = tab.sheet_id
    updated = module.model_copy(update={"suggestions": clones.suggestions_after(tab_plan.merge)})
    if updated.to_json_dict() != module.to_json_dict():
        plan.modules[module_id] = updated
        return False
    return not ops and _idle(tab_plan) and _base_kept(plan, base, module_id)

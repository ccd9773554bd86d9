"""How the planner applies the rules of :mod:`sheets_sync.sync.team` to one module tab: what the merge is given
before, and what goes into the plan after (renumbered ids, removed suggestions, the tab's deleted ids). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from sheets_sync.models import Module, Suggestion, suggestion_number
from sheets_sync.sync.base import Base, FieldTexts
from sheets_sync.sync.merge import MergeOptions, MergeResult, Prefer
from sheets_sync.sync.ops import Op
from sheets_sync.sync.snapshot import Recovery, SheetSnapshot, TabSnapshot
from sheets_sync.sync.tabs import SheetSuggestion, TabLayoutProblem, read_module_tab
from sheets_sync.sync.team import (
    TeamResult,
    by_number,
    new_tombstones,
    prepare_module,
    sheet_tombstones,
    tombstone_ops,
)

if TYPE_CHECKING:  # plan imports this module
    from sheets_sync.sync.plan import Plan


@dataclass(frozen=True)
class ClonePlan:
    module: Module
    sheet_id: int
    sheet: SheetSnapshot
    tab: TabSnapshot | None
    base_before: Mapping[str, FieldTexts]
    tombstones: frozenset[str]
    team: TeamResult
    base_suggestions: dict[str, FieldTexts]
    """The base the merge sees: without the suggestions held back as conflicts."""

    @classmethod
    def before(
        cls,
        module: Module,
        tab: TabSnapshot | None,
        sheet_id: int,
        sheet: SheetSnapshot,
        base: Base,
        prefer: Prefer | None,
    ) -> ClonePlan:
        module_id = module.module_id
        known = base.suggestions.get(module_id, {})
        tombstones = set(base.tombstones.get(module_id, [])) | sheet_tombstones(
            sheet, tab.sheet_id if tab else None
        )
        # the rows are only needed for an id this clone has not synced or one deleted elsewhere (parsing a tab
        # twice for every module of a no-op push would cost time for nothing)
        unsure = any(s.id not in known or s.id in tombstones for s in module.suggestions)
        rows = _rows(tab, sheet.recovery) if unsure else ()
        team = prepare_module(
            module, rows, known, tombstones, synced=module_id in base.module_tabs, prefer=prefer
        )
        held = {s.id for s in team.held}
        merge_base = {sid: dict(texts) for sid, texts in known.items() if sid not in held}
        return cls(module, sheet_id, sheet, tab, known, frozenset(tombstones), team, merge_base)

    @cached_property
    def rows(self) -> tuple[SheetSuggestion, ...]:
        return _rows(self.tab, self.sheet.recovery)

    def merge_options(self, options: MergeOptions) -> MergeOptions:
        return replace(options, retired=self.tombstones)

    def suggestions_after(self, merge: MergeResult) -> list[Suggestion]:
        """The module's suggestions once the plan is applied: the merge's, with the held-back ones kept."""
        return sorted(
            [*merge.suggestions, *self.team.held], key=lambda s: (suggestion_number(s.id) or 0, s.id)
        )

    def after(self, plan: Plan, merge: MergeResult, *, push: bool) -> list[Op]:
        """Record in the plan what the clone rules decided; the operations that update the tab's deleted ids."""
        module_id = self.module.module_id
        held = {s.id: dict(self.base_before[s.id]) for s in self.team.held if s.id in self.base_before}
        plan.base.suggestions[module_id] = {**merge.base, **held}
        kept = {s.id for s in self.suggestions_after(merge)}
        cleared = merge.notes.deleted_locally
        gone = set(self.base_before) - set(plan.base.suggestions[module_id]) - kept
        rows = self.rows if gone else ()
        new = new_tombstones(self.base_before, plan.base.suggestions[module_id], kept, rows, cleared)
        wanted = set(self.tombstones) | new
        if wanted:
            plan.base.tombstones[module_id] = by_number(wanted)
        plan.conflicts += self.team.conflicts
        plan.notes.renumbered += [f"{module_id}: {text}" for text in self.team.renumbered]
        plan.notes.deleted_elsewhere += self.team.removed
        if push and self.team.changed:
            saved = sorted(
                [*self.team.module.suggestions, *self.team.held],
                key=lambda s: (suggestion_number(s.id) or 0, s.id),
            )
            plan.modules[module_id] = self.module.model_copy(update={"suggestions": saved})
        if push or new:
            return tombstone_ops(self.sheet, self.sheet_id, wanted)
        return []


def _rows(tab: TabSnapshot | None, recovery: Recovery) -> tuple[SheetSuggestion, ...]:
    if tab is None:
        return ()
    try:
        return read_module_tab(tab, recovery).suggestions
    except TabLayoutProblem:
        return ()  # the tab's own plan skips it and says why

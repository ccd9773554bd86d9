"""Plans as data for ``--json`` and as lines for people. Pure."""

from __future__ import annotations

from typing import Any

from sheets_sync.sync.merge import Direction
from sheets_sync.sync.plan import Plan


def plan_summary(plan: Plan) -> dict[str, Any]:
    """A JSON-ready description of a plan: cells per tab, rows added, conflicts, and everything reported."""
    notes = plan.notes
    return {
        "direction": str(plan.direction),
        "write_requests_needed": plan.has_writes,
        "cells": plan.cells_written,
        "tabs": [
            {
                "title": tab.title,
                "cells": tab.cells,
                "rows_added": tab.rows_added,
                "new": tab.new,
                "deleted": tab.deleted,
                "pm_edits_in_tool_cells": tab.tool_edits,
            }
            for tab in plan.tabs
            if tab.cells or tab.rows_added or tab.new or tab.deleted or tab.tool_edits
        ],
        "conflicts": [
            {
                "module": c.module_id,
                "row": c.row_id,
                "column": c.column,
                "base": c.base,
                "local": c.local,
                "sheet": c.sheet,
            }
            for c in plan.conflicts
        ],
        "conflicts_resolved_by_prefer": notes.resolved,
        "conflicts_resolved_not_written": notes.resolved_not_written,
        "modules_changed": sorted(plan.modules),
        "sheet_edits_not_yet_pulled": notes.sheet_edits_pending,
        "local_edits_not_yet_pushed": notes.local_edits_pending,
        "new_sheet_rows_not_yet_pulled": notes.new_rows_pending,
        "fields_pulled": notes.pulled_fields,
        "suggestions_imported": notes.imported,
        "rows_deleted_in_sheet": notes.deleted_in_sheet,
        "rows_restored": notes.restored,
        "deletions_accepted": notes.deletions_accepted,
        "rows_deleted_locally": notes.deleted_locally,
        "ids_repaired": notes.id_repairs,
        "invalid_values": notes.invalid,
        "modules_removed_locally": notes.removed_modules,
        "tabs_of_removed_modules_deleted": notes.removed_tabs_deleted,
        "modules_without_tab": notes.modules_without_tab,
        "values_refused": notes.refused,
        "tabs_skipped": notes.skipped_tabs,
        "tabs_upgraded": notes.upgraded_tabs,
        "merged_cells": notes.merged_cells,
        "tab_copies": notes.copies,
        "edits_only_in_copies": notes.copy_edits,
        "tabs_adopted": notes.adopted_tabs,
        "ids_renumbered": notes.renumbered,
        "deleted_by_another_clone": notes.deleted_elsewhere,
    }


def tabs_written(plan: Plan) -> list[str]:
    """Titles of the tabs a plan adds or writes cells in (a deleted tab is not one of them)."""
    return [tab.title for tab in plan.tabs if (tab.cells or tab.new) and not tab.deleted]


def tabs_deleted(plan: Plan) -> list[str]:
    return [tab.title for tab in plan.tabs if tab.deleted]


def plan_lines(plan: Plan) -> list[str]:
    """What a plan does, one fact per line (tables of tabs and conflicts are printed by the CLI)."""
    notes = plan.notes
    push = plan.direction is Direction.PUSH
    lines = []
    if notes.pulled_fields or notes.imported:
        lines.append(
            f"{notes.pulled_fields} field(s) and {len(notes.imported)} new suggestion(s) from the sheet"
            + (f": {', '.join(notes.imported)}" if notes.imported else "")
        )
    if notes.resolved:
        lines.append(_resolved_line(plan))
    lines += [f"tab skipped: {text}" for text in notes.skipped_tabs]
    lines += [f"value refused: {text}" for text in notes.refused]
    if notes.refused and push:
        lines.append("refused cells are marked in the sheet (a note and a colour); fix them there, then pull")
    lines += [f"layout upgraded: {text}" for text in notes.upgraded_tabs]
    lines += [f"merged cells: {text}" for text in notes.merged_cells]
    lines += [f"copy of a module tab: {text}" for text in notes.copies]
    lines += [f"tab adopted: {text}" for text in notes.adopted_tabs]
    if notes.sheet_edits_pending:
        lines.append(
            f"{notes.sheet_edits_pending} edit(s) in the sheet not yet pulled (run sheets-sync pull)"
        )
    if notes.new_rows_pending:
        lines.append(
            f"{notes.new_rows_pending} new row(s) in the sheet not yet pulled (run sheets-sync pull)"
        )
    if notes.local_edits_pending:
        lines.append(f"{notes.local_edits_pending} local change(s) not yet pushed (run sheets-sync push)")
    lines += _deleted_in_sheet_lines(plan)
    if notes.deleted_locally:
        lines.append(f"row(s) of suggestions deleted locally, cleared: {', '.join(notes.deleted_locally)}")
    if notes.id_repairs:
        lines.append(f"suggestion id cell(s) edited in the sheet, put back: {', '.join(notes.id_repairs)}")
    lines += [f"suggestion renumbered (module file saved): {text}" for text in notes.renumbered]
    if notes.deleted_elsewhere:
        lines.append(
            "suggestion(s) deleted by another clone, removed from the module file: "
            + ", ".join(notes.deleted_elsewhere)
        )
    edits = sum(tab.tool_edits for tab in plan.tabs)
    if edits:
        verb = "reverted" if push else "found; the next push reverts them"
        lines.append(f"{edits} PM edit(s) in tool-owned cells {verb}")
    lines += [f"invalid value left out: {text}" for text in notes.invalid]
    kept = [m for m in notes.removed_modules if m not in notes.removed_tabs_deleted]
    if kept:
        lines.append(
            f"module(s) removed locally, tab kept (push --delete-removed-tabs deletes it): {', '.join(kept)}"
        )
    if notes.removed_tabs_deleted:
        lines.append(
            f"module(s) removed locally, tab deleted by this push: {', '.join(notes.removed_tabs_deleted)}"
        )
    if notes.modules_without_tab and not push:
        lines.append(f"module(s) with no tab yet (push first): {', '.join(notes.modules_without_tab)}")
    return lines


def _resolved_line(plan: Plan) -> str:
    """The conflicts ``--prefer`` settled; only a value this command does not write is said to come later."""
    notes = plan.notes
    line = f"{len(notes.resolved)} conflict(s) resolved by --prefer: {', '.join(notes.resolved)}"
    if notes.resolved_not_written:
        other = "pull" if plan.direction is Direction.PUSH else "push"
        line += f" (a value this {plan.direction} does not write comes across with the next {other})"
    return line


def _deleted_in_sheet_lines(plan: Plan) -> list[str]:
    """Suggestion rows deleted in the sheet: restored by push, deleted locally by ``pull --accept-deletions``,
    else kept locally."""
    notes = plan.notes
    if plan.direction is Direction.PUSH:
        groups = [("restored by this push", notes.deleted_in_sheet)]
    else:
        kept = [sid for sid in notes.deleted_in_sheet if sid not in notes.deletions_accepted]
        groups = [
            ("deleted locally too (--accept-deletions)", notes.deletions_accepted),
            ("kept locally; the next push restores them", kept),
        ]
    return [
        f"suggestion row(s) deleted in the sheet, {action}: {', '.join(ids)}" for action, ids in groups if ids
    ]

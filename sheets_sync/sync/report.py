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
        "modules_changed": sorted(plan.modules),
        "sheet_edits_not_yet_pulled": notes.sheet_edits_pending,
        "local_edits_not_yet_pushed": notes.local_edits_pending,
        "new_sheet_rows_not_yet_pulled": notes.new_rows_pending,
        "fields_pulled": notes.pulled_fields,
        "suggestions_imported": notes.imported,
        "rows_deleted_in_sheet": notes.deleted_in_sheet,
        "rows_restored": notes.restored,
        "rows_deleted_locally": notes.deleted_locally,
        "ids_repaired": notes.id_repairs,
        "invalid_values": notes.invalid,
        "modules_removed_locally": notes.removed_modules,
        "tabs_of_removed_modules_deleted": notes.removed_tabs_deleted,
        "modules_without_tab": notes.modules_without_tab,
    }


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
        other = "pull" if push else "push"
        lines.append(
            f"{len(notes.resolved)} conflict(s) resolved by --prefer: {', '.join(notes.resolved)} (a value "
            f"this {plan.direction} does not write comes across with the next {other})"
        )
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
    if notes.deleted_in_sheet:
        action = "restored by this push" if push else "kept locally; the next push restores them"
        lines.append(f"suggestion row(s) deleted in the sheet, {action}: {', '.join(notes.deleted_in_sheet)}")
    if notes.deleted_locally:
        lines.append(f"row(s) of suggestions deleted locally, cleared: {', '.join(notes.deleted_locally)}")
    if notes.id_repairs:
        lines.append(f"suggestion id cell(s) edited in the sheet, put back: {', '.join(notes.id_repairs)}")
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

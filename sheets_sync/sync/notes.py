"""The report vocabulary of the sync: what a merge and a plan found, besides writes and conflicts. Pure.

Every word here appears as it is in ``status --json`` (:func:`sheets_sync.sync.report.plan_summary`) and as one line
in the CLI's output (:func:`sheets_sync.sync.report.plan_lines`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class Notes:
    """Everything a merge or a plan reports besides writes and conflicts: one vocabulary for both (a plan's notes
    are the sum of its modules' merge notes, plus what the plan itself found about tabs)."""

    sheet_edits_pending: int = 0
    local_edits_pending: int = 0
    new_rows_pending: int = 0
    resolved: list[str] = field(default_factory=list)
    resolved_not_written: list[str] = field(default_factory=list)
    pulled_fields: int = 0
    deleted_in_sheet: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    deletions_accepted: list[str] = field(default_factory=list)
    deleted_locally: list[str] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)
    id_repairs: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    removed_modules: list[str] = field(default_factory=list)
    removed_tabs_deleted: list[str] = field(default_factory=list)
    modules_without_tab: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Values not taken (tab, cell, value, allowed values) and formulas found in PM cells: exit 5."""
    skipped_tabs: list[str] = field(default_factory=list)
    """Tabs that could not be read safely (a header gone), one line each with what to do: exit 5."""
    upgraded_tabs: list[str] = field(default_factory=list)
    merged_cells: list[str] = field(default_factory=list)
    """PM text blanked by merged cells: kept locally, never pulled as a clearing."""
    copies: list[str] = field(default_factory=list)
    """Tabs that look like copies of a module tab ("Copy of m03"), with the edits found only in them."""
    copy_edits: list[str] = field(default_factory=list)
    """Edits made only in a copy (not applied: exit 5)."""
    adopted_tabs: list[str] = field(default_factory=list)
    renumbered: list[str] = field(default_factory=list)
    """Provisional ids another suggestion had in the workbook, given the next free number (module file saved)."""
    deleted_elsewhere: list[str] = field(default_factory=list)
    """Suggestions deleted for good by another clone (or accepted deletions), removed from the module file."""

    def add(self, other: Notes) -> None:
        """Add another report to this one (counts summed, lists extended, in order)."""
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if isinstance(mine, list):
                mine.extend(theirs)
            else:
                setattr(self, item.name, mine + theirs)

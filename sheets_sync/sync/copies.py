"""Copies of module tabs a PM made (the tab menu's Duplicate: "Copy of m03"), and adopting one. Pure.

A tab sheets-sync did not make is a **copy of module M's tab** when its tables read as a module tab and its header
block names M (``Module | M - <name>``). Copies are never written; each one is reported, with the edits made only
in it (rows or fields that differ from both M's own tab and the last sync), so they are never silently ignored
(exit 5 when there are any).

**Adoption.** When M's own tab is gone (not found by its sheetId) and a copy of it has been renamed to ``M``, and
every suggestion id it shows is one of M's own (local or last synced), that copy becomes M's tab: its sheetId is
remembered and its edits are pulled as usual. A tab titled ``M`` that is not such a copy (another header block,
foreign ids, no tables) is foreign and is never overwritten: M is skipped and reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from sheets_sync.sync.base import Base, FieldTexts
from sheets_sync.sync.codec import cell_text
from sheets_sync.sync.layout import PM_FIELDS
from sheets_sync.sync.merge import canonical_texts
from sheets_sync.sync.snapshot import SheetSnapshot, TabSnapshot
from sheets_sync.sync.tabs import TabLayoutProblem, TabMap, read_module_tab


def copied_module(tab: TabSnapshot) -> str | None:
    """The module whose tab this one is a copy of (its tables read and its header block names it), else None."""
    try:
        view = read_module_tab(tab)
    except TabLayoutProblem:
        return None
    where = view.block_cells.get("Module")
    if view.geometry is None or where is None:
        return None
    module_id, separator, _ = cell_text(tab.value(where[0], where[1] + 1)).partition(" - ")
    return module_id.strip() if separator else None


def adopt_renamed_copies(
    sheet: SheetSnapshot, tabs: TabMap, known_ids: Mapping[str, set[str]]
) -> tuple[TabMap, list[str]]:
    """Give each module whose tab is gone the copy of it renamed to its id (see the module docstring)."""
    adopted = dict(tabs.modules)
    lines = []
    ours = tabs.ours()
    for module_id, ids in known_ids.items():
        if module_id in adopted:
            continue
        candidate = sheet.by_title(module_id)
        if candidate is None or candidate.sheet_id in ours or copied_module(candidate) != module_id:
            continue
        shown = {row.truth_id for row in read_module_tab(candidate).suggestions if row.truth_id}
        if shown <= ids:
            adopted[module_id] = candidate
            lines.append(
                f"tab {candidate.title!r} (sheetId {candidate.sheet_id}), a copy of {module_id}'s tab renamed to "
                f"{module_id!r}, is {module_id}'s tab now (its own tab is gone)"
            )
    return replace(tabs, modules=adopted), lines


@dataclass(frozen=True)
class CopyReport:
    lines: list[str]
    edits: list[str]
    baselines: dict[str, dict[str, FieldTexts]]
    """Each copy's rows as the base snapshot remembers them (by sheetId), so later edits in it can be named."""


def report_copies(sheet: SheetSnapshot, tabs: TabMap, base: Base) -> CopyReport:
    """Every copy of a module tab, with the edits found only in it.

    The first time a copy is seen, an edit only in it is a field that differs from both the module's own tab and
    the last sync; from then on, a field that changed in the copy since it was last seen and differs from the own
    tab. A named edit stays named until it is made in the module's own tab, or the copy is deleted."""
    ours = tabs.ours()
    lines, edits, baselines = [], [], {}
    for tab in sheet.tabs:
        module_id = copied_module(tab) if tab.sheet_id not in ours else None
        if module_id is None or (module_id not in tabs.modules and module_id not in base.suggestions):
            continue
        own = tabs.modules.get(module_id)
        seen = base.copies.get(str(tab.sheet_id))
        only, baselines[str(tab.sheet_id)] = copy_only_edits(
            tab, own, base.suggestions.get(module_id, {}), seen
        )
        where = (
            f"make them in {own.title!r}, or delete the copy" if own is not None else "pull cannot take them"
        )
        lines.append(
            f"tab {tab.title!r} is a copy of {module_id}'s tab; sheets-sync never reads or writes it"
            + (f"; edits only in the copy ({where}): {', '.join(only)}" if only else "")
        )
        edits += [f"{tab.title}: {edit}" for edit in only]
    return CopyReport(lines, edits, baselines)


def copy_only_edits(
    copy: TabSnapshot,
    own: TabSnapshot | None,
    base: Mapping[str, FieldTexts],
    seen: Mapping[str, FieldTexts] | None,
) -> tuple[list[str], dict[str, FieldTexts]]:
    """The copy's edits not in the module's own tab (see :func:`report_copies`) and its rows to remember."""
    own_rows = _rows(own) if own is not None else {}
    found = []
    remembered: dict[str, FieldTexts] = {}
    for row in read_module_tab(copy).suggestions:
        if row.blank or row.row is None:
            continue
        texts = canonical_texts(row.truth)
        sid = row.truth_id
        if not sid or (sid not in base and sid not in own_rows and (seen is None or sid not in seen)):
            found.append(f"new row {row.row + 1}")
            continue
        own_texts = canonical_texts(own_rows[sid]) if sid in own_rows else None
        before = seen.get(sid) if seen is not None else base.get(sid)
        before_texts = canonical_texts(before) if before is not None else None
        kept = dict(texts)
        for name in PM_FIELDS:
            in_own = own_texts is not None and texts[name] == own_texts[name]
            unchanged = before_texts is not None and texts[name] == before_texts[name]
            if not in_own and not unchanged:
                found.append(f"{sid} {name}")
                kept[name] = before_texts[name] if before_texts is not None else ""
        remembered[sid] = kept
    return found, remembered


def _rows(tab: TabSnapshot) -> dict[str, FieldTexts]:
    try:
        rows: Iterable = read_module_tab(tab).suggestions
    except TabLayoutProblem:
        return {}
    return {row.truth_id: dict(row.truth) for row in rows if row.truth_id}

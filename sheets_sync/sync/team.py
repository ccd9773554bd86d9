"""Several clones, one workbook: provisional ids and deletions that stick. Pure; runs before each module's merge.

**Ids.** ``suggest`` and pull hand out ``<module_id>-s<N>``, one more than the highest number the clone knows (its
module file, its base snapshot, the deleted ids). Two clones offline can pick the same number. An id this clone
has never seen in the workbook (not in its base snapshot) is *provisional*: when the sheet shows that id on a row
that is not the same suggestion (its PM fields differ), or the workbook lists the id as deleted, push and pull give
the local suggestion the next free number (saving the module file, reported), so both suggestions survive with
distinct ids and no conflict. An id once in the workbook never changes meaning: only provisional ids are renumbered,
and a deleted id is never handed out again.

**Deletions.** Each module tab carries, in its developer metadata (key :data:`TOMBSTONE_KEY`), the ids of the
suggestions that were deleted for good: deleted locally and pushed, deleted in the sheet and accepted with
``pull --accept-deletions``, or deleted on both sides. Another clone that still has such a suggestion, unchanged
since its last sync, removes it on its next pull or push and never restores its row. If it had edited the
suggestion since, that is a conflict (``--prefer sheet`` deletes it, ``--prefer local`` keeps it under a new id).
A row a PM deletes by accident is not in that list, so push restores it as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sheets_sync.errors import WorkbookLayoutError
from sheets_sync.models import Module, Suggestion, suggestion_number
from sheets_sync.sync.base import FieldTexts
from sheets_sync.sync.merge import Conflict, Prefer, canonical_texts, local_texts
from sheets_sync.sync.ops import CreateMetadata, Op, UpdateMetadata
from sheets_sync.sync.snapshot import DeveloperMetadata, SheetSnapshot
from sheets_sync.sync.tabs import SheetSuggestion

TOMBSTONE_KEY = "sheets-sync:deleted"
MAX_METADATA_CHARS = 30_000
"""Google keeps at most 30,000 characters of developer metadata per location: about 3,000 deleted ids per tab."""


# ---------------------------------------------------------------------------------------------- tombstones


def tombstone_entry(sheet: SheetSnapshot, sheet_id: int) -> DeveloperMetadata | None:
    return next((m for m in sheet.metadata if m.key == TOMBSTONE_KEY and m.sheet_id == sheet_id), None)


def sheet_tombstones(sheet: SheetSnapshot, sheet_id: int | None) -> set[str]:
    """The deleted suggestion ids the module tab records."""
    entry = tombstone_entry(sheet, sheet_id) if sheet_id is not None else None
    return set(entry.value.split()) if entry is not None else set()


def by_number(ids: Iterable[str]) -> list[str]:
    return sorted(set(ids), key=lambda sid: (suggestion_number(sid) or 0, sid))


def tombstone_ops(sheet: SheetSnapshot, sheet_id: int, wanted: set[str]) -> list[Op]:
    """Make the tab's list of deleted ids ``wanted`` (space-separated, by number); nothing when it already is."""
    entry = tombstone_entry(sheet, sheet_id)
    value = " ".join(by_number(wanted))
    if len(value) > MAX_METADATA_CHARS:
        raise WorkbookLayoutError(
            f"tab {sheet_id}: {len(wanted)} deleted suggestion ids no longer fit in the tab's developer metadata "
            f"({MAX_METADATA_CHARS:,} characters); nothing was written"
        )
    if entry is None:
        return [CreateMetadata(TOMBSTONE_KEY, value, sheet_id)] if wanted else []
    return [] if set(entry.value.split()) == wanted else [UpdateMetadata(entry.metadata_id, value)]


def new_tombstones(
    before: Mapping[str, FieldTexts],
    after: Mapping[str, FieldTexts],
    kept: Iterable[str],
    rows: Sequence[SheetSuggestion],
    cleared: Iterable[str],
) -> set[str]:
    """Ids agreed at the last sync that are now gone from the base, the module and the sheet (or whose row this
    plan clears): deleted for good, never to be restored or handed out again."""
    shown = {row.truth_id for row in rows if row.truth_id and not row.blank}
    gone = set(before) - set(after) - set(kept)
    return {sid for sid in gone if sid not in shown or sid in set(cleared)}


# ---------------------------------------------------------------------------------------------- before the merge


@dataclass
class TeamResult:
    """What the merge of one module sees, and what happened to provisional ids and deleted suggestions."""

    module: Module
    changed: bool = False
    """The module file changes (renumbered or removed suggestions): saved by push as well as by pull."""
    renumbered: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    held: list[Suggestion] = field(default_factory=list)
    """Suggestions deleted elsewhere but edited here (conflicts): kept locally as they are, out of the merge."""
    conflicts: list[Conflict] = field(default_factory=list)


def prepare_module(
    module: Module,
    rows: Sequence[SheetSuggestion],
    base: Mapping[str, FieldTexts],
    tombstones: set[str],
    *,
    synced: bool,
    prefer: Prefer | None,
) -> TeamResult:
    """Renumber provisional ids the workbook gave to another suggestion; drop suggestions deleted elsewhere.

    ``synced`` is False when this clone has no base for the module (a first sync, or a lost base): then nothing
    tells a provisional id from an agreed one, and differences stay conflicts as they always were."""
    shown: dict[str, SheetSuggestion] = {}
    for row in rows:
        if row.truth_id and not row.blank:
            shown.setdefault(row.truth_id, row)
    result = TeamResult(module)
    reserved = {s.id for s in module.suggestions} | set(base) | set(shown) | tombstones
    kept: list[Suggestion] = []
    for suggestion in module.suggestions:
        fate = _fate(suggestion, base, shown, tombstones, synced=synced, prefer=prefer)
        if fate == "keep":
            kept.append(suggestion)
        elif fate == "remove":
            result.removed.append(suggestion.id)
        elif fate == "hold":
            result.held.append(suggestion)
            result.conflicts.append(
                Conflict(
                    module.module_id,
                    suggestion.id,
                    "(row)",
                    "(present)",
                    "(edited)",
                    "(deleted by another clone)",
                )
            )
        else:
            new_id = _next_id(module.module_id, reserved)
            reserved.add(new_id)
            kept.append(suggestion.model_copy(update={"id": new_id}))
            result.renumbered.append(f"{suggestion.id} -> {new_id} ({fate})")
    result.changed = bool(result.renumbered or result.removed)
    kept.sort(key=lambda s: (suggestion_number(s.id) or 0, s.id))
    result.module = (
        module.model_copy(update={"suggestions": kept}) if result.changed or result.held else module
    )
    return result


def _fate(
    suggestion: Suggestion,
    base: Mapping[str, FieldTexts],
    shown: Mapping[str, SheetSuggestion],
    tombstones: set[str],
    *,
    synced: bool,
    prefer: Prefer | None,
) -> str:
    """ "keep", "remove", "hold" (a conflict), or the reason it is renumbered."""
    sid, texts, agreed = suggestion.id, local_texts(suggestion), base.get(suggestion.id)
    if sid in tombstones:
        if agreed is None:
            return f"{sid} was deleted in the workbook"
        if canonical_texts(agreed) == texts or prefer is Prefer.SHEET:
            return "remove"
        return (
            f"{sid} was deleted by another clone; kept under a new id" if prefer is Prefer.LOCAL else "hold"
        )
    row = shown.get(sid)
    if synced and agreed is None and row is not None and canonical_texts(row.truth) != texts:
        return f"{sid} is another suggestion in the sheet"
    return "keep"


def _next_id(module_id: str, reserved: set[str]) -> str:
    numbers = [suggestion_number(sid) or 0 for sid in reserved]
    return f"{module_id}-s{max(numbers, default=0) + 1}"

"""Reconciling a data directory after a git merge of two clones' commits. Pure: parsed JSON in, merged JSON out.

Two clones that each synced and committed ``data/modules/`` and ``data/.sync/`` meet in a merge. Git merges most
of it line by line, but suggestions appended on both sides, or both base snapshots, conflict (or, worse, merge
cleanly into a file with one id twice). ``sheets-sync reconcile`` (see :mod:`sheets_sync.gitdata` for the git side)
rebuilds each file from the two sides and their common ancestor:

* **Module files**, per top-level field and per experiment (by id): the side that changed it wins; both sides
  changing it differently is an error naming the field.
* **Suggestions**, by id, field by field: a field changed on one side takes that side's value. Changed on both
  sides, the value still equal to its own side's base snapshot (already agreed with the sheet) gives way to the
  other side's; when both are unpushed local edits, reconcile stops and names the field. A suggestion deleted on
  one side and unchanged on the other is deleted; one deleted on one side and edited on the other is kept
  (nothing is lost: the next sync reports it if the deletion was pushed). The same id added on both sides for two
  different suggestions keeps both: the one its side has already pushed (in that side's base) keeps the id, the
  other gets the next free number (provisional ids, :mod:`sheets_sync.sync.team`); when neither was pushed, the
  side being merged in (already in the shared repository) keeps it.
* **The base snapshot**: for each suggestion, each field's agreed text comes from the side its value came from, so
  the next sync's three-way merge still sees every unpushed edit as local and every PM edit as the sheet's; tab ids
  and deleted ids are the union of both sides; a tab digest the two sides disagree on is dropped (the next push
  rewrites those tool-owned cells).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sheets_sync.errors import DataError
from sheets_sync.models import suggestion_number
from sheets_sync.sync.base import Base, FieldTexts
from sheets_sync.sync.layout import PM_FIELDS

Json = dict[str, Any]
OURS, THEIRS = "ours", "theirs"


class ReconcileError(DataError):
    """Both sides changed the same thing differently and neither was agreed with the sheet: a person decides."""


@dataclass
class Sides:
    """One file in the common ancestor, on our side and on theirs (None: absent there)."""

    ancestor: Json | None
    ours: Json | None
    theirs: Json | None


@dataclass
class ModuleMerge:
    module: Json | None
    base: dict[str, FieldTexts] | None
    renumbered: list[str] = field(default_factory=list)


def three_way(name: str, ancestor: Any, ours: Any, theirs: Any, where: str) -> Any:
    if ours == theirs or theirs == ancestor:
        return ours
    if ours == ancestor:
        return theirs
    raise ReconcileError(
        f"{name} changed differently on both sides; edit the file to the wanted value", path=where
    )


def merge_module(
    module_id: str,
    sides: Sides,
    bases: Mapping[str, Base | None],
    tombstones: set[str],
) -> ModuleMerge:
    """Merge one module file; ``bases`` are each side's base snapshot (for suggestions' agreed texts)."""
    where = f"modules/{module_id}.json"
    present = [s for s in (sides.ours, sides.theirs) if s is not None]
    if not present:
        return ModuleMerge(None, None)
    if sides.ours is None or sides.theirs is None:
        kept = present[0]
        if kept == sides.ancestor:  # deleted on one side, unchanged on the other
            return ModuleMerge(None, None)
        return _one_sided(module_id, kept, OURS if sides.ours is not None else THEIRS, bases)
    ancestor = sides.ancestor or {}
    merged: Json = {}
    for key in [*sides.ours, *[k for k in sides.theirs if k not in sides.ours]]:
        if key in ("suggestions", "experiments"):
            continue
        merged[key] = three_way(key, ancestor.get(key), sides.ours.get(key), sides.theirs.get(key), where)
    merged["experiments"] = _by_id(
        "experiments",
        ancestor.get("experiments"),
        sides.ours.get("experiments"),
        sides.theirs.get("experiments"),
        where,
    )
    suggestions = _Suggestions(module_id, where, bases, tombstones)
    merged["suggestions"], base = suggestions.merge(
        ancestor.get("suggestions") or [],
        sides.ours.get("suggestions") or [],
        sides.theirs.get("suggestions") or [],
    )
    ordered = {key: merged[key] for key in sides.ours if key in merged} | merged
    return ModuleMerge(ordered, base, suggestions.renumbered)


def _one_sided(module_id: str, module: Json, side: str, bases: Mapping[str, Base | None]) -> ModuleMerge:
    base = bases.get(side)
    entries = dict(base.suggestions.get(module_id, {})) if base is not None else {}
    return ModuleMerge(module, entries)


def _by_id(name: str, ancestor: Any, ours: Any, theirs: Any, where: str) -> list[Json]:
    """Lists of objects with an ``id``: union, each item merged three-way, ours' order first."""
    keyed = [{item.get("id"): item for item in side or []} for side in (ancestor, ours, theirs)]
    order = [*keyed[1], *[k for k in keyed[2] if k not in keyed[1]]]
    merged = []
    for key in order:
        item = _merged_item(
            f"{name}[id={key}]", keyed[0].get(key), keyed[1].get(key), keyed[2].get(key), where
        )
        if item is not None:
            merged.append(item)
    return merged


def _merged_item(name: str, ancestor: Any, ours: Any, theirs: Any, where: str) -> Any:
    if ours is None or theirs is None:
        kept = ours if ours is not None else theirs
        return None if kept == ancestor else kept
    return three_way(name, ancestor, ours, theirs, where)


@dataclass
class _Suggestions:
    module_id: str
    where: str
    bases: Mapping[str, Base | None]
    tombstones: set[str]
    renumbered: list[str] = field(default_factory=list)

    def entry(self, side: str, sid: str) -> FieldTexts | None:
        base = self.bases.get(side)
        return base.suggestions.get(self.module_id, {}).get(sid) if base is not None else None

    def merge(
        self, ancestor: list[Json], ours: list[Json], theirs: list[Json]
    ) -> tuple[list[Json], dict[str, FieldTexts]]:
        old, mine, other = ({s["id"]: s for s in side} for side in (ancestor, ours, theirs))
        reserved = set(old) | set(mine) | set(other) | self.tombstones
        for side in (OURS, THEIRS):
            side_base = self.bases.get(side)
            reserved |= set(side_base.suggestions.get(self.module_id, {})) if side_base is not None else set()
        result: list[Json] = []
        base: dict[str, FieldTexts] = {}
        for sid in sorted(set(mine) | set(other), key=lambda s: (suggestion_number(s) or 0, s)):
            for item, sides in self._one_id(sid, old.get(sid), mine.get(sid), other.get(sid), reserved):
                result.append(item)
                entry = self._base_entry(sid, sides)
                if entry is not None:
                    base[item["id"]] = entry
        result.sort(key=lambda s: (suggestion_number(s["id"]) or 0, s["id"]))
        return result, base

    def _one_id(
        self, sid: str, ancestor: Json | None, ours: Json | None, theirs: Json | None, reserved: set[str]
    ) -> list[tuple[Json, dict[str, str]]]:
        """The suggestion(s) this id stands for after the merge, each with the side every field came from."""
        if ours is None or theirs is None:
            side, kept = (OURS, ours) if ours is not None else (THEIRS, theirs or {})
            if kept == ancestor:
                return []  # deleted on one side, unchanged on the other
            return [(kept, dict.fromkeys(kept, side))]
        if ours == theirs:
            return [(ours, dict.fromkeys(ours, OURS if self.entry(OURS, sid) is not None else THEIRS))]
        if ancestor is None:
            return self._collision(sid, ours, theirs, reserved)
        return [self._fields(sid, ancestor, ours, theirs)]

    def _collision(
        self, sid: str, ours: Json, theirs: Json, reserved: set[str]
    ) -> list[tuple[Json, dict[str, str]]]:
        """Two different suggestions given the same number offline: the pushed one (in its side's base) keeps it;
        when neither was pushed, theirs keeps it (it is already in the shared repository, other clones have it under
        that id) and ours moves."""
        published_ours = self.entry(OURS, sid) is not None and self.entry(THEIRS, sid) is None
        keep, move = (OURS, THEIRS) if published_ours else (THEIRS, OURS)
        items = {OURS: ours, THEIRS: theirs}
        new_id = f"{self.module_id}-s{max(suggestion_number(s) or 0 for s in reserved) + 1}"
        reserved.add(new_id)
        self.renumbered.append(
            f"{self.module_id}: {sid} -> {new_id} ({sid} is another suggestion on the other side)"
        )
        moved = {**items[move], "id": new_id}
        return [(items[keep], dict.fromkeys(items[keep], keep)), (moved, dict.fromkeys(moved, f"{move}:new"))]

    def _fields(self, sid: str, ancestor: Json, ours: Json, theirs: Json) -> tuple[Json, dict[str, str]]:
        merged: Json = {}
        sides: dict[str, str] = {}
        for name in [*ours, *[k for k in theirs if k not in ours]]:
            a, b, o = ours.get(name), theirs.get(name), ancestor.get(name)
            if a == b or b == o:
                merged[name], sides[name] = a, OURS
            elif a == o:
                merged[name], sides[name] = b, THEIRS
            elif _text(a) == (self.entry(OURS, sid) or {}).get(name):
                merged[name], sides[name] = b, THEIRS  # ours was only the sheet's older value
            elif _text(b) == (self.entry(THEIRS, sid) or {}).get(name):
                merged[name], sides[name] = a, OURS
            else:
                raise ReconcileError(
                    f"suggestions[id={sid}].{name} edited on both sides and pushed by neither ({a!r} / {b!r}); "
                    "edit the file to the wanted value",
                    path=self.where,
                )
        return {k: v for k, v in merged.items() if v is not None or k in ours}, sides

    def _base_entry(self, sid: str, sides: Mapping[str, str]) -> FieldTexts | None:
        """The agreed texts of the merged suggestion, each field from the side its value came from."""
        if any(side.endswith(":new") for side in sides.values()):
            return None  # renumbered: a provisional id, never in the sheet
        entries = {side: self.entry(side, sid) for side in (OURS, THEIRS)}
        if all(entries[sides.get(name, OURS)] is not None for name in PM_FIELDS):
            return {name: entries[sides.get(name, OURS)][name] for name in PM_FIELDS}  # type: ignore[index]
        known = [entry for entry in entries.values() if entry is not None]
        return dict(known[0]) if len(known) == 1 else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def merge_bases(ours: Base | None, theirs: Base | None) -> Base | None:
    """Tab ids, deleted ids (union) and digests (dropped where the sides differ); suggestions are set per module
    by the caller from :func:`merge_module`."""
    if ours is None or theirs is None:
        return ours or theirs
    merged = ours.model_copy(deep=True)
    merged.heatmap_sheet_id = (
        ours.heatmap_sheet_id if ours.heatmap_sheet_id is not None else theirs.heatmap_sheet_id
    )
    merged.module_tabs = {**theirs.module_tabs, **ours.module_tabs}
    merged.digests = {k: v for k, v in ours.digests.items() if theirs.digests.get(k, v) == v}
    merged.digests |= {k: v for k, v in theirs.digests.items() if k not in ours.digests}
    for module_id in set(ours.tombstones) | set(theirs.tombstones):
        ids = set(ours.tombstones.get(module_id, [])) | set(theirs.tombstones.get(module_id, []))
        merged.tombstones[module_id] = sorted(ids, key=lambda s: (suggestion_number(s) or 0, s))
    merged.suggestions = {**theirs.suggestions, **ours.suggestions}
    return merged

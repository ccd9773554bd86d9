"""Tabs that ended the last sync with nothing to do, so a sync where they did not change skips them.

A module tab's plan is a pure function of the tab (its text in the read), the module (its file), the module's entry
in the base and a context shared by every tab (see :func:`run_context`). When a sync plans a tab and finds nothing
to do for it (no write, no note, no conflict, no local change, the base entry as it was), it records a *key*, the
digest of all of those inputs, under the digest of the tab's text. The next sync of the same kind (push or pull)
looks each tab's text up: when the key of its inputs now is the one recorded, planning the tab again would find
nothing to do again, so it is not planned, and its grid is never even decoded (:mod:`~sheets_sync.sync.answer_split`).
The Heatmap tab is keyed the same way, on every module's file.

So a no-op sync costs a read, a digest per tab and a digest per module file, whatever the size of the workbook; a
sync after one PM edit plans the one tab that changed. Everything is keyed by content: a hand-edited module file,
a PM's edit of any cell, an edit of the base file, another release of sheets-sync (the code itself is part of the
context) or a different option changes the key, and the tab is planned as before. The record lives in
``data/.cache/settled-<spreadsheet id>.json``, written with the base in the sync's journal batch; a missing,
unreadable or foreign record only means every tab is planned (:mod:`~sheets_sync.sync.settled_file`). Pure: the
planner uses this module, the engine the file's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sheets_sync.sync.base import Base
from sheets_sync.sync.generation import GENERATION_KEY
from sheets_sync.sync.snapshot import SheetSnapshot, TabSnapshot

SETTLED_VERSION = 1
DIRECTIONS = ("push", "pull")


@dataclass
class Settled:
    """One plan's view of the record: which tabs it may skip, and which it found with nothing to do."""

    context: str | None
    """The digest of what every tab's plan shares (:func:`run_context`); None: nothing is skipped or recorded."""
    known: Mapping[str, str]
    modules: Mapping[str, str]
    """Module id -> digest of its file."""
    found: dict[str, str] = field(default_factory=dict)

    def module_key(self, module_id: str, tab: TabSnapshot | None, base: Base) -> str | None:
        """The key of a module tab's inputs, or None when the tab cannot be settled (new, or read another way)."""
        if self.context is None or tab is None or tab.digest is None or module_id not in self.modules:
            return None
        entry = [base.digests.get(module_id), base.suggestions.get(module_id)]
        return _digest([self.context, tab.digest, self.modules[module_id], entry])

    def heatmap_key(self, tab: TabSnapshot | None, base: Base, heatmap_key: str) -> str | None:
        if self.context is None or tab is None or tab.digest is None:
            return None
        return _digest(
            [self.context, tab.digest, sorted(self.modules.items()), base.digests.get(heatmap_key)]
        )

    def is_settled(self, key: str | None, tab: TabSnapshot | None) -> bool:
        return (
            key is not None
            and tab is not None
            and tab.digest is not None
            and self.known.get(tab.digest) == key
        )

    def settle(self, key: str | None, tab: TabSnapshot | None) -> None:
        if key is not None and tab is not None and tab.digest is not None:
            self.found[tab.digest] = key


def nothing_settled() -> Settled:
    """Every tab planned, nothing recorded (status, tests, and plans made without a record)."""
    return Settled(None, {}, {})


def run_context(
    code: str, direction: str, sheet: SheetSnapshot, base: Base, options: Iterable[object]
) -> str | None:
    """What every tab's plan depends on besides its own tab, module and base entry: this code (``code``, the
    digest of sheets-sync's source: ``settled_file.code_fingerprint``), the direction and
    options, every tab's id, title and place (which tab is which module, copies, titles in use), the developer
    metadata but the write generation (tombstones and claims of other clones), and the base's tab map,
    tombstones and copies. None when the read carries a recovery (a plan after a write that landed wrongly)."""
    if sheet.recovery:
        return None
    metadata = sorted(
        (m.sheet_id if m.sheet_id is not None else -1, m.key, m.value, m.metadata_id)
        for m in sheet.metadata
        if m.key != GENERATION_KEY
    )
    tabs = [(tab.sheet_id, tab.title, tab.index, tab.row_count, tab.column_count) for tab in sheet.tabs]
    shared = base.to_json_dict()
    shared = {k: v for k, v in shared.items() if k not in ("digests", "suggestions")}
    return _digest([SETTLED_VERSION, code, direction, [repr(o) for o in options], metadata, tabs, shared])


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

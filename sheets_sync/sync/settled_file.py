"""Reading and writing the settled record ``data/.cache/settled-<spreadsheet id>.json``, and the digests it is keyed
by (module files, sheets-sync's own source): the I/O edge of :mod:`sheets_sync.sync.settled`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheets_sync import index_file
from sheets_sync.store import Store
from sheets_sync.sync.settled import DIRECTIONS, SETTLED_VERSION


def settled_path(store: Store, spreadsheet_id: str) -> Path:
    return store.cache_dir / f"settled-{spreadsheet_id}.json"


@dataclass(frozen=True)
class SettledRecord:
    """What the last push and the last pull recorded: per direction, tab text digest -> key (``""``: a text that
    sync read and checked but did not settle, e.g. a PM's own tab, or the Heatmap in a pull, which never plans it:
    the next read need not check it again, nor decode its grid unless something reads a cell)."""

    entries: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def known(self) -> frozenset[str]:
        """Digests of every tab text the last push and pull read and checked (settled or not)."""
        return frozenset(digest for entries in self.entries.values() for digest in entries)

    def with_direction(self, direction: str, found: Mapping[str, str]) -> SettledRecord:
        return SettledRecord({**self.entries, direction: dict(sorted(found.items()))})

    def to_json_dict(self) -> dict[str, Any]:
        entries = {d: dict(self.entries.get(d, {})) for d in DIRECTIONS}
        return {"version": SETTLED_VERSION, "code": code_fingerprint(), **entries}


def load_settled(store: Store, spreadsheet_id: str) -> SettledRecord:
    """The record, or an empty one when there is none or it cannot be used (it is only ever a shortcut)."""
    try:
        raw = json.loads(settled_path(store, spreadsheet_id).read_bytes())
    except (OSError, ValueError):
        return SettledRecord()
    if (
        not isinstance(raw, dict)
        or raw.get("version") != SETTLED_VERSION
        or raw.get("code") != code_fingerprint()
    ):
        return SettledRecord()  # another release's: what it checked of an answer, this one checks again
    entries: dict[str, dict[str, str]] = {}
    for direction in DIRECTIONS:
        part = raw.get(direction)
        if isinstance(part, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in part.items()):
            entries[direction] = part
    return SettledRecord(entries)


def save_settled(store: Store, spreadsheet_id: str, record: SettledRecord) -> None:
    text = json.dumps(record.to_json_dict(), separators=(",", ":"), sort_keys=True)
    store.write_cache(settled_path(store, spreadsheet_id).name, text.encode() + b"\n")


def code_fingerprint() -> str:
    """The digest of sheets-sync's whole source: another release, or a local change to it, settles nothing old."""
    return index_file.code_fingerprint("**/*.py")


def module_digests(store: Store, module_ids: Iterable[str]) -> dict[str, str]:
    """Each module file's content digest (the file a plan's module was read from)."""
    return {module_id: content_digest(store.module_path(module_id).read_bytes()) for module_id in module_ids}


def content_digest(data: bytes) -> str:
    """A module file's sha256, as the index cache records it (sheets_sync.index_file)."""
    return hashlib.sha256(data).hexdigest()

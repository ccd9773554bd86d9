"""What a sync is about to write to the sheet, recorded locally BEFORE it is written: ``data/.sync/pending/<id>.json``.

A sync writes the sheet first and its local files after (module files, base snapshot). A run killed in between
used to leave two kinds of damage, which this record prevents:

* a ``pull`` that wrote ids into PMs' new rows: the ids are not in any local file yet, so the next ``suggest``
  handed the same id out again. The record's ``reserved`` ids are taken (:func:`reserved_ids`, read by
  :func:`sheets_sync.edits.synced_suggestion_ids`) until a pull has brought those rows in.
* a ``push`` whose write landed: the base snapshot still held the values from before it, so the engineer's next
  edit of such a field looked like a conflict with their own previous value. The record holds the base the push
  was going to save and the writer token it claimed its write generation with (:mod:`.generation`); when the next
  sync reads a workbook whose last write is that token's, the write landed whole (a ``batchUpdate`` is atomic) and
  the intended base is the true one (:func:`reconciled_base`). When another sync wrote since, which of the two
  values a field shows cannot be told apart: the old base is kept, and a field both sides changed is reported as a
  conflict, never overwritten.

Written in its own batch (:meth:`sheets_sync.store.Store.batch`) before each write; removed, or reduced to its
reserved ids, in the batch that saves the sync's results.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sheets_sync import jsonio
from sheets_sync.errors import DataError
from sheets_sync.models import Module, describe_validation_error
from sheets_sync.store import Store
from sheets_sync.sync.base import Base
from sheets_sync.sync.generation import written_by
from sheets_sync.sync.snapshot import SheetSnapshot
from sheets_sync.versions import natural_key

PENDING_DIR = "pending"


class Pending(BaseModel):
    """One spreadsheet's sync in flight."""

    model_config = ConfigDict(extra="forbid")

    spreadsheet_id: str
    command: str = Field(description="push or pull")
    writer: str | None = Field(default=None, description="The token its write generation was claimed with.")
    base: Base | None = Field(default=None, description="The base it saves once the write landed (push).")
    reserved: dict[str, list[str]] = Field(
        default_factory=dict, description="Per module, suggestion ids written into the sheet, not yet local."
    )

    def to_json_dict(self) -> dict[str, object]:
        return {
            "spreadsheet_id": self.spreadsheet_id,
            "command": self.command,
            "writer": self.writer,
            "base": self.base.to_json_dict() if self.base is not None else None,
            "reserved": {m: sorted(set(self.reserved[m])) for m in sorted(self.reserved, key=natural_key)},
        }


def pending_path(store: Store, spreadsheet_id: str) -> Path:
    return store.sync_dir / PENDING_DIR / f"{spreadsheet_id}.json"


def load_pending(store: Store, spreadsheet_id: str) -> Pending | None:
    path = pending_path(store, spreadsheet_id)
    return _load(path) if path.exists() else None


def _load(path: Path) -> Pending:
    raw = jsonio.read_json(path)
    try:
        return Pending.model_validate(raw)
    except ValidationError as exc:
        json_path, message = describe_validation_error(exc)[0]
        raise DataError(message, path=path, json_path=json_path) from None


def reserved_ids(store: Store, module_id: str) -> set[str]:
    """Ids a sync wrote (or was about to write) into the sheet for this module and no local file has yet."""
    folder = store.sync_dir / PENDING_DIR
    taken: set[str] = set()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        taken.update(_load(path).reserved.get(module_id, []))
    return taken


def new_ids(local: Mapping[str, Module], modules: Mapping[str, Module]) -> dict[str, list[str]]:
    """Suggestion ids in the modules a plan saves that the local files do not have (the ids a pull hands out)."""
    found = {}
    for module_id, module in modules.items():
        known = {s.id for s in local[module_id].suggestions} if module_id in local else set()
        ids = [s.id for s in module.suggestions if s.id not in known]
        if ids:
            found[module_id] = ids
    return found


def merge_reserved(*parts: Mapping[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, set[str]] = {}
    for part in parts:
        for module_id, ids in part.items():
            merged.setdefault(module_id, set()).update(ids)
    return {module_id: sorted(ids) for module_id, ids in merged.items()}


def reconciled_base(base: Base, pending: Pending | None, snapshot: SheetSnapshot) -> Base:
    """The base to plan from: the one a killed push meant to save, when the workbook shows its write landed."""
    if pending is None or pending.base is None or pending.writer is None:
        return base
    return pending.base if written_by(snapshot) == pending.writer else base

"""Reading and writing the base snapshot file ``data/.sync/<spreadsheet id>.json``: the I/O edge of
:mod:`sheets_sync.sync.base` (which stays pure, so the planner never reaches the file system)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from sheets_sync import jsonio
from sheets_sync.errors import DataError
from sheets_sync.models import describe_validation_error
from sheets_sync.store import Store
from sheets_sync.sync.base import Base


def base_path(store: Store, spreadsheet_id: str) -> Path:
    return store.sync_dir / f"{spreadsheet_id}.json"


def load_base(store: Store, spreadsheet_id: str) -> Base:
    """The base snapshot, or an empty one for a spreadsheet never synced from this data directory."""
    path = base_path(store, spreadsheet_id)
    if not path.exists():
        return Base(spreadsheet_id=spreadsheet_id)
    raw = jsonio.read_json(path)
    try:
        base = Base.model_validate(raw)
    except ValidationError as exc:
        json_path, message = describe_validation_error(exc)[0]
        raise DataError(message, path=path, json_path=json_path) from None
    if base.spreadsheet_id != spreadsheet_id:
        raise DataError(f"holds spreadsheet {base.spreadsheet_id!r}, not {spreadsheet_id!r}", path=path)
    return base


def save_base(store: Store, base: Base) -> bool:
    """Write the base snapshot (inside the store lock); False when the file already held exactly that."""
    return store.write_json(base_path(store, base.spreadsheet_id), base.to_json_dict())

"""Writing ``data/heatmap_index.json``: the I/O edge of the pure :mod:`sheets_sync.index`."""

from __future__ import annotations

from sheets_sync.index import build_index
from sheets_sync.store import Store, gc_paused


def write_index(store: Store) -> bool:
    """Load and validate every module, then rewrite the index; False when it was already up to date."""
    with store.batch("index") as batch, gc_paused():
        return batch.write_json(store.index_path, build_index(store.load_all()))

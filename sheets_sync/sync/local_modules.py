"""The data directory's modules as one sync sees them: every file checked, each parsed only when a plan reads it.

A push or a pull checks every module file, as before: a broken one stops the sync before the workbook is read. What
changed is how: each file is read and its sha256 taken; a file whose content the index cache recorded as a valid
module (made by this same code: :mod:`sheets_sync.index_file`, the cache a warm ``validate`` trusts) is not parsed
until a plan asks for it; any other file is parsed and validated at once. A tab that the last sync settled and that
nothing changed since (:mod:`sheets_sync.sync.settled`) never asks for its module, so a no-op sync parses no module
file and holds none in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from sheets_sync.errors import DataError
from sheets_sync.index_file import load_cache
from sheets_sync.models import Module
from sheets_sync.store import Store
from sheets_sync.sync.settled_file import content_digest


class LocalModules(Mapping[str, Module]):
    """Module id -> module, in natural order; :attr:`digests` holds each file's sha256 (what settled keys use)."""

    def __init__(self, store: Store) -> None:
        for path, message in store.entry_problems():
            raise DataError(message, path=path)
        records = load_cache(store).records
        self._store = store
        self._loaded: dict[str, Module] = {}
        self.digests: dict[str, str] = {}
        for module_id in store.module_ids():
            digest = content_digest(store.module_path(module_id).read_bytes())
            self.digests[module_id] = digest
            record = records.get(module_id)
            if record is None or record.sha256 != digest:
                self._loaded[module_id] = store.load_module(module_id)  # checked now: raises on a broken file

    def __getitem__(self, module_id: str) -> Module:
        if module_id not in self.digests:
            raise KeyError(module_id)
        if module_id not in self._loaded:
            self._loaded[module_id] = self._store.load_module(module_id)
        return self._loaded[module_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.digests)

    def __len__(self) -> int:
        return len(self.digests)

    def __contains__(self, module_id: object) -> bool:
        return module_id in self.digests

    @property
    def parsed(self) -> int:
        """How many module files this sync has parsed so far."""
        return len(self._loaded)

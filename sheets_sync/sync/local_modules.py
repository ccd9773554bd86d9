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
from typing import Any

from sheets_sync import jsonio
from sheets_sync.errors import DataError
from sheets_sync.index import index_header, module_entry, module_summary
from sheets_sync.index_file import load_cache
from sheets_sync.models import Module
from sheets_sync.store import Store
from sheets_sync.sync.settled_file import module_digests
from sheets_sync.versions import natural_key


class LocalModules(Mapping[str, Module]):
    """Module id -> module, in natural order; :attr:`digests` holds each file's sha256 (what settled keys use)."""

    def __init__(self, store: Store) -> None:
        for path, message in store.entry_problems():
            raise DataError(message, path=path)
        records = load_cache(store).records
        self._store = store
        self._loaded: dict[str, Module] = {}
        self.digests = module_digests(store, store.module_ids())
        for module_id, digest in self.digests.items():
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

    def heatmap_index(self) -> dict[str, Any]:
        """The index of these modules, equal to ``build_index(self)``: for a module file whose content the index
        cache records, its entry and summary come from the index file and the cache (which describe that file as it
        is: :func:`~sheets_sync.index_file.load_cache`), so only the files changed since the last import or
        ``index`` are parsed; without a usable cache, every module is."""
        cache = load_cache(self._store)
        try:
            file_index = jsonio.parse_bytes(cache.index, self._store.index_path) if cache.index else {}
        except DataError:  # the cache vouched for these bytes; should they not parse, the modules are read
            file_index = {}
        listed = file_index.get("modules", {}) if isinstance(file_index, dict) else {}
        listed = listed if isinstance(listed, dict) else {}
        entries: dict[str, Any] = {}
        summaries = []
        for module_id, digest in self.digests.items():
            record = cache.records.get(module_id)
            if record is not None and record.sha256 == digest and module_id in listed:
                entries[module_id], summary = listed[module_id], record.summary
            else:
                module = self[module_id]
                entries[module_id], summary = module_entry(module), module_summary(module)
            summaries.append(summary)
        ordered = {module_id: entries[module_id] for module_id in sorted(entries, key=natural_key)}
        return {**index_header(summaries), "modules": ordered}

    @property
    def parsed(self) -> int:
        """How many module files this sync has parsed so far."""
        return len(self._loaded)

"""Writing ``data/heatmap_index.json`` (the I/O edge of the pure :mod:`sheets_sync.index`), and the cache that lets
the local commands skip the module files that have not changed.

The cache, ``<data dir>/.cache/index.json``, records for each module the sha256 of the module file's bytes, that
those bytes are a valid module, the module's :class:`~sheets_sync.index.ModuleSummary`, and the fingerprint of the index
file it goes with (whose line for the module is then the module's entry): the sha256 of its lines' sha256
(:class:`IndexLines`), so an import that patches one line of a 25 MB index hashes the file once, to check it, and
not again for the cache it writes. It is only ever a shortcut:

- keyed by content: ``index`` and ``validate`` hash every module file and parse and validate only those whose hash is
  not the recorded one, so a hand-edited file is never taken on trust. An import hashes only the files whose
  ``stat`` (size, mtime, ctime, inode) changed; ctime cannot be set back by hand, and a file changed less than
  :data:`RACY_SECONDS` before it was recorded is always hashed (the "racy git" rule);
- tied to the code: it names the sha256 of the package's core modules, so a new validation rule invalidates it;
- never trusted when anything is off: a missing, torn or corrupt cache, another format, another code, or an index
  file whose bytes are not the ones recorded all mean "no cache", and the next command rebuilds it;
- written in the same batch (:meth:`~sheets_sync.store.Store.batch`, the write-ahead journal) as the index and the
  module files it describes, staged after them: a killed writer's batch is rolled back (old index, old cache) or
  rolled forward (new index, new cache) by the next writer, and while it is unfinished a cache that landed before
  its index names index bytes that are not there, hence is ignored; ``validate`` only reads it;
- read strictly (:func:`sheets_sync.jsonio.parse_bytes`): a cache with a key twice is no cache either;
- invisible to git: its folder holds a ``.gitignore`` of ``*``, so ``git add data/`` never picks it up.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import sheets_sync
from sheets_sync import jsonio
from sheets_sync.errors import DataError
from sheets_sync.index import (
    ModuleSummary,
    encode_index_lines,
    entry_line,
    head_bytes,
    head_size,
    index_header,
    line_spans,
    module_entry,
    module_summary,
    splice_index,
    split_index,
)
from sheets_sync.models import Module, Problem
from sheets_sync.store import Store, gc_paused, module_problems_json
from sheets_sync.versions import natural_key

CACHE_FORMAT = 2
RACY_SECONDS = 2
"""A file whose mtime or ctime is this close to the moment its stat is recorded is hashed next time anyway: the file
system's clock ticks in milliseconds, so a second write in the same tick could leave the same stat behind."""

Stat = tuple[int, int, int, int]


@dataclass(frozen=True, kw_only=True)
class Record:
    """What the cache knows about one module file."""

    sha256: str
    stat: Stat | None
    summary: ModuleSummary


@dataclass(kw_only=True)
class IndexCache:
    """The records of the modules and the index file they describe (its bytes checked against the recorded
    fingerprint); empty when there is no usable cache."""

    records: dict[str, Record] = field(default_factory=dict)
    index: bytes | None = None
    lines: IndexLines | None = None
    """Where each line of ``index`` starts, and its sha256: what a patch of a few lines rehashes the rest from."""

    def module_lines(self) -> dict[str, bytes]:
        """Every module's line of the index file (splits the whole file: for the rare full rebuild)."""
        found = split_index(self.index) if self.index is not None else None
        return found or {}


@dataclass(frozen=True, kw_only=True)
class IndexLines:
    """The lines of an index file (each with its newline): their start offsets and their sha256 digests."""

    starts: list[int]
    digests: list[bytes]

    @classmethod
    def of(cls, data: bytes) -> IndexLines:
        view, starts, digests, at = memoryview(data), [], [], 0
        while at < len(data):
            end = data.find(b"\n", at) + 1 or len(data)
            starts.append(at)
            digests.append(hashlib.sha256(view[at:end]).digest())
            at = end
        return cls(starts=starts, digests=digests)

    def fingerprint(self) -> str:
        """sha256 of the line digests: a hash of the file's bytes (each line ends at a newline, so the lines tell
        where they end), which a patch of one line updates without hashing the other 25 MB again."""
        return _fingerprint(self.digests)

    def patched_fingerprint(
        self, old: bytes, new_head: bytes, spans: list[tuple[int, int, str]], lines: Mapping[str, bytes]
    ) -> str | None:
        """The fingerprint of :func:`~sheets_sync.index.splice_index` ``(old, ..., spans, lines)``, from these lines
        (those of ``old``) and the few lines it changed; None when ``old`` is not laid out as expected."""
        head = new_head.splitlines(keepends=True)
        if bisect.bisect_left(self.starts, head_size(old)) != len(head):
            return None  # not the header lines encode_index_lines writes
        digests = [hashlib.sha256(line).digest() for line in head] + self.digests[len(head) :]
        for start, end, module_id in spans:
            n = bisect.bisect_left(self.starts, start)
            if n == len(self.starts) or self.starts[n] != start:
                return None
            stop = self.starts[n + 1] if n + 1 < len(self.starts) else len(old)
            digests[n] = hashlib.sha256(lines[module_id] + old[end:stop]).digest()  # with its comma, newline
        return _fingerprint(digests)


def _fingerprint(digests: list[bytes]) -> str:
    return hashlib.sha256(b"".join(digests)).hexdigest()


@dataclass(kw_only=True)
class Scan:
    """Every module file's record and, when it is not the one the cached index file holds, its new index line."""

    lines: dict[str, bytes | None] = field(default_factory=dict)
    """None: the line the cached index already has for the module."""
    records: dict[str, Record] = field(default_factory=dict)
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    misnamed: dict[str, str] = field(default_factory=dict)
    """Module files holding another module (file name -> the module_id inside): refused by every writer."""
    parsed: int = 0

    def index_bytes(self, cache: IndexCache) -> bytes:
        """The index for these modules: the cached file patched where lines changed, else encoded whole."""
        return self.index_file(cache)[0]

    def index_file(self, cache: IndexCache) -> tuple[bytes, str]:
        """:meth:`index_bytes` and its fingerprint (:meth:`IndexLines.fingerprint`; when the cached file is patched,
        only the lines that changed are hashed)."""
        header = index_header(self.records[i].summary for i in self.lines)
        fresh = {i: line for i, line in self.lines.items() if line is not None}
        if cache.index is not None and self.lines.keys() == cache.records.keys():
            spans = line_spans(cache.index, fresh)
            if spans is not None:
                data = splice_index(cache.index, header, spans, fresh)
                found = None
                if cache.lines is not None:
                    found = cache.lines.patched_fingerprint(cache.index, head_bytes(header), spans, fresh)
                return data, found or IndexLines.of(data).fingerprint()
        kept = cache.module_lines() if len(fresh) < len(self.lines) else {}
        ids = sorted(self.lines, key=natural_key)
        data = encode_index_lines(header, [fresh.get(i) or kept[i] for i in ids])
        return data, IndexLines.of(data).fingerprint()

    def problems_in_order(self) -> list[tuple[str, list[Problem]]]:
        """The modules that are not valid, in natural order of their ids."""
        return sorted(self.problems.items(), key=lambda item: natural_key(item[0]))


# ------------------------------------------------------------------------------------------------ commands


def write_index(store: Store) -> bool:
    """Validate every module file (those unchanged since the cache was written: by their hash), then rewrite the
    index; False when it was already up to date. The first invalid module file stops it, nothing written."""
    with store.batch("index"), gc_paused():
        for path, message in store.entry_problems():  # a dangling symlink, a folder named *.json...
            raise DataError(message, path=path)
        cache = load_cache(store)
        scan = scan_modules(store, cache, trust_stat=False)
        for module_id, _ in scan.problems_in_order():
            store.load_module(module_id)  # raises the one-line error of the first invalid file
        return _write(store, cache, scan)


def update_index(
    store: Store, touched: Mapping[str, Module], warn: Callable[[str], None] | None = None
) -> bool:
    """Patch the index after ``touched`` modules were saved: their lines are rebuilt from memory, the other modules'
    lines are kept unless their file changed since the cache was written (then it is read again). A module file
    that is not valid keeps the line it had (or stays out of the index) and ``warn`` is told; ``validate`` lists
    its problems. Runs in the store's open batch (:meth:`Store.batch`: the modules and the index land together),
    else in one of its own; False when the index was already up to date."""
    with store.batch("index"), gc_paused():
        cache = load_cache(store)
        scan = scan_modules(store, cache, trust_stat=True, skip=set(touched))
        refuse_structure_problems(store, scan)
        for module_id, module in touched.items():
            scan.lines[module_id] = entry_line(module_id, module_entry(module))
            scan.records[module_id] = Record(
                sha256=_sha256(store.current_bytes(store.module_path(module_id))),
                stat=None,  # just written (or about to be, by the open batch): racy by definition
                summary=module_summary(module),
            )
        for module_id, problems in scan.problems_in_order():
            kept = module_id in cache.records
            if kept:
                scan.lines[module_id], scan.records[module_id] = None, cache.records[module_id]
            if warn is not None:
                warn(_kept_message(store, module_id, problems, kept))
        return _write(store, cache, scan)


def refuse_structure_problems(store: Store, scan: Scan | None = None) -> None:
    """Stop a writer at what is wrong with the data directory itself rather than with one module's content: an
    entry of ``modules/`` that is not a module file (a dangling symlink, one leading out of the data directory, a
    folder named ``*.json``) or a module file holding another module. A module file merely not valid elsewhere does
    not stop it (``validate`` lists it). ``scan``: one just made (else the files are checked by their stat first,
    through the cache)."""
    for path, message in store.entry_problems():
        raise DataError(message, path=path)
    misnamed = scan.misnamed if scan is not None else _misnamed(store)
    for module_id, inside in sorted(misnamed.items()):
        raise DataError(
            f"module_id {inside!r} does not match the file name",
            path=store.module_path(module_id),
            json_path="module_id",
        )


_MODULE_ID = re.compile(rb'"module_id"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _misnamed(store: Store) -> dict[str, str]:
    """Module files holding another module, found cheaply (no module validated): a file the cache saw valid under
    its name with the same stat, or whose bytes name its own id first, is not; any other is parsed to be sure."""
    cache, now, found = load_cache(store), time.time_ns(), {}
    for module_id, path in module_files(store):
        record = cache.records.get(module_id)
        try:
            if (
                record is not None
                and record.stat is not None
                and _stat_key(os.stat(path), now) == record.stat
            ):
                continue
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue  # unreadable: the commands that read it say so, `validate` lists it
        sniffed = _MODULE_ID.search(data)
        if sniffed is not None and sniffed.group(1) == module_id.encode():
            continue
        result = module_problems_json(data, Path(path))
        if isinstance(result, Module) and result.module_id != module_id:
            found[module_id] = result.module_id
    return found


def _write(store: Store, cache: IndexCache, scan: Scan) -> bool:
    """Stage the index, then the cache that describes it, in the open batch (they land in this order, after the
    module files: see the module docstring)."""
    data, fingerprint = scan.index_file(cache)
    changed = store.write_bytes(store.index_path, data, previous=cache.index)
    save_cache(store, scan.records, fingerprint)
    return changed


def _kept_message(store: Store, module_id: str, problems: list[Problem], kept: bool) -> str:
    json_path, message = problems[0]
    where = ": ".join(p for p in (str(store.module_path(module_id)), json_path, message) if p)
    what = "its index entry is kept as it was" if kept else "it is left out of the index"
    return f"{where}; {what} (`sheets-sync validate` lists the problems)"


# ------------------------------------------------------------------------------------------------ scanning


def scan_modules(store: Store, cache: IndexCache, *, trust_stat: bool, skip: Iterable[str] = ()) -> Scan:
    """Every module file but ``skip``: from the cache when its bytes (or, with ``trust_stat``, its stat) are the
    recorded ones, else parsed and validated."""
    scan, skipped, now = Scan(), set(skip), time.time_ns()
    for module_id, path in module_files(store):
        if module_id not in skipped:
            _scan_one(cache, scan, module_id, path, trust_stat, now)
    return scan


def module_files(store: Store) -> list[tuple[str, str]]:
    """(module id, path) of the module files, in directory order: :meth:`Store.module_ids` in one directory read,
    without sorting 2,000 ids by their natural key when the order does not matter."""
    try:
        entries = list(os.scandir(store.modules_dir))
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = [
        (e.name[:-5], e.path)
        for e in entries
        if e.name.endswith(".json") and not e.name.startswith(".") and e.is_file()
    ]
    return found


def _scan_one(cache: IndexCache, scan: Scan, module_id: str, path: str, trust_stat: bool, now: int) -> None:
    record = cache.records.get(module_id)
    try:
        unchanged_stat = trust_stat and record is not None and record.stat is not None
        if unchanged_stat and record is not None and _stat_key(os.stat(path), now) == record.stat:
            scan.lines[module_id], scan.records[module_id] = None, record
            return
        with open(path, "rb") as handle:
            stat = _stat_key(os.fstat(handle.fileno()), now)
            data = handle.read()
    except OSError as exc:
        scan.problems[module_id] = [("", f"cannot read: {exc.strerror}")]
        return
    sha = _sha256(data)
    if record is not None and record.sha256 == sha:
        scan.lines[module_id] = None
        scan.records[module_id] = record if record.stat == stat else replace(record, stat=stat)
        return
    scan.parsed += 1
    result = module_problems_json(data, Path(path))
    if not isinstance(result, Module):
        scan.problems[module_id] = result
    elif result.module_id != module_id:
        scan.problems[module_id] = [("module_id", f"{result.module_id!r} does not match the file name")]
        scan.misnamed[module_id] = result.module_id
    else:
        scan.lines[module_id] = entry_line(module_id, module_entry(result))
        scan.records[module_id] = Record(sha256=sha, stat=stat, summary=module_summary(result))


def _stat_key(st: os.stat_result, now: int) -> Stat | None:
    if max(st.st_mtime_ns, st.st_ctime_ns) > now - RACY_SECONDS * 1_000_000_000:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------------ the cache file
#
# One JSON document (parsed in one call): {"format", "code", "index_lines_sha256",
#   "modules": {"<module id>": [sha256, stat or null, models, versions, newest or null]}}


def cache_path(store: Store) -> Path:
    return store.cache_dir / "index.json"


@lru_cache(maxsize=2)
def code_fingerprint(sources: str = "*.py") -> str:
    """sha256 of the package's version and of its source files matching ``sources`` (a glob below the package):
    by default its core modules (models, index, stats...), what decides validity and index entries; the sync's
    settled record takes every module (``**/*.py``), since all of them decide a plan."""
    root = Path(sheets_sync.__file__).parent
    digest = hashlib.sha256(sheets_sync.__version__.encode())
    for source in sorted(root.glob(sources)):
        digest.update(str(source.relative_to(root)).encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def load_cache(store: Store) -> IndexCache:
    """The cache, when it is whole, made by this code, and describes the index file as it is now; else empty."""
    try:
        raw = jsonio.parse_bytes(cache_path(store).read_bytes(), cache_path(store))
        if raw["format"] != CACHE_FORMAT or raw["code"] != code_fingerprint():
            return IndexCache()
        index = store.index_path.read_bytes()
        lines = IndexLines.of(index)
        if raw["index_lines_sha256"] != lines.fingerprint():
            return IndexCache()
        records = {module_id: _record(*data) for module_id, data in raw["modules"].items()}
    except (OSError, DataError, ValueError, TypeError, KeyError, AttributeError):
        return IndexCache()  # missing, torn, corrupt or foreign: rebuilt by the next command that writes
    return IndexCache(records=records, index=index, lines=lines)


def _record(sha: Any, stat: Any, models: Any, versions: Any, newest: Any) -> Record:
    """A record as :func:`save_cache` wrote it; TypeError/ValueError on anything else."""
    # Types checked a set at a time (2,000 records per import): `type(x) is str`, so a subclass or a bool fails too.
    if type(models) is not list or type(versions) is not list or not (newest is None or type(newest) is list):
        raise TypeError("not a cache record")
    strings = {type(sha), *map(type, models), *map(type, versions), *map(type, newest or ())}
    if strings != {str} or not (newest is None or len(newest) == 3):
        raise TypeError("not a cache record")
    if not (stat is None or (len(stat) == 4 and set(map(type, stat)) == {int})):
        raise TypeError("not a cache record")
    summary = ModuleSummary(
        models=tuple(models), versions=tuple(versions), newest=tuple(newest) if newest else None
    )
    return Record(sha256=sha, stat=tuple(stat) if stat else None, summary=summary)


def save_cache(store: Store, records: Mapping[str, Record], index_fingerprint: str) -> None:
    """Write the cache for the index of this fingerprint (:meth:`IndexLines.fingerprint`; under the writer lock,
    after the index itself)."""
    modules = {
        module_id: [r.sha256, r.stat, r.summary.models, r.summary.versions, r.summary.newest]
        for module_id, r in records.items()
    }
    document = {"format": CACHE_FORMAT, "code": code_fingerprint(), "index_lines_sha256": index_fingerprint}
    text = json.dumps({**document, "modules": modules}, separators=(",", ":"), sort_keys=True)
    store.write_cache(cache_path(store).name, text.encode() + b"\n")

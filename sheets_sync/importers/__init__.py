"""Batch import of result files into the local mirror: ``sheets-sync import PATH...``.

All or nothing: every file is read, validated and merged in memory first (in the order given; a folder's files
sorted by path), then every changed module and the heatmap index are written in one batch (:meth:`Store.batch`:
a run killed at any moment leaves the old files or all the new ones). A module
created by an earlier file of the batch is known to later ones. When any file is bad, nothing is written and the
error names the file and the JSON path of the field.

Only the modules the files name are read (and validated: a broken one stops the import); the index is patched for
them (:func:`sheets_sync.index_file.update_index`), so the cost follows the change, not the data directory, and a
broken module file elsewhere does not block an import (``validate`` still reports it).

A pipe (``import <(jq ... run.json)``, ``/dev/stdin``) is read like a file, but its name (``63`` of ``/dev/fd/63``)
means nothing: the run's ``source.file`` is recorded as ``<pipe>``, and a pipe carrying the very bytes (same
sha256) of a run already imported leaves it "unchanged", keeping the file name it was imported under.

Formats live in sibling modules (:mod:`.promptfoo`, :mod:`.judge`); see :mod:`.base` to add one.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from sheets_sync.errors import DataError, ImportFileError
from sheets_sync.importers.base import Importer, ParsedRun
from sheets_sync.importers.judge import JudgeImporter
from sheets_sync.importers.merge import ImportStatus, merge_run
from sheets_sync.importers.promptfoo import PromptfooImporter
from sheets_sync.index_file import update_index
from sheets_sync.models import Module, describe_validation_error
from sheets_sync.store import Store, gc_paused, problem_error

__all__ = [
    "IMPORTERS",
    "MAX_FILE_BYTES",
    "ImportResult",
    "ImportStatus",
    "expand_paths",
    "import_paths",
    "json_files",
    "write_runs",
]

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Larger files are refused before reading: a judge file of 50-5,000 samples is kilobytes to a few megabytes, and
reading a mistaken multi-GB file into memory would take the machine down with it."""

IMPORTERS: list[Importer] = [PromptfooImporter(), JudgeImporter()]
"""Tried in order; the first that accepts a file reads it."""

Progress = Callable[[int, int], None]
"""Called with (files done, files in all) after each file is read and merged in memory."""


@dataclass(frozen=True)
class ImportResult:
    """What happened to one run of a file (a judge file holds one run; other formats may hold several)."""

    path: Path
    module_id: str
    experiment_id: str
    status: ImportStatus
    pass_rate: float | None
    match_rate: float | None
    module_created: bool = False
    source_format: str | None = None


def import_paths(
    store: Store,
    paths: Iterable[Path],
    progress: Progress | None = None,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    importers: Sequence[Importer] = IMPORTERS,
    warn: Callable[[str], None] | None = None,
    new_module: bool = False,
    dry_run: bool = False,
) -> list[ImportResult]:
    """Import files and folders into ``store`` all or nothing, then patch the index; one result per run, in file
    order. ``importers`` are tried in order on each file (the first that accepts it reads it). ``warn`` hears of
    module files elsewhere that are not valid (their index entry is kept as it was).

    A module id that is new but looks like an existing one (:func:`id_lookalike`) stops the import unless
    ``new_module``; ``dry_run`` reads, checks and merges everything and writes nothing.
    """
    files = expand_paths(paths)
    if dry_run:  # reads only, like validate: no lock, so a new data directory is not created either
        with gc_paused():
            modules = TouchedModules(store)
            runs = _read_all(modules, files, progress, max_bytes, importers)
            return merge_runs(store, modules, runs, new_module=new_module)[0]
    with store.batch("import"), gc_paused():
        modules = TouchedModules(store)
        runs = _read_all(modules, files, progress, max_bytes, importers)
        results = write_runs(store, modules, runs, warn, new_module=new_module)
    return results


def write_runs(
    store: Store,
    modules: dict[str, Module],
    runs: Iterable[ParsedRun],
    warn: Callable[[str], None] | None = None,
    *,
    new_module: bool = True,
) -> list[ImportResult]:
    """Merge ``runs`` into ``modules`` (loaded under the store's lock: every module, or a :class:`TouchedModules`
    that reads each on first use), then write each changed module and patch the index, all in one batch
    (:meth:`Store.batch`; the caller's, when it has one open). All or nothing: every run is merged and every changed
    module validated before the first write, and a run killed at any moment leaves the old files or all the new
    ones. ``new_module``: False stops at a new module id that looks like an existing one (:func:`id_lookalike`)."""
    with store.batch("import"):
        results, changed = merge_runs(store, modules, runs, new_module=new_module)
        for module_id in sorted(changed):
            store.save_module(modules[module_id])
        update_index(store, {module_id: modules[module_id] for module_id in sorted(changed)}, warn)
    return results


def merge_runs(
    store: Store, modules: dict[str, Module], runs: Iterable[ParsedRun], *, new_module: bool = True
) -> tuple[list[ImportResult], set[str]]:
    """Merge ``runs`` into ``modules`` in memory (each changed module validated again); the results and the ids of
    the changed modules. Writes nothing."""
    results: list[ImportResult] = []
    changed: set[str] = set()
    for run in runs:
        if not new_module and modules.get(run.module_id) is None:
            _refuse_lookalike(run, store, modules)
        changed |= _move_from_other_module(modules, run)
        results.append(_merge_one(modules, run))
    changed |= {r.module_id for r in results if r.status is not ImportStatus.UNCHANGED}
    for module_id in sorted(changed):
        modules[module_id] = _revalidated(modules[module_id], store.module_path(module_id))
    return results, changed


def id_key(module_id: str) -> str:
    """What two module ids typed by hand share when one is a typo of the other: case folded, leading zeros of
    numbers dropped (``M01``, ``m1`` and ``m01`` share ``m1``; ``m01a`` is ``m1a``, another module)."""
    return re.sub(r"\d+", lambda number: str(int(number.group())), module_id.casefold())


def id_lookalike(module_id: str, known: Iterable[str]) -> str | None:
    """An existing module id that ``module_id`` (a new one) is probably a typo of, or None."""
    key = id_key(module_id)
    return next((other for other in known if other != module_id and id_key(other) == key), None)


class TouchedModules(dict[str, Module]):
    """The modules a batch has named so far: each read (and validated) from its file on first use, so an import
    reads only the modules it touches. A module that does not exist yet is None until a file creates it."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store

    def get(self, module_id: str, default: Module | None = None) -> Module | None:  # type: ignore[override]
        if module_id not in self:
            if not self._store.has_module(module_id):
                return default
            self[module_id] = self._store.load_module(module_id)
        return self[module_id]

    def holding(self, external_id: str) -> list[str]:
        """The modules that may hold a run with this external id: the ones read so far, and each other module
        file whose bytes contain the id as JSON writes it (a cheap scan; the caller checks the parsed module)."""
        needles = {json.dumps(external_id, ensure_ascii=flag)[1:-1].encode() for flag in (True, False)}
        found = list(self)
        for module_id in self._store.module_ids():
            if module_id in self:
                continue
            try:
                data = self._store.module_path(module_id).read_bytes()
            except OSError:
                continue
            if any(needle in data for needle in needles):
                found.append(module_id)
        return found


def _read_all(
    modules: dict[str, Module],
    files: list[Path],
    progress: Progress | None,
    max_bytes: int,
    importers: Sequence[Importer],
) -> Iterator[ParsedRun]:
    """Every run of every file, lazily: a file is read once the runs of the files before it are merged, so a
    module an earlier file creates is known to later ones."""
    for done, path in enumerate(files, start=1):
        yield from read_runs(path, modules.get, max_bytes, importers)
        if progress is not None:
            progress(done, len(files))


def _move_from_other_module(modules: dict[str, Module], run: ParsedRun) -> set[str]:
    """A run already stored under another module (its source now names another module) leaves that module: it
    is the same run, so it must not be counted twice. Experiment rows hold no PM text, so nothing typed is lost.
    The ids of the modules it left."""
    external = run.experiment.external_id
    if external is None:
        return set()
    left = set()
    candidates = modules.holding(external) if isinstance(modules, TouchedModules) else list(modules)
    for module_id in candidates:
        module = modules.get(module_id)
        if module is None or module_id == run.module_id:
            continue
        if any(e.external_id == external for e in module.experiments):
            kept = [e for e in module.experiments if e.external_id != external]
            modules[module_id] = module.model_copy(update={"experiments": kept})
            left.add(module_id)
    return left


def read_runs(
    path: Path,
    lookup: Callable[[str], Module | None],
    max_bytes: int = MAX_FILE_BYTES,
    importers: Sequence[Importer] = IMPORTERS,
) -> list[ParsedRun]:
    """Read one file with the first importer that accepts it; the size is checked before reading."""
    data = _read_bytes(path, max_bytes)
    importer = next((i for i in importers if i.accepts(data, path)), None)
    if importer is None:
        formats = ", ".join(i.format for i in importers)
        raise ImportFileError(f"not a format sheets-sync imports ({formats})", path=path)
    runs = importer.read(data, path, lookup)
    if not runs:
        raise ImportFileError(f"no run to import in this {importer.format} file", path=path)
    return runs


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; a regular file is measured before reading, a pipe (``import <(jq ... f)``) is read up to
    one byte past the limit, so neither can fill the memory."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise ImportFileError(
                    f"file is {size:,} bytes, more than the {max_bytes:,} allowed", path=path
                )
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ImportFileError(f"cannot read: {exc.strerror}", path=path) from None
    if len(data) > max_bytes:
        raise ImportFileError(f"more than the {max_bytes:,} bytes allowed", path=path)
    return data


def _refuse_lookalike(run: ParsedRun, store: Store, modules: Mapping[str, Module | None]) -> None:
    """Stop at a new module id that looks like one present (a file of the data directory, or one created by an
    earlier run of this batch)."""
    known = [*store.module_ids(), *(i for i, m in modules.items() if m is not None)]
    existing = id_lookalike(run.module_id, known)
    if existing is not None:
        raise ImportFileError(
            f"module {run.module_id!r} does not exist, but {existing!r} does: a typo? Fix the file, or give "
            "--new-module to create it anyway",
            path=run.path,
            json_path="module_id",
        )


def _merge_one(modules: dict[str, Module], run: ParsedRun) -> ImportResult:
    module, created = _module_for(modules, run)
    merged = merge_run(module, run)
    modules[run.module_id] = merged.module
    metrics = merged.experiment.metrics
    status = ImportStatus.NEW if created else merged.status
    source = run.experiment.source
    return ImportResult(
        run.path,
        run.module_id,
        merged.experiment.id,
        status,
        metrics.pass_rate,
        metrics.match_rate,
        created,
        source.format if source else None,
    )


def _module_for(modules: Mapping[str, Module], run: ParsedRun) -> tuple[Module, bool]:
    """The run's module, or a new one when the file names it; (module, created)."""
    module = modules.get(run.module_id)
    if module is None:
        if not run.module_name:
            raise ImportFileError(
                f"module {run.module_id!r} does not exist yet; {run.create_hint}",
                path=run.path,
                json_path="module_name" if run.create_hint.startswith("give module_name") else None,
            )
        return Module(
            module_id=run.module_id, module_name=run.module_name, primary_rubric=run.primary_rubric
        ), True
    if run.module_name and run.module_name != module.module_name:
        raise ImportFileError(
            f"{run.module_name!r} is not the name of module {run.module_id} ({module.module_name!r}); "
            "wrong module_id, or rename the module in its file first",
            path=run.path,
            json_path="module_name",
        )
    return module, False


def _revalidated(module: Module, path: Path) -> Module:
    """Run the module-level checks once on a merged module (duplicate ids, match rates)."""
    try:
        return Module.model_validate(dict(module))
    except ValidationError as exc:
        raise problem_error(describe_validation_error(exc), path, DataError) from None


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders as their ``*.json`` files (recursively, sorted by path, dot files skipped).

    A file named twice is imported once, at its first place.
    """
    files: list[Path] = []
    seen: set[Path] = set()
    for path in map(Path, paths):
        for file in _files_of(path):
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    if not files:
        raise ImportFileError("nothing to import: give judge files or folders holding them")
    return files


def _files_of(path: Path) -> list[Path]:
    try:
        if path.is_dir():
            found = json_files(path)
            if not found:
                raise ImportFileError("no .json files in this folder", path=path)
            return found
        if not path.exists():
            raise ImportFileError("no such file or folder", path=path)
    except OSError as exc:  # a name too long, a folder we may not list...
        raise ImportFileError(f"cannot read: {exc.strerror}", path=path) from None
    return [path]


def json_files(folder: Path) -> list[Path]:
    """A folder's ``*.json`` files, recursively, sorted by path; dot files and dot folders (editor backups,
    ``.sync/``) skipped. Empty when there are none or the folder does not exist."""
    found = [
        p
        for p in folder.rglob("*.json")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(found, key=lambda p: p.as_posix())

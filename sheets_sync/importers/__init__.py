"""Batch import of result files into the local mirror: ``sheets-sync import PATH...``.

All or nothing: every file is read, validated and merged in memory first (in the order given; a folder's files
sorted by path), then every changed module and the heatmap index are written in one batch (:meth:`Store.batch`:
a run killed at any moment leaves the old files or all the new ones). A module
created by an earlier file of the batch is known to later ones. When any file is bad, nothing is written and the
error names the file and the JSON path of the field.

A pipe (``import <(jq ... run.json)``, ``/dev/stdin``) is read like a file, but its name (``63`` of ``/dev/fd/63``)
means nothing: the run's ``source.file`` is recorded as ``<pipe>``, and a pipe carrying the very bytes (same
sha256) of a run already imported leaves it "unchanged", keeping the file name it was imported under.

Formats live in sibling modules (:mod:`.judge` today); see :mod:`.base` to add one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from sheets_sync.errors import DataError, ImportFileError
from sheets_sync.importers.base import Importer, ParsedRun
from sheets_sync.importers.judge import JudgeImporter
from sheets_sync.importers.merge import ImportStatus, merge_run
from sheets_sync.index import build_index
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
]

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Larger files are refused before reading: a judge file of 50-5,000 samples is kilobytes to a few megabytes, and
reading a mistaken multi-GB file into memory would take the machine down with it."""

IMPORTERS: list[Importer] = [JudgeImporter()]
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


def import_paths(
    store: Store,
    paths: Iterable[Path],
    progress: Progress | None = None,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    importers: Sequence[Importer] = IMPORTERS,
    new_module: bool = False,
    dry_run: bool = False,
) -> list[ImportResult]:
    """Import files and folders into ``store`` all or nothing, then rebuild the index; one result per run, in file
    order. ``importers`` are tried in order on each file (the first that accepts it reads it).

    A module id that is new but looks like an existing one (:func:`id_lookalike`) stops the import unless
    ``new_module``; ``dry_run`` reads, checks and merges everything and writes nothing.
    """
    files = expand_paths(paths)
    if dry_run:  # reads only, like validate: no lock, so a new data directory is not created either
        with gc_paused():
            return _merged(store, files, progress, max_bytes, importers, new_module)[1]
    with store.batch("import") as batch, gc_paused():
        modules, results, changed = _merged(store, files, progress, max_bytes, importers, new_module)
        index = build_index(modules)
        for module_id in sorted(changed):
            batch.write_json(store.module_path(module_id), modules[module_id].to_json_dict())
        batch.write_json(store.index_path, index)
    return results


def _merged(
    store: Store,
    files: list[Path],
    progress: Progress | None,
    max_bytes: int,
    importers: Sequence[Importer],
    new_module: bool,
) -> tuple[dict[str, Module], list[ImportResult], set[str]]:
    """Every module after merging every file in memory (validated again), the results and the changed ids."""
    # Every module is loaded (so validated) up front: the index rebuilt at the end needs them all, and a broken
    # module file must stop the import before anything is written, not halfway through.
    modules = store.load_all()
    results = _merge_all(modules, files, progress, max_bytes, importers, new_module)
    changed = {r.module_id for r in results if r.status is not ImportStatus.UNCHANGED}
    for module_id in sorted(changed):
        modules[module_id] = _revalidated(modules[module_id], store.module_path(module_id))
    return modules, results, changed


def id_key(module_id: str) -> str:
    """What two module ids typed by hand share when one is a typo of the other: case folded, leading zeros of
    numbers dropped (``M01``, ``m1`` and ``m01`` share ``m1``; ``m01a`` is ``m1a``, another module)."""
    return re.sub(r"\d+", lambda number: str(int(number.group())), module_id.casefold())


def id_lookalike(module_id: str, known: Iterable[str]) -> str | None:
    """An existing module id that ``module_id`` (a new one) is probably a typo of, or None."""
    key = id_key(module_id)
    return next((other for other in known if other != module_id and id_key(other) == key), None)


def _merge_all(
    modules: dict[str, Module],
    files: list[Path],
    progress: Progress | None,
    max_bytes: int,
    importers: Sequence[Importer],
    new_module: bool,
) -> list[ImportResult]:
    results = []
    for done, path in enumerate(files, start=1):
        for run in read_runs(path, modules.get, max_bytes, importers):
            if run.module_id not in modules and not new_module:
                _refuse_lookalike(run, modules)
            results.append(_merge_one(modules, run))
        if progress is not None:
            progress(done, len(files))
    return results


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


def _refuse_lookalike(run: ParsedRun, modules: Mapping[str, Module]) -> None:
    existing = id_lookalike(run.module_id, modules)
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
    return ImportResult(
        run.path, run.module_id, merged.experiment.id, status, metrics.pass_rate, metrics.match_rate, created
    )


def _module_for(modules: Mapping[str, Module], run: ParsedRun) -> tuple[Module, bool]:
    """The run's module, or a new one when the file names it; (module, created)."""
    module = modules.get(run.module_id)
    if module is None:
        if not run.module_name:
            raise ImportFileError(
                f"module {run.module_id!r} does not exist yet; give module_name to create it",
                path=run.path,
                json_path="module_name",
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

"""``sheets-sync validate``: check every file of a data directory and collect EVERY problem, not just the first.

Hand-editing module files (descriptions, suggestions) is a supported workflow; this is its safety net. Checked:
each ``modules/*.json`` (format, counts, rates, ids, file name = module_id), each result file under
``judge_results/`` (judge files and promptfoo exports: what can be checked without importing it), and that
``heatmap_index.json`` is exactly what ``sheets-sync index`` would write (checked only when every module is valid,
since a stale verdict needs them all).

Files whose sha256 is the one the cache recorded as valid (:mod:`sheets_sync.index_file`) are not parsed again;
every file is still read and hashed, so a hand edit is always seen. Nothing is written, the cache included.

Also reported: a batch of writes a killed command committed but did not finish (:mod:`sheets_sync.journal`; the
next command that writes finishes it, e.g. ``sheets-sync index``), entries of ``modules/`` that are not module files
(dangling symlinks, symlinks out of the data directory, folders named ``*.json``), and a data directory without
``modules/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sheets_sync.errors import DataError
from sheets_sync.importers import MAX_FILE_BYTES, json_files
from sheets_sync.importers.judge import judge_file_problems
from sheets_sync.importers.promptfoo import PromptfooImporter, promptfoo_export_problems
from sheets_sync.index_file import IndexCache, Scan, load_cache, scan_modules
from sheets_sync.store import Store, gc_paused
from sheets_sync.sync.base_file import load_base
from sheets_sync.sync.pending import load_pending

_PROMPTFOO = PromptfooImporter()


@dataclass(frozen=True)
class Problem:
    """One problem: the file, the JSON path inside it (None for the whole file) and what is wrong."""

    path: Path
    json_path: str | None
    message: str

    def __str__(self) -> str:
        return ": ".join(str(part) for part in (self.path, self.json_path, self.message) if part)


def validate_data_dir(store: Store) -> list[Problem]:
    """Every problem found in the data directory, file by file in a stable order; empty when all is well."""
    if not store.modules_dir.is_dir():
        return [
            Problem(store.modules_dir, None, "no modules/ folder: this is not a sheets-sync data directory")
        ]
    batches = check_batches(store)
    with gc_paused():
        cache = load_cache(store)
        scan = scan_modules(store, cache, trust_stat=False)
        module_problems = check_modules(store, scan)
        index_problems = [] if module_problems or batches else check_index(store, cache, scan)
        return (
            batches + module_problems + check_judge_files(store) + check_sync_records(store) + index_problems
        )


def check_modules(store: Store, scan: Scan) -> list[Problem]:
    """Entries of ``modules/`` that are not module files, then the problems of the module files (the scan's)."""
    bad_entries = store.entry_problems()
    problems = [Problem(path, None, message) for path, message in bad_entries]
    skipped = {path for path, _message in bad_entries}
    problems += [
        Problem(store.module_path(module_id), json_path or None, message)
        for module_id, found in scan.problems_in_order()
        if store.module_path(module_id) not in skipped
        for json_path, message in found
    ]
    return problems


def check_sync_records(store: Store) -> list[Problem]:
    """Base snapshots and pending sync records that cannot be read (a sync or a ``suggest`` would refuse them)."""
    problems = []
    for path in sorted(store.sync_dir.glob("*.json")) if store.sync_dir.is_dir() else []:
        try:
            load_base(store, path.stem)
        except DataError as exc:
            problems.append(Problem(path, exc.json_path, exc.detail))
    for path in sorted(store.sync_dir.glob("pending/*.json")) if store.sync_dir.is_dir() else []:
        try:
            load_pending(store, path.stem)
        except DataError as exc:
            problems.append(Problem(path, exc.json_path, exc.detail))
    return problems


def check_batches(store: Store) -> list[Problem]:
    """Batches of writes a killed command committed and did not finish (``index`` or any other writer finishes
    them before it does anything else)."""
    return [
        Problem(
            batch.folder,
            None,
            f"an interrupted `{batch.command}` left {len(batch.targets)} file(s) half written; "
            "run `sheets-sync index` to finish it",
        )
        for batch in store.interrupted()
    ]


def check_judge_files(store: Store) -> list[Problem]:
    """Problems of the raw result files kept in ``judge_results/``, each read as the format ``import`` would read it
    as (judge files: format and file name rule; promptfoo exports: structure, verdicts, counts)."""
    problems: list[Problem] = []
    root = store.judge_results_dir
    if not root.is_dir():
        return problems
    for path in json_files(root):  # the files `import judge_results/` would read
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(Problem(path, None, f"larger than the {MAX_FILE_BYTES:,} bytes import accepts"))
            continue
        data = _read(path, problems)
        if data is not None:
            check = promptfoo_export_problems if _PROMPTFOO.accepts(data, path) else judge_file_problems
            problems += [Problem(path, jp or None, message) for jp, message in check(data, path)]
    return problems


def _read(path: Path, problems: list[Problem]) -> bytes | None:
    """The file's bytes, or None after noting why it cannot be read (validate lists problems, it does not stop)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        problems.append(Problem(path, None, f"cannot read: {exc.strerror}"))
        return None


def check_index(store: Store, cache: IndexCache, scan: Scan) -> list[Problem]:
    """Whether heatmap_index.json holds exactly what ``sheets-sync index`` would write now."""
    path = store.index_path
    if not path.exists():
        return [Problem(path, None, "missing; run `sheets-sync index`")] if scan.lines else []
    # The bytes the cache was checked against, when it was: validate takes no lock, so read the file once.
    current = cache.index if cache.index is not None else path.read_bytes()
    if current != scan.index_bytes(cache):
        return [Problem(path, None, "stale: not what the module files give; run `sheets-sync index`")]
    return []

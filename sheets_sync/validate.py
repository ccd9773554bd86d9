"""``sheets-sync validate``: check every file of a data directory and collect EVERY problem, not just the first.

Hand-editing module files (descriptions, suggestions) is a supported workflow; this is its safety net. Checked:
each ``modules/*.json`` (format, counts, rates, ids, file name = module_id), each judge file under
``judge_results/`` (what can be checked without importing it), and that ``heatmap_index.json`` is exactly what
``sheets-sync index`` would write (checked only when every module is valid, since a stale verdict needs them all).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sheets_sync import jsonio
from sheets_sync.importers import MAX_FILE_BYTES
from sheets_sync.importers.judge import judge_file_problems
from sheets_sync.index import build_index
from sheets_sync.models import Module
from sheets_sync.store import Store, gc_paused, module_problems_json


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
    with gc_paused():
        modules, module_problems = check_modules(store)
        index_problems = [] if module_problems else check_index(store, modules)
        return module_problems + check_judge_files(store) + index_problems


def check_modules(store: Store) -> tuple[dict[str, Module], list[Problem]]:
    """The valid modules and the problems of the others."""
    modules: dict[str, Module] = {}
    problems: list[Problem] = []
    for module_id in store.module_ids():
        path = store.module_path(module_id)
        result = module_problems_json(path.read_bytes())
        if isinstance(result, Module):
            if result.module_id == module_id:
                modules[module_id] = result
            else:
                problems.append(
                    Problem(path, "module_id", f"{result.module_id!r} does not match the file name")
                )
        else:
            problems += [Problem(path, json_path, message) for json_path, message in result]
    return modules, problems


def check_judge_files(store: Store) -> list[Problem]:
    """Problems of the raw judge files kept in ``judge_results/`` (format and file name rule)."""
    problems: list[Problem] = []
    root = store.judge_results_dir
    if not root.is_dir():
        return problems
    for path in sorted(root.rglob("*.json"), key=lambda p: p.as_posix()):
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(Problem(path, None, f"larger than the {MAX_FILE_BYTES:,} bytes import accepts"))
            continue
        problems += [
            Problem(path, jp or None, message) for jp, message in judge_file_problems(path.read_bytes(), path)
        ]
    return problems


def check_index(store: Store, modules: dict[str, Module]) -> list[Problem]:
    """Whether heatmap_index.json holds exactly what ``sheets-sync index`` would write now."""
    path = store.index_path
    if not path.exists():
        return [Problem(path, None, "missing; run `sheets-sync index`")] if modules else []
    if path.read_bytes() != jsonio.dumps(build_index(modules)).encode("utf-8"):
        return [Problem(path, None, "stale: not what the module files give; run `sheets-sync index`")]
    return []

"""``sheets-sync reconcile``: the git side. Reads both sides of a merge of the data directory from git, merges them
with :mod:`sheets_sync.reconcile`, writes the results and stages them (``git add``).

The two sides are ``HEAD`` and ``MERGE_HEAD`` while a merge is in progress (``git pull`` stopped on conflicts), or
the two parents of ``HEAD`` when it is a merge commit (git merged cleanly; reconcile then checks and repairs what a
line-by-line merge cannot see, such as one id given to two suggestions). Their common ancestor is
``git merge-base``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sheets_sync import jsonio
from sheets_sync.errors import DataError, SheetsSyncError
from sheets_sync.index import build_index, encode_index
from sheets_sync.models import Module, describe_validation_error
from sheets_sync.reconcile import Sides, merge_bases, merge_module
from sheets_sync.store import Store
from sheets_sync.sync.base import Base
from sheets_sync.sync.base_file import save_base


class GitError(SheetsSyncError):
    """git is missing, the data directory is not in a repository, or there is no merge to reconcile."""


@dataclass
class ReconcileResult:
    modules: list[str] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)
    renumbered: list[str] = field(default_factory=list)
    other_conflicts: list[str] = field(default_factory=list)
    index: bool = False


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (reconcile reads both sides of a merge from git)") from None
    if check and done.returncode != 0:
        raise GitError(
            f"git {' '.join(args)}: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'failed'}"
        )
    return done


@dataclass(frozen=True)
class _Merge:
    root: Path
    ours: str
    theirs: str
    ancestor: str | None

    def show(self, rev: str | None, path: str) -> Any:
        if rev is None:
            return None
        done = _git(self.root, "show", f"{rev}:{path}", check=False)
        if done.returncode != 0:
            return None
        try:
            return jsonio.parse_bytes(done.stdout.encode("utf-8"), path)
        except DataError as exc:
            raise DataError(f"in {rev}: {exc.detail}", path=path, json_path=exc.json_path) from None

    def names(self, rev: str | None, folder: str) -> set[str]:
        if rev is None:
            return set()
        listed = _git(self.root, "ls-tree", "--name-only", f"{rev}:{folder}", check=False).stdout.split()
        return {name for name in listed if name.endswith(".json") and not name.startswith(".")}


def _find_merge(store: Store) -> tuple[_Merge, str]:
    data_dir = store.data_dir.resolve()
    if not data_dir.is_dir():
        raise GitError(f"{store.data_dir}: no such data directory")
    top = _git(data_dir, "rev-parse", "--show-toplevel", check=False)
    if top.returncode != 0:
        raise GitError(f"{store.data_dir} is not inside a git repository")
    root = Path(top.stdout.strip())
    relative = data_dir.relative_to(root.resolve()).as_posix()
    if _git(root, "rev-parse", "-q", "--verify", "MERGE_HEAD", check=False).returncode == 0:
        ours, theirs = "HEAD", "MERGE_HEAD"
    elif _git(root, "rev-parse", "-q", "--verify", "HEAD^2", check=False).returncode == 0:
        ours, theirs = "HEAD^1", "HEAD^2"
    else:
        raise GitError("no merge to reconcile: no merge in progress and HEAD is not a merge commit")
    _check_clean(root, relative, merging=ours == "HEAD")
    base = _git(root, "merge-base", ours, theirs, check=False)
    ancestor = base.stdout.strip() if base.returncode == 0 and base.stdout.strip() else None
    return _Merge(root, ours, theirs, ancestor), relative


def _check_clean(root: Path, data: str, *, merging: bool) -> None:
    """Reconcile rewrites data/ from both sides of the merge: edits made since (other than git's conflict markers)
    would be lost, so it refuses to run over them."""
    unmerged = set(_git(root, "diff", "--name-only", "--diff-filter=U", "--", data).stdout.split())
    if merging:
        changed = set(_git(root, "diff", "--name-only", "--", data).stdout.split()) - unmerged
    else:
        changed = {line[3:] for line in _git(root, "status", "--porcelain", "--", data).stdout.splitlines()}
    changed = {
        path for path in changed if not path.endswith(".lock") and "/.sheets-sync-tmp/" not in f"/{path}"
    }
    if changed:
        raise GitError(
            f"{', '.join(sorted(changed)[:3])}: changed since the merge and not committed; reconcile rewrites "
            f"{data}/ from both sides of the merge: commit or stash those changes first"
        )


def reconcile(store: Store) -> ReconcileResult:
    """Merge module files and base snapshots of both sides of the merge; write and stage them."""
    merge, data = _find_merge(store)
    result = ReconcileResult()
    sync_names = merge.names(merge.ours, f"{data}/.sync") | merge.names(merge.theirs, f"{data}/.sync")
    if len(sync_names) > 1:
        raise GitError(
            f"{data}/.sync holds base snapshots of {len(sync_names)} spreadsheets; reconcile handles one"
        )
    bases: dict[str, Base | None] = {"ours": None, "theirs": None}
    base_path = f"{data}/.sync/{next(iter(sync_names))}" if sync_names else None
    if base_path is not None:
        bases = {
            side: _base(merge.show(rev, base_path), base_path)
            for side, rev in (("ours", merge.ours), ("theirs", merge.theirs))
        }
    merged_base = merge_bases(bases["ours"], bases["theirs"])
    tombstones = merged_base.tombstones if merged_base is not None else {}
    folder = f"{data}/modules"
    modules: dict[str, Module | None] = {}
    for name in sorted(merge.names(merge.ours, folder) | merge.names(merge.theirs, folder)):
        module_id = name.removesuffix(".json")
        path = f"{folder}/{name}"
        sides = Sides(*(merge.show(rev, path) for rev in (merge.ancestor, merge.ours, merge.theirs)))
        merged = merge_module(module_id, sides, bases, set(tombstones.get(module_id, [])))
        modules[module_id] = _module(merged.module, path) if merged.module is not None else None
        result.renumbered += merged.renumbered
        if merged_base is not None and merged.base is not None:
            merged_base.suggestions[module_id] = merged.base
        elif merged_base is not None:
            merged_base.suggestions.pop(module_id, None)
    _write(store, merge.root, modules, merged_base, result)
    result.other_conflicts = [
        line for line in _git(merge.root, "diff", "--name-only", "--diff-filter=U").stdout.split() if line
    ]
    return result


def _base(raw: Any, path: str) -> Base | None:
    if raw is None:
        return None
    try:
        return Base.model_validate(raw)
    except ValidationError as exc:
        json_path, message = describe_validation_error(exc)[0]
        raise DataError(message, path=path, json_path=json_path) from None


def _module(raw: Any, path: str) -> Module:
    try:
        return Module.model_validate(raw)
    except ValidationError as exc:
        json_path, message = describe_validation_error(exc)[0]
        raise DataError(f"after merging both sides: {message}", path=path, json_path=json_path) from None


def _write(
    store: Store, root: Path, modules: dict[str, Module | None], base: Base | None, result: ReconcileResult
) -> None:
    """Everything was merged and validated before the first file is written."""
    paths = []
    with store.batch("reconcile"):
        for module_id, module in modules.items():
            path = store.module_path(module_id)
            if module is None:
                if store.delete(path):
                    paths.append(path)
                continue
            store.save_module(module)
            result.modules.append(module_id)
            paths.append(path)
        if base is not None:
            save_base(store, base)
            result.bases.append(base.spreadsheet_id)
            paths.append(store.sync_dir / f"{base.spreadsheet_id}.json")
        if store.index_path.exists():  # derived from the modules: rebuilt, never merged
            kept = {module_id: module for module_id, module in modules.items() if module is not None}
            # from the merged modules in memory: the files are staged in this batch, not yet written; the index
            # cache then names other index bytes and is ignored until the next command rebuilds it
            store.write_bytes(store.index_path, encode_index(build_index(kept)))
            result.index = True
            paths.append(store.index_path)
    if paths:
        _git(root, "add", "-A", "--", *(str(p.resolve()) for p in paths))

"""All-or-nothing writes of several files: a write-ahead journal under ``data/.sheets-sync-tmp/``.

Every command that writes to a data directory writes through a :class:`Batch` (``with store.batch("import") as
batch: batch.write_json(path, data)``): nothing touches the real files until the batch is committed. Committing:

1. each new file content goes to ``.sheets-sync-tmp/<batch>/<n>`` (written and fsync'd);
2. the intent file ``.sheets-sync-tmp/<batch>/journal.json`` names every target (written to a side name, fsync'd,
   then renamed into place: **the commit point**);
3. each staged file is renamed over its target (``os.replace``: a reader sees the old file or the new one);
4. the batch folder is removed.

A run killed before step 2 leaves a batch folder without ``journal.json``: the next writer deletes it (**rolled
back**, the data files were never touched). A run killed after step 2 leaves the intent: the next writer renames the
staged files that are still there (**rolled forward**; a staged file already renamed is gone, so finishing twice is
harmless). :func:`recover` runs when a :class:`~sheets_sync.store.Store` takes its lock, before the command reads
anything; ``validate`` (which takes no lock) reports a committed batch not yet finished.

``.sheets-sync-tmp/`` carries its own ``.gitignore`` (``*``): a scheduled ``git add data/`` never commits a staged
file, whatever moment the writer was killed at.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheets_sync import crashpoints, jsonio
from sheets_sync.errors import DataError

TMP_DIR_NAME = ".sheets-sync-tmp"
INTENT_NAME = "journal.json"
JOURNAL_VERSION = 1
_GITIGNORE = "# sheets-sync's staged writes (see docs/data.md); never committed\n*\n"


@dataclass(frozen=True)
class Interrupted:
    """A batch committed (its intent written) but not finished: what ``validate`` reports."""

    folder: Path
    command: str
    targets: list[str]


@dataclass
class _Entry:
    target: Path
    data: bytes | None  # None: delete the target


@dataclass
class Batch:
    """The files one command writes, all or nothing. Made by :meth:`sheets_sync.store.Store.batch`."""

    data_dir: Path
    command: str
    _entries: dict[Path, _Entry] = field(default_factory=dict)

    def write_text(self, path: Path, text: str) -> bool:
        """Stage ``text`` for ``path``; False (and nothing staged) when the file already holds exactly that."""
        return self._stage(path, text.encode("utf-8"))

    def write_bytes(self, path: Path, data: bytes, *, previous: bytes | None = None) -> bool:
        """Stage ``data`` for ``path``; ``previous``: the file's current bytes, when the caller has just read them
        (a big file is then not read again to tell whether it changed)."""
        return self._stage(path, data, previous)

    def write_json(self, path: Path, data: Any) -> bool:
        """Stage ``data`` as deterministic JSON (:func:`sheets_sync.jsonio.dumps`) for ``path``."""
        return self.write_text(path, jsonio.dumps(data))

    def delete(self, path: Path) -> bool:
        """Stage the removal of ``path``; False when there is no such file."""
        target = resolve_target(self.data_dir, path)
        if not target.exists() and target not in self._entries:
            return False
        self._entries[target] = _Entry(target, None)
        return True

    @property
    def paths(self) -> list[Path]:
        """The files this batch will change (real paths), in staging order."""
        return list(self._entries)

    def staged_bytes(self, path: Path) -> bytes | None:
        """What this batch will write to ``path``, or None when it writes nothing there (or deletes it)."""
        entry = self._entries.get(resolve_target(self.data_dir, path))
        return entry.data if entry is not None else None

    def _stage(self, path: Path, data: bytes, previous: bytes | None = None) -> bool:
        target = resolve_target(self.data_dir, path)
        staged = self._entries.get(target)
        if staged is None and (previous == data if previous is not None else _holds(target, data)):
            return False
        self._entries[target] = _Entry(target, data)
        return True

    def commit(self) -> None:
        """Write the journal and apply it (steps 1 to 4 of the module docstring)."""
        if not self._entries:
            return
        folder = tmp_dir(self.data_dir) / f"{self.command}-{uuid.uuid4().hex[:12]}"
        folder.mkdir(parents=True)
        root = Path(os.path.realpath(self.data_dir))
        entries = []
        for number, entry in enumerate(self._entries.values()):
            record: dict[str, Any] = {"target": entry.target.relative_to(root).as_posix()}
            if entry.data is None:
                record["delete"] = True
            else:
                crashpoints.reached("stage")
                record["staged"] = str(number)
                record["mode"] = jsonio.mode_for(entry.target)
                _write_synced(folder / str(number), entry.data)
            entries.append(record)
        intent = {"version": JOURNAL_VERSION, "command": self.command, "entries": entries}
        _write_synced(folder / (INTENT_NAME + ".part"), jsonio.dumps(intent).encode("utf-8"))
        crashpoints.reached("commit")
        os.replace(folder / (INTENT_NAME + ".part"), folder / INTENT_NAME)
        _fsync_dir(folder)
        _apply(root, folder, intent)


def tmp_dir(data_dir: Path) -> Path:
    """``data/.sheets-sync-tmp``, made with its ``.gitignore`` on first use."""
    folder = Path(data_dir) / TMP_DIR_NAME
    ignore = folder / ".gitignore"
    if not ignore.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        ignore.write_text(_GITIGNORE, encoding="utf-8")
    return folder


def resolve_target(data_dir: Path, path: Path) -> Path:
    """The real file a write of ``path`` must replace: a symlink is followed (the link stays a link), and must
    lead to a file inside the data directory; a folder is refused."""
    root = Path(os.path.realpath(data_dir))
    if path.is_symlink():
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(root):
            raise DataError(
                f"is a symlink leading out of the data directory (to {real}); not written", path=path
            )
        if not real.exists():
            raise DataError(f"is a dangling symlink (to {real}); not written", path=path)
    else:
        real = Path(os.path.realpath(path.parent)) / path.name
        if not real.is_relative_to(root):
            raise DataError("is outside the data directory; not written", path=path)
    if real.is_dir():
        raise DataError("is a directory, not a file; not written", path=path)
    return real


def recover(data_dir: Path) -> list[str]:
    """Finish every committed batch and delete every uncommitted one; the commands of the batches finished."""
    folder = Path(data_dir) / TMP_DIR_NAME
    if not folder.is_dir():
        return []
    finished = []
    root = Path(os.path.realpath(data_dir))
    for child in sorted(folder.iterdir()):
        if child.name == ".gitignore":
            continue
        intent = _read_intent(child) if child.is_dir() else None
        if intent is not None:
            _apply(root, child, intent)
            finished.append(str(intent["command"]))
        elif child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if folder.is_dir():
        _remove_if_empty(folder)
    return finished


def interrupted(data_dir: Path) -> list[Interrupted]:
    """Committed batches not yet finished (read only: ``validate`` reports them, the next writer finishes them)."""
    folder = Path(data_dir) / TMP_DIR_NAME
    if not folder.is_dir():
        return []
    found = []
    for child in sorted(p for p in folder.iterdir() if p.is_dir()):
        intent = _read_intent(child)
        if intent is not None:
            targets = [str(e["target"]) for e in intent["entries"]]
            found.append(Interrupted(child, str(intent["command"]), targets))
    return found


def _apply(root: Path, folder: Path, intent: dict[str, Any]) -> None:
    """Steps 3 and 4: idempotent, so an interrupted recovery is finished by the next one."""
    parents = set()
    for entry in intent["entries"]:
        target = root / entry["target"]
        if entry.get("delete"):
            target.unlink(missing_ok=True)
        else:
            staged = folder / entry["staged"]
            if staged.exists():
                crashpoints.reached("rename")
                os.chmod(staged, int(entry.get("mode", 0o644)))
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, target)
        parents.add(target.parent)
    for parent in sorted(parents):
        _fsync_dir(parent)
    crashpoints.reached("cleanup")
    (folder / INTENT_NAME).unlink()
    shutil.rmtree(folder)
    _remove_if_empty(folder.parent)


def _remove_if_empty(tmp: Path) -> None:
    """Leave no ``.sheets-sync-tmp/`` behind once nothing is staged (a clean run leaves the data dir as it was)."""
    if [p.name for p in tmp.iterdir()] == [".gitignore"]:
        (tmp / ".gitignore").unlink()
        tmp.rmdir()


def _read_intent(folder: Path) -> dict[str, Any] | None:
    """The batch's intent, or None when it was never committed. Written by us and renamed into place whole, so a
    present intent that cannot be read is damage we must not guess about."""
    path = folder / INTENT_NAME
    if not path.is_file():
        return None
    intent = jsonio.read_json(path)
    if not isinstance(intent, dict) or intent.get("version") != JOURNAL_VERSION:
        raise DataError("not a sheets-sync journal this version can finish", path=path)
    return intent


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except (FileNotFoundError, NotADirectoryError):
        return False


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

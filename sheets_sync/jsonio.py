"""Deterministic JSON, strict JSON reading and atomic single-file writes.

Writing: the same data always writes the same bytes. Reading (:func:`parse_bytes`, :func:`read_json`): stricter
than :func:`json.loads`, so a hand-edited file cannot be half-read in silence. Refused, each in one line naming the
file (a :class:`~sheets_sync.errors.DataError`): an object with the same key twice (naming the JSON path and the
key: the last one would win and the first list be dropped at the next write), nesting deeper than
:data:`MAX_DEPTH`, bytes that are not UTF-8, and ``NaN``/``Infinity`` (not JSON). A UTF-8 byte order mark is
accepted, and files are written back without it.
"""

from __future__ import annotations

import codecs
import glob
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sheets_sync import crashpoints
from sheets_sync.errors import DataError

MAX_DEPTH = 900
"""Nesting deeper than this is refused (a module file is 5 levels deep). It is what Python's JSON parser can read
within its recursion limit: 100,000 opening brackets are a one-line error, not a RecursionError. The file formats
forbid unknown fields, so nothing deep gets past validation into code that would recurse through it."""


def dumps(data: Any) -> str:
    """2-space indent, keys in insertion (model field) order, UTF-8 kept, trailing newline, never NaN."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def atomic_write_text(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` through a temporary file and a rename; False when the bytes were already there.

    A crash at any point leaves either the old file or the new one, never half of one.
    """
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes, *, previous: bytes | None = None) -> bool:
    """:func:`atomic_write_text` for bytes; ``previous``: the file's bytes, when the caller has just read them (a big
    file is then not read again to tell whether it changed)."""
    try:
        if (path.read_bytes() if previous is None else previous) == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = mode_for(path)
    crashpoints.reached("stage")
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file 0600; keep the replaced file's mode, else what open() would give.
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        crashpoints.reached("rename")
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return True


def temp_prefix(path: Path) -> str:
    """How :func:`atomic_write_bytes` names its temporary file next to ``path`` (``.<name>.<random>.tmp``)."""
    return f".{path.name}."


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete the temporary files a killed :func:`atomic_write_bytes` of ``path`` left next to it; those removed.
    For a writer that is the only one writing ``path`` (an export to a file the user named, a build under its
    lock): a second writer of the same file at the same moment would lose its temporary file."""
    removed = []
    for stale in path.parent.glob(f"{glob.escape(temp_prefix(path))}*.tmp") if path.parent.is_dir() else []:
        if stale.is_file() and not stale.is_symlink():
            stale.unlink(missing_ok=True)
            removed.append(stale)
    return removed


def mode_for(path: Path) -> int:
    """The replaced file's permissions, else what ``open()`` would give a new file."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_json(path: Path, data: Any) -> bool:
    """Atomically write ``data`` as deterministic JSON; False when the file already held exactly that."""
    return atomic_write_text(path, dumps(data))


def read_json(path: Path, *, max_bytes: int | None = None, error: type[DataError] = DataError) -> Any:
    """Parse a JSON file (:func:`parse_bytes`), turning every failure into a one-line error naming the file."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise error(f"file is {size:,} bytes, more than the {max_bytes:,} allowed", path=path)
        data = path.read_bytes()
    except FileNotFoundError:
        raise error("no such file", path=path) from None
    except IsADirectoryError:
        raise error("is a directory, not a JSON file", path=path) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", path=path) from None
    return parse_bytes(data, path, error=error)


class _Duplicate:
    """Stands in for an object that had a key twice, so the error can name where it was (found after parsing)."""

    def __init__(self, key: str) -> None:
        self.key = key


def _pairs_hook(found: list[_Duplicate]) -> Any:
    def pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any] | _Duplicate:
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        seen: set[str] = set()
        key = next(key for key, _value in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        found.append(_Duplicate(key))
        return found[-1]

    return pairs


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def parse_bytes(data: bytes, path: Path | str | None = None, *, error: type[DataError] = DataError) -> Any:
    """Strict JSON (see the module docstring): the parsed value, or ``error`` naming ``path`` and where."""
    text = _text(data.removeprefix(codecs.BOM_UTF8), path, error)
    duplicates: list[_Duplicate] = []
    try:
        value = json.loads(text, object_pairs_hook=_pairs_hook(duplicates), parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        cut = " (the file looks truncated)" if text.strip() and exc.pos >= len(text.rstrip()) - 1 else ""
        raise error(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}){cut}", path=path
        ) from None
    except RecursionError:
        raise error(f"nested more than {MAX_DEPTH} levels deep", path=path) from None
    except ValueError as exc:  # parse_constant
        raise error(f"invalid JSON: {exc}", path=path) from None
    if duplicates:
        json_path, key = _find_duplicate(value, "", 0) or ("", duplicates[0].key)
        raise error(f"key {key!r} appears twice in this object", path=path, json_path=json_path or "(top)")
    return value


def _text(data: bytes, path: Path | str | None, error: type[DataError]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path) from None


def _find_duplicate(value: Any, where: str, depth: int) -> tuple[str, str] | None:
    """(JSON path, key) of the first object that had a key twice (only walked when there is one), else None."""
    if isinstance(value, _Duplicate):
        return where, value.key
    if depth >= MAX_DEPTH:
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list | _Duplicate):
                found = _find_duplicate(item, f"{where}.{key}" if where else key, depth + 1)
                if found:
                    return found
    elif isinstance(value, list):
        for number, item in enumerate(value):
            if isinstance(item, dict | list | _Duplicate):
                found = _find_duplicate(item, f"{where}[{number}]", depth + 1)
                if found:
                    return found
    return None

"""Deterministic JSON and atomic file writes: the same data always writes the same bytes."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sheets_sync.errors import DataError


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
    mode = _mode_for(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file 0600; keep the replaced file's mode, else what open() would give.
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return True


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_json(path: Path, data: Any) -> bool:
    """Atomically write ``data`` as deterministic JSON; False when the file already held exactly that."""
    return atomic_write_text(path, dumps(data))


def read_json(path: Path, *, max_bytes: int | None = None) -> Any:
    """Parse a JSON file, turning every failure into a one-line :class:`DataError` naming the file."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise DataError(f"file is {size:,} bytes, more than the {max_bytes:,} allowed", path=path)
        with path.open("rb") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise DataError("no such file", path=path) from None
    except IsADirectoryError:
        raise DataError("is a directory, not a JSON file", path=path) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path) from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", path=path
        ) from None

"""What "nothing changed on disk" compares: every data file under a folder with its bytes."""

from __future__ import annotations

from pathlib import Path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes, the writer lock and the local commands' cache excluded: neither is
    data, and neither is in git."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock") and ".cache" not in p.relative_to(root).parts
    }

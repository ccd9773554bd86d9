"""Paths of the trackers of ``trackers/`` and a byte snapshot of a data directory, for the migrate tests."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TRACKERS = Path(__file__).resolve().parent / "trackers"
YAML_TRACKER = TRACKERS / "progress_history.yaml"
JS_TRACKER = TRACKERS / "modules_data.js"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (the writer lock and the local commands' cache excluded: neither
    is data, and neither is in git)."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock") and ".cache" not in p.relative_to(root).parts
    }

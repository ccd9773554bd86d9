"""Natural ordering of prompt and dataset versions: v1 < v2 < v9 < v10 < v10.1."""

from __future__ import annotations

import re
from collections.abc import Iterable

_CHUNKS = re.compile(r"(\d+)")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that compares digit runs as numbers and the rest case-insensitively."""
    return tuple(
        (0, int(chunk)) if chunk.isdigit() else (1, chunk.lower())
        for chunk in _CHUNKS.split(version)
        if chunk
    )


def sorted_versions(versions: Iterable[str]) -> list[str]:
    """Distinct versions in natural order."""
    return sorted(set(versions), key=version_key)

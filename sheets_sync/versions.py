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


def natural_key(text: str) -> tuple[tuple[tuple[int, int | str], ...], str]:
    """:func:`version_key`, then the text itself: ``v1``/``V1`` and ``v01``/``v1`` compare equal by version_key,
    and a sort on it would then follow the input order (a set's, a directory's), so the output bytes would not be
    deterministic. Use this one to sort; ``version_key`` to compare versions."""
    return version_key(text), text


def sorted_versions(versions: Iterable[str]) -> list[str]:
    """Distinct versions in natural order."""
    return sorted(set(versions), key=natural_key)

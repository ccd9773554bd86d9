"""Errors and warnings of the legacy readers.

``LegacyInputError`` (a :class:`~sheets_sync.errors.DataError`, exit 1) names the file and, where known, the
line and column (``modules_data.js:12:7: ...``) or the field (``progress_history.yaml: modules.m01.runs[2].
pass_rate: ...``). ``Duplicate`` records a key written twice in one object: both files resolve it to the last
value silently, so the migration keeps the last one (as the old dashboard did) and lists both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sheets_sync.errors import DataError


class LegacyInputError(DataError):
    """A legacy tracker cannot be read; ``line``/``column`` (1-based) when the error has a place in the text."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str,
        line: int | None = None,
        column: int | None = None,
        json_path: str | None = None,
    ) -> None:
        self.line, self.column = line, column
        where = str(path) if line is None else f"{path}:{line}:{column}"
        super().__init__(message, path=where, json_path=json_path)
        self.path = Path(path)


@dataclass(frozen=True)
class Duplicate:
    """A key written twice in one object: ``first`` is dropped, ``last`` is used."""

    path: Path
    line: int
    where: str
    key: str
    first: object
    last: object

    def describe(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{where}key {self.key!r} given twice ({self.first!r}, then {self.last!r}); the last is used"

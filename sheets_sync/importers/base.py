"""What every importer produces and how the batch import finds the importer for a file.

An importer turns one file's bytes into :class:`ParsedRun` objects: each one experiment with its provisional id, plus
what is needed to find or create its module. A judge file holds one run; other formats hold several (a promptfoo
export has one per provider and prompt). Merging into the module (ids, new/updated/unchanged) is the same for every
format and lives in :mod:`sheets_sync.importers.merge`; the file-name rule (``<module_id>_<version>_...``) is
:func:`sheets_sync.importers.judge.identity`. To add a format (promptfoo, Braintrust export, a legacy CSV...), write
a sibling module with an object satisfying :class:`Importer` and list it in ``sheets_sync.importers.IMPORTERS``
before the judge importer, which accepts anything and so comes last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sheets_sync.models import Experiment, Module

ModuleLookup = Callable[[str], Module | None]
"""The module with this id as the batch sees it so far (created by an earlier file counts), or None."""

PIPE_NAME = "<pipe>"
"""``source.file`` of a run read from a pipe (``import <(jq ... run.json)``, ``/dev/stdin``): the name of such a path
(``63`` of ``/dev/fd/63``) says nothing about where the data came from."""


def source_name(path: Path) -> str:
    """The file name an experiment's ``source.file`` records: a regular file's own name, else :data:`PIPE_NAME`."""
    try:
        regular = path.is_file()
    except OSError:
        regular = False
    return path.name if regular else PIPE_NAME


@dataclass(frozen=True)
class ParsedRun:
    """One run read from an import file, not yet merged into its module."""

    path: Path
    module_id: str
    module_name: str | None
    primary_rubric: str | None
    experiment: Experiment


class Importer(Protocol):
    """One input format."""

    format: str

    def accepts(self, data: bytes, path: Path) -> bool:
        """Whether this file looks like this importer's format (cheap: name or first bytes)."""
        ...

    def read(self, data: bytes, path: Path, lookup: ModuleLookup) -> list[ParsedRun]:
        """Parse and aggregate every run of the file (at least one); raise ImportFileError naming the file and
        JSON path on any problem."""
        ...

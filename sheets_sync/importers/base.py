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

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from sheets_sync.models import Experiment, Metrics, Module, RubricResult
from sheets_sync.versions import natural_key

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


class Verdict(StrEnum):
    """A sample's outcome, whatever format it came from (errors count as not passing)."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


@dataclass(frozen=True)
class SampleVerdict:
    """One sample of a run as its source judged it, kept for a later per-sample store.

    ``rubrics`` maps each rubric to pass (True), fail (False) or not judged (None).
    """

    sample_id: str
    verdict: Verdict
    rubrics: Mapping[str, bool | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedRun:
    """One run read from an import file (or pulled from a service), not yet merged into its module.

    ``path`` names where it came from in errors: a file, or a URL for a pulled run. ``create_hint`` says how to
    name a module that does not exist yet, in the words of that source (a field, a flag).
    """

    path: Path
    module_id: str
    module_name: str | None
    primary_rubric: str | None
    experiment: Experiment
    samples: tuple[SampleVerdict, ...] = ()
    create_hint: str = "give module_name to create it"


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


def aggregate_samples(
    samples: Sequence[SampleVerdict], primary: str | None
) -> tuple[Metrics, dict[str, RubricResult]]:
    """Counts and rates of per-sample verdicts, for every format: total = samples, pass/fail/error = verdicts; a
    rubric's None is "not judged" and left out of its total; match_rate = the primary rubric's rate. Rubrics in
    natural name order (not file order) for stable output."""
    outcomes = Counter(sample.verdict for sample in samples)
    passed: Counter[str] = Counter()
    judged: Counter[str] = Counter()
    for sample in samples:
        for name, value in sample.rubrics.items():
            judged[name] += value is not None
            passed[name] += value is True
    rubrics = {
        name: RubricResult.from_counts(passed[name], judged[name]) for name in sorted(judged, key=natural_key)
    }
    primary_result = rubrics.get(primary) if primary else None
    metrics = Metrics(
        total=len(samples),
        passed=outcomes[Verdict.PASS],
        fail=outcomes[Verdict.FAIL],
        error=outcomes[Verdict.ERROR],
        match_rate=primary_result.rate if primary_result else None,
    )
    return metrics, rubrics

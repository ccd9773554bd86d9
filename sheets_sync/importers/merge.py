"""Merging one imported run into its module: experiment ids, and new / updated / unchanged.

A run that carries ``external_id`` (its stable id in the tool that made it: a Braintrust experiment id, a promptfoo
eval + prompt + provider) is identified by it, so a run whose metadata changed there (another version, model or
dataset version) updates its experiment in place. Any other run is identified by (prompt version, model, dataset
version, timestamp). Importing it again replaces that
experiment and keeps its id ("once written, an id never changes"); identical content is "unchanged" and writes
nothing. A new run gets ``<module>_<version>_<model slug>_<YYYYMMDD>``; when another experiment already holds that
id, ``_<HHMMSS>`` of the timestamp is appended, then, if still taken, ``_`` and the first 6 hex digits of the
source file's sha256.

A pipe has no file name (its ``source.file`` is ``<pipe>``): a run read from one with the same bytes (sha256) as the
file it was imported from keeps that file's ``source`` and is "unchanged".
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from sheets_sync.errors import ImportFileError
from sheets_sync.importers.base import PIPE_NAME, ParsedRun
from sheets_sync.models import Experiment, Module, Source


class ImportStatus(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Merged:
    """The module after the merge, the experiment as stored, and what happened."""

    module: Module
    experiment: Experiment
    status: ImportStatus


def merge_run(module: Module, run: ParsedRun) -> Merged:
    """Put ``run`` into ``module`` (a new Module object; the input is not changed)."""
    incoming = run.experiment
    existing = same_run(module.experiments, incoming)
    _check_prompt_id(module, incoming, existing, run)
    if existing is not None:
        replacement = incoming.model_copy(update={"id": existing.id, "source": _source(existing, incoming)})
        if replacement == existing:
            return Merged(module, existing, ImportStatus.UNCHANGED)
        experiments = [replacement if e is existing else e for e in module.experiments]
        return Merged(_with_experiments(module, experiments), replacement, ImportStatus.UPDATED)
    taken = {e.id for e in module.experiments}
    added = incoming.model_copy(update={"id": free_experiment_id(incoming, taken, run)})
    return Merged(_with_experiments(module, [*module.experiments, added]), added, ImportStatus.NEW)


def same_run(experiments: Iterable[Experiment], incoming: Experiment) -> Experiment | None:
    """The stored experiment ``incoming`` is a new reading of: by ``external_id`` when it has one, else by
    :meth:`Experiment.run_key` (among experiments of no other external run)."""
    if incoming.external_id is not None:
        found = next((e for e in experiments if e.external_id == incoming.external_id), None)
        if found is not None:
            return found
    return next(
        (
            e
            for e in experiments
            if e.run_key() == incoming.run_key() and e.external_id in (None, incoming.external_id)
        ),
        None,
    )


def _check_prompt_id(
    module: Module, incoming: Experiment, existing: Experiment | None, run: ParsedRun
) -> None:
    """Two different prompts under one version would be compared as one: reported, never merged."""
    if incoming.prompt_id is None:
        return
    for other in module.experiments:
        if (
            other is not existing
            and other.prompt_version == incoming.prompt_version
            and other.prompt_id not in (None, incoming.prompt_id)
        ):
            raise ImportFileError(
                f"prompt version {incoming.prompt_version} of module {module.module_id} is already a different "
                f"prompt (id {other.prompt_id[:12]}..., experiment {other.id}) than this one "
                f"({incoming.prompt_id[:12]}...); give this prompt its own version",
                path=run.path,
            )


def free_experiment_id(experiment: Experiment, taken: Collection[str], run: ParsedRun) -> str:
    """The base id, else ``_<HHMMSS>`` appended, else also ``_<sha256[:6]>`` of the source file."""
    base = experiment.id
    with_time = f"{base}_{experiment.timestamp:%H%M%S}"
    sha = experiment.source.sha256[:6] if experiment.source else "000000"
    for candidate in (base, with_time, f"{with_time}_{sha}"):
        if candidate not in taken:
            return candidate
    raise ImportFileError(
        f"experiment id {base!r} and its variants ({with_time}, {with_time}_{sha}) are all taken in module "
        f"{run.module_id}; rename one of the existing experiments",
        path=run.path,
    )


def _source(existing: Experiment, incoming: Experiment) -> Source | None:
    """The incoming run's source, except that the same bytes read from a pipe keep the name already recorded."""
    old, new = existing.source, incoming.source
    if old is not None and new is not None and new.file == PIPE_NAME and new.sha256 == old.sha256:
        return old
    return new


def _with_experiments(module: Module, experiments: list[Experiment]) -> Module:
    # model_copy skips validation on purpose: the batch validates each changed module once, at the end.
    return module.model_copy(update={"experiments": experiments})

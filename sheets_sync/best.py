"""The one rule for "best": which run the heatmap, the sheet, the pages and ``sheets-sync show`` call the best.

Runs on different dataset versions are not comparable, so "best" is always chosen among the runs on the newest
dataset version that has runs (of one cell, a module and prompt version; or of the whole module for "best so
far"), and only among the runs the heatmap shows: per prompt version and model, the latest run. Among those:

1. the highest pass rate (a run without one, no samples, never wins);
2. ties to the higher match rate (a measured 0.0% beats a missing one);
3. then the model name, alphabetically;
4. for "best so far", which compares prompt versions too: then the newer prompt version, then the experiment id.

Every surface that shows a best says which dataset version it is on. Pure: experiments in, experiments out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sheets_sync.models import Experiment
from sheets_sync.versions import natural_key


@dataclass(frozen=True)
class CellRuns:
    """What one (module, prompt version) cell shows: its dataset version and the latest run of each model on it."""

    dataset_version: str
    by_model: dict[str, Experiment]

    @property
    def best(self) -> Experiment | None:
        return best_run(self.by_model.values())


@dataclass(frozen=True)
class BestSoFar:
    """A module's best run and the dataset version it was chosen on (the newest one with runs)."""

    experiment: Experiment
    dataset_version: str


def newest_dataset_version(experiments: Iterable[Experiment]) -> str | None:
    """The newest (natural order) dataset version among ``experiments``; None when there are none."""
    return max((e.dataset_version for e in experiments), key=natural_key, default=None)


def latest_by_model(experiments: Iterable[Experiment]) -> dict[str, Experiment]:
    """Model -> its most recent run, models in alphabetical order."""
    latest: dict[str, Experiment] = {}
    for experiment in experiments:
        current = latest.get(experiment.model)
        if current is None or experiment.recency_key() > current.recency_key():
            latest[experiment.model] = experiment
    return {model: latest[model] for model in sorted(latest)}


def cell_runs(experiments: Iterable[Experiment]) -> CellRuns:
    """The runs of one prompt version the heatmap shows (``experiments`` must not be empty)."""
    runs = list(experiments)
    dataset_version = newest_dataset_version(runs)
    if dataset_version is None:
        raise ValueError("a heatmap cell needs at least one run")
    return CellRuns(dataset_version, latest_by_model(e for e in runs if e.dataset_version == dataset_version))


def shown_runs(experiments: Iterable[Experiment]) -> list[Experiment]:
    """Every run the heatmap shows: per prompt version, the latest run of each model on that version's newest
    dataset version."""
    by_version: dict[str, list[Experiment]] = {}
    for experiment in experiments:
        by_version.setdefault(experiment.prompt_version, []).append(experiment)
    return [run for runs in by_version.values() for run in cell_runs(runs).by_model.values()]


def rank_key(experiment: Experiment) -> tuple[float, float, str]:
    """Smaller is better: the higher pass rate, then the higher match rate, then the model name."""
    metrics = experiment.metrics
    match = metrics.match_rate if metrics.match_rate is not None else -1.0
    return (-(metrics.pass_rate or 0.0), -match, experiment.model)


def best_run(experiments: Iterable[Experiment]) -> Experiment | None:
    """The best of ``experiments`` by the rule above, all assumed comparable; None when none has a pass rate."""
    rated = [e for e in experiments if e.metrics.pass_rate is not None]
    if not rated:
        return None
    top = min(rank_key(e) for e in rated)
    # Same rates and model (only "best so far" compares several prompt versions): the newer version, then the id.
    return max((e for e in rated if rank_key(e) == top), key=lambda e: (natural_key(e.prompt_version), e.id))


def best_so_far(experiments: Iterable[Experiment]) -> BestSoFar | None:
    """The module's best run among the heatmap's runs on its newest dataset version; None without a rated one."""
    runs = list(experiments)
    dataset_version = newest_dataset_version(runs)
    if dataset_version is None:
        return None
    best = best_run(e for e in shown_runs(runs) if e.dataset_version == dataset_version)
    return BestSoFar(best, dataset_version) if best is not None else None

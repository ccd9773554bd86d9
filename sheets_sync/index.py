"""The heatmap index ``data/heatmap_index.json``: per module and prompt version, the latest run of every model.

Pure :func:`build_index` (modules in, a JSON-ready dict out); writing the file is
:func:`sheets_sync.index_file.write_index` (the I/O edge, so the planner that builds the Heatmap from this index never
reaches the file system). The shape is the
one in ``docs/CONTRACTS.md``; the dashboards and the Sheets sync read it instead of every module file.

Runs on different dataset versions are not comparable, so each (module, version) cell only shows runs on the newest
dataset version that has a run of that prompt version, and says which. ``generated_at`` is the newest experiment
timestamp, not the clock, so rebuilding on unchanged data writes the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sheets_sync.best import best_so_far, cell_runs
from sheets_sync.models import Experiment, Module
from sheets_sync.stats import wilson_interval
from sheets_sync.versions import natural_key, sorted_versions

INDEX_SCHEMA_VERSION = 1


def build_index(modules: Mapping[str, Module]) -> dict[str, Any]:
    """The whole index for ``modules`` (keyed by module id), deterministic for the same input."""
    experiments = [e for m in modules.values() for e in m.experiments]
    newest = max(experiments, key=Experiment.recency_key, default=None)
    return {
        "schema_version": INDEX_SCHEMA_VERSION,
        "generated_at": newest.timestamp.isoformat() if newest else None,
        "models": sorted({e.model for e in experiments}),
        "versions": sorted_versions(e.prompt_version for e in experiments),
        "modules": {
            module_id: module_entry(modules[module_id]) for module_id in sorted(modules, key=natural_key)
        },
    }


def module_entry(module: Module) -> dict[str, Any]:
    """One module's cells: every prompt version in natural order."""
    by_version: dict[str, list[Experiment]] = defaultdict(list)
    for experiment in module.experiments:
        by_version[experiment.prompt_version].append(experiment)
    return {
        "name": module.module_name,
        "primary_rubric": module.primary_rubric,
        "best_so_far": best_so_far_entry(module.experiments),
        "versions": {
            version: version_cell(by_version[version]) for version in sorted(by_version, key=natural_key)
        },
    }


def version_cell(experiments: Iterable[Experiment]) -> dict[str, Any]:
    """One (module, version) cell: the newest dataset version's latest run per model, and the best of them
    (:mod:`sheets_sync.best` decides both)."""
    cell = cell_runs(experiments)
    best = cell.best
    return {
        "dataset_version": cell.dataset_version,
        "best": best_entry(best) if best is not None else None,
        "by_model": {model: model_entry(run) for model, run in cell.by_model.items()},
    }


def best_so_far_entry(experiments: Iterable[Experiment]) -> dict[str, Any] | None:
    """The module's best run (on its newest dataset version, :func:`sheets_sync.best.best_so_far`)."""
    found = best_so_far(experiments)
    if found is None:
        return None
    return {
        "dataset_version": found.dataset_version,
        "prompt_version": found.experiment.prompt_version,
        **best_entry(found.experiment),
    }


def best_entry(experiment: Experiment) -> dict[str, Any]:
    return {
        "pass_rate": experiment.metrics.pass_rate,
        "match_rate": experiment.metrics.match_rate,
        "model": experiment.model,
        "experiment_id": experiment.id,
    }


def model_entry(experiment: Experiment) -> dict[str, Any]:
    """What the dashboard shows for one model in one cell (pass rate with its Wilson 95% interval)."""
    metrics = experiment.metrics
    counts = metrics.counts()
    interval = wilson_interval(*counts) if counts else None
    entry = {
        "pass_rate": metrics.pass_rate,
        "match_rate": metrics.match_rate,
        "total": metrics.total,
        "pass": metrics.passed,
        "pass_rate_ci": [interval.low, interval.high] if interval else None,
        "experiment_id": experiment.id,
        "timestamp": experiment.timestamp.isoformat(),
        "dataset_version": experiment.dataset_version,
        "braintrust_url": experiment.braintrust_url,
    }
    if metrics.reported:
        entry["reported"] = True  # rates as stated, no counts: no interval (the key is absent otherwise)
    return entry

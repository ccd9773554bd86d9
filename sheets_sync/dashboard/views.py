"""What each page shows, as plain data: the heatmap index and the modules in, template contexts out.

Pure (no I/O, no HTML): :mod:`build` renders these with autoescaping templates, and the ``payload`` parts are
embedded as JSON for the pages' JavaScript. The heatmap, the module chart and the rubric breakdown all show the
same runs, the index's (per prompt version: the latest run of each model on the newest dataset version), so a
number on a module page is the number in its heatmap cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sheets_sync import best, palette
from sheets_sync.dashboard import chart
from sheets_sync.dashboard.compare import (
    ALPHA,
    INTERVAL_NAME,
    TEST_NAME,
    consecutive_pairs,
    default_pair,
    match_rate_change,
    pass_rate_change,
    row_texts,
    rubric_order,
)
from sheets_sync.models import Experiment, Metrics, Module, Suggestion, suggestion_order
from sheets_sync.stats import REPORTED_NOTE, Interval, format_percent, wilson_interval
from sheets_sync.versions import sorted_versions, version_key

BINS = (
    palette.BINS
)  # colour classes q0..q9 in style.css: 10-point bands of the viridis scale (sheets_sync.palette)

# The heatmap's data scripts carry every run of 200 modules x 25 versions x 4 models, and their load time grows with
# their bytes, so cells and runs are positional arrays and link URLs share their prefixes through a table.
CELL_FIELDS = ("dataset_version", "best", "runs")
RUN_FIELDS = (
    "model",
    "pass_rate",
    "match_rate",
    "total",
    "pass",
    "ci_low",
    "ci_high",
    "date",
    "braintrust_url",
)

Runs = dict[tuple[str, str], Experiment]


def safe_url(url: str | None) -> str | None:
    """Only http(s) links become hrefs: a ``javascript:`` URL typed into a sheet must not run when clicked."""
    if url and url.strip().lower().startswith(("https://", "http://")):
        return url.strip()
    return None


def rate_bin(value: float) -> int:
    """Colour class of a percentage: 0-9.9 -> 0, ..., 90-100 -> 9 (mirrored by ``binOf`` in common.js)."""
    return palette.rate_bin(value)


def fmt_percent(value: float | None) -> str:
    return format_percent(value, missing="n/a")


def fmt_interval(interval: Interval | None) -> str:
    return "\u2014" if interval is None else f"{interval.low:.1f}\u2013{interval.high:.1f}%"


# --------------------------------------------------------------------------------------------------- heatmap


def heatmap_view(
    index: Mapping[str, Any], chunks: Sequence[str] = (), *, row_count: int = 0
) -> dict[str, Any]:
    """Context of ``index.html`` but its table rows (:func:`heatmap_row`, rendered by :mod:`build`, which reuses the
    rows of modules that did not change): the small head of the data; the runs behind the cells live in the
    ``chunks`` scripts (:func:`heatmap_chunk`). ``index``: the index's fields but ``modules``."""
    models: list[str] = list(index.get("models") or [])
    versions: list[str] = list(index.get("versions") or [])
    return {
        "models": models,
        "versions": versions,
        "row_count": row_count,
        "generated_at": index.get("generated_at"),
        "payload": {
            "models": models,
            "versions": versions,
            "cell_fields": list(CELL_FIELDS),
            "run_fields": list(RUN_FIELDS),
            "chunks": list(chunks),
        },
    }


def heatmap_row(module_id: str, entry: Mapping[str, Any], versions: Sequence[str]) -> dict[str, Any]:
    """One row of the heatmap table: every cell as its first paint shows it (Best, pass rate)."""
    return {
        "id": module_id,
        "name": entry["name"],
        "href": f"modules/{module_id}.html",
        "cells": [first_paint_cell((entry.get("versions") or {}).get(v)) for v in versions],
    }


def first_paint_cell(cell: Mapping[str, Any] | None) -> dict[str, str]:
    """What a cell shows before any script ran: the Best run's pass rate, exactly as ``render()`` in heatmap.js
    writes it for the default view (the browser tests compare the two)."""
    runs = (cell or {}).get("by_model") or {}
    best = (cell or {}).get("best")
    model = best["model"] if best else next(iter(runs), None)  # no pass rate anywhere: the first run, "n/a"
    if model is None:
        return {"cls": "cell empty", "text": "", "model": ""}
    value = runs[model].get("pass_rate")
    css = "cell na" if value is None else f"cell q{rate_bin(value)}"
    return {"cls": css, "text": fmt_percent(value), "model": model}


def heatmap_chunk(
    entries: Mapping[str, Any], versions: Sequence[str], models: Sequence[str], first: int
) -> dict[str, Any]:
    """The runs of some consecutive heatmap rows (``first`` is the position of the first), loaded by the page
    after its first paint: tooltips, model switches and sorting need them, the first paint does not."""
    prefixes = UrlPrefixes()
    rows = [
        _heatmap_row(module_id, entry, versions, models, prefixes) for module_id, entry in entries.items()
    ]
    return {"first": first, "url_prefixes": prefixes.table, "rows": rows}


class UrlPrefixes:
    """Shares the part of each URL up to its last ``/`` (Braintrust links of one module differ only after it)."""

    def __init__(self) -> None:
        self.table: list[str] = []
        self._positions: dict[str, int] = {}

    def encode(self, url: str | None) -> list[Any] | None:
        """``[prefix position, rest]``, or None for no (or an unsafe) link. The page joins the two back."""
        url = safe_url(url)
        if url is None:
            return None
        prefix, _, rest = url.rpartition("/")
        position = self._positions.setdefault(prefix + "/", len(self.table))
        if position == len(self.table):
            self.table.append(prefix + "/")
        return [position, rest]


def _heatmap_row(
    module_id: str,
    entry: Mapping[str, Any],
    versions: Sequence[str],
    models: Sequence[str],
    prefixes: UrlPrefixes,
) -> dict[str, Any]:
    cells = entry.get("versions") or {}
    return {
        "id": module_id,
        "name": entry["name"],
        "cells": [_heatmap_cell(cells[v], models, prefixes) if v in cells else None for v in versions],
    }


def _heatmap_cell(cell: Mapping[str, Any], models: Sequence[str], prefixes: UrlPrefixes) -> list[Any]:
    """A cell's runs all share its dataset version (the index's rule), so it is stored once per cell."""
    best = cell.get("best")
    runs = [_heatmap_run(model, run, models, prefixes) for model, run in cell.get("by_model", {}).items()]
    return [cell.get("dataset_version"), models.index(best["model"]) if best else None, runs]


def _heatmap_run(
    model: str, run: Mapping[str, Any], models: Sequence[str], prefixes: UrlPrefixes
) -> list[Any]:
    ci = run.get("pass_rate_ci") or [None, None]
    return [
        models.index(model),
        run.get("pass_rate"),
        run.get("match_rate"),
        run.get("total"),
        run.get("pass"),
        ci[0],
        ci[1],
        str(run.get("timestamp") or "")[:10],
        prefixes.encode(run.get("braintrust_url")),
    ]


# --------------------------------------------------------------------------------------------------- module page


def shown_runs(module: Module, entry: Mapping[str, Any] | None) -> Runs:
    """(version, model) -> the run the heatmap shows for it (the index chose it)."""
    runs: Runs = {}
    by_id = {e.id: e for e in module.experiments}
    for version, cell in ((entry or {}).get("versions") or {}).items():
        for model, run in cell.get("by_model", {}).items():
            experiment = by_id.get(run["experiment_id"])
            if experiment is not None:
                runs[(version, model)] = experiment
    return runs


def module_view(module: Module, entry: Mapping[str, Any] | None, all_models: Sequence[str]) -> dict[str, Any]:
    """Context of ``modules/<id>.html``."""
    runs = shown_runs(module, entry)
    versions = sorted_versions(v for v, _ in runs)
    models = [m for m in all_models if any(key[1] == m for key in runs)]
    return {
        "module": module,
        "best": best_so_far(module),
        "models": models,
        "legend": [(model, chart.model_style(model, all_models)) for model in models],
        "charts": history_charts(module, entry, runs, versions, models, all_models) if runs else [],
        "version_blocks": version_blocks(module, runs),
        "rubric_tables": rubric_tables(module, runs, versions, models),
        "experiments": experiment_rows(module, runs),
        "unversioned": [suggestion_view(s) for s in _sorted(module.suggestions) if not s.version],
        "payload": diff_payload(module),
        "test_name": TEST_NAME,
        "interval_name": INTERVAL_NAME,
    }


def best_so_far(module: Module) -> dict[str, Any] | None:
    """The module's best run by the one rule (:func:`sheets_sync.best.best_so_far`), with its dataset version."""
    found = best.best_so_far(module.experiments)
    if found is None:
        return None
    run, m = found.experiment, found.experiment.metrics
    return {
        "version": run.prompt_version,
        "model": run.model,
        "pass_rate": fmt_percent(m.pass_rate),
        "match_rate": fmt_percent(m.match_rate),
        "interval": _interval_text(m),
        "counts": _counts_text(m),
        "dataset_version": found.dataset_version,
        "experiment_id": run.id,
        "url": safe_url(run.braintrust_url),
        **run_link_fields(run),
    }


def run_link_fields(experiment: Experiment) -> dict[str, str | None]:
    """The run's link in the tool that made it, with that tool's label ("open in promptfoo"), unless it is the
    Braintrust link already shown."""
    link = experiment.run_link
    if link is None or link.url == experiment.braintrust_url:
        return {"run_url": None, "run_label": None}
    return {"run_url": safe_url(link.url), "run_label": link.label}


def history_charts(
    module: Module,
    entry: Mapping[str, Any] | None,
    runs: Runs,
    versions: Sequence[str],
    models: Sequence[str],
    all_models: Sequence[str],
) -> list[chart.Panel]:
    """Two panels, pass rate and match rate, over the same versions and models."""
    changes = _dataset_changes(entry, versions)
    panels = []
    for title, point in (("Pass rate", _pass_point), ("Match rate", _match_point)):
        series = {
            model: [
                p
                for slot, v in enumerate(versions)
                if (p := point(module, runs.get((v, model)), slot)) is not None
            ]
            for model in models
        }
        panels.append(chart.panel(title, versions, series, all_models, changes))
    return panels


def _pass_point(module: Module, run: Experiment | None, slot: int) -> chart.Point | None:
    value = run.metrics.pass_rate if run else None
    if run is None or value is None:
        return None
    m = run.metrics
    counts = m.counts()
    interval = wilson_interval(*counts) if counts else None
    title = (
        f"{run.model} {run.prompt_version}: pass {value:.1f}% ({_counts_text(m)}), 95% CI {_interval_text(m)}"
    )
    return chart.Point(slot, value, interval, title)


def _counts_text(m: Metrics) -> str:
    """``30/50``; a reported run says so (its rates have no counts behind them)."""
    counts = m.counts()
    if counts is None:
        return f"reported, {m.total} samples" if m.total is not None else "reported"
    return f"{counts[0]}/{counts[1]}"


def _interval_text(m: Metrics) -> str:
    counts = m.counts()
    return fmt_interval(wilson_interval(*counts)) if counts else REPORTED_NOTE


def _match_point(module: Module, run: Experiment | None, slot: int) -> chart.Point | None:
    rubric = module.primary_rubric_of(run) if run else None
    result = run.rubrics.get(rubric) if run and rubric else None
    if run is None or result is None or result.rate is None:
        return None
    interval = wilson_interval(result.passed, result.total)
    title = (
        f"{run.model} {run.prompt_version}: match {result.rate:.1f}% ({result.passed}/{result.total}), "
        f"95% CI {fmt_interval(interval)}"
    )
    return chart.Point(slot, result.rate, interval, title)


def _dataset_changes(entry: Mapping[str, Any] | None, versions: Sequence[str]) -> list[tuple[int, str]]:
    """Slots where the dataset version differs from the previous slot's: numbers either side are not comparable."""
    cells = (entry or {}).get("versions") or {}
    datasets = [cells.get(v, {}).get("dataset_version") for v in versions]
    return [(slot, f"dataset {ds}") for slot, ds in enumerate(datasets) if slot and ds != datasets[slot - 1]]


def version_blocks(module: Module, runs: Runs) -> list[dict[str, Any]]:
    """Per prompt version: the measured change against the version before (per model), the suggestions applied in
    it, and the suggestions raised on it."""
    versions = sorted_versions(
        [v for v, _ in runs]
        + [s.version for s in module.suggestions if s.version]
        + [s.applied_in for s in module.suggestions if s.applied_in]
    )
    pairs = consecutive_pairs(module)
    return [
        {
            "version": version,
            "dataset_version": next((e.dataset_version for (v, _), e in runs.items() if v == version), None),
            "changes": _measured_changes(
                module, [pairs[(v, m)] for v, m in sorted(runs) if v == version and (v, m) in pairs]
            ),
            "applied": [suggestion_view(s) for s in _sorted(module.suggestions) if s.applied_in == version],
            "raised": [suggestion_view(s) for s in _sorted(module.suggestions) if s.version == version],
        }
        for version in versions
    ]


def _measured_changes(module: Module, pairs: list[tuple[Experiment, Experiment]]) -> list[dict[str, Any]]:
    changes = []
    for a, b in pairs:
        pass_rate, match_rate = pass_rate_change(a, b), match_rate_change(module, a, b)
        changes.append(
            {
                "model": b.model,
                "from_version": a.prompt_version,
                "pass": row_texts(pass_rate),
                "pass_class": _verdict_class(pass_rate.verdict),
                "pass_borderline": pass_rate.borderline,
                "match": row_texts(match_rate),
                "match_class": _verdict_class(match_rate.verdict),
                "match_borderline": match_rate.borderline,
                "dataset_mismatch": a.dataset_version != b.dataset_version,
                "from_dataset": a.dataset_version,
                "to_dataset": b.dataset_version,
            }
        )
    return changes


def _verdict_class(verdict: str) -> str:
    return {"significant drop": "drop", "significant rise": "rise"}.get(verdict, "flat")


def suggestion_view(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "id": suggestion.id,
        "version": suggestion.version,
        "rubric": suggestion.rubric,
        "issue": suggestion.issue,
        "suggestion": suggestion.suggestion,
        "priority": suggestion.priority.value if suggestion.priority else None,
        "status": suggestion.status.value,
        "applied_in": suggestion.applied_in,
    }


def _sorted(suggestions: Sequence[Suggestion]) -> list[Suggestion]:
    return sorted(suggestions, key=lambda s: suggestion_order(s.id))


def rubric_tables(
    module: Module, runs: Runs, versions: Sequence[str], models: Sequence[str]
) -> list[dict[str, Any]]:
    """Per model: rubric x version, each cell the rubric's rate in that version's shown run."""
    tables = []
    for model in models:
        model_versions = [v for v in versions if (v, model) in runs]
        chosen = [runs[(v, model)] for v in model_versions]
        rows = [
            {"rubric": rubric, "cells": [_rubric_cell(runs[(v, model)], rubric) for v in model_versions]}
            for rubric in rubric_order(module, chosen)
        ]
        datasets = [run.dataset_version for run in chosen]
        tables.append(
            {
                "model": model,
                "versions": model_versions,
                "datasets": datasets,
                # versions whose run is on another dataset version than the column before: not comparable across
                "dataset_changes": [
                    v for i, v in enumerate(model_versions) if i and datasets[i] != datasets[i - 1]
                ],
                "rows": rows,
            }
        )
    return tables


def _rubric_cell(run: Experiment, rubric: str) -> dict[str, Any] | None:
    result = run.rubrics.get(rubric)
    if result is None:
        return None
    return {
        "text": fmt_percent(result.rate),
        "bin": None if result.rate is None else rate_bin(result.rate),
        "title": f"{result.passed}/{result.total} \u00b7 95% CI {fmt_interval(wilson_interval(result.passed, result.total))}",
    }


def experiment_rows(module: Module, runs: Runs) -> list[dict[str, Any]]:
    """The experiments table, in the on-disk order (version, then time); sort keys for the script."""
    shown = {e.id for e in runs.values()}
    ranks = version_ranks(module)
    rows = []
    for experiment in module.normalized().experiments:
        m = experiment.metrics
        rows.append(
            {
                "experiment": experiment,
                "version_rank": ranks[experiment.prompt_version],
                "dataset_rank": ranks.get(experiment.dataset_version, 0),
                "pass_rate": fmt_percent(m.pass_rate),
                "match_rate": fmt_percent(m.match_rate),
                "interval": _interval_text(m),
                "timestamp": experiment.timestamp.isoformat(),
                "url": safe_url(experiment.braintrust_url),
                **run_link_fields(experiment),
                "shown": experiment.id in shown,
            }
        )
    return rows


def version_ranks(module: Module) -> dict[str, int]:
    """Dense natural-order rank of every version named in the module (prompt, dataset, suggestions).

    The page's script compares versions by these ranks, so it orders them exactly like ``version_key``.
    """
    names = (
        [e.prompt_version for e in module.experiments]
        + [e.dataset_version for e in module.experiments]
        + [v for s in module.suggestions for v in (s.version, s.applied_in) if v]
    )
    ranks: dict[str, int] = {}
    rank, previous = -1, None
    for name in sorted(set(names), key=version_key):
        if version_key(name) != previous:
            rank, previous = rank + 1, version_key(name)
        ranks[name] = rank
    return ranks


def diff_payload(module: Module) -> dict[str, Any]:
    """Everything the Diff view's script needs to compute any pair the way :func:`compare.compare` does."""
    pair = default_pair(module)
    return {
        "module_id": module.module_id,
        "primary_rubric": module.primary_rubric,
        "alpha": ALPHA,
        "experiments": [_experiment_payload(module, e) for e in module.normalized().experiments],
        "rubric_order": rubric_order(module),
        "version_rank": version_ranks(module),
        "suggestions": [suggestion_view(s) for s in _sorted(module.suggestions)],
        "default": [pair[0].id, pair[1].id] if pair else None,
    }


def _experiment_payload(module: Module, experiment: Experiment) -> dict[str, Any]:
    return {
        "id": experiment.id,
        "version": experiment.prompt_version,
        "model": experiment.model,
        "dataset_version": experiment.dataset_version,
        "timestamp": experiment.timestamp.isoformat(),
        "pass": experiment.metrics.passed,
        "total": experiment.metrics.total,
        "reported": experiment.metrics.reported,
        "pass_rate": experiment.metrics.pass_rate,
        "match_rate": experiment.metrics.match_rate,
        "primary": module.primary_rubric_of(experiment) or None,
        "rubrics": {name: [r.passed, r.total] for name, r in experiment.rubrics.items()},
        "url": safe_url(experiment.braintrust_url),
    }

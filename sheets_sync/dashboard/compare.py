"""The comparison of two experiments of one module: what ``sheets-sync diff`` prints and the module page's Diff view
shows.

Pure: modules in, frozen dataclasses out; no I/O. The statistics are :mod:`sheets_sync.stats` (a pooled
two-proportion z-test for significance, a Newcombe hybrid-Wilson interval for the difference), and the text
formatting lives here too, because the page's JavaScript port (``assets/common.js``) must print the very same
strings as the command line; ``tests/dashboard`` checks both against each other in a real browser.

Which runs are compared, when the user names prompt versions rather than experiment ids:

* one model on both sides: the one given, else the best model of version B (the heatmap's "best" rule) among the
  models that ran both versions;
* B is the heatmap's run for (version B, model): the latest run on the newest dataset version;
* A is the latest run of (version A, model) on B's dataset version when there is one (so the runs are comparable),
  else the heatmap's run for (version A, model); a dataset mismatch is then a warning.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sheets_sync.best import cell_runs
from sheets_sync.errors import SheetsSyncError
from sheets_sync.models import Experiment, Module, Suggestion, rate, suggestion_order
from sheets_sync.stats import ProportionDiff, format_percent, two_proportion_test
from sheets_sync.versions import natural_key, sorted_versions, version_key

ALPHA = 0.05
TEST_NAME = "two-proportion z-test (pooled standard error), alpha 0.05"
INTERVAL_NAME = "95% interval of the difference: Newcombe (hybrid Wilson)"

CANNOT_TEST = "cannot test: reported rate"
"""The verdict on a row where a side is a reported run (a legacy tracker's rate, no counts to test)."""

PASS_RATE = "pass_rate"
MATCH_RATE = "match_rate"
RUBRIC = "rubric"


# --------------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Count:
    """``passed`` of ``total`` samples, with the rate as stored on disk (half-up, one decimal)."""

    passed: int
    total: int

    @property
    def rate(self) -> float | None:
        return rate(self.passed, self.total)


@dataclass(frozen=True)
class RateChange:
    """One compared proportion (pass rate, match rate or a rubric): A's and B's counts and B minus A."""

    kind: str
    name: str
    a: Count | None
    b: Count | None
    test: ProportionDiff | None
    a_reported: float | None = None
    """A's reported rate where A is a reported run without a count for this row (no test is possible)."""
    b_reported: float | None = None

    @property
    def regression(self) -> bool:
        """A drop distinguishable from noise: what ``--fail-on-regression`` gates on."""
        return self.test is not None and self.test.significant and self.test.delta < 0

    @property
    def improvement(self) -> bool:
        return self.test is not None and self.test.significant and self.test.delta > 0

    @property
    def borderline(self) -> bool:
        """The test and the interval disagree about the change (near 0% or 100%, or at p close to alpha).

        They are two methods (pooled z-test, Newcombe interval): a "significant" change whose interval still
        includes 0, or the reverse, is on the edge of what the samples can tell, and the reader must be told.
        """
        if self.test is None:
            return False
        interval_excludes_zero = self.test.low > 0 or self.test.high < 0
        return self.test.significant != interval_excludes_zero

    @property
    def verdict(self) -> str:
        if self.test is None and (self.a_reported is not None or self.b_reported is not None):
            return CANNOT_TEST
        if self.test is None:
            return "not comparable"
        if self.regression:
            return "significant drop"
        if self.improvement:
            return "significant rise"
        return "not significant"

    @property
    def label(self) -> str:
        if self.kind == PASS_RATE:
            return "pass rate"
        if self.kind == MATCH_RATE:
            return f"match rate ({self.name})" if self.name else "match rate"
        return self.name


@dataclass(frozen=True)
class Comparison:
    """Experiment B against experiment A of one module (deltas read B minus A)."""

    module_id: str
    module_name: str
    a: Experiment
    b: Experiment
    pass_rate: RateChange
    match_rate: RateChange
    rubrics: tuple[RateChange, ...]
    applied_suggestions: tuple[Suggestion, ...]
    warnings: tuple[str, ...]

    @property
    def dataset_mismatch(self) -> bool:
        return self.a.dataset_version != self.b.dataset_version

    @property
    def rows(self) -> tuple[RateChange, ...]:
        """Every compared proportion, in display order."""
        return (self.pass_rate, self.match_rate, *self.rubrics)

    @property
    def regressions(self) -> tuple[RateChange, ...]:
        """The pass rate and the rubrics that dropped significantly (match rate is its rubric's row)."""
        return tuple(row for row in (self.pass_rate, *self.rubrics) if row.regression)

    @property
    def notes(self) -> tuple[str, ...]:
        """One line per borderline row (the test and the interval disagree); the match rate is its rubric's row."""
        return tuple(borderline_note(row) for row in (self.pass_rate, *self.rubrics) if row.borderline)


# --------------------------------------------------------------------------------------------------- compare


def compare(module: Module, a: Experiment, b: Experiment) -> Comparison:
    """Compare two experiments of ``module``: B minus A for the pass rate, the match rate and every rubric."""
    primary_a, primary_b = module.primary_rubric_of(a) or None, module.primary_rubric_of(b) or None
    return Comparison(
        module_id=module.module_id,
        module_name=module.module_name,
        a=a,
        b=b,
        pass_rate=pass_rate_change(a, b),
        match_rate=match_rate_change(module, a, b),
        rubrics=tuple(
            _change(RUBRIC, name, _rubric_count(a, name), _rubric_count(b, name))
            for name in rubric_order(module, [a, b])
        ),
        applied_suggestions=applied_between(module, a.prompt_version, b.prompt_version),
        warnings=_warnings(a, b, primary_a, primary_b),
    )


def pass_rate_change(a: Experiment, b: Experiment) -> RateChange:
    return _change(
        PASS_RATE, "", _metrics_count(a), _metrics_count(b), _reported(a, None), _reported(b, None)
    )


def match_rate_change(module: Module, a: Experiment, b: Experiment) -> RateChange:
    """The primary rubric's change (each run's own primary rubric, which may override the module's)."""
    primary_a, primary_b = module.primary_rubric_of(a) or None, module.primary_rubric_of(b) or None
    count_a, count_b = _rubric_count(a, primary_a), _rubric_count(b, primary_b)
    reported_a = _reported(a, MATCH_RATE) if count_a is None else None
    reported_b = _reported(b, MATCH_RATE) if count_b is None else None
    return _change(MATCH_RATE, primary_b or primary_a or "", count_a, count_b, reported_a, reported_b)


def _change(
    kind: str,
    name: str,
    a: Count | None,
    b: Count | None,
    a_reported: float | None = None,
    b_reported: float | None = None,
) -> RateChange:
    test = two_proportion_test(a.passed, a.total, b.passed, b.total) if a and b else None
    return RateChange(kind=kind, name=name, a=a, b=b, test=test, a_reported=a_reported, b_reported=b_reported)


def _reported(experiment: Experiment, kind: str | None) -> float | None:
    """A reported run's stated pass rate (or match rate, ``kind`` MATCH_RATE); None for a counted run."""
    metrics = experiment.metrics
    if not metrics.reported:
        return None
    return metrics.match_rate if kind == MATCH_RATE else metrics.pass_rate


def _metrics_count(experiment: Experiment) -> Count | None:
    """The pass count; None for a reported run (rates without counts cannot be tested)."""
    counts = experiment.metrics.counts()
    return Count(*counts) if counts else None


def _rubric_count(experiment: Experiment, rubric: str | None) -> Count | None:
    result = experiment.rubrics.get(rubric) if rubric else None
    return Count(result.passed, result.total) if result else None


def rubric_order(module: Module, experiments: Iterable[Experiment] | None = None) -> list[str]:
    """The module's primary rubric first, then the others in natural order (of ``experiments``, default all)."""
    return module.rubric_names(experiments)


def applied_between(module: Module, version_a: str, version_b: str) -> tuple[Suggestion, ...]:
    """Suggestions applied after the older of the two prompt versions, up to and including the newer one."""
    low, high = sorted((version_key(version_a), version_key(version_b)))
    return tuple(
        sorted(
            (s for s in module.suggestions if s.applied_in and low < version_key(s.applied_in) <= high),
            key=lambda s: suggestion_order(s.id),
        )
    )


def _warnings(a: Experiment, b: Experiment, primary_a: str | None, primary_b: str | None) -> tuple[str, ...]:
    warnings = []
    if a.id == b.id:
        warnings.append(f"A and B are the same experiment ({a.id}): there is nothing to compare")
    if a.dataset_version != b.dataset_version:
        warnings.append(
            f"dataset versions differ (A: {a.dataset_version}, B: {b.dataset_version}): the runs are not comparable"
        )
    for side, run in (("A", a), ("B", b)):
        if run.metrics.reported:
            warnings.append(
                f"{side} ({run.id}) has reported rates, not counts: the pass rate cannot be tested"
            )
    if primary_a != primary_b:
        warnings.append(
            f"primary rubrics differ (A: {primary_a or 'none'}, B: {primary_b or 'none'}): "
            "the match rates measure different things"
        )
    return tuple(warnings)


# --------------------------------------------------------------------------------------------------- choosing runs


def find_pair(
    module: Module, ref_a: str, ref_b: str, model: str | None = None
) -> tuple[Experiment, Experiment]:
    """The two experiments named by ``ref_a`` and ``ref_b`` (each an experiment id or a prompt version).

    Raises SheetsSyncError, listing what exists, when a reference matches nothing.
    """
    exact_a, exact_b = module.experiment(ref_a), module.experiment(ref_b)
    if exact_a and exact_b:
        return exact_a, exact_b
    if model is None:
        exact = exact_a or exact_b
        model = exact.model if exact else _common_model(module, ref_a, ref_b)
    b = exact_b or pick_run(_runs(module, ref_b, model))
    a = exact_a or pick_run(_runs(module, ref_a, model), prefer_dataset=b.dataset_version)
    return a, b


def default_pair(module: Module) -> tuple[Experiment, Experiment] | None:
    """The latest prompt version against the version before it that the same model ran; None with one version."""
    versions = sorted_versions(e.prompt_version for e in module.experiments)
    if len(versions) < 2:
        return None
    latest = versions[-1]
    for model in models_by_rank(_of_version(module, latest)):
        earlier = [v for v in versions[:-1] if _runs_of(module, v, model)]
        if earlier:
            return find_pair(module, earlier[-1], latest, model)
    return None


def consecutive_pairs(module: Module) -> dict[tuple[str, str], tuple[Experiment, Experiment]]:
    """(version, model) -> that model's run of the version before it and of this version, for every such pair.

    What the module page shows as each version's measured change; computed in one pass per model.
    """
    pairs = {}
    for model in sorted({e.model for e in module.experiments}):
        versions = sorted_versions(e.prompt_version for e in module.experiments if e.model == model)
        for previous, version in itertools.pairwise(versions):
            pairs[(version, model)] = find_pair(module, previous, version, model)
    return pairs


def pick_run(runs: Sequence[Experiment], prefer_dataset: str | None = None) -> Experiment:
    """The latest run on ``prefer_dataset`` when there is one, else the heatmap's rule (newest dataset version)."""
    comparable = [e for e in runs if e.dataset_version == prefer_dataset]
    if comparable:
        return max(comparable, key=Experiment.recency_key)
    newest = max((e.dataset_version for e in runs), key=natural_key)
    return max((e for e in runs if e.dataset_version == newest), key=Experiment.recency_key)


def models_by_rank(runs: Iterable[Experiment]) -> list[str]:
    """Models of one prompt version's runs: the heatmap's best first, then the others by name."""
    cell = cell_runs(runs)
    best = cell.best.model if cell.best else None
    return sorted(cell.by_model, key=lambda model: (model != best, model))


def _common_model(module: Module, version_a: str, version_b: str) -> str:
    runs_a, runs_b = _of_version(module, version_a), _of_version(module, version_b)
    _require_runs(module, version_a, runs_a)
    _require_runs(module, version_b, runs_b)
    shared = {e.model for e in runs_a}
    for model in models_by_rank(runs_b):
        if model in shared:
            return model
    raise SheetsSyncError(
        f"{module.module_id}: no model ran both {version_a} ({', '.join(sorted(shared))}) and {version_b} "
        f"({', '.join(sorted({e.model for e in runs_b}))}); pass two experiment ids to compare across models"
    )


def _runs(module: Module, version: str, model: str) -> list[Experiment]:
    runs = _of_version(module, version)
    _require_runs(module, version, runs)
    chosen = [e for e in runs if e.model == model]
    if not chosen:
        models = ", ".join(sorted({e.model for e in runs}))
        raise SheetsSyncError(f"{module.module_id} {version}: no run on model {model!r} (models: {models})")
    return chosen


def _require_runs(module: Module, version: str, runs: list[Experiment]) -> None:
    if not runs:
        known = ", ".join(sorted_versions(e.prompt_version for e in module.experiments)) or "none"
        raise SheetsSyncError(
            f"{module.module_id}: {version!r} is neither an experiment id nor a prompt version with runs "
            f"(versions: {known})"
        )


def _of_version(module: Module, version: str) -> list[Experiment]:
    return [e for e in module.experiments if e.prompt_version == version]


def _runs_of(module: Module, version: str, model: str) -> list[Experiment]:
    return [e for e in _of_version(module, version) if e.model == model]


# --------------------------------------------------------------------------------------------------- text
# Mirrored by assets/common.js (fmtCount, fmtDelta, fmtInterval, fmtP): change both together.


def fmt_count(count: Count | None, reported: float | None = None) -> str:
    """``60.0% (30/50)``; ``n/a (0/0)`` with no samples; ``58.4% reported`` for a reported run's rate (no count);
    an em dash when the run lacks it."""
    if count is None and reported is not None:
        return f"{reported:.1f}% reported"
    if count is None:
        return "\u2014"
    return f"{format_percent(count.rate, missing='n/a')} ({count.passed}/{count.total})"


def fmt_signed(value: float) -> str:
    """``+20.0``, ``-3.5``; zero (or a rounded -0.0) is ``0.0``, since a sign on nothing misleads."""
    return "0.0" if value == 0 else f"{value:+.1f}"


def fmt_delta(test: ProportionDiff | None) -> str:
    return "\u2014" if test is None else f"{fmt_signed(test.delta)} pp"


def fmt_interval(test: ProportionDiff | None) -> str:
    return "\u2014" if test is None else f"[{fmt_signed(test.low)}, {fmt_signed(test.high)}]"


def fmt_p(test: ProportionDiff | None) -> str:
    if test is None:
        return "\u2014"
    return "<0.0001" if test.p_value < 0.0001 else f"{test.p_value:.4f}"


def borderline_note(row: RateChange) -> str:
    """Why a row's verdict is on the edge; mirrored by ``borderlineNote`` in assets/module.js."""
    texts = row_texts(row)
    if row.test is not None and row.test.significant:
        return (
            f"{texts['metric']}: {texts['verdict']} by the test (p {texts['p']}), but the 95% interval "
            f"{texts['interval']} includes 0: borderline"
        )
    return (
        f"{texts['metric']}: not significant by the test (p {texts['p']}), but the 95% interval "
        f"{texts['interval']} excludes 0: borderline"
    )


def row_texts(row: RateChange) -> dict[str, str]:
    """The cells of one row exactly as the CLI and the page print them."""
    return {
        "metric": row.label,
        "a": fmt_count(row.a, row.a_reported),
        "b": fmt_count(row.b, row.b_reported),
        "delta": fmt_delta(row.test),
        "interval": fmt_interval(row.test),
        "p": fmt_p(row.test),
        "verdict": row.verdict,
    }


# --------------------------------------------------------------------------------------------------- JSON


def comparison_to_json(comparison: Comparison) -> dict[str, Any]:
    """``sheets-sync diff --json``: the numbers and the printed strings, for scripts and CI."""
    return {
        "module_id": comparison.module_id,
        "module_name": comparison.module_name,
        "a": _experiment_json(comparison.a),
        "b": _experiment_json(comparison.b),
        "test": TEST_NAME,
        "interval": INTERVAL_NAME,
        "alpha": ALPHA,
        "dataset_mismatch": comparison.dataset_mismatch,
        "warnings": list(comparison.warnings),
        "notes": list(comparison.notes),
        "rows": [_row_json(row) for row in comparison.rows],
        "regressions": [row.label for row in comparison.regressions],
        "applied_suggestions": [s.model_dump(mode="json") for s in comparison.applied_suggestions],
    }


def _experiment_json(experiment: Experiment) -> dict[str, Any]:
    return {
        "id": experiment.id,
        "prompt_version": experiment.prompt_version,
        "model": experiment.model,
        "dataset_version": experiment.dataset_version,
        "timestamp": experiment.timestamp.isoformat(),
        "braintrust_url": experiment.braintrust_url,
    }


def _row_json(row: RateChange) -> dict[str, Any]:
    test = row.test
    return {
        "kind": row.kind,
        "name": row.name,
        "a": _count_json(row.a),
        "b": _count_json(row.b),
        "a_reported": row.a_reported,
        "b_reported": row.b_reported,
        "delta": test.delta if test else None,
        "interval": [test.low, test.high] if test else None,
        "z": test.z if test else None,
        "p_value": test.p_value if test else None,
        "significant": test.significant if test else None,
        "regression": row.regression,
        "borderline": row.borderline,
        "text": row_texts(row),
    }


def _count_json(count: Count | None) -> dict[str, Any] | None:
    return None if count is None else {"pass": count.passed, "total": count.total, "rate": count.rate}

"""compare.py: which runs are compared, and what the comparison says about them."""

from __future__ import annotations

import pytest
from dashboard_factory import m01, m02_xss, m03_regression, run

from sheets_sync.dashboard.compare import (
    applied_between,
    compare,
    default_pair,
    find_pair,
    fmt_count,
    fmt_delta,
    fmt_interval,
    fmt_p,
    row_texts,
)
from sheets_sync.errors import SheetsSyncError
from sheets_sync.models import Module
from sheets_sync.stats import two_proportion_test


def _module(*experiments, suggestions=(), primary="R") -> Module:  # type: ignore[no-untyped-def]
    return Module(
        module_id="mx",
        module_name="X",
        primary_rubric=primary,
        experiments=list(experiments),
        suggestions=list(suggestions),
    )


def test_thirty_to_forty_of_fifty_is_a_significant_twenty_point_rise() -> None:
    a = run("mx", "v1", "gpt-5", 30, day=1)
    b = run("mx", "v2", "gpt-5", 40, day=2)
    change = compare(_module(a, b), a, b).pass_rate
    assert change.test is not None
    assert change.test.delta == 20.0
    assert change.test.significant
    assert change.verdict == "significant rise"
    assert row_texts(change)["delta"] == "+20.0 pp"
    assert row_texts(change)["a"] == "60.0% (30/50)"


def test_forty_to_forty_two_of_fifty_is_noise() -> None:
    a = run("mx", "v1", "gpt-5", 40, day=1)
    b = run("mx", "v2", "gpt-5", 42, day=2)
    change = compare(_module(a, b), a, b).pass_rate
    assert change.test is not None
    assert change.test.delta == 4.0
    assert not change.test.significant
    assert change.verdict == "not significant"
    assert not change.regression


def test_the_interval_and_p_value_are_the_stats_modules() -> None:
    a = run("mx", "v1", "gpt-5", 30, day=1)
    b = run("mx", "v2", "gpt-5", 40, day=2)
    change = compare(_module(a, b), a, b).pass_rate
    assert change.test == two_proportion_test(30, 50, 40, 50)
    assert fmt_interval(change.test) == f"[{change.test.low:+.1f}, {change.test.high:+.1f}]"


def test_a_significant_drop_of_a_rubric_is_a_regression_even_when_the_pass_rate_rises() -> None:
    a = run("mx", "v1", "m", 30, day=1, rubrics={"R": (30, 50), "tone": (45, 50)}, primary="R")
    b = run("mx", "v2", "m", 33, day=2, rubrics={"R": (33, 50), "tone": (30, 50)}, primary="R")
    comparison = compare(_module(a, b), a, b)
    assert [row.label for row in comparison.regressions] == ["tone"]
    assert not comparison.pass_rate.regression


def test_match_rate_is_shown_but_counted_once_among_regressions() -> None:
    a = run("mx", "v1", "m", 40, day=1, rubrics={"R": (45, 50)}, primary="R")
    b = run("mx", "v2", "m", 40, day=2, rubrics={"R": (25, 50)}, primary="R")
    comparison = compare(_module(a, b), a, b)
    assert comparison.match_rate.regression
    assert [row.label for row in comparison.rows] == ["pass rate", "match rate (R)", "R"]
    assert [row.label for row in comparison.regressions] == ["R"]


def test_rows_put_the_primary_rubric_first_and_a_rubric_missing_on_one_side_is_not_comparable() -> None:
    a = run("mx", "v1", "m", 30, day=1, rubrics={"R": (30, 50), "b_rubric": (10, 50)}, primary="R")
    b = run("mx", "v2", "m", 30, day=2, rubrics={"R": (30, 50), "a_rubric": (10, 50)}, primary="R")
    comparison = compare(_module(a, b), a, b)
    assert [row.name for row in comparison.rubrics] == ["R", "a_rubric", "b_rubric"]
    missing = comparison.rubrics[1]
    assert missing.test is None and missing.verdict == "not comparable"
    assert row_texts(missing)["a"] == "\u2014"


def test_a_run_without_samples_is_not_comparable() -> None:
    module = m03_regression()
    a, b = find_pair(module, "v1", "v2", "gpt-4o-mini")
    comparison = compare(module, a, b)
    assert comparison.pass_rate.test is None
    assert fmt_count(comparison.pass_rate.a) == "n/a (0/0)"


def test_dataset_mismatch_is_a_warning() -> None:
    module = m03_regression()
    comparison = compare(module, *find_pair(module, "v1", "v3", "gpt-4o"))
    assert comparison.dataset_mismatch
    assert comparison.warnings == ("dataset versions differ (A: v1, B: v2): the runs are not comparable",)


def test_suggestions_applied_between_the_versions_either_way_round() -> None:
    module = m01()
    assert [s.id for s in applied_between(module, "v1", "v3")] == ["m01-s1", "m01-s2"]
    assert [s.id for s in applied_between(module, "v3", "v1")] == ["m01-s1", "m01-s2"]
    assert [s.id for s in applied_between(module, "v2", "v3")] == ["m01-s2"]
    assert applied_between(module, "v2", "v2") == ()


def test_versions_pick_the_best_model_of_b_that_also_ran_a() -> None:
    a, b = find_pair(m01(), "v2", "v3")
    assert (a.id, b.id) == ("m01_v2_gpt5_20260105", "m01_v3_gpt5_20260109")
    a, b = find_pair(m01(), "v3", "v10")  # v10's best is gpt-5, which ran v3 too
    assert (a.model, b.model) == ("gpt-5", "gpt-5")


def test_a_prefers_the_run_on_bs_dataset_version() -> None:
    old = run("mx", "v1", "m", 30, day=1, dataset="v1")
    rerun = run("mx", "v1", "m", 31, day=3, dataset="v2")
    newer_old = run("mx", "v1", "m", 29, day=4, dataset="v1")
    b = run("mx", "v2", "m", 35, day=5, dataset="v2")
    a, chosen_b = find_pair(_module(old, rerun, newer_old, b), "v1", "v2")
    assert (a.id, chosen_b.id) == (rerun.id, b.id)


def test_experiment_ids_are_accepted_and_may_cross_models() -> None:
    module = m01()
    a, b = find_pair(module, "m01_v1_gpt4o_20260102", "m01_v3_gpt5_20260109")
    assert (a.model, b.model) == ("gpt-4o", "gpt-5")


@pytest.mark.parametrize(
    ("refs", "model", "message"),
    [
        (
            ("v1", "v9"),
            None,
            "'v9' is neither an experiment id nor a prompt version with runs (versions: v1, v2, v3, v10)",
        ),
        (("v1", "v3"), "gpt-4o", "m01 v3: no run on model 'gpt-4o' (models: gpt-4o-mini, gpt-5)"),
    ],
)
def test_unknown_references_list_what_exists(refs: tuple[str, str], model: str | None, message: str) -> None:
    with pytest.raises(SheetsSyncError) as caught:
        find_pair(m01(), *refs, model)
    assert message in str(caught.value)


def test_no_shared_model_is_an_error_naming_both_sides() -> None:
    module = _module(run("mx", "v1", "a", 1, day=1), run("mx", "v2", "b", 1, day=2))
    with pytest.raises(SheetsSyncError, match=r"no model ran both v1 \(a\) and v2 \(b\)"):
        find_pair(module, "v1", "v2")


def test_default_pair_is_latest_version_against_the_one_before_on_the_same_model() -> None:
    a, b = default_pair(m01()) or (None, None)
    assert (a and a.id, b and b.id) == ("m01_v3_gpt5_20260109", "m01_v10_gpt5_20260120")


def test_default_pair_falls_back_to_a_model_with_an_earlier_run() -> None:
    # m03's v3 best is gpt-5, which ran nothing before: gpt-4o is next.
    a, b = default_pair(m03_regression()) or (None, None)
    assert (a and a.id, b and b.id) == ("m03_v2_gpt4o_20260108", "m03_v3_gpt4o_20260112_v2")


def test_default_pair_needs_two_versions() -> None:
    assert default_pair(_module(run("mx", "v1", "a", 1, day=1), run("mx", "v1", "b", 1, day=2))) is None


def test_primary_rubric_difference_is_a_warning() -> None:
    module = m02_xss()
    a, b = module.experiments
    b = b.model_copy(update={"primary_rubric": "other"})
    assert "primary rubrics differ" in compare(module, a, b).warnings[0]


@pytest.mark.parametrize(
    ("a", "b", "delta", "p"),
    [((25, 50), (25, 50), "0.0 pp", "1.0000"), ((0, 200), (200, 200), "+100.0 pp", "<0.0001")],
)
def test_text_formats(a: tuple[int, int], b: tuple[int, int], delta: str, p: str) -> None:
    test = two_proportion_test(*a, *b)
    assert (fmt_delta(test), fmt_p(test)) == (delta, p)


def test_a_significant_change_whose_interval_includes_zero_is_borderline() -> None:
    module = m03_regression()
    comparison = compare(module, *find_pair(module, "v1", "v2", "gpt-4o"))
    ascii_only = next(row for row in comparison.rubrics if row.name == "M03_ascii_only")
    assert ascii_only.test is not None and ascii_only.test.significant
    assert (ascii_only.test.low, ascii_only.test.high) == (-0.6, 18.8)
    assert ascii_only.borderline
    assert [row.label for row in comparison.rows if row.borderline] == ["M03_ascii_only"]
    assert comparison.notes == (
        (
            "M03_ascii_only: significant rise by the test (p 0.0412), but the 95% interval [-0.6, +18.8] "
            "includes 0: borderline"
        ),
    )


def test_a_non_significant_change_whose_interval_excludes_zero_is_borderline() -> None:
    a = run("mx", "v1", "m", 1, 5, day=1)
    b = run("mx", "v2", "m", 13, 19, day=2)
    comparison = compare(_module(a, b), a, b)
    assert comparison.pass_rate.verdict == "not significant" and comparison.pass_rate.borderline
    assert comparison.notes == (
        (
            "pass rate: not significant by the test (p 0.0507), but the 95% interval [+0.4, +71.5] excludes 0: "
            "borderline"
        ),
    )


def test_clear_changes_and_missing_rows_are_not_borderline() -> None:
    module = m03_regression()
    comparison = compare(module, *find_pair(module, "v1", "v2", "gpt-4o"))
    assert comparison.pass_rate.regression and not comparison.pass_rate.borderline
    assert not compare(module, *find_pair(module, "v1", "v2", "gpt-4o-mini")).pass_rate.borderline  # no test


def test_the_match_rate_row_adds_no_second_note_for_its_rubric() -> None:
    a = run("mx", "v1", "m", 30, day=1, rubrics={"R": (46, 50)}, primary="R")
    b = run("mx", "v2", "m", 30, day=2, rubrics={"R": (50, 50)}, primary="R")
    comparison = compare(_module(a, b), a, b)
    assert comparison.match_rate.borderline
    assert [note.split(":")[0] for note in comparison.notes] == ["R"]


def test_comparing_a_run_with_itself_is_a_warning() -> None:
    module = m01()
    comparison = compare(module, *find_pair(module, "v2", "v2", "gpt-5"))
    assert comparison.warnings == (
        "A and B are the same experiment (m01_v2_gpt5_20260105): there is nothing to compare",
    )

"""How values people typed are read: rates, counts, dates, versions, models, priorities, statuses."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.legacy.values import (
    RateKind,
    canonical_model,
    counts_for,
    read_priority,
    read_rate,
    read_status,
    read_timestamp,
    read_version,
)
from sheets_sync.models import Priority, Status, rate


@pytest.mark.parametrize(
    ("text", "percent", "kind"),
    [
        ("30%", 30.0, RateKind.PERCENT),
        ("40 %", 40.0, RateKind.PERCENT),
        ("57", 57.0, RateKind.PERCENT),
        ("58.4", 58.4, RateKind.PERCENT),
        ("0.57", 57.0, RateKind.FRACTION),
        (".38", 38.0, RateKind.FRACTION),
        ("1.0", 100.0, RateKind.FRACTION),
        ("0", 0.0, RateKind.PERCENT),
        ("100%", 100.0, RateKind.PERCENT),
    ],
)
def test_rates(text: str, percent: float, kind: RateKind) -> None:
    found = read_rate(text)
    assert found is not None
    assert (found.percent, found.kind) == (percent, kind)


@pytest.mark.parametrize("text", ["~70%", "n/a", "N/A", "tbd", "NaN", "", "  ", None, "?", "-"])
def test_no_result(text: str | None) -> None:
    assert read_rate(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [("1", "ambiguous"), ("101", "more than 100%"), ("abc", "not a rate"), ("5/50", "not a rate")],
)
def test_bad_rates_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_rate(text)


@pytest.mark.parametrize(
    ("day", "time", "expected"),
    [
        ("2026-01-20", None, datetime(2026, 1, 20)),
        ("2026-1-9", None, datetime(2026, 1, 9)),
        ("21/01/2026", None, datetime(2026, 1, 21)),
        ("3/2/2026", "9:05", datetime(2026, 2, 3, 9, 5)),
        ("2026-01-20", "14:05:33", datetime(2026, 1, 20, 14, 5, 33)),
        ("2026-01-20T10:11:12", None, datetime(2026, 1, 20, 10, 11, 12)),
    ],
)
def test_dates(day: str, time: str | None, expected: datetime) -> None:
    assert read_timestamp(day, time) == expected


@pytest.mark.parametrize(
    ("day", "time"), [("2026-13-01", None), ("32/01/2026", None), ("Jan 5", None), ("2026-01-20", "25:00")]
)
def test_bad_dates_are_refused(day: str, time: str | None) -> None:
    with pytest.raises(ValueError):
        read_timestamp(day, time)


@pytest.mark.parametrize(
    ("text", "version"),
    [("v1", "v1"), ("V3", "v3"), ("7", "v7"), ("1.10", "v1.10"), ("v2.1", "v2.1"), ("beta", "beta")],
)
def test_versions(text: str, version: str) -> None:
    assert read_version(text) == version


def test_model_spellings_map_to_the_names_the_data_uses() -> None:
    known = {"gpt-4o", "gpt-4o-mini", "gpt-5"}
    assert canonical_model("4o-mini", known) == "gpt-4o-mini"
    assert canonical_model("GPT-5", known) == "gpt-5"
    assert canonical_model("gpt5", known) == "gpt-5"
    assert canonical_model("GPT-4o", known) == "gpt-4o"
    assert canonical_model("claude-3", known) == "claude-3"  # unknown: kept as written


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("High", Priority.HIGH),
        ("med", Priority.MEDIUM),
        ("P1", Priority.HIGH),
        ("p3", Priority.LOW),
        ("", None),
    ],
)
def test_priorities(text: str, priority: Priority | None) -> None:
    assert read_priority(text) == priority


@pytest.mark.parametrize(
    ("text", "status", "applied_in"),
    [
        ("applied in v2", Status.APPLIED, "v2"),
        ("Applied (v3)", Status.APPLIED, "v3"),
        ("applied (in V4)", Status.APPLIED, "v4"),
        ("in progress", Status.IN_PROGRESS, None),
        ("done", Status.APPLIED, None),
        ("Rejected", Status.REJECTED, None),
        ("", Status.PROPOSED, None),
    ],
)
def test_statuses(text: str, status: Status, applied_in: str | None) -> None:
    assert read_status(text) == (status, applied_in)


def test_unknown_priority_and_status_are_refused() -> None:
    with pytest.raises(ValueError, match="not a priority"):
        read_priority("someday")
    with pytest.raises(ValueError, match="not a status"):
        read_status("maybe later")


def test_counts_are_found_only_when_they_reproduce_the_rate() -> None:
    assert counts_for(30.0, 50) == 15
    assert counts_for(57.1, 49) == 28
    assert counts_for(58.4, 49) is None  # a mean of reruns: no whole count of 49 gives it
    assert counts_for(50.0, 0) is None


@settings(deadline=None, max_examples=300)
@given(st.integers(min_value=1, max_value=1000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_count_behind_any_stored_rate_is_found_again(case: tuple[int, int]) -> None:
    passed, total = case
    stated = rate(passed, total)
    assert stated is not None
    assert rate(counts_for(stated, total) or 0, total) == stated
    assert counts_for(stated, total) == passed

"""Small-sample statistics for pass rates: Wilson intervals and a two-proportion z-test.

At ~50 samples per run a 5-point move is usually noise (40/50 has a 95% Wilson interval of about 67%-89%), so every
comparison view shows intervals and says whether a change is distinguishable from noise. Pure functions, stdlib only,
shared by the heatmap index, the dashboard and ``sheets-sync diff`` so all three print the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # two-sided 95% normal quantile


@dataclass(frozen=True)
class Interval:
    """A percentage interval (0..100)."""

    low: float
    high: float


def wilson_interval(passed: int, total: int, z: float = Z_95) -> Interval | None:
    """Wilson score interval for passed/total, as percentages rounded to one decimal; None when total is 0."""
    if total <= 0:
        return None
    low, high = wilson_interval_raw(passed, total, z)
    return Interval(round(low * 100, 1), round(high * 100, 1))


REPORTED_NOTE = "reported rate (a legacy tracker's figure, not counted): no interval, no test"
"""What every view says where a reported run's interval or test would be."""


def format_percent(value: float | None, missing: str = "-") -> str:
    """A percentage (0..100) as every view prints it, ``62.5%``; ``missing`` for a rate without samples."""
    return missing if value is None else f"{value:.1f}%"


def normal_two_sided_p(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2))


@dataclass(frozen=True)
class ProportionDiff:
    """B minus A for two proportions, in percentage points, with a 95% interval and a pooled z-test."""

    delta: float
    low: float
    high: float
    z: float
    p_value: float
    significant: bool


def two_proportion_test(
    pass_a: int, total_a: int, pass_b: int, total_b: int, alpha: float = 0.05
) -> ProportionDiff | None:
    """Two-proportion z-test (pooled standard error) and a Newcombe (hybrid Wilson) 95% interval for the difference.

    None when either side has no samples. ``significant`` is ``p_value < alpha``.
    """
    if total_a <= 0 or total_b <= 0:
        return None
    p_a, p_b = pass_a / total_a, pass_b / total_b
    pooled = (pass_a + pass_b) / (total_a + total_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / total_a + 1 / total_b))
    z = 0.0 if se == 0 else (p_b - p_a) / se
    p_value = 1.0 if se == 0 else normal_two_sided_p(z)
    low, high = _newcombe_interval(pass_a, total_a, pass_b, total_b)
    return ProportionDiff(
        delta=round((p_b - p_a) * 100, 1),
        low=low,
        high=high,
        z=round(z, 3),
        p_value=round(p_value, 4),
        significant=p_value < alpha,
    )


def _newcombe_interval(pass_a: int, total_a: int, pass_b: int, total_b: int) -> tuple[float, float]:
    """Newcombe's method 10: the difference's interval from the two Wilson intervals (in percentage points)."""
    a = wilson_interval_raw(pass_a, total_a)
    b = wilson_interval_raw(pass_b, total_b)
    p_a, p_b = pass_a / total_a, pass_b / total_b
    d = p_b - p_a
    low = d - math.sqrt((p_b - b[0]) ** 2 + (a[1] - p_a) ** 2)
    high = d + math.sqrt((b[1] - p_b) ** 2 + (p_a - a[0]) ** 2)
    return round(low * 100, 1), round(high * 100, 1)


def wilson_interval_raw(passed: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """Unrounded Wilson interval as fractions (0..1); total must be > 0."""
    p = passed / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)

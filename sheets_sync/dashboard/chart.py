"""The module page's history chart: pass rate and match rate across prompt versions, one line per model, with
Wilson 95% bands.

Pure geometry: the build computes every coordinate here and the ``chart`` macro in ``templates/_macros.html`` only
writes the SVG, so the chart needs no JavaScript and no network, and the same data always draws the same bytes
(coordinates rounded to one decimal). A model that skipped a version gets a gap in its line, not a line across the gap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sheets_sync.stats import Interval

# Okabe-Ito: distinguishable with every common colour-vision deficiency; the marker shape tells lines apart too.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255")
MARKERS = ("circle", "square", "triangle", "diamond")

# Drawn about the size it is shown at on a laptop (two panels side by side), so the 12px labels stay 12px.
WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 30
MARKER_RADIUS = 4.0
# Models at one version are drawn a few pixels apart, so equal rates and overlapping intervals stay visible.
DODGE = 4.0


@dataclass(frozen=True)
class Point:
    """One run on the chart: its version's slot, its rate and interval (percent), and the hover text."""

    slot: int
    value: float
    interval: Interval | None
    title: str


@dataclass(frozen=True)
class Style:
    color: str
    marker: str


@dataclass(frozen=True)
class SeriesShape:
    """What the template draws for one model: bands, lines, markers (with hover titles)."""

    model: str
    style: Style
    # (path, CSS class): "band" is a filled polygon; a lone point's interval is an "errorbar" (stroked, with caps)
    bands: list[tuple[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    markers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Panel:
    title: str
    width: int
    height: int
    series: list[SeriesShape]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    dataset_marks: list[tuple[float, str]]
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float


def model_style(model: str, all_models: Sequence[str]) -> Style:
    """The same model keeps the same colour and marker on every page (its position in the index's model list)."""
    position = all_models.index(model) if model in all_models else len(all_models)
    return Style(PALETTE[position % len(PALETTE)], MARKERS[position % len(MARKERS)])


def panel(
    title: str,
    versions: Sequence[str],
    series: dict[str, list[Point]],
    all_models: Sequence[str],
    dataset_changes: Sequence[tuple[int, str]] = (),
) -> Panel:
    """Lay out one chart panel; ``series`` maps a model to its points (slots index ``versions``)."""
    return Panel(
        title=title,
        width=WIDTH,
        height=HEIGHT,
        series=[
            _shape(
                model, points, len(versions), model_style(model, all_models), _dodge(position, len(series))
            )
            for position, (model, points) in enumerate(series.items())
        ],
        x_ticks=[(_x(slot, len(versions)), version) for slot, version in enumerate(versions)],
        y_ticks=[(_y(value), f"{value}%") for value in (0, 25, 50, 75, 100)],
        dataset_marks=[
            (_x(slot, len(versions)) - _slot_width(len(versions)) / 2, label)
            for slot, label in dataset_changes
        ],
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
    )


def _shape(model: str, points: list[Point], slots: int, style: Style, dodge: float = 0.0) -> SeriesShape:
    shape = SeriesShape(model=model, style=style)

    def x(slot: int) -> float:
        return round(_x(slot, slots) + dodge, 1)

    for run in _contiguous(points):
        shape.bands.append((_band(run, x), "band" if len(run) > 1 else "errorbar"))
        if len(run) > 1:
            shape.lines.append("M" + " L".join(f"{x(p.slot):.1f} {_y(p.value):.1f}" for p in run))
    shape.markers.extend((_marker(style.marker, x(p.slot), _y(p.value)), p.title) for p in points)
    return shape


def _dodge(position: int, count: int) -> float:
    return round((position - (count - 1) / 2) * DODGE, 1)


def _contiguous(points: list[Point]) -> list[list[Point]]:
    """Split at gaps: consecutive slots belong to one line."""
    runs: list[list[Point]] = []
    for point in sorted(points, key=lambda p: p.slot):
        if runs and runs[-1][-1].slot == point.slot - 1:
            runs[-1].append(point)
        else:
            runs.append([point])
    return runs


def _band(run: list[Point], x_of: Callable[[int], float]) -> str:
    """The interval as a filled polygon; a lone point (no neighbour to span to) gets an error bar with caps."""
    spans = [(p, p.interval or Interval(p.value, p.value)) for p in run]
    if len(run) == 1:
        point, interval = spans[0]
        x, cap = x_of(point.slot), 5.0
        top, bottom = _y(interval.high), _y(interval.low)
        return (
            f"M{x - cap:.1f} {top:.1f} H{x + cap:.1f} M{x:.1f} {top:.1f} V{bottom:.1f} "
            f"M{x - cap:.1f} {bottom:.1f} H{x + cap:.1f}"
        )
    upper = [f"{x_of(p.slot):.1f} {_y(i.high):.1f}" for p, i in spans]
    lower = [f"{x_of(p.slot):.1f} {_y(i.low):.1f}" for p, i in reversed(spans)]
    return "M" + " L".join(upper + lower) + " Z"


def _marker(kind: str, x: float, y: float, r: float = MARKER_RADIUS) -> str:
    """A small closed path; shapes differ so lines stay distinguishable without colour."""
    if kind == "square":
        s = r * 0.85
        return f"M{x - s:.1f} {y - s:.1f} h{2 * s:.1f} v{2 * s:.1f} h{-2 * s:.1f} Z"
    if kind == "triangle":
        return f"M{x:.1f} {y - r * 1.1:.1f} L{x + r:.1f} {y + r * 0.8:.1f} L{x - r:.1f} {y + r * 0.8:.1f} Z"
    if kind == "diamond":
        return f"M{x:.1f} {y - r * 1.2:.1f} L{x + r:.1f} {y:.1f} L{x:.1f} {y + r * 1.2:.1f} L{x - r:.1f} {y:.1f} Z"
    return (
        f"M{x - r:.1f} {y:.1f} a{r:.1f} {r:.1f} 0 1 0 {2 * r:.1f} 0 a{r:.1f} {r:.1f} 0 1 0 {-2 * r:.1f} 0 Z"
    )


def _slot_width(slots: int) -> float:
    return (WIDTH - LEFT - RIGHT) / max(slots, 1)


def _x(slot: int, slots: int) -> float:
    return round(LEFT + (slot + 0.5) * _slot_width(slots), 1)


def _y(value: float) -> float:
    return round(TOP + (100 - value) / 100 * (HEIGHT - TOP - BOTTOM), 1)

"""The one colour scale of rates, shared by the dashboards (``assets/style.css``, classes ``q0``..``q9``) and the
Heatmap tab of the workbook: viridis in ten 10-point bands, dark purple low, yellow high, readable with every
common colour-vision deficiency and in greyscale, with the text colour each band needs for contrast.

``tests/dashboard`` checks that style.css carries exactly these colours.
"""

from __future__ import annotations

from typing import NamedTuple


class Band(NamedTuple):
    background: str  # "#rrggbb"
    text: str  # "#rrggbb"


WHITE, BLACK = "#ffffff", "#000000"

VIRIDIS: tuple[Band, ...] = (
    Band("#461264", WHITE),
    Band("#44347e", WHITE),
    Band("#3b528a", WHITE),
    Band("#306c8e", WHITE),
    Band("#26848d", BLACK),
    Band("#229c88", BLACK),
    Band("#33b47a", BLACK),
    Band("#5fc860", BLACK),
    Band("#9cd83c", BLACK),
    Band("#dde326", BLACK),
)
BINS = len(VIRIDIS)


def rate_bin(value: float) -> int:
    """Band of a percentage: 0-9.9 -> 0, ..., 90-100 -> 9 (mirrored by ``binOf`` in assets/common.js)."""
    return min(BINS - 1, max(0, int(value // 10)))


def band(value: float) -> Band:
    return VIRIDIS[rate_bin(value)]

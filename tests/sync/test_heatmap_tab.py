"""The Heatmap tab reads like the dashboard: the dashboard's viridis colours (purple low, yellow high) and its
header row on screen (frozen), also in a tab an older release wrote, through gspread against the emulator."""

from __future__ import annotations

from sides import SHEET as SPREADSHEET

from sheets_emulator import Emulator
from sheets_sync import palette
from sheets_sync.dashboard.build import ASSETS_DIR as ASSETS
from sheets_sync.sync.columns import RATE_FORMAT
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.layout import COLOUR_POINTS
from sheets_sync.sync.ops import AddColourScale
from sheets_sync.sync.snapshot import ColourScale, GridRange


def heatmap_sheet(emu: Emulator):  # type: ignore[no-untyped-def]
    return next(s for s in emu.spreadsheet(SPREADSHEET).sheets if s.title == "Heatmap")


def test_the_header_row_is_frozen_and_an_older_tab_gets_it_on_push(
    emu_engine: SyncEngine, emu: Emulator
) -> None:
    emu_engine.push()
    frozen = int(heatmap_sheet(emu).grid["frozenRowCount"])
    values = emu.pm(SPREADSHEET).get_values("Heatmap")
    assert values[frozen - 1][:3] == ["module id", "module name", "v1"]  # the last frozen row is the header
    assert values[frozen - 2][0] == "Best pass rate"
    heatmap_sheet(emu).grid["frozenRowCount"] = 0  # as an older release left it
    result = emu_engine.push()
    assert result.plan.has_writes
    assert int(heatmap_sheet(emu).grid["frozenRowCount"]) == frozen
    assert not emu_engine.push().plan.has_writes  # and then nothing more to do


def test_an_older_tabs_purple_high_gradient_is_replaced_by_the_dashboards_viridis(
    emu_engine: SyncEngine, emu: Emulator, emu_workbook: GspreadWorkbook
) -> None:
    emu_engine.push()
    heatmap = emu_workbook.read().by_title("Heatmap")
    assert heatmap is not None
    old = ColourScale(
        (GridRange(heatmap.sheet_id, 5, 8, 2, 4),), COLOUR_POINTS
    )  # what earlier releases added
    emu_workbook.apply([AddColourScale(heatmap.sheet_id, old)])
    assert heatmap_sheet(emu).conditional_formats
    emu_engine.push()
    assert not heatmap_sheet(emu).conditional_formats
    cells = emu_workbook.read().by_title("Heatmap")
    assert cells is not None
    low = [c for c in cells.cells.values() if c.number_format == RATE_FORMAT and isinstance(c.value, float)]
    assert {c.background for c in low} <= {band.background for band in palette.VIRIDIS}


def test_the_palette_is_the_dashboards() -> None:
    css = (ASSETS / "style.css").read_text(encoding="utf-8")
    for number, band in enumerate(palette.VIRIDIS):
        text = "#fff" if band.text == palette.WHITE else "#000"
        assert f".cell.q{number} {{ background: {band.background}; color: {text}; }}" in css

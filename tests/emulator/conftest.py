"""Fixtures for tests that talk to the Sheets API emulator (the same helpers are plain functions in
:mod:`sheets_emulator.testing`, for other test folders)."""

from __future__ import annotations

from collections.abc import Iterator

import gspread
import pytest

from sheets_emulator import Emulator
from sheets_emulator.http import EmulatorServer
from sheets_emulator.testing import ManualClock, running_server

SPREADSHEET_ID = "1emulatorTestSpreadsheet0000000000000000000"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emulator(clock: ManualClock) -> Emulator:
    """An emulator on a manual clock: sleeps (slow answers) and quota windows take no real time."""
    return Emulator(clock=clock, sleep=clock.sleep)


@pytest.fixture
def spreadsheet_id(emulator: Emulator) -> str:
    return emulator.create_spreadsheet(SPREADSHEET_ID, title="Test")


@pytest.fixture
def gc(emulator: Emulator) -> gspread.Client:
    """gspread served in-process by the emulator (no socket)."""
    return emulator.gspread_client()


@pytest.fixture
def sh(gc: gspread.Client, spreadsheet_id: str) -> gspread.Spreadsheet:
    return gc.open_by_key(spreadsheet_id)


@pytest.fixture
def ws(sh: gspread.Spreadsheet) -> gspread.Worksheet:
    return sh.sheet1


@pytest.fixture
def http_server(emulator: Emulator) -> Iterator[EmulatorServer]:
    """The emulator as an HTTP server on a free loopback port."""
    with running_server(emulator) as server:
        yield server

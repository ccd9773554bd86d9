"""Helpers for tests that run gspread (or sheets-sync) against the emulator; ``tests/emulator/conftest.py``
wraps them in fixtures, and other test folders can import them directly.

    clock = ManualClock()
    emu = Emulator(clock=clock, sleep=clock.sleep)   # slow answers and quota windows cost no real time
    emu, gc, spreadsheet_id = emulator_with_client()
    with running_server(emu) as server: ...          # HTTP on a free loopback port
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sheets_emulator.core import Emulator
from sheets_emulator.http import EmulatorServer, serve_http

if TYPE_CHECKING:
    import gspread


class ManualClock:
    """A clock that moves only when told to (or when something sleeps on it)."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        """Record the sleep and move time on, instantly."""
        self.slept.append(seconds)
        self.now += seconds


def emulator_with_client(
    spreadsheet_id: str = "test-spreadsheet", title: str = "Test", clock: ManualClock | None = None
) -> tuple[Emulator, gspread.Client, str]:
    """An emulator holding one new spreadsheet, and a gspread client served in-process."""
    clock = clock or ManualClock()
    emulator = Emulator(clock=clock, sleep=clock.sleep)
    emulator.create_spreadsheet(spreadsheet_id, title=title)
    return emulator, emulator.gspread_client(), spreadsheet_id


@contextmanager
def running_server(emulator: Emulator, host: str = "127.0.0.1") -> Iterator[EmulatorServer]:
    """The emulator on a free loopback port for the duration of the block."""
    server = serve_http(emulator, host=host, port=0)
    try:
        yield server
    finally:
        server.close()

"""Fixtures of the sync tests: a data directory with small modules, the in-memory fake, the emulator."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_clock import FakeClock
from sides import Side
from sync_helpers import module, write_modules

from sheets_emulator import Emulator
from sheets_sync.store import Store
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.retry import Retrier, RetryPolicy

SPREADSHEET = "sheet-1"


@pytest.fixture(autouse=True)
def _no_ambient_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SHEETS_SYNC_SPREADSHEET_ID",
        "SHEETS_SYNC_ENDPOINT",
        "SHEETS_SYNC_CONFIG",
        "SHEETS_SYNC_DATA_DIR",
        "SHEETS_SYNC_CREDENTIALS",
        "SHEETS_SYNC_DEADLINE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Store:
    return write_modules(data_dir, module("m01"), module("m02", experiments=2, suggestions=2))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def retrier(clock: FakeClock) -> Retrier:
    return Retrier(RetryPolicy(deadline=300, clock=clock, rng=random.Random(7)))


@pytest.fixture
def fake() -> FakeWorkbook:
    return FakeWorkbook(SPREADSHEET)


@pytest.fixture
def fake_engine(store: Store, fake: FakeWorkbook, retrier: Retrier) -> SyncEngine:
    return SyncEngine(store, fake, retrier)


@pytest.fixture(params=["fake", "emulator"])
def side(request: pytest.FixtureRequest, store: Store, retrier: Retrier) -> Iterator[Side]:
    """Each behaviour test runs against the in-memory workbook and against the emulator behind real gspread."""
    if request.param == "fake":
        fake = FakeWorkbook(SPREADSHEET)
        yield Side("fake", SyncEngine(store, fake, retrier), fake=fake)
        return
    emulator = Emulator()
    emulator.create_spreadsheet(SPREADSHEET, title="Evals")
    workbook = GspreadWorkbook(SPREADSHEET, emulator.session(), retrier=retrier)
    yield Side("emulator", SyncEngine(store, workbook, retrier), emu=emulator)


@pytest.fixture
def emu(clock: FakeClock) -> Iterator[Emulator]:
    emulator = Emulator(clock=clock.monotonic, sleep=clock.sleep)
    emulator.create_spreadsheet(SPREADSHEET, title="Evals")
    yield emulator


@pytest.fixture
def emu_workbook(emu: Emulator, retrier: Retrier) -> GspreadWorkbook:
    return GspreadWorkbook(
        SPREADSHEET, emu.session(), retrier=retrier, account="sync@proj.iam.gserviceaccount.com"
    )


@pytest.fixture
def emu_engine(store: Store, emu_workbook: GspreadWorkbook, retrier: Retrier) -> SyncEngine:
    return SyncEngine(store, emu_workbook, retrier)

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))

from clones import SPREADSHEET

from sheets_emulator import Emulator


@pytest.fixture
def emulator() -> Emulator:
    emulator = Emulator()
    emulator.create_spreadsheet(SPREADSHEET, title="Evals")
    return emulator

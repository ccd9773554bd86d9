"""The cell codec: text is stored verbatim (RAW), numbers as numbers, nothing longer than a cell holds."""

from __future__ import annotations

import pytest
from fake_clock import FakeClock
from hypothesis import given, settings
from hypothesis import strategies as st
from sync_helpers import AWKWARD_TEXTS as AWKWARD

from sheets_emulator import Emulator
from sheets_sync.sync.codec import (
    MAX_CELL_CHARS,
    CellTextTooLongError,
    cell_text,
    fraction_value,
    from_extended_value,
    number_value,
    same_value,
    text_value,
    to_extended_value,
)
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.ops import CellSpec, WriteCells
from sheets_sync.sync.retry import Retrier, RetryPolicy


def round_trip(text: str) -> str:
    """What a cell written with the codec reads back as (through the API's ExtendedValue JSON)."""
    return cell_text(from_extended_value(to_extended_value(text_value(text))))


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_text_round_trips_as_the_same_text(text: str) -> None:
    extended = to_extended_value(text_value(text))
    assert extended == {"stringValue": text}  # never a formula, number or boolean
    assert round_trip(text) == text


@given(st.text(max_size=300))
def test_any_text_round_trips(text: str) -> None:
    assert round_trip(text) == text


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50) | st.sampled_from(AWKWARD))
def test_any_text_round_trips_through_a_workbook(text: str) -> None:
    workbook = FakeWorkbook()
    workbook.apply([WriteCells(0, 2, 3, ((CellSpec(text_value(text)),),))])
    assert cell_text(workbook.read().tabs[0].value(2, 3)) == text


EMULATOR = Emulator()
EMULATOR.create_spreadsheet("codec")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80) | st.sampled_from(AWKWARD))
def test_any_text_round_trips_through_gspread_and_the_api(text: str) -> None:
    """The real request path: updateCells JSON out, spreadsheets.get JSON back."""
    workbook = GspreadWorkbook("codec", EMULATOR.session(), retrier=Retrier(RetryPolicy(clock=FakeClock())))
    workbook.apply([WriteCells(0, 4, 2, ((CellSpec(text_value(text)),),))])
    assert cell_text(workbook.read().tabs[0].value(4, 2)) == text


def test_empty_text_is_an_empty_cell() -> None:
    assert text_value("") is None
    assert text_value(None) is None
    assert to_extended_value(None) is None
    assert cell_text(None) == ""


def test_text_longer_than_a_cell_is_refused_not_truncated() -> None:
    assert text_value("x" * MAX_CELL_CHARS) == "x" * MAX_CELL_CHARS
    with pytest.raises(CellTextTooLongError) as caught:
        text_value("x" * (MAX_CELL_CHARS + 1))
    assert caught.value.length == MAX_CELL_CHARS + 1
    assert "50,000" in str(caught.value)


def test_numbers_are_written_as_numbers_and_rates_as_fractions() -> None:
    assert to_extended_value(number_value(50)) == {"numberValue": 50}
    assert fraction_value(60.0) == 0.6
    assert fraction_value(89.6) == 0.896  # not 0.8959999999999999
    assert fraction_value(None) is None
    assert number_value(float("nan")) is None


def test_numbers_a_pm_typed_read_back_as_their_short_text() -> None:
    assert cell_text(3.0) == "3"
    assert cell_text(6.1) == "6.1"
    assert cell_text(True) == "TRUE"
    assert cell_text(from_extended_value({"formulaValue": "=A1"})) == "=A1"


def test_same_value_tells_numbers_from_text() -> None:
    assert same_value(1, 1.0)
    assert not same_value("1", 1)
    assert not same_value(True, 1)
    assert same_value(None, None)

"""Writes whose outcome is unknown (the answer lost, the connection reset): never repeated blindly.

In-memory workbook (its scripted faults); the emulator's twins of these are in test_sync_emulator.py (Fault)."""

from __future__ import annotations

import pytest
from fake_clock import FakeClock

from sheets_sync.errors import SheetsUnavailableError
from sheets_sync.store import Store
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.fake import FakeWorkbook


def test_a_write_whose_answer_was_lost_is_not_repeated(
    fake_engine: SyncEngine, fake: FakeWorkbook, clock: FakeClock
) -> None:
    fake.fail_next_write(after_apply=True)
    fake_engine.push()
    assert [t.title for t in fake.tabs] == ["Heatmap", "m01", "m02"]
    assert all(len(t.protections) == 1 for t in fake.tabs)
    assert fake.write_calls == 1  # applied once; the re-read showed nothing left to do
    assert clock.sleeps  # it backed off before reading again


def test_a_write_that_failed_is_planned_and_sent_again(fake_engine: SyncEngine, fake: FakeWorkbook) -> None:
    fake.fail_next_write(times=2)
    fake_engine.push()
    assert fake.write_calls == 3
    assert [t.title for t in fake.tabs] == ["Heatmap", "m01", "m02"]


def test_writes_failing_forever_give_up_by_the_deadline(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store, clock: FakeClock
) -> None:
    fake.fail_next_write(times=10_000)
    before = {p: p.read_bytes() for p in store.data_dir.rglob("*.json")}
    with pytest.raises(SheetsUnavailableError, match="gave up"):
        fake_engine.push()
    assert 0 < clock.now - 1000.0 <= 300
    after = {p: p.read_bytes() for p in store.data_dir.rglob("*.json")}
    # the writes may have landed (their outcome is unknown): what they were to put in the sheet stays recorded
    # (sheets_sync.sync.pending), every other file is as it was
    pending = store.data_dir / ".sync" / "pending" / f"{fake.spreadsheet_id}.json"
    assert pending in after and pending not in before
    assert {p: data for p, data in after.items() if p != pending} == before

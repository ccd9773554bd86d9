"""The scheduled job and an engineer writing the same workbook within the same second lose nothing: the write
generation (sheets_sync.sync.generation) refuses a batch planned from a read another write has overtaken."""

from __future__ import annotations

from pathlib import Path

import pytest
from clones import Clone, clone_of, sheet_rows
from sync_helpers import module, write_modules

from sheets_emulator import Emulator
from sheets_sync.errors import SheetsError
from sheets_sync.sync.codec import CellValue
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.generation import claim_ops, generation
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.ops import CellSpec, WriteCells


@pytest.fixture
def pair(tmp_path: Path, emulator: Emulator) -> tuple[Clone, Clone]:
    store = write_modules(tmp_path / "origin" / "data", module("m01"))
    origin = Clone("origin", store, emulator)
    origin.push()
    return clone_of(store, "laptop", tmp_path, emulator), clone_of(store, "ci", tmp_path, emulator)


def test_a_push_overtaken_between_its_read_and_its_write_plans_again(
    pair: tuple[Clone, Clone], emulator: Emulator
) -> None:
    laptop, ci = pair
    laptop.suggest("from the laptop")
    ci.suggest("from the scheduled job")
    laptop.edit("m01-s1", issue="laptop edit")
    ci.edit("m01-s2", issue="ci edit")
    emulator.before_next_write(
        lambda: ci.push()
    )  # the job's whole push lands between the laptop's read and write
    result = laptop.push()
    assert not result.conflicts
    assert result.plan.notes.renumbered == [
        "m01: m01-s4 -> m01-s5 (m01-s4 is another suggestion in the sheet)"
    ]
    rows = sheet_rows(emulator)
    assert {sid: row["issue"] for sid, row in rows.items()} == {
        "m01-s1": "laptop edit",
        "m01-s2": "ci edit",
        "m01-s3": "issue 3",
        "m01-s4": "from the scheduled job",
        "m01-s5": "from the laptop",
    }
    for clone in (ci, laptop):
        assert not clone.pull().conflicts
    assert ci.suggestions() == laptop.suggestions()


def test_a_write_planned_from_a_stale_read_is_refused_whole(
    emulator: Emulator, pair: tuple[Clone, Clone]
) -> None:
    workbook = GspreadWorkbook("team-sheet", emulator.session())
    stale = workbook.read()
    workbook.apply(claim_ops(stale, "first"))
    assert generation(workbook.read()) == generation(stale) + 1
    tab = stale.by_title("m01")
    assert tab is not None
    cell: CellValue = "never written"
    write = WriteCells(tab.sheet_id, 40, 0, ((CellSpec(cell),),))
    with pytest.raises(SheetsError):
        workbook.apply([*claim_ops(stale, "second"), write])
    assert workbook.read().by_title("m01").value(40, 0) is None  # type: ignore[union-attr]


def test_the_in_memory_workbook_refuses_a_stale_claim_too() -> None:
    fake = FakeWorkbook("fake")
    stale = fake.read()
    fake.apply(claim_ops(stale, "first"))
    with pytest.raises(SheetsError):
        fake.apply(claim_ops(stale, "second"))
    assert generation(fake.read()) == 1

"""Two and three clones of one data directory syncing one workbook: ids never collide, deletions stick."""

from __future__ import annotations

from pathlib import Path

import pytest
from clones import Clone, clone_of, pm_cell, pm_row, pm_type_new_row, sheet, sheet_rows
from sync_helpers import module, write_modules

from sheets_emulator import Emulator
from sheets_sync.sync.generation import generation
from sheets_sync.sync.merge import Prefer


@pytest.fixture
def origin(tmp_path: Path, emulator: Emulator) -> Clone:
    """The first engineer: pushed m01 (suggestions s1..s3) and committed."""
    store = write_modules(tmp_path / "origin" / "data", module("m01"))
    first = Clone("origin", store, emulator)
    assert first.push().applied
    return first


def clones(origin: Clone, tmp_path: Path, emulator: Emulator, *names: str) -> list[Clone]:
    return [clone_of(origin.store, name, tmp_path, emulator) for name in names]


def test_two_offline_suggestions_get_distinct_ids_without_a_conflict(
    origin: Clone, tmp_path: Path, emulator: Emulator
) -> None:
    ana, ben = clones(origin, tmp_path, emulator, "ana", "ben")
    assert ana.suggest("ana's idea") == ben.suggest("ben's idea") == "m01-s4"
    assert not ana.push().conflicts
    pushed = ben.push()
    assert not pushed.conflicts
    assert pushed.plan.notes.renumbered == [
        "m01: m01-s4 -> m01-s5 (m01-s4 is another suggestion in the sheet)"
    ]
    assert ben.suggestions()["m01-s5"] == "ben's idea"  # the module file was saved by push
    rows = sheet_rows(emulator)
    assert rows["m01-s4"]["issue"] == "ana's idea" and rows["m01-s5"]["issue"] == "ben's idea"
    for clone in (ana, ben):
        assert not clone.pull().conflicts
        assert clone.suggestions() == {
            "m01-s1": "issue 1",
            "m01-s2": "issue 2",
            "m01-s3": "issue 3",
            "m01-s4": "ana's idea",
            "m01-s5": "ben's idea",
        }


def test_a_pull_renumbers_too_and_an_id_in_the_sheet_never_changes_meaning(
    origin: Clone, tmp_path: Path, emulator: Emulator
) -> None:
    ana, ben = clones(origin, tmp_path, emulator, "ana", "ben")
    ana.suggest("ana's idea")
    ana.push()
    ben.suggest("ben's idea")
    pulled = ben.pull()
    assert not pulled.conflicts and pulled.plan.notes.renumbered
    assert ben.suggestions()["m01-s4"] == "ana's idea" and ben.suggestions()["m01-s5"] == "ben's idea"
    ben.push()
    assert sheet_rows(emulator)["m01-s4"]["issue"] == "ana's idea"
    ana.pull()
    assert ana.suggestions() == ben.suggestions()


def test_three_clones_suggesting_offline_in_every_order(
    origin: Clone, tmp_path: Path, emulator: Emulator
) -> None:
    crew = clones(origin, tmp_path, emulator, "ana", "ben", "cid")
    for clone in crew:
        clone.suggest(f"{clone.name} 1")
        clone.suggest(f"{clone.name} 2")
    crew[1].pull()
    crew[2].push()
    crew[0].push()
    crew[1].push()
    for _ in range(2):
        for clone in crew:
            assert not clone.pull().conflicts
            assert not clone.push().conflicts
    expected = {"issue 1", "issue 2", "issue 3"} | {f"{c.name} {n}" for c in crew for n in (1, 2)}
    for clone in crew:
        assert set(clone.suggestions().values()) == expected
        assert len(clone.suggestions()) == len(expected)
    assert {r["issue"] for r in sheet_rows(emulator).values()} == expected


def test_a_deletion_pushed_by_one_clone_sticks_in_the_others(
    origin: Clone, tmp_path: Path, emulator: Emulator
) -> None:
    ana, ben, cid = clones(origin, tmp_path, emulator, "ana", "ben", "cid")
    ana.delete("m01-s2")
    ana.push()
    assert "m01-s2" not in sheet_rows(emulator)
    pushed = ben.push()  # before its pull: must not bring the row back
    assert "m01-s2" not in sheet_rows(emulator) and not pushed.plan.notes.restored
    assert pushed.plan.notes.deleted_elsewhere == ["m01-s2"]
    assert "m01-s2" not in ben.suggestions()
    pulled = cid.pull()
    assert pulled.plan.notes.deleted_elsewhere == ["m01-s2"] and "m01-s2" not in cid.suggestions()
    # the number is never handed out again, by suggest or by a PM's new row
    assert cid.suggest("new one") == "m01-s4"


def test_a_row_a_pm_deletes_by_accident_is_still_restored(origin: Clone, emulator: Emulator) -> None:
    emulator.pm("team-sheet").delete_rows("m01", pm_row(emulator, "m01-s2"))
    pushed = origin.push()
    assert pushed.plan.notes.restored == ["m01-s2"]
    assert "m01-s2" in sheet_rows(emulator)


def test_a_deleted_suggestion_edited_in_another_clone_is_a_conflict_not_a_loss(
    origin: Clone, tmp_path: Path, emulator: Emulator
) -> None:
    ana, ben = clones(origin, tmp_path, emulator, "ana", "ben")
    ana.delete("m01-s3")
    ana.push()
    ben.edit("m01-s3", issue="ben rewrote it")
    pulled = ben.pull()
    assert [(c.row_id, c.sheet) for c in pulled.conflicts] == [("m01-s3", "(deleted by another clone)")]
    assert ben.suggestions()["m01-s3"] == "ben rewrote it"
    assert "m01-s3" not in sheet_rows(emulator)
    kept = ben.push(prefer=Prefer.LOCAL)
    assert not kept.conflicts and ben.suggestions()["m01-s4"] == "ben rewrote it"
    assert sheet_rows(emulator)["m01-s4"]["issue"] == "ben rewrote it"


def test_pm_edits_and_engineer_edits_from_two_clones_all_arrive(
    origin: Clone, tmp_path: Path, emulator: Emulator
) -> None:
    ana, ben = clones(origin, tmp_path, emulator, "ana", "ben")
    pm = emulator.pm("team-sheet")
    pm.set_cell("m01", pm_cell(emulator, "m01-s1", "issue"), "PM wording")
    ana.edit("m01-s2", issue="ana wording")
    ben.suggest("ben new")
    ben.delete("m01-s3")
    ana.push()
    ben.push()
    pm.set_cell("m01", pm_cell(emulator, "m01-s4", "priority"), "high")
    for clone in (ana, ben, ana, ben):
        assert not clone.pull().conflicts
        assert not clone.push().conflicts
    for clone in (ana, ben):
        assert clone.suggestions() == {
            "m01-s1": "PM wording",
            "m01-s2": "ana wording",
            "m01-s4": "ben new",
        }
        assert clone.suggestion("m01-s4")["priority"] == "high"


def test_a_no_op_push_of_a_clone_stays_one_read(origin: Clone, tmp_path: Path, emulator: Emulator) -> None:
    (ana,) = clones(origin, tmp_path, emulator, "ana")
    ana.delete("m01-s1")
    ana.push()
    origin.pull()
    emulator.clear_log()
    assert not origin.push().plan.has_writes
    assert (emulator.count(write=False), emulator.count(write=True)) == (1, 0)


def test_every_write_claims_the_next_generation(origin: Clone, emulator: Emulator) -> None:
    before = generation(sheet(emulator))
    origin.edit("m01-s1", issue="changed")
    origin.push()
    assert generation(sheet(emulator)) == before + 1


def test_the_highest_deleted_id_is_never_handed_out_again(
    origin: Clone, tmp_path: Path, emulator: Emulator
) -> None:
    ana, ben = clones(origin, tmp_path, emulator, "ana", "ben")
    ana.delete("m01-s3")
    ana.push()
    ben.pull()
    assert ana.suggest("after the deletion") == ben.suggest("also after") == "m01-s4"
    # a PM types the deleted id back into a new row: a new suggestion with a new id, never m01-s3 again
    pm_type_new_row(emulator, {"id": "m01-s3", "issue": "PM brought it back", "suggestion": "again"})
    pulled = ana.pull()
    assert pulled.plan.notes.imported == ["m01-s5"]
    assert ana.suggestions()["m01-s5"] == "PM brought it back" and "m01-s3" not in ana.suggestions()
    assert "m01-s5" in sheet_rows(emulator) and "m01-s3" not in sheet_rows(emulator)


def test_accepted_deletions_stick_in_other_clones(origin: Clone, tmp_path: Path, emulator: Emulator) -> None:
    ana, ben = clones(origin, tmp_path, emulator, "ana", "ben")
    emulator.pm("team-sheet").delete_rows("m01", pm_row(emulator, "m01-s1"))
    pulled = ana.pull(accept_deletions=True)
    assert pulled.plan.notes.deletions_accepted == ["m01-s1"]
    pushed = ben.push()  # ben did not accept it, but ana did: the deletion is agreed, not restored
    assert not pushed.plan.notes.restored and "m01-s1" not in sheet_rows(emulator)
    assert "m01-s1" not in ben.suggestions()

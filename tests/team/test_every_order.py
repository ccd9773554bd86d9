"""Three clones and a PM, every order of syncing: nothing lost, no id reused, no false conflict, deletions stick."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from clones import Clone, clone_of, pm_cell, pm_type_new_row, sheet_rows
from sync_helpers import module, write_modules

from sheets_emulator import Emulator
from sheets_sync.models import Priority, suggestion_number


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))), ids=lambda o: "".join(map(str, o)))
def test_three_clones_and_a_pm_in_every_order(
    order: tuple[int, ...], tmp_path: Path, emulator: Emulator
) -> None:
    store = write_modules(tmp_path / "origin" / "data", module("m01", suggestions=5))
    Clone("origin", store, emulator).push()
    crew = [clone_of(store, name, tmp_path, emulator) for name in ("ana", "ben", "cid")]
    ana, ben, cid = crew
    ana.suggest("ana new")
    ana.edit("m01-s1", issue="ana's wording")
    ana.delete("m01-s2")
    ben.suggest("ben new")
    ben.edit("m01-s3", priority=Priority.HIGH)
    ben.delete("m01-s4")
    cid.suggest("cid new")
    cid.edit("m01-s5", issue="cid's wording")
    pm = emulator.pm("team-sheet")
    pm.set_cell("m01", pm_cell(emulator, "m01-s3", "suggestion"), "the PM's fix")
    pm_type_new_row(
        emulator, {"issue": "pm new", "suggestion": "from the PM", "version": "v1", "rubric": "main"}
    )
    for index in order:
        assert not crew[index].push().conflicts
    for _ in range(2):
        for index in order:
            assert not crew[index].pull().conflicts
            assert not crew[index].push().conflicts
    expected = {"ana's wording", "issue 3", "cid's wording", "ana new", "ben new", "cid new", "pm new"}
    for clone in crew:
        found = clone.suggestions()
        assert sorted(found.values()) == sorted(expected), (
            clone.name
        )  # each once: nothing lost, nothing doubled
        assert not {"m01-s2", "m01-s4"} & set(found), clone.name  # deletions stuck, their ids not reused
        assert clone.suggestions() == ana.suggestions()
        s3 = clone.suggestion("m01-s3")
        assert (s3["priority"], s3["suggestion"]) == ("high", "the PM's fix")
    rows = sheet_rows(emulator)
    assert {sid: row["issue"] for sid, row in rows.items()} == ana.suggestions()
    assert max(suggestion_number(sid) or 0 for sid in rows) == 9  # 5 + 4 new, every number given once

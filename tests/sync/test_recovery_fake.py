"""Writes that land on the wrong rows (a PM sorted in between) and writes whose outcome is unknown."""

from __future__ import annotations

import pytest
from sync_helpers import FakeClock
from workbook_views import label_cell, suggestion_range, suggestion_rows

from sheets_sync.errors import SheetsUnavailableError
from sheets_sync.models import Priority
from sheets_sync.store import Store
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.merge import local_texts


def expected_rows(store: Store, module_id: str) -> dict[str, dict[str, str]]:
    return {s.id: local_texts(s) for s in store.load_module(module_id).suggestions}


def edit_locally(store: Store, module_id: str, index: int, **fields: object) -> None:
    edited = store.load_module(module_id)
    for name, value in fields.items():
        setattr(edited.suggestions[index], name, value)
    with store.lock():
        store.save_module(edited)


def sort_suggestions(fake: FakeWorkbook, title: str, label: str = "issue", descending: bool = True) -> None:
    snapshot = fake.read()
    rows, columns = suggestion_range(snapshot, title)
    column = label_cell(snapshot, title, label, f"{title}-s1")[1]
    fake.pm_sort(title, rows, columns, key=column, descending=descending)


def test_a_sort_between_read_and_write_is_put_right(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    edit_locally(store, "m01", 0, priority=Priority.HIGH, issue="first, edited locally")
    fake.before_next_write(lambda: sort_suggestions(fake, "m01"))
    result = fake_engine.push()
    assert result.recovered  # the writes landed on other rows and were put back
    assert suggestion_rows(fake.read(), "m01") == expected_rows(store, "m01") | {}
    assert not fake_engine.push().plan.has_writes
    assert not fake_engine.pull().plan.modules


def test_a_sort_between_read_and_write_of_a_pull_keeps_ids_right(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    snapshot = fake.read()
    (_, end), _ = suggestion_range(snapshot, "m01")
    issue = label_cell(snapshot, "m01", "issue", "m01-s1")[1]
    fake.pm_set("m01", end, issue, "zzz a new issue typed by a PM")
    fake.before_next_write(lambda: sort_suggestions(fake, "m01"))
    result = fake_engine.pull()
    assert result.recovered
    rows = suggestion_rows(fake.read(), "m01")
    assert rows["m01-s4"]["issue"] == "zzz a new issue typed by a PM"
    assert {sid: r["issue"] for sid, r in rows.items() if sid != "m01-s4"} == {
        "m01-s1": "issue 1",
        "m01-s2": "issue 2",
        "m01-s3": "issue 3",
    }
    assert [s.issue for s in store.load_module("m01").suggestions][-1] == "zzz a new issue typed by a PM"


def test_rows_inserted_between_read_and_write_do_not_lose_a_row(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    fake_engine.push()
    edited = store.load_module("m02")
    edited.suggestions.append(edited.suggestions[0].model_copy(update={"id": "m02-s3", "issue": "appended"}))
    with store.lock():
        store.save_module(edited)
    first_row = suggestion_range(fake.read(), "m02")[0][0]
    fake.before_next_write(lambda: fake.pm_insert_rows("m02", first_row))  # the table's last row moves down
    fake_engine.push()
    assert suggestion_rows(fake.read(), "m02") == expected_rows(store, "m02")


def test_a_write_whose_answer_was_lost_is_not_repeated(
    fake_engine: SyncEngine, fake: FakeWorkbook, clock: FakeClock
) -> None:
    fake.fail_next_write(after_apply=True)
    fake_engine.push()
    assert [t.title for t in fake.tabs] == ["Heatmap", "m01", "m02"]
    assert all(len(t.protections) == 1 for t in fake.tabs)
    assert len(fake.colour_scales("Heatmap")) == 1
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
    assert {p: p.read_bytes() for p in store.data_dir.rglob("*.json")} == before


def sort_whole_table(fake: FakeWorkbook, title: str, first_row: int, end_row: int) -> None:
    """Data > Sort range over the suggestions table's rows [first_row, end_row), issue descending (blank rows go
    last, as in Google Sheets)."""
    snapshot = fake.read()
    _, columns = suggestion_range(snapshot, title)
    issue = label_cell(snapshot, title, "issue", f"{title}-s2")[1]
    fake.pm_sort(title, (first_row, end_row), columns, key=issue, descending=True)


def test_an_id_written_by_pull_onto_a_blank_row_is_moved_to_its_row(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    """A blank line inside the table: the sort moves the PM's new row up and the blank line down, under the id
    pull writes. The id must end on the new row, not on an otherwise empty row."""
    fake_engine.push()
    (first, end), _ = suggestion_range(fake.read(), "m01")
    fake.pm_insert_rows("m01", first + 1)  # a blank line between m01-s1 and m01-s2
    issue = label_cell(fake.read(), "m01", "issue", "m01-s1")[1]
    fake.pm_set("m01", end + 1, issue, "zzz a new issue")  # the PM's new row, last
    fake.before_next_write(lambda: sort_whole_table(fake, "m01", first, end + 2))
    result = fake_engine.pull()
    assert result.recovered
    rows = suggestion_rows(fake.read(), "m01")
    assert set(rows) == {"m01-s1", "m01-s2", "m01-s3", "m01-s4"}  # no id-only row, no row without its id
    assert rows["m01-s4"]["issue"] == "zzz a new issue"
    assert store.load_module("m01").suggestions[-1].issue == "zzz a new issue"
    assert not fake_engine.pull().plan.modules


def test_a_push_write_that_lands_on_a_blank_row_is_put_right(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    """Unnoticed, the local edit would sit in a row without id (pulled later as a new suggestion) while the base
    recorded it as written, so the next pull would take the old text back into the module file."""
    fake_engine.push()
    (first, end), _ = suggestion_range(fake.read(), "m01")
    fake.pm_insert_rows("m01", first + 1)
    edit_locally(store, "m01", 2, issue="edited locally")  # m01-s3, the last row: the sort puts a blank there
    fake.before_next_write(lambda: sort_whole_table(fake, "m01", first, end + 1))
    assert fake_engine.push().recovered
    assert suggestion_rows(fake.read(), "m01") == expected_rows(store, "m01")
    assert not fake_engine.pull().plan.modules
    assert store.load_module("m01").suggestions[2].issue == "edited locally"


def test_an_id_repaired_by_push_onto_a_new_row_is_taken_back(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    """A PM cleared m01-s1's id and typed a new row; a sort between read and write puts the new row where push
    writes m01-s1's id back. No suggestion id may end up twice in the table."""
    fake_engine.push()
    snapshot = fake.read()
    (first, end), _ = suggestion_range(snapshot, "m01")
    fake.pm_set("m01", *label_cell(snapshot, "m01", "suggestion id", "m01-s1"), None)
    issue = label_cell(snapshot, "m01", "issue", "m01-s2")[1]
    fake.pm_set("m01", end, issue, "zzz a new issue")
    fake.before_next_write(lambda: sort_whole_table(fake, "m01", first, end + 1))
    assert fake_engine.push().recovered
    rows = suggestion_rows(fake.read(), "m01")  # fails on an id shown twice
    assert rows["m01-s1"]["issue"] == "issue 1"
    assert [r["issue"] for key, r in rows.items() if key.startswith("<")] == ["zzz a new issue"]
    assert fake_engine.pull().plan.notes.imported == ["m01-s4"]


def test_rows_inserted_between_read_and_write_do_not_lose_a_row_without_id(
    fake_engine: SyncEngine, fake: FakeWorkbook, store: Store
) -> None:
    """The PM's new row (no id yet) is pushed down into the row push appends to; it is put back, not lost."""
    fake_engine.push()
    (first, end), _ = suggestion_range(fake.read(), "m02")
    fake.pm_set("m02", end, label_cell(fake.read(), "m02", "issue", "m02-s1")[1], "a PM's new row")
    edited = store.load_module("m02")
    edited.suggestions.append(edited.suggestions[0].model_copy(update={"id": "m02-s3", "issue": "appended"}))
    with store.lock():
        store.save_module(edited)
    fake.before_next_write(lambda: fake.pm_insert_rows("m02", first))
    assert fake_engine.push().recovered
    rows = suggestion_rows(fake.read(), "m02")
    assert {k: r["issue"] for k, r in rows.items() if not k.startswith("<")} == {
        "m02-s1": "issue 1",
        "m02-s2": "issue 2",
        "m02-s3": "appended",
    }
    assert [r["issue"] for k, r in rows.items() if k.startswith("<")] == ["a PM's new row"]
    assert fake_engine.pull().plan.notes.imported == ["m02-s4"]

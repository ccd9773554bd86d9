"""Writes that land on the wrong rows (a PM sorted or inserted rows between push's or pull's read and its write)
are put right by the verification after writing.

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture)."""

from __future__ import annotations

from sides import Side
from workbook_views import label_cell, suggestion_range, suggestion_rows

from sheets_sync.models import Priority
from sheets_sync.store import Store
from sheets_sync.sync.merge import local_texts


def expected_rows(store: Store, module_id: str) -> dict[str, dict[str, str]]:
    return {s.id: local_texts(s) for s in store.load_module(module_id).suggestions}


def edit_locally(store: Store, module_id: str, index: int, **fields: object) -> None:
    edited = store.load_module(module_id)
    for name, value in fields.items():
        setattr(edited.suggestions[index], name, value)
    with store.lock():
        store.save_module(edited)


def sort_suggestions(side: Side, title: str, label: str = "issue", descending: bool = True) -> None:
    snapshot = side.read()
    rows, columns = suggestion_range(snapshot, title)
    column = label_cell(snapshot, title, label, f"{title}-s1")[1]
    side.sort(title, rows, columns, column, descending)


def test_a_sort_between_read_and_write_is_put_right(side: Side, store: Store) -> None:
    side.engine.push()
    edit_locally(store, "m01", 0, priority=Priority.HIGH, issue="first, edited locally")
    side.before_next_write(lambda: sort_suggestions(side, "m01"))
    result = side.engine.push()
    assert result.recovered  # the writes landed on other rows and were put back
    assert suggestion_rows(side.read(), "m01") == expected_rows(store, "m01") | {}
    assert not side.engine.push().plan.has_writes
    assert not side.engine.pull().plan.modules


def test_a_sort_between_read_and_write_of_a_pull_keeps_ids_right(side: Side, store: Store) -> None:
    side.engine.push()
    snapshot = side.read()
    (_, end), _ = suggestion_range(snapshot, "m01")
    issue = label_cell(snapshot, "m01", "issue", "m01-s1")[1]
    side.type("m01", end, issue, "zzz a new issue typed by a PM")
    side.before_next_write(lambda: sort_suggestions(side, "m01"))
    result = side.engine.pull()
    assert result.recovered
    rows = suggestion_rows(side.read(), "m01")
    assert rows["m01-s4"]["issue"] == "zzz a new issue typed by a PM"
    assert {sid: r["issue"] for sid, r in rows.items() if sid != "m01-s4"} == {
        "m01-s1": "issue 1",
        "m01-s2": "issue 2",
        "m01-s3": "issue 3",
    }
    assert [s.issue for s in store.load_module("m01").suggestions][-1] == "zzz a new issue typed by a PM"


def test_rows_inserted_between_read_and_write_do_not_lose_a_row(side: Side, store: Store) -> None:
    side.engine.push()
    edited = store.load_module("m02")
    edited.suggestions.append(edited.suggestions[0].model_copy(update={"id": "m02-s3", "issue": "appended"}))
    with store.lock():
        store.save_module(edited)
    first_row = suggestion_range(side.read(), "m02")[0][0]
    side.before_next_write(lambda: side.insert_rows("m02", first_row))  # the table's last row moves down
    side.engine.push()
    assert suggestion_rows(side.read(), "m02") == expected_rows(store, "m02")


def sort_whole_table(side: Side, title: str, first_row: int, end_row: int) -> None:
    """Data > Sort range over the suggestions table's rows [first_row, end_row), issue descending (blank rows go
    last, as in Google Sheets)."""
    snapshot = side.read()
    _, columns = suggestion_range(snapshot, title)
    issue = label_cell(snapshot, title, "issue", f"{title}-s2")[1]
    side.sort(title, (first_row, end_row), columns, issue, descending=True)


def test_an_id_written_by_pull_onto_a_blank_row_is_moved_to_its_row(side: Side, store: Store) -> None:
    """A blank line inside the table: the sort moves the PM's new row up and the blank line down, under the id
    pull writes. The id must end on the new row, not on an otherwise empty row."""
    side.engine.push()
    (first, end), _ = suggestion_range(side.read(), "m01")
    side.insert_rows("m01", first + 1)  # a blank line between m01-s1 and m01-s2
    issue = label_cell(side.read(), "m01", "issue", "m01-s1")[1]
    side.type("m01", end + 1, issue, "zzz a new issue")  # the PM's new row, last
    side.before_next_write(lambda: sort_whole_table(side, "m01", first, end + 2))
    result = side.engine.pull()
    assert result.recovered
    rows = suggestion_rows(side.read(), "m01")
    assert set(rows) == {"m01-s1", "m01-s2", "m01-s3", "m01-s4"}  # no id-only row, no row without its id
    assert rows["m01-s4"]["issue"] == "zzz a new issue"
    assert store.load_module("m01").suggestions[-1].issue == "zzz a new issue"
    assert not side.engine.pull().plan.modules


def test_a_push_write_that_lands_on_a_blank_row_is_put_right(side: Side, store: Store) -> None:
    """Unnoticed, the local edit would sit in a row without id (pulled later as a new suggestion) while the base
    recorded it as written, so the next pull would take the old text back into the module file."""
    side.engine.push()
    (first, end), _ = suggestion_range(side.read(), "m01")
    side.insert_rows("m01", first + 1)
    edit_locally(store, "m01", 2, issue="edited locally")  # m01-s3, the last row: the sort puts a blank there
    side.before_next_write(lambda: sort_whole_table(side, "m01", first, end + 1))
    assert side.engine.push().recovered
    assert suggestion_rows(side.read(), "m01") == expected_rows(store, "m01")
    assert not side.engine.pull().plan.modules
    assert store.load_module("m01").suggestions[2].issue == "edited locally"


def test_an_id_repaired_by_push_onto_a_new_row_is_taken_back(side: Side, store: Store) -> None:
    """A PM cleared m01-s1's id and typed a new row; a sort between read and write puts the new row where push
    writes m01-s1's id back. No suggestion id may end up twice in the table."""
    side.engine.push()
    snapshot = side.read()
    (first, end), _ = suggestion_range(snapshot, "m01")
    side.type("m01", *label_cell(snapshot, "m01", "suggestion id", "m01-s1"), "")
    issue = label_cell(snapshot, "m01", "issue", "m01-s2")[1]
    side.type("m01", end, issue, "zzz a new issue")
    side.before_next_write(lambda: sort_whole_table(side, "m01", first, end + 1))
    assert side.engine.push().recovered
    rows = suggestion_rows(side.read(), "m01")  # fails on an id shown twice
    assert rows["m01-s1"]["issue"] == "issue 1"
    assert [r["issue"] for key, r in rows.items() if key.startswith("<")] == ["zzz a new issue"]
    assert side.engine.pull().plan.notes.imported == ["m01-s4"]


def test_rows_inserted_between_read_and_write_do_not_lose_a_row_without_id(side: Side, store: Store) -> None:
    """The PM's new row (no id yet) is pushed down into the row push appends to; it is put back, not lost."""
    side.engine.push()
    (first, end), _ = suggestion_range(side.read(), "m02")
    side.type("m02", end, label_cell(side.read(), "m02", "issue", "m02-s1")[1], "a PM's new row")
    edited = store.load_module("m02")
    edited.suggestions.append(edited.suggestions[0].model_copy(update={"id": "m02-s3", "issue": "appended"}))
    with store.lock():
        store.save_module(edited)
    side.before_next_write(lambda: side.insert_rows("m02", first))
    assert side.engine.push().recovered
    rows = suggestion_rows(side.read(), "m02")
    assert {k: r["issue"] for k, r in rows.items() if not k.startswith("<")} == {
        "m02-s1": "issue 1",
        "m02-s2": "issue 2",
        "m02-s3": "appended",
    }
    assert [r["issue"] for k, r in rows.items() if k.startswith("<")] == ["a PM's new row"]
    assert side.engine.pull().plan.notes.imported == ["m02-s4"]

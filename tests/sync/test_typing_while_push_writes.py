"""PMs inserting or deleting rows in the second between push's read and its write: no suggestion ends up holding
another row's value, and push never fails with a 400 from a range that moved.

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture)."""

from __future__ import annotations

from sides import Side, exit_code
from sync_helpers import suggestion
from test_tabs import edit_locally

from sheets_sync.models import Priority
from sheets_sync.store import Store


def expected_rows(store: Store, module_id: str) -> dict[str, dict[str, str]]:
    from sheets_sync.sync.merge import local_texts

    return {s.id: local_texts(s) for s in store.load_module(module_id).suggestions}


def test_rows_inserted_above_the_tables_between_read_and_write(side: Side, store: Store) -> None:
    side.engine.push()
    edit_locally(store, "m01", 1, issue="first, edited")
    edit_locally(store, "m01", 3, priority=Priority.HIGH)
    side.before_next_write(lambda: side.insert_rows("m01", 0, 2))
    result = side.engine.push()
    assert exit_code(result) == 0
    assert side.rows("m01") == expected_rows(store, "m01")
    assert not side.engine.push().plan.has_writes


def test_rows_inserted_inside_the_suggestions_table_between_read_and_write(side: Side, store: Store) -> None:
    side.engine.push()
    row, _ = side.cell_of("m01", "issue", "m01-s2")
    edit_locally(store, "m01", 2, suggestion="second, edited")
    edit_locally(store, "m01", 3, suggestion="third, edited")
    side.before_next_write(lambda: side.insert_rows("m01", row, 1))
    side.engine.push()
    assert side.rows("m01") == expected_rows(store, "m01")
    assert not side.engine.push().plan.has_writes


def test_a_row_deleted_between_read_and_write(side: Side, store: Store) -> None:
    side.engine.push()
    row, _ = side.cell_of("m01", "issue", "m01-s1")
    edit_locally(store, "m01", 2, issue="second, edited")
    edit_locally(store, "m01", 3, issue="third, edited")
    side.before_next_write(lambda: side.delete_rows("m01", row, 1))
    side.engine.push()
    rows = side.rows("m01")
    wanted = expected_rows(store, "m01")
    assert {sid: rows[sid] for sid in ("m01-s2", "m01-s3")} == {
        sid: wanted[sid] for sid in ("m01-s2", "m01-s3")
    }
    # m01-s1's row is gone (deleted by the PM meanwhile): the next push restores it, as for any deleted row
    side.engine.push()
    assert side.rows("m01") == wanted


def test_rows_deleted_at_the_end_while_push_grows_the_grid_and_appends(side: Side, store: Store) -> None:
    side.engine.push()
    module = store.load_module("m02")
    module.suggestions += [suggestion("m02", n, version="v1") for n in range(3, 25)]
    with store.lock():
        store.save_module(module)
    rows_now = side.tab("m02").row_count
    side.before_next_write(lambda: side.delete_rows("m02", rows_now - 5, 5))
    assert exit_code(side.engine.push()) == 0  # no 400 from a range past the shrunk grid
    assert side.rows("m02") == expected_rows(store, "m02")

"""Header rows: recognised by case and spacing; a header really gone stops that tab only (exit 5).

Each behaviour runs on the in-memory workbook and on the emulator behind gspread (the ``side`` fixture)."""

from __future__ import annotations

from sides import Side, exit_code

from sheets_sync.store import Store


def test_a_header_changed_in_case_or_spacing_is_still_recognised(side: Side, store: Store) -> None:
    side.engine.push()
    side.type("m02", *side.header_of("m02", "issue"), "  ISSUE ")
    side.type("m02", *side.cell_of("m02", "priority", "m02-s1"), "high")
    pulled = side.engine.pull()
    assert exit_code(pulled) == 0 and store.load_module("m02").suggestions[0].priority == "high"
    side.engine.push()
    assert side.tab("m02").value(*side.header_of("m02", "issue")) == "issue"


def test_a_header_really_gone_skips_that_tab_only_and_its_edits_stay(side: Side, store: Store) -> None:
    side.engine.push()
    header = side.header_of("m01", "issue")
    edited = side.cell_of("m01", "issue", "m01-s1")
    side.type("m01", *header, "problem")
    side.type("m01", *edited, "edited in the broken tab")
    side.type("m02", *side.cell_of("m02", "priority", "m02-s1"), "high")
    pulled = side.engine.pull()
    assert exit_code(pulled) == 5
    assert store.load_module("m02").suggestions[0].priority == "high"  # the other tab synced
    [skipped] = pulled.plan.notes.skipped_tabs
    assert "'m01'" in skipped and "delete" not in skipped and "type 'issue' back" in skipped
    pushed = side.engine.push()
    assert exit_code(pushed) == 5
    assert side.tab("m01").value(*edited) == "edited in the broken tab"
    side.type("m01", *header, "issue")
    assert exit_code(side.engine.pull()) == 0
    assert store.load_module("m01").suggestions[0].issue == "edited in the broken tab"


def test_a_renamed_experiments_header_is_written_back_in_place(side: Side, store: Store) -> None:
    side.engine.push()
    before = side.tab("m01").column_count
    side.type("m01", *side.header_of("m01", "model"), "Model name")
    pushed = side.engine.push()
    assert exit_code(pushed) == 0 and side.tab("m01").column_count == before  # no column added
    assert side.tab("m01").value(*side.header_of("m01", "model")) == "model"
    assert sum(t.tool_edits for t in pushed.plan.tabs) == 1

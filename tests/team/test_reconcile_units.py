"""The pure merge behind ``sheets-sync reconcile``, case by case (no git, no workbook)."""

from __future__ import annotations

from typing import Any

import pytest
from sync_helpers import module

from sheets_sync.models import Suggestion
from sheets_sync.reconcile import ReconcileError, Sides, merge_bases, merge_module
from sheets_sync.sync.base import Base
from sheets_sync.sync.merge import local_texts


def module_json(*suggestions: dict[str, Any]) -> dict[str, Any]:
    data = module("m01", suggestions=0).to_json_dict()
    data["suggestions"] = list(suggestions)
    return data


def item(number: int, **fields: Any) -> dict[str, Any]:
    values = {"id": f"m01-s{number}", "version": "v1", "rubric": "main", "issue": f"issue {number}"}
    values |= {"suggestion": f"fix {number}", "priority": "medium", "status": "proposed", "applied_in": None}
    return values | fields


def base_with(*items: dict[str, Any]) -> Base:
    entries = {i["id"]: local_texts(Suggestion.model_validate(i)) for i in items}
    return Base(spreadsheet_id="s", module_tabs={"m01": 7}, suggestions={"m01": entries})


def ids_and_issues(merged: dict[str, Any] | None) -> dict[str, str]:
    assert merged is not None
    return {s["id"]: s["issue"] for s in merged["suggestions"]}


def test_suggestions_added_on_both_sides_with_distinct_numbers_are_all_kept() -> None:
    sides = Sides(module_json(item(1)), module_json(item(1), item(2)), module_json(item(1), item(3)))
    merged = merge_module("m01", sides, {"ours": None, "theirs": None}, set())
    assert ids_and_issues(merged.module) == {"m01-s1": "issue 1", "m01-s2": "issue 2", "m01-s3": "issue 3"}


def test_one_number_for_two_suggestions_keeps_the_pushed_one_under_it() -> None:
    ours, theirs = item(2, issue="ours"), item(2, issue="theirs")
    sides = Sides(module_json(item(1)), module_json(item(1), ours), module_json(item(1), theirs))
    merged = merge_module(
        "m01", sides, {"ours": base_with(item(1), ours), "theirs": base_with(item(1))}, set()
    )
    assert ids_and_issues(merged.module) == {"m01-s1": "issue 1", "m01-s2": "ours", "m01-s3": "theirs"}
    assert merged.base is not None and set(merged.base) == {"m01-s1", "m01-s2"}  # m01-s3 is provisional
    assert merged.renumbered == ["m01: m01-s2 -> m01-s3 (m01-s2 is another suggestion on the other side)"]


def test_a_renumbered_suggestion_skips_deleted_numbers() -> None:
    sides = Sides(module_json(), module_json(item(1, issue="a")), module_json(item(1, issue="b")))
    merged = merge_module("m01", sides, {"ours": None, "theirs": None}, {"m01-s2", "m01-s3"})
    assert ids_and_issues(merged.module) == {"m01-s1": "b", "m01-s4": "a"}


def test_an_unpushed_edit_wins_over_the_sheets_older_value_and_keeps_its_base() -> None:
    agreed_ours = item(1, issue="PM's newer text")  # ours pulled it: equal to our base
    sides = Sides(
        module_json(item(1)), module_json(agreed_ours), module_json(item(1, issue="their local edit"))
    )
    bases = {"ours": base_with(agreed_ours), "theirs": base_with(item(1))}
    merged = merge_module("m01", sides, bases, set())
    assert ids_and_issues(merged.module) == {"m01-s1": "their local edit"}
    # the agreed text stays theirs' older one: the next sync sees the PM's newer text as a conflict, not a loss
    assert merged.base is not None and merged.base["m01-s1"]["issue"] == "issue 1"


def test_both_sides_unpushed_edits_of_one_field_stop_with_its_name() -> None:
    sides = Sides(module_json(item(1)), module_json(item(1, issue="a")), module_json(item(1, issue="b")))
    with pytest.raises(ReconcileError, match=r"suggestions\[id=m01-s1\]\.issue"):
        merge_module("m01", sides, {"ours": base_with(item(1)), "theirs": base_with(item(1))}, set())


def test_deleted_on_one_side_unchanged_on_the_other_is_deleted_edited_is_kept() -> None:
    sides = Sides(module_json(item(1), item(2)), module_json(item(2, issue="edited")), module_json(item(1)))
    merged = merge_module("m01", sides, {"ours": None, "theirs": None}, set())
    assert ids_and_issues(merged.module) == {"m01-s2": "edited"}


def test_bases_merge_deleted_ids_and_tabs_and_drop_disputed_digests() -> None:
    ours = Base(spreadsheet_id="s", module_tabs={"m01": 7}, digests={"m01": "a", "Heatmap": "h"})
    theirs = Base(spreadsheet_id="s", module_tabs={"m02": 8}, digests={"m01": "b", "Heatmap": "h"})
    ours.tombstones = {"m01": ["m01-s2"]}
    theirs.tombstones = {"m01": ["m01-s5"], "m02": ["m02-s1"]}
    merged = merge_bases(ours, theirs)
    assert merged is not None
    assert merged.module_tabs == {"m01": 7, "m02": 8} and merged.digests == {"Heatmap": "h"}
    assert merged.tombstones == {"m01": ["m01-s2", "m01-s5"], "m02": ["m02-s1"]}

"""Pure parts: three-way classification, row matching, cell grouping, the API wire format, planning purity."""

from __future__ import annotations

import json

import pytest
from sync_helpers import module

from sheets_sync.sync.api_json import (
    READ_FIELDS,
    batch_requests,
    cell_json,
    snapshot_from_api,
    snapshot_from_text,
    split_batches,
)
from sheets_sync.sync.base import Base
from sheets_sync.sync.cells import group_cells
from sheets_sync.sync.layout import EXPERIMENT_FIELDS, RATE_FORMAT, canonical_geometry, with_rubrics
from sheets_sync.sync.merge import Change, classify, local_texts, match_rows
from sheets_sync.sync.ops import AddTab, CellSpec, WriteCells
from sheets_sync.sync.plan import plan_pull, plan_push
from sheets_sync.sync.snapshot import SheetSnapshot, TabSnapshot
from sheets_sync.sync.tabs import SheetSuggestion, candidate_sheet_ids


@pytest.mark.parametrize(
    "base, local, sheet, expected",
    [
        ("a", "a", "a", Change.SAME),
        ("a", "b", "a", Change.LOCAL),
        ("a", "a", "b", Change.SHEET),
        ("a", "b", "c", Change.CONFLICT),
        ("a", "b", "b", Change.SAME),
        (None, "b", "c", Change.CONFLICT),
        (None, "b", "b", Change.SAME),
    ],
)
def test_three_way_classification(base: str | None, local: str, sheet: str, expected: Change) -> None:
    assert classify(base, local, sheet) is expected


def row(row: int | None, id_cell: str, **fields: str) -> SheetSuggestion:
    texts = {
        name: "" for name in ("version", "rubric", "issue", "suggestion", "priority", "status", "applied_in")
    }
    texts.update(fields)
    return SheetSuggestion(row, id_cell, id_cell, texts, texts)


def test_rows_are_matched_by_id_never_by_position() -> None:
    known = {"m01-s1": [{}], "m01-s2": [{}]}
    rows = [row(9, "m01-s2", issue="x"), row(3, "m01-s1", issue="y"), row(4, "m01-s2", issue="copy")]
    match = match_rows("m01", rows, known)
    assert match.matched["m01-s1"].row == 3 and match.matched["m01-s2"].row == 9
    assert [(r.row, adopted) for r, adopted in match.new] == [(4, None)]  # a copy is a new row


def test_an_edited_id_is_recognised_by_its_fields() -> None:
    suggestion = module("m01").suggestions[1]
    texts = local_texts(suggestion)
    match = match_rows("m01", [row(5, "oops", **texts)], {suggestion.id: [texts]})
    assert match.matched == {suggestion.id: row(5, "oops", **texts)}


def test_a_new_row_with_an_unused_well_formed_id_keeps_it() -> None:
    match = match_rows("m01", [row(5, "m01-s9", issue="new"), row(6, "m02-s1", issue="other module")], {})
    assert [adopted for _, adopted in match.new] == ["m01-s9", None]


def test_cells_are_grouped_into_rectangles() -> None:
    spec = CellSpec("x")
    cells = {(r, c): spec for r in range(3) for c in range(2, 5)} | {(7, 0): spec, (7, 2): spec}
    ops = group_cells(1, cells)
    assert [(op.row, op.column, len(op.rows), len(op.rows[0])) for op in ops] == [
        (0, 2, 3, 3),
        (7, 0, 1, 1),
        (7, 2, 1, 1),
    ]


def test_requests_are_split_near_two_megabytes() -> None:
    big = WriteCells(5, 0, 0, tuple((CellSpec("y" * 1000),) * 10 for _ in range(600)))  # about 6 MB of text
    requests = batch_requests([AddTab(5, "t", 700, 12), big])
    assert list(requests[0]) == ["addSheet"]
    batches = split_batches(requests)
    assert len(batches) == 4
    assert all(len(json.dumps({"requests": b}).encode()) < 2_000_000 for b in batches)
    assert sum(len(b) for b in batches) == len(requests)


def test_cell_json_writes_text_raw_and_rates_with_a_percent_format() -> None:
    text = cell_json(CellSpec("=SUM(A1)"))
    rate = cell_json(CellSpec(0.6, number_format=RATE_FORMAT, fields=EXPERIMENT_FIELDS))
    assert text == {"userEnteredValue": {"stringValue": "=SUM(A1)"}}
    assert rate == {
        "userEnteredValue": {"numberValue": 0.6},
        "userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}},
    }
    [request] = batch_requests(
        [WriteCells(3, 1, 2, ((CellSpec(0.6, number_format=RATE_FORMAT, fields=EXPERIMENT_FIELDS),),))]
    )
    assert request["updateCells"]["fields"] == (
        "userEnteredFormat.numberFormat,userEnteredFormat.textFormat.link,userEnteredValue"
    )


def test_snapshot_parsing_reads_values_notes_formats_and_rules() -> None:
    answer = {
        "spreadsheetId": "s",
        "sheets": [
            {
                "properties": {
                    "sheetId": 7,
                    "title": "m01",
                    "index": 0,
                    "gridProperties": {"rowCount": 20, "columnCount": 5, "frozenRowCount": 6},
                },
                "protectedRanges": [
                    {
                        "protectedRangeId": 3,
                        "range": {"sheetId": 7},
                        "description": "sheets-sync: x",
                        "warningOnly": True,
                    }
                ],
                "data": [
                    {
                        "rowData": [
                            {},
                            {
                                "values": [
                                    {},
                                    {
                                        "userEnteredValue": {"stringValue": "0012"},
                                        "note": "hi",
                                        "userEnteredFormat": {"textFormat": {"bold": True}},
                                    },
                                ]
                            },
                        ],
                        "columnMetadata": [{"pixelSize": 120}],
                    }
                ],
            }
        ],
    }
    snapshot = snapshot_from_api(answer)
    tab = snapshot.tabs[0]
    assert (tab.frozen_rows, tab.value(1, 1), tab.cell(1, 1).note, tab.cell(1, 1).bold) == (
        6,
        "0012",
        "hi",
        True,
    )
    assert (
        tab.column_width(0) == 120 and tab.protections[0].ours and tab.protections[0].protected_range_id == 3
    )
    assert "userEnteredValue" in READ_FIELDS and "effectiveValue" not in READ_FIELDS
    # the answer's text, parsed a tab at a time, gives the same snapshot, compact or pretty-printed as Google sends
    answer["developerMetadata"] = [
        {
            "metadataId": 9,
            "metadataKey": "k",
            "metadataValue": "é",
            "location": {"locationType": "SPREADSHEET"},
        }
    ]
    for text in (json.dumps(answer), json.dumps(answer, indent=2, ensure_ascii=False)):
        assert snapshot_from_text(text) == snapshot_from_api(answer)
    with pytest.raises(ValueError):
        snapshot_from_text(json.dumps(answer)[:-40])


def test_a_new_rubric_is_inserted_at_the_end_of_the_experiments_table() -> None:
    geometry = canonical_geometry(["main"])
    suggestion_column = geometry.column("suggestion id")
    wider, at, count = with_rubrics(geometry, ["main", "tone"])
    assert (at, count) == (geometry.last_experiment_column + 1, 1)
    assert wider.column("rubric: tone") == at and wider.column("suggestion id") == suggestion_column + 1


def test_sheet_ids_are_stable_and_never_zero() -> None:
    assert candidate_sheet_ids("m01") == candidate_sheet_ids("m01")
    assert 0 not in candidate_sheet_ids("m01") and len(set(candidate_sheet_ids("m01"))) == 8


def test_planning_is_deterministic() -> None:
    local = {"m01": module("m01")}
    sheet = SheetSnapshot("s", (TabSnapshot(0, "Sheet1", 0, 1000, 26),))
    first = plan_push(local, sheet, Base(spreadsheet_id="s"))
    again = plan_push(local, sheet, Base(spreadsheet_id="s"))
    assert first.ops == again.ops and first.base.to_json_dict() == again.base.to_json_dict()
    assert not plan_pull(local, sheet, Base(spreadsheet_id="s")).ops


def test_best_so_far_ranks_like_the_heatmap_index() -> None:
    # Same pass rate: a measured 0.0% match rate beats a missing one, as in best.best_run, so the
    # module tab's "Best so far" and the Heatmap never name different runs.
    from sync_helpers import experiment

    from sheets_sync.best import best_run
    from sheets_sync.sync.layout import best_so_far

    zero = experiment("m01", "v1", "zzz-model", 10, passed=20, matched=0)
    missing = experiment("m01", "v1", "aaa-model", 11, passed=20, matched=0)
    missing = missing.model_copy(update={"metrics": missing.metrics.model_copy(update={"match_rate": None})})
    assert zero.metrics.match_rate == 0.0
    found = best_run([missing, zero])
    assert found is not None and found.model == "zzz-model"
    assert "(zzz-model," in best_so_far([missing, zero])

"""``sheets-sync migrate`` end to end on real files: the trackers of ``trackers/`` into a copy of the sample mirror."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from data_snapshot import snapshot
from migrate_helpers import JS_TRACKER, YAML_TRACKER

from sheets_sync.store import Store

Cli = Callable[..., Result]


def migrate(cli: Cli, mirror: Path, *extra: str | Path) -> Result:
    return cli(
        "migrate", "--progress-yaml", YAML_TRACKER, "--modules-js", JS_TRACKER, "--data-dir", mirror, *extra
    )


def plan(cli: Cli, mirror: Path, *extra: str | Path) -> dict[str, Any]:
    result = migrate(cli, mirror, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def lines(doc: dict[str, Any], action: str, kind: str) -> list[dict[str, Any]]:
    return [line for line in doc["lines"] if line["action"] == action and line["kind"] == kind]


def module(mirror: Path, module_id: str) -> dict[str, Any]:
    return json.loads((mirror / "modules" / f"{module_id}.json").read_text())


def experiment(mirror: Path, module_id: str, experiment_id: str) -> dict[str, Any]:
    return next(e for e in module(mirror, module_id)["experiments"] if e["id"] == experiment_id)


# ------------------------------------------------------------------------------------------------ dry run


def test_a_dry_run_writes_nothing_and_says_so(cli: Cli, mirror: Path) -> None:
    before = snapshot(mirror)
    result = migrate(cli, mirror)
    assert result.exit_code == 0, result.output
    assert snapshot(mirror) == before
    assert "dry run: nothing written" in result.stdout.splitlines()[-1]


def test_a_dry_run_into_a_data_dir_that_does_not_exist_creates_nothing(cli: Cli, tmp_path: Path) -> None:
    result = migrate(cli, tmp_path / "new")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "new").exists()


def test_the_dry_run_lists_what_it_would_create_and_skip(cli: Cli, mirror: Path) -> None:
    doc = plan(cli, mirror)
    assert [line["subject"] for line in lines(doc, "create", "module")] == [
        "SummariseReviews",
        "ClassifyIntent",
    ]
    assert sorted(line["subject"] for line in lines(doc, "create", "run")) == [
        "m01_v6_gpt5_20260221",
        "m07_v1.10_gpt4o_20260109",
        "m07_v2_gpt4o_20260112",
        "m07_v2_gpt4omini_20260112",
        "m07_v4_gpt5_20260124",
        "m08_v1_gpt4omini_20260115",
        "m08_v1_gpt5_20260115",
        "m08_v2_gpt4omini_20260122",
    ]
    skipped = {line["where"]: line["reason"] for line in lines(doc, "skip", "run")}
    assert (
        "m01_v1_gpt4omini_20260120 is the better source"
        in skipped["progress_history.yaml: modules.M01.runs[0]"]
    )
    assert "an estimate" in skipped["progress_history.yaml: modules.M01.runs[2]"]
    assert "no result" in skipped["progress_history.yaml: modules.m07.runs[3]"]
    assert "no result" in skipped["modules_data.js: MODULES_DATA.m07.versions.v2.allModels.gpt5"]
    assert "the YAML has this run" in skipped["modules_data.js: MODULES_DATA.m07.versions.v2"]
    assert len(skipped) == 6
    assert doc["conflicts"] == 0


def test_the_dry_run_matches_what_apply_then_does(cli: Cli, mirror: Path) -> None:
    dry = plan(cli, mirror)
    applied = plan(cli, mirror, "--apply")
    assert {k: v for k, v in dry.items() if k != "applied"} == {
        k: v for k, v in applied.items() if k != "applied"
    }


def test_the_report_lists_fractions_models_duplicates_and_disagreements(cli: Cli, mirror: Path) -> None:
    findings = [(f["kind"], f["text"]) for f in plan(cli, mirror)["findings"]]
    assert ("fraction", ".38 read as a fraction: 38%") in findings
    assert ("fraction", "0.4 read as a fraction: 40%") in findings
    assert ("fraction", "0.625 read as a fraction: 62.5%") in findings
    assert ("model", "'4o-mini' read as 'gpt-4o-mini'") in findings
    assert ("model", "'GPT-5' read as 'gpt-5'") in findings
    assert ("model", "'gpt5' read as 'gpt-5'") in findings
    assert ("duplicate key", "key 'pass_rate' given twice ('57', then '44'); the last is used") in findings
    assert (
        "duplicate key",
        "MODULES_DATA.m08.versions.v2: key 'passRate' given twice ('.74', then '.76'); the last is used",
    ) in findings
    assert ("disagreement", "pass_rate: the JS says 56%, the YAML 52%: the YAML run is kept") in findings


def test_the_text_report_ends_with_a_summary(cli: Cli, mirror: Path) -> None:
    last = migrate(cli, mirror).stdout.splitlines()[-1]
    assert last.startswith("create 2 modules, 8 runs, 5 suggestions; skip 6 runs, 2 suggestions.")


# ------------------------------------------------------------------------------------------------ apply


def test_apply_writes_runs_with_counts_where_they_reproduce_the_rates(cli: Cli, mirror: Path) -> None:
    assert migrate(cli, mirror, "--apply").exit_code == 0
    run = experiment(mirror, "m07", "m07_v1.10_gpt4o_20260109")
    assert run["prompt_version"] == "v1.10"
    assert run["metrics"] == {
        "pass_rate": 40.0,
        "match_rate": 38.0,
        "total": 50,
        "pass": 20,
        "fail": 28,
        "error": 2,
    }
    assert run["rubrics"]["R2_short"] == {"pass": 30, "total": 50, "rate": 60.0}
    assert run["braintrust_id"] == "3f0c2a9e-7a51-4d1b-9c55-0b8f3f1d2e6a"
    assert run["source"]["format"] == "legacy-yaml"
    v2 = experiment(mirror, "m07", "m07_v2_gpt4o_20260112")
    assert v2["metrics"]["pass"] == 26
    assert v2["rubrics"]["R1_faithful"] == {"pass": 17, "total": 50, "rate": 34.0}
    assert v2["braintrust_url"].endswith("m07/experiments/v2-gpt4o")  # only the JS had the link
    mini = experiment(mirror, "m07", "m07_v2_gpt4omini_20260112")
    assert mini["metrics"]["pass_rate"] == 44.0  # the last of the duplicate keys


def test_apply_stores_runs_known_only_by_their_rates_as_reported(cli: Cli, mirror: Path) -> None:
    assert migrate(cli, mirror, "--apply").exit_code == 0
    rerun = experiment(mirror, "m01", "m01_v6_gpt5_20260221")
    assert rerun["metrics"] == {
        "pass_rate": 58.4, "match_rate": 38.0, "total": 49, "pass": None, "fail": None, "error": 0, "reported": True,
    }  # fmt: skip
    assert rerun["timestamp"] == "2026-02-21T14:05:00"
    assert rerun["notes"] == "mean of three reruns"
    assert rerun["judge_model"] == "gpt-4o" and rerun["data_source"] == "golden_150.csv"  # from the anchor
    intent = experiment(mirror, "m08", "m08_v1_gpt4omini_20260115")
    assert intent["metrics"]["reported"] is True and intent["metrics"]["total"] is None
    assert intent["metrics"]["match_rate"] == 64.0


def test_apply_creates_modules_and_merges_suggestions_by_text(cli: Cli, mirror: Path) -> None:
    assert migrate(cli, mirror, "--apply").exit_code == 0
    m07 = module(mirror, "m07")
    assert (m07["module_name"], m07["primary_rubric"]) == ("SummariseReviews", "R1_faithful")
    assert m07["description"] == "One-line summary of a product's reviews"
    by_text = {s["suggestion"]: s for s in m07["suggestions"]}
    assert sorted(by_text) == [
        "Drop marketing words", "Keep summaries under 20 words", "Mention the star rating", "Quote the review verbatim"
    ]  # fmt: skip
    keep = by_text["Keep summaries under 20 words"]
    assert (keep["priority"], keep["status"], keep["applied_in"], keep["rubric"]) == (
        "high",
        "applied",
        "v3",
        "R2_short",
    )
    quote = by_text["Quote the review verbatim"]
    assert (quote["version"], quote["priority"], quote["status"]) == ("v2", "medium", "in_progress")
    assert by_text["Drop marketing words"]["status"] == "applied"
    [m01_new] = [
        s for s in module(mirror, "m01")["suggestions"] if s["suggestion"] == "Add lowercase brand examples"
    ]
    assert (m01_new["id"], m01_new["applied_in"], m01_new["priority"]) == ("m01-s6", "v2", "high")


def test_a_second_apply_changes_no_byte_and_validate_passes(cli: Cli, mirror: Path) -> None:
    assert migrate(cli, mirror, "--apply").exit_code == 0
    after_first = snapshot(mirror)
    second = plan(cli, mirror, "--apply")
    assert snapshot(mirror) == after_first
    assert not lines(second, "create", "run") and not lines(second, "create", "suggestion")
    assert len(lines(second, "unchanged", "run")) == 8
    validated = cli("validate", "--data-dir", mirror)
    assert validated.exit_code == 0, validated.output


def test_only_the_changed_modules_and_the_index_are_written(cli: Cli, mirror: Path) -> None:
    before = snapshot(mirror)
    assert migrate(cli, mirror, "--apply").exit_code == 0
    changed = {name for name, data in snapshot(mirror).items() if before.get(name) != data}
    assert changed == {"modules/m01.json", "modules/m07.json", "modules/m08.json", "heatmap_index.json"}


def test_migrating_into_an_empty_data_dir(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "fresh"
    assert migrate(cli, target, "--apply").exit_code == 0
    assert Store(target).module_ids() == ["m01", "m07", "m08"]
    m01 = module(target, "m01")
    # No judge file to defer to: the YAML's v1 run is migrated, its model spelled as the trackers spell it elsewhere.
    assert {e["model"] for e in m01["experiments"]} == {"gpt-4o-mini", "gpt-5"}
    assert cli("validate", "--data-dir", target).exit_code == 0


# ------------------------------------------------------------------------------------------------ conflicts


def test_a_run_changed_in_the_mirror_is_a_conflict_and_is_kept(cli: Cli, mirror: Path) -> None:
    assert migrate(cli, mirror, "--apply").exit_code == 0
    path = mirror / "modules" / "m07.json"
    doc = json.loads(path.read_text())
    doc["experiments"][0]["judge_model"] = "gpt-4.1"  # someone corrected it by hand
    path.write_text(json.dumps(doc, indent=2) + "\n")
    before = snapshot(mirror)
    result = migrate(cli, mirror, "--apply")
    assert result.exit_code == 3
    assert snapshot(mirror) == before
    assert "conflict  m07 run m07_v1.10_gpt4o_20260109: the mirror's run differs" in result.stdout
    assert result.stderr.count("\n") == 1 and "1 conflicts" in result.stderr


def test_a_module_field_the_mirror_has_is_never_replaced_an_empty_one_is_filled(
    cli: Cli, mirror: Path, tmp_path: Path
) -> None:
    path = mirror / "modules" / "m02.json"
    doc = json.loads(path.read_text())
    doc["description"] = ""
    path.write_text(json.dumps(doc, indent=2) + "\n")
    tracker = tmp_path / "progress_history.yaml"
    tracker.write_text("modules:\n  M02:\n    name: A new name\n    description: filled in\n    runs: []\n")
    result = cli("migrate", "--progress-yaml", tracker, "--data-dir", mirror, "--apply", "--json")
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    [conflict] = lines(report, "conflict", "field")
    assert conflict["subject"] == "module_name" and "the mirror's is kept" in conflict["reason"]
    [update] = lines(report, "update", "field")
    assert update["subject"] == "description"
    after = module(mirror, "m02")
    assert (after["module_name"], after["description"]) == (doc["module_name"], "filled in")


def test_a_tracker_edited_elsewhere_leaves_migrated_runs_unchanged(
    cli: Cli, mirror: Path, tmp_path: Path
) -> None:
    """A run's ``source.sha256`` is the tracker's; a new line elsewhere in the file is not a conflict."""
    assert migrate(cli, mirror, "--apply").exit_code == 0
    edited = tmp_path / "progress_history.yaml"
    edited.write_text(YAML_TRACKER.read_text() + "# a comment added later\n")
    before = snapshot(mirror)
    result = cli(
        "migrate", "--progress-yaml", edited, "--modules-js", JS_TRACKER, "--data-dir", mirror, "--apply"
    )
    assert result.exit_code == 0, result.output
    assert snapshot(mirror) == before


# ------------------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("name", "text", "start"),
    [
        (
            "modules_data.js",
            "const M = {m01: {name: 'x', versions: {}}\n  oops};",
            "modules_data.js:2:3: expected",
        ),
        ("progress_history.yaml", "- just\n- a list\n", "progress_history.yaml: not a mapping"),
        ("progress_history.yaml", "modules: [1, 2\n", "progress_history.yaml:2:1: not valid YAML"),
        (
            "progress_history.yaml",
            "modules:\n  m07:\n    name: X\n    runs:\n      - {version: v1, date: 2026-01-01, model: gpt-4o, pass_rate: 1}",
            "progress_history.yaml: modules.m07.runs[0].pass_rate: '1' is ambiguous",
        ),
        (
            "progress_history.yaml",
            "modules:\n  m07:\n    name: X\n    runs:\n      - {version: v1, date: 2026-02-30, model: gpt-4o, pass_rate: 5%}",
            "progress_history.yaml: modules.m07.runs[0].date: '2026-02-30' is not a date",
        ),
        (
            "progress_history.yaml",
            "modules:\n  m07:\n    name: X\n    runs:\n      - {version: v1, date: 2026-01-01, model: gpt-4o, pas_rate: 5%}",
            "progress_history.yaml: modules.m07.runs[0].pas_rate: unknown field",
        ),
        (
            "progress_history.yaml",
            "modules:\n  m07:\n    runs:\n      - {version: v1, date: 2026-01-01, model: gpt-4o, pass_rate: 5%}",
            "progress_history.yaml: modules.m07.name: module 'm07' is not in the mirror yet",
        ),
        (
            "progress_history.yaml",
            "modules:\n  m07:\n    name: X\n    suggestions: [{suggestion: s, priority: someday}]",
            "progress_history.yaml: modules.m07.suggestions[0].priority: 'someday' is not a priority",
        ),
    ],
)
def test_bad_input_is_one_line_naming_file_and_place_and_writes_nothing(
    cli: Cli, mirror: Path, tmp_path: Path, name: str, text: str, start: str
) -> None:
    tracker = tmp_path / name
    tracker.write_text(text)
    option = "--modules-js" if name.endswith(".js") else "--progress-yaml"
    before = snapshot(mirror)
    result = cli("migrate", option, tracker, "--data-dir", mirror, "--apply")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in result.output
    assert message.startswith("error: "), message
    assert message.removeprefix("error: ").removeprefix(str(tmp_path) + "/").startswith(start), message
    assert snapshot(mirror) == before


def test_no_tracker_given_is_a_usage_error(cli: Cli, mirror: Path) -> None:
    """Like a missing required option: exit 2 (README, "Exit codes"), one message, no traceback."""
    result = cli("migrate", "--data-dir", mirror)
    assert result.exit_code == 2, result.output
    assert "give --progress-yaml and/or --modules-js" in result.stderr
    assert "Traceback" not in result.stderr


def test_module_exports_allmodels_objects_and_suggestion_ids(cli: Cli, tmp_path: Path) -> None:
    tracker = tmp_path / "modules_data.js"
    tracker.write_text(
        "const MODULES = {m09: {name: 'N', versions: {v1: {model: 'gpt-4o', passRate: 50, date: '2026-01-05',\n"
        "  allModels: {'gpt-5': {passRate: 61.5, matchRate: 40}},\n"
        "  suggestions: [{id: 'S-12', suggestion: 'Be brief', status: 'todo'}]}}}};\n"
        "module.exports = MODULES;\n"
    )
    result = cli("migrate", "--modules-js", tracker, "--data-dir", tmp_path / "data", "--apply", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    [created] = lines(doc, "create", "suggestion")
    assert created["reason"] == "Be brief (tracker id S-12)"
    gpt5 = experiment(tmp_path / "data", "m09", "m09_v1_gpt5_20260105")
    assert (gpt5["metrics"]["pass_rate"], gpt5["metrics"]["match_rate"], gpt5["metrics"]["reported"]) == (
        61.5,
        40.0,
        True,
    )


def test_a_version_known_only_by_allmodels(cli: Cli, tmp_path: Path) -> None:
    tracker = tmp_path / "modules_data.js"
    tracker.write_text(
        "var M = {m09: {name: 'N', versions: {\n"
        "  v1: {date: '2026-01-05', allModels: {'gpt-4o': 50, 'gpt-5': 61}},\n"
        "  v2: {model: 'gpt-4o', date: '2026-01-06', allModels: {'gpt-4o': 52, 'gpt-5': 48}},\n"
        "  v3: {model: 'gpt-4o', passRate: 55, date: '2026-01-07', allModels: {'gpt-4o': 57}},\n"
        "}}};\n"
    )
    result = cli("migrate", "--modules-js", tracker, "--data-dir", tmp_path / "data", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert sorted(line["subject"] for line in lines(doc, "create", "run")) == [
        "m09_v1_gpt4o_20260105", "m09_v1_gpt5_20260105", "m09_v2_gpt4o_20260106", "m09_v2_gpt5_20260106",
        "m09_v3_gpt4o_20260107",
    ]  # fmt: skip
    [disagreement] = [f for f in doc["findings"] if f["kind"] == "disagreement"]
    assert disagreement["text"] == "57% here, 55% in passRate; passRate is used"

"""promptfoo exports import through ``sheets-sync import``: real exports from ../shared/fixtures/promptfoo, and
variants of them (nested assert-sets, repeats, older format versions, broken files) made in a temp folder."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from sheets_sync.importers.promptfoo import provider_model
from sheets_sync.models import RunLinkKind
from sheets_sync.store import Store

FIXTURES = Path(__file__).resolve().parents[2] / "../shared/fixtures/promptfoo"
pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures is absent")

Cli = Callable[..., Result]


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(document))
    return path


def experiments(data_dir: Path, module_id: str = "m01") -> dict[str, Any]:
    return {e.model: e for e in Store(data_dir).load_module(module_id).experiments}


def import_ok(cli: Cli, data_dir: Path, *args: str | Path) -> Result:
    result = cli("import", "--data-dir", data_dir, *args)
    assert result.exit_code == 0, result.stderr
    return result


def import_fails(cli: Cli, data_dir: Path, *args: str | Path) -> str:
    result = cli("import", "--data-dir", data_dir, *args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert not (data_dir / "modules").exists() or not any((data_dir / "modules").iterdir())
    return lines[0]


NEW_M01 = ("--module", "m01", "--version", "v1", "--module-name", "Riddles")


def test_sample_export_one_run_per_provider_with_rubrics_from_each_assertion(
    cli: Cli, data_dir: Path
) -> None:
    result = import_ok(cli, data_dir, FIXTURES / "sample-export.json", *NEW_M01)
    assert "2 run(s): 2 new" in result.stdout
    assert "dataset version v1 (default" in result.stderr
    runs = experiments(data_dir)
    assert sorted(runs) == ["gpt-5", "gpt-5-mini"]
    gpt5 = runs["gpt-5"]
    m = gpt5.metrics
    # Every test fails on latency although `error` is set: a failure, not an error.
    assert (m.total, m.passed, m.fail, m.error, m.pass_rate) == (2, 0, 2, 0, 0.0)
    assert {name: (r.passed, r.total) for name, r in gpt5.rubrics.items()} == {
        "contains": (1, 1),  # only the first test asserts it
        "cost": (1, 2),  # defaultTest's assertions count
        "latency": (0, 2),
        "llm-rubric": (2, 2),
    }
    assert gpt5.prompt_id == "cd59d97e5a3914afcea76dcc2fdd43bbbb60e8374fcca26d8f76ee3e4e21c73a"
    assert gpt5.run_link is None  # shareableUrl is null
    assert gpt5.timestamp.isoformat() == "2025-10-01T20:08:11.168000+00:00"
    assert gpt5.source is not None and gpt5.source.format == "promptfoo"


def test_error_rows_count_as_errors_without_rubric_results_and_the_share_link_is_kept(
    cli: Cli, data_dir: Path
) -> None:
    import_ok(cli, data_dir, FIXTURES / "database-replay.json", *NEW_M01, "--dataset-version", "v2")
    (run,) = experiments(data_dir).values()
    m = run.metrics
    assert (run.model, run.dataset_version) == ("database-replay", "v2")
    assert (m.total, m.passed, m.fail, m.error) == (9, 5, 3, 1)
    # The error row is judged on no rubric: every rubric's total is the 8 rows that were graded at most.
    assert all(r.total <= 8 for r in run.rubrics.values()) and run.rubrics
    assert run.run_link is not None
    assert run.run_link.url == "https://www.promptfoo.app/eval/eval-KaM-2025-09-17T03:07:11"
    assert run.run_link.kind is RunLinkKind.PROMPTFOO and "Braintrust" not in run.run_link.label


def test_node_evaluate_return_value_is_refused_as_not_an_export(cli: Cli, data_dir: Path) -> None:
    line = import_fails(cli, data_dir, FIXTURES / "node-evaluate-return.json", *NEW_M01)
    assert "node-evaluate-return.json" in line and "evaluate()" in line and "promptfoo eval -o" in line


def test_reimport_changes_no_byte_and_new_flags_update_the_same_run(cli: Cli, data_dir: Path) -> None:
    export = FIXTURES / "sample-export.json"
    import_ok(cli, data_dir, export, *NEW_M01)
    module_file = data_dir / "modules" / "m01.json"
    before = module_file.read_bytes()
    again = import_ok(cli, data_dir, export, *NEW_M01)
    assert "0 new, 0 updated, 2 unchanged" in again.stdout
    assert module_file.read_bytes() == before
    ids = {e.model: e.id for e in experiments(data_dir).values()}
    updated = import_ok(cli, data_dir, export, *NEW_M01, "--dataset-version", "v7")
    assert "0 new, 2 updated" in updated.stdout
    runs = experiments(data_dir)
    assert len(runs) == 2 and {e.model: e.id for e in runs.values()} == ids
    assert {e.dataset_version for e in runs.values()} == {"v7"}


def test_a_run_imported_under_another_module_moves_rather_than_counting_twice(
    cli: Cli, data_dir: Path
) -> None:
    export = FIXTURES / "sample-export.json"
    import_ok(cli, data_dir, export, *NEW_M01)
    import_ok(cli, data_dir, export, "--module", "m02", "--version", "v1", "--module-name", "Riddles 2")
    store = Store(data_dir)
    assert store.load_module("m01").experiments == []
    assert len(store.load_module("m02").experiments) == 2


def test_module_and_version_from_the_prompt_label_else_the_file_name(
    cli: Cli, data_dir: Path, inbox: Path
) -> None:
    document = fixture("sample-export.json")
    document["results"]["prompts"][0]["label"] = "m05_v3: Solve this riddle"
    labelled = write(inbox, "m06_v9_promptfoo.json", document)
    import_ok(cli, data_dir, labelled, "--module-name", "Riddles")
    store = Store(data_dir)
    assert [e.prompt_version for e in store.load_module("m05").experiments] == ["v3"]
    assert [e.prompt_version for e in store.load_module("m06").experiments] == ["v9"]


def test_without_module_flags_label_or_name_the_error_names_the_flags(cli: Cli, data_dir: Path) -> None:
    line = import_fails(cli, data_dir, FIXTURES / "sample-export.json")
    assert "sample-export.json" in line and "--module" in line and "--version" in line


def test_a_new_module_needs_a_name_flag(cli: Cli, data_dir: Path) -> None:
    line = import_fails(cli, data_dir, FIXTURES / "sample-export.json", "--module", "m01", "--version", "v1")
    assert "--module-name" in line


def test_two_different_prompts_given_one_version_are_reported(cli: Cli, data_dir: Path) -> None:
    import_ok(cli, data_dir, FIXTURES / "sample-export.json", *NEW_M01)
    line = import_fails_keeping(
        cli, data_dir, FIXTURES / "database-replay.json", "--module", "m01", "--version", "v1"
    )
    assert "different prompt" in line


def import_fails_keeping(cli: Cli, data_dir: Path, *args: str | Path) -> str:
    """An import that must fail and leave the existing data exactly as it was."""
    before = {p: p.read_bytes() for p in data_dir.rglob("*.json")}
    result = cli("import", "--data-dir", data_dir, *args)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert {p: p.read_bytes() for p in data_dir.rglob("*.json")} == before
    return result.stderr.strip()


# ------------------------------------------------------------------------------------------------ variants


def _sample_with_set(position: int) -> dict[str, Any]:
    """sample-export with a named assert-set inserted at ``position`` of the first row's assertions, its result
    laid out as promptfoo's AssertionsResult writes it: the set's own entry, then its children flattened."""
    document = fixture("sample-export.json")
    row = next(r for r in document["results"]["results"] if r["promptIdx"] == 0 and r["testIdx"] == 0)
    children = [{"type": "icontains", "value": "echo"}, {"type": "regex", "value": "e.ho", "metric": "inner"}]
    the_set = {"type": "assert-set", "metric": "echo_named", "assert": children}
    row["testCase"]["assert"].insert(position, the_set)
    set_entry = {"pass": False, "score": 0.5, "reason": "one failed", "componentResults": []}
    child_entries = [
        {"pass": True, "score": 1, "reason": "ok", "assertion": children[0]},
        {"pass": False, "score": 0, "reason": "no", "assertion": children[1]},
    ]
    components = row["gradingResult"]["componentResults"]
    components[position:position] = [set_entry, *child_entries]
    return document


@pytest.mark.parametrize("position", [0, 2, 4])
def test_a_nested_assert_set_is_one_rubric_and_its_children_are_not_counted(
    cli: Cli, data_dir: Path, inbox: Path, position: int
) -> None:
    path = write(inbox, "with-set.json", _sample_with_set(position))
    import_ok(cli, data_dir, path, *NEW_M01)
    run = experiments(data_dir)["gpt-5"]
    assert (run.rubrics["echo_named"].passed, run.rubrics["echo_named"].total) == (0, 1)
    assert "inner" not in run.rubrics and "icontains" not in run.rubrics and "regex" not in run.rubrics
    # The assertions after the set still pair with their own results.
    assert (run.rubrics["llm-rubric"].passed, run.rubrics["llm-rubric"].total) == (2, 2)
    assert (run.rubrics["latency"].passed, run.rubrics["latency"].total) == (0, 2)


def test_repeated_rows_are_samples_of_their_own(cli: Cli, data_dir: Path, inbox: Path) -> None:
    document = fixture("sample-export.json")
    rows = document["results"]["results"]
    repeats = copy.deepcopy(rows)
    for row in repeats:
        row["testIdx"] += 2
        row["id"] += "-repeat"
    rows += repeats
    for prompt in document["results"]["prompts"]:
        prompt["metrics"]["testFailCount"] *= 2
    import_ok(cli, data_dir, write(inbox, "repeat.json", document), *NEW_M01)
    run = experiments(data_dir)["gpt-5"]
    assert (run.metrics.total, run.metrics.fail) == (4, 4)
    assert run.rubrics["latency"].total == 4


def test_format_version_2_reads_runs_from_the_table_head(cli: Cli, data_dir: Path, inbox: Path) -> None:
    document = fixture("database-replay.json")
    results = document["results"]
    results["version"] = 2
    results["table"] = {"head": {"prompts": results.pop("prompts"), "vars": []}, "body": []}
    import_ok(cli, data_dir, write(inbox, "v2.json", document), *NEW_M01)
    (run,) = experiments(data_dir).values()
    assert (run.metrics.passed, run.metrics.fail, run.metrics.error) == (5, 3, 1)


def test_rows_without_failure_reason_error_only_without_grading(
    cli: Cli, data_dir: Path, inbox: Path
) -> None:
    document = fixture("database-replay.json")
    for row in document["results"]["results"]:
        del row["failureReason"]
    import_ok(cli, data_dir, write(inbox, "old.json", document), *NEW_M01)
    (run,) = experiments(data_dir).values()
    # The "threw" rows keep their gradingResult: failures; the session row has none and an error: an error.
    assert (run.metrics.passed, run.metrics.fail, run.metrics.error) == (5, 3, 1)


def test_primary_rubric_sets_the_match_rate(cli: Cli, data_dir: Path) -> None:
    import_ok(cli, data_dir, FIXTURES / "sample-export.json", *NEW_M01, "--primary-rubric", "llm-rubric")
    assert experiments(data_dir)["gpt-5"].metrics.match_rate == 100.0
    line = import_fails_keeping(
        cli, data_dir, FIXTURES / "sample-export.json", *NEW_M01, "--primary-rubric", "nope"
    )
    assert "nope" in line and "llm-rubric" in line


def _broken(mutate: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = fixture("sample-export.json")
    mutate(document)
    return document


BROKEN = {
    "unknown version": (
        lambda d: d["results"].update(version=4),
        "results.version: unknown promptfoo format version 4",
    ),
    "success not a flag": (
        lambda d: d["results"]["results"][1].update(success="yes"),
        "results.results[1].success: must be true or false",
    ),
    "missing rows": (lambda d: d["results"].pop("results"), "results.results: required field is missing"),
    "promptIdx out of range": (
        lambda d: d["results"]["results"][0].update(promptIdx=5),
        "results.results[0].promptIdx: 5 names no prompt",
    ),
    "counts disagree": (
        lambda d: d["results"]["prompts"][0]["metrics"].update(testPassCount=1),
        "results.prompts[0].metrics.testPassCount: says 1",
    ),
    "bad timestamp": (
        lambda d: d["results"].update(timestamp="yesterday"),
        "results.timestamp: must be an ISO 8601 time",
    ),
    "unknown failure reason": (
        lambda d: d["results"]["results"][0].update(failureReason=7),
        "results.results[0].failureReason: unknown failure reason 7",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_bad_exports_are_one_line_naming_file_and_field_and_write_nothing(
    cli: Cli, data_dir: Path, inbox: Path, case: str
) -> None:
    mutate, expected = BROKEN[case]
    path = write(inbox, "broken.json", _broken(mutate))
    line = import_fails(cli, data_dir, path, *NEW_M01)
    assert f"{path}: {expected}" in line


def test_a_truncated_export_says_so(cli: Cli, data_dir: Path, inbox: Path) -> None:
    data = (FIXTURES / "sample-export.json").read_bytes()
    path = inbox / "cut.json"
    path.write_bytes(data[: len(data) // 2])
    line = import_fails(cli, data_dir, path, *NEW_M01)
    assert line.startswith(f"error: {path}: invalid JSON") and "truncated" in line


def test_an_export_read_strictly_a_key_twice_or_too_deep_is_one_line(
    cli: Cli, data_dir: Path, inbox: Path
) -> None:
    """The strict reader every JSON input shares (sheets_sync.jsonio): the key given twice is named with its JSON
    path, and nesting past the parser's depth is one line, not a RecursionError."""
    text = (FIXTURES / "sample-export.json").read_text()
    doubled = inbox / "doubled.json"
    doubled.write_text(text.replace('"results": {', '"results": {"version": 3, ', 1))
    line = import_fails(cli, data_dir, doubled, *NEW_M01)
    assert line.startswith(f"error: {doubled}: results: key 'version' appears twice"), line
    deep = inbox / "deep.json"
    deep.write_bytes(b'{"results": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    line = import_fails(cli, data_dir, deep, *NEW_M01)
    assert line.startswith(f"error: {deep}: nested more than"), line


@pytest.mark.parametrize(
    ("provider", "label", "model"),
    [
        ("openai:gpt-4o-mini", None, "gpt-4o-mini"),
        ("openai:chat:gpt-4o", None, "gpt-4o"),
        ("ollama:chat:llama3:8b", None, "llama3:8b"),
        ("anthropic:messages:claude-3-5-sonnet", None, "claude-3-5-sonnet"),
        ("database-replay", None, "database-replay"),
        ("file://providers/mine.py", None, "file://providers/mine.py"),
        ("openai:gpt-4o-mini", "fast model", "fast model"),
    ],
)
def test_model_from_the_provider(provider: str, label: str | None, model: str) -> None:
    assert provider_model(provider, label) == model


def test_validate_recognises_promptfoo_exports_in_judge_results(cli: Cli, data_dir: Path) -> None:
    import_ok(cli, data_dir, FIXTURES / "sample-export.json", *NEW_M01)
    results = data_dir / "judge_results"
    results.mkdir()
    (results / "run.json").write_bytes((FIXTURES / "database-replay.json").read_bytes())
    ok = cli("validate", "--data-dir", data_dir)
    assert ok.exit_code == 0, ok.stdout
    broken = fixture("database-replay.json")
    broken["results"]["prompts"][0]["metrics"]["testErrorCount"] = 0
    write(results, "broken.json", broken)
    bad = cli("validate", "--data-dir", data_dir)
    assert bad.exit_code == 1
    assert "broken.json: results.prompts[0].metrics.testErrorCount: says 0" in bad.stdout


def test_the_judge_model_is_the_grading_provider_the_config_names(
    cli: Cli, data_dir: Path, inbox: Path
) -> None:
    document = fixture("sample-export.json")
    document["config"]["defaultTest"]["options"] = {"provider": {"id": "openai:chat:gpt-4.1", "config": {}}}
    import_ok(cli, data_dir, write(inbox, "graded.json", document), *NEW_M01)
    assert {e.judge_model for e in experiments(data_dir).values()} == {"gpt-4.1"}
    import_ok(
        cli,
        data_dir,
        FIXTURES / "database-replay.json",
        "--module",
        "m02",
        "--version",
        "v1",
        "--module-name",
        "R",
    )
    assert {e.judge_model for e in experiments(data_dir, "m02").values()} == {None}

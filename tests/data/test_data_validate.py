"""``sheets-sync validate``: every problem of every file, the stale index, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from data_helpers import copy_sample_data
from data_snapshot import snapshot

from sheets_sync.store import Store
from sheets_sync.validate import validate_data_dir

CLI = Callable[..., Result]


def edit(path: Path, change: Callable[[dict], None]) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc, indent=2))


def test_the_sample_data_is_valid(cli: CLI, tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    result = cli("validate", "--data-dir", data)
    assert result.exit_code == 0, result.stdout
    assert "6 module(s), all valid; index up to date" in result.stdout


def test_lists_every_problem_of_every_file(cli: CLI, tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")

    def break_m01(doc: dict) -> None:
        doc["experiments"][2]["metrics"]["pass"] += 1
        doc["suggestions"][0]["priority"] = "urgent"
        doc["suggestions"][1]["status"] = "done"

    def break_m02(doc: dict) -> None:
        doc["suggestions"][1]["id"] = doc["suggestions"][0]["id"]

    edit(data / "modules" / "m01.json", break_m01)
    edit(data / "modules" / "m02.json", break_m02)
    (data / "modules" / "m03.json").write_text("{ not json")
    judge = min((data / "judge_results").glob("m04_*.json"))
    edit(judge, lambda doc: doc["results"][0].update(verdict="maybe"))
    result = cli("validate", "--data-dir", data)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    modules = data / "modules"
    assert lines[:5] == [
        f"{modules / 'm01.json'}: experiments[2].metrics.pass: "
        + lines[0].split("experiments[2].metrics.pass: ")[1],
        f"{modules / 'm01.json'}: suggestions[0].priority: Input should be 'high', 'medium' or 'low'",
        (
            f"{modules / 'm01.json'}: suggestions[1].status: "
            "Input should be 'proposed', 'in_progress', 'applied' or 'rejected'"
        ),
        f"{modules / 'm02.json'}: suggestions[1].id: duplicate suggestion id 'm02-s1'",
        f"{modules / 'm03.json'}: " + lines[4].split("m03.json: ")[1],
    ]
    assert "not total" in lines[0] and "invalid JSON" in lines[4]
    assert (
        lines[5]
        == f"{judge}: results[0].verdict: unknown verdict 'maybe' (expected pass, fail, error, true or false)"
    )
    assert len(lines) == 6  # the index is not judged while modules are broken
    assert result.stderr == f"error: {data}: 6 problem(s) in 4 file(s)\n"


def test_a_stale_index_is_a_problem(cli: CLI, tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    edit(data / "modules" / "m05.json", lambda doc: doc.update(module_name="Renamed"))
    result = cli("validate", "--data-dir", data)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{data / 'heatmap_index.json'}: stale: not what the module files give; run `sheets-sync index`"
    ]
    assert cli("index", "--data-dir", data).exit_code == 0
    assert cli("validate", "--data-dir", data).exit_code == 0


def test_module_id_must_match_the_file_name(tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    (data / "modules" / "m01.json").rename(data / "modules" / "m99.json")
    problems = validate_data_dir(Store(data))
    assert [(p.path.name, p.json_path) for p in problems] == [("m99.json", "module_id")]


def test_a_missing_index_is_a_problem_only_when_there_are_modules(tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    (data / "heatmap_index.json").unlink()
    assert [p.message for p in validate_data_dir(Store(data))] == ["missing; run `sheets-sync index`"]
    (tmp_path / "empty").mkdir()
    assert [p.message for p in validate_data_dir(Store(tmp_path / "empty"))] == [
        "no modules/ folder: this is not a sheets-sync data directory"
    ]
    (tmp_path / "empty" / "modules").mkdir()
    assert validate_data_dir(Store(tmp_path / "empty")) == []


def test_dot_files_are_not_files_to_check(cli: CLI, tmp_path: Path) -> None:
    """An editor's `.m01.json` backup is not a module, nor a folder of judge files named `*.json`."""
    data = copy_sample_data(tmp_path / "data")
    (data / "judge_results" / "2026-01.json").mkdir()
    (data / "modules" / ".m01.json").write_text("{ half an edit")
    (data / "judge_results" / ".m01_v1_gpt-5_20260120.json").write_text("{")
    result = cli("validate", "--data-dir", data)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert cli("index", "--data-dir", data).exit_code == 0


def test_a_folder_named_like_a_module_file_is_reported_and_refused(cli: CLI, tmp_path: Path) -> None:
    """`modules/archive.json/` would hide a module from every command: validate names it, writers refuse to run."""
    data = copy_sample_data(tmp_path / "data")
    (data / "modules" / "archive.json").mkdir()
    before = snapshot(data)
    result = cli("validate", "--data-dir", data)
    assert result.exit_code == 1
    assert f"{data / 'modules' / 'archive.json'}: is a directory, not a module file" in result.stdout
    refused = cli("index", "--data-dir", data)
    assert refused.exit_code == 1
    assert (
        refused.stderr == f"error: {data / 'modules' / 'archive.json'}: is a directory, not a module file\n"
    )
    assert snapshot(data) == before


def test_an_empty_module_file_is_one_problem(tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    (data / "modules" / "m09.json").write_bytes(b"")
    [problem] = validate_data_dir(Store(data))
    assert (problem.path.name, problem.json_path) == ("m09.json", None)
    assert problem.message.startswith("invalid JSON")


def test_a_module_file_whose_name_is_no_module_id_is_named(cli: CLI, tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    (data / "modules" / "m01.json").rename(data / "modules" / "m 01.json")
    result = cli("index", "--data-dir", data)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {data / 'modules' / 'm 01.json'}: 'm 01' is not a module id (letters, digits, '_' and '-')\n"
    )
    assert [(p.path.name, p.json_path) for p in validate_data_dir(Store(data))] == [
        ("m 01.json", "module_id")
    ]

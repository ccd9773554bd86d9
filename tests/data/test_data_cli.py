"""The CLI as users meet it: data dir resolution, lock, exit codes, show, suggest, a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from data_helpers import DROP, REPO, copy_sample_data, judge_doc, write_judge
from data_snapshot import snapshot
from rich.console import Console

from sheets_sync.commands import data as data_commands
from sheets_sync.errors import DataError
from sheets_sync.store import Store

CLI = Callable[..., Result]


def test_data_dir_after_the_command(cli: CLI, data_dir: Path, inbox: Path) -> None:
    assert cli("import", write_judge(inbox, judge_doc()), "--data-dir", data_dir).exit_code == 0
    assert (data_dir / "modules" / "m01.json").is_file()


def test_data_dir_before_the_command(cli: CLI, data_dir: Path, inbox: Path) -> None:
    assert cli("--data-dir", data_dir, "import", write_judge(inbox, judge_doc())).exit_code == 0
    assert (data_dir / "modules" / "m01.json").is_file()


def test_data_dir_from_the_environment(cli: CLI, data_dir: Path, inbox: Path) -> None:
    result = cli("import", write_judge(inbox, judge_doc()), env={"SHEETS_SYNC_DATA_DIR": str(data_dir)})
    assert result.exit_code == 0
    assert (data_dir / "heatmap_index.json").is_file()


def test_the_flag_beats_the_environment_and_after_beats_before(cli: CLI, tmp_path: Path, inbox: Path) -> None:
    path = write_judge(inbox, judge_doc())
    env = {"SHEETS_SYNC_DATA_DIR": str(tmp_path / "from_env")}
    assert cli("--data-dir", tmp_path / "before", "import", path, env=env).exit_code == 0
    assert (
        cli("--data-dir", tmp_path / "ignored", "import", path, "--data-dir", tmp_path / "after").exit_code
        == 0
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["after", "before", "inbox"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback(cli: CLI, tmp_path: Path, where: str) -> None:
    data = copy_sample_data(tmp_path / "data")
    args = ["show", "m99", "--data-dir", data]
    with pytest.raises(DataError, match="no module 'm99'"):  # raised, not turned into one line
        cli(*(["--debug", *args] if where == "before" else [*args, "--debug"]))
    plain = cli(*args)
    assert plain.exit_code == 1 and "Traceback" not in plain.stderr and plain.stderr.count("\n") == 1


def test_a_second_writer_is_refused(cli: CLI, data_dir: Path, inbox: Path) -> None:
    path = write_judge(inbox, judge_doc())
    with Store(data_dir).lock():
        result = cli("import", "--data-dir", data_dir, path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: another sheets-sync is running on {data_dir}")
    assert not (data_dir / "modules").exists()
    assert cli("import", "--data-dir", data_dir, path).exit_code == 0  # the lock is gone with its holder


def test_the_lock_file_is_ignored_by_git() -> None:
    assert "*.lock" in (REPO / ".gitignore").read_text().splitlines()


@pytest.mark.parametrize(
    "args",
    [("import",), ("suggest", "m01", "--version", "v1"), ("suggest", "m01", "--version", "v1", "--rubric", "R",
     "--issue", "i", "--suggestion", "s", "--priority", "urgent"), ("show",), ("nonsense",)],
)  # fmt: skip
def test_usage_errors_exit_2(cli: CLI, data_dir: Path, args: tuple[str, ...]) -> None:
    assert cli(*args, "--data-dir", data_dir).exit_code == 2


def test_show_lists_experiments_in_natural_version_order(cli: CLI, tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    result = cli("show", "m05", "--data-dir", data)
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.stdout.splitlines() if line.strip().startswith("m05_v")]
    experiments = ids[: len(ids) // 2]  # the rubric table repeats the ids
    assert experiments[:3] == [
        "m05_v1_gpt4omini_20260105",
        "m05_v2_gpt4omini_20260106",
        "m05_v3_gpt4omini_20260107",
    ]
    assert experiments[-3:] == [
        "m05_v9_gpt4omini_20260121",
        "m05_v10_gpt4omini_20260126",
        "m05_v10_gpt4o_20260126",
    ]
    assert "M05_violation_detected *" in result.stdout
    assert "m05-s1" in result.stdout


def test_show_unknown_module(cli: CLI, tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    result = cli("show", "m99", "--data-dir", data)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: {data / 'modules' / 'm99.json'}: no module 'm99' (modules present: m01,"
    )


def test_suggest_adds_the_next_free_id(cli: CLI, tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    result = cli(
        "suggest", "m01", "--version", "v5", "--rubric", "M01_brand_extracted", "--issue", "Store brands [sic] missed",
        "--suggestion", "List store brands", "--priority", "HIGH", "--data-dir", data,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"added m01-s6 to {data / 'modules' / 'm01.json'}\n"
    added = json.loads((data / "modules" / "m01.json").read_text())["suggestions"][-1]
    assert added == {
        "id": "m01-s6", "version": "v5", "rubric": "M01_brand_extracted", "issue": "Store brands [sic] missed",
        "suggestion": "List store brands", "priority": "high", "status": "proposed", "applied_in": None,
    }  # fmt: skip
    assert cli("validate", "--data-dir", data).exit_code == 0


def test_suggest_refuses_an_unknown_version_or_rubric(cli: CLI, tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    base = ("suggest", "m01", "--issue", "i", "--suggestion", "s", "--data-dir", data)
    wrong_version = cli(*base, "--version", "v9", "--rubric", "M01_brand_extracted")
    assert wrong_version.exit_code == 1
    assert "has no results for version 'v9' (known: v1, v2, v3, v4, v5)" in wrong_version.stderr
    wrong_rubric = cli(*base, "--version", "v1", "--rubric", "M01_brand")
    assert wrong_rubric.exit_code == 1 and "has no rubric 'M01_brand'" in wrong_rubric.stderr


def test_import_of_many_files_prints_a_line_each_and_a_summary(cli: CLI, data_dir: Path, inbox: Path) -> None:
    for n in range(1, 26):  # above the progress-bar threshold
        write_judge(inbox, judge_doc(prompt_version=f"v{n}"))
    result = cli("import", "--data-dir", data_dir, inbox)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 26
    assert lines[-1] == "25 file(s): 25 new, 0 updated, 0 unchanged; 1 module(s) created; index rebuilt"
    assert lines[0].split()[:3] == ["new", "m01", "m01_v10_gpt4omini_20260120"]  # sorted by path: v10 < v1_
    assert "pass  30.0%  match  10.0%" in lines[0]


@pytest.mark.parametrize("command", ["show", "suggest"])
def test_a_module_argument_that_is_a_path_is_refused(cli: CLI, tmp_path: Path, command: str) -> None:
    data = copy_sample_data(tmp_path / "data")
    before = snapshot(data)
    target = "../judge_results/m01_v1_gpt-4o_20260120"  # a real JSON file, outside modules/
    extra = (
        ["--version", "v1", "--rubric", "R", "--issue", "i", "--suggestion", "s"]
        if command == "suggest"
        else []
    )
    result = cli(command, target, *extra, "--data-dir", data)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {data / 'modules'}: {target!r} is not a module id (letters, digits, '_' and '-')\n"
    )
    assert snapshot(data) == before


@pytest.mark.parametrize("option", ["--issue", "--suggestion"])
def test_suggest_refuses_blank_text(cli: CLI, tmp_path: Path, option: str) -> None:
    data = copy_sample_data(tmp_path / "data")
    args = {"--issue": "Store brands missed", "--suggestion": "List store brands", option: "  "}
    result = cli(
        "suggest", "m01", "--version", "v5", "--rubric", "M01_brand_extracted", *[x for kv in args.items() for x in kv],
        "--data-dir", data,
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': must not be blank" in result.stderr


def test_progress_bar_on_a_terminal(
    cli: CLI, data_dir: Path, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data_commands, "err", Console(stderr=True, force_terminal=True, width=100))
    for n in range(1, 22):  # one more than the threshold
        write_judge(inbox, judge_doc(prompt_version=f"v{n}"))
    result = cli("import", "--data-dir", data_dir, inbox)
    assert result.exit_code == 0
    assert "importing" in result.stderr and "21/21" in result.stderr
    assert len(result.stdout.splitlines()) == 22  # the lines stay on stdout, the bar on stderr
    few = cli("import", "--data-dir", data_dir, *sorted(inbox.glob("*.json"))[:20])
    assert few.stderr == ""


def test_a_run_without_a_match_rate_prints_a_dash(cli: CLI, data_dir: Path, inbox: Path) -> None:
    doc = judge_doc(primary_rubric=DROP, results=[{"sample_id": "a", "verdict": "pass"}])
    result = cli("import", "--data-dir", data_dir, write_judge(inbox, doc))
    assert "pass 100.0%  match      -  " in result.stdout


def test_index_stops_at_a_broken_module_file_and_writes_nothing(cli: CLI, tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    module = data / "modules" / "m02.json"
    module.write_text(module.read_text().replace('"fail": ', '"fail": 1', 1))
    before = snapshot(data)
    result = cli("index", "--data-dir", data)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {module}: experiments[0].metrics.pass: pass + fail + error = ")
    assert snapshot(data) == before


def test_index_command_reports_unchanged(cli: CLI, tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    result = cli("index", "--data-dir", data)
    assert result.stdout == f"{data / 'heatmap_index.json'}: unchanged\n"


def test_python_dash_m_runs_the_cli(tmp_path: Path, inbox: Path) -> None:
    data = tmp_path / "data"
    path = write_judge(inbox, judge_doc())
    run = [sys.executable, "-m", "sheets_sync"]
    ok = subprocess.run(
        [*run, "--data-dir", str(data), "import", str(path)], capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stderr
    assert "m01_v1_gpt4omini_20260120" in ok.stdout
    bad = subprocess.run(
        [*run, "show", "nope", "--data-dir", str(data)], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1
    assert bad.stderr == f"error: {data / 'modules' / 'nope.json'}: no module 'nope' (modules present: m01)\n"


@pytest.mark.parametrize("command", [("index",), ("validate",), ("show", "m01")])
def test_a_missing_data_dir_is_an_error_not_an_empty_one(
    cli: CLI, tmp_path: Path, command: tuple[str, ...]
) -> None:
    result = cli(*command, "--data-dir", tmp_path / "typo")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"error: {tmp_path / 'typo'}: no such data directory (give --data-dir DIR or set SHEETS_SYNC_DATA_DIR)\n"
    )
    assert not (tmp_path / "typo").exists()


def test_a_load_error_says_how_many_more_problems_and_where_to_see_them(cli: CLI, tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    module = data / "modules" / "m01.json"
    doc = json.loads(module.read_text())
    doc["experiments"][0]["metrics"]["pass"] = "15"
    doc["suggestions"][0]["priority"] = "urgent"
    module.write_text(json.dumps(doc))
    result = cli("show", "m01", "--data-dir", data)
    assert result.stderr == (
        f"error: {module}: experiments[0].metrics.pass: Input should be a valid integer, got '15' "
        "(and 1 more problem; `sheets-sync validate` lists them)\n"
    )

"""The conventions every command follows (docs/cli.md): help with examples and exit codes, ``--json`` on every
command that prints data, a fast ``--help`` that imports nothing heavy, and tables that fit a real terminal
without cutting a number."""

from __future__ import annotations

import fcntl
import importlib
import json
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sheets_sync.cli import main
from sheets_sync.commands import CATALOG
from sheets_sync.dashboard.compare import compare, find_pair, row_texts
from sheets_sync.store import Store

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
HEAVY = (
    "pydantic",
    "rich",
    "gspread",
    "jinja2",
    "requests",
    "google",
    "sheets_emulator",
    "sheets_sync.models",
)
DATA_COMMANDS = [
    "import", "index", "validate", "show", "suggest", "schema", "migrate", "push", "pull", "status", "dashboard",
    "diff",
]  # fmt: skip
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def test_the_catalog_lists_every_command_of_every_module() -> None:
    modules = {entry.module for entry in CATALOG.values()}
    found = {
        command.name: module for module in modules for command in importlib.import_module(module).COMMANDS
    }
    assert found == {name: entry.module for name, entry in CATALOG.items()}


def test_top_level_help_imports_nothing_heavy() -> None:
    probe = (
        "import sys\nfrom sheets_sync.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('\\nMODULES', ' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "Commands:" in result.stdout
    loaded = result.stdout.rsplit("MODULES", 1)[1].split()
    heavy = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert not heavy, f"`sheets-sync --help` imported {heavy}"
    commands = [m for m in loaded if m.startswith("sheets_sync.commands.")]
    assert not commands, f"`sheets-sync --help` imported command modules {commands}"


@pytest.mark.parametrize("name", list(CATALOG))
def test_every_command_help_has_examples_and_exit_codes(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Examples:" in result.output, f"`sheets-sync {name} --help` has no examples"
    assert "Exit codes:" in result.output, f"`sheets-sync {name} --help` does not list its exit codes"
    assert f"sheets-sync {name}" in result.output.split("Examples:", 1)[1]


def every_command_path() -> list[list[str]]:
    paths = []
    for name in CATALOG:
        command = main.commands[name]
        paths.append([name])
        if isinstance(command, click.Group):
            paths.extend([name, sub] for sub in command.commands)
    return paths


@pytest.mark.parametrize("path", every_command_path(), ids=" ".join)
def test_help_prints_each_example_whole_and_the_exit_codes_last(path: list[str]) -> None:
    """An example line re-wrapped by click cannot be pasted; exit codes sit after the options, as everywhere."""
    command = main
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    result = CliRunner().invoke(main, [*path, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    examples = [
        line.strip() for line in (command.epilog or "").splitlines() if line.startswith("  sheets-sync ")
    ]
    output_lines = [line.strip() for line in result.output.splitlines()]
    cut = [line for line in examples if line not in output_lines]
    assert not cut, f"`sheets-sync {' '.join(path)} --help` re-wraps {cut}"
    if "Exit codes:" in result.output:
        assert result.output.index("Exit codes:") > result.output.index("Options:")


@pytest.mark.parametrize("name", [name for name in CATALOG if isinstance(main.commands[name], click.Group)])
def test_a_group_lists_its_subcommands_whole(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"], terminal_width=120)
    listing = result.output.split("Commands:", 1)[1].split("Examples:", 1)[0]
    assert "..." not in listing, f"`sheets-sync {name} --help` cuts a subcommand's help: {listing.strip()}"


@pytest.mark.parametrize("name", DATA_COMMANDS)
def test_every_command_that_prints_data_has_json(name: str) -> None:
    command = main.commands[name]
    assert any(isinstance(p, click.Option) and "--json" in p.opts for p in command.params), name


def run_json(*args: str) -> object:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_outputs_parse_and_carry_the_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    imported = run_json("import", "--json", "--data-dir", str(data), str(DATA / "judge_results"))
    assert isinstance(imported, dict) and imported["counts"]["new"] == len(imported["runs"]) > 0
    assert imported["index_rebuilt"] is True
    assert run_json("index", "--json", "--data-dir", str(data)) == {
        "path": str(data / "heatmap_index.json"),
        "changed": False,
    }
    validated = run_json("validate", "--json", "--data-dir", str(data))
    assert isinstance(validated, dict) and validated["valid"] is True and validated["problems"] == []
    shown = run_json("show", "m01", "--json", "--data-dir", str(data))
    assert isinstance(shown, dict)
    assert shown["best_so_far"]["dataset_version"] == "v2"
    assert shown["rubric_order"][0] == shown["primary_rubric"]
    assert len(shown["experiments"]) == len(Store(data).load_module("m01").experiments)
    added = run_json(
        "suggest", "m01", "--version", "v5", "--rubric", shown["primary_rubric"], "--issue", "i",
        "--suggestion", "s", "--json", "--data-dir", str(data),
    )  # fmt: skip
    assert isinstance(added, dict) and added["suggestion"]["id"].startswith("m01-s")
    site = run_json("dashboard", "--json", "--out", str(tmp_path / "site"), "--data-dir", str(data))
    assert isinstance(site, dict) and Path(site["index_html"]).is_file()
    schemas = run_json("schema", "--json", "--out", str(tmp_path / "schema"))
    assert isinstance(schemas, list) and {Path(s["path"]).name for s in schemas} == {
        "module.schema.json",
        "judge.schema.json",
    }


def test_validate_json_lists_problems_and_exits_1(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "modules").mkdir(parents=True)
    (data / "modules" / "m01.json").write_text('{"module_id": "m01"}', encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--json", "--data-dir", str(data)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["problems"][0]["path"].endswith("m01.json")


# ------------------------------------------------------------------------------------------ a real terminal


def in_terminal(columns: int, *args: str) -> str:
    """Run ``sheets-sync ARGS`` with stdout on a pseudo-terminal ``columns`` wide; the text it showed."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(
        [sys.executable, "-m", "sheets_sync", *args], stdout=slave, stderr=subprocess.PIPE, env=env, cwd=REPO
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr.decode()
    return ANSI.sub("", b"".join(chunks).decode("utf-8")).replace("\r\n", "\n")


def assert_fits(text: str, columns: int) -> None:
    assert "\u2026" not in text, "a value was cut with an ellipsis"
    wide = [line for line in text.splitlines() if len(line.rstrip()) > columns]
    assert not wide, f"lines wider than {columns} columns: {wide[:3]}"


@pytest.mark.parametrize("columns", [80, 120])
def test_show_at_80_columns_and_up_prints_every_number_whole(columns: int) -> None:
    module = Store(DATA).load_module("m01").normalized()
    text = in_terminal(columns, "show", "m01", "--data-dir", str(DATA))
    assert_fits(text, columns)
    rubrics = module.rubric_names()
    for e in module.experiments:
        # A folded table repeats the id on every part: the id's lines hold all of its numbers, each whole.
        tokens = [t for line in text.splitlines() if line.split()[:1] == [e.id] for t in line.split()[1:]]
        m = e.metrics
        expected = [str(m.total), str(m.passed), str(m.fail), str(m.error), f"{m.pass_rate:.1f}"]
        expected += [f"{r.rate:.1f}" for name in rubrics if (r := e.rubrics.get(name)) and r.rate is not None]
        for value in expected:
            assert value in tokens, f"{e.id}: {value} not printed whole at {columns} columns"
        assert f"{e.timestamp:%Y-%m-%d}" in tokens
    for rubric in rubrics:
        assert rubric in text


@pytest.mark.parametrize("columns", [80, 120])
def test_diff_at_80_columns_and_up_prints_every_number_whole(columns: int) -> None:
    module = Store(DATA).load_module("m01")
    comparison = compare(module, *find_pair(module, "v4", "v5"))
    text = in_terminal(columns, "diff", "m01", "v4", "v5", "--data-dir", str(DATA))
    assert_fits(text, columns)
    for row in comparison.rows:
        texts = row_texts(row)
        lines = [line for line in text.splitlines() if line.startswith(texts["metric"] + " ")]
        joined = " ".join(lines)
        for key in ("a", "b", "delta", "interval", "p", "verdict"):
            assert texts[key] in joined, f"{texts['metric']}: {texts[key]!r} not printed whole"


def test_piped_output_is_plain_and_whole() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sheets_sync", "show", "m01", "--data-dir", str(DATA)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != "COLUMNS"},
    )
    assert "\x1b[" not in result.stdout
    assert "\u2500" not in result.stdout and "\u2026" not in result.stdout  # no box drawing, nothing cut
    assert "experiments (1/2)" not in result.stdout  # unlimited width: one table, nothing folded


def test_a_narrow_output_stacks_rows_and_keeps_every_value(tmp_path: Path) -> None:
    result = CliRunner(env={"COLUMNS": "40"}).invoke(main, ["show", "m02", "--data-dir", str(DATA)])
    assert result.exit_code == 0, result.output
    assert "\u2026" not in result.output
    module = Store(DATA).load_module("m02")
    words = result.output.split()
    for s in module.suggestions:
        assert s.id in words
        for word in (s.issue + " " + s.suggestion).split():
            assert word in words, f"{s.id}: {word!r} was cut"
    for e in module.experiments:
        assert f"{e.metrics.pass_rate:.1f}" in words


def test_push_pull_and_status_json_over_http(tmp_path: Path) -> None:
    from sheets_emulator import Emulator, serve_http

    emulator = Emulator()
    emulator.create_spreadsheet("json-sheet", title="Evals")
    server = serve_http(emulator)
    try:
        data = tmp_path / "data"
        run_json(
            "import",
            "--json",
            "--data-dir",
            str(data),
            str(DATA / "judge_results" / "m02_v1_gpt-4o_20260112.json"),
        )
        base = ["--spreadsheet", "json-sheet", "--endpoint", server.url, "--data-dir", str(data), "--json"]
        pushed = run_json("push", *base)
        assert isinstance(pushed, dict) and pushed["applied"] is True and pushed["plan"]["cells"] > 0
        status = run_json("status", *base)
        assert isinstance(status, dict) and status["push"]["write_requests_needed"] is False
        pulled = run_json("pull", *base)
        assert isinstance(pulled, dict) and pulled["saved_modules"] == []
    finally:
        server.close()


def test_import_at_80_columns_stacks_each_line_instead_of_cutting(tmp_path: Path) -> None:
    text = in_terminal(80, "import", "--data-dir", str(tmp_path / "data"), "data/judge_results")
    assert_fits(text, 80)
    results = run_json("import", "--json", "--data-dir", str(tmp_path / "again"), str(DATA / "judge_results"))
    assert isinstance(results, dict)
    for run in results["runs"]:
        assert run["experiment_id"] in text.split()
        assert Path(run["path"]).name in text
        assert f"pass {run['pass_rate']:.1f}%" in text

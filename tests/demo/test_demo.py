"""`sheets-sync demo`, the README's main-job command: the whole loop on the sample data, against the emulator."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len
from rich.console import Console

from sheets_sync.cli import main
from sheets_sync.demo import DemoReport, prepare_workdir, run_demo

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data"
HEADINGS = (
    "1. start a Google Sheets API emulator",
    "2. import the sample judge results",
    "3. push:",
    "4. a PM edits tab m01",
    "5. pull:",
    "6. the workbook after the pull",
    "7. what the pull changed in",
    "8. build the dashboards",
)

DemoRun = tuple[subprocess.CompletedProcess[str], Path, dict[str, str]]


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """`sheets-sync demo` as a new user runs it: from the repository root, no options but a scratch
    --workdir (so the test leaves the clone alone), no sheets-sync settings, output on an 80-column screen."""
    workdir = tmp_path_factory.mktemp("demo") / "out"
    before = tree_digest(SAMPLE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETS_SYNC_")}
    result = subprocess.run(
        [sys.executable, "-m", "sheets_sync", "demo", "--workdir", str(workdir)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**env, "COLUMNS": "80"},
    )
    return result, workdir, before


@pytest.fixture(scope="module")
def wide_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoReport, str]:
    """The demo in-process, printed 160 columns wide, with its report to check the printed figures against."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=160, highlight=False)
    report = run_demo(SAMPLE, tmp_path_factory.mktemp("wide") / "out", console)
    return report, buffer.getvalue()


def test_demo_runs_every_step_in_order(demo_run: DemoRun) -> None:
    result, workdir, _ = demo_run
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    positions = [result.stdout.find(heading) for heading in HEADINGS]
    assert -1 not in positions, [h for h, p in zip(HEADINGS, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    assert "0 new, 0 updated, 55 unchanged" in result.stdout
    index_html = workdir / "site" / "index.html"
    assert index_html.is_file()
    assert f"Open the dashboards: {index_html.resolve().as_uri()}" in result.stdout


def test_demo_says_where_the_data_is_and_that_the_original_is_unchanged(demo_run: DemoRun) -> None:
    result, workdir, before = demo_run
    assert "sample data:  data/ (only read" in result.stdout
    assert "Your sample data in data/ is unchanged." in result.stdout
    assert f"pulled in: {workdir / 'data'}/" in result.stdout
    assert tree_digest(SAMPLE) == before


def test_demo_pm_edits_reach_the_module_file(demo_run: DemoRun) -> None:
    result, workdir, _ = demo_run
    original = json.loads((SAMPLE / "modules" / "m01.json").read_text())
    pulled = json.loads((workdir / "data" / "modules" / "m01.json").read_text())
    old = {s["id"]: s for s in original["suggestions"]}
    new = {s["id"]: s for s in pulled["suggestions"]}
    changed = {(sid, f) for sid in old for f in old[sid] if old[sid][f] != new[sid][f]}
    assert {field for _, field in changed} == {"priority", "status"}
    for sid, name in changed:
        assert f"m01.json  {sid}  {name}: {json.dumps(old[sid][name])} -> {json.dumps(new[sid][name])}" in (
            result.stdout
        )
    (new_id,) = set(new) - set(old)
    assert new[new_id]["issue"] == "Brand names in ALL CAPS are missed"
    assert f"m01.json  {new_id}  new suggestion: " in result.stdout


def test_demo_changes_only_the_module_the_pm_edited(demo_run: DemoRun) -> None:
    _, workdir, _ = demo_run
    sample, copy = tree_digest(SAMPLE / "modules"), tree_digest(workdir / "data" / "modules")
    assert sorted(name for name in sample if sample[name] != copy.get(name)) == ["m01.json"]


def test_the_new_suggestions_id_is_written_back_to_the_sheet(demo_run: DemoRun) -> None:
    """The workbook tables are read from the emulator after the pull: the new row shows the id the pull gave it."""
    result, workdir, _ = demo_run
    pulled = json.loads((workdir / "data" / "modules" / "m01.json").read_text())
    new_id = pulled["suggestions"][-1]["id"]
    workbook = result.stdout.split("6. the workbook after the pull")[1].split("7. what the pull changed")[0]
    assert re.search(
        rf"^{re.escape(new_id)} +v\d+ +medium +proposed +Brand names in ALL CAPS", workbook, re.MULTILINE
    )


def test_tables_fit_80_columns_without_cutting_numbers(
    demo_run: DemoRun, wide_run: tuple[DemoReport, str]
) -> None:
    result, _, _ = demo_run
    tables = result.stdout.split("6. the workbook after the pull")[1].split("7. what the pull changed")[0]
    too_wide = [line for line in tables.splitlines() if cell_len(line) > 80]
    assert too_wide == []
    assert not re.search(r"\d…|%…", result.stdout)  # a percentage or count cut short
    # Every pass rate of the Heatmap block is there, as in the 160-column print.
    narrow, wide = _heatmap_rates(result.stdout), _heatmap_rates(wide_run[1])
    assert len(wide) >= 6 and narrow == wide


def test_tables_show_whole_labels_at_160_columns(wide_run: tuple[DemoReport, str]) -> None:
    _, printed = wide_run
    assert "ExtractOwnBrandEntitiesMultilingual" in printed
    assert "m01_v1_gpt4omini_20260120" in printed
    assert "…" not in printed
    assert max(cell_len(line) for line in printed.splitlines()) <= 160


def test_request_counts_printed_are_the_emulators(wide_run: tuple[DemoReport, str]) -> None:
    report, printed = wide_run
    for name, counts in (("push", report.push_requests), ("pull", report.pull_requests)):
        assert counts["reads"] >= 1 and counts["writes"] >= 1, (name, counts)
        reads, writes = counts["reads"], counts["writes"]
        expected = (
            f"{reads + writes} ({reads} read{'s' * (reads != 1)} + {writes} write{'s' * (writes != 1)})"
        )
        assert f"API requests: {expected}" in printed.split(f"{name}:", 1)[1]


def test_a_second_run_starts_from_a_fresh_copy(tmp_path: Path) -> None:
    workdir = tmp_path / "out"
    module = prepare_workdir(SAMPLE, workdir) / "modules" / "m01.json"
    module.write_text("edited by the previous run")
    prepare_workdir(SAMPLE, workdir)
    assert module.read_bytes() == (SAMPLE / "modules" / "m01.json").read_bytes()


def test_demo_refuses_to_wipe_a_directory_it_did_not_make(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["demo", "--data-dir", str(SAMPLE), "--workdir", str(precious)])
    assert result.exit_code == 1
    assert "was not made by the demo" in result.output
    assert (precious / "notes.txt").read_text() == "keep me"


def test_demo_without_sample_data_says_where_to_run_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--data-dir", str(tmp_path), "--workdir", str(tmp_path / "w")])
    assert result.exit_code == 1
    assert "no sample data here" in result.output
    assert "Traceback" not in result.output


def _heatmap_rates(printed: str) -> list[str]:
    """The percentages of the Heatmap table, in print order."""
    block = printed.split("Heatmap tab:")[1].split("m01 tab:")[0]
    return re.findall(r"\d+\.\d%", block)

"""`sheets-sync demo`, the README's main-job command: the whole loop on the sample data, against the emulator."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data"


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture(scope="module")
def demo_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path, dict[str, str]]:
    workdir = tmp_path_factory.mktemp("demo") / "out"
    before = tree_digest(SAMPLE)
    result = subprocess.run(
        [sys.executable, "-m", "sheets_sync", "demo", "--data-dir", str(SAMPLE), "--workdir", str(workdir)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=workdir.parent,
    )
    return result, workdir, before


def test_demo_runs_the_whole_loop(
    demo_run: tuple[subprocess.CompletedProcess[str], Path, dict[str, str]],
) -> None:
    result, workdir, _ = demo_run
    assert result.returncode == 0, result.stderr
    for step in (
        "emulator",
        "import",
        "push",
        "a PM edits the sheet",
        "pull",
        "what reached data/modules/",
        "dashboards",
    ):
        assert step in result.stdout
    assert "55 unchanged" in result.stdout
    assert (workdir / "site" / "index.html").is_file()
    assert str(workdir / "site" / "index.html") in result.stdout


def test_demo_pm_edits_reach_the_module_file(
    demo_run: tuple[subprocess.CompletedProcess[str], Path, dict[str, str]],
) -> None:
    result, workdir, _ = demo_run
    original = json.loads((SAMPLE / "modules" / "m01.json").read_text())
    pulled = json.loads((workdir / "data" / "modules" / "m01.json").read_text())
    old = {s["id"]: s for s in original["suggestions"]}
    new = {s["id"]: s for s in pulled["suggestions"]}
    changed = {(sid, f) for sid in old for f in old[sid] if old[sid][f] != new[sid][f]}
    assert {field for _, field in changed} == {"priority", "status"}
    added = set(new) - set(old)
    assert len(added) == 1
    (new_id,) = added
    assert new[new_id]["issue"] == "Brand names in ALL CAPS are missed"
    assert f"new suggestion {new_id}" in result.stdout
    assert "Traceback" not in result.stderr


def test_demo_leaves_the_sample_data_alone(
    demo_run: tuple[subprocess.CompletedProcess[str], Path, dict[str, str]],
) -> None:
    _, _, before = demo_run
    assert tree_digest(SAMPLE) == before


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

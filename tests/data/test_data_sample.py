"""The bundled sample data: what the script makes, what importing reproduces, what it demonstrates."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from data_helpers import REPO, SAMPLE_DATA, copy_sample_data
from data_snapshot import snapshot

from sheets_sync.importers import ImportStatus, import_paths
from sheets_sync.index_file import write_index
from sheets_sync.store import Store


def test_reimporting_the_sample_judge_files_changes_no_byte(tmp_path: Path) -> None:
    data = copy_sample_data(tmp_path / "data")
    before = snapshot(data)
    store = Store(data)
    results = import_paths(store, [data / "judge_results"])
    with store.lock():
        write_index(store)
    assert {r.status for r in results} == {ImportStatus.UNCHANGED}
    assert snapshot(data) == before


def test_a_fresh_import_reproduces_the_committed_index(tmp_path: Path) -> None:
    """The index holds nothing a team adds by hand, so importing the judge files alone gives the committed one."""
    store = Store(tmp_path / "fresh")
    results = import_paths(store, [SAMPLE_DATA / "judge_results"])
    assert len(results) == len(list((SAMPLE_DATA / "judge_results").glob("*.json")))
    assert store.index_path.read_bytes() == (SAMPLE_DATA / "heatmap_index.json").read_bytes()
    for path in (SAMPLE_DATA / "modules").glob("*.json"):
        committed, fresh = json.loads(path.read_text()), json.loads(store.module_path(path.stem).read_text())
        assert fresh["experiments"] == committed["experiments"]


def test_the_script_reproduces_the_committed_data(tmp_path: Path) -> None:
    script = REPO / "scripts" / "make_sample_data.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path / "data")], check=True)
    committed = {k: v for k, v in snapshot(SAMPLE_DATA).items() if not k.startswith(".sync/")}
    assert snapshot(tmp_path / "data") == committed


def test_the_sample_data_covers_what_the_team_described() -> None:
    modules = {p.stem: json.loads(p.read_text()) for p in (SAMPLE_DATA / "modules").glob("*.json")}
    assert len(modules) >= 6 and {"m01", "m01a"} <= set(modules)
    m01 = modules["m01"]["experiments"]
    assert {(e["prompt_version"], e["model"]) for e in m01} >= {
        (f"v{n}", model) for n in range(1, 6) for model in ("gpt-4o-mini", "gpt-4o", "gpt-5")
    }
    assert {e["dataset_version"] for e in m01} == {"v1", "v2"}
    assert {e["prompt_version"] for e in modules["m01a"]["experiments"]} == {"v1", "v2"}
    runs = Counter(
        (m, e["prompt_version"], e["model"], e["dataset_version"])
        for m, d in modules.items()
        for e in d["experiments"]
    )
    assert any(n > 1 for n in runs.values()), "no re-runs"
    everything = [e for d in modules.values() for e in d["experiments"]]
    assert all(e["metrics"]["total"] == 50 for e in everything)
    assert sum(e["metrics"]["error"] for e in everything) > 0
    assert any(r["total"] < 50 - e["metrics"]["error"] for e in everything for r in e["rubrics"].values()), (
        "no nulls"
    )
    for module in modules.values():
        assert module["description"] and len(module["suggestions"]) >= 2
        assert all(3 <= len(e["rubrics"]) <= 4 for e in module["experiments"])
    for path in (SAMPLE_DATA / "judge_results").glob("*.json"):
        results = json.loads(path.read_text())["results"]
        assert len({r["sample_id"] for r in results}) == len(results) == 50, path.name
    statuses = {s["status"] for d in modules.values() for s in d["suggestions"]}
    assert statuses == {"proposed", "in_progress", "applied", "rejected"}
    worked_example = next(e for e in m01 if e["id"] == "m01_v1_gpt4omini_20260120")
    assert (worked_example["metrics"]["pass_rate"], worked_example["metrics"]["match_rate"]) == (30.0, 10.0)

"""Judge-result import: aggregation, ids, idempotency, updates, batches."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import Result
from data_helpers import DROP, copy_sample_data, judge_doc, make_results, write_judge
from data_snapshot import snapshot

from sheets_sync.errors import ImportFileError
from sheets_sync.importers import ImportStatus, import_paths
from sheets_sync.importers.base import ModuleLookup, ParsedRun
from sheets_sync.importers.judge import JudgeImporter
from sheets_sync.store import Store

CLI = Callable[..., Result]


def module_file(data_dir: Path, module_id: str = "m01") -> dict:
    return json.loads((data_dir / "modules" / f"{module_id}.json").read_text())


def test_acceptance_example(cli: CLI, data_dir: Path, inbox: Path) -> None:
    path = write_judge(inbox, judge_doc())
    result = cli("import", "--data-dir", data_dir, path)
    assert result.exit_code == 0, result.stderr
    assert "m01_v1_gpt4omini_20260120" in result.stdout and "new" in result.stdout
    [experiment] = module_file(data_dir)["experiments"]
    assert experiment["id"] == "m01_v1_gpt4omini_20260120"
    assert experiment["metrics"] == {
        "pass_rate": 30.0, "match_rate": 10.0, "total": 50, "pass": 15, "fail": 35, "error": 0,
    }  # fmt: skip
    assert {name: r["rate"] for name, r in experiment["rubrics"].items()} == {
        "M01_brand_extracted": 10.0, "M01_lowercase_included": 80.0, "M01_typos_realistic": 70.0,
    }  # fmt: skip
    assert experiment["source"] == {
        "file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "format": "judge",
    }  # fmt: skip
    cell = json.loads((data_dir / "heatmap_index.json").read_text())["modules"]["m01"]["versions"]["v1"]
    assert cell["by_model"]["gpt-4o-mini"]["pass_rate"] == 30.0
    assert cell["by_model"]["gpt-4o-mini"]["match_rate"] == 10.0
    assert cell["best"] == {
        "pass_rate": 30.0, "match_rate": 10.0, "model": "gpt-4o-mini", "experiment_id": "m01_v1_gpt4omini_20260120",
    }  # fmt: skip


def test_importing_twice_changes_no_byte(cli: CLI, data_dir: Path, inbox: Path) -> None:
    write_judge(inbox, judge_doc())
    write_judge(inbox, judge_doc(model="gpt-5", results=make_results(passed=20, errors=3)))
    assert cli("import", "--data-dir", data_dir, inbox).exit_code == 0
    before = snapshot(data_dir)
    again = cli("import", "--data-dir", data_dir, inbox)
    assert again.exit_code == 0
    lines = again.stdout.splitlines()
    assert [line.split()[0] for line in lines[:2]] == ["unchanged", "unchanged"]
    assert "0 new, 0 updated, 2 unchanged" in lines[2]
    assert snapshot(data_dir) == before


@contextmanager
def pipe_carrying(content: bytes) -> Iterator[Path]:
    """``/dev/fd/N`` of a pipe fed by a thread: what ``sheets-sync import <(cat run.json)`` is given."""
    read_end, write_end = os.pipe()

    def feed() -> None:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(content)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        yield Path(f"/dev/fd/{read_end}")
    finally:
        writer.join(5)
        os.close(read_end)


def test_a_pipe_is_recorded_as_a_pipe_and_the_same_bytes_are_unchanged(
    cli: CLI, data_dir: Path, inbox: Path
) -> None:
    path = write_judge(inbox, judge_doc())
    import_paths(Store(data_dir), [path])
    before = snapshot(data_dir)
    with pipe_carrying(path.read_bytes()) as pipe:
        again = cli("import", "--data-dir", data_dir, pipe)
    assert again.exit_code == 0, again.stderr
    assert "0 new, 0 updated, 1 unchanged" in again.stdout
    assert snapshot(data_dir) == before  # the file name recorded at first stays
    with pipe_carrying(json.dumps(judge_doc(judge_model="gpt-5")).encode()) as pipe:
        [changed] = import_paths(Store(data_dir), [pipe])
    assert changed.status is ImportStatus.UPDATED
    assert module_file(data_dir)["experiments"][0]["source"]["file"] == "<pipe>"  # not "63" of /dev/fd/63


def test_changed_content_is_an_update_keeping_the_id(data_dir: Path, inbox: Path) -> None:
    store = Store(data_dir)
    path = write_judge(inbox, judge_doc())
    [first] = import_paths(store, [path])
    write_judge(inbox, judge_doc(results=make_results(passed=16)), name=path.name)
    [second] = import_paths(store, [path])
    assert (first.status, second.status) == (ImportStatus.NEW, ImportStatus.UPDATED)
    assert second.experiment_id == first.experiment_id
    [experiment] = module_file(data_dir)["experiments"]
    assert experiment["metrics"]["pass"] == 16
    assert experiment["metrics"]["pass_rate"] == 32.0


def test_id_collisions_append_time_then_sha(data_dir: Path, inbox: Path) -> None:
    store = Store(data_dir)
    morning = write_judge(inbox, judge_doc(timestamp="2026-01-20T09:00:00"), name="m01_v1_a.json")
    noon = write_judge(inbox, judge_doc(timestamp="2026-01-20T12:30:05"), name="m01_v1_b.json")
    other_dataset = write_judge(
        inbox, judge_doc(timestamp="2026-01-20T12:30:05", dataset_version="v2"), name="m01_v1_c.json"
    )
    results = import_paths(store, [inbox])
    sha = hashlib.sha256(other_dataset.read_bytes()).hexdigest()[:6]
    assert [r.experiment_id for r in results] == [
        "m01_v1_gpt4omini_20260120",
        "m01_v1_gpt4omini_20260120_123005",
        f"m01_v1_gpt4omini_20260120_123005_{sha}",
    ]
    assert [r.path for r in results] == [morning, noon, other_dataset]
    # once written, an id never changes: updating the noon run keeps its suffixed id
    write_judge(
        inbox, judge_doc(timestamp="2026-01-20T12:30:05", results=make_results(passed=1)), name=noon.name
    )
    [updated] = import_paths(store, [noon])
    assert (updated.status, updated.experiment_id) == (
        ImportStatus.UPDATED,
        "m01_v1_gpt4omini_20260120_123005",
    )


def test_identity_may_come_from_the_file_name(data_dir: Path, inbox: Path) -> None:
    path = write_judge(
        inbox, judge_doc(module_id=DROP, prompt_version=DROP), name="m01_v5_judge_20260120.json"
    )
    [result] = import_paths(Store(data_dir), [path])
    assert (result.module_id, result.experiment_id) == ("m01", "m01_v5_gpt4omini_20260120")


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [("prompt_version", "v4", "'v5'"), ("module_id", "m02", "'m01'")],
)
def test_file_name_and_fields_must_agree(
    data_dir: Path, inbox: Path, field: str, value: str, says: str
) -> None:
    doc = judge_doc(**{"prompt_version": "v5", field: value})
    path = write_judge(inbox, doc, name="m01_v5_gpt-4o-mini_20260120.json")
    with pytest.raises(ImportFileError) as caught:
        import_paths(Store(data_dir), [path])
    assert caught.value.path == path and caught.value.json_path == field
    assert f"{value!r} disagrees with the file name, which says {says}" in str(caught.value)
    assert snapshot(data_dir) == {}


def test_unknown_module_needs_a_name(data_dir: Path, inbox: Path) -> None:
    path = write_judge(inbox, judge_doc(module_id="m07", module_name=DROP), name="results.json")
    with pytest.raises(ImportFileError, match=r"results\.json: module_name: module 'm07' does not exist yet"):
        import_paths(Store(data_dir), [path])


def test_a_module_created_earlier_in_the_batch_is_known_later(data_dir: Path, inbox: Path) -> None:
    write_judge(inbox, judge_doc(module_id="m09"), name="a.json")
    write_judge(inbox, judge_doc(module_id="m09", module_name=DROP, prompt_version="v2"), name="b.json")
    results = import_paths(Store(data_dir), [inbox])
    assert [(r.module_id, r.module_created) for r in results] == [("m09", True), ("m09", False)]
    assert len(module_file(data_dir, "m09")["experiments"]) == 2


def test_module_name_must_match_an_existing_module(data_dir: Path, inbox: Path) -> None:
    import_paths(Store(data_dir), [write_judge(inbox, judge_doc())])
    path = write_judge(inbox, judge_doc(module_name="SomethingElse", prompt_version="v2"), name="x.json")
    with pytest.raises(ImportFileError, match="module_name: 'SomethingElse' is not the name of module m01"):
        import_paths(Store(data_dir), [path])


def test_batch_is_all_or_nothing(cli: CLI, data_dir: Path, inbox: Path) -> None:
    import_paths(Store(data_dir), [write_judge(inbox / "old", judge_doc())])
    before = snapshot(data_dir)
    write_judge(inbox / "new", judge_doc(prompt_version="v2"), name="m01_v2_a.json")
    write_judge(inbox / "new", judge_doc(module_id="m02", module_name="Other"), name="m02_v1_b.json")
    bad = write_judge(inbox / "new", judge_doc(prompt_version="v3", results=[]), name="m01_v3_c.json")
    result = cli("import", "--data-dir", data_dir, inbox / "new")
    assert result.exit_code == 1
    assert result.stderr == f"error: {bad}: results: is empty: a judge file needs at least one sample\n"
    assert snapshot(data_dir) == before


def test_folder_files_are_applied_sorted_by_path(data_dir: Path, inbox: Path) -> None:
    write_judge(inbox / "b", judge_doc(prompt_version="v2"), name="m01_v2_x.json")
    write_judge(inbox / "a", judge_doc(prompt_version="v10"), name="m01_v10_x.json")
    write_judge(inbox / "a", judge_doc(prompt_version="v1"), name="m01_v1_x.json")
    results = import_paths(Store(data_dir), [inbox])
    assert [r.path.relative_to(inbox).as_posix() for r in results] == [
        "a/m01_v10_x.json",
        "a/m01_v1_x.json",
        "b/m01_v2_x.json",
    ]
    versions = [e["prompt_version"] for e in module_file(data_dir)["experiments"]]
    assert versions == ["v1", "v2", "v10"]  # the file itself is in natural order


def test_verdicts_rubric_values_and_unjudged_samples(data_dir: Path, inbox: Path) -> None:
    results = [
        {"sample_id": "a", "rubrics": {"R1": True, "R2": "pass"}},  # no verdict: every judged rubric passed
        {"sample_id": "b", "rubrics": {"R1": True, "R2": None}},  # R2 not judged: passes on R1 alone
        {"sample_id": "c", "rubrics": {"R1": "FAIL", "R2": True}},  # derived fail
        {"sample_id": 4, "verdict": True, "rubrics": {"R1": False}},  # explicit verdict wins; numeric id
        {"sample_id": "e", "verdict": "Error", "error": "judge timeout"},
        {"sample_id": "f", "verdict": False, "rubrics": {"R3": None}},  # a rubric nobody judged
    ]
    doc = judge_doc(primary_rubric="R2", results=results)
    import_paths(Store(data_dir), [write_judge(inbox, doc)])
    [experiment] = module_file(data_dir)["experiments"]
    assert experiment["metrics"] == {
        "pass_rate": 50.0, "match_rate": 100.0, "total": 6, "pass": 3, "fail": 2, "error": 1,
    }  # fmt: skip
    assert experiment["rubrics"] == {
        "R1": {"pass": 2, "total": 4, "rate": 50.0},
        "R2": {"pass": 2, "total": 2, "rate": 100.0},
        "R3": {"pass": 0, "total": 0, "rate": None},
    }


def test_a_sample_with_an_error_and_no_verdict_is_an_error(data_dir: Path, inbox: Path) -> None:
    results = [
        {"sample_id": "a", "verdict": "pass", "rubrics": {"R1": True}},
        {
            "sample_id": "b",
            "error": "judge timeout after 60s",
        },  # what runners write when the judge call fails
        {"sample_id": "c", "error": "judge returned invalid JSON", "rubrics": {"R1": None}},
    ]
    import_paths(Store(data_dir), [write_judge(inbox, judge_doc(primary_rubric="R1", results=results))])
    [experiment] = module_file(data_dir)["experiments"]
    assert experiment["metrics"] == {
        "pass_rate": 33.3, "match_rate": 100.0, "total": 3, "pass": 1, "fail": 0, "error": 2,
    }  # fmt: skip
    assert experiment["rubrics"] == {"R1": {"pass": 1, "total": 1, "rate": 100.0}}


def test_primary_rubric_falls_back_to_the_module(data_dir: Path, inbox: Path) -> None:
    store = Store(data_dir)
    import_paths(store, [write_judge(inbox, judge_doc())])
    [result] = import_paths(store, [write_judge(inbox, judge_doc(prompt_version="v2", primary_rubric=DROP))])
    assert result.match_rate == 10.0


def test_timezone_is_kept_and_the_id_uses_the_own_date(data_dir: Path, inbox: Path) -> None:
    doc = judge_doc(timestamp="2026-01-20T23:30:00-08:00")
    [result] = import_paths(Store(data_dir), [write_judge(inbox, doc)])
    assert result.experiment_id == "m01_v1_gpt4omini_20260120"
    assert module_file(data_dir)["experiments"][0]["timestamp"] == "2026-01-20T23:30:00-08:00"


def test_aggregate_form_is_checked_and_imported(data_dir: Path, inbox: Path) -> None:
    doc = judge_doc(
        results=DROP,
        metrics={"total": 50, "pass": 15, "fail": 34, "error": 1, "pass_rate": 30.0, "match_rate": 10.0},
        rubrics={
            "M01_brand_extracted": {"pass": 5, "total": 50},
            "M01_typos_realistic": {"pass": 35, "total": 49},
        },
    )
    [result] = import_paths(Store(data_dir), [write_judge(inbox, doc)])
    assert (result.pass_rate, result.match_rate) == (30.0, 10.0)
    [experiment] = module_file(data_dir)["experiments"]
    assert experiment["rubrics"]["M01_typos_realistic"]["rate"] == 71.4
    assert experiment["source"]["format"] == "judge-aggregate"


def test_aggregate_match_rate_must_match_the_primary_rubric(data_dir: Path, inbox: Path) -> None:
    doc = judge_doc(
        results=DROP,
        metrics={"total": 50, "pass": 15, "fail": 35, "match_rate": 12.0},
        rubrics={"M01_brand_extracted": {"pass": 5, "total": 50}},
    )
    path = write_judge(inbox, doc)
    with pytest.raises(ImportFileError) as caught:
        import_paths(Store(data_dir), [path])
    assert (caught.value.path, caught.value.json_path) == (path, "metrics.match_rate")
    assert "12.0 does not match 5/50 = 10.0" in str(caught.value)


def test_the_same_file_named_twice_is_imported_once(data_dir: Path, inbox: Path) -> None:
    path = write_judge(inbox, judge_doc())
    assert len(import_paths(Store(data_dir), [path, inbox, path])) == 1


def test_progress_is_reported_per_file(data_dir: Path, inbox: Path) -> None:
    for n in range(1, 4):
        write_judge(inbox, judge_doc(prompt_version=f"v{n}"))
    seen: list[tuple[int, int]] = []
    import_paths(Store(data_dir), [inbox], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


class MultiRunImporter:
    """A format holding several runs per file, like a promptfoo export (one run per provider): a small real
    importer, to show that a new format plugs into the batch import without touching it."""

    format = "multi-run"

    def accepts(self, data: bytes, path: Path) -> bool:
        return path.suffix == ".runs"

    def read(self, data: bytes, path: Path, lookup: ModuleLookup) -> list[ParsedRun]:
        runs = json.loads(data)["runs"]
        return [JudgeImporter().read_run(json.dumps(run).encode(), path, lookup) for run in runs]


def test_a_format_with_several_runs_per_file_plugs_in(cli: CLI, data_dir: Path, inbox: Path) -> None:
    both = {"runs": [judge_doc(model="gpt-4o"), judge_doc(model="gpt-5", results=make_results(passed=20))]}
    path = inbox / "export.runs"
    path.write_text(json.dumps(both))
    judge = write_judge(inbox, judge_doc(prompt_version="v2"))
    results = import_paths(Store(data_dir), [path, judge], importers=[MultiRunImporter(), JudgeImporter()])
    assert [(r.path, r.experiment_id, r.pass_rate) for r in results] == [
        (path, "m01_v1_gpt4o_20260120", 30.0),
        (path, "m01_v1_gpt5_20260120", 40.0),
        (judge, "m01_v2_gpt4omini_20260120", 30.0),
    ]
    assert [r.module_created for r in results] == [
        True,
        False,
        False,
    ]  # the 2nd run knows the module the 1st made
    assert len(module_file(data_dir)["experiments"]) == 3
    assert (
        import_paths(Store(data_dir), [path], importers=[MultiRunImporter()])[1].status
        is ImportStatus.UNCHANGED
    )


def test_a_file_no_importer_accepts_is_named(data_dir: Path, inbox: Path) -> None:
    path = write_judge(inbox, judge_doc())
    with pytest.raises(
        ImportFileError,
        match=r"m01_v1_gpt-4o-mini_20260120\.json: not a format sheets-sync imports \(multi-run\)",
    ):
        import_paths(Store(data_dir), [path], importers=[MultiRunImporter()])
    assert snapshot(data_dir) == {}


@pytest.mark.parametrize("absent", [DROP, None])
def test_dataset_version_defaults_to_v1(data_dir: Path, inbox: Path, absent: object) -> None:
    import_paths(Store(data_dir), [write_judge(inbox, judge_doc(dataset_version=absent))])
    assert module_file(data_dir)["experiments"][0]["dataset_version"] == "v1"


def test_a_new_module_id_that_looks_like_an_existing_one_stops_the_import(tmp_path: Path) -> None:
    """`M01` or `m1` next to `m01` is a typo that would create a second module; `m01a` is another module."""
    from click.testing import CliRunner

    from sheets_sync.cli import main

    data = copy_sample_data(tmp_path / "data")
    before = snapshot(data)
    source = data / "judge_results" / "m01_v1_gpt-5_20260120.json"
    for typo in ("M01", "m1", "m001"):
        raw = json.loads(source.read_text())
        raw["module_id"] = typo
        raw["module_name"] = "typo"
        path = tmp_path / "inbox" / f"{typo}_v1_gpt-5_20260120.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(raw))
        result = CliRunner().invoke(main, ["import", "--data-dir", str(data), str(path)])
        assert result.exit_code == 1
        assert result.stderr == (
            f"error: {path}: module_id: module {typo!r} does not exist, but 'm01' does: a typo? Fix the file, "
            "or give --new-module to create it anyway\n"
        )
        assert snapshot(data) == before
        dry = CliRunner().invoke(
            main, ["import", "--data-dir", str(data), "--new-module", "--dry-run", str(path)]
        )
        assert dry.exit_code == 0 and "dry run, nothing written" in dry.stdout and "new" in dry.stdout
        assert snapshot(data) == before
    created = CliRunner().invoke(main, ["import", "--data-dir", str(data), "--new-module", str(path)])
    assert created.exit_code == 0, created.stderr
    assert (data / "modules" / "m001.json").exists()


def test_id_key_tells_typos_from_other_modules() -> None:
    from sheets_sync.importers import id_key, id_lookalike

    assert id_key("M01") == id_key("m1") == id_key("m01") == "m1"
    assert id_key("m01a") == "m1a" != id_key("m01")
    assert id_lookalike("m01a", ["m01"]) is None
    assert id_lookalike("M02", ["m01", "m02"]) == "m02"


def test_a_dry_run_into_a_new_data_directory_creates_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sheets_sync.cli import main

    source = copy_sample_data(tmp_path / "sample") / "judge_results"
    result = CliRunner().invoke(
        main, ["import", "--dry-run", "--data-dir", str(tmp_path / "new"), str(source)]
    )
    assert result.exit_code == 0, result.stderr
    assert "dry run, nothing written: 55 file(s): 55 new" in result.stdout
    assert not (tmp_path / "new").exists()

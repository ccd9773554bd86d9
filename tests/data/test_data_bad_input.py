"""Every kind of bad judge file: one line naming the file and the field, exit 1, and not one byte written."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from data_helpers import DROP, judge_doc, make_results, snapshot, write_judge

from sheets_sync.errors import ImportFileError
from sheets_sync.importers import import_paths
from sheets_sync.store import Store

CLI = Callable[..., Result]
NAME = "m01_v2_gpt-4o-mini_20260121.json"


def results_with(index: int, **changes: Any) -> list[dict[str, Any]]:
    results = make_results()
    results[index] = {**results[index], **changes}
    return results


def duplicate_ids() -> list[dict[str, Any]]:
    results = make_results()
    results[7]["sample_id"] = results[3]["sample_id"]
    return results


BAD_INPUTS: dict[str, tuple[bytes | dict[str, Any], str | None, str]] = {
    # case: (file content, JSON path the message names, words it says)
    "not JSON": (b'{"module_id": "m01",', None, "invalid JSON"),
    "not UTF-8": (b'{"model": "\xff"}', None, "invalid JSON"),
    "a JSON list": (b"[1, 2]", None, "must be a JSON object"),
    "missing model": (judge_doc(model=DROP), "model", "required field is missing"),
    "missing timestamp": (judge_doc(timestamp=DROP), "timestamp", "required field is missing"),
    "missing results": (judge_doc(results=DROP), "results", "required field is missing"),
    "unknown verdict": (judge_doc(results=results_with(2, verdict="maybe")), "results[2].verdict", "unknown verdict 'maybe'"),
    "duplicate sample ids": (judge_doc(results=duplicate_ids()), "results[7].sample_id", "duplicate sample id 's004'"),
    "empty results": (judge_doc(results=[]), "results", "is empty"),
    "rubric value a number": (
        judge_doc(results=results_with(0, rubrics={"M01_brand_extracted": 0.5})),
        "results[0].rubrics.M01_brand_extracted", 'must be true, false, "pass", "fail" or null',
    ),
    "rubric value a list": (
        judge_doc(results=results_with(1, rubrics={"M01_typos_realistic": [True]})),
        "results[1].rubrics.M01_typos_realistic", "got [True]",
    ),
    "rubrics not an object": (judge_doc(results=results_with(1, rubrics=["M01"])), "results[1].rubrics", "must be a JSON object"),
    "sample without verdict or rubric": (
        judge_doc(results=results_with(4, verdict=None, rubrics={})), "results[4].verdict", "required field is missing",
    ),
    "timestamp not ISO": (judge_doc(timestamp="20/01/2026"), "timestamp", "valid datetime"),
    "timestamp a number": (judge_doc(timestamp=1768869106), "timestamp", "ISO 8601"),
    "misspelt field": (judge_doc(dataset_verison="v2"), "dataset_verison", "unknown field"),
    "bad version": (judge_doc(prompt_version="v 2"), "prompt_version", "should match pattern"),
    "aggregate counts off": (
        judge_doc(results=DROP, metrics={"total": 50, "pass": 15, "fail": 30}), "metrics.pass", "not total 50",
    ),
    "results and aggregates": (judge_doc(metrics={"total": 50, "pass": 15, "fail": 35}), "metrics", "not both"),
    "name disagrees with field": (judge_doc(prompt_version="v3"), "prompt_version", "disagrees with the file name"),
    "model without letters": (judge_doc(model="--"), "model", "needs at least one letter or digit"),
}  # fmt: skip


@pytest.fixture
def populated(data_dir: Path, inbox: Path) -> Path:
    """A data directory that already holds a module, so 'unchanged' means something."""
    import_paths(Store(data_dir), [write_judge(inbox / "earlier", judge_doc())])
    return data_dir


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_names_file_and_field_and_writes_nothing(
    cli: CLI, populated: Path, inbox: Path, case: str
) -> None:
    content, json_path, words = BAD_INPUTS[case]
    path = write_judge(inbox, content if isinstance(content, bytes) else _dumps(content), name=NAME)
    before = snapshot(populated)
    result = cli("import", "--data-dir", populated, path)
    assert result.exit_code == 1
    expected_start = f"error: {path}: {json_path}: " if json_path else f"error: {path}: "
    assert result.stderr.startswith(expected_start), result.stderr
    assert words in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert snapshot(populated) == before


def _dumps(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc).encode()


def test_a_file_over_the_size_limit_is_refused_before_reading(cli: CLI, populated: Path, inbox: Path) -> None:
    huge = inbox / NAME
    with huge.open("wb") as handle:  # sparse: 64 MiB + 1 byte of address space, no disk used
        handle.truncate(64 * 1024 * 1024 + 1)
    before = snapshot(populated)
    result = cli("import", "--data-dir", populated, huge)
    assert result.exit_code == 1
    assert result.stderr == f"error: {huge}: file is 67,108,865 bytes, more than the 67,108,864 allowed\n"
    assert snapshot(populated) == before


def test_size_limit_applies_before_parsing(populated: Path, inbox: Path) -> None:
    path = write_judge(inbox, b"not even json", name=NAME)
    with pytest.raises(ImportFileError, match="more than the 5 allowed"):
        import_paths(Store(populated), [path], max_bytes=5)


def test_missing_path_is_named(cli: CLI, populated: Path, tmp_path: Path) -> None:
    result = cli("import", "--data-dir", populated, tmp_path / "nowhere.json")
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'nowhere.json'}: no such file or folder\n"


def test_folder_without_json_files_is_an_error(cli: CLI, populated: Path, inbox: Path) -> None:
    (inbox / "empty").mkdir()
    (inbox / "empty" / "notes.txt").write_text("not a judge file")
    result = cli("import", "--data-dir", populated, inbox / "empty")
    assert result.exit_code == 1
    assert "no .json files in this folder" in result.stderr


def test_a_broken_module_file_stops_the_import_before_any_write(
    cli: CLI, populated: Path, inbox: Path
) -> None:
    (populated / "modules" / "m02.json").write_text('{"module_id": "m02"}')
    before = snapshot(populated)
    result = cli("import", "--data-dir", populated, write_judge(inbox, judge_doc(prompt_version="v2")))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: {populated / 'modules' / 'm02.json'}: module_name: required field"
    )
    assert snapshot(populated) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_unreadable_file_is_named(cli: CLI, populated: Path, inbox: Path) -> None:
    path = write_judge(inbox, judge_doc(), name=NAME)
    path.chmod(0)
    result = cli("import", "--data-dir", populated, path)
    assert result.exit_code == 1 and f"{path}: cannot read" in result.stderr

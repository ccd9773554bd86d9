"""Every kind of bad judge file: one line naming the file and the field, exit 1, and not one byte written."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from data_helpers import DROP, SAMPLE_DATA, judge_doc, make_results, write_judge
from data_snapshot import snapshot

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
    "not UTF-8": (b'{"model": "\xff"}', None, "not UTF-8 text"),
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
    "empty file": (b"", None, "invalid JSON"),
    "results not a list": (judge_doc(results={"s001": "pass"}), "results", "must be a JSON array"),
    "sample without id": (judge_doc(results=results_with(6, sample_id=None)), "results[6].sample_id", "valid string"),
    "verdict a number": (judge_doc(results=results_with(3, verdict=1)), "results[3].verdict", "unknown verdict 1"),
    "empty rubric name": (
        judge_doc(results=results_with(0, rubrics={"": True})), "results[0].rubrics", "key '': must not be empty",
    ),
    "misspelt primary rubric": (
        judge_doc(primary_rubric="M01_brand"), "primary_rubric",
        "'M01_brand' is not a rubric of this file (rubrics: M01_brand_extracted, M01_lowercase_included,",
    ),
    "aggregate count as text": (
        judge_doc(results=DROP, metrics={"total": "50", "pass": 15, "fail": 35}), "metrics.total",
        "Input should be a valid integer, got '50'",
    ),
    "aggregate count a boolean": (
        judge_doc(results=DROP, metrics={"total": 1, "pass": True, "fail": 0}), "metrics.pass", "got True",
    ),
    "aggregate rate off": (
        judge_doc(results=DROP, metrics={"total": 50, "pass": 15, "fail": 35, "pass_rate": 31.0}),
        "metrics.pass_rate", "31.0 does not match 15/50 = 30.0",
    ),
    "aggregate rubric judged on more samples than the run": (
        judge_doc(results=DROP, metrics={"total": 50, "pass": 15, "fail": 35},
                  rubrics={"M01_brand_extracted": {"pass": 5, "total": 60}}),
        "rubrics.M01_brand_extracted.total", "60 is more than the run's total of 50 samples",
    ),
    "aggregate without samples": (
        judge_doc(results=DROP, metrics={"total": 0, "pass": 0, "fail": 0}), "metrics.total", "is 0",
    ),
    "a module file": (
        (SAMPLE_DATA / "modules" / "m01.json").read_bytes(), None,
        "this is a module file, not a judge file: import the judge files it was made from",
    ),
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


def test_a_broken_module_file_the_import_touches_stops_it_before_any_write(
    cli: CLI, populated: Path, inbox: Path
) -> None:
    (populated / "modules" / "m01.json").write_text('{"module_id": "m01"}')
    before = snapshot(populated)
    result = cli("import", "--data-dir", populated, write_judge(inbox, judge_doc(prompt_version="v2")))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: {populated / 'modules' / 'm01.json'}: module_name: required field"
    )
    assert snapshot(populated) == before


def test_a_broken_module_file_elsewhere_does_not_block_an_import_but_fails_validate(
    cli: CLI, populated: Path, inbox: Path
) -> None:
    m02 = judge_doc(module_id="m02", module_name="ClassifyProductCategory", primary_rubric=None, results=[
        {"sample_id": "s1", "verdict": "pass", "rubrics": {}}
    ])  # fmt: skip
    import_paths(Store(populated), [write_judge(inbox / "earlier", m02)])
    broken = populated / "modules" / "m02.json"
    index_before = json.loads((populated / "heatmap_index.json").read_bytes())
    broken.write_text('{"module_id": "m02"}')
    result = cli("import", "--data-dir", populated, write_judge(inbox, judge_doc(prompt_version="v2")))
    assert result.exit_code == 0, result.stderr
    assert f"warning: {broken}: module_name: required field" in result.stderr
    assert broken.read_text() == '{"module_id": "m02"}'  # never rewritten
    index = json.loads((populated / "heatmap_index.json").read_bytes())
    assert index["modules"]["m02"] == index_before["modules"]["m02"]  # kept as it was
    assert "v2" in index["modules"]["m01"]["versions"]  # the import's run is in
    suggested = cli("suggest", "m01", "--version", "v2", "--rubric", "M01_brand_extracted", "--issue", "I",
                    "--suggestion", "S", "--data-dir", populated)  # fmt: skip
    assert suggested.exit_code == 0, suggested.stderr
    checked = cli("validate", "--data-dir", populated)
    assert checked.exit_code == 1
    assert f"{broken}: module_name: required field is missing" in checked.stdout
    rebuilt = cli("index", "--data-dir", populated)  # the full rebuild still refuses it
    assert rebuilt.exit_code == 1
    assert rebuilt.stderr.startswith(f"error: {broken}: module_name: required field")


def test_unreadable_file_is_named(
    cli: CLI, populated: Path, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file we may not read is one line naming it. CI runs as root, which reads past ``chmod 0``, so the
    refusal is made where the file is opened: the error the OS gives, for this one path only."""
    path = write_judge(inbox, judge_doc(), name=NAME)
    real_open = Path.open

    def open_refusing_the_judge_file(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, *args, **kwargs)

    before = snapshot(populated)
    monkeypatch.setattr(Path, "open", open_refusing_the_judge_file)
    result = cli("import", "--data-dir", populated, path)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stderr == f"error: {path}: cannot read: Permission denied\n"
    assert snapshot(populated) == before


def test_an_unknown_module_without_a_name_is_refused(cli: CLI, populated: Path, inbox: Path) -> None:
    path = write_judge(inbox, judge_doc(module_id="m07", module_name=DROP), name="m07_v1_gpt-5_20260121.json")
    before = snapshot(populated)
    result = cli("import", "--data-dir", populated, path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {path}: module_name: module 'm07' does not exist yet; give module_name to create it\n"
    )
    assert snapshot(populated) == before


def test_a_failed_import_into_a_new_data_dir_leaves_no_directory(
    cli: CLI, tmp_path: Path, inbox: Path
) -> None:
    """An empty mirror left behind would pass `validate`; the folders the import created are removed again."""
    path = write_judge(inbox, judge_doc(results=[]), name=NAME)
    target = tmp_path / "new" / "mirror"
    result = cli("import", "--data-dir", target, path)
    assert result.exit_code == 1 and "results: is empty" in result.stderr
    assert not (tmp_path / "new").exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    assert cli("import", "--data-dir", existing, path).exit_code == 1
    assert existing.is_dir()  # a folder the user made stays


def test_a_byte_order_mark_is_accepted(data_dir: Path, inbox: Path) -> None:
    """Windows editors start UTF-8 files with a BOM; the file is read, and hashed as it is on disk."""
    path = write_judge(inbox, b"\xef\xbb\xbf" + _dumps(judge_doc()), name=NAME.replace("v2", "v1"))
    [result] = import_paths(Store(data_dir), [path])
    assert result.pass_rate == 30.0
    source = json.loads((data_dir / "modules" / "m01.json").read_text())["experiments"][0]["source"]
    assert source["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_name_the_system_refuses_is_one_line(cli: CLI, populated: Path, tmp_path: Path) -> None:
    path = tmp_path / ("a" * 300 + ".json")
    result = cli("import", "--data-dir", populated, path)
    assert result.exit_code == 1
    assert result.stderr == f"error: {path}: cannot read: File name too long\n"


def _fifo_with(tmp_path: Path, content: bytes) -> tuple[Path, threading.Thread]:
    """A named pipe fed by a thread, as `sheets-sync import <(jq ... file)` gives one."""
    fifo = tmp_path / "m01_v3_piped.json"
    os.mkfifo(fifo)

    def feed() -> None:
        with contextlib.suppress(BrokenPipeError), fifo.open("wb") as pipe:  # the reader may stop early
            pipe.write(content)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    return fifo, writer


def test_a_pipe_is_read_and_bounded_by_the_size_limit(populated: Path, tmp_path: Path) -> None:
    doc = _dumps(judge_doc(prompt_version=DROP))
    fifo, writer = _fifo_with(tmp_path, doc)
    [result] = import_paths(Store(populated), [fifo])
    writer.join(5)
    assert (result.experiment_id, result.pass_rate) == ("m01_v3_gpt4omini_20260120", 30.0)
    fifo.unlink()
    before = snapshot(populated)
    fifo, writer = _fifo_with(tmp_path, doc)
    with pytest.raises(ImportFileError, match=f"more than the {len(doc) - 1:,} bytes allowed"):
        import_paths(Store(populated), [fifo], max_bytes=len(doc) - 1)
    writer.join(5)
    assert snapshot(populated) == before

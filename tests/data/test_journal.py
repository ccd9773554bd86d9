"""The write-ahead journal behind ``Store.batch``: stopped at any step, the next writer finishes or rolls back.

A stop is simulated by raising at a crash point (the journal has no cleanup handler, so raising there leaves the
files exactly as a SIGKILL would); ``tests/crash/`` does it with real SIGKILLs of the CLI.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from data_helpers import copy_sample_data, judge_doc, write_judge
from data_snapshot import snapshot

from sheets_sync import crashpoints, journal
from sheets_sync.errors import DataError
from sheets_sync.importers import import_paths
from sheets_sync.index import build_index, encode_index
from sheets_sync.index_file import load_cache, write_index
from sheets_sync.store import Store
from sheets_sync.validate import validate_data_dir


class Stop(BaseException):
    """Stands in for SIGKILL: nothing catches it."""


def stop_at(monkeypatch: pytest.MonkeyPatch, point: str, nth: int = 1) -> None:
    seen: Counter[str] = Counter()

    def reached(name: str) -> None:
        seen[name] += 1
        if name == point and seen[name] == nth:
            raise Stop(point)

    monkeypatch.setattr(crashpoints, "reached", reached)


def write_three(store: Store) -> None:
    with store.batch("test") as batch:
        for name in ("a", "b", "c"):
            batch.write_text(store.data_dir / "modules" / f"{name}.txt", f"new {name}\n")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    data = tmp_path / "data"
    (data / "modules").mkdir(parents=True)
    for name in ("a", "b", "c"):
        (data / "modules" / f"{name}.txt").write_text(f"old {name}\n")
    return Store(data)


def contents(store: Store) -> list[str]:
    return [(store.data_dir / "modules" / f"{n}.txt").read_text() for n in ("a", "b", "c")]


@pytest.mark.parametrize(
    ("point", "nth", "expected"),
    [
        ("stage", 1, "old"),
        ("stage", 3, "old"),
        ("commit", 1, "old"),
        ("rename", 1, "new"),
        ("rename", 2, "new"),
        ("rename", 3, "new"),
        ("cleanup", 1, "new"),
    ],
)
def test_a_stopped_batch_is_rolled_back_before_its_commit_and_forward_after(
    store: Store, monkeypatch: pytest.MonkeyPatch, point: str, nth: int, expected: str
) -> None:
    stop_at(monkeypatch, point, nth)
    with pytest.raises(Stop):
        write_three(store)
    assert (store.data_dir / journal.TMP_DIR_NAME / ".gitignore").read_text().endswith("*\n")
    committed = expected == "new"
    assert bool(store.interrupted()) == committed
    monkeypatch.undo()
    with store.lock():  # any writer: recovery runs before it does anything
        pass
    assert contents(store) == [f"{expected} {n}\n" for n in ("a", "b", "c")]
    assert not (store.data_dir / journal.TMP_DIR_NAME).exists()
    assert not store.interrupted()


def test_a_recovery_stopped_half_way_is_finished_by_the_next(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    stop_at(monkeypatch, "rename", 1)
    with pytest.raises(Stop):
        write_three(store)
    stop_at(monkeypatch, "rename", 2)  # the recovery itself dies after one more rename
    with pytest.raises(Stop), store.lock():
        pass
    monkeypatch.undo()
    with store.lock():
        pass
    assert contents(store) == ["new a\n", "new b\n", "new c\n"]


def test_validate_names_an_interrupted_batch_and_the_command_that_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(copy_sample_data(tmp_path / "data"))
    module = store.load_module("m01")
    module.description = "changed"
    stop_at(monkeypatch, "rename", 1)
    with pytest.raises(Stop), store.batch("suggest"):
        store.save_module(module)
    [problem] = validate_data_dir(store)
    assert "interrupted `suggest`" in problem.message and "sheets-sync index" in problem.message
    monkeypatch.undo()
    with store.lock():
        pass
    assert store.load_module("m01").description == "changed"


def test_an_exception_in_the_block_writes_nothing(store: Store) -> None:
    before = contents(store)
    with pytest.raises(ValueError), store.batch("test") as batch:
        batch.write_text(store.data_dir / "modules" / "a.txt", "new\n")
        raise ValueError("bad input found half way")
    assert contents(store) == before
    assert not (store.data_dir / journal.TMP_DIR_NAME).exists()


def test_inner_batches_and_single_saves_join_the_open_batch(store: Store) -> None:
    with store.batch("outer") as outer:
        with store.batch("inner") as inner:
            assert inner is outer
            inner.write_text(store.data_dir / "modules" / "a.txt", "new a\n")
        assert store.write_json(store.data_dir / "modules" / "b.txt", {"b": 1})
        assert contents(store)[0] == "old a\n"  # nothing lands before the outer block ends
    assert contents(store)[:2] == ["new a\n", '{\n  "b": 1\n}\n']


def test_unchanged_files_are_not_staged_and_deletes_are(store: Store) -> None:
    with store.batch("test") as batch:
        assert not batch.write_text(store.data_dir / "modules" / "a.txt", "old a\n")
        assert batch.delete(store.data_dir / "modules" / "b.txt")
        assert not batch.delete(store.data_dir / "modules" / "nothing.txt")
        assert batch.paths == [Path(os.path.realpath(store.data_dir / "modules" / "b.txt"))]
    assert not (store.data_dir / "modules" / "b.txt").exists()


def test_permissions_of_a_replaced_file_are_kept(store: Store) -> None:
    path = store.data_dir / "modules" / "a.txt"
    path.chmod(0o640)
    write_three(store)
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_write_through_a_symlink_keeps_the_link(store: Store) -> None:
    real = store.data_dir / "modules" / "a.txt"
    link = store.data_dir / "modules" / "link.txt"
    link.symlink_to(real)
    with store.batch("test") as batch:
        batch.write_text(link, "through the link\n")
    assert link.is_symlink() and real.read_text() == "through the link\n"


def test_symlinks_out_of_the_data_dir_dangling_ones_and_folders_are_refused(
    store: Store, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours\n")
    modules = store.data_dir / "modules"
    (modules / "out.txt").symlink_to(outside)
    (modules / "dangling.txt").symlink_to(modules / "gone.txt")
    (modules / "folder.txt").mkdir()
    for name, words in (("out", "leading out"), ("dangling", "dangling"), ("folder", "directory")):
        with pytest.raises(DataError, match=words), store.batch("test") as batch:
            batch.write_text(modules / f"{name}.txt", "x\n")
    assert outside.read_text() == "not ours\n"


def test_modules_entries_that_are_not_module_files_are_reported_and_refused(tmp_path: Path) -> None:
    store = Store(copy_sample_data(tmp_path / "data"))
    modules = store.modules_dir
    (modules / "m90.json").symlink_to(modules / "gone.json")
    (tmp_path / "elsewhere.json").write_bytes((modules / "m01.json").read_bytes())
    (modules / "m91.json").symlink_to(tmp_path / "elsewhere.json")
    before = snapshot(store.data_dir)
    problems = {p.path.name: p.message for p in validate_data_dir(store)}
    assert problems["m90.json"].startswith("is a dangling symlink")
    assert problems["m91.json"].startswith("is a symlink leading out of the data directory")
    with pytest.raises(DataError, match="dangling symlink"):
        store.load_all()
    assert snapshot(store.data_dir) == before


def test_stray_files_in_the_staging_folder_are_cleaned_at_the_next_start(store: Store) -> None:
    tmp = journal.tmp_dir(store.data_dir)
    (tmp / "leftover").write_text("x")
    (tmp / "half-batch").mkdir()
    (tmp / "half-batch" / "0").write_text("x")
    with store.lock():
        pass
    assert not tmp.exists()


@pytest.mark.parametrize(
    ("point", "nth"), [("stage", 2), ("commit", 1), ("rename", 1), ("rename", 2), ("rename", 3)]
)
def test_an_import_stopped_anywhere_leaves_a_cache_that_agrees_with_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str, nth: int
) -> None:
    """An import stages the module, the patched index and then the index cache in one batch: rolled back or rolled
    forward, the cache describes the index on disk (it is used, not merely ignored) and the index is the full
    rebuild of the module files."""
    store = Store(copy_sample_data(tmp_path / "data"))
    write_index(store)  # a warm cache to start from
    before = store.index_path.read_bytes()
    new_run = write_judge(tmp_path / "inbox", judge_doc(prompt_version="v9", timestamp="2026-03-01T10:00:00"))
    stop_at(monkeypatch, point, nth)
    with pytest.raises(Stop):
        import_paths(store, [new_run])
    monkeypatch.undo()
    with store.lock():  # recovery
        pass
    index = store.index_path.read_bytes()
    assert (index == before) == (point in ("stage", "commit"))
    assert index == encode_index(build_index(store.load_all()))
    cache = load_cache(store)
    assert cache.index == index and set(cache.records) == set(store.module_ids())
    assert validate_data_dir(store) == []

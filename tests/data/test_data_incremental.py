"""An import or suggest touches only its modules, and the index patched for them is byte-for-byte the full rebuild;
the cache behind ``index`` / ``validate`` is keyed by content, so no hand edit, deletion or torn file fools it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from data_helpers import judge_doc, make_results, write_judge
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.edits import add_suggestion
from sheets_sync.importers import import_paths
from sheets_sync.index import build_index, encode_index
from sheets_sync.index_file import cache_path, load_cache, scan_modules, write_index
from sheets_sync.store import Store
from sheets_sync.validate import validate_data_dir

MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-5")


def run_doc(module: int, version: int, model: str, minute: int, passed: int = 15) -> dict[str, Any]:
    return judge_doc(
        module_id=f"m{module}",
        module_name=f"Module{module}",
        prompt_version=f"v{version}",
        model=model,
        timestamp=f"2026-01-20T{minute // 60:02d}:{minute % 60:02d}:00",
        results=make_results(passed=passed),
    )


def full_rebuild(store: Store) -> bytes:
    """What the index must be: built from every module file, no cache, no patch."""
    return encode_index(build_index(store.load_all()))


def import_run(store: Store, inbox: Path, doc: dict[str, Any]) -> list[str]:
    warnings: list[str] = []
    import_paths(store, [write_judge(inbox, doc)], warn=warnings.append)
    return warnings


def hand_edit(store: Store, module_id: str, *, keep_mtime: bool) -> None:
    """Change one character of a run's URL in place (same size, so only the content tells), as an editor would."""
    path = store.module_path(module_id)
    before = path.stat()
    data = json.loads(path.read_bytes())
    url = data["experiments"][0]["braintrust_url"]
    data["experiments"][0]["braintrust_url"] = url[:-1] + ("x" if url[-1] != "x" else "y")
    with path.open("r+b") as handle:  # in place: same inode
        handle.write(json.dumps(data, indent=2, ensure_ascii=False).encode() + b"\n")
    if keep_mtime:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def populated(root: Path, modules: int = 3) -> Store:
    store = Store(root / "data")
    for k in range(modules):
        import_run(store, root / "inbox", run_doc(k, 1, "gpt-4o", k))
    return store


# ------------------------------------------------------------------------------------------------ property


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("import"), st.integers(0, 3), st.integers(1, 3), st.sampled_from(MODELS), st.integers(0, 600), st.integers(0, 50)),
        st.tuples(st.just("suggest"), st.integers(0, 3)),
        st.tuples(st.just("hand_edit"), st.integers(0, 3), st.booleans()),
        st.tuples(st.just("delete"), st.integers(0, 3)),
        st.tuples(st.just("index")),
    ),
    min_size=1,
    max_size=12,
)  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_the_patched_index_is_the_full_rebuild_after_any_sequence(ops: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = populated(root)
        for op in ops:
            module_id = f"m{op[1]}" if len(op) > 1 else ""
            exists = bool(module_id) and store.has_module(module_id)
            if op[0] == "import":
                _, k, version, model, minute, passed = op
                assert import_run(store, root / "inbox", run_doc(k, version, model, minute, passed)) == []
                assert store.index_path.read_bytes() == full_rebuild(store)
                assert load_cache(store).index == store.index_path.read_bytes()  # the cache names this index
            elif op[0] == "suggest" and exists:
                module = store.load_module(module_id)
                run = module.experiments[0]
                add_suggestion(store, module_id, version=run.prompt_version, rubric=next(iter(run.rubrics)),
                               issue="I", suggestion="S")  # fmt: skip
            elif op[0] == "hand_edit" and exists:
                hand_edit(store, module_id, keep_mtime=op[2])
            elif op[0] == "delete" and exists:
                store.module_path(module_id).unlink()
            elif op[0] == "index":
                write_index(store)
                assert store.index_path.read_bytes() == full_rebuild(store)
        write_index(store)
        assert store.index_path.read_bytes() == full_rebuild(store)
        assert validate_data_dir(store) == []
        cold = Store(root / "cold")
        shutil.copytree(store.modules_dir, cold.modules_dir)
        write_index(cold)
        assert cold.index_path.read_bytes() == store.index_path.read_bytes()


# ------------------------------------------------------------------------------------------------ stale cache


def test_an_import_reads_a_module_edited_by_hand_with_its_mtime_kept(tmp_path: Path) -> None:
    store = populated(tmp_path)
    hand_edit(store, "m1", keep_mtime=True)
    import_run(store, tmp_path / "inbox", run_doc(0, 2, "gpt-5", 30))
    assert store.index_path.read_bytes() == full_rebuild(store)


def test_after_an_import_the_cache_describes_the_patched_index(tmp_path: Path) -> None:
    # The import hashes only the lines it patched for the cache it writes: `index` must still trust that cache.
    store = populated(tmp_path, modules=5)
    write_index(store)
    # the first line, the last one (no comma), one in the middle, the same one again
    for k, module in enumerate((0, 4, 2, 2)):
        import_run(store, tmp_path / "inbox", run_doc(module, 2 + k, "gpt-5", 40 + k))
        assert load_cache(store).index == store.index_path.read_bytes() == full_rebuild(store)
        assert scan_modules(store, load_cache(store), trust_stat=False).parsed == 0
    assert write_index(store) is False


def test_an_index_edited_by_one_byte_behind_the_cache_is_rebuilt(tmp_path: Path) -> None:
    store = populated(tmp_path)
    data = store.index_path.read_bytes()
    at = data.index(b'"pass_rate":') + len(b'"pass_rate":')
    store.index_path.write_bytes(data[:at] + (b"1" if data[at : at + 1] != b"1" else b"2") + data[at + 1 :])
    assert load_cache(store).records == {}
    import_run(store, tmp_path / "inbox", run_doc(2, 2, "gpt-5", 31))
    assert store.index_path.read_bytes() == full_rebuild(store)


def test_a_warm_index_parses_only_the_files_whose_bytes_changed(tmp_path: Path) -> None:
    store = populated(tmp_path)
    write_index(store)
    assert scan_modules(store, load_cache(store), trust_stat=False).parsed == 0
    hand_edit(store, "m2", keep_mtime=True)
    scan = scan_modules(store, load_cache(store), trust_stat=False)
    assert scan.parsed == 1
    assert scan.index_bytes(load_cache(store)) == full_rebuild(store)
    assert [p.message for p in validate_data_dir(store)] == [
        "stale: not what the module files give; run `sheets-sync index`"
    ]
    assert write_index(store) is True
    assert validate_data_dir(store) == []


def test_a_corrupt_or_torn_cache_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    store = populated(tmp_path)
    good = cache_path(store).read_bytes()
    for bad in (
        b"",
        good[: len(good) // 2],
        b"\x00garbage",
        b"[]",
        good.replace(b'["', b'[0,"', 1),
    ):
        cache_path(store).write_bytes(bad)
        hand_edit(store, "m1", keep_mtime=True)
        assert validate_data_dir(store)  # the edit is seen: the index is stale
        import_run(store, tmp_path / "inbox", run_doc(2, 3, "gpt-5", 99))
        assert store.index_path.read_bytes() == full_rebuild(store)
        assert validate_data_dir(store) == []
        assert load_cache(store).records.keys() == {"m0", "m1", "m2"}  # rebuilt whole


def test_a_cache_made_by_other_code_is_not_trusted(tmp_path: Path) -> None:
    store = populated(tmp_path)
    raw = json.loads(cache_path(store).read_bytes())
    cache_path(store).write_text(json.dumps({**raw, "code": "0" * 64}))
    assert load_cache(store).records == {}
    cache_path(store).write_text(json.dumps(raw))  # the same document, written by hand: trusted again
    assert load_cache(store).records.keys() == {"m0", "m1", "m2"}


def test_a_deleted_module_leaves_the_index(tmp_path: Path) -> None:
    store = populated(tmp_path)
    store.module_path("m1").unlink()
    assert [p.message for p in validate_data_dir(store)] == [
        "stale: not what the module files give; run `sheets-sync index`"
    ]
    import_run(store, tmp_path / "inbox", run_doc(0, 2, "gpt-5", 30))
    index = json.loads(store.index_path.read_bytes())
    assert list(index["modules"]) == ["m0", "m2"]
    assert store.index_path.read_bytes() == full_rebuild(store)


def test_an_index_replaced_behind_the_cache_is_rebuilt_not_patched(tmp_path: Path) -> None:
    store = populated(tmp_path)
    old = store.index_path.read_bytes()
    import_run(store, tmp_path / "inbox", run_doc(1, 2, "gpt-5", 30))
    store.index_path.write_bytes(old)  # e.g. `git checkout` of an older index
    import_run(store, tmp_path / "inbox", run_doc(2, 2, "gpt-5", 31))
    assert store.index_path.read_bytes() == full_rebuild(store)


def test_the_cache_is_kept_out_of_git(tmp_path: Path) -> None:
    populated(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "data"], check=True)
    listed = subprocess.run(
        ["git", "-C", str(tmp_path), "ls-files"], check=True, capture_output=True, text=True
    ).stdout.split()
    assert "data/heatmap_index.json" in listed
    assert not [name for name in listed if ".cache" in name]


def test_the_index_diff_of_an_import_is_the_lines_that_changed(tmp_path: Path) -> None:
    store = populated(tmp_path, modules=5)
    before = store.index_path.read_bytes().split(b"\n")
    import_run(store, tmp_path / "inbox", run_doc(2, 1, "gpt-4o", 2, passed=40))  # m2's run, new counts
    after = store.index_path.read_bytes().split(b"\n")
    assert len(before) == len(after)
    changed = [b.decode()[:5] for b, a in zip(before, after, strict=True) if a != b]
    assert changed == ['"m2":']


# ------------------------------------------------------------------------------------------------ SIGKILL


KILLED_IMPORTER = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from data_helpers import judge_doc, make_results, write_judge
from sheets_sync.importers import import_paths
from sheets_sync.store import Store
store, inbox = Store(Path(sys.argv[1]) / "data"), Path(sys.argv[1]) / "inbox-killed"
for n in range(10_000):
    doc = judge_doc(module_id=f"m{n % 3}", module_name=f"Module{n % 3}", prompt_version=f"v{n % 4 + 1}",
                    timestamp=f"2026-02-{n // 1440 % 28 + 1:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00",
                    results=make_results(passed=n % 50))
    import_paths(store, [write_judge(inbox, doc)])
    print(n, flush=True)
"""


def test_an_import_killed_at_any_moment_leaves_nothing_stale(tmp_path: Path) -> None:
    """SIGKILL after a varying number of imports: wherever it lands (between the module files, the index and the
    cache, or inside a write), the next import and `index` give the full rebuild and the cache is never trusted
    wrongly."""
    store = populated(tmp_path)
    helpers = str(Path(__file__).parent)
    for lines in (1, 3, 7):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED_IMPORTER, str(tmp_path), helpers], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        for _ in range(lines):
            proc.stdout.readline()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        import_run(store, tmp_path / "inbox", run_doc(0, 9, "gpt-5", lines))
        assert store.index_path.read_bytes() == full_rebuild(store)
        assert validate_data_dir(store) == []

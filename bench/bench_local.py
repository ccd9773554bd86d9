#!/usr/bin/env python3
"""Benchmark of the local commands against their floors, at several data sizes, in one run.

For each size (default 10 / 100 / 500 / 2,000 modules x 40 experiments x 8 rubrics) it builds a data directory in a
temporary folder, then times whole processes (``python -m sheets_sync ...``, interpreter start included; wall time
and peak resident memory from ``wait4``; median of ``--repeat`` runs):

- ``import`` of one new judge file (one run into one existing module), against its floor: a process that reads that
  one module file with ``json.load`` and writes it back atomically (touching the one module involved); also the
  ``import_paths`` call alone, timed inside its process (what is left once Python, pydantic and the models are
  loaded; the peak memory is still the whole process's);
- ``index`` and ``validate``, cold (no cache) and warm (nothing changed since the last ``index``), against their
  floor: a process that ``json.load``\\ s every module file.

The growth factor of each row is its time at the largest size over its time at the smallest.

    .venv/bin/python bench/bench_local.py [--sizes 10,100,500,2000] [--repeat 3] [--code DIR]

``--code DIR`` runs the commands from another checkout of the package (``git archive <commit> | tar -x -C DIR``),
so the figures before and after a change come from the same script on the same data. Not a test: it prints figures
(the README quotes them) and asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_data import START, judge_document, module_document

from sheets_sync import jsonio

REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = ".cache"

FLOOR_ONE = """
import json, os, sys
path = sys.argv[1]
with open(path, "rb") as f:
    data = json.load(f)
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(data, f, indent=2)
    f.flush()
    os.fsync(f.fileno())
os.replace(tmp, path)
"""

IMPORT_CALL = """
import sys, time
from pathlib import Path
from sheets_sync.importers import import_paths
from sheets_sync.store import Store
start = time.perf_counter()
import_paths(Store(Path(sys.argv[1])), [Path(sys.argv[2])])
print(time.perf_counter() - start)
"""

FLOOR_ALL = """
import json, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    with path.open("rb") as f:
        json.load(f)
"""


def run_process(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak resident MiB) of one process, which must succeed; the seconds it prints, if it does."""
    start = time.perf_counter()
    # cwd: `python -m` puts the working directory first on sys.path, before PYTHONPATH (--code)
    proc = subprocess.Popen(
        argv, env=env, cwd=tempfile.gettempdir(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    printed = proc.stdout.read().decode().strip() if proc.stdout else ""
    with contextlib.suppress(ValueError):
        wall = float(printed)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {stderr.strip()}")
    return wall, usage.ru_maxrss / 1024


def median_run(argvs: list[list[str]], env: dict[str, str], before: object = None) -> tuple[float, float]:
    walls, peaks = [], []
    for argv in argvs:
        if callable(before):
            before()
        wall, peak = run_process(argv, env)
        walls.append(wall)
        peaks.append(peak)
    return statistics.median(walls), max(peaks)


def make_data_dir(root: Path, modules: int, rng: random.Random) -> Path:
    data = root / "data"
    for n in range(modules):
        jsonio.write_json(data / "modules" / f"m{n:03d}.json", module_document(n, 40, 8, rng))
    return data


def judge_file(root: Path, k: int, rng: random.Random) -> Path:
    """A new run of module m000 (version v1, gpt-4o-mini) at a time no other run has."""
    doc = judge_document(0, 8, 50, rng)
    doc["timestamp"] = (START + timedelta(days=400, minutes=k)).isoformat()
    path = root / "judge" / f"m000_v1_gpt-4o-mini_{k:04d}.json"
    jsonio.write_json(path, doc)
    return path


def bench_size(modules: int, args: argparse.Namespace, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    rng = random.Random(modules)
    root = Path(tempfile.mkdtemp(prefix=f"sheets-sync-bench-{modules}-"))
    try:
        data = make_data_dir(root, modules, rng)
        cli = [sys.executable, "-m", "sheets_sync"]
        run_process([*cli, "index", "--data-dir", str(data)], env)
        r = args.repeat

        def drop_cache() -> None:
            shutil.rmtree(data / CACHE_DIR, ignore_errors=True)

        index = [*cli, "index", "--data-dir", str(data)]
        validate = [*cli, "validate", "--data-dir", str(data)]
        imports = [[*cli, "import", "--data-dir", str(data), str(judge_file(root, k, rng))] for k in range(r)]
        one_module = str(data / "modules" / "m001.json")
        calls = [
            [sys.executable, "-c", IMPORT_CALL, str(data), str(judge_file(root, 100 + k, rng))]
            for k in range(r)
        ]
        figures = {
            "import 1 judge file": median_run(imports, env),
            "import 1 judge file, library call only": median_run(calls, env),
            "floor: touch 1 module": median_run([[sys.executable, "-c", FLOOR_ONE, one_module]] * r, env),
            "index, cold": median_run([index] * r, env, before=drop_cache),
            "validate, cold": median_run([validate] * r, env, before=drop_cache),
        }
        run_process(index, env)  # warm the cache (if the code keeps one)
        figures["index, warm"] = median_run([index] * r, env)
        figures["validate, warm"] = median_run([validate] * r, env)
        floor = [sys.executable, "-c", FLOOR_ALL, str(data / "modules")]
        figures["floor: json.load all"] = median_run([floor] * r, env)
        return figures
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Local commands against their floors, by data size.")
    parser.add_argument("--sizes", default="10,100,500,2000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--code", type=Path, default=REPO, help="checkout whose sheets_sync runs the commands"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    env = {**os.environ, "PYTHONPATH": str(args.code.resolve())}
    results = {size: bench_size(size, args, env) for size in sizes}
    rows = list(results[sizes[0]])
    print(f"code: {args.code}; median of {args.repeat}; seconds (peak MiB); growth = largest / smallest size")
    print("| step | " + " | ".join(f"{s:,} modules" for s in sizes) + " | growth |")
    print("|---|" + "--:|" * (len(sizes) + 1))
    for row in rows:
        cells = [f"{results[s][row][0]:.3f} ({results[s][row][1]:.0f})" for s in sizes]
        growth = results[sizes[-1]][row][0] / results[sizes[0]][row][0]
        print(f"| {row} | " + " | ".join(cells) + f" | {growth:.1f}x |")


if __name__ == "__main__":
    main()

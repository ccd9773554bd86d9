#!/usr/bin/env python3
"""Benchmark of the local mirror: index rebuild (validation included) and import, next to plain ``json.load``.

Generates, in a temporary directory, 500 module files x 40 experiments x 8 rubrics, and 2,000 judge files of 50
samples x 8 rubrics, then times (best of ``--repeat`` runs, one process, so one core):

- ``json.load`` of every module file (the floor: parsing only),
- ``Store.load_all`` (parse + validate every module),
- ``build_index`` alone, and ``write_index`` = what ``sheets-sync index`` does (load + validate + build + write),
- ``validate_data_dir`` = ``sheets-sync validate``,
- ``json.load`` of the judge files, ``import_paths`` of all of them into an empty data directory, and of one file
  into the big data directory (an import loads and validates every module, then rebuilds the index).

    .venv/bin/python bench/bench_data.py [--modules 500 --experiments 40 --rubrics 8 --judge-files 2000]

Not a test: it prints figures (docs/data.md quotes them) and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sheets_sync import jsonio
from sheets_sync.importers import import_paths
from sheets_sync.index import build_index
from sheets_sync.index_file import write_index
from sheets_sync.models import experiment_id, rate
from sheets_sync.store import Store
from sheets_sync.validate import validate_data_dir

MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-5", "gpt-4.1"]
START = datetime(2026, 1, 1, 9, 0, 0)


def module_document(n: int, experiments: int, rubrics: int, rng: random.Random) -> dict[str, Any]:
    """A valid module file with consistent counts, written as the store would write it."""
    module_id = f"m{n:03d}"
    names = [f"M{n:03d}_rubric_{r}" for r in range(rubrics)]
    runs = []
    for e in range(experiments):
        version, model = f"v{e // len(MODELS) + 1}", MODELS[e % len(MODELS)]
        when = START + timedelta(hours=e * 7 + n)
        total, passed, error = 50, rng.randint(5, 45), rng.randint(0, 2)
        judged = {name: rng.randint(0, 50) for name in names}
        runs.append({
            "id": experiment_id(module_id, version, model, when), "prompt_version": version, "dataset_version": "v1",
            "model": model, "judge_model": "gpt-4o", "timestamp": when.isoformat(), "primary_rubric": None,
            "metrics": {"pass_rate": rate(passed, total), "match_rate": rate(judged[names[0]], 50), "total": total,
                        "pass": passed, "fail": total - passed - error, "error": error},
            "rubrics": {name: {"pass": p, "total": 50, "rate": rate(p, 50)} for name, p in judged.items()},
            "braintrust_url": f"https://www.braintrust.dev/app/acme/p/{module_id}/experiments/{e}",
            "braintrust_id": None, "data_source": None, "source": None,
        })  # fmt: skip
    return {
        "schema_version": 1, "module_id": module_id, "module_name": f"BenchModule{n}", "description": "",
        "primary_rubric": names[0], "experiments": runs, "suggestions": [],
    }  # fmt: skip


def judge_document(n: int, rubrics: int, samples: int, rng: random.Random) -> dict[str, Any]:
    """One judge file: module n // 40, a distinct version/model/time per file."""
    module_id, e = f"m{n // 40:03d}", n % 40
    names = [f"M{n // 40:03d}_rubric_{r}" for r in range(rubrics)]
    results = [
        {"sample_id": f"s{i:03d}", "verdict": rng.choice(["pass", "fail", "fail", "error"]),
         "rubrics": {name: rng.choice([True, False, None]) for name in names}}
        for i in range(samples)
    ]  # fmt: skip
    return {
        "module_id": module_id, "module_name": f"BenchModule{n // 40}", "prompt_version": f"v{e // len(MODELS) + 1}",
        "model": MODELS[e % len(MODELS)], "timestamp": (START + timedelta(hours=n)).isoformat(),
        "primary_rubric": names[0], "results": results,
    }  # fmt: skip


def best_of(repeat: int, func: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def json_load_all(paths: list[Path]) -> None:
    for path in paths:
        with path.open("rb") as handle:
            json.load(handle)


def run(args: argparse.Namespace, root: Path) -> list[tuple[str, float]]:
    rng = random.Random(1)
    store = Store(root / "data")
    for n in range(args.modules):
        jsonio.write_json(
            store.module_path(f"m{n:03d}"), module_document(n, args.experiments, args.rubrics, rng)
        )
    module_files = sorted(store.modules_dir.glob("*.json"))
    judge_dir = root / "judge"
    for n in range(args.judge_files):
        jsonio.write_json(judge_dir / f"run_{n:05d}.json", judge_document(n, args.rubrics, args.samples, rng))
    judge_files = sorted(judge_dir.glob("*.json"))
    with store.lock():
        write_index(store)
    modules = store.load_all()

    def rebuild_index() -> None:
        with store.lock():
            write_index(store)

    def import_all() -> None:
        fresh = Store(root / f"import-{time.perf_counter_ns()}")
        import_paths(fresh, [judge_dir])

    def import_one() -> None:
        import_paths(store, [judge_files[0]])  # re-imported after the first run: "unchanged", index rewritten

    r = args.repeat
    return [
        (f"json.load of {len(module_files)} module files", best_of(r, lambda: json_load_all(module_files))),
        ("Store.load_all (parse + validate)", best_of(r, store.load_all)),
        ("build_index (in memory)", best_of(r, lambda: build_index(modules))),
        ("`index` = load + validate + build + write", best_of(r, rebuild_index)),
        ("`validate` (every file + index staleness)", best_of(r, lambda: validate_data_dir(store))),
        (f"json.load of {len(judge_files)} judge files", best_of(r, lambda: json_load_all(judge_files))),
        (f"`import` of {len(judge_files)} judge files (new dir)", best_of(1, import_all)),
        (f"`import` of 1 judge file into the {args.modules}-module dir", best_of(r, import_one)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description="Time index rebuild and import of the local JSON mirror.")
    parser.add_argument("--modules", type=int, default=500)
    parser.add_argument("--experiments", type=int, default=40)
    parser.add_argument("--rubrics", type=int, default=8)
    parser.add_argument("--judge-files", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sheets-sync-bench-"))
    try:
        figures = run(args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{args.modules} modules x {args.experiments} experiments x {args.rubrics} rubrics; "
          f"{args.judge_files} judge files x {args.samples} samples (best of {args.repeat})")  # fmt: skip
    width = max(len(label) for label, _ in figures)
    print(f"| {'step':<{width}} | seconds |\n|{'-' * (width + 2)}|--------:|")
    for label, seconds in figures:
        print(f"| {label:<{width}} | {seconds:7.3f} |")


if __name__ == "__main__":
    main()

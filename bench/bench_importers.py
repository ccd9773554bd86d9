#!/usr/bin/env python3
"""Benchmark of the foreign-format importers: a big promptfoo export, and a Braintrust pull over loopback.

- promptfoo: the real ``sample-export.json`` of ../shared/fixtures, its rows repeated (new ``testIdx`` and ids,
  the prompts' metrics scaled to agree) up to ``--megabytes``; times ``json.loads`` of it (the floor) and
  ``import_paths`` of it into an empty data directory.
- Braintrust: ``--experiments`` experiments of ``--traces`` traces each, served by the tests' loopback fake
  (tests/braintrust/fake_braintrust.py, built from the recorded cassettes); times ``pull`` and counts requests.

    .venv/bin/python bench/bench_importers.py [--megabytes 18 --experiments 20 --traces 50 --repeat 3]

Not a test: it prints figures (the README quotes them) and asserts nothing.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sheets_sync.braintrust import pull
from sheets_sync.braintrust.client import BraintrustClient, Credentials
from sheets_sync.importers import import_paths
from sheets_sync.importers.judge import JudgeImporter
from sheets_sync.importers.promptfoo import PromptfooImporter, PromptfooOptions
from sheets_sync.store import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "../shared/fixtures"
sys.path.insert(0, str(ROOT / "tests" / "braintrust"))


def big_export(megabytes: float) -> bytes:
    document: dict[str, Any] = json.loads((FIXTURES / "promptfoo/sample-export.json").read_text())
    rows = document["results"]["results"]
    base = copy.deepcopy(rows)
    per_copy = len(json.dumps(base))
    copies = max(1, int(megabytes * 1_000_000 / per_copy))
    for n in range(1, copies):
        for row in base:
            repeat = dict(row, testIdx=row["testIdx"] + 2 * n, id=f"{row['id']}-{n}")
            rows.append(repeat)
    for prompt in document["results"]["prompts"]:
        prompt["metrics"]["testFailCount"] *= copies
    return json.dumps(document).encode()


def best_of(repeat: int, run: Any) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_promptfoo(megabytes: float, repeat: int) -> None:
    data = big_export(megabytes)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "results.json"
        path.write_bytes(data)
        options = PromptfooOptions(module_id="m01", module_name="Bench", prompt_version="v1")
        importers = [PromptfooImporter(options), JudgeImporter()]
        rows = len(json.loads(data)["results"]["results"])
        parse = best_of(repeat, lambda: json.loads(data))
        counter = iter(range(10**6))

        def run() -> None:
            import_paths(Store(Path(tmp) / f"data{next(counter)}"), [path], importers=importers)

        total = best_of(repeat, run)
        print(
            f"promptfoo export {len(data) / 1e6:.1f} MB, {rows:,} rows: json.loads {parse:.2f} s, import {total:.2f} s"
        )


def bench_braintrust(experiments: int, traces: int, repeat: int) -> None:
    from fake_braintrust import API_KEY, FakeBraintrust, experiment, serving, trace

    fake = FakeBraintrust()
    for n in range(experiments):
        rows = [row for _ in range(traces) for row in trace({"accuracy": 1.0, "format": 0.5})]
        fake.add(
            experiment(
                f"m01_v{n + 1}_gpt-4o", f"2026-02-{n % 28 + 1:02d}T00:{n:02d}:00Z", {"module_name": "B"}
            ),
            rows,
        )
    with serving(fake), tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10**6))
        requests = []

        def run() -> None:
            client = BraintrustClient(Credentials(api_key=API_KEY, api_url=fake.url))
            requests.append(
                pull(Store(Path(tmp) / f"data{next(counter)}"), client, project=fake.project).requests
            )

        total = best_of(repeat, run)
        print(
            f"braintrust pull of {experiments} experiments x {traces} traces over loopback: {total:.2f} s, "
            f"{requests[-1]} requests"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=18)
    parser.add_argument("--experiments", type=int, default=20)
    parser.add_argument("--traces", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_promptfoo(args.megabytes, args.repeat)
    bench_braintrust(args.experiments, args.traces, args.repeat)


if __name__ == "__main__":
    main()

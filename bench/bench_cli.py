#!/usr/bin/env python3
"""Benchmark of the command line's start-up: ``sheets-sync --help`` and ``sheets-sync show --help`` wall time.

Each is run ``--repeat`` times as a fresh process (the way a user runs it, interpreter start included); prints the
best and the median, next to ``python -c "import click"`` (the floor: the interpreter and click alone).

    .venv/bin/python bench/bench_cli.py [--repeat 20]

Not a test: it prints figures (the README quotes them) and asserts nothing. Target: ``sheets-sync --help`` under
0.25 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def timed(argv: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    cases = {
        'python -c "import click" (floor)': [sys.executable, "-c", "import click"],
        "sheets-sync --help": [sys.executable, "-m", "sheets_sync", "--help"],
        "sheets-sync show --help": [sys.executable, "-m", "sheets_sync", "show", "--help"],
    }
    print(f"| command | best (s) | median (s) |  ({args.repeat} runs each)")
    print("| --- | ---: | ---: |")
    for label, argv in cases.items():
        times = timed(argv, args.repeat)
        print(f"| `{label}` | {min(times):.3f} | {statistics.median(times):.3f} |")


if __name__ == "__main__":
    main()

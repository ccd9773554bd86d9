"""What a sync costs the client: wall time, bytes read, requests and peak memory of the ``sheets-sync`` process.

No-op push, no-op pull and a one-cell push at 10, 100, 300 and 1,000 modules, each run as its own ``sheets-sync``
process against the emulator over HTTP (served from this process, so the client's memory is the CLI's alone).
Run from the repository root::

    .venv/bin/python bench/bench_sync_reads.py              # 10 100 300 1000 modules, median of 3 runs
    .venv/bin/python bench/bench_sync_reads.py 10 100 --runs 5
    .venv/bin/python bench/bench_sync_reads.py --json figures.json   # also write the figures as JSON
    .venv/bin/python bench/bench_sync_reads.py 1000 --code /path/to/older/checkout   # another version's client

Wall time is the whole process (interpreter start, imports, read, plan, write, check), the median of the runs, and
CPU time the process's own user + system seconds (steadier than wall time on a shared machine: the growth factor is
taken from it); bytes
read are the bodies of the answers to read requests (what the client downloads and parses); peak memory is the
process's maximum resident set (``VmHWM``). The growth factor divides each figure by the one at the smallest size.

Google's documented limits: at most 10,000,000 cells in a spreadsheet (1,000 module tabs of 28 x 26 cells hold
about 730,000), a recommended request payload of at most 2 MB (sheets-sync splits writes at 1.9 MB) and 180 s per
request. Google documents no tab count; third-party pages cite 200 tabs per spreadsheet, so the 300 and 1,000
module figures (one tab per module) may be emulator-only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync import SHEET, module_store

from sheets_emulator import Emulator, running_server
from sheets_sync.store import Store

OPERATIONS = ("no-op push, first", "no-op pull, first", "no-op push", "no-op pull", "one-cell push")
"""The first no-op push and pull after the workbook is built plan every tab (nothing is settled yet: see
``sheets_sync.sync.settled``); the next ones skip the tabs those settled. Code without settled tabs (``--code`` on
an older checkout) costs the same every time."""
CODE: Path | None = None
"""``--code``: the checkout whose ``sheets-sync`` the measured processes run (the default: this one)."""


@dataclass(frozen=True)
class Figure:
    seconds: float
    cpu_seconds: float
    bytes_read: int
    reads: int
    writes: int
    peak_mib: float


PEAK_REPORT = """
import atexit, os, sys
def report():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(peak)
atexit.register(report)
from sheets_sync.cli import main
sys.exit(main())
"""
"""The console script's two lines, plus a report of the process's peak resident memory at exit. ``VmHWM`` belongs
to the process's own address space: ``ru_maxrss`` would not do, as Linux carries it over ``execve`` from the
parent that started the process (this one, holding the emulator and its workbook)."""


def cli() -> list[str]:
    """``sheets-sync`` as its console script runs it, with this interpreter (so ``PYTHONPATH`` can point the
    benchmark at another checkout, e.g. the code before a change)."""
    return [sys.executable, "-c", PEAK_REPORT]


def run_cli(args: list[str], emu: Emulator) -> Figure:
    """One ``sheets-sync`` process: its wall time, peak memory, and the reads and writes the emulator saw."""
    emu.clear_log()
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        environment = {**_environment(), "BENCH_PEAK_FILE": peak.name}
        started = time.perf_counter()
        # cwd: `python -c` puts the working directory first on sys.path, before PYTHONPATH (--code)
        process = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=tempfile.gettempdir(),
        )
        stderr = process.stderr.read() if process.stderr else b""
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        peak_kib = int(peak.read() or 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args[3:])} exited {process.returncode}: {stderr.decode().strip()}")
    return Figure(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        bytes_read=emu.bytes_sent(write=False),
        reads=emu.count(write=False),
        writes=emu.count(write=True),
        peak_mib=peak_kib / 1024,
    )


def _environment() -> dict[str, str]:
    return {**os.environ, **({"PYTHONPATH": str(CODE)} if CODE is not None else {})}


def figures_at(count: int, runs: int) -> dict[str, list[Figure]]:
    with tempfile.TemporaryDirectory() as folder:
        store = module_store(Path(folder) / "data", count)
        # as after an import: the index and its cache (which lets a sync skip parsing unchanged module files)
        index = [sys.executable, "-m", "sheets_sync", "--data-dir", str(store.data_dir), "index"]
        subprocess.run(index, check=True, capture_output=True, env=_environment(), cwd=tempfile.gettempdir())
        emu = Emulator()
        emu.create_spreadsheet(SHEET)
        with running_server(emu) as server:
            base = [
                *cli(),
                "--data-dir",
                str(store.data_dir),
                "--spreadsheet",
                SHEET,
                "--endpoint",
                server.url,
            ]
            command, options = base[:3], base[3:]
            push, pull = [*command, "push", *options], [*command, "pull", *options]
            run_cli(push, emu)  # the first push builds the workbook
            figures: dict[str, list[Figure]] = {name: [] for name in OPERATIONS}
            figures["no-op push, first"].append(_checked(run_cli(push, emu), writes=0))
            figures["no-op pull, first"].append(_checked(run_cli(pull, emu), writes=0))
            for run in range(runs):
                figures["no-op push"].append(_checked(run_cli(push, emu), writes=0))
                figures["no-op pull"].append(_checked(run_cli(pull, emu), writes=0))
                _edit_one_cell(store, f"edited locally, run {run}")
                figures["one-cell push"].append(_checked(run_cli(push, emu), writes=1))
    return figures


def _checked(figure: Figure, *, writes: int) -> Figure:
    """A figure of an operation that did not do what it names would be meaningless."""
    if figure.writes != writes:
        raise SystemExit(f"expected {writes} write request(s), the emulator saw {figure.writes}")
    return figure


def _edit_one_cell(store: Store, text: str) -> None:
    module = store.load_module("m001")
    module.suggestions[0].issue = text
    with store.lock():
        store.save_module(module)


def median(figures: list[Figure]) -> Figure:
    return Figure(
        seconds=statistics.median(f.seconds for f in figures),
        cpu_seconds=statistics.median(f.cpu_seconds for f in figures),
        bytes_read=int(statistics.median(f.bytes_read for f in figures)),
        reads=max(f.reads for f in figures),
        writes=max(f.writes for f in figures),
        peak_mib=statistics.median(f.peak_mib for f in figures),
    )


def table(results: dict[int, dict[str, Figure]]) -> str:
    smallest = min(results)
    lines = [
        "| modules | operation | wall (s) | CPU (s) | growth | bytes read | growth | reads | writes | peak MiB | growth |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count, by_operation in results.items():
        for name, figure in by_operation.items():
            first = results[smallest][name]
            lines.append(
                f"| {count:,} | {name} | {figure.seconds:.2f} | {figure.cpu_seconds:.2f} "
                f"| {figure.cpu_seconds / first.cpu_seconds:.1f}x "
                f"| {figure.bytes_read:,} | {figure.bytes_read / first.bytes_read:.1f}x | {figure.reads} "
                f"| {figure.writes} | {figure.peak_mib:.0f} | {figure.peak_mib / first.peak_mib:.1f}x |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10, 100, 300, 1000], help="module counts")
    parser.add_argument("--runs", type=int, default=3, help="runs of each operation (median; default 3)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--code", type=Path, help="measure the sheets-sync of this checkout (e.g. older code)"
    )
    options = parser.parse_args()
    global CODE
    CODE = options.code.resolve() if options.code else None
    results: dict[int, dict[str, Figure]] = {}
    for count in options.sizes:
        results[count] = {name: median(runs) for name, runs in figures_at(count, options.runs).items()}
        print(f"{count} modules done", file=sys.stderr, flush=True)
    print(table(results))
    if options.json:
        payload = {str(c): {n: asdict(f) for n, f in by.items()} for c, by in results.items()}
        options.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Push and pull timings and Sheets API request counts for 10, 100 and 300 modules, against the in-process emulator.

Next to them: the request count of the usual approach, a gspread script that writes each module's tab with
``worksheet.update()``. Run from the repository root::

    .venv/bin/python bench/bench_sync.py            # 10, 100, 300 modules
    .venv/bin/python bench/bench_sync.py 10 50      # other sizes

Figures are printed as a Markdown table (the one in docs/sync.md comes from here). Timings are the emulator's
(no network): on Google, each request adds a round trip of roughly 0.2-1 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import gspread

from sheets_emulator import Emulator
from sheets_sync.models import Experiment, Metrics, Module, RubricResult, Suggestion, experiment_id, rate
from sheets_sync.store import Store
from sheets_sync.sync.engine import SyncEngine, SyncResult
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.tabs import find_geometry

SHEET = "bench-spreadsheet"
MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-5")
RUBRICS = ("main", "format", "tone")


def make_module(number: int) -> Module:
    """A realistic module: 4 prompt versions x 3 models = 12 experiments, 3 rubrics, 6 suggestions."""
    module_id = f"m{number:03d}"
    runs = []
    for index in range(12):
        version, model = f"v{1 + index // 3}", MODELS[index % 3]
        timestamp = datetime(2026, 1, 10) + timedelta(days=index, minutes=number)
        passed, matched = 20 + (index * 7 + number) % 25, 10 + (index * 5 + number) % 30
        runs.append(
            Experiment(
                id=experiment_id(module_id, version, model, timestamp),
                prompt_version=version,
                model=model,
                timestamp=timestamp,
                metrics=Metrics(
                    pass_rate=rate(passed, 50),
                    match_rate=rate(matched, 50),
                    total=50,
                    passed=passed,
                    fail=50 - passed,
                    error=0,
                ),
                rubrics={
                    name: RubricResult.from_counts(matched if name == "main" else 35, 50) for name in RUBRICS
                },
                braintrust_url=f"https://www.braintrust.dev/app/acme/p/{module_id}/experiments/{index}",
            )
        )
    suggestions = [
        Suggestion(
            id=f"{module_id}-s{n}",
            version=f"v{n % 4 + 1}",
            rubric="main",
            issue=f"Issue {n} of {module_id}",
            suggestion=f"Suggestion {n}: add an example",
            priority="medium",
            status="proposed",
        )
        for n in range(1, 7)
    ]
    return Module(
        module_id=module_id,
        module_name=f"Module {number}",
        description="Benchmark module",
        primary_rubric="main",
        experiments=runs,
        suggestions=suggestions,
    )


def measure(emu: Emulator, action: Callable[[], object]) -> tuple[float, int, int]:
    """(seconds, read requests, write requests) of one action."""
    emu.clear_log()
    started = time.perf_counter()
    action()
    return time.perf_counter() - started, emu.count(write=False), emu.count(write=True)


def module_store(data_dir: Path, count: int) -> Store:
    """A data directory of ``count`` benchmark modules (m001, m002, ...)."""
    store = Store(data_dir)
    with store.lock():
        for number in range(1, count + 1):
            store.save_module(make_module(number))
    return store


def sheets_sync_figures(count: int, folder: Path) -> dict[str, tuple[float, int, int]]:
    store = module_store(folder / "data", count)
    emu = Emulator()
    emu.create_spreadsheet(SHEET)
    engine = SyncEngine(store, GspreadWorkbook(SHEET, emu.session()))
    figures = {"first push": measure(emu, engine.push), "no-op push": measure(emu, engine.push)}
    edited = store.load_module("m001")
    edited.suggestions[0].issue = "edited locally"
    with store.lock():
        store.save_module(edited)
    figures["one-cell push"] = measure(emu, engine.push)
    figures["no-op pull"] = measure(emu, engine.pull)
    edits = min(count, 10)
    _pm_edits(emu, edits)
    pulled: list[SyncResult] = []
    figures[f"pull of {edits} PM edits"] = measure(emu, lambda: pulled.append(engine.pull()))
    # A figure for a pull that found nothing would be meaningless: check the edits really came in.
    assert pulled[0].plan.notes.pulled_fields == edits, pulled[0].plan.notes
    return figures


def _pm_edits(emu: Emulator, modules: int) -> None:
    """A PM edits one suggestion's status in each of the first ``modules`` tabs."""
    pm = emu.pm(SHEET)
    snapshot = GspreadWorkbook(SHEET, emu.session()).read()
    for number in range(1, modules + 1):
        tab = snapshot.by_title(f"m{number:03d}")
        assert tab is not None
        geometry = find_geometry(tab)
        column = geometry.column("status")
        letters = "".join(chr(65 + d) for d in _base26(column))
        pm.set_cell(tab.title, f"{letters}{geometry.header_row + 2}", "in_progress")


def _base26(column: int) -> list[int]:
    digits: list[int] = []
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        digits.insert(0, rest)
    return digits


def gspread_script_figures(count: int) -> tuple[tuple[float, int, int], tuple[float, int, int]]:
    """The usual script: open the spreadsheet, then per module find (or add) its tab and ``update()`` it."""
    emu = Emulator()
    emu.create_spreadsheet(SHEET)
    client = emu.gspread_client()
    tables = [_as_rows(make_module(number)) for number in range(1, count + 1)]

    def run() -> None:
        spreadsheet = client.open_by_key(SHEET)
        for number, rows in enumerate(tables, start=1):
            title = f"m{number:03d}"
            try:
                worksheet = spreadsheet.worksheet(title)
            except gspread.WorksheetNotFound:
                worksheet = spreadsheet.add_worksheet(title, rows=len(rows) + 10, cols=len(rows[0]) + 2)
            worksheet.update(rows, "A1")

    return measure(emu, run), measure(emu, run)


def _as_rows(module: Module) -> list[list[object]]:
    header: list[object] = ["experiment id", "version", "model", "pass rate", "match rate", "total"]
    rows: list[list[object]] = [header]
    for e in module.experiments:
        rows.append(
            [e.id, e.prompt_version, e.model, e.metrics.pass_rate, e.metrics.match_rate, e.metrics.total]
        )
    for s in module.suggestions:
        rows.append([s.id, s.version, s.issue, s.suggestion, s.priority, s.status])
    return rows


def main(sizes: list[int]) -> None:
    print("| modules | operation | time (s) | reads | writes | requests |")
    print("|---:|---|---:|---:|---:|---:|")
    for count in sizes:
        with tempfile.TemporaryDirectory() as folder:
            figures = sheets_sync_figures(count, Path(folder))
        first, steady = gspread_script_figures(count)
        figures["gspread script, first run"] = first
        figures["gspread script, next runs"] = steady
        for name, (seconds, reads, writes) in figures.items():
            print(f"| {count} | {name} | {seconds:.2f} | {reads} | {writes} | {reads + writes} |")
        sys.stdout.flush()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sizes", nargs="*", type=int, default=[10, 100, 300], help="module counts (default 10 100 300)"
    )
    main(parser.parse_args().sizes)

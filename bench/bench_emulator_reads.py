"""What the emulator spends answering the sync's whole-workbook read, before and after a change, in one run.

For each size (default 100 and 300 module tabs, built like ``bench/bench_sync_reads.py``: a Store of
``bench_sync.make_module`` modules and one push) the workbook is saved as an emulator state file, and each checkout
of the code loads it in its own process and times ``Emulator.handle`` (no socket: the emulator's own share of a
read) for ``spreadsheets.get?fields=...&prettyPrint=false`` with the sync's two masks (``READ_FIELDS`` of a push,
``PULL_FIELDS`` of a pull):

* ``first``: the first read of the loaded workbook;
* ``repeat``: the same read again, nothing changed in between (what no-op pushes and pulls do);
* ``after 1-cell write``: a read after a ``values.update`` of one cell of one tab (a different tab each time).

Run from the repository root::

    .venv/bin/python bench/bench_emulator_reads.py                      # 100 300 tabs, median of 5
    .venv/bin/python bench/bench_emulator_reads.py 100 --runs 9
    git archive main | tar -x -C /tmp/main-code
    .venv/bin/python bench/bench_emulator_reads.py --code /tmp/main-code   # before (that checkout) and after (this)

``--code DIR`` runs the same reads with another checkout's ``sheets_emulator`` (by ``PYTHONPATH``) on the same
state file, so both columns come from the same workbook and the same script; the answers of both must be the same
bytes (their SHA-256 is compared, and a difference stops the benchmark). ``held MiB`` is what a freshly loaded copy
of the workbook keeps allocated after two reads with the mask, the answers themselves dropped (``tracemalloc``): what
a cache of answers costs.
Not a test: it prints a Markdown table and asserts nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync import SHEET, module_store

from sheets_emulator import Emulator
from sheets_sync.sync.api_json import PULL_FIELDS, READ_FIELDS
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.gspread_adapter import GspreadWorkbook

REPO = Path(__file__).resolve().parent.parent
MASKS = {"READ_FIELDS": READ_FIELDS, "PULL_FIELDS": PULL_FIELDS}

WORKER = r"""
import gc, hashlib, json, statistics, sys, time, tracemalloc
from urllib.parse import quote, urlencode
import sheets_emulator
from sheets_emulator import Emulator

state_file, sheet, masks, runs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])

def retained_mib(fields):
    # what a fresh copy of the workbook keeps allocated after two reads with this mask (answers dropped)
    fresh = Emulator.from_json(state)
    url = f"/v4/spreadsheets/{sheet}?" + urlencode({"fields": fields, "prettyPrint": "false"})
    gc.collect()
    tracemalloc.start()
    fresh.handle("GET", url)
    fresh.handle("GET", url)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return held / 2**20

def timed(emu, url):
    started = time.perf_counter()
    answer = emu.handle("GET", url)
    seconds = time.perf_counter() - started
    assert answer.status == 200, answer.body[:300]
    return seconds * 1000, answer.body

state = open(state_file, encoding="utf-8").read()
emu = Emulator.from_json(state)
titles = [s.title for s in emu.spreadsheet(sheet).sheets]
out = {"code": sheets_emulator.__file__, "figures": {}}
for name, fields in masks.items():
    url = f"/v4/spreadsheets/{sheet}?" + urlencode({"fields": fields, "prettyPrint": "false"})
    first, body = timed(emu, url)
    digests = {hashlib.sha256(body).hexdigest()}
    repeat = []
    for _ in range(runs):
        ms, again = timed(emu, url)
        repeat.append(ms)
        digests.add(hashlib.sha256(again).hexdigest())
    assert len(digests) == 1, "a repeated read answered other bytes"
    after_write = []
    for run in range(runs):
        tab = quote(titles[(run * 7919) % len(titles)])
        write = emu.handle("PUT", f"/v4/spreadsheets/{sheet}/values/{tab}!B3?valueInputOption=RAW",
                           json.dumps({"values": [[f"{name} write {run}"]]}))
        assert write.status == 200, write.body[:300]
        ms, last = timed(emu, url)
        after_write.append(ms)
    del body, again
    out["figures"][name] = {
        "bytes": len(last),
        "first": first,
        "repeat": statistics.median(repeat),
        "after 1-cell write": statistics.median(after_write),
        "sha256": sorted(digests)[0],
        "last_sha256": hashlib.sha256(last).hexdigest(),
        "held_mib": retained_mib(fields),
    }
    del last
print(json.dumps(out))
"""
"""One checkout's figures for one state file, as JSON on stdout (run by :func:`measure` in its own process)."""


def build_state(tabs: int, folder: Path) -> Path:
    """The workbook one push of ``tabs`` modules makes, as an emulator state file."""
    store = module_store(folder / "data", tabs)
    emu = Emulator()
    emu.create_spreadsheet(SHEET)
    SyncEngine(store, GspreadWorkbook(SHEET, emu.session())).push()
    path = folder / "state.json"
    emu.save_state(path)
    return path


def measure(code: Path, state: Path, runs: int) -> dict[str, dict[str, float | str]]:
    """The worker's figures with ``code``'s ``sheets_emulator`` first on the path."""
    environment = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, "-c", WORKER, str(state), SHEET, json.dumps(MASKS), str(runs)]
    # cwd: `python -c` puts the working directory first on sys.path, before PYTHONPATH
    done = subprocess.run(
        command, env=environment, cwd=tempfile.gettempdir(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"the worker for {code} failed: {done.stderr.strip()}")
    result = json.loads(done.stdout)
    if not str(result["code"]).startswith(str(code)):
        raise SystemExit(f"the worker for {code} imported {result['code']} instead")
    return dict(result["figures"])


SCENARIOS = ("first", "repeat", "after 1-cell write")


def table(rows: list[tuple[int, str, dict[str, float | str], dict[str, float | str] | None]]) -> str:
    """Markdown: one line per size, mask and scenario; before/after columns when another checkout ran too."""
    compare = any(before is not None for *_, before in rows)
    head = "| tabs | mask | read | answer bytes |"
    head += " before ms | after ms | speed-up | held MiB before / after |" if compare else " ms | held MiB |"
    lines = [head, "|---:|---|---|---:|" + ("---:|" * (4 if compare else 2))]
    for tabs, mask, after, before in rows:
        for scenario in SCENARIOS:
            line = f"| {tabs:,} | {mask} | {scenario} | {int(after['bytes']):,} |"
            ms = float(after[scenario])
            if before is not None:
                was = float(before[scenario])
                held = f"{float(before['held_mib']):.0f} / {float(after['held_mib']):.0f}"
                line += f" {was:.0f} | {ms:.1f} | {was / ms:.0f}x | {held if scenario == 'first' else ''} |"
            else:
                line += (
                    f" {ms:.1f} | {float(after['held_mib']):.0f} |"
                    if scenario == "first"
                    else f" {ms:.1f} | |"
                )
            lines.append(line)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sizes", nargs="*", type=int, default=[100, 300], help="module tabs (default 100 300)"
    )
    parser.add_argument("--runs", type=int, default=5, help="reads per figure (median; default 5)")
    parser.add_argument(
        "--code", type=Path, help="another checkout to measure on the same workbooks (before)"
    )
    options = parser.parse_args()
    rows = []
    for tabs in options.sizes:
        with tempfile.TemporaryDirectory() as folder:
            state = build_state(tabs, Path(folder))
            after = measure(REPO, state, options.runs)
            before = measure(options.code.resolve(), state, options.runs) if options.code else None
        for mask, figures in after.items():
            old = before[mask] if before else None
            if old is not None and (old["sha256"], old["last_sha256"]) != (
                figures["sha256"],
                figures["last_sha256"],
            ):
                raise SystemExit(f"{tabs} tabs, {mask}: the two checkouts answered different bytes")
            rows.append((tabs, mask, figures, old))
        print(f"{tabs} tabs done", file=sys.stderr, flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()

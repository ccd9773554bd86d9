"""``sheets-sync demo``: the whole loop on the bundled sample data, against the emulator, with no Google account.

Steps (each prints what it did):

1. copy the sample data (``modules/`` and ``judge_results/``) into a scratch directory: the demo never touches the
   data directory it was started from;
2. start the Google Sheets API emulator on a free loopback port and create an empty spreadsheet;
3. import the sample judge results (idempotent: the committed modules already hold them);
4. push: the real gspread adapter writes the workbook over HTTP;
5. a PM edits the sheet: changes one suggestion's priority, another's status, and types a new suggestion row;
6. pull: the edits reach ``data/modules/*.json`` and the new row gets an id, written back into its id cell;
7. print the workbook's tabs as text tables and what changed in ``data/modules/``;
8. build the static dashboards.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from sheets_sync.dashboard.build import build_site
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.a1 import cell_name
from sheets_sync.emulator.http import EmulatorServer, serve_http
from sheets_sync.emulator.pm import PM
from sheets_sync.errors import ConfigError
from sheets_sync.importers import ImportStatus, import_paths
from sheets_sync.store import Store
from sheets_sync.sync.config import SyncSettings
from sheets_sync.sync.connect import open_engine
from sheets_sync.sync.engine import SyncResult
from sheets_sync.sync.layout import SUGGESTION_ID

DEMO_SPREADSHEET_ID = "sheets-sync-demo"
MARKER = (
    ".sheets-sync-demo"  # a workdir holding this file was made by the demo and may be wiped by the next one
)
SAMPLE_PARTS = ("modules", "judge_results")
PM_MODULE = "m01"
PM_NEW_ISSUE = "Brand names in ALL CAPS are missed"
PM_NEW_SUGGESTION = "Add two examples with upper-case brands (e.g. 'ACME Pharma') to the few-shot block"
TABLE_ROWS = 12  # rows of each table printed; the rest is summarised


@dataclass
class DemoReport:
    """What the demo did, for the command to print and for tests to check."""

    workdir: Path
    endpoint: str = ""
    imported: dict[str, int] = field(default_factory=dict)
    push_requests: dict[str, int] = field(default_factory=dict)
    pull_requests: dict[str, int] = field(default_factory=dict)
    pm_edits: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    site: Path | None = None
    seconds: float = 0.0


def run_demo(sample_dir: Path, workdir: Path, console: Console) -> DemoReport:
    """Run every step; raises a SheetsSyncError when the sample data is missing or the workdir is not the demo's."""
    started = time.monotonic()
    data_dir = prepare_workdir(sample_dir, workdir)
    report = DemoReport(workdir=workdir)
    store = Store(data_dir)
    emulator = Emulator()
    emulator.create_spreadsheet(DEMO_SPREADSHEET_ID, title="sheets-sync demo")
    with _serving(emulator) as server:
        report.endpoint = server.url
        console.rule("[bold]1. emulator")
        console.print(f"Google Sheets API emulator on {server.url}, spreadsheet {DEMO_SPREADSHEET_ID!r}")
        console.print(f"working on a copy of {sample_dir} in {data_dir} (the original is not changed)")
        _step_import(store, report, console)
        before = _suggestions_by_module(store)
        console.rule("[bold]3. push")
        report.push_requests = _step_sync(emulator, data_dir, server.url, "push", console)
        _step_pm(emulator.pm(DEMO_SPREADSHEET_ID), report, console)
        console.rule("[bold]5. pull")
        report.pull_requests = _step_sync(emulator, data_dir, server.url, "pull", console)
        report.changes = _describe_changes(before, _suggestions_by_module(store))
        _print_workbook(emulator, console)
        _print_changes(report, console)
    report.site = _step_dashboard(store, workdir, console)
    report.seconds = time.monotonic() - started
    return report


# ------------------------------------------------------------------------------------------------ set-up


def prepare_workdir(sample_dir: Path, workdir: Path) -> Path:
    """Fresh copy of the sample data in ``workdir/data``; refuses to wipe a directory the demo did not make."""
    missing = [part for part in SAMPLE_PARTS if not (sample_dir / part).is_dir()]
    if missing:
        raise ConfigError(
            f"{sample_dir}: no sample data here (missing {', '.join(missing)}/); run the demo from a clone of the "
            "sheets-sync repository or pass --data-dir pointing at its data/ directory"
        )
    if workdir.exists():
        if any(workdir.iterdir()) and not (workdir / MARKER).exists():
            raise ConfigError(f"{workdir}: exists and was not made by the demo; choose another --workdir")
        shutil.rmtree(workdir)
    data_dir = workdir / "data"
    for part in SAMPLE_PARTS:
        shutil.copytree(sample_dir / part, data_dir / part)
    (workdir / MARKER).write_text("made by `sheets-sync demo`; the next demo run replaces this directory\n")
    return data_dir


@contextmanager
def _serving(emulator: Emulator) -> Iterator[EmulatorServer]:
    server = serve_http(emulator, host="127.0.0.1", port=0)
    try:
        yield server
    finally:
        server.close()


# ------------------------------------------------------------------------------------------------ steps


def _step_import(store: Store, report: DemoReport, console: Console) -> None:
    console.rule("[bold]2. import")
    results = import_paths(store, [store.judge_results_dir])
    for status in ImportStatus:
        report.imported[status.value] = sum(1 for r in results if r.status is status)
    counts = ", ".join(f"{n} {status}" for status, n in report.imported.items())
    console.print(f"imported {len(results)} judge files from {store.judge_results_dir}: {counts}")
    console.print("(the sample modules already hold these results, so a correct import changes nothing)")


def _step_sync(
    emulator: Emulator, data_dir: Path, endpoint: str, direction: str, console: Console
) -> dict[str, int]:
    """One push or pull through the real gspread adapter over HTTP; returns its API request counts."""
    first = len(emulator.requests)
    engine = open_engine(data_dir, SyncSettings(spreadsheet_id=DEMO_SPREADSHEET_ID, endpoint=endpoint))
    result = engine.push() if direction == "push" else engine.pull()
    log = emulator.requests[first:]
    counts = {"reads": sum(1 for r in log if not r["write"]), "writes": sum(1 for r in log if r["write"])}
    console.print(f"{direction}: {_plan_summary(result)}; {_requests_summary(counts)}")
    return counts


def _step_pm(pm: PM, report: DemoReport, console: Console) -> None:
    console.rule("[bold]4. a PM edits the sheet")
    table = _SuggestionTable.read(pm, PM_MODULE)
    first, second = table.rows[0], table.rows[1]
    new_priority = "low" if table.value(first, "priority") == "high" else "high"
    new_status = "rejected" if table.value(second, "status") != "rejected" else "proposed"
    table.set(first, "priority", new_priority)
    table.set(second, "status", new_status)
    new_row = table.append(
        {
            "version": table.value(first, "version"),
            "issue": PM_NEW_ISSUE,
            "suggestion": PM_NEW_SUGGESTION,
            "priority": "medium",
            "status": "proposed",
        }
    )
    report.pm_edits = [
        f"{PM_MODULE}: {table.value(first, SUGGESTION_ID)} priority -> {new_priority}",
        f"{PM_MODULE}: {table.value(second, SUGGESTION_ID)} status -> {new_status}",
        f"{PM_MODULE}: new suggestion typed on row {new_row} with an empty id: {PM_NEW_ISSUE!r}",
    ]
    for line in report.pm_edits:
        console.print(f"  {line}")


def _step_dashboard(store: Store, workdir: Path, console: Console) -> Path:
    console.rule("[bold]8. dashboards")
    index_html = build_site(store, workdir / "site")
    console.print(f"dashboards built: {index_html}")
    return index_html


def _plan_summary(result: SyncResult) -> str:
    summary = getattr(result.plan, "summary", None)
    text = summary() if callable(summary) else ""
    return text or ("applied" if result.applied else "nothing to change")


def _requests_summary(counts: dict[str, int]) -> str:
    return f"{counts['reads']} read + {counts['writes']} write API requests"


# ------------------------------------------------------------------------------------------------ the PM


@dataclass
class _SuggestionTable:
    """The suggestions table of a module tab as a PM sees it: found by its header, rows by position on screen."""

    pm: PM
    tab: str
    header_row: int  # 1-based
    columns: dict[str, int]  # header label -> 0-based column
    rows: list[int]  # 1-based rows holding a suggestion id

    @classmethod
    def read(cls, pm: PM, tab: str) -> _SuggestionTable:
        values = pm.get_values(tab)
        for index, row in enumerate(values):
            if SUGGESTION_ID in row:
                start = row.index(SUGGESTION_ID)
                columns = {
                    str(label): start + offset for offset, label in enumerate(row[start:]) if label != ""
                }
                rows = [r + 1 for r in range(index + 1, len(values)) if _cell(values, r, start) != ""]
                return cls(pm, tab, index + 1, columns, rows)
        raise ConfigError(f"tab {tab!r}: no suggestions table found (header {SUGGESTION_ID!r})")

    def value(self, row: int, label: str) -> Any:
        return _cell(self.pm.get_values(self.tab), row - 1, self.columns[label])

    def set(self, row: int, label: str, value: str) -> None:
        self.pm.set_cell(self.tab, cell_name(row - 1, self.columns[label]), value)

    def append(self, values: dict[str, str]) -> int:
        row = max(self.rows, default=self.header_row) + 1
        for label, value in values.items():
            self.set(row, label, value)
        return row


def _cell(values: list[list[Any]], row: int, col: int) -> Any:
    return values[row][col] if row < len(values) and col < len(values[row]) else ""


# ------------------------------------------------------------------------------------------------ printing


def _suggestions_by_module(store: Store) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        module_id: {s.id: s.model_dump(mode="json") for s in module.suggestions}
        for module_id, module in store.load_all().items()
    }


def _describe_changes(
    before: dict[str, dict[str, dict[str, Any]]], after: dict[str, dict[str, dict[str, Any]]]
) -> list[str]:
    """Field-level changes of suggestions between two reads of data/modules."""
    lines = []
    for module_id, suggestions in after.items():
        old_module = before.get(module_id, {})
        for suggestion_id, fields in suggestions.items():
            old = old_module.get(suggestion_id)
            if old is None:
                lines.append(
                    f"{module_id}.json: new suggestion {suggestion_id}: {json.dumps(fields, ensure_ascii=False)}"
                )
                continue
            for name, value in fields.items():
                if old.get(name) != value:
                    lines.append(f"{module_id}.json: {suggestion_id}.{name}: {old.get(name)!r} -> {value!r}")
    return lines


HEATMAP_COLUMNS = ("module id", "module name")
EXPERIMENT_COLUMNS = (
    "experiment id",
    "prompt version",
    "dataset version",
    "model",
    "pass rate",
    "match rate",
    "total",
)
SUGGESTION_COLUMNS = (SUGGESTION_ID, "version", "priority", "status", "issue")


def _print_workbook(emulator: Emulator, console: Console) -> None:
    """The Heatmap's best block and the PM's module tab, as Sheets displays them (formatted values)."""
    console.rule("[bold]6. the workbook, as the PM sees it")
    spreadsheet = emulator.gspread_client().open_by_key(DEMO_SPREADSHEET_ID)
    tabs = {ws.title: ws for ws in spreadsheet.worksheets()}
    console.print(f"tabs: {', '.join(tabs)}")
    heatmap = tabs["Heatmap"].get_all_values()
    versions = tuple(
        label for label in _header(heatmap, "module id") if label and label not in HEATMAP_COLUMNS
    )
    console.print(_text_table("Heatmap: best pass rate", heatmap, "module id", HEATMAP_COLUMNS + versions))
    module_tab = tabs[PM_MODULE].get_all_values()
    console.print(_text_table(f"{PM_MODULE}: experiments", module_tab, "experiment id", EXPERIMENT_COLUMNS))
    console.print(_text_table(f"{PM_MODULE}: suggestions", module_tab, SUGGESTION_ID, SUGGESTION_COLUMNS))
    console.print(
        f"(the other module tabs, {', '.join(t for t in tabs if t not in ('Heatmap', PM_MODULE))}, "
        f"have the same layout as {PM_MODULE})"
    )


def _header(values: list[list[str]], label: str) -> list[str]:
    return next((row for row in values if label in row), [])


def _text_table(title: str, values: list[list[str]], key: str, labels: tuple[str, ...]) -> Table:
    """The block of ``values`` under the first header row holding ``key``, until the key column runs empty."""
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    header_index = next(i for i, row in enumerate(values) if key in row)
    header = values[header_index]
    columns = [header.index(label) for label in labels if label in header]
    for col in columns:
        table.add_column(
            header[col], overflow="ellipsis", no_wrap=True, max_width=40, min_width=min(len(header[col]), 12)
        )
    key_col = header.index(key)
    rows = [row for row in values[header_index + 1 :] if _cell([row], 0, key_col) != ""]
    if any(row for row in values[header_index + 1 :] if _cell([row], 0, key_col) == ""):
        rows = list(_until_blank(values[header_index + 1 :], key_col))
    for row in rows[:TABLE_ROWS]:
        table.add_row(*[str(_cell([row], 0, col)) for col in columns])
    if len(rows) > TABLE_ROWS:
        table.caption = f"... and {len(rows) - TABLE_ROWS} more rows"
    return table


def _until_blank(rows: list[list[str]], key_col: int) -> Iterator[list[str]]:
    for row in rows:
        if _cell([row], 0, key_col) == "":
            return
        yield row


def _print_changes(report: DemoReport, console: Console) -> None:
    console.rule("[bold]7. what reached data/modules/")
    for line in report.changes or ["(nothing: the pull found no edits)"]:
        console.print(f"  {line}", markup=False, highlight=False)

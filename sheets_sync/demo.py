"""``sheets-sync demo``: the whole loop on the bundled sample data, against the emulator, with no Google account.

Steps (each prints what it did):

1. copy the sample data (``modules/`` and ``judge_results/``) into a scratch directory (the demo never touches the
   data directory it was started from), and start the Google Sheets API emulator on a free loopback port with an
   empty spreadsheet;
2. import the sample judge results (idempotent: the committed modules already hold them);
3. push: the real gspread adapter writes the workbook over HTTP;
4. a PM edits the sheet: changes one suggestion's priority, another's status, and types a new suggestion row;
5. pull: the edits reach ``data/modules/*.json`` and the new row gets an id, written back into its id cell;
6. print the workbook's tabs as text tables;
7. print what changed in the copy's ``data/modules/``;
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

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sheets_emulator import PM, Emulator, EmulatorServer, cell_name, serve_http
from sheets_sync.dashboard.build import build_site
from sheets_sync.errors import ConfigError
from sheets_sync.importers import ImportStatus, import_paths
from sheets_sync.store import Store
from sheets_sync.sync.columns import SUGGESTION_ID
from sheets_sync.sync.config import SyncSettings
from sheets_sync.sync.connect import open_engine
from sheets_sync.sync.engine import SyncEngine, SyncResult
from sheets_sync.sync.plan import Plan
from sheets_sync.sync.report import plan_lines, tabs_deleted, tabs_written

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
    sample_dir: Path
    endpoint: str = ""
    imported: dict[str, int] = field(default_factory=dict)
    push_requests: dict[str, int] = field(default_factory=dict)
    pull_requests: dict[str, int] = field(default_factory=dict)
    pm_edits: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    site: Path | None = None
    seconds: float = 0.0

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"


def run_demo(sample_dir: Path, workdir: Path, console: Console) -> DemoReport:
    """Run every step; raises a SheetsSyncError when the sample data is missing or the workdir is not the demo's."""
    started = time.monotonic()
    report = DemoReport(workdir=workdir, sample_dir=sample_dir)
    prepare_workdir(sample_dir, workdir)
    store = Store(report.data_dir)
    emulator = Emulator()
    emulator.create_spreadsheet(DEMO_SPREADSHEET_ID, title="sheets-sync demo")
    with _serving(emulator) as server:
        report.endpoint = server.url
        _step_start(report, console)
        _step_import(store, report, console)
        before = _suggestions_by_module(store)
        report.push_requests = _step_sync(emulator, report, "push", console)
        _step_pm(emulator.pm(DEMO_SPREADSHEET_ID), report, console)
        report.pull_requests = _step_sync(emulator, report, "pull", console)
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


def _step_start(report: DemoReport, console: Console) -> None:
    _heading(console, "1. start a Google Sheets API emulator (no Google account needed)")
    say(console, f"emulator:     {report.endpoint} (spreadsheet {DEMO_SPREADSHEET_ID!r}, empty)")
    say(console, f"sample data:  {_dir(report.sample_dir)} (only read: the demo does not change it)")
    say(console, f"working copy: {_dir(report.data_dir)} (the steps below work here)")
    say(console, "sheets-sync reaches it through gspread over HTTP, as it reaches Google.")


def _step_import(store: Store, report: DemoReport, console: Console) -> None:
    _heading(console, "2. import the sample judge results")
    results = import_paths(store, [store.judge_results_dir])
    for status in ImportStatus:
        report.imported[status.value] = sum(1 for r in results if r.status is status)
    counts = ", ".join(f"{n} {status}" for status, n in report.imported.items())
    say(console, f"imported {len(results)} judge files from {_dir(store.judge_results_dir)}")
    say(console, f"{counts}: the sample modules already hold these results")


def _step_sync(emulator: Emulator, report: DemoReport, direction: str, console: Console) -> dict[str, int]:
    """One push or pull through the real gspread adapter over HTTP; returns its API request counts."""
    if direction == "push":
        _heading(console, f"3. push: {_dir(report.data_dir / 'modules')} -> the spreadsheet")
    else:
        _heading(console, f"5. pull: the spreadsheet -> {_dir(report.data_dir / 'modules')}")
    first = len(emulator.requests)
    result = _engine(report).push() if direction == "push" else _engine(report).pull()
    log = emulator.requests[first:]
    counts = {"reads": sum(1 for r in log if not r["write"]), "writes": sum(1 for r in log if r["write"])}
    say(console, _sync_heading(direction, result))
    for line in plan_lines(result.plan):
        say(console, f"  {line}")
    say(console, f"API requests: {requests_summary(counts)}")
    return counts


def _engine(report: DemoReport) -> SyncEngine:
    # The loopback endpoint gets anonymous credentials and a session that ignores HTTP(S)_PROXY (sync.auth).
    settings = SyncSettings(spreadsheet_id=DEMO_SPREADSHEET_ID, endpoint=report.endpoint)
    return open_engine(report.data_dir, settings)


def _sync_heading(direction: str, result: SyncResult) -> str:
    """``push wrote 1,413 cell(s) in 7 new tab(s): Heatmap, m01, ...`` / ``pull changed modules/m01.json; ...``"""
    sheet = _sheet_changes(result.plan)
    if direction == "push":
        return f"push {sheet}"
    modules = ", ".join(f"modules/{m}.json" for m in sorted(result.saved_modules)) or "no module file"
    return f"pull changed {modules}; {sheet}"


def _sheet_changes(plan: Plan) -> str:
    """What a plan writes to the workbook, counted as the push and pull commands count it (sync.report)."""
    if not plan.cells_written:
        return "wrote nothing to the sheet"
    written = tabs_written(plan)
    kind = "new tab(s)" if all(tab.new for tab in plan.tabs if tab.title in written) else "tab(s)"
    text = f"wrote {plan.cells_written:,} cell(s) in {len(written)} {kind}: {', '.join(written)}"
    deleted = tabs_deleted(plan)
    return text + (f"; deleted tab(s): {', '.join(deleted)}" if deleted else "")


def _step_pm(pm: PM, report: DemoReport, console: Console) -> None:
    _heading(console, f"4. a PM edits tab {PM_MODULE} of the spreadsheet, as in the Sheets UI")
    table = _SuggestionTable.read(pm, PM_MODULE)
    first, second = table.rows[0], table.rows[1]
    edits = [
        table.change(first, "priority", lambda old: "low" if old == "high" else "high"),
        table.change(second, "status", lambda old: "rejected" if old != "rejected" else "proposed"),
    ]
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
        *edits,
        f"row {new_row}: a new suggestion, id left empty: {_json(PM_NEW_ISSUE)}",
    ]
    for line in report.pm_edits:
        say(console, f"  {line}")


def _step_dashboard(store: Store, workdir: Path, console: Console) -> Path:
    _heading(console, "8. build the dashboards")
    index_html = build_site(store, workdir / "site")
    pages = sorted((index_html.parent / "modules").glob("*.html"))
    say(console, f"heatmap:      {index_html}")
    say(console, f"module pages: {_dir(index_html.parent / 'modules')} ({len(pages)} pages, one per module)")
    return index_html


def requests_summary(counts: dict[str, int]) -> str:
    """``3 (2 reads + 1 write)``"""
    total = counts["reads"] + counts["writes"]
    return f"{total} ({_plural(counts['reads'], 'read')} + {_plural(counts['writes'], 'write')})"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _dir(path: Path) -> str:
    """``demo-output/data/``: a trailing slash says it is a directory."""
    return f"{path}/" if str(path) not in (".", "/") else str(path)


def _heading(console: Console, title: str) -> None:
    console.rule(Text(title, style="bold"))


def say(console: Console, line: str) -> None:
    # Text, not markup: suggestion texts and paths may hold [brackets]. soft_wrap: a long line is left for the
    # terminal to wrap, so a path or URL is never broken into two lines (it stays copyable).
    console.print(Text(line), soft_wrap=True)


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

    def change(self, row: int, label: str, new_value: Any) -> str:
        """Type ``new_value(old)`` into a cell; returns ``m01-s1: priority high -> low``."""
        old = self.value(row, label)
        self.set(row, label, new_value(old))
        return f"{self.value(row, SUGGESTION_ID)}: {label} {old} -> {self.value(row, label)}"

    def append(self, values: dict[str, str]) -> int:
        row = max(self.rows, default=self.header_row) + 1
        for label, value in values.items():
            self.set(row, label, value)
        return row


def _cell(values: list[list[Any]], row: int, col: int) -> Any:
    return values[row][col] if row < len(values) and col < len(values[row]) else ""


# ------------------------------------------------------------------------------------------------ changes


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
            where = f"{module_id}.json  {suggestion_id}"
            old = old_module.get(suggestion_id)
            if old is None:
                lines.append(f"{where}  new suggestion: {_new_suggestion(fields)}")
                continue
            lines += [
                f"{where}  {name}: {_json(old.get(name))} -> {_json(value)}"
                for name, value in fields.items()
                if old.get(name) != value
            ]
    return lines


def _new_suggestion(fields: dict[str, Any]) -> str:
    """``"Brand names ..." (version v1, priority medium, status proposed)``"""
    facts = [f"{name} {fields[name]}" for name in ("version", "priority", "status") if fields.get(name)]
    return f"{_json(fields.get('issue'))} ({', '.join(facts)})"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _print_changes(report: DemoReport, console: Console) -> None:
    modules = report.data_dir / "modules"
    _heading(console, f"7. what the pull changed in {_dir(modules)}")
    for line in report.changes or ["(nothing: the pull found no edits)"]:
        say(console, f"  {line}")
    say(console, f"(compare: diff -r {_dir(report.sample_dir / 'modules')} {_dir(modules)})")


# ------------------------------------------------------------------------------------------------ the workbook

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
SHRINKABLE = frozenset(
    {"module name", "experiment id", "issue"}
)  # long labels: cut short on narrow terminals
MIN_SHRUNK = 8


def _print_workbook(emulator: Emulator, console: Console) -> None:
    """The Heatmap's best block and the PM's module tab, as Sheets displays them (formatted values)."""
    _heading(console, "6. the workbook after the pull, as the PM sees it")
    spreadsheet = emulator.gspread_client().open_by_key(DEMO_SPREADSHEET_ID)
    tabs = {ws.title: ws for ws in spreadsheet.worksheets()}
    say(console, f"tabs: {', '.join(tabs)}")
    heatmap = tabs["Heatmap"].get_all_values()
    versions = tuple(
        label for label in _header(heatmap, "module id") if label and label not in HEATMAP_COLUMNS
    )
    module_tab = tabs[PM_MODULE].get_all_values()
    blocks = [
        (
            "Heatmap tab: best pass rate per module and prompt version",
            heatmap,
            "module id",
            HEATMAP_COLUMNS + versions,
        ),
        (f"{PM_MODULE} tab: experiments", module_tab, "experiment id", EXPERIMENT_COLUMNS),
        (
            f"{PM_MODULE} tab: suggestions (the columns a PM edits)",
            module_tab,
            SUGGESTION_ID,
            SUGGESTION_COLUMNS,
        ),
    ]
    for title, values, key, labels in blocks:
        console.print()
        console.print(_text_table(title, *_block(values, key, labels), console.width))
    others = ", ".join(t for t in tabs if t not in ("Heatmap", PM_MODULE))
    say(console, f"(the other module tabs, {others}, have the same layout as {PM_MODULE})")


def _header(values: list[list[str]], label: str) -> list[str]:
    return next((row for row in values if label in row), [])


def _block(values: list[list[str]], key: str, labels: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the table under the first header row holding ``key``, until the key column runs
    empty; only the columns named in ``labels``."""
    header_index = next(i for i, row in enumerate(values) if key in row)
    header = values[header_index]
    columns = [header.index(label) for label in labels if label in header]
    key_col = header.index(key)
    rows = []
    for row in values[header_index + 1 :]:
        if _cell([row], 0, key_col) == "":
            break
        rows.append([str(_cell([row], 0, col)) for col in columns])
    return [header[col] for col in columns], rows


def _text_table(title: str, header: list[str], rows: list[list[str]], width: int) -> Table:
    """A plain table that fits ``width``: number columns stay whole, long labels are cut short with an ellipsis."""
    shown = rows[:TABLE_ROWS]
    widths, gap = _fit_widths(header, shown, width)
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, gap - 1, 0, 0),
    )
    for index, (label, column_width) in enumerate(zip(header, widths, strict=True)):
        numeric = all(_is_number(row[index]) for row in shown if row[index])
        table.add_column(
            Text(label, no_wrap=False, overflow="fold"),  # a long header wraps onto a second line
            width=column_width,
            no_wrap=True,
            overflow="ellipsis",
            justify="right" if numeric else "left",
        )
    for row in shown:
        table.add_row(*(Text(value) for value in row))
    if len(rows) > len(shown):
        table.caption = f"... and {len(rows) - len(shown)} more rows"
        table.caption_justify = "left"
    return table


def _fit_widths(header: list[str], rows: list[list[str]], width: int) -> tuple[list[int], int]:
    """Column widths and the gap between columns for a table no wider than ``width`` when that is possible.

    Natural widths with two spaces between columns when they fit; otherwise one space, headers wrapped to their
    longest word, and the long label columns (``SHRINKABLE``) sharing what is left.
    """
    natural = [max([len(label), *(len(row[i]) for row in rows)]) for i, label in enumerate(header)]
    if sum(natural) + 2 * (len(header) - 1) <= width:
        return natural, 2
    narrow = [
        natural[i] if label in SHRINKABLE else max([_longest_word(label), *(len(row[i]) for row in rows)])
        for i, label in enumerate(header)
    ]
    shrinkable = [i for i, label in enumerate(header) if label in SHRINKABLE]
    room = width - (len(header) - 1) - sum(w for i, w in enumerate(narrow) if i not in shrinkable)
    wanted = sum(natural[i] for i in shrinkable) or 1
    for i in shrinkable:
        narrow[i] = min(natural[i], max(MIN_SHRUNK, room * natural[i] // wanted))
    return narrow, 1


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _is_number(text: str) -> bool:
    try:
        float(text.rstrip("%").replace(",", ""))
    except ValueError:
        return False
    return True

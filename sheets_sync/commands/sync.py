"""Commands of the Google Sheets sync: push, pull, status.

Exit codes: 0 done, 1 error (one line on stderr), 2 usage, 3 conflicts (printed, everything else applied).
Options go after the command name: ``sheets-sync push --spreadsheet URL``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich import box
from rich.table import Table
from rich.text import Text

from sheets_sync.commands._common import common_options, err, out, resolve_data_dir
from sheets_sync.errors import DataError
from sheets_sync.sync.config import load_settings
from sheets_sync.sync.connect import open_engine
from sheets_sync.sync.engine import SyncEngine, SyncOptions, SyncResult
from sheets_sync.sync.merge import Prefer
from sheets_sync.sync.plan import Plan
from sheets_sync.sync.report import plan_lines, plan_summary

F = TypeVar("F", bound=Callable[..., Any])


def connection_options(func: F) -> F:
    """Where the workbook is and how to reach it (each also settable by environment or config file)."""
    options = [
        click.option("--spreadsheet", "spreadsheet", metavar="ID_OR_URL",
                     help="Spreadsheet id or URL (else $SHEETS_SYNC_SPREADSHEET_ID, else the config file)."),
        click.option("--endpoint", metavar="URL",
                     help="Sheets API base URL, e.g. a local emulator (else $SHEETS_SYNC_ENDPOINT; default Google)."),
        click.option("--credentials", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
                     help="Service-account key or credentials file (default: Application Default Credentials)."),
        click.option("--deadline", type=click.FloatRange(min=1), metavar="SECONDS",
                     help="Give up retrying after this long (default 300)."),
        click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
                     help="Settings file (default: ./sheets-sync.toml when present)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _prefer_option(func: F) -> F:
    return click.option(
        "--prefer",
        type=click.Choice([p.value for p in Prefer]),
        help="Resolve conflicts in favour of the sheet or of the local files.",
    )(func)


def _dry_run_option(func: F) -> F:
    return click.option("--dry-run", is_flag=True, help="Print the plan; write nothing to the sheet or to files.")(func)


# ------------------------------------------------------------------------------------------------ commands


@click.command("push")
@connection_options
@_dry_run_option
@_prefer_option
@click.option("--delete-removed-tabs", is_flag=True, help="Delete the tabs of modules removed locally (default: keep).")
@common_options
def push(data_dir: Path | None, dry_run: bool, prefer: str | None, delete_removed_tabs: bool, **connection: Any) -> None:
    """Write local results and suggestion edits to the workbook (creates tabs and layout as needed).

    Exit 3 when a field was changed both locally and in the sheet (everything else is written first).
    """
    options = SyncOptions(Prefer(prefer) if prefer else None, delete_removed_tabs=delete_removed_tabs, dry_run=dry_run)
    result = _engine(data_dir, connection).push(options)
    _print_result(result)
    result.raise_for_conflicts()


@click.command("pull")
@connection_options
@_dry_run_option
@_prefer_option
@click.option("--accept-deletions", is_flag=True,
              help="Delete locally the suggestions whose rows were deleted in the sheet (default: keep them).")
@common_options
def pull(data_dir: Path | None, dry_run: bool, prefer: str | None, accept_deletions: bool, **connection: Any) -> None:
    """Bring PM edits of suggestions into data/modules/ and give PMs' new suggestion rows their ids.

    Run it before building dashboards. Exit 3 on conflicts (everything else is saved first).
    """
    options = SyncOptions(Prefer(prefer) if prefer else None, accept_deletions=accept_deletions, dry_run=dry_run)
    result = _engine(data_dir, connection).pull(options)
    _print_result(result)
    result.raise_for_conflicts()


@click.command("status")
@connection_options
@click.option("--json", "as_json", is_flag=True, help="Print both plans as JSON.")
@common_options
def status(data_dir: Path | None, as_json: bool, **connection: Any) -> None:
    """Show what push and pull would change, both ways, writing nothing."""
    result = _engine(data_dir, connection).status()
    if as_json:
        click.echo(json.dumps({"push": plan_summary(result.push), "pull": plan_summary(result.pull)}, indent=2))
        return
    for plan in (result.push, result.pull):
        _print_plan(plan, f"{plan.direction} would write")


COMMANDS = [push, pull, status]


# ------------------------------------------------------------------------------------------------ helpers


def _engine(data_dir: Path | None, connection: dict[str, Any]) -> SyncEngine:
    directory = resolve_data_dir(data_dir)
    if not directory.is_dir():
        # Never sync an empty workbook layout from a mistyped directory (and never create it by locking it).
        raise DataError("no such data directory (give --data-dir DIR or set SHEETS_SYNC_DATA_DIR)", path=directory)
    _show_retries()
    config_file = connection.pop("config_file", None)
    spreadsheet = connection.pop("spreadsheet", None)
    settings = load_settings(config_file, spreadsheet_id=spreadsheet, **connection)
    return open_engine(directory, settings)


def _show_retries() -> None:
    """Retries and recoveries are logged as warnings: show them on stderr, without a traceback or markup."""
    logger = logging.getLogger("sheets_sync.sync")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler(logging.WARNING))


class _StderrHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


def _print_result(result: SyncResult) -> None:
    verb = "wrote" if result.applied else "would write"
    _print_plan(result.plan, f"{result.plan.direction} {verb}")
    if result.recovered:
        err.print(Text(f"rows moved while writing; put right: {len(result.recovered)} cell(s)/row(s)"))
    if result.saved_modules:
        out.print(Text(f"saved: {', '.join(f'modules/{m}.json' for m in result.saved_modules)}"))


def _print_plan(plan: Plan, heading: str) -> None:
    summary = plan_summary(plan)
    changed = summary["tabs"]
    out.print(Text(f"{heading}: {summary['cells']} cell(s) in {len(changed)} tab(s)"
                   + ("" if plan.has_writes else " (no write requests)")))
    if changed:
        table = Table(box=box.SIMPLE, show_header=True)
        for column in ("tab", "cells", "rows added", "note"):
            table.add_column(column)
        for tab in changed:
            note = "new" if tab["new"] else "deleted" if tab["deleted"] else ""
            table.add_row(Text(tab["title"]), str(tab["cells"]), str(tab["rows_added"]), note)
        out.print(table)
    _print_conflicts(plan)
    for line in plan_lines(plan):
        out.print(Text(line))


def _print_conflicts(plan: Plan) -> None:
    if not plan.conflicts:
        return
    table = Table(title="conflicts (changed on both sides)", box=box.SIMPLE)
    for column in ("module", "row", "column", "base", "local", "sheet"):
        table.add_column(column)
    for c in plan.conflicts:
        table.add_row(*(Text(str(v) if v is not None else "-") for v in (c.module_id, c.row_id, c.column, c.base,
                                                                        c.local, c.sheet)))
    out.print(table)

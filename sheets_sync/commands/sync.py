"""Commands of the Google Sheets sync: push, pull, status.

Exit codes: 0 done, 1 error (one line on stderr), 2 usage, 3 conflicts (printed, everything else applied), 5 values
refused or tabs skipped (printed, all else applied; 3 wins when both).
Options go after the command name: ``sheets-sync push --spreadsheet URL``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.text import Text

from sheets_sync.commands._common import common_options, err, existing_data_dir, json_option
from sheets_sync.commands._output import Column, print_fitted, print_json
from sheets_sync.commands._output import console as output_console
from sheets_sync.sync.config import load_settings
from sheets_sync.sync.connect import open_engine
from sheets_sync.sync.engine import SyncEngine, SyncOptions, SyncResult
from sheets_sync.sync.merge import Direction, Prefer
from sheets_sync.sync.plan import Plan
from sheets_sync.sync.report import plan_lines, plan_summary, tabs_deleted, tabs_written
from sheets_sync.versions import natural_key

F = TypeVar("F", bound=Callable[..., Any])


def connection_options(func: F) -> F:
    """Where the workbook is and how to reach it (each also settable by environment or config file)."""
    options = [
        click.option(
            "--spreadsheet",
            "spreadsheet",
            metavar="ID_OR_URL",
            help="Spreadsheet id or URL (else $SHEETS_SYNC_SPREADSHEET_ID, else the config file).",
        ),
        click.option(
            "--endpoint",
            metavar="URL",
            help="Sheets API base URL, e.g. a local emulator (else $SHEETS_SYNC_ENDPOINT; default Google).",
        ),
        click.option(
            "--credentials",
            type=click.Path(dir_okay=False, path_type=Path),
            metavar="PATH",
            help="Service-account key or credentials file (default: Application Default Credentials).",
        ),
        click.option(
            "--deadline",
            type=click.FloatRange(min=1),
            metavar="SECONDS",
            help="Give up retrying after this long (default 300).",
        ),
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False, path_type=Path),
            metavar="PATH",
            help="Settings file (default: ./sheets-sync.toml when present).",
        ),
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
    return click.option(
        "--dry-run", is_flag=True, help="Print the plan; write nothing to the sheet or to files."
    )(func)


# ------------------------------------------------------------------------------------------------ commands


EXIT_CODES = (
    "Exit codes: 0 done, 1 error (one line on stderr), 2 usage, 3 conflicts (listed; everything else applied), "
    "5 values refused or tabs skipped (listed; all else applied; 3 wins when there are conflicts too)."
)


@click.command(
    "push",
    epilog=f"""\b
Examples:
  sheets-sync push --spreadsheet https://docs.google.com/spreadsheets/d/<id>/edit
  sheets-sync push --dry-run            # print the plan, write nothing
  sheets-sync push --prefer local       # resolve conflicts with the local values
  sheets-sync push --endpoint http://127.0.0.1:8765   # a local emulator, no credentials
  sheets-sync push --json | jq .plan.cells       # what was written, for scripts (shape: docs/cli.md)

{EXIT_CODES} See docs/sync.md.""",
)
@connection_options
@_dry_run_option
@_prefer_option
@click.option(
    "--delete-removed-tabs", is_flag=True, help="Delete the tabs of modules removed locally (default: keep)."
)
@json_option
@common_options
def push(
    data_dir: Path | None,
    dry_run: bool,
    prefer: str | None,
    delete_removed_tabs: bool,
    as_json: bool,
    **connection: Any,
) -> None:
    """Write local results and suggestion edits to the workbook (creates tabs and layout as needed).

    Exit 3 when a field was changed both locally and in the sheet (everything else is written first).
    """
    options = SyncOptions(
        Prefer(prefer) if prefer else None, delete_removed_tabs=delete_removed_tabs, dry_run=dry_run
    )
    result = _engine(data_dir, connection).push(options)
    _print_result(result, as_json=as_json)
    result.raise_for_conflicts()


@click.command(
    "pull",
    epilog=f"""\b
Examples:
  sheets-sync pull --spreadsheet <id>   # before building dashboards
  sheets-sync pull --dry-run            # what would change, nothing written
  sheets-sync pull --accept-deletions   # rows deleted in the sheet are deleted locally too
  sheets-sync pull --json | jq .saved_modules

{EXIT_CODES} See docs/sync.md.""",
)
@connection_options
@_dry_run_option
@_prefer_option
@click.option(
    "--accept-deletions",
    is_flag=True,
    help="Delete locally the suggestions whose rows were deleted in the sheet (default: keep them).",
)
@json_option
@common_options
def pull(
    data_dir: Path | None,
    dry_run: bool,
    prefer: str | None,
    accept_deletions: bool,
    as_json: bool,
    **connection: Any,
) -> None:
    """Bring PM edits of suggestions into data/modules/ and give PMs' new suggestion rows their ids.

    Run it before building dashboards. Exit 3 on conflicts (everything else is saved first).
    """
    options = SyncOptions(
        Prefer(prefer) if prefer else None, accept_deletions=accept_deletions, dry_run=dry_run
    )
    result = _engine(data_dir, connection).pull(options)
    _print_result(result, as_json=as_json)
    result.raise_for_conflicts()


@click.command(
    "status",
    epilog="""\b
Examples:
  sheets-sync status --spreadsheet <id>
  sheets-sync status --json | jq .push.sheet_edits_not_yet_pulled

Exit codes: 0 done (also with pending conflicts, which are listed), 1 error, 2 usage. See docs/sync.md.""",
)
@connection_options
@click.option("--json", "as_json", is_flag=True, help="Print both plans as JSON (shape: docs/cli.md).")
@common_options
def status(data_dir: Path | None, as_json: bool, **connection: Any) -> None:
    """Show what push and pull would change, both ways, writing nothing (one read of the workbook)."""
    result = _engine(data_dir, connection).status()
    if as_json:
        print_json({"push": plan_summary(result.push), "pull": plan_summary(result.pull)})
        return
    _print_plan(result.push, applied=False)
    # Both plans see the same conflicts (one read, one base): list them once.
    _print_plan(result.pull, applied=False, conflicts=result.pull.conflicts != result.push.conflicts)


COMMANDS = [push, pull, status]


# ------------------------------------------------------------------------------------------------ helpers


def _engine(data_dir: Path | None, connection: dict[str, Any]) -> SyncEngine:
    # Never sync an empty workbook layout from a mistyped directory (and never create it by locking it).
    directory = existing_data_dir(data_dir)
    _show_retries()
    config_file = connection.pop("config_file", None)
    spreadsheet = connection.pop("spreadsheet", None)
    settings = load_settings(config_file, spreadsheet_id=spreadsheet, **connection)
    if settings.endpoint and not connection.get("endpoint"):
        # An endpoint left in the environment by an emulator session must not pass for Google unnoticed.
        err.print(
            Text(
                f"note: using the Sheets API at {settings.endpoint} (from $SHEETS_SYNC_ENDPOINT or the "
                "config file), not Google's"
            )
        )
    return open_engine(directory, settings)


def _show_retries() -> None:
    """Retries and recoveries (warnings) always go to stderr; progress (info) too when stderr is a terminal."""
    logger = logging.getLogger("sheets_sync.sync")
    level = logging.INFO if err.is_terminal else logging.WARNING
    handler = next((h for h in logger.handlers if isinstance(h, _StderrHandler)), None)
    if handler is None:
        handler = _StderrHandler()
        logger.addHandler(handler)
    handler.setLevel(level)
    logger.setLevel(min(logger.getEffectiveLevel(), level))


class _StderrHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        prefix = "warning: " if record.levelno >= logging.WARNING else ""
        click.echo(f"{prefix}{record.getMessage()}", err=True)


def _print_result(result: SyncResult, *, as_json: bool = False) -> None:
    if as_json:
        print_json(
            {
                "applied": result.applied,
                "plan": plan_summary(result.plan),
                "saved_modules": list(result.saved_modules),
                "recovered": list(result.recovered),
            }
        )
        return
    _print_plan(result.plan, applied=result.applied, saved=result.saved_modules)
    if result.recovered:
        err.print(Text(f"rows moved while writing; put right: {len(result.recovered)} cell(s)/row(s)"))


def _print_plan(plan: Plan, *, applied: bool, saved: list[str] | None = None, conflicts: bool = True) -> None:
    """The summary line, a table of the tabs it touches, the conflicts, then one line per fact reported."""
    summary = plan_summary(plan)
    console = output_console()
    console.print(Text(_plan_heading(plan, applied=applied, saved=saved)))
    changed = summary["tabs"]
    if changed:
        edits = "PM edits reverted" if plan.direction is Direction.PUSH else "PM edits in tool cells"
        columns = [
            Column("tab"),
            *(Column(label, justify="right") for label in ("cells", "rows added", edits)),
            Column("note"),
        ]
        rows = [
            [
                tab["title"],
                str(tab["cells"]),
                str(tab["rows_added"]),
                str(tab["pm_edits_in_tool_cells"]),
                "new" if tab["new"] else "deleted" if tab["deleted"] else "",
            ]
            for tab in changed
        ]
        print_fitted(console, None, columns, rows)
    if conflicts:
        _print_conflicts(plan)
    for line in plan_lines(plan):
        console.print(Text(line))


def _plan_heading(plan: Plan, *, applied: bool, saved: list[str] | None = None) -> str:
    """One summary line: what was (or would be) written to the sheet, and for pull, to which module files
    (``saved``: the files a pull actually rewrote)."""
    if plan.has_writes:
        sheet = f"{plan.cells_written:,} cell(s) in {len(tabs_written(plan))} tab(s)"
    else:
        sheet = "nothing to the sheet (no write requests)"
    deleted = tabs_deleted(plan)
    if deleted:  # named apart, as the demo does: a deleted tab is not a tab written
        sheet += f"; {'deleted' if applied else 'would delete'} tab(s): {', '.join(deleted)}"
    if plan.direction is Direction.PUSH:
        return f"push {'wrote' if applied else 'would write'} {sheet}"
    changed = saved if applied and saved is not None else sorted(plan.modules, key=natural_key)
    files = ", ".join(f"modules/{m}.json" for m in changed) or "no module file"
    if applied:
        return f"pull changed {files}; wrote {sheet}"
    return f"pull would change {files} and write {sheet}"


CONFLICT_TEXT_LIMIT = 60
"""Conflicting values longer than this are shortened in the table (``status --json`` has them whole)."""


def _print_conflicts(plan: Plan) -> None:
    if not plan.conflicts:
        return
    columns = [Column(label) for label in ("module", "row", "column")]
    columns += [Column(label, wrap=True) for label in ("base", "local", "sheet")]
    rows = [
        [_short(v) for v in (c.module_id, c.row_id, c.column, c.base, c.local, c.sheet)]
        for c in plan.conflicts
    ]
    title = f"{len(plan.conflicts)} conflict(s): changed on both sides since the last sync"
    print_fitted(output_console(), title, columns, rows, keys=2)


def _short(value: str | None) -> str:
    if value is None:
        return "(none)"
    text = value.replace("\n", " ")
    if not text:
        return "(empty)"
    return text if len(text) <= CONFLICT_TEXT_LIMIT else text[: CONFLICT_TEXT_LIMIT - 1] + "…"

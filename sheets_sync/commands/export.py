"""``sheets-sync export csv``: the PM tracker CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.text import Text

from sheets_sync import jsonio
from sheets_sync.commands._common import common_options, err, existing_data_dir
from sheets_sync.errors import DataError
from sheets_sync.store import Store
from sheets_sync.tracker_csv import tracker_csv


@click.group(
    "export",
    epilog="""\b
Examples:
  sheets-sync export csv > tracker.csv
  sheets-sync export csv --excel --out tracker.csv

Exit codes: 0 done, 1 error (one line on stderr: file: JSON path: message), 2 usage.""",
)
def export_group() -> None:
    """Write the mirror in other tools' formats (the PM tracker CSV)."""


@export_group.command(
    "csv",
    short_help="The PM tracker CSV, one row per experiment.",
    epilog="""\b
Examples:
  sheets-sync export csv                       # to stdout
  sheets-sync export csv --out tracker.csv     # written atomically
  sheets-sync export csv --excel --out tracker.csv   # with a BOM, so Excel reads UTF-8

Columns: Module, LLM Model, Prompt version, Dataset version, Pass Rate %, Match Rate %, Suggested Improvements,
Braintrust link, Date, Experiment id, Rates (judged: counted from the samples; reported: a legacy tracker's rates,
no counts). A null rate is an empty cell; text starting = + - @ is neutralised with '.

Exit codes: 0 done, 1 error (one line on stderr: file: JSON path: message), 2 usage.""",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File (default: stdout)."
)
@click.option("--excel", is_flag=True, help="Start with a UTF-8 byte order mark, for Excel.")
@common_options
def csv_command(out: Path | None, excel: bool, data_dir: Path | None) -> None:
    """One row per experiment (reruns included), the PM tracker's columns first; stable order."""
    modules = Store(existing_data_dir(data_dir)).load_all()
    text = tracker_csv(modules.values(), excel=excel)
    if out is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return
    try:
        jsonio.remove_stale_temps(out)  # what a killed export to this file left (hidden .<name>.*.tmp files)
        jsonio.atomic_write_text(out, text)
    except OSError as exc:  # under a file, a name too long, no permission, a full disk
        raise DataError(f"cannot write the export: {exc.strerror}", path=out) from None
    rows = sum(len(m.experiments) for m in modules.values())
    err.print(Text(f"{out}: {rows} row(s)"))


COMMANDS = [export_group]

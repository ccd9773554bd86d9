"""The ``sheets-sync`` command line: a thin layer over the library.

Commands are loaded lazily from :data:`sheets_sync.commands.CATALOG`: ``sheets-sync --help`` imports click and
nothing heavy, and running a command imports only its own module.

Exit codes: 0 done, 1 error, 2 usage, 3 sync or ``migrate --apply`` conflicts, 4 significant regression
(``diff --fail-on-regression``), 5 sync values refused or tabs skipped.
Library errors (:mod:`sheets_sync.errors`) print as one line on stderr; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path
from typing import Any

import click

from sheets_sync import __version__
from sheets_sync.commands import CATALOG
from sheets_sync.errors import SheetsSyncError


class SheetsSyncGroup(click.Group):
    """Maps library exceptions to one-line errors and exit codes; lists commands in workflow order."""

    # Commands load lazily: ``_loaded`` holds the imported ones. ``commands`` (click's attribute, which tests and
    # tools read) imports every catalogued module first, so it always lists them all.
    _loaded: dict[str, click.Command]

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        for module in sorted({entry.module for entry in CATALOG.values()}):
            self._load(module)
        return self._loaded

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._loaded = dict(value)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        self._loaded[name or cmd.name or ""] = cmd

    def list_commands(self, ctx: click.Context) -> list[str]:
        # Catalog order (data, sync, dashboards, emulator, demo) reads better in --help than A-Z.
        return list(CATALOG) + [name for name in self._loaded if name not in CATALOG]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import the command's module on first use; a command missing from the catalog is still found."""
        if cmd_name not in self._loaded:
            entry = CATALOG.get(cmd_name)
            for module in [entry.module] if entry else sorted({e.module for e in CATALOG.values()}):
                self._load(module)
        return self._loaded.get(cmd_name)

    def _load(self, module_name: str) -> None:
        # The cyclic collector paused while a command's modules load: it would rescan the growing heap of classes,
        # functions and pydantic schemas again and again (a tenth of a one-file import's start-up), and none of
        # them is garbage.
        enabled = gc.isenabled()
        gc.disable()
        try:
            module = importlib.import_module(module_name)
        finally:
            if enabled:
                gc.enable()
        for command in module.COMMANDS:
            if command.name not in self._loaded:
                self.add_command(command)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the catalog, without importing any command's module."""
        rows = [(name, entry.help) for name, entry in CATALOG.items()]
        rows += [
            (name, cmd.get_short_help_str()) for name, cmd in self._loaded.items() if name not in CATALOG
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SheetsSyncError as exc:
            if _debug(ctx):
                raise
            _print_error(str(exc))
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            _print_error("interrupted")
            sys.exit(130)
        except Exception as exc:  # the last line of defence: no traceback for users
            if _debug(ctx):
                raise
            _print_error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
            sys.exit(1)


def _print_error(message: str) -> None:
    # click.echo, not rich: the message is data (file names, cell text) and must not be read as markup.
    click.echo(f"error: {message}", err=True)


def _debug(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("debug"))


HELP_EPILOG = """\b
Examples:
  sheets-sync import data/judge_results/          # judge files into data/modules/, index rebuilt
  sheets-sync show m01                            # a module in the terminal (--json for scripts)
  sheets-sync push --spreadsheet <id>             # results up to Google Sheets
  sheets-sync pull --spreadsheet <id>             # PMs' edits back
  sheets-sync dashboard --out site/               # static dashboards
  sheets-sync COMMAND --help                      # examples and exit codes of one command

\b
Exit codes: 0 done; 1 error (one line on stderr; --debug for the traceback); 2 usage;
3 sync or migrate --apply conflicts (listed, all else applied);
4 diff --fail-on-regression found a significant drop;
5 sync values refused or tabs skipped (listed, all else applied; 3 wins when both).
Commands that print data accept --json (shapes: docs/cli.md)."""


@click.group(
    cls=SheetsSyncGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=HELP_EPILOG
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory (default: $SHEETS_SYNC_DATA_DIR, else ./data). Also accepted after the command name.",
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks on errors.")
@click.version_option(__version__, prog_name="sheets-sync")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, debug: bool) -> None:
    """Keep LLM-eval results in one local JSON mirror and in two-way sync with Google Sheets."""
    obj = ctx.ensure_object(dict)
    obj["data_dir"] = data_dir
    obj["debug"] = obj.get("debug", False) or debug

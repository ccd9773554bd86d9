"""The ``sheets-sync`` command line: a thin layer over the library.

Exit codes: 0 done, 1 error, 2 usage, 3 sync conflicts, 4 significant regression (``diff --fail-on-regression``).
Library errors (:mod:`sheets_sync.errors`) print as one line on stderr; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from sheets_sync import __version__
from sheets_sync.errors import SheetsSyncError


class SheetsSyncGroup(click.Group):
    """Maps library exceptions to one-line errors and exit codes; lists commands in workflow order."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        # Registration order (data, sync, dashboards, emulator, demo) reads better in --help than A-Z.
        return list(self.commands)

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


@click.group(cls=SheetsSyncGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


def _register() -> None:
    # Each feature keeps its commands in its own module under sheets_sync/commands/ and is listed here once.
    from sheets_sync.commands import dashboard as dashboard_commands
    from sheets_sync.commands import data as data_commands
    from sheets_sync.commands import demo as demo_commands
    from sheets_sync.commands import emulator as emulator_commands
    from sheets_sync.commands import sync as sync_commands
    from sheets_sync.commands import team as team_commands

    for module in (
        data_commands,
        sync_commands,
        team_commands,
        dashboard_commands,
        emulator_commands,
        demo_commands,
    ):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

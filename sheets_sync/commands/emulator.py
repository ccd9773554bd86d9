"""``sheets-sync emulator``: the Google Sheets API emulator as an HTTP server on loopback.

Point sheets-sync at it with ``--endpoint http://127.0.0.1:8765`` (or ``SHEETS_SYNC_ENDPOINT``); anonymous
credentials are accepted. ``--state FILE`` loads the workbooks at start and saves them when the server stops
(Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import errno
import signal
from pathlib import Path
from types import FrameType

import click

from sheets_emulator import Emulator, EmulatorServer
from sheets_sync.commands._common import err
from sheets_sync.errors import ConfigError, DataError


@click.command(
    "emulator",
    epilog="""\b
Examples:
  sheets-sync emulator --create-spreadsheet demo     # http://127.0.0.1:8765
  sheets-sync emulator --port 0 --state /tmp/workbooks.json
  sheets-sync push --endpoint http://127.0.0.1:8765 --spreadsheet demo   # in another shell

Exit codes: 0 stopped (Ctrl-C or SIGTERM; state saved), 1 error (port in use, unreadable state file), 2 usage.""",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="TCP port (0: any free port; the first line printed is the URL).",
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it on loopback)."
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSON file holding the workbooks: loaded at start when it exists, written when the server stops.",
)
@click.option(
    "--create-spreadsheet",
    "spreadsheet_ids",
    multiple=True,
    metavar="ID",
    help="Create an empty spreadsheet with this id (repeatable; existing ones are kept).",
)
def emulator(port: int, host: str, state_file: Path | None, spreadsheet_ids: tuple[str, ...]) -> None:
    """Run the Google Sheets API emulator (API under /v4/spreadsheets, request log at /_emulator/requests).

    Stop it with Ctrl-C (or SIGTERM); with --state, the workbooks are saved then.
    """
    emu = _load(state_file)
    for spreadsheet_id in spreadsheet_ids:
        if spreadsheet_id not in emu.spreadsheet_ids:
            emu.create_spreadsheet(spreadsheet_id, title=spreadsheet_id)
    server = _listen(emu, host, port)
    # The first stdout line is the URL, so scripts (and tests) starting it with --port 0 can read where it
    # listens; everything else goes to stderr.
    click.echo(f"Sheets API emulator listening on {server.url}")
    err.print(f"spreadsheets: {', '.join(emu.spreadsheet_ids) or '(none)'}")
    err.print(f"request log: {server.url}/_emulator/requests")
    if state_file is not None:
        err.print(
            f"state file: {state_file} ({'loaded; ' if state_file.exists() else ''}saved when the emulator stops)"
        )
    err.print("stop with Ctrl-C")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        # The terminal echoed "^C" without a newline: start the last lines on a line of their own.
        err.print("\nstopped" if err.is_terminal else "stopped")
    finally:
        server.close_socket()
        if state_file is not None:
            _save(emu, state_file)


def _load(state_file: Path | None) -> Emulator:
    emu = Emulator()
    if state_file is None:
        return emu
    _check_state_directory(state_file)
    if state_file.exists():
        try:
            emu.load(state_file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise DataError(f"not an emulator state file ({error})", path=state_file) from None
    return emu


def _check_state_directory(state_file: Path) -> None:
    """Fail at start, not at Ctrl-C when the workbooks would be lost, if the state file cannot be written."""
    if not state_file.parent.is_dir():
        raise ConfigError(f"--state {state_file}: {state_file.parent} is not an existing directory")


def _save(emu: Emulator, state_file: Path) -> None:
    try:
        emu.save_state(state_file)
    except OSError as error:
        raise DataError(
            f"could not save the emulator state: {error.strerror or error}", path=state_file
        ) from None
    err.print(f"state saved to {state_file} ({len(emu.spreadsheet_ids)} spreadsheet(s))")


def _listen(emu: Emulator, host: str, port: int) -> EmulatorServer:
    try:
        return EmulatorServer(emu, host, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            reason = "the port is already in use (another emulator still running?); choose another --port, or --port 0"
        else:
            reason = error.strerror or str(error)
        raise ConfigError(f"cannot listen on {host}:{port}: {reason}") from None


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops the server like Ctrl-C, so the state is saved."""
    raise KeyboardInterrupt


COMMANDS = [emulator]

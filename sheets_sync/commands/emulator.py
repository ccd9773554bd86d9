"""``sheets-sync emulator``: the Google Sheets API emulator as an HTTP server on loopback.

Point sheets-sync at it with ``--endpoint http://127.0.0.1:8765`` (or ``SHEETS_SYNC_ENDPOINT``); anonymous
credentials are accepted. ``--state FILE`` loads the workbooks at start and saves them when the server stops
(Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import click

from sheets_sync.commands._common import err
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.http import EmulatorServer


@click.command("emulator")
@click.option("--port", type=int, default=8765, show_default=True, help="TCP port (0: any free port).")
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
    """Run the Google Sheets API emulator (API under /v4/spreadsheets, request log at /_emulator/requests)."""
    emu = _load(state_file)
    for spreadsheet_id in spreadsheet_ids:
        if spreadsheet_id not in emu.spreadsheet_ids:
            emu.create_spreadsheet(spreadsheet_id, title=spreadsheet_id)
    server = EmulatorServer(emu, host, port)
    # The first stdout line is the URL, so scripts (and tests) starting it with --port 0 can read where it
    # listens.
    click.echo(f"Sheets API emulator listening on {server.url}")
    err.print(f"spreadsheets: {', '.join(emu.spreadsheet_ids) or '(none)'}")
    err.print(f"request log: {server.url}/_emulator/requests")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close_socket()
        if state_file is not None:
            emu.save_state(state_file)
            err.print(f"state saved to {state_file}")


def _load(state_file: Path | None) -> Emulator:
    emu = Emulator()
    if state_file is not None and state_file.exists():
        try:
            emu.load(state_file.read_text(encoding="utf-8"))
        except (ValueError, KeyError) as error:
            raise click.ClickException(f"{state_file}: not an emulator state file ({error})") from None
    return emu


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops the server like Ctrl-C, so the state is saved."""
    raise KeyboardInterrupt


COMMANDS = [emulator]

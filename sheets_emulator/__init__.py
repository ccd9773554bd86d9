"""An emulator of the Google Sheets API v4, for tests and for trying sheets-sync without a Google account.

A package of its own: it imports nothing from sheets_sync, and sheets_sync reaches it only from the demo and the
``emulator`` command, through the names exported here (a test follows the imports to check both).

    from sheets_emulator import Emulator, Fault
    emu = Emulator()
    emu.create_spreadsheet("sheet-id", title="Demo")
    gc = emu.gspread_client()                 # in-process, no socket
    with serve_http(emu) as server:           # a real HTTP server on loopback
        server.url                            # "http://127.0.0.1:54321"

See docs/emulator.md for what the emulator covers and what it does not.
"""

from sheets_emulator.a1 import cell_name, column_letters
from sheets_emulator.core import Emulator, EmulatorResponse
from sheets_emulator.faults import Fault
from sheets_emulator.http import EmulatorServer, serve_http
from sheets_emulator.model import Cell, Sheet, Spreadsheet
from sheets_emulator.pm import PM, PMRefused
from sheets_emulator.testing import ManualClock, emulator_with_client, running_server
from sheets_emulator.transport import EmulatorAdapter, EndpointSession, emulator_session, gspread_client

__all__ = [
    "PM",
    "Cell",
    "Emulator",
    "EmulatorAdapter",
    "EmulatorResponse",
    "EmulatorServer",
    "EndpointSession",
    "Fault",
    "ManualClock",
    "PMRefused",
    "Sheet",
    "Spreadsheet",
    "cell_name",
    "column_letters",
    "emulator_session",
    "emulator_with_client",
    "gspread_client",
    "running_server",
    "serve_http",
]

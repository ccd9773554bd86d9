"""An emulator of the Google Sheets API v4, for tests and for trying sheets-sync without a Google account.

    from sheets_sync.emulator import Emulator, Fault
    emu = Emulator()
    emu.create_spreadsheet("sheet-id", title="Demo")
    gc = emu.gspread_client()                 # in-process, no socket
    from sheets_sync.emulator.http import serve_http
    with serve_http(emu) as server:           # a real HTTP server on loopback
        server.url                            # "http://127.0.0.1:54321"

See docs/emulator.md for what the emulator covers and what it does not.
"""

from sheets_sync.emulator.core import Emulator, EmulatorResponse
from sheets_sync.emulator.faults import Fault
from sheets_sync.emulator.http import EmulatorServer, serve_http
from sheets_sync.emulator.model import Cell, Sheet, Spreadsheet
from sheets_sync.emulator.pm import PM
from sheets_sync.emulator.transport import EmulatorAdapter, EndpointSession, emulator_session, gspread_client

__all__ = [
    "PM",
    "Cell",
    "Emulator",
    "EmulatorAdapter",
    "EmulatorResponse",
    "EmulatorServer",
    "EndpointSession",
    "Fault",
    "Sheet",
    "Spreadsheet",
    "emulator_session",
    "gspread_client",
    "serve_http",
]

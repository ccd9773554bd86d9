"""The emulator as a real HTTP server on loopback, serving the API under ``/v4/spreadsheets/...`` like
https://sheets.googleapis.com, plus a small control API under ``/_emulator/``:

    GET    /_emulator/requests       the request log (JSON list)
    DELETE /_emulator/requests       clear the log
    GET    /_emulator/state          every spreadsheet (the --state format)
    GET    /_emulator/spreadsheets   [{"spreadsheetId", "title"}]
    POST   /_emulator/spreadsheets   {"spreadsheetId"?, "title"?} -> {"spreadsheetId"}
    POST   /_emulator/faults         a Fault as JSON, e.g. {"status": 429, "times": 3, "only": "write"}
    DELETE /_emulator/faults         clear scripted faults
    POST   /_emulator/quota          {"readsPerMinute": 60, "writesPerMinute": 60}
    DELETE /_emulator/quota          no quota
    POST   /_emulator/reset          forget everything

Any Authorization header is accepted (anonymous too). A dropped connection closes the socket without an
answer. Every answer goes out in one write (status line, headers and body together) on a socket with
TCP_NODELAY: with Nagle's algorithm on, a headers write followed by a body write waits for the client's
delayed ACK, about 40 ms per request on Linux.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from sheets_emulator.faults import Fault
from sheets_emulator.transport import EndpointSession, gspread_client

if TYPE_CHECKING:
    import gspread
    import requests

    from sheets_emulator.core import Emulator

CONTROL_PREFIX = "/_emulator/"


class EmulatorServer:
    """A running HTTP server (a background thread); a context manager that closes it."""

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emulator = emulator
        self._httpd = ThreadingHTTPServer((host, port), _handler_class(emulator))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._serve_in_background, name="sheets-emulator", daemon=True)

    def _serve_in_background(self) -> None:
        self._httpd.serve_forever(poll_interval=0.05)  # a short poll makes close() quick

    def start(self) -> Self:
        self._thread.start()
        return self

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def session(self) -> requests.Session:
        """A Session whose Google URLs go to this server (see :class:`EndpointSession`)."""
        return EndpointSession(self.url)

    def gspread_client(self) -> gspread.Client:
        """gspread talking to this server over the loopback socket."""
        return gspread_client(self.session())

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`close` (the CLI's foreground mode)."""
        self._httpd.serve_forever()

    def close_socket(self) -> None:
        """Release the listening socket after :meth:`serve_forever` returned in this thread."""
        self._httpd.server_close()

    def close(self) -> None:
        """Stop the background thread and release the socket."""
        if self._thread.is_alive():
            self._httpd.shutdown()  # blocks until serve_forever returns: only when it runs
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def serve_http(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> EmulatorServer:
    """Start serving ``emulator`` on ``host:port`` (0: a free port) in a background thread."""
    return EmulatorServer(emulator, host, port).start()


def _handler_class(emulator: Emulator) -> type[BaseHTTPRequestHandler]:
    class Handler(_EmulatorHandler):
        pass

    Handler.emulator = emulator
    return Handler


class _EmulatorHandler(BaseHTTPRequestHandler):
    emulator: Emulator
    protocol_version = "HTTP/1.1"  # keep-alive, like Google; every answer has a Content-Length
    server_version = "ESF"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is the record."""

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked_body()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _chunked_body(self) -> bytes:
        """A body sent without Content-Length (requests does so for a generator body): read every chunk, so the
        next request on this keep-alive connection starts where it should."""
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()  # the CRLF after each chunk
        while self.rfile.readline().strip():  # trailer fields, up to the blank line
            pass
        return b"".join(chunks)

    def _serve(self) -> None:
        body = self._body()
        if urlsplit(self.path).path.startswith(CONTROL_PREFIX):
            status, payload = _control(self.emulator, self.command, urlsplit(self.path).path, body)
            self._send(status, json.dumps(payload).encode("utf-8"), {"Content-Type": "application/json"})
            return
        answer = self.emulator.handle(self.command, self.path, body, dict(self.headers.items()))
        if answer.delay:
            self.emulator.sleep(answer.delay)
        if answer.drop:
            self.close_connection = True  # no answer at all: the client sees the connection close
            return
        self._send(answer.status, answer.body, answer.headers)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        """The whole answer in one write (see the module docstring)."""
        self.log_request(status)
        reason = self.responses.get(status, ("",))[0]
        lines = [
            f"{self.protocol_version} {status} {reason}",
            f"Server: {self.version_string()}",
            f"Date: {self.date_time_string()}",
            *(f"{name}: {value}" for name, value in headers.items()),
            f"Content-Length: {len(body)}",
        ]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict")
        self.wfile.write(head + (body if self.command != "HEAD" else b""))


def _control(emulator: Emulator, method: str, path: str, body: bytes) -> tuple[int, Any]:
    """The ``/_emulator/`` control API (not part of Google's API, never logged)."""
    name = path[len(CONTROL_PREFIX) :].strip("/")
    action = _CONTROL.get((method, name))
    if action is None:
        return 404, {
            "error": {"code": 404, "message": f"No control endpoint {method} {path}", "status": "NOT_FOUND"}
        }
    try:
        return 200, action(emulator, json.loads(body) if body else {})
    except (TypeError, ValueError, KeyError) as error:
        return 400, {"error": {"code": 400, "message": str(error), "status": "INVALID_ARGUMENT"}}


def _create(emulator: Emulator, data: dict[str, Any]) -> dict[str, Any]:
    title = data.get("title") or "Untitled spreadsheet"
    return {"spreadsheetId": emulator.create_spreadsheet(data.get("spreadsheetId"), title=title)}


def _list(emulator: Emulator, data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"spreadsheetId": sid, "title": emulator.spreadsheet(sid).properties.get("title")}
        for sid in emulator.spreadsheet_ids
    ]


def _quota(emulator: Emulator, data: dict[str, Any]) -> dict[str, Any]:
    emulator.enable_quota(int(data.get("readsPerMinute", 60)), int(data.get("writesPerMinute", 60)))
    return {}


def _done(action: Any) -> Any:
    def run(emulator: Emulator, data: dict[str, Any]) -> dict[str, Any]:
        action(emulator)
        return {}

    return run


_CONTROL: dict[tuple[str, str], Any] = {
    ("GET", "requests"): lambda emulator, data: emulator.requests,
    ("DELETE", "requests"): _done(lambda e: e.clear_log()),
    ("GET", "state"): lambda emulator, data: emulator.snapshot(),
    ("GET", "spreadsheets"): _list,
    ("POST", "spreadsheets"): _create,
    ("POST", "faults"): lambda emulator, data: emulator.inject(Fault.from_json(data)) or {},
    ("DELETE", "faults"): _done(lambda e: e.clear_faults()),
    ("POST", "quota"): _quota,
    ("DELETE", "quota"): _done(lambda e: e.disable_quota()),
    ("POST", "reset"): _done(lambda e: e.reset()),
}

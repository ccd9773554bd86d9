"""How a ``requests.Session`` reaches the emulator.

* :class:`EmulatorAdapter` serves requests in-process (no socket), like httpx's ``MockTransport``: mounted on
  ``https://sheets.googleapis.com/``, ``https://www.googleapis.com/drive/`` and ``http://emulator.invalid/``,
  it lets gspread's hard-coded Google URLs hit the emulator. A scripted slow answer sleeps with the emulator's
  injectable sleep and raises ``requests.ReadTimeout`` past the request's read timeout; a dropped connection
  raises ``requests.ConnectionError``.
* :class:`EndpointSession` rewrites Google's base URLs to another endpoint, e.g. the emulator's HTTP server
  (``http://127.0.0.1:8765``): the way a client with hard-coded URLs is pointed at ``--endpoint``.
"""

from __future__ import annotations

from http.client import responses as reasons
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

if TYPE_CHECKING:
    import gspread

    from sheets_emulator.core import Emulator

SHEETS_BASE = "https://sheets.googleapis.com"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DRIVE_BASE = "https://www.googleapis.com/drive"
INVALID_BASE = "http://emulator.invalid"
MOUNTS = (SHEETS_BASE + "/", DRIVE_BASE + "/", INVALID_BASE + "/")

Timeout = float | tuple[float | None, float | None] | None


def _body_bytes(request: requests.PreparedRequest) -> bytes | None:
    """The prepared body as bytes (gspread sends JSON, so it is bytes or str)."""
    body = request.body
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    raise TypeError("the emulator transport accepts bytes or str bodies only (no streams)")


class EmulatorAdapter(BaseAdapter):
    """A transport adapter that hands each request to :meth:`Emulator.handle`."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__()
        self.emulator = emulator

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Timeout = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        headers = {str(key): str(value) for key, value in request.headers.items()}
        answer = self.emulator.handle(
            request.method or "GET", request.url or "", _body_bytes(request), headers
        )
        if answer.delay:
            self._wait(answer.delay, timeout, request)
        if answer.drop:
            raise requests.ConnectionError(
                "Connection aborted: the emulator dropped the connection", request=request
            )
        return self._response(request, answer.status, answer.body, answer.headers)

    def _wait(self, delay: float, timeout: Timeout, request: requests.PreparedRequest) -> None:
        read_timeout = timeout[1] if isinstance(timeout, tuple) else timeout
        if read_timeout is not None and delay > read_timeout:
            self.emulator.sleep(read_timeout)
            raise requests.ReadTimeout(f"Read timed out (read timeout={read_timeout})", request=request)
        self.emulator.sleep(delay)

    def _response(
        self, request: requests.PreparedRequest, status: int, body: bytes, headers: dict[str, str]
    ) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response.reason = reasons.get(status, "")
        response.headers = CaseInsensitiveDict(headers)
        response._content = body
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        response.connection = self  # type: ignore[assignment]
        return response

    def close(self) -> None:
        """Nothing to release: no sockets."""


def emulator_session(emulator: Emulator) -> requests.Session:
    """A Session whose Google (and http://emulator.invalid/) traffic the emulator serves in-process."""
    session = requests.Session()
    adapter = EmulatorAdapter(emulator)
    for prefix in MOUNTS:
        session.mount(prefix, adapter)
    return session


class EndpointSession(requests.Session):
    """A Session sending Google's API URLs to ``endpoint`` instead (gspread keeps its hard-coded URLs)."""

    def __init__(self, endpoint: str) -> None:
        super().__init__()
        self.endpoint = endpoint.rstrip("/")
        # requests sends even loopback URLs through $HTTP_PROXY unless $NO_PROXY names them: a local emulator
        # must not be asked for through a (corporate) proxy.
        self.trust_env = urlsplit(self.endpoint).hostname not in LOOPBACK_HOSTS

    def rewrite(self, url: str) -> str:
        for base in (SHEETS_BASE, DRIVE_BASE):
            if url.startswith(base):
                path = url[len(base) :]
                return self.endpoint + ("/drive" + path if base == DRIVE_BASE else path)
        return url

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        method_text = method if isinstance(method, str) else method.decode()
        url_text = url if isinstance(url, str) else url.decode()
        return super().request(method_text, self.rewrite(url_text), *args, **kwargs)


def gspread_client(session: requests.Session) -> gspread.Client:
    """gspread on a given session, with anonymous credentials (the emulator accepts any or none)."""
    import gspread
    from google.auth.credentials import AnonymousCredentials

    return gspread.Client(auth=AnonymousCredentials(), session=session)  # type: ignore[no-untyped-call]

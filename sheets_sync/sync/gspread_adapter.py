"""The real Workbook: Google's Sheets API (or the emulator) through gspread's low-level HTTP client.

All Google traffic of sheets-sync goes through this module, and gspread's ``APIError`` is translated into
:mod:`sheets_sync.errors` here and nowhere else. It uses ``HTTPClient.spreadsheets_get`` and
``HTTPClient.batch_update`` directly: gspread's object API (``Spreadsheet``, ``Worksheet``) re-reads metadata
behind the scenes, which would break the request budget of one read and one write per sync.

``--endpoint`` works by rewriting gspread's hard-coded ``https://sheets.googleapis.com`` base URL in a subclass of
its HTTPClient, so the same code talks to Google, to a local emulator, or to a proxy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from google.auth.exceptions import RefreshError, TransportError
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient, ParamsType

from sheets_sync import crashpoints
from sheets_sync.errors import CredentialsError, SheetsError, SheetsNotFoundError, SheetsPermissionError
from sheets_sync.sync.api_answers import AnswerCheck, not_json, read_snapshot
from sheets_sync.sync.api_json import (
    METADATA_FIELDS,
    PULL_FIELDS,
    READ_FIELDS,
    batch_requests,
    split_batches,
)
from sheets_sync.sync.ops import Op
from sheets_sync.sync.retry import Retrier, TransientError, retry_after_seconds
from sheets_sync.sync.snapshot import SheetSnapshot
from sheets_sync.sync.workbook import WriteOutcomeUnknownError

T = TypeVar("T")
log = logging.getLogger("sheets_sync.sync")
GOOGLE_BASE = "https://sheets.googleapis.com"
COMPACT = {"prettyPrint": "false"}
"""Google indents its JSON answers unless asked not to (a standard parameter of its APIs): unindented, a module
tab's answer is about half the bytes to download and parse."""


class EndpointHTTPClient(HTTPClient):
    """gspread's HTTPClient sending to another base URL, with the retrier's timeout on every request."""

    def __init__(self, session: requests.Session, endpoint: str | None, retrier: Retrier) -> None:
        super().__init__(auth=None, session=session)  # type: ignore[arg-type]
        self.endpoint = (endpoint or GOOGLE_BASE).rstrip("/")
        self.retrier = retrier
        self.last_response: requests.Response | None = None

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.timeout = self.retrier.timeout()
        crashpoints.reached("request")
        self.last_response = super().request(method, self._routed(endpoint), *args, **kwargs)
        return self.last_response

    def request_body(
        self, method: str, endpoint: str, params: ParamsType, json: dict[str, Any] | None
    ) -> bytes:
        """A read's answer body, as gspread's ``request`` would send it and fail, but downloaded into one buffer:
        ``Response.content`` joins 10 KB chunks, which holds a large answer (tens of MB at 1,000 module tabs)
        twice at its peak."""
        self.timeout = self.retrier.timeout()
        crashpoints.reached("request")
        response = self.session.request(
            method=method,
            url=self._routed(endpoint),
            params=params,
            json=json,
            timeout=self.timeout,
            stream=True,
        )
        self.last_response = response
        if not response.ok:
            raise APIError(response)
        if response.raw is None:  # an answer built in memory (the emulator's in-process transport): no stream
            return bytes(response.content)
        return b"".join(response.iter_content(chunk_size=None))

    def _routed(self, endpoint: str) -> str:
        return self.endpoint + endpoint[len(GOOGLE_BASE) :] if endpoint.startswith(GOOGLE_BASE) else endpoint


class GspreadWorkbook:
    """One spreadsheet over gspread: one ``spreadsheets.get`` per read, ``batchUpdate`` bodies near 2 MB per write."""

    def __init__(
        self,
        spreadsheet_id: str,
        session: requests.Session,
        *,
        endpoint: str | None = None,
        retrier: Retrier | None = None,
        account: str | None = None,
    ) -> None:
        self._id = spreadsheet_id
        self.retrier = retrier or Retrier()
        self.http = EndpointHTTPClient(session, endpoint, self.retrier)
        self.account = account

    @property
    def spreadsheet_id(self) -> str:
        return self._id

    def read(
        self, tabs: Collection[int] | None = None, *, formats: bool = True, known: Collection[str] = ()
    ) -> SheetSnapshot:
        """One ``spreadsheets.get`` with grid data under a tight field mask (``READ_FIELDS``, or ``PULL_FIELDS``
        with ``formats=False``: a pull's read, values, shown texts and notes of the cells); with ``tabs``,
        one ``spreadsheets.getByDataFilter`` of those tabs by sheet id (a PM renaming one meanwhile does not
        matter), or a ``spreadsheets.get`` of the spreadsheet's metadata alone when ``tabs`` is empty. ``known``:
        see :meth:`Workbook.read`."""
        fields = READ_FIELDS if formats else PULL_FIELDS
        base = f"{GOOGLE_BASE}/v4/spreadsheets/{self._id}"
        if tabs is None or not tabs:
            params: ParamsType = {"fields": fields if tabs is None else METADATA_FIELDS, **COMPACT}
            return self._read(
                "reading the spreadsheet", "get", base, params, None, whole=tabs is None, known=known
            )
        filters = [{"gridRange": {"sheetId": sheet_id}} for sheet_id in sorted(tabs)]
        body = {"dataFilters": filters, "includeGridData": True}
        what = f"reading {len(filters)} tab(s) again"
        return self._read(
            what, "post", f"{base}:getByDataFilter", {"fields": fields, **COMPACT}, body, whole=False
        )

    def _read(
        self,
        what: str,
        method: str,
        url: str,
        params: ParamsType,
        body: dict[str, Any] | None,
        *,
        whole: bool,
        known: Collection[str] = (),
    ) -> SheetSnapshot:
        """One read, checked and parsed from the answer's text a tab at a time (see ``read_snapshot``); ``whole``:
        a read of the whole workbook (which always holds a tab)."""

        def send() -> bytes:
            return self.http.request_body(method, url, params, body)

        api = "spreadsheets.getByDataFilter" if method == "post" else "spreadsheets.get"
        check = AnswerCheck(self.http.endpoint, api, self._id, tabs=whole)
        return read_snapshot(self.retrier.call(what, lambda: self._send(send, False)), check, known)

    def apply(self, ops: Sequence[Op]) -> None:
        """``spreadsheets.batchUpdate`` bodies near 2 MB each, in order (one for a typical push)."""
        batches = split_batches(batch_requests(ops))
        for number, body in enumerate(batches, start=1):
            if len(batches) > 1:
                log.info("write request %d of %d (%d changes)", number, len(batches), len(body))
            self._write(body)

    def _write(self, body: list[dict[str, Any]]) -> None:
        def post() -> Any:
            return self.http.batch_update(self._id, {"requests": body})

        self.retrier.call("writing to the spreadsheet", lambda: self._send(post, True))

    # ------------------------------------------------------------------------------------------ errors

    def _send(self, send: Callable[[], T], write: bool) -> T:
        """One HTTP request, its failures translated (see :mod:`sheets_sync.sync.retry` for what is retried)."""
        try:
            return send()
        except requests.JSONDecodeError:
            body = self.http.last_response.text if self.http.last_response is not None else ""
            if write:  # the write may have landed: read again and re-plan, as after a lost answer
                raise WriteOutcomeUnknownError(
                    f"an answer that is not JSON from {self.http.endpoint}"
                ) from None
            raise not_json(self.http.endpoint, "spreadsheets.get", body) from None
        except APIError as exc:
            raise self._translate(exc, write) from None
        except (requests.Timeout, requests.ConnectionError, TransportError) as exc:
            reason = network_reason(exc, self.http.endpoint)
            if write:
                raise WriteOutcomeUnknownError(reason) from None
            raise TransientError(reason) from None
        except RefreshError as exc:
            raise CredentialsError(f"Google refused the credentials: {_first_line(exc)}") from None

    def _translate(self, error: APIError, write: bool) -> Exception:
        status = error.response.status_code
        message = _google_message(error)
        retry_after = retry_after_seconds(error.response.headers)
        if status == 429:
            return TransientError(f"HTTP 429 (quota): {message}", status=429, retry_after=retry_after)
        if status == 408 or status >= 500:
            if write:
                return WriteOutcomeUnknownError(f"HTTP {status}: {message}", retry_after=retry_after)
            return TransientError(f"HTTP {status}: {message}", status=status, retry_after=retry_after)
        return self._final_error(status, message)

    def _final_error(self, status: int, message: str) -> Exception:
        if status == 404:
            return SheetsNotFoundError(
                f"spreadsheet {self._id!r} not found (HTTP 404). Check --spreadsheet or SHEETS_SYNC_SPREADSHEET_ID: "
                "the id is the part of the sheet's URL between /d/ and /edit",
                status=404,
            )
        if status == 403:
            who = f"the service account {self.account}" if self.account else "the account of your credentials"
            return SheetsPermissionError(
                f"no access to spreadsheet {self._id!r} (HTTP 403: {message}). Share the sheet with {who} as "
                "Editor (Share button in Google Sheets), and check that the Google Sheets API is enabled in its "
                "Google Cloud project",
                status=403,
            )
        if status == 401:
            return CredentialsError(f"Google rejected the credentials (HTTP 401: {message})")
        return SheetsError(f"the Sheets API refused a request (HTTP {status}): {message}", status=status)


def network_reason(error: Exception, endpoint: str) -> str:
    """A network failure in words a person can act on: which host, and what went wrong."""
    host = urlsplit(endpoint).netloc or endpoint
    if isinstance(error, TransportError):
        return f"network error while getting a Google access token ({type(error).__name__}: {_first_line(error)})"
    text = str(error).lower()
    if isinstance(error, requests.ConnectTimeout):
        what = "no connection within the connect timeout"
    elif isinstance(error, requests.Timeout):
        what = "no answer within the read timeout"
    elif "refused" in text:
        what = "connection refused"
    elif "name resolution" in text or "getaddrinfo" in text or "not known" in text or "nodename" in text:
        what = "host name not found"
    else:
        what = f"connection failed ({type(error).__name__})"
    return f"network error reaching {host}: {what}"


def _google_message(error: APIError) -> str:
    """Google's own one-line explanation from its error body (``{"error": {"message": ...}}``)."""
    try:
        return _first_line(error.response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return _first_line(error.response.text or error.response.reason or "no details")


def _first_line(value: object) -> str:
    text = str(value).strip().splitlines()
    return text[0][:300] if text else ""

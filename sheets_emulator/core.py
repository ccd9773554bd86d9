"""The :class:`Emulator`: spreadsheets in memory, the request log, faults, quota, and one ``handle()`` entry
point that both the in-process transport and the HTTP server call.

Every API request goes through :meth:`Emulator.handle`, under one lock, in this order: route -> run a pending
``before_next_write`` callback (for writes) -> scripted fault -> quota -> handler (writes run in a
copy-on-write transaction, undone when they fail) -> log entry. The log records every request the server received, including faulted
ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from sheets_emulator import batch, drive, server, spreadsheets, state
from sheets_emulator.answers import SpreadsheetAnswer, encode
from sheets_emulator.api import ApiRequest, Context, Options
from sheets_emulator.errors import ApiError, QuotaError, not_found
from sheets_emulator.faults import Fault, FaultQueue, Quota
from sheets_emulator.model import Json, Spreadsheet, new_spreadsheet, reading, transaction
from sheets_emulator.serialize import spreadsheet_json

if TYPE_CHECKING:
    import gspread
    import requests

    from sheets_emulator.pm import PM

JSON_CONTENT_TYPE = "application/json; charset=UTF-8"


@dataclass
class EmulatorResponse:
    """What the emulator answers; the transport or HTTP server acts out ``delay`` and ``drop``."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Emulator:
    """An in-memory Google Sheets API v4 (see docs/emulator.md for what it covers)."""

    def __init__(
        self,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        *,
        sort_moves_row_metadata: bool = True,
        today: Callable[[], dt.date] | None = None,
        pretty_print: bool = False,
    ) -> None:
        self.clock = clock or time.monotonic
        self.sleep = sleep or time.sleep
        self.options = Options(
            sort_moves_row_metadata=sort_moves_row_metadata,
            today=today or dt.date.today,
            pretty_print=pretty_print,
        )
        self._lock = threading.RLock()
        self._books: dict[str, Spreadsheet] = {}
        self._log: list[dict[str, Any]] = []
        self._faults = FaultQueue()
        self._quota: Quota | None = None
        self._before_write: list[Callable[[], Any]] = []

    @property
    def lock(self) -> threading.RLock:
        """Held while a request is served; hold it to change state from another thread (the PM does)."""
        return self._lock

    # ------------------------------------------------------------ spreadsheets

    def create_spreadsheet(
        self, spreadsheet_id: str | None = None, title: str = "Untitled spreadsheet"
    ) -> str:
        """A new spreadsheet like Google's (one tab Sheet1, sheetId 0, 1000 x 26); returns its id."""
        with self._lock:
            spreadsheet_id = spreadsheet_id or self._new_id()
            if spreadsheet_id in self._books:
                raise ValueError(f"spreadsheet {spreadsheet_id!r} already exists")
            self._books[spreadsheet_id] = new_spreadsheet(spreadsheet_id, title)
            return spreadsheet_id

    def _new_id(self) -> str:
        while True:
            candidate = spreadsheets.new_spreadsheet_id()
            if candidate not in self._books:
                return candidate

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        """The live state of a spreadsheet, for assertions (KeyError when unknown)."""
        return self._books[spreadsheet_id]

    @property
    def spreadsheet_ids(self) -> list[str]:
        return list(self._books)

    def delete_spreadsheet(self, spreadsheet_id: str) -> None:
        with self._lock:
            del self._books[spreadsheet_id]

    # ------------------------------------------------------------ clients

    def session(self) -> requests.Session:
        """A requests.Session served in-process (no socket) for Google's hosts and http://emulator.invalid/."""
        from sheets_emulator.transport import emulator_session

        return emulator_session(self)

    def gspread_client(self) -> gspread.Client:
        """gspread with anonymous credentials on :meth:`session`: its hard-coded Google URLs reach the
        emulator."""
        from sheets_emulator.transport import gspread_client

        return gspread_client(self.session())

    def pm(self, spreadsheet_id: str) -> PM:
        """A PM at the keyboard of this spreadsheet (acts like the Sheets UI; not logged as API requests)."""
        from sheets_emulator.pm import PM

        return PM(self, spreadsheet_id)

    # ------------------------------------------------------------ log, faults, quota, hooks

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The request log, oldest first (a copy of the list; see docs/emulator.md for the entry format)."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def bytes_sent(self, write: bool | None = None) -> int:
        """Bytes of the answers to the logged requests (``write=False``: what reads cost the client)."""
        with self._lock:
            return sum(
                entry["response_bytes"] for entry in self._log if write is None or entry["write"] == write
            )

    def count(self, write: bool | None = None, kind: str | None = None) -> int:
        """How many logged requests match (``write=True``: requests that can change a spreadsheet)."""
        with self._lock:
            return sum(
                1
                for entry in self._log
                if (write is None or entry["write"] == write) and (kind is None or entry["kind"] == kind)
            )

    def inject(self, fault: Fault) -> None:
        """Script a fault for the next matching requests (see :class:`Fault`)."""
        with self._lock:
            self._faults.add(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def enable_quota(self, reads_per_minute: int = 60, writes_per_minute: int = 60) -> None:
        """Google's per-user quota on the emulator's clock: past it, 429 with the read or write quota body."""
        with self._lock:
            self._quota = Quota(reads_per_minute, writes_per_minute, self.clock)

    def disable_quota(self) -> None:
        with self._lock:
            self._quota = None

    def before_next_write(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` once, just before the next write request is handled (e.g. a PM who sorts)."""
        with self._lock:
            self._before_write.append(callback)

    def reset(self) -> None:
        """Forget spreadsheets, log, faults, quota and hooks."""
        with self._lock:
            self._books.clear()
            self._log.clear()
            self._faults.clear()
            self._quota = None
            self._before_write.clear()

    # ------------------------------------------------------------ state

    def snapshot(self) -> dict[str, Any]:
        """All spreadsheets as a JSON-ready dict (the ``--state`` file format)."""
        return json.loads(self.to_json())

    def to_json(self) -> str:
        with self._lock, reading():
            return state.dumps(self._books)

    @classmethod
    def from_json(cls, data: str | bytes | dict[str, Any], **kwargs: Any) -> Emulator:
        """An emulator holding the spreadsheets of a snapshot."""
        emulator = cls(**kwargs)
        emulator.load(data)
        return emulator

    def load(self, data: str | bytes | dict[str, Any]) -> None:
        with self._lock:
            self._books.update(state.loads(data))

    def save_state(self, path: Path) -> None:
        """Write the state file atomically (write a sibling, then rename)."""
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(self.to_json(), encoding="utf-8")
        temporary.replace(path)

    # ------------------------------------------------------------ serving

    def handle(
        self, method: str, url: str, body: bytes | str | None = None, headers: Mapping[str, str] | None = None
    ) -> EmulatorResponse:
        """Serve one HTTP request (URL may be absolute or a path with query)."""
        parts = urlsplit(url)
        query = parse_qs(parts.query, keep_blank_values=True)
        with self._lock:
            matched = server.route(method, parts.path)
            entry = self._log_entry(method, parts.path, query, matched, body)
            response = self._serve(matched, method, parts.path, query, body, headers or {}, entry)
            handled_status = entry.pop("_handled_status", 0)
            # A dropped answer has no status; after_apply logs the status the applied request would have had.
            entry["status"] = (
                (handled_status if entry["applied"] else 0) if response.drop else response.status
            )
            entry["dropped"] = response.drop
            entry["response_bytes"] = 0 if response.drop else len(response.body or b"")
            self._log.append(entry)
            return response

    def _log_entry(
        self, method: str, path: str, query: dict[str, list[str]], matched: server.Route | None, body: Any
    ) -> dict[str, Any]:
        kind = matched.kind if matched else None
        return {
            "method": method.upper(),
            "path": unquote(path),
            "query": {k: v[0] if len(v) == 1 else list(v) for k, v in query.items()},
            "kind": kind,
            "write": bool(matched and matched.write),
            "status": None,
            "requests": batch.request_kinds(_parse_json(body)) if kind == "spreadsheets.batchUpdate" else [],
            "spreadsheet_id": matched.spreadsheet_id if matched else None,
            "time": self.clock(),
            "fault": None,
            "applied": False,
        }

    def _serve(
        self,
        matched: server.Route | None,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: bytes | str | None,
        headers: Mapping[str, str],
        entry: dict[str, Any],
    ) -> EmulatorResponse:
        if matched is None:
            return _error_response(ApiError(404, f"Method not found: {method.upper()} {path}"))
        if matched.write:
            self._run_before_write_hooks()
        fault = self._faults.take(matched.kind, matched.write)
        if fault is not None:
            entry["fault"] = fault.describe()
            if not fault.after_apply and (fault.status is not None or fault.drop):
                return _fault_response(fault, matched.write)
        if self._quota is not None and not self._quota.allow(_user(headers), matched.write):
            return _error_response(QuotaError(write=matched.write, limit=self._quota.limits[matched.write]))
        with contextlib.nullcontext() if matched.write else reading():  # answered inside the read, too
            response = self._dispatch(matched, method, path, query, body, entry)
        if fault is not None:
            response = _apply_fault(fault, response, matched.write)
        return response

    def _run_before_write_hooks(self) -> None:
        hooks, self._before_write = self._before_write, []
        for hook in hooks:
            hook()

    def _dispatch(
        self,
        matched: server.Route,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: bytes | str | None,
        entry: dict[str, Any],
    ) -> EmulatorResponse:
        try:
            request = ApiRequest(
                method=method.upper(),
                path=path,
                query=query,
                body=_parse_json(body, strict=True),
                spreadsheet_id=matched.spreadsheet_id,
                range_text=matched.range_text,
                metadata_id=matched.metadata_id,
            )
            status, payload = self._run(matched, request)
        except ApiError as error:
            return _error_response(error)
        except Exception as exc:  # noqa: BLE001 - an emulator bug must answer 500, as a server would
            entry["error"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return _error_response(ApiError(500))
        entry["applied"] = matched.write
        entry["_handled_status"] = status
        return _json_response(
            status, payload, pretty=self.options.pretty_print and request.flag("prettyPrint", True)
        )

    def _run(self, matched: server.Route, request: ApiRequest) -> tuple[int, Json | SpreadsheetAnswer | None]:
        kind = matched.kind
        if kind == "spreadsheets.create":
            created = spreadsheets.create(request.json_body(), self._new_id())
            self._books[created.spreadsheet_id] = created
            return 200, spreadsheet_json(created)
        if kind.startswith("drive."):
            return self._run_drive(kind, request)
        book = self._books.get(matched.spreadsheet_id or "")
        if book is None:
            raise not_found()
        handler = server.HANDLERS[kind]
        if not matched.write:
            return 200, handler(Context(book, self.options), request)
        with transaction():  # all or nothing; copies only what the request changes
            result = handler(Context(book, self.options), request)
        return 200, result

    def _run_drive(self, kind: str, request: ApiRequest) -> tuple[int, Json | None]:
        if kind == "drive.files.create":
            return 200, drive.create(self._books, request, self._new_id)
        if kind == "drive.files.get":
            return 200, drive.get(self._books, request)
        if kind == "drive.files.list":
            return 200, drive.list_files(self._books, request)
        drive.delete(self._books, request)
        return 204, None


def _parse_json(body: bytes | str | None, *, strict: bool = False) -> Any:
    if body is None or body in (b"", ""):
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        if strict:
            raise ApiError(400, "Invalid JSON payload received. Unexpected token.") from None
        return None


def _user(headers: Mapping[str, str]) -> str:
    """Quota is per user: the Authorization header stands for the user (anonymous when absent)."""
    lowered = {key.lower(): value for key, value in headers.items()}
    return lowered.get("authorization", "anonymous")


def _json_response(
    status: int, payload: Json | SpreadsheetAnswer | None, *, pretty: bool = False
) -> EmulatorResponse:
    """The answer's JSON: compact, or indented by two spaces as Google sends it unless asked not to."""
    if payload is None:
        return EmulatorResponse(status=status)
    if pretty:
        dictionary = payload.as_json() if isinstance(payload, SpreadsheetAnswer) else payload
        body = json.dumps(dictionary, ensure_ascii=False, indent=2).encode("utf-8")
    else:
        body = payload.compact() if isinstance(payload, SpreadsheetAnswer) else encode(payload)
    return EmulatorResponse(status=status, body=body, headers={"Content-Type": JSON_CONTENT_TYPE})


def _error_response(error: ApiError) -> EmulatorResponse:
    return _json_response(error.code, error.body())


def _fault_response(fault: Fault, write: bool) -> EmulatorResponse:
    """The answer a fault gives instead of the real one."""
    if fault.status is None:
        return EmulatorResponse(status=0, drop=True, delay=fault.delay or 0.0)
    if fault.status == 429:
        error: ApiError = QuotaError(write=write, message=fault.message)
    else:
        error = ApiError(fault.status, fault.message)
    response = _error_response(error)
    if fault.retry_after is not None:
        response.headers["Retry-After"] = f"{fault.retry_after:g}"
    response.delay = fault.delay or 0.0
    response.drop = fault.drop
    return response


def _apply_fault(fault: Fault, response: EmulatorResponse, write: bool) -> EmulatorResponse:
    """A fault acting on an answer already computed: a delay, or (after_apply) a lost or replaced answer."""
    if fault.after_apply:
        replaced = _fault_response(fault, write)
        replaced.delay = fault.delay or 0.0
        return replaced
    response.delay = fault.delay or 0.0
    return response

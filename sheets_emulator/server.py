"""The router: method + path -> the API method (``kind``), whether it can change the spreadsheet, and its
handler.

Paths are Google's, under ``/v4/spreadsheets`` (and the few Drive v3 file calls gspread makes, under
``/drive/v3/files``). Ranges arrive percent-encoded in the path (gspread quotes them with ``safe=""``), and
the ``:append``/``:clear`` verbs follow the range after a literal colon.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from sheets_emulator import batch, spreadsheets, values
from sheets_emulator.answers import SpreadsheetAnswer
from sheets_emulator.api import ApiRequest, Context
from sheets_emulator.model import Json

Handler = Callable[[Context, ApiRequest], Json | SpreadsheetAnswer]

SHEETS_PREFIX = "/v4/spreadsheets"
DRIVE_PREFIX = "/drive/v3/files"

WRITE_KINDS = frozenset(
    {
        "spreadsheets.create",
        "spreadsheets.batchUpdate",
        "values.update",
        "values.batchUpdate",
        "values.append",
        "values.clear",
        "values.batchClear",
        "values.batchUpdateByDataFilter",
        "values.batchClearByDataFilter",
        "drive.files.create",
        "drive.files.delete",
    }
)

HANDLERS: dict[str, Handler] = {
    "spreadsheets.get": spreadsheets.get,
    "spreadsheets.getByDataFilter": spreadsheets.get_by_data_filter,
    "spreadsheets.batchUpdate": batch.batch_update,
    "values.get": values.get,
    "values.batchGet": values.batch_get,
    "values.batchGetByDataFilter": values.batch_get_by_data_filter,
    "values.update": values.update,
    "values.batchUpdate": values.batch_update,
    "values.batchUpdateByDataFilter": values.batch_update_by_data_filter,
    "values.append": values.append,
    "values.clear": values.clear,
    "values.batchClear": values.batch_clear,
    "values.batchClearByDataFilter": values.batch_clear_by_data_filter,
    "developerMetadata.search": spreadsheets.search_developer_metadata,
    "developerMetadata.get": spreadsheets.get_developer_metadata,
}

_SPREADSHEET_VERBS = {
    ("GET", ""): "spreadsheets.get",
    ("POST", "batchUpdate"): "spreadsheets.batchUpdate",
    ("POST", "getByDataFilter"): "spreadsheets.getByDataFilter",
}

_VALUES_VERBS = {
    ("GET", "values:batchGet"): "values.batchGet",
    ("POST", "values:batchUpdate"): "values.batchUpdate",
    ("POST", "values:batchClear"): "values.batchClear",
    ("POST", "values:batchGetByDataFilter"): "values.batchGetByDataFilter",
    ("POST", "values:batchUpdateByDataFilter"): "values.batchUpdateByDataFilter",
    ("POST", "values:batchClearByDataFilter"): "values.batchClearByDataFilter",
    ("POST", "developerMetadata:search"): "developerMetadata.search",
}


@dataclass(frozen=True)
class Route:
    """Where a request goes: its API method name and the ids/range found in its path."""

    kind: str
    spreadsheet_id: str | None = None
    range_text: str | None = None
    metadata_id: str | None = None

    @property
    def write(self) -> bool:
        return self.kind in WRITE_KINDS


def route(method: str, raw_path: str) -> Route | None:
    """Match a percent-encoded path; None when no API method lives there (a 404)."""
    method = method.upper()
    if raw_path.rstrip("/") == SHEETS_PREFIX:
        return Route("spreadsheets.create") if method == "POST" else None
    if raw_path.startswith(SHEETS_PREFIX + "/"):
        return _sheets_route(method, raw_path[len(SHEETS_PREFIX) + 1 :].split("/"))
    if raw_path.rstrip("/") == DRIVE_PREFIX:
        return {"POST": Route("drive.files.create"), "GET": Route("drive.files.list")}.get(method)
    if raw_path.startswith(DRIVE_PREFIX + "/"):
        file_id = unquote(raw_path[len(DRIVE_PREFIX) + 1 :])
        kind = {"GET": "drive.files.get", "DELETE": "drive.files.delete"}.get(method)
        return Route(kind, spreadsheet_id=file_id) if kind and "/" not in file_id else None
    return None


def _sheets_route(method: str, segments: list[str]) -> Route | None:
    spreadsheet_id, _, verb = unquote(segments[0]).partition(":")
    if not spreadsheet_id:
        return None
    if len(segments) == 1:
        kind = _SPREADSHEET_VERBS.get((method, verb))
        return Route(kind, spreadsheet_id) if kind and (verb or method == "GET") else None
    if verb:
        return None
    if len(segments) == 2:
        kind = _VALUES_VERBS.get((method, segments[1]))
        return Route(kind, spreadsheet_id) if kind else None
    head, rest = segments[1], "/".join(segments[2:])
    if head == "values":
        return _values_route(method, spreadsheet_id, rest)
    if head == "developerMetadata" and method == "GET" and "/" not in rest:
        return Route("developerMetadata.get", spreadsheet_id, metadata_id=unquote(rest))
    return None


def _values_route(method: str, spreadsheet_id: str, raw_range: str) -> Route | None:
    if method in ("GET", "PUT"):
        kind = "values.get" if method == "GET" else "values.update"
        return Route(kind, spreadsheet_id, range_text=unquote(raw_range))
    if method != "POST" or ":" not in raw_range:
        return None
    encoded_range, _, verb = raw_range.rpartition(":")
    post_kind = {"append": "values.append", "clear": "values.clear"}.get(verb)
    return Route(post_kind, spreadsheet_id, range_text=unquote(encoded_range)) if post_kind else None

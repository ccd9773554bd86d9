"""The few Drive v3 file calls gspread makes around spreadsheets: ``Client.create`` (files.create),
``Client.open`` (files.list by name), ``Client.del_spreadsheet`` (files.delete) and file metadata (files.get).

Only spreadsheets exist in this Drive; there are no folders, permissions or exports.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sheets_emulator.api import ApiRequest
from sheets_emulator.errors import ApiError, invalid
from sheets_emulator.model import Json, Spreadsheet, new_spreadsheet

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FIXED_TIME = "2024-01-01T00:00:00.000Z"  # no clock in outputs: state and answers stay deterministic


def _file(spreadsheet: Spreadsheet) -> Json:
    return {
        "kind": "drive#file",
        "id": spreadsheet.spreadsheet_id,
        "name": spreadsheet.properties.get("title", ""),
        "mimeType": SPREADSHEET_MIME,
        "createdTime": FIXED_TIME,
        "modifiedTime": FIXED_TIME,
    }


def _drive_not_found(file_id: str) -> ApiError:
    return ApiError(404, f"File not found: {file_id}.")


def create(books: dict[str, Spreadsheet], request: ApiRequest, make_id: Callable[[], str]) -> Json:
    """files.create of a Google Sheets file."""
    body = request.json_body()
    if body.get("mimeType") != SPREADSHEET_MIME:
        raise invalid(
            "The emulated Drive only creates spreadsheets (mimeType application/vnd.google-apps.spreadsheet)."
        )
    spreadsheet = new_spreadsheet(make_id(), str(body.get("name") or "Untitled spreadsheet"))
    books[spreadsheet.spreadsheet_id] = spreadsheet
    out = _file(spreadsheet)
    return {key: out[key] for key in ("kind", "id", "name", "mimeType")}


def get(books: dict[str, Spreadsheet], request: ApiRequest) -> Json:
    spreadsheet = books.get(request.spreadsheet_id or "")
    if spreadsheet is None:
        raise _drive_not_found(request.spreadsheet_id or "")
    return _file(spreadsheet)


def delete(books: dict[str, Spreadsheet], request: ApiRequest) -> None:
    if books.pop(request.spreadsheet_id or "", None) is None:
        raise _drive_not_found(request.spreadsheet_id or "")


def list_files(books: dict[str, Spreadsheet], request: ApiRequest) -> Json:
    """files.list, filtered by ``name = "..."`` in ``q`` when present."""
    match = re.search(r'name\s*=\s*"((?:[^"\\]|\\.)*)"', request.param("q") or "")
    files = [_file(book) for book in books.values()]
    if match:
        files = [f for f in files if f["name"] == match.group(1).replace('\\"', '"')]
    return {"kind": "drive#fileList", "incompleteSearch": False, "files": files}

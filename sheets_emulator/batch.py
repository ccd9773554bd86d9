"""``spreadsheets.batchUpdate``: dispatch each request to its kind's handler, all or nothing.

The server runs this on a clone of the spreadsheet and swaps the clone in only when every request succeeded,
so one bad request leaves the spreadsheet untouched (Google's semantics). Errors name the failing request like
Google:
``Invalid requests[2].addSheet: A sheet with the name "X" already exists. Please enter another name.``. A
request kind Google has but the emulator does not implement is a 400 naming it, never a silent success.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sheets_emulator import (
    cell_requests,
    filter_requests,
    named_requests,
    range_requests,
    rule_requests,
    sheet_requests,
)
from sheets_emulator.api import ApiRequest, Context
from sheets_emulator.errors import ApiError, RequestProblem, invalid, request_error
from sheets_emulator.model import Json
from sheets_emulator.serialize import spreadsheet_json

Handler = Callable[[Context, Json], "Json | None"]

HANDLERS: dict[str, Handler] = {
    **sheet_requests.HANDLERS,
    **cell_requests.HANDLERS,
    **rule_requests.HANDLERS,
    **filter_requests.HANDLERS,
    **named_requests.HANDLERS,
    **range_requests.HANDLERS,
}

# Request kinds of the Sheets API v4 that the emulator does not implement (answered with a clear 400).
GOOGLE_KINDS = frozenset(
    {
        "addBanding",
        "addChart",
        "addDataSource",
        "addSlicer",
        "addTable",
        "appendCells",
        "autoFill",
        "cancelDataSourceRefresh",
        "deleteBanding",
        "deleteDataSource",
        "deleteDuplicates",
        "deleteEmbeddedObject",
        "deleteTable",
        "pasteData",
        "randomizeRange",
        "refreshDataSource",
        "textToColumns",
        "trimWhitespace",
        "updateBanding",
        "updateChartSpec",
        "updateDataSource",
        "updateEmbeddedObjectBorder",
        "updateEmbeddedObjectPosition",
        "updateSlicerSpec",
        "updateTable",
    }
)


def batch_update(ctx: Context, request: ApiRequest) -> Json:
    """Apply every request in order; the first failure aborts the batch (the caller drops the clone)."""
    body = request.json_body()
    requests = body.get("requests") or []
    if not requests:
        raise invalid("Must specify at least one request.")
    replies = [_apply_one(ctx, index, item) for index, item in enumerate(requests)]
    out: Json = {"spreadsheetId": ctx.spreadsheet.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = spreadsheet_json(
            ctx.spreadsheet, include_grid_data=bool(body.get("responseIncludeGridData"))
        )
    return out


def request_kinds(body: Any) -> list[str]:
    """The kinds of a batchUpdate body's requests, for the request log."""
    if not isinstance(body, dict):
        return []
    return [kind for item in body.get("requests") or [] if isinstance(item, dict) for kind in _kinds_of(item)]


def _kinds_of(item: Json) -> list[str]:
    return [key for key, value in item.items() if value is not None]


def _apply_one(ctx: Context, index: int, item: Any) -> Json:
    if not isinstance(item, dict) or len(_kinds_of(item)) != 1:
        raise invalid(f"Invalid requests[{index}]: exactly one kind of request must be set.")
    kind = _kinds_of(item)[0]
    handler = HANDLERS.get(kind)
    if handler is None:
        raise _unsupported(index, kind)
    try:
        reply = handler(ctx, item[kind] or {})
    except RequestProblem as problem:
        raise request_error(index, kind, str(problem)) from None
    except ApiError as error:
        if error.code != 400 or error.message.startswith("Invalid requests["):
            raise
        raise request_error(index, kind, error.message) from None
    return reply or {}


def _unsupported(index: int, kind: str) -> ApiError:
    if kind in GOOGLE_KINDS:
        return request_error(
            index, kind, f"the sheets-sync emulator does not support the request kind {kind!r}."
        )
    return invalid(
        f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{index}]': Cannot find field."
    )

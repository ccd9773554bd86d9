"""Errors in Google's JSON shape, so gspread raises against the emulator what it raises against Google.

Every handler raises :class:`ApiError`; the server turns it into ``{"error": {"code", "message", "status"}}``.
The 429 bodies are copies of a real Google answer
(``../shared/fixtures/sheets-api/error-429-read-quota.json``); a write-quota 429 has the same shape with
``write_requests`` / ``WriteRequestsPerMinutePerUser``.
"""

from __future__ import annotations

import copy
from typing import Any

STATUS_NAMES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

DEFAULT_MESSAGES: dict[int, str] = {
    400: "Request contains an invalid argument.",
    401: "Request is missing required authentication credential.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    408: "Request timed out.",
    409: "The operation was aborted.",
    500: "Internal error encountered.",
    501: "Operation is not implemented, or supported, or enabled.",
    502: "Bad gateway.",
    503: "The service is currently unavailable.",
    504: "Deadline expired before operation could complete.",
}

# The real body Google sent on 2025-08-30 (r-lib/gargle recording); Google sends no Retry-After with it.
_QUOTA_BODY: dict[str, Any] = {
    "error": {
        "code": 429,
        "message": (
            "Quota exceeded for quota metric 'Read requests' and limit "
            "'Read requests per minute per user' of service 'sheets.googleapis.com' "
            "for consumer 'project_number:603366585132'."
        ),
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "quota_limit_value": "60",
                    "service": "sheets.googleapis.com",
                    "consumer": "projects/603366585132",
                    "quota_unit": "1/min/{project}/{user}",
                    "quota_location": "global",
                    "quota_metric": "sheets.googleapis.com/read_requests",
                    "quota_limit": "ReadRequestsPerMinutePerUser",
                },
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {
                        "description": "Request a higher quota limit.",
                        "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                    }
                ],
            },
        ],
    }
}


class ApiError(Exception):
    """An answer other than 2xx, carrying the exact JSON body to send."""

    def __init__(self, code: int, message: str | None = None, *, details: list[Any] | None = None) -> None:
        self.code = code
        self.message = message if message is not None else DEFAULT_MESSAGES.get(code, "Error.")
        self.status = STATUS_NAMES.get(code, "UNKNOWN")
        self.details = details
        super().__init__(f"{code} {self.status}: {self.message}")

    def body(self) -> dict[str, Any]:
        """``{"error": {"code", "message", "status"[, "details"]}}`` as Google writes it."""
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


class QuotaError(ApiError):
    """HTTP 429 with the real RESOURCE_EXHAUSTED body for the read or the write quota."""

    def __init__(self, write: bool, limit: int = 60, message: str | None = None) -> None:
        super().__init__(429)
        self._body = quota_body(write=write, limit=limit)
        if message is not None:
            self._body["error"]["message"] = message
        self.message = self._body["error"]["message"]

    def body(self) -> dict[str, Any]:
        return copy.deepcopy(self._body)


def quota_body(*, write: bool, limit: int = 60) -> dict[str, Any]:
    """The 429 body Google sends when the per-user read (or write) quota per minute is spent."""
    body = copy.deepcopy(_QUOTA_BODY)
    error = body["error"]
    metadata = error["details"][0]["metadata"]
    metadata["quota_limit_value"] = str(limit)
    if write:
        error["message"] = (
            error["message"]
            .replace("'Read requests'", "'Write requests'")
            .replace("'Read requests per minute per user'", "'Write requests per minute per user'")
        )
        metadata["quota_metric"] = "sheets.googleapis.com/write_requests"
        metadata["quota_limit"] = "WriteRequestsPerMinutePerUser"
    return body


def cell_limit_message(limit: int) -> str:
    """Google's words when a change would take a spreadsheet past its cell limit."""
    return f"This action would increase the number of cells in the workbook above the limit of {limit} cells."


def invalid(message: str) -> ApiError:
    """A 400 INVALID_ARGUMENT."""
    return ApiError(400, message)


def not_found() -> ApiError:
    """Google's 404 for an unknown spreadsheet (gspread turns it into SpreadsheetNotFound)."""
    return ApiError(404, "Requested entity was not found.")


def unable_to_parse(text: str) -> ApiError:
    """Google's answer to a range naming no existing sheet, or no range at all."""
    return ApiError(400, f"Unable to parse range: {text}")


def request_error(index: int, kind: str, message: str) -> ApiError:
    """batchUpdate errors name the failing request: ``Invalid requests[0].addSheet: ...``."""
    return ApiError(400, f"Invalid requests[{index}].{kind}: {message}")


class RequestProblem(Exception):
    """Raised inside a batchUpdate request handler; the dispatcher adds ``Invalid requests[i].kind:``."""

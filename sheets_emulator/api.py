"""What every endpoint handler receives: the parsed request and the spreadsheet it works on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sheets_emulator import fieldmask
from sheets_emulator.errors import RequestProblem, invalid
from sheets_emulator.model import Json, Spreadsheet


@dataclass
class Options:
    """Emulator behaviours a test may switch (the defaults follow Google as far as it is known)."""

    sort_moves_row_metadata: bool = True
    # The date a typed "3/4" takes its year from (Emulator(today=...) injects a fixed one in tests).
    today: Callable[[], dt.date] = dt.date.today
    # Google indents its JSON answers by two spaces unless a request says prettyPrint=false (gspread's recordings
    # show it); the emulator answers compactly unless told to answer as Google does, which tests need no time for.
    pretty_print: bool = False
    # spreadsheets.get and getByDataFilter reuse each unchanged tab's encoded part (sheets_emulator.answers); off,
    # every answer is built afresh, as a reference the cached bytes must equal.
    cache_answers: bool = True


@dataclass
class ApiRequest:
    """One API call: query values are lists (``ranges`` repeats), the body is parsed JSON."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    body: Any = None
    spreadsheet_id: str | None = None
    range_text: str | None = None
    metadata_id: str | None = None

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def params(self, name: str) -> list[str]:
        return list(self.query.get(name, []))

    def flag(self, name: str, default: bool = False) -> bool:
        """Booleans as gspread sends them: ``false``, ``False``, ``true``, ``True``."""
        value = self.param(name)
        if value is None:
            return default
        return value.strip().lower() in ("true", "1")

    def json_body(self) -> Json:
        """The body as an object ({} when absent), 400 when it is some other JSON value."""
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise invalid("Invalid JSON payload received. Expected an object.")
        return self.body


@dataclass
class Context:
    """The spreadsheet a handler reads or changes (for writes, a clone swapped in on success)."""

    spreadsheet: Spreadsheet
    options: Options = field(default_factory=Options)
    # Metadata ids in use, kept for the length of one request: a batch creating a metadata entry per row
    # would otherwise scan every entry for each new id (quadratic).
    _metadata_ids: set[int] | None = None

    def metadata_ids(self) -> set[int]:
        if self._metadata_ids is None:
            self._metadata_ids = self.spreadsheet.metadata_ids()
        return self._metadata_ids

    def forget_metadata_ids(self) -> None:
        """After metadata were deleted (the cache would only be a superset, but keep it exact)."""
        self._metadata_ids = None


def required_mask(body: Json) -> fieldmask.Mask | None:
    """The ``fields`` mask an update request must carry (Google refuses updates that name no field)."""
    fields = body.get("fields")
    if not fields:
        raise RequestProblem(
            "At least one field must be updated, but none were specified (the 'fields' mask)."
        )
    try:
        return fieldmask.parse(str(fields))
    except fieldmask.MaskError as error:
        raise RequestProblem(str(error)) from None

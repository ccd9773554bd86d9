"""Checks of what the Sheets API answers to a read, before :mod:`sheets_sync.sync.api_json` turns it into a snapshot.

A proxy's HTML page, an empty or truncated body, ``{}`` or fields of the wrong type are not what Google sends. A
sync that planned from such an answer would see an empty workbook (and write a new base, or re-create every tab):
it stops instead, with one line naming the endpoint and the JSON path of what was wrong
(:class:`~sheets_sync.errors.SheetsAnswerError`, exit 1, nothing written).

Every read is checked: the whole workbook (``spreadsheets.get``), the tabs read again after a write
(``spreadsheets.getByDataFilter``) and the metadata-only read, each under its narrowed field mask, and each tab as
the answer's text is parsed (:func:`read_snapshot`; the answer is never held whole as Python objects). Only the
fields :data:`~sheets_sync.sync.api_json.READ_FIELDS` asks for are checked (a pull's
:data:`~sheets_sync.sync.api_json.PULL_FIELDS` asks some of them: every part of a cell is optional), and only their
JSON types and ranges (Google's own limits: 10 million cells a spreadsheet, sheet ids below 2^31); unknown fields
are let through, as Google adds some now and then.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
)

from sheets_sync.errors import SheetsAnswerError
from sheets_sync.models import describe_validation_error
from sheets_sync.sync.api_json import snapshot_from_bytes
from sheets_sync.sync.snapshot import SheetSnapshot

MAX_SHEET_ID = 2**31 - 1
MAX_CELLS = 10_000_000

Id = Annotated[StrictInt, Field(ge=0, le=MAX_SHEET_ID)]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_CELLS)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class GridProperties(_Part):
    rowCount: Count = 0
    columnCount: Count = 0
    frozenRowCount: Count = 0
    frozenColumnCount: Count = 0


class SheetProperties(_Part):
    sheetId: Id
    title: StrictStr
    index: Count = 0
    gridProperties: GridProperties = GridProperties()


class ExtendedValue(_Part):
    stringValue: StrictStr | None = None
    numberValue: StrictInt | StrictFloat | None = None
    boolValue: StrictBool | None = None
    formulaValue: StrictStr | None = None


class CellData(_Part):
    userEnteredValue: ExtendedValue | None = None
    formattedValue: StrictStr | None = None
    note: StrictStr | None = None
    hyperlink: StrictStr | None = None
    userEnteredFormat: dict[str, Any] | None = None
    dataValidation: dict[str, Any] | None = None


class RowData(_Part):
    values: list[CellData] = []


class ColumnMetadata(_Part):
    pixelSize: Annotated[StrictInt, Field(ge=0, le=100_000)] = 100


class GridData(_Part):
    startRow: Count = 0
    startColumn: Count = 0
    rowData: list[RowData] = []
    columnMetadata: list[ColumnMetadata] = []


class DeveloperMetadata(_Part):
    metadataId: Id
    metadataKey: StrictStr = ""
    metadataValue: StrictStr = ""
    location: dict[str, Any] = {}


class Sheet(_Part):
    properties: SheetProperties
    data: list[GridData] = []
    merges: list[dict[str, Any]] = []
    protectedRanges: list[dict[str, Any]] = []
    conditionalFormats: list[dict[str, Any]] = []
    developerMetadata: list[DeveloperMetadata] = []


class TopAnswer(_Part):
    """The fields of a read's answer but its tabs (every read's mask asks for the spreadsheet id)."""

    spreadsheetId: StrictStr = Field(min_length=1)
    developerMetadata: list[DeveloperMetadata] = []


class ReadAnswer(TopAnswer):
    """The parts of a ``spreadsheets.get`` answer a sync reads (Google's field names). A spreadsheet always has a tab."""

    sheets: list[Sheet] = Field(min_length=1)


def check_read_answer(answer: object, endpoint: str, spreadsheet_id: str) -> dict[str, Any]:
    """``answer`` when it has the shape of a ``spreadsheets.get`` answer for ``spreadsheet_id``, else a
    :class:`SheetsAnswerError` naming the endpoint and the first thing wrong."""
    where = f"the Sheets API at {endpoint} answered spreadsheets.get of {spreadsheet_id!r} with"
    if not isinstance(answer, dict):
        raise SheetsAnswerError(f"{where} JSON {type(answer).__name__}, not an object; nothing was written")
    try:
        ReadAnswer.model_validate(answer)
    except ValidationError as exc:
        json_path, message = describe_validation_error(exc)[0]
        raise SheetsAnswerError(
            f"{where} an answer Google does not send ({json_path or 'top'}: {message}); nothing was written"
        ) from None
    if answer["spreadsheetId"] != spreadsheet_id:
        raise SheetsAnswerError(f"{where} spreadsheet {answer['spreadsheetId']!r}; nothing was written")
    return answer


def not_json(endpoint: str, method: str, body: str) -> SheetsAnswerError:
    """The error for an answer that is not JSON at all (an HTML page, an empty or truncated body)."""
    text = body.strip()
    what = "an empty body" if not text else "HTML" if text.startswith("<") else "truncated or invalid JSON"
    return SheetsAnswerError(
        f"the Sheets API at {endpoint} answered {method} with {what}; nothing was written"
    )


class AnswerCheck:
    """The checks of one read's answer, part by part as it is parsed (:class:`~sheets_sync.sync.api_json.AnswerCheck`).

    ``tabs``: whether the answer must hold at least one tab (a read of the whole workbook: a spreadsheet always has
    one); the tabs read again after a write and the metadata-only read may hold none."""

    def __init__(self, endpoint: str, method: str, spreadsheet_id: str, *, tabs: bool) -> None:
        self.endpoint, self.method, self.spreadsheet_id, self.tabs = endpoint, method, spreadsheet_id, tabs

    @property
    def where(self) -> str:
        return f"the Sheets API at {self.endpoint} answered {self.method} of {self.spreadsheet_id!r} with"

    def sheet(self, sheet: object, number: int) -> None:
        try:
            Sheet.model_validate(sheet)
        except ValidationError as exc:
            json_path, message = describe_validation_error(exc)[0]
            raise self._wrong(f"sheets[{number}]{'.' + json_path if json_path else ''}", message) from None

    def top(self, top: Mapping[str, Any], sheets: int) -> None:
        try:
            TopAnswer.model_validate(top)
        except ValidationError as exc:
            json_path, message = describe_validation_error(exc)[0]
            raise self._wrong(json_path or "top", message) from None
        if self.tabs and sheets == 0:
            raise self._wrong("sheets", "no tab (a spreadsheet always has one)")
        if top["spreadsheetId"] != self.spreadsheet_id:
            raise SheetsAnswerError(f"{self.where} spreadsheet {top['spreadsheetId']!r}; nothing was written")

    def _wrong(self, json_path: str, message: str) -> SheetsAnswerError:
        return SheetsAnswerError(
            f"{self.where} an answer Google does not send ({json_path}: {message}); nothing was written"
        )


def read_snapshot(data: bytes, check: AnswerCheck, known: Collection[str] = ()) -> SheetSnapshot:
    """The snapshot of a read's answer (its bytes), checked part by part; a :class:`SheetsAnswerError` naming the
    endpoint when it is not JSON (an HTML page, an empty or truncated body) or not what Google sends. ``known``:
    digests of tab texts an earlier read decoded and checked (see ``snapshot_from_bytes``)."""
    try:
        return snapshot_from_bytes(data, check, known)
    except ValueError:  # not UTF-8, not JSON, cut short
        raise not_json(check.endpoint, check.method, data.decode("utf-8", "replace")) from None
    except RecursionError:
        raise SheetsAnswerError(
            f"the Sheets API at {check.endpoint} answered {check.method} with JSON nested deeper than any answer "
            "Google sends; nothing was written"
        ) from None

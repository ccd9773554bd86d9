"""The checks of a read's answer as the sync parses it from bytes, tab by tab (sheets_sync.sync.api_answers): every
read's shape (the whole workbook, the tabs read again after a write, the metadata alone), one line naming the
endpoint, the method and the JSON path of what is wrong."""

from __future__ import annotations

import json

import pytest

from sheets_sync.errors import SheetsAnswerError
from sheets_sync.sync.api_answers import AnswerCheck, read_snapshot

ENDPOINT = "http://127.0.0.1:9"
SHEET = "1AnswerAnswerAnswerAnswerAnswer_demo"


def tab(sheet_id: int, title: str) -> dict[str, object]:
    return {
        "properties": {
            "sheetId": sheet_id,
            "title": title,
            "index": sheet_id,
            "gridProperties": {"rowCount": 5},
        },
        "data": [{"rowData": [{"values": [{"userEnteredValue": {"stringValue": "module"}}]}]}],
    }


def answer(**fields: object) -> bytes:
    return json.dumps({"spreadsheetId": SHEET, **fields}).encode()


def check(*, tabs: bool, method: str = "spreadsheets.get") -> AnswerCheck:
    return AnswerCheck(ENDPOINT, method, SHEET, tabs=tabs)


def test_each_read_shape_is_accepted() -> None:
    whole = read_snapshot(answer(sheets=[tab(0, "Heatmap"), tab(7, "m01")]), check(tabs=True))
    assert [t.title for t in whole.tabs] == ["Heatmap", "m01"]
    again = read_snapshot(
        answer(sheets=[tab(7, "m01")]), check(tabs=False, method="spreadsheets.getByDataFilter")
    )
    assert [t.sheet_id for t in again.tabs] == [7]
    metadata = answer(developerMetadata=[{"metadataId": 3, "metadataKey": "k", "metadataValue": "v"}])
    assert [m.key for m in read_snapshot(metadata, check(tabs=False)).metadata] == ["k"]


@pytest.mark.parametrize(
    ("body", "tabs", "words"),
    [
        (answer(), True, "(sheets: no tab"),
        (answer(sheets=[tab(0, "Heatmap"), {"properties": {"sheetId": 1, "title": 7}}]), False, "sheets[1].properties.title"),
        (answer(sheets=[tab(-1, "Heatmap")]), False, "sheets[0].properties.sheetId"),
        (answer(sheets=[{"properties": {"sheetId": 1, "title": "x", "gridProperties": {"rowCount": 10**9}}}]),
         False, "rowCount"),
        (json.dumps({"sheets": [tab(0, "Heatmap")]}).encode(), False, "(spreadsheetId:"),
        (json.dumps({"spreadsheetId": "1Other", "sheets": [tab(0, "x")]}).encode(), False, "spreadsheet '1Other'"),
        (answer(developerMetadata=[{"metadataId": "x"}]), False, "developerMetadata"),
        (b"", False, "with an empty body"),
        (b"<html>502</html>", False, "with HTML"),
        (answer(sheets=[tab(0, "Heatmap")])[:-30], False, "truncated or invalid JSON"),
        (b'{"spreadsheetId": "\xff"}', False, "truncated or invalid JSON"),
        (b'{"spreadsheetId": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", False, "nested deeper"),
        (b"[]", False, "truncated or invalid JSON"),
    ],
)  # fmt: skip
def test_an_answer_google_does_not_send_is_one_line_naming_endpoint_method_and_path(
    body: bytes, tabs: bool, words: str
) -> None:
    method = "spreadsheets.getByDataFilter"
    with pytest.raises(SheetsAnswerError) as raised:
        read_snapshot(body, check(tabs=tabs, method=method))
    message = str(raised.value)
    assert "\n" not in message and ENDPOINT in message and method in message, message
    assert words in message and "nothing was written" in message, message

"""The cell codec: how one value of the local data becomes one Google Sheets cell value, and back.

Pure, no I/O. Values travel as Sheets ``ExtendedValue`` objects inside ``updateCells`` requests, never as typed
text: a ``stringValue`` is stored exactly as sent (Google's RAW), so ``"6.10"``, ``"0012"``, ``"=IMPORTXML(...)"``,
``"+1 555 0100"``, ``"1e5"``, ``"TRUE"`` and ``"2026-01-20"`` come back as the same text. USER_ENTERED would turn
``"6.10"`` into 6.1 and ``"=..."`` into a formula: this module never produces anything but string, number and boolean
values.

Reading uses the user-entered (unformatted) value of a cell: what is stored, not how it is displayed. A PM who types
``3`` into a text column gets a number from Sheets; :func:`cell_text` turns it back into ``"3"``.
"""

from __future__ import annotations

import math
from typing import Any

CellValue = str | int | float | bool | None
"""One cell's value as the planner sees it; None is an empty cell (``""`` never appears: it is None)."""

MAX_CELL_CHARS = 50_000
"""Google Sheets refuses longer cell text."""


class CellTextTooLongError(ValueError):
    """Text longer than a cell holds; the planner turns it into a DataError naming module and row."""

    def __init__(self, length: int) -> None:
        self.length = length
        super().__init__(
            f"{length:,} characters, more than the {MAX_CELL_CHARS:,} a Google Sheets cell holds"
        )


def text_value(text: str | None) -> CellValue:
    """The cell value for a piece of text: written verbatim, refused (not truncated) when too long."""
    if text is None or text == "":
        return None
    if len(text) > MAX_CELL_CHARS:
        raise CellTextTooLongError(len(text))
    return text


def number_value(number: float | None) -> CellValue:
    """The cell value for a number; NaN and infinities have no cell form and become empty."""
    if number is None or (isinstance(number, float) and not math.isfinite(number)):
        return None
    return number


def fraction_value(percent: float | None) -> CellValue:
    """A 0-100 rate as the 0-1 fraction that Sheets' percent format expects (60.0 -> 0.6, shown as "60.0%").

    Rounded so that 89.6 gives 0.896, not 0.8959999999999999: the same rate always writes the same number.
    """
    return None if percent is None else number_value(round(percent / 100, 10))


def cell_text(value: CellValue) -> str:
    """Any cell value as the text a text field holds: numbers a PM typed keep their shortest form ("3", "6.1")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def same_value(left: CellValue, right: CellValue) -> bool:
    """Cell equality as Sheets stores it: 1 and 1.0 are the same number, but a number is never equal to text."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return float(left) == float(right)
    return left == right


def to_extended_value(value: CellValue) -> dict[str, Any] | None:
    """The API's ExtendedValue for a cell value (None: no userEnteredValue, which clears the cell)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": value}


def from_extended_value(extended: dict[str, Any] | None) -> CellValue:
    """A cell value from the API's ExtendedValue; a formula a PM typed reads as its text, an error as empty."""
    if not extended:
        return None
    if "stringValue" in extended:
        return text_or_none(str(extended["stringValue"]))
    if "numberValue" in extended:
        number = extended["numberValue"]
        return int(number) if isinstance(number, int) else float(number)
    if "boolValue" in extended:
        return bool(extended["boolValue"])
    if "formulaValue" in extended:
        return str(extended["formulaValue"])
    return None


def text_or_none(text: str) -> CellValue:
    """Empty text is an empty cell."""
    return text if text != "" else None

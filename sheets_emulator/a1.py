"""A1 notation as Google Sheets reads and writes it.

Parsing accepts what the Sheets API accepts for the ranges sheets-sync and gspread send: quoted titles with
doubled quotes (``'Jon''s Data'!A1:C3``), bare titles (``Sheet1``), cells (``B7``), open ranges (``A:C``,
``A1:1``, ``2:5``, ``A5:A``) and ``$`` anchors. Formatting writes ranges the way Google echoes them: the title
quoted only when it must be (``Sheet1!A1:Z1`` but ``'🌵 test_values_get 1'!A1:J10`` and ``'D3'!A1``), a single
cell as ``B1``.

Indices are 0-based and end-exclusive, like a GridRange.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COLUMN_LETTERS = 3  # ZZZ = 18278 columns, Google's maximum

_PART = re.compile(r"^\$?([A-Za-z]{0,3})\$?([0-9]*)$")
_SIMPLE_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_REF = re.compile(r"^([A-Za-z]{1,3}[0-9]*|[Rr][0-9]+[Cc][0-9]+|[0-9]+)$")


class A1Error(ValueError):
    """The text is not a range the Sheets API can parse."""


@dataclass(frozen=True)
class A1Range:
    """A parsed range: ``title`` is None when the text named no sheet; None bounds are open (to the grid's
    edge)."""

    title: str | None
    start_row: int | None = None
    end_row: int | None = None
    start_col: int | None = None
    end_col: int | None = None

    @property
    def is_single_cell(self) -> bool:
        """True for ``B7``-like ranges, which appends and updates treat as an anchor, not a box."""
        return (
            self.start_row is not None
            and self.end_row == self.start_row + 1
            and self.start_col is not None
            and self.end_col == self.start_col + 1
        )


@dataclass(frozen=True)
class Box:
    """A closed-open rectangle of a sheet's grid, all bounds known."""

    start_row: int
    end_row: int
    start_col: int
    end_col: int

    @property
    def rows(self) -> int:
        return max(0, self.end_row - self.start_row)

    @property
    def cols(self) -> int:
        return max(0, self.end_col - self.start_col)

    @property
    def empty(self) -> bool:
        return self.rows == 0 or self.cols == 0

    def intersects(self, other: Box) -> bool:
        return (
            self.start_row < other.end_row
            and other.start_row < self.end_row
            and self.start_col < other.end_col
            and other.start_col < self.end_col
        )


def column_letters(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    if index < 0:
        raise ValueError(f"negative column index {index}")
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """ "A" -> 0, "AA" -> 26 (case-insensitive)."""
    number = 0
    for char in letters.upper():
        if not "A" <= char <= "Z":
            raise A1Error(f"not a column: {letters!r}")
        number = number * 26 + (ord(char) - ord("A") + 1)
    return number - 1


def cell_name(row: int, col: int) -> str:
    """(0, 1) -> "B1"."""
    return f"{column_letters(col)}{row + 1}"


def split_title(text: str) -> tuple[str | None, str]:
    """Separate ``'Jon''s'!A1`` into ("Jon's", "A1"); a text without ``!`` gives (None, text)."""
    text = text.strip()
    if text.startswith("'"):
        title, rest = _read_quoted(text)
        if rest == "":
            return title, ""
        if not rest.startswith("!"):
            raise A1Error(f"Unable to parse range: {text}")
        return title, rest[1:]
    if "!" in text:
        title, _, rest = text.rpartition("!")
        return title, rest
    return None, text


def _read_quoted(text: str) -> tuple[str, str]:
    """Read a quoted title at the start of ``text``; '' inside it is one quote."""
    chars: list[str] = []
    i = 1
    while i < len(text):
        if text[i] == "'":
            if i + 1 < len(text) and text[i + 1] == "'":
                chars.append("'")
                i += 2
                continue
            return "".join(chars), text[i + 1 :]
        chars.append(text[i])
        i += 1
    raise A1Error(f"Unable to parse range: {text}")


def parse(text: str) -> A1Range:
    """Parse a range as the API does; a bare word that is no cell reference is a sheet title."""
    stripped = text.strip()
    title, ref = split_title(stripped)
    if title is not None and ref == "":
        return A1Range(title=title)
    if title is None and not _parses_as_ref(ref):
        return A1Range(title=stripped)
    return _parse_ref(title, ref, text)


def _parses_as_ref(ref: str) -> bool:
    try:
        _parse_ref(None, ref, ref)
    except A1Error:
        return False
    return True


def _parse_ref(title: str | None, ref: str, original: str) -> A1Range:
    first, sep, second = ref.partition(":")
    start_col, start_row = _parse_part(first, original)
    if not sep:
        if start_col is None and start_row is None:
            raise A1Error(f"Unable to parse range: {original}")
        return _single(title, start_col, start_row)
    end_col, end_row = _parse_part(second, original)
    if (start_col is None and start_row is None) or (end_col is None and end_row is None):
        raise A1Error(f"Unable to parse range: {original}")
    return _ordered(title, start_row, end_row, start_col, end_col)


def _single(title: str | None, col: int | None, row: int | None) -> A1Range:
    """``B7`` is one cell, ``B`` a whole column, ``7`` a whole row."""
    return _ordered(title, row, row, col, col)


def _ordered(title: str | None, r1: int | None, r2: int | None, c1: int | None, c2: int | None) -> A1Range:
    """Google accepts ``B2:A1`` and means ``A1:B2``; a side without a row (or column) is open."""
    if r1 is not None and r2 is not None and r2 < r1:
        r1, r2 = r2, r1
    if c1 is not None and c2 is not None and c2 < c1:
        c1, c2 = c2, c1
    return A1Range(
        title=title,
        start_row=r1,
        end_row=None if r2 is None else r2 + 1,
        start_col=c1,
        end_col=None if c2 is None else c2 + 1,
    )


def _parse_part(part: str, original: str) -> tuple[int | None, int | None]:
    match = _PART.match(part.strip())
    if not match or (not match.group(1) and not match.group(2)):
        raise A1Error(f"Unable to parse range: {original}")
    letters, digits = match.groups()
    col = column_index(letters) if letters else None
    row = int(digits) - 1 if digits else None
    if row is not None and row < 0:
        raise A1Error(f"Unable to parse range: {original}")
    return col, row


def resolve(a1: A1Range, row_count: int, col_count: int) -> Box:
    """Fill open bounds from the grid size (not clipped: callers decide whether past-the-grid is an error)."""
    return Box(
        start_row=a1.start_row if a1.start_row is not None else 0,
        end_row=a1.end_row if a1.end_row is not None else row_count,
        start_col=a1.start_col if a1.start_col is not None else 0,
        end_col=a1.end_col if a1.end_col is not None else col_count,
    )


def clip(box: Box, row_count: int, col_count: int) -> Box:
    """Clip to the grid, as reads echo ``Sheet1!A1:Z1000`` for ``Sheet1``."""
    return Box(
        start_row=min(box.start_row, row_count),
        end_row=min(box.end_row, row_count),
        start_col=min(box.start_col, col_count),
        end_col=min(box.end_col, col_count),
    )


def needs_quotes(title: str) -> bool:
    """Google leaves ``Sheet1`` bare but quotes titles with spaces or symbols and titles that read as
    references."""
    return (
        not _SIMPLE_TITLE.match(title)
        or bool(_LOOKS_LIKE_REF.match(title))
        or title.upper() in {"TRUE", "FALSE"}
    )


def quote_title(title: str) -> str:
    """``Jon's Data`` -> ``'Jon''s Data'``; ``Sheet1`` stays bare."""
    if needs_quotes(title):
        return "'" + title.replace("'", "''") + "'"
    return title


def format_box(box: Box) -> str:
    """``A1:Z1``, or ``B1`` for a single cell."""
    start = cell_name(box.start_row, box.start_col)
    if box.rows == 1 and box.cols == 1:
        return start
    return f"{start}:{cell_name(box.end_row - 1, box.end_col - 1)}"


def format_range(title: str, box: Box) -> str:
    """A range the way Google echoes it: ``Sheet1!A1:Z1``, ``'D3'!A1:D4``."""
    return f"{quote_title(title)}!{format_box(box)}"

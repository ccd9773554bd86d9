"""A whole-workbook read's answer cut into its tabs' JSON texts without decoding them, so that a tab whose text a
sync has already seen is neither decoded nor planned again (:mod:`sheets_sync.sync.settled`).

The answer is ``{"spreadsheetId": ..., "sheets": [TAB, TAB, ...], "developerMetadata": [...]}`` with no
whitespace (every sync read asks ``prettyPrint=false``), and each TAB begins with its ``properties`` (Google writes
a message's fields in the order of their numbers, and ``properties`` is the Sheet message's field 1; the emulator
writes it first too). A JSON string holds no bare ``"``, so the bytes ``},{"properties":`` occur only between two
tabs. An answer of any other shape is not cut (:func:`split_answer` returns None) and is decoded whole, as before:
cutting is a shortcut, never a different reading.

A tab cut out this way is either decoded whole (and so proved to be exactly one JSON object), or, when its text's
hash is one a sync decoded before, kept as text: its small parts (properties, protections, rules, merges,
developer metadata) are decoded at once and its grid (``data``: the cells and column widths, nearly all of its
bytes) only if something reads a cell (:class:`LazyGrid`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

_FIRST_TAB = b'"sheets":[{"properties":'
_BETWEEN_TABS = b'},{"properties":'
_DATA = b'"data":'
TAB_KEYS = (b"properties", b"protectedRanges", b"conditionalFormats", b"merges", b"developerMetadata")
"""The tab-level fields a sync read asks for besides ``data`` (``api_json.TAB_FIELDS``); none of them is also the
name of a field inside a grid, so ``],"<one of them>":`` after the grid's start is where the grid ends."""

Json = dict[str, Any]


@dataclass(frozen=True)
class SplitAnswer:
    """The answer's fields but ``sheets``, and each tab's text as a ``(start, end)`` byte range of the answer."""

    top: Json
    tabs: tuple[tuple[int, int], ...]


def split_answer(data: bytes) -> SplitAnswer | None:
    """The answer cut into tabs, or None when it is not of the shape described in the module docstring."""
    first = data.find(_FIRST_TAB)
    if first < 1 or data[first - 1 : first] != b"," or not data.startswith(b"{"):
        return None
    try:
        head = json.loads(data[: first - 1] + b"}")
    except ValueError:
        return None
    starts = [first + len(b'"sheets":[')]
    while (found := data.find(_BETWEEN_TABS, starts[-1])) != -1:
        starts.append(found + 2)
    last_end = _object_end(data, starts[-1])
    if last_end is None or data[last_end : last_end + 1] != b"]":
        return None
    rest = data[last_end + 1 :]
    try:
        tail = {} if rest == b"}" else json.loads(b"{" + rest[1:]) if rest.startswith(b",") else None
    except ValueError:
        return None
    if not isinstance(head, dict) or not isinstance(tail, dict) or "sheets" in head or "sheets" in tail:
        return None
    ends = [start - 2 + 1 for start in starts[1:]] + [last_end]
    return SplitAnswer({**head, **tail}, tuple(zip(starts, ends, strict=True)))


def _object_end(data: bytes, start: int) -> int | None:
    """Where the JSON object starting at ``start`` ends (a byte offset), or None when it is not one."""
    text = data[start:].decode("utf-8", "surrogatepass")
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return None
    return start + len(text[:end].encode("utf-8", "surrogatepass"))


def text_digest(data: bytes | memoryview) -> str:
    """The fingerprint of a tab's text (any change to any byte of it changes it)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class TabText:
    """One tab's text in the answer: decoded whole on demand, or as its small parts and a grid decoded later."""

    answer: bytes
    start: int
    end: int

    @property
    def digest(self) -> str:
        return text_digest(memoryview(self.answer)[self.start : self.end])

    def decode(self) -> Json:
        """The whole tab (a ValueError when the text is not exactly one JSON object)."""
        value = json.loads(self.answer[self.start : self.end])
        if not isinstance(value, dict):
            raise ValueError("a tab of the Sheets API answer is not an object")  # noqa: TRY004 (read as "not JSON")
        return value

    def parts(self) -> tuple[Json, tuple[int, int] | None]:
        """The tab without its ``data`` field, and that field's value as a byte range of the answer (None when
        the tab has none). A ValueError when the text is not of the expected shape."""
        piece = self.answer[self.start : self.end]
        at = piece.find(_DATA)
        if at == -1:
            return self.decode(), None
        value_start = at + len(_DATA)
        ends = [piece.find(b'],"' + key + b'":', value_start) for key in TAB_KEYS]
        found = [end for end in ends if end != -1]
        if found:
            value_end = min(found) + 1
        elif piece.endswith(b"]}"):
            value_end = len(piece) - 1
        else:
            raise ValueError("a tab's grid does not end where expected")
        before, after = piece[:at], piece[value_end:]
        light = before[:-1] + after if before.endswith(b",") else before + after[1:]
        value = json.loads(light)
        if not isinstance(value, dict):
            raise ValueError("a tab of the Sheets API answer is not an object")  # noqa: TRY004 (read as "not JSON")
        return value, (self.start + value_start, self.start + value_end)


T = TypeVar("T")


class LazyGrid:
    """A tab's grid, decoded the first time a cell or a column width of it is asked for."""

    def __init__(self, answer: bytes, span: tuple[int, int], build: Any) -> None:
        self._answer, self._span, self._build = answer, span, build
        self._parts: tuple[Mapping[Any, Any], Mapping[Any, Any]] | None = None

    def parts(self) -> tuple[Mapping[Any, Any], Mapping[Any, Any]]:
        if self._parts is None:
            start, end = self._span
            blocks = json.loads(self._answer[start:end])
            self._parts = self._build(blocks)
            self._answer = b""  # the answer is not kept alive by a grid already decoded
        return self._parts


class LazyMapping(Mapping[Any, T], Generic[T]):
    """One of a :class:`LazyGrid`'s two mappings (0: cells, 1: column widths)."""

    __slots__ = ("_grid", "_which")

    def __init__(self, grid: LazyGrid, which: int) -> None:
        self._grid, self._which = grid, which

    def _data(self) -> Mapping[Any, T]:
        return self._grid.parts()[self._which]

    def __getitem__(self, key: Any) -> T:
        return self._data()[key]

    def get(self, key: Any, default: Any = None) -> Any:
        return self._data().get(key, default)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __contains__(self, key: object) -> bool:
        return key in self._data()

"""``spreadsheets.get`` and ``getByDataFilter`` answers encoded straight to compact JSON, each tab's part memoized on
the tab.

The sync reads the whole workbook with the same field mask again and again while most tabs do not change, and at
1,000 module tabs one answer is about 76 MB: building and encoding every cell each time was most of a read's cost.
So the compact answer is assembled from bytes: the spreadsheet's own fields are encoded each time (they are small),
and each tab's element of ``sheets`` is encoded once and kept in :attr:`Sheet.memo
<sheets_emulator.model.Sheet.memo>` under what selects it (the ``sheets`` part of the mask, whether grid data is
included, the boxes read), together with everything it was derived from:

* the tab's :attr:`~sheets_emulator.model.Sheet.revision`, which every possible change to the tab replaces by a
  number never used before (see :mod:`sheets_emulator.model`);
* the text of the spreadsheet's default format (``effectiveFormat`` is derived from it) and of the developer
  metadata located on the tab (kept in the spreadsheet's one list, which a write elsewhere copies), both derived
  once per spreadsheet revision and memoized on the spreadsheet.

A stored text is used only when all three are what they are now, so it cannot be stale; a tab whose revision moved
on drops all its texts. Each tab keeps at most :data:`ANSWERS_PER_TAB` texts (the sync uses two masks), so the
memo holds about one copy of the answer per mask in use. The bytes are those of ``json.dumps`` of
:func:`~sheets_emulator.serialize.spreadsheet_json`'s answer, which is still what a pretty-printed answer and
``emu.options.cache_answers = False`` use (``tests/emulator/test_emulator_answer_memo.py`` compares the two).
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from sheets_emulator import fieldmask
from sheets_emulator.a1 import Box
from sheets_emulator.fieldmask import Mask
from sheets_emulator.model import Json, Sheet, Spreadsheet, active_transaction
from sheets_emulator.serialize import (
    data_mask,
    grid_data_json,
    sheet_boxes,
    sheet_json,
    sheets_in,
    spreadsheet_json,
    top_json,
)

ANSWERS_PER_TAB = 2
"""Texts kept per tab: the sync reads with two masks (a push's ``READ_FIELDS``, a pull's ``PULL_FIELDS``)."""


def encode(value: Any) -> bytes:
    """Compact JSON as the emulator answers it (UTF-8, no spaces, no ASCII escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class SpreadsheetAnswer:
    """A Spreadsheet resource to answer, encoded when the answer is written (inside the read, under the lock)."""

    spreadsheet: Spreadsheet
    mask: Mask | None
    include_grid_data: bool
    ranges: list[tuple[Sheet, Box]] | None

    def as_json(self) -> Json:
        """The answer as a dictionary, built afresh (for an indented answer)."""
        return spreadsheet_json(
            self.spreadsheet, mask=self.mask, include_grid_data=self.include_grid_data, ranges=self.ranges
        )

    def compact(self) -> bytes:
        """The answer as compact JSON, each tab's part memoized (outside a write: a write's reply is built
        from state the write may still change or undo)."""
        if active_transaction() is not None:
            return encode(self.as_json())
        sheets = sheets_in(self.spreadsheet, self.ranges)
        parts = [b"{"]  # joined once: at 1,000 tabs the answer is ~76 MB, and each join copies it
        for key, value in top_json(self.spreadsheet, self.mask).items():
            if len(parts) > 1:
                parts.append(b",")
            parts.append(encode(key) + b":")
            if key == "sheets":
                texts = _TabEncoder(self).texts(sheets)
                parts.append(b"[")
                parts.extend(_interleaved(texts, b","))
                parts.append(b"]")
            else:
                parts.append(encode(value))
        parts.append(b"}")
        return b"".join(parts)


def _interleaved(items: list[bytes], separator: bytes) -> list[bytes]:
    """``items`` with ``separator`` between each two (``separator.join`` as a list of parts)."""
    out = [separator] * (2 * len(items) - 1) if items else []
    out[::2] = items
    return out


class _TabEncoder:
    """Each tab's element of ``sheets``: the memoized text when it is still valid, else encoded and stored."""

    def __init__(self, answer: SpreadsheetAnswer) -> None:
        spreadsheet = answer.spreadsheet
        self.answer = answer
        self.sheets_mask = fieldmask.child(answer.mask, "sheets")[1]
        self.data_mask, self.wanted = data_mask(answer.mask, answer.include_grid_data)
        self.mask_key = json.dumps(self.sheets_mask, sort_keys=True)
        self.default_format, self.metadata = _shared_inputs(spreadsheet)

    def texts(self, sheets: list[Sheet]) -> list[bytes]:
        return [self.text(sheet) for sheet in sheets]

    def text(self, sheet: Sheet) -> bytes:
        boxes = sheet_boxes(sheet, self.answer.ranges) if self.wanted else []
        key = (self.mask_key, self.wanted, tuple(boxes))
        derived_from = (sheet.revision, self.default_format, self.metadata.get(sheet.sheet_id, b""))
        memo = sheet.memo
        stored = memo.get(key)
        if stored is not None and stored[0] == derived_from:
            return stored[1]  # type: ignore[no-any-return]
        if any(entry[0][0] != sheet.revision for entry in memo.values()):
            memo.clear()  # the tab changed: every text of it is stale
        text = encode(self._sheet_json(sheet, boxes))
        memo.pop(key, None)
        while len(memo) >= ANSWERS_PER_TAB:
            del memo[next(iter(memo))]  # the oldest
        memo[key] = (derived_from, text)
        return text

    def _sheet_json(self, sheet: Sheet, boxes: list[Box]) -> Json:
        """What :func:`~sheets_emulator.serialize.spreadsheet_json` puts in ``sheets`` for this tab."""
        spreadsheet = self.answer.spreadsheet
        out: Json = fieldmask.select(sheet_json(spreadsheet, sheet), self.sheets_mask)
        if self.wanted:
            out["data"] = [grid_data_json(spreadsheet, sheet, box, self.data_mask) for box in boxes]
        return out


def _shared_inputs(spreadsheet: Spreadsheet) -> tuple[bytes, dict[Hashable, bytes]]:
    """What the tabs' texts derive from outside the tabs: the text of the default format, and of the developer
    metadata on each tab; memoized on the spreadsheet for its revision (a workbook with metadata on every row
    holds tens of thousands of entries)."""
    stored = spreadsheet.memo.get("tab inputs")
    if stored is not None and stored[0] == spreadsheet.revision:
        return stored[1]  # type: ignore[no-any-return]
    inputs = (encode(spreadsheet.properties.get("defaultFormat", {})), _metadata_by_sheet(spreadsheet))
    spreadsheet.memo["tab inputs"] = (spreadsheet.revision, inputs)
    return inputs


def _metadata_by_sheet(spreadsheet: Spreadsheet) -> dict[Hashable, bytes]:
    """The text of the developer metadata located on each tab (on it, its rows or its columns)."""
    located: dict[Hashable, list[Json]] = {}
    for metadata in spreadsheet.metadata_for_reading:
        located.setdefault(_tab_of(metadata["location"]), []).append(metadata)
    return {sheet_id: encode(entries) for sheet_id, entries in located.items()}


def _tab_of(location: Json) -> Hashable:
    """The ``sheetId`` a metadata location names, found by the same lookups :mod:`~sheets_emulator.serialize` makes
    (a dictionary key matches what ``==`` matches), None for the spreadsheet."""
    kind = location.get("locationType")
    if kind == "SHEET":
        sheet_id = location.get("sheetId")
    elif kind in ("ROW", "COLUMN"):
        sheet_id = (location.get("dimensionRange") or {}).get("sheetId", 0)
    else:
        return None
    return sheet_id if isinstance(sheet_id, Hashable) else None

"""The base snapshot ``data/.sync/<spreadsheet id>.json``: what both sides agreed on at the last sync.

Three-way merge needs it: a field that differs between the module JSON and the sheet was changed on the side that no
longer matches the base. It also remembers the sheetId of every tab sheets-sync made (tabs are tracked by id, not
title) and a digest of the tool-owned cells of each tab, so a difference there can be told apart as a PM's edit
(digest unchanged) or new local results (digest changed).

The file is deterministic (modules in natural order, suggestions by number, fields in a fixed order, no clock) and is
meant to be committed with the data. Pure: reading and writing the file is :mod:`sheets_sync.sync.base_file`'s.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sheets_sync.models import suggestion_number
from sheets_sync.sync.layout import PM_FIELDS
from sheets_sync.versions import natural_key

BASE_SCHEMA_VERSION = 1

FieldTexts = dict[str, str]
"""A suggestion's PM fields as cell texts (None is "")."""


class Base(BaseModel):
    """The last agreed state of one spreadsheet."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = BASE_SCHEMA_VERSION
    spreadsheet_id: str
    heatmap_sheet_id: int | None = None
    module_tabs: dict[str, int] = Field(default_factory=dict)
    digests: dict[str, str] = Field(default_factory=dict, description="Tool-owned cells per tab key.")
    suggestions: dict[str, dict[str, FieldTexts]] = Field(default_factory=dict)
    tombstones: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per module, suggestion ids deleted for good (also in the workbook: see sheets_sync.sync.team).",
    )
    copies: dict[str, dict[str, FieldTexts]] = Field(
        default_factory=dict,
        description="PM copies of module tabs (by sheetId): their rows when last seen, to name edits made in them.",
    )

    def suggestion(self, module_id: str, suggestion_id: str) -> FieldTexts | None:
        return self.suggestions.get(module_id, {}).get(suggestion_id)

    def to_json_dict(self) -> dict[str, Any]:
        """Deterministic form: natural module order, suggestions by number, fields in PM_FIELDS order."""
        return {
            "schema_version": self.schema_version,
            "spreadsheet_id": self.spreadsheet_id,
            "heatmap_sheet_id": self.heatmap_sheet_id,
            "module_tabs": {m: self.module_tabs[m] for m in sorted(self.module_tabs, key=natural_key)},
            "digests": {k: self.digests[k] for k in sorted(self.digests, key=natural_key)},
            "suggestions": {
                module_id: _sorted_suggestions(self.suggestions[module_id])
                for module_id in sorted(self.suggestions, key=natural_key)
                if self.suggestions[module_id]
            },
            "tombstones": {
                module_id: sorted(set(ids), key=lambda sid: (suggestion_number(sid) or 0, sid))
                for module_id, ids in sorted(self.tombstones.items(), key=lambda item: natural_key(item[0]))
                if ids
            },
        } | (
            {"copies": {key: _sorted_suggestions(self.copies[key]) for key in sorted(self.copies, key=int)}}
            if self.copies
            else {}
        )


def _sorted_suggestions(entries: Mapping[str, FieldTexts]) -> dict[str, FieldTexts]:
    ordered = sorted(entries, key=lambda sid: (suggestion_number(sid) or 0, sid))
    return {sid: {name: entries[sid].get(name, "") for name in PM_FIELDS} for sid in ordered}


def digest(data: Any) -> str:
    """A short, stable fingerprint of JSON-ready data."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]

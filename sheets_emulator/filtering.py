"""What a basic filter hides: the emulator evaluates ``hiddenValues`` criteria (conditions are stored, not
evaluated). Used for ``hiddenByFilter`` in rowMetadata; the values API ignores filters, as Google's does."""

from __future__ import annotations

from sheets_emulator.formatting import effective_value, format_value
from sheets_emulator.model import Json, Sheet


def rows_hidden_by_filter(sheet: Sheet) -> set[int]:
    """Rows the basic filter hides: the data rows (under the header row) whose shown text in a column is one
    of that column's ``hiddenValues`` (the criteria the emulator evaluates; conditions are not evaluated)."""
    basic = sheet.basic_filter
    if not basic:
        return set()
    hidden_by_column = _hidden_values(basic)
    if not hidden_by_column:
        return set()
    grid = basic["range"]
    hidden = set()
    for row in range(grid["startRowIndex"] + 1, grid["endRowIndex"]):
        for col, values in hidden_by_column.items():
            cell = sheet.cell(row, col)
            shown = format_value(
                effective_value(cell.value) if cell.value else None, (cell.format or {}).get("numberFormat")
            )
            if shown in values:
                hidden.add(row)
    return hidden


def _hidden_values(basic: Json) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for key, criteria in (basic.get("criteria") or {}).items():
        if criteria.get("hiddenValues"):
            out[int(key)] = set(criteria["hiddenValues"])
    for spec in basic.get("filterSpecs") or []:
        values = (spec.get("filterCriteria") or {}).get("hiddenValues")
        if values and spec.get("columnIndex") is not None:
            out.setdefault(int(spec["columnIndex"]), set()).update(values)
    return out

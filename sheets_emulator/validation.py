"""Strict data validation, as the Sheets UI enforces it and as the emulator enforces it on API writes.

A cell whose rule is ``strict`` refuses a value the rule does not allow: a dropdown (``ONE_OF_LIST``) allows its
listed values (compared with the text the cell shows, ignoring case: not verified against Google), a checkbox (``BOOLEAN``) allows TRUE and FALSE. Other
condition types are stored but not evaluated. Emptying a cell is always allowed. Google's reference does not
say whether API writes are checked; the emulator refuses them like typing (not verified against Google).
"""

from __future__ import annotations

from sheets_emulator.a1 import cell_name
from sheets_emulator.formatting import effective_value, format_value
from sheets_emulator.model import Cell


def allowed(cell: Cell) -> bool:
    """Whether the cell's value passes its own strict rule (a cell without one always passes)."""
    rule = cell.validation
    if not rule or not rule.get("strict") or cell.value is None:
        return True
    condition = rule.get("condition") or {}
    kind = condition.get("type")
    effective = effective_value(cell.value)
    if kind == "ONE_OF_LIST":
        shown = format_value(
            effective, (cell.format or {}).get("numberFormat"), cell.value.get("formulaValue")
        )
        listed = {str(v.get("userEnteredValue", "")).casefold() for v in condition.get("values") or []}
        return shown.casefold() in listed
    if kind == "BOOLEAN":
        return effective is not None and "boolValue" in effective
    return True


def refusal(row: int, col: int) -> str:
    """The words for a refused value (the wording Sheets uses for a rejected entry)."""
    return f"The data you entered in cell {cell_name(row, col)} violates the data validation rules set on this cell."

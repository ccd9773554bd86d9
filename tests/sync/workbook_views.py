"""Reading a workbook the way a person checks it: suggestion rows by id, cells by column label."""

from __future__ import annotations

from sheets_sync.sync.layout import FIELD_LABEL, SUGGESTION_LABELS
from sheets_sync.sync.snapshot import SheetSnapshot, TabSnapshot
from sheets_sync.sync.tabs import find_geometry, read_module_tab


def tab(snapshot: SheetSnapshot, title: str) -> TabSnapshot:
    found = snapshot.by_title(title)
    assert found is not None, f"no tab {title!r} in {[t.title for t in snapshot.tabs]}"
    return found


def suggestion_rows(snapshot: SheetSnapshot, title: str) -> dict[str, dict[str, str]]:
    """Every suggestion row of a module tab by id (blank ids as "<row N>"), fields as texts."""
    view = read_module_tab(tab(snapshot, title))
    rows = {}
    for row in view.suggestions:
        key = row.id_cell or f"<row {row.row}>"
        assert key not in rows, f"suggestion {key} appears twice"
        rows[key] = dict(row.actual)
    return rows


def label_cell(snapshot: SheetSnapshot, title: str, label: str, row_id: str) -> tuple[int, int]:
    """(row, column) of a label's cell in the row showing ``row_id`` (an experiment or suggestion id)."""
    the_tab = tab(snapshot, title)
    geometry = find_geometry(the_tab)
    id_label = SUGGESTION_LABELS[0] if label in FIELD_LABEL.values() else "experiment id"
    id_column = geometry.column(id_label)
    row = next(r for (r, c), cell in the_tab.cells.items() if c == id_column and cell.value == row_id)
    return row, geometry.column(label)


def suggestion_range(snapshot: SheetSnapshot, title: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """((first row, end row), (first column, end column)) of the suggestions table's data, 0-based."""
    the_tab = tab(snapshot, title)
    geometry = find_geometry(the_tab)
    view = read_module_tab(the_tab)
    columns = sorted(geometry.column(label) for label in SUGGESTION_LABELS)
    end = max(r.row for r in view.suggestions if r.row is not None) + 1
    return (geometry.header_row + 1, end), (columns[0], columns[-1] + 1)

"""The workbook layout: what sheets-sync wants every tab to look like. Pure: modules in, cell specs and rules out.

Heatmap (first tab, all tool-owned)::

    Heatmap: best pass rate per module and prompt version
    <legend>
    Best pass rate                       <- block title
    module id | module name | v1 | v2 | ... | v10      (cells: fraction with "0.0%", colour scale, note per cell)
    ...
    Match rate of the best model         <- same shape
    Pass rate: gpt-4o                    <- one block per model
    ...

Module tab (title = module id)::

    Module          m01 - ExtractOwnBrandEntities       <- header block (tool-owned)
    Description     ...
    Primary rubric  ...
    Best so far     on dataset v2: 60.0% pass, 40.0% match (gpt-5, prompt v3, 2026-01-21)
    <blank>
    experiment id | prompt version | ... | braintrust | rubric: a | ... || suggestion id | version | ... | applied in
    <experiments, tool-owned>                                           || <suggestions: id tool-owned, rest PMs'>

The suggestions table sits right of the experiments table with one blank column between, so rows added to one table
never move cells of the other. New rubric columns are inserted at the end of the experiments table (whole columns,
which moves the suggestions table right with its notes, rules and protections).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

from sheets_sync import best, palette
from sheets_sync.index import build_index
from sheets_sync.models import Experiment, Module
from sheets_sync.stats import format_percent
from sheets_sync.sync.codec import CellValue, fraction_value, text_value
from sheets_sync.sync.columns import (
    MODULE_COLUMNS,
    PLAIN_TEXT_FORMAT,
    RATE_FORMAT,
    REPORTED_RATE_FORMAT,
    ColumnTable,
    Owner,
)
from sheets_sync.sync.ops import CellField, CellSpec
from sheets_sync.sync.snapshot import ColourPoint, ColourScale, Dropdown, GridRange, Protection

HEATMAP_TITLE = "Heatmap"
ROW_MARGIN = 10
COLUMN_MARGIN = 2
GRID_CELL_LIMIT = 10_000_000
HEADER_ROW = 5  # 0-based: four header-block rows, one blank row, then the tables' header row

# ---------------------------------------------------------------------------------------------- columns
# Every list below is derived from the one column table (sheets_sync.sync.columns.MODULE_COLUMNS).

EXPERIMENT_COLUMNS: tuple[tuple[str, int], ...] = tuple(
    (c.label, c.width) for c in MODULE_COLUMNS.experiments
)
SUGGESTION_COLUMNS: tuple[tuple[str, str, int], ...] = tuple(
    (c.label, c.key, c.width) for c in MODULE_COLUMNS.suggestions
)
PM_FIELDS: tuple[str, ...] = MODULE_COLUMNS.pm_fields
"""Suggestion fields that belong to PMs (the id belongs to sheets-sync)."""
FIELD_LABEL: Mapping[str, str] = {name: label for label, name, _ in SUGGESTION_COLUMNS}
LABEL_FIELD: Mapping[str, str] = {label: name for label, name, _ in SUGGESTION_COLUMNS}
SUGGESTION_LABELS: tuple[str, ...] = tuple(label for label, _, _ in SUGGESTION_COLUMNS)
_NO_MODULE = Module(module_id="none", module_name="none")
DROPDOWNS: Mapping[str, tuple[str, ...]] = {
    c.key: c.allowed_values(_NO_MODULE) or () for c in MODULE_COLUMNS.suggestions if c.dropdown
}

HEADER_BLOCK: tuple[str, ...] = ("Module", "Description", "Primary rubric", "Best so far")

EXPERIMENT_FIELDS = frozenset({CellField.VALUE, CellField.NUMBER_FORMAT, CellField.LINK})
LABEL_FIELDS = frozenset({CellField.VALUE, CellField.BOLD})
HEATMAP_FIELDS = frozenset(
    {
        CellField.VALUE,
        CellField.NUMBER_FORMAT,
        CellField.BOLD,
        CellField.NOTE,
        CellField.BACKGROUND,
        CellField.TEXT_COLOUR,
    }
)
SUGGESTION_FIELDS = frozenset({CellField.VALUE, CellField.NUMBER_FORMAT})
"""A suggestion cell's value and its plain-text format are written together."""
MARKED_FIELDS = SUGGESTION_FIELDS | {CellField.NOTE, CellField.BACKGROUND}
"""A PM cell that may carry a refused-value mark (note and colour) also manages both."""
REFUSED_COLOUR = "#f4cccc"
"""Light red: the cell holds a value sheets-sync cannot take (its note says what is allowed)."""
REFUSED_NOTE_PREFIX = "sheets-sync: "

# The Heatmap's rate cells carry the dashboard's viridis bands as their own background and text colour
# (sheets_sync.palette). Earlier releases added this PuOr gradient instead (purple high, the dashboard's opposite):
# recognised as ours by its points, and removed on the next push.
COLOUR_POINTS = (
    ColourPoint("NUMBER", "0", "#f1a340"),
    ColourPoint("NUMBER", "0.5", "#f7f7f7"),
    ColourPoint("NUMBER", "1", "#998ec3"),
)
PROTECTION_NOTE = "sheets-sync: tool-owned cells; edits here are reverted by the next push"


def rubric_label(rubric: str, table: ColumnTable = MODULE_COLUMNS) -> str:
    return table.rubric_label(rubric)


def experiment_width(label: str, table: ColumnTable = MODULE_COLUMNS) -> int:
    column = table.recognise(label)
    return column.width if column is not None else table.rubric_width


def suggestion_width(label: str, table: ColumnTable = MODULE_COLUMNS) -> int:
    column = table.recognise(label)
    assert column is not None, label
    return column.width


def module_rubrics(module: Module) -> list[str]:
    """Every rubric of the module's experiments, primary rubric first, then in natural order (r2 before r10)."""
    return module.rubric_names()


# ---------------------------------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class TabGeometry:
    """Where the tables of a module tab are: each table's header row and the column of every (current) label.

    The two tables share rows but are sorted independently: a PM who sorts the suggestions table with its header
    row selected moves that header row only, so each table has its own header row.
    """

    header_row: int
    columns: Mapping[str, int]
    suggestion_header_row: int | None = None
    table: ColumnTable = field(default=MODULE_COLUMNS, compare=False, repr=False)

    def column(self, label: str) -> int:
        return self.columns[label]

    @property
    def suggestions_header(self) -> int:
        return self.header_row if self.suggestion_header_row is None else self.suggestion_header_row

    @property
    def suggestion_labels(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.table.suggestions)

    @property
    def experiment_labels(self) -> list[str]:
        suggestions = set(self.suggestion_labels)
        return sorted((lab for lab in self.columns if lab not in suggestions), key=self.columns.__getitem__)

    @property
    def last_experiment_column(self) -> int:
        return max(self.columns[lab] for lab in self.experiment_labels)

    @property
    def last_column(self) -> int:
        return max(self.columns.values())

    def field_column(self, name: str) -> int:
        """The column of a suggestion field (``"id"``, ``"priority"``, ...)."""
        return self.columns[self.table.suggestion(name).label]


def canonical_geometry(rubrics: Sequence[str], table: ColumnTable = MODULE_COLUMNS) -> TabGeometry:
    """The layout of a new module tab."""
    labels = [c.label for c in table.experiments] + [table.rubric_label(r) for r in rubrics]
    columns = {label: index for index, label in enumerate(labels)}
    start = len(labels) + 1  # one blank column between the tables
    columns.update({c.label: start + offset for offset, c in enumerate(table.suggestions)})
    return TabGeometry(HEADER_ROW, columns, table=table)


def with_rubrics(geometry: TabGeometry, rubrics: Sequence[str]) -> tuple[TabGeometry, int, int]:
    """The geometry once missing experiment columns (rubrics, or a column a later layout added) are inserted at
    the end of the experiments table: (geometry, insert at, how many)."""
    table = geometry.table
    wanted = [c.label for c in table.experiments] + [table.rubric_label(r) for r in rubrics]
    missing = [label for label in wanted if label not in geometry.columns]
    if not missing:
        return geometry, 0, 0
    at = geometry.last_experiment_column + 1
    shifted = {lab: col + len(missing) if col >= at else col for lab, col in geometry.columns.items()}
    shifted.update({label: at + offset for offset, label in enumerate(missing)})
    return replace(geometry, columns=shifted), at, len(missing)


def column_widths(geometry: TabGeometry) -> dict[int, int]:
    """Pixel widths of every table column and of the blank separator."""
    table = geometry.table
    widths = {geometry.column(lab): experiment_width(lab, table) for lab in geometry.experiment_labels}
    widths.update({geometry.column(lab): suggestion_width(lab, table) for lab in geometry.suggestion_labels})
    widths[geometry.last_experiment_column + 1] = table.separator_width
    return widths


# ---------------------------------------------------------------------------------------------- module tab cells


def label_spec(text: str) -> CellSpec:
    return CellSpec(value=text, bold=True, fields=LABEL_FIELDS)


PM_SHADE = "#fff2cc"
"""Light yellow: the cells PMs type in (the suggestion fields), as the cells' own background."""
HEADER_NOTE_FIELDS = LABEL_FIELDS | {CellField.NOTE, CellField.BACKGROUND}
INSTRUCTION = (
    "PMs: type in the yellow columns of the suggestions table (hover a header for what it takes); add a "
    "suggestion on a new row with an empty id. Everything else is written by sheets-sync and put back on push."
)
"""The instruction line of every module tab, just above the tables' header row."""


def header_row_specs(geometry: TabGeometry) -> dict[tuple[int, int], CellSpec]:
    """The tables' header labels by (row, column): each table's labels on its own header row. A suggestion
    column's header carries a note saying what to type, and a PM column's header the PM shade."""
    suggestions = {c.label: c for c in geometry.table.suggestions}
    specs = {}
    for label, column in geometry.columns.items():
        described = suggestions.get(label)
        if described is None:
            specs[(geometry.header_row, column)] = label_spec(label)
            continue
        specs[(geometry.suggestions_header, column)] = CellSpec(
            value=label,
            bold=True,
            note=described.note or None,
            background=PM_SHADE if described.owner is Owner.PM else None,
            fields=HEADER_NOTE_FIELDS,
        )
    return specs


def instruction_spec() -> CellSpec:
    return CellSpec(value=INSTRUCTION, fields=LABEL_FIELDS)


def pm_column_ranges(sheet_id: int, geometry: TabGeometry) -> list[GridRange]:
    """The PM columns below the suggestions' header row, to the end of the grid: the cells shaded for PMs."""
    first = geometry.suggestions_header + 1
    columns = sorted(geometry.column(c.label) for c in geometry.table.suggestions if c.owner is Owner.PM)
    return [GridRange(sheet_id, first, None, start, end) for start, end in column_runs(columns)]


def header_block_values(module: Module) -> dict[str, CellSpec]:
    """Value cell (right of its label) of each header-block row."""
    values = {
        "Module": f"{module.module_id} - {module.module_name}",
        "Description": module.description,
        "Primary rubric": module.primary_rubric or "",
        "Best so far": best_so_far(module.experiments),
    }
    return {label: CellSpec(value=text_value(text)) for label, text in values.items()}


def best_so_far(experiments: Iterable[Experiment]) -> str:
    """The module's best run by the one rule (:func:`sheets_sync.best.best_so_far`), naming its dataset version."""
    found = best.best_so_far(experiments)
    if found is None:
        return "no results yet"
    run, metrics = found.experiment, found.experiment.metrics
    return (
        f"on dataset {found.dataset_version}: {format_percent(metrics.pass_rate)} pass, "
        f"{format_percent(metrics.match_rate)} match ({run.model}, prompt {run.prompt_version}, "
        f"{run.timestamp:%Y-%m-%d})"
    )


def experiment_specs(
    experiment: Experiment, labels: Iterable[str], table: ColumnTable = MODULE_COLUMNS
) -> dict[str, CellSpec]:
    """The cells of one experiments-table row, by label (every cell sets value, number format and link)."""
    specs = {}
    for label in labels:
        value, number_format = experiment_value(experiment, label, table)
        column = table.recognise(label)
        link = column.experiment_link(experiment) if column and column.experiment_link else None
        specs[label] = CellSpec(
            value,
            number_format=number_format if value is not None else None,
            link=link,
            fields=EXPERIMENT_FIELDS,
        )
    return specs


def experiment_value(
    experiment: Experiment, label: str, table: ColumnTable = MODULE_COLUMNS
) -> tuple[CellValue, str | None]:
    """One experiments-table cell as the column table writes it (rubric columns: that rubric's rate)."""
    rubric = table.rubric_of(label)
    column = table.recognise(label)
    if column is not None and column.experiment_value is not None:
        return column.experiment_value(experiment)
    if rubric is not None:
        result = experiment.rubrics.get(rubric)
        return (fraction_value(result.rate), RATE_FORMAT) if result else (None, None)
    return None, None


def empty_experiment_spec() -> CellSpec:
    return CellSpec(fields=EXPERIMENT_FIELDS)


# ---------------------------------------------------------------------------------------------- module tab rules


def module_protection(sheet_id: int, geometry: TabGeometry) -> Protection:
    """One warning-only protection over the whole tab, minus what PMs own: the suggestion fields below the
    header row and every column right of the suggestions table."""
    pm_columns = sorted(geometry.column(c.label) for c in geometry.table.suggestions if c.owner is Owner.PM)
    unprotected = [
        GridRange(sheet_id, geometry.suggestions_header + 1, None, start, end)
        for start, end in column_runs(pm_columns)
    ]
    unprotected.append(GridRange(sheet_id, 0, None, geometry.last_column + 1, None))
    return Protection(GridRange(sheet_id), PROTECTION_NOTE, True, tuple(unprotected))


def column_runs(columns: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted column indexes as (start, end-exclusive) runs of neighbours."""
    runs: list[tuple[int, int]] = []
    for column in columns:
        if runs and runs[-1][1] == column:
            runs[-1] = (runs[-1][0], column + 1)
        else:
            runs.append((column, column + 1))
    return runs


def dropdown_ranges(
    sheet_id: int, geometry: TabGeometry, module: Module | None = None
) -> list[tuple[GridRange, Dropdown | None]]:
    """Dropdowns from below the header row to the end of the grid: strict ones of fixed values (priority, status:
    the column table's ``dropdown`` columns) and, with ``module``, the module's own values (its versions and
    rubrics, strict; ``applied in``, which may name a version with no runs yet, not strict); None (no dropdown)
    while the module has no such values. Unbounded ranges: rows a PM inserts or deletes meanwhile never make the
    range point past the grid (Google's 400)."""
    first = geometry.suggestions_header + 1
    ranges: list[tuple[GridRange, Dropdown | None]] = []
    for column in geometry.table.suggestions:
        if column.dropdown:
            wanted: Dropdown | None = Dropdown(DROPDOWNS[column.key])
        elif column.offered is not None and module is not None:
            values = column.offered(module)
            wanted = Dropdown(values, strict=column.offered_strict) if values else None
        else:
            continue
        at = geometry.field_column(column.key)
        ranges.append((GridRange(sheet_id, first, None, at, at + 1), wanted))
    return ranges


def plain_text_ranges(sheet_id: int, geometry: TabGeometry) -> list[GridRange]:
    """The suggestion columns (id and PM fields) below the header row, formatted as plain text so that what a PM
    types stays the text typed (``0012``, ``6.10``, ``3/4/2026``, ``30%``, ``=x``)."""
    first = geometry.suggestions_header + 1
    columns = sorted(
        geometry.column(c.label) for c in geometry.table.suggestions if c.number_format == PLAIN_TEXT_FORMAT
    )
    return [GridRange(sheet_id, first, None, start, end) for start, end in column_runs(columns)]


# ---------------------------------------------------------------------------------------------- heatmap


@dataclass
class HeatmapLayout:
    """Every cell of the Heatmap tab, the ranges the colour scale covers, and the grid it needs."""

    cells: dict[tuple[int, int], CellSpec] = field(default_factory=dict)
    rate_blocks: list[tuple[int, int, int, int]] = field(default_factory=list)  # rows [a, b) x columns [c, d)
    rows: int = 0
    columns: int = 0
    frozen_rows: int = 0
    """Rows kept on screen: down to the first block's header row (every block has the same columns)."""

    def colour_scale(self, sheet_id: int) -> ColourScale | None:
        """None: the cells carry their own colours (a gradient rule cannot set the text colour dark bands need)."""
        return None

    def widths(self) -> dict[int, int]:
        return {0: 150, 1: 220} | {column: 70 for column in range(2, self.columns)}


@runtime_checkable
class IndexedModules(Protocol):
    """Modules that can give their index more cheaply than :func:`build_index` of every module (the sync's
    :class:`~sheets_sync.sync.local_modules.LocalModules`, from the index file for module files unchanged since)."""

    def heatmap_index(self) -> Mapping[str, Any]: ...


def heatmap_layout(modules: Mapping[str, Module]) -> HeatmapLayout:
    """The whole Heatmap tab for these modules (built from the same index the dashboard reads)."""
    index = modules.heatmap_index() if isinstance(modules, IndexedModules) else build_index(modules)
    layout = HeatmapLayout()
    layout.cells[(0, 0)] = heatmap_spec("Heatmap: best pass rate per module and prompt version", bold=True)
    layout.cells[(1, 0)] = heatmap_spec(
        "Colour: the dashboard's viridis scale, dark purple = low, green = middle, yellow = high (colour-blind "
        "safe, 10-point bands). Hover a best-rate cell for every model's pass rate, match rate, samples and date. "
        "Made by sheets-sync: edits here are overwritten."
    )
    row = 3
    blocks = [("Best pass rate", "best", None), ("Match rate of the best model", "match", None)]
    blocks += [(f"Pass rate: {model}", "model", model) for model in index["models"]]
    layout.frozen_rows = row + 2  # the first block's title and its header row
    for title, kind, model in blocks:
        row = _heatmap_block(layout, index, row, title, kind, model) + 1
    layout.rows = row + 1
    layout.columns = 2 + len(index["versions"]) + 1
    return layout


def heatmap_spec(
    value: CellValue, *, bold: bool = False, number_format: str | None = None, note: str | None = None
) -> CellSpec:
    """Every Heatmap cell manages value, number format, bold, note and colours, so whole blocks go in one request;
    a rate cell is coloured by its value's viridis band (the dashboard's), any other cell has none."""
    background = text_colour = None
    rate_cell = number_format in (RATE_FORMAT, REPORTED_RATE_FORMAT)
    if rate_cell and isinstance(value, int | float) and not isinstance(value, bool):
        colours = palette.band(round(value * 100, 6))
        background, text_colour = colours.background, colours.text if colours.text != palette.BLACK else None
    return CellSpec(
        value,
        number_format=number_format,
        bold=bold,
        note=note,
        background=background,
        text_colour=text_colour,
        fields=HEATMAP_FIELDS,
    )


def _heatmap_block(
    layout: HeatmapLayout, index: Mapping[str, Any], row: int, title: str, kind: str, model: str | None
) -> int:
    """Write one block at ``row``; returns the first row after it."""
    versions = index["versions"]
    layout.cells[(row, 0)] = heatmap_spec(title, bold=True)
    header = ["module id", "module name", *versions]
    for column, text in enumerate(header):
        layout.cells[(row + 1, column)] = heatmap_spec(text_value(text), bold=True)
    first = row + 2
    for offset, (module_id, entry) in enumerate(index["modules"].items()):
        layout.cells[(first + offset, 0)] = heatmap_spec(text_value(module_id))
        layout.cells[(first + offset, 1)] = heatmap_spec(text_value(entry["name"]))
        for column, version in enumerate(versions, start=2):
            cell = entry["versions"].get(version)
            if cell is not None:
                layout.cells[(first + offset, column)] = heatmap_cell(module_id, version, cell, kind, model)
    end = first + len(index["modules"])
    layout.rate_blocks.append((first, end, 2, 2 + len(versions)))
    return end


def heatmap_cell(
    module_id: str, version: str, cell: Mapping[str, Any], kind: str, model: str | None
) -> CellSpec:
    """One rate cell: the best pass rate (with its note), the best model's match rate, or one model's pass rate."""
    best = cell["best"] or {}
    best_format = _rate_format(cell["by_model"].get(best.get("model")) or {})
    if kind == "best":
        return heatmap_spec(
            fraction_value(best.get("pass_rate")),
            number_format=best_format,
            note=heatmap_note(module_id, version, cell),
        )
    if kind == "match":
        return heatmap_spec(fraction_value(best.get("match_rate")), number_format=best_format)
    entry = cell["by_model"].get(model) or {}
    return heatmap_spec(fraction_value(entry.get("pass_rate")), number_format=_rate_format(entry))


def _rate_format(entry: Mapping[str, Any]) -> str:
    """The column table's format for a run's rate: a reported run's (index entry ``reported``) says so."""
    return REPORTED_RATE_FORMAT if entry.get("reported") else RATE_FORMAT


def heatmap_note(module_id: str, version: str, cell: Mapping[str, Any]) -> str:
    """The hover text of a best-rate cell: every model's pass rate, match rate, samples and date."""
    lines = [f"{module_id} {version} (dataset {cell['dataset_version']})"]
    if cell["best"]:
        lines.append(f"best: {cell['best']['model']}")
    for model, entry in cell["by_model"].items():
        lines.append(
            f"{model}: pass {format_percent(entry['pass_rate'])}, match {format_percent(entry['match_rate'])}, "
            f"{_samples(entry)}, {entry['timestamp'][:10]}"
        )
    return "\n".join(lines)


def _samples(entry: Mapping[str, Any]) -> str:
    if entry.get("reported"):
        return "reported rate (no counts, no interval)"
    return f"n={entry['total']}"


def heatmap_protection(sheet_id: int) -> Protection:
    return Protection(GridRange(sheet_id), PROTECTION_NOTE, True)

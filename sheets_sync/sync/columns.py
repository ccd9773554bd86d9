"""The module tab's columns, described once: label, owner, width, how a value is written and read, and its checks.

Pure. The writer (:mod:`sheets_sync.sync.layout`), the reader (:mod:`sheets_sync.sync.tabs`), the merge's checks
(:mod:`sheets_sync.sync.merge`) and the layout upgrade of older tabs (:mod:`sheets_sync.sync.upgrade`) all derive
from :data:`MODULE_COLUMNS`; nothing else lists the columns.

A later release that changes the module tab changes this table only:

* **a new column**: add a :class:`Column`; push inserts it into existing tabs at its place (whole columns, so the
  cells right of it move with their notes and rules);
* **a renamed column**: change ``label`` and keep the old label in ``aliases``; push finds the column by either and
  rewrites the header;
* **moved or reordered columns**: change the order here; push moves existing columns server-side
  (``moveDimension``), so PM text moves with its notes and formats, and verifies it afterwards.

Headers are recognised ignoring case and spacing (``Suggestion  ID`` is ``suggestion id``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sheets_sync.models import Experiment, Module, Priority, Status
from sheets_sync.sync.codec import CellValue, fraction_value, number_value, text_value
from sheets_sync.versions import sorted_versions

RATE_FORMAT = "0.0%"
REPORTED_RATE_FORMAT = '0.0%" reported"'
"""A run known only by its reported rates (a legacy tracker's figure, no counts): the cell shows ``58.4% reported``,
so a PM never reads it as a measured rate; its pass and fail cells stay empty (no count is made up)."""
COUNT_FORMAT = "0"
PLAIN_TEXT_FORMAT = "@"
"""Google's "Plain text" number format: what a PM types stays text (``0012``, ``3/4/2026``, ``30%``, ``=x``)."""

RUBRIC_PREFIX = "rubric: "
RUBRIC_WIDTH = 110
SEPARATOR_WIDTH = 24


class Owner(StrEnum):
    """Who writes a column: sheets-sync (reverted on push when edited) or PMs (three-way merged)."""

    TOOL = "sheets-sync"
    PM = "PMs"


class TableName(StrEnum):
    EXPERIMENTS = "experiments"
    SUGGESTIONS = "suggestions"


ExperimentValue = Callable[[Experiment], tuple[CellValue, str | None]]
"""How an experiments-table cell is written: (value, number format)."""

ExperimentLink = Callable[[Experiment], str | None]
"""The URL an experiments-table cell links to (None: no link)."""

AllowedValues = Callable[[Module], tuple[str, ...]]
"""The values a suggestion field accepts for a module (its check); None on a column: any text."""


def normalise_label(text: str) -> str:
    """A header label as recognised: case and spacing do not count (``" Suggestion  ID"`` is ``suggestion id``)."""
    return _normalised_short(text) if len(text) <= SHORT_TEXT else _normalised(text)


SHORT_TEXT = 80
"""Texts up to this long are cached when normalised: every cell of a tab is tried as a label on every read, and
the short ones (ids, versions, labels) repeat across thousands of cells; long PM texts are not kept."""


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


_normalised_short = functools.lru_cache(maxsize=8192)(_normalised)


@dataclass(frozen=True, kw_only=True)
class Column:
    """One column of the module tab.

    ``key`` names the value: the suggestion field (``"id"``, ``"priority"``, ...) or, for the experiments table,
    the label itself. ``aliases`` are labels older layouts wrote for the same column.
    """

    key: str
    label: str
    table: TableName
    owner: Owner
    width: int
    aliases: tuple[str, ...] = ()
    number_format: str | None = None
    experiment_value: ExperimentValue | None = None
    experiment_link: ExperimentLink | None = None
    """The cell's link (the Braintrust page, the run in the tool that made it)."""
    allowed: AllowedValues | None = None
    dropdown: bool = False
    """A strict dropdown of ``allowed`` (typing anything else in the UI is refused by Sheets)."""
    offered: AllowedValues | None = None
    """A dropdown of the module's own values (its versions, its rubrics), rewritten when they change."""
    offered_strict: bool = True
    """False: the dropdown only suggests (``applied in`` may name a version with no runs yet)."""
    note: str = ""
    """The header cell's note: what a PM types in this column."""

    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)

    def recognises(self, text: str) -> bool:
        wanted = normalise_label(text)
        return any(normalise_label(label) == wanted for label in self.labels())

    def allowed_values(self, module: Module) -> tuple[str, ...] | None:
        return self.allowed(module) if self.allowed is not None else None


@dataclass(frozen=True)
class ColumnTable:
    """The module tab's columns in order: the experiments table, then the suggestions table."""

    columns: tuple[Column, ...]
    rubric_prefix: str = RUBRIC_PREFIX
    rubric_width: int = RUBRIC_WIDTH
    separator_width: int = SEPARATOR_WIDTH
    _by_label: Mapping[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_label = {normalise_label(label): c for c in self.columns for label in c.labels()}
        object.__setattr__(self, "_by_label", by_label)

    def table(self, name: TableName) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.table is name)

    @property
    def experiments(self) -> tuple[Column, ...]:
        return self.table(TableName.EXPERIMENTS)

    @property
    def suggestions(self) -> tuple[Column, ...]:
        return self.table(TableName.SUGGESTIONS)

    def suggestion(self, key: str) -> Column:
        return next(c for c in self.suggestions if c.key == key)

    def recognise(self, text: str) -> Column | None:
        """The column a header cell names (ignoring case and spacing, old labels included)."""
        return self._by_label.get(normalise_label(text))

    def rubric_of(self, text: str) -> str | None:
        """The rubric a ``rubric: <name>`` header names (the name keeps its case; the prefix does not)."""
        head, _, rest = text.strip().partition(":")
        return (
            rest.strip()
            if normalise_label(head + ":") == normalise_label(self.rubric_prefix) and rest.strip()
            else None
        )

    def rubric_label(self, rubric: str) -> str:
        return f"{self.rubric_prefix}{rubric}"

    def with_columns(self, columns: Iterable[Column]) -> ColumnTable:
        """Another layout (a later or older release); used by tests and by layout changes."""
        return replace(self, columns=tuple(columns))

    @property
    def pm_fields(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.suggestions if c.owner is Owner.PM)


# ---------------------------------------------------------------------------------------------- checks


def module_versions(module: Module) -> tuple[str, ...]:
    """Prompt versions the module has runs of (what ``suggest --version`` accepts)."""
    return tuple(sorted_versions(e.prompt_version for e in module.experiments))


def module_rubrics(module: Module) -> tuple[str, ...]:
    return tuple(module.rubric_names())


def priorities(_: Module) -> tuple[str, ...]:
    return tuple(p.value for p in Priority)


def statuses(_: Module) -> tuple[str, ...]:
    return tuple(s.value for s in Status)


# ---------------------------------------------------------------------------------------------- the table


def _text(get: Callable[[Experiment], str | None]) -> ExperimentValue:
    return lambda e: (text_value(get(e)), None)


def _rate(get: Callable[[Experiment], float | None]) -> ExperimentValue:
    return lambda e: (fraction_value(get(e)), RATE_FORMAT)


def _run_rate(get: Callable[[Experiment], float | None]) -> ExperimentValue:
    """A run's pass or match rate, in the reported format when the run's rates are reported, not counted."""

    def value(e: Experiment) -> tuple[CellValue, str | None]:
        return fraction_value(get(e)), REPORTED_RATE_FORMAT if e.metrics.reported else RATE_FORMAT

    return value


def _count(get: Callable[[Experiment], float | None]) -> ExperimentValue:
    return lambda e: (number_value(get(e)), COUNT_FORMAT)


def _experiment(label: str, width: int, value: ExperimentValue, link: ExperimentLink | None = None) -> Column:
    return Column(
        key=label,
        label=label,
        table=TableName.EXPERIMENTS,
        owner=Owner.TOOL,
        width=width,
        experiment_value=value,
        experiment_link=link,
    )


def _suggestion(
    key: str,
    label: str,
    width: int,
    note: str,
    *,
    allowed: AllowedValues | None = None,
    dropdown: bool = False,
    offered: AllowedValues | None = None,
    offered_strict: bool = True,
) -> Column:
    return Column(
        key=key,
        label=label,
        table=TableName.SUGGESTIONS,
        owner=Owner.PM,
        width=width,
        number_format=PLAIN_TEXT_FORMAT,
        allowed=allowed,
        dropdown=dropdown,
        offered=offered,
        offered_strict=offered_strict,
        note=note,
    )


EXPERIMENT_ID = "experiment id"
SUGGESTION_ID = "suggestion id"
BRAINTRUST = "braintrust"
RUN_LINK = "run link"

MODULE_COLUMNS = ColumnTable(
    (
        _experiment(EXPERIMENT_ID, 230, _text(lambda e: e.id)),
        _experiment("prompt version", 70, _text(lambda e: e.prompt_version)),
        _experiment("dataset version", 70, _text(lambda e: e.dataset_version)),
        _experiment("model", 130, _text(lambda e: e.model)),
        _experiment("date", 90, _text(lambda e: f"{e.timestamp:%Y-%m-%d}")),
        _experiment("pass rate", 75, _run_rate(lambda e: e.metrics.pass_rate)),
        _experiment("match rate", 75, _run_rate(lambda e: e.metrics.match_rate)),
        _experiment("total", 55, _count(lambda e: e.metrics.total)),
        _experiment("pass", 55, _count(lambda e: e.metrics.passed)),
        _experiment("fail", 55, _count(lambda e: e.metrics.fail)),
        _experiment("error", 55, _count(lambda e: e.metrics.error)),
        _experiment(
            BRAINTRUST,
            120,
            lambda e: ("open in Braintrust" if e.braintrust_url else None, None),
            lambda e: e.braintrust_url,
        ),
        # The run in the tool that made it, labelled by that tool ("open in promptfoo" is never "Braintrust").
        _experiment(
            RUN_LINK,
            130,
            lambda e: (e.run_link.label if e.run_link else None, None),
            lambda e: e.run_link.url if e.run_link else None,
        ),
        Column(
            key="id",
            label=SUGGESTION_ID,
            table=TableName.SUGGESTIONS,
            owner=Owner.TOOL,
            width=110,
            number_format=PLAIN_TEXT_FORMAT,
            note="Written by sheets-sync. For a new suggestion leave it empty: the next pull gives the row its id.",
        ),
        _suggestion(
            "version",
            "version",
            70,
            "The prompt version the issue was seen in, e.g. v3: pick one of this module's versions.",
            allowed=module_versions,
            offered=module_versions,
        ),
        _suggestion(
            "rubric",
            "rubric",
            160,
            "The rubric the issue concerns: pick one of this module's rubrics.",
            allowed=module_rubrics,
            offered=module_rubrics,
        ),
        _suggestion("issue", "issue", 230, "What goes wrong, in your own words (any text)."),
        _suggestion("suggestion", "suggestion", 260, "What to change in the prompt (any text)."),
        _suggestion(
            "priority",
            "priority",
            85,
            "high, medium or low (pick one); leave empty for none.",
            allowed=priorities,
            dropdown=True,
        ),
        _suggestion(
            "status",
            "status",
            100,
            "proposed, in_progress, applied or rejected (pick one).",
            allowed=statuses,
            dropdown=True,
        ),
        _suggestion(
            "applied_in",
            "applied in",
            85,
            "The prompt version that applied it, e.g. v4 (pick one, or type a version with no runs yet); "
            "set it with status applied.",
            offered=module_versions,
            offered_strict=False,
        ),
    )
)
"""The current layout of every module tab."""

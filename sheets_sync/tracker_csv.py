"""The PM tracker CSV (``sheets-sync export csv``): one row per experiment, the tracker's columns first.

Pure (modules in, text out). Columns, in order: Module, LLM Model, Prompt version, Dataset version, Pass Rate %,
Match Rate %, Suggested Improvements (the suggestions raised on that prompt version), Braintrust link, then Date,
Experiment id and Rates (``judged``: counted from the samples; ``reported``: as a legacy tracker stated them, with no
counts behind them). Reruns get rows of their own. A null rate is an empty cell, never 0. Text a spreadsheet would run as
a formula (starting ``=``, ``+``, ``-``, ``@``, tab or CR) gets a leading ``'``, which spreadsheets show as text.
Rows in a stable order: modules by id (natural order), then each module's on-disk experiment order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sheets_sync.models import Experiment, Module, RunLinkKind, suggestion_order
from sheets_sync.versions import natural_key

HEADER = (
    "Module",
    "LLM Model",
    "Prompt version",
    "Dataset version",
    "Pass Rate %",
    "Match Rate %",
    "Suggested Improvements",
    "Braintrust link",
    "Date",
    "Experiment id",
    "Rates",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
SUGGESTION_SEPARATOR = "; "


def neutralised(text: str) -> str:
    """``=SUM(A1)`` -> ``'=SUM(A1)``: a cell a spreadsheet would evaluate is made plain text (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def braintrust_link(experiment: Experiment) -> str:
    """The run's Braintrust page; a link to another tool (promptfoo) is never put under "Braintrust"."""
    if experiment.run_link is not None and experiment.run_link.kind is RunLinkKind.BRAINTRUST:
        return experiment.run_link.url
    return experiment.braintrust_url or ""


def suggestions_on(module: Module, version: str) -> str:
    chosen = sorted(
        (s for s in module.suggestions if s.version == version), key=lambda s: suggestion_order(s.id)
    )
    return SUGGESTION_SEPARATOR.join(" ".join((s.suggestion or s.issue).split()) for s in chosen)


def tracker_rows(modules: Iterable[Module]) -> list[list[str]]:
    rows = []
    for module in sorted(modules, key=lambda m: natural_key(m.module_id)):
        for e in module.normalized().experiments:
            cells = [
                module.module_name,
                e.model,
                e.prompt_version,
                e.dataset_version,
                _rate(e.metrics.pass_rate),
                _rate(e.metrics.match_rate),
                suggestions_on(module, e.prompt_version),
                braintrust_link(e),
                f"{e.timestamp:%Y-%m-%d}",
                e.id,
                "reported" if e.metrics.reported else "judged",
            ]
            rows.append([neutralised(cell) for cell in cells])
    return rows


def tracker_csv(modules: Iterable[Module], *, excel: bool = False) -> str:
    """The whole CSV text (``\\r\\n`` line ends, as RFC 4180 and spreadsheets expect); ``excel`` starts it with a
    byte order mark, without which Excel reads UTF-8 as the local code page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(tracker_rows(modules))
    return (BOM if excel else "") + buffer.getvalue()

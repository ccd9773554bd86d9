"""How commands print: tables that fit the terminal, plain text when piped, JSON on request.

The conventions every command follows (docs/cli.md lists them for new commands):

* **Numbers are never cut.** A table wider than the terminal is *folded*: split into several tables that each
  repeat the key column (the id) and fit; when even that is too wide, it is *stacked*, one block of
  ``label: value`` lines per row. Long free text (an issue, a suggestion) wraps at spaces.
* **Plain when not a terminal.** Piped output (CI logs, files, ``| less``) has no colour, no box-drawing
  characters and no progress bar, and is as wide as it needs to be (``$COLUMNS`` when set, else unlimited).
* **``--json``** prints one JSON document on stdout (keys in a fixed order, UTF-8, a final newline) and nothing
  else; diagnostics stay on stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import click
from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from sheets_sync import jsonio

UNLIMITED = 100_000
MIN_WIDTH = 40
WRAP_WIDTH = 48
"""A free-text column is wrapped to this width when its table must fit a terminal."""

# SIMPLE_HEAD drawn with ASCII: piped output must read the same in every log viewer.
PLAIN_HEAD = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)


@dataclass(frozen=True)
class Column:
    header: str
    justify: str = "left"
    wrap: bool = False
    """Free text that may wrap at spaces; every other column is printed whole on one line."""


def console() -> Console:
    """stdout: the terminal's width and colours on a terminal; plain, and $COLUMNS or unlimited wide, if not."""
    if sys.stdout.isatty():
        return Console(highlight=False, soft_wrap=False)
    width = _env_columns() or UNLIMITED
    return Console(
        file=sys.stdout, width=width, highlight=False, soft_wrap=False, color_system=None, no_color=True
    )


def _env_columns() -> int | None:
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None
    return columns if columns > 0 else None


def is_plain(target: Console) -> bool:
    return target.color_system is None


def print_json(data: Any) -> None:
    """The ``--json`` output: one document, deterministic bytes."""
    click.echo(jsonio.dumps(data), nl=False)


def fitted(
    target: Console,
    title: str | None,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str | Text]],
    *,
    keys: int = 1,
    fold: bool = True,
) -> list[RenderableType]:
    """``rows`` as one table if it fits ``target``'s width, else folded tables (with ``fold``), else stacked
    blocks (free text reads better stacked than folded)."""
    width = max(target.width, MIN_WIDTH)
    plain = is_plain(target)
    everything = list(range(len(columns)))
    whole = _table(title, columns, rows, everything, plain)
    if _width(whole) <= width:
        return [whole]
    groups = _fold(columns, rows, keys, width, plain) if fold else None
    if groups is None:
        return _stacked(title, columns, rows, keys)
    return [
        _table(f"{title} ({n}/{len(groups)})" if title else None, columns, rows, group, plain, wrap=True)
        for n, group in enumerate(groups, 1)
    ]


def _fold(
    columns: Sequence[Column], rows: Sequence[Sequence[str | Text]], keys: int, width: int, plain: bool
) -> list[list[int]] | None:
    """Greedy groups of columns, each starting with the key columns, each fitting ``width``; None if impossible."""
    key_columns = list(range(keys))
    groups: list[list[int]] = []
    current = list(key_columns)
    for index in range(keys, len(columns)):
        trial = [*current, index]
        if _width(_table(None, columns, rows, trial, plain, wrap=True)) <= width:
            current = trial
        elif len(current) > keys:
            groups.append(current)
            current = [*key_columns, index]
            if _width(_table(None, columns, rows, current, plain, wrap=True)) > width:
                return None
        else:
            return None
    groups.append(current)
    return groups


def _table(
    title: str | None,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str | Text]],
    indexes: Sequence[int],
    plain: bool,
    *,
    wrap: bool = False,
) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        box=PLAIN_HEAD if plain else box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        title_style=None if plain else "bold",
    )
    for index in indexes:
        column = columns[index]
        table.add_column(
            column.header,
            justify=column.justify,  # type: ignore[arg-type]
            no_wrap=not column.wrap,
            overflow="fold",
            max_width=WRAP_WIDTH if column.wrap and wrap else None,
        )
    for row in rows:
        table.add_row(*(row[index] for index in indexes))
    return table


_MEASURE = Console(width=UNLIMITED, highlight=False, color_system=None)


def _width(table: Table) -> int:
    return _MEASURE.measure(table).maximum


def _stacked(
    title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str | Text]], keys: int
) -> list[RenderableType]:
    """One block per row: the key values on a line, then ``label: value`` lines, then a blank line."""
    blocks: list[RenderableType] = [Text(title, style="bold")] if title else []
    label_width = max((len(c.header) for c in columns[keys:]), default=0)
    for row in rows:
        block = Text("  ").join(_text(v) for v in row[:keys])
        block.stylize("bold")
        for column, value in zip(columns[keys:], row[keys:], strict=True):
            block.append(f"\n  {column.header + ':':<{label_width + 1}} ")
            block.append(_text(value))
        blocks.append(block)
    return blocks


def _text(value: str | Text) -> Text:
    return value if isinstance(value, Text) else Text(value)


def print_fitted(
    target: Console,
    title: str | None,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str | Text]],
    *,
    keys: int = 1,
    fold: bool = True,
) -> None:
    parts = fitted(target, title, columns, rows, keys=keys, fold=fold)
    for position, renderable in enumerate(parts):
        if position and not title:
            target.print()  # untitled folded tables: a blank line tells them apart
        target.print(renderable)

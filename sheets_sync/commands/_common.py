"""Options and helpers shared by every command module.

Each command module defines click commands decorated with :func:`common_options` and registers them in
``sheets_sync.cli``. Commands stay thin: resolve options, call one library function, print the result.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from sheets_sync.errors import DataError

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DATA_DIR = Path("data")

# Results go to stdout, diagnostics and progress to stderr, so `--json` output stays machine-readable.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _remember_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.ensure_object(dict)["debug"] = True
    return value


def common_options(func: F) -> F:
    """Add ``--data-dir`` and ``--debug`` to a command (they are also accepted before the command name)."""
    func = click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_remember_debug,
        help="Show Python tracebacks on errors.",
    )(func)
    func = click.option(
        "--data-dir",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Data directory (default: $SHEETS_SYNC_DATA_DIR, else ./data).",
    )(func)
    return func


def json_option(func: F) -> F:
    """``--json``: print the command's result as one JSON document on stdout (shapes: docs/cli.md)."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print the result as JSON on stdout (shape: docs/cli.md)."
    )(func)


def resolve_data_dir(data_dir: Path | None) -> Path:
    """Command flag, then the group flag, then $SHEETS_SYNC_DATA_DIR, then ./data."""
    if data_dir is not None:
        return data_dir
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.obj and ctx.obj.get("data_dir") is not None:
            return Path(ctx.obj["data_dir"])
        ctx = ctx.parent
    env = os.environ.get("SHEETS_SYNC_DATA_DIR")
    return Path(env) if env else DEFAULT_DATA_DIR


def existing_data_dir(data_dir: Path | None) -> Path:
    """:func:`resolve_data_dir` for a command that needs the directory to exist already (only ``import`` starts
    a new one): a mistyped path must fail, not sync or index an empty mirror (nor be created by taking the lock)."""
    directory = resolve_data_dir(data_dir)
    try:
        is_dir = directory.is_dir()
    except OSError as exc:  # a name too long
        raise DataError(f"cannot use as a data directory: {exc.strerror}", path=directory) from None
    if not is_dir:
        raise DataError(
            "no such data directory (give --data-dir DIR or set SHEETS_SYNC_DATA_DIR)", path=directory
        )
    return directory

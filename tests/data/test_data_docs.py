"""Docs as tests: every command has help text and is documented (README.md or docs/*.md)."""

from __future__ import annotations

import re

import click
import pytest
from data_helpers import REPO

from sheets_sync.cli import main


def documentation() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    )


COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_text(name: str) -> None:
    command = main.commands[name]
    assert command.help and command.help.strip(), f"`sheets-sync {name}` has no help text"
    for param in command.params:
        if (
            isinstance(param, click.Option)
            and not param.hidden
            and not param.is_flag
            and param.name != "data_dir"
        ):
            assert param.help or isinstance(param.type, click.Choice), f"--{param.name} of {name} has no help"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented(name: str) -> None:
    assert re.search(rf"sheets-sync {re.escape(name)}\b", documentation()), (
        f"`sheets-sync {name}` is not in the docs"
    )

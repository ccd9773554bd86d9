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


DATA_COMMANDS = ["import", "index", "validate", "show", "suggest", "schema"]


@pytest.mark.parametrize("name", DATA_COMMANDS)
def test_data_command_help_shows_examples_and_exit_codes(name: str) -> None:
    """`--help` is where a user looks first: a real command line to copy, and what the exit code means."""
    text = main.commands[name].get_help(click.Context(main.commands[name], info_name=name))
    examples = text.split("Examples:", 1)[1]
    assert f"sheets-sync {name} " in examples
    assert "Exit codes: 0" in text and "2 usage" in " ".join(text.split())

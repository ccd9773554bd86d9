"""The README as a test: the Quick start is what CI runs, and the Commands table is the CLI's list of commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sheets_sync.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI_RUN_LINES = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def section(markdown: str, title: str) -> str:
    """The text under the ``## title`` heading, up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.MULTILINE | re.DOTALL)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def quick_start_commands() -> list[str]:
    """The commands of the Quick start's first ```bash block, comments and blank lines left out."""
    block = re.search(r"^```bash\n(.*?)^```", section(README, "Quick start"), re.MULTILINE | re.DOTALL)
    assert block, "the Quick start has no ```bash block"
    lines = (line.strip() for line in block.group(1).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def index_of_line(pattern: str) -> int:
    found = [i for i, line in enumerate(CI_RUN_LINES) if re.fullmatch(pattern, line.strip())]
    assert found, f".ci/run has no line matching {pattern!r}"
    return found[0]


def test_the_quick_start_is_two_commands() -> None:
    assert len(quick_start_commands()) == 2, quick_start_commands()


def test_ci_runs_the_quick_start_test_command_verbatim() -> None:
    test_command = quick_start_commands()[1]
    assert test_command in CI_RUN_LINES, f".ci/run does not run {test_command!r} as it stands"


def test_ci_updates_the_package_lists_before_installing_chromium() -> None:
    """On a fresh machine `apt-get install` without a prior `update` finds no package lists."""
    update = index_of_line(r"apt-get update\b.*")
    install = index_of_line(r"apt-get install\b.*\bchromium\b.*")
    assert update < install


def test_the_demo_command_installs_without_the_test_extra_and_runs_the_demo() -> None:
    """A user who only wants the demo must not need pytest or Playwright."""
    demo_command = quick_start_commands()[0]
    assert demo_command.endswith("sheets-sync demo")
    assert re.search(r"\bpip install( -q)? -e \.(\s|$)", demo_command), demo_command
    assert "[test" not in demo_command


def readme_commands() -> set[str]:
    rows = re.findall(
        r"^\| `sheets-sync ([a-z][a-z-]*)\b[^`]*` \|", section(README, "Commands"), re.MULTILINE
    )
    assert len(rows) == len(set(rows)), f"a command is listed twice: {sorted(rows)}"
    return set(rows)


def test_every_command_in_the_table_exists() -> None:
    missing = readme_commands() - set(main.commands)
    assert not missing, f"README.md's Commands table names commands the CLI lacks: {sorted(missing)}"


def test_every_command_is_in_the_table() -> None:
    undocumented = set(main.commands) - readme_commands()
    assert not undocumented, f"commands missing from README.md's Commands table: {sorted(undocumented)}"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_text(command: str) -> None:
    assert (main.commands[command].help or "").strip(), f"`sheets-sync {command}` has no help text"

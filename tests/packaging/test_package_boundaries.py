"""The emulator is a package of its own: it never imports sheets_sync, and sheets_sync reaches it only from the
demo and the ``emulator`` command, through its public names. Imports are followed all the way down."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_graph import ImportGraph

REPO = Path(__file__).resolve().parents[2]
GRAPH = ImportGraph.of_packages(REPO, ["sheets_sync", "sheets_emulator"])
# The only product modules allowed to import the emulator, and only its top-level package.
EMULATOR_USERS = {"sheets_sync.demo", "sheets_sync.commands.emulator"}


def product_modules() -> list[str]:
    return sorted(name for name in GRAPH.modules if name.split(".")[0] == "sheets_sync")


def emulator_modules() -> list[str]:
    return sorted(name for name in GRAPH.modules if name.split(".")[0] == "sheets_emulator")


@pytest.mark.parametrize("name", emulator_modules())
def test_the_emulator_never_reaches_sheets_sync(name: str) -> None:
    assert "sheets_sync" not in {reached.split(".")[0] for reached in GRAPH.reachable_from(name)}


def test_only_the_demo_and_the_emulator_command_import_the_emulator() -> None:
    direct = {
        edge.importer
        for name in product_modules()
        for edge in GRAPH.edges[name]
        if edge.imported.split(".")[0] == "sheets_emulator"
    }
    assert direct == EMULATOR_USERS


def test_the_product_uses_only_the_emulators_public_names() -> None:
    import sheets_emulator

    for name in sorted(EMULATOR_USERS):
        for edge in GRAPH.edges[name]:
            if edge.imported.split(".")[0] != "sheets_emulator":
                continue
            assert edge.imported == "sheets_emulator" or edge.imported.removeprefix("sheets_emulator.") in (
                sheets_emulator.__all__
            ), f"{name} reaches into {edge.imported}"


@pytest.mark.parametrize("name", [m for m in product_modules() if m not in EMULATOR_USERS])
def test_no_other_product_module_reaches_the_emulator_except_through_its_two_users(name: str) -> None:
    # Cut the two allowed users out of the graph, then follow everything else all the way down.
    pruned = ImportGraph(
        GRAPH.root, GRAPH.modules, {k: v for k, v in GRAPH.edges.items() if k not in EMULATOR_USERS}
    )
    reached = pruned.reachable_from(name)
    assert not {r for r in reached if r.split(".")[0] == "sheets_emulator"}


def test_the_graph_sees_lazy_and_relative_imports() -> None:
    # The checks above say nothing unless the walker finds the imports that are there.
    # commands/dashboard.py imports the site builder (and jinja2) inside the command function
    assert "jinja2" in GRAPH.reachable_from("sheets_sync.commands.dashboard")
    assert "sheets_emulator" in GRAPH.reachable_from("sheets_sync.commands.demo")
    assert "gspread" in GRAPH.reachable_from("sheets_sync.sync.gspread_adapter")

"""The planner is pure: its imports, followed all the way down (package __init__ files and lazy imports included),
reach no file-system, network or Google code. Uses the same import-graph walker as tests/packaging/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from import_graph import ImportGraph

REPO = Path(__file__).resolve().parents[2]
GRAPH = ImportGraph.of_packages(REPO, ["sheets_sync", "sheets_emulator"])
PURE = [
    "sheets_sync.sync.plan",
    "sheets_sync.sync.module_plan",
    "sheets_sync.sync.merge",
    "sheets_sync.sync.layout",
    "sheets_sync.sync.columns",
    "sheets_sync.sync.upgrade",
    "sheets_sync.sync.tabs",
    "sheets_sync.sync.recover",
    "sheets_sync.sync.report",
    "sheets_sync.sync.api_json",
    "sheets_sync.sync.copies",
    "sheets_sync.sync.notes",
]
IO_MODULES = {
    "os",
    "io",
    "shutil",
    "tempfile",
    "fcntl",
    "subprocess",
    "socket",
    "urllib",
    "http",
    "requests",
    "gspread",
    "google",
    "sheets_emulator",
    "sheets_sync.store",
    "sheets_sync.jsonio",
    "sheets_sync.index_file",
    "sheets_sync.sync.base_file",
    "sheets_sync.sync.engine",
    "sheets_sync.sync.gspread_adapter",
    "sheets_sync.sync.connect",
    "sheets_sync.sync.auth",
    "sheets_sync.sync.config",
}


@pytest.mark.parametrize("name", PURE)
def test_the_planner_reaches_no_io(name: str) -> None:
    reached = GRAPH.reachable_from(name)
    assert not reached & IO_MODULES, sorted(reached & IO_MODULES)


@pytest.mark.parametrize("name", PURE)
def test_pathlib_is_reached_only_for_the_paths_errors_name(name: str) -> None:
    """``pathlib`` only through ``sheets_sync.errors``, whose DataError carries the path it names (no I/O)."""
    reached = GRAPH.reachable_from(name) | {name}
    importers = {
        module for module in reached for edge in GRAPH.edges.get(module, []) if edge.imported == "pathlib"
    }
    assert importers <= {"sheets_sync.errors"}


def test_the_walker_does_see_the_edges_io() -> None:
    """The same walk from the engine does reach the file system: the test above can fail."""
    assert {"sheets_sync.store", "sheets_sync.sync.base_file"} <= GRAPH.reachable_from(
        "sheets_sync.sync.engine"
    )

"""The commands of ``sheets-sync``, one module per feature, and the catalog ``sheets-sync --help`` lists.

``sheets-sync --help`` must answer in a blink, so it is printed from :data:`CATALOG` alone: a command's module
(and whatever heavy library it needs: pydantic, rich, gspread, jinja2) is imported only when that command runs or
shows its own ``--help``. Adding a command: define it in its feature module, add it to that module's ``COMMANDS``,
and add one line here (name, module, one-line help); ``tests/test_cli_conventions.py`` checks the two agree.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    module: str
    help: str


CATALOG: dict[str, Entry] = {
    # In workflow order (data, sync, dashboards, emulator, demo): it reads better in --help than A-Z.
    "import": Entry(
        "sheets_sync.commands.data", "Import judge files, promptfoo exports or folders; rebuild the index."
    ),
    "index": Entry("sheets_sync.commands.data", "Rebuild data/heatmap_index.json from the module files."),
    "validate": Entry("sheets_sync.commands.data", "Check every data file and list every problem."),
    "braintrust": Entry(
        "sheets_sync.commands.braintrust", "Pull a Braintrust project's experiments into the module files."
    ),
    "export": Entry("sheets_sync.commands.export", "Write the PM tracker CSV: one row per experiment."),
    "show": Entry(
        "sheets_sync.commands.data", "Print a module's best run, experiments, rubrics, suggestions."
    ),
    "suggest": Entry("sheets_sync.commands.data", "Add a suggestion to a module with the next free id."),
    "schema": Entry("sheets_sync.commands.data", "Write the JSON Schema files of module and judge files."),
    "migrate": Entry(
        "sheets_sync.commands.migrate",
        "Migrate the legacy trackers (progress YAML, modules_data.js); dry run first.",
    ),
    "push": Entry("sheets_sync.commands.sync", "Write local results and suggestion edits to the workbook."),
    "pull": Entry("sheets_sync.commands.sync", "Bring PMs' edits from the workbook into data/modules/."),
    "status": Entry("sheets_sync.commands.sync", "Show what push and pull would change; writes nothing."),
    "reconcile": Entry(
        "sheets_sync.commands.team",
        "After a git merge of two clones: merge data/modules and the base snapshot.",
    ),
    "dashboard": Entry(
        "sheets_sync.commands.dashboard", "Build the static dashboards (heatmap, module pages)."
    ),
    "serve": Entry("sheets_sync.commands.dashboard", "Serve the dashboards on localhost, rebuilt on change."),
    "diff": Entry(
        "sheets_sync.commands.dashboard", "Compare two runs of a module with 95% intervals and a test."
    ),
    "emulator": Entry("sheets_sync.commands.emulator", "Run the Google Sheets API emulator on loopback."),
    "demo": Entry("sheets_sync.commands.demo", "Run the whole loop on the sample data against the emulator."),
}

"""``sheets-sync import`` of one file loads only what an import uses: not the Sheets sync, the dashboards or the
checks of ``validate`` (they cost a one-file import a tenth of its time, and nothing in it needs them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from data_helpers import judge_doc, write_judge

NOT_FOR_IMPORT = ("sheets_sync.sync", "sheets_sync.dashboard", "sheets_sync.validate", "gspread", "jinja2")

PROBE = """
import sys
from sheets_sync.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    assert not exit.code, exit.code
print("MODULES", " ".join(sorted(sys.modules)))
"""


def test_a_one_file_import_loads_neither_the_sync_nor_the_dashboards(tmp_path: Path, inbox: Path) -> None:
    judge = write_judge(inbox, judge_doc())
    argv = ["import", "--data-dir", str(tmp_path / "data"), str(judge)]
    for _ in range(2):  # the first import creates the module, the second one patches the index
        result = subprocess.run(
            [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True
        )
        loaded = result.stdout.rsplit("MODULES", 1)[1].split()
        assert "sheets_sync.importers" in loaded  # the probe saw the import run
        extra = [m for m in loaded if any(m == n or m.startswith(n + ".") for n in NOT_FOR_IMPORT)]
        assert not extra, f"`sheets-sync import` loaded {extra}"

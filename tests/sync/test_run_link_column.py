"""The run link column: a promptfoo run's share link, labelled by its tool, as a cell link in the module tab
(real gspread over HTTP to the emulator)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_emulator import Emulator
from sheets_sync.importers import import_paths
from sheets_sync.importers.judge import JudgeImporter
from sheets_sync.importers.promptfoo import PromptfooImporter, PromptfooOptions
from sheets_sync.store import Store
from sheets_sync.sync.columns import MODULE_COLUMNS, RUN_LINK, Owner
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.retry import Retrier

SPREADSHEET = "sheet-run-link"
EXPORT = Path(__file__).resolve().parents[2] / "../shared/fixtures/promptfoo/database-replay.json"


def test_the_run_link_column_is_tool_owned() -> None:
    column = MODULE_COLUMNS.recognise(RUN_LINK)
    assert column is not None and column.owner is Owner.TOOL and column.experiment_link is not None


@pytest.mark.skipif(not EXPORT.is_file(), reason="../shared/fixtures is absent")
def test_a_promptfoo_share_link_is_a_cell_link_labelled_promptfoo(tmp_path: Path, retrier: Retrier) -> None:
    store = Store(tmp_path / "data")
    options = PromptfooOptions(module_id="m01", module_name="Replay", prompt_version="v1")
    import_paths(store, [EXPORT], importers=[PromptfooImporter(options), JudgeImporter()])
    emu = Emulator()
    emu.create_spreadsheet(SPREADSHEET, title="Evals")
    SyncEngine(store, GspreadWorkbook(SPREADSHEET, emu.session(), retrier=retrier), retrier).push()
    sheet = next(s for s in emu.spreadsheet(SPREADSHEET).sheets if s.properties["title"] == "m01")
    texts = {c.value.get("stringValue"): c for row in sheet.cells.values() for c in row.values() if c.value}
    assert RUN_LINK in texts
    assert "open in Braintrust" not in texts
    link = texts["open in promptfoo"].format["textFormat"]["link"]["uri"]
    assert link == "https://www.promptfoo.app/eval/eval-KaM-2025-09-17T03:07:11"

"""A run's link in the tool that made it shows on the module page with that tool's label, never as Braintrust."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.dashboard.build import build_site
from sheets_sync.importers import import_paths
from sheets_sync.importers.judge import JudgeImporter
from sheets_sync.importers.promptfoo import PromptfooImporter, PromptfooOptions
from sheets_sync.store import Store

EXPORT = Path(__file__).resolve().parents[2] / "../shared/fixtures/promptfoo/database-replay.json"


@pytest.mark.skipif(not EXPORT.is_file(), reason="../shared/fixtures is absent")
def test_a_promptfoo_link_is_labelled_promptfoo_on_the_module_page(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    options = PromptfooOptions(module_id="m01", module_name="Replay", prompt_version="v1")
    import_paths(store, [EXPORT], importers=[PromptfooImporter(options), JudgeImporter()])
    build_site(store, tmp_path / "site")
    page = next((tmp_path / "site").rglob("m01*.html")).read_text()
    url = "https://www.promptfoo.app/eval/eval-KaM-2025-09-17T03:07:11"
    assert f'<a href="{url}" target="_blank" rel="noopener noreferrer">open in promptfoo ↗</a>' in page
    assert "Braintrust ↗" not in page

"""The committed JSON Schema files are what the models generate, and they describe the files we ship."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from data_helpers import REPO, SAMPLE_DATA

from sheets_sync import jsonio
from sheets_sync.schema import SCHEMAS, schema_for

CLI = Callable[..., Result]


@pytest.mark.parametrize("name", SCHEMAS)
def test_committed_schema_is_current(name: str) -> None:
    committed = (REPO / "schema" / name).read_text(encoding="utf-8")
    assert committed == jsonio.dumps(schema_for(SCHEMAS[name])), "run `sheets-sync schema --out schema/`"


def test_schema_command_writes_the_same_files(cli: CLI, tmp_path: Path) -> None:
    result = cli("schema", "--out", tmp_path / "schema")
    assert result.exit_code == 0
    for name in SCHEMAS:
        assert (tmp_path / "schema" / name).read_bytes() == (REPO / "schema" / name).read_bytes()
    assert cli("schema", "--out", tmp_path / "schema").stdout.count("unchanged") == len(SCHEMAS)


def _keys_allowed(schema: dict, definition: dict, document: dict) -> None:
    """The subset of JSON Schema our files rely on: required keys present, no keys beyond the properties."""
    assert set(definition.get("required", [])) <= set(document)
    assert set(document) <= set(definition["properties"])


def test_sample_files_have_the_keys_the_schemas_describe() -> None:
    module_schema = json.loads((REPO / "schema" / "module.schema.json").read_text())
    judge_schema = json.loads((REPO / "schema" / "judge.schema.json").read_text())
    for path in (SAMPLE_DATA / "modules").glob("*.json"):
        module = json.loads(path.read_text())
        _keys_allowed(module_schema, module_schema, module)
        for experiment in module["experiments"]:
            _keys_allowed(module_schema, module_schema["$defs"]["Experiment"], experiment)
    for path in (SAMPLE_DATA / "judge_results").glob("*.json"):
        judge = json.loads(path.read_text())
        _keys_allowed(judge_schema, judge_schema, judge)
        for sample in judge["results"]:
            _keys_allowed(judge_schema, judge_schema["$defs"]["JudgeSample"], sample)

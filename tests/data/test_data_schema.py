"""The committed JSON Schema files are what the models generate, and they describe the files we ship."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


# The JSON Schema keywords our generated schemas use, checked by the small validator below (no jsonschema
# dependency). A keyword outside this list fails the test instead of being ignored.
CHECKED = {"$ref", "anyOf", "type", "enum", "properties", "required", "additionalProperties", "items", "pattern",
           "minimum", "maximum", "minLength", "propertyNames"}  # fmt: skip
ANNOTATIONS = {"$schema", "$defs", "title", "description", "default", "format"}
TYPES = {
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool), "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}  # fmt: skip


def schema_errors(root: dict, schema: dict, value: Any, where: str = "") -> list[str]:
    """Where ``value`` breaks ``schema`` (the subset of draft 2020-12 in CHECKED); empty when it conforms."""
    assert set(schema) <= CHECKED | ANNOTATIONS, f"unchecked keywords {set(schema) - CHECKED - ANNOTATIONS}"
    if "$ref" in schema:
        return schema_errors(root, root["$defs"][schema["$ref"].removeprefix("#/$defs/")], value, where)
    if "anyOf" in schema:
        failures = [schema_errors(root, option, value, where) for option in schema["anyOf"]]
        if all(failures):  # say why the option of the right type failed, not that the null option did
            return min(failures, key=lambda errors: any(e.startswith(f"{where}: ") for e in errors))
    kinds = schema.get("type", [])
    if kinds and not any(TYPES[kind](value) for kind in ([kinds] if isinstance(kinds, str) else kinds)):
        return [f"{where}: {value!r} is not {kinds}"]
    if "enum" in schema and not any(value == e and type(value) is type(e) for e in schema["enum"]):
        return [f"{where}: {value!r} not in {schema['enum']}"]
    errors = []
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: too short")
    if TYPES["number"](value) and not schema.get("minimum", value) <= value <= schema.get("maximum", value):
        errors.append(f"{where}: {value} out of range")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += schema_errors(root, schema["items"], item, f"{where}[{i}]")
    if isinstance(value, dict):
        errors += _object_errors(root, schema, value, where)
    return errors


def _object_errors(root: dict, schema: dict, value: dict, where: str) -> list[str]:
    errors = [f"{where}.{key}: required" for key in schema.get("required", []) if key not in value]
    properties, extra = schema.get("properties", {}), schema.get("additionalProperties", True)
    for key, item in value.items():
        errors += schema_errors(root, schema.get("propertyNames", {}), key, f"{where}.{key} (name)")
        if key in properties:
            errors += schema_errors(root, properties[key], item, f"{where}.{key}")
        elif extra is False:
            errors.append(f"{where}.{key}: not allowed")
        elif isinstance(extra, dict):
            errors += schema_errors(root, extra, item, f"{where}.{key}")
    return errors


def load_schema(name: str) -> dict:
    return json.loads((REPO / "schema" / name).read_text())


@pytest.mark.parametrize(
    ("name", "folder"), [("module.schema.json", "modules"), ("judge.schema.json", "judge_results")]
)
def test_every_sample_file_conforms_to_its_schema(name: str, folder: str) -> None:
    schema = load_schema(name)
    paths = sorted((SAMPLE_DATA / folder).glob("*.json"))
    assert paths
    for path in paths:
        assert schema_errors(schema, schema, json.loads(path.read_text())) == [], path


def _m01() -> dict:
    return json.loads((SAMPLE_DATA / "modules" / "m01.json").read_text())


def _judge() -> dict:
    return json.loads((SAMPLE_DATA / "judge_results" / "m01_v1_gpt-4o-mini_20260120.json").read_text())


@pytest.mark.parametrize(
    ("name", "document", "path"),
    [("module.schema.json", lambda d: d["experiments"][0]["metrics"].update({"pass": "15"}), ".experiments[0].metrics.pass"),
     ("module.schema.json", lambda d: d["experiments"][0].update({"dataset_verison": "v2"}), ".experiments[0].dataset_verison"),
     ("module.schema.json", lambda d: d["suggestions"][0].update({"priority": "urgent"}), ".suggestions[0].priority"),
     ("module.schema.json", lambda d: d["experiments"][0]["metrics"].update({"pass_rate": 101}), ".experiments[0].metrics.pass_rate"),
     ("module.schema.json", lambda d: d["experiments"][0]["rubrics"].update({"": {"pass": 0, "total": 0}}), ".experiments[0].rubrics. (name)"),
     ("module.schema.json", lambda d: d.update({"module_id": "m 01"}), ".module_id"),
     ("judge.schema.json", lambda d: d.pop("model"), ".model"),
     ("judge.schema.json", lambda d: d["results"][2].update({"verdict": "maybe"}), ".results[2].verdict"),
     ("judge.schema.json", lambda d: d["results"][0]["rubrics"].update({"M01_brand_extracted": 1}), ".results[0].rubrics.M01_brand_extracted")],
)  # fmt: skip
def test_the_schemas_catch_hand_editing_mistakes(name: str, document: Any, path: str) -> None:
    """What an editor would underline; the schema would be useless if it accepted these."""
    doc = _m01() if name.startswith("module") else _judge()
    document(doc)
    errors = schema_errors(load_schema(name), load_schema(name), doc)
    assert errors and all(e.startswith(path) for e in errors), errors

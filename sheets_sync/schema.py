"""JSON Schema files for the module file and the judge file, generated from the pydantic models.

Committed under ``schema/`` so editors (VS Code's ``json.schemas``, ``$schema`` in a file) can check hand edits;
``sheets-sync schema --out schema/`` regenerates them and a test keeps the committed copies current. The schema
checks structure and types; counts that must add up and rates that must match them are checked by ``validate``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sheets_sync import jsonio
from sheets_sync.errors import DataError
from sheets_sync.importers.judge import JudgeFile
from sheets_sync.models import Module

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS: dict[str, type[BaseModel]] = {"module.schema.json": Module, "judge.schema.json": JudgeFile}


def schema_for(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a file model, with the JSON names (``pass``, not ``passed``)."""
    generated = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": DRAFT, **generated}


def write_schemas(out_dir: Path) -> dict[Path, bool]:
    """Write every schema file into ``out_dir``; maps each path to whether it changed."""
    try:
        return {
            out_dir / name: jsonio.write_json(out_dir / name, schema_for(model))
            for name, model in SCHEMAS.items()
        }
    except OSError as exc:  # --out under a file, a folder we may not write, a name too long
        raise DataError(f"cannot write the schema files here: {exc.strerror}", path=out_dir) from None

"""Builders for judge files and data directories, shared by the tests of the local mirror."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO / "data"
RUBRICS = ("M01_brand_extracted", "M01_lowercase_included", "M01_typos_realistic")
DROP = object()


def make_results(
    total: int = 50,
    passed: int = 15,
    rubric_passes: tuple[int, ...] = (5, 40, 35),
    errors: int = 0,
    rubrics: tuple[str, ...] = RUBRICS,
) -> list[dict[str, Any]]:
    """``total`` samples: the first ``passed`` pass, the last ``errors`` are judge errors, the rest fail;
    rubric k passes on the first ``rubric_passes[k]`` samples."""
    results = []
    for i in range(total):
        verdict = "error" if i >= total - errors else ("pass" if i < passed else "fail")
        sample: dict[str, Any] = {"sample_id": f"s{i + 1:03d}", "verdict": verdict}
        if verdict == "error":
            sample["error"] = "judge timeout"
        else:
            sample["rubrics"] = {name: i < n for name, n in zip(rubrics, rubric_passes, strict=True)}
        results.append(sample)
    return results


def judge_doc(**fields: Any) -> dict[str, Any]:
    """The README's worked example (50 samples, 15 pass, rubrics 5/40/35 of 50); ``field=DROP`` removes a field."""
    doc: dict[str, Any] = {
        "module_id": "m01",
        "module_name": "ExtractOwnBrandEntities",
        "prompt_version": "v1",
        "dataset_version": "v1",
        "model": "gpt-4o-mini",
        "judge_model": "gpt-4o",
        "timestamp": "2026-01-20T00:31:46",
        "primary_rubric": "M01_brand_extracted",
        "braintrust_url": "https://www.braintrust.dev/app/acme/p/m01/experiments/v1-4o-mini",
        "results": make_results(),
    }
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not DROP}


def default_name(doc: dict[str, Any]) -> str:
    return f"{doc.get('module_id', 'm01')}_{doc.get('prompt_version', 'v1')}_{doc['model']}_{doc['timestamp'][:10].replace('-', '')}.json"


def write_judge(folder: Path, doc: dict[str, Any] | bytes | str, name: str | None = None) -> Path:
    """Write a judge file (a dict as JSON; bytes or text as they are) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(doc, dict):
        path = folder / (name or default_name(doc))
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
        return path
    assert name is not None
    path = folder / name
    path.write_bytes(doc.encode() if isinstance(doc, str) else doc)
    return path


def copy_sample_data(target: Path) -> Path:
    """A copy of the committed sample data directory."""
    shutil.copytree(SAMPLE_DATA, target, ignore=shutil.ignore_patterns("*.lock", ".sync", ".cache"))
    return target

"""The build manifest, ``<site>/.sheets-sync-build.json``: what the last build was made from.

It lets the next build re-render only what changed (:mod:`build`). Written atomically after a build succeeded and
deleted before a build writes its first file, so a build killed halfway leaves no manifest and the next build is a
full one. Anything unreadable (missing, not JSON, another format) counts as no manifest. Deterministic: the same
site has the same manifest, so a full and an incremental build of the same data write the same bytes. One line,
records as arrays: at 2,000 modules it is read on every build, and a strict parse costs per object::

    {"format": 2, "code": "<digest of the code and templates>",
     "modules": {"m01": ["<digest of m01.json>", "<digest of its index line>"]},
     "outputs": {"modules/m01.html": ["<digest of the page's inputs>", 123456]},
     "heatmap": {"versions": ["v1", "v2"], "rows": ["m01", "m02"]}}

``heatmap`` says what the rows of ``index.html``'s table were rendered from (its versions, and the module of each
row in order; each row's entry is the module's), so the next build can keep the rows of unchanged modules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sheets_sync import jsonio
from sheets_sync.errors import DataError

MANIFEST_NAME = ".sheets-sync-build.json"
FORMAT = 2


@dataclass(frozen=True, kw_only=True)
class ModuleRecord:
    """Content digests of a module file and of its index entry (None: the index has no entry for it)."""

    file: str
    entry: str | None


@dataclass(frozen=True, kw_only=True)
class OutputRecord:
    """Digest of an output file's inputs, and its size when written (a file edited or truncated since is rebuilt)."""

    inputs: str
    size: int


@dataclass(frozen=True, kw_only=True)
class HeatmapRows:
    """What the rows of ``index.html``'s table were rendered from: the versions (its columns) and each row's module."""

    versions: list[str]
    rows: list[str]


@dataclass(frozen=True, kw_only=True)
class Manifest:
    code: str
    modules: dict[str, ModuleRecord]
    outputs: dict[str, OutputRecord]
    heatmap: HeatmapRows = HeatmapRows(versions=[], rows=[])


def manifest_path(out_dir: Path) -> Path:
    return Path(out_dir) / MANIFEST_NAME


def read_manifest(out_dir: Path) -> Manifest | None:
    """The last build's manifest, or None when there is none or it cannot be trusted."""
    try:
        # strict (sheets_sync.jsonio): a manifest with a key twice is not trusted either
        raw = jsonio.parse_bytes(manifest_path(out_dir).read_bytes(), manifest_path(out_dir))
        return _parse(raw)
    except (OSError, DataError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _parse(raw: Any) -> Manifest | None:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("code"), str):
        return None
    modules = {
        str(module_id): ModuleRecord(file=_text(file), entry=_optional_text(entry))
        for module_id, (file, entry) in raw["modules"].items()
    }
    outputs = {
        str(path): OutputRecord(inputs=_text(inputs), size=_size(size))
        for path, (inputs, size) in raw["outputs"].items()
    }
    heatmap = HeatmapRows(
        versions=[_text(v) for v in raw["heatmap"]["versions"]],
        rows=[_text(m) for m in raw["heatmap"]["rows"]],
    )
    return Manifest(code=raw["code"], modules=modules, outputs=outputs, heatmap=heatmap)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _size(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError(value)
    return value


def write_manifest(out_dir: Path, manifest: Manifest) -> None:
    document = {
        "format": FORMAT,
        "code": manifest.code,
        "modules": {module_id: [r.file, r.entry] for module_id, r in manifest.modules.items()},
        "outputs": {path: [r.inputs, r.size] for path, r in sorted(manifest.outputs.items())},
        "heatmap": {"versions": manifest.heatmap.versions, "rows": manifest.heatmap.rows},
    }
    text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    jsonio.atomic_write_text(manifest_path(out_dir), text + "\n")


def remove_manifest(out_dir: Path) -> None:
    manifest_path(out_dir).unlink(missing_ok=True)

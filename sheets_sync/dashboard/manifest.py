"""The build manifest, ``<site>/.sheets-sync-build.json``: what the last build was made from.

It lets the next build re-render only what changed (:mod:`build`). Written atomically after a build succeeded and
deleted before a build writes its first file, so a build killed halfway leaves no manifest and the next build is a
full one. Anything unreadable (missing, not JSON, another format) counts as no manifest. Deterministic: the same
site has the same manifest, so a full and an incremental build of the same data write the same bytes::

    {"format": 1, "code": "<digest of the code and templates>",
     "modules": {"m01": {"file": "<digest of m01.json>", "entry": "<digest of its index entry>"}},
     "outputs": {"modules/m01.html": {"inputs": "<digest of the page's inputs>", "size": 123456}}}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sheets_sync import jsonio
from sheets_sync.errors import DataError

MANIFEST_NAME = ".sheets-sync-build.json"
FORMAT = 1


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
class Manifest:
    code: str
    modules: dict[str, ModuleRecord]
    outputs: dict[str, OutputRecord]


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
        str(module_id): ModuleRecord(file=_text(record["file"]), entry=_optional_text(record["entry"]))
        for module_id, record in raw["modules"].items()
    }
    outputs = {
        str(path): OutputRecord(inputs=_text(record["inputs"]), size=_size(record["size"]))
        for path, record in raw["outputs"].items()
    }
    return Manifest(code=raw["code"], modules=modules, outputs=outputs)


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
    jsonio.write_json(
        manifest_path(out_dir),
        {
            "format": FORMAT,
            "code": manifest.code,
            "modules": {
                module_id: {"file": record.file, "entry": record.entry}
                for module_id, record in manifest.modules.items()
            },
            "outputs": {
                path: {"inputs": record.inputs, "size": record.size}
                for path, record in sorted(manifest.outputs.items())
            },
        },
    )


def remove_manifest(out_dir: Path) -> None:
    manifest_path(out_dir).unlink(missing_ok=True)

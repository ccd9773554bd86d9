"""The heatmap index ``data/heatmap_index.json``: per module and prompt version, the latest run of every model.

Pure :func:`build_index` (modules in, a JSON-ready dict out); writing the file is
:func:`sheets_sync.index_file.write_index` (the I/O edge, so the planner that builds the Heatmap from this index never
reaches the file system). The shape is the
one in ``docs/CONTRACTS.md``; the dashboards and the Sheets sync read it instead of every module file.

Runs on different dataset versions are not comparable, so each (module, version) cell only shows runs on the newest
dataset version that has a run of that prompt version, and says which. ``generated_at`` is the newest experiment
timestamp, not the clock, so rebuilding on unchanged data writes the same bytes.

The file is written by :func:`encode_index`: the header fields one per line, then ONE compact line per module (keys
in the builder's fixed order, modules in natural order). A change to one module changes one line of the file (and
the header lines when the models, versions or newest run change), so ``git diff`` shows what changed and an import
can patch the file line by line (:mod:`sheets_sync.index_file`). The header is computed from per-module
:class:`ModuleSummary` values, so a patch needs only the summaries of the modules it did not read.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sheets_sync.best import best_so_far, cell_runs
from sheets_sync.models import Experiment, Module, timestamp_key
from sheets_sync.stats import wilson_interval
from sheets_sync.versions import natural_key, sorted_versions

INDEX_SCHEMA_VERSION = 1


@dataclass(frozen=True, kw_only=True)
class ModuleSummary:
    """What one module contributes to the index header: its models, its prompt versions and its newest run."""

    models: tuple[str, ...]
    versions: tuple[str, ...]
    newest: tuple[str, str, str] | None
    """(the run's instant in UTC as fixed-width text, its id, its timestamp as written): sorts like
    :meth:`Experiment.recency_key`; None for a module without runs."""


def module_summary(module: Module) -> ModuleSummary:
    newest = max(module.experiments, key=Experiment.recency_key, default=None)
    return ModuleSummary(
        models=tuple(sorted({e.model for e in module.experiments})),
        versions=tuple(sorted_versions(e.prompt_version for e in module.experiments)),
        newest=None
        if newest is None
        else (
            f"{timestamp_key(newest.timestamp):%Y-%m-%dT%H:%M:%S.%f}",
            newest.id,
            newest.timestamp.isoformat(),
        ),
    )


def index_header(summaries: Iterable[ModuleSummary]) -> dict[str, Any]:
    """Every field of the index but ``modules``, from the summaries of all modules."""
    summaries = list(summaries)
    newest = max((s.newest for s in summaries if s.newest is not None), default=None)
    return {
        "schema_version": INDEX_SCHEMA_VERSION,
        "generated_at": newest[2] if newest else None,
        "models": sorted({m for s in summaries for m in s.models}),
        "versions": sorted_versions(v for s in summaries for v in s.versions),
    }


def build_index(modules: Mapping[str, Module]) -> dict[str, Any]:
    """The whole index for ``modules`` (keyed by module id), deterministic for the same input."""
    return {
        **index_header(module_summary(m) for m in modules.values()),
        "modules": {
            module_id: module_entry(modules[module_id]) for module_id in sorted(modules, key=natural_key)
        },
    }


_compact = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
HEADER_FIELDS = ("schema_version", "generated_at", "models", "versions")
MODULES_OPEN = b'"modules":{'


def entry_line(module_id: str, entry: Mapping[str, Any]) -> bytes:
    """One module's line of the index file (without the comma that separates it from the next)."""
    return f"{_compact(module_id)}:{_compact(entry)}".encode()


def encode_index_lines(header: Mapping[str, Any], lines: Iterable[bytes]) -> bytes:
    """The index file from its header and its module lines (in the order given): see the module docstring."""
    body = b",\n".join(lines)
    return b"".join([head_bytes(header), body + b"\n" if body else b"", b"}\n}\n"])


def head_bytes(header: Mapping[str, Any]) -> bytes:
    """The lines of the index file before the first module line: ``{``, the header fields, ``"modules":{``."""
    fields = "".join(f"{_compact(k)}:{_compact(header[k])},\n" for k in HEADER_FIELDS)
    return b"{\n" + fields.encode() + MODULES_OPEN + b"\n"


def line_spans(data: bytes, module_ids: Iterable[str]) -> list[tuple[int, int, str]] | None:
    """(start, end, module id) of each module's line in ``data`` (a file :func:`encode_index_lines` wrote), sorted;
    ``end`` is before the comma that separates the line from the next. None when a module is not in the file."""
    top = data.find(b"\n" + MODULES_OPEN + b"\n")
    if not data.startswith(b"{\n") or top < 0:
        return None
    spans = []
    for module_id in module_ids:
        start = data.find(b"\n" + _compact(module_id).encode() + b":", top + 1)
        if start < 0:
            return None
        end = data.find(b"\n", start + 1)
        if end < 0:
            return None
        end -= data[end - 1 : end] == b","
        spans.append((start + 1, end, module_id))
    return sorted(spans)


def head_size(data: bytes) -> int:
    """How many bytes of ``data`` (a file :func:`encode_index_lines` wrote) come before the first module line."""
    return data.find(b"\n" + MODULES_OPEN + b"\n") + len(MODULES_OPEN) + 2


def splice_index(
    data: bytes, header: Mapping[str, Any], spans: list[tuple[int, int, str]], lines: Mapping[str, bytes]
) -> bytes:
    """``data`` with a new header and, at each span of :func:`line_spans`, the module's new line."""
    # A view: the unchanged stretches are copied once, into the result.
    view, at = memoryview(data), head_size(data)
    pieces: list[bytes | memoryview] = [head_bytes(header)]
    for start, end, module_id in spans:
        pieces += [view[at:start], lines[module_id]]
        at = end
    pieces.append(view[at:])
    return b"".join(pieces)


def encode_index(index: Mapping[str, Any]) -> bytes:
    """The bytes of ``heatmap_index.json`` for an index as :func:`build_index` returns it."""
    return encode_index_lines(index, (entry_line(m, e) for m, e in index["modules"].items()))


def split_index(data: bytes) -> dict[str, bytes] | None:
    """The module lines of a file :func:`encode_index` wrote, keyed by module id; None when it is not such a file."""
    lines = data.split(b"\n")
    if len(lines) < 9 or lines[0] != b"{" or lines[5] != MODULES_OPEN or lines[-3:] != [b"}", b"}", b""]:
        return None
    found: dict[str, bytes] = {}
    body = lines[6:-3]
    for n, line in enumerate(body):
        if n < len(body) - 1:
            if not line.endswith(b","):
                return None
            line = line[:-1]
        end = line.find(b'":', 1)
        if not line.startswith(b'"') or end < 0:
            return None
        found[line[1:end].decode()] = line
    return found


def module_entry(module: Module) -> dict[str, Any]:
    """One module's cells: every prompt version in natural order."""
    by_version: dict[str, list[Experiment]] = defaultdict(list)
    for experiment in module.experiments:
        by_version[experiment.prompt_version].append(experiment)
    return {
        "name": module.module_name,
        "primary_rubric": module.primary_rubric,
        "best_so_far": best_so_far_entry(module.experiments),
        "versions": {
            version: version_cell(by_version[version]) for version in sorted(by_version, key=natural_key)
        },
    }


def version_cell(experiments: Iterable[Experiment]) -> dict[str, Any]:
    """One (module, version) cell: the newest dataset version's latest run per model, and the best of them
    (:mod:`sheets_sync.best` decides both)."""
    cell = cell_runs(experiments)
    best = cell.best
    return {
        "dataset_version": cell.dataset_version,
        "best": best_entry(best) if best is not None else None,
        "by_model": {model: model_entry(run) for model, run in cell.by_model.items()},
    }


def best_so_far_entry(experiments: Iterable[Experiment]) -> dict[str, Any] | None:
    """The module's best run (on its newest dataset version, :func:`sheets_sync.best.best_so_far`)."""
    found = best_so_far(experiments)
    if found is None:
        return None
    return {
        "dataset_version": found.dataset_version,
        "prompt_version": found.experiment.prompt_version,
        **best_entry(found.experiment),
    }


def best_entry(experiment: Experiment) -> dict[str, Any]:
    return {
        "pass_rate": experiment.metrics.pass_rate,
        "match_rate": experiment.metrics.match_rate,
        "model": experiment.model,
        "experiment_id": experiment.id,
    }


def model_entry(experiment: Experiment) -> dict[str, Any]:
    """What the dashboard shows for one model in one cell (pass rate with its Wilson 95% interval)."""
    metrics = experiment.metrics
    counts = metrics.counts()
    interval = wilson_interval(*counts) if counts else None
    entry = {
        "pass_rate": metrics.pass_rate,
        "match_rate": metrics.match_rate,
        "total": metrics.total,
        "pass": metrics.passed,
        "pass_rate_ci": [interval.low, interval.high] if interval else None,
        "experiment_id": experiment.id,
        "timestamp": experiment.timestamp.isoformat(),
        "dataset_version": experiment.dataset_version,
        "braintrust_url": experiment.braintrust_url,
    }
    if metrics.reported:
        entry["reported"] = True  # rates as stated, no counts: no interval (the key is absent otherwise)
    return entry

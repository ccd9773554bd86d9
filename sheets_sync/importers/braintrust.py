"""Braintrust experiments as runs: pure, from the experiment object and its fetched event rows.

* One test case is one trace: the rows sharing ``root_span_id``. Current SDKs log scores on child spans of type
  ``score`` (``span_attributes.type``), not only on the root, so scores are merged across the trace; scorer spans
  are not samples. A score given on several spans of one trace counts its lowest value.
* A sample passes a score (a rubric of that name) when it is >= the score's threshold (default 1.0); a null score
  is no result for that rubric. The sample passes when every scored rubric passes; it is an error when its root
  span carries an ``error``, or when nothing scored it.
* ``fetch`` pages may repeat a row with an older ``_xact_id``: the newest per ``id`` is kept, and a row whose newest
  version is a delete (``_object_delete``) is dropped.
* Module, prompt version, model and dataset version come from the experiment's ``metadata`` (keys configurable),
  else from its name read as ``<module>_<version>_<model>`` (a ``-<8 hex>`` suffix, which the server adds when it
  renames a duplicate, ignored). Braintrust's own top-level ``dataset_version`` is a snapshot id of a Braintrust
  dataset, not our dataset version, and is never read. An experiment without a module, version or model is skipped
  with the reason.
* The experiment id is the run's stable key (``external_id`` ``braintrust:<id>``, and ``braintrust_id``): metadata
  changed in Braintrust updates the same experiment in place.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sheets_sync.errors import BraintrustError
from sheets_sync.importers.base import (
    ModuleLookup,
    ParsedRun,
    SampleVerdict,
    Verdict,
    aggregate_samples,
)
from sheets_sync.models import (
    MODULE_ID_PATTERN,
    VERSION_PATTERN,
    Experiment,
    RunLink,
    RunLinkKind,
    Source,
    experiment_id,
    model_slug,
    parse_timestamp,
    short_repr,
)

FORMAT = "braintrust"
DEFAULT_THRESHOLD = 1.0
DEFAULT_DATASET_VERSION = "v1"
RENAMED_SUFFIX = re.compile(r"-[0-9a-f]{8}$")
NAME_IDENTITY = re.compile(
    r"^(?P<module_id>[A-Za-z0-9][A-Za-z0-9-]*)_(?P<version>[vV][0-9][A-Za-z0-9.-]*)_(?P<model>.+)$"
)
WEB_URL = "https://www.braintrust.dev/app/{org}/p/{project}/experiments/{name}"


@dataclass(frozen=True, kw_only=True)
class MetadataKeys:
    """Which experiment ``metadata`` keys name our fields (``--metadata-key FIELD=KEY``)."""

    module: str = "module"
    module_name: str = "module_name"
    prompt_version: str = "prompt_version"
    model: str = "model"
    dataset_version: str = "dataset_version"


@dataclass(frozen=True, kw_only=True)
class BraintrustOptions:
    thresholds: Mapping[str, float] = field(default_factory=dict)
    metadata_keys: MetadataKeys = field(default_factory=MetadataKeys)
    dataset_version: str | None = None
    """Used when an experiment's metadata names none (default v1)."""

    def threshold(self, score: str) -> float:
        return self.thresholds.get(score, DEFAULT_THRESHOLD)


@dataclass(frozen=True)
class Identity:
    module_id: str
    module_name: str | None
    prompt_version: str
    model: str
    dataset_version: str


@dataclass(frozen=True)
class Skipped:
    """An experiment that was not imported, and why (listed; the pull still exits 0)."""

    experiment: str
    reason: str


def identity(experiment: Mapping[str, Any], options: BraintrustOptions) -> Identity | Skipped:
    """Who the experiment's run is, from its metadata, else its name; Skipped with the reason when unknown."""
    name = str(experiment.get("name") or experiment.get("id"))
    keys = options.metadata_keys
    metadata = experiment.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    from_name = NAME_IDENTITY.match(RENAMED_SUFFIX.sub("", name))

    def pick(key: str, group: str) -> str | None:
        value = metadata.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        return from_name[group] if from_name else None

    module_id = pick(keys.module, "module_id")
    version = pick(keys.prompt_version, "version")
    model = pick(keys.model, "model")
    missing = [
        label
        for label, value in (("module", module_id), ("prompt version", version), ("model", model))
        if not value
    ]
    if missing or module_id is None or version is None or model is None:
        return Skipped(
            name,
            f"no {', '.join(missing)}: set metadata {', '.join(_key_of(keys, m) for m in missing)}, or name the "
            "experiment <module>_<version>_<model>",
        )
    dataset = metadata.get(keys.dataset_version)
    dataset_version = dataset if isinstance(dataset, str) and dataset else options.dataset_version
    found = Identity(
        module_id=module_id,
        module_name=metadata.get(keys.module_name)
        if isinstance(metadata.get(keys.module_name), str)
        else None,
        prompt_version=version,
        model=model,
        dataset_version=dataset_version or DEFAULT_DATASET_VERSION,
    )
    return _checked_identity(name, found)


def _key_of(keys: MetadataKeys, label: str) -> str:
    return {"module": keys.module, "prompt version": keys.prompt_version, "model": keys.model}[label]


def _checked_identity(name: str, found: Identity) -> Identity | Skipped:
    checks = (
        ("module", found.module_id, MODULE_ID_PATTERN),
        ("prompt version", found.prompt_version, VERSION_PATTERN),
        ("dataset version", found.dataset_version, VERSION_PATTERN),
    )
    for label, value, pattern in checks:
        if not re.match(pattern, value):
            return Skipped(name, f"{label} {short_repr(value)} is not a valid id (letters, digits, . _ -)")
    if not model_slug(found.model):
        return Skipped(name, f"model {short_repr(found.model)} needs a letter or digit")
    return found


def web_url(org: str, project: str, name: str) -> str:
    """The experiment's page built from its parts, each URL-encoded (when ``summarize`` names none)."""
    return WEB_URL.format(org=quote(org, safe=""), project=quote(project, safe=""), name=quote(name, safe=""))


def experiment_run(
    experiment: Mapping[str, Any],
    who: Identity,
    events: list[dict[str, Any]],
    *,
    project: str,
    url: str | None,
    options: BraintrustOptions,
    lookup: ModuleLookup,
    api_url: str,
) -> ParsedRun | Skipped:
    """The run of one experiment (or why it is skipped: its module does not exist and no name is given)."""
    where = f"{api_url}/v1/experiment/{experiment['id']}/fetch"
    name = str(experiment.get("name") or experiment["id"])
    module = lookup(who.module_id)
    if module is None and not who.module_name:
        return Skipped(
            name,
            f"module {who.module_id} does not exist yet: set metadata {options.metadata_keys.module_name} to "
            "create it, or import a judge file of it first",
        )
    rows = newest_rows(events, where)
    samples = tuple(_sample(root, spans, options, where) for root, spans in sorted(traces(rows).items()))
    if not samples:
        return Skipped(name, "no events (nothing was logged to it yet)")
    primary = module.primary_rubric if module else None
    metrics, rubrics = aggregate_samples(samples, primary)
    timestamp = _created(experiment, api_url)
    experiment_id_ = str(experiment["id"])
    run = Experiment(
        id=_experiment_id(who, timestamp),
        prompt_version=who.prompt_version,
        dataset_version=who.dataset_version,
        model=who.model,
        timestamp=timestamp,
        metrics=metrics,
        rubrics=rubrics,
        braintrust_url=url,
        braintrust_id=experiment_id_,
        source=Source(file=name, sha256=_content_sha(experiment, rows), format=FORMAT),
        run_link=RunLink(url=url, kind=RunLinkKind.BRAINTRUST) if url else None,
        external_id=f"braintrust:{experiment_id_}",
    )
    return ParsedRun(
        Path(f"braintrust:{project}/{name}"),
        who.module_id,
        who.module_name,
        None,
        run,
        samples,
        create_hint=f"set metadata {options.metadata_keys.module_name} to create it",
    )


def _experiment_id(who: Identity, timestamp: datetime) -> str:
    return experiment_id(who.module_id, who.prompt_version, who.model, timestamp)


def _created(experiment: Mapping[str, Any], api_url: str) -> datetime:
    created = experiment.get("created")
    try:
        return datetime.fromisoformat(parse_timestamp(created))
    except (TypeError, ValueError):
        raise BraintrustError(
            f"experiment {experiment.get('id')}: created must be an ISO 8601 time, got {short_repr(created)}",
            url=f"{api_url}/v1/experiment",
        ) from None


# ---------------------------------------------------------------------------------------------- events


def newest_rows(events: list[dict[str, Any]], where: str) -> dict[str, dict[str, Any]]:
    """The newest version of each row (by ``_xact_id``, a number as text), deletes dropped."""
    newest: dict[str, dict[str, Any]] = {}
    for index, row in enumerate(events):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise BraintrustError(f"events[{index}].id: required text is missing", url=where)
        xact = _xact(row, index, where)
        kept = newest.get(row["id"])
        if kept is None or xact > _xact(kept, index, where):
            newest[row["id"]] = row
    return {key: row for key, row in newest.items() if not row.get("_object_delete")}


def _xact(row: dict[str, Any], index: int, where: str) -> int:
    value = row.get("_xact_id")
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BraintrustError(
            f"events[{index}]._xact_id: must be a transaction id (digits), got {short_repr(value)}", url=where
        ) from None


def traces(rows: Mapping[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows grouped by trace (``root_span_id``; a row without one is a trace of its own)."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row_id, row in sorted(rows.items()):
        root = row.get("root_span_id")
        grouped[root if isinstance(root, str) and root else row_id].append(row)
    return grouped


def _is_scorer(span: Mapping[str, Any]) -> bool:
    attributes = span.get("span_attributes")
    return isinstance(attributes, dict) and attributes.get("type") == "score"


def _is_root(span: Mapping[str, Any], root_id: str) -> bool:
    return span.get("is_root") is True or span.get("span_id") == root_id


def _sample(
    root_id: str, spans: list[dict[str, Any]], options: BraintrustOptions, where: str
) -> SampleVerdict:
    scores = _merged_scores(spans, where)
    rubrics = {
        name: (None if value is None else value >= options.threshold(name))
        for name, value in sorted(scores.items())
    }
    errored = any(
        _is_root(s, root_id) and not _is_scorer(s) and s.get("error") not in (None, "") for s in spans
    )
    judged = [passed for passed in rubrics.values() if passed is not None]
    if errored or not judged:
        verdict = Verdict.ERROR
    else:
        verdict = Verdict.PASS if all(judged) else Verdict.FAIL
    return SampleVerdict(root_id, verdict, rubrics)


def _merged_scores(spans: list[dict[str, Any]], where: str) -> dict[str, float | None]:
    merged: dict[str, float | None] = {}
    for span in spans:
        scores = span.get("scores")
        if scores is None:
            continue
        if not isinstance(scores, dict):
            raise BraintrustError(f"row {span.get('id')}: scores must be a JSON object", url=where)
        for name, value in scores.items():
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1
            ):
                raise BraintrustError(
                    f"row {span.get('id')}: scores.{name} must be a number 0-1 or null, got {short_repr(value)}",
                    url=where,
                )
            if value is None:
                merged.setdefault(name, None)
            else:
                current = merged.get(name)
                merged[name] = float(value) if current is None else min(current, float(value))
    return merged


def _content_sha(experiment: Mapping[str, Any], rows: Mapping[str, dict[str, Any]]) -> str:
    """A digest of what the run was read from (the experiment and its newest rows), in a fixed order: the same
    answer gives the same bytes, so pulling twice writes nothing."""
    content = {
        "experiment": {k: experiment.get(k) for k in ("id", "name", "created", "metadata")},
        "rows": [rows[key] for key in sorted(rows)],
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()

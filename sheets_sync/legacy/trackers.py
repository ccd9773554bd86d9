"""The two legacy trackers read into legacy modules, runs and suggestions, with everything worth telling listed.

Pure apart from reading the two files (:func:`read_progress_yaml`, :func:`read_modules_js`). Every value is read
by the rules of :mod:`sheets_sync.legacy.values`; a value that breaks them is a :class:`LegacyInputError` naming
the file and the field (``progress_history.yaml: modules.m01.runs[2].pass_rate: '1' is ambiguous ...``).

Shapes (docs/data.md has examples):

* ``progress_history.yaml``: ``modules: {<id>: {name, description, primary_rubric, runs: [...], suggestions:
  [...]}}``; other top-level keys (anchor holders such as ``defaults: &defaults``) are not read, and listed.
* ``modules_data.js``: one object literal keyed by module id, each ``{name, description, primaryRubric, versions:
  {v1: {model, passRate, matchRate, date, dataset, btLink, suggestions, allModels}}}``; ``allModels`` maps
  model -> pass rate, one run per model on the version's date. camelCase and snake_case keys are the same key.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from sheets_sync.legacy.errors import Duplicate, LegacyInputError
from sheets_sync.legacy.jsliteral import parse_js
from sheets_sync.legacy.values import (
    Rate,
    RateKind,
    counts_for,
    read_count,
    read_fraction,
    read_priority,
    read_rate,
    read_status,
    read_timestamp,
    read_version,
)
from sheets_sync.legacy.yamlfile import load_yaml
from sheets_sync.models import MODULE_ID_PATTERN, Priority, RubricResult, Status

MAX_TRACKER_BYTES = 16 * 1024 * 1024
"""A hand-kept tracker is kilobytes; anything this large is the wrong file."""


class Origin(StrEnum):
    YAML = "legacy-yaml"
    JS = "legacy-js"


@dataclass(frozen=True)
class Finding:
    """Something the report lists: a value read as a fraction, a model spelling mapped, a duplicate key..."""

    kind: str
    where: str
    text: str


@dataclass(frozen=True, kw_only=True)
class LegacyRun:
    """One run as a tracker states it (rates read, model spelling not yet mapped)."""

    origin: Origin
    where: str
    module_id: str
    prompt_version: str
    model: str
    timestamp: datetime
    dataset_version: str = "v1"
    judge_model: str | None = None
    n: int | None = None
    errors: int | None = None
    pass_rate: Rate | None = None
    no_result: str | None = None
    """The text of a pass rate that means no result (``~70%``, ``tbd``): the run is skipped and listed."""
    match_rate: Rate | None = None
    rubrics: dict[str, RubricResult] = field(default_factory=dict)
    braintrust_url: str | None = None
    braintrust_id: str | None = None
    data_source: str | None = None
    notes: str | None = None


@dataclass(frozen=True, kw_only=True)
class LegacySuggestion:
    origin: Origin
    where: str
    version: str | None = None
    rubric: str | None = None
    issue: str = ""
    suggestion: str = ""
    priority: Priority | None = None
    status: Status = Status.PROPOSED
    applied_in: str | None = None
    legacy_id: str | None = None
    """The tracker's own id, named in the report next to the mirror's new id."""

    def text_key(self) -> str:
        """What makes two suggestions the same: their text, ignoring case and spacing."""
        return " ".join((self.suggestion or self.issue).split()).casefold()


@dataclass(kw_only=True)
class LegacyModule:
    origin: Origin
    module_id: str
    written_id: str
    name: str | None = None
    description: str | None = None
    primary_rubric: str | None = None
    runs: list[LegacyRun] = field(default_factory=list)
    suggestions: list[LegacySuggestion] = field(default_factory=list)


@dataclass
class Tracker:
    """One tracker file read: its modules (by lower-cased id) and what to list about it."""

    path: Path
    origin: Origin
    sha256: str
    modules: dict[str, LegacyModule] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------ fields

RUN_FIELDS = {
    Origin.YAML: {
        "version", "date", "time", "model", "dataset", "judge", "n", "errors", "pass_rate", "match_rate",
        "rubrics", "braintrust", "braintrust_id", "data_source", "suggestions", "notes",
    },
    Origin.JS: {
        "model", "pass_rate", "match_rate", "date", "time", "dataset", "bt_link", "braintrust", "braintrust_id",
        "suggestions", "all_models", "judge", "n", "errors", "rubrics", "data_source", "notes",
    },
}  # fmt: skip
MODULE_FIELDS = {
    Origin.YAML: {"name", "description", "primary_rubric", "runs", "suggestions"},
    Origin.JS: {"name", "description", "primary_rubric", "versions", "suggestions"},
}
SUGGESTION_FIELDS = {
    "id",
    "version",
    "rubric",
    "issue",
    "suggestion",
    "text",
    "priority",
    "status",
    "applied_in",
}
"""``id``: the tracker's own id of a suggestion; the mirror gives it its own ``<module>-s<N>``."""


def snake_key(key: str) -> str:
    """``passRate`` -> ``pass_rate``, ``btLink`` -> ``bt_link``; snake_case stays."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


class _Reader:
    """Reads one tracker's parsed content; every error names the file and the field."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker

    @property
    def path(self) -> Path:
        return self.tracker.path

    def error(self, where: str, message: str) -> LegacyInputError:
        return LegacyInputError(message, path=self.path, json_path=where)

    def note(self, kind: str, where: str, text: str) -> None:
        self.tracker.findings.append(Finding(kind, f"{self.path.name}: {where}", text))

    def mapping(self, value: object, where: str, known: set[str] | None = None) -> dict[str, Any]:
        """An object with snake_case keys (a key written in both spellings: the last one, listed)."""
        if not isinstance(value, Mapping):
            raise self.error(where, f"must be a mapping (key: value), got {type(value).__name__}")
        result: dict[str, Any] = {}
        for raw_key, item in value.items():
            key = snake_key(str(raw_key)) if known is not None else str(raw_key)
            if known is not None and key not in known:
                allowed = ", ".join(sorted(known))
                raise self.error(f"{where}.{raw_key}", f"unknown field (known: {allowed})")
            if key in result:
                self.note(
                    "duplicate key",
                    where,
                    f"{key!r} given twice ({result[key]!r}, then {item!r}); the last is used",
                )
            result[key] = item
        return result

    def read(self, where: str, reader: Callable[[Any], T], value: Any) -> T:
        try:
            return reader(value)
        except ValueError as exc:
            raise self.error(where, str(exc)) from None

    def text(self, value: object, where: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, Mapping | list):
            raise self.error(where, "must be text")
        return str(value).strip() or None

    def rate(self, value: object, where: str) -> Rate | None:
        found = self.read(where, read_rate, value)
        if found is not None and found.kind is RateKind.FRACTION:
            self.note("fraction", where, f"{found.text} read as a fraction: {found.percent:g}%")
        return found

    # ---------------------------------------------------------------------------------------- modules

    def module_id(self, written: object, where: str) -> str:
        module_id = str(written).strip().lower()
        if not re.fullmatch(MODULE_ID_PATTERN, module_id):
            raise self.error(where, f"{written!r} is not a module id (letters, digits, '_' and '-')")
        return module_id

    def add_module(self, written: object, where: str) -> LegacyModule:
        module_id = self.module_id(written, where)
        modules = self.tracker.modules
        if module_id in modules:
            first = modules[module_id].written_id
            raise self.error(
                where, f"module {written!r} is given twice (also as {first!r}); merge the two entries"
            )
        module = LegacyModule(origin=self.tracker.origin, module_id=module_id, written_id=str(written))
        modules[module_id] = module
        return module

    def module_fields(self, module: LegacyModule, fields: dict[str, Any], where: str) -> None:
        module.name = self.text(fields.get("name"), f"{where}.name")
        module.description = self.text(fields.get("description"), f"{where}.description")
        module.primary_rubric = self.text(fields.get("primary_rubric"), f"{where}.primary_rubric")

    # ---------------------------------------------------------------------------------------- rubrics

    def rubrics(self, value: object, where: str, n: int | None) -> dict[str, RubricResult]:
        if value is None:
            return {}
        items: list[tuple[str, Any, str]] = []
        if isinstance(value, list):
            for index, item in enumerate(value):
                items += self._rubric_list_item(item, f"{where}[{index}]")
        else:
            items = [(str(k), v, f"{where}.{k}") for k, v in self.mapping(value, where).items()]
        results = {}
        for name, item, item_where in items:
            if not name.strip():
                raise self.error(item_where, "a rubric needs a name")
            results[name.strip()] = self._rubric(item, item_where, n)
        return results

    def _rubric_list_item(self, item: object, where: str) -> list[tuple[str, Any, str]]:
        if isinstance(item, Mapping):
            return [(str(k), v, f"{where}.{k}") for k, v in item.items()]
        name, colon, counts = str(item).rpartition(":")
        if not colon:
            raise self.error(where, f"{item!r} is not a rubric like 'name: 19/50'")
        return [(name, counts, where)]

    def _rubric(self, item: object, where: str, n: int | None) -> RubricResult:
        if isinstance(item, Mapping):
            counts = self.mapping(item, where, {"pass", "fail", "total", "error", "errors"})
            passed = self.read(f"{where}.pass", read_count, counts.get("pass"))
            fail = self.read(f"{where}.fail", read_count, counts.get("fail"))
            total = self.read(f"{where}.total", read_count, counts.get("total"))
            if passed is None or (fail is None and total is None):
                raise self.error(where, "give pass and fail (or pass and total)")
            total = total if total is not None else passed + (fail or 0)
            return self._rubric_result(passed, total, where)
        if "/" in str(item):
            return self._rubric_result(*self.read(where, read_fraction, item), where)
        stated = self.rate(item, where)
        passed_count = counts_for(stated.percent, n) if stated is not None and n else None
        if stated is None or passed_count is None or n is None:
            raise self.error(where, f"{item!r} has no counts: write it as pass/total, e.g. 19/50")
        return self._rubric_result(passed_count, n, where)

    def _rubric_result(self, passed: int, total: int, where: str) -> RubricResult:
        try:
            return RubricResult.from_counts(passed, total)
        except ValidationError:
            raise self.error(where, f"{passed}/{total} is not a count (pass more than total)") from None

    # ---------------------------------------------------------------------------------------- suggestions

    def suggestions(self, value: object, where: str, version: str | None) -> list[LegacySuggestion]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(where, "must be a list of suggestions")
        return [self._suggestion(item, f"{where}[{i}]", version) for i, item in enumerate(value)]

    def _suggestion(self, item: object, where: str, version: str | None) -> LegacySuggestion:
        origin = self.tracker.origin
        if not isinstance(item, Mapping):
            text = self.text(item, where)
            if not text:
                raise self.error(where, "an empty suggestion")
            return LegacySuggestion(
                origin=origin, where=f"{self.path.name}: {where}", version=version, suggestion=text
            )
        fields = self.mapping(item, where, SUGGESTION_FIELDS)
        text = self.text(fields.get("suggestion"), f"{where}.suggestion") or self.text(
            fields.get("text"), f"{where}.text"
        )
        issue = self.text(fields.get("issue"), f"{where}.issue") or ""
        if not text and not issue:
            raise self.error(where, "a suggestion needs its text (suggestion) or an issue")
        status, applied_in = self.read(f"{where}.status", read_status, fields.get("status"))
        if fields.get("applied_in") is not None:
            applied_in = self.read(f"{where}.applied_in", read_version, fields["applied_in"])
        own_version = fields.get("version")
        return LegacySuggestion(
            origin=origin,
            where=f"{self.path.name}: {where}",
            version=self.read(f"{where}.version", read_version, own_version) if own_version else version,
            rubric=self.text(fields.get("rubric"), f"{where}.rubric"),
            issue=issue,
            suggestion=text or "",
            priority=self.read(f"{where}.priority", read_priority, fields.get("priority")),
            status=status,
            applied_in=applied_in,
            legacy_id=self.text(fields.get("id"), f"{where}.id"),
        )

    # ---------------------------------------------------------------------------------------- runs

    def run(self, module: LegacyModule, fields: dict[str, Any], where: str, version: str) -> LegacyRun:
        """A run from its fields (YAML run or JS version entry, both snake_cased)."""
        model = self.text(fields.get("model"), f"{where}.model")
        if not model:
            raise self.error(f"{where}.model", "a run needs its model")
        if fields.get("date") is None:
            raise self.error(f"{where}.date", "a run needs its date")
        timestamp = self.read(
            f"{where}.date", lambda v: read_timestamp(v, fields.get("time")), fields["date"]
        )
        n = self.read(f"{where}.n", read_count, fields.get("n"))
        raw_pass = fields.get("pass_rate")
        pass_rate = self.rate(raw_pass, f"{where}.pass_rate")
        dataset = fields.get("dataset")
        return LegacyRun(
            origin=self.tracker.origin,
            where=f"{self.path.name}: {where}",
            module_id=module.module_id,
            prompt_version=version,
            model=model,
            timestamp=timestamp,
            dataset_version=self.read(f"{where}.dataset", read_version, dataset) if dataset else "v1",
            judge_model=self.text(fields.get("judge"), f"{where}.judge"),
            n=n,
            errors=self.read(f"{where}.errors", read_count, fields.get("errors")),
            pass_rate=pass_rate,
            no_result=None if pass_rate is not None else str(raw_pass if raw_pass is not None else "nothing"),
            match_rate=self.rate(fields.get("match_rate"), f"{where}.match_rate"),
            rubrics=self.rubrics(fields.get("rubrics"), f"{where}.rubrics", n),
            braintrust_url=self.text(
                fields.get("braintrust") or fields.get("bt_link"), f"{where}.braintrust"
            ),
            braintrust_id=self.text(fields.get("braintrust_id"), f"{where}.braintrust_id"),
            data_source=self.text(fields.get("data_source"), f"{where}.data_source"),
            notes=self.text(fields.get("notes"), f"{where}.notes"),
        )


T = TypeVar("T")


# ------------------------------------------------------------------------------------------------ the files


def _read_text(path: Path) -> tuple[str, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LegacyInputError(f"cannot read: {exc.strerror}", path=path) from None
    if len(data) > MAX_TRACKER_BYTES:
        raise LegacyInputError(
            f"file is {len(data):,} bytes, more than the {MAX_TRACKER_BYTES:,} allowed", path=path
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LegacyInputError(f"not UTF-8 text (byte {exc.start})", path=path) from None
    return text, hashlib.sha256(data).hexdigest()


def _duplicate_findings(tracker: Tracker, duplicates: list[Duplicate]) -> None:
    tracker.findings += [
        Finding("duplicate key", f"{d.path.name}:{d.line}", d.describe()) for d in duplicates
    ]


def read_progress_yaml(path: Path) -> Tracker:
    text, sha = _read_text(path)
    document, duplicates = load_yaml(text, path)
    tracker = Tracker(path, Origin.YAML, sha)
    _duplicate_findings(tracker, duplicates)
    reader = _Reader(tracker)
    if not isinstance(document, Mapping):
        raise LegacyInputError("not a mapping: expected 'modules:' at the top", path=path)
    if "modules" not in document:
        raise LegacyInputError("no 'modules:' mapping at the top", path=path, json_path="modules")
    for key in document:
        if key != "modules":
            tracker.findings.append(
                Finding("not read", f"{path.name}: {key}", "top-level key other than modules")
            )
    modules = document["modules"] or {}
    for written, entry in reader.mapping(modules, "modules").items():
        where = f"modules.{written}"
        module = reader.add_module(written, where)
        fields = reader.mapping(entry or {}, where, MODULE_FIELDS[Origin.YAML])
        reader.module_fields(module, fields, where)
        runs = fields.get("runs") or []
        if not isinstance(runs, list):
            raise reader.error(f"{where}.runs", "must be a list of runs")
        for index, run in enumerate(runs):
            run_where = f"{where}.runs[{index}]"
            run_fields = reader.mapping(run, run_where, RUN_FIELDS[Origin.YAML])
            if run_fields.get("version") is None:
                raise reader.error(f"{run_where}.version", "a run needs its prompt version")
            version = reader.read(f"{run_where}.version", read_version, run_fields["version"])
            module.runs.append(reader.run(module, run_fields, run_where, version))
            module.suggestions += reader.suggestions(
                run_fields.get("suggestions"), f"{run_where}.suggestions", version
            )
        module.suggestions += reader.suggestions(fields.get("suggestions"), f"{where}.suggestions", None)
    return tracker


def data_object(assignments: Mapping[str, Any], path: Path) -> tuple[str, Mapping[str, Any]]:
    """The assignment holding the modules: the one object whose entries have ``versions``."""
    candidates: list[tuple[str, Mapping[str, Any]]] = []
    for name, value in assignments.items():
        is_modules = (
            isinstance(value, Mapping)
            and bool(value)
            and all(isinstance(v, Mapping) and "versions" in v for v in value.values())
        )
        # ``module.exports = MODULES_DATA`` names the same object again: one candidate.
        if is_modules and not any(value is seen for _, seen in candidates):
            candidates.append((name, value))
    if len(candidates) != 1:
        found = "none" if not candidates else ", ".join(name for name, _ in candidates)
        raise LegacyInputError(
            f"expected one object of modules (each with versions), found {found}", path=path
        )
    return candidates[0]


def read_modules_js(path: Path) -> Tracker:
    text, sha = _read_text(path)
    parsed = parse_js(text, path)
    tracker = Tracker(path, Origin.JS, sha)
    _duplicate_findings(tracker, parsed.duplicates)
    reader = _Reader(tracker)
    name, data = data_object(parsed.assignments, path)
    for written, entry in data.items():
        where = f"{name}.{written}"
        module = reader.add_module(written, where)
        fields = reader.mapping(entry, where, MODULE_FIELDS[Origin.JS])
        reader.module_fields(module, fields, where)
        versions = reader.mapping(fields.get("versions") or {}, f"{where}.versions")
        for written_version, version_entry in versions.items():
            version_where = f"{where}.versions.{written_version}"
            version = reader.read(version_where, read_version, written_version)
            run_fields = reader.mapping(version_entry, version_where, RUN_FIELDS[Origin.JS])
            module.runs += _js_runs(reader, module, run_fields, version_where, version)
            module.suggestions += reader.suggestions(
                run_fields.get("suggestions"), f"{version_where}.suggestions", version
            )
        module.suggestions += reader.suggestions(fields.get("suggestions"), f"{where}.suggestions", None)
    return tracker


def _js_runs(
    reader: _Reader, module: LegacyModule, fields: dict[str, Any], where: str, version: str
) -> list[LegacyRun]:
    """The version's own run (when it names a model), then one run per other model of ``allModels`` (same date).

    ``allModels`` maps model -> pass rate (or -> ``{passRate, matchRate, ...}``). The version's own model in it is
    the same run: its pass rate is used when the version has none, and a different one is listed.
    """
    others = reader.mapping(fields.get("all_models") or {}, f"{where}.allModels")
    stated = {
        str(model).strip(): _all_models_entry(reader, value, f"{where}.allModels.{model}")
        for model, value in others.items()
    }
    main_model = reader.text(fields.get("model"), f"{where}.model")
    runs = []
    if main_model is not None or not stated:
        own = stated.pop(main_model, None) if main_model else None
        if own is not None and fields.get("pass_rate") is None:
            fields = {**own, **{k: v for k, v in fields.items() if v is not None}}
        runs.append(reader.run(module, fields, where, version))
        if own is not None:
            _check_same(reader, runs[0], own, f"{where}.allModels.{main_model}")
    base = {k: fields.get(k) for k in ("date", "time", "dataset", "judge")}
    for model, own_fields in stated.items():
        run_fields = {**base, **own_fields, "model": model}
        runs.append(reader.run(module, run_fields, f"{where}.allModels.{model}", version))
    return runs


def _all_models_entry(reader: _Reader, value: object, where: str) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return reader.mapping(value, where, RUN_FIELDS[Origin.JS])
    return {"pass_rate": value}


def _check_same(reader: _Reader, run: LegacyRun, own: Mapping[str, Any], where: str) -> None:
    stated = reader.rate(own.get("pass_rate"), f"{where}.pass_rate")
    main = run.pass_rate
    if stated is not None and main is not None and abs(stated.percent - main.percent) > 0.05:
        reader.note(
            "disagreement",
            where,
            f"{stated.percent:g}% here, {main.percent:g}% in passRate; passRate is used",
        )

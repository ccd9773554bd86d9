"""The data model of the local mirror: one :class:`Module` per ``data/modules/<module_id>.json``.

Pure: pydantic models and small deterministic helpers, no I/O. Field order here is the key order on disk.

Rates are percentages 0..100 with one decimal, rounded half-up from the counts (:func:`rate`). A rate with nothing
to divide by (no samples, no primary rubric) is ``None`` (JSON ``null``), never 0. A stored rate is accepted within
``RATE_TOLERANCE`` of the recomputed value so hand edits are not brittle, and is then replaced by the recomputed
value, so the output is always consistent with the counts. An absent or null rate is computed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationError,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import CoreSchema, core_schema

from sheets_sync.versions import natural_key

SCHEMA_VERSION = 1
RATE_TOLERANCE = 0.05 + 1e-9
MODULE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
SUGGESTION_ID = re.compile(r"^(?P<module>.+)-s(?P<n>[1-9][0-9]*)$")

Problem = tuple[str, str]
"""A (JSON path, message) pair, e.g. ``("experiments[3].metrics.pass", "...")``."""

RubricName = Annotated[str, StringConstraints(min_length=1)]
"""A rubric's name, the key of ``rubrics`` objects: any non-empty text."""


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Status(StrEnum):
    PROPOSED = "proposed"
    IN_PROGRESS = "in_progress"
    APPLIED = "applied"
    REJECTED = "rejected"


class FieldPathError(ValueError):
    """A ValueError raised by a model-level validator that knows which field (relative path) is wrong."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        self.path = path
        super().__init__(message)


class ModelProblems(ValueError):
    """Several FieldPathErrors of one model, raised together so ``validate`` can list every one of them."""

    def __init__(self, errors: list[FieldPathError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


# --------------------------------------------------------------------------------------------------- helpers


def rate(passed: int, total: int) -> float | None:
    """100 * passed / total, rounded half-up to one decimal; None when total is 0.

    Exact integer arithmetic, not ``round()``: floats round half to even on the binary value
    (``round(12.25, 1) == 12.2``), and Decimal is ten times slower on the 160,000 rubrics ``index`` checks.
    """
    if total == 0:
        return None
    tenths = (2000 * passed + total) // (2 * total)  # floor(1000 * passed / total + 1/2): half-up
    return tenths / 10  # int / int is correctly rounded: the float nearest the one-decimal value


def model_slug(model: str) -> str:
    """``gpt-4o-mini`` -> ``gpt4omini``: lower-cased, every non-alphanumeric character removed."""
    return re.sub(r"[^a-z0-9]", "", model.lower())


def experiment_id(module_id: str, prompt_version: str, model: str, timestamp: datetime) -> str:
    """``<module>_<version>_<model slug>_<YYYYMMDD>`` (the timestamp's own date, whatever its zone)."""
    return f"{module_id}_{prompt_version}_{model_slug(model)}_{timestamp:%Y%m%d}"


def timestamp_key(timestamp: datetime) -> datetime:
    """A naive UTC datetime to order timestamps that may mix zones (naive ones are taken as UTC).

    Python refuses to compare aware and naive datetimes; judge files of one module may well mix them.
    """
    if timestamp.tzinfo is None:
        return timestamp
    return timestamp.astimezone(UTC).replace(tzinfo=None)


def parse_timestamp(value: Any) -> Any:
    """Before-validator of timestamps: ISO 8601 text only (a zone, if given, is kept); pydantic then parses it.

    Numbers (and digit-only text) are refused: epoch seconds or milliseconds would be a guess.
    """
    if isinstance(value, datetime) or (isinstance(value, str) and not value.strip().isdigit()):
        return value
    # ValueError, not TypeError: pydantic only turns ValueError into a validation error with a JSON path.
    raise ValueError(f"must be an ISO 8601 text like 2026-01-20T00:31:46, got {short_repr(value)}")


def format_timestamp(timestamp: datetime) -> str:
    """ISO 8601 as Python writes it, with the zone as given (``+00:00``, not pydantic's ``Z``), everywhere."""
    return timestamp.isoformat()


def suggestion_number(suggestion_id: str) -> int | None:
    match = SUGGESTION_ID.match(suggestion_id)
    return int(match["n"]) if match else None


def suggestion_order(suggestion_id: str) -> tuple[int, str]:
    """The one order of suggestions in the module files, the pages and the CLI: by number, then by id."""
    return (suggestion_number(suggestion_id) or 0, suggestion_id)


def rubric_order(names: Iterable[str], primary: str | None) -> list[str]:
    """The one rubric order of every surface: the primary rubric first, then the others in natural order
    (``r2`` before ``r10``)."""
    distinct = set(names)
    first = [primary] if primary in distinct else []
    return first + sorted(distinct - set(first), key=natural_key)


def format_json_path(loc: tuple[str | int, ...]) -> str:
    """``('experiments', 3, 'metrics', 'pass')`` -> ``experiments[3].metrics.pass``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


# pydantic's wording for the few errors users meet most, rephrased for people editing JSON by hand.
_FRIENDLY_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (not part of the format; check the spelling)",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "list_type": "must be a JSON array",
}


def describe_validation_error(error: ValidationError) -> list[Problem]:
    """Every problem of a ValidationError as (json path, message) pairs, in order."""
    problems: list[Problem] = []
    for item in error.errors():
        loc = tuple(item["loc"])
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, ModelProblems):
            problems += [(format_json_path(loc + e.path), str(e)) for e in cause.errors]
        elif isinstance(cause, FieldPathError):
            problems.append((format_json_path(loc + cause.path), str(cause)))
        elif len(loc) >= 2 and loc[-1] == "[key]":  # a bad key of an object, e.g. an empty rubric name
            problems.append((format_json_path(loc[:-2]), f"key {short_repr(loc[-2])}: {_message(item)}"))
        else:
            problems.append((format_json_path(loc), _message(item)))
    return problems


def _message(item: Any) -> str:
    friendly = _FRIENDLY_MESSAGES.get(item["type"])
    if friendly:
        return friendly
    if item["type"] == "string_too_short" and (item.get("ctx") or {}).get("min_length") == 1:
        return "must not be empty"
    message = str(item["msg"]).removeprefix("Value error, ").replace("Invalid JSON", "invalid JSON")
    if item["type"].endswith(("_type", "_parsing")) and "input" in item:
        message += f", got {short_repr(item['input'])}"
    return message


def short_repr(value: Any, limit: int = 40) -> str:
    """``repr`` cut to ``limit`` characters, so a one-line error stays one short line whatever the input."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def checked_rate(stored: float | None, passed: int, total: int, field: str) -> float | None:
    """The recomputed rate, after checking a stored one against it (null or absent means: compute it).

    Raises :class:`FieldPathError` on ``(field,)`` when the stored rate is off by more than ``RATE_TOLERANCE``.
    """
    expected = rate(passed, total)
    if stored == expected or stored is None:
        return expected
    if expected is None:
        raise FieldPathError(
            (field,), f"must be null when there is nothing to divide by (total 0), got {stored}"
        )
    if abs(stored - expected) > RATE_TOLERANCE:
        raise FieldPathError((field,), f"{stored} does not match {passed}/{total} = {expected}")
    return expected


def rubric_total_errors(rubrics: dict[str, RubricResult], total: int) -> list[FieldPathError]:
    """A rubric judged on more samples than the run has is a miscount (null values only make it fewer)."""
    return [
        FieldPathError(
            ("rubrics", name, "total"), f"{result.total} is more than the run's total of {total} samples"
        )
        for name, result in rubrics.items()
        if result.total > total
    ]


class StrictModel(BaseModel):
    """Base of every file model: unknown keys are errors (a typo must not silently become a default)."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, validate_assignment=False, allow_inf_nan=False
    )


@dataclass(frozen=True)
class NullIsDefault:
    """``Annotated`` marker: JSON ``null`` is read as the field's default, e.g. ``Annotated[str, NullIsDefault(str)]``.

    ("Optional values may be absent or null on input; output is consistent.") Built into the core schema as
    nullable + an after-validator, not as a before-validator: a before-validator makes pydantic turn the JSON of
    the field into Python objects first and validate those, which made loading 500 modules 50% slower.
    """

    factory: Callable[[], Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        factory = self.factory
        return core_schema.no_info_after_validator_function(
            lambda value: factory() if value is None else value, core_schema.nullable_schema(handler(source))
        )


# --------------------------------------------------------------------------------------------------- models


class RubricResult(StrictModel):
    """One rubric of one experiment: how many judged samples passed it."""

    # Counts and rates are strict: JSON "15" or true where a number belongs is a hand-editing mistake to report,
    # not something to coerce (pydantic's lax mode would read true as 1).
    passed: int = Field(alias="pass", ge=0, strict=True)
    total: int = Field(
        description="Samples on which the rubric was judged (null values left out).", ge=0, strict=True
    )
    rate: float | None = Field(
        default=None, description="100*pass/total, null when total is 0.", ge=0, le=100, strict=True
    )

    @model_validator(mode="after")
    def _consistent(self) -> RubricResult:
        if self.passed > self.total:
            raise FieldPathError(("pass",), f"{self.passed} is more than total {self.total}")
        expected = checked_rate(self.rate, self.passed, self.total, "rate")
        if expected != self.rate:
            self.rate = expected
        return self

    @classmethod
    def from_counts(cls, passed: int, total: int) -> RubricResult:
        return cls(passed=passed, total=total, rate=rate(passed, total))


class Metrics(StrictModel):
    """Sample-level outcome of one experiment. Errors count as not passing.

    A run known only by its rates (a legacy tracker's "58.4% of 49 samples", a mean of reruns) is ``reported``:
    its rates are kept as stated, ``pass`` and ``fail`` are null (no count is made up), ``total`` is the stated
    sample count or null. Such a run has no interval and no significance test; every view says so.
    """

    pass_rate: float | None = Field(default=None, description="100*pass/total.", ge=0, le=100, strict=True)
    match_rate: float | None = Field(
        default=None, description="The primary rubric's rate; null without one.", ge=0, le=100, strict=True
    )
    total: int | None = Field(ge=0, strict=True, description="Samples; null only in a reported run.")
    passed: int | None = Field(alias="pass", ge=0, strict=True, description="Null only in a reported run.")
    fail: int | None = Field(ge=0, strict=True, description="Null only in a reported run.")
    error: Annotated[int, NullIsDefault(int)] = Field(default=0, ge=0, strict=True)
    reported: bool = Field(
        default=False,
        strict=True,
        exclude_if=lambda value: not value,
        description="True: the rates are reported (as stated by a legacy tracker), not counted; no pass/fail.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Metrics:
        if self.reported:
            return self._reported_consistent()
        if self.total is None or self.passed is None or self.fail is None:
            missing = next(
                n for n, v in (("total", self.total), ("pass", self.passed), ("fail", self.fail)) if v is None
            )
            raise FieldPathError((missing,), "must be a count (only a reported run has no counts)")
        if self.passed + self.fail + self.error != self.total:
            raise FieldPathError(
                ("pass",),
                f"pass + fail + error = {self.passed} + {self.fail} + {self.error} "
                f"= {self.passed + self.fail + self.error}, not total {self.total}",
            )
        expected = checked_rate(self.pass_rate, self.passed, self.total, "pass_rate")
        if expected != self.pass_rate:
            self.pass_rate = expected
        return self

    def _reported_consistent(self) -> Metrics:
        for name, value in (("pass", self.passed), ("fail", self.fail)):
            if value is not None:
                raise FieldPathError((name,), "must be null in a reported run (its rates are not counted)")
        if self.pass_rate is None:
            raise FieldPathError(("pass_rate",), "a reported run needs its reported pass rate")
        return self

    def counts(self) -> tuple[int, int] | None:
        """(passed, total) of a counted run; None for a reported one (no interval, no test)."""
        if self.reported or self.passed is None or self.total is None:
            return None
        return self.passed, self.total


class Source(StrictModel):
    """The file an experiment was imported from."""

    file: str = Field(description="File name (no directories), as imported.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    format: str = Field(default="judge", description="Importer that read it: judge, judge-aggregate, ...")


class RunLinkKind(StrEnum):
    """What a run link points to; its label on every surface comes from :data:`RUN_LINK_LABELS`."""

    PROMPTFOO = "promptfoo"
    BRAINTRUST = "braintrust"
    OTHER = "other"


RUN_LINK_LABELS = {
    RunLinkKind.PROMPTFOO: "open in promptfoo",
    RunLinkKind.BRAINTRUST: "open in Braintrust",
    RunLinkKind.OTHER: "open run",
}


class RunLink(StrictModel):
    """Where a run can be seen in the tool that made it (a promptfoo share link, a Braintrust experiment page)."""

    url: str = Field(min_length=1)
    kind: RunLinkKind = RunLinkKind.OTHER

    @property
    def label(self) -> str:
        return RUN_LINK_LABELS[self.kind]


OPTIONAL_EXPERIMENT_KEYS = ("run_link", "prompt_id", "external_id", "notes")
"""Experiment fields left out of the file while null, so module files written before them keep their bytes."""


class Experiment(StrictModel):
    """One run of one prompt version on one model, judged on one dataset version."""

    id: str = Field(min_length=1)
    prompt_version: str = Field(pattern=VERSION_PATTERN)
    dataset_version: Annotated[str, NullIsDefault(lambda: "v1")] = Field(
        default="v1", pattern=VERSION_PATTERN
    )
    model: str = Field(min_length=1)
    judge_model: str | None = None
    timestamp: datetime
    primary_rubric: str | None = Field(
        default=None, description="Overrides the module's primary rubric for this run (the judge file's)."
    )
    metrics: Metrics
    rubrics: Annotated[dict[RubricName, RubricResult], NullIsDefault(dict)] = Field(default_factory=dict)
    braintrust_url: str | None = None
    braintrust_id: str | None = None
    data_source: str | None = Field(default=None, description="The dataset file the run used.")
    source: Source | None = None
    run_link: RunLink | None = Field(
        default=None, description="The run in the tool that made it (promptfoo share link, Braintrust page)."
    )
    prompt_id: str | None = Field(
        default=None, description="The prompt's own id in that tool (promptfoo: sha256 of the prompt)."
    )
    external_id: str | None = Field(
        default=None,
        description="The run's stable id in the tool that made it: re-importing it updates this experiment.",
    )
    notes: str | None = Field(default=None, description="Free text kept from a legacy tracker.")

    @field_validator("timestamp", mode="before")
    @classmethod
    def _iso_timestamp(cls, value: Any) -> Any:
        return parse_timestamp(value)

    @model_serializer(mode="wrap")
    def _without_null_optionals(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for key in OPTIONAL_EXPERIMENT_KEYS:
            if data.get(key, "") is None:
                del data[key]
        return data

    @model_validator(mode="after")
    def _rubrics_within_total(self) -> Experiment:
        total = self.metrics.total
        errors = rubric_total_errors(self.rubrics, total) if total is not None else []
        if errors:
            raise ModelProblems(errors)
        return self

    @field_serializer("timestamp")
    def _timestamp_text(self, value: datetime) -> str:
        return format_timestamp(value)

    def sort_key(self) -> tuple[Any, ...]:
        """On-disk order: natural prompt version, then time (zones compared as instants), model, id."""
        return (natural_key(self.prompt_version), timestamp_key(self.timestamp), self.model, self.id)

    def recency_key(self) -> tuple[Any, ...]:
        """The "most recent" order: time (as an instant), then the id, so a tie on the same instant never depends
        on file order (the index's latest run per model and the dashboards' choice of a run both use it)."""
        return (timestamp_key(self.timestamp), self.id)

    def run_key(self) -> tuple[Any, ...]:
        """What makes a run the same run: re-importing it replaces the experiment instead of adding one."""
        return (self.prompt_version, self.model, self.dataset_version, timestamp_key(self.timestamp))


class Suggestion(StrictModel):
    """A human suggestion for a prompt version. PMs edit these in Sheets; the id is the tool's."""

    id: str
    version: str | None = None
    rubric: str | None = None
    issue: Annotated[str, NullIsDefault(str)] = ""
    suggestion: Annotated[str, NullIsDefault(str)] = ""
    priority: Priority | None = None
    status: Status = Status.PROPOSED
    applied_in: str | None = None

    @field_validator("priority", "status", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower().replace(" ", "_") if isinstance(value, str) and value.strip() else value

    @field_validator("version", "rubric", "applied_in", "priority", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class Module(StrictModel):
    """Everything known about one evaluation module: ``data/modules/<module_id>.json``."""

    schema_version: Annotated[int, NullIsDefault(lambda: SCHEMA_VERSION)] = Field(
        default=SCHEMA_VERSION, description="Format version of this file.", strict=True
    )
    module_id: str = Field(pattern=MODULE_ID_PATTERN)
    module_name: str = Field(min_length=1)
    description: Annotated[str, NullIsDefault(str)] = ""
    primary_rubric: str | None = Field(default=None, description="The rubric whose rate is the match_rate.")
    experiments: Annotated[list[Experiment], NullIsDefault(list)] = Field(default_factory=list)
    suggestions: Annotated[list[Suggestion], NullIsDefault(list)] = Field(default_factory=list)

    @field_validator("module_name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("schema_version")
    @classmethod
    def _known_schema(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"unsupported schema_version {value} (this sheets-sync reads {SCHEMA_VERSION})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Module:
        errors = self._experiment_id_errors() + self._match_rate_errors() + self._suggestion_id_errors()
        if errors:
            raise ModelProblems(errors)
        return self

    def _experiment_id_errors(self) -> list[FieldPathError]:
        errors = []
        ids: dict[str, int] = {}
        runs: dict[tuple[Any, ...], int] = {}
        for index, experiment in enumerate(self.experiments):
            if experiment.id in ids:
                errors.append(
                    FieldPathError(
                        ("experiments", index, "id"),
                        f"duplicate experiment id {experiment.id!r} (also experiments[{ids[experiment.id]}])",
                    )
                )
            ids.setdefault(experiment.id, index)
            first = runs.setdefault(experiment.run_key(), index)
            if first != index:
                errors.append(
                    FieldPathError(
                        ("experiments", index, "timestamp"),
                        f"same run as experiments[{first}] (prompt_version, model, dataset_version and timestamp)",
                    )
                )
        return errors

    def _match_rate_errors(self) -> list[FieldPathError]:
        """Set every match_rate from its primary rubric; a stored one that disagrees is an error."""
        errors = []
        for index, experiment in enumerate(self.experiments):
            primary = self.primary_rubric_of(experiment)
            result = experiment.rubrics.get(primary) if primary else None
            metrics = experiment.metrics
            try:
                if result is None and metrics.reported:
                    expected = metrics.match_rate  # as reported: there is no rubric count to derive it from
                elif result is None:
                    expected = _no_primary_rate(metrics.match_rate, primary)
                else:
                    expected = checked_rate(metrics.match_rate, result.passed, result.total, "match_rate")
                if expected != metrics.match_rate:
                    metrics.match_rate = expected
            except FieldPathError as exc:
                where = f" (primary rubric {primary})" if result is not None else ""
                errors.append(
                    FieldPathError(("experiments", index, "metrics", "match_rate"), f"{exc}{where}")
                )
        return errors

    def _suggestion_id_errors(self) -> list[FieldPathError]:
        errors = []
        seen: set[str] = set()
        for index, suggestion in enumerate(self.suggestions):
            match = SUGGESTION_ID.match(suggestion.id)
            if not match or match["module"] != self.module_id:
                errors.append(
                    FieldPathError(
                        ("suggestions", index, "id"),
                        f"{suggestion.id!r} is not of the form {self.module_id}-s<N>",
                    )
                )
            elif suggestion.id in seen:
                errors.append(
                    FieldPathError(("suggestions", index, "id"), f"duplicate suggestion id {suggestion.id!r}")
                )
            seen.add(suggestion.id)
        return errors

    # ----------------------------------------------------------------------------------------- queries

    def normalized(self) -> Module:
        """A copy with experiments and suggestions in their stable on-disk order."""
        return self.model_copy(
            update={
                "experiments": sorted(self.experiments, key=Experiment.sort_key),
                "suggestions": sorted(self.suggestions, key=lambda s: suggestion_order(s.id)),
            }
        )

    def next_suggestion_id(self, taken: set[str] | None = None) -> str:
        """The next free ``<module_id>-s<N>`` (one more than the highest in use)."""
        numbers = [suggestion_number(s.id) or 0 for s in self.suggestions]
        numbers += [suggestion_number(t) or 0 for t in taken or ()]
        return f"{self.module_id}-s{max(numbers, default=0) + 1}"

    def experiment(self, experiment_id_: str) -> Experiment | None:
        return next((e for e in self.experiments if e.id == experiment_id_), None)

    def primary_rubric_of(self, experiment: Experiment) -> str | None:
        return experiment.primary_rubric or self.primary_rubric

    def rubric_names(self, experiments: Iterable[Experiment] | None = None) -> list[str]:
        """Every rubric of ``experiments`` (default: all of the module's) in :func:`rubric_order`."""
        chosen = self.experiments if experiments is None else experiments
        return rubric_order((name for e in chosen for name in e.rubrics), self.primary_rubric)

    def to_json_dict(self) -> dict[str, Any]:
        """The on-disk form: every field present (null when absent), keys in field order, aliases used."""
        return self.normalized().model_dump(mode="json", by_alias=True)


def _no_primary_rate(stored: float | None, primary: str | None) -> float | None:
    """A match rate without a primary rubric result to derive it from must be null; returns that null."""
    if stored is not None:
        reason = (
            f"the primary rubric {primary} has no result in this run"
            if primary
            else "there is no primary rubric"
        )
        raise FieldPathError(("match_rate",), f"must be null: {reason}, got {stored}")
    return None

"""LLM-judge result files: one run of one prompt version on one model, with a verdict per sample.

Two forms share one model, :class:`JudgeFile`: per-sample ``results`` (aggregated here) or ready-made aggregates
(``metrics`` + ``rubrics``, checked like any module file). ``module_id`` and ``prompt_version`` may come from a file
name starting ``<module_id>_<version>_`` (``m01_v5_judge_20260120.json``); a name and fields that disagree is an
error, because one of them is wrong and we cannot tell which.

Counting rules: total = samples; pass/fail/error = verdicts (errors count as not passing); a sample without a
verdict passes when every judged rubric passed; a rubric value of null means "not judged" and is left out of that
rubric's total; ``match_rate`` = the primary rubric's rate (the file's ``primary_rubric``, else the module's).
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from sheets_sync import jsonio
from sheets_sync.errors import DataError, ImportFileError
from sheets_sync.importers.base import (
    ModuleLookup,
    ParsedRun,
    SampleVerdict,
    Verdict,
    aggregate_samples,
    source_name,
)
from sheets_sync.models import (
    MODULE_ID_PATTERN,
    VERSION_PATTERN,
    Experiment,
    FieldPathError,
    Metrics,
    ModelProblems,
    NullIsDefault,
    Problem,
    RubricName,
    RubricResult,
    Source,
    StrictModel,
    checked_rate,
    describe_validation_error,
    experiment_id,
    model_slug,
    parse_timestamp,
    rubric_total_errors,
    short_repr,
)
from sheets_sync.store import problem_error
from sheets_sync.versions import natural_key

FORMAT = "judge"
AGGREGATE_FORMAT = "judge-aggregate"

# `<module_id>_<version>_...`: module ids in file names cannot hold "_" (it separates the parts) and versions start
# with v and a digit, so `judge_20260120.json` or `results_final.json` carry no identity instead of a wrong one.
NAME_PREFIX = re.compile(r"^(?P<module_id>[A-Za-z0-9][A-Za-z0-9-]*)_(?P<version>[vV][0-9][A-Za-z0-9.-]*)_")


_VERDICTS: dict[Any, Verdict] = {True: Verdict.PASS, False: Verdict.FAIL, **{v.value: v for v in Verdict}}
_RUBRIC_TEXT = {"pass": True, "fail": False}


def _verdict(value: Any) -> Any:
    if value is None:
        return value
    key = value.strip().lower() if isinstance(value, str) else value
    # `type(...) is` keeps 1 and 0 out: True == 1 would otherwise find them in the dict.
    if (isinstance(value, str) or type(value) is bool) and key in _VERDICTS:
        return _VERDICTS[key]
    raise ValueError(f"unknown verdict {short_repr(value)} (expected pass, fail, error, true or false)")


def _rubric_value(value: Any) -> Any:
    if value is None or type(value) is bool:
        return value
    if isinstance(value, str) and value.strip().lower() in _RUBRIC_TEXT:
        return _RUBRIC_TEXT[value.strip().lower()]
    raise ValueError(f'must be true, false, "pass", "fail" or null (not judged), got {short_repr(value)}')


VerdictValue = Annotated[
    Verdict | None,
    BeforeValidator(_verdict),
    WithJsonSchema({"enum": ["pass", "fail", "error", True, False, None]}),
]
RubricValue = Annotated[
    bool | None,
    BeforeValidator(_rubric_value),
    WithJsonSchema({"enum": [True, False, "pass", "fail", None], "description": "null: not judged"}),
]


class JudgeSample(StrictModel):
    """One judged sample."""

    sample_id: Annotated[str, WithJsonSchema({"type": ["string", "integer"], "minLength": 1})] = Field(
        min_length=1, description="Unique within the file (a number is taken as its text)."
    )
    verdict: VerdictValue = Field(
        default=None,
        description="pass/fail/error (true/false accepted); absent: error when `error` is given, else pass when "
        "every judged rubric passed.",
    )
    rubrics: dict[RubricName, RubricValue] = Field(default_factory=dict)
    error: str | None = Field(
        default=None, description="Why the judge failed; without a verdict it makes the sample an error."
    )
    input: Any = None
    output: Any = None
    expected: Any = None
    explanation: str | None = Field(default=None, description="The judge's reasoning.")
    metadata: dict[str, Any] | None = None

    @field_validator("sample_id", mode="before")
    @classmethod
    def _number_is_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _has_outcome(self) -> JudgeSample:
        # Deriving "pass" from no judged rubric at all would count a sample nobody judged as a success.
        if self.verdict is None and self.error is None and all(v is None for v in self.rubrics.values()):
            raise FieldPathError(
                ("verdict",), "required field is missing (and no judged rubric or error to derive it from)"
            )
        return self

    def outcome(self) -> Verdict:
        """The verdict; else error when the judge reported one; else pass when every judged rubric passed."""
        if self.verdict is not None:
            return self.verdict
        if self.error is not None:
            return Verdict.ERROR
        judged = [v for v in self.rubrics.values() if v is not None]
        return Verdict.PASS if all(judged) else Verdict.FAIL


class JudgeFile(StrictModel):
    """A judge result file (``sheets-sync import``); JSON Schema in ``schema/judge.schema.json``."""

    model_config = ConfigDict(
        title="JudgeFile",
        json_schema_extra={
            "anyOf": [{"required": ["results"]}, {"required": ["metrics"]}],
            "description": "One run of one prompt version on one model. module_id and prompt_version may instead "
            "come from a file name starting <module_id>_<version>_ (e.g. m01_v5_judge_20260120.json).",
        },
    )

    module_id: str | None = Field(default=None, pattern=MODULE_ID_PATTERN)
    module_name: str | None = Field(
        default=None, min_length=1, description="Creates the module when it is new."
    )
    prompt_version: str | None = Field(default=None, pattern=VERSION_PATTERN)
    dataset_version: Annotated[str, NullIsDefault(lambda: "v1")] = Field(
        default="v1", pattern=VERSION_PATTERN
    )
    model: str = Field(min_length=1)
    judge_model: str | None = None
    timestamp: Annotated[datetime, WithJsonSchema({"type": "string", "format": "date-time"})]
    primary_rubric: str | None = Field(
        default=None, description="Its rate is the match_rate (else the module's)."
    )
    braintrust_url: str | None = None
    braintrust_id: str | None = None
    data_source: str | None = Field(default=None, description="The dataset file the run used.")
    results: list[JudgeSample] | None = Field(default=None, description="Per-sample verdicts.")
    metrics: Metrics | None = Field(default=None, description="Aggregate form: instead of results.")
    rubrics: dict[RubricName, RubricResult] | None = Field(
        default=None, description="Aggregate form: with metrics."
    )
    metadata: dict[str, Any] | None = Field(default=None, description="Free-form; not imported.")

    @field_validator("timestamp", mode="before")
    @classmethod
    def _iso_timestamp(cls, value: Any) -> Any:
        return parse_timestamp(value)

    @field_validator("model")
    @classmethod
    def _sluggable(cls, value: str) -> str:
        if not model_slug(value):
            raise ValueError(f"{value!r} needs at least one letter or digit (it names the experiment id)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> JudgeFile:
        errors = self._form_errors() or (
            self._sample_id_errors() + self._aggregate_errors() + self._primary_rubric_errors()
        )
        if errors:
            raise ModelProblems(errors)
        return self

    def rubric_names(self) -> set[str]:
        """Every rubric the file has a result for (judged or not)."""
        if self.results is not None:
            return {name for sample in self.results for name in sample.rubrics}
        return set(self.rubrics or {})

    def _aggregate_errors(self) -> list[FieldPathError]:
        if self.metrics is None:
            return []
        if self.metrics.reported:
            # Judge files are counted by definition; reported rates come only from legacy trackers (migrate).
            return [
                FieldPathError(("metrics", "reported"), "a judge file has counts: reported must be false")
            ]
        if self.rubrics is None or self.metrics.total is None:
            return []
        return rubric_total_errors(self.rubrics, self.metrics.total)

    def _primary_rubric_errors(self) -> list[FieldPathError]:
        # A misspelt primary rubric would otherwise give a silent null match_rate (and name a new module's primary).
        names = self.rubric_names()
        if self.primary_rubric is None or self.primary_rubric in names:
            return []
        known = f"rubrics: {', '.join(sorted(names, key=natural_key))}" if names else "it has no rubrics"
        return [
            FieldPathError(
                ("primary_rubric",), f"{self.primary_rubric!r} is not a rubric of this file ({known})"
            )
        ]

    def _form_errors(self) -> list[FieldPathError]:
        if self.results is not None and (self.metrics is not None or self.rubrics is not None):
            return [
                FieldPathError(
                    ("metrics",), "give either results or the aggregates (metrics, rubrics), not both"
                )
            ]
        if self.results is None and self.metrics is None:
            return [
                FieldPathError(
                    ("results",), "required field is missing (or give the aggregate form: metrics)"
                )
            ]
        if self.results == []:
            return [FieldPathError(("results",), "is empty: a judge file needs at least one sample")]
        if self.metrics is not None and self.metrics.total == 0:
            return [FieldPathError(("metrics", "total"), "is 0: a judge file needs at least one sample")]
        return []

    def _sample_id_errors(self) -> list[FieldPathError]:
        errors = []
        first: dict[str, int] = {}
        for index, sample in enumerate(self.results or []):
            seen = first.setdefault(sample.sample_id, index)
            if seen != index:
                errors.append(
                    FieldPathError(
                        ("results", index, "sample_id"),
                        f"duplicate sample id {sample.sample_id!r} (also results[{seen}])",
                    )
                )
        return errors


# --------------------------------------------------------------------------------------------------- reading


class JudgeImporter:
    """The judge format; accepts every file, so it is tried last."""

    format = FORMAT

    def accepts(self, data: bytes, path: Path) -> bool:
        return True

    def read(self, data: bytes, path: Path, lookup: ModuleLookup) -> list[ParsedRun]:
        return [self.read_run(data, path, lookup)]

    def read_run(self, data: bytes, path: Path, lookup: ModuleLookup) -> ParsedRun:
        """The one run of a judge file."""
        judge = parse_judge_file(data, path)
        module_id, prompt_version = identity(judge, path)
        module = lookup(module_id)
        primary = judge.primary_rubric or (module.primary_rubric if module else None)
        source = Source(
            file=source_name(path),
            sha256=hashlib.sha256(data).hexdigest(),
            format=FORMAT if judge.results is not None else AGGREGATE_FORMAT,
        )
        experiment = to_experiment(judge, module_id, prompt_version, primary, source, path)
        samples = tuple(SampleVerdict(s.sample_id, s.outcome(), dict(s.rubrics)) for s in judge.results or ())
        return ParsedRun(path, module_id, judge.module_name, judge.primary_rubric, experiment, samples)


def parse_judge_file(data: bytes, path: Path) -> JudgeFile:
    """Parse and validate; the first problem (file + JSON path) becomes an ImportFileError."""
    result = _validated(data)
    if isinstance(result, JudgeFile):
        return result
    raise problem_error(result, path, ImportFileError)


def _validated(data: bytes) -> JudgeFile | list[Problem]:
    try:
        # Strict reading first (a key given twice, bad UTF-8, too deep nesting, NaN), which pydantic lets through.
        jsonio.parse_bytes(data)
    except DataError as exc:
        return [(exc.json_path or "", exc.detail)]
    try:
        # Editors on Windows like to start UTF-8 files with a byte order mark; JSON parsers refuse it.
        return JudgeFile.model_validate_json(data.removeprefix(codecs.BOM_UTF8))
    except ValidationError as exc:
        if _is_module_file(data):
            return [("", "this is a module file, not a judge file: import the judge files it was made from")]
        return describe_validation_error(exc)


def _is_module_file(data: bytes) -> bool:
    """Whether a file that failed as a judge file is a module file (an easy slip: `import data/modules/`)."""
    try:
        raw = json.loads(data.removeprefix(codecs.BOM_UTF8))
    except ValueError:
        return False
    return isinstance(raw, dict) and "experiments" in raw and "module_id" in raw and "results" not in raw


def judge_file_problems(data: bytes, path: Path) -> list[Problem]:
    """Every problem of a judge file that can be found without the module (for ``validate``)."""
    judge = _validated(data)
    if not isinstance(judge, JudgeFile):
        return judge
    try:
        identity(judge, path)
    except ImportFileError as exc:
        return [(exc.json_path or "", exc.detail)]
    return []


def identity(judge: JudgeFile, path: Path) -> tuple[str, str]:
    """(module_id, prompt_version) from the fields and the file name, which must agree when both give one."""
    match = NAME_PREFIX.match(path.name)
    module_id = _agreeing(judge.module_id, match["module_id"] if match else None, "module_id", path)
    version = _agreeing(judge.prompt_version, match["version"] if match else None, "prompt_version", path)
    return module_id, version


def _agreeing(field_value: str | None, name_value: str | None, field: str, path: Path) -> str:
    if field_value is not None and name_value is not None and field_value != name_value:
        raise ImportFileError(
            f"{field_value!r} disagrees with the file name, which says {name_value!r} "
            f"(the name starts <module_id>_<version>_); fix one of them",
            path=path,
            json_path=field,
        )
    value = field_value or name_value
    if value is None:
        raise ImportFileError(
            "required field is missing (and the file name does not start with <module_id>_<version>_)",
            path=path,
            json_path=field,
        )
    return value


# --------------------------------------------------------------------------------------------------- aggregating


def to_experiment(
    judge: JudgeFile, module_id: str, prompt_version: str, primary: str | None, source: Source, path: Path
) -> Experiment:
    """The experiment this file describes, with its base id (the merge may lengthen it on a collision)."""
    if judge.results is not None:
        metrics, rubrics = aggregate_results(judge.results, primary)
    else:
        metrics, rubrics = _checked_aggregates(judge, primary, path)
    return Experiment(
        id=experiment_id(module_id, prompt_version, judge.model, judge.timestamp),
        prompt_version=prompt_version,
        dataset_version=judge.dataset_version,
        model=judge.model,
        judge_model=judge.judge_model,
        timestamp=judge.timestamp,
        primary_rubric=judge.primary_rubric,
        metrics=metrics,
        rubrics=rubrics,
        braintrust_url=judge.braintrust_url,
        braintrust_id=judge.braintrust_id,
        data_source=judge.data_source,
        source=source,
    )


def aggregate_results(
    samples: list[JudgeSample], primary: str | None
) -> tuple[Metrics, dict[str, RubricResult]]:
    """Counts and rates of per-sample verdicts (:func:`sheets_sync.importers.base.aggregate_samples`)."""
    return aggregate_samples([SampleVerdict(s.sample_id, s.outcome(), s.rubrics) for s in samples], primary)


def _checked_aggregates(
    judge: JudgeFile, primary: str | None, path: Path
) -> tuple[Metrics, dict[str, RubricResult]]:
    """The aggregate form's metrics, with match_rate checked against the primary rubric it must come from."""
    assert judge.metrics is not None  # JudgeFile guarantees results or metrics
    rubrics = dict(sorted((judge.rubrics or {}).items(), key=lambda item: natural_key(item[0])))
    result = rubrics.get(primary) if primary else None
    stored = judge.metrics.match_rate
    if result is None and stored is not None:
        reason = (
            f"primary rubric {primary!r} is not among the rubrics"
            if primary
            else "there is no primary_rubric"
        )
        raise ImportFileError(
            f"{stored} cannot be checked: {reason}", path=path, json_path="metrics.match_rate"
        )
    try:
        match_rate = checked_rate(stored, result.passed, result.total, "match_rate") if result else None
    except FieldPathError as exc:
        raise ImportFileError(
            f"{exc} (primary rubric {primary})", path=path, json_path="metrics.match_rate"
        ) from None
    return judge.metrics.model_copy(update={"match_rate": match_rate}), rubrics

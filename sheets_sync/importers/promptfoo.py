"""promptfoo exports (``promptfoo eval -o results.json``): one run per provider x prompt.

Format versions 3 (runs in ``results.prompts[]``) and 2 (runs in ``results.table.head.prompts``); rows in
``results.results``, joined to their run by ``promptIdx``; one row is one sample (``--repeat`` rows included: each
has its own ``testIdx``). What promptfoo's Node ``evaluate()`` returns is not an export and is refused.

Verdicts as promptfoo's evaluator decides them: pass when ``success``; error when ``failureReason`` is 2; else
fail. ``error`` is set on ordinary assertion failures too, so it is never read as "errored", except in older
exports without ``failureReason``: there a row without ``gradingResult`` whose ``error`` is set is an error.

Rubrics: an assertion's ``metric``, else its ``type``; a sample passes a rubric when all its assertions of that
rubric pass. An ``assert-set`` is one rubric (its ``metric``, else ``assert-set``) passing as the set passed. In
``gradingResult.componentResults`` promptfoo repeats a set's children, flattened, right after the set's own entry
(``AssertionsResult.testResult``): the entries are paired with ``testCase.assert`` by walking past each set's
children, so no child is counted twice, and every pairing is checked by assertion type. An error row has no rubric
results. Each run's counts are checked against its prompt's ``metrics`` (testPassCount, testFailCount,
testErrorCount).

Identity: module and prompt version from the options (``--module``, ``--version``), else the prompt's label, else
the file name, when it reads ``<module>_<version>``. Model: the provider's label when set, else its id without the
provider prefix (``openai:gpt-4o-mini`` -> ``gpt-4o-mini``, ``ollama:chat:llama3:8b`` -> ``llama3:8b``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sheets_sync.errors import ImportFileError
from sheets_sync.importers.base import (
    ModuleLookup,
    ParsedRun,
    SampleVerdict,
    Verdict,
    aggregate_samples,
    source_name,
)
from sheets_sync.importers.fields import Fields, join
from sheets_sync.models import (
    Experiment,
    RunLink,
    RunLinkKind,
    Source,
    experiment_id,
    model_slug,
)
from sheets_sync.versions import natural_key

FORMAT = "promptfoo"
DEFAULT_DATASET_VERSION = "v1"
SUPPORTED_VERSIONS = (2, 3)
ASSERT_SET = "assert-set"

# Sniffed in the bytes, so a judge file is never parsed twice: every export row has a promptIdx; the Node API's
# return value has _resultsLoaded.
_MARKERS = (b'"promptIdx"', b'"evalId"', b'"_resultsLoaded"')

IDENTITY = re.compile(
    r"^(?P<module_id>[A-Za-z0-9][A-Za-z0-9-]*)_(?P<version>[vV][0-9][A-Za-z0-9.-]*)(?:$|[_:\s])"
)
"""``<module>_<version>``, alone or followed by ``_``, ``:`` or a space (``m01_v3``, ``m01_v3: Extract...``)."""

NO_IDENTITY = "no module or prompt version"

_API_KINDS = {"chat", "completion", "completions", "messages", "responses", "assistant", "text-generation"}

_FAILURE_REASONS = {0: None, 1: Verdict.FAIL, 2: Verdict.ERROR}


@dataclass(frozen=True, kw_only=True)
class PromptfooOptions:
    """What ``import`` flags add to an export (each None: from the export itself)."""

    module_id: str | None = None
    module_name: str | None = None
    prompt_version: str | None = None
    dataset_version: str | None = None
    primary_rubric: str | None = None


class PromptfooImporter:
    """promptfoo ``-o`` exports, recognised from the content."""

    format = FORMAT

    def __init__(self, options: PromptfooOptions | None = None) -> None:
        self.options = options or PromptfooOptions()

    def accepts(self, data: bytes, path: Path) -> bool:
        return any(marker in data for marker in _MARKERS)

    def read(self, data: bytes, path: Path, lookup: ModuleLookup) -> list[ParsedRun]:
        export = _Export(Fields(path), self.options, lookup)
        source = Source(file=source_name(path), sha256=hashlib.sha256(data).hexdigest(), format=FORMAT)
        return export.runs(export.fields.parse(data), source)


def provider_model(provider_id: str, label: str | None) -> str:
    """The model a provider runs: its label when set, else its id without the provider and API-kind prefix."""
    if label:
        return label
    if "://" in provider_id or ":" not in provider_id:  # file://provider.py, http://..., a custom provider
        return provider_id
    parts = provider_id.split(":")[1:]
    if len(parts) > 1 and parts[0] in _API_KINDS:
        parts = parts[1:]
    return ":".join(parts)


def _provider_id(value: Any) -> str | None:
    """A provider written as ``"openai:gpt-4o"`` or ``{"id": "openai:gpt-4o", ...}``; None when neither."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"]:
        return str(value["id"])
    return None


@dataclass(frozen=True)
class _Prompt:
    index: int
    where: str
    label: str | None
    prompt_id: str | None
    provider: str
    metrics: dict[str, Any] | None


class _Export:
    """One export being read: its fields' accessors, the options and the batch's modules."""

    def __init__(self, fields: Fields, options: PromptfooOptions, lookup: ModuleLookup) -> None:
        self.fields = fields
        self.options = options
        self.lookup = lookup

    def runs(self, document: Any, source: Source) -> list[ParsedRun]:
        f = self.fields
        if not isinstance(document, dict):
            f.fail("", "must be a JSON object (a promptfoo export)")
        self._refuse_node_result(document)
        results = f.field(document, "results", dict, "")
        version = f.field(results, "version", int, "results")
        if version not in SUPPORTED_VERSIONS:
            f.fail(
                "results.version",
                f"unknown promptfoo format version {version} (sheets-sync reads versions 2 and 3)",
            )
        timestamp = f.timestamp(results.get("timestamp"), "results.timestamp")
        prompts = self._prompts(results, version)
        rows = f.field(results, "results", list, "results")
        by_prompt = self._rows_by_prompt(rows, len(prompts))
        context = _RunContext(
            eval_id=f.field(document, "evalId", str, "", optional=True),
            timestamp=timestamp,
            link=f.field(document, "shareableUrl", str, "", optional=True),
            judge_model=_judge_model(document.get("config")),
            default_asserts=_default_asserts(document.get("config")),
            source=source,
        )
        parsed = [self._run(p, by_prompt[p.index], context) for p in prompts if by_prompt[p.index]]
        self._check_primary(parsed)
        self._check_versions(parsed)
        return parsed

    # ------------------------------------------------------------------------------------------ structure

    def _refuse_node_result(self, document: dict[str, Any]) -> None:
        if "evalId" not in document and isinstance(document.get("results"), list) and "prompts" in document:
            self.fields.fail(
                "",
                "this is what promptfoo's Node evaluate() returns, not an export: write one with "
                "`promptfoo eval -o results.json` and import that",
            )

    def _prompts(self, results: dict[str, Any], version: int) -> list[_Prompt]:
        f = self.fields
        if version == 3:
            where, raw = "results.prompts", f.field(results, "prompts", list, "results")
        else:
            table = f.field(results, "table", dict, "results")
            head = f.field(table, "head", dict, "results.table")
            where, raw = "results.table.head.prompts", f.field(head, "prompts", list, "results.table.head")
        if not raw:
            f.fail(where, "is empty: the export has no run")
        return [self._prompt(index, join(where, index), item) for index, item in enumerate(raw)]

    def _prompt(self, index: int, where: str, item: Any) -> _Prompt:
        f = self.fields
        item = f.typed(item, dict, where)
        return _Prompt(
            index=index,
            where=where,
            label=f.field(item, "label", str, where, optional=True),
            prompt_id=f.field(item, "id", str, where, optional=True),
            provider=f.field(item, "provider", str, where),
            metrics=f.field(item, "metrics", dict, where, optional=True),
        )

    def _rows_by_prompt(self, rows: list[Any], count: int) -> list[list[tuple[str, dict[str, Any]]]]:
        f = self.fields
        grouped: list[list[tuple[str, dict[str, Any]]]] = [[] for _ in range(count)]
        for index, row in enumerate(rows):
            where = join("results.results", index)
            row = f.typed(row, dict, where)
            prompt_index = f.field(row, "promptIdx", int, where)
            if not 0 <= prompt_index < count:
                f.fail(join(where, "promptIdx"), f"{prompt_index} names no prompt (the export has {count})")
            grouped[prompt_index].append((where, row))
        return grouped

    # ------------------------------------------------------------------------------------------ one run

    def _run(
        self, prompt: _Prompt, rows: list[tuple[str, dict[str, Any]]], context: _RunContext
    ) -> ParsedRun:
        module_id, version = self._identity(prompt)
        model = self._model(prompt, rows)
        samples = tuple(self._sample(where, row, context.default_asserts) for where, row in rows)
        self._check_counts(prompt, samples)
        module = self.lookup(module_id)
        primary = self.options.primary_rubric or (module.primary_rubric if module else None)
        metrics, rubrics = aggregate_samples(samples, primary)
        experiment = Experiment(
            id=experiment_id(module_id, version, model, context.timestamp),
            prompt_version=version,
            dataset_version=self.options.dataset_version or DEFAULT_DATASET_VERSION,
            model=model,
            judge_model=context.judge_model,
            timestamp=context.timestamp,
            primary_rubric=self.options.primary_rubric,
            metrics=metrics,
            rubrics=rubrics,
            source=context.source,
            run_link=RunLink(url=context.link, kind=RunLinkKind.PROMPTFOO) if context.link else None,
            prompt_id=prompt.prompt_id,
            external_id=f"promptfoo:{context.eval_id}:{prompt.index}" if context.eval_id else None,
        )
        return ParsedRun(
            self.fields.origin,
            module_id,
            self.options.module_name,
            self.options.primary_rubric,
            experiment,
            samples,
            create_hint="give --module-name to create it",
        )

    def _identity(self, prompt: _Prompt) -> tuple[str, str]:
        """(module, prompt version): the options, else the prompt label, else the file name."""
        from_label = IDENTITY.match(prompt.label or "")
        from_name = IDENTITY.match(self.fields.origin.stem)
        found = from_label or from_name
        module_id = self.options.module_id or (found["module_id"] if found else None)
        version = self.options.prompt_version or (found["version"] if found else None)
        if module_id is None or version is None:
            missing = " and ".join(
                flag for flag, value in (("--module", module_id), ("--version", version)) if value is None
            )
            self.fields.fail(
                join(prompt.where, "label"),
                f"{NO_IDENTITY}: give {missing} (or label the prompt, or name the file, <module>_<version>)",
            )
        return module_id, version

    def _model(self, prompt: _Prompt, rows: list[tuple[str, dict[str, Any]]]) -> str:
        provider = rows[0][1].get("provider")
        label = provider.get("label") if isinstance(provider, dict) else None
        provider_id = _provider_id(provider) or prompt.provider
        model = provider_model(provider_id, label if isinstance(label, str) else None)
        if not model_slug(model):
            self.fields.fail(
                join(prompt.where, "provider"), f"{model!r} needs a letter or digit (a model name)"
            )
        return model

    def _sample(self, where: str, row: dict[str, Any], default_asserts: list[Any]) -> SampleVerdict:
        f = self.fields
        verdict = self._verdict(where, row)
        row_id = row.get("id")
        sample_id = row_id if isinstance(row_id, str) else str(row.get("testIdx", where))
        if verdict is Verdict.ERROR:
            return SampleVerdict(sample_id, verdict, {})
        grading = f.field(row, "gradingResult", dict, where, optional=True)
        if grading is None:
            return SampleVerdict(sample_id, verdict, {})
        grading_where = join(where, "gradingResult")
        components = f.field(grading, "componentResults", list, grading_where, optional=True) or []
        test_case = f.field(row, "testCase", dict, where, optional=True) or {}
        asserts = f.field(test_case, "assert", list, join(where, "testCase"), optional=True) or []
        pairs = self._pairs(asserts, default_asserts, components, join(grading_where, "componentResults"))
        return SampleVerdict(
            sample_id, verdict, self._rubrics(pairs, join(grading_where, "componentResults"))
        )

    def _verdict(self, where: str, row: dict[str, Any]) -> Verdict:
        f = self.fields
        if f.field(row, "success", bool, where):
            return Verdict.PASS
        reason = f.field(row, "failureReason", int, where, optional=True)
        if reason is None:  # older exports: no failureReason
            has_error = bool(row.get("error"))
            return Verdict.ERROR if has_error and row.get("gradingResult") is None else Verdict.FAIL
        if reason not in _FAILURE_REASONS:
            f.fail(
                join(where, "failureReason"),
                f"unknown failure reason {reason} (0 none, 1 assertion, 2 error)",
            )
        return _FAILURE_REASONS[reason] or Verdict.FAIL

    # ------------------------------------------------------------------------------------------ rubrics

    def _pairs(
        self, asserts: list[Any], default_asserts: list[Any], components: list[Any], where: str
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Each top-level assertion with its component result. The test's own list holds defaultTest's
        assertions already; an export whose list does not is tried with them prepended, as promptfoo runs them."""
        if not asserts and not default_asserts:  # no test case: the component results name their assertions
            return [
                (c["assertion"], c)
                for c in components
                if isinstance(c, dict) and isinstance(c.get("assertion"), dict)
            ]
        candidates = [asserts, [*default_asserts, *asserts]] if default_asserts else [asserts]
        for candidate in candidates:
            for nested in (True, False):
                pairs = _walk(candidate, components, nested=nested)
                if pairs is not None:
                    return pairs
        self.fields.fail(
            where,
            f"{len(components)} component results do not match the test's {len(asserts)} assertions "
            "(by position and type)",
        )

    def _rubrics(
        self, pairs: list[tuple[dict[str, Any], dict[str, Any]]], where: str
    ) -> dict[str, bool | None]:
        rubrics: dict[str, bool | None] = {}
        for assertion, component in pairs:
            name = _rubric_name(assertion)
            passed = component.get("pass")
            if not isinstance(passed, bool):
                self.fields.fail(where, f"the result of assertion {name!r} has no pass true/false")
            rubrics[name] = rubrics.get(name, True) and passed
        return rubrics

    # ------------------------------------------------------------------------------------------ checks

    def _check_counts(self, prompt: _Prompt, samples: Sequence[SampleVerdict]) -> None:
        if prompt.metrics is None:
            return
        counts = {
            "testPassCount": Verdict.PASS,
            "testFailCount": Verdict.FAIL,
            "testErrorCount": Verdict.ERROR,
        }
        for key, verdict in counts.items():
            where = join(join(prompt.where, "metrics"), key)
            expected = self.fields.field(
                prompt.metrics, key, int, join(prompt.where, "metrics"), optional=True
            )
            found = sum(s.verdict is verdict for s in samples)
            if expected is not None and expected != found:
                self.fields.fail(
                    where, f"says {expected} but the rows of this prompt hold {found} {verdict.value}"
                )

    def _check_primary(self, runs: list[ParsedRun]) -> None:
        primary = self.options.primary_rubric
        names = {name for run in runs for name in run.experiment.rubrics}
        if primary is not None and primary not in names:
            known = ", ".join(sorted(names, key=natural_key)) or "none"
            self.fields.fail(
                "", f"--primary-rubric {primary!r} is not a rubric of this export (rubrics: {known})"
            )

    def _check_versions(self, runs: list[ParsedRun]) -> None:
        """Two different prompts given one version in one export would be merged as one: reported instead."""
        seen: dict[tuple[str, str], str] = {}
        for run in runs:
            e = run.experiment
            if e.prompt_id is None:
                continue
            first = seen.setdefault((run.module_id, e.prompt_version), e.prompt_id)
            if first != e.prompt_id:
                self.fields.fail(
                    "results.prompts",
                    f"two different prompts ({first[:12]}..., {e.prompt_id[:12]}...) would both be "
                    f"{run.module_id} {e.prompt_version}: give each its own version (label them "
                    "<module>_<version>) or import them one at a time",
                )


@dataclass(frozen=True)
class _RunContext:
    """What every run of one export shares."""

    eval_id: str | None
    timestamp: datetime
    link: str | None
    judge_model: str | None
    default_asserts: list[Any]
    source: Source


def _rubric_name(assertion: dict[str, Any]) -> str:
    metric = assertion.get("metric")
    if isinstance(metric, str) and metric:
        return metric
    kind = assertion.get("type")
    return kind if isinstance(kind, str) and kind else ASSERT_SET if "assert" in assertion else "assertion"


def _is_set(assertion: Any) -> bool:
    return isinstance(assertion, dict) and (
        assertion.get("type") == ASSERT_SET or isinstance(assertion.get("assert"), list)
    )


def _flattened_size(assertion: dict[str, Any]) -> int:
    """How many component entries follow a set's own entry: its children, each set among them flattened too."""
    children = assertion.get("assert") or []
    return sum(1 + (_flattened_size(c) if _is_set(c) else 0) for c in children)


def _walk(
    asserts: list[Any], components: list[Any], *, nested: bool
) -> list[tuple[dict[str, Any], dict[str, Any]]] | None:
    """Pair ``asserts`` with ``components`` by position; None when an entry's type disagrees with its assertion
    (the layout is not this one). ``nested``: each set's flattened children follow its own entry and are stepped
    past (promptfoo's ``AssertionsResult.testResult``); else the top-level entries come first, children after
    them. Assertions without an entry (promptfoo stopped early) have no result."""
    pairs = []
    position = 0
    for assertion in asserts:
        if not isinstance(assertion, dict):
            return None
        if position >= len(components):
            break
        component = components[position]
        if not isinstance(component, dict) or not _agrees(assertion, component):
            return None
        pairs.append((assertion, component))
        position += 1 + (_flattened_size(assertion) if nested and _is_set(assertion) else 0)
    if nested and position < len(components):
        return None
    return pairs


def _agrees(assertion: dict[str, Any], component: dict[str, Any]) -> bool:
    shown = component.get("assertion")
    if _is_set(assertion):
        # A set's own entry carries no assertion (only its children do), or the set itself.
        return not isinstance(shown, dict) or shown.get("type") == ASSERT_SET or "assert" in shown
    return not isinstance(shown, dict) or shown.get("type") == assertion.get("type")


def _judge_model(config: Any) -> str | None:
    """The grading provider the config names (``defaultTest.options.provider``), as a model name."""
    if not isinstance(config, dict):
        return None
    default_test = config.get("defaultTest")
    options = default_test.get("options") if isinstance(default_test, dict) else None
    provider = options.get("provider") if isinstance(options, dict) else None
    if isinstance(provider, dict) and "id" not in provider:  # {text: ..., embedding: ...}: the text grader
        provider = provider.get("text")
    provider_id = _provider_id(provider)
    label = provider.get("label") if isinstance(provider, dict) else None
    return provider_model(provider_id, label if isinstance(label, str) else None) if provider_id else None


def _default_asserts(config: Any) -> list[Any]:
    if not isinstance(config, dict) or not isinstance(config.get("defaultTest"), dict):
        return []
    asserts = config["defaultTest"].get("assert")
    return asserts if isinstance(asserts, list) else []


_PLACEHOLDER = PromptfooOptions(module_id="module", prompt_version="v1")


def promptfoo_export_problems(data: bytes, path: Path) -> list[tuple[str, str]]:
    """The first problem of an export that can be found without importing it (for ``validate``): its module and
    version may come from ``import`` flags, so an export naming neither is checked under a placeholder."""
    for options in (PromptfooOptions(), _PLACEHOLDER):
        try:
            PromptfooImporter(options).read(data, path, lambda _module_id: None)
        except ImportFileError as exc:
            if options is not _PLACEHOLDER and exc.detail.startswith(NO_IDENTITY):
                continue
            return [(exc.json_path or "", exc.detail)]
        return []
    return []

"""``sheets-sync migrate``: the legacy trackers into the mirror, planned first (pure), then written all or nothing.

:func:`plan_migration` turns the mirror's modules and the trackers read by :mod:`.trackers` into a
:class:`MigrationPlan`: the changed modules and one :class:`Line` per module field, run and suggestion (create,
update, unchanged, skip, conflict) with its reason, plus the findings (values read as fractions, model spellings,
duplicate keys, disagreements between the two files). :func:`migrate` reads, plans and, with ``apply``, writes
the changed modules and the index through :class:`~sheets_sync.store.Store` under its lock.

The rules (docs/data.md, "Migrating the legacy trackers"):

* A legacy run whose (module, prompt version, model, day) matches an experiment imported from a judge file is
  skipped and named: the judge file is the better source.
* A run already in the mirror (same prompt version, model, dataset version and timestamp) is unchanged when its
  content is the same, whatever the tracker's bytes; different content is a conflict: the mirror is kept. So a
  second ``--apply`` changes no byte, and nothing in the mirror is overwritten.
* The YAML and the JS on the same module, version and model: the YAML run is kept and a disagreement in rates is
  listed; a run only the JS knows is added. Module fields: the YAML's, the JS filling gaps; the mirror's value
  is never replaced (a difference is a conflict), only an empty one filled.
* Counts: where ``n`` (or the rubrics' common total) gives a whole count reproducing the stated pass rate (and
  the match rate, through the primary rubric), the run is counted; otherwise it is stored ``reported``.
* Suggestions are de-duplicated by text (ignoring case and spacing) across both files and against the mirror.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import ValidationError

from sheets_sync.index_file import update_index
from sheets_sync.legacy.errors import LegacyInputError
from sheets_sync.legacy.trackers import (
    Finding,
    LegacyModule,
    LegacyRun,
    LegacySuggestion,
    Origin,
    Tracker,
    read_modules_js,
    read_progress_yaml,
)
from sheets_sync.legacy.values import Rate, canonical_model, counts_for
from sheets_sync.models import (
    RATE_TOLERANCE,
    Experiment,
    Metrics,
    Module,
    RubricResult,
    Source,
    Suggestion,
    describe_validation_error,
    experiment_id,
)
from sheets_sync.store import Store, gc_paused

MODULE_FIELDS = ("module_name", "description", "primary_rubric")
GAP_FIELDS = ("braintrust_url", "braintrust_id", "data_source", "judge_model", "notes")
"""Fields of a YAML run that the JS's run of the same version and model fills when the YAML has none."""


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    CONFLICT = "conflict"


@dataclass(frozen=True, kw_only=True)
class Line:
    """One thing the migration does or does not do, and why."""

    action: Action
    kind: str
    """``module``, ``field``, ``run`` or ``suggestion``."""
    module_id: str
    subject: str
    reason: str = ""
    where: str = ""


@dataclass(kw_only=True)
class MigrationPlan:
    modules: dict[str, Module]
    """Every module after the migration (changed or not), keyed by id."""
    changed: list[str]
    lines: list[Line] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def count(self, action: Action, kind: str | None = None) -> int:
        return sum(1 for line in self.lines if line.action is action and (kind is None or line.kind == kind))

    @property
    def conflicts(self) -> list[Line]:
        return [line for line in self.lines if line.action is Action.CONFLICT]


# ------------------------------------------------------------------------------------------------ entry point


def read_trackers(progress_yaml: Path | None, modules_js: Path | None) -> list[Tracker]:
    """The trackers given, YAML first (its runs win over the JS's)."""
    trackers = []
    if progress_yaml is not None:
        trackers.append(read_progress_yaml(progress_yaml))
    if modules_js is not None:
        trackers.append(read_modules_js(modules_js))
    if not trackers:
        raise LegacyInputError("nothing to migrate: give --progress-yaml and/or --modules-js", path="migrate")
    return trackers


def migrate(
    store: Store, *, progress_yaml: Path | None = None, modules_js: Path | None = None, apply: bool = False
) -> MigrationPlan:
    """Read the trackers, plan against the mirror and, with ``apply``, write the changed modules and the index.

    Everything is read and checked before anything is written; a bad tracker raises and writes nothing.
    """
    trackers = read_trackers(progress_yaml, modules_js)
    if not apply:
        with gc_paused():
            return plan_migration(store.load_all() if store.modules_dir.is_dir() else {}, trackers)
    with store.batch("migrate"), gc_paused():  # the modules and the patched index land together
        plan = plan_migration(store.load_all(), trackers)
        if plan.changed:
            for module_id in plan.changed:
                store.save_module(plan.modules[module_id])
            update_index(store, {module_id: plan.modules[module_id] for module_id in plan.changed})
    return plan


# ------------------------------------------------------------------------------------------------ planning


def plan_migration(mirror: Mapping[str, Module], trackers: Sequence[Tracker]) -> MigrationPlan:
    """Pure: the plan for migrating ``trackers`` (YAML first) into ``mirror``."""
    planner = _Planner(mirror, trackers)
    return planner.plan()


class _Planner:
    def __init__(self, mirror: Mapping[str, Module], trackers: Sequence[Tracker]) -> None:
        self.mirror = dict(mirror)
        self.trackers = {t.origin: t for t in trackers}
        self.findings: list[Finding] = [f for t in trackers for f in t.findings]
        self.lines: list[Line] = []
        self.mirror_ids = {module_id.lower(): module_id for module_id in self.mirror}
        self.known_models = _known_models(self.mirror.values(), trackers)
        self.mapped: set[tuple[str, str]] = set()
        self.created: dict[str, str] = {}
        """Experiment id -> where in a tracker, for the runs this migration adds."""

    def plan(self) -> MigrationPlan:
        legacy_ids = sorted({m for t in self.trackers.values() for m in t.modules})
        result = dict(self.mirror)
        changed = []
        for legacy_id in legacy_ids:
            parts = [t.modules[legacy_id] for t in self.trackers.values() if legacy_id in t.modules]
            module_id = self.mirror_ids.get(legacy_id, legacy_id)
            before = self.mirror.get(module_id)
            after = self.module(module_id, parts, before)
            result[module_id] = after
            if before is None or after.to_json_dict() != before.to_json_dict():
                changed.append(module_id)
        return MigrationPlan(modules=result, changed=changed, lines=self.lines, findings=self.findings)

    def line(
        self, action: Action, kind: str, module_id: str, subject: str, reason: str = "", where: str = ""
    ) -> None:
        self.lines.append(
            Line(action=action, kind=kind, module_id=module_id, subject=subject, reason=reason, where=where)
        )

    # ---------------------------------------------------------------------------------------- modules

    def module(self, module_id: str, parts: list[LegacyModule], before: Module | None) -> Module:
        wanted = self.module_fields(module_id, parts)
        if before is None:
            if not wanted["module_name"]:
                where = parts[0].written_id
                raise LegacyInputError(
                    f"module {where!r} is not in the mirror yet and has no name to create it with",
                    path=self._path(parts[0]),
                    json_path=f"modules.{where}.name",
                )
            module = Module(
                module_id=module_id,
                module_name=wanted["module_name"],
                description=wanted["description"] or "",
                primary_rubric=wanted["primary_rubric"],
            )
            self.line(Action.CREATE, "module", module_id, module.module_name)
        else:
            module = self.update_fields(before, wanted)
        primary = module.primary_rubric
        runs = self.merged_runs(module_id, parts)
        for run in runs:
            module = self.add_run(module, run, primary)
        module = self.add_suggestions(module, [s for part in parts for s in part.suggestions])
        return self.validated(module, parts[0])

    def module_fields(self, module_id: str, parts: list[LegacyModule]) -> dict[str, str | None]:
        """Name, description, primary rubric: the YAML's, the JS filling gaps; a disagreement is listed."""
        wanted: dict[str, str | None] = {}
        for name, attribute in zip(MODULE_FIELDS, ("name", "description", "primary_rubric"), strict=True):
            values = [(getattr(p, attribute), p) for p in parts if getattr(p, attribute)]
            wanted[name] = values[0][0] if values else None
            for other, _part in values[1:]:
                if other != wanted[name]:
                    self.findings.append(
                        Finding(
                            "disagreement",
                            f"{module_id}.{name}",
                            f"YAML {wanted[name]!r}, JS {other!r}: the YAML's is used",
                        )
                    )
        return wanted

    def update_fields(self, before: Module, wanted: Mapping[str, str | None]) -> Module:
        updates = {}
        for name, value in wanted.items():
            current = getattr(before, name)
            if value is None or value == current:
                continue
            if current:
                self.line(
                    Action.CONFLICT,
                    "field",
                    before.module_id,
                    name,
                    f"the mirror has {current!r}, the tracker {value!r}: the mirror's is kept",
                )
            else:
                updates[name] = value
                self.line(
                    Action.UPDATE, "field", before.module_id, name, f"empty in the mirror: set to {value!r}"
                )
        return before.model_copy(update=updates) if updates else before

    def validated(self, module: Module, part: LegacyModule) -> Module:
        try:
            return Module.model_validate(dict(module))
        except ValidationError as exc:
            json_path, message = describe_validation_error(exc)[0]
            raise LegacyInputError(
                f"module {module.module_id}: {json_path}: {message}", path=self._path(part)
            ) from None

    def _path(self, part: LegacyModule) -> Path:
        return self.trackers[part.origin].path

    # ---------------------------------------------------------------------------------------- runs

    def model(self, written: str, where: str) -> str:
        model = canonical_model(written, self.known_models)
        if model != written and (written, model) not in self.mapped:
            self.mapped.add((written, model))
            self.findings.append(Finding("model", where, f"{written!r} read as {model!r}"))
        return model

    def merged_runs(self, module_id: str, parts: list[LegacyModule]) -> list[LegacyRun]:
        """The YAML's runs, then the JS's that the YAML does not have (same version and model)."""
        kept: list[LegacyRun] = []
        yaml_runs: dict[tuple[str, str], int] = {}
        for part in parts:
            for run in part.runs:
                run = _with_model(run, self.model(run.model, run.where))
                key = (run.prompt_version, run.model)
                if run.origin is Origin.YAML:
                    yaml_runs[key] = len(kept)  # the last (newest in the log) speaks for the YAML
                    kept.append(run)
                elif key in yaml_runs:
                    index = yaml_runs[key]
                    kept[index] = self.js_superseded(module_id, run, kept[index])
                else:
                    kept.append(run)
        return kept

    def js_superseded(self, module_id: str, js: LegacyRun, yaml: LegacyRun) -> LegacyRun:
        """The YAML run, with what only the JS says of it (a Braintrust link, ...) filled in; both listed."""
        subject = f"{js.prompt_version} {js.model}"
        filled = {
            name: getattr(js, name)
            for name in GAP_FIELDS
            if getattr(yaml, name) is None and getattr(js, name)
        }
        if filled:
            names = ", ".join(sorted(filled))
            self.findings.append(Finding("filled", yaml.where, f"{names} taken from {js.where}"))
        self.line(Action.SKIP, "run", module_id, subject, f"the YAML has this run ({yaml.where})", js.where)
        for name in ("pass_rate", "match_rate"):
            a, b = getattr(js, name), getattr(yaml, name)
            if a is not None and b is not None and abs(a.percent - b.percent) > RATE_TOLERANCE:
                self.findings.append(
                    Finding(
                        "disagreement",
                        f"{module_id} {subject}",
                        f"{name}: the JS says {a.percent:g}%, the YAML {b.percent:g}%: the YAML run is kept",
                    )
                )
        return replace(yaml, **filled) if filled else yaml

    def add_run(self, module: Module, run: LegacyRun, primary: str | None) -> Module:
        subject = f"{run.prompt_version} {run.model} {run.timestamp:%Y-%m-%d}"
        if run.pass_rate is None:
            kind = (
                "an estimate" if run.no_result and run.no_result.strip().startswith("~") else "no result yet"
            )
            self.line(
                Action.SKIP,
                "run",
                module.module_id,
                subject,
                f"pass rate {run.no_result!r}: {kind}",
                run.where,
            )
            return module
        judged = _judge_run(module, run)
        if judged is not None:
            reason = f"the judge file's experiment {judged.id} is the better source"
            self.line(Action.SKIP, "run", module.module_id, subject, reason, run.where)
            return module
        incoming = self.experiment(module, run, primary)
        key = incoming.run_key()
        existing = next((e for e in module.experiments if e.run_key() == key), None)
        if existing is not None:
            return self.existing_run(module, existing, incoming, run)
        taken = {e.id for e in module.experiments}
        incoming = incoming.model_copy(update={"id": _free_id(incoming, taken)})
        self.created[incoming.id] = run.where
        self.line(
            Action.CREATE, "run", module.module_id, incoming.id, _counts_text(incoming.metrics), run.where
        )
        return module.model_copy(update={"experiments": [*module.experiments, incoming]})

    def existing_run(
        self, module: Module, existing: Experiment, incoming: Experiment, run: LegacyRun
    ) -> Module:
        """A run already there: unchanged when its content is the same (the tracker's bytes may have changed
        elsewhere, so ``source`` does not count); else a conflict, and the mirror's run stays."""
        if existing.id in self.created:
            first = self.created[existing.id]
            reason = f"same run (version, model, dataset, date and time) as {first}: the first is kept"
            self.line(Action.SKIP, "run", module.module_id, existing.id, reason, run.where)
        elif not _differs_in_data(existing, incoming):
            self.line(
                Action.UNCHANGED, "run", module.module_id, existing.id, "already in the mirror", run.where
            )
        else:
            self.line(
                Action.CONFLICT,
                "run",
                module.module_id,
                existing.id,
                "the mirror's run differs from the tracker's: the mirror's is kept",
                run.where,
            )
        return module

    def experiment(self, module: Module, run: LegacyRun, primary: str | None) -> Experiment:
        tracker = self.trackers[run.origin]
        assert run.pass_rate is not None
        metrics, rubrics = self.metrics(run, primary)
        try:
            return Experiment(
                id=experiment_id(module.module_id, run.prompt_version, run.model, run.timestamp),
                prompt_version=run.prompt_version,
                dataset_version=run.dataset_version,
                model=run.model,
                judge_model=run.judge_model,
                timestamp=run.timestamp,
                metrics=metrics,
                rubrics=rubrics,
                braintrust_url=run.braintrust_url,
                braintrust_id=run.braintrust_id,
                data_source=run.data_source,
                source=Source(file=tracker.path.name, sha256=tracker.sha256, format=run.origin.value),
                notes=run.notes,
            )
        except ValidationError as exc:
            json_path, message = describe_validation_error(exc)[0]
            where = run.where.partition(": ")[2]
            raise LegacyInputError(f"{json_path}: {message}", path=tracker.path, json_path=where) from None

    def metrics(self, run: LegacyRun, primary: str | None) -> tuple[Metrics, dict[str, RubricResult]]:
        assert run.pass_rate is not None
        rubrics = dict(run.rubrics)
        total = run.n if run.n is not None else _common_total(rubrics)
        errors = run.errors or 0
        passed = counts_for(run.pass_rate.percent, total) if total else None
        match, match_counted = self.match(run, primary, rubrics, total)
        if passed is not None and total is not None and passed + errors <= total and match_counted:
            metrics = Metrics(
                total=total, passed=passed, fail=total - passed - errors, error=errors, match_rate=match
            )
            return metrics, rubrics
        why = (
            f"{run.pass_rate.percent:g}% of {total} samples is no whole count" if total else "no sample count"
        )
        self.findings.append(Finding("reported", run.where, f"{why}: stored as reported (rates, no counts)"))
        reported = Metrics(
            reported=True,
            total=total,
            passed=None,
            fail=None,
            error=errors,
            pass_rate=_percent(run.pass_rate),
            match_rate=match,
        )
        return reported, rubrics

    def match(
        self, run: LegacyRun, primary: str | None, rubrics: dict[str, RubricResult], total: int | None
    ) -> tuple[float | None, bool]:
        """(match rate, whether it is counted); adds the primary rubric's count when ``n`` reproduces it."""
        result = rubrics.get(primary) if primary else None
        if result is not None:
            stated = run.match_rate
            if (
                stated is not None
                and result.rate is not None
                and abs(stated.percent - result.rate) > RATE_TOLERANCE
            ):
                self.findings.append(
                    Finding(
                        "disagreement",
                        run.where,
                        f"match rate {stated.percent:g}% but {primary} counts "
                        f"{result.passed}/{result.total} = {result.rate}%: the counts are used",
                    )
                )
            return result.rate, True
        if run.match_rate is None:
            return None, True
        passed = counts_for(run.match_rate.percent, total) if primary and total else None
        if passed is not None and primary and total:
            rubrics[primary] = RubricResult.from_counts(passed, total)
            return rubrics[primary].rate, True
        return _percent(run.match_rate), False

    # ---------------------------------------------------------------------------------------- suggestions

    def add_suggestions(self, module: Module, legacy: list[LegacySuggestion]) -> Module:
        """New suggestions by text (case and spacing ignored); a repeat fills the first one's empty fields."""
        in_mirror = {_text_key(s): s.id for s in module.suggestions}
        seen: dict[str, int] = {}
        added: list[Suggestion] = []
        for item in legacy:
            key = item.text_key()
            subject = (item.suggestion or item.issue)[:60]
            if key in in_mirror:
                reason = f"already in the mirror as {in_mirror[key]}"
                self.line(Action.UNCHANGED, "suggestion", module.module_id, subject, reason, item.where)
                continue
            if key in seen:
                first = added[seen[key]]
                added[seen[key]] = _merged_suggestion(first, item)
                reason = f"same text as {first.id} (merged)"
                self.line(Action.SKIP, "suggestion", module.module_id, subject, reason, item.where)
                continue
            suggestion = Suggestion(
                id=module.next_suggestion_id({s.id for s in added}),
                version=item.version,
                rubric=item.rubric,
                issue=item.issue,
                suggestion=item.suggestion,
                priority=item.priority,
                status=item.status,
                applied_in=item.applied_in,
            )
            seen[key] = len(added)
            added.append(suggestion)
            reason = f"{subject} (tracker id {item.legacy_id})" if item.legacy_id else subject
            self.line(Action.CREATE, "suggestion", module.module_id, suggestion.id, reason, item.where)
        if not added:
            return module
        return module.model_copy(update={"suggestions": [*module.suggestions, *added]})


# ------------------------------------------------------------------------------------------------ helpers


def _merged_suggestion(first: Suggestion, later: LegacySuggestion) -> Suggestion:
    """``first`` with its empty fields (version, rubric, issue, priority, applied in) taken from ``later``."""
    fills = {
        name: getattr(later, name)
        for name in ("version", "rubric", "issue", "priority", "applied_in")
        if not getattr(first, name) and getattr(later, name)
    }
    return first.model_copy(update=fills) if fills else first


def _known_models(modules: Iterable[Module], trackers: Sequence[Tracker]) -> set[str]:
    """The mirror's model names; for an empty mirror, the legacy spellings in its style (``gpt-4o-mini``)."""
    known = {e.model for m in modules for e in m.experiments}
    if known:
        return known
    return {
        run.model
        for tracker in trackers
        for module in tracker.modules.values()
        for run in module.runs
        if run.model == run.model.lower() and "-" in run.model and run.model[0].isalpha()
    }


def _with_model(run: LegacyRun, model: str) -> LegacyRun:
    return run if model == run.model else replace(run, model=model)


def _judge_run(module: Module, run: LegacyRun) -> Experiment | None:
    """An experiment imported from a judge file on the same prompt version, model and day."""
    day: date = run.timestamp.date()
    for experiment in module.experiments:
        source = experiment.source
        if source is not None and source.format.startswith("legacy-"):
            continue
        if (experiment.prompt_version, experiment.model, experiment.timestamp.date()) == (
            run.prompt_version,
            run.model,
            day,
        ):
            return experiment
    return None


def _free_id(experiment: Experiment, taken: set[str]) -> str:
    """The base id, else ``_<HHMMSS>`` appended (the judge importer's rule), else ``_2``, ``_3``..."""
    base = experiment.id
    candidates = itertools.chain(
        [base, f"{base}_{experiment.timestamp:%H%M%S}"], (f"{base}_{n}" for n in itertools.count(2))
    )
    return next(c for c in candidates if c not in taken)


def _differs_in_data(a: Experiment, b: Experiment) -> bool:
    return a.model_dump(exclude={"id", "source"}) != b.model_dump(exclude={"id", "source"})


def _common_total(rubrics: Mapping[str, RubricResult]) -> int | None:
    totals = {r.total for r in rubrics.values()}
    return totals.pop() if len(totals) == 1 else None


def _percent(value: Rate) -> float:
    return round(value.percent, 4)


def _counts_text(metrics: Metrics) -> str:
    counts = metrics.counts()
    if counts is None:
        return f"reported {metrics.pass_rate:g}%, no counts"
    return f"counted {counts[0]}/{counts[1]}"


def _text_key(suggestion: Suggestion) -> str:
    return " ".join((suggestion.suggestion or suggestion.issue).split()).casefold()

#!/usr/bin/env python3
"""Re-make the bundled sample data: ``data/judge_results/*.json``, ``data/modules/*.json``, ``data/heatmap_index.json``.

Deterministic (seeded): running it again writes the same bytes, and ``tests/data/test_data_sample.py`` checks that
it reproduces the committed files. The judge files are what an eval runner would write; the module files are what
importing them gives, plus what a team adds by hand (descriptions, suggestions).

    .venv/bin/python scripts/make_sample_data.py            # rewrite ./data
    .venv/bin/python scripts/make_sample_data.py --out DIR  # somewhere else

What the data shows: six modules; m01 on v1..v5 x gpt-4o-mini/gpt-4o/gpt-5 whose dataset changed from v1 to v2 at
prompt v4 (v3 was re-run on the new dataset); re-runs on a later date (m01 v2, m03 v4) and on the same day (m02 v3,
which gets an ``_HHMMSS`` id); m05 iterated up to v10 (natural version order); error verdicts, unjudged (null)
rubric values, derived verdicts (m02), true/false verdicts (m03), "pass"/"fail" rubric values and a +01:00 zone
(m04), and ids taken from file names (m05). The first m01 file is the README's worked example (30.0 / 10.0).
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sheets_sync import jsonio
from sheets_sync.importers import import_paths
from sheets_sync.index_file import write_index
from sheets_sync.models import Module, Suggestion, model_slug
from sheets_sync.store import Store

SEED = 20260120
SAMPLES = 50
MODEL_SKILL = {"gpt-4o-mini": -0.04, "gpt-4o": 0.0, "gpt-4.1": 0.02, "gpt-5": 0.06}
JUDGE_ERRORS = [
    "judge timeout after 60s",
    "rate limited by the judge API (429)",
    "judge returned invalid JSON",
]
BERLIN = timezone(timedelta(hours=1))


@dataclass(frozen=True)
class Rubric:
    name: str
    base: float  # pass share at v1 for gpt-4o
    gain: float  # added per prompt version
    unjudged: float = 0.0  # share of samples the judge skips (null)
    failure: str = "criterion not met"


@dataclass(frozen=True)
class Run:
    version: str
    model: str
    when: datetime
    dataset: str = "v1"
    errors: int = 0
    exact: dict[str, int] | None = None  # fixed counts: "pass" and per rubric (the worked example)
    suffix: str = ""


@dataclass
class Spec:
    module_id: str
    name: str
    description: str
    base: float
    gain: float
    rubrics: list[Rubric]
    runs: list[Run]
    inputs: list[str]
    judge_model: str = "gpt-4o"
    style: str = "plain"  # plain | derived | boolean | textual | nameless
    dips: dict[str, float] = field(default_factory=dict)  # version -> pass-share change (regressions)
    suggestions: list[dict[str, Any]] = field(default_factory=list)


def at(day: str, hhmmss: str, tz: timezone | None = None) -> datetime:
    return datetime.fromisoformat(f"2026-{day}T{hhmmss}").replace(tzinfo=tz)


def grid(versions: list[str], models: list[str], days: list[str], rng: random.Random, **kw: Any) -> list[Run]:
    """One run per version x model, on the version's day at a random working-hours time."""
    runs = []
    for version, day in zip(versions, days, strict=True):
        for model in models:
            hhmmss = f"{rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
            runs.append(
                Run(
                    version,
                    model,
                    at(day, hhmmss, kw.get("tz")),
                    kw.get("dataset", "v1"),
                    rng.choice([0, 0, 1, 2]),
                )
            )
    return runs


# ------------------------------------------------------------------------------------------------ the modules


def specs(rng: random.Random) -> list[Spec]:
    m01_runs = [
        Run(
            "v1",
            "gpt-4o-mini",
            at("01-20", "00:31:46"),
            exact={
                "pass": 15,
                "M01_brand_extracted": 5,
                "M01_lowercase_included": 40,
                "M01_typos_realistic": 35,
            },
        )
    ]
    m01_runs += [r for r in grid(["v1"], ["gpt-4o", "gpt-5"], ["01-20"], rng)]
    m01_runs += grid(["v2", "v3"], ["gpt-4o-mini", "gpt-4o", "gpt-5"], ["01-22", "01-26"], rng)
    m01_runs += [Run("v2", "gpt-4o", at("01-23", "10:05:12"), errors=1)]  # re-run after a judge outage
    m01_runs += [
        Run("v3", "gpt-4o-mini", at("01-28", "09:14:03"), dataset="v2"),
        Run("v3", "gpt-5", at("01-28", "09:31:40"), dataset="v2", errors=1),
    ]
    m01_runs += grid(["v4", "v5"], ["gpt-4o-mini", "gpt-4o", "gpt-5"], ["01-29", "02-03"], rng, dataset="v2")
    m02_runs = grid(["v1", "v2", "v3"], ["gpt-4o-mini", "gpt-4o"], ["01-12", "01-19", "01-27"], rng)
    m02_runs += [Run("v3", "gpt-4o", at("01-27", "16:40:00"), suffix="_rerun")]
    m03_runs = grid(
        ["v1", "v2", "v3", "v4"], ["gpt-4o-mini", "gpt-5"], ["01-08", "01-14", "01-21", "01-30"], rng
    )
    m03_runs += [Run("v4", "gpt-5", at("02-02", "11:20:09"), errors=2)]
    return [
        Spec(
            "m01",
            "ExtractOwnBrandEntities",
            "Extract the retailer's own-brand entities from product listings",
            0.34,
            0.08,
            [
                Rubric("M01_brand_extracted", 0.12, 0.11, failure="own brand missing from the output"),
                Rubric(
                    "M01_lowercase_included", 0.80, 0.03, failure="lower-case variant of the brand not listed"
                ),
                Rubric(
                    "M01_typos_realistic",
                    0.70,
                    0.04,
                    failure="typo variants are not plausible keyboard slips",
                ),
            ],
            m01_runs,
            [
                "Essentials by Northfield organic oat milk 1L",
                "NORTHFIELD Kids vitamin D3 drops 10ml",
                "Mira Basics unscented baby wipes 3x72",
                "Vitalis ibuprofen 200mg 24 tablets",
                "BrightHome lemon dish soap 750ml (Mira Basics)",
                "Northfield Select dark roast beans 1kg",
            ],
            suggestions=[
                {
                    "version": "v1",
                    "rubric": "M01_brand_extracted",
                    "issue": "Missing brand extraction for medical products",
                    "suggestion": "Add explicit examples for medical brands",
                    "priority": "high",
                    "status": "applied",
                    "applied_in": "v2",
                },
                {
                    "version": "v2",
                    "rubric": "M01_typos_realistic",
                    "issue": "Typos are random letters, not keyboard slips",
                    "suggestion": "Describe adjacent-key and doubled-letter typos with two examples",
                    "priority": "medium",
                    "status": "applied",
                    "applied_in": "v3",
                },
                {
                    "version": "v3",
                    "rubric": "M01_lowercase_included",
                    "issue": "Lower-case variant dropped when the brand is an acronym",
                    "suggestion": "State that acronyms also get a lower-case variant",
                    "priority": "medium",
                    "status": "in_progress",
                },
                {
                    "version": "v5",
                    "rubric": "M01_brand_extracted",
                    "issue": "Sub-brands ('Essentials by Northfield') extracted as the parent brand only",
                    "suggestion": "Ask for the full sub-brand and the parent as two entities",
                    "priority": "high",
                    "status": "proposed",
                },
                {
                    "version": "v4",
                    "rubric": "M01_typos_realistic",
                    "issue": "Phonetic typos are never produced",
                    "suggestion": "Add phonetic misspellings to the typo list",
                    "priority": "low",
                    "status": "rejected",
                },
            ],
        ),
        Spec(
            "m01a",
            "ExtractOwnBrandEntitiesMultilingual",
            "Own-brand extraction on German and French listings",
            0.28,
            0.10,
            [
                Rubric("M01a_brand_extracted", 0.35, 0.12, failure="own brand missing from the output"),
                Rubric("M01a_language_preserved", 0.75, 0.05, failure="brand translated instead of kept"),
                Rubric(
                    "M01a_no_invented_brands",
                    0.85,
                    0.03,
                    failure="a brand that is not in the listing was added",
                ),
            ],
            grid(["v1", "v2"], ["gpt-4o-mini", "gpt-4o"], ["01-24", "02-01"], rng),
            [
                "Northfield Bio-Hafermilch 1L",
                "Mira Basics lingettes bébé 3x72",
                "Vitalis Ibuprofen 400 mg 20 Stück",
                "BrightHome liquide vaisselle citron 750ml",
                "Northfield Auswahl Espressobohnen 1kg",
            ],
            suggestions=[
                {
                    "version": "v1",
                    "rubric": "M01a_language_preserved",
                    "issue": "'Northfield Auswahl' translated to 'Select'",
                    "suggestion": "Tell the model never to translate brand names",
                    "priority": "high",
                    "status": "applied",
                    "applied_in": "v2",
                },
                {
                    "version": "v2",
                    "rubric": "M01a_brand_extracted",
                    "issue": "French sub-brands with articles are missed",
                    "suggestion": "Add examples with 'de'/'du' inside the brand",
                    "priority": "medium",
                    "status": "proposed",
                },
            ],
        ),
        Spec(
            "m02",
            "ClassifyProductCategory",
            "Map a product listing to the retail taxonomy (category, subcategory)",
            0.55,
            0.06,
            [
                Rubric("M02_category_correct", 0.72, 0.06, failure="wrong top-level category"),
                Rubric("M02_subcategory_correct", 0.58, 0.07, failure="wrong subcategory"),
                Rubric("M02_label_in_taxonomy", 0.90, 0.03, failure="label is not in the taxonomy"),
                Rubric(
                    "M02_confidence_calibrated",
                    0.60,
                    0.05,
                    unjudged=0.3,
                    failure="confidence high on a wrong label",
                ),
            ],
            m02_runs,
            [
                "Vitalis ibuprofen 200mg 24 tablets",
                "Northfield dark roast beans 1kg",
                "USB-C charging cable 2m braided",
                "Mira Basics baby wipes 3x72",
                "Stainless steel garlic press",
                "Kids' rain jacket, size 110",
            ],
            style="derived",
            dips={"v2": -0.05},
            suggestions=[
                {
                    "version": "v1",
                    "rubric": "M02_subcategory_correct",
                    "issue": "Baby care items filed under Personal care",
                    "suggestion": "List the Baby subcategories in the prompt",
                    "priority": "high",
                    "status": "applied",
                    "applied_in": "v2",
                },
                {
                    "version": "v2",
                    "rubric": "M02_category_correct",
                    "issue": "v2 regressed on electronics accessories",
                    "suggestion": "Restore the v1 electronics examples",
                    "priority": "high",
                    "status": "applied",
                    "applied_in": "v3",
                },
                {
                    "version": "v3",
                    "rubric": "M02_confidence_calibrated",
                    "issue": "Confidence is 0.9+ on most wrong labels",
                    "suggestion": "Ask for a short justification before the confidence",
                    "priority": "low",
                    "status": "proposed",
                },
            ],
        ),
        Spec(
            "m03",
            "GenerateProductTitle",
            "Write a marketplace title from the product attributes",
            0.40,
            0.09,
            [
                Rubric("M03_key_attributes_kept", 0.45, 0.10, failure="size or quantity dropped"),
                Rubric("M03_title_under_80_chars", 0.78, 0.04, failure="title longer than 80 characters"),
                Rubric(
                    "M03_no_promotional_language", 0.66, 0.06, failure="contains 'best', 'amazing' or similar"
                ),
            ],
            m03_runs,
            [
                "brand=Northfield; product=oat milk; size=1L; organic=yes",
                "brand=Vitalis; product=ibuprofen; dose=200mg",
                "brand=BrightHome; product=dish soap; scent=lemon; size=750ml",
                "brand=Mira Basics; product=wipes; pack=3x72",
            ],
            judge_model="gpt-4.1",
            style="boolean",
            suggestions=[
                {
                    "version": "v2",
                    "rubric": "M03_no_promotional_language",
                    "issue": "'Premium' appears in 1 of 5 titles",
                    "suggestion": "Add a banned-words list",
                    "priority": "medium",
                    "status": "applied",
                    "applied_in": "v3",
                },
                {
                    "version": "v4",
                    "rubric": "M03_key_attributes_kept",
                    "issue": "Pack counts dropped for multipacks",
                    "suggestion": "Require quantity x count when pack is given",
                    "priority": "high",
                    "status": "in_progress",
                },
                {
                    "version": "v3",
                    "rubric": "M03_title_under_80_chars",
                    "issue": "Long titles for bundles",
                    "suggestion": None,
                    "priority": None,
                    "status": "proposed",
                },
            ],
        ),
        Spec(
            "m04",
            "SummarizeCustomerReviews",
            "Summarise the reviews of a product in under 80 words",
            0.48,
            0.08,
            [
                Rubric("M04_faithful_to_reviews", 0.62, 0.07, failure="claims something no review says"),
                Rubric("M04_mentions_pros_and_cons", 0.55, 0.09, failure="only positives mentioned"),
                Rubric("M04_neutral_tone", 0.80, 0.03, failure="marketing tone"),
                Rubric("M04_under_80_words", 0.70, 0.06, unjudged=0.1, failure="summary over 80 words"),
            ],
            grid(["v1", "v2", "v3"], ["gpt-4o", "gpt-5"], ["01-15", "01-22", "01-29"], rng, tz=BERLIN),
            [
                "42 reviews of Northfield oat milk",
                "17 reviews of Vitalis ibuprofen",
                "230 reviews of a USB-C cable",
                "8 reviews of Mira Basics wipes",
            ],
            style="textual",
            suggestions=[
                {
                    "version": "v1",
                    "rubric": "M04_mentions_pros_and_cons",
                    "issue": "Negative reviews ignored",
                    "suggestion": "Require one sentence on complaints when any review is under 3 stars",
                    "priority": "high",
                    "status": "applied",
                    "applied_in": "v2",
                },
                {
                    "version": "v3",
                    "rubric": "M04_faithful_to_reviews",
                    "issue": "Star averages are invented",
                    "suggestion": "Pass the computed average in the input",
                    "priority": "medium",
                    "status": "proposed",
                },
            ],
        ),
        Spec(
            "m05",
            "DetectPolicyViolations",
            "Flag listings that break marketplace policy and cite the policy",
            0.38,
            0.045,
            [
                Rubric("M05_violation_detected", 0.50, 0.04, failure="violation not flagged"),
                Rubric("M05_policy_cited", 0.40, 0.05, failure="no or wrong policy section"),
                Rubric("M05_no_false_positive", 0.82, 0.015, failure="compliant listing flagged"),
            ],
            [
                *grid(
                    [f"v{n}" for n in range(1, 11)],
                    ["gpt-4o-mini"],
                    [f"01-{d:02d}" for d in (5, 6, 7, 9, 12, 13, 15, 19, 21, 26)],
                    rng,
                ),
                Run("v10", "gpt-4o", at("01-26", "15:02:44")),
            ],
            [
                "'Cures anxiety in 3 days' herbal drops",
                "Replica designer handbag, 'inspired by'",
                "Vitalis ibuprofen 200mg 24 tablets",
                "Hunting knife 20cm blade",
                "Northfield oat milk 1L",
            ],
            style="nameless",
            dips={"v6": -0.08},
            suggestions=[
                {
                    "version": "v6",
                    "rubric": "M05_violation_detected",
                    "issue": "v6 misses health claims",
                    "suggestion": "Revert the shortened health-claims section",
                    "priority": "high",
                    "status": "applied",
                    "applied_in": "v7",
                },
                {
                    "version": "v10",
                    "rubric": "M05_policy_cited",
                    "issue": "Cites the policy title, not the section",
                    "suggestion": "Give section numbers in the policy excerpt",
                    "priority": "medium",
                    "status": "proposed",
                },
            ],
        ),
    ]


# ------------------------------------------------------------------------------------------------ judge files


def share(spec: Spec, base: float, run: Run) -> float:
    """Expected pass share of a run: improves per version, better models higher, a little noise from the caller."""
    number = int(run.version.removeprefix("v"))
    dip = spec.dips.get(run.version, 0.0)
    return min(0.97, max(0.03, base + spec.gain * (number - 1) + MODEL_SKILL[run.model] + dip))


def judge_samples(spec: Spec, run: Run, rng: random.Random) -> list[dict[str, Any]]:
    """50 samples whose counts follow the run's expected shares; verdicts and rubrics correlate through a score."""
    scores = [rng.random() for _ in range(SAMPLES)]
    errors = set(rng.sample(range(SAMPLES), run.errors))
    judged_ids = [i for i in range(SAMPLES) if i not in errors]
    by_score = sorted(judged_ids, key=lambda i: -scores[i])
    passes = _count(run, "pass", share(spec, spec.base, run) + rng.uniform(-0.04, 0.04), len(judged_ids))
    verdict_pass = set(by_score[:passes])
    rubric_pass: dict[str, set[int]] = {}
    rubric_judged: dict[str, set[int]] = {}
    for rubric in spec.rubrics:
        judged = [i for i in judged_ids if run.exact or rng.random() >= rubric.unjudged]
        wanted = _count(
            run, rubric.name, share(spec, rubric.base, run) + rng.uniform(-0.05, 0.05), len(judged)
        )
        ranked = sorted(judged, key=lambda i: -(scores[i] + rng.gauss(0, 0.35)))
        rubric_pass[rubric.name], rubric_judged[rubric.name] = set(ranked[:wanted]), set(judged)
    samples = []
    for i in range(SAMPLES):
        samples.append(_sample(spec, i, i in errors, i in verdict_pass, rubric_pass, rubric_judged, rng))
    return samples


def _count(run: Run, name: str, expected: float, total: int) -> int:
    if run.exact is not None:
        return run.exact[name]
    return max(0, min(total, round(expected * total)))


def _sample(
    spec: Spec,
    i: int,
    error: bool,
    passed: bool,
    rubric_pass: dict[str, set[int]],
    rubric_judged: dict[str, set[int]],
    rng: random.Random,
) -> dict[str, Any]:
    sample: dict[str, Any] = {"sample_id": f"s{i + 1:03d}"}
    if error:
        return {
            **sample,
            "verdict": "error",
            "error": rng.choice(JUDGE_ERRORS),
            "input": rng.choice(spec.inputs),
        }
    values = {
        r.name: (i in rubric_pass[r.name]) if i in rubric_judged[r.name] else None for r in spec.rubrics
    }
    if spec.style != "derived":
        sample["verdict"] = passed if spec.style == "boolean" else ("pass" if passed else "fail")
    sample["rubrics"] = {k: _styled(v, spec.style) for k, v in values.items()}
    sample["input"] = rng.choice(spec.inputs)
    failed = [r.failure for r in spec.rubrics if values[r.name] is False]
    if failed:
        sample["explanation"] = "; ".join(failed)
    return sample


def _styled(value: bool | None, style: str) -> Any:
    if style == "textual" and value is not None:
        return "pass" if value else "fail"
    return value


def judge_file(spec: Spec, run: Run, rng: random.Random) -> dict[str, Any]:
    header: dict[str, Any] = {}
    if spec.style != "nameless":  # else module_id and prompt_version come from the file name
        header |= {"module_id": spec.module_id}
    header |= {"module_name": spec.name}
    if spec.style != "nameless":
        header |= {"prompt_version": run.version}
    header |= {
        "dataset_version": run.dataset,
        "model": run.model,
        "judge_model": spec.judge_model,
        "timestamp": run.when.isoformat(),
        "primary_rubric": spec.rubrics[0].name,
        "braintrust_url": f"https://www.braintrust.dev/app/acme/p/{spec.module_id}/experiments/"
        f"{run.version}-{model_slug(run.model)}-{run.when:%Y%m%d%H%M}",
        "braintrust_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "data_source": f"{spec.module_id.upper()}_{spec.name}_{run.dataset}_{run.when:%d%m%y}_1.csv"
        if spec.module_id != "m01"
        else f"M01_{spec.name}_{run.dataset}_150126_1.csv",
    }
    return {**header, "results": judge_samples(spec, run, rng)}


def dumps_judge_file(document: dict[str, Any]) -> str:
    """Header fields indented, one sample per line: how runners write them, and readable in a diff."""
    header = {k: v for k, v in document.items() if k != "results"}
    lines = jsonio.dumps(header).rstrip().removesuffix("}").rstrip()
    samples = ",\n".join("    " + json.dumps(s, ensure_ascii=False) for s in document["results"])
    return f'{lines},\n  "results": [\n{samples}\n  ]\n}}\n'


def file_name(spec: Spec, run: Run) -> str:
    return f"{spec.module_id}_{run.version}_{run.model}_{run.when:%Y%m%d}{run.suffix}.json"


# ------------------------------------------------------------------------------------------------ the data dir


def write_judge_files(out: Path, all_specs: list[Spec], rng: random.Random) -> None:
    folder = out / "judge_results"
    for stale in folder.glob("*.json"):
        stale.unlink()
    for spec in all_specs:
        for run in spec.runs:
            jsonio.atomic_write_text(
                folder / file_name(spec, run), dumps_judge_file(judge_file(spec, run, rng))
            )


def add_hand_edits(store: Store, all_specs: list[Spec]) -> None:
    """What a team adds by hand after importing: descriptions and suggestions."""
    with store.lock():
        for spec in all_specs:
            module = store.load_module(spec.module_id)
            suggestions = [
                Suggestion(id=f"{spec.module_id}-s{n}", **{k: v for k, v in s.items() if v is not None})
                for n, s in enumerate(spec.suggestions, start=1)
            ]
            edited = Module.model_validate(
                {**dict(module), "description": spec.description, "suggestions": suggestions}
            )
            store.save_module(edited)


def make(out: Path) -> None:
    rng = random.Random(SEED)
    all_specs = specs(rng)
    write_judge_files(out, all_specs, rng)
    for stale in [*(out / "modules").glob("*.json"), out / "heatmap_index.json"]:
        stale.unlink(missing_ok=True)
    store = Store(out)
    import_paths(store, [out / "judge_results"])
    add_hand_edits(store, all_specs)
    with store.lock():
        write_index(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    make(parser.parse_args().out)


if __name__ == "__main__":
    main()

"""Small, readable test data for the dashboard tests: real models written through the real Store and index."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sheets_sync.index_file import write_index
from sheets_sync.models import Experiment, Metrics, Module, RubricResult, Suggestion, experiment_id, rate
from sheets_sync.store import Store

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-5")


def run(
    module_id: str,
    version: str,
    model: str,
    passed: int,
    total: int = 50,
    *,
    day: int = 1,
    dataset: str = "v1",
    rubrics: dict[str, tuple[int, int]] | None = None,
    primary: str | None = None,
    error: int = 0,
    url: str | None = "default",
) -> Experiment:
    """One experiment; ``rubrics`` maps a rubric to (pass, total); match rate is the ``primary`` rubric's."""
    timestamp = datetime(2026, 1, day, 10, 0, 0)
    rubric_results = {name: RubricResult.from_counts(p, t) for name, (p, t) in (rubrics or {}).items()}
    match = rubric_results[primary].rate if primary in rubric_results else None
    return Experiment(
        id=experiment_id(module_id, version, model, timestamp) + (f"_{dataset}" if dataset != "v1" else ""),
        prompt_version=version,
        dataset_version=dataset,
        model=model,
        judge_model="gpt-4o",
        timestamp=timestamp,
        metrics=Metrics(
            pass_rate=rate(passed, total),
            match_rate=match,
            total=total,
            passed=passed,
            fail=total - passed - error,
            error=error,
        ),
        rubrics=rubric_results,
        braintrust_url=f"https://www.braintrust.dev/app/acme/p/{module_id}/experiments/{version}-{model}"
        if url == "default"
        else url,
    )


def write_modules(data_dir: Path, modules: list[Module]) -> Store:
    """Save the modules and build the index exactly as `sheets-sync import` would."""
    store = Store(data_dir)
    with store.lock():
        for module in modules:
            store.save_module(module)
        write_index(store)
    return store


def m01() -> Module:
    """Three models over v1, v2, v3 and v10 (natural order); gpt-5 goes 30/50 -> 40/50 from v2 to v3."""
    primary = "M01_brand_extracted"

    def r(version: str, model: str, passed: int, brand: int, lower: int, typos: int, day: int) -> Experiment:
        rubrics = {
            primary: (brand, 50),
            "M01_lowercase_included": (lower, 50),
            "M01_typos_realistic": (typos, 48),
        }
        return run("m01", version, model, passed, day=day, rubrics=rubrics, primary=primary)

    experiments = [
        r("v1", "gpt-4o-mini", 15, 5, 40, 35, 2),
        r("v1", "gpt-4o", 20, 12, 41, 30, 2),
        r("v1", "gpt-5", 22, 15, 44, 33, 2),
        r("v2", "gpt-4o-mini", 24, 18, 40, 30, 5),
        r("v2", "gpt-4o", 27, 20, 42, 36, 5),
        r("v2", "gpt-5", 30, 25, 45, 40, 5),
        r("v3", "gpt-4o-mini", 26, 19, 38, 31, 9),
        r("v3", "gpt-5", 40, 35, 44, 41, 9),
        r("v10", "gpt-4o", 33, 30, 47, 42, 20),
        r("v10", "gpt-5", 41, 36, 39, 45, 20),
    ]
    suggestions = [
        Suggestion(
            id="m01-s1",
            version="v1",
            rubric=primary,
            issue="Misses brands in medical listings",
            suggestion="Add examples of medical brands",
            priority="high",
            status="applied",
            applied_in="v2",
        ),
        Suggestion(
            id="m01-s2",
            version="v2",
            rubric=primary,
            issue="Brand confused with retailer",
            suggestion="Explain retailer vs brand",
            priority="medium",
            status="applied",
            applied_in="v3",
        ),
        Suggestion(
            id="m01-s3",
            version="v3",
            rubric="M01_lowercase_included",
            issue="Lowercase variants dropped",
            suggestion="Keep lowercase brand variants",
            priority="low",
            status="proposed",
        ),
    ]
    return Module(
        module_id="m01",
        module_name="ExtractOwnBrandEntities",
        description="Extract brand entities from product listings",
        primary_rubric=primary,
        experiments=experiments,
        suggestions=suggestions,
    )


def m02_xss() -> Module:
    """Everything a person types is hostile here: name, description, rubric, suggestions, a javascript: link."""
    experiments = [
        run(
            "m02",
            "v1",
            "gpt-4o",
            25,
            day=3,
            rubrics={XSS_SCRIPT: (20, 50)},
            primary=XSS_SCRIPT,
            url="javascript:alert(1)",
        ),
        run("m02", "v2", "gpt-4o", 28, day=6, rubrics={XSS_SCRIPT: (24, 50)}, primary=XSS_SCRIPT),
    ]
    suggestions = [
        Suggestion(
            id="m02-s1",
            version="v1",
            rubric=XSS_SCRIPT,
            issue=XSS_IMG,
            suggestion=XSS_SCRIPT,
            priority="high",
            status="applied",
            applied_in="v2",
        ),
    ]
    return Module(
        module_id="m02",
        module_name=XSS_IMG,
        description=XSS_SCRIPT,
        primary_rubric=XSS_SCRIPT,
        experiments=experiments,
        suggestions=suggestions,
    )


def m03_regression() -> Module:
    """A significant drop from v1 to v2 on gpt-4o, a dataset change at v3, gpt-5 only on v3, a 0-sample run.

    gpt-4o's v1 and v2 also judge M03_ascii_only, 46/50 -> 50/50: significant by the z-test (p 0.0412) while its
    interval [-0.6, +18.8] includes 0, a borderline change.
    """
    primary = "M03_schema_valid"

    def r(
        version: str,
        model: str,
        passed: int,
        valid: int,
        day: int,
        dataset: str = "v1",
        total: int = 50,
        ascii_only: int | None = None,
    ) -> Experiment:
        rubrics = {primary: (valid, total), "M03_no_extra_keys": (min(total, valid + 3), total)}
        if ascii_only is not None:
            rubrics["M03_ascii_only"] = (ascii_only, total)
        return run(
            "m03", version, model, passed, total, day=day, dataset=dataset, rubrics=rubrics, primary=primary
        )

    experiments = [
        r("v1", "gpt-4o", 40, 42, 4, ascii_only=46),
        r("v1", "gpt-4o-mini", 0, 0, 4, total=0),
        r("v2", "gpt-4o", 28, 30, 8, ascii_only=50),
        r("v2", "gpt-4o-mini", 33, 35, 8),
        r("v3", "gpt-4o", 31, 33, 12, dataset="v2"),
        r("v3", "gpt-5", 45, 46, 12, dataset="v2"),
    ]
    return Module(
        module_id="m03",
        module_name="ValidateOutputSchema",
        description="JSON output must match the schema",
        primary_rubric=primary,
        experiments=experiments,
    )


def sample_modules() -> list[Module]:
    return [m01(), m02_xss(), m03_regression()]

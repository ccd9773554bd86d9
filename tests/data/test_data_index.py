"""The heatmap index: shape, latest run per model, dataset versions, best, determinism."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheets_sync.best import best_run
from sheets_sync.index import build_index
from sheets_sync.index_file import write_index
from sheets_sync.models import Module
from sheets_sync.stats import wilson_interval
from sheets_sync.store import Store


def run(
    version: str, model: str, when: str, passed: int, primary: int = 10, dataset: str = "v1", n: int = 50
) -> dict:
    return {
        "id": f"m01_{version}_{model}_{when}", "prompt_version": version, "dataset_version": dataset, "model": model,
        "timestamp": when, "metrics": {"total": n, "pass": passed, "fail": n - passed},
        "rubrics": {"R": {"pass": primary, "total": n}},
    }  # fmt: skip


def module(*runs: dict[str, Any], module_id: str = "m01") -> Module:
    return Module.model_validate(
        {"module_id": module_id, "module_name": "Name", "primary_rubric": "R", "experiments": list(runs)}
    )


def test_shape_and_natural_orders() -> None:
    index = build_index({
        "m10": module(run("v1", "gpt-5", "2026-01-02T00:00:00", 5), module_id="m10"),
        "m2": module(
            run("v10", "gpt-4o", "2026-01-05T00:00:00", 40), run("v9", "gpt-4o", "2026-01-04T00:00:00", 30),
            run("v9", "gpt-4o-mini", "2026-01-03T00:00:00", 20), module_id="m2",
        ),
    })  # fmt: skip
    assert list(index) == ["schema_version", "generated_at", "models", "versions", "modules"]
    assert index["generated_at"] == "2026-01-05T00:00:00"
    assert index["models"] == ["gpt-4o", "gpt-4o-mini", "gpt-5"]
    assert index["versions"] == ["v1", "v9", "v10"]
    assert list(index["modules"]) == ["m2", "m10"]
    assert list(index["modules"]["m2"]["versions"]) == ["v9", "v10"]
    entry = index["modules"]["m2"]["versions"]["v9"]["by_model"]["gpt-4o"]
    ci = wilson_interval(30, 50)
    assert ci is not None
    assert entry == {
        "pass_rate": 60.0, "match_rate": 20.0, "total": 50, "pass": 30, "pass_rate_ci": [ci.low, ci.high],
        "experiment_id": "m01_v9_gpt-4o_2026-01-04T00:00:00", "timestamp": "2026-01-04T00:00:00",
        "dataset_version": "v1", "braintrust_url": None,
    }  # fmt: skip


def test_by_model_holds_the_most_recent_run_on_the_newest_dataset() -> None:
    cell = build_index({"m01": module(
        run("v3", "gpt-5", "2026-01-01T00:00:00", 10),
        run("v3", "gpt-5", "2026-01-09T00:00:00", 20),  # re-run: wins
        run("v3", "gpt-4o", "2026-01-10T00:00:00", 45),  # dataset v1: not comparable, left out
        run("v3", "gpt-5", "2026-01-05T00:00:00+01:00", 30, dataset="v2"),
        run("v3", "gpt-4o-mini", "2026-01-06T00:00:00", 35, dataset="v2"),
        run("v3", "gpt-4o-mini", "2026-01-05T23:30:00-02:00", 25, dataset="v2"),  # later instant than 01-06 00:00
    )})["modules"]["m01"]["versions"]["v3"]  # fmt: skip
    assert cell["dataset_version"] == "v2"
    assert {m: e["pass"] for m, e in cell["by_model"].items()} == {"gpt-4o-mini": 25, "gpt-5": 30}
    assert list(cell["by_model"]) == ["gpt-4o-mini", "gpt-5"]
    assert cell["best"]["model"] == "gpt-5"


def test_best_ties_go_to_match_rate_then_model_name() -> None:
    def best_model(*runs: tuple[str, int, int | None]) -> str | None:
        experiments = []
        for model, passed, matched in runs:
            e = module(run("v1", model, "2026-01-01T00:00:00", passed, primary=matched or 0)).experiments[0]
            if matched is None:
                e.metrics.match_rate = None
            experiments.append(e)
        found = best_run(experiments)
        return found.model if found else None

    assert best_model(("b", 25, 5), ("a", 25, 10)) == "a"
    assert best_model(("b", 25, 10), ("a", 25, 5)) == "b"
    assert best_model(("b", 25, 10), ("a", 25, 10)) == "a"
    assert best_model(("a", 25, None), ("b", 25, 0)) == "b"
    assert best_model(("a", 26, 0), ("b", 25, 49)) == "a"
    assert best_run([]) is None


def test_a_run_without_samples_has_null_rates_and_no_interval() -> None:
    empty = {**run("v1", "gpt-5", "2026-01-01T00:00:00", 0, primary=0, n=0)}
    cell = build_index({"m01": module(empty)})["modules"]["m01"]["versions"]["v1"]
    assert cell["by_model"]["gpt-5"]["pass_rate"] is None
    assert cell["by_model"]["gpt-5"]["match_rate"] is None
    assert cell["by_model"]["gpt-5"]["pass_rate_ci"] is None
    assert cell["best"] is None


def test_empty_data_gives_an_empty_index() -> None:
    assert build_index({}) == {
        "schema_version": 1, "generated_at": None, "models": [], "versions": [], "modules": {},
    }  # fmt: skip


def test_rebuilding_on_unchanged_data_writes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.lock():
        store.save_module(module(run("v1", "gpt-5", "2026-01-01T00:00:00", 15)))
        assert write_index(store) is True
        first = store.index_path.read_bytes()
        assert write_index(store) is False
    assert store.index_path.read_bytes() == first


def test_the_index_does_not_depend_on_the_order_of_experiments() -> None:
    """Versions that are equal in natural order (v1/V1, dataset v2/V2) still come out in one order, whatever the
    order of the experiments in memory (an import appends; a load reads the file's sorted order)."""
    runs = [
        run("V1", "gpt-5", "2026-01-01T00:00:00", 10, dataset="V2"),
        run("v1", "gpt-5", "2026-01-02T00:00:00", 20, dataset="v2"),
        run("v01", "gpt-4o", "2026-01-03T00:00:00", 30),
    ]
    forward, backward = build_index({"m01": module(*runs)}), build_index({"m01": module(*reversed(runs))})
    assert forward == backward
    assert list(forward["modules"]["m01"]["versions"]) == ["V1", "v01", "v1"]
    assert forward["versions"] == ["V1", "v01", "v1"]

"""The data model: rates, rounding, natural version order, validation messages, byte-identical round trips."""

from __future__ import annotations

import errno
import json
import os
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from data_helpers import SAMPLE_DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync import jsonio
from sheets_sync.errors import DataError
from sheets_sync.models import Module, RubricResult, experiment_id, model_slug, rate
from sheets_sync.store import Store, module_problems
from sheets_sync.versions import sorted_versions, version_key


@pytest.mark.parametrize(
    ("passed", "total", "expected"),
    [(1, 8, 12.5), (2, 3, 66.7), (1, 16, 6.3), (1, 3, 33.3), (5, 50, 10.0), (1, 80, 1.3), (1, 40, 2.5), (0, 7, 0.0),
     (7, 7, 100.0), (1, 200, 0.5), (1, 2000, 0.1), (1, 2001, 0.0)],
)  # fmt: skip
def test_rate_rounds_half_up_to_one_decimal(passed: int, total: int, expected: float) -> None:
    assert rate(passed, total) == expected


def test_rate_is_null_with_nothing_to_divide_by() -> None:
    assert rate(0, 0) is None
    assert RubricResult.from_counts(0, 0).rate is None


@given(
    st.integers(min_value=1, max_value=100_000).flatmap(lambda t: st.tuples(st.integers(0, t), st.just(t)))
)
def test_rate_matches_decimal_half_up(counts: tuple[int, int]) -> None:
    passed, total = counts
    exact = (Decimal(100 * passed) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert rate(passed, total) == float(exact)
    assert str(rate(passed, total)) == str(exact)  # writes as the one-decimal text, e.g. 66.7 not 66.70000001


def test_v10_sorts_after_v9() -> None:
    assert sorted_versions(["v10", "v2", "v9", "v1", "v10.1", "v2"]) == ["v1", "v2", "v9", "v10", "v10.1"]


@given(st.permutations(["v1", "V1", "v01", "v10", "v9", "v1.0", "v1a", "v2"]))
def test_natural_order_does_not_depend_on_input_order(versions: list[str]) -> None:
    """v1/V1 and v01/v1 are equal as versions; ties go to the text, so a set's order never shows in the output."""
    assert sorted_versions(versions) == ["V1", "v01", "v1", "v1.0", "v1a", "v2", "v9", "v10"]


@given(st.lists(st.integers(min_value=0, max_value=10**6), unique=True))
def test_version_order_is_numeric(numbers: list[int]) -> None:
    versions = [f"v{n}" for n in numbers]
    assert sorted(versions, key=version_key) == [f"v{n}" for n in sorted(numbers)]


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, unique=True))
def test_dotted_version_order_is_numeric_per_part(parts: list[tuple[int, int]]) -> None:
    versions = [f"v{a}.{b}" for a, b in parts]
    assert sorted(versions, key=version_key) == [f"v{a}.{b}" for a, b in sorted(parts)]


def test_experiment_id_uses_slug_and_own_date() -> None:
    assert model_slug("gpt-4o-mini") == "gpt4omini"
    when = datetime.fromisoformat("2026-01-20T23:59:00-08:00")
    assert experiment_id("m01", "v1", "GPT-4o Mini", when) == "m01_v1_gpt4omini_20260120"


# ------------------------------------------------------------------------------------------------ validation


def module_doc(**experiment_fields: Any) -> dict[str, Any]:
    experiment = {
        "id": "m01_v1_gpt4omini_20260120",
        "prompt_version": "v1",
        "model": "gpt-4o-mini",
        "timestamp": "2026-01-20T00:31:46",
        "metrics": {"pass_rate": 30.0, "match_rate": 10.0, "total": 50, "pass": 15, "fail": 35, "error": 0},
        "rubrics": {
            "M01_brand_extracted": {"pass": 5, "total": 50, "rate": 10.0},
            "M01_lowercase_included": {"pass": 40, "total": 50, "rate": 80.0},
        },
    }
    experiment.update(experiment_fields)
    return {
        "module_id": "m01",
        "module_name": "ExtractOwnBrandEntities",
        "primary_rubric": "M01_brand_extracted",
        "experiments": [experiment],
        "suggestions": [],
    }


def problems_of(doc: dict[str, Any]) -> list[tuple[str, str]]:
    result = module_problems(doc)
    assert not isinstance(result, Module), "expected the document to be invalid"
    return result


def test_counts_must_add_up() -> None:
    doc = module_doc(metrics={"total": 50, "pass": 15, "fail": 30, "error": 0})
    [(path, message)] = problems_of(doc)
    assert path == "experiments[0].metrics.pass"
    assert "15 + 30 + 0 = 45, not total 50" in message


def test_rate_off_by_more_than_tolerance_is_named() -> None:
    doc = module_doc()
    doc["experiments"][0]["rubrics"]["M01_lowercase_included"]["rate"] = 80.1
    [(path, message)] = problems_of(doc)
    assert path == "experiments[0].rubrics.M01_lowercase_included.rate"
    assert "80.1 does not match 40/50 = 80.0" in message


def test_rate_within_tolerance_is_accepted_and_written_canonical() -> None:
    doc = module_doc()
    doc["experiments"][0]["metrics"]["pass_rate"] = 30.04
    doc["experiments"][0]["rubrics"]["M01_lowercase_included"]["rate"] = None  # absent or null: computed
    module = Module.model_validate(doc)
    written = module.to_json_dict()["experiments"][0]
    assert written["metrics"]["pass_rate"] == 30.0
    assert written["rubrics"]["M01_lowercase_included"]["rate"] == 80.0


def test_rate_with_nothing_to_divide_by_must_be_null() -> None:
    doc = module_doc()
    doc["experiments"][0]["rubrics"]["M01_lowercase_included"] = {"pass": 0, "total": 0, "rate": 0.0}
    [(path, message)] = problems_of(doc)
    assert path == "experiments[0].rubrics.M01_lowercase_included.rate"
    assert "must be null" in message


def test_match_rate_must_follow_the_primary_rubric() -> None:
    doc = module_doc(metrics={"pass_rate": 30.0, "match_rate": 80.0, "total": 50, "pass": 15, "fail": 35})
    [(path, message)] = problems_of(doc)
    assert path == "experiments[0].metrics.match_rate"
    assert "primary rubric M01_brand_extracted" in message


def test_match_rate_is_null_without_a_primary_rubric() -> None:
    doc = module_doc()
    doc["primary_rubric"] = None
    doc["experiments"][0]["metrics"]["match_rate"] = None
    assert Module.model_validate(doc).experiments[0].metrics.match_rate is None
    doc["experiments"][0]["metrics"]["match_rate"] = 10.0
    [(path, message)] = problems_of(doc)
    assert path == "experiments[0].metrics.match_rate"
    assert "no primary rubric" in message


def test_every_problem_is_reported_not_only_the_first() -> None:
    doc = module_doc()
    second = dict(doc["experiments"][0], timestamp="2026-01-21T00:00:00")
    doc["experiments"].append(second)  # duplicate id
    doc["suggestions"] = [
        {"id": "m01-s1"},
        {"id": "m01-s1"},
        {"id": "m02-s3"},
        {"id": "m01-s2", "priority": "urgent"},
    ]
    paths = [path for path, _ in problems_of(doc)]
    assert paths == ["suggestions[3].priority"]  # field errors first: model-level checks need valid fields
    doc["suggestions"][3]["priority"] = "High"  # case and spaces are forgiven
    paths = [path for path, _ in problems_of(doc)]
    assert paths == ["experiments[1].id", "suggestions[1].id", "suggestions[2].id"]


def test_null_means_the_default_for_optional_values() -> None:
    """Optional values may be absent or null on input; the output is the same either way."""
    doc = module_doc(dataset_version=None, judge_model=None, braintrust_url=None)
    doc["experiments"][0]["metrics"]["error"] = None
    doc.update(schema_version=None, description=None)
    doc["suggestions"] = [
        {"id": "m01-s1", "issue": None, "suggestion": None, "priority": None, "version": None}
    ]
    absent = {**module_doc(), "suggestions": [{"id": "m01-s1"}]}
    assert Module.model_validate(doc).to_json_dict() == Module.model_validate(absent).to_json_dict()
    written = Module.model_validate(doc).to_json_dict()
    assert (written["schema_version"], written["description"]) == (1, "")
    assert written["experiments"][0]["dataset_version"] == "v1"
    assert written["experiments"][0]["metrics"]["error"] == 0
    assert written["suggestions"][0] == {
        "id": "m01-s1", "version": None, "rubric": None, "issue": "", "suggestion": "", "priority": None,
        "status": "proposed", "applied_in": None,
    }  # fmt: skip
    empty = {"module_id": "m01", "module_name": "N", "experiments": None, "suggestions": None}
    assert Module.model_validate(empty).to_json_dict()["experiments"] == []
    doc["suggestions"][0]["status"] = (
        None  # the exception: a status cleared by mistake is reported, not reset
    )
    assert [path for path, _ in problems_of(doc)] == ["suggestions[0].status"]


@pytest.mark.parametrize(
    ("where", "value", "says"),
    [("total", "50", "valid integer, got '50'"), ("pass", True, "valid integer, got True"),
     ("fail", 35.0, "valid integer, got 35.0"), ("pass_rate", "30.0", "valid number, got '30.0'"),
     ("pass_rate", True, "valid number, got True")],
)  # fmt: skip
def test_counts_and_rates_are_not_coerced(where: str, value: Any, says: str) -> None:
    """A hand edit that types "50" or true where a number belongs is reported, not silently read as 50 or 1."""
    doc = module_doc()
    doc["experiments"][0]["metrics"][where] = value
    [(path, message)] = problems_of(doc)
    assert path == f"experiments[0].metrics.{where}"
    assert says in message


def test_a_rubric_cannot_be_judged_on_more_samples_than_the_run_has() -> None:
    doc = module_doc()
    doc["experiments"][0]["rubrics"]["M01_lowercase_included"] = {"pass": 40, "total": 51}
    [(path, message)] = problems_of(doc)
    assert path == "experiments[0].rubrics.M01_lowercase_included.total"
    assert message == "51 is more than the run's total of 50 samples"


def test_names_must_not_be_blank() -> None:
    doc = module_doc()
    doc["module_name"] = "  "
    doc["experiments"][0]["rubrics"][""] = {"pass": 1, "total": 1}
    assert problems_of(doc) == [
        ("module_name", "must not be blank"),
        ("experiments[0].rubrics", "key '': must not be empty"),
    ]


def test_keys_are_written_in_field_order_not_alphabetically() -> None:
    written = Module.model_validate(module_doc()).to_json_dict()
    assert list(written) == [
        "schema_version", "module_id", "module_name", "description", "primary_rubric", "experiments", "suggestions",
    ]  # fmt: skip
    experiment = written["experiments"][0]
    assert list(experiment)[:4] == ["id", "prompt_version", "dataset_version", "model"]
    assert list(experiment["metrics"]) == ["pass_rate", "match_rate", "total", "pass", "fail", "error"]
    assert list(experiment["rubrics"]["M01_brand_extracted"]) == ["pass", "total", "rate"]


def test_unknown_fields_are_errors() -> None:
    doc = module_doc()
    doc["experiments"][0]["dataset_verison"] = "v2"
    [(path, message)] = problems_of(doc)
    assert path == "experiments[0].dataset_verison"
    assert "unknown field" in message


def test_timestamp_zone_is_kept() -> None:
    module = Module.model_validate(module_doc(timestamp="2026-01-20T00:31:46+01:00"))
    assert module.to_json_dict()["experiments"][0]["timestamp"] == "2026-01-20T00:31:46+01:00"


def test_timestamp_as_number_is_refused() -> None:
    [(path, message)] = problems_of(module_doc(timestamp=1768869106))
    assert path == "experiments[0].timestamp"
    assert "ISO 8601" in message


def test_next_suggestion_id_is_one_more_than_the_highest() -> None:
    doc = module_doc()
    doc["suggestions"] = [{"id": "m01-s2"}, {"id": "m01-s7"}]
    assert Module.model_validate(doc).next_suggestion_id() == "m01-s8"


# ------------------------------------------------------------------------------------------------ store


def test_load_error_names_file_and_json_path(data_dir: Path) -> None:
    doc = module_doc(metrics={"total": 50, "pass": 15, "fail": 30, "error": 0})
    jsonio.write_json(data_dir / "modules" / "m01.json", doc)
    with pytest.raises(DataError) as caught:
        Store(data_dir).load_module("m01")
    assert str(caught.value).startswith(f"{data_dir / 'modules' / 'm01.json'}: experiments[0].metrics.pass: ")


def test_a_byte_order_mark_is_read_and_not_written_back(data_dir: Path) -> None:
    path = data_dir / "modules" / "m01.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf" + jsonio.dumps(module_doc()).encode())
    store = Store(data_dir)
    module = store.load_module("m01")
    with store.lock():
        assert store.save_module(module) is True
    assert path.read_bytes().startswith(b"{")


@pytest.mark.parametrize("module_id", ["../judge_results/m01_v1", "m01/../../x", "", ".hidden"])
def test_a_module_argument_that_is_not_an_id_reads_nothing(data_dir: Path, module_id: str) -> None:
    with pytest.raises(DataError, match="is not a module id"):
        Store(data_dir).load_module(module_id)


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m01.json"
    jsonio.write_json(path, {"old": True})
    path.chmod(0o640)

    def disk_full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(
        os, "replace", disk_full
    )  # the crash point: after the data is written, before the rename
    with pytest.raises(OSError, match="No space left"):
        jsonio.write_json(path, {"new": True})
    assert path.read_text() == '{\n  "old": true\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["m01.json"]
    monkeypatch.undo()
    assert jsonio.write_json(path, {"new": True}) is True
    assert path.stat().st_mode & 0o777 == 0o640  # a rewrite keeps the file's permissions


def test_load_then_save_is_byte_identical(tmp_path: Path) -> None:
    store = Store(tmp_path / "copy")
    for path in sorted((SAMPLE_DATA / "modules").glob("*.json")):
        store.modules_dir.mkdir(parents=True, exist_ok=True)
        (store.modules_dir / path.name).write_bytes(path.read_bytes())
    with store.lock():
        for module_id in store.module_ids():
            assert store.save_module(store.load_module(module_id)) is False  # nothing to write
    for path in sorted((SAMPLE_DATA / "modules").glob("*.json")):
        assert (store.modules_dir / path.name).read_bytes() == path.read_bytes()


def counts_up_to(most: int) -> st.SearchStrategy[tuple[int, int]]:
    """(passed, total) with total <= most."""
    return st.integers(0, most).flatmap(lambda total: st.tuples(st.integers(0, total), st.just(total)))


counts = counts_up_to(60)


@st.composite
def modules(draw: st.DrawFn) -> Module:
    """Random valid modules: consistent counts, natural and unnatural version names, unicode text."""
    experiments = []
    for n in range(draw(st.integers(0, 6))):
        passed, total = draw(counts)
        error = draw(st.integers(0, total - passed))
        rubric_counts = draw(
            st.dictionaries(st.sampled_from(["R_a", "R_b", "R_c"]), counts_up_to(total), max_size=3)
        )
        version = f"v{draw(st.integers(1, 12))}"
        experiments.append({
            "id": f"e{n}", "prompt_version": version, "model": draw(st.sampled_from(["gpt-4o", "gpt-5"])),
            "timestamp": f"2026-01-{n + 1:02d}T0{n}:00:00", "primary_rubric": None,
            "metrics": {"total": total, "pass": passed, "fail": total - passed - error, "error": error},
            "rubrics": {k: {"pass": p, "total": t} for k, (p, t) in rubric_counts.items()},
        })  # fmt: skip
    text = draw(st.text(max_size=30))
    return Module.model_validate({
        "module_id": "m01", "module_name": "Name " + text, "description": text, "primary_rubric": "R_a",
        "experiments": experiments,
        "suggestions": [{"id": f"m01-s{i + 1}", "issue": text} for i in range(draw(st.integers(0, 3)))],
    })  # fmt: skip


@settings(deadline=None)  # the machine is shared: a slow example is not a failure
@given(modules())
def test_module_json_round_trip_is_byte_identical(module: Module) -> None:
    text = jsonio.dumps(module.to_json_dict())
    again = Module.model_validate_json(text)
    assert again == module.normalized()
    assert jsonio.dumps(again.to_json_dict()) == text
    assert json.loads(text)["experiments"] == sorted(
        json.loads(text)["experiments"], key=lambda e: (version_key(e["prompt_version"]), e["timestamp"])
    )

"""``sheets-sync braintrust pull`` against a fake Braintrust on loopback that answers as the recorded traffic does
(never the network). The fake's answers are checked against Braintrust's public OpenAPI spec."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result
from fake_braintrust import (
    API_KEY,
    FIXTURES,
    FakeBraintrust,
    experiment,
    recorded,
    recorded_answer,
    serving,
    span,
    trace,
    xact,
)
from fake_clock import FakeClock

from sheets_sync.braintrust import pull
from sheets_sync.braintrust.client import BraintrustClient, Credentials
from sheets_sync.cli import main
from sheets_sync.errors import BraintrustAuthError, BraintrustUnavailableError
from sheets_sync.models import RunLinkKind
from sheets_sync.store import Store
from sheets_sync.sync.retry import RetryPolicy

pytestmark = [
    pytest.mark.http,
    pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures is absent"),
]


@pytest.fixture
def fake() -> Iterator[FakeBraintrust]:
    with serving(FakeBraintrust()) as running:
        yield running


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def run_pull(fake: FakeBraintrust, data_dir: Path, *args: str, key: str | None = API_KEY) -> Result:
    env = {"BRAINTRUST_API_KEY": key or "", "BRAINTRUST_API_URL": fake.url, "SHEETS_SYNC_DATA_DIR": ""}
    command = ["braintrust", "pull", "--project", fake.project, "--data-dir", str(data_dir), *args]
    return CliRunner(env=env).invoke(main, command, catch_exceptions=False)


def pulled_ok(fake: FakeBraintrust, data_dir: Path, *args: str) -> dict[str, Any]:
    result = run_pull(fake, data_dir, "--json", *args)
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def runs(data_dir: Path, module_id: str = "m01") -> list[Any]:
    return Store(data_dir).load_module(module_id).experiments


NEW = {"module_name": "Checkout"}


def _standard(fake: FakeBraintrust) -> dict[str, Any]:
    """One experiment named the way teams name them (renamed by the server: a -<8 hex> suffix), three test cases
    scored on child spans, one of them with a null score, and a repeated row with an older _xact_id."""
    rows = [
        *trace({"accuracy": 1.0, "format": 1.0}),
        *trace({"accuracy": 0.5, "format": 1.0}),
        *trace({"accuracy": 1.0, "format": None}),
    ]
    stale = dict(rows[0], _xact_id=str(int(rows[0]["_xact_id"]) - 5), error="stale copy")
    return fake.add(
        experiment("m01_v1_gpt-4o-1a2b3c4d", "2026-01-10T10:00:00.000Z", {**NEW, "dataset_version": "v2"}),
        [*rows, stale],
    )


def test_traces_are_samples_scores_merge_across_the_trace_and_links_come_from_summarize(
    fake: FakeBraintrust, data_dir: Path
) -> None:
    made = _standard(fake)
    answer = pulled_ok(fake, data_dir)
    assert answer["counts"]["new"] == 1 and answer["skipped"] == []
    (run,) = runs(data_dir)
    m = run.metrics
    # 3 traces (scorer spans are not samples); the 0.5 accuracy fails the default threshold 1.0.
    assert (m.total, m.passed, m.fail, m.error) == (3, 2, 1, 0)
    assert {k: (r.passed, r.total) for k, r in run.rubrics.items()} == {"accuracy": (2, 3), "format": (2, 2)}
    assert (run.model, run.prompt_version, run.dataset_version) == ("gpt-4o", "v1", "v2")
    assert run.braintrust_id == made["id"] and run.external_id == f"braintrust:{made['id']}"
    expected_url = f"https://www.braintrust.dev/app/acme/p/evals/experiments/{made['name']}"
    assert run.braintrust_url == expected_url
    assert run.run_link is not None and run.run_link.kind is RunLinkKind.BRAINTRUST
    assert answer["links"] == {made["name"]: "summarize"}


def test_thresholds_decide_a_pass(fake: FakeBraintrust, data_dir: Path) -> None:
    _standard(fake)
    pulled_ok(fake, data_dir, "--threshold", "accuracy=0.5")
    (run,) = runs(data_dir)
    assert (run.rubrics["accuracy"].passed, run.metrics.passed) == (3, 3)


def test_scores_on_the_root_and_errored_roots(fake: FakeBraintrust, data_dir: Path) -> None:
    rows = [
        *trace({"accuracy": 1.0}, on_root=True),
        *trace({"accuracy": 0.0}, on_root=True, error="timeout"),
        *trace({"accuracy": None}),  # nothing scored it: an error, not a pass
    ]
    fake.add(experiment("m01_v2_gpt-4o", "2026-01-11T10:00:00Z", NEW), rows)
    pulled_ok(fake, data_dir)
    (run,) = runs(data_dir)
    assert (run.metrics.passed, run.metrics.fail, run.metrics.error) == (1, 0, 2)


def test_pulling_twice_changes_no_byte(fake: FakeBraintrust, data_dir: Path) -> None:
    _standard(fake)
    pulled_ok(fake, data_dir)
    files = {p: p.read_bytes() for p in data_dir.rglob("*.json")}
    again = pulled_ok(fake, data_dir)
    assert again["counts"] == {"new": 0, "updated": 0, "unchanged": 1}
    assert {p: p.read_bytes() for p in data_dir.rglob("*.json")} == files


def test_changed_metadata_or_events_update_the_same_run_in_place(
    fake: FakeBraintrust, data_dir: Path
) -> None:
    made = _standard(fake)
    pulled_ok(fake, data_dir)
    (first,) = runs(data_dir)
    made["metadata"] = {**NEW, "dataset_version": "v3", "prompt_version": "v1b"}
    fake.events[made["id"]].append(
        dict(
            span(str(fake.events[made["id"]][0]["root_span_id"]), is_root=False, scores={"tone": 0.0}),
            _xact_id=xact(),
        )
    )
    answer = pulled_ok(fake, data_dir)
    assert answer["counts"] == {"new": 0, "updated": 1, "unchanged": 0}
    (second,) = runs(data_dir)
    assert second.id == first.id
    assert (second.prompt_version, second.dataset_version) == ("v1b", "v3")
    assert second.rubrics["tone"].total == 1


def test_an_experiment_renamed_to_another_module_moves(fake: FakeBraintrust, data_dir: Path) -> None:
    made = _standard(fake)
    pulled_ok(fake, data_dir)
    made["metadata"] = {"module": "m02", "module_name": "Returns", "dataset_version": "v2"}
    pulled_ok(fake, data_dir)
    assert runs(data_dir, "m01") == [] and len(runs(data_dir, "m02")) == 1


def test_pagination_and_request_count(fake: FakeBraintrust, data_dir: Path) -> None:
    for n in range(20):
        rows = [row for _ in range(3) for row in trace({"accuracy": 1.0})]
        fake.add(experiment(f"m01_v{n + 1}_gpt-4o", f"2026-02-{n + 1:02d}T00:00:00Z", NEW), rows)
    client = BraintrustClient(Credentials(api_key=API_KEY, api_url=fake.url), list_page=7)
    result = pull(Store(data_dir), client, project="evals")
    assert len(result.results) == 20 and result.listed == 20
    # 3 list pages of 7, 7, 6; per experiment one fetch page, the empty page that ends it, one summarize.
    assert fake.requests("/v1/experiment?") == 3
    assert fake.requests("/fetch") == 40 and fake.requests("/summarize") == 20
    assert result.requests == len(fake.log) == 63


def test_fetch_follows_the_cursor_until_an_empty_page(fake: FakeBraintrust, data_dir: Path) -> None:
    rows = [row for _ in range(5) for row in trace({"accuracy": 1.0})]
    made = fake.add(experiment("m01_v1_gpt-4o", "2026-01-10T10:00:00Z", NEW), rows)
    client = BraintrustClient(Credentials(api_key=API_KEY, api_url=fake.url), fetch_page=3)
    assert len(client.events(made["id"])) == 10
    assert fake.requests("/fetch") == 5  # 3 + 3 + 3 + 1 (short page, cursor still given) + the empty one


def test_429_is_retried_with_backoff_and_gives_up_by_the_deadline(
    fake: FakeBraintrust, data_dir: Path
) -> None:
    _standard(fake)
    clock = FakeClock(start=0.0)
    fake.throttle, fake.retry_after = 2, None
    client = BraintrustClient(
        Credentials(api_key=API_KEY, api_url=fake.url), policy=RetryPolicy(clock=clock, deadline=60)
    )
    result = pull(Store(data_dir), client, project="evals")
    assert len(result.results) == 1 and len(clock.sleeps) == 2
    fake.throttle, fake.retry_after = 10**6, "20"
    client = BraintrustClient(
        Credentials(api_key=API_KEY, api_url=fake.url),
        policy=RetryPolicy(clock=FakeClock(start=0.0), deadline=60),
    )
    with pytest.raises(BraintrustUnavailableError, match="gave up"):
        pull(Store(data_dir), client, project="evals")


def test_deadline_flag_bounds_the_retries_as_push_and_pull_do(fake: FakeBraintrust, data_dir: Path) -> None:
    """A throttled (or unreachable) API is retried until --deadline, not for the default five minutes."""
    _standard(fake)
    fake.throttle, fake.retry_after = 10**6, "20"  # waiting 20 s would pass a 1 s deadline: give up at once
    result = run_pull(fake, data_dir, "--deadline", "1")
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert "gave up" in line and "deadline 1s" in line and "Nothing was written" in line
    assert not data_dir.exists()


def test_a_401_is_one_line_naming_the_url_and_nothing_is_written(
    fake: FakeBraintrust, data_dir: Path
) -> None:
    _standard(fake)
    result = run_pull(fake, data_dir, key="sk-wrong-key-987")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert f"{fake.url}/v1/experiment" in line and "HTTP 401" in line and "BRAINTRUST_API_KEY" in line
    assert "sk-wrong-key-987" not in result.output + result.stderr
    assert not data_dir.exists()


def test_a_missing_key_says_which_variable(fake: FakeBraintrust, data_dir: Path) -> None:
    result = run_pull(fake, data_dir, key=None)
    assert result.exit_code == 1 and "BRAINTRUST_API_KEY" in result.stderr and fake.log == []


def test_a_malformed_answer_is_one_line_naming_the_url_and_nothing_is_written(
    fake: FakeBraintrust, data_dir: Path
) -> None:
    made = _standard(fake)
    fake.events[made["id"]][1]["scores"] = {"accuracy": "high"}
    result = run_pull(fake, data_dir)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert f"/v1/experiment/{made['id']}/fetch" in line and "scores.accuracy" in line
    assert not (data_dir / "modules").exists() or not any((data_dir / "modules").iterdir())


def test_experiments_without_identity_are_skipped_and_listed(fake: FakeBraintrust, data_dir: Path) -> None:
    _standard(fake)
    for recorded_experiment in recorded_answer(
        "TestExperiments_List_Integration.yaml", "GET", "/v1/experiment?"
    )["objects"]:
        fake.add(copy.deepcopy(recorded_experiment), trace({"accuracy": 1.0}))
    result = run_pull(fake, data_dir)
    assert result.exit_code == 0, result.stderr
    skipped = [line for line in result.stdout.splitlines() if line.startswith("skipped")]
    assert len(skipped) == len(fake.experiments) - 1
    assert all("<module>_<version>_<model>" in line for line in skipped)
    assert len(runs(data_dir)) == 1


def test_recorded_metadata_with_configured_keys(fake: FakeBraintrust, data_dir: Path) -> None:
    created = recorded_answer("TestEval_Integration_ExperimentMetadata.yaml", "POST", "/v1/experiment")
    # The recorded experiment: metadata {"model": "gpt-4", "version": "1.0.0", ...}, renamed by the server.
    created["metadata"] = {**created["metadata"], "module": "m07", "module_name": "Recorded"}
    fake.add(created, trace({"accuracy": 1.0}))
    pulled_ok(fake, data_dir, "--metadata-key", "prompt_version=version")
    (run,) = runs(data_dir, "m07")
    assert (run.model, run.prompt_version, run.dataset_version) == ("gpt-4", "1.0.0", "v1")


def test_since_and_experiment_filters(fake: FakeBraintrust, data_dir: Path) -> None:
    fake.add(experiment("m01_v1_gpt-4o", "2026-01-01T00:00:00Z", NEW), trace({"a": 1.0}))
    fake.add(experiment("m01_v2_gpt-4o-0badc0de", "2026-03-01T00:00:00Z", NEW), trace({"a": 1.0}))
    fake.add(experiment("m01_v3_gpt-4o", "2026-03-02T00:00:00Z", NEW), trace({"a": 1.0}))
    pulled_ok(fake, data_dir, "--since", "2026-02-01", "--experiment", "m01_v2_gpt-4o")
    assert [r.prompt_version for r in runs(data_dir)] == ["v2"]
    result = run_pull(fake, data_dir, "--experiment", "nope")
    assert result.exit_code == 1 and "'nope'" in result.stderr


def test_a_built_link_when_summarize_names_none(fake: FakeBraintrust, data_dir: Path) -> None:
    fake.summarize_url = False
    fake.add(experiment("m01_v1_gpt 4o", "2026-01-01T00:00:00Z", NEW), trace({"a": 1.0}))
    answer = pulled_ok(fake, data_dir, "--org", "Acme Inc")
    (run,) = runs(data_dir)
    assert (
        run.braintrust_url == "https://www.braintrust.dev/app/Acme%20Inc/p/evals/experiments/m01_v1_gpt%204o"
    )
    assert list(answer["links"].values()) == ["built"]


# ------------------------------------------------------------------------------------------------ the spec


@cache
def spec_components() -> dict[str, Any]:
    spec = json.loads((FIXTURES / "openapi.json").read_text())
    return _nullable_to_json_schema(spec["components"])


def _nullable_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` in JSON Schema words (``jsonschema`` does not know it)."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _nullable_to_json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def spec_check(schema: dict[str, Any]) -> Callable[[Any], None]:
    document = {**schema, "components": spec_components()}
    return jsonschema.Draft7Validator(document).validate


LIST_SCHEMA = {
    "type": "object",
    "properties": {"objects": {"type": "array", "items": {"$ref": "#/components/schemas/Experiment"}}},
    "required": ["objects"],
}


def test_the_fake_answers_as_the_spec_says(fake: FakeBraintrust, data_dir: Path) -> None:
    _standard(fake)
    pulled_ok(fake, data_dir)
    checks = {
        "list": spec_check(LIST_SCHEMA),
        "fetch": spec_check({"$ref": "#/components/schemas/FetchExperimentEventsResponse"}),
        "summarize": spec_check({"$ref": "#/components/schemas/SummarizeExperimentResponse"}),
    }
    assert {kind for kind, _ in fake.answers} == set(checks)
    for kind, body in fake.answers:
        checks[kind](body)


def test_the_recorded_answers_pass_the_same_spec_check() -> None:
    """The check itself is real: the recorded list answer passes it, and a broken copy does not."""
    listed = recorded_answer("TestExperiments_List_Integration.yaml", "GET", "/v1/experiment?")
    check = spec_check(LIST_SCHEMA)
    check(listed)
    broken = copy.deepcopy(listed)
    broken["objects"][0]["public"] = "yes"
    with pytest.raises(jsonschema.ValidationError):
        check(broken)
    assert any("/fetch" in i["request"]["url"] for i in recorded("TestDatasets_Fetch_Pagination.yaml"))


def test_the_key_is_not_in_the_error_at_debug_either(fake: FakeBraintrust, data_dir: Path) -> None:
    _standard(fake)
    env = {"BRAINTRUST_API_KEY": "sk-secret-777", "BRAINTRUST_API_URL": fake.url}
    with pytest.raises(BraintrustAuthError) as raised:
        CliRunner(env=env).invoke(
            main,
            ["--debug", "braintrust", "pull", "--project", "evals", "--data-dir", str(data_dir)],
            catch_exceptions=False,
        )
    assert raised.value.status == 401 and "sk-secret-777" not in f"{raised.value!s} {raised.value!r}"
    assert "sk-secret-777" not in repr(Credentials(api_key="sk-secret-777", api_url=fake.url))


def test_a_deleted_row_is_not_a_sample(fake: FakeBraintrust, data_dir: Path) -> None:
    rows = [*trace({"accuracy": 1.0}, on_root=True), *trace({"accuracy": 0.0}, on_root=True)]
    deleted = dict(rows[1], _xact_id=str(int(rows[1]["_xact_id"]) + 10), _object_delete=True)
    fake.add(experiment("m01_v1_gpt-4o", "2026-01-10T10:00:00Z", NEW), [*rows, deleted])
    pulled_ok(fake, data_dir)
    (run,) = runs(data_dir)
    assert (run.metrics.total, run.metrics.passed) == (1, 1)

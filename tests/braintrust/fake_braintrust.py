"""A small fake Braintrust REST API on loopback, answering as the recorded traffic in
../shared/fixtures/braintrust/*.yaml does (its objects are built from the recorded ones), for the three calls
``braintrust pull`` makes. Its answers are checked against the public spec (openapi.json) in the tests.

Behaviour taken from the recordings and the spec: the experiment list is newest first and carries no cursor (the
next page is ``starting_after=<last id>``); ``fetch`` returns a cursor even on a short page and an empty ``events``
list at the end; every row has ``_xact_id``, ``is_root`` and ``root_span_id``; a wrong key is HTTP 401.
"""

from __future__ import annotations

import copy
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

FIXTURES = Path(__file__).resolve().parents[2] / "../shared/fixtures/braintrust"
API_KEY = "sk-test-not-a-real-key-123456"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _cassette(cassette: str) -> str:
    return (FIXTURES / cassette).read_text()


def recorded(cassette: str) -> list[dict[str, Any]]:
    """The interactions of one go-vcr cassette: request (method, url, body) and response (code, body)."""
    data = yaml.load(_cassette(cassette), Loader=_LOADER)
    return list(data["interactions"])


def recorded_answer(cassette: str, method: str, url_part: str) -> Any:
    for interaction in recorded(cassette):
        request = interaction["request"]
        if request["method"] == method and url_part in request["url"]:
            return json.loads(interaction["response"]["body"])
    raise LookupError(f"{cassette} has no {method} {url_part}")


def experiment_template() -> dict[str, Any]:
    """An experiment object as the real list returned it."""
    return copy.deepcopy(_experiment_template())


def event_template() -> dict[str, Any]:
    """An event row as the real ``fetch`` returned it (a dataset row there: experiment fields swapped in)."""
    return copy.deepcopy(_event_template())


@cache
def _experiment_template() -> dict[str, Any]:
    listed = recorded_answer("TestExperiments_List_Integration.yaml", "GET", "/v1/experiment?")
    return dict(listed["objects"][0])


@cache
def _event_template() -> dict[str, Any]:
    page = recorded_answer("TestDatasets_Fetch_Pagination.yaml", "POST", "/fetch")
    row = dict(page["events"][0])
    row.pop("dataset_id", None)
    return row


_counter = iter(range(10**9))


def xact() -> str:
    return str(1000196129554423269 + next(_counter))


def experiment(
    name: str, created: str, metadata: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    made = experiment_template()
    made.update(id=str(uuid.uuid4()), name=name, created=created, metadata=metadata, **extra)
    return made


def span(
    root: str, *, is_root: bool, scores: dict[str, float | None] | None = None, **extra: Any
) -> dict[str, Any]:
    row = event_template()
    span_id = root if is_root else str(uuid.uuid4())
    row.update(
        id=str(uuid.uuid4()),
        _xact_id=xact(),
        root_span_id=root,
        span_id=span_id,
        span_parents=None if is_root else [root],
        is_root=is_root,
        scores=scores,
        error=None,
        input={"q": root[:4]},
        output="answer",
        span_attributes={"name": "eval" if is_root else "scorer", "type": "eval" if is_root else "score"},
    )
    row.update(extra)
    return row


def trace(
    scores: dict[str, float | None], *, on_root: bool = False, error: str | None = None
) -> list[dict[str, Any]]:
    """One test case as a current SDK logs it: the root span, and one scorer span per score (or the scores on the
    root, as older SDKs did)."""
    root_id = str(uuid.uuid4())
    root = span(root_id, is_root=True, scores=scores if on_root else None, error=error)
    if on_root:
        return [root]
    return [root] + [span(root_id, is_root=False, scores={name: value}) for name, value in scores.items()]


@dataclass
class FakeBraintrust:
    project: str = "evals"
    org: str = "acme"
    experiments: list[dict[str, Any]] = field(default_factory=list)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    summarize_url: bool = True
    throttle: int = 0
    """Answer this many next requests with HTTP 429 (rate limit)."""
    retry_after: str | None = "0"
    log: list[tuple[str, str]] = field(default_factory=list)
    answers: list[tuple[str, Any]] = field(default_factory=list)
    """(kind, body) of every JSON answer, to check against the spec."""
    url: str = ""

    def add(self, made: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
        self.experiments.append(made)
        self.events[made["id"]] = [
            dict(r, experiment_id=made["id"], project_id=made["project_id"]) for r in rows
        ]
        return made

    # ------------------------------------------------------------------------------------------ answers

    def answer(
        self, method: str, target: str, body: dict[str, Any], auth: str | None
    ) -> tuple[int, Any, dict[str, str]]:
        self.log.append((method, target))
        if auth != f"Bearer {API_KEY}":
            return 401, "Invalid API key", {}
        if self.throttle > 0:
            self.throttle -= 1
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            return 429, "Too many requests", headers
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        segments = parts.path.strip("/").split("/")
        if method == "GET" and segments == ["v1", "experiment"]:
            return 200, self._list(query), {}
        if len(segments) == 4 and segments[:2] == ["v1", "experiment"]:
            experiment_id, action = segments[2], segments[3]
            if experiment_id not in self.events:
                return 404, {"error": "not found"}, {}
            if method == "POST" and action == "fetch":
                return 200, self._fetch(experiment_id, body), {}
            if method == "GET" and action == "summarize":
                return 200, self._summary(experiment_id), {}
        return 404, {"error": f"no route {method} {parts.path}"}, {}

    def _list(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("project_name") != self.project:
            return self._record("list", {"objects": []})
        newest_first = sorted(self.experiments, key=lambda e: e["created"], reverse=True)
        after = query.get("starting_after")
        if after:
            index = next(i for i, e in enumerate(newest_first) if e["id"] == after)
            newest_first = newest_first[index + 1 :]
        limit = int(query.get("limit", 100))
        return self._record("list", {"objects": copy.deepcopy(newest_first[:limit])})

    def _fetch(self, experiment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        rows = self.events[experiment_id]
        start = int(body.get("cursor") or 0)
        limit = int(body.get("limit") or 1000)
        page = rows[start : start + limit]
        if not page:
            return self._record("fetch", {"events": []})
        # A cursor even on a short page, as the recording shows: the end is the next, empty, page.
        return self._record("fetch", {"events": copy.deepcopy(page), "cursor": str(start + len(page))})

    def _summary(self, experiment_id: str) -> dict[str, Any]:
        name = next(e["name"] for e in self.experiments if e["id"] == experiment_id)
        base = f"https://www.braintrust.dev/app/{self.org}/p/{self.project}"
        summary = {
            "project_name": self.project,
            "experiment_name": name,
            "project_url": base,
            "experiment_url": f"{base}/experiments/{name}",
            "scores": None,
            "metrics": None,
        }
        if not self.summarize_url:
            summary.pop("experiment_url")
        return self._record("summarize", summary)

    def _record(self, kind: str, body: Any) -> Any:
        self.answers.append((kind, body))
        return body

    def requests(self, action: str | None = None) -> int:
        return sum(1 for _, target in self.log if action is None or action in target)


@contextmanager
def serving(fake: FakeBraintrust) -> Iterator[FakeBraintrust]:
    """``fake`` served on 127.0.0.1 (a free port) while the block runs; ``fake.url`` is its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._reply({})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            self._reply(json.loads(raw) if raw else {})

        def _reply(self, body: dict[str, Any]) -> None:
            status, answer, headers = fake.answer(
                self.command, self.path, body, self.headers.get("Authorization")
            )
            data = (answer if isinstance(answer, str) else json.dumps(answer)).encode()
            self.send_response(status)
            kind = "text/plain" if isinstance(answer, str) else "application/json; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()

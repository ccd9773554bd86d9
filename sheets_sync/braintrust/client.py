"""The Braintrust REST API, the three calls ``braintrust pull`` needs, over ``requests`` (no SDK).

* ``GET /v1/experiment?project_name=...&limit=N``: newest first; the answer carries no cursor, the next page is
  ``starting_after=<last id>`` until a short (or empty) page.
* ``POST /v1/experiment/{id}/fetch`` ``{"limit": N, "cursor": ...}``: events; a cursor comes back even on a short
  page, so the end is an empty ``events`` list.
* ``GET /v1/experiment/{id}/summarize?summarize_scores=false``: the experiment's web page (``experiment_url``).

Auth is ``Authorization: Bearer <key>``; the key is never logged or put in a message (at ``--debug`` neither).
Retries, timeouts, pacing and the overall deadline are the Sheets adapter's (:mod:`sheets_sync.sync.retry`): 429,
408, 5xx and network failures are retried with backoff (``Retry-After`` honoured) until the deadline; 401/403 say
what to check; any other refusal is one line naming the URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import requests

from sheets_sync import crashpoints, jsonio
from sheets_sync.errors import (
    BraintrustAuthError,
    BraintrustError,
    BraintrustUnavailableError,
    ConfigError,
    DataError,
)
from sheets_sync.sync.gspread_adapter import network_reason
from sheets_sync.sync.retry import Retrier, RetryPolicy, TransientError, retry_after_seconds

DEFAULT_API_URL = "https://api.braintrust.dev"
API_KEY_ENV = "BRAINTRUST_API_KEY"
API_URL_ENV = "BRAINTRUST_API_URL"
LIST_PAGE = 100
FETCH_PAGE = 1000
REQUESTS_PER_MINUTE = 300
"""Client-side pace: well under what Braintrust serves a key, so a big project does not meet 429s at all."""


@dataclass(frozen=True)
class Credentials:
    """The API key and base URL, from flags, else the environment."""

    api_key: str
    api_url: str

    def __repr__(self) -> str:  # never show the key, even in a traceback's locals
        return f"Credentials(api_key=<hidden>, api_url={self.api_url!r})"

    @classmethod
    def from_env(cls, api_url: str | None = None, environ: Mapping[str, str] | None = None) -> Credentials:
        env = os.environ if environ is None else environ
        key = env.get(API_KEY_ENV, "").strip()
        if not key:
            raise ConfigError(f"no Braintrust API key: set {API_KEY_ENV} (Braintrust: Settings > API keys)")
        url = (api_url or env.get(API_URL_ENV) or DEFAULT_API_URL).rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"Braintrust API URL {url!r} must start with http:// or https://")
        return cls(api_key=key, api_url=url)


class BraintrustRetrier(Retrier):
    """The Sheets adapter's retrier, giving up with a Braintrust error."""

    def gave_up(self, what: str, error: Exception) -> BraintrustUnavailableError:  # type: ignore[override]
        elapsed = self._elapsed()
        return BraintrustUnavailableError(
            f"{what}: gave up after {elapsed:.0f}s (deadline {self.policy.deadline:.0f}s, {self.retries} retries): "
            f"{error}. Nothing was written; run again later",
            status=getattr(error, "status", None),
        )


class BraintrustClient:
    """One pull's conversation with Braintrust; ``requests`` counts what was sent (retries included)."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        policy: RetryPolicy | None = None,
        session: requests.Session | None = None,
        list_page: int = LIST_PAGE,
        fetch_page: int = FETCH_PAGE,
    ) -> None:
        self.credentials = credentials
        self.list_page = list_page
        self.fetch_page = fetch_page
        self.retrier = BraintrustRetrier(policy or RetryPolicy(requests_per_minute=REQUESTS_PER_MINUTE))
        self.session = session or requests.Session()
        self.session.headers["Authorization"] = f"Bearer {credentials.api_key}"
        self.session.headers["Accept"] = "application/json"

    @property
    def requests(self) -> int:
        return self.retrier.requests

    def experiments(self, project: str) -> Iterator[dict[str, Any]]:
        """Every experiment of the project, newest first, page by page (``starting_after`` the last id)."""
        page_size = self.list_page
        after: str | None = None
        while True:
            query: dict[str, Any] = {"project_name": project, "limit": page_size}
            if after:
                query["starting_after"] = after
            page = self._objects(self._get(f"/v1/experiment?{urlencode(query)}"))
            yield from page
            if len(page) < page_size:
                return
            after = str(page[-1]["id"])

    def events(self, experiment_id: str) -> list[dict[str, Any]]:
        """Every event row of an experiment, cursor page by cursor page, until an empty page."""
        page_size = self.fetch_page
        rows: list[dict[str, Any]] = []
        cursor: str | None = None
        path = f"/v1/experiment/{quote(experiment_id, safe='')}/fetch"
        while True:
            body: dict[str, Any] = {"limit": page_size}
            if cursor:
                body["cursor"] = cursor
            answer = self._post(path, body)
            events = answer.get("events") if isinstance(answer, dict) else None
            if not isinstance(events, list):
                raise BraintrustError("the answer has no events list", url=self._url(path))
            if not events:
                return rows
            rows += events
            cursor = answer.get("cursor")
            if not cursor:  # no cursor: nothing more (the spec's "not provided if the result set is empty")
                return rows

    def experiment_url(self, experiment_id: str) -> str | None:
        """The experiment's web page, as ``summarize`` names it (None when the answer has none)."""
        path = f"/v1/experiment/{quote(experiment_id, safe='')}/summarize?summarize_scores=false"
        answer = self._get(path)
        url = answer.get("experiment_url") if isinstance(answer, dict) else None
        return url if isinstance(url, str) and url else None

    # ------------------------------------------------------------------------------------------ HTTP

    def _url(self, path: str) -> str:
        return f"{self.credentials.api_url}{path}"

    def _objects(self, answer: Any) -> list[dict[str, Any]]:
        objects = answer.get("objects") if isinstance(answer, dict) else None
        if not isinstance(objects, list) or not all(isinstance(o, dict) and "id" in o for o in objects):
            raise BraintrustError(
                "the experiment list has no objects with ids", url=self._url("/v1/experiment")
            )
        return objects

    def _get(self, path: str) -> Any:
        return self._call("GET", path, None)

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        return self._call("POST", path, body)

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        url = self._url(path)
        return self.retrier.call(f"{method} {url}", lambda: self._send(method, url, body))

    def _send(self, method: str, url: str, body: dict[str, Any] | None) -> Any:
        crashpoints.reached("request")
        try:
            response = self.session.request(method, url, json=body, timeout=self.retrier.timeout())
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise TransientError(network_reason(exc, self.credentials.api_url)) from None
        status = response.status_code
        if status == 429 or status == 408 or status >= 500:
            raise TransientError(
                f"HTTP {status}: {_reason(response)}",
                status=status,
                retry_after=retry_after_seconds(response.headers),
            )
        if status in (401, 403):
            raise _auth_error(status, url, response)
        if status >= 400:
            raise BraintrustError(f"HTTP {status}: {_reason(response)}", url=url, status=status)
        try:
            # strict (sheets_sync.jsonio): a key twice, nesting too deep, bad UTF-8 or NaN is no answer either
            return jsonio.parse_bytes(response.content, url)
        except DataError as exc:
            raise BraintrustError(f"the answer is not JSON ({exc.detail})", url=url, status=status) from None


def _auth_error(status: int, url: str, response: requests.Response) -> BraintrustAuthError:
    if status == 401:
        what = f"Braintrust refused the API key (HTTP 401: {_reason(response)}); check {API_KEY_ENV}"
    else:
        what = (
            f"the API key may not read this (HTTP 403: {_reason(response)}); check that the key's organization "
            "owns the project and that it may read experiments"
        )
    return BraintrustAuthError(what, url=url, status=status)


def _reason(response: requests.Response) -> str:
    """Braintrust's own words (a JSON ``error``/``message`` or the text), on one short line."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        text = data.get("error") or data.get("message") or response.reason
    else:
        text = response.text or response.reason or "no details"
    lines = str(text).strip().splitlines()
    return lines[0][:200] if lines else "no details"

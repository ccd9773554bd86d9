"""Retrying, pacing and the overall deadline of one sync, on an injectable clock.

* Retried: HTTP 429, 408 and 5xx, connection errors and timeouts (the adapter raises :class:`TransientError` for
  those), with exponential backoff plus jitter, each wait capped, until an overall deadline (5 minutes unless set).
  ``Retry-After`` is honoured when a server sends it (Google's 429s usually carry none). Every retry is logged.
* Not retried: 400, 403, 404 (the adapter raises :mod:`sheets_sync.errors` classes at once).
* Every request gets a timeout, never longer than what is left of the deadline.
* A client-side pace keeps one sync under 60 requests in any minute (Google's per-user quota is 60 reads and 60
  writes per minute).

gspread's own ``BackOffHTTPClient`` is not used: in gspread 6.2.1 it retries forever.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import tenacity

from sheets_sync.errors import SheetsUnavailableError

T = TypeVar("T")
log = logging.getLogger("sheets_sync.sync")

DEFAULT_DEADLINE = 300.0


class Clock(Protocol):
    """Time as the retry logic sees it (tests inject a fake one so backoff runs in milliseconds)."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class TransientError(Exception):
    """A failure worth retrying: 429, 408, 5xx, a dropped connection, a timeout."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after
        super().__init__(message)


@dataclass
class RetryPolicy:
    """How long and how hard one sync tries."""

    deadline: float = DEFAULT_DEADLINE
    first_wait: float = 1.0
    max_wait: float = 32.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    requests_per_minute: int = 55
    clock: Clock = field(default_factory=SystemClock)
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random, capped at ``max_wait``."""
        ceiling = min(self.max_wait, self.first_wait * 2 ** (attempt - 1))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)


class Pacer:
    """At most ``limit`` requests in any sliding 60-second window; waits (on the clock) when the window is full."""

    def __init__(self, limit: int, clock: Clock) -> None:
        self.limit = limit
        self.clock = clock
        self.sent: deque[float] = deque()

    def wait_for_slot(self) -> None:
        now = self.clock.monotonic()
        while self.sent and now - self.sent[0] >= 60:
            self.sent.popleft()
        if len(self.sent) >= self.limit:
            pause = 60 - (now - self.sent[0])
            log.info("pacing: %d requests in the last minute, waiting %.1fs", len(self.sent), pause)
            self.clock.sleep(pause)
            self.sent.popleft()
        self.sent.append(self.clock.monotonic())


class Retrier:
    """The retrying, pacing and deadline of one sync: every API request goes through :meth:`call`."""

    def __init__(self, policy: RetryPolicy | None = None) -> None:
        self.policy = policy or RetryPolicy()
        # The deadline runs from the first request, not from start-up: loading a big data directory (or a busy
        # machine starting Python) must not eat the time meant for retries.
        self.started: float | None = None
        self.pacer = Pacer(self.policy.requests_per_minute, self.policy.clock)
        self.requests = 0
        self.retries = 0

    def remaining(self) -> float:
        return self.policy.deadline - self._elapsed()

    def _elapsed(self) -> float:
        return 0.0 if self.started is None else self.policy.clock.monotonic() - self.started

    def timeout(self) -> tuple[float, float]:
        """(connect, read) timeout for the next request: the policy's, shortened to what the deadline leaves."""
        left = max(self.remaining(), 0.001)
        return min(self.policy.connect_timeout, left), min(self.policy.read_timeout, left)

    def call(self, what: str, request: Callable[[], T]) -> T:
        """Run one API request, retrying transient failures until the deadline."""
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(TransientError),
            wait=self._wait,
            stop=self._stop,
            sleep=self.policy.clock.sleep,
            before_sleep=lambda state: self._log_retry(what, state),
            reraise=True,
        )
        try:
            return retrying(self._paced, request)
        except TransientError as exc:
            raise self.gave_up(what, exc) from None

    def wait_before_retry(
        self, what: str, attempt: int, error: Exception, retry_after: float | None = None
    ) -> None:
        """Back off before trying again after a failure the caller handles itself (a write of unknown outcome)."""
        if self.started is None:  # that failure was a request (one a workbook sent without :meth:`call`)
            self.started = self.policy.clock.monotonic()
        pause = retry_after if retry_after is not None else self.policy.backoff(attempt)
        if pause >= self.remaining():
            raise self.gave_up(what, error)
        self.retries += 1
        log.warning("%s: %s; retrying in %.1fs (attempt %d)", what, _clause(error), pause, attempt + 1)
        self.policy.clock.sleep(pause)

    def gave_up(self, what: str, error: Exception) -> SheetsUnavailableError:
        elapsed = self._elapsed()
        retries = f"{self.retries} {'retry' if self.retries == 1 else 'retries'}"
        deadline = f"deadline {self.policy.deadline:.0f}s"
        return SheetsUnavailableError(
            f"{what}: gave up after {elapsed:.0f}s ({deadline}, {retries}): {_clause(error)}. "
            "Local files were not changed; run again later (the next run repairs anything left half done in the "
            "sheet)",
            status=getattr(error, "status", None),
        )

    def _paced(self, request: Callable[[], T]) -> T:
        if self.started is None:
            self.started = self.policy.clock.monotonic()
        if self.remaining() <= 0:
            raise TransientError("the deadline passed before the request could be sent")
        self.pacer.wait_for_slot()
        self.requests += 1
        return request()

    def _wait(self, state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        wait = float(retry_after) if retry_after is not None else self.policy.backoff(state.attempt_number)
        if state.attempt_number == 1:  # a short deadline still gets one retry, within it
            wait = min(wait, self.remaining() / 2)
        return wait

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        """Give up now rather than sleep past the deadline."""
        return state.upcoming_sleep >= self.remaining()

    def _log_retry(self, what: str, state: tenacity.RetryCallState) -> None:
        self.retries += 1
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "%s: %s; retrying in %.1fs (attempt %d)",
            what,
            _clause(error),
            state.upcoming_sleep,
            state.attempt_number + 1,
        )


def _clause(error: BaseException | None) -> str:
    """An error's text to go inside our sentence: Google ends its messages with a period ("The service is
    currently unavailable."), which must not double the one or the semicolon that follows."""
    text = str(error).rstrip()
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """An HTTP answer's ``Retry-After`` in seconds (given as seconds or as an HTTP date); None when absent or
    unreadable. Google's APIs and Braintrust's both send it with a 429."""
    value = headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(parsed.timestamp() - time.time(), 0.0)

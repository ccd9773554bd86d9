"""Retrying, pacing and deadlines on an injected clock: these tests sleep for no real time."""

from __future__ import annotations

import logging
import random

import pytest
from fake_clock import FakeClock

from sheets_sync.errors import SheetsNotFoundError, SheetsUnavailableError
from sheets_sync.sync.retry import Pacer, Retrier, RetryPolicy, TransientError, retry_after_seconds


def retrier(clock: FakeClock, deadline: float = 300, **policy: float) -> Retrier:
    return Retrier(RetryPolicy(deadline=deadline, clock=clock, rng=random.Random(1), **policy))  # type: ignore[arg-type]


def failing(times: int, error: Exception, result: str = "ok") -> tuple[list[int], object]:
    calls: list[int] = []

    def request() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return result

    return calls, request


def test_transient_failures_are_retried_with_growing_capped_waits(clock: FakeClock) -> None:
    calls, request = failing(8, TransientError("HTTP 503", status=503))
    assert retrier(clock, max_wait=8).call("reading", request) == "ok"  # type: ignore[arg-type]
    assert len(calls) == 9
    assert clock.sleeps[0] < clock.sleeps[2] < clock.sleeps[3]
    assert all(pause <= 8 for pause in clock.sleeps)
    assert all(pause >= 4 for pause in clock.sleeps[4:])  # equal jitter: at least half the cap


def test_each_retry_is_logged(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    _, request = failing(2, TransientError("HTTP 429 (quota): Quota exceeded", status=429))
    with caplog.at_level(logging.WARNING, logger="sheets_sync.sync"):
        retrier(clock).call("reading the spreadsheet", request)  # type: ignore[arg-type]
    messages = [r.getMessage() for r in caplog.records]
    assert (
        len(messages) == 2
        and "reading the spreadsheet: HTTP 429" in messages[0]
        and "retrying in" in messages[0]
    )


def test_retry_after_is_honoured(clock: FakeClock) -> None:
    _, request = failing(1, TransientError("HTTP 429", status=429, retry_after=17))
    retrier(clock).call("reading", request)  # type: ignore[arg-type]
    assert clock.sleeps == [17]


def test_it_gives_up_by_the_deadline_with_a_clear_message(clock: FakeClock) -> None:
    calls, request = failing(
        10_000, TransientError("HTTP 503: The service is currently unavailable.", status=503)
    )
    with pytest.raises(SheetsUnavailableError) as caught:
        retrier(clock, deadline=60).call("reading the spreadsheet", request)  # type: ignore[arg-type]
    assert clock.now - 1000 <= 60
    message = str(caught.value)
    assert message.startswith("reading the spreadsheet: gave up after") and "deadline 60s" in message
    assert "HTTP 503" in message and caught.value.status == 503
    assert len(calls) > 3


GOOGLE_MESSAGES = [
    "HTTP 503: The service is currently unavailable.",
    (
        "HTTP 429 (quota): Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
        "per user' of service 'sheets.googleapis.com' for consumer 'project_number:603366585132'."
    ),
]


@pytest.mark.parametrize("google_message", GOOGLE_MESSAGES)
def test_google_s_final_period_is_not_doubled_when_retrying_or_giving_up(
    clock: FakeClock, caplog: pytest.LogCaptureFixture, google_message: str
) -> None:
    _, request = failing(10_000, TransientError(google_message, status=503))
    with (
        caplog.at_level(logging.WARNING, logger="sheets_sync.sync"),
        pytest.raises(SheetsUnavailableError) as caught,
    ):
        retrier(clock, deadline=60).call("reading the spreadsheet", request)  # type: ignore[arg-type]
    sentence = google_message.removesuffix(".")
    assert f"{sentence}; retrying in " in caplog.records[0].getMessage()
    assert f"{sentence}. Local files were not changed" in str(caught.value)


def test_errors_that_retrying_cannot_fix_fail_at_once(clock: FakeClock) -> None:
    calls, request = failing(5, SheetsNotFoundError("spreadsheet 'x' not found", status=404))
    with pytest.raises(SheetsNotFoundError):
        retrier(clock).call("reading", request)  # type: ignore[arg-type]
    assert len(calls) == 1 and clock.sleeps == []


def test_timeouts_never_outlast_the_deadline(clock: FakeClock) -> None:
    slow = retrier(clock, deadline=30)
    assert slow.timeout() == (10, 30)
    clock.now += 100  # start-up (loading the data) does not count: the deadline runs from the first request
    assert slow.call("reading", lambda: "read") == "read"
    assert slow.timeout() == (10, 30)
    clock.now += 25
    assert slow.timeout() == (5, 5)


def test_a_short_deadline_still_gets_one_retry(clock: FakeClock) -> None:
    """A 1-second deadline and a first backoff of 0.5-1s: the retry waits within what is left, never 0 retries."""
    short = retrier(clock, deadline=1)
    attempts = []

    def refused() -> str:
        attempts.append(clock.now)
        clock.now += 0.3  # a slow failure on a busy machine
        if len(attempts) == 1:
            raise TransientError("connection refused")
        return "read"

    assert short.call("reading", refused) == "read"
    assert short.retries == 1 and clock.now - attempts[0] <= 1


def test_pacing_keeps_a_sync_under_sixty_requests_a_minute(clock: FakeClock) -> None:
    pacer = Pacer(55, clock)
    sent = []
    for _ in range(120):
        pacer.wait_for_slot()
        sent.append(clock.now)
    for index, moment in enumerate(sent):
        in_window = [t for t in sent[index:] if t - moment < 60]
        assert len(in_window) <= 55
    assert clock.now - 1000 >= 120  # 120 requests need at least two windows


def test_small_syncs_are_not_slowed_down(clock: FakeClock) -> None:
    paced = retrier(clock)
    for _ in range(10):
        paced.call("reading", lambda: None)
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), ("-3", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), ("", None)],
)
def test_retry_after_is_read_as_seconds_or_a_date(header: str, seconds: float | None) -> None:
    assert retry_after_seconds({"Retry-After": header} if header else {}) == seconds

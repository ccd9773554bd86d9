"""Monotonic time that only moves when someone sleeps, for retry and deadline tests."""

from __future__ import annotations


class FakeClock:
    """Monotonic time that only moves when someone sleeps: backoff and deadlines run in no time."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

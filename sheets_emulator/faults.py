"""Scripted faults and the per-user quota model.

A :class:`Fault` answers the next ``times`` matching requests (``times=None``: forever) with an error status,
a slow answer, a dropped connection, or, with ``after_apply``, applies the request and then loses (or
replaces) the answer. The quota model counts requests per user in a sliding 60-second window on the emulator's
clock and answers 429 with Google's read- or write-quota body past the limit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal


@dataclass
class Fault:
    """One scripted misbehaviour.

    status       answer with this HTTP status (429 uses Google's real RESOURCE_EXHAUSTED body)
    times        how many matching requests it affects (None: all of them, forever)
    only         "read" or "write" requests only (None: both)
    kind         only this API method, e.g. "spreadsheets.batchUpdate"
    delay        seconds to wait before answering (the emulator's injectable sleep)
    drop         close the connection without an answer (requests raises ConnectionError)
    after_apply  apply the request first, then lose the answer (drop) or answer ``status`` instead
    retry_after  send a Retry-After header with the error (Google usually sends none)
    message      replace the default error message
    """

    status: int | None = None
    times: int | None = 1
    only: Literal["read", "write"] | None = None
    kind: str | None = None
    delay: float | None = None
    drop: bool = False
    after_apply: bool = False
    retry_after: float | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        if self.only not in (None, "read", "write"):
            raise ValueError(f"Fault.only must be 'read', 'write' or None, not {self.only!r}")
        if self.status is None and not self.drop and self.delay is None and not self.after_apply:
            raise ValueError("a Fault needs a status, drop=True, a delay or after_apply=True")

    def matches(self, kind: str, write: bool) -> bool:
        if self.only == "read" and write:
            return False
        if self.only == "write" and not write:
            return False
        return self.kind is None or self.kind == kind

    @property
    def spent(self) -> bool:
        return self.times is not None and self.times <= 0

    def describe(self) -> str:
        """A short label for the request log."""
        parts = []
        if self.status is not None:
            parts.append(str(self.status))
        if self.drop or (self.after_apply and self.status is None):
            parts.append("drop")
        if self.delay:
            parts.append(f"delay {self.delay:g}s")
        if self.after_apply:
            parts.append("after apply")
        return " ".join(parts)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Fault:
        """From the HTTP control API's body (camelCase or snake_case keys)."""
        aliases = {"afterApply": "after_apply", "retryAfter": "retry_after"}
        fields = {aliases.get(key, key): value for key, value in data.items()}
        return cls(**fields)  # type: ignore[arg-type]


class FaultQueue:
    """Faults in injection order; the first live one matching a request takes it."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._faults.append(fault)

    def clear(self) -> None:
        self._faults.clear()

    def take(self, kind: str, write: bool) -> Fault | None:
        """The fault for this request, counted down (spent faults are forgotten)."""
        for fault in self._faults:
            if fault.matches(kind, write) and not fault.spent:
                if fault.times is not None:
                    fault.times -= 1
                self._faults = [f for f in self._faults if not f.spent]
                return fault
        return None

    def __len__(self) -> int:
        return len(self._faults)


class Quota:
    """Google's per-user limits (60 reads and 60 writes per minute by default) over a sliding window."""

    WINDOW_SECONDS = 60.0

    def __init__(self, reads_per_minute: int, writes_per_minute: int, clock: Callable[[], float]) -> None:
        self.limits = {False: reads_per_minute, True: writes_per_minute}
        self._clock = clock
        self._seen: dict[tuple[str, bool], deque[float]] = {}

    def allow(self, user: str, write: bool) -> bool:
        """Count the request if it fits in the window; a refused request is not counted."""
        now = self._clock()
        seen = self._seen.setdefault((user, write), deque())
        while seen and seen[0] <= now - self.WINDOW_SECONDS:
            seen.popleft()
        if len(seen) >= self.limits[write]:
            return False
        seen.append(now)
        return True

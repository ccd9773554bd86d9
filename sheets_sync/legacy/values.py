"""How the values people typed in the legacy trackers are read. Pure; each reader raises ``ValueError`` with a
message for the field, which the caller turns into an error naming the file and the field.

Rates: ``30%``, ``"40 %"`` or a bare number above 1 are percentages; a bare number with a decimal point and at
most 1 (``0.57``, ``.38``) is a fraction (read as 57.0, and listed); ``~70%``, ``n/a``, ``tbd``, ``NaN``, ``?``
or nothing mean no result. A bare ``0`` is 0%; a bare ``1`` is refused (1% or 100%? write ``1%`` or ``1.0``).
Dates: ``2026-01-20``, ``2026-1-9``, ``21/01/2026`` (day first), ISO date-times; an optional ``time`` of
``14:05`` or ``14:05:33``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from sheets_sync.models import Priority, Status, model_slug, rate

NO_RESULT = re.compile(
    r"^\s*(?:~.*|n/?a|tbd|tba|nan|-?infinity|\?+|-+|pending|todo|none|null)\s*$", re.IGNORECASE
)
_PERCENT = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*%\s*$")
_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_COUNT = re.compile(r"^\s*(\d+)\s*$")
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class RateKind(StrEnum):
    PERCENT = "percent"
    FRACTION = "fraction"


@dataclass(frozen=True)
class Rate:
    """A rate read from text: the percentage, and whether it was written as a fraction."""

    percent: float
    kind: RateKind
    text: str


def read_rate(value: object) -> Rate | None:
    """A percentage 0..100, or None for no result (``n/a``, ``~70%``, ``NaN``, empty)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or NO_RESULT.match(text):
        return None
    if match := _PERCENT.match(text):
        return _checked(float(match[1]), RateKind.PERCENT, text)
    if match := _NUMBER.match(text):
        number = float(match[1])
        if "." in match[1] and number <= 1:
            return Rate(round(number * 100, 6), RateKind.FRACTION, text)
        if number > 1 or number == 0:
            return _checked(number, RateKind.PERCENT, text)
        raise ValueError(f"{text!r} is ambiguous (1% or 100%?): write 1% or 1.0")
    raise ValueError(f"{text!r} is not a rate (write 57%, 57 or 0.57; n/a for none)")


def _checked(percent: float, kind: RateKind, text: str) -> Rate:
    if percent > 100:
        raise ValueError(f"{text!r} is more than 100%")
    return Rate(percent, kind, text)


def read_count(value: object) -> int | None:
    if value is None or not str(value).strip() or NO_RESULT.match(str(value)):
        return None
    match = _COUNT.match(str(value))
    if not match:
        raise ValueError(f"{str(value)!r} is not a whole number")
    return int(match[1])


def read_fraction(value: object) -> tuple[int, int]:
    """``5/50`` -> (5, 50)."""
    match = _FRACTION.match(str(value))
    if not match or int(match[1]) > int(match[2]):
        raise ValueError(f"{str(value)!r} is not a count like 5/50")
    return int(match[1]), int(match[2])


def read_day(value: object) -> date:
    text = str(value).strip() if value is not None else ""
    if match := _ISO_DAY.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _DAY_FIRST.match(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            raise ValueError(f"{text!r} is not a date (2026-01-20, 2026-1-9 or 21/01/2026)") from None
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date: {exc}") from None


def read_timestamp(day_value: object, time_value: object = None) -> datetime:
    """The run's time: the date (and ``time``, if any) as a naive timestamp; an ISO date-time as given."""
    text = str(day_value).strip() if day_value is not None else ""
    if "T" in text or " " in text:
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    day = read_day(text)
    if time_value is None or not str(time_value).strip():
        return datetime.combine(day, time())
    match = _TIME.match(str(time_value).strip())
    if not match:
        raise ValueError(f"{str(time_value)!r} is not a time (14:05 or 14:05:33)")
    try:
        clock = time(int(match[1]), int(match[2]), int(match[3] or 0))
    except ValueError as exc:
        raise ValueError(f"{str(time_value)!r} is not a time: {exc}") from None
    return datetime.combine(day, clock)


def read_version(value: object) -> str:
    """``v1``, ``V3`` or a bare ``7`` -> ``v1``, ``v3``, ``v7`` (the mirror's spelling)."""
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ValueError("a version is required")
    if re.fullmatch(r"[vV]?[0-9][0-9A-Za-z._-]*", text):
        return "v" + text.lstrip("vV")
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}", text):
        return text
    raise ValueError(f"{text!r} is not a prompt version (v1, V3 or 7)")


def counts_for(percent: float, total: int) -> int | None:
    """The one whole count out of ``total`` whose rate (one decimal, half-up) is ``percent``; None when none or
    several do (then the rate is kept as reported, never a made-up count)."""
    if total <= 0:
        return None
    target = round(percent, 1)
    near = round(percent * total / 100)
    found = [k for k in range(max(0, near - 2), min(total, near + 2) + 1) if rate(k, total) == target]
    return found[0] if len(found) == 1 else None


# --------------------------------------------------------------------------------------- words


def canonical_model(written: str, known: set[str]) -> str:
    """The spelling the data already uses for a model (``4o-mini`` -> ``gpt-4o-mini``, ``GPT5`` -> ``gpt-5``)."""
    text = written.strip()
    slug = model_slug(text)
    for candidate in (slug, "gpt" + slug):
        matches = sorted(m for m in known if model_slug(m) == candidate)
        if len(matches) == 1:
            return matches[0]
    return text


_PRIORITIES = {
    Priority.HIGH: ("high", "h", "p0", "p1", "urgent", "critical"),
    Priority.MEDIUM: ("medium", "med", "mid", "m", "p2", "normal"),
    Priority.LOW: ("low", "l", "p3", "p4", "minor"),
}
_STATUSES = {
    Status.PROPOSED: ("proposed", "open", "new", "todo", "to do", "idea", "suggested"),
    Status.IN_PROGRESS: ("in progress", "in_progress", "wip", "doing", "ongoing", "testing"),
    Status.APPLIED: ("applied", "done", "fixed", "shipped", "merged"),
    Status.REJECTED: ("rejected", "wontfix", "won't fix", "won't do", "dropped", "declined"),
}
_APPLIED_IN = re.compile(
    r"^(?P<word>[a-z' _]+?)\s*(?:\(\s*(?:in\s+)?(?P<v1>[^)]+?)\s*\)|\s+in\s+(?P<v2>\S+))?$"
)


def read_priority(value: object) -> Priority | None:
    text = " ".join(str(value or "").lower().split())
    if not text:
        return None
    for priority, words in _PRIORITIES.items():
        if text in words:
            return priority
    raise ValueError(f"{str(value)!r} is not a priority (high, medium, low, P1-P3)")


def read_status(value: object) -> tuple[Status, str | None]:
    """(status, applied_in): ``applied in v2`` and ``Applied (v3)`` give the version too."""
    text = " ".join(str(value or "").lower().split())
    if not text:
        return Status.PROPOSED, None
    match = _APPLIED_IN.match(text)
    if match:
        word = match["word"].strip()
        version = match["v1"] or match["v2"]
        for status, words in _STATUSES.items():
            if word in words:
                return status, read_version(version) if version else None
    raise ValueError(f"{str(value)!r} is not a status (proposed, in progress, applied in vN, rejected, done)")

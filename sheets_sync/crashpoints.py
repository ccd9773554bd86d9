"""Named points where a test can kill sheets-sync with SIGKILL, to prove every write is all or nothing.

``SHEETS_SYNC_CRASH_AT=<point>:<n>`` kills the process the n-th time it reaches ``<point>`` (``:1`` may be left
out). ``SHEETS_SYNC_CRASH_LOG=<file>`` appends the name of every point reached, one a line, so a test can first
enumerate the points of a clean run, then kill a run at each of them (``tests/crash/``).

Points: ``stage`` (before each staged file of a batch is written, and before the temporary file of a single-file
atomic write outside a data directory: ``export csv --out``, the dashboard's pages), ``commit`` (before a batch's
intent is renamed into place), ``rename`` (before each staged or temporary file replaces its target), ``cleanup``
(before a finished batch folder is removed), ``request`` (before each HTTP request to the Sheets or the Braintrust
API), ``written`` (after a write to the sheet landed, before anything is saved locally).

Unset (as always outside tests), :func:`reached` costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

CRASH_AT = "SHEETS_SYNC_CRASH_AT"
CRASH_LOG = "SHEETS_SYNC_CRASH_LOG"

_seen: Counter[str] = Counter()


def reached(point: str) -> None:
    """Record ``point``; SIGKILL this process when it is the one ``$SHEETS_SYNC_CRASH_AT`` names."""
    target = os.environ.get(CRASH_AT)
    log = os.environ.get(CRASH_LOG)
    if not target and not log:
        return
    _seen[point] += 1
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(point + "\n")
    if target:
        name, _, count = target.partition(":")
        if name == point and _seen[point] == int(count or 1):
            os.kill(os.getpid(), signal.SIGKILL)

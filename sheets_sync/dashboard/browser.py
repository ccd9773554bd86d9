"""How the dashboards are opened in a real browser: Debian's Chromium, headless, by the browser tests and the
dashboard benchmark (one definition, so the benchmark measures the browser the tests check).

Playwright's own browser download does not work here, hence a fixed system path; ``SHEETS_SYNC_CHROMIUM``
overrides it (another build, or a path that does not exist, to see what the tests do without a browser). The
flags keep a headless run quiet and repeatable: no sandbox (containers), no GPU, and no background traffic (QUIC,
updates, sync, first-run pages) that would add noise to timings.
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("SHEETS_SYNC_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

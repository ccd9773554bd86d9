"""From settings to a ready engine: credentials, session, gspread adapter, retry policy."""

from __future__ import annotations

from pathlib import Path

import requests

from sheets_sync.store import Store
from sheets_sync.sync.auth import authorized_session, load_credentials
from sheets_sync.sync.config import SyncSettings
from sheets_sync.sync.engine import SyncEngine
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.retry import Retrier, RetryPolicy


def open_engine(
    data_dir: Path,
    settings: SyncSettings,
    *,
    session: requests.Session | None = None,
    policy: RetryPolicy | None = None,
) -> SyncEngine:
    """An engine for the data directory and the configured spreadsheet.

    ``session`` stands in for the credentials and their authorized session (tests pass an emulator's in-process
    session).
    """
    spreadsheet_id = settings.require_spreadsheet()
    account = None
    if session is None:
        credentials, account = load_credentials(settings.credentials, settings.endpoint)
        session = authorized_session(credentials)
    retrier = Retrier(policy or RetryPolicy(deadline=settings.deadline))
    workbook = GspreadWorkbook(
        spreadsheet_id, session, endpoint=settings.endpoint, retrier=retrier, account=account
    )
    return SyncEngine(Store(data_dir), workbook, retrier)

"""Two-way sync of the local mirror with a Google Sheets workbook (see docs/sync.md).

The shape (one job per module)::

    engine.SyncEngine          lock, read, plan, apply, verify, save        <- the only module sequencing I/O
      plan.plan_push/plan_pull (pure) -> plan.Plan
        module_plan, merge, layout, tabs, cells, codec, recover (pure)
      workbook.Workbook        the port: read() -> snapshot.SheetSnapshot, apply(ops.Op...)
        gspread_adapter.GspreadWorkbook   Google (or the emulator) through gspread; retry.Retrier
        fake.FakeWorkbook                 in memory, for tests
      base                     data/.sync/<spreadsheet id>.json
    connect.open_engine        settings (config) + credentials (auth) -> engine

From Python::

    from sheets_sync.sync import SyncEngine, SyncOptions, GspreadWorkbook
    engine = SyncEngine(Store(Path("data")), GspreadWorkbook(spreadsheet_id, session))
    result = engine.push(SyncOptions(dry_run=True))
"""

from sheets_sync.sync.engine import StatusResult, SyncEngine, SyncOptions, SyncResult
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.gspread_adapter import GspreadWorkbook
from sheets_sync.sync.merge import Conflict, Prefer
from sheets_sync.sync.plan import Plan, plan_pull, plan_push
from sheets_sync.sync.workbook import Workbook

__all__ = [
    "Conflict",
    "FakeWorkbook",
    "GspreadWorkbook",
    "Plan",
    "Prefer",
    "StatusResult",
    "SyncEngine",
    "SyncOptions",
    "SyncResult",
    "Workbook",
    "plan_pull",
    "plan_push",
]

"""Two-way sync of the local mirror with a Google Sheets workbook (see docs/sync.md).

The shape (one job per module)::

    engine.SyncEngine          lock, read, plan, apply, verify, save        <- the only module sequencing I/O
      plan.plan_push/plan_pull (pure) -> plan.Plan
        module_plan, merge, layout, tabs, cells, codec, recover (pure)
      workbook.Workbook        the port: read() -> snapshot.SheetSnapshot, apply(ops.Op...)
        gspread_adapter.GspreadWorkbook   Google (or the emulator) through gspread; retry.Retrier
        fake.FakeWorkbook                 in memory, for tests
      base (pure), base_file   data/.sync/<spreadsheet id>.json (base_file is the I/O edge)

This package's ``__init__`` imports nothing, so that importing the pure planner (``sheets_sync.sync.plan``) never
loads the engine, the adapter or the file system (a test follows the imports all the way down).
    connect.open_engine        settings (config) + credentials (auth) -> engine

From Python::

    from sheets_sync.sync.engine import SyncEngine, SyncOptions
    from sheets_sync.sync.gspread_adapter import GspreadWorkbook
    engine = SyncEngine(Store(Path("data")), GspreadWorkbook(spreadsheet_id, session))
    result = engine.push(SyncOptions(dry_run=True))
"""

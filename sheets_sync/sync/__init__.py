"""Two-way sync of the local mirror with a Google Sheets workbook (see docs/sync.md).

The shape (one job per module)::

    engine.SyncEngine          lock, read, plan, apply, verify, save        <- the only module sequencing I/O
      plan.plan_push/plan_pull (pure) -> plan.Plan
        columns                the module tab's columns, described once (writer, reader, checks, upgrades)
        module_plan, upgrade   one module tab; upgrading a tab of an older layout in place
        merge, notes           the three-way merge; the one report vocabulary
        layout, tabs, copies   what tabs look like; reading them; copies of module tabs
        cells, codec, recover  cell writes; values; verification after writing (pure)
      workbook.Workbook        the port: read() -> snapshot.SheetSnapshot, apply(ops.Op...)
        gspread_adapter.GspreadWorkbook   Google (or the emulator) through gspread; retry.Retrier
        fake.FakeWorkbook                 in memory, for tests
      base (pure), base_file   data/.sync/<spreadsheet id>.json (base_file is the I/O edge)
    connect.open_engine        settings (config) + credentials (auth) -> engine

This package's ``__init__`` imports nothing, so that importing the pure planner (``sheets_sync.sync.plan``) never
loads the engine, the adapter or the file system (tests/sync/test_planner_purity.py follows the imports all the
way down).

From Python::

    from sheets_sync.sync.engine import SyncEngine, SyncOptions
    from sheets_sync.sync.gspread_adapter import GspreadWorkbook
    engine = SyncEngine(Store(Path("data")), GspreadWorkbook(spreadsheet_id, session))
    result = engine.push(SyncOptions(dry_run=True))
"""

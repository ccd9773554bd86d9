"""Property: whatever PMs do in the sheet (sort, insert and delete rows, blank lines, new rows, cleared ids, edits),
even in the second between a sync's read and its write, and whatever engineers change locally, a few rounds of
pull and push leave every suggestion with its own values on both sides, each id once, and nothing more to do."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from fake_clock import FakeClock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sync_helpers import module, suggestion, write_modules
from workbook_views import suggestion_range, suggestion_rows

from sheets_sync.store import Store
from sheets_sync.sync.engine import SyncEngine, SyncOptions
from sheets_sync.sync.fake import FakeWorkbook
from sheets_sync.sync.merge import Prefer, local_texts
from sheets_sync.sync.retry import Retrier, RetryPolicy
from sheets_sync.sync.tabs import find_geometry, read_module_tab

TITLES = ("m01", "m02")
PM_ACTIONS = (
    "sort",
    "insert",
    "delete",
    "edit",
    "add",
    "clear id",
    "sort while writing",
    "insert while writing",
)
LOCAL_ACTIONS = ("edit locally", "add locally", "push", "pull")
Step = tuple[str, str, int]


class World:
    """A data directory, a fake workbook and an engine; ``act`` plays one step."""

    def __init__(self, folder: Path) -> None:
        self.store: Store = write_modules(folder / "data", module("m01", 3, 4), module("m02", 2, 2))
        self.fake = FakeWorkbook("sheet-1")
        self.engine = SyncEngine(self.store, self.fake, Retrier(RetryPolicy(clock=FakeClock())))
        self.engine.push()

    def act(self, number: int, step: Step) -> None:
        action, title, seed = step
        rng = random.Random(seed)
        tab = self.fake.read().by_title(title)
        assert tab is not None
        geometry, view = find_geometry(tab), read_module_tab(tab)
        rows = [s.row for s in view.suggestions if s.row is not None]
        last = max(rows, default=geometry.header_row)
        if action == "sort" and rows:
            self.sort(title, rng.randrange(8))
        elif action == "sort while writing":
            self.fake.before_next_write(lambda: self.sort(title, 3))
        elif action == "insert":
            self.fake.pm_insert_rows(title, rng.randrange(geometry.header_row + 1, last + 2))
        elif action == "insert while writing":
            at = rng.randrange(geometry.header_row + 1, last + 2)
            self.fake.before_next_write(lambda: self.fake.pm_insert_rows(title, at))
        elif action == "delete" and rows:
            self.fake.pm_delete_rows(title, rng.choice(rows))
        elif action == "edit" and rows:
            label = rng.choice(["issue", "suggestion", "applied in", "priority"])
            value = rng.choice(["high", "low"]) if label == "priority" else f"pm edit {number}"
            self.fake.pm_set(title, rng.choice(rows), geometry.column(label), value)
        elif action == "add" and last + 2 < tab.row_count:
            self.fake.pm_set(title, last + 1 + rng.randrange(2), geometry.column("issue"), f"pm row {number}")
        elif action == "clear id" and rows:
            self.fake.pm_set(title, rng.choice(rows), geometry.column("suggestion id"), None)
        else:
            self.local(number, action, title, rng)

    def local(self, number: int, action: str, title: str, rng: random.Random) -> None:
        if action in ("push", "pull"):
            sync: Callable[[SyncOptions], object] = getattr(self.engine, action)
            sync(SyncOptions(prefer=Prefer.LOCAL))
            return
        edited = self.store.load_module(title)
        if action == "add locally":
            edited.suggestions.append(suggestion(title, 50 + number, issue=f"local row {number}"))
        elif action == "edit locally" and edited.suggestions:
            rng.choice(edited.suggestions).issue = f"local edit {number}"
        with self.store.lock():
            self.store.save_module(edited)

    def sort(self, title: str, column_offset: int) -> None:
        snapshot = self.fake.read()
        try:
            (first, end), (left, right) = suggestion_range(snapshot, title)
        except ValueError:  # no suggestion rows left
            return
        self.fake.pm_sort(title, (first, end), (left, right), key=left + column_offset, descending=True)


steps = st.lists(
    st.tuples(st.sampled_from(PM_ACTIONS + LOCAL_ACTIONS), st.sampled_from(TITLES), st.integers(0, 2**16)),
    min_size=6,
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_pm_and_engineer_edits_always_converge(plan: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        world = World(Path(folder))
        for number, step in enumerate(plan):
            world.act(number, step)
        world.fake.clear_before_write()  # a PM acting during the very last write is for the next run to see
        world.engine.pull(SyncOptions(prefer=Prefer.SHEET))
        world.engine.push()
        world.engine.pull()
        last_push = world.engine.push()
        snapshot = world.fake.read()
        for title in TITLES:
            shown = {k: v for k, v in suggestion_rows(snapshot, title).items() if not k.startswith("<")}
            assert shown == {s.id: local_texts(s) for s in world.store.load_module(title).suggestions}
        assert not last_push.plan.has_writes
        assert not world.engine.pull().plan.modules

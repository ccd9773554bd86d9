"""Push, pull and status: lock, read, plan, apply, verify, save. The only module that sequences I/O.

One sync at a time per data directory (the store's lock). Local files and the base snapshot are written only after
the workbook holds the plan's result, in one batch (:meth:`Store.batch`), so an interrupted push leaves them
untouched and the next push repairs the workbook (plans are computed from what the workbook holds, so applying one
twice changes nothing the second time). What each write puts in the sheet (ids handed out, the base it leads to) is
recorded locally before it is sent (:mod:`sheets_sync.sync.pending`): a run killed between its write and its save
hands no id out twice and leaves no spurious conflict.

Writes go out as one ``spreadsheets.batchUpdate`` (split near 2 MB). After writing, the engine reads the tabs the
write touched once more (:mod:`sheets_sync.sync.readback`) and checks that every cell landed on the row it was meant
for (:mod:`sheets_sync.sync.recover`); when a PM sorted or inserted rows in between, it puts back what it overwrote
and writes again. A write whose outcome is unknown (timeout, 5xx, lost answer) is never re-sent blindly: the engine
reads again and re-plans.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sheets_sync import crashpoints
from sheets_sync.errors import ConflictError, PartialSyncError, SheetsError
from sheets_sync.models import Module
from sheets_sync.store import Store
from sheets_sync.sync.base import Base
from sheets_sync.sync.base_file import load_base, save_base
from sheets_sync.sync.columns import MODULE_COLUMNS
from sheets_sync.sync.generation import claim_ops, generation, written_by
from sheets_sync.sync.local_modules import LocalModules
from sheets_sync.sync.merge import Conflict, Direction, Prefer
from sheets_sync.sync.pending import (
    Pending,
    load_pending,
    merge_reserved,
    new_ids,
    pending_path,
    reconciled_base,
)
from sheets_sync.sync.plan import Plan, PlanOptions, plan_pull, plan_push
from sheets_sync.sync.readback import merge_read, touched_tabs
from sheets_sync.sync.recover import verify
from sheets_sync.sync.retry import Retrier
from sheets_sync.sync.settled import Settled, run_context
from sheets_sync.sync.settled_file import (
    SettledRecord,
    code_fingerprint,
    load_settled,
    save_settled,
)
from sheets_sync.sync.snapshot import SheetSnapshot
from sheets_sync.sync.workbook import Workbook, WriteOutcomeUnknownError

log = logging.getLogger("sheets_sync.sync")

Planner = Callable[[Mapping[str, Module], SheetSnapshot, Base, PlanOptions, Settled], Plan]

MAX_RECOVERIES = 3
MAX_RACES = 5
"""Writes refused because another sync wrote first, before giving up (each one re-reads and re-plans)."""


@dataclass(frozen=True)
class SyncOptions:
    """What push and pull were asked to do."""

    prefer: Prefer | None = None
    accept_deletions: bool = False
    delete_removed_tabs: bool = False
    dry_run: bool = False

    def plan_options(self) -> PlanOptions:
        return PlanOptions(self.prefer, self.accept_deletions, self.delete_removed_tabs)


@dataclass
class SyncResult:
    """The plan that was applied last (or would be, for a dry run) and what happened."""

    plan: Plan
    applied: bool
    recovered: list[str] = field(default_factory=list)
    saved_modules: list[str] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Conflict]:
        return self.plan.conflicts

    def raise_for_conflicts(self) -> None:
        """Exit code 3 (conflicts) or 5 (values refused, tabs skipped) for callers that want it: raised after
        everything else was applied and saved; 3 wins when both happen."""
        if self.conflicts:
            raise ConflictError(
                f"{len(self.conflicts)} conflict(s): changed both locally and in the sheet (both values listed "
                "above, neither overwritten); make the two sides agree (edit the module file or the sheet cell), "
                "then run again (--prefer sheet or --prefer local would overwrite the other side's value)"
            )
        notes = self.plan.notes
        if self.plan.partial:
            parts = [
                f"{len(notes.refused)} value(s) refused" if notes.refused else "",
                f"{len(notes.skipped_tabs)} tab(s) skipped" if notes.skipped_tabs else "",
                f"{len(notes.copy_edits)} edit(s) only in copies of module tabs" if notes.copy_edits else "",
            ]
            raise PartialSyncError(
                f"{', '.join(p for p in parts if p)} (listed above); everything else was applied"
            )


@dataclass
class StatusResult:
    """What a push and a pull would do now."""

    push: Plan
    pull: Plan


def settled_view(
    direction: Direction,
    record: SettledRecord,
    snapshot: SheetSnapshot,
    base: Base,
    options: PlanOptions,
    carried: Mapping[str, list[str]],
    digests: Mapping[str, str],
) -> Settled:
    """What a plan of ``snapshot`` may skip (:mod:`sheets_sync.sync.settled`): nothing with another column table
    than the release's own (layout-upgrade tests)."""
    context = None
    if options.table is MODULE_COLUMNS:
        shared = (
            options.prefer,
            options.accept_deletions,
            options.delete_removed_tabs,
            sorted(carried.items()),
        )
        context = run_context(code_fingerprint(), direction.value, snapshot, base, shared)
    return Settled(context, record.entries.get(direction.value, {}), digests)


class SyncEngine:
    """Runs push, pull and status for one data directory and one workbook."""

    def __init__(self, store: Store, workbook: Workbook, retrier: Retrier | None = None) -> None:
        self.store = store
        self.workbook = workbook
        self.retrier = retrier or Retrier()
        self._token = uuid.uuid4().hex[:12]
        self._formats = True  # whether this run's reads ask for formats (a pull's do not)

    def push(self, options: SyncOptions = SyncOptions()) -> SyncResult:
        """Make the workbook show the local data; saves the base snapshot (and module files only where another
        clone's suggestion took a provisional id or another clone deleted a suggestion)."""
        return self._sync(plan_push, options, direction=Direction.PUSH)

    def pull(self, options: SyncOptions = SyncOptions()) -> SyncResult:
        """Bring PM edits into the module files; writes ids into PMs' new rows."""
        # a pull writes no dropdown, so its reads leave every cell's data validation out
        return self._sync(plan_pull, options, direction=Direction.PULL)

    def status(self, options: SyncOptions = SyncOptions()) -> StatusResult:
        """Both plans from one read; writes nothing anywhere (tabs the last push settled are not planned again for
        the push; the pull's record is of a pull's narrower read, so the pull plans every tab)."""
        local, base, pending = self._load()
        record = load_settled(self.store, self.workbook.spreadsheet_id)
        log.info("reading spreadsheet %s", self.workbook.spreadsheet_id)
        snapshot = self.workbook.read(known=record.known())
        base = reconciled_base(base, pending, snapshot)
        plan_options = options.plan_options()
        carried = pending.reserved if pending is not None else {}
        digests = local.digests

        def settled(direction: Direction) -> Settled:
            return settled_view(direction, record, snapshot, base, plan_options, carried, digests)

        return StatusResult(
            plan_push(local, snapshot, base, plan_options, settled(Direction.PUSH)),
            plan_pull(local, snapshot, base, plan_options, settled(Direction.PULL)),
        )

    # ------------------------------------------------------------------------------------------ internals

    def _load(self) -> tuple[LocalModules, Base, Pending | None]:
        spreadsheet_id = self.workbook.spreadsheet_id
        return (
            LocalModules(self.store),
            load_base(self.store, spreadsheet_id),
            load_pending(self.store, spreadsheet_id),
        )

    def _sync(self, planner: Planner, options: SyncOptions, *, direction: Direction) -> SyncResult:
        """Lock, read, plan, apply (recording what is about to be written first), then save it all in one batch.
        Tabs the last sync of this direction settled, and unchanged since, are not planned again
        (:mod:`sheets_sync.sync.settled`)."""
        with self.store.lock():
            local, base, pending = self._load()
            record = load_settled(self.store, self.workbook.spreadsheet_id)
            log.info("reading spreadsheet %s", self.workbook.spreadsheet_id)
            self._formats = format_read = direction is Direction.PUSH
            snapshot = self.workbook.read(formats=format_read, known=record.known())
            base = reconciled_base(base, pending, snapshot)
            carried = pending.reserved if pending is not None else {}
            plan_options = options.plan_options()
            digests = local.digests

            def make_plan(snap: SheetSnapshot) -> Plan:
                settled = settled_view(direction, record, snap, base, plan_options, carried, digests)
                return planner(local, snap, base, plan_options, settled)

            plan = make_plan(snapshot)
            if options.dry_run:
                return SyncResult(plan, applied=False)
            result = self._converge(
                make_plan, snapshot, plan, before_write=lambda p: self._record_pending(p, local, carried)
            )
            crashpoints.reached("written")
            checked = {tab.digest: "" for tab in snapshot.tabs if tab.digest is not None}
            settled = record.with_direction(direction.value, checked | result.plan.settled)
            self._save(result, carried, settled)
            return result

    def _record_pending(self, plan: Plan, local: Mapping[str, Module], carried: dict[str, list[str]]) -> None:
        """What this write puts in the sheet, saved before it is sent (:mod:`sheets_sync.sync.pending`)."""
        pending = Pending(
            spreadsheet_id=self.workbook.spreadsheet_id,
            command=plan.direction.value,
            writer=self._writer(plan),
            base=None if plan.modules else plan.base,  # a base is true only with the modules saved beside it
            reserved=merge_reserved(carried, new_ids(local, plan.modules)),
        )
        self.store.write_json(pending_path(self.store, pending.spreadsheet_id), pending.to_json_dict())

    def _save(self, result: SyncResult, carried: dict[str, list[str]], settled: SettledRecord) -> None:
        """Module files, base snapshot and the pending record, all or nothing. A pull brings every row of the
        sheet in, so it settles the reserved ids; a push keeps those an earlier, killed pull left."""
        plan = result.plan
        path = pending_path(self.store, self.workbook.spreadsheet_id)
        with self.store.batch(plan.direction.value):
            result.saved_modules = self._save_modules(plan.modules)
            save_base(self.store, plan.base)
            save_settled(self.store, self.workbook.spreadsheet_id, settled)
            if carried and plan.direction is Direction.PUSH:
                keep = Pending(spreadsheet_id=plan.base.spreadsheet_id, command="pull", reserved=carried)
                self.store.write_json(path, keep.to_json_dict())
            else:
                self.store.delete(path)

    def _converge(
        self,
        make_plan: Callable[[SheetSnapshot], Plan],
        snapshot: SheetSnapshot,
        plan: Plan,
        *,
        before_write: Callable[[Plan], None],
    ) -> SyncResult:
        """Apply, read back, verify; re-plan from what the workbook holds until the writes landed as meant."""
        recovered: list[str] = []
        recoveries = unknown = 0
        races = 0
        while plan.has_writes:
            log.info("writing %d cell(s) in %d operation(s)", plan.cells_written, len(plan.ops))
            try:
                before_write(plan)
                outcome_known = self._apply(plan, unknown, snapshot)
            except SheetsError as exc:
                snapshot, plan = self._after_refusal(exc, make_plan, snapshot, races := races + 1)
                continue
            unknown = 0 if outcome_known else unknown + 1
            after = self._read_back(snapshot, plan)
            if outcome_known and written_by(after) not in (None, self._writer(plan)):
                # another sync wrote after us, from a read that held our write: what differs is its doing
                return SyncResult(plan, applied=True, recovered=recovered)
            check = verify(snapshot, plan, after)
            if check.clean:
                return SyncResult(plan, applied=True, recovered=recovered)
            recoveries += outcome_known
            if recoveries > MAX_RECOVERIES:
                raise SheetsError(
                    "the workbook kept changing while sheets-sync wrote to it "
                    f"({'; '.join(check.problems[:3])}); nothing is lost: run the command again"
                )
            if outcome_known:
                log.warning(
                    "rows moved while writing (%s); putting them right", "; ".join(check.problems[:3])
                )
                recovered += check.problems
            snapshot, plan = check.snapshot, make_plan(check.snapshot)
        return SyncResult(plan, applied=True, recovered=recovered)

    def _read_back(self, before: SheetSnapshot, plan: Plan) -> SheetSnapshot:
        """The workbook after a write: the tabs it touched read again, the others as planned from. A touched tab a
        PM deleted meanwhile makes the narrow read fail: then the whole workbook is read instead."""
        touched = touched_tabs(plan.ops, before)
        log.info("reading the %d written tab(s) again to check what was written", len(touched.kept))
        try:
            fresh = self.workbook.read(touched.kept, formats=self._formats)
        except SheetsError as exc:
            if exc.status != 400:
                raise
            log.info("a written tab is gone (%s); reading the whole workbook", exc)
            return self.workbook.read(formats=self._formats)
        return merge_read(before, fresh, touched)

    def _after_refusal(
        self,
        error: SheetsError,
        make_plan: Callable[[SheetSnapshot], Plan],
        snapshot: SheetSnapshot,
        races: int,
    ) -> tuple[SheetSnapshot, Plan]:
        """A refused write: when another sync wrote since our read (the generation moved), plan again from what
        the workbook holds now; any other refusal is the user's error."""
        if error.status != 400 or races > MAX_RACES:
            raise error
        fresh = self.workbook.read(formats=self._formats)
        if generation(fresh) == generation(snapshot):
            raise error
        log.warning(
            "another sync wrote to the workbook since this one read it (write %d); planning again from what it "
            "holds now",
            generation(fresh),
        )
        return fresh, make_plan(fresh)

    def _apply(self, plan: Plan, failures: int, snapshot: SheetSnapshot) -> bool:
        """Send the plan's writes, claiming the next write generation of the read they were planned from
        (:mod:`sheets_sync.sync.generation`); False when the outcome is unknown (the caller reads again and
        re-plans)."""
        try:
            self.workbook.apply([*claim_ops(snapshot, self._writer(plan)), *plan.ops])
        except WriteOutcomeUnknownError as exc:
            self.retrier.wait_before_retry("write", failures + 1, exc, exc.retry_after)
            return False
        return True

    def _writer(self, plan: Plan) -> str:
        """Who claims a write generation: the command and this run's token, so a read can tell our write from
        another sync's."""
        return f"{plan.direction.value} {self._token}"

    def _save_modules(self, modules: dict[str, Module]) -> list[str]:
        return [module_id for module_id, module in modules.items() if self.store.save_module(module)]

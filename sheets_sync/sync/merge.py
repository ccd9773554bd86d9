"""Three-way merge of one module's suggestions: local JSON, the sheet's suggestions table, and the base snapshot.

Pure. Rows are matched by suggestion id, never by position. For every PM field:

=====================  =======================================  ============================================
local / sheet / base   push                                     pull
=====================  =======================================  ============================================
local == sheet         nothing to do                            nothing to do
only local changed     writes local into the sheet              leaves it ("local edits not yet pushed")
only sheet changed     leaves it ("edits not yet pulled")       takes the sheet's value into the module JSON
both, differently      conflict: listed, left as is on both     same; ``--prefer sheet|local`` resolves
=====================  =======================================  ============================================

A resolution in favour of the side that the command does not write moves the base instead, so the next command in
the other direction carries the value across without a conflict. The same holds for a row deleted locally that a PM
edited: ``push --prefer sheet`` forgets the row in the base (the next pull imports it as the PM's row), ``pull
--prefer local`` records the row as the sheet shows it (the next push clears it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import ValidationError

from sheets_sync.models import SUGGESTION_ID, Module, Suggestion, describe_validation_error, suggestion_number
from sheets_sync.sync.base import FieldTexts
from sheets_sync.sync.columns import MODULE_COLUMNS
from sheets_sync.sync.layout import DROPDOWNS, PM_FIELDS
from sheets_sync.sync.notes import Notes
from sheets_sync.sync.tabs import SheetSuggestion


class Direction(StrEnum):
    PUSH = "push"
    PULL = "pull"


class Prefer(StrEnum):
    SHEET = "sheet"
    LOCAL = "local"


class Change(StrEnum):
    """How one field differs, judged against the base."""

    SAME = "same"
    LOCAL = "local"
    SHEET = "sheet"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Conflict:
    """A field both sides changed differently since the last sync (column is the field name)."""

    module_id: str
    row_id: str
    column: str
    base: str | None
    local: str
    sheet: str


@dataclass(frozen=True)
class Refusal:
    """A value in the sheet the tool cannot take (a priority, status, version or rubric the module does not have):
    not pulled, marked in its cell by push. ``suggestion_id`` is "" for a PM's new row; ``row`` is 0-based."""

    suggestion_id: str
    row: int | None
    field: str
    value: str
    allowed: tuple[str, ...]


@dataclass(frozen=True)
class FormulaCell:
    """A PM cell holding a real formula: its source is not the PM's text, so it is reported and never taken."""

    suggestion_id: str
    row: int | None
    field: str
    source: str


@dataclass(frozen=True)
class MergedCell:
    """A PM cell a merge of cells blanked (Sheets keeps only the top-left value): not pulled as a clearing."""

    suggestion_id: str
    row: int | None
    field: str


@dataclass(frozen=True)
class RowUpdate:
    """Cells to write in one suggestion row: ``row`` None appends it. Texts by field, the id under ``"id"``."""

    row: SheetSuggestion | None
    suggestion_id: str
    cells: Mapping[str, str]
    whole_row: bool = False


@dataclass
class MergeResult:
    """What one module's merge decided."""

    suggestions: list[Suggestion]
    base: dict[str, FieldTexts]
    updates: list[RowUpdate] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: Notes = field(default_factory=Notes)
    """What the merge reports (the plan adds up every module's)."""
    refused: list[Refusal] = field(default_factory=list)
    formulas: list[FormulaCell] = field(default_factory=list)
    merged: list[MergedCell] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- texts


def local_texts(suggestion: Suggestion) -> FieldTexts:
    """A suggestion's PM fields as the texts their cells hold."""
    data = suggestion.model_dump(mode="json")
    return {name: "" if data[name] is None else str(data[name]) for name in PM_FIELDS}


def canonical(name: str, text: str) -> str:
    """The sheet's text as the model would store it: "High" is "high", a blank version is empty."""
    if name in DROPDOWNS:
        folded = text.strip().lower().replace(" ", "_")
        return folded if folded in DROPDOWNS[name] else text
    if name in ("version", "rubric", "applied_in") and not text.strip():
        return ""
    return text


def canonical_texts(texts: Mapping[str, str]) -> FieldTexts:
    return {name: canonical(name, texts.get(name, "")) for name in PM_FIELDS}


def _marked(texts: Mapping[str, str], row: SheetSuggestion, local: Mapping[str, str]) -> dict[str, str]:
    """A cell that shows ``'x`` where the module holds ``'x`` holds exactly that text (written by a release that
    wrote such texts as they are), not ``x`` typed with Sheets' text mark: never read as an edit."""
    return {
        name: f"'{text}" if name in row.apostrophes and f"'{text}" == local.get(name) else text
        for name, text in texts.items()
    }


def classify(base: str | None, local: str, sheet: str) -> Change:
    """Which side changed a field; with no base, any difference is a conflict (nothing says who is right)."""
    if local == sheet:
        return Change.SAME
    if base is None:
        return Change.CONFLICT
    if sheet == base:
        return Change.LOCAL
    if local == base:
        return Change.SHEET
    return Change.CONFLICT


def _model_value(name: str, text: str) -> str | None:
    """A field's text as the model takes it: issue and suggestion stay text, other blanks are "not set"."""
    return text if name in ("issue", "suggestion") else (text or None)


# ---------------------------------------------------------------------------------------------- matching rows


@dataclass
class RowMatch:
    """Sheet rows by the suggestion id they stand for, and the rows that are new (with an adoptable id or none)."""

    matched: dict[str, SheetSuggestion] = field(default_factory=dict)
    new: list[tuple[SheetSuggestion, str | None]] = field(default_factory=list)


def match_rows(
    module_id: str,
    rows: Iterable[SheetSuggestion],
    known: Mapping[str, list[FieldTexts]],
    *,
    in_sheet_before: Iterable[str] | None = None,
    retired: frozenset[str] = frozenset(),
) -> RowMatch:
    """Match sheet rows to known ids (local or base); the first row showing an id wins.

    A row whose id cell a PM changed or cleared is recognised when its fields equal a missing id's base or local
    fields (the id is put back); a new row with a well-formed unused id (a pull that wrote ids, then died before
    saving) keeps it; copies and other rows are new.

    With several clones (:mod:`sheets_sync.sync.team`), only ids that were in the sheet before
    (``in_sheet_before``, the base) can have had their id cell overwritten, and a row showing a well-formed id
    above every number this clone knows is taken for an overwritten id cell only when it keeps that suggestion's
    issue or suggestion text (else it is another clone's new suggestion). A ``retired`` (deleted) id is never
    adopted again.
    """
    result = RowMatch()
    pending = []
    for row in rows:
        if row.truth_id in known and row.truth_id not in result.matched:
            result.matched[row.truth_id] = row
        elif not row.blank:
            pending.append(row)
    candidates = known if in_sheet_before is None else {s: known[s] for s in in_sheet_before if s in known}
    highest = max((suggestion_number(s) or 0 for s in [*known, *retired]), default=0)
    for row in pending:
        recognised = _recognise_edited_id(row, candidates, result.matched)
        if recognised and in_sheet_before is not None and _is_fresh_id(module_id, row.truth_id, highest):
            recognised = recognised if _same_text(row, candidates[recognised]) else None
        if recognised:
            result.matched[recognised] = row
        else:
            adopted = _adoptable_id(module_id, row, known, result)
            result.new.append((row, None if adopted in retired else adopted))
    return result


def _same_text(row: SheetSuggestion, versions: list[FieldTexts]) -> bool:
    """A row showing a fresh id is an overwritten id cell only when it keeps the suggestion's own words (its issue
    or suggestion text); with another issue and suggestion it is another clone's new suggestion."""
    texts = canonical_texts(row.truth)
    return any(
        texts[name].strip() and texts[name] == version.get(name)
        for version in versions
        for name in TEXT_FIELDS
    )


TEXT_FIELDS = ("issue", "suggestion")


def _is_fresh_id(module_id: str, text: str, highest: int) -> bool:
    match = SUGGESTION_ID.match(text)
    return match is not None and match["module"] == module_id and int(match["n"]) > highest


RECOGNISED_FIELDS = 4
"""A row whose id cell a PM overwrote is still the suggestion whose fields it shares, when it shares at least this
many (non-empty) PM fields with exactly one missing suggestion: a PM who typed into the id cell and also edited the
row gets the id put back and the edits merged, never a duplicate suggestion."""


def _recognise_edited_id(
    row: SheetSuggestion, known: Mapping[str, list[FieldTexts]], matched: Mapping[str, SheetSuggestion]
) -> str | None:
    texts = canonical_texts(row.truth)
    missing = sorted(
        (sid for sid in known if sid not in matched), key=lambda s: (suggestion_number(s) or 0, s)
    )
    exact = next((sid for sid in missing if texts in known[sid]), None)
    if exact is not None:
        return exact
    scores = {sid: max(_shared_fields(texts, version) for version in known[sid]) for sid in missing}
    best = [
        sid for sid, score in scores.items() if score >= RECOGNISED_FIELDS and score == max(scores.values())
    ]
    return best[0] if len(best) == 1 else None


def _shared_fields(left: FieldTexts, right: FieldTexts) -> int:
    return sum(1 for name in PM_FIELDS if left.get(name, "").strip() and left.get(name) == right.get(name))


def _adoptable_id(
    module_id: str, row: SheetSuggestion, known: Mapping[str, object], result: RowMatch
) -> str | None:
    match = SUGGESTION_ID.match(row.truth_id)
    taken = set(result.matched) | {adopted for _, adopted in result.new if adopted}
    if match and match["module"] == module_id and row.truth_id not in known and row.truth_id not in taken:
        return row.truth_id
    return None


# ---------------------------------------------------------------------------------------------- merge


@dataclass(frozen=True)
class MergeOptions:
    direction: Direction
    prefer: Prefer | None = None
    accept_deletions: bool = False
    retired: frozenset[str] | None = None
    """Ids deleted for good (:mod:`sheets_sync.sync.team`); None for a merge outside a sync (no clone rules)."""


def merge_module(
    module: Module, rows: Iterable[SheetSuggestion], base: Mapping[str, FieldTexts], options: MergeOptions
) -> MergeResult:
    """Merge one module's suggestions in the given direction (see the module docstring)."""
    rows = tuple(rows)
    local = {s.id: s for s in module.suggestions}
    known = {sid: [local_texts(s)] for sid, s in local.items()}
    for sid, texts in base.items():
        known.setdefault(sid, []).append(dict(texts))
    team = options.retired is not None
    retired = options.retired or frozenset()
    match = match_rows(
        module.module_id, rows, known, in_sheet_before=set(base) if team else None, retired=retired
    )
    result = MergeResult(suggestions=list(module.suggestions), base={})
    merger = _Merger(module, local, base, options, result)
    for sid in sorted(known, key=lambda s: (suggestion_number(s) or 0, s)):
        merger.merge_id(sid, match.matched.get(sid))
    merger.new_rows(match.new, taken=set(known) | {r.truth_id for r in rows if r.truth_id} | retired)
    merger.clear_stray_cells(rows)
    result.suggestions.sort(key=lambda s: (suggestion_number(s.id) or 0, s.id))
    return result


@dataclass
class _Merger:
    module: Module
    local: dict[str, Suggestion]
    base: Mapping[str, FieldTexts]
    options: MergeOptions
    result: MergeResult

    @property
    def push(self) -> bool:
        return self.options.direction is Direction.PUSH

    def _resolved(self, what: str) -> None:
        """A conflict settled by ``--prefer``: push writes the sheet, pull the local files, so the value the user
        chose is written now only when it goes that way."""
        self.result.notes.resolved.append(what)
        if (self.options.prefer is Prefer.LOCAL) is not self.push:
            self.result.notes.resolved_not_written.append(what)

    def merge_id(self, sid: str, row: SheetSuggestion | None) -> None:
        in_local, in_base = sid in self.local, sid in self.base
        if in_local and row is not None:
            self._merge_fields(sid, row)
        elif in_local:
            self._missing_in_sheet(sid, in_base)
        elif row is not None:
            self._deleted_locally(sid, row)
        # in the base only: deleted on both sides, dropped from the base

    # ------------------------------------------------------------------------------------ both sides

    def _merge_fields(self, sid: str, row: SheetSuggestion) -> None:
        local = local_texts(self.local[sid])
        base = self.base.get(sid)
        sheet, shown = (
            canonical_texts(_marked(row.truth, row, local)),
            canonical_texts(_marked(row.actual, row, local)),
        )
        agreed: dict[str, str | None] = {}
        targets = {}
        for name in PM_FIELDS:
            base_text = base.get(name, "") if base is not None else None
            if name in row.merged:
                self.result.merged.append(MergedCell(sid, row.row, name))
            if name in row.absent or name in row.merged:
                # No column yet, or blanked by a merge: push writes the local text (after unmerging); pull takes
                # nothing from it.
                targets[name], agreed[name] = (local[name], local[name]) if self.push else ("", base_text)
                continue
            if self._not_taken(sid, row, name, sheet[name], local[name]):
                agreed[name] = base_text
                if name not in row.formulas:
                    targets[name] = row.truth.get(name, "")  # the PM's text stays as it is, marked
                continue
            targets[name], agreed[name] = self._field(sid, name, base_text, local[name], sheet[name])
        if all(text is not None for text in agreed.values()):
            self.result.base[sid] = {name: text or "" for name, text in agreed.items()}
        changed = row.row is None or any(text != shown[name] for name, text in targets.items())
        # A cell showing a number through the PM's format is written as its text: the plain-text format push
        # puts back would otherwise show the number (``0012`` becomes ``12``). Every field of a row push writes
        # is written, unchanged and empty ones included: a PM who inserts or deletes rows between our read and
        # our write must never leave a suggestion with another row's value.
        changed = changed or bool(row.not_text)
        self._write_row(sid, row, targets if self.push and changed else {})

    def _not_taken(self, sid: str, row: SheetSuggestion, name: str, sheet: str, local: str) -> bool:
        """A formula, or a value the module does not allow (only an edit is checked: a value both sides agree on
        is left alone)."""
        if name in row.formulas:
            self.result.formulas.append(FormulaCell(sid, row.row, name, row.actual.get(name, "")))
            return True
        if sheet == local:
            return False
        allowed = self.refused(name, sheet)
        if allowed is None:
            return False
        self.result.refused.append(Refusal(sid, row.row, name, row.truth.get(name, ""), allowed))
        return True

    def refused(self, name: str, text: str) -> tuple[str, ...] | None:
        """The allowed values when ``text`` is not one of them (the checks of ``suggest``), else None."""
        allowed = MODULE_COLUMNS.suggestion(name).allowed_values(self.module)
        if allowed is None or not text.strip() or canonical(name, text.strip()) in allowed:
            return None
        return allowed

    def _field(self, sid: str, name: str, base: str | None, local: str, sheet: str) -> tuple[str, str | None]:
        """Decide one field: (what the sheet shows after a push, the new base text; None: no base yet)."""
        change = classify(base, local, sheet)
        if change is Change.CONFLICT and self.options.prefer is None:
            self.result.conflicts.append(Conflict(self.module.module_id, sid, name, base, local, sheet))
            return sheet, base
        if change is Change.CONFLICT:
            self._resolved(f"{sid} {name}")
        if change is Change.SAME:
            return local, local
        if change is Change.LOCAL or (change is Change.CONFLICT and self.options.prefer is Prefer.LOCAL):
            return self._local_wins(local, sheet, base, resolved=change is Change.CONFLICT)
        return self._sheet_wins(sid, name, local, sheet, base, resolved=change is Change.CONFLICT)

    def _local_wins(
        self, local: str, sheet: str, base: str | None, *, resolved: bool
    ) -> tuple[str, str | None]:
        """Push writes the local text; pull leaves it for the next push (a resolved conflict moves the base so
        that push sees a local-only change)."""
        if self.push:
            return local, local
        if not resolved:
            self.result.notes.local_edits_pending += 1
        return sheet, sheet if resolved else base

    def _sheet_wins(
        self, sid: str, name: str, local: str, sheet: str, base: str | None, *, resolved: bool
    ) -> tuple[str, str | None]:
        """Pull takes the sheet's text; push leaves it for the next pull (a resolved conflict moves the base so
        that pull sees a sheet-only change)."""
        if self.push:
            if not resolved:
                self.result.notes.sheet_edits_pending += 1
            return sheet, local if resolved else base
        if self._take(sid, name, sheet):
            self.result.notes.pulled_fields += 1
            return sheet, sheet
        return sheet, base

    def _take(self, sid: str, name: str, text: str) -> bool:
        """Pull one field into the local suggestion; an invalid value is reported and left out."""
        current = self.local[sid]
        data = current.model_dump(mode="json", by_alias=True) | {name: _model_value(name, text)}
        try:
            updated = Suggestion.model_validate(data)
        except ValidationError as exc:
            self.result.notes.invalid.append(
                f"{sid} {name}: {describe_validation_error(exc)[0][1]} ({text!r})"
            )
            return False
        self.local[sid] = updated
        self.result.suggestions = [updated if s.id == sid else s for s in self.result.suggestions]
        return True

    def _write_row(self, sid: str, row: SheetSuggestion, writes: dict[str, str]) -> None:
        whole = row.row is None
        if row.id_cell != sid:
            writes["id"] = sid
            if not whole:
                self.result.notes.id_repairs.append(sid)
        if not self.push:
            writes = {"id": sid} if "id" in writes and not whole else {}
        if writes:
            self.result.updates.append(RowUpdate(None if whole else row, sid, writes, whole_row=whole))

    def _keep_shown(self, sid: str, row: SheetSuggestion, cells: Mapping[str, str] | None = None) -> None:
        """A row push otherwise leaves as it is (a PM's edit, new row or conflict, for the pull or the user to
        settle): its cells that show a number, date or boolean through the PM's format are written as the texts
        they show (``row.not_text``), so the plain-text format push puts back changes no text; with ``cells``
        (an id to put back) in the same row write."""
        writes = dict(cells or {})
        if self.push and row.row is not None:
            writes |= {name: row.truth.get(name, "") for name in row.not_text}
        if writes:
            self.result.updates.append(RowUpdate(row, sid, writes))

    # ------------------------------------------------------------------------------------ one side only

    def _missing_in_sheet(self, sid: str, in_base: bool) -> None:
        texts = local_texts(self.local[sid])
        if in_base:
            self.result.notes.deleted_in_sheet.append(sid)
        if self.push:
            if in_base:
                self.result.notes.restored.append(sid)
            self.result.updates.append(RowUpdate(None, sid, {"id": sid, **texts}, whole_row=True))
            self.result.base[sid] = texts
        elif in_base and self.options.accept_deletions:
            self.result.suggestions = [s for s in self.result.suggestions if s.id != sid]
            self.result.notes.deletions_accepted.append(sid)
        elif in_base:
            self.result.base[sid] = dict(self.base[sid])
        else:
            self.result.notes.local_edits_pending += 1

    def _deleted_locally(self, sid: str, row: SheetSuggestion) -> None:
        """A suggestion removed from the module JSON: push clears its row unless a PM edited it since (a conflict).

        ``--prefer`` settles it like a field: the chosen side wins where this command writes, and otherwise the
        base moves to the losing side's state, so that the next command the other way sees a one-sided change."""
        sheet = canonical_texts(row.truth)
        edited = sheet != canonical_texts(self.base[sid])
        if edited and self.options.prefer is None:
            self.result.conflicts.append(
                Conflict(self.module.module_id, sid, "(row)", "(present)", "(deleted)", "(edited)")
            )
            self.result.base[sid] = dict(self.base[sid])
            self._keep_shown(sid, row)
            return
        if edited:
            self._resolved(f"{sid} (row)")
        if edited and self.options.prefer is Prefer.SHEET:
            self._row_kept(sid, row)
        else:
            self._row_deleted(sid, row, sheet if edited else dict(self.base[sid]))

    def _row_kept(self, sid: str, row: SheetSuggestion) -> None:
        """The PM's row wins: pull imports it now; push leaves the base without it (as the local side has it), so
        the next pull finds a row only the sheet has, a PM's new row with its id, and imports it."""
        if not self.push:
            self.result.base[sid] = dict(self.base[sid])  # kept should the row not import (an invalid value)
            self._import(sid, row)
        else:
            self._keep_shown(sid, row)

    def _row_deleted(self, sid: str, row: SheetSuggestion, agreed: FieldTexts) -> None:
        """The local deletion wins: push clears the row and forgets it; pull records ``agreed`` (the row as the
        sheet shows it, when resolving) so that the next push sees a local-only change and clears it."""
        if not self.push:
            self.result.base[sid] = agreed
        elif row.row is not None:
            self.result.notes.deleted_locally.append(sid)
            cells = {"id": "", **{name: "" for name in PM_FIELDS}}
            self.result.updates.append(RowUpdate(row, sid, cells))

    def clear_stray_cells(self, rows: Iterable[SheetSuggestion]) -> None:
        """Cells that one of our writes put on a row that was blank (a PM sorted the row meant for them away, and
        empty rows down, between our read and our write) are cleared again. Only recovery makes such rows: it
        knows the row was blank (``truth``) while the cells show what we wrote (``actual``)."""
        for row in rows:
            if not row.blank or row.row is None:
                continue
            cells = {name: "" for name, text in row.actual.items() if text.strip()}
            cells |= {"id": ""} if row.id_cell else {}
            if cells:
                self.result.updates.append(RowUpdate(row, "", cells))

    # ------------------------------------------------------------------------------------ new sheet rows

    def new_rows(self, rows: list[tuple[SheetSuggestion, str | None]], taken: set[str]) -> None:
        """Rows PMs added: pull gives each one an id and imports it; push counts them and only repairs what its
        own writes did to them (recovery): an id written on the wrong row is taken back, a row one of its appends
        overwrote is put back."""
        if self.push:
            for row, _ in rows:
                refused = self._refused_in_new_row(row.truth_id, row)
                self.result.notes.new_rows_pending += not refused
                if row.row is None:
                    self.result.updates.append(RowUpdate(None, "", {"id": "", **row.truth}, whole_row=True))
                else:
                    repair = {"id": row.truth_id} if row.id_cell != row.truth_id else {}
                    self._keep_shown(row.truth_id, row, repair)
            return
        for row, adopted in rows:
            sid = adopted or self.module.next_suggestion_id(taken | set(self.local))
            taken.add(sid)
            self._import(sid, row)

    def _refused_in_new_row(self, sid: str, row: SheetSuggestion) -> bool:
        """Check every field of a PM's new row; a row with a refused value or a formula is not imported."""
        found = False
        for name in PM_FIELDS:
            if name in row.formulas:
                self.result.formulas.append(FormulaCell(sid, row.row, name, row.actual.get(name, "")))
                found = True
            elif (allowed := self.refused(name, row.truth.get(name, ""))) is not None:
                self.result.refused.append(Refusal(sid, row.row, name, row.truth.get(name, ""), allowed))
                found = True
        return found

    def _import(self, sid: str, row: SheetSuggestion) -> None:
        """A PM's new row becomes a suggestion; blank fields take their defaults (status "proposed"), which the
        next push writes into the row (the base keeps the row as the sheet shows it)."""
        texts = canonical_texts(row.truth)
        if self._refused_in_new_row(row.truth_id, row):
            return
        try:
            suggestion = Suggestion.model_validate(
                {"id": sid, **{k: v for k, v in texts.items() if v.strip()}}
            )
        except ValidationError as exc:
            where = f"row {row.row + 1}" if row.row is not None else sid
            self.result.notes.invalid.append(
                f"new suggestion in {where}: {describe_validation_error(exc)[0][1]}"
            )
            return
        self.local[sid] = suggestion
        self.result.suggestions.append(suggestion)
        self.result.notes.imported.append(sid)
        self.result.base[sid] = texts
        if row.id_cell != sid and row.row is not None:
            self.result.updates.append(RowUpdate(row, sid, {"id": sid}))

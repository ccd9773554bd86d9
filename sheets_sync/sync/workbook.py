"""The Workbook port: the only two things the sync engine asks of a spreadsheet.

Two implementations: :class:`sheets_sync.sync.gspread_adapter.GspreadWorkbook` (Google's API, or the emulator,
through gspread) and :class:`sheets_sync.sync.fake.FakeWorkbook` (in memory, for fast tests).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol, runtime_checkable

from sheets_sync.sync.ops import Op
from sheets_sync.sync.snapshot import SheetSnapshot


class WriteOutcomeUnknownError(Exception):
    """A write request failed in a way that does not say whether it was applied (timeout, 5xx, dropped answer).

    Not a user-facing error: the engine reacts by reading the workbook again and re-planning, which is safe where
    blindly re-sending is not (an ``addSheet`` or ``addProtectedRange`` that did happen must not happen twice).
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


@runtime_checkable
class Workbook(Protocol):
    """A spreadsheet the engine reads whole and writes with planned operations."""

    @property
    def spreadsheet_id(self) -> str: ...

    def read(
        self, tabs: Collection[int] | None = None, *, formats: bool = True, known: Collection[str] = ()
    ) -> SheetSnapshot:
        """The whole workbook in one consistent read (one API read).

        ``formats=False`` is what a pull reads: of each cell only its value, shown text and note (no dropdown,
        format, colour or link: those parts of every ``Cell`` are left at their defaults).

        ``known``: fingerprints of tab texts an earlier read decoded (:mod:`sheets_sync.sync.settled`); an
        implementation may then skip decoding such a tab's cells until they are read, and gives each tab of a
        whole-workbook read its ``digest`` (or None, which means "never settled": the in-memory fake does so).

        With ``tabs`` (sheet ids), only those tabs and the spreadsheet's own developer metadata: the check after a
        write (:mod:`sheets_sync.sync.readback`). A tab that no longer exists is an error of the implementation's
        kind (:class:`sheets_sync.errors.SheetsError` with status 400)."""
        ...

    def apply(self, ops: Sequence[Op]) -> None:
        """Apply operations in order, in as few write requests as their size allows.

        Raises :class:`WriteOutcomeUnknownError` when a request may or may not have been applied, and
        :class:`sheets_sync.errors.SheetsError` subclasses for refusals that retrying cannot fix.
        """
        ...

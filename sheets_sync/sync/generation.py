"""The write generation: two syncs writing one workbook at once (the scheduled job and an engineer's laptop in the
same minute) never lose each other's writes.

The Sheets API has no conditional write, but two of its documented rules make one: a ``batchUpdate`` is atomic
(when one request fails, none is applied) and a ``createDeveloperMetadata`` with a client-chosen ``metadataId`` that
already exists fails. So the workbook carries one spreadsheet-level developer metadata entry, key
:data:`GENERATION_KEY`, whose id is the number of the last write. Every write a sync sends starts with "create
generation N+1, delete generation N", N being the one it read. Of two syncs that read generation N, the first to
write gets N+1; the other's whole batch is refused, and that sync reads again and plans again from what the
workbook now holds (the first one's writes included), so it never writes from a stale read. A write split into
several bodies claims one generation per body (:func:`sheets_sync.sync.api_json.split_batches`).

Pure: the engine asks for the claim of the snapshot it planned from.
"""

from __future__ import annotations

from sheets_sync.sync.ops import CreateMetadata, DeleteMetadata, Op
from sheets_sync.sync.snapshot import DeveloperMetadata, SheetSnapshot

GENERATION_KEY = "sheets-sync:generation"
FIRST_GENERATION = 1


def generation_entries(snapshot: SheetSnapshot) -> list[DeveloperMetadata]:
    return [m for m in snapshot.metadata if m.key == GENERATION_KEY and m.sheet_id is None]


def generation(snapshot: SheetSnapshot) -> int:
    """The number of the last write the workbook holds (0 before the first)."""
    return max((m.metadata_id for m in generation_entries(snapshot)), default=0)


def claim_ops(snapshot: SheetSnapshot, writer: str) -> list[Op]:
    """The operations that go first in a write planned from ``snapshot``: they fail the whole batch when another
    sync wrote since that read. ``writer`` is recorded as the entry's value (which command wrote last)."""
    ops: list[Op] = [
        CreateMetadata(GENERATION_KEY, writer, None, generation(snapshot) + 1 or FIRST_GENERATION)
    ]
    return ops + [DeleteMetadata(m.metadata_id) for m in generation_entries(snapshot)]


def written_by(snapshot: SheetSnapshot) -> str | None:
    """The writer recorded by the last write (None before the first)."""
    entries = generation_entries(snapshot)
    return max(entries, key=lambda m: m.metadata_id).value if entries else None

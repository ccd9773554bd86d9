"""Small edits of module files the CLI offers besides importing: adding a suggestion."""

from __future__ import annotations

from sheets_sync.errors import DataError
from sheets_sync.index_file import refuse_structure_problems
from sheets_sync.models import Module, Priority, Status, Suggestion
from sheets_sync.store import Store
from sheets_sync.sync.base_file import load_base
from sheets_sync.sync.pending import reserved_ids
from sheets_sync.versions import sorted_versions


def add_suggestion(
    store: Store,
    module_id: str,
    *,
    version: str,
    rubric: str,
    issue: str,
    suggestion: str,
    priority: Priority | None = None,
    status: Status = Status.PROPOSED,
    applied_in: str | None = None,
) -> Suggestion:
    """Append a suggestion with the next free ``<module_id>-s<N>`` id and save the module.

    The version and rubric must be ones the module has results for: a typo would otherwise file the suggestion
    under a version nobody looks at.
    """
    with store.batch("suggest"):
        module = store.load_module(module_id)
        # Like every writer, refuse a data directory that is wrong as a whole (a dangling symlink, a misnamed module
        # file); another module file merely not valid does not stop it (it is not read; `validate` lists it).
        refuse_structure_problems(store)
        _check_known(module, version, rubric, store)
        added = Suggestion(
            id=module.next_suggestion_id(taken=synced_suggestion_ids(store, module_id)),
            version=version,
            rubric=rubric,
            issue=issue,
            suggestion=suggestion,
            priority=priority,
            status=status,
            applied_in=applied_in,
        )
        updated = Module.model_validate({**dict(module), "suggestions": [*module.suggestions, added]})
        store.save_module(updated)
    return added


def synced_suggestion_ids(store: Store, module_id: str) -> set[str]:
    """Ids of the module's suggestions recorded in any base snapshot (``data/.sync/*.json``), deleted ones included.

    A suggestion deleted locally keeps its row in the sheet until the next push; giving its id to a new suggestion
    would make the sync match the new one to the old row. So ids a workbook still knows are never handed out again.
    """
    taken: set[str] = set()
    for path in sorted(store.sync_dir.glob("*.json")):
        base = load_base(store, path.stem)
        taken.update(base.suggestions.get(module_id, {}))
        taken.update(base.tombstones.get(module_id, []))  # deleted for good: never handed out again
    # written into the sheet by a sync killed before it saved them locally (sheets_sync.sync.pending)
    return taken | reserved_ids(store, module_id)


def _check_known(module: Module, version: str, rubric: str, store: Store) -> None:
    path = store.module_path(module.module_id)
    versions = sorted_versions(e.prompt_version for e in module.experiments)
    if version not in versions:
        raise DataError(
            f"module {module.module_id} has no results for version {version!r} (known: {', '.join(versions) or 'none'})",
            path=path,
        )
    rubrics = module.rubric_names()
    if rubric not in rubrics:
        raise DataError(
            f"module {module.module_id} has no rubric {rubric!r} (known: {', '.join(rubrics) or 'none'})",
            path=path,
        )

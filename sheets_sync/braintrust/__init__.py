"""``sheets-sync braintrust pull``: a project's Braintrust experiments into the local mirror.

Network first, then the store: every wanted experiment is listed and fetched (:mod:`.client`) before the data
directory's lock is taken, then each becomes a run (:mod:`sheets_sync.importers.braintrust`) merged all or nothing
through the importer path every format shares (:func:`sheets_sync.importers.write_runs`), so ids, idempotence and
the index come for free. An experiment whose module, version or model cannot be told is skipped and listed.
Requests: one list page per 100 experiments, then per experiment its ``fetch`` pages (one more, empty, to see the
end) and one ``summarize`` for its web page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sheets_sync.braintrust.client import BraintrustClient
from sheets_sync.errors import BraintrustError
from sheets_sync.importers import ImportResult, write_runs
from sheets_sync.importers.base import ParsedRun
from sheets_sync.importers.braintrust import (
    RENAMED_SUFFIX,
    BraintrustOptions,
    Identity,
    Skipped,
    experiment_run,
    identity,
    web_url,
)
from sheets_sync.models import Module, timestamp_key
from sheets_sync.store import Store, gc_paused

Progress = Callable[[int, int, str], None]
"""Called with (experiments fetched, experiments wanted, the name of the one just fetched)."""


@dataclass(frozen=True)
class PullResult:
    results: list[ImportResult]
    skipped: list[Skipped]
    listed: int
    requests: int
    url_source: dict[str, str] = field(default_factory=dict)
    """Experiment name -> where its web link came from: "summarize", "built" or "none"."""


@dataclass(frozen=True)
class _Fetched:
    experiment: dict[str, Any]
    who: Identity
    events: list[dict[str, Any]]
    url: str | None


def pull(
    store: Store,
    client: BraintrustClient,
    *,
    project: str,
    since: datetime | None = None,
    names: Sequence[str] = (),
    org: str | None = None,
    options: BraintrustOptions | None = None,
    progress: Progress | None = None,
) -> PullResult:
    """Pull the project's experiments (created since ``since``, named ``names`` if given) into ``store``."""
    options = options or BraintrustOptions()
    listed = list(client.experiments(project))
    if not listed:
        raise BraintrustError(
            f"no experiments in project {project!r} (check --project: names are case-sensitive)",
            url=f"{client.credentials.api_url}/v1/experiment",
        )
    wanted = _wanted(listed, since, names, project)
    skipped: list[Skipped] = []
    fetched: list[_Fetched] = []
    url_source: dict[str, str] = {}
    for done, experiment in enumerate(wanted, start=1):
        who = identity(experiment, options)
        if isinstance(who, Skipped):
            skipped.append(who)
        else:
            fetched.append(_fetch(client, experiment, who, project, org, url_source))
        if progress is not None:
            progress(done, len(wanted), str(experiment.get("name")))
    with store.batch("braintrust-pull"), gc_paused():
        modules = store.load_all()
        runs: list[ParsedRun] = []
        for item in fetched:
            outcome = experiment_run(
                item.experiment,
                item.who,
                item.events,
                project=project,
                url=item.url,
                options=options,
                lookup=lambda module_id: modules.get(module_id) or _created_by(runs, module_id),
                api_url=client.credentials.api_url,
            )
            (skipped if isinstance(outcome, Skipped) else runs).append(outcome)  # type: ignore[arg-type]
        results = write_runs(store, modules, runs) if runs else []
    return PullResult(results, skipped, len(listed), client.requests, url_source)


def _created_by(runs: Iterable[ParsedRun], module_id: str) -> Module | None:
    """A module an earlier experiment of this pull creates counts as existing (its name is given there)."""
    for run in runs:
        if run.module_id == module_id and run.module_name:
            return Module(module_id=module_id, module_name=run.module_name)
    return None


def _fetch(
    client: BraintrustClient,
    experiment: dict[str, Any],
    who: Identity,
    project: str,
    org: str | None,
    url_source: dict[str, str],
) -> _Fetched:
    experiment_id = str(experiment["id"])
    name = str(experiment.get("name") or experiment_id)
    events = client.events(experiment_id)
    url = client.experiment_url(experiment_id)
    if url:
        url_source[name] = "summarize"
    elif org:
        url, url_source[name] = web_url(org, project, name), "built"
    else:
        url_source[name] = "none"
    return _Fetched(experiment, who, events, url)


def _wanted(
    listed: list[dict[str, Any]], since: datetime | None, names: Sequence[str], project: str
) -> list[dict[str, Any]]:
    """The experiments to pull, oldest first (a stable order for the output and for ids)."""
    chosen = [e for e in listed if _matches(e, names) and _since(e, since)]
    missing = [n for n in names if not any(_matches(e, [n]) for e in listed)]
    if missing:
        raise BraintrustError(
            f"no experiment named {', '.join(repr(m) for m in missing)} in project {project!r}"
        )
    return sorted(chosen, key=lambda e: (str(e.get("created") or ""), str(e["id"])))


def _matches(experiment: dict[str, Any], names: Sequence[str]) -> bool:
    """Named ones only when names are given; a name matches with or without the server's ``-<8 hex>`` suffix."""
    if not names:
        return True
    name = str(experiment.get("name") or "")
    return name in names or RENAMED_SUFFIX.sub("", name) in names


def _since(experiment: dict[str, Any], since: datetime | None) -> bool:
    if since is None:
        return True
    created = experiment.get("created")
    try:
        when = datetime.fromisoformat(str(created))
    except ValueError:
        return True  # unreadable: kept, so the conversion reports it rather than dropping it silently
    start = since if since.tzinfo else since.replace(tzinfo=UTC)
    return timestamp_key(when) >= timestamp_key(start)

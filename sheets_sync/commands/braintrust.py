"""``sheets-sync braintrust pull``: Braintrust experiments into the local mirror (REST, no SDK)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
from rich.progress import Progress as ProgressBar
from rich.text import Text

from sheets_sync.braintrust import Progress, PullResult, pull
from sheets_sync.braintrust.client import (
    API_KEY_ENV,
    API_URL_ENV,
    REQUESTS_PER_MINUTE,
    BraintrustClient,
    Credentials,
)
from sheets_sync.commands._common import common_options, err, json_option, resolve_data_dir
from sheets_sync.commands._output import console as output_console
from sheets_sync.commands._output import print_json
from sheets_sync.commands.data import import_json
from sheets_sync.importers import ImportStatus
from sheets_sync.importers.braintrust import BraintrustOptions, MetadataKeys
from sheets_sync.stats import format_percent
from sheets_sync.store import Store
from sheets_sync.sync.retry import DEFAULT_DEADLINE, RetryPolicy

EXIT_CODES = (
    "Exit codes: 0 done (skipped experiments listed with the reason), 1 error (one line on stderr naming the URL "
    "or file: a missing key, HTTP 401/403, a malformed answer; nothing written), 2 usage."
)


@click.group(
    "braintrust",
    epilog=f"""\b
Examples:
  sheets-sync braintrust pull --project checkout-evals
  sheets-sync braintrust pull --project checkout-evals --since 2026-01-01 --threshold accuracy=0.8

{EXIT_CODES}""",
)
def braintrust_group() -> None:
    """Bring results in from Braintrust experiments (REST API; key from $BRAINTRUST_API_KEY)."""


def _threshold(_ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, float]:
    thresholds = {}
    for value in values:
        name, sep, number = value.partition("=")
        try:
            parsed = float(number)
        except ValueError:
            parsed = -1.0
        if not sep or not name or not 0 <= parsed <= 1:
            raise click.BadParameter(f"{value!r} is not SCORE=VALUE with VALUE from 0 to 1", param=param)
        thresholds[name] = parsed
    return thresholds


_KEY_FIELDS = ("module", "module_name", "prompt_version", "model", "dataset_version")


def _metadata_keys(_ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> MetadataKeys:
    chosen: dict[str, str] = {}
    for value in values:
        name, sep, key = value.partition("=")
        if not sep or name not in _KEY_FIELDS or not key:
            raise click.BadParameter(
                f"{value!r} is not FIELD=KEY with FIELD one of {', '.join(_KEY_FIELDS)}", param=param
            )
        chosen[name] = key
    return MetadataKeys(**chosen)


@braintrust_group.command(
    "pull",
    short_help="Pull a project's experiments into the module files.",
    epilog=f"""\b
Examples:
  export {API_KEY_ENV}=...           # Braintrust: Settings > API keys
  sheets-sync braintrust pull --project checkout-evals
  sheets-sync braintrust pull --project checkout-evals --experiment m01_v6_gpt-5 --experiment m01_v7_gpt-5
  sheets-sync braintrust pull --project checkout-evals --since 2026-01-01 --threshold accuracy=0.8
  sheets-sync braintrust pull --project p --metadata-key prompt_version=prompt --json

{EXIT_CODES}""",
)
@click.option("--project", required=True, help="The Braintrust project whose experiments to pull.")
@click.option(
    "--since", type=click.DateTime(), default=None, help="Only experiments created on or after (UTC)."
)
@click.option("--experiment", "names", multiple=True, help="Only this experiment (repeatable).")
@click.option(
    "--threshold",
    "thresholds",
    multiple=True,
    callback=_threshold,
    metavar="SCORE=VALUE",
    help="A sample passes SCORE when it is >= VALUE (default 1.0; repeatable).",
)
@click.option(
    "--metadata-key",
    "metadata_keys",
    multiple=True,
    callback=_metadata_keys,
    metavar="FIELD=KEY",
    help="Read FIELD (module, module_name, prompt_version, model, dataset_version) from metadata KEY.",
)
@click.option("--dataset-version", default=None, help="When the metadata names none (default v1).")
@click.option("--api-url", default=None, help=f"API base URL (default ${API_URL_ENV}, else Braintrust's).")
@click.option("--org", default=None, envvar="BRAINTRUST_ORG", help="Organization name, to build web links.")
@click.option(
    "--deadline",
    type=click.FloatRange(min=1),
    default=DEFAULT_DEADLINE,
    metavar="SECONDS",
    help=f"Give up retrying after this long (default {DEFAULT_DEADLINE:.0f}), as push and pull do.",
)
@json_option
@common_options
def pull_command(
    project: str,
    since: datetime | None,
    names: tuple[str, ...],
    thresholds: dict[str, float],
    metadata_keys: MetadataKeys,
    dataset_version: str | None,
    api_url: str | None,
    org: str | None,
    deadline: float,
    as_json: bool,
    data_dir: Path | None,
) -> None:
    """Pull a project's experiments into the module files, then rebuild the index.

    One trace is one sample; each score is a rubric. Module, prompt version, model and dataset version come from
    each experiment's metadata, else its name (<module>_<version>_<model>). Pulling again changes no byte; an
    experiment whose events or metadata changed updates its run in place.
    """
    policy = RetryPolicy(deadline=deadline, requests_per_minute=REQUESTS_PER_MINUTE)
    client = BraintrustClient(Credentials.from_env(api_url), policy=policy)
    options = BraintrustOptions(
        thresholds=thresholds, metadata_keys=metadata_keys, dataset_version=dataset_version
    )
    store = Store(resolve_data_dir(data_dir))
    with _progress_bar() as progress:
        result = pull(
            store,
            client,
            project=project,
            since=since,
            names=names,
            org=org,
            options=options,
            progress=progress,
        )
    if as_json:
        print_json(pull_json(result))
        return
    _print(result, dataset_version)


def pull_json(result: PullResult) -> dict[str, Any]:
    """``braintrust pull --json``: ``import --json``'s shape, plus what was skipped and the request count."""
    data = import_json(result.results)
    data.pop("files")
    data["index_rebuilt"] = bool(result.results)
    data["experiments_listed"] = result.listed
    data["skipped"] = [{"experiment": s.experiment, "reason": s.reason} for s in result.skipped]
    data["links"] = result.url_source
    data["requests"] = result.requests
    return data


def _print(result: PullResult, dataset_version: str | None) -> None:
    console = output_console()
    for r in result.results:
        console.print(
            Text(
                f"{r.status.value:<9} {r.module_id:<8} {r.experiment_id:<34} pass {format_percent(r.pass_rate):>6}  "
                f"match {format_percent(r.match_rate):>6}  {r.path}"
            )
        )
    for s in result.skipped:
        console.print(Text(f"skipped   {s.experiment}: {s.reason}"))
    counts = Counter(r.status for r in result.results)
    parts = ", ".join(f"{counts[s]} {s.value}" for s in ImportStatus)
    built = sum(1 for v in result.url_source.values() if v == "built")
    links = f"; {built} link(s) built from --org" if built else ""
    console.print(
        Text(
            f"{result.listed} experiment(s) listed: {parts}, {len(result.skipped)} skipped; "
            f"{result.requests} request(s){links}; {'index rebuilt' if result.results else 'nothing written'}"
        )
    )
    if dataset_version is None and result.results:
        err.print(Text("dataset version v1 where the metadata names none (default; give --dataset-version)"))


@contextmanager
def _progress_bar() -> Iterator[Progress | None]:
    """A bar per experiment fetched, on stderr in a terminal only (logs of scheduled runs get the summary)."""
    if not err.is_terminal:
        yield None
        return
    columns = (TextColumn("braintrust"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"))
    with ProgressBar(*columns, console=err, transient=True) as bar:
        task = bar.add_task("", total=None)
        yield lambda done, total, name: bar.update(task, completed=done, total=total, description=name)


COMMANDS = [braintrust_group]

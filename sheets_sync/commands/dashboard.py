"""Commands of the dashboards: dashboard (build the static site), serve (on localhost), diff (compare two runs).

``diff --fail-on-regression`` exits with code 4 (:class:`RegressionError`) when the pass rate or any rubric dropped
by a statistically significant amount (two-proportion z-test, p < 0.05), so a CI job can gate on it.
"""

from __future__ import annotations

import errno
import os
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from sheets_sync import jsonio
from sheets_sync.commands._common import common_options, err, existing_data_dir, json_option
from sheets_sync.commands._output import Column, print_fitted, print_json
from sheets_sync.commands._output import console as output_console
from sheets_sync.dashboard.compare import (
    INTERVAL_NAME,
    TEST_NAME,
    Comparison,
    compare,
    comparison_to_json,
    find_pair,
    fmt_delta,
    fmt_p,
    row_texts,
)
from sheets_sync.errors import ConfigError, RegressionError, SheetsSyncError
from sheets_sync.models import Experiment, Module
from sheets_sync.store import Store
from sheets_sync.versions import version_key

DEFAULT_OUT = Path("site")

_out_option = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Directory the site is written to.",
)


@click.command(
    "dashboard",
    epilog="""\b
Examples:
  sheets-sync dashboard                             # ./site/index.html
  sheets-sync dashboard --out public/ --stamp "$(date -u +%Y-%m-%dT%H:%MZ)"
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) sheets-sync dashboard
  sheets-sync dashboard --json                      # {"index_html": ..., "pages": 7, "written": 3, ...}

Over an earlier build in the same --out, only the pages whose inputs changed are rendered again (the result is
the same as a full build). Without --stamp or SOURCE_DATE_EPOCH the pages print no build time, so the same data
writes the same bytes.

Exit codes: 0 done, 1 error (no or stale index, invalid data; one line on stderr), 2 usage.""",
)
@_out_option
@click.option(
    "--stamp",
    metavar="TIME",
    default=None,
    help="Build time to print on every page (default: $SOURCE_DATE_EPOCH when set, else none).",
)
@json_option
@common_options
def dashboard_command(out: Path, stamp: str | None, as_json: bool, data_dir: Path | None) -> None:
    """Build the static dashboards (heatmap and module pages) and print the path of index.html.

    Reads data/heatmap_index.json and data/modules/*.json only. The site works opened straight from disk
    (file://), with no network. Over an earlier build, only what changed is rendered again.
    """
    from sheets_sync.dashboard.build import (
        build_site_report,
    )  # jinja2 is only imported by the commands that render

    store = Store(existing_data_dir(data_dir))
    report = build_site_report(store, out, stamp=build_stamp(stamp))
    if as_json:
        print_json(
            {
                "index_html": str(report.index_html),
                "pages": 1 + len(store.module_ids()),
                "full_build": report.full,
                "written": len(report.written),
                "deleted": len(report.deleted),
            }
        )
        return
    click.echo(str(report.index_html))


def build_stamp(stamp: str | None) -> str | None:
    """The build time the pages print: ``--stamp`` as given, else $SOURCE_DATE_EPOCH (seconds) in UTC, else none."""
    if stamp is not None:
        if not stamp.strip():
            raise ConfigError("--stamp: must not be blank")
        return stamp.strip()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        return None
    try:
        moment = datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise ConfigError(f"SOURCE_DATE_EPOCH: {epoch!r} is not a number of seconds since 1970") from None
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@click.command(
    "serve",
    epilog="""\b
Examples:
  sheets-sync serve                       # http://127.0.0.1:8000/
  sheets-sync serve --port 0 --out /tmp/site

Exit codes: 0 stopped with Ctrl-C, 1 error (port in use, invalid data; one line on stderr), 2 usage.""",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port; the URL is printed).",
)
@_out_option
@common_options
def serve_command(port: int, out: Path, data_dir: Path | None) -> None:
    """Serve the dashboards on http://127.0.0.1:PORT/ (loopback only).

    A page requested after the data files changed is rebuilt first (only the pages whose inputs changed),
    so reloading shows fresh numbers. Stop with Ctrl-C.
    """
    from sheets_sync.dashboard.serve import SiteServer

    store = Store(existing_data_dir(data_dir))
    try:
        server = SiteServer(store, out, port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.EADDRINUSE:  # say what to do, as `sheets-sync emulator` does
            reason = "the port is already in use (another serve still running?); choose another --port, or --port 0"
        raise ConfigError(f"cannot listen on 127.0.0.1:{port}: {reason}") from None
    with server:
        server.build_now()
        err.print(Text(f"Serving {out} on {server.url} (rebuilt when the data changes; Ctrl-C to stop)"))
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            err.print("stopped")


@click.command(
    "diff",
    epilog="""\b
Examples:
  sheets-sync diff m01 v4 v5                        # B's best model that also ran v4
  sheets-sync diff m01 v4 v5 --model gpt-4o
  sheets-sync diff m01 m01_v4_gpt5_20260129 m01_v5_gpt5_20260203
  sheets-sync diff m01 v4 v5 --fail-on-regression || echo "regressed"
  sheets-sync diff m01 v4 v5 --json | jq '.rows[] | select(.regression)'

A table wider than the terminal is folded (the metric column repeated), never cut.

Exit codes: 0 done; 1 unknown module, version, experiment id or model, or invalid data; 2 usage; 4 with
--fail-on-regression when the pass rate or a rubric dropped significantly.""",
)
@click.argument("module_id", metavar="MODULE")
@click.argument("ref_a", metavar="VERSION_A")
@click.argument("ref_b", metavar="VERSION_B")
@click.option(
    "--model",
    default=None,
    help="Model whose runs to compare (default: VERSION_B's best model that also ran VERSION_A).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the comparison as JSON (numbers and the printed strings)."
)
@click.option(
    "--fail-on-regression",
    is_flag=True,
    help="Exit with code 4 when the pass rate or a rubric dropped significantly (p < 0.05).",
)
@common_options
def diff_command(
    module_id: str,
    ref_a: str,
    ref_b: str,
    model: str | None,
    as_json: bool,
    fail_on_regression: bool,
    data_dir: Path | None,
) -> None:
    """Compare two runs of MODULE: B minus A for the pass rate, the match rate and every rubric.

    VERSION_A and VERSION_B are prompt versions (v2) or experiment ids. Each delta comes with its 95% interval
    (Newcombe) and a two-proportion z-test saying whether it is distinguishable from noise. The numbers are
    the ones the module page's Diff view shows for the same pair.
    """
    module = _load(Store(existing_data_dir(data_dir)), module_id)
    comparison = compare(module, *find_pair(module, ref_a, ref_b, model))
    if as_json:
        click.echo(jsonio.dumps(comparison_to_json(comparison)), nl=False)
    else:
        print_comparison(comparison)
    if fail_on_regression and comparison.regressions:
        raise RegressionError(regression_summary(comparison))


def _load(store: Store, module_id: str) -> Module:
    if not store.has_module(module_id):
        known = ", ".join(store.module_ids()) or "none"
        raise SheetsSyncError(f"no module {module_id!r} in {store.modules_dir} (modules: {known})")
    return store.load_module(module_id)


def print_comparison(comparison: Comparison) -> None:
    """The comparison as the terminal shows it; data goes in as Text, never as rich markup."""
    console = output_console()
    console.print(Text.assemble((comparison.module_id, "bold"), " \u00b7 ", comparison.module_name))
    console.print(Text.assemble(("A  ", "bold"), _describe(comparison.a)))
    console.print(Text.assemble(("B  ", "bold"), _describe(comparison.b)))
    for warning in comparison.warnings:
        console.print(Text(f"\u26a0 {warning}", style="yellow"))
    print_fitted(console, None, COMPARISON_COLUMNS, comparison_rows(comparison))
    for note in comparison.notes:
        console.print(Text(f"\u2020 {note}", style="yellow"))
    _print_applied(console, comparison)
    console.print(
        Text(f"Significance: {TEST_NAME}. {INTERVAL_NAME}. \u0394 in percentage points.", style="dim")
    )
    if comparison.regressions:
        console.print(
            Text(f"Regressions: {', '.join(row.label for row in comparison.regressions)}", style="bold red")
        )
    else:
        console.print(Text("No significant regression."))


def _describe(experiment: Experiment) -> str:
    return (
        f"{experiment.prompt_version} \u00b7 {experiment.model} \u00b7 dataset {experiment.dataset_version} \u00b7 "
        f"{experiment.timestamp.isoformat()} \u00b7 {experiment.id}"
    )


COMPARISON_COLUMNS = tuple(
    Column(header)
    for header in ("Metric", "A", "B", "\u0394 (B \u2212 A)", "95% CI of \u0394", "p", "Verdict")
)


def comparison_rows(comparison: Comparison) -> list[list[Text]]:
    """One row per compared proportion; regressions bold red, improvements green (on a terminal)."""
    rows = []
    for row in comparison.rows:
        style = "bold red" if row.regression else "green" if row.improvement else ""
        rows.append([Text(text, style=style) for text in row_texts(row).values()])
    return rows


def _print_applied(console: Console, comparison: Comparison) -> None:
    a, b = comparison.a.prompt_version, comparison.b.prompt_version
    if a == b:
        return
    low, high = sorted((a, b), key=version_key)
    console.print(Text(f"Suggestions applied after {low}, up to {high}:", style="bold"))
    if not comparison.applied_suggestions:
        console.print(Text("  None recorded."))
    for s in comparison.applied_suggestions:
        parts = [
            s.id,
            f"applied in {s.applied_in}",
            s.priority.value if s.priority else "",
            s.rubric or "",
            s.suggestion or s.issue,
        ]
        console.print(Text("  " + " \u00b7 ".join(p for p in parts if p)))


def regression_summary(comparison: Comparison) -> str:
    """One line for stderr: which proportions dropped, by how much, with their p-values."""
    drops = "; ".join(
        f"{row.label} {fmt_delta(row.test)} (p {fmt_p(row.test)})" for row in comparison.regressions
    )
    return f"significant regression in {comparison.module_id} {comparison.a.id} -> {comparison.b.id}: {drops}"


COMMANDS = [dashboard_command, serve_command, diff_command]

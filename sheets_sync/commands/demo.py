"""``sheets-sync demo``: the whole loop on the bundled sample data against the emulator (no Google account)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.console import Console

from sheets_sync.commands._common import common_options, out, resolve_data_dir
from sheets_sync.demo import DemoReport, requests_summary, run_demo, say

DEFAULT_WORKDIR = Path("demo-output")
PIPED_WIDTH = 160


@click.command(
    "demo",
    epilog="""\b
Examples:
  sheets-sync demo                        # in a clone: ./data copied to ./demo-output/data
  sheets-sync demo --workdir /tmp/demo --data-dir data

Exit codes: 0 done, 1 error (no sample data; one line on stderr), 2 usage.""",
)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_WORKDIR,
    show_default=True,
    help="Scratch directory the demo works in (replaced on every run; the sample data is copied there).",
)
@common_options
def demo(workdir: Path, data_dir: Path | None) -> None:
    """Run import -> push -> PM edits -> pull -> dashboards on the sample data, against the offline emulator.

    The sample data is read from --data-dir (default ./data of a repository clone) and copied into --workdir;
    the original is never changed. No Google account or network is needed.
    """
    console = _console()
    report = run_demo(resolve_data_dir(data_dir), workdir, console)
    for line in summary_lines(report):
        say(console, line)


def _console() -> Console:
    """The terminal's width; piped output (CI logs, files) is $COLUMNS wide, else 160, so tables stay whole."""
    piped_width = None if os.environ.get("COLUMNS", "").isdigit() else PIPED_WIDTH
    return Console(highlight=False, width=None if out.is_terminal else piped_width)


def summary_lines(report: DemoReport) -> list[str]:
    """The closing lines: requests, where the data is, where the dashboards are, what next."""
    site = report.site.resolve().as_uri() if report.site else "(not built)"
    return [
        "",
        f"Done in {report.seconds:.1f} s.",
        f"API requests: push {requests_summary(report.push_requests)}, pull {requests_summary(report.pull_requests)}",
        f"Your sample data in {report.sample_dir}/ is unchanged.",
        f"The demo's copy, with the PM's edits pulled in: {report.data_dir}/",
        f"Open the dashboards: {site}",
        'Next, with a real Google spreadsheet: see README.md, "Quick start".',
    ]


COMMANDS = [demo]

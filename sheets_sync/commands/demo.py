"""``sheets-sync demo``: the whole loop on the bundled sample data against the emulator (no Google account)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from sheets_sync.commands._common import common_options, out, resolve_data_dir
from sheets_sync.demo import run_demo

DEFAULT_WORKDIR = Path("demo-output")


@click.command("demo")
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
    # Piped output (CI logs, files) is not squeezed into 80 columns: the tables stay readable.
    console = out if out.is_terminal else Console(highlight=False, width=160)
    report = run_demo(resolve_data_dir(data_dir), workdir, console)
    console.rule("[bold]done")
    console.print(
        f"demo finished in {report.seconds:.1f} s: push {report.push_requests['reads']} reads + "
        f"{report.push_requests['writes']} writes, pull {report.pull_requests['reads']} reads + "
        f"{report.pull_requests['writes']} writes; {len(report.changes)} change(s) reached "
        f"{workdir / 'data' / 'modules'}"
    )
    console.print(f"open the dashboards: {report.site}")


COMMANDS = [demo]

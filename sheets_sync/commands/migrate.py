"""``sheets-sync migrate``: the team's legacy trackers (``progress_history.yaml``, ``modules_data.js``) into the
mirror. A dry run by default; ``--apply`` writes, all or nothing. The rules are in :mod:`sheets_sync.legacy.migrate`
and docs/data.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.text import Text

from sheets_sync.commands._common import common_options, json_option, resolve_data_dir
from sheets_sync.commands._output import console as output_console
from sheets_sync.commands._output import print_json
from sheets_sync.errors import ConflictError
from sheets_sync.legacy.migrate import Action, MigrationPlan, migrate
from sheets_sync.store import Store

_TRACKER = click.Path(dir_okay=False, path_type=Path)


@click.command(
    "migrate",
    epilog="""\b
Examples:
  sheets-sync migrate --progress-yaml progress_history.yaml --modules-js modules_data.js   # dry run
  sheets-sync migrate --progress-yaml progress_history.yaml --modules-js modules_data.js --apply
  sheets-sync migrate --modules-js old/modules_data.js --json | jq '.lines[] | select(.action == "conflict")'

Exit codes: 0 done (or dry run), 1 error (one line on stderr naming the file, line or field; nothing written),
2 usage, 3 conflicts (everything else was written; the mirror's values were kept). The input shapes and every
rule are in docs/data.md ("Migrating the legacy trackers"); the --json shape in docs/cli.md.""",
)
@click.option("--progress-yaml", type=_TRACKER, default=None, help="The YAML log of judge runs.")
@click.option("--modules-js", type=_TRACKER, default=None, help="The old dashboard's JavaScript data file.")
@click.option(
    "--apply", "apply", is_flag=True, help="Write the changes (default: a dry run that writes nothing)."
)
@json_option
@common_options
def migrate_command(
    progress_yaml: Path | None, modules_js: Path | None, apply: bool, as_json: bool, data_dir: Path | None
) -> None:
    """Migrate the legacy trackers into data/modules/: print what would be created, updated and skipped, and why.

    Re-running changes nothing; a run or field already in the mirror is never overwritten (a difference is
    listed as a conflict). Runs known only by their rates are stored as reported (no counts, no interval).
    """
    if progress_yaml is None and modules_js is None:
        raise click.UsageError("nothing to migrate: give --progress-yaml and/or --modules-js")
    store = Store(resolve_data_dir(data_dir))
    plan = migrate(store, progress_yaml=progress_yaml, modules_js=modules_js, apply=apply)
    if as_json:
        print_json(plan_json(plan, applied=apply))
    else:
        console = output_console()
        for text in plan_text(plan, applied=apply):
            console.print(Text(text))
    if apply and plan.conflicts:
        raise ConflictError(
            f"{len(plan.conflicts)} conflicts: the mirror's values were kept (listed above); "
            "everything else was written"
        )


def plan_text(plan: MigrationPlan, *, applied: bool) -> list[str]:
    lines = []
    for line in plan.lines:
        where = f"  [{line.where}]" if line.where else ""
        reason = f": {line.reason}" if line.reason else ""
        lines.append(f"{line.action.value:<9} {line.module_id} {line.kind} {line.subject}{reason}{where}")
    if plan.findings:
        lines.append("listed:")
        lines += [f"  {f.kind:<13} {f.where}: {f.text}" for f in plan.findings]
    lines.append(summary(plan, applied=applied))
    return lines


def summary(plan: MigrationPlan, *, applied: bool) -> str:
    parts = []
    for action in Action:
        counts = [
            f"{n} {kind}{'' if n == 1 else 's'}"
            for kind in ("module", "field", "run", "suggestion")
            if (n := plan.count(action, kind))
        ]
        if counts:
            parts.append(f"{action.value} {', '.join(counts)}")
    counts_text = "; ".join(parts)
    if applied:
        tail = f"written: {len(plan.changed)} module files" if plan.changed else "nothing to write"
    else:
        tail = "dry run: nothing written (--apply writes)"
    return f"{counts_text or 'nothing to migrate'}. {tail}"


def plan_json(plan: MigrationPlan, *, applied: bool) -> dict[str, Any]:
    return {
        "applied": applied,
        "changed_modules": plan.changed,
        "lines": [
            {
                "action": line.action.value,
                "kind": line.kind,
                "module_id": line.module_id,
                "subject": line.subject,
                "reason": line.reason,
                "where": line.where,
            }
            for line in plan.lines
        ],
        "findings": [{"kind": f.kind, "where": f.where, "text": f.text} for f in plan.findings],
        "conflicts": len(plan.conflicts),
    }


COMMANDS = [migrate_command]

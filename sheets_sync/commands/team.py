"""The command for teams whose clones meet in git merges: reconcile.

Exit codes: 0 reconciled, 1 error (one line: not in a git repository, no merge, a field both sides edited and
neither pushed), 2 usage.
"""

from __future__ import annotations

from pathlib import Path

import click

from sheets_sync.commands._common import common_options, existing_data_dir, out
from sheets_sync.gitdata import reconcile
from sheets_sync.store import Store


@click.command(
    "reconcile",
    short_help="Merge data/modules and the base snapshot after a git merge of two clones.",
    epilog="""\b
Examples:
  git pull                  # stops: CONFLICT (content) in data/modules/m01.json
  sheets-sync reconcile     # both sides' suggestions kept, files staged
  git commit --no-edit && sheets-sync push

Exit codes: 0 reconciled, 1 error (one line on stderr: not in a git repository, no merge in progress, a field
both sides edited and neither pushed), 2 usage. See docs/sync.md, "Teams".""",
)
@common_options
def reconcile_command(data_dir: Path | None) -> None:
    """Rebuild the module files and the base snapshot from both sides of a git merge (run it while `git pull`
    stops on conflicts, or after a merge commit), keeping every suggestion of both sides, and stage them.

    Ids given to two different suggestions keep both (the one already pushed keeps its number); a field
    edited on both sides takes the unpushed edit over the sheet's older value; both sides' unpushed edits of one
    field stop with an error naming it. Then `git commit` and sync as usual. See docs/sync.md, "Teams".
    """
    result = reconcile(Store(existing_data_dir(data_dir)))
    files = [f"modules/{m}.json" for m in result.modules] + [f".sync/{b}.json" for b in result.bases]
    files += ["heatmap_index.json"] if result.index else []
    out.print(
        f"reconciled {len(files)} file(s) and staged them (git add); commit to finish the merge", markup=False
    )
    for line in result.renumbered:
        out.print(f"suggestion renumbered: {line}", markup=False)
    if result.other_conflicts:
        out.print(
            f"still in conflict (not sheets-sync data): {', '.join(result.other_conflicts)}", markup=False
        )


COMMANDS = [reconcile_command]

"""Commands of the local JSON mirror: import, index, validate, show, suggest, schema.

Each command resolves the data directory, makes one library call and prints its result; library errors become
one line on stderr (exit 1) in ``sheets_sync.cli``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from sheets_sync.best import best_so_far
from sheets_sync.commands._common import (
    common_options,
    err,
    existing_data_dir,
    json_option,
    resolve_data_dir,
)
from sheets_sync.commands._output import Column, print_fitted, print_json
from sheets_sync.commands._output import console as output_console
from sheets_sync.errors import DataError
from sheets_sync.importers import ImportResult, ImportStatus, Progress, expand_paths, import_paths
from sheets_sync.importers.base import Importer
from sheets_sync.importers.judge import JudgeImporter
from sheets_sync.importers.promptfoo import DEFAULT_DATASET_VERSION, PromptfooImporter, PromptfooOptions
from sheets_sync.importers.promptfoo import FORMAT as PROMPTFOO
from sheets_sync.index import best_so_far_entry
from sheets_sync.index_file import write_index
from sheets_sync.models import Module, Priority, Status, Suggestion
from sheets_sync.schema import write_schemas
from sheets_sync.stats import REPORTED_NOTE, format_percent
from sheets_sync.store import Store

PROGRESS_THRESHOLD = 20
"""Show a progress bar (on stderr) from this many files on; for fewer, the summary lines are progress enough."""


def _existing_store(data_dir: Path | None) -> Store:
    """The store of a data directory that must exist already (only ``import`` starts a new one)."""
    return Store(existing_data_dir(data_dir))


def _count(value: int | None) -> str:
    """A count; "-" where a reported run (rates as stated by a legacy tracker) has none."""
    return "-" if value is None else str(value)


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


EXIT_CODES = "Exit codes: 0 done, 1 error (one line on stderr: file: JSON path: message), 2 usage."


# ------------------------------------------------------------------------------------------------ import


@click.command(
    "import",
    epilog=f"""\b
Examples:
  sheets-sync import data/judge_results/                 # a folder: every *.json in it, sorted by path
  sheets-sync import runs/m01_v6_gpt-5_20260210.json     # one file
  sheets-sync import --data-dir /tmp/mirror a.json b.json

\b
  sheets-sync import --json runs/ | jq '.runs[] | select(.status == "new")'
  sheets-sync import results.json --module m01 --version v6 --dataset-version v2   # a promptfoo export

{EXIT_CODES} The judge file format is in docs/data.md and schema/judge.schema.json; the --json shape in
docs/cli.md. A line wider than the terminal puts the file on a line of its own.""",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--module",
    "module_id",
    default=None,
    help="promptfoo: the module (else from the prompt label or file name).",
)
@click.option("--module-name", default=None, help="promptfoo: the name of a module the import creates.")
@click.option(
    "--version", "prompt_version", default=None, help="promptfoo: the prompt version (else as --module)."
)
@click.option(
    "--dataset-version",
    default=None,
    help=f"promptfoo: the dataset version (default {DEFAULT_DATASET_VERSION}).",
)
@click.option("--primary-rubric", default=None, help="promptfoo: the rubric whose rate is the match rate.")
@click.option(
    "--new-module",
    is_flag=True,
    help="Create a module whose id looks like an existing one (M01 or m1 next to m01); refused without it.",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@json_option
@common_options
def import_command(
    paths: tuple[Path, ...],
    module_id: str | None,
    module_name: str | None,
    prompt_version: str | None,
    dataset_version: str | None,
    primary_rubric: str | None,
    new_module: bool,
    dry_run: bool,
    as_json: bool,
    data_dir: Path | None,
) -> None:
    """Import result files (or folders of them) into the module files, then rebuild the index.

    Judge files and promptfoo exports (`promptfoo eval -o results.json`), told apart by their content. All or
    nothing: when any file is invalid, nothing is written. Folders are read recursively, files sorted by path.
    Importing the same file again changes nothing ("unchanged"); new content for a run already imported replaces
    it ("updated"). Prints one line per run and a summary; a progress bar from 21 files on.
    """
    store = Store(resolve_data_dir(data_dir))
    files = expand_paths(paths)
    options = PromptfooOptions(
        module_id=module_id,
        module_name=module_name,
        prompt_version=prompt_version,
        dataset_version=dataset_version,
        primary_rubric=primary_rubric,
    )
    importers: list[Importer] = [PromptfooImporter(options), JudgeImporter()]
    with _progress_bar(len(files)) as progress:
        results = import_paths(
            store,
            files,
            progress=progress,
            importers=importers,
            warn=_warn,
            new_module=new_module,
            dry_run=dry_run,
        )
    if dataset_version is None and any(r.source_format == PROMPTFOO for r in results):
        err.print(
            Text(
                f"promptfoo runs: dataset version {DEFAULT_DATASET_VERSION} (default; give --dataset-version)"
            )
        )
    if as_json:
        print_json(import_json(results, dry_run=dry_run))
        return
    console = output_console()
    for result in results:
        line = _result_line(result)
        console.print(line if line.cell_len <= console.width else _stacked_result(result))
    summary = _import_summary(results)
    console.print(
        Text(
            f"dry run, nothing written: {summary.replace('index rebuilt', 'index not rebuilt')}"
            if dry_run
            else summary
        )
    )


def _warn(message: str) -> None:
    err.print(Text(f"warning: {message}"))


def import_json(results: list[ImportResult], *, dry_run: bool = False) -> dict[str, Any]:
    """``import --json``: one entry per run, then the counts."""
    counts = Counter(r.status for r in results)
    return {
        "runs": [
            {
                "path": str(r.path),
                "status": r.status.value,
                "module_id": r.module_id,
                "experiment_id": r.experiment_id,
                "pass_rate": r.pass_rate,
                "match_rate": r.match_rate,
                "module_created": r.module_created,
            }
            for r in results
        ],
        "files": len({r.path for r in results}),
        "counts": {s.value: counts[s] for s in ImportStatus},
        "modules_created": sum(r.module_created for r in results),
        "index_rebuilt": not dry_run,
        "dry_run": dry_run,
    }


@contextmanager
def _progress_bar(total: int) -> Iterator[Progress | None]:
    """A rich progress bar on stderr for big batches in a terminal, else no callback at all."""
    # Logs of scheduled runs (stderr not a terminal) get the summary lines only.
    if total <= PROGRESS_THRESHOLD or not err.is_terminal:
        yield None
        return
    # Imported here: rich.progress takes a tenth of a second to import, more than a one-file import's own work.
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as ProgressBar

    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with ProgressBar(*columns, console=err, transient=True) as bar:
        task = bar.add_task("import", total=total)
        yield lambda done, _total: bar.update(task, completed=done)


def _result_line(result: ImportResult) -> Text:
    """``new  m01  m01_v1_gpt4omini_20260120  pass 30.0%  match 10.0%  <file>``: Text, so no name is read as markup."""
    line = Text()
    line.append(f"{result.status.value:<9}", style=_STATUS_STYLE[result.status])
    line.append(f" {result.module_id:<8} {result.experiment_id:<34}")
    line.append(
        f" pass {format_percent(result.pass_rate):>6}  match {format_percent(result.match_rate):>6}  "
    )
    line.append(str(result.path), style="dim")
    if result.module_created:
        line.append(f"  (created module {result.module_id})", style="bold")
    return line


def _stacked_result(result: ImportResult) -> Text:
    """:func:`_result_line` on two lines, for a terminal too narrow for one: the file goes below."""
    line = Text()
    line.append(f"{result.status.value:<9}", style=_STATUS_STYLE[result.status])
    line.append(f" {result.module_id} {result.experiment_id}")
    line.append(
        f"\n          pass {format_percent(result.pass_rate)}  match {format_percent(result.match_rate)}"
    )
    if result.module_created:
        line.append(f"  (created module {result.module_id})", style="bold")
    line.append("\n          ")
    line.append(str(result.path), style="dim")
    return line


_STATUS_STYLE = {ImportStatus.NEW: "green", ImportStatus.UPDATED: "yellow", ImportStatus.UNCHANGED: "dim"}


def _import_summary(results: list[ImportResult]) -> str:
    counts = Counter(r.status for r in results)
    created = sum(r.module_created for r in results)
    parts = [f"{counts[s]} {s.value}" for s in ImportStatus]
    files = len({r.path for r in results})
    # A judge file is one run; formats holding several runs per file say how many runs the counts are of.
    what = f"{files} file(s)" if files == len(results) else f"{files} file(s), {len(results)} run(s)"
    return f"{what}: {', '.join(parts)}; {created} module(s) created; index rebuilt"


# ------------------------------------------------------------------------------------------------ index


@click.command(
    "index",
    epilog=f"""\b
Examples:
  sheets-sync index                       # ./data/heatmap_index.json
  sheets-sync index --data-dir /tmp/mirror

  sheets-sync index --json               # {{"path": ..., "changed": true}}

{EXIT_CODES} Re-running on unchanged data changes no byte (generated_at is the newest experiment's timestamp).""",
)
@json_option
@common_options
def index_command(as_json: bool, data_dir: Path | None) -> None:
    """Rebuild heatmap_index.json from the module files (every module file is validated first)."""
    store = _existing_store(data_dir)
    with store.lock():
        changed = write_index(store)
    if as_json:
        print_json({"path": str(store.index_path), "changed": changed})
        return
    output_console().print(Text(f"{store.index_path}: {'written' if changed else 'unchanged'}"))


# ------------------------------------------------------------------------------------------------ validate


@click.command(
    "validate",
    epilog="""\b
Examples:
  sheets-sync validate                    # after editing data/modules/*.json by hand
  sheets-sync validate --data-dir /tmp/mirror || echo "fix the lines above"
  sheets-sync validate --json | jq -r '.problems[].path' | sort -u

Exit codes: 0 all valid, 1 problems (listed on stdout, a count on stderr; also with --json), 2 usage.""",
)
@json_option
@common_options
def validate_command(as_json: bool, data_dir: Path | None) -> None:
    """Check every file of the data directory and list every problem (exit 1 when there is any).

    Checks each module file (format, counts, rates, ids), each judge file under judge_results/, and that
    heatmap_index.json is what `sheets-sync index` would write. Takes no lock and writes nothing.
    """
    # Imported here: the base snapshots it checks bring in the whole sync package, which import never needs.
    from sheets_sync.validate import validate_data_dir

    store = _existing_store(data_dir)
    problems = validate_data_dir(store)
    if as_json:
        print_json(
            {
                "data_dir": str(store.data_dir),
                "valid": not problems,
                "modules": len(store.module_ids()),
                "problems": [
                    {"path": str(p.path), "json_path": p.json_path, "message": p.message} for p in problems
                ],
            }
        )
    else:
        console = output_console()
        for problem in problems:
            # Wrapped at spaces on a narrow terminal: a count or a value is never cut.
            console.print(Text(str(problem)))
    if problems:
        files = len({p.path for p in problems})
        raise DataError(f"{len(problems)} problem(s) in {files} file(s)", path=store.data_dir)
    if not as_json:
        output_console().print(
            Text(f"{store.data_dir}: {len(store.module_ids())} module(s), all valid; index up to date")
        )


# ------------------------------------------------------------------------------------------------ show


@click.command(
    "show",
    epilog="""\b
Examples:
  sheets-sync show m01
  sheets-sync show m05 --data-dir /tmp/mirror | less
  sheets-sync show m01 --json | jq .best_so_far

Tables wider than the terminal are folded (the id column repeated) or stacked, never cut; piped output is plain
text. --json prints the module, its rubric order and its best run (shape: docs/cli.md).

Exit codes: 0 done, 1 error (unknown module or invalid file; one line on stderr), 2 usage.""",
)
@click.argument("module_id", metavar="MODULE")
@json_option
@common_options
def show_command(module_id: str, as_json: bool, data_dir: Path | None) -> None:
    """Print a module's best run, experiments (natural version order), rubric rates and suggestions."""
    module = _existing_store(data_dir).load_module(module_id)
    if as_json:
        print_json(show_json(module))
        return
    console = output_console()
    console.print(
        Text.assemble((f"{module.module_id} {module.module_name}", "bold"), f"  {module.description}")
    )
    console.print(Text(f"primary rubric: {module.primary_rubric or '-'}"))
    console.print(Text(f"best so far: {best_so_far_text(module)}"))
    normalized = module.normalized()
    print_fitted(console, "experiments", EXPERIMENT_COLUMNS, experiment_rows(normalized))
    if module.experiments:
        columns, rows = rubric_table(normalized)
        print_fitted(console, "rubric rates (%)", columns, rows)
    if module.suggestions:
        rows = suggestion_rows(normalized.suggestions)
        print_fitted(console, "suggestions", SUGGESTION_COLUMNS, rows, fold=False)


def best_so_far_text(module: Module) -> str:
    """The module's best run by the one rule (:mod:`sheets_sync.best`), naming its dataset version."""
    found = best_so_far(module.experiments)
    if found is None:
        return "no results yet"
    run, m = found.experiment, found.experiment.metrics
    return (
        f"on dataset {found.dataset_version}: {format_percent(m.pass_rate)} pass, "
        f"{format_percent(m.match_rate)} match ({run.model}, prompt {run.prompt_version}, {run.id})"
        + (f"; {REPORTED_NOTE}" if m.reported else "")
    )


def show_json(module: Module) -> dict[str, Any]:
    """``show --json``: the module file's content, its rubric order and its best run."""
    data = module.to_json_dict()
    return {
        "module_id": module.module_id,
        "module_name": module.module_name,
        "description": module.description,
        "primary_rubric": module.primary_rubric,
        "rubric_order": module.rubric_names(),
        "best_so_far": best_so_far_entry(module.experiments),
        "experiments": data["experiments"],
        "suggestions": data["suggestions"],
    }


EXPERIMENT_COLUMNS = tuple(
    Column(
        header, justify="left" if header in ("id", "version", "dataset", "model", "timestamp") else "right"
    )
    for header in (
        "id",
        "version",
        "dataset",
        "model",
        "timestamp",
        "n",
        "pass",
        "fail",
        "err",
        "pass %",
        "match %",
    )
)


def experiment_rows(module: Module) -> list[list[str]]:
    """One row per experiment, natural version order, then time."""
    rows = []
    for e in module.experiments:
        m = e.metrics
        rows.append([
            e.id, e.prompt_version, e.dataset_version, e.model, f"{e.timestamp:%Y-%m-%d %H:%M}",
            _count(m.total), _count(m.passed), _count(m.fail), str(m.error),
            _rate(m.pass_rate) + (" (reported)" if m.reported else ""), _rate(m.match_rate),
        ])  # fmt: skip
    return rows


def rubric_table(module: Module) -> tuple[list[Column], list[list[str]]]:
    """Each rubric's rate per experiment (percent of judged samples; blank when the run lacks the rubric)."""
    rubrics = module.rubric_names()
    columns = [Column("id")] + [
        Column(rubric + (" *" if rubric == module.primary_rubric else ""), justify="right")
        for rubric in rubrics
    ]
    rows = [
        [e.id, *[_rate(r.rate) if (r := e.rubrics.get(name)) else "" for name in rubrics]]
        for e in module.experiments
    ]
    return columns, rows


SUGGESTION_COLUMNS = (
    *(Column(h) for h in ("id", "version", "rubric", "priority", "status", "applied in")),
    Column("issue", wrap=True),
    Column("suggestion", wrap=True),
)


def suggestion_rows(suggestions: list[Suggestion]) -> list[list[str]]:
    return [
        [
            s.id,
            s.version or "-",
            s.rubric or "-",
            s.priority.value if s.priority else "-",
            s.status.value,
            s.applied_in or "-",
            s.issue,
            s.suggestion,
        ]
        for s in suggestions
    ]


# ------------------------------------------------------------------------------------------------ suggest


def _not_blank(_ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("must not be blank", param=param)
    return value


@click.command(
    "suggest",
    epilog=f"""\b
Examples:
  sheets-sync suggest m01 --version v5 --rubric M01_brand_extracted --priority high \\
      --issue "Sub-brands extracted as the parent brand" \\
      --suggestion "Ask for sub-brand and parent separately"
  sheets-sync suggest m02 --version v2 --rubric M02_category_correct --status applied --applied-in v3 \\
      --issue "v2 regressed on electronics" --suggestion "Restore the v1 examples"
  sheets-sync suggest m01 --version v5 --rubric M01_brand_extracted --issue I --suggestion S --json

{EXIT_CODES}""",
)
@click.argument("module_id", metavar="MODULE")
@click.option("--version", "version", required=True, help="Prompt version the issue was seen in (e.g. v3).")
@click.option("--rubric", required=True, help="Rubric it concerns (e.g. M01_brand_extracted).")
@click.option("--issue", required=True, callback=_not_blank, help="What goes wrong.")
@click.option("--suggestion", required=True, callback=_not_blank, help="What to change in the prompt.")
@click.option(
    "--priority",
    type=click.Choice([p.value for p in Priority], case_sensitive=False),
    default=None,
    help="How urgent (default: none).",
)
@click.option(
    "--status",
    type=click.Choice([s.value for s in Status], case_sensitive=False),
    default=Status.PROPOSED.value,
    show_default=True,
    help="Where it stands.",
)
@click.option("--applied-in", default=None, help="Prompt version that applied it (with --status applied).")
@json_option
@common_options
def suggest_command(
    module_id: str,
    version: str,
    rubric: str,
    issue: str,
    suggestion: str,
    priority: str | None,
    status: str,
    applied_in: str | None,
    as_json: bool,
    data_dir: Path | None,
) -> None:
    """Add a suggestion to a module with the next free id (<module>-s<N>).

    The version and rubric must be ones the module has results for, so a typo cannot file a suggestion nobody
    will see. PMs can edit it afterwards in Google Sheets (push, then pull).
    """
    # Imported here: the base snapshots it reads bring in the whole sync package, which import and index never need.
    from sheets_sync.edits import add_suggestion

    store = _existing_store(data_dir)
    added = add_suggestion(
        store,
        module_id,
        version=version,
        rubric=rubric,
        issue=issue,
        suggestion=suggestion,
        priority=Priority(priority.lower()) if priority else None,
        status=Status(status.lower()),
        applied_in=applied_in,
    )
    if as_json:
        print_json({"path": str(store.module_path(module_id)), "suggestion": added.model_dump(mode="json")})
        return
    output_console().print(Text(f"added {added.id} to {store.module_path(module_id)}"))


# ------------------------------------------------------------------------------------------------ schema


@click.command(
    "schema",
    epilog=f"""\b
Examples:
  sheets-sync schema                      # refresh schema/ after changing the models
  sheets-sync schema --out /tmp/schemas
  sheets-sync schema --json               # [{{"path": ..., "changed": false}}, ...]

{EXIT_CODES}""",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schema"),
    show_default=True,
    help="Folder to write module.schema.json and judge.schema.json into.",
)
@json_option
@common_options
def schema_command(out_dir: Path, as_json: bool, data_dir: Path | None) -> None:
    """Write the JSON Schema files of the module file and the judge file (for editors and CI)."""
    written = write_schemas(out_dir)
    if as_json:
        print_json([{"path": str(path), "changed": changed} for path, changed in written.items()])
        return
    console = output_console()
    for path, changed in written.items():
        console.print(Text(f"{path}: {'written' if changed else 'unchanged'}"))


COMMANDS = [import_command, index_command, validate_command, show_command, suggest_command, schema_command]

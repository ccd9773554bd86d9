"""Build the static site: ``index.html`` (the heatmap), ``heatmap/rows-*.js``, ``modules/<id>.html``, ``assets/``.

Reads only ``data/heatmap_index.json`` and ``data/modules/*.json`` (through :class:`Store`). Pages inline their
data (``<script type="application/json">``) or load it as ``<script src>`` files, never with ``fetch()``: browsers
block it on ``file://`` (and the pages' CSP forbids it), and the site must work opened straight from disk.

Incremental: a build over an earlier one re-renders only the files whose inputs changed. Each output file has a
digest of its inputs (the content hash of the module file and of its index line, the models, the stamp, and the
version of the code and templates that render it), kept in the build manifest (:mod:`manifest`); a file whose
digest and size match is left alone. A missing or unreadable manifest, or other code, means a full build. The
result is byte-identical to a full build of the same data, the manifest included. The same data always writes the
same bytes.

What an incremental build costs beyond what changed: reading and hashing every module file and the index (content
hashes, never a file's stat: a hand edit is never served stale; at 25 versions x 4 models about 135 KB a module,
0.13 ms on an idle core).
It parses only the module files whose hash or index line changed, only the index lines it needs
(:mod:`index_lines`), and renders only the heatmap rows of changed modules (the others are copied from the last
build's ``index.html``).
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from sheets_sync import jsonio
from sheets_sync.dashboard import views
from sheets_sync.dashboard.index_lines import IndexEntries, digest
from sheets_sync.dashboard.manifest import (
    HeatmapRows,
    Manifest,
    ModuleRecord,
    OutputRecord,
    read_manifest,
    remove_manifest,
    write_manifest,
)
from sheets_sync.errors import DataError, LockedError
from sheets_sync.models import Module
from sheets_sync.store import Store, gc_paused

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
ASSETS_DIR = PACKAGE_DIR / "assets"
HEATMAP_DIR = "heatmap"
BUILD_LOCK_NAME = ".sheets-sync-build.lock"
# Rows per heatmap data script: one changed module rewrites one small script, and the page parses them one by one.
CHUNK_ROWS = 20
# The heatmap table's rows sit between these, one a line (an incremental build keeps the unchanged ones).
TBODY_OPEN, TBODY_CLOSE, ROW_END = "<tbody>\n", "</tbody>", "</tr>\n"

# JSON inside <script> ends at the first "</script", whatever the JSON quoting: escape the HTML-significant
# characters as JSON \u escapes (JSON.parse reads them back unchanged). U+2028/9 for old JS parsers' sake.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True)
class Theme:
    """The templates and assets a site is rendered with (the package's own unless a test brings a copy)."""

    templates_dir: Path = TEMPLATES_DIR
    assets_dir: Path = ASSETS_DIR

    def version(self) -> str:
        """Digest of everything that renders a page besides the data: templates, assets, the Python code of the
        package's top level and of this folder, and the versions of the libraries that render."""
        digest = hashlib.blake2b(digest_size=16)
        for label, path in self._code_files():
            content = path.read_bytes()
            digest.update(f"{label}\0{len(content)}\0".encode())
            digest.update(content)
        for library in ("jinja2", "markupsafe", "pydantic"):
            digest.update(f"{library}={importlib.metadata.version(library)}\0".encode())
        digest.update(sys.version.encode())
        return digest.hexdigest()

    def _code_files(self) -> list[tuple[str, Path]]:
        folders = {
            "templates": self.templates_dir,
            "assets": self.assets_dir,
            "dashboard": PACKAGE_DIR,
            "sheets_sync": PACKAGE_DIR.parent,
        }
        return [
            (f"{label}/{path.name}", path)
            for label, folder in folders.items()
            for path in sorted(folder.iterdir())
            if path.is_file()
            and not path.name.startswith(".")
            and (label in ("templates", "assets") or path.suffix == ".py")
        ]


DEFAULT_THEME = Theme()


@dataclass(kw_only=True)
class BuildReport:
    """What a build did: the heatmap's path, the output files written and deleted (relative paths), whether it
    was a full build, every output file's record for the manifest, and how much of the data it had to look at:
    the index lines it parsed and the heatmap rows it rendered (the others were the last build's)."""

    index_html: Path
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    full: bool = False
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    parsed_lines: int = 0
    rendered_rows: int = 0


def build_site(
    store: Store, out_dir: Path, *, stamp: str | None = None, theme: Theme = DEFAULT_THEME
) -> Path:
    """Write the site into ``out_dir`` (re-rendering only what changed) and return the path of its ``index.html``.

    ``stamp`` is the build time every page prints; without it no page names a time, so the same data writes the
    same bytes (``sheets-sync dashboard`` passes ``--stamp`` or ``$SOURCE_DATE_EPOCH``).
    """
    return build_site_report(store, out_dir, stamp=stamp, theme=theme).index_html


def build_site_report(
    store: Store, out_dir: Path, *, stamp: str | None = None, theme: Theme = DEFAULT_THEME
) -> BuildReport:
    """:func:`build_site`, saying which files it wrote and deleted."""
    out_dir = Path(out_dir)
    try:
        with output_lock(out_dir):
            remove_stale_temps(out_dir)
            return SiteBuild(store, out_dir, stamp=stamp, theme=theme).run()
    except OSError as exc:  # --out under a file, on a read-only disk, a name too long
        where = Path(exc.filename) if isinstance(exc.filename, str) else out_dir
        raise DataError(f"cannot build the site: {exc.strerror}", path=where) from None


_TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
"""What :func:`sheets_sync.jsonio.atomic_write_bytes` names its temporary files (``.<name>.<8 random>.tmp``)."""


def remove_stale_temps(out_dir: Path) -> None:
    """Delete the temporary files a killed build left in the folders builds write (under the build's lock, so no
    other build is writing them)."""
    for folder in (out_dir, out_dir / "modules", out_dir / HEATMAP_DIR, out_dir / "assets"):
        for path in _glob(folder, ".*.tmp"):
            if _TEMP_NAME.fullmatch(path.name) and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """One build at a time per output folder (``serve`` and a ``dashboard`` run, say): two interleaved builds
    could leave a manifest vouching for the other's files. The second fails at once, like the data directory's
    writer lock. A folder this build created is removed again when the build fails with nothing written."""
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    lock_path = out_dir / BUILD_LOCK_NAME
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"another sheets-sync is building {out_dir} (lock {lock_path}); try again when it has finished"
            ) from None
        yield
    except BaseException:
        if created:
            _remove_if_only_lock(out_dir, lock_path)
        raise
    finally:
        os.close(fd)


def _remove_if_only_lock(out_dir: Path, lock_path: Path) -> None:
    try:
        if [p.name for p in out_dir.iterdir()] == [lock_path.name]:
            lock_path.unlink()
            out_dir.rmdir()
    except OSError:
        pass  # tidying up must never hide the error that got us here


class SiteBuild:
    """One build: decide what changed, check the inputs, then write (nothing is written before the checks pass)."""

    def __init__(self, store: Store, out_dir: Path, *, stamp: str | None, theme: Theme) -> None:
        self.store, self.out_dir, self.stamp, self.theme = store, out_dir, stamp, theme
        self.code = theme.version()
        previous = read_manifest(out_dir)
        self.previous = previous if previous is not None and previous.code == self.code else None

    def run(self) -> BuildReport:
        for path, message in self.store.entry_problems():  # a dangling symlink, a folder named *.json...
            raise DataError(message, path=path)
        entries = IndexEntries(self.store.index_path)
        records = {
            m: ModuleRecord(file=file_digest(self.store.module_path(m)), entry=entries.digests.get(m))
            for m in self.store.module_ids()
        }
        plan = self._plan(entries, records)
        changed = {path for path, inputs in plan.outputs.items() if not self._is_current(path, inputs)}
        modules = self._load_and_check(entries, records, changed)
        report = self._write(plan, changed, entries, modules)
        report.parsed_lines = entries.parsed
        heatmap = HeatmapRows(versions=versions_of(entries.head), rows=list(entries))
        write_manifest(
            self.out_dir, Manifest(code=self.code, modules=records, outputs=report.outputs, heatmap=heatmap)
        )
        return report

    def _load_and_check(
        self, entries: IndexEntries, records: Mapping[str, ModuleRecord], changed: set[str]
    ) -> dict[str, Module]:
        """Load the modules whose page changes, and check every module the last build did not check with the
        same file bytes and index line (same code: the manifest of other code is not read). Every index line the
        last build did not have is parsed (checked) too, whether or not a page shows it."""
        previous = self.previous.modules if self.previous else {}
        with gc_paused():  # many small pydantic objects, no cycles (see Store.load_all)
            modules = {
                m: self.store.load_module(m)
                for m, record in records.items()
                if previous.get(m) != record or module_page(m) in changed
            }
            for module_id, line_digest in entries.digests.items():
                if module_id not in previous or previous[module_id].entry != line_digest:
                    entries.check(module_id)
        check_index_current(entries, modules, self.store.index_path, known=set(records))
        return modules

    def _write(
        self, plan: Plan, changed: set[str], entries: IndexEntries, modules: Mapping[str, Module]
    ) -> BuildReport:
        stale = self._stale_files(set(plan.outputs))
        report = BuildReport(index_html=self.out_dir / "index.html", full=self.previous is None)
        if changed or stale or self.previous is None:
            # A build killed halfway must leave no manifest vouching for files it may have replaced.
            remove_manifest(self.out_dir)
        copy_assets(self.theme.assets_dir, self.out_dir / "assets")
        sizes = {}
        for relative, text in self._render(plan, changed, entries, modules, report):
            jsonio.atomic_write_text(self.out_dir / relative, text)
            sizes[relative] = len(text.encode("utf-8"))
            report.written.append(relative)
        for relative in sorted(stale):
            (self.out_dir / relative).unlink(missing_ok=True)
            report.deleted.append(relative)
        report.outputs = {
            path: OutputRecord(
                inputs=inputs, size=sizes[path] if path in sizes else self._previous_size(path)
            )
            for path, inputs in plan.outputs.items()
        }
        return report

    # ---------------------------------------------------------------------------------------------- planning

    def _plan(self, entries: IndexEntries, records: Mapping[str, ModuleRecord]) -> Plan:
        """Every output file (relative path) and the digest of its inputs."""
        models, versions, lines = models_of(entries.head), versions_of(entries.head), entries.digests
        chunks = []
        for first, ids in row_chunks(list(lines)):
            inputs = self._digest("chunk", models, versions, first, [(m, lines[m]) for m in ids])
            chunks.append(Chunk(path=chunk_path(inputs), inputs=inputs, first=first, module_ids=ids))
        outputs = {"index.html": self._digest("heatmap", entries.head, list(lines.items()))}
        outputs.update({chunk.path: chunk.inputs for chunk in chunks})
        for module_id, record in records.items():
            outputs[module_page(module_id)] = self._digest("module", models, record.file, record.entry)
        return Plan(outputs=outputs, chunks=chunks)

    def _digest(self, *parts: Any) -> str:
        text = json.dumps([self.code, self.stamp, *parts], ensure_ascii=False, separators=(",", ":"))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def _is_current(self, relative: str, inputs: str) -> bool:
        """Built from the same inputs by the same code, and still the size it was written with."""
        record = self.previous.outputs.get(relative) if self.previous else None
        if record is None or record.inputs != inputs:
            return False
        try:
            return (self.out_dir / relative).stat().st_size == record.size
        except OSError:
            return False

    def _previous_size(self, relative: str) -> int:
        assert self.previous is not None  # only files that were current are not rewritten
        return self.previous.outputs[relative].size

    def _stale_files(self, outputs: set[str]) -> set[str]:
        """Pages of modules that no longer exist and data scripts of an earlier heatmap (only files we write)."""
        found = {f"modules/{p.name}" for p in _glob(self.out_dir / "modules", "*.html")}
        found |= {f"{HEATMAP_DIR}/{p.name}" for p in _glob(self.out_dir / HEATMAP_DIR, "rows-*.js")}
        return found - outputs

    # ---------------------------------------------------------------------------------------------- rendering

    def _render(
        self,
        plan: Plan,
        changed: set[str],
        entries: IndexEntries,
        modules: Mapping[str, Module],
        report: BuildReport,
    ) -> Iterator[tuple[str, str]]:
        """(relative path, text) of every changed output, one at a time (a full build of 2,000 pages is large)."""
        env = template_env(self.theme.templates_dir)
        models, versions = models_of(entries.head), versions_of(entries.head)
        for chunk in plan.chunks:
            if chunk.path in changed:
                rows = {m: entries[m] for m in chunk.module_ids}
                yield chunk.path, render_chunk(views.heatmap_chunk(rows, versions, models, chunk.first))
        if "index.html" in changed:
            chunk_urls = [chunk.path for chunk in plan.chunks]
            table = self._heatmap_rows(entries, versions, report)
            yield (
                "index.html",
                render_heatmap(env, entries.head, chunks=chunk_urls, rows=table, stamp=self.stamp),
            )
        for module_id, module in modules.items():
            if module_page(module_id) in changed:
                yield (
                    module_page(module_id),
                    render_module(env, module, entries.get(module_id), models, stamp=self.stamp),
                )

    def _heatmap_rows(self, entries: IndexEntries, versions: list[str], report: BuildReport) -> list[str]:
        """Every row of the heatmap table, in the index's order: the last build's row of a module whose index line
        did not change, else rendered (the first row always: it holds the table's tab stop)."""
        kept = self._previous_rows(versions)
        rows = []
        for position, module_id in enumerate(entries):
            row = kept.get((module_id, entries.digests[module_id])) if position else None
            if row is None:
                view = views.heatmap_row(module_id, entries[module_id], versions)
                row = heatmap_row_html(view, versions, first_row=position == 0)
                report.rendered_rows += 1
            rows.append(row)
        return rows

    def _previous_rows(self, versions: list[str]) -> dict[tuple[str, str | None], str]:
        """(module id, digest of its index line) -> its row of the last build's ``index.html``, for every row but
        the first; nothing when that file is not the size the last build wrote, or its table had other columns."""
        previous = self.previous
        record = previous.outputs.get("index.html") if previous else None
        if previous is None or record is None or previous.heatmap.versions != versions:
            return {}
        path = self.out_dir / "index.html"
        try:
            if path.stat().st_size != record.size:
                return {}
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeError):
            return {}
        start, end = text.find(TBODY_OPEN), text.find(TBODY_CLOSE)
        if start < 0 or end < start:
            return {}
        # "</tr>" ends each row and appears nowhere else in it: the text inside is escaped (no "<").
        rows = text[start + len(TBODY_OPEN) : end].split(ROW_END)
        if rows.pop() != "" or len(rows) != len(previous.heatmap.rows):
            return {}
        kept = {}
        for module_id, row in zip(previous.heatmap.rows[1:], rows[1:], strict=True):
            record_of = previous.modules.get(module_id)
            if record_of is not None:
                kept[(module_id, record_of.entry)] = row + ROW_END
        return kept


@dataclass(frozen=True, kw_only=True)
class Chunk:
    """One heatmap data script: the rows from position ``first``."""

    path: str
    inputs: str
    first: int
    module_ids: list[str]


@dataclass(frozen=True, kw_only=True)
class Plan:
    outputs: dict[str, str]
    chunks: list[Chunk]


def module_page(module_id: str) -> str:
    return f"modules/{module_id}.html"


def chunk_path(inputs: str) -> str:
    """Named by the digest of its inputs: a page never runs a data script of another build under the same name."""
    return f"{HEATMAP_DIR}/rows-{inputs[:20]}.js"


def row_chunks(module_ids: list[str]) -> Iterator[tuple[int, list[str]]]:
    for first in range(0, len(module_ids), CHUNK_ROWS):
        yield first, module_ids[first : first + CHUNK_ROWS]


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return digest(handle.read())


def models_of(head: Mapping[str, Any]) -> list[str]:
    return list(head.get("models") or [])


def versions_of(head: Mapping[str, Any]) -> list[str]:
    return list(head.get("versions") or [])


def _glob(folder: Path, pattern: str) -> Iterable[Path]:
    return folder.glob(pattern) if folder.is_dir() else ()


def check_index_current(
    entries: Mapping[str, Any], modules: Mapping[str, Module], path: Path, *, known: set[str] | None = None
) -> None:
    """Refuse an index that names other modules or runs than the module files: the pages would disagree.

    ``entries``: the index's ``modules``; ``modules`` are the modules to check against their entries (an
    incremental build passes the changed ones: only their entries are read); ``known`` every module id present
    (default: those of ``modules``).
    """
    known = set(modules) if known is None else known
    missing = [m for m, module in modules.items() if module.experiments and m not in entries]
    unknown = [m for m in entries if m not in known]
    stale = [
        run["experiment_id"]
        for module_id in [m for m in entries if m in modules]
        for cell in (entries[module_id].get("versions") or {}).values()
        for run in cell.get("by_model", {}).values()
        if modules[module_id].experiment(run["experiment_id"]) is None
    ]
    problems = [
        f"{label} {', '.join(items[:5])}{' ...' if len(items) > 5 else ''}"
        for label, items in (
            ("no entry for", missing),
            ("unknown module", unknown),
            ("unknown experiment", stale),
        )
        if items
    ]
    if problems:
        raise DataError(
            f"out of date with the module files ({'; '.join(problems)}): run `sheets-sync index`", path=path
        )


@lru_cache(maxsize=4)
def template_env(templates_dir: Path = TEMPLATES_DIR) -> Environment:
    """Autoescaping on for every template: module names, rubrics and suggestions come from people's typing."""
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["script_json"] = script_json
    env.filters["percent"] = views.fmt_percent
    return env


def script_json(data: Any) -> Markup:
    """JSON safe to inline in ``<script type="application/json">`` (no ``</script>`` can appear in it)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, replacement in _SCRIPT_ESCAPES.items():
        text = text.replace(char, replacement)
    return Markup(text)


def heatmap_row_html(row: Mapping[str, Any], versions: Sequence[str], *, first_row: bool) -> str:
    """One line of the heatmap table (:func:`views.heatmap_row`), escaped as the templates escape."""
    name = escape(row["name"])
    return (
        f'<tr><th scope="row" class="module"><a href="{escape(row["href"])}" title="{name}">'
        f'<span class="module-id">{escape(row["id"])}</span><span class="module-name">{name}</span></a></th>'
        f"{heatmap_cells(row, versions, first_row)}{ROW_END}"
    )


def heatmap_cells(row: Mapping[str, Any], versions: Sequence[str], first_row: bool) -> Markup:
    """A heatmap row's cells as the first paint shows them (:func:`views.first_paint_cell`), the table's one tab
    stop on the first. Written here, not by a loop in the template: 5,000 cells at 200 modules x 25 versions, and
    Jinja's per-cell attribute lookups and escapes cost about ten times more."""
    module_id = escape(row["id"])
    parts = []
    for position, (version, cell) in enumerate(zip(versions, row["cells"], strict=True)):
        stop = ' tabindex="0"' if first_row and position == 0 else ""
        parts.append(
            f'<td class="{escape(cell["cls"])}" data-module="{module_id}" data-version="{escape(version)}"{stop}>'
            f'<span class="v">{escape(cell["text"])}</span><span class="m">{escape(cell["model"])}</span></td>'
        )
    return Markup("".join(parts))


def render_chunk(chunk: Mapping[str, Any]) -> str:
    """A heatmap data script: JSON is a JavaScript expression, queued for heatmap.js (the CSP allows our own
    script files and no fetch)."""
    return (
        f"(window.SheetsSyncHeatmapRows = window.SheetsSyncHeatmapRows || []).push({script_json(chunk)});\n"
    )


def render_heatmap(
    env: Environment,
    head: Mapping[str, Any],
    *,
    chunks: list[str],
    rows: list[str],
    stamp: str | None = None,
) -> str:
    """``index.html``: ``head`` is every field of the index but ``modules``, ``rows`` the table's lines
    (:func:`heatmap_row_html`)."""
    view = views.heatmap_view(head, chunks, row_count=len(rows))
    return env.get_template("index.html").render(
        root="", stamp=stamp, table_rows=Markup("".join(rows)), **view
    )


def render_module(
    env: Environment,
    module: Module,
    entry: Mapping[str, Any] | None,
    models: list[str],
    *,
    stamp: str | None = None,
) -> str:
    return env.get_template("module.html").render(
        root="../", stamp=stamp, **views.module_view(module, entry, models)
    )


def copy_assets(source_dir: Path, target: Path) -> None:
    """Copy the hand-written JS and CSS (no CDN, nothing fetched at view time); unchanged files are not rewritten."""
    for source in sorted(source_dir.iterdir()):
        if source.is_file() and not source.name.startswith("."):
            jsonio.atomic_write_text(target / source.name, source.read_text(encoding="utf-8"))

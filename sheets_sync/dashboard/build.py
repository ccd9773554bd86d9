"""Build the static site: ``index.html`` (the heatmap), ``modules/<id>.html`` and ``assets/``.

Reads only ``data/heatmap_index.json`` and ``data/modules/*.json`` (through :class:`Store`). Every page inlines its
data (``<script type="application/json">``), because browsers block ``fetch()`` of files on ``file://`` and the
site must work opened straight from disk with no network. The same data always writes the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from sheets_sync import jsonio
from sheets_sync.dashboard import views
from sheets_sync.errors import DataError
from sheets_sync.models import Module
from sheets_sync.store import Store

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
ASSETS_DIR = PACKAGE_DIR / "assets"

# JSON inside <script> ends at the first "</script", whatever the JSON quoting: escape the HTML-significant
# characters as JSON \u escapes (JSON.parse reads them back unchanged). U+2028/9 for old JS parsers' sake.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def build_site(store: Store, out_dir: Path, *, stamp: str | None = None) -> Path:
    """Write the whole site into ``out_dir`` and return the path of its ``index.html``.

    ``stamp`` is the build time every page prints; without it no page names a time, so the same data writes the
    same bytes (``sheets-sync dashboard`` passes ``--stamp`` or ``$SOURCE_DATE_EPOCH``).
    """
    index = load_index(store)
    modules = store.load_all()
    check_index_current(index, modules, store.index_path)
    out_dir = Path(out_dir)
    try:
        return _write_site(out_dir, index, modules, stamp)
    except OSError as exc:  # --out under a file, on a read-only disk, a name too long
        where = Path(exc.filename) if isinstance(exc.filename, str) else out_dir
        raise DataError(f"cannot write the site: {exc.strerror}", path=where) from None


def _write_site(
    out_dir: Path, index: Mapping[str, Any], modules: Mapping[str, Module], stamp: str | None
) -> Path:
    copy_assets(out_dir / "assets")
    env = template_env()
    jsonio.atomic_write_text(out_dir / "index.html", render_heatmap(env, index, stamp=stamp))
    for module_id, module in modules.items():
        page = render_module(
            env, module, index["modules"].get(module_id), index.get("models") or [], stamp=stamp
        )
        jsonio.atomic_write_text(out_dir / "modules" / f"{module_id}.html", page)
    remove_stale_pages(out_dir / "modules", set(modules))
    return out_dir / "index.html"


def load_index(store: Store) -> dict[str, Any]:
    if not store.index_path.is_file():
        raise DataError("no heatmap index: run `sheets-sync index` first", path=store.index_path)
    index = jsonio.read_json(store.index_path)
    if not isinstance(index, dict) or not isinstance(index.get("modules"), dict):
        raise DataError("not a heatmap index (no `modules` object)", path=store.index_path)
    return index


def check_index_current(index: Mapping[str, Any], modules: Mapping[str, Module], path: Path) -> None:
    """Refuse an index that names other modules or runs than the module files: the pages would disagree."""
    entries = index["modules"]
    missing = [m for m, module in modules.items() if module.experiments and m not in entries]
    unknown = [m for m in entries if m not in modules]
    stale = [
        run["experiment_id"]
        for module_id, entry in entries.items()
        if module_id in modules
        for cell in (entry.get("versions") or {}).values()
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


@lru_cache(maxsize=1)
def template_env() -> Environment:
    """Autoescaping on for every template: module names, rubrics and suggestions come from people's typing."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
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
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)


def render_heatmap(env: Environment, index: Mapping[str, Any], *, stamp: str | None = None) -> str:
    return env.get_template("index.html").render(root="", stamp=stamp, **views.heatmap_view(index))


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


def copy_assets(target: Path) -> None:
    """Copy the hand-written JS and CSS (no CDN, nothing fetched at view time); unchanged files are not rewritten."""
    for source in sorted(ASSETS_DIR.iterdir()):
        if source.is_file() and not source.name.startswith("."):
            jsonio.atomic_write_text(target / source.name, source.read_text(encoding="utf-8"))


def remove_stale_pages(pages_dir: Path, module_ids: set[str]) -> None:
    """Delete pages of modules that no longer exist (only ``*.html`` we would have written)."""
    if not pages_dir.is_dir():
        return
    for page in pages_dir.glob("*.html"):
        if page.stem not in module_ids:
            page.unlink()

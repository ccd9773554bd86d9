"""Benchmark of the dashboards: builds (full, incremental, at 10 to 2,000 modules), page sizes, ``serve``, and the
heatmap's first paint and model switch in headless Chromium next to a static page of the same cells.

    .venv/bin/python bench/bench_dashboard.py [--modules 200] [--versions 25] [--models 4] [--repeat 5]
                                              [--scales 10,100,500,2000] [--baseline main | --baseline none]
    .venv/bin/python bench/bench_dashboard.py --incremental-only --reuse DIR [--baseline-tree PATH]
                                              [--scales 10,100,500,2000] [--repeat 5]

Generates deterministic synthetic data (every module x version x model has a run, 4 rubrics each) through the real
Store and index, builds the site with ``build_site`` and opens ``index.html`` from ``file://`` in Debian's
Chromium (/usr/bin/chromium).

Side by side in the same run, so every page sees the same machine load (page loads alternate between them):
- **static**: the floor. The same cells written into the HTML with the same stylesheet and no script; for the
  model switch, a script (added after the paint) holding every model's cell texts and classes precomputed, which
  writes the cells that differ and nothing else.
- **this tree**: the site as built here.
- **REF** (``--baseline``, default ``main``): REF checked out into a temporary ``git worktree``, building the
  same data with its own code (index included, in a subprocess).

Figures:
- build: ``build_site`` wall time: full (empty output folder), incremental after one module file changed (and the
  index rewritten, as ``import`` does), and with nothing changed; at ``--modules`` and at each of ``--scales``
  (``--scales ''`` skips those), with the growth factor from one scale to the next (10x more modules).
- serve: ``SiteServer`` on loopback; one module file and the index change, then the time until the changed page
  has been answered (the request triggers the rebuild).
- first paint: navigation start to the first frame painted after ``DOMContentLoaded`` (the cells are in the DOM
  with their values by then on all three pages): a task queued from that frame's ``requestAnimationFrame``, which
  runs once the frame is painted; Chromium's first contentful paint; and the heatmap's data in
  (``performance.mark("heatmap-ready")``).
- switch: ``performance.now()`` around the change event, until the next frame is painted.
``--incremental-only``: only the incremental builds, at each of ``--scales``: the data (``DIR/data-N``) and each
tree's copy of it and site (``DIR/<tree>/``) are kept in ``--reuse DIR``, so the full build at 2,000 modules (minutes)
is made once and reused by later runs (a tree's first build is full again after its code changed). Each tree builds
in its own subprocess (``PYTHONPATH`` = the tree, no bytecode written into it), its ``--repeat`` one-changed and
nothing-changed builds in one process (the templates compiled once, as in ``serve``), the trees alternating per
scale so both see the same machine load. ``--baseline-tree PATH``: an existing checkout (read only) as the baseline.

Targets (issue 15): first paint <= 1.3x and model switch <= 1.2x the static page's; serve answers the changed page
<= 1 s after one module file changes, at 200 modules x 25 versions x 4 models.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sheets_sync import jsonio
from sheets_sync.dashboard.browser import CHROMIUM, CHROMIUM_ARGS
from sheets_sync.dashboard.build import build_site
from sheets_sync.dashboard.serve import SiteServer
from sheets_sync.dashboard.views import first_paint_cell
from sheets_sync.index_file import write_index
from sheets_sync.models import Experiment, Metrics, Module, RubricResult, experiment_id, rate
from sheets_sync.store import Store

MODEL_NAMES = [
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-5",
    "claude-sonnet",
    "gemini-pro",
    "llama-70b",
    "mistral-large",
    "o3",
]

SWITCH_JS = """([name, value]) => new Promise(resolve => {
  const select = document.querySelector(`select[name=${name}]`);
  const start = performance.now();
  select.value = value;
  select.dispatchEvent(new Event("change"));
  const handler = performance.now();
  requestAnimationFrame(() => requestAnimationFrame(() =>
    resolve({handler: handler - start, paint: performance.now() - start})));
})"""

# Installed before any page script: when the first frame after DOMContentLoaded has been painted (a task queued
# from its requestAnimationFrame callback runs once that frame's style, layout and paint are done), and FCP.
FIRST_PAINT_INIT = """
window.__paint = {};
document.addEventListener("DOMContentLoaded", () => {
  window.__paint.dcl = performance.now();
  requestAnimationFrame(() => setTimeout(() => { window.__paint.painted = performance.now(); }, 0));
});
"""

FIRST_PAINT_JS = """() => new Promise(resolve => {
  const check = () => window.__paint.painted !== undefined ? resolve({
    painted: window.__paint.painted,
    fcp: (performance.getEntriesByName("first-contentful-paint")[0] || {startTime: null}).startTime,
  }) : requestAnimationFrame(check);
  check();
})"""

STATIC_SWITCH = """(function () {
  "use strict";
  var data = window.STATIC_CELLS; // model ("" = Best) -> [class, value text, model text] per cell, DOM order
  var tds = Array.prototype.slice.call(document.querySelectorAll("td.cell"));
  var values = tds.map(function (td) { return td.firstChild; });
  var names = tds.map(function (td) { return td.lastChild; });
  var shown = data[""];
  document.querySelector("select[name=model]").addEventListener("change", function (event) {
    var next = data[event.target.value];
    for (var i = 0; i < tds.length; i++) {
      var a = shown[i], b = next[i];
      if (a[0] !== b[0]) tds[i].className = b[0];
      if (a[1] !== b[1]) values[i].textContent = b[1];
      if (a[2] !== b[2]) names[i].textContent = b[2];
    }
    shown = next;
  });
  document.documentElement.dataset.staticReady = "true";
})();
"""


def synthetic_module(number: int, versions: int, models: list[str], rng: random.Random) -> Module:
    """One module: every version x model run on 50 samples, with a drift upwards across versions."""
    module_id = f"m{number:03d}"
    rubrics = [f"M{number:03d}_rubric_{k}" for k in range(4)]
    experiments = []
    start = datetime(2025, 6, 1, 9, 0)
    for v in range(1, versions + 1):
        for m, model in enumerate(models):
            timestamp = start + timedelta(days=v, minutes=m)
            base = min(0.95, 0.25 + 0.02 * v + 0.05 * m + rng.uniform(-0.1, 0.1))
            passed = sum(rng.random() < base for _ in range(50))
            results = {
                r: RubricResult.from_counts(sum(rng.random() < base + 0.1 for _ in range(50)), 50)
                for r in rubrics
            }
            experiments.append(
                Experiment(
                    id=experiment_id(module_id, f"v{v}", model, timestamp),
                    prompt_version=f"v{v}",
                    model=model,
                    timestamp=timestamp,
                    metrics=Metrics(
                        pass_rate=rate(passed, 50),
                        match_rate=results[rubrics[0]].rate,
                        total=50,
                        passed=passed,
                        fail=50 - passed,
                        error=0,
                    ),
                    rubrics=results,
                    braintrust_url=f"https://www.braintrust.dev/app/acme/p/{module_id}/experiments/v{v}-{model}",
                )
            )
    return Module(
        module_id=module_id,
        module_name=f"SyntheticModule{number:03d}",
        description="Synthetic benchmark data",
        primary_rubric=rubrics[0],
        experiments=experiments,
    )


def write_data(data_dir: Path, modules: int, versions: int, models: int) -> Store:
    rng = random.Random(42)
    store = Store(data_dir)
    with store.lock():
        for number in range(1, modules + 1):
            store.save_module(synthetic_module(number, versions, MODEL_NAMES[:models], rng))
        write_index(store)
    return store


def change_one_module(store: Store, module_id: str, day: int) -> None:
    """What an import of one judge file does: one more run (of a version and model the module has), new index."""
    module = store.load_module(module_id)
    last = module.experiments[-1]
    timestamp = last.timestamp + timedelta(days=day)
    extra = last.model_copy(
        update={
            "id": experiment_id(module_id, last.prompt_version, last.model, timestamp),
            "timestamp": timestamp,
        }
    )
    with store.lock():
        store.save_module(module.model_copy(update={"experiments": [*module.experiments, extra]}))
        write_index(store)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


# ------------------------------------------------------------------------------------------------ builds


def measure_builds(store: Store, site: Path, repeat: int) -> dict[str, list[float]]:
    """Full build into an empty folder, then incremental after one module changed, then with nothing changed."""
    figures: dict[str, list[float]] = {"full": [], "one module changed": [], "nothing changed": []}
    module_ids = store.module_ids()
    for attempt in range(repeat):
        shutil.rmtree(site, ignore_errors=True)
        figures["full"].append(timed(lambda: build_site(store, site)))
        change_one_module(store, module_ids[(attempt * 7) % len(module_ids)], day=100 + attempt)
        figures["one module changed"].append(timed(lambda: build_site(store, site)))
        figures["nothing changed"].append(timed(lambda: build_site(store, site)))
    return figures


def site_sizes(site: Path) -> dict[str, float]:
    """KiB: index.html, its data scripts, the median and largest module page, the whole site."""
    pages = sorted(p.stat().st_size for p in (site / "modules").glob("*.html"))
    scripts = (
        [p.stat().st_size for p in (site / "heatmap").glob("*.js")] if (site / "heatmap").is_dir() else []
    )
    every = [p.stat().st_size for p in site.rglob("*") if p.is_file()]
    return {
        "index.html": (site / "index.html").stat().st_size / 1024,
        "heatmap data scripts (all)": sum(scripts) / 1024,
        "module page (median)": statistics.median(pages) / 1024 if pages else 0,
        "whole site": sum(every) / 1024,
    }


# ------------------------------------------------------------------------------------------------ serve


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return bytes(response.read())


def measure_serve(store: Store, site: Path, repeat: int) -> list[float]:
    """ms from the moment one module file and the index were rewritten to the changed page fully answered."""
    server = SiteServer(store, site, 0)
    server.build_now()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    answers = []
    try:
        module_ids = store.module_ids()
        for attempt in range(repeat):
            module_id = module_ids[(attempt * 13 + 5) % len(module_ids)]
            change_one_module(store, module_id, day=200 + attempt)
            answers.append(timed(partial(fetch, f"{server.url}modules/{module_id}.html")))
            assert server.last_build is not None and not server.last_build.full
    finally:
        server.shutdown()
        server.server_close()
    return answers


# ------------------------------------------------------------------------------------------------ browser


def write_static_page(site: Path, index: dict[str, Any], models: list[str]) -> Path:
    """``static.html``: the heatmap's HTML with its cells, no script; ``static-cells.js`` for the switch."""
    html = (site / "index.html").read_text(encoding="utf-8")
    html = (
        html[: html.index('<script type="application/json" id="heatmap-data">')]
        + "</main>\n</body>\n</html>\n"
    )
    page = site / "static.html"
    page.write_text(html, encoding="utf-8")
    cells: dict[str, list[list[str]]] = {"": []}
    for model in models:
        cells[model] = []
    for entry in index["modules"].values():
        for version in index["versions"]:
            cell = (entry.get("versions") or {}).get(version)
            shown = first_paint_cell(cell)
            cells[""].append([shown["cls"], shown["text"], shown["model"]])
            for model in models:
                run = ((cell or {}).get("by_model") or {}).get(model)
                one = first_paint_cell({"best": {"model": model}, "by_model": {model: run}} if run else None)
                cells[model].append([one["cls"], one["text"], ""])
    script = f"window.STATIC_CELLS = {json.dumps(cells, separators=(',', ':'))};\n{STATIC_SWITCH}"
    (site / "static-cells.js").write_text(script, encoding="utf-8")
    return page


def measure_browser(
    sites: dict[str, Path], models: list[str], repeat: int
) -> dict[str, dict[str, list[float]]]:
    """Figures per page (label -> html file); loads alternate between the pages so all share the load."""
    from playwright.sync_api import sync_playwright

    figures: dict[str, dict[str, list[float]]] = {label: {} for label in sites}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(repeat):
            for label, html in sites.items():
                measure_page(browser, html, models, figures[label], static=label == "static")
        browser.close()
    return figures


def measure_page(
    browser: Any, html: Path, models: list[str], figures: dict[str, list[float]], *, static: bool
) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.add_init_script(FIRST_PAINT_INIT)
    page.goto(html.as_uri())
    first = page.evaluate(FIRST_PAINT_JS)
    _add(figures, "first paint (nav start -> frame after DOMContentLoaded)", first["painted"])
    if first["fcp"] is not None:
        _add(figures, "first contentful paint (Chromium)", first["fcp"])
    if static:
        page.add_script_tag(url="static-cells.js")
        page.wait_for_selector("html[data-static-ready=true]")
    else:
        page.wait_for_selector("table#heatmap[data-ready=true]")
        _add(
            figures,
            "heatmap data in (nav start -> ready)",
            page.evaluate("() => performance.getEntriesByName('heatmap-ready')[0].startTime"),
        )
    for value in [*models, ""] * 2:
        timing = page.evaluate(SWITCH_JS, ["model", value])
        _add(figures, "switch model: until next frame", timing["paint"])
        _add(figures, "switch model: change handler", timing["handler"])
    if not static:
        for metric in ("match_rate", "pass_rate"):
            _add(
                figures,
                "switch metric: until next frame",
                page.evaluate(SWITCH_JS, ["metric", metric])["paint"],
            )
    page.close()


# ------------------------------------------------------------------------------------------------ baseline


BASELINE_BUILD = """
import json, shutil, sys, time
from pathlib import Path
from sheets_sync.dashboard.build import build_site
try:
    from sheets_sync.index_file import write_index
except ImportError:  # before the index's I/O edge moved out of sheets_sync.index
    from sheets_sync.index import write_index
from sheets_sync.store import Store
store = Store(Path(sys.argv[1]))
with store.lock():
    write_index(store)
times = []
for _ in range(int(sys.argv[3])):
    shutil.rmtree(sys.argv[2], ignore_errors=True)
    started = time.perf_counter()
    build_site(store, Path(sys.argv[2]))
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps(times))
"""


INCREMENTAL_BUILDS = """
import json, sys, time
from datetime import timedelta
from pathlib import Path
import sheets_sync
from sheets_sync.dashboard.build import build_site_report
try:
    from sheets_sync.index_file import write_index
except ImportError:  # before the index's I/O edge moved out of sheets_sync.index
    from sheets_sync.index import write_index
from sheets_sync.models import experiment_id
from sheets_sync.store import Store

store, site, repeat = Store(Path(sys.argv[1])), Path(sys.argv[2]), int(sys.argv[3])


def change_one_module(module_id):  # bench_dashboard.change_one_module, with this tree's code
    module = store.load_module(module_id)
    last = module.experiments[-1]
    timestamp = last.timestamp + timedelta(days=1)
    new_id = experiment_id(module_id, last.prompt_version, last.model, timestamp)
    extra = last.model_copy(update={"id": new_id, "timestamp": timestamp})
    with store.lock():
        store.save_module(module.model_copy(update={"experiments": [*module.experiments, extra]}))
        write_index(store)


def timed():
    started = time.perf_counter()
    report = build_site_report(store, site)
    return (time.perf_counter() - started) * 1000, report


first, report = timed()
out = {"code": sheets_sync.__file__, "first": first, "first_full": report.full, "changed": [], "unchanged": []}
ids = store.module_ids()
for attempt in range(repeat):
    change_one_module(ids[(attempt * 7 + len(ids) // 2) % len(ids)])
    took, report = timed()
    assert not report.full and "index.html" in report.written, report.written
    out["changed"].append(took)
    took, report = timed()
    assert report.written == [], report.written
    out["unchanged"].append(took)
print(json.dumps(out))
"""


def run_incremental(args: argparse.Namespace) -> None:
    """``--incremental-only``: this tree and the baseline tree, alternating, at each scale (see the docstring)."""
    reuse = Path(args.reuse)
    trees = {"this tree": Path(__file__).resolve().parents[1]}
    if args.baseline_tree:
        trees[args.baseline_tree] = snapshot(Path(args.baseline_tree).resolve(), reuse)
    rows = []
    for count in [int(n) for n in args.scales.split(",") if n.strip()]:
        data = reuse / f"data-{count}"
        if not (data / "heatmap_index.json").is_file():
            write_data(data, count, args.versions, args.models)
        row = [f"{count:,}"]
        for label, tree in trees.items():
            folder = reuse / label.replace(" ", "-").replace("/", "_")
            copy, site = folder / f"data-{count}", folder / f"site-{count}"
            if not copy.is_dir():
                shutil.copytree(data, copy)
            load = _load()
            result = subprocess.run(
                [sys.executable, "-c", INCREMENTAL_BUILDS, str(copy), str(site), str(args.repeat)],
                check=False,
                capture_output=True,
                text=True,
                cwd=reuse,
                env={"PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"},
            )
            if result.returncode != 0:
                sys.exit(f"{label} at {count} modules failed:\n{result.stderr}")
            figures = json.loads(result.stdout)
            assert Path(figures["code"]).resolve().is_relative_to(tree.resolve()), figures["code"]
            first = f"{ms(figures['first'])}{' (full)' if figures['first_full'] else ''}"
            row += [ms(median(figures["changed"])), ms(median(figures["unchanged"])), first]
            print(f"  {count} modules, {label}: {json.dumps(figures)}; load before: {load}", flush=True)
        row.append(_load())
        rows.append(row)
    columns = ["modules"]
    for label in trees:
        columns += [f"{label}: one module changed", f"{label}: nothing changed", f"{label}: first build"]
    print_rows(
        f"Incremental builds (median of {args.repeat}; {args.versions} versions x {args.models} models)",
        [*columns, "load after"],
        rows,
    )


def snapshot(tree: Path, reuse: Path) -> Path:
    """A copy of ``tree``'s package, made once (a checkout that others commit to must not change between the
    builds of one run: other code means a full build). Same file names and bytes: the same code digest."""
    head = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    copy = reuse / f"code-{head}"
    if not copy.is_dir():
        shutil.copytree(
            tree / "sheets_sync", copy / "sheets_sync", ignore=shutil.ignore_patterns("__pycache__")
        )
    print(f"baseline: {tree} at {head} (copied to {copy})", flush=True)
    return copy


class Baseline:
    """The code of git ``ref`` in a temporary worktree, building copies of our data in a subprocess."""

    def __init__(self, ref: str, tmp: Path) -> None:
        self.ref, self.tmp = ref, tmp
        self.repo = Path(__file__).resolve().parents[1]
        self.tree = tmp / "baseline-tree"
        subprocess.run(
            ["git", "-C", str(self.repo), "worktree", "add", "--detach", "--quiet", str(self.tree), ref],
            check=True,
        )

    def build(self, data_dir: Path, name: str, repeat: int) -> tuple[Path, list[float]]:
        data, out = self.tmp / f"{name}-data", self.tmp / f"{name}-site"
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(data_dir, data)
        result = subprocess.run(
            [sys.executable, "-c", BASELINE_BUILD, str(data), str(out), str(repeat)],
            check=True,
            capture_output=True,
            text=True,
            cwd=self.tree,
            env={"PYTHONPATH": str(self.tree), "PATH": "/usr/bin:/bin"},
        )
        shutil.rmtree(data)
        return out, json.loads(result.stdout)

    def close(self) -> None:
        subprocess.run(
            ["git", "-C", str(self.repo), "worktree", "remove", "--force", str(self.tree)], check=True
        )


# ------------------------------------------------------------------------------------------------ report


def _add(figures: dict[str, list[float]], name: str, value: float) -> None:
    figures.setdefault(name, []).append(value)


def median(values: list[float]) -> float:
    return statistics.median(values)


def print_rows(title: str, columns: list[str], rows: list[list[str]]) -> None:
    """A Markdown table (the README's)."""
    print(f"\n{title}\n")
    print("| " + " | ".join(columns) + " |")
    print("| " + " | ".join(["---"] + ["---:"] * (len(columns) - 1)) + " |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def scale_table(scales: dict[int, dict[str, Any]], baseline: str | None) -> None:
    columns = ["modules", "full build", "one module changed", "nothing changed", "growth (full / changed)"]
    if baseline:
        columns.append(f"{baseline}: build (any change)")
    rows, previous = [], None
    for modules, figures in scales.items():
        full, changed = median(figures["full"]), median(figures["one module changed"])
        growth = "" if previous is None else f"{full / previous[0]:.1f}x / {changed / previous[1]:.1f}x"
        row = [f"{modules:,}", ms(full), ms(changed), ms(median(figures["nothing changed"])), growth]
        if baseline:
            row.append(ms(median(figures["baseline"])))
        rows.append(row)
        previous = (full, changed)
    print_rows("Builds (median; growth: against the row above, 10x or 5x... more modules)", columns, rows)


def browser_table(figures: dict[str, dict[str, list[float]]], baseline: str | None) -> None:
    labels = ["static", "this tree"] + ([baseline] if baseline else [])
    names = [
        "first paint (nav start -> frame after DOMContentLoaded)",
        "first contentful paint (Chromium)",
        "heatmap data in (nav start -> ready)",
        "switch model: until next frame",
        "switch model: change handler",
        "switch metric: until next frame",
    ]
    rows = []
    for name in names:
        row = [name]
        for label in labels:
            values = figures[label].get(name)
            row.append("" if not values else f"{median(values):.0f} ms")
        static = figures["static"].get(name)
        ours = figures["this tree"].get(name)
        row.append(f"{median(ours) / median(static):.2f}x" if static and ours else "")
        if baseline:
            theirs = figures[baseline].get(name)
            row.append(f"{median(theirs) / median(static):.2f}x" if static and theirs else "")
        rows.append(row)
    columns = ["median of the loads", *labels, "this tree / static"] + (
        [f"{baseline} / static"] if baseline else []
    )
    print_rows("Heatmap in headless Chromium", columns, rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--versions", type=int, default=25)
    parser.add_argument("--models", type=int, default=4, choices=range(1, len(MODEL_NAMES) + 1))
    parser.add_argument("--repeat", type=int, default=5, help="page loads per page; builds and serve answers")
    parser.add_argument("--scales", default="10,100,500,2000", help="module counts for the build table")
    parser.add_argument("--baseline", default="main", help="git ref to measure side by side ('none' to skip)")
    parser.add_argument(
        "--incremental-only", action="store_true", help="only incremental builds, at --scales"
    )
    parser.add_argument("--reuse", help="with --incremental-only: keep data and sites here between runs")
    parser.add_argument(
        "--baseline-tree", help="with --incremental-only: a checkout to compare with (read only)"
    )
    args = parser.parse_args()
    if args.incremental_only:
        if not args.reuse:
            parser.error("--incremental-only needs --reuse DIR")
        run_incremental(args)
        return 0
    baseline_ref = None if args.baseline == "none" else args.baseline
    models = MODEL_NAMES[: args.models]
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp_name:
        tmp = Path(tmp_name)
        baseline = Baseline(baseline_ref, tmp) if baseline_ref else None
        try:
            run_all(args, tmp, models, baseline)
        finally:
            if baseline:
                baseline.close()
    return 0


def run_all(args: argparse.Namespace, tmp: Path, models: list[str], baseline: Baseline | None) -> None:
    label = baseline.ref if baseline else None
    store = write_data(tmp / "data", args.modules, args.versions, args.models)
    print(
        f"{args.modules} modules x {args.versions} versions x {args.models} models; load: {_load()}",
        flush=True,
    )
    site = tmp / "site"
    builds = measure_builds(store, site, args.repeat)
    serve = measure_serve(store, tmp / "serve-site", args.repeat)
    sizes = {"this tree": site_sizes(site)}
    index = jsonio.read_json(store.index_path)
    sites = {"static": write_static_page(site, index, models), "this tree": site / "index.html"}
    base_builds: list[float] = []
    if baseline and label:
        base_site, base_builds = baseline.build(store.data_dir, "browser", args.repeat)
        sites[label] = base_site / "index.html"
        sizes[label] = site_sizes(base_site)
    print_builds(args.modules, builds, serve, sizes, label, base_builds)
    print(f"load: {_load()}", flush=True)
    browser_table(measure_browser(sites, models, args.repeat), label)
    print(f"load: {_load()}", flush=True)
    scales: dict[int, dict[str, Any]] = {}
    for count in [int(n) for n in args.scales.split(",") if n.strip()]:
        scale_store = write_data(tmp / f"data-{count}", count, args.versions, args.models)
        repeat = 3 if count <= 500 else 1
        scales[count] = measure_builds(scale_store, tmp / f"site-{count}", repeat)
        if baseline:
            scales[count]["baseline"] = baseline.build(scale_store.data_dir, f"scale-{count}", repeat)[1]
        shutil.rmtree(scale_store.data_dir)
        shutil.rmtree(tmp / f"site-{count}")
        print(f"  {count} modules measured; load: {_load()}", flush=True)
    if scales:
        scale_table(scales, label)


def print_builds(
    modules: int,
    builds: dict[str, list[float]],
    serve: list[float],
    sizes: dict[str, dict[str, float]],
    label: str | None,
    base_builds: list[float],
) -> None:
    full = ms(median(base_builds)) if label else ""
    rows = [
        ["full build", ms(median(builds["full"])), full],
        ["one module changed (incremental)", ms(median(builds["one module changed"])), f"{full} (full)"],
        ["nothing changed (incremental)", ms(median(builds["nothing changed"])), f"{full} (full)"],
        [
            "serve: changed page answered, after one module file changed",
            f"{ms(median(serve))} (max {ms(max(serve))})",
            f"{full} (a full build first)",
        ],
    ]
    for name, value in sizes["this tree"].items():
        theirs = sizes[label].get(name) if label else None
        rows.append([f"size: {name}", f"{value:,.0f} KiB", "-" if not theirs else f"{theirs:,.0f} KiB"])
    columns = ["", "this tree"] + ([label] if label else [])
    print_rows(f"Builds and serve at {modules} modules", columns, [row[: len(columns)] for row in rows])


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the dashboards: build, first render and model/metric switches of a large heatmap in headless Chromium.

    .venv/bin/python bench/bench_dashboard.py [--modules 200] [--versions 25] [--models 4] [--repeat 5]
                                              [--baseline main | --baseline none]

Generates deterministic synthetic data (every module x version x model has a run, 4 rubrics each), writes it
through the real Store and index, builds the site with ``build_site`` and opens ``index.html`` from ``file://`` in
Debian's Chromium (/usr/bin/chromium). Target: first render and each switch under 1 s.

Side by side with a previous build: ``--baseline REF`` (default ``main``) checks REF out into a temporary
``git worktree``, builds the same data with that code (index included, in a subprocess) and measures both sites
in the same run, page loads alternating, so both see the same machine load. The table then shows REF's median,
this tree's median and the change.

Figures printed:
- build: ``build_site`` wall time (Python: read, validate, render every page).
- first render: navigation start to the end of the heatmap script's first fill (``performance.mark``), and to the
  first frame painted after it; plus the wall time of ``page.goto`` until the table is ready, seen from Python.
- switch: ``performance.now()`` around the change handler (``dispatchEvent``), then including style and layout,
  then until the next frame is painted; and the wall time of Playwright's ``select_option`` plus that frame.
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
import time
from datetime import datetime, timedelta
from pathlib import Path

from sheets_sync.dashboard.browser import CHROMIUM, CHROMIUM_ARGS
from sheets_sync.dashboard.build import build_site
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
  void document.body.offsetHeight;  // force style and layout now, so they are counted
  const layout = performance.now();
  requestAnimationFrame(() => requestAnimationFrame(() =>
    resolve({handler: handler - start, layout: layout - start, paint: performance.now() - start})));
})"""

FIRST_RENDER_JS = """() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => resolve({
  ready: performance.getEntriesByName("heatmap-ready")[0].startTime,
  painted: performance.now(),
}))))"""


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


def measure_browser(
    sites: dict[str, Path], models: list[str], repeat: int
) -> dict[str, dict[str, list[float]]]:
    """Figures per site (label -> index.html); loads alternate between the sites so both share the load."""
    from playwright.sync_api import sync_playwright

    figures: dict[str, dict[str, list[float]]] = {label: {} for label in sites}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(repeat):
            for label, index_html in sites.items():
                measure_page(browser, index_html, models, figures[label])
        browser.close()
    return figures


def measure_page(
    browser: object, index_html: Path, models: list[str], figures: dict[str, list[float]]
) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]
    started = time.perf_counter()
    page.goto(index_html.as_uri())
    page.wait_for_selector("table#heatmap[data-ready=true]")
    wall = (time.perf_counter() - started) * 1000
    first = page.evaluate(FIRST_RENDER_JS)
    _add(figures, "first render: script done (nav start ->)", first["ready"])
    _add(figures, "first render: first frame painted", first["painted"])
    _add(figures, "first render: wall (goto -> ready)", wall)
    for value in [*models, ""] * 2:
        timing = page.evaluate(SWITCH_JS, ["model", value])
        _add(figures, "switch model: change handler", timing["handler"])
        _add(figures, "switch model: + style & layout", timing["layout"])
        _add(figures, "switch model: until next frame", timing["paint"])
        started = time.perf_counter()
        page.select_option("select[name=model]", models[0] if value == "" else "")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        _add(figures, "switch model: wall (select_option + frame)", (time.perf_counter() - started) * 1000)
    for metric in ("match_rate", "pass_rate"):
        timing = page.evaluate(SWITCH_JS, ["metric", metric])
        _add(figures, "switch metric: until next frame", timing["paint"])
    page.close()


BASELINE_BUILD = """
import json, sys, time
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
for _ in range(3):
    started = time.perf_counter()
    build_site(store, Path(sys.argv[2]))
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps(times))
"""


def build_baseline(ref: str, tmp: Path, data_dir: Path) -> tuple[Path, list[float]]:
    """Build the same data with the code of git ``ref`` (a temporary worktree); (index.html, build times)."""
    repo = Path(__file__).resolve().parents[1]
    tree = tmp / "baseline-tree"
    subprocess.run(
        ["git", "-C", str(repo), "worktree", "add", "--detach", "--quiet", str(tree), ref], check=True
    )
    try:
        data = tmp / "baseline-data"
        shutil.copytree(data_dir, data)
        out = tmp / "baseline-site"
        result = subprocess.run(
            [sys.executable, "-c", BASELINE_BUILD, str(data), str(out)],
            check=True,
            capture_output=True,
            text=True,
            cwd=tree,
            env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        )
        return out / "index.html", json.loads(result.stdout)
    finally:
        subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)], check=True)


def _add(figures: dict[str, list[float]], name: str, value: float) -> None:
    figures.setdefault(name, []).append(value)


def print_table(rows: list[tuple[str, list[float]]]) -> None:
    print(f"{'step':<46} {'median ms':>10} {'max ms':>10} {'n':>4}")
    print("-" * 73)
    for name, values in rows:
        print(f"{name:<46} {statistics.median(values):>10.1f} {max(values):>10.1f} {len(values):>4}")


def print_side_by_side(
    ref: str, before: list[tuple[str, list[float]]], after: list[tuple[str, list[float]]]
) -> None:
    print(f"{'step (median ms)':<46} {ref[:12]:>12} {'this tree':>12} {'change':>8}")
    print("-" * 81)
    previous = dict(before)
    for name, values in after:
        old, new = statistics.median(previous[name]), statistics.median(values)
        print(f"{name:<46} {old:>12.1f} {new:>12.1f} {100 * (new - old) / old:>+7.1f}%")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--versions", type=int, default=25)
    parser.add_argument("--models", type=int, default=4, choices=range(1, len(MODEL_NAMES) + 1))
    parser.add_argument(
        "--repeat", type=int, default=5, help="page loads (each followed by model and metric switches)"
    )
    parser.add_argument(
        "--baseline", default="main", help="git ref to measure side by side (default main; 'none' to skip)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        started = time.perf_counter()
        store = write_data(Path(tmp) / "data", args.modules, args.versions, args.models)
        generate_ms = (time.perf_counter() - started) * 1000
        builds = []
        for _ in range(3):
            started = time.perf_counter()
            index_html = build_site(store, Path(tmp) / "site")
            builds.append((time.perf_counter() - started) * 1000)
        size_kb = index_html.stat().st_size / 1024
        print(
            f"{args.modules} modules x {args.versions} versions x {args.models} models "
            f"({args.modules * args.versions * args.models} runs); index.html {size_kb:,.0f} KiB; "
            f"data generation {generate_ms / 1000:.1f} s (not a target)\n"
        )
        sites = {"this tree": index_html}
        baseline_builds: list[float] = []
        if args.baseline != "none":
            sites[args.baseline], baseline_builds = build_baseline(args.baseline, Path(tmp), store.data_dir)
            size = sites[args.baseline].stat().st_size / 1024
            print(f"{args.baseline}'s index.html {size:,.0f} KiB\n")
        figures = measure_browser(sites, MODEL_NAMES[: args.models], args.repeat)
        rows = [("build_site (Python, all pages)", builds), *figures["this tree"].items()]
        print_table(rows)
        if args.baseline != "none":
            print()
            before = [("build_site (Python, all pages)", baseline_builds), *figures[args.baseline].items()]
            print_side_by_side(args.baseline, before, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

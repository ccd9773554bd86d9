#!/usr/bin/env python3
"""Benchmark of ``sheets-sync migrate`` on large generated trackers.

Writes a ``progress_history.yaml`` of ``--modules`` modules x ``--versions`` prompt versions x 3 models (one run
each, half with counts that reproduce the rate, half reported) and a ``modules_data.js`` covering the same
modules (every version once more, plus ``allModels``), then times, in-process: the dry run into an empty data
directory, the ``--apply``, and a second ``--apply`` (which must change nothing).

    .venv/bin/python bench/bench_migrate.py [--modules 200] [--versions 10]

Not a test: it prints figures (the README quotes them) and asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sheets_sync.legacy.migrate import Action, migrate
from sheets_sync.store import Store

MODELS = ("gpt-4o-mini", "gpt-4o", "gpt-5")


def write_trackers(folder: Path, modules: int, versions: int) -> tuple[Path, Path]:
    yaml_lines = ["defaults: &defaults\n  judge: gpt-4o\n  dataset: v1\nmodules:\n"]
    js_lines = ["const BT = 'https://www.braintrust.dev/app/acme/p/';\nwindow.MODULES_DATA = {\n"]
    for m in range(modules):
        module_id = f"M{m:03d}"
        yaml_lines.append(f"  {module_id}:\n    name: Module {m}\n    primary_rubric: r1\n    runs:\n")
        js_lines.append(f"  {module_id.lower()}: {{name: 'Module {m}', primaryRubric: 'r1', versions: {{\n")
        for v in range(1, versions + 1):
            for i, model in enumerate(MODELS):
                passed = (m * 7 + v * 3 + i) % 50
                rate = f"{passed * 2}%" if (m + v + i) % 2 else f"{passed * 2 + 0.3}"
                yaml_lines.append(
                    f"      - <<: *defaults\n        version: v{v}\n        date: 2026-01-{1 + v % 28}\n"
                    f"        model: {model}\n        n: 50\n        pass_rate: {rate}\n"
                    f"        rubrics: {{r1: {passed}/50, r2: {{pass: {49 - passed}, fail: {passed + 1}}}}}\n"
                )
            js_lines.append(
                f"    v{v}: {{model: 'gpt-4o', passRate: {50 + v % 40}, date: '{1 + v % 28}/01/2026', "
                f"btLink: BT + '{module_id}/v{v}', allModels: {{'4o-mini': .{40 + v % 50}, gpt5: NaN}}}},\n"
            )
        js_lines.append("  }},\n")
    js_lines.append("};\n")
    yaml_path, js_path = folder / "progress_history.yaml", folder / "modules_data.js"
    yaml_path.write_text("".join(yaml_lines))
    js_path.write_text("".join(js_lines))
    return yaml_path, js_path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--versions", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        yaml_path, js_path = write_trackers(folder, args.modules, args.versions)
        store = Store(folder / "data")
        sizes = f"{yaml_path.stat().st_size / 1e6:.1f} MB YAML, {js_path.stat().st_size / 1e6:.1f} MB JS"
        print(f"{args.modules} modules x {args.versions} versions x {len(MODELS)} models ({sizes})")
        print("| step | seconds | runs created | unchanged | skipped |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, apply in (("dry run", False), ("--apply", True), ("second --apply", True)):
            started = time.perf_counter()
            plan = migrate(store, progress_yaml=yaml_path, modules_js=js_path, apply=apply)
            elapsed = time.perf_counter() - started
            counts = [plan.count(a, "run") for a in (Action.CREATE, Action.UNCHANGED, Action.SKIP)]
            print(f"| {label} | {elapsed:.2f} | {counts[0]:,} | {counts[1]:,} | {counts[2]:,} |")


if __name__ == "__main__":
    main()

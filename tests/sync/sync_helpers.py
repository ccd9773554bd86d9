"""Builders of small, valid modules and a fake clock for the sync tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sheets_emulator import Emulator
from sheets_sync.models import (
    Experiment,
    Metrics,
    Module,
    Priority,
    RubricResult,
    Status,
    Suggestion,
    experiment_id,
    rate,
)
from sheets_sync.store import Store


def experiment(
    module_id: str, version: str, model: str, day: int, passed: int = 30, total: int = 50, matched: int = 20
) -> Experiment:
    timestamp = datetime(2026, 1, day, 10, 0)
    return Experiment(
        id=experiment_id(module_id, version, model, timestamp),
        prompt_version=version,
        model=model,
        timestamp=timestamp,
        metrics=Metrics(
            pass_rate=rate(passed, total),
            match_rate=rate(matched, total),
            total=total,
            passed=passed,
            fail=total - passed,
            error=0,
        ),
        rubrics={
            "main": RubricResult.from_counts(matched, total),
            "style": RubricResult.from_counts(40, total),
        },
        braintrust_url=f"https://www.braintrust.dev/app/acme/p/{module_id}/experiments/{version}-{model}",
    )


def suggestion(module_id: str, number: int, **fields: object) -> Suggestion:
    values: dict[str, object] = {
        "id": f"{module_id}-s{number}",
        "version": "v1",
        "rubric": "main",
        "issue": f"issue {number}",
        "suggestion": f"suggestion {number}",
        "priority": Priority.MEDIUM,
        "status": Status.PROPOSED,
    }
    values.update(fields)
    return Suggestion.model_validate(values)


def module(module_id: str = "m01", experiments: int = 3, suggestions: int = 3) -> Module:
    models = ("gpt-4o", "gpt-5", "gpt-4o-mini")
    runs = [
        experiment(module_id, f"v{1 + i // 3}", models[i % 3], 10 + i, passed=20 + i, matched=10 + i)
        for i in range(experiments)
    ]
    return Module(
        module_id=module_id,
        module_name=f"Module {module_id}",
        description=f"What {module_id} does",
        primary_rubric="main",
        experiments=runs,
        suggestions=[suggestion(module_id, n) for n in range(1, suggestions + 1)],
    )


def write_modules(data_dir: Path, *modules: Module) -> Store:
    store = Store(data_dir)
    with store.lock():
        for item in modules:
            store.save_module(item)
    return store


def modules(count: int, experiments: int = 3, suggestions: int = 3) -> list[Module]:
    return [module(f"m{n:03d}", experiments, suggestions) for n in range(1, count + 1)]


# Text that spreadsheets love to mangle: formulas, phone numbers, leading zeros, decimals, booleans, dates, unicode,
# line breaks. Written RAW, each must read back as the same text (codec, gspread and emulator tests share it).
AWKWARD_TEXTS = [
    '=IMPORTXML("http://x","//a")',
    "+1 555 0100",
    "0012",
    "6.10",
    "1e5",
    "TRUE",
    "false",
    "2026-01-20",
    "'quoted",
    "30%",
    "$1.50",
    " leading and trailing ",
    "line one\nline two\r\nline three",
    "emoji 🌵 and ünïcödé and 中文",
    "tab\there",
    "-",
    "#N/A",
    "@sum",
]


def paste_over_dropdown(emulator: Emulator, spreadsheet_id: str, title: str, cell: str, text: str) -> None:
    """What a PM does to get a value past a strict dropdown: type it in a spare cell with no dropdown, copy that
    cell and paste it over the dropdown (Ctrl+V takes the validation along), then empty the spare cell."""
    pm = emulator.pm(spreadsheet_id)
    sheet = emulator.spreadsheet(spreadsheet_id).sheet_by_title(title)
    assert sheet is not None
    spare = f"{chr(64 + min(sheet.col_count, 26))}1"
    pm.set_cell(title, spare, text)
    pm.copy_paste(title, spare, cell)
    pm.set_cell(title, spare, "")

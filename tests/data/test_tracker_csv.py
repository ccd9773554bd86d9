"""``sheets-sync export csv``: the PM tracker CSV from real module files."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.tracker_csv import HEADER, neutralised

REPO_DATA = Path(__file__).resolve().parents[2] / "data"
Cli = Callable[..., Result]


def module_file(data_dir: Path, module_id: str, experiments: list[dict], suggestions: list[dict]) -> None:
    folder = data_dir / "modules"
    folder.mkdir(parents=True, exist_ok=True)
    document = {
        "module_id": module_id,
        "module_name": f'=HYPERLINK("x") {module_id}',
        "primary_rubric": None,
        "experiments": experiments,
        "suggestions": suggestions,
    }
    (folder / f"{module_id}.json").write_text(json.dumps(document))


def experiment(id_: str, version: str, when: str, **extra: object) -> dict:
    return {
        "id": id_,
        "prompt_version": version,
        "model": "gpt-4o",
        "timestamp": when,
        "metrics": {"total": 4, "pass": 3, "fail": 1, "error": 0},
        **extra,
    }


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_one_row_per_experiment_in_a_stable_order_with_the_tracker_columns(cli: Cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    module_file(
        data,
        "m10",
        [
            experiment("m10_v2_gpt4o_20260102", "v2", "2026-01-02T00:00:00"),
            experiment("m10_v1_gpt4o_20260101", "v1", "2026-01-01T00:00:00", braintrust_url="https://bt/x"),
            experiment("m10_v1_gpt4o_20260105", "v1", "2026-01-05T00:00:00"),  # a rerun: its own row
        ],
        [
            {"id": "m10-s2", "version": "v1", "suggestion": "-1 point for typos"},
            {"id": "m10-s1", "version": "v1", "suggestion": "Add examples"},
            {"id": "m10-s3", "version": "v2", "suggestion": "Shorter"},
        ],
    )
    module_file(data, "m9", [experiment("m9_v1_gpt4o_20260101", "v1", "2026-01-01T00:00:00")], [])
    result = cli("export", "csv", "--data-dir", data)
    assert result.exit_code == 0, result.stderr
    table = rows(result.stdout)
    assert tuple(table[0]) == HEADER
    assert [r[-2] for r in table[1:]] == [
        "m9_v1_gpt4o_20260101",  # m9 before m10: natural order
        "m10_v1_gpt4o_20260101",
        "m10_v1_gpt4o_20260105",
        "m10_v2_gpt4o_20260102",
    ]
    first = dict(zip(HEADER, table[2], strict=True))
    assert first["Module"].startswith("'=HYPERLINK")  # neutralised, not run as a formula
    assert (first["Pass Rate %"], first["Match Rate %"]) == ("75.0", "")  # null match rate: empty, never 0
    assert first["Suggested Improvements"] == "Add examples; -1 point for typos"  # by number, text kept
    assert first["Braintrust link"] == "https://bt/x" and first["Date"] == "2026-01-01"
    assert result.stdout_bytes.startswith(b"Module,") and b"\r\n" in result.stdout_bytes


def test_excel_bom_and_out_file(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "tracker.csv"
    result = cli("export", "csv", "--excel", "--out", out, "--data-dir", REPO_DATA)
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfModule,LLM Model,")
    again = cli("export", "csv", "--excel", "--data-dir", REPO_DATA)
    assert again.stdout_bytes == data


def test_a_promptfoo_link_is_not_a_braintrust_link(cli: Cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    link = {"url": "https://www.promptfoo.app/eval/x", "kind": "promptfoo"}
    module_file(
        data, "m1", [experiment("m1_v1_gpt4o_20260101", "v1", "2026-01-01T00:00:00", run_link=link)], []
    )
    table = rows(cli("export", "csv", "--data-dir", data).stdout)
    assert dict(zip(HEADER, table[1], strict=True))["Braintrust link"] == ""


def test_a_missing_data_dir_is_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("export", "csv", "--data-dir", tmp_path / "nope")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


@settings(deadline=None)
@given(st.text())
def test_neutralised_text_reads_back_and_never_starts_a_formula(text: str) -> None:
    cell = neutralised(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell == text or cell == "'" + text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([cell, "end"])
    assert next(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [cell, "end"]


def test_a_run_known_only_by_its_reported_rates_says_so(cli: Cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    reported = {
        "reported": True,
        "total": 49,
        "pass": None,
        "fail": None,
        "pass_rate": 58.4,
        "match_rate": 38.0,
    }
    module_file(
        data,
        "m01",
        [
            experiment("m01_v1_gpt4o_20260101", "v1", "2026-01-01T00:00:00", metrics=reported),
            experiment("m01_v2_gpt4o_20260102", "v2", "2026-01-02T00:00:00"),
        ],
        [],
    )
    result = cli("export", "csv", "--data-dir", data)
    assert result.exit_code == 0, result.stderr
    old, new = (dict(zip(HEADER, row, strict=True)) for row in rows(result.stdout)[1:])
    assert (old["Pass Rate %"], old["Match Rate %"], old["Rates"]) == ("58.4", "38.0", "reported")
    assert (new["Pass Rate %"], new["Rates"]) == ("75.0", "judged")


def test_help_names_every_column_the_file_has(cli: Cli) -> None:
    result = cli("export", "csv", "--help")
    assert result.exit_code == 0, result.output
    listed = " ".join(result.output.split("Columns:", 1)[1].split("Exit codes:", 1)[0].split())
    missing = [column for column in HEADER if column not in listed]
    assert not missing, f"`export csv --help` does not name the column(s) {missing}"

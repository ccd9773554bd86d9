"""`sheets-sync diff` and `sheets-sync dashboard` through the real CLI (click's runner, real data directory)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sheets_sync.cli import main
from sheets_sync.store import Store


def cli(store: Store, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--data-dir", str(store.data_dir)])


def line_with(output: str, label: str) -> str:
    return next(line for line in output.splitlines() if line.strip().startswith(label + " "))


def test_diff_prints_deltas_intervals_and_verdicts(sample_store: Store) -> None:
    result = cli(sample_store, "diff", "m01", "v2", "v3")
    assert result.exit_code == 0, result.output
    assert "A  v2 · gpt-5 · dataset v1" in result.stdout
    pass_row = line_with(result.stdout, "pass rate").split()
    assert pass_row[2:] == [
        "60.0%",
        "(30/50)",
        "80.0%",
        "(40/50)",
        "+20.0",
        "pp",
        "[+2.0,",
        "+36.4]",
        "0.0291",
        "significant",
        "rise",
    ]
    assert line_with(result.stdout, "M01_lowercase_included").split()[-2:] == ["not", "significant"]
    assert "m01-s2 · applied in v3 · medium" in result.stdout
    assert "two-proportion z-test (pooled standard error)" in result.stdout
    assert "No significant regression." in result.stdout


def test_diff_json_has_the_numbers_and_the_printed_text(sample_store: Store) -> None:
    result = cli(sample_store, "diff", "m01", "v2", "v3", "--json")
    data = json.loads(result.stdout)
    pass_rate = data["rows"][0]
    assert (pass_rate["kind"], pass_rate["delta"], pass_rate["significant"]) == ("pass_rate", 20.0, True)
    assert pass_rate["text"]["interval"] == "[+2.0, +36.4]"
    assert [s["id"] for s in data["applied_suggestions"]] == ["m01-s2"]
    assert data["regressions"] == [] and data["dataset_mismatch"] is False


def test_fail_on_regression_exits_4_on_a_significant_drop(sample_store: Store) -> None:
    result = cli(sample_store, "diff", "m03", "v1", "v2", "--model", "gpt-4o", "--fail-on-regression")
    assert result.exit_code == 4
    assert "Regressions: pass rate, M03_schema_valid, M03_no_extra_keys" in result.stdout
    assert result.stderr.startswith(
        "error: significant regression in m03 m03_v1_gpt4o_20260104 -> m03_v2_gpt4o_20260108"
    )
    assert "pass rate -24.0 pp (p 0.0101)" in result.stderr


def test_fail_on_regression_ignores_noise_and_rises(sample_store: Store) -> None:
    # m01 v2 -> v3: the pass rate rises, one rubric drops 2 points (not significant).
    assert cli(sample_store, "diff", "m01", "v2", "v3", "--fail-on-regression").exit_code == 0


def test_without_the_flag_a_regression_still_exits_0(sample_store: Store) -> None:
    assert cli(sample_store, "diff", "m03", "v1", "v2", "--model", "gpt-4o").exit_code == 0


def test_dataset_mismatch_is_printed_as_a_warning(sample_store: Store) -> None:
    result = cli(sample_store, "diff", "m03", "v2", "v3", "--model", "gpt-4o")
    assert "⚠ dataset versions differ (A: v1, B: v2): the runs are not comparable" in result.stdout


def test_diff_errors_are_one_line_with_exit_1(sample_store: Store) -> None:
    unknown_module = cli(sample_store, "diff", "m99", "v1", "v2")
    assert unknown_module.exit_code == 1
    assert unknown_module.stderr.strip().endswith("(modules: m01, m02, m03)")
    unknown_version = cli(sample_store, "diff", "m01", "v1", "v7")
    assert (unknown_version.exit_code, unknown_version.stderr.count("\n")) == (1, 1)
    assert "'v7' is neither an experiment id nor a prompt version" in unknown_version.stderr


def test_markup_in_data_is_printed_verbatim(sample_store: Store) -> None:
    result = cli(sample_store, "diff", "m02", "v1", "v2")
    assert result.exit_code == 0
    assert "</script><script>alert(1)</script>" in result.stdout
    assert "m02 · <img src=x onerror=alert(1)>" in result.stdout


def test_dashboard_prints_the_index_path(sample_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = cli(sample_store, "dashboard", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out / 'index.html'}\n"
    assert sorted(p.name for p in (out / "modules").iterdir()) == ["m01.html", "m02.html", "m03.html"]


def test_a_borderline_row_is_explained_under_the_table(sample_store: Store) -> None:
    result = cli(sample_store, "diff", "m03", "v1", "v2", "--model", "gpt-4o")
    note = (
        "† M03_ascii_only: significant rise by the test (p 0.0412), but the 95% interval [-0.6, +18.8] "
        "includes 0: borderline"
    )
    assert note in result.stdout.splitlines()
    data = json.loads(cli(sample_store, "diff", "m03", "v1", "v2", "--model", "gpt-4o", "--json").stdout)
    assert data["notes"] == [note.removeprefix("† ")]
    assert [row["name"] for row in data["rows"] if row["borderline"]] == ["M03_ascii_only"]


def test_help_documents_every_exit_code() -> None:
    result = CliRunner().invoke(main, ["diff", "--help"])
    assert "--fail-on-regression" in result.output
    text = " ".join(result.output.split())
    for code in ("0 done", "1 unknown module", "2 usage", "4 with --fail-on-regression"):
        assert code in text


def test_serve_help_says_port_0_picks_a_free_port() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "0: any free port" in " ".join(result.output.split())


def test_serve_on_a_busy_port_is_a_one_line_error(sample_store: Store, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli(sample_store, "serve", "--port", str(port), "--out", str(tmp_path / "site"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: the port is already in use")
    assert "--port 0" in result.stderr  # what to do about it, as `sheets-sync emulator` says
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "command", [("dashboard",), ("serve", "--port", "0"), ("diff", "m01", "v2", "v3")], ids=lambda c: c[0]
)
def test_a_missing_data_dir_is_refused_like_every_other_command(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    typo = tmp_path / "typo"
    result = CliRunner().invoke(main, [*command, "--data-dir", str(typo)])
    assert result.exit_code == 1
    assert f"error: {typo}: no such data directory (give --data-dir DIR or set SHEETS_SYNC_DATA_DIR)" in (
        result.output
    )
    assert not typo.exists()

"""Every writer killed (SIGKILL) at every point it reaches, then run again: nothing lost, nothing half written.

Each scenario first runs its command cleanly with ``SHEETS_SYNC_CRASH_LOG`` to list the points it reaches (every
staged file, journal commit, rename, cleanup, API request, and the moment after a sync's write landed), then, for
each of them, from the same starting state: runs the real CLI as a subprocess killed at that point, checks what the
next commands see, runs the command again and compares with the clean run. The emulator serves the sheet over real
HTTP from this process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_emulator import Emulator, EmulatorServer, serve_http
from sheets_sync.cli import main
from sheets_sync.journal import TMP_DIR_NAME

pytestmark = pytest.mark.http
SAMPLE = Path(__file__).resolve().parents[2] / "data"
SHEET = "1CrashCrashCrashCrashCrashCrashCrash_demo"


def files(data: Path) -> dict[str, bytes]:
    """Every file of the data directory but the lock (empty, and left by design) and the index cache (not data: it
    records each file's stat, which differs from copy to copy, and is checked against the index it names)."""
    return {
        p.relative_to(data).as_posix(): p.read_bytes()
        for p in sorted(data.rglob("*"))
        if p.is_file() and p.name != ".sheets-sync.lock" and ".cache" not in p.relative_to(data).parts
    }


def cli(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def killed_run(args: list[str], point: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHEETS_SYNC_CRASH_AT": point}
    env.pop("SHEETS_SYNC_CRASH_LOG", None)
    return subprocess.run(
        [sys.executable, "-m", "sheets_sync", *args],
        check=False,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def points_of(args: list[str], cwd: Path) -> list[str]:
    """``name:n`` for every point a clean run of ``args`` reaches (the run happens in a copy made by the caller)."""
    log = cwd / "points.log"
    env = {**os.environ, "SHEETS_SYNC_CRASH_LOG": str(log)}
    env.pop("SHEETS_SYNC_CRASH_AT", None)
    done = subprocess.run(
        [sys.executable, "-m", "sheets_sync", *args],
        check=False,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen: Counter[str] = Counter()
    points = []
    for name in log.read_text().split():
        seen[name] += 1
        points.append(f"{name}:{seen[name]}")
    return points


def no_litter(data: Path) -> None:
    assert not (data / TMP_DIR_NAME).exists(), sorted(p.name for p in (data / TMP_DIR_NAME).rglob("*"))
    assert not [p for p in data.rglob("*.tmp")]


# ------------------------------------------------------------------------------------------------ local writers


@dataclass
class LocalScenario:
    name: str
    prepare: Callable[[Path], None]
    args: Callable[[Path], list[str]]


def _without_late_modules(data: Path) -> None:
    for module_id in ("m03", "m04", "m05"):
        (data / "modules" / f"{module_id}.json").unlink()
    assert cli("index", "--data-dir", data)[0] == 0


def _stale_index(data: Path) -> None:
    (data / "heatmap_index.json").unlink()


SUGGESTION = [
    "--version",
    "v1",
    "--rubric",
    "M01_brand_extracted",
    "--issue",
    "crash test",
    "--suggestion",
    "ok",
]
TRACKERS = Path(__file__).resolve().parents[1] / "migrate" / "trackers"
LOCAL = [
    # import: 3 modules created, others unchanged, the index rewritten: 4 files in one batch
    LocalScenario(
        "import", _without_late_modules, lambda d: ["import", "--data-dir", str(d), str(d / "judge_results")]
    ),
    # migrate --apply: 2 modules created and 1 changed from the legacy trackers, the index patched, in one batch
    LocalScenario(
        "migrate",
        lambda d: None,
        lambda d: [
            "migrate",
            "--data-dir",
            str(d),
            "--progress-yaml",
            str(TRACKERS / "progress_history.yaml"),
            "--modules-js",
            str(TRACKERS / "modules_data.js"),
            "--apply",
        ],
    ),
    LocalScenario("index", _stale_index, lambda d: ["index", "--data-dir", str(d)]),
    LocalScenario("suggest", lambda d: None, lambda d: ["suggest", "m01", "--data-dir", str(d), *SUGGESTION]),
]


@pytest.mark.parametrize("scenario", LOCAL, ids=[s.name for s in LOCAL])
def test_a_local_writer_killed_anywhere_leaves_old_or_new_and_finishes(
    scenario: LocalScenario, tmp_path: Path
) -> None:
    start = tmp_path / "start"
    shutil.copytree(SAMPLE, start, ignore=shutil.ignore_patterns("*.lock", ".sync"))
    scenario.prepare(start)
    before = files(start)
    clean = tmp_path / "clean"
    shutil.copytree(start, clean)
    points = points_of(scenario.args(clean), tmp_path)
    after = files(clean)
    assert {p.split(":")[0] for p in points} >= {"stage", "commit", "rename", "cleanup"}
    for point in points:
        data = tmp_path / point.replace(":", "-")
        shutil.copytree(start, data)
        run = killed_run(scenario.args(data), point, tmp_path)
        assert run.returncode == -signal.SIGKILL, (point, run.stderr)
        code, out, _ = cli("validate", "--data-dir", data)
        if code:  # only a committed batch not yet finished (or index's own stale start) may fail it
            assert "sheets-sync index" in out, (point, out)
            assert "interrupted" in out or scenario.name == "index", (point, out)
        assert cli("index", "--data-dir", data)[0] == 0, point  # a writer: finishes or rolls back first
        no_litter(data)
        now = files(data)
        assert now in (before, after) or scenario.name == "index" and now == after, point
        again = cli(*scenario.args(data))
        assert again[0] == 0, (point, again[2])
        assert files(data) == after if now == before else True, point
        assert cli("validate", "--data-dir", data)[0] == 0, point
        no_litter(data)
        if scenario.name == "suggest" and now == after:  # finished by recovery, the rerun added one more
            ids = [s["id"] for s in json.loads((data / "modules" / "m01.json").read_text())["suggestions"]]
            assert len(ids) == len(set(ids)), point
        shutil.rmtree(data)


# ------------------------------------------------------------------------------------------------ syncs


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator()
    running = serve_http(emulator)
    try:
        yield running
    finally:
        running.close()


def _small_start(tmp_path: Path) -> Path:
    """Two modules are enough to sync (and keep the many runs below quick)."""
    start = tmp_path / "start"
    shutil.copytree(SAMPLE, start, ignore=shutil.ignore_patterns("*.lock", ".sync", "judge_results"))
    for path in (start / "modules").glob("*.json"):
        if path.stem not in ("m01", "m02"):
            path.unlink()
    assert cli("index", "--data-dir", start)[0] == 0
    return start


def _fresh_sheet(server: EmulatorServer, name: str) -> str:
    spreadsheet = f"{SHEET}{name}"
    server.emulator.create_spreadsheet(spreadsheet, title="Evals")
    return spreadsheet


def _sync_args(command: str, data: Path, server: EmulatorServer, spreadsheet: str) -> list[str]:
    return [command, "--data-dir", str(data), "--endpoint", server.url, "--spreadsheet", spreadsheet]


def _pm_adds_suggestion(server: EmulatorServer, spreadsheet: str, title: str, issue: str) -> None:
    """A PM types a new suggestion row under the module tab's last row (no id: pull gives it one)."""
    pm = server.emulator.pm(spreadsheet)
    values = pm.get_values(title)
    header_row = next(i for i, row in enumerate(values) if "suggestion id" in row)
    header = values[header_row]
    row = len(values) + 1
    for label, text in (("issue", issue), ("suggestion", f"fix for {issue}")):
        pm.set_cell(title, f"{chr(65 + header.index(label))}{row}", text)


def _sheet_rows(server: EmulatorServer, spreadsheet: str, title: str) -> dict[str, str]:
    """suggestion id -> issue, as the PM sees the tab."""
    values = server.emulator.pm(spreadsheet).get_values(title)
    header_row = next(i for i, row in enumerate(values) if "suggestion id" in row)
    header = values[header_row]
    id_column, issue_column = header.index("suggestion id"), header.index("issue")
    return {
        str(r[id_column]): str(r[issue_column])
        for r in values[header_row + 1 :]
        if len(r) > issue_column and r[id_column]
    }


def _local_issues(data: Path, module_id: str) -> dict[str, str]:
    module = json.loads((data / "modules" / f"{module_id}.json").read_text())
    return {s["id"]: s["issue"] for s in module["suggestions"]}


def test_a_pull_killed_anywhere_hands_no_id_out_twice_and_loses_no_pm_row(
    server: EmulatorServer, tmp_path: Path
) -> None:
    """The PM adds a row; pull gives it an id in the sheet, then saves locally. Killed anywhere, the next
    ``suggest`` takes another id, and the next pull brings the PM's row in with the id the sheet shows."""
    start = _small_start(tmp_path)
    probe = _fresh_sheet(server, "probe")
    clean = tmp_path / "clean"
    shutil.copytree(start, clean)
    assert cli(*_sync_args("push", clean, server, probe))[0] == 0
    _pm_adds_suggestion(server, probe, "m01", "typed by a PM")
    points = points_of(_sync_args("pull", clean, server, probe), tmp_path)
    assert {p.split(":")[0] for p in points} >= {"request", "stage", "commit", "rename", "written"}
    for point in points:
        data = tmp_path / point.replace(":", "-")
        shutil.copytree(start, data)
        sheet = _fresh_sheet(server, point.replace(":", "-"))
        assert cli(*_sync_args("push", data, server, sheet))[0] == 0
        _pm_adds_suggestion(server, sheet, "m01", "typed by a PM")
        run = killed_run(_sync_args("pull", data, server, sheet), point, tmp_path)
        assert run.returncode == -signal.SIGKILL, (point, run.stderr)
        code, out, err = cli(
            "suggest", "m01", "--data-dir", data, "--version", "v1", "--rubric", "M01_brand_extracted",
            "--issue", "typed by the engineer", "--suggestion", "after the crash",
        )  # fmt: skip
        assert code == 0, (point, err)
        engineer_id = out.split()[1]
        sheet_ids = _sheet_rows(server, sheet, "m01")
        assert sheet_ids.get(engineer_id) in (None, "typed by the engineer"), (point, engineer_id, sheet_ids)
        for command in ("pull", "push"):
            code, _, err = cli(*_sync_args(command, data, server, sheet))
            assert code == 0, (point, command, err)
        local = _local_issues(data, "m01")
        assert list(local.values()).count("typed by a PM") == 1, (point, local)
        assert local[engineer_id] == "typed by the engineer", point
        assert _sheet_rows(server, sheet, "m01") == local, point
        assert cli("validate", "--data-dir", data)[0] == 0, point
        no_litter(data)
        shutil.rmtree(data)


def test_a_push_killed_anywhere_leaves_no_conflict_with_the_engineers_own_edit(
    server: EmulatorServer, tmp_path: Path
) -> None:
    """The engineer edits a suggestion and pushes; killed anywhere, their next edit of the same field pushes
    cleanly (no conflict with their own previous value) and the sheet ends with it."""
    start = _small_start(tmp_path)

    def edit(data: Path, text: str) -> None:
        path = data / "modules" / "m01.json"
        module = json.loads(path.read_text())
        module["suggestions"][0]["issue"] = text
        path.write_text(json.dumps(module, indent=2, ensure_ascii=False) + "\n")

    probe = _fresh_sheet(server, "push-probe")
    clean = tmp_path / "clean"
    shutil.copytree(start, clean)
    assert cli(*_sync_args("push", clean, server, probe))[0] == 0
    edit(clean, "first edit")
    points = points_of(_sync_args("push", clean, server, probe), tmp_path)
    assert {p.split(":")[0] for p in points} >= {"request", "stage", "commit", "rename", "written"}
    first_id = next(iter(_local_issues(start, "m01")))
    for point in points:
        data = tmp_path / point.replace(":", "-")
        shutil.copytree(start, data)
        sheet = _fresh_sheet(server, "push-" + point.replace(":", "-"))
        assert cli(*_sync_args("push", data, server, sheet))[0] == 0
        edit(data, "first edit")
        run = killed_run(_sync_args("push", data, server, sheet), point, tmp_path)
        assert run.returncode == -signal.SIGKILL, (point, run.stderr)
        edit(data, "second edit")
        code, out, err = cli(*_sync_args("push", data, server, sheet))
        assert code == 0, (point, out, err)
        assert _sheet_rows(server, sheet, "m01")[first_id] == "second edit", point
        assert cli(*_sync_args("pull", data, server, sheet))[0] == 0, point
        assert _local_issues(data, "m01")[first_id] == "second edit", point
        assert cli("validate", "--data-dir", data)[0] == 0, point
        no_litter(data)
        shutil.rmtree(data)


@pytest.mark.parametrize("delay", [0.2, 0.5, 0.8, 1.1, 1.4])
def test_an_import_killed_at_a_random_moment_leaves_old_or_new(tmp_path: Path, delay: float) -> None:
    """A few kills by the clock rather than at a named point: whenever it lands, the outcome is all or nothing
    (the assertion holds for any moment, so it does not depend on the machine's speed)."""
    start = tmp_path / "data"
    shutil.copytree(SAMPLE, start, ignore=shutil.ignore_patterns("*.lock", ".sync"))
    _without_late_modules(start)
    before = files(start)
    clean = tmp_path / "clean"
    shutil.copytree(start, clean)
    assert cli("import", "--data-dir", clean, clean / "judge_results")[0] == 0
    after = files(clean)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sheets_sync",
            "import",
            "--data-dir",
            str(start),
            str(start / "judge_results"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert cli("index", "--data-dir", start)[0] == 0
    no_litter(start)
    assert files(start) in (before, after)
    assert cli("import", "--data-dir", start, start / "judge_results")[0] == 0
    assert files(start) == after


# ------------------------------------------------------------------------------------------------ other writers


def test_an_export_killed_anywhere_leaves_the_old_file_or_the_new_one(tmp_path: Path) -> None:
    """``export csv --out`` writes one file outside the data directory (a temporary file, then a rename): killed
    anywhere, the file is the old export or the whole new one, and the next export leaves no temporary file."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data, ignore=shutil.ignore_patterns("*.lock", ".sync"))
    before = files(data)
    old = b"the last export\n"

    def args(out: Path) -> list[str]:
        return ["export", "csv", "--data-dir", str(data), "--out", str(out)]

    clean = tmp_path / "clean" / "tracker.csv"
    clean.parent.mkdir()
    clean.write_bytes(old)
    points = points_of(args(clean), tmp_path)
    new = clean.read_bytes()
    assert new != old and {p.split(":")[0] for p in points} >= {"stage", "rename"}
    for point in points:
        out = tmp_path / point.replace(":", "-") / "tracker.csv"
        out.parent.mkdir()
        out.write_bytes(old)
        run = killed_run(args(out), point, tmp_path)
        assert run.returncode == -signal.SIGKILL, (point, run.stderr)
        assert out.read_bytes() in (old, new), point
        code, _, err = cli(*args(out))
        assert code == 0, (point, err)
        assert out.read_bytes() == new, point
        assert list(out.parent.iterdir()) == [out], point  # a killed run's temporary file is gone
        assert files(data) == before, point
        shutil.rmtree(out.parent)


def test_a_braintrust_pull_killed_anywhere_leaves_old_or_new_and_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``braintrust pull`` against the loopback fake of tests/braintrust: killed at any request or any point of
    its batch (two new modules and the patched index), the data directory holds the old files or all the new
    ones, and pulling again ends where a clean pull does."""
    from braintrust import fake_braintrust  # tests/braintrust (pythonpath: tests)

    if not fake_braintrust.FIXTURES.is_dir():
        pytest.skip("../shared/fixtures is absent")
    fake = fake_braintrust.FakeBraintrust()
    for name, created in (("m70_v1_gpt-4o-1a2b3c4d", "2026-01-10"), ("m71_v2_gpt-5-5e6f7a8b", "2026-01-11")):
        rows = [
            *fake_braintrust.trace({"accuracy": 1.0}),
            *fake_braintrust.trace({"accuracy": 0.0}),
        ]
        made = fake_braintrust.experiment(
            name, f"{created}T10:00:00.000Z", {"module_name": f"Module {name[:3]}"}
        )
        fake.add(made, rows)
    with fake_braintrust.serving(fake) as running:
        monkeypatch.setenv("BRAINTRUST_API_KEY", fake_braintrust.API_KEY)
        monkeypatch.setenv("BRAINTRUST_API_URL", running.url)
        start = tmp_path / "start"
        shutil.copytree(SAMPLE, start, ignore=shutil.ignore_patterns("*.lock", ".sync"))
        before = files(start)
        clean = tmp_path / "clean"
        shutil.copytree(start, clean)

        def args(data: Path) -> list[str]:
            return ["braintrust", "pull", "--project", running.project, "--data-dir", str(data)]

        points = points_of(args(clean), tmp_path)
        after = files(clean)
        assert {"modules/m70.json", "modules/m71.json"} <= after.keys() - before.keys()
        assert {p.split(":")[0] for p in points} >= {"request", "stage", "commit", "rename", "cleanup"}
        for point in points:
            data = tmp_path / point.replace(":", "-")
            shutil.copytree(start, data)
            run = killed_run(args(data), point, tmp_path)
            assert run.returncode == -signal.SIGKILL, (point, run.stderr)
            code, out, _ = cli("validate", "--data-dir", data)
            if code:  # only a committed batch not yet finished
                assert "interrupted" in out and "sheets-sync index" in out, (point, out)
            assert cli("index", "--data-dir", data)[0] == 0, point
            no_litter(data)
            assert files(data) in (before, after), point
            again = cli(*args(data))
            assert again[0] == 0, (point, again[2])
            assert files(data) == after, point
            assert cli("validate", "--data-dir", data)[0] == 0, point
            shutil.rmtree(data)


def test_an_incremental_dashboard_build_killed_anywhere_ends_as_a_clean_build(tmp_path: Path) -> None:
    """``dashboard --out`` over an existing build after one suggestion was added: killed at any page's temporary
    file or rename, the next build leaves the site byte-identical to a clean incremental build, with no temporary
    file and the data directory untouched."""
    start = tmp_path / "start"
    shutil.copytree(SAMPLE, start / "data", ignore=shutil.ignore_patterns("*.lock", ".sync"))
    stamp = ["--stamp", "2026-03-01T10:00"]
    assert cli("dashboard", "--data-dir", start / "data", "--out", start / "site", *stamp)[0] == 0
    assert cli("suggest", "m01", "--data-dir", start / "data", *SUGGESTION)[0] == 0
    data_before = files(start / "data")

    def args(root: Path) -> list[str]:
        return ["dashboard", "--data-dir", str(root / "data"), "--out", str(root / "site"), *stamp]

    clean = tmp_path / "clean"
    shutil.copytree(start, clean)
    points = points_of(args(clean), tmp_path)
    site = files(clean / "site")
    assert site != files(start / "site") and {p.split(":")[0] for p in points} >= {"stage", "rename"}
    for point in points:
        root = tmp_path / point.replace(":", "-")
        shutil.copytree(start, root)
        run = killed_run(args(root), point, tmp_path)
        assert run.returncode == -signal.SIGKILL, (point, run.stderr)
        code, _, err = cli(*args(root))
        assert code == 0, (point, err)
        assert files(root / "site") == site, point
        assert not list((root / "site").rglob("*.tmp")), point
        assert files(root / "data") == data_before, point
        shutil.rmtree(root)

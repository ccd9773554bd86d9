"""The scheduled GitHub Actions workflow: its shape, and its shell steps run for real against a git remote.

The steps' scripts are taken from the workflow file and run with bash in a clone of a local bare repository, with a
stand-in ``sheets-sync`` on PATH that edits ``data/`` and exits with chosen codes: a pull that saved PM edits is
committed and pushed back even when the push after it fails, and the run's final exit code says what went wrong.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

WORKFLOW = Path(__file__).parents[2] / ".github" / "workflows" / "sheets-sync.yml"
SYNC_STEP = "Pull PM edits, then push results"
COMMIT_STEP = "Commit changed data and base snapshot"
FAIL_STEP = "Fail on errors and conflicts (everything else was synced and committed)"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash"
)


def step_script(name: str) -> str:
    """The ``run: |`` block of the step called ``name`` (a small reader for this one file's layout)."""
    lines = WORKFLOW.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- name: {name}")
    run = next(i for i in range(start, len(lines)) if lines[i].strip() == "run: |")
    indent = len(lines[run + 1]) - len(lines[run + 1].lstrip())
    block = []
    for line in lines[run + 1 :]:
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            break
        block.append(line[indent:])
    return "\n".join(block) + "\n"


def test_the_workflow_is_scheduled_keyless_and_commits_data_back() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    [cron] = re.findall(r'cron: "([^"]+)"', text)
    assert len(cron.split()) == 5
    assert "workflow_dispatch:" in text
    assert "id-token: write" in text and "contents: write" in text
    assert "google-github-actions/auth@" in text and "workload_identity_provider:" in text
    assert "cache-dependency-path:" in text  # setup-python's pip cache fails without a requirements.txt
    sync = step_script(SYNC_STEP)
    assert sync.index("sheets-sync pull") < sync.index("sheets-sync push")
    assert "data/.sync" in step_script(COMMIT_STEP) and "data/modules" in step_script(COMMIT_STEP)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A clone of a bare "origin" holding data/modules/m01.json, as actions/checkout leaves it."""
    origin, seed, work = tmp_path / "origin.git", tmp_path / "seed", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "clone", "-q", str(origin), str(seed))
    (seed / "data" / "modules").mkdir(parents=True)
    (seed / "data" / "modules" / "m01.json").write_text('{"before": true}\n')
    git(seed, "add", "data")
    git(seed, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "seed")
    git(seed, "push", "-q", "origin", "HEAD:main")
    git(tmp_path, "clone", "-q", "-b", "main", str(origin), str(work))
    return work


def fake_sheets_sync(folder: Path) -> Path:
    """``sheets-sync pull`` saves a PM edit and a base snapshot; each command exits with $FAKE_<COMMAND>_EXIT."""
    folder.mkdir()
    script = folder / "sheets-sync"
    script.write_text(
        "#!/usr/bin/env bash\n"
        'echo "$1" >> "$FAKE_CALLS"\n'
        'if [ "$1" = pull ] && [ "$FAKE_PULL_EXIT" != 1 ]; then\n'
        "  echo '{\"after\": true}' > data/modules/m01.json\n"
        "  mkdir -p data/.sync && echo '{}' > data/.sync/sheet.json\n"
        "fi\n"
        'code_var="FAKE_$(echo "$1" | tr a-z A-Z)_EXIT"\n'
        'exit "${!code_var}"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder


def run_job(work: Path, pull_exit: int, push_exit: int) -> tuple[int, list[str]]:
    """The sync, commit and final steps, in order, as the runner runs them; (final exit code, commands run)."""
    bin_dir = fake_sheets_sync(work.parent / "bin")
    outputs, calls = work.parent / "github_output", work.parent / "calls"
    outputs.touch()
    calls.touch()
    env = os.environ | {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(outputs),
        "FAKE_CALLS": str(calls),
        "FAKE_PULL_EXIT": str(pull_exit),
        "FAKE_PUSH_EXIT": str(push_exit),
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    for name in (SYNC_STEP, COMMIT_STEP):
        subprocess.run(
            ["bash", "-e", "-c", step_script(name)], cwd=work, env=env, check=True, capture_output=True
        )
    values = dict(line.split("=", 1) for line in outputs.read_text().split())
    final = subprocess.run(
        ["bash", "-e", "-c", step_script(FAIL_STEP)],
        cwd=work,
        capture_output=True,
        check=False,
        env=env | {"PULLED": values["pulled"], "PUSHED": values["pushed"]},
    )
    return final.returncode, calls.read_text().split()


def test_pulled_edits_are_committed_even_when_the_push_fails(checkout: Path) -> None:
    code, calls = run_job(checkout, pull_exit=0, push_exit=1)
    assert (code, calls) == (1, ["pull", "push"])
    shown = git(checkout, "show", "origin/main:data/modules/m01.json")
    assert shown == '{"after": true}\n'
    assert git(checkout, "show", "origin/main:data/.sync/sheet.json") == "{}\n"


def test_conflicts_fail_the_run_with_3_after_committing(checkout: Path) -> None:
    code, calls = run_job(checkout, pull_exit=3, push_exit=0)
    assert (code, calls) == (3, ["pull", "push"])
    assert git(checkout, "show", "origin/main:data/modules/m01.json") == '{"after": true}\n'


def test_a_failed_pull_skips_the_push_and_commits_nothing(checkout: Path) -> None:
    head = git(checkout, "rev-parse", "origin/main")
    code, calls = run_job(checkout, pull_exit=1, push_exit=0)
    assert (code, calls) == (1, ["pull"])
    assert git(checkout, "rev-parse", "origin/main") == head


def test_a_clean_run_succeeds(checkout: Path) -> None:
    assert run_job(checkout, pull_exit=0, push_exit=0) == (0, ["pull", "push"])


def test_refused_values_or_skipped_tabs_fail_the_run_with_5_after_pushing_and_committing(
    checkout: Path,
) -> None:
    code, calls = run_job(checkout, pull_exit=5, push_exit=0)
    assert (code, calls) == (5, ["pull", "push"])
    assert git(checkout, "show", "origin/main:data/modules/m01.json") == '{"after": true}\n'


def test_conflicts_win_over_refused_values(checkout: Path) -> None:
    assert run_job(checkout, pull_exit=5, push_exit=3) == (3, ["pull", "push"])

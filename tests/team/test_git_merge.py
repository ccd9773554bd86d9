"""Two clones that synced and committed meet in a real git merge; ``sheets-sync reconcile`` rebuilds the data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from clones import Clone, sheet_rows
from sync_helpers import module, write_modules
from test_workflow import COMMIT_STEP, step_script

from sheets_emulator import Emulator
from sheets_sync.cli import main
from sheets_sync.store import Store

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_SYSTEM": "/dev/null",
}


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=check, env={**os.environ, **GIT_ENV}
    )


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A", "data")
    if git(repo, "diff", "--cached", "--quiet", check=False).returncode:
        git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def team(tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> tuple[Clone, Clone]:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    hub = tmp_path / "hub.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(hub))
    first = tmp_path / "first"
    git(tmp_path, "clone", "-q", str(hub), str(first))
    store = write_modules(first / "data", module("m01"))
    Clone("first", store, emulator).push()
    commit(first, "first sync")
    git(first, "push", "-q", "origin", "HEAD:main")
    clones = []
    for name in ("ana", "ben"):
        git(tmp_path, "clone", "-q", "-b", "main", str(hub), str(tmp_path / name))
        clones.append(Clone(name, Store(tmp_path / name / "data"), emulator))
    return clones[0], clones[1]


def repo(clone: Clone) -> Path:
    return clone.store.data_dir.parent


def reconcile(clone: Clone) -> str:
    result = CliRunner().invoke(
        main, ["reconcile", "--data-dir", str(clone.store.data_dir)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_both_synced_and_committed_then_merge_and_reconcile(
    team: tuple[Clone, Clone], emulator: Emulator
) -> None:
    ana, ben = team
    ana.suggest("ana's idea")
    ana.delete("m01-s1")
    ana.push()
    commit(repo(ana), "ana")
    git(repo(ana), "push", "-q", "origin", "HEAD:main")
    ben.suggest("ben's idea")
    ben.edit("m01-s2", issue="ben's wording")
    ben.push()
    commit(repo(ben), "ben")
    merged = git(repo(ben), "pull", "-q", "--no-rebase", "origin", "main", check=False)
    assert merged.returncode != 0  # both appended a suggestion and both rewrote the base snapshot
    output = reconcile(ben)
    assert "reconciled" in output
    git(repo(ben), "commit", "-q", "--no-edit")
    assert not git(repo(ben), "diff", "--name-only", "--diff-filter=U").stdout
    ben.store.load_all()  # a valid data directory
    expected = {
        "m01-s2": "ben's wording",
        "m01-s3": "issue 3",
        "m01-s4": "ana's idea",
        "m01-s5": "ben's idea",
    }
    assert ben.suggestions() == expected
    for clone_step in (ben.pull, ben.push):
        assert not clone_step().conflicts
    git(repo(ben), "push", "-q", "origin", "HEAD:main")
    git(repo(ana), "pull", "-q", "--no-rebase", "origin", "main")
    for clone_step in (ana.pull, ana.push, ben.pull):
        assert not clone_step().conflicts
    assert ana.suggestions() == ben.suggestions() == expected
    assert {sid: row["issue"] for sid, row in sheet_rows(emulator).items()} == expected


def test_offline_suggestions_with_one_number_meet_in_git(
    team: tuple[Clone, Clone], emulator: Emulator
) -> None:
    ana, ben = team
    ana.suggest("ana offline")
    commit(repo(ana), "ana")
    git(repo(ana), "push", "-q", "origin", "HEAD:main")
    ben.suggest("ben offline")
    commit(repo(ben), "ben")
    assert git(repo(ben), "pull", "-q", "--no-rebase", "origin", "main", check=False).returncode != 0
    output = reconcile(ben)
    assert "m01-s4 -> m01-s5" in output
    git(repo(ben), "commit", "-q", "--no-edit")
    assert set(ben.suggestions().values()) >= {"ana offline", "ben offline"}
    assert not ben.push().conflicts
    assert not ana.push().conflicts  # ana's own m01-s4 is the same suggestion: no renumbering, no conflict
    ana.pull()
    assert ana.suggestions() == ben.suggestions()


def test_a_field_both_sides_edited_without_pushing_stops_with_its_name(team: tuple[Clone, Clone]) -> None:
    ana, ben = team
    ana.edit("m01-s1", issue="ana's")
    commit(repo(ana), "ana")
    git(repo(ana), "push", "-q", "origin", "HEAD:main")
    ben.edit("m01-s1", issue="ben's")
    commit(repo(ben), "ben")
    git(repo(ben), "pull", "-q", "--no-rebase", "origin", "main", check=False)
    result = CliRunner().invoke(main, ["reconcile", "--data-dir", str(ben.store.data_dir)])
    assert result.exit_code == 1
    assert "suggestions[id=m01-s1].issue" in result.output and "Traceback" not in result.output


def test_reconcile_outside_a_merge_says_so(team: tuple[Clone, Clone]) -> None:
    ana, _ = team
    result = CliRunner().invoke(main, ["reconcile", "--data-dir", str(ana.store.data_dir)])
    assert result.exit_code == 1 and "no merge to reconcile" in result.output


def test_the_scheduled_jobs_commit_step_merges_what_an_engineer_pushed_meanwhile(
    team: tuple[Clone, Clone], emulator: Emulator
) -> None:
    engineer, job = team
    engineer.suggest("from the laptop")
    engineer.push()
    commit(repo(engineer), "engineer")
    git(repo(engineer), "push", "-q", "origin", "HEAD:main")
    job.suggest("from the job")
    job.push()  # renumbered: the engineer's m01-s4 is in the sheet
    env = {**os.environ, **GIT_ENV, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    step = subprocess.run(
        ["bash", "-e", "-c", step_script(COMMIT_STEP)],
        check=False,
        cwd=repo(job),
        env=env,
        capture_output=True,
        text=True,
    )
    assert step.returncode == 0, step.stdout + step.stderr
    git(repo(engineer), "pull", "-q", "--no-rebase", "origin", "main")
    assert not git(repo(engineer), "grep", "-l", "<<<<<<<", "--", "data", check=False).stdout
    expected = {"m01-s1": "issue 1", "m01-s2": "issue 2", "m01-s3": "issue 3"}
    expected |= {"m01-s4": "from the laptop", "m01-s5": "from the job"}
    assert engineer.suggestions() == expected
    for step_run in (engineer.pull, engineer.push):
        assert not step_run().conflicts


def test_three_clones_sync_commit_and_merge_in_turn(
    team: tuple[Clone, Clone], emulator: Emulator, tmp_path: Path
) -> None:
    ana, ben = team
    git(tmp_path, "clone", "-q", "-b", "main", str(tmp_path / "hub.git"), str(tmp_path / "cid"))
    cid = Clone("cid", Store(tmp_path / "cid" / "data"), emulator)
    ana.suggest("ana new")
    ana.delete("m01-s1")
    ben.suggest("ben new")
    ben.edit("m01-s2", issue="ben's wording")
    cid.suggest("cid new")
    cid.delete("m01-s3")
    for clone in (cid, ana, ben):
        assert not clone.push().conflicts
        commit(repo(clone), clone.name)
    for clone in (ana, ben, cid):
        if git(
            repo(clone), "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", check=False
        ).returncode:
            reconcile(clone)
            git(repo(clone), "commit", "-q", "--no-edit")
        elif git(repo(clone), "rev-parse", "-q", "--verify", "HEAD^2", check=False).returncode == 0:
            reconcile(clone)
            git(repo(clone), "commit", "-q", "-m", "reconcile", check=False)
        clone.store.load_all()
        for step_run in (clone.pull, clone.push):
            assert not step_run().conflicts
        commit(repo(clone), f"{clone.name} after merging")
        git(repo(clone), "push", "-q", "origin", "HEAD:main")
    for clone in (ana, ben):
        git(repo(clone), "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
        assert not clone.pull().conflicts
    expected = {"ben's wording", "ana new", "ben new", "cid new"}
    for clone in (ana, ben, cid):
        assert sorted(clone.suggestions().values()) == sorted(expected), clone.name
        assert clone.suggestions() == ana.suggestions()
    assert {sid: row["issue"] for sid, row in sheet_rows(emulator).items()} == ana.suggestions()


def test_reconcile_never_runs_over_edits_made_after_the_merge(team: tuple[Clone, Clone]) -> None:
    ana, ben = team
    ana.suggest("ana")
    commit(repo(ana), "ana")
    git(repo(ana), "push", "-q", "origin", "HEAD:main")
    ben.edit("m01-s1", issue="ben")
    commit(repo(ben), "ben")
    git(
        repo(ben), "pull", "-q", "--no-rebase", "--no-edit", "origin", "main"
    )  # merges cleanly: a merge commit
    ben.edit("m01-s2", issue="edited after the merge")
    result = CliRunner().invoke(main, ["reconcile", "--data-dir", str(ben.store.data_dir)])
    assert result.exit_code == 1 and "commit or stash" in result.output
    assert ben.suggestions()["m01-s2"] == "edited after the merge"
    commit(repo(ben), "after")
    git(repo(ben), "reset", "-q", "--hard", "HEAD^")  # back on the merge commit, nothing uncommitted
    assert "reconciled" in reconcile(ben)
    assert ben.suggestions()["m01-s1"] == "ben" and ben.suggestions()["m01-s4"] == "ana"

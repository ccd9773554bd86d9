"""Publishing is opt in: the scheduled workflow builds the dashboards after its pull, stamped with the time of that
pull, and deploys them with GitHub Pages only when the repository variable SHEETS_SYNC_PAGES is "true"."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "sheets-sync.yml"
OPT_IN = "if: ${{ vars.SHEETS_SYNC_PAGES == 'true' }}"


def step(name: str) -> str:
    """The text of the step called ``name``, up to the next step or job."""
    text = WORKFLOW.read_text(encoding="utf-8")
    start = text.index(f"- name: {name}\n")
    end = min(
        i for i in (text.find("\n      - name:", start + 1), text.find("\n  pages:", start + 1)) if i > 0
    )
    return text[start:end]


def run_block(step_text: str) -> str:
    lines = step_text.split("run: |\n", 1)[1].splitlines()
    indent = len(lines[0]) - len(lines[0].lstrip())
    return "\n".join(line[indent:] for line in lines) + "\n"


def test_the_dashboards_are_built_after_the_pull_and_published_only_when_opted_in() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert text.index("sheets-sync pull") < text.index("- name: Build the dashboards")
    assert text.index("- name: Note the time of the pull") < text.index("sheets-sync pull")
    for name in ("Build the dashboards", "Upload the dashboards for GitHub Pages"):
        assert OPT_IN in step(name), f"{name!r} is not opt in"
    assert "actions/upload-pages-artifact@" in step("Upload the dashboards for GitHub Pages")
    pages_job = text[text.index("\n  pages:") :]
    assert "vars.SHEETS_SYNC_PAGES == 'true'" in pages_job and "actions/deploy-pages@" in pages_job
    assert "pages: write" in pages_job and "github-pages" in pages_job
    assert "pages: write" not in text[: text.index("\n  pages:")]  # the sync job cannot publish anything


def test_the_build_step_stamps_the_pages_with_the_time_of_the_pull(tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    shutil.copytree(REPO / "data", tmp_path / "data")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PULLED_AT": "2026-02-03 10:17 UTC", "GITHUB_RUN_NUMBER": "42"}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    env.pop("SOURCE_DATE_EPOCH", None)
    script = run_block(step("Build the dashboards"))
    subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, check=True, capture_output=True)
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"Built 2026-02-03 10:17 UTC \(pull of run 42\)", page)


def test_the_readme_warns_that_pages_are_public() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Publishing the dashboards") :]
    assert "SHEETS_SYNC_PAGES" in section
    assert "public" in section and "every result" in section and "PM" in section

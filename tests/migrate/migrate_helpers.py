"""Paths of the trackers of ``trackers/`` and a byte snapshot of a data directory, for the migrate tests."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TRACKERS = Path(__file__).resolve().parent / "trackers"
YAML_TRACKER = TRACKERS / "progress_history.yaml"
JS_TRACKER = TRACKERS / "modules_data.js"

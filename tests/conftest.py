"""Settings for the whole suite.

Property tests explore random examples on developers' machines; on CI (``CI=true``) they replay a fixed sequence
(``derandomize``) with no per-example deadline, so a landing never depends on the luck of a seed or on the
load of the machine. Hunting with more seeds:
``pytest tests/sync/test_sync_properties.py --hypothesis-seed=N``.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

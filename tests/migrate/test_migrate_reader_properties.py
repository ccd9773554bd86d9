"""Round trips of the two readers over generated values: whatever a person (or a serialiser) writes is read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.legacy.jsliteral import parse_js
from sheets_sync.legacy.yamlfile import load_yaml

# Any character but lone surrogates; YAML's own line breaks (NEL, LS, PS) and controls are left to the YAML test's
# PRINTABLE alphabet, since PyYAML's emitter itself does not round-trip them.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
KEYS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=10)
PRINTABLE = st.characters(whitelist_categories=("L", "N", "P", "S", "Zs"))
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=12,
)


def as_read(value: Any) -> Any:
    """What the JS reader gives back: numbers as their source text, everything else as is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return [as_read(v) for v in value]
    if isinstance(value, dict):
        return {k: as_read(v) for k, v in value.items()}
    return value


def js_literal(value: Any, quote: str) -> str:
    """A hand-kept style of JavaScript: single or double quotes, trailing commas, a comment after each item."""
    if isinstance(value, str):
        body = (
            value.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n").replace("\r", "\\r")
        )
        body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return quote + body + quote
    if isinstance(value, list):
        return "[" + "".join(js_literal(v, quote) + ", // item\n" for v in value) + "]"
    if isinstance(value, dict):
        items = (js_literal(k, quote) + ": " + js_literal(v, quote) + ", /* x */" for k, v in value.items())
        return "{" + "\n".join(items) + "}"
    return json.dumps(value)


@settings(deadline=None, max_examples=200)
@given(VALUES, st.sampled_from(["'", '"']))
def test_any_literal_reads_back(value: Any, quote: str) -> None:
    text = f"// data\nconst DATA = {js_literal(value, quote)};\n"
    assert parse_js(text, Path("m.js")).assignments == {"DATA": as_read(value)}


@settings(deadline=None, max_examples=200)
@given(VALUES)
def test_json_is_read_as_javascript(value: Any) -> None:
    assert parse_js(f"var DATA = {json.dumps(value)}", Path("m.js")).assignments["DATA"] == as_read(value)


@settings(deadline=None, max_examples=200)
@given(
    st.dictionaries(st.text(PRINTABLE, min_size=1, max_size=10), st.text(PRINTABLE, max_size=20), max_size=5)
)
def test_any_text_written_to_yaml_reads_back_as_that_text(fields: dict[str, str]) -> None:
    """Text stays text: ``1.10``, ``2026-01-20``, ``yes``, ``14:05`` included (safe_dump quotes what needs it)."""
    dumped = yaml.safe_dump({"modules": fields}, allow_unicode=True)
    document, duplicates = load_yaml(dumped, Path("p.yaml"))
    assert document == {"modules": fields or {}} and duplicates == []

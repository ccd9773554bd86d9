"""The reader of ``progress_history.yaml``: safe YAML, every scalar kept as the text typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sheets_sync.legacy.errors import LegacyInputError
from sheets_sync.legacy.yamlfile import load_yaml

YAML = Path("progress_history.yaml")


def read(text: str) -> object:
    return load_yaml(text, YAML)[0]


def test_scalars_stay_the_text_typed() -> None:
    """YAML 1.1 would make 1.10 the float 1.1, 2026-01-20 a date, 14:05 the number 845 and yes a boolean."""
    doc = read("version: 1.10\ndate: 2026-01-20\nother: 2026-1-9\ntime: 14:05\nrate: .38\nflag: yes\nn: 50")
    assert doc == {
        "version": "1.10", "date": "2026-01-20", "other": "2026-1-9", "time": "14:05", "rate": ".38",
        "flag": "yes", "n": "50",
    }  # fmt: skip


def test_null_and_empty_keep_their_meaning() -> None:
    assert read("a: ~\nb: null\nc:\nd: 'null'") == {"a": None, "b": None, "c": None, "d": "null"}


def test_anchors_and_merge_keys() -> None:
    doc = read("base: &base\n  judge: gpt-4o\n  dataset: v1\nrun:\n  <<: *base\n  dataset: v2\nlist: [*base]")
    assert isinstance(doc, dict)
    assert doc["run"] == {"judge": "gpt-4o", "dataset": "v2"}
    assert doc["list"] == [{"judge": "gpt-4o", "dataset": "v1"}]


def test_a_key_overriding_a_merged_one_is_not_a_duplicate() -> None:
    assert load_yaml("base: &b {x: 1}\nrun:\n  <<: *b\n  x: 2", YAML)[1] == []


def test_a_duplicate_key_keeps_the_last_value_and_is_recorded_with_both() -> None:
    doc, duplicates = load_yaml("run:\n  pass_rate: 57\n  pass_rate: 44\n", YAML)
    assert doc == {"run": {"pass_rate": "44"}}
    [duplicate] = duplicates
    assert (duplicate.key, duplicate.first, duplicate.last, duplicate.line) == ("pass_rate", "57", "44", 3)


def test_tags_that_build_objects_are_refused() -> None:
    with pytest.raises(LegacyInputError) as caught:
        read("x: !!python/object/apply:os.system ['true']")
    assert str(caught.value).startswith("progress_history.yaml:1:4: not valid YAML")


@pytest.mark.parametrize("text", ["a: [1, 2", "a: b: c", "modules:\n  m01: {name: x\n  m02: {}\n"])
def test_invalid_yaml_is_one_line_naming_the_file_line_and_column(text: str) -> None:
    with pytest.raises(LegacyInputError) as caught:
        read(text)
    message = str(caught.value)
    assert re.match(r"progress_history\.yaml:\d+:\d+: not valid YAML: \S", message), message
    assert caught.value.line is not None and caught.value.line <= text.count("\n") + 2
    assert "\n" not in message


def test_a_tab_indent_is_invalid_yaml_naming_the_file() -> None:
    with pytest.raises(LegacyInputError, match=r"^progress_history\.yaml.*not valid YAML"):
        read("a:\n\tb: 1")

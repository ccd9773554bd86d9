"""The reader of ``modules_data.js``: the literal subset of JavaScript, read without executing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.legacy.errors import LegacyInputError
from sheets_sync.legacy.jsliteral import parse_js

JS = Path("modules_data.js")


def read(text: str) -> dict[str, object]:
    return parse_js(text, JS).assignments


def test_declarations_and_window_assignments_are_read_by_name() -> None:
    found = read("const A = 1; let B = 'b'\nvar C = [1, 2]; window.D = {x: 1}; export const E = null;")
    assert found == {"A": "1", "B": "b", "C": ["1", "2"], "D": {"x": "1"}, "E": None}


def test_comments_trailing_commas_and_key_quoting() -> None:
    text = """
    // a line comment
    const M = {
      bare: 1, 'single': 2, "double": 3, 4: 'four', /* inline */
      nested: {a: [1, 2, ], },
      // gone: 5,
    };
    """
    assert read(text)["M"] == {
        "bare": "1",
        "single": "2",
        "double": "3",
        "4": "four",
        "nested": {"a": ["1", "2"]},
    }


def test_a_commented_out_entry_is_absent() -> None:
    text = "const M = {\n  m01: {a: 1},\n  /* m02: {a: 2},\n  m03: {a: 3}, */\n  // m04: {a: 4},\n};"
    assert read(text)["M"] == {"m01": {"a": "1"}}


def test_numbers_keep_their_source_text() -> None:
    """Whether a rate was typed 57, .57 or 0.570 decides how it is read, so the reader keeps the text."""
    assert read("const R = [57, .57, 0.570, -1, 1e3, NaN, Infinity];")["R"] == [
        "57", ".57", "0.570", "-1", "1e3", "NaN", "Infinity"
    ]  # fmt: skip


def test_string_concatenation_with_constants_defined_in_the_file() -> None:
    text = "const BT = 'https://bt/';\nconst P = BT + \"p/\";\nconst M = {link: P + 'x' + \"/y\"};"
    assert read(text)["M"] == {"link": "https://bt/p/x/y"}


def test_escapes_and_backquoted_strings_without_substitution() -> None:
    assert read(r"""const S = ['it\'s', "a\"b", 'tab\tend', '\u00e9', `plain`];""")["S"] == [
        "it's", 'a"b', "tab\tend", "é", "plain"
    ]  # fmt: skip


def test_literal_names() -> None:
    assert read("const V = [true, false, null, undefined];")["V"] == [True, False, None, None]


def test_a_duplicate_key_keeps_the_last_value_and_is_recorded_with_both() -> None:
    parsed = parse_js("const M = {\n  m01: {passRate: 40,\n    passRate: 45}};", JS)
    assert parsed.assignments["M"] == {"m01": {"passRate": "45"}}
    [duplicate] = parsed.duplicates
    assert (duplicate.key, duplicate.first, duplicate.last, duplicate.line) == ("passRate", "40", "45", 3)
    assert duplicate.where == "M.m01"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("const M = {a: fetch('x')};", 1, 15, "fetch(...) is a call"),
        ("const M = {\n  a: 1\n  b: 2};", 3, 3, "expected ',' or '}'"),
        ("const M = {a: 'open};", 1, 15, "unterminated string"),
        ("const M = [1, 2", 1, 16, "expected ',' or ']'"),
        ("const M = `a${b}`;", 1, 11, "template substitution"),
        ("const M = 1 + 'a';", 1, 13, "'+' joins strings only"),
        ("const M = {a: OTHER};", 1, 15, "unknown name 'OTHER'"),
        ("const M = {a: 1} }", 1, 18, "expected ';' after the value of M"),
        ("const M = {a: 1 @ 2};", 1, 17, "unexpected character '@'"),
        ("function f() { return 1 }", 1, 10, "expected '='"),
    ],
)
def test_anything_outside_the_subset_is_an_error_naming_file_line_and_column(
    text: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(LegacyInputError) as caught:
        parse_js(text, JS)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert str(caught.value).startswith(f"modules_data.js:{line}:{column}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_nothing_is_executed(tmp_path: Path) -> None:
    """A file that would write a marker when run by node is refused, and writes nothing."""
    marker = tmp_path / "ran"
    text = f"require('fs').writeFileSync({str(marker)!r}, 'x');\nconst M = {{}};"
    with pytest.raises(LegacyInputError):
        parse_js(text, JS)
    assert not marker.exists()


def test_a_surrogate_pair_escape_is_one_character_and_a_lone_half_is_an_error() -> None:
    assert read(r"const S = '\ud83d\ude00';")["S"] == "\U0001f600"
    with pytest.raises(LegacyInputError, match=r"modules_data\.js:1:11: .*lone surrogate"):
        read(r"const S = '\ud83d';")


def test_directives_export_default_and_module_exports_of_a_constant() -> None:
    text = '"use strict";\nconst DATA = {a: 1};\nmodule.exports = DATA;\nexport default DATA;'
    found = read(text)
    assert found["module.exports"] is found["DATA"] and found["default"] is found["DATA"]
    with pytest.raises(LegacyInputError, match="'\\+' joins strings only"):
        read("const DATA = {a: 1};\nconst X = 'a' + DATA;")

"""A reader for the literal subset of JavaScript the old dashboard's data file is written in. Never executes it.

The file is a series of statements ``const|let|var NAME = <value>;``, ``window.NAME = <value>;`` (or
``export const``, ``export default``, ``module.exports =``, and directives such as ``"use strict";``); values are
object and array literals, strings (``'...'``, ``"..."``, backquotes without ``${}``), numbers (``.38``, ``-1e3``),
``NaN``, ``Infinity``, ``true``, ``false``, ``null``, ``undefined``, names of constants defined earlier in the file,
and ``+`` concatenations of strings and of names of string constants.
Keys may be bare names, quoted or numbers; trailing commas and ``//`` / ``/* */`` comments are allowed.

Anything else (a function call, a template substitution, an unknown name) is a :class:`LegacyInputError` naming
``file:line:column``. Numbers come back as their source text (``"0.57"``, ``"NaN"``): whether a rate was written
``57`` or ``.57`` decides how it is read (:mod:`sheets_sync.legacy.values`), so the reader must not decide it.
A key given twice in one object keeps the last value (as JavaScript does) and is recorded as a
:class:`Duplicate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheets_sync.legacy.errors import Duplicate, LegacyInputError

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?\*/)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\$]|\\.|\$(?!\{))*`)
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<punct>[{}\[\]:,;=+\-.()])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_LITERAL_NAMES = {"true": True, "false": False, "null": None, "undefined": None}
_NUMBER_NAMES = {"NaN", "Infinity"}
_DECLARATIONS = {"const", "let", "var"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    column: int


@dataclass
class JSFile:
    """What a data file defines: every top-level assignment by name (in file order) and duplicate keys."""

    assignments: dict[str, Any]
    duplicates: list[Duplicate] = field(default_factory=list)


def tokenize(text: str, path: Path) -> list[Token]:
    tokens, position, line, line_start = [], 0, 1, 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            column = position - line_start + 1
            snippet = text[position : position + 10].split("\n")[0]
            problem = _lexical_problem(text, position)
            raise LegacyInputError(f"{problem} at {snippet!r}", path=path, line=line, column=column)
        kind = match.lastgroup or ""
        if kind not in ("space", "line_comment", "block_comment"):
            tokens.append(Token(kind, match.group(), line, position - line_start + 1))
        newlines = match.group().count("\n")
        if newlines:
            line += newlines
            line_start = match.start() + match.group().rindex("\n") + 1
        position = match.end()
    tokens.append(Token("end", "", line, position - line_start + 1))
    return tokens


def _lexical_problem(text: str, position: int) -> str:
    char = text[position]
    if char == "`" and "${" in text[position:].split("`", 2)[1]:
        return "a template substitution ${...} cannot be read (it is code)"
    if char in "\"'`/":
        return "unterminated string or comment"
    return f"unexpected character {char!r}"


def parse_js(text: str, path: Path) -> JSFile:
    """Every top-level assignment of a data file; :class:`LegacyInputError` for anything outside the subset."""
    return _Parser(tokenize(text, path), path).file()


class _Parser:
    def __init__(self, tokens: list[Token], path: Path) -> None:
        self.tokens, self.at, self.path = tokens, 0, path
        self.result = JSFile({})

    # ---------------------------------------------------------------------------------------- tokens

    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def error(self, message: str, token: Token | None = None) -> LegacyInputError:
        token = token or self.peek()
        return LegacyInputError(message, path=self.path, line=token.line, column=token.column)

    def expect(self, text: str) -> Token:
        token = self.take()
        if token.text != text or token.kind not in ("punct", "name"):
            raise self.error(f"expected {text!r}, found {_shown(token)}", token)
        return token

    def accept(self, text: str) -> bool:
        if self.peek().kind == "punct" and self.peek().text == text:
            self.at += 1
            return True
        return False

    # ---------------------------------------------------------------------------------------- statements

    def file(self) -> JSFile:
        while self.peek().kind != "end":
            if not self.accept(";"):
                self.statement()
        return self.result

    def statement(self) -> None:
        token = self.take()
        if token.kind == "string":  # a directive such as "use strict";
            return
        if token.kind != "name":
            raise self.error(
                f"expected a declaration (const, let, var, window.X =), found {_shown(token)}", token
            )
        if token.text == "export":
            token = self.take()
            if token.text == "default":
                self.result.assignments["default"] = self.value("default")
                self.accept(";")
                return
        if token.text in _DECLARATIONS:
            name = self.take()
            if name.kind != "name":
                raise self.error(f"expected a name, found {_shown(name)}", name)
            target = name.text
        else:
            target = token.text
            while self.accept("."):
                part = self.take()
                if part.kind != "name":
                    raise self.error(f"expected a name after '.', found {_shown(part)}", part)
                target = (
                    part.text if token.text in ("window", "globalThis", "self") else f"{target}.{part.text}"
                )
        self.expect("=")
        value = self.value(target)
        if self.peek().kind != "end" and not self.accept(";") and self.peek().kind != "name":
            raise self.error(f"expected ';' after the value of {target}, found {_shown(self.peek())}")
        self.result.assignments[target] = value

    # ---------------------------------------------------------------------------------------- values

    def value(self, where: str) -> Any:
        first = self.peek()
        value = self.operand(where)
        while self.peek().kind == "punct" and self.peek().text == "+":
            plus = self.take()
            second = self.peek()
            right = self.operand(where)
            if not (_is_text(value, first) and _is_text(right, second)):
                raise self.error("'+' joins strings only (text or names of string constants)", plus)
            value += right
        return value

    def operand(self, where: str) -> Any:
        token = self.peek()
        if token.kind == "punct" and token.text == "{":
            return self.object(where)
        if token.kind == "punct" and token.text == "[":
            return self.array(where)
        self.take()
        if token.kind == "string":
            return self.string(token)
        if token.kind == "number":
            return token.text
        if token.kind == "punct" and token.text == "-":
            number = self.take()
            if number.kind == "number" or number.text in _NUMBER_NAMES:
                return "-" + number.text
            raise self.error(f"expected a number after '-', found {_shown(number)}", number)
        if token.kind == "name":
            return self.name(token)
        raise self.error(f"expected a value, found {_shown(token)}", token)

    def string(self, token: Token) -> str:
        try:
            return _unquote(token.text)
        except UnicodeError:
            raise self.error("a \\u escape is half of a character (a lone surrogate)", token) from None

    def name(self, token: Token) -> Any:
        if token.text in _LITERAL_NAMES:
            return _LITERAL_NAMES[token.text]
        if token.text in _NUMBER_NAMES:
            return token.text
        if self.peek().text == "(":
            raise self.error(f"{token.text}(...) is a call: only literal values can be read", token)
        if token.text not in self.result.assignments:
            raise self.error(f"unknown name {token.text!r} (only constants defined above can be used)", token)
        # A string constant (joined with +), or a whole earlier value (module.exports = MODULES_DATA).
        return self.result.assignments[token.text]

    def object(self, where: str) -> dict[str, Any]:
        self.expect("{")
        result: dict[str, Any] = {}
        lines: dict[str, int] = {}
        while not self.accept("}"):
            key_token = self.take()
            if key_token.kind not in ("name", "string", "number"):
                raise self.error(f"expected a key or '}}', found {_shown(key_token)}", key_token)
            key = self.string(key_token) if key_token.kind == "string" else key_token.text
            self.expect(":")
            value = self.value(f"{where}.{key}")
            if key in result:
                self.result.duplicates.append(
                    Duplicate(self.path, key_token.line, where, key, result[key], value)
                )
            result[key], lines[key] = value, key_token.line
            if not self.accept(",") and self.peek().text != "}":
                raise self.error(f"expected ',' or '}}' in {where}, found {_shown(self.peek())}")
        return result

    def array(self, where: str) -> list[Any]:
        self.expect("[")
        items: list[Any] = []
        while not self.accept("]"):
            items.append(self.value(f"{where}[{len(items)}]"))
            if not self.accept(",") and self.peek().text != "]":
                raise self.error(f"expected ',' or ']' in {where}, found {_shown(self.peek())}")
        return items


def _is_text(value: Any, token: Token) -> bool:
    """A string operand of ``+`` (a number's source text is a str too, but is not text)."""
    numeric = token.kind == "number" or token.text in _NUMBER_NAMES or token.text == "-"
    return isinstance(value, str) and not numeric


def _shown(token: Token) -> str:
    return "the end of the file" if token.kind == "end" else repr(token.text)


def _unquote(quoted: str) -> str:
    body = quoted[1:-1]
    text = re.sub(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\n|.)", _escape, body, flags=re.DOTALL)
    # JavaScript strings are UTF-16: "\ud83d\ude00" is one character, written as two escapes (JSON does it too).
    return text.encode("utf-16", "surrogatepass").decode("utf-16") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def _escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "ux" and len(code) > 1:
        return chr(int(code[1:], 16))
    if code == "\n":
        return ""  # a backslash at the end of a line continues the string
    return _ESCAPES.get(code, code)

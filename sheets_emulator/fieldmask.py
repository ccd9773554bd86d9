"""Google field masks: ``fields=sheets(properties,data.rowData.values(note))`` and update masks like
``userEnteredFormat(backgroundColor,textFormat.bold)``.

A mask parses into a tree ``{"sheets": {"properties": None, ...}}`` where ``None`` selects everything below.
Paths use ``.`` or ``/`` (gspread sends both: ``sheets/data/rowData/values/note``); ``*`` selects everything.
"""

from __future__ import annotations

import copy
from typing import Any

Mask = dict[str, "Mask | None"]

ALL = "*"


class MaskError(ValueError):
    """A field mask that does not parse."""


def parse(text: str) -> Mask | None:
    """Parse a mask; ``*`` or an empty mask selects everything (None)."""
    text = text.replace(" ", "")
    if text in ("", ALL):
        return None
    parser = _Parser(text)
    tree = parser.items()
    if parser.pos != len(text):
        raise MaskError(f"Invalid field selection {text}")
    return tree


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def items(self) -> Mask:
        tree: Mask = {}
        while True:
            path = self.path()
            sub: Mask | None = None
            if self.peek() == "(":
                self.pos += 1
                sub = self.items()
                if self.peek() != ")":
                    raise MaskError(f"Invalid field selection {self.text}")
                self.pos += 1
            _add(tree, path, sub)
            if self.peek() != ",":
                return tree
            self.pos += 1

    def path(self) -> list[str]:
        names = [self.name()]
        while self.peek() in (".", "/"):
            self.pos += 1
            names.append(self.name())
        return names

    def name(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ".,/()":
            self.pos += 1
        if start == self.pos:
            raise MaskError(f"Invalid field selection {self.text}")
        return self.text[start : self.pos]

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""


def _add(tree: Mask, path: list[str], sub: Mask | None) -> None:
    """Insert a path; a shorter path that selects everything wins over longer ones."""
    node = tree
    for name in path[:-1]:
        if name in node and node[name] is None:
            return
        child = node.setdefault(name, {})
        assert child is not None
        node = child
    last = path[-1]
    if last == ALL:
        sub = None
    if sub is None or node.get(last, {}) is None:
        node[last] = None
        return
    existing = node.setdefault(last, {})
    assert existing is not None
    for key, value in sub.items():
        _add(existing, [key], value)


def child(mask: Mask | None, name: str) -> tuple[bool, Mask | None]:
    """(selected?, sub-mask) for a key: lets builders skip work the mask would throw away."""
    if mask is None:
        return True, None
    if ALL in mask:
        return True, None
    if name in mask:
        return True, mask[name]
    return False, None


def select(value: Any, mask: Mask | None) -> Any:
    """Keep only the masked fields of a JSON value (lists are filtered element-wise)."""
    if mask is None:
        return value
    if isinstance(value, list):
        return [select(item, mask) for item in value]
    if isinstance(value, dict):
        if ALL in mask:
            return value
        # a leaf (None) keeps its value without a call: most of a masked answer is leaves, one per cell field
        return {
            key: item if (sub := mask[key]) is None else select(item, sub)
            for key, item in value.items()
            if key in mask
        }
    return value


def apply_update(target: dict[str, Any] | None, source: dict[str, Any], mask: Mask | None) -> dict[str, Any]:
    """Google's update semantics: masked fields take the source's value, or are cleared when the source lacks
    them.

    Returns a new dictionary; ``target`` is not modified (stored values are shared between clones).
    """
    if mask is None or ALL in mask:
        return copy.deepcopy(source)
    result = dict(target or {})
    for key, sub in mask.items():
        if sub is None:
            if key in source and source[key] is not None:
                result[key] = copy.deepcopy(source[key])
            else:
                result.pop(key, None)
            continue
        inner_source = source.get(key)
        inner = apply_update(result.get(key), inner_source if isinstance(inner_source, dict) else {}, sub)
        if inner:
            result[key] = inner
        else:
            result.pop(key, None)
    return result


def top_level(mask: Mask | None) -> set[str] | None:
    """The first-level field names of a mask (None: all)."""
    if mask is None or ALL in mask:
        return None
    return set(mask)

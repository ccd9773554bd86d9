"""A safe reader for the hand-kept YAML progress log: every scalar is read as text.

YAML 1.1 (PyYAML) would read ``version: 1.10`` as the float 1.1, ``2026-01-20`` as a date but ``2026-1-9`` as
text, and ``.38`` as a float but ``40 %`` as text: which type a value gets depends on how it was typed, not on
what it means. So only ``null`` / ``~`` / empty and the ``<<`` merge key keep their YAML meaning; everything else
stays the text the person typed, and :mod:`sheets_sync.legacy.values` reads each field by its own rules.
Anchors, aliases and merge keys (``<<: *defaults``) work as in any YAML. A key given twice in one mapping keeps
the last value (as PyYAML does) and is recorded as a :class:`Duplicate`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from sheets_sync.legacy.errors import Duplicate, LegacyInputError

_MERGE_TAG = "tag:yaml.org,2002:merge"
_NULL_TAG = "tag:yaml.org,2002:null"


# libyaml's parser when PyYAML was built with it (ten times faster on a large log), else the pure-Python one; the
# constructor and resolver are PyYAML's Python classes either way, so both read the same.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """SafeLoader with only the null and merge resolvers: scalars stay text."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 (PyYAML's own class attribute)
    duplicates: list[Duplicate]
    path: Path

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        self._record_duplicates(node)
        return super().construct_mapping(node, deep=deep)

    def _record_duplicates(self, node: MappingNode) -> None:
        seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            if key_node.value in seen:
                first = self.construct_object(seen[key_node.value], deep=True)
                last = self.construct_object(value_node, deep=True)
                line = key_node.start_mark.line + 1
                self.duplicates.append(Duplicate(self.path, line, "", key_node.value, first, last))
            seen[key_node.value] = value_node


_TextLoader.add_implicit_resolver(_NULL_TAG, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_TextLoader.add_implicit_resolver(_MERGE_TAG, re.compile(r"^(?:<<)$"), ["<"])


def load_yaml(text: str, path: Path) -> tuple[Any, list[Duplicate]]:
    """The document (scalars as text) and its duplicate keys; :class:`LegacyInputError` naming file:line:col."""
    loader = _TextLoader(text)
    loader.duplicates, loader.path = [], path
    try:
        return loader.get_single_data(), loader.duplicates
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not valid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise LegacyInputError(f"not valid YAML: {problem}", path=path, line=line, column=column) from None
    except yaml.YAMLError as exc:
        raise LegacyInputError(f"not valid YAML: {exc}", path=path) from None
    finally:
        loader.dispose()

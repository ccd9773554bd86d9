"""``data/heatmap_index.json`` read line by line: an incremental build costs the lines that changed, not the file.

``sheets-sync index`` writes one compact line per module (docs/data.md, :func:`sheets_sync.index.encode_index_lines`),
so a build hashes each module's line as bytes (its digest is one input of the pages that show it) and parses only
the lines it needs: those of the pages it re-renders and those whose digest is not the last build's. Parsing the
whole file (tens of MB at 2,000 modules) cost more than everything else an unchanged build does.

Same answers as parsing the whole file strictly (:func:`sheets_sync.jsonio.parse_bytes`): the head (every field
but ``modules``) is parsed on every build, every line is ``"<id>":<value>`` with the commas between them, no module
id twice, and a line is parsed strictly when needed. A file laid out otherwise (a BOM, a hand reformat) is parsed
whole, as before; an error is always the one the whole-file parse gives (line and column in the file).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sheets_sync import jsonio
from sheets_sync.errors import DataError
from sheets_sync.index import MODULES_OPEN, entry_line

_OPEN = b"\n" + MODULES_OPEN + b"\n"
_CLOSE = b"}\n}\n"


def digest(data: bytes | memoryview) -> str:
    """Content digest of a file or an index line: sha256 (with the CPU's SHA instructions, the fastest of hashlib's
    here: about 1.1 GB/s, against 0.8 for blake2b), cut to 128 bits."""
    return hashlib.sha256(data).hexdigest()[:32]


class IndexEntries(Mapping[str, Any]):
    """The index's module entries by id, in the file's order, parsed on first access; ``digests`` has every
    line's digest and ``head`` every field but ``modules``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise DataError("no heatmap index: run `sheets-sync index` first", path=path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DataError(f"cannot read: {exc.strerror}", path=path) from None
        self._lines: dict[str, memoryview] = {}
        self._parsed: dict[str, Any] = {}
        split = _split(data)
        if split is not None and (head := _parse_head(split[0], path)) is not None:
            self.head, self._lines = head, split[1]
            self.digests = {module_id: digest(line) for module_id, line in self._lines.items()}
        else:
            index = parse_whole(data, path)
            self.head = {key: value for key, value in index.items() if key != "modules"}
            self._parsed = index["modules"]
            self.digests = {m: digest(entry_line(m, entry)) for m, entry in self._parsed.items()}

    def __getitem__(self, module_id: str) -> Any:
        if module_id in self._parsed:
            return self._parsed[module_id]
        line = self._lines[module_id]  # KeyError: no entry
        entry = self._parse_line(module_id, line)
        self._parsed[module_id] = entry
        return entry

    @property
    def parsed(self) -> int:
        """How many entries were parsed (all of them when the file was parsed whole)."""
        return len(self._parsed)

    def check(self, module_id: str) -> None:
        """Parse a module's line now (a line no earlier build read): a DataError when it is not valid."""
        self[module_id]

    def __contains__(self, module_id: object) -> bool:
        return module_id in self.digests  # without parsing the line

    def __iter__(self) -> Iterator[str]:
        return iter(self.digests)

    def __len__(self) -> int:
        return len(self.digests)

    def _parse_line(self, module_id: str, line: memoryview) -> Any:
        try:
            one = jsonio.parse_bytes(b"{" + line + b"}", self.path)
        except DataError:
            one = None
        if not isinstance(one, dict) or list(one) != [module_id]:
            # The whole file names the place (line, column) of what is wrong with it.
            parse_whole(self.path.read_bytes(), self.path)
            raise DataError(
                "not one module a line as `sheets-sync index` writes it: run `sheets-sync index`",
                path=self.path,
            )
        return one[module_id]


def parse_whole(data: bytes, path: Path) -> dict[str, Any]:
    index = jsonio.parse_bytes(data, path)
    if not isinstance(index, dict) or not isinstance(index.get("modules"), dict):
        raise DataError("not a heatmap index (no `modules` object)", path=path)
    return index


def _split(data: bytes) -> tuple[bytes, dict[str, memoryview]] | None:
    """The head (``{`` and the fields before ``modules``) and each module's line (views: not copied), or None when
    the file is not laid out as :func:`sheets_sync.index.encode_index_lines` writes it."""
    top = data.find(_OPEN)
    if not data.startswith(b"{\n") or top < 0 or not data.endswith(_CLOSE):
        return None
    view, at, end = memoryview(data), top + len(_OPEN), len(data) - len(_CLOSE)
    lines: dict[str, memoryview] = {}
    while at < end:
        stop = data.find(b"\n", at, end)
        if stop < 0:
            return None
        last = stop + 1 == end
        if not last and data[stop - 1] != ord(","):
            return None
        key_end = data.find(b'":', at + 1, stop)
        if data[at] != ord('"') or key_end < 0 or b"\\" in data[at + 1 : key_end]:
            return None  # an escaped id: the line's key is not its bytes
        try:
            module_id = data[at + 1 : key_end].decode()
        except UnicodeDecodeError:
            return None
        if module_id in lines:
            return None  # a module twice: the whole-file parse says where
        lines[module_id] = view[at : stop if last else stop - 1]
        at = stop + 1
    return data[: top + 1], lines


def _parse_head(head: bytes, path: Path) -> dict[str, Any] | None:
    """The fields before ``modules``, parsed as the whole file would with an empty ``modules``; None when that is
    not valid (the whole file is then parsed, for its error)."""
    try:
        parsed = jsonio.parse_bytes(head + MODULES_OPEN + b"}}", path)
    except DataError:
        return None
    if not isinstance(parsed, dict):
        return None
    parsed.pop("modules")
    return parsed

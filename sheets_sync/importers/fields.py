"""Reading fields of a foreign JSON document (a promptfoo export, a Braintrust answer) with errors that name them.

Foreign documents are walked by hand rather than through pydantic models: they carry hundreds of fields we do not
read (a promptfoo row holds the whole prompt, response and token counts), and an 18 MB export validated field by
field would be many times slower than ``json.loads``. Every accessor takes the JSON path of the value it reads so a
wrong type or a missing field becomes one line: ``<file>: results.results[3].success: must be true or false``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from sheets_sync import jsonio
from sheets_sync.errors import ImportFileError
from sheets_sync.models import short_repr

_TYPE_NAMES = {
    dict: "a JSON object",
    list: "a JSON array",
    str: "a text",
    int: "a whole number",
    bool: "true or false",
}


class Fields:
    """Accessors bound to one document's origin (a file path or a URL), for its error messages."""

    def __init__(self, origin: Path) -> None:
        self.origin = origin

    def fail(self, where: str, message: str) -> NoReturn:
        raise ImportFileError(message, path=self.origin, json_path=where or None)

    def parse(self, data: bytes) -> Any:
        """The JSON document, read strictly (:func:`sheets_sync.jsonio.parse_bytes`: a key given twice, nesting too
        deep, bytes that are not UTF-8, NaN are refused); a truncated or malformed one is one line with the
        position."""
        return jsonio.parse_bytes(data, self.origin, error=ImportFileError)

    def typed(self, value: Any, kind: type, where: str, *, optional: bool = False) -> Any:
        if value is None and optional:
            return None
        # bool is an int in Python: `True` must not pass for a count, nor 1 for a flag.
        wrong_bool = kind is int and isinstance(value, bool)
        if not isinstance(value, kind) or wrong_bool:
            shown = "null" if value is None else short_repr(value)
            self.fail(where, f"must be {_TYPE_NAMES.get(kind, kind.__name__)}, got {shown}")
        return value

    def field(self, obj: dict[str, Any], key: str, kind: type, where: str, *, optional: bool = False) -> Any:
        """``obj[key]`` of type ``kind``; absent or null is an error unless ``optional`` (then None)."""
        path = join(where, key)
        if key not in obj and not optional:
            self.fail(path, "required field is missing")
        return self.typed(obj.get(key), kind, path, optional=optional)

    def timestamp(self, value: Any, where: str) -> datetime:
        text = self.typed(value, str, where)
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            self.fail(where, f"must be an ISO 8601 time like 2026-01-20T00:31:46Z, got {short_repr(text)}")


def join(where: str, key: str | int) -> str:
    """``join("results", 3)`` -> ``results[3]``; ``join("results[3]", "success")`` -> ``results[3].success``."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key

"""Normalising formats and rules the way Google stores them.

Google answers every plain colour with its ``...Style`` twin (``backgroundColor`` -> ``backgroundColorStyle:
{"rgbColor": ...}``, ``color`` -> ``colorStyle``), as the format recording shows; and it leaves ``null`` and
``false`` fields out of stored rules.
"""

from __future__ import annotations

from typing import Any

from sheets_emulator.model import Json


def with_color_styles(value: Any) -> Any:
    """Add the ``...Style`` twin of every plain colour, in place (returns the value for chaining)."""
    if isinstance(value, list):
        for item in value:
            with_color_styles(item)
    elif isinstance(value, dict):
        for key in list(value):
            item = value[key]
            if _is_plain_color(key, item):
                value.setdefault(key + "Style", {"rgbColor": dict(item)})
            else:
                with_color_styles(item)
    return value


def _is_plain_color(key: str, item: Any) -> bool:
    return (
        (key == "color" or key.endswith("Color"))
        and isinstance(item, dict)
        and set(item)
        <= {
            "red",
            "green",
            "blue",
            "alpha",
        }
    )


def without_defaults(value: Any) -> Any:
    """Drop None and False fields recursively (proto3 JSON leaves defaults out)."""
    if isinstance(value, dict):
        return {k: without_defaults(v) for k, v in value.items() if v is not None and v is not False}
    if isinstance(value, list):
        return [without_defaults(item) for item in value]
    return value


def without_nulls(value: Any) -> Any:
    """Drop None fields recursively."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def normalized_format(user_format: Json | None) -> Json | None:
    """A userEnteredFormat as stored: colour styles added, nulls dropped, empty means none."""
    if not user_format:
        return None
    return with_color_styles(without_nulls(user_format)) or None

"""Cell values in and out: RAW and USER_ENTERED input, and FORMATTED / UNFORMATTED / FORMULA rendering.

Input (what Google does with a typed value, scoped to en_US):
  RAW keeps strings as strings ("0012", "6.10", "=IMPORTXML(...)", "TRUE" all stay text); JSON numbers and
  booleans are numbers and booleans. USER_ENTERED parses numbers ("6.10" -> 6.1, "1e5" -> 100000, "1,234" ->
  1234), booleans ("TRUE"), percentages ("30%" -> 0.3 with a percent format), dates ("2020-01-01" -> serial
  43831 with a date format), times, "$1.50"; keeps "=..." as a formula; a leading apostrophe forces text. An
  empty string clears the value.

Formulas are stored, not calculated; only constant arithmetic (``=4/2``, ``=(1+2)*3``) and
``=HYPERLINK("url", "label")`` with literal arguments get an effective value.

Output: numbers render with the cell's number format (NUMBER, PERCENT, CURRENCY, DATE, TIME, DATE_TIME
patterns such as ``0.0%``, ``#,##0.00``, ``yyyy-mm-dd``) or Google's general format (1.0 -> "1", 0.5 ->
"0.5").
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Json = dict[str, Any]

SERIAL_EPOCH = dt.datetime(1899, 12, 30)
DATE_TYPES = frozenset({"DATE", "TIME", "DATE_TIME"})

_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_GROUPED = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_PLAIN_RE = re.compile(rf"^([+-]?)({_NUMBER})$")
_GROUPED_RE = re.compile(rf"^([+-]?)({_GROUPED})$")
_PERCENT_RE = re.compile(rf"^([+-]?)({_NUMBER}|{_GROUPED})\s*%$")
_CURRENCY_RE = re.compile(rf"^([+-]?)\$\s*({_NUMBER}|{_GROUPED})$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_US_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SHORT_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})$")
_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        dt.date(2000, number, 1).strftime("%B").lower(),
        dt.date(2000, number, 1).strftime("%b").lower(),
    )
}
_MONTH_NAME_RE = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")  # March 4, 2026 / Mar 4 2026
_DAY_MONTH_RE = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$")  # 4 March 2026
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?$")


# ---------------------------------------------------------------- input


def parse_raw(value: Any) -> Json | None:
    """RAW input: the value exactly as sent (None means "clear the cell")."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    text = str(value)
    return {"stringValue": text} if text != "" else None


Today = Callable[[], dt.date]


def parse_user_entered(value: Any, today: Today | None = None) -> tuple[Json | None, Json | None]:
    """USER_ENTERED input as Sheets parses typing: (ExtendedValue or None to clear, implied format).

    ``today()`` gives the year of a date typed without one (``3/4``); the emulator passes its injectable
    ``today`` (default: the real date). It is called only for such a date.
    """
    if not isinstance(value, str):
        return parse_raw(value), None
    if value == "":
        return None, None
    if value.startswith("'"):
        return {"stringValue": value[1:]}, None
    if value.startswith("=") and len(value) > 1:
        return {"formulaValue": value}, None
    return _parse_typed_text(value, today or dt.date.today)


def _parse_typed_text(value: str, today: Today) -> tuple[Json, Json | None]:
    text = value.strip()
    if text.upper() in ("TRUE", "FALSE"):
        return {"boolValue": text.upper() == "TRUE"}, None
    for parser in (_parse_number, _parse_percent, _parse_currency, _parse_date, _parse_time):
        parsed = parser(text)
        if parsed is not None:
            return parsed
    parsed = _parse_short_or_named_date(text, today)
    if parsed is not None:
        return parsed
    return {"stringValue": value}, None


def _parse_short_or_named_date(text: str, today: Today) -> tuple[Json, Json] | None:
    """``3/4`` (this year, en_US month first), ``March 4, 2026``, ``Mar 4 2026``, ``4 March 2026``."""
    match = _SHORT_DATE_RE.match(text)
    if match:
        month, day, year, pattern = int(match.group(1)), int(match.group(2)), today().year, "m/d/yyyy"
    else:
        named = _MONTH_NAME_RE.match(text)
        reverse = _DAY_MONTH_RE.match(text)
        if named and named.group(1).lower() in _MONTHS:
            month, day, year = _MONTHS[named.group(1).lower()], int(named.group(2)), int(named.group(3))
            pattern = "mmmm d, yyyy" if len(named.group(1)) > 3 else "mmm d, yyyy"
        elif reverse and reverse.group(2).lower() in _MONTHS:
            month, day, year = _MONTHS[reverse.group(2).lower()], int(reverse.group(1)), int(reverse.group(3))
            pattern = "d mmmm yyyy" if len(reverse.group(2)) > 3 else "d mmm yyyy"
        else:
            return None
    try:
        moment = dt.datetime(year, month, day)
    except ValueError:
        return None
    return {"numberValue": _tidy(to_serial(moment))}, {"type": "DATE", "pattern": pattern}


def full_year(year: str) -> int:
    """Two-digit years as Sheets reads them: 00-29 are 20xx, 30-99 are 19xx."""
    if len(year) != 2:
        return int(year)
    short = int(year)
    return 2000 + short if short < 30 else 1900 + short


def _to_number(sign: str, digits: str) -> float | int:
    number = float(digits.replace(",", ""))
    number = -number if sign == "-" else number
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _parse_number(text: str) -> tuple[Json, Json | None] | None:
    match = _PLAIN_RE.match(text)
    if match:
        return {"numberValue": _to_number(*match.groups())}, None
    match = _GROUPED_RE.match(text)
    if match:
        pattern = "#,##0.00" if "." in match.group(2) else "#,##0"
        return {"numberValue": _to_number(*match.groups())}, {"type": "NUMBER", "pattern": pattern}
    return None


def _parse_percent(text: str) -> tuple[Json, Json | None] | None:
    match = _PERCENT_RE.match(text)
    if not match:
        return None
    sign, digits = match.groups()
    number = float(digits.replace(",", "")) / 100
    number = -number if sign == "-" else number
    pattern = "0.00%" if "." in digits else "0%"
    return {"numberValue": _tidy(number)}, {"type": "PERCENT", "pattern": pattern}


def _parse_currency(text: str) -> tuple[Json, Json | None] | None:
    match = _CURRENCY_RE.match(text)
    if not match:
        return None
    return {"numberValue": _to_number(*match.groups())}, {"type": "CURRENCY", "pattern": '"$"#,##0.00'}


def _parse_date(text: str) -> tuple[Json, Json | None] | None:
    match = _ISO_DATE_RE.match(text)
    if match:
        year, month, day = match.group(1), match.group(2), match.group(3)
        date_pattern = "yyyy-mm-dd"
    else:
        match = _US_DATE_RE.match(text)
        if not match:
            return None
        month, day, year = match.group(1), match.group(2), match.group(3)
        date_pattern = "m/d/yyyy"
    try:
        hour, minute, second = (int(match.group(i) or 0) for i in (4, 5, 6))
        moment = dt.datetime(full_year(year), int(month), int(day), hour, minute, second)
    except ValueError:
        return None
    if match.group(4) is None:
        return {"numberValue": _tidy(to_serial(moment))}, {"type": "DATE", "pattern": date_pattern}
    pattern = date_pattern + (" h:mm:ss" if match.group(6) else " h:mm")
    return {"numberValue": _tidy(to_serial(moment))}, {"type": "DATE_TIME", "pattern": pattern}


def _parse_time(text: str) -> tuple[Json, Json | None] | None:
    match = _TIME_RE.match(text)
    if not match:
        return None
    hours, minutes, seconds, meridiem = match.groups()
    hour = int(hours)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.upper() == "PM" else 0)
    if hour > 23 or int(minutes) > 59 or int(seconds or 0) > 59:
        return None
    fraction = (hour * 3600 + int(minutes) * 60 + int(seconds or 0)) / 86400
    pattern = "h:mm:ss am/pm" if meridiem else ("h:mm:ss" if seconds else "h:mm")
    return {"numberValue": _tidy(fraction)}, {"type": "TIME", "pattern": pattern}


def _tidy(number: float) -> float | int:
    """Round away binary noise (0.3 stays 0.3 after /100) and use ints for whole numbers, as Google's JSON
    does."""
    rounded = float(f"{number:.15g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def text_length(value: Json | None) -> int:
    """Characters in a stored value, for Google's 50,000-characters-per-cell limit."""
    if not value:
        return 0
    text = value.get("stringValue", value.get("formulaValue"))
    return len(text) if isinstance(text, str) else 0


# ---------------------------------------------------------------- formulas

_OPERATORS: dict[type, Any] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


_HYPERLINK_RE = re.compile(r'^=\s*HYPERLINK\(\s*"([^"]*)"\s*(?:[,;]\s*"([^"]*)"\s*)?\)\s*$', re.IGNORECASE)


def effective_value(value: Json | None) -> Json | None:
    """What the cell shows: the value itself, a constant formula's result, a HYPERLINK's label, or nothing."""
    if value is None or "formulaValue" not in value:
        return value
    link = hyperlink(value)
    if link is not None:
        return {"stringValue": link[1]}
    result = evaluate_constant(value["formulaValue"])
    return None if result is None else {"numberValue": _tidy(result)}


def hyperlink(value: Json | None) -> tuple[str, str] | None:
    """(url, label) of a ``=HYPERLINK("url", "label")`` formula with literal arguments."""
    if not value or "formulaValue" not in value:
        return None
    match = _HYPERLINK_RE.match(str(value["formulaValue"]))
    if not match:
        return None
    url, label = match.group(1), match.group(2)
    return url, label if label is not None else url


def evaluate_constant(formula: str) -> float | None:
    """``=4/2`` -> 2.0; anything beyond numbers, + - * / ^ and parentheses is not calculated (None)."""
    try:
        tree = ast.parse(formula[1:].replace("^", "**"), mode="eval")
        result = _eval_node(tree.body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, TypeError):
        return None
    return result if math.isfinite(result) else None


def _eval_node(node: ast.AST) -> float:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    ):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return float(_OPERATORS[type(node.op)](_eval_node(node.left), _eval_node(node.right)))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
        return float(_OPERATORS[type(node.op)](_eval_node(node.operand)))
    raise ValueError("not a constant expression")


# ---------------------------------------------------------------- output


def json_number(number: float) -> float | int:
    """Whole numbers as ints (Google's JSON writes 2, not 2.0)."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number


def is_date_format(number_format: Json | None) -> bool:
    """True for DATE, TIME and DATE_TIME formats (rendered as strings with FORMATTED_STRING)."""
    return number_format is not None and number_format.get("type") in DATE_TYPES


def format_value(effective: Json | None, number_format: Json | None, formula: str | None = None) -> str:
    """The formatted value Google shows in the cell (an uncalculated formula shows its text)."""
    if effective is None:
        return formula or ""
    if "stringValue" in effective:
        return str(effective["stringValue"])
    if "boolValue" in effective:
        return "TRUE" if effective["boolValue"] else "FALSE"
    if "numberValue" in effective:
        return format_number(float(effective["numberValue"]), number_format)
    if "errorValue" in effective:
        return "#ERROR!"
    return ""


def format_number(number: float, number_format: Json | None) -> str:
    """Render a number with a NUMBER/PERCENT/CURRENCY/DATE/TIME pattern, or the general format."""
    pattern = (number_format or {}).get("pattern") or ""
    kind = (number_format or {}).get("type") or ""
    if kind in DATE_TYPES:
        return format_serial(number, pattern or _DEFAULT_DATE_PATTERNS[kind])
    if kind == "PERCENT" and not pattern:
        pattern = "0.00%"
    if kind == "TEXT" or not pattern:
        return general(number)
    return _format_pattern(number, pattern)


_DEFAULT_DATE_PATTERNS = {"DATE": "m/d/yyyy", "TIME": "h:mm:ss am/pm", "DATE_TIME": "m/d/yyyy h:mm:ss"}


def general(number: float) -> str:
    """Google's general format: 1.0 -> "1", 0.5 -> "0.5", 1/3 -> "0.3333333333", 1e-7 -> "1.00E-07"."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    text = f"{number:.10g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{float(mantissa):.2f}E{'-' if int(exponent) < 0 else '+'}{abs(int(exponent)):02d}"


_NUMERIC_CORE = re.compile(r"[#0?,]*\.?[#0?]+|[#0?,]+")


def _format_pattern(number: float, pattern: str) -> str:
    """A NUMBER/PERCENT/CURRENCY pattern: literal prefix and suffix around a ``#,##0.00``-style core."""
    sections = pattern.split(";")
    section = sections[1] if number < 0 and len(sections) > 1 else sections[0]
    explicit_negative = number < 0 and len(sections) > 1
    if "%" in section:
        number *= 100
    match = _NUMERIC_CORE.search(section)
    if not match:
        return _literal(section)
    body = _format_core(abs(number), match.group(0))
    negative = number < 0 and not explicit_negative and body.strip("0.,") != ""
    prefix, suffix = _literal(section[: match.start()]), _literal(section[match.end() :])
    return ("-" if negative else "") + prefix + body + suffix


def _format_core(number: float, core: str) -> str:
    """Digits of a non-negative number for a ``#,##0.0#`` core."""
    integer_part, _, decimal_part = core.partition(".")
    min_decimals = decimal_part.count("0")
    max_decimals = len(decimal_part)
    # Sheets rounds half away from zero (2.5 -> "3"); Python's formatting rounds half to even.
    exact = Decimal(repr(abs(number))).quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
    text = f"{exact:.{max_decimals}f}"
    if max_decimals > min_decimals and "." in text:
        text = text.rstrip("0")
        whole, _, fraction = text.partition(".")
        fraction = fraction.ljust(min_decimals, "0")
        text = whole + ("." + fraction if fraction else "")
    whole, dot, fraction = text.partition(".")
    min_integer = integer_part.count("0")
    whole = whole.lstrip("0").rjust(min_integer, "0")
    if "," in integer_part and whole:
        whole = f"{int(whole):,}"
    return whole + (dot + fraction if fraction else "")


def _literal(text: str) -> str:
    """Pattern literals: ``"$"`` and ``\\$`` become ``$``; the percent sign stays."""
    return re.sub(r'"([^"]*)"|\\(.)', lambda m: m.group(1) or m.group(2) or "", text)


# ---------------------------------------------------------------- dates


def to_serial(moment: dt.datetime) -> float:
    """Days since 1899-12-30, the serial number Sheets stores for dates."""
    delta = moment - SERIAL_EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(serial: float) -> dt.datetime:
    return SERIAL_EPOCH + dt.timedelta(days=serial)


_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss\.0+|ss|s|am/pm|AM/PM|a/p|A/P|[^"\\ymdhsaA]+|.',
    re.IGNORECASE,
)


def format_serial(serial: float, pattern: str) -> str:
    """Render a serial number with a date/time pattern (``yyyy-mm-dd``, ``m/d/yyyy h:mm``, ``h:mm am/pm``)."""
    moment = from_serial(round(serial * 86400) / 86400)
    tokens = _DATE_TOKEN.findall(pattern)
    twelve_hour = any(token.lower() in ("am/pm", "a/p") for token in tokens)
    out: list[str] = []
    for index, token in enumerate(tokens):
        out.append(_date_token(token, moment, _is_minute(tokens, index), twelve_hour))
    return "".join(out)


def _is_minute(tokens: list[str], index: int) -> bool:
    """``m``/``mm`` mean minutes right after an hour token or right before a seconds token."""
    if tokens[index].lower() not in ("m", "mm"):
        return False
    before = [t.lower() for t in tokens[:index] if t.lower()[0] in "ymdhs"]
    after = [t.lower() for t in tokens[index + 1 :] if t.lower()[0] in "ymdhs"]
    return (bool(before) and before[-1][0] == "h") or (bool(after) and after[0][0] == "s")


def _date_token(token: str, moment: dt.datetime, minute: bool, twelve_hour: bool) -> str:
    lower = token.lower()
    hour = moment.hour % 12 or 12 if twelve_hour else moment.hour
    simple = {
        "yyyy": f"{moment.year:04d}",
        "yy": f"{moment.year % 100:02d}",
        "mmmm": moment.strftime("%B"),
        "mmm": moment.strftime("%b"),
        "dddd": moment.strftime("%A"),
        "ddd": moment.strftime("%a"),
        "dd": f"{moment.day:02d}",
        "d": str(moment.day),
        "hh": f"{hour:02d}",
        "h": str(hour),
        "ss": f"{moment.second:02d}",
        "s": str(moment.second),
        "am/pm": "AM" if moment.hour < 12 else "PM",
        "a/p": "A" if moment.hour < 12 else "P",
    }
    if lower in ("mm", "m"):
        value = moment.minute if minute else moment.month
        return f"{value:02d}" if lower == "mm" else str(value)
    if lower in simple:
        return simple[lower]
    if lower.startswith("ss."):
        return f"{moment.second:02d}." + "0" * (len(lower) - 3)
    return _literal(token)

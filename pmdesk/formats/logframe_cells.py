# SPDX-License-Identifier: GPL-3.0-or-later
"""Logframe cells read as the package fields need them: text, numbers, dates, codes, options …"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pmdesk.domain.codes import CODE_RE, CODE_RULE, code_message

# Words people write in logframes for the same thing.
_ALIASES = {
    "percentage": "percent",
    "%": "percent",
    "semi_annual": "semiannual",
    "biannual": "semiannual",
    "half_yearly": "semiannual",
    "yearly": "annual",
    "running": "running_total",
}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_THRESHOLD_KEYS = ("exceeding", "on_track", "at_risk")


class CellError(Exception):
    """A cell that cannot be read as its column needs; the message is shown to the user."""


def quote(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _number_text(value: float | int) -> str:
    # A code typed as 1.1 or a period typed as 2025 arrives as a number.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_text(value: object) -> str | None:
    """A cell as text: strings stripped, numbers without '.0', dates as YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _number(value: object, is_percent_cell: bool) -> float:
    if isinstance(value, bool | datetime | date):
        raise CellError(f"{quote(cell_text(value))} is not a number")
    if isinstance(value, int | float):
        number = float(value)
        if is_percent_cell:
            # Excel stores 75 % as 0.75; PMDesk writes percentages as 75.
            number = round(number * 100, 10)
    else:
        text = str(value).strip()
        percent = text.endswith("%")
        try:
            number = float(text[:-1].strip() if percent else text)
        except ValueError:
            raise CellError(f"{quote(text)} is not a number (write digits, with '.' for decimals)") from None
    if not math.isfinite(number):
        raise CellError(f"{quote(value)} is not a number")
    return number


def _json_number(number: float) -> int | float:
    # 3.0 typed in a float cell is the whole number 3.
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _date(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = cell_text(value) or ""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        raise CellError(f"{quote(text)} is not a date (use a date cell, or write YYYY-MM-DD)") from None


def _enum(value: object, choices: Sequence[str]) -> str:
    text = cell_text(value) or ""
    key = re.sub(r"[\s\-]+", "_", text.lower())
    key = _ALIASES.get(key, key)
    if key not in choices:
        raise CellError(f"{quote(text)} is not one of {', '.join(choices)}")
    return key


def _split(text: str, separators: str = ";\n") -> list[str]:
    parts = re.split(f"[{re.escape(separators)}]", text)
    return [p.strip() for p in parts if p.strip()]


def _code(value: object) -> str:
    text = cell_text(value) or ""
    if not CODE_RE.match(text) or "\n" in text:
        raise CellError(code_message(quote(text)))
    return text


def _codes(value: object) -> list[str]:
    # Codes hold no spaces or commas, so any of these separates them.
    return [_code(part) for part in _split(cell_text(value) or "", ";,\n ")]


def _options(value: object) -> list[dict[str, str]]:
    options = []
    for part in _split(cell_text(value) or ""):
        code, sep, name = part.partition("=")
        code, name = code.strip(), name.strip()
        if not sep:
            code = name = part
        if not code or not name:
            raise CellError(f"{quote(part)} is not an option: write CODE=Name, e.g. F=Female; M=Male")
        if not CODE_RE.match(code):
            raise CellError(f"option code {quote(code)} is not valid: {CODE_RULE}; write CODE=Name")
        options.append({"code": code, "name": name})
    if not options:
        raise CellError("write the options as CODE=Name separated by ';', e.g. F=Female; M=Male")
    return options


def _tiers(value: object) -> list[str]:
    text = cell_text(value) or ""
    tiers = _split(text)
    if len(tiers) == 1 and "," in text:
        tiers = _split(text, ",")
    return tiers


def _thresholds(value: object) -> dict[str, int | float]:
    text = cell_text(value) or ""
    parts = _split(text, ";,\n")
    hint = "write exceeding=115; on_track=85; at_risk=70"
    out: dict[str, int | float] = {}
    for index, part in enumerate(parts):
        key, sep, number = part.partition("=")
        if sep:
            name = re.sub(r"[\s\-]+", "_", key.strip().lower())
            if name not in _THRESHOLD_KEYS:
                raise CellError(f"{quote(key.strip())} is not a threshold; {hint}")
        elif len(parts) == len(_THRESHOLD_KEYS):
            name, number = _THRESHOLD_KEYS[index], part
        else:
            raise CellError(f"{quote(text)}: {hint}")
        try:
            out[name] = _json_number(_number(number, False))
        except CellError:
            raise CellError(f"{quote(number.strip())} is not a number; {hint}") from None
    return out


def _month(value: object) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = (cell_text(value) or "").lower()
        if text[:3] in _MONTHS and text.isalpha():
            return _MONTHS[text[:3]]
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"{quote(text)} is not a month: write 1, 4, 7 or 10") from None
    if number not in (1, 4, 7, 10):
        raise CellError(
            f"{quote(cell_text(value))} is not a month a fiscal year can start in: write 1, 4, 7 or 10"
        )
    return int(number)


def _period(value: object) -> str:
    if isinstance(value, datetime | date):
        raise CellError(
            f"{quote(cell_text(value))} is a date; write a period code like 2025Q1 or 202503 (format the cell as text)"
        )
    return cell_text(value) or ""


def convert(value: object, kind: str, choices: Sequence[str] = (), is_percent_cell: bool = False) -> Any:
    """One cell's value as the package field of `kind` needs it; CellError says why not."""
    if kind == "number":
        return _json_number(_number(value, is_percent_cell))
    if kind == "date":
        return _date(value)
    if kind == "enum":
        return _enum(value, choices)
    if kind == "codes":
        return _codes(value)
    if kind == "options":
        return _options(value)
    if kind == "tiers":
        return _tiers(value)
    if kind == "thresholds":
        return _thresholds(value)
    if kind == "month":
        return _month(value)
    if kind == "period":
        return _period(value)
    if kind == "code":
        return _code(value)
    return cell_text(value)  # text; a person may be given by name

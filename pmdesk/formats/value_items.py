# SPDX-License-Identifier: GPL-3.0-or-later
"""The shape of a value item, as programme packages and values files give it (plain data).

The rules of `$defs/value` in programme.schema.json, checked by hand for speed.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pmdesk.domain.codes import CODE_RE, code_message, is_valid_code
from pmdesk.domain.enums import ValueStatus
from pmdesk.domain.errors import Problem
from pmdesk.formats.problems import (
    REPORT_EVERY,
    Locate,
    ProblemList,
    ProgressFn,
    count_text,
    describe,
    is_number,
    literal,
    report,
    short,
)

MAX_TEXT = 10_000
MAX_PERIOD_CODE = 40

VALUE_FIELDS = frozenset(
    {
        "indicator",
        "period",
        "site",
        "options",
        "value",
        "numerator",
        "denominator",
        "text",
        "comment",
        "status",
        "status_reason",
    }
)
REQUIRED_VALUE_FIELDS = ("indicator", "period", "site")
STATUSES = tuple(s.value for s in ValueStatus)
_STATUS_SET = frozenset(STATUSES)

_MAX_FLOAT = sys.float_info.max


def code_problem(value: object) -> str | None:
    """Why `value` is not a valid code, or None when it is one."""
    if not isinstance(value, str):
        return f"must be a code, not {describe(value)}"
    if not is_valid_code(value):
        return code_message(short(value))
    return None


def value_item_problems(item: object, index: int, locate: Locate) -> list[Problem]:
    """The shape rules of `$defs/value` in programme.schema.json, checked by hand.

    jsonschema needs about half a millisecond per item, eight minutes for a million values; this
    does the same in microseconds. tests/unit/test_packages.py checks that both agree.
    """
    if not isinstance(item, dict):
        return [locate(index, "", f"must be an object, not {describe(item)}")]
    found: list[Problem] = []
    for name in REQUIRED_VALUE_FIELDS:
        if name not in item:
            found.append(locate(index, "", f"'{name}' is required"))
    unknown = sorted(k for k in item if k not in VALUE_FIELDS)
    if unknown:
        found.append(locate(index, "", f"unknown field {_quoted(unknown)}"))
    for name in ("indicator", "site"):
        if name in item and (why := code_problem(item[name])) is not None:
            found.append(locate(index, name, why))
    if "period" in item:
        period = item["period"]
        if not isinstance(period, str) or not 1 <= len(period) <= MAX_PERIOD_CODE:
            found.append(locate(index, "period", f"must be a period code, not {describe(period)}"))
    if "options" in item:
        options = item["options"]
        if not isinstance(options, dict):
            found.append(locate(index, "options", f"must be an object, not {describe(options)}"))
        else:
            for key, option in options.items():
                if (why := code_problem(key)) is not None:
                    found.append(locate(index, "options", f"disaggregation {why}"))
                elif (why := code_problem(option)) is not None:
                    found.append(locate(index, f"options.{key}", why))
    for name in ("value", "numerator", "denominator"):
        number = item.get(name)
        if number is not None and not is_number(number):
            found.append(locate(index, name, f"must be a number or null, not {describe(number)}"))
    for name, nullable in (("text", True), ("comment", False), ("status_reason", False)):
        if name not in item:
            continue
        text = item[name]
        if text is None and nullable:
            continue
        if not isinstance(text, str):
            found.append(locate(index, name, f"must be text, not {describe(text)}"))
        elif len(text) > MAX_TEXT:
            found.append(locate(index, name, f"is longer than {MAX_TEXT:,} characters"))
    if "status" in item and item["status"] not in STATUSES:
        found.append(
            locate(index, "status", f"{literal(item['status'])} is not one of: {', '.join(STATUSES)}")
        )
    return found


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def value_items_problems(
    items: Sequence[object],
    locate: Locate,
    problems: ProblemList,
    progress: ProgressFn | None = None,
) -> None:
    """`value_item_problems` for every item of a batch, added to `problems`.

    A well-formed item is recognised on a fast path that remembers the codes it has matched
    (a million values name a few hundred codes); any other item goes through
    value_item_problems, so the messages are always its messages.
    """
    good: set[str] = set()
    match = CODE_RE.match

    def is_code(value: object) -> bool:
        if type(value) is not str:
            return False
        if value in good:
            return True
        if match(value):
            good.add(value)
            return True
        return False

    total = len(items)
    message = f"Reading {count_text(total, 'value')}"
    for index, item in enumerate(items):
        if not index % REPORT_EVERY:
            report(progress, index, total, message)
        if type(item) is dict and item.keys() <= VALUE_FIELDS and _is_plain(item, is_code):
            continue
        problems.extend(value_item_problems(item, index, locate))


def _is_plain(item: dict[str, Any], is_code: Callable[[object], bool]) -> bool:
    """Whether value_item_problems would find nothing: a strict subset of its rules (exact
    types, no NaN, no integer too large for a float), so anything unusual takes the long way."""
    period = item.get("period")
    if not (
        is_code(item.get("indicator"))
        and is_code(item.get("site"))
        and type(period) is str
        and 0 < len(period) <= MAX_PERIOD_CODE
    ):
        return False
    if "options" in item:
        options = item["options"]
        if type(options) is not dict:
            return False
        for key, option in options.items():
            if not (is_code(key) and is_code(option)):
                return False
    for name in ("value", "numerator", "denominator"):
        number = item.get(name)
        # Comparisons with an int are exact, so the range test also refuses 10**400; NaN fails it.
        if number is not None and not (
            (type(number) is int or type(number) is float) and -_MAX_FLOAT <= number <= _MAX_FLOAT
        ):
            return False
    text = item.get("text")
    if text is not None and not (type(text) is str and len(text) <= MAX_TEXT):
        return False
    for name in ("comment", "status_reason"):
        if name in item:
            text = item[name]
            if not (type(text) is str and len(text) <= MAX_TEXT):
                return False
    if "status" in item:
        status = item["status"]
        if not (type(status) is str and status in _STATUS_SET):
            return False
    return True


def options_text(options: Iterable[tuple[str, str]]) -> str:
    """Options as the CSV writes them: SEX=F;AGE=U18."""
    return ";".join(f"{d}={o}" for d, o in options)


def json_number(value: float | None) -> int | float | None:
    """A float as JSON should show it: 12 rather than 12.0 (exact integers only)."""
    if value is None or not math.isfinite(value):
        return value
    # float(): int.is_integer() only exists from Python 3.12, and callers pass ints too.
    if float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return value

# SPDX-License-Identifier: GPL-3.0-or-later
"""The shape of a programme package (pmdesk.programme/1): programme.schema.json, and the hand-written
checks of its bulk lists (targets, values) that stand in for it where it would be too slow.

Takes and returns plain data (parsed JSON in, Problems out); the meaning of a package is checked
by services/package_checks.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pmdesk.domain.codes import code_message
from pmdesk.domain.errors import Problem
from pmdesk.formats.problems import (
    ProblemList,
    ProgressFn,
    describe,
    is_number,
    json_locator,
    literal,
    short,
)
from pmdesk.formats.value_items import (
    MAX_PERIOD_CODE,
    code_problem,
    value_items_problems,
)
from pmdesk.resources import schema_path

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError as SchemaError

FORMAT = "pmdesk.programme/1"


def stamp_text(moment: datetime) -> str:
    """A stored UTC time as a package writes it: '2025-07-10T09:30:00.000000Z' (always the same
    width, so that import and export give back the same text)."""
    return moment.isoformat(timespec="microseconds") + "Z"


def parse_stamp(text: str) -> datetime:
    """A package's date and time as stored: naive UTC. ValueError if it is not one."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


# -- schema ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    # Imported here: jsonschema costs some 60 ms, which start-up should not pay for an import
    # that may never come.
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_path("programme.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def json_path(parts: Iterable[object]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "object": "an object",
    "array": "a list",
    "null": "null",
    "boolean": "true or false",
}
_REQUIRED_RE = re.compile(r"^'(.*)' is a required property$")


def _types(value: object) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]  # type: ignore[attr-defined]


def _schema_problem(error: SchemaError) -> Problem:
    """A jsonschema error as a Problem a user can act on (jsonschema's own messages print the
    whole offending value, which may be megabytes)."""
    path = json_path(error.absolute_path)
    instance, kind, expected = error.instance, error.validator, error.validator_value
    if kind == "required":
        match = _REQUIRED_RE.match(error.message)
        return Problem(path, f"'{match[1] if match else expected}' is required")
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {})
        extra = sorted(k for k in instance if k not in known)
        return Problem(path, "unknown field " + ", ".join(f"'{k}'" for k in extra))
    if kind == "const":
        hint = " (this is not a PMDesk programme package)" if path == "$.format" else ""
        return Problem(path, f"must be {expected!r}{hint}")
    if kind == "enum":
        return Problem(path, f"{literal(instance)} is not one of: {', '.join(map(str, expected))}")
    if kind == "type":
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in _types(expected))
        return Problem(path, f"must be {words}, not {describe(instance)}")
    if kind == "pattern" and isinstance(instance, str):
        if "A-Za-z0-9" in str(expected):
            return Problem(path, code_message(short(instance)))
        if "0-9a-fA-F" in str(expected):
            return Problem(path, f"{short(instance)} is not a UUID (write 8-4-4-4-12 hexadecimal digits)")
        if "T[0-9]" in str(expected):
            return Problem(path, f"{short(instance)} is not a date and time (write YYYY-MM-DDThh:mm:ssZ)")
        return Problem(path, f"{short(instance)} is not a date (write YYYY-MM-DD)")
    if kind == "minLength":
        return Problem(path, "must not be empty")
    if kind == "maxLength":
        return Problem(path, f"is longer than {expected:,} characters")
    if kind == "minItems":
        return Problem(path, "must not be empty")
    if kind in ("minimum", "maximum"):
        return Problem(path, f"must be {'at least' if kind == 'minimum' else 'at most'} {expected}")
    if kind in ("anyOf", "oneOf") and error.context:
        specific = [e for e in error.context if e.validator != "type"]
        if specific:
            return _schema_problem(specific[0])
        names = sorted({t for e in error.context for t in _types(e.validator_value)})
        listed = " or ".join(_TYPE_WORDS.get(t, t) for t in names)
        return Problem(path, f"must be {listed}, not {describe(instance)}")
    return Problem(path, error.message[:200])


def _skeleton(data: Mapping[str, Any]) -> dict[str, Any]:
    """The package without its bulk lists (targets, values), which are checked by hand for speed
    (see formats/value_items.value_item_problems)."""
    out = dict(data)
    if isinstance(out.get("values"), list):
        out["values"] = []
    indicators = out.get("indicators")
    if isinstance(indicators, list):
        out["indicators"] = [
            {**ind, "targets": []} if isinstance(ind, dict) and isinstance(ind.get("targets"), list) else ind
            for ind in indicators
        ]
    return out


TARGET_FIELDS = frozenset({"period", "site", "value"})


def target_item_problems(item: object, path: str) -> list[Problem]:
    """The shape rules of `$defs/target`, checked by hand like value items."""
    if not isinstance(item, dict):
        return [Problem(path, f"must be an object, not {describe(item)}")]
    found = [Problem(path, f"'{name}' is required") for name in ("period", "value") if name not in item]
    unknown = sorted(k for k in item if k not in TARGET_FIELDS)
    if unknown:
        found.append(Problem(path, "unknown field " + ", ".join(f"'{k}'" for k in unknown)))
    period = item.get("period")
    if "period" in item and (not isinstance(period, str) or not 1 <= len(period) <= MAX_PERIOD_CODE):
        found.append(Problem(f"{path}.period", f"must be a period code, not {describe(period)}"))
    site = item.get("site")
    if site is not None and (why := code_problem(site)) is not None:
        found.append(Problem(f"{path}.site", why))
    if "value" in item and not is_number(item["value"]):
        found.append(Problem(f"{path}.value", f"must be a number, not {describe(item['value'])}"))
    return found


def _huge_numbers(value: object, path: str) -> Iterable[Problem]:
    """Numbers JSON allows but a float cannot hold (1e400, 10**400): the schema calls them numbers."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _huge_numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _huge_numbers(item, f"{path}[{index}]")
    elif isinstance(value, int | float) and not isinstance(value, bool) and not is_number(value):
        yield Problem(path, "is too large a number")


def schema_problems(data: object, progress: ProgressFn | None = None) -> list[Problem]:
    """Every way `data` departs from programme.schema.json (`progress`: see formats/problems.ProgressFn)."""
    if not isinstance(data, dict):
        return [Problem("$", f"must be an object, not {describe(data)}")]
    problems = definition_problems(data)
    values = data.get("values")
    if isinstance(values, list):
        value_items_problems(values, json_locator("$.values"), problems, progress)
    return problems.final()


def definition_problems(data: Mapping[str, Any]) -> ProblemList:
    """schema_problems of a package object but for the items of its values, which a streamed
    import checks a chunk at a time (value_items_problems)."""
    problems = ProblemList()
    skeleton = _skeleton(data)
    errors = sorted(_validator().iter_errors(skeleton), key=lambda e: [str(p) for p in e.absolute_path])
    problems.extend(_schema_problem(e) for e in errors)
    problems.extend(_huge_numbers(skeleton, "$"))
    indicators = data.get("indicators")
    if isinstance(indicators, list):
        for i, ind in enumerate(indicators):
            targets = ind.get("targets") if isinstance(ind, dict) else None
            if isinstance(targets, list):
                for j, target in enumerate(targets):
                    problems.extend(target_item_problems(target, f"$.indicators[{i}].targets[{j}]"))
    return problems


def framework_is_misshapen(data: Mapping[str, Any]) -> bool:
    """Does anything but a target or a value depart from the schema? The meaning checks trust
    those shapes, so they cannot run then."""
    skeleton = _skeleton(data)
    return next(_validator().iter_errors(skeleton), None) is not None or any(
        True for _ in _huge_numbers(skeleton, "$")
    )

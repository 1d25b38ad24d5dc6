# SPDX-License-Identifier: GPL-3.0-or-later
"""Strict JSON for files from elsewhere: every JSON import parses its bytes here.

Python's json module keeps the last of two equal keys in an object, so a package with
"indicators" twice, the second empty, became a programme without indicators. Here a key given
twice anywhere is refused, named by its JSON path ($.indicators, $.values[3].options.SEX), as
are NaN and Infinity, which JSON does not have, and text that is not UTF-8.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from pmdesk.domain.errors import Problem, ValidationError

# A file with a million duplicated keys would otherwise build a million Problems.
MAX_LISTED = 1000

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def load_json(data: bytes, source: str) -> object:
    """The value of a UTF-8 JSON document (a BOM is accepted).

    Raises ValidationError naming `source`: for text that is not UTF-8 (with the line), a syntax
    error (with line and column), NaN or Infinity, nesting too deep, or keys given twice (each
    with its JSON path).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValidationError(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02X} on line {line}); save it as UTF-8",
            source=source,
        ) from None
    # The objects that hold a key twice, with those keys, looked up by identity once parsed. Each
    # object is kept here too: one dropped from the result must not free its id for another.
    twice: dict[int, tuple[dict[str, Any], list[str]]] = {}

    def pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            counts: dict[str, int] = {}
            for key, _ in pairs:
                counts[key] = counts.get(key, 0) + 1
            twice[id(obj)] = (obj, [key for key, n in counts.items() if n > 1])
        return obj

    try:
        value = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=pairs_to_dict)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", source=source
        ) from None
    except RecursionError:
        raise ValidationError("is not valid JSON: it is nested too deeply", source=source) from None
    except ValueError as exc:  # NaN/Infinity, or an integer of thousands of digits
        raise ValidationError(f"is not valid JSON: {exc}", source=source) from None
    if twice:
        raise ValidationError(_duplicate_problems(value, twice), source=source)
    return value


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows; write a number or null")


def _duplicate_problems(root: object, twice: dict[int, tuple[dict[str, Any], list[str]]]) -> list[Problem]:
    problems: list[Problem] = []
    dropped = 0
    for path, keys in _objects_with_duplicates(root, twice):
        for key in keys:
            if len(problems) < MAX_LISTED:
                problems.append(
                    Problem(
                        json_path_of(path, key),
                        f"the key {_quoted(key)} is given twice in this object; give each key once",
                    )
                )
            else:
                dropped += 1
    # An object holding a key twice that is not in the result was the first value of a key
    # given twice itself: that key is reported.
    if dropped:
        problems.append(Problem("", f"… and {dropped:,} more keys given twice"))
    return problems


def _objects_with_duplicates(
    root: object, twice: dict[int, tuple[dict[str, Any], list[str]]]
) -> Iterator[tuple[str, list[str]]]:
    """(JSON path, keys given twice) of each object in `twice`, in document order."""
    stack: list[tuple[str, object]] = [("$", root)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            found = twice.get(id(value))
            if found is not None:
                yield path, found[1]
            children = [(json_path_of(path, k), v) for k, v in value.items() if isinstance(v, dict | list)]
        elif isinstance(value, list):
            children = [(f"{path}[{i}]", v) for i, v in enumerate(value) if isinstance(v, dict | list)]
        else:
            continue
        stack.extend(reversed(children))


def json_path_of(path: str, key: str) -> str:
    """`path` followed by an object key: $.values, or $["a key"] for a key that is not a name."""
    return f"{path}.{key}" if _NAME.match(key) else f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _quoted(key: str) -> str:
    return repr(key if len(key) <= 40 else key[:40] + "…")

# SPDX-License-Identifier: GPL-3.0-or-later
"""What a valid code is: how files, the screens and the CLI name programmes, results, sites …"""

from __future__ import annotations

import re

from pmdesk.domain.errors import Problem

# \Z, not $: $ also matches before a trailing newline ('WASH-01\n').
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}\Z")
CODE_RULE = "1–40 letters, digits, '.', '_' or '-', starting with a letter or digit"


def is_valid_code(value: object) -> bool:
    """A code is text of 1–40 letters, digits, '.', '_' or '-', starting with a letter or digit."""
    return isinstance(value, str) and CODE_RE.match(value) is not None


def code_message(shown: str) -> str:
    """Why a code is refused; `shown` is how the message quotes it."""
    return f"{shown} is not a valid code: {CODE_RULE}"


def check_code(code: object, what: str) -> list[Problem]:
    """[] for a valid code, else the one Problem saying why (`what`: 'site', 'indicator' …)."""
    if is_valid_code(code):
        return []
    return [Problem(what, code_message(f"'{code}'"), "code")]

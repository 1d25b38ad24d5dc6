# SPDX-License-Identifier: GPL-3.0-or-later
"""Numbers as people type them: '1,200', '1 200', '1’200' and the locale's own separators.

One function reads every typed or file-borne number (the grid, bulk imports, bundles, interop all
reach it through value_checks.parse_number), so a figure means the same whichever way it arrives.

The rules, decided once:

- Thousands separators: comma, space, no-break space, narrow no-break space, thin space,
  apostrophe (' and ’), and the locale's own group separator. Groups are checked: after the first
  group of 1–3 digits every group has exactly 3 digits, and one kind of separator is used.
- The decimal separator is the locale's; '.' is also read as the decimal point unless the locale
  groups with '.' (German "1.200" is 1200 in a German locale).
- A comma where the locale's decimal separator is not a comma is read as a thousands separator only
  when it is followed by exactly three digits ("1,200" is 1200). Otherwise ("1,5", "12,50") it is
  refused as ambiguous rather than guessed: 1.5 or 15 is the user's to say. Files are read with the
  default separators, so a comma-decimal file gets the same refusal instead of a silent factor of 1000
  for "1,5" (though "1,500" there is read as 1500, as in the grid).
- Exponent notation ("3e2") is refused: nobody counts pupils that way, and a stray 'e' is more often
  a typo than a choice.
- A figure above PLAUSIBLE_LIMIT in size is an error, not a warning (see value_checks.parse_number).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable

DEFAULT_GROUP = ","
DEFAULT_DECIMAL = "."
# Separators people use between thousands, whatever their locale.
COMMON_GROUPS = frozenset({",", " ", "\u00a0", "\u202f", "\u2009", "'", "\u2019"})
SPACES = frozenset({" ", "\u00a0", "\u202f", "\u2009"})

# The largest figure a programme can mean: 10^12. Populations stop under 10^10 and the budgets
# of big programmes in currencies with small units (e.g. 10^11 rupiah) stay under it, while a key
# held down or a pasted account number (99,999,999,999,999 pupils) lands above it. Below 10^12 a
# float also keeps every integer and three decimals exactly.
PLAUSIBLE_LIMIT = 1e12


def read_number(
    text: str,
    field: str = "value",
    *,
    group_separator: str = DEFAULT_GROUP,
    decimal_separator: str = DEFAULT_DECIMAL,
) -> float:
    """A finite float from typed text; raises ValueError with a message naming `field`.

    `group_separator` and `decimal_separator` are the user's locale's (the UI passes QLocale's),
    so the domain stays free of Qt.
    """
    raw = text.strip()
    if not raw:
        raise ValueError(f"{field} must be a number, not '{text}'")
    if raw.strip("+-").lower() in {"nan", "inf", "infinity"}:
        raise ValueError(f"{field} must be a finite number, not '{text}'")
    sign = ""
    if raw[0] in "+-":
        sign = "-" if raw[0] == "-" else ""
        raw = raw[1:].lstrip()
    decimals = {decimal_separator}
    if group_separator != ".":
        decimals.add(".")
    groups = (COMMON_GROUPS | {group_separator}) - decimals
    if any(c in "eE" for c in raw) and any(c.isdecimal() for c in raw):
        raise ValueError(f"{field}: write the number in full, not in exponent notation ('{raw}')")
    decimal_at = [i for i, c in enumerate(raw) if c in decimals]
    if len(decimal_at) > 1:
        raise ValueError(f"{field} must be a number, not '{text.strip()}' (more than one decimal point)")
    whole, fraction = (raw[: decimal_at[0]], raw[decimal_at[0] + 1 :]) if decimal_at else (raw, None)
    if not whole and not fraction:
        raise ValueError(f"{field} must be a number, not '{text.strip()}'")
    if fraction is not None and not all(c.isdecimal() for c in fraction):
        raise ValueError(f"{field} must be a number, not '{text.strip()}'")
    digits = _whole_digits(whole, groups, text.strip(), field, decimal_separator)
    number = float(sign + (digits or "0") + ("." + _ascii(fraction) if fraction else ""))
    if not math.isfinite(number):
        raise ValueError(f"{field} must be a finite number; this one is too large")
    return number


def _whole_digits(whole: str, groups: frozenset[str] | set[str], shown: str, field: str, decimal: str) -> str:
    """The digits of the integer part, its thousands separators checked and removed."""
    used = {c for c in whole if not c.isdecimal()}
    if not used:
        return _ascii(whole)
    if not used <= groups:
        raise ValueError(f"{field} must be a number, not '{shown}'")
    # Spaces of different widths are one kind: a pasted figure often mixes them.
    kinds = {" " if c in SPACES else c for c in used}
    if len(kinds) > 1:
        raise ValueError(f"{field} must be a number, not '{shown}' (mixed thousands separators)")
    parts = "".join(" " if c in SPACES else c for c in whole).split(kinds.pop())
    well_formed = 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])
    if not well_formed:
        mark = next((c for c in used if c in ",."), None)
        if mark is not None:
            point = "a point" if decimal == "." else f"'{decimal}'"
            raise ValueError(
                f"{field}: '{shown}' is ambiguous — '{mark}' here separates thousands"
                f" (1{mark}200); for a decimal, type {point} (1{decimal}5)"
            )
        raise ValueError(
            f"{field}: '{shown}' is not a number — thousands are grouped in threes (1 200 or 1,200)"
        )
    return _ascii("".join(parts))


def _ascii(digits: str) -> str:
    """Digits of any script as ASCII digits (float() would take them, int() too; this is explicit)."""
    return "".join(str(unicodedata.decimal(c)) for c in digits)


def figure_text(value: float | None, write: Callable[[float, int], str], *, percent: bool = False) -> str:
    """A figure as every place shows it (rounding happens only when displaying, DESIGN §3): '' for
    no figure, ∞ for an infinite one, otherwise `write(rounded, decimals)` of the value rounded to at
    most two decimals, without trailing zeros and never '-0', and '%' after a percentage. `write`
    only spells the number (the screen's locale, or the PDF's thousands separators)."""
    if value is None or math.isnan(value):
        return ""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    rounded = round(value, 2)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    if math.isclose(rounded, round(rounded), abs_tol=1e-9):
        decimals = 0
    elif math.isclose(rounded * 10, round(rounded * 10), abs_tol=1e-7):
        decimals = 1
    else:
        decimals = 2
    text = write(rounded, decimals)
    return f"{text}%" if percent else text

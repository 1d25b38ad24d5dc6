# SPDX-License-Identifier: GPL-3.0-or-later
"""Numbers for display only: at most two decimals, thousands separators, a '%' where due."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QLocale

from pmdesk.domain.numbers import figure_text


def display_locale() -> QLocale:
    """The user's locale, except that the bare C locale (containers, CI, minimal Linux installs)
    is replaced by English: C prints 1234567 without separators, which is hard to read."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return locale


def format_number(value: float | None, *, percent: bool = False, locale: QLocale | None = None) -> str:
    """'' for no figure; otherwise the value rounded to at most 2 decimals, without trailing zeros,
    written in the locale (domain.numbers.figure_text holds the rule)."""
    shown = locale or display_locale()
    return figure_text(value, lambda number, decimals: shown.toString(number, "f", decimals), percent=percent)


def format_count(value: int, locale: QLocale | None = None) -> str:
    return (locale or display_locale()).toString(value)


def counted(value: int, noun: str, plural: str | None = None, locale: QLocale | None = None) -> str:
    """'1 programme', '2 programmes', '1,675 data values': the count and the noun that agrees."""
    word = noun if value == 1 else (plural or noun + "s")
    return f"{format_count(value, locale)} {word}"


def local_datetime(at: datetime) -> str:
    """A UTC time from the database on the wall clock here: '2026-12-06 14:02'."""
    return at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def local_clock(at: datetime) -> str:
    """A UTC time from the database as the clock here shows it, to the second: '14:02:11'."""
    return at.replace(tzinfo=UTC).astimezone().strftime("%H:%M:%S")

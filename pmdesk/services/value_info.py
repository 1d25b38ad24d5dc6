# SPDX-License-Identifier: GPL-3.0-or-later
"""A data value as the services hand it out (`ValueInfo`, read from its row by `value_info`), the
words that name it and its warnings, and `UnexplainedWarnings`: a submit refused because values
carry warnings nobody has commented on (DESIGN.md §5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pmdesk.domain.enums import ValueStatus
from pmdesk.domain.errors import Problem, ValidationError
from pmdesk.domain.value_checks import WARNING_TEXT
from pmdesk.domain.value_rules import is_locked
from pmdesk.services.cells import CellResolver
from pmdesk.storage.models import DataValueRow


@dataclass(frozen=True)
class ValueInfo:
    uuid: str
    indicator_code: str
    period: str
    site_code: str
    options: dict[str, str]
    value: float | None
    numerator: float | None
    denominator: float | None
    text: str | None
    comment: str
    warnings: tuple[str, ...]
    status: ValueStatus
    status_reason: str
    entered_by: str
    entered_at: datetime
    submitted_by: str = ""  # who last submitted it ("" if never, or not known)

    @property
    def is_flagged(self) -> bool:
        """A warning nobody has commented on yet."""
        return bool(self.warnings) and not self.comment.strip()

    @property
    def is_locked(self) -> bool:
        return is_locked(self.status)


class UnexplainedWarnings(ValidationError):
    """Submit refused: values carry warnings nobody has commented on (DESIGN.md §5)."""

    def __init__(self, values: Sequence[ValueInfo]) -> None:
        self.values = list(values)
        super().__init__(
            [
                Problem(warning_label(v), "has a warning without a comment: " + warning_text(v))
                for v in self.values
            ]
        )


def warning_label(info: ValueInfo) -> str:
    options = " · ".join(info.options.values())
    return f"{info.indicator_code} · {options}" if options else info.indicator_code


def warning_text(info: ValueInfo) -> str:
    return "; ".join(WARNING_TEXT.get(w, w) for w in info.warnings)


def value_info(row: DataValueRow, resolver: CellResolver) -> ValueInfo:
    return ValueInfo(
        row.uuid,
        resolver.indicator_codes[row.indicator_id],
        row.period,
        resolver.site_codes[row.site_id],
        resolver.options_of_combo(row.combo_id),
        row.value,
        row.numerator,
        row.denominator,
        row.text,
        row.comment,
        tuple(filter(None, row.warnings.split(","))),
        ValueStatus(row.status),
        row.status_reason,
        row.entered_by,
        row.entered_at,
        row.submitted_by,
    )

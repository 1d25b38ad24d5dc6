# SPDX-License-Identifier: GPL-3.0-or-later
"""How the data-entry grid looks and speaks: headers, status words and colours, the lock icon."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from pmdesk.domain.enums import Measure, ValueStatus
from pmdesk.domain.value_checks import WARNING_OUTLIER, WARNING_OVER_TARGET, WARNING_TEXT
from pmdesk.ui.formatting import format_number

if TYPE_CHECKING:
    from pmdesk.services.entry_grid import GridIndicator
    from pmdesk.services.value_info import ValueInfo

HEADERS = (
    "Indicator",
    "Cell",
    "Value",
    "Numerator",
    "Denominator",
    "Target",
    "Status",
    "Warnings",
    "Comment",
)
HEADER_TIPS = (
    "Indicator code and name",
    "The cell: a combination of disaggregation options, or the Total",
    "The number; for a percent indicator the percentage computed from numerator and denominator; "
    "for a qualitative indicator the text (Shift+Enter starts a new line)",
    "Percent indicators: how many have the quality measured (e.g. schools with safe water)",
    "Percent indicators: how many were counted (e.g. schools visited)",
    "The site's target for this period (the programme's when the site has none)",
    "Draft → Submitted → Approved (locked), or Returned with a reason",
    "Data-quality warnings: the value is saved, and stays flagged until someone comments on it",
    "Why a value is what it is; a comment clears the warning flag (Ctrl+M opens a larger editor)",
)

STATUS_TEXT = {
    ValueStatus.DRAFT: "Draft",
    ValueStatus.SUBMITTED: "Submitted",
    ValueStatus.APPROVED: "Approved",
    ValueStatus.RETURNED: "Returned",
}
# Light tints, always with dark text and the status in words, so colour is never the only cue.
STATUS_COLOURS = {
    ValueStatus.DRAFT: None,
    ValueStatus.SUBMITTED: "#b3d7f2",
    ValueStatus.APPROVED: "#bfe6cf",
    ValueStatus.RETURNED: "#f9c99b",
}
TEXT_ON_COLOUR = "#1a1a1a"
MUTED_TEXT = "#5a5a5a"
ERROR_COLOUR = "#f6b6c4"
WARNING_COLOUR = "#fbe09a"
PENDING_COLOUR = "#fff3c4"
LOCKED_COLOUR = "#d9dde2"
READ_ONLY_COLOUR = "#e3e6ea"
TOTAL_COLOUR = "#f3f5f8"
RESULT_SHADES = ("#cfd9e6", "#dde5ef", "#e9eef5")
NOT_SAVED = "Not saved"

_lock_icon: QIcon | None = None


def lock_icon() -> QIcon:
    """A small padlock, drawn rather than taken from an emoji font that may be missing."""
    global _lock_icon
    if _lock_icon is None:
        pixmap = QPixmap(32, 32)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#3d4650"), 3.5))
        painter.drawArc(QRectF(9, 3, 14, 16), 0, 180 * 16)
        painter.drawLine(QPointF(9, 11), QPointF(9, 15))
        painter.drawLine(QPointF(23, 11), QPointF(23, 15))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#3d4650"))
        painter.drawRoundedRect(QRectF(5, 14, 22, 16), 3, 3)
        painter.end()
        _lock_icon = QIcon(pixmap)
    return _lock_icon


# What the narrow Warnings column shows; the tooltip and the status line say it in full.
WARNING_SHORT = {
    WARNING_OUTLIER: "unusual here",
    WARNING_OVER_TARGET: "over 3× target",
}


def warning_text(value: ValueInfo) -> str:
    return "; ".join(WARNING_TEXT.get(w, w) for w in value.warnings)


def warning_short(value: ValueInfo) -> str:
    return "; ".join(WARNING_SHORT.get(w, w) for w in value.warnings)


def indicator_tip(indicator: GridIndicator) -> str:
    measure = {
        Measure.NUMBER: "number",
        Measure.PERCENT: "percent (numerator ÷ denominator)",
        Measure.QUALITATIVE: "qualitative (text)",
    }[indicator.measure]
    unit = f", {indicator.unit}" if indicator.unit else ""
    parts = [
        f"{indicator.code} {indicator.name}",
        f"Measure: {measure}{unit}; direction: {indicator.direction}",
    ]
    if indicator.disaggregations:
        parts.append("Disaggregated by " + ", ".join(indicator.disaggregations))
    if indicator.target is not None:
        parts.append(
            f"Target this period: {format_number(indicator.target, percent=indicator.measure is Measure.PERCENT)}"
        )
    return "\n".join(parts)

# SPDX-License-Identifier: GPL-3.0-or-later
"""What the framework dialogs share: an inline error banner, service errors in words, typed numbers."""

from __future__ import annotations

import math
from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from pmdesk.domain.errors import PmdeskError, ValidationError
from pmdesk.ui.formatting import display_locale

ERROR_BACKGROUND = "#f6b6c4"  # the IPTT's "off track" tint: the same red means "look here" everywhere
ERROR_TEXT = "#1a1a1a"
NOTE_TEXT = "#5a5a5a"


class ErrorBanner(QLabel):
    """A red, word-wrapped label above a dialog's buttons; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(
            f"background: {ERROR_BACKGROUND}; color: {ERROR_TEXT}; padding: 6px; border-radius: 3px;"
        )
        self.hide()

    def show_message(self, text: str) -> None:
        # A widget with a style sheet does not follow View ▸ Zoom by itself.
        owner = self.parentWidget()
        if owner is not None:
            self.setFont(owner.font())
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.setText("")
        self.hide()

    @property
    def message(self) -> str:
        return self.text() if not self.isHidden() else ""


def note_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A grey, word-wrapped explanation under a field."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {NOTE_TEXT};")
    return label


def error_lines(error: PmdeskError, labels: Mapping[str, str]) -> tuple[str, list[str]]:
    """The error as lines for the banner ('Name: a name is required'), and the fields concerned
    (first one first) so the dialog can put the cursor there."""
    if not isinstance(error, ValidationError):
        return str(error), []
    lines: list[str] = []
    fields: list[str] = []
    for problem in error.problems:
        label = labels.get(problem.field, problem.field.replace("_", " ").capitalize())
        lines.append(f"{label}: {problem.message}" if problem.field else problem.message)
        if problem.field:
            fields.append(problem.field)
    return "\n".join(lines), fields


def parse_number(text: str, what: str) -> float | None:
    """A typed number ('' is None), in the user's locale or with a '.' decimal point."""
    cleaned = text.strip().replace("\u202f", "").replace("\u00a0", "")
    if not cleaned:
        return None
    value, ok = display_locale().toDouble(cleaned)
    if not ok:
        try:
            value = float(cleaned.replace(" ", ""))
        except ValueError:
            raise ValueError(f"{what}: '{text.strip()}' is not a number") from None
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{what}: '{text.strip()}' is not a number")
    return value


def number_text(value: float | None) -> str:
    """A stored number for editing: every digit it has (never rounded), no thousands separators."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))

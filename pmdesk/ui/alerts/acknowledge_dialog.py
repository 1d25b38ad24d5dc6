# SPDX-License-Identifier: GPL-3.0-or-later
"""Acknowledge an alert: a note on what is being done about it. The alert stays, with who and when."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.form_errors import failure_html
from pmdesk.ui.widgets.form_dialog import FormDialog

# Called with the note; raises PmdeskError to keep the dialog open.
NoteSubmit = Callable[[str], object]


class AcknowledgeDialog(FormDialog):
    def __init__(self, summary: str, submit: NoteSubmit, parent: QWidget | None = None) -> None:
        super().__init__("Acknowledge alert", parent, minimum_width=480)
        self._submit = submit
        self.summary_label = QLabel(summary, self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText(
            "What is being done about it: a review planned, an action, who follows up …"
        )
        self.note_edit.setMinimumHeight(self.note_edit.fontMetrics().lineSpacing() * 4 + 12)
        note_label = QLabel("&Note (required):", self)
        note_label.setBuddy(self.note_edit)
        self.ok_button.setText("&Acknowledge")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.error_label)
        layout.addWidget(note_label)
        layout.addWidget(self.note_edit, 1)
        layout.addWidget(self.buttons)
        self.note_edit.setFocus()

    def _save(self) -> object:
        return self._submit(self.note_edit.toPlainText())

    def failure_text(self, exc: PmdeskError) -> str:
        return failure_html(exc, {"note": "Note"})

    def _focus_field(self, exc: PmdeskError) -> None:
        self.note_edit.setFocus()

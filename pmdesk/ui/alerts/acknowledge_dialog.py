# SPDX-License-Identifier: GPL-3.0-or-later
"""Acknowledge an alert: a note on what is being done about it. The alert stays, with who and when."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.alerts.trigger_dialog import refusal_html
from pmdesk.ui.form_errors import ERROR_STYLE

# Called with the note; raises PmdeskError to keep the dialog open.
NoteSubmit = Callable[[str], object]


class AcknowledgeDialog(QDialog):
    def __init__(self, summary: str, submit: NoteSubmit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Acknowledge alert")
        self.setStyleSheet(ERROR_STYLE)
        self.setMinimumWidth(480)
        self._submit = submit
        self.summary_label = QLabel(summary, self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("formErrors")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.RichText)
        self.error_label.hide()
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText(
            "What is being done about it: a review planned, an action, who follows up …"
        )
        self.note_edit.setMinimumHeight(self.note_edit.fontMetrics().lineSpacing() * 4 + 12)
        note_label = QLabel("&Note (required):", self)
        note_label.setBuddy(self.note_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Acknowledge")
        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.error_label)
        layout.addWidget(note_label)
        layout.addWidget(self.note_edit, 1)
        layout.addWidget(self.buttons)
        self.note_edit.setFocus()

    def _on_ok_clicked(self) -> None:
        try:
            self._submit(self.note_edit.toPlainText())
        except PmdeskError as exc:
            self.error_label.setText(refusal_html(exc))
            self.error_label.show()
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))
            self.note_edit.setFocus()
            return
        self.accept()

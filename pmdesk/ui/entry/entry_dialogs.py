# SPDX-License-Identifier: GPL-3.0-or-later
"""Small dialogs of the data-entry screen: a reason for return / reopen, a comment, a confirmation.

The screen calls them through this module's functions, so that tests can replace them.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.ui.entry.entry_style import ERROR_COLOUR, TEXT_ON_COLOUR


class TextDialog(QDialog):
    """A message, a few lines of text to type, OK and Cancel; Ctrl+Enter is OK."""

    def __init__(
        self,
        title: str,
        message: str,
        field_label: str,
        text: str = "",
        *,
        required: bool,
        ok_text: str = "OK",
        problem: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self._required = required
        intro = QLabel(message, self)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        label = QLabel(field_label, self)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setPlainText(text)
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 14)
        label.setBuddy(self.text_edit)
        hint = QLabel("Ctrl+Enter: " + ok_text.replace("&", ""), self)
        hint.setEnabled(False)  # shown greyed: a hint, not a control
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._accept_if_ok)
        layout = QVBoxLayout(self)
        if problem:  # why the last OK did not go through; what was typed is back in the field
            self.problem_label = QLabel(problem, self)
            self.problem_label.setWordWrap(True)
            self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
            self.problem_label.setStyleSheet(
                f"background: {ERROR_COLOUR}; color: {TEXT_ON_COLOUR}; padding: 6px; border-radius: 3px;"
            )
            layout.addWidget(self.problem_label)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(self.text_edit)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.text_edit.textChanged.connect(self._update_ok)
        self._update_ok()
        self.text_edit.setFocus()

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(not self._required or bool(self.text()))

    def _accept_if_ok(self) -> None:
        if self.ok_button.isEnabled():
            self.accept()


def reason_dialog(
    title: str,
    message: str,
    ok_text: str,
    parent: QWidget | None = None,
    *,
    text: str = "",
    problem: str = "",
) -> TextDialog:
    return TextDialog(
        title,
        message,
        "&Reason (required):",
        text,
        required=True,
        ok_text=ok_text,
        problem=problem,
        parent=parent,
    )


def comment_dialog(label: str, warnings: str, comment: str, parent: QWidget | None = None) -> TextDialog:
    message = f"<b>{html.escape(label)}</b>"
    if warnings:
        message += (
            f"<br>Warning: {html.escape(warnings)}.<br>"
            "A comment explaining the value clears the warning flag; the value itself is kept."
        )
    return TextDialog(
        "Comment on a value",
        message,
        "&Comment:",
        comment,
        required=False,
        ok_text="&Save comment",
        parent=parent,
    )


def ask_reason(
    parent: QWidget | None, title: str, message: str, ok_text: str, *, text: str = "", problem: str = ""
) -> str | None:
    """The reason typed, or None if the user cancelled; `text` and `problem` bring back a reason
    whose step failed, and why."""
    dialog = reason_dialog(title, message, ok_text, parent, text=text, problem=problem)
    return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_comment(parent: QWidget | None, label: str, warnings: str, comment: str) -> str | None:
    """The new comment ('' clears it), or None if the user cancelled."""
    dialog = comment_dialog(label, warnings, comment, parent)
    return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


def confirm(
    parent: QWidget | None, title: str, text: str, yes_text: str, *, is_yes_default: bool = True
) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(yes if is_yes_default else cancel)
    box.exec()
    return box.clickedButton() is yes

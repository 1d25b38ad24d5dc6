# SPDX-License-Identifier: GPL-3.0-or-later
"""The small dialog that asks why a target or baseline changed (DESIGN.md §5 reasons)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import ChangeReason
from pmdesk.services.history import Reason


class ReasonDialog(QDialog):
    """Asks for one of the change reasons; 'Other' needs an explanation before OK is enabled."""

    def __init__(self, what: str, old: str, new: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Why does this change?")
        self.setMinimumWidth(420)
        intro = QLabel(f"<b>{_escape(what)}</b><br>from <b>{_escape(old)}</b> to <b>{_escape(new)}</b>", self)
        intro.setWordWrap(True)
        self.reason_box = QComboBox(self)
        for reason in ChangeReason:
            self.reason_box.addItem(reason.label, reason)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setPlaceholderText("What happened? (required for 'Other')")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setFixedHeight(80)
        form = QFormLayout()
        form.addRow("&Reason:", self.reason_box)
        form.addRow("&Explanation:", self.text_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.reason_box.currentIndexChanged.connect(self._update_ok)
        self.text_edit.textChanged.connect(self._update_ok)
        self._update_ok()

    def reason(self) -> Reason:
        return Reason(self._code(), self.text_edit.toPlainText().strip())

    def _code(self) -> ChangeReason:
        # Qt hands item data of a str enum back as a plain str.
        return ChangeReason(self.reason_box.currentData())

    def _update_ok(self) -> None:
        needs_text = self._code() is ChangeReason.OTHER
        ok = not needs_text or bool(self.text_edit.toPlainText().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ask_reason(parent: QWidget | None, what: str, old: str, new: str) -> Reason | None:
    """Show the dialog; the chosen Reason, or None if the user cancelled."""
    dialog = ReasonDialog(what, old, new, parent)
    return dialog.reason() if dialog.exec() == QDialog.DialogCode.Accepted else None

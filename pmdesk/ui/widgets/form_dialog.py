# SPDX-License-Identifier: GPL-3.0-or-later
"""A dialog whose OK saves: a refusal is shown above the buttons and the dialog stays open with
what was typed; the field in the wrong takes the focus."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QWidget

from pmdesk.domain.errors import PmdeskError, ValidationError
from pmdesk.ui.form_errors import ERROR_STYLE, failure_html


class FormDialog(QDialog):
    """OK runs `_save` (which calls the service and raises PmdeskError to refuse); `saved` holds
    what it returned. Subclasses lay out `error_label` and `buttons` and name their fields in
    `field_widgets`.

    `message_style`: show the refusal as the service words it, on a label of this style (the
    closed loop's dialogs); None: in the form's words (`failure_text`), on the form error style."""

    def __init__(
        self,
        title: str,
        parent: QWidget | None = None,
        *,
        minimum_width: int = 460,
        message_style: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(minimum_width)
        self._plain_messages = message_style is not None
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        if message_style is not None:
            self.error_label.setStyleSheet(message_style)
        else:
            self.setStyleSheet(ERROR_STYLE)
            self.error_label.setObjectName("formErrors")
            self.error_label.setTextFormat(Qt.TextFormat.RichText)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        self.saved: Any = None

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _save(self) -> Any:
        raise NotImplementedError

    def failure_text(self, exc: PmdeskError) -> str:
        """Why OK did not save, for the rich-text error label."""
        return failure_html(exc)

    def field_widgets(self) -> Mapping[str, QWidget]:
        """The widgets of the fields a refusal may name, by the service's field name."""
        return {}

    def show_failure(self, exc: PmdeskError) -> None:
        """Say why the last save failed."""
        self.error_label.setText(str(exc) if self._plain_messages else self.failure_text(exc))
        self.error_label.show()
        if not self._plain_messages:
            # Grown to the message: a top-level window does not follow a wrapped label's height.
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def _on_ok_clicked(self) -> None:
        try:
            self.saved = self._save()
        except PmdeskError as exc:
            self.show_failure(exc)
            self._focus_field(exc)
            return
        self.accept()

    def _focus_field(self, exc: PmdeskError) -> None:
        fields = self.field_widgets()
        problems = exc.problems if isinstance(exc, ValidationError) else []
        widget = next((fields[p.field] for p in problems if p.field in fields), None)
        if widget is None or (isinstance(widget, QLineEdit) and widget.isReadOnly()):
            return
        widget.setFocus()
        if isinstance(widget, QLineEdit):
            widget.selectAll()

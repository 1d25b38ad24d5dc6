# SPDX-License-Identifier: GPL-3.0-or-later
"""Add or edit one person of a programme: code, name, organisation, role, e-mail."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError, ValidationError
from pmdesk.ui.form_errors import ERROR_STYLE, failure_html

if TYPE_CHECKING:
    from pmdesk.services.sites import PersonInfo

# Called with (code, name, organisation, role, email); raises PmdeskError to keep the dialog open.
PersonSubmit = Callable[[str, str, str, str, str], object]


class PersonDialog(QDialog):
    """On OK the person is saved through `submit`; a refusal is shown and the dialog stays open.
    Editing keeps the code: it is how files and packages refer to the person."""

    def __init__(
        self, submit: PersonSubmit, person: PersonInfo | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit {person.name}" if person else "Add person")
        self.setStyleSheet(ERROR_STYLE)
        self.setMinimumWidth(460)
        self._submit = submit
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("formErrors")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.RichText)
        self.error_label.hide()
        self.code_edit = QLineEdit(person.code if person else "", self)
        self.code_edit.setMaxLength(40)
        self.code_edit.setReadOnly(person is not None)
        if person is not None:
            # Read-only must look different from editable, or people type into it in vain.
            self.code_edit.setStyleSheet("QLineEdit { background: palette(window); }")
        self.code_edit.setToolTip(
            "A short key such as 'amina': letters, digits, '.', '_' or '-'"
            + ("; it cannot change" if person else "")
        )
        self.name_edit = QLineEdit(person.name if person else "", self)
        self.organisation_edit = QLineEdit(person.organisation if person else "", self)
        self.role_edit = QLineEdit(person.role if person else "", self)
        self.role_edit.setPlaceholderText("e.g. M&E officer")
        self.email_edit = QLineEdit(person.email if person else "", self)
        form = QFormLayout()
        for text, edit in (
            ("&Code:", self.code_edit),
            ("&Name:", self.name_edit),
            ("&Organisation:", self.organisation_edit),
            ("&Role:", self.role_edit),
            ("&E-mail:", self.email_edit),
        ):
            label = QLabel(text, self)
            label.setBuddy(edit)
            form.addRow(label, edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        (self.name_edit if person else self.code_edit).setFocus()

    def _on_ok_clicked(self) -> None:
        try:
            self._submit(
                self.code_edit.text().strip(),
                self.name_edit.text(),
                self.organisation_edit.text().strip(),
                self.role_edit.text().strip(),
                self.email_edit.text().strip(),
            )
        except PmdeskError as exc:
            self.show_failure(exc)
            self._focus_field(exc)
            return
        self.accept()

    def show_failure(self, exc: PmdeskError) -> None:
        """Say why the last save failed (the dialog opens with the input it was given)."""
        self.error_label.setText(failure_html(exc))
        self.error_label.show()
        # Grown to the message: a top-level window does not follow a wrapped label's height.
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def _focus_field(self, exc: PmdeskError) -> None:
        fields = {"code": self.code_edit, "name": self.name_edit, "email": self.email_edit}
        problems = exc.problems if isinstance(exc, ValidationError) else []
        widget = next((fields[p.field] for p in problems if p.field in fields), None)
        if widget is not None and not widget.isReadOnly():
            widget.setFocus()
            widget.selectAll()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Add or edit one person of a programme: code, name, organisation, role, e-mail."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.ui.widgets.form_dialog import FormDialog

if TYPE_CHECKING:
    from pmdesk.services.sites import PersonInfo

# Called with (code, name, organisation, role, email); raises PmdeskError to keep the dialog open.
PersonSubmit = Callable[[str, str, str, str, str], object]


class PersonDialog(FormDialog):
    """On OK the person is saved through `submit`; a refusal is shown and the dialog stays open.
    Editing keeps the code: it is how files and packages refer to the person."""

    def __init__(
        self, submit: PersonSubmit, person: PersonInfo | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"Edit {person.name}" if person else "Add person", parent)
        self._submit = submit
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
        layout = QVBoxLayout(self)
        layout.addWidget(self.error_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        (self.name_edit if person else self.code_edit).setFocus()

    def _save(self) -> object:
        return self._submit(
            self.code_edit.text().strip(),
            self.name_edit.text(),
            self.organisation_edit.text().strip(),
            self.role_edit.text().strip(),
            self.email_edit.text().strip(),
        )

    def field_widgets(self) -> dict[str, QWidget]:
        return {"code": self.code_edit, "name": self.name_edit, "email": self.email_edit}

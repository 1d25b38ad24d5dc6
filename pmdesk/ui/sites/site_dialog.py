# SPDX-License-Identifier: GPL-3.0-or-later
"""Add or edit one site: code, name and the site it belongs under (the keyboard way to move a site)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.ui.widgets.form_dialog import FormDialog

if TYPE_CHECKING:
    from pmdesk.services.sites import SiteInfo

TOP_LEVEL = "(top level — no site above it)"
# Called with (code, name, parent code or None); raises PmdeskError to keep the dialog open.
SiteSubmit = Callable[[str, str, "str | None"], object]


class SiteDialog(FormDialog):
    """The service call happens on OK; a refusal is shown above the form and nothing closes."""

    def __init__(
        self,
        title: str,
        sites: Sequence[SiteInfo],
        submit: SiteSubmit,
        *,
        site: SiteInfo | None = None,
        parent_code: str | None = None,
        excluded: set[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self._submit = submit
        self.code_edit = QLineEdit(site.code if site else "", self)
        self.code_edit.setMaxLength(40)
        self.code_edit.setToolTip("1–40 letters, digits, '.', '_' or '-'; unique in the programme")
        self.name_edit = QLineEdit(site.name if site else "", self)
        self.parent_combo = QComboBox(self)
        self.parent_combo.addItem(TOP_LEVEL, None)
        # A site cannot go under itself or under a site below it: those are not offered.
        excluded = excluded or set()
        for other in sites:
            if other.code in excluded:
                continue
            self.parent_combo.addItem(f"{'    ' * other.depth}{other.name} ({other.code})", other.code)
        wanted = site.parent_code if site else parent_code
        self.parent_combo.setCurrentIndex(max(self.parent_combo.findData(wanted), 0))

        form = QFormLayout()
        form.addRow(_label("&Code:", self.code_edit, self), self.code_edit)
        form.addRow(_label("&Name:", self.name_edit, self), self.name_edit)
        form.addRow(_label("&Under:", self.parent_combo, self), self.parent_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        (self.name_edit if site else self.code_edit).setFocus()

    def parent_code(self) -> str | None:
        data = self.parent_combo.currentData()
        return str(data) if data is not None else None

    def _save(self) -> object:
        return self._submit(self.code_edit.text().strip(), self.name_edit.text(), self.parent_code())

    def field_widgets(self) -> dict[str, QWidget]:
        return {"code": self.code_edit, "name": self.name_edit}


def _label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label

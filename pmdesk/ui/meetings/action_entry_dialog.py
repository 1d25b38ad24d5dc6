# SPDX-License-Identifier: GPL-3.0-or-later
"""Adding an action item during live minutes: what, who (picked from People or typed), by when,
how urgent, and the decision it comes from. Keyboard first: Tab between fields, Enter to add."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

PRIORITIES = (("high", "High"), ("medium", "Medium"), ("low", "Low"))
DEFAULT_DUE_DAYS = 30


@dataclass(frozen=True)
class ActionEntry:
    title: str
    owner: str
    owner_person_code: str | None  # when the owner was picked from People
    due: date
    priority: str
    decision_uuid: str | None


class ActionEntryDialog(QDialog):
    def __init__(
        self,
        people: list[tuple[str, str]],  # (code, name)
        decisions: list[tuple[str, str]],  # (uuid, text) of the current item, latest last
        held_on: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add an action item")
        self._people = people
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("What will be done")
        self.owner = QComboBox(self)
        self.owner.setEditable(True)
        self.owner.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.owner.addItem("", None)
        for code, name in people:
            self.owner.addItem(name, code)
        self.owner.setCurrentIndex(0)
        line = self.owner.lineEdit()
        if line is not None:
            line.setPlaceholderText("Pick from People or type a name")
        self.due = QDateEdit(self)
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("d MMM yyyy")
        start = max(held_on, date.today()) + timedelta(days=DEFAULT_DUE_DAYS)
        self.due.setDate(QDate(start.year, start.month, start.day))
        self.priority = QComboBox(self)
        for value, label in PRIORITIES:
            self.priority.addItem(label, value)
        self.priority.setCurrentIndex(1)
        self.decision = QComboBox(self)
        self.decision.addItem("None", None)
        for uuid, text in decisions:
            shown = " ".join(text.split()) or "(decision not typed yet)"
            self.decision.addItem(shown if len(shown) <= 60 else shown[:59] + "…", uuid)
        self.decision.setCurrentIndex(self.decision.count() - 1)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a3231a")
        form = QFormLayout()
        form.addRow("&Action:", self.title_edit)
        form.addRow("&Owner:", self.owner)
        form.addRow("&Due:", self.due)
        form.addRow("&Priority:", self.priority)
        form.addRow("From &decision:", self.decision)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Add action")
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def entry(self) -> ActionEntry:
        typed = " ".join(self.owner.currentText().split())
        code = None
        for person_code, name in self._people:
            if name.casefold() == typed.casefold():
                code = person_code
        due = self.due.date()
        return ActionEntry(
            " ".join(self.title_edit.text().split()),
            typed,
            code,
            date(due.year(), due.month(), due.day()),
            str(self.priority.currentData()),
            self.decision.currentData(),
        )

    def _on_accept(self) -> None:
        if not self.entry().title:
            self.message.setText("Say what will be done: an action needs a title.")
            self.title_edit.setFocus()
            return
        self.accept()

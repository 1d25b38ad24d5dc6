# SPDX-License-Identifier: GPL-3.0-or-later
"""The dialogs of the action tracker: a new or changed action, a dated progress update, and
closing with a note (OK stays disabled until the note is written)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.actions import ActionSource, ActionStatus, Priority
from pmdesk.services.actions import ActionData, ActionInfo
from pmdesk.services.sites import PersonInfo
from pmdesk.ui.form_errors import LOOP_ERROR_STYLE
from pmdesk.ui.widgets.form_dialog import FormDialog


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


@dataclass(frozen=True)
class ActionSourceChoice:
    """Where a new action comes from, when it is made from a decision, an alert or a lesson."""

    kind: ActionSource
    uuid: str
    text: str  # how the dialog names it
    indicator_codes: tuple[str, ...] = ()  # proposed as the action's indicators


class ActionDialog(FormDialog):
    """A new action, or the typed fields of an existing one."""

    def __init__(
        self,
        save: Callable[[ActionData], ActionInfo],
        people: Sequence[PersonInfo],
        indicator_codes: Sequence[str],
        action: ActionInfo | None = None,
        parent: QWidget | None = None,
        *,
        source: ActionSourceChoice | None = None,
    ) -> None:
        super().__init__("Change action" if action else "New action", parent, message_style=LOOP_ERROR_STYLE)
        self._save_fn = save
        self._people = list(people)
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("What will be done (required)")
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(60)
        self.owner_box = QComboBox(self)
        self.owner_box.setEditable(True)
        # A typed name stays typed: inserted as an item it would pass for a Person of the programme.
        self.owner_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.owner_box.addItem("", None)
        for person in self._people:
            label = f"{person.name} ({person.role})" if person.role else person.name
            self.owner_box.addItem(label, person.code)
        owner_line = self.owner_box.lineEdit()
        if owner_line is not None:
            owner_line.setPlaceholderText("Pick a person or type a name")
        self.has_due = QCheckBox("&Due by", self)
        self.due_edit = QDateEdit(self)
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd")
        self.due_edit.setDate(_qdate(date.today()))
        self.has_due.toggled.connect(self.due_edit.setEnabled)
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due_edit, 1)
        self.priority_box = QComboBox(self)
        for priority in Priority:
            self.priority_box.addItem(priority.label, priority.value)
        self.priority_box.setCurrentIndex(1)
        self.indicators_edit = QLineEdit(self)
        self.indicators_edit.setPlaceholderText("Indicator codes, e.g. 1.1, 2.3")
        if indicator_codes:
            self.indicators_edit.setToolTip("This programme's indicators: " + ", ".join(indicator_codes))
        self._source: tuple[str | None, str | None, str | None] = (None, None, None)
        self.source_label = QLabel("", self)
        self.source_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Description:", self.description_edit)
        form.addRow("&Owner:", self.owner_box)
        form.addRow("", due_row)
        form.addRow("&Priority:", self.priority_box)
        form.addRow("&Indicators:", self.indicators_edit)
        form.addRow("Source:", self.source_label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        if action is not None:
            self._fill(action)
        else:
            self.has_due.setChecked(False)
            self.due_edit.setEnabled(False)
            self.source_label.setText("None (an action of its own)")
            if source is not None:
                self._source = (
                    source.uuid if source.kind is ActionSource.DECISION else None,
                    source.uuid if source.kind is ActionSource.ALERT else None,
                    source.uuid if source.kind is ActionSource.LESSON else None,
                )
                self.source_label.setText(f"{source.kind.label}: {source.text}")
                self.indicators_edit.setText(", ".join(source.indicator_codes))

    def _fill(self, action: ActionInfo) -> None:
        self.title_edit.setText(action.title)
        self.description_edit.setPlainText(action.description)
        index = self.owner_box.findData(action.owner_person_code) if action.owner_person_code else -1
        if index >= 0:
            self.owner_box.setCurrentIndex(index)
        else:
            self.owner_box.setEditText(action.owner)
        self.has_due.setChecked(action.due is not None)
        self.due_edit.setEnabled(action.due is not None)
        if action.due is not None:
            self.due_edit.setDate(_qdate(action.due))
        self.priority_box.setCurrentIndex(self.priority_box.findData(action.priority.value))
        self.indicators_edit.setText(", ".join(action.indicator_codes))
        kind = action.source.value
        self._source = (
            action.source_uuid if kind == "decision" else None,
            action.source_uuid if kind == "alert" else None,
            action.source_uuid if kind == "lesson" else None,
        )
        self.source_label.setText(
            f"{action.source.label}: {action.source_text}"
            if kind != "none"
            else "None (an action of its own)"
        )

    def data(self) -> ActionData:
        text = self.owner_box.currentText().strip()
        code = self.owner_box.currentData()
        # currentData follows the picked item; a name typed over it is a typed owner.
        picked = self.owner_box.itemText(self.owner_box.currentIndex()) == text and isinstance(code, str)
        codes = tuple(
            c.strip() for c in self.indicators_edit.text().replace(";", ",").split(",") if c.strip()
        )
        decision, alert, lesson = self._source
        return ActionData(
            title=self.title_edit.text(),
            owner="" if picked else text,
            owner_person_code=code if picked else None,
            due=_pydate(self.due_edit.date()) if self.has_due.isChecked() else None,
            priority=str(self.priority_box.currentData()),
            description=self.description_edit.toPlainText(),
            indicator_codes=codes,
            decision_uuid=decision,
            alert_uuid=alert,
            lesson_uuid=lesson,
        )

    def _save(self) -> ActionInfo:
        return self._save_fn(self.data())


class UpdateDialog(FormDialog):
    """A dated note of progress, optionally moving the action to open or in progress."""

    def __init__(
        self,
        save: Callable[[str, ActionStatus | None, date], ActionInfo],
        action: ActionInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Progress update — {action.code}", parent, message_style=LOOP_ERROR_STYLE)
        self._save_fn = save
        intro = QLabel(f"<b>{_escape(action.code)}</b> {_escape(action.title)}", self)
        intro.setWordWrap(True)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText("What happened since the last update (required)")
        self.note_edit.setFixedHeight(90)
        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDate(_qdate(date.today()))
        self.date_edit.setMaximumDate(_qdate(date.today()))
        self.status_box = QComboBox(self)
        self.status_box.addItem(f"Keep: {action.status.label}", None)
        if not action.status.is_closed:
            for status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS):
                if status is not action.status:
                    self.status_box.addItem(f"Move to: {status.label}", status.value)
        form = QFormLayout()
        form.addRow("&Note:", self.note_edit)
        form.addRow("&On:", self.date_edit)
        form.addRow("&Status:", self.status_box)
        hint = QLabel("To close the action as done or dropped, use Close… (it asks what was done).", self)
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.note_edit.textChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.note_edit.toPlainText().strip()))

    def _save(self) -> ActionInfo:
        value = self.status_box.currentData()
        status = ActionStatus(value) if isinstance(value, str) else None
        return self._save_fn(self.note_edit.toPlainText(), status, _pydate(self.date_edit.date()))


class CloseDialog(FormDialog):
    """Done or dropped, with a note on what was done (or why it was dropped)."""

    def __init__(
        self,
        save: Callable[[ActionStatus, str, date], ActionInfo],
        action: ActionInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Close action — {action.code}", parent, message_style=LOOP_ERROR_STYLE)
        self._save_fn = save
        intro = QLabel(f"<b>{_escape(action.code)}</b> {_escape(action.title)}", self)
        intro.setWordWrap(True)
        self.done_button = QRadioButton("&Done", self)
        self.dropped_button = QRadioButton("D&ropped", self)
        self.done_button.setChecked(True)
        choice = QHBoxLayout()
        choice.addWidget(self.done_button)
        choice.addWidget(self.dropped_button)
        choice.addStretch(1)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(90)
        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDate(_qdate(date.today()))
        self.date_edit.setMaximumDate(_qdate(date.today()))
        self.need_label = QLabel("", self)
        self.need_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Closed as:", choice)
        form.addRow("&What was done:", self.note_edit)
        form.addRow("&On:", self.date_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.need_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.note_edit.textChanged.connect(self._update_ok)
        self.done_button.toggled.connect(self._update_ok)
        self._update_ok()

    def status(self) -> ActionStatus:
        return ActionStatus.DONE if self.done_button.isChecked() else ActionStatus.DROPPED

    def _update_ok(self) -> None:
        done = self.status() is ActionStatus.DONE
        self.note_edit.setPlaceholderText(
            "Say what was done (required)" if done else "Say why the action is dropped (required)"
        )
        has_note = bool(self.note_edit.toPlainText().strip())
        self.ok_button.setEnabled(has_note)
        self.need_label.setText(
            "" if has_note else "A closed action needs a note: the next meeting reads what was done."
        )

    def _save(self) -> ActionInfo:
        return self._save_fn(self.status(), self.note_edit.toPlainText(), _pydate(self.date_edit.date()))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

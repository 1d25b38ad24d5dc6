# SPDX-License-Identifier: GPL-3.0-or-later
"""New or edit a meeting: kind, title, date, place, facilitator, and attendees picked from the
programme's People or typed in (a typed name can be added to People)."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QStringListModel, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError
from pmdesk.domain.meetings import KIND_LABELS, MeetingKind, clean_names
from pmdesk.services.meetings import AttendeeData, MeetingData, MeetingDetail
from pmdesk.services.sites import PersonInfo
from pmdesk.ui.workers import Job, Workers

MeetingSubmit = Callable[[MeetingData], object]  # raises PmdeskError to keep the dialog open


class MeetingDialog(QDialog):
    def __init__(
        self,
        submit: MeetingSubmit,
        people: list[PersonInfo],
        detail: MeetingDetail | None = None,
        parent: QWidget | None = None,
        *,
        workers: Workers | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit {detail.meeting.title}" if detail else "New meeting")
        self.setMinimumWidth(520)
        self._submit = submit
        # With workers, `submit` runs off the UI thread: a review meeting's proposed agenda reads
        # the IPTT of the programme, some 0.3 s on a million values (issue #11 §2).
        self._workers = workers
        self.job: Job | None = None
        self._ok_text = ""
        self._people = {p.name.casefold(): p for p in people}
        meeting = detail.meeting if detail else None
        self.kind = QComboBox(self)
        for kind in MeetingKind:
            self.kind.addItem(KIND_LABELS[kind], kind.value)
        if meeting is not None:
            self.kind.setCurrentIndex(self.kind.findData(meeting.kind.value))
        self.title_edit = QLineEdit(meeting.title if meeting else "", self)
        self.title_edit.setPlaceholderText("e.g. Q2 2025 quarterly review")
        self.held_on = QDateEdit(self)
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("d MMM yyyy")
        day = meeting.held_on if meeting else date.today()
        self.held_on.setDate(QDate(day.year, day.month, day.day))
        self.place = QLineEdit(meeting.place if meeting else "", self)
        self.facilitator = self._person_box(meeting.facilitator if meeting else "")
        self.attendee_box = self._person_box("")
        # Enter in the attendee box adds the name (and does not close the dialog).
        self.attendee_box.installEventFilter(self)
        if self.attendee_box.lineEdit() is not None:
            self.attendee_box.lineEdit().installEventFilter(self)  # type: ignore[union-attr]
        add = QPushButton("&Add", self)
        add.setAutoDefault(False)
        add.clicked.connect(self._on_add_attendee)
        self.attendees_model = QStringListModel([a.name for a in detail.attendees] if detail else [], self)
        self.attendees = QListView(self)
        self.attendees.setModel(self.attendees_model)
        self.attendees.setMaximumHeight(140)
        remove = QPushButton("&Remove", self)
        remove.setAutoDefault(False)
        remove.clicked.connect(self._on_remove_attendee)
        self.add_to_people = QCheckBox("Add typed names to the programme's &People", self)
        self.add_to_people.setChecked(True)
        self.proposal_note = QLabel(
            "A review meeting starts with an agenda proposed from the evidence: off-track and "
            "at-risk indicators, open alerts, actions due, the last meeting's decisions, reports to chase.",
            self,
        )
        self.proposal_note.setWordWrap(True)
        self.proposal_note.setVisible(detail is None)
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #a3231a")
        self.error_label.hide()

        row = QHBoxLayout()
        row.addWidget(self.attendee_box, 1)
        row.addWidget(add)
        listed = QHBoxLayout()
        listed.addWidget(self.attendees, 1)
        listed.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
        form = QFormLayout()
        form.addRow("&Kind:", self.kind)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Date:", self.held_on)
        form.addRow("P&lace:", self.place)
        form.addRow("&Facilitator:", self.facilitator)
        form.addRow("Atte&ndees:", row)
        form.addRow("", listed)
        form.addRow("", self.add_to_people)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons = buttons
        self.form_widgets: tuple[QWidget, ...] = (
            self.kind,
            self.title_edit,
            self.held_on,
            self.place,
            self.facilitator,
            self.attendee_box,
            self.attendees,
            add,
            remove,
            self.add_to_people,
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Create meeting" if detail is None else "Save")
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error_label)
        layout.addLayout(form)
        layout.addWidget(self.proposal_note)
        layout.addWidget(buttons)

    def _person_box(self, text: str) -> QComboBox:
        box = QComboBox(self)
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.addItem("")
        for person in self._people.values():
            box.addItem(person.name)
        box.setCurrentText(text)
        line = box.lineEdit()
        if line is not None:
            line.setPlaceholderText("Pick from People or type a name")
        return box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and watched in (self.attendee_box, self.attendee_box.lineEdit())
            and self.attendee_box.currentText().strip()
        ):
            self._on_add_attendee()
            return True
        return super().eventFilter(watched, event)

    @property
    def attendee_names(self) -> list[str]:
        return list(self.attendees_model.stringList())

    def add_attendee(self, name: str) -> None:
        names = clean_names([*self.attendee_names, name])
        self.attendees_model.setStringList(names)

    def _on_add_attendee(self) -> None:
        self.add_attendee(self.attendee_box.currentText())
        self.attendee_box.setCurrentText("")

    def _on_remove_attendee(self) -> None:
        index = self.attendees.currentIndex()
        if index.isValid():
            self.attendees_model.removeRows(index.row(), 1)

    def data(self) -> MeetingData:
        if self.attendee_box.currentText().strip():  # typed but not yet added: take it
            self._on_add_attendee()
        day = self.held_on.date()
        attendees = []
        for name in self.attendee_names:
            person = self._people.get(name.casefold())
            attendees.append(
                AttendeeData(
                    name, person.id if person else None, self.add_to_people.isChecked() and not person
                )
            )
        return MeetingData(
            str(self.kind.currentData()),
            self.title_edit.text(),
            date(day.year(), day.month(), day.day()),
            self.place.text(),
            self.facilitator.currentText(),
            tuple(attendees),
        )

    def _on_accept(self) -> None:
        if self.job is not None:
            return  # saving already
        data = self.data()
        if self._workers is not None:
            self._set_saving(True)
            job = Job(self._submit, data, name="save meeting")
            job.finished.connect(lambda _result: self._on_saved())
            job.failed.connect(lambda error: self._on_refused(_why_not_saved(error)))
            self.job = self._workers.start(job)
            return
        try:
            self._submit(data)
        except PmdeskError as exc:
            self._on_refused(str(exc))
            return
        self.accept()

    @property
    def is_saving(self) -> bool:
        return self.job is not None

    def _set_saving(self, saving: bool) -> None:
        for widget in (*self.form_widgets, self.buttons):
            widget.setEnabled(not saving)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if saving:
            # Said on the button the user just pressed: what the wait is for.
            self._ok_text = ok.text()
            proposing = self.proposal_note.isVisible() and self.kind.currentData() == MeetingKind.REVIEW.value
            ok.setText("Proposing the agenda …" if proposing else "Saving …")
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            ok.setText(self._ok_text)
            self.job = None
            QGuiApplication.restoreOverrideCursor()

    def _on_saved(self) -> None:
        self._set_saving(False)
        self.accept()

    def _on_refused(self, message: str) -> None:
        if self.job is not None:
            self._set_saving(False)
        self.error_label.setText(html.escape(message))
        self.error_label.show()

    def reject(self) -> None:
        if self.job is None:  # a save under way is not abandoned half-way (Esc, the close box)
            super().reject()


def _why_not_saved(error: BaseException) -> str:
    """A refusal says itself; anything else was logged where the job ran."""
    if isinstance(error, PmdeskError):
        return str(error)
    return "The meeting was not saved: an unexpected problem stopped it. The details are in the log file."

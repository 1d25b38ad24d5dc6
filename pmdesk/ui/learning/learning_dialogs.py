# SPDX-License-Identifier: GPL-3.0-or-later
"""The forms of a lesson and of a piece of feedback, each with its links to indicators and actions
and, optionally, the meeting it came from. A refusal is shown in the form, which stays open."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.learning import CHANNELS, FeedbackStatus, parse_tags
from pmdesk.services.learning import FeedbackData, FeedbackInfo, LessonData, LessonInfo, Links
from pmdesk.services.meetings import MeetingSummary
from pmdesk.ui.form_errors import LOOP_ERROR_STYLE
from pmdesk.ui.widgets.form_dialog import FormDialog


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.replace(";", ",").split(",") if c.strip())


def _text_box(parent: QWidget, placeholder: str, lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


def _date_edit(parent: QWidget, value: date) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value.year, value.month, value.day))
    today = date.today()
    edit.setMaximumDate(QDate(today.year, today.month, today.day))
    return edit


def _pydate(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class _RecordDialog(FormDialog):
    def __init__(self, title: str, meetings: Sequence[MeetingSummary], parent: QWidget | None) -> None:
        super().__init__(title, parent, minimum_width=520, message_style=LOOP_ERROR_STYLE)
        self.form_widget = QWidget(self)
        self.form = QFormLayout(self.form_widget)
        self.meeting_box = QComboBox(self)
        self.meeting_box.addItem("None", None)
        for meeting in meetings:
            self.meeting_box.addItem(f"{meeting.title} ({meeting.held_on.isoformat()})", meeting.uuid)
        self.indicators_edit = QLineEdit(self)
        self.indicators_edit.setPlaceholderText("Indicator codes, e.g. 1.1, 2.3")
        self.actions_edit = QLineEdit(self)
        self.actions_edit.setPlaceholderText("Action codes, e.g. A-1, A-4")
        # A tall form scrolls on a small screen rather than running off it.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_widget)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _add_links(self) -> None:
        self.form.addRow("From &meeting:", self.meeting_box)
        self.form.addRow("&Indicators:", self.indicators_edit)
        self.form.addRow("&Actions:", self.actions_edit)

    def _set_links(self, links: Links, meeting_uuid: str | None) -> None:
        self.indicators_edit.setText(", ".join(links.indicator_codes))
        self.actions_edit.setText(", ".join(links.action_codes))
        index = self.meeting_box.findData(meeting_uuid) if meeting_uuid else 0
        self.meeting_box.setCurrentIndex(max(index, 0))

    def links(self) -> Links:
        return Links(_codes(self.indicators_edit.text()), _codes(self.actions_edit.text()))

    def meeting_uuid(self) -> str | None:
        value = self.meeting_box.currentData()
        return value if isinstance(value, str) else None


class LessonDialog(_RecordDialog):
    def __init__(
        self,
        save: Callable[[LessonData], LessonInfo],
        meetings: Sequence[MeetingSummary],
        lesson: LessonInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Change lesson" if lesson else "New lesson", meetings, parent)
        self._save_fn = save
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("In a few words (required)")
        self.what_edit = _text_box(self, "What happened")
        self.why_edit = _text_box(self, "Why it happened")
        self.lesson_edit = _text_box(self, "What we learn (required)")
        self.recommendation_edit = _text_box(self, "What to do next time")
        self.tags_edit = QLineEdit(self)
        self.tags_edit.setPlaceholderText("Tags, separated by commas")
        self.date_edit = _date_edit(self, lesson.recorded_on if lesson else date.today())
        self.form.addRow("&Title:", self.title_edit)
        self.form.addRow("What &happened:", self.what_edit)
        self.form.addRow("&Why:", self.why_edit)
        self.form.addRow("&Lesson:", self.lesson_edit)
        self.form.addRow("&Recommendation:", self.recommendation_edit)
        self.form.addRow("Ta&gs:", self.tags_edit)
        self.form.addRow("Recorded &on:", self.date_edit)
        self._add_links()
        if lesson is not None:
            self.title_edit.setText(lesson.title)
            self.what_edit.setPlainText(lesson.what_happened)
            self.why_edit.setPlainText(lesson.why)
            self.lesson_edit.setPlainText(lesson.lesson)
            self.recommendation_edit.setPlainText(lesson.recommendation)
            self.tags_edit.setText(", ".join(lesson.tags))
            self._set_links(lesson.links, lesson.meeting_uuid)

    def data(self) -> LessonData:
        return LessonData(
            title=self.title_edit.text(),
            lesson=self.lesson_edit.toPlainText(),
            what_happened=self.what_edit.toPlainText(),
            why=self.why_edit.toPlainText(),
            recommendation=self.recommendation_edit.toPlainText(),
            tags=parse_tags(self.tags_edit.text()),
            recorded_on=_pydate(self.date_edit),
            meeting_uuid=self.meeting_uuid(),
            links=self.links(),
        )

    def _save(self) -> LessonInfo:
        return self._save_fn(self.data())


class FeedbackDialog(_RecordDialog):
    def __init__(
        self,
        save: Callable[[FeedbackData], FeedbackInfo],
        meetings: Sequence[MeetingSummary],
        feedback: FeedbackInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Change feedback" if feedback else "New feedback", meetings, parent)
        self._save_fn = save
        self.source_edit = QLineEdit(self)
        self.source_edit.setPlaceholderText("Who: a community, a partner, a donor (required)")
        self.channel_box = QComboBox(self)
        self.channel_box.setEditable(True)
        self.channel_box.addItems(["", *CHANNELS])
        self.date_edit = _date_edit(self, feedback.received_on if feedback else date.today())
        self.summary_edit = _text_box(self, "What they said (required)", 4)
        self.response_edit = _text_box(self, "What we answered", 3)
        self.status_box = QComboBox(self)
        for status in FeedbackStatus:
            self.status_box.addItem(status.label, status.value)
        self.status_hint = QLabel(
            "Closed means the response was communicated back; it needs a response.", self
        )
        self.status_hint.setWordWrap(True)
        self.form.addRow("&Source:", self.source_edit)
        self.form.addRow("&Channel:", self.channel_box)
        self.form.addRow("&Received on:", self.date_edit)
        self.form.addRow("S&ummary:", self.summary_edit)
        self.form.addRow("Res&ponse:", self.response_edit)
        self.form.addRow("S&tatus:", self.status_box)
        self.form.addRow("", self.status_hint)
        self._add_links()
        if feedback is not None:
            self.source_edit.setText(feedback.source)
            self.channel_box.setEditText(feedback.channel)
            self.summary_edit.setPlainText(feedback.summary)
            self.response_edit.setPlainText(feedback.response)
            self.status_box.setCurrentIndex(self.status_box.findData(feedback.status.value))
            self._set_links(feedback.links, feedback.meeting_uuid)

    def data(self) -> FeedbackData:
        return FeedbackData(
            source=self.source_edit.text(),
            summary=self.summary_edit.toPlainText(),
            channel=self.channel_box.currentText(),
            received_on=_pydate(self.date_edit),
            response=self.response_edit.toPlainText(),
            status=FeedbackStatus(str(self.status_box.currentData())),
            meeting_uuid=self.meeting_uuid(),
            links=self.links(),
        )

    def _save(self) -> FeedbackInfo:
        return self._save_fn(self.data())

# SPDX-License-Identifier: GPL-3.0-or-later
"""Lessons & feedback (issue #9 §7): the lessons log and the stakeholder feedback log of a
programme, each searchable with a find box and linkable to indicators and actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.actions import ActionSource
from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.actions.action_dialogs import ActionDialog, ActionSourceChoice
from pmdesk.ui.formatting import counted
from pmdesk.ui.learning.learning_dialogs import FeedbackDialog, LessonDialog
from pmdesk.ui.learning.learning_models import FeedbackTableModel, LessonTableModel
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import ChangeKind, DataChange, Navigation
from pmdesk.ui.workers import Job

if TYPE_CHECKING:
    from pmdesk.services.actions import ActionData, ActionInfo
    from pmdesk.services.learning import FeedbackInfo, LearningService, LessonInfo
    from pmdesk.services.meetings import MeetingSummary
    from pmdesk.ui.context import UiContext

RELEVANT_CHANGES = frozenset({"lessons", "feedback", "actions", "framework", "meetings", "programmes"})
FIND_DELAY_MS = 200  # wait for a pause in typing before searching again


@dataclass(frozen=True)
class LearningRequest:
    programme_code: str
    search: str
    serial: int


@dataclass(frozen=True)
class LearningLoad:
    request: LearningRequest
    lessons: tuple[LessonInfo, ...]
    feedback: tuple[FeedbackInfo, ...]


def load_learning(learning: LearningService, request: LearningRequest) -> LearningLoad:
    """The job: runs on a pool thread and touches no widget."""
    return LearningLoad(
        request,
        tuple(learning.lessons(request.programme_code, request.search)),
        tuple(learning.feedback(request.programme_code, request.search)),
    )


class LearningScreen(Screen):
    title = "Lessons & feedback"
    name = "learning"

    learning_loaded = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._serial = 0
        self._job: Job | None = None
        self._pending_uuid: str | None = None
        self.active_dialog: QDialog | None = None
        self.lesson_model = LessonTableModel(self)
        self.feedback_model = FeedbackTableModel(self)
        self._find_timer = QTimer(self, singleShot=True, interval=FIND_DELAY_MS)
        self._find_timer.timeout.connect(self.refresh)
        self._build()

    def _build(self) -> None:
        self.title_label = QLabel("Lessons & feedback", self)
        font = QFont(self.font())
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title_label.setFont(font)
        self.find_edit = QLineEdit(self)
        self.find_edit.setPlaceholderText("Find: words in any field, tags, indicator or action codes")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.textChanged.connect(lambda _text: self._find_timer.start())
        find_label = QLabel("F&ind:", self)
        find_label.setBuddy(self.find_edit)
        header = QHBoxLayout()
        header.addWidget(self.title_label)
        header.addStretch(1)
        header.addWidget(find_label)
        header.addWidget(self.find_edit, 2)

        self.new_button = QPushButton("&New…", self)
        self.new_button.setToolTip("A new lesson or piece of feedback, on the tab shown (Alt+N)")
        self.edit_button = QPushButton("Ch&ange…", self)
        self.edit_button.setToolTip("Change the selected record (Enter)")
        self.action_button = QPushButton("&Action from this…", self)
        self.action_button.setToolTip(
            "A new action that comes from the selected lesson or feedback, linked to it, for the tracker"
        )
        for button in (self.new_button, self.edit_button, self.action_button):
            button.setAutoDefault(False)
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_record)
        self.action_button.clicked.connect(self.action_from_record)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.action_button)
        buttons.addStretch(1)

        self.lesson_view = self._table(self.lesson_model)
        self.feedback_view = self._table(self.feedback_model)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.lesson_view, "&Lessons")
        self.tabs.addTab(self.feedback_view, "Feed&back")
        self.tabs.currentChanged.connect(lambda _i: self._update_buttons())
        self.message_label = QLabel("", self)
        self.message_label.setWordWrap(True)
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(
            "background: #f6b6c4; color: #1a1a1a; padding: 6px; border-radius: 3px;"
        )
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message_label)
        self._update_buttons()

    def _table(self, model: LessonTableModel | FeedbackTableModel) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setStretchLastSection(True)
        view.doubleClicked.connect(lambda _index: self.edit_record())
        view.installEventFilter(self)
        return view

    # -- Screen -----------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        return self._job is not None

    @property
    def showing_feedback(self) -> bool:
        return self.tabs.currentWidget() is self.feedback_view

    def on_data_changed(self, change: DataChange) -> None:
        if change.kind in RELEVANT_CHANGES and not change.made_by(self):
            super().on_data_changed(change)

    def navigate(self, target: Navigation) -> None:
        """Show the lesson or feedback named by `target.record_uuid`, whatever the find box hid."""
        if target.record_uuid:
            self._pending_uuid = target.record_uuid
            self.find_edit.blockSignals(True)
            self.find_edit.clear()
            self.find_edit.blockSignals(False)
            self.refresh()

    def find_text(self, text: str) -> bool:
        self.find_edit.setText(text)
        return True

    def refresh(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        if self.programme_code is None:
            self.lesson_model.set_rows(())
            self.feedback_model.set_rows(())
            self.message_label.setText("Choose a programme to see its lessons and feedback.")
            self._update_buttons()
            return
        self._serial += 1
        request = LearningRequest(self.programme_code, self.find_edit.text(), self._serial)
        job = Job(load_learning, self.services.learning, request, name="learning")
        job.finished.connect(self._on_loaded)
        job.failed.connect(self._on_failed)
        self._job = self.context.workers.start(job)

    def _is_current(self) -> bool:
        return self._job is not None and self.sender() is self._job.signals

    def _on_loaded(self, load: LearningLoad) -> None:
        if not self._is_current() or load.request.serial != self._serial:
            return
        self._job = None
        self.error_label.hide()
        self.lesson_model.set_rows(load.lessons)
        self.feedback_model.set_rows(load.feedback)
        for view in (self.lesson_view, self.feedback_view):
            view.resizeColumnsToContents()
            chars = view.fontMetrics().averageCharWidth()
            for column in range(view.model().columnCount()):
                view.setColumnWidth(column, min(view.columnWidth(column), chars * 40))
        waiting = sum(1 for f in load.feedback if f.status.value == "open")
        found = f"matching “{load.request.search.strip()}”" if load.request.search.strip() else "in all"
        self.message_label.setText(
            f"{counted(len(load.lessons), 'lesson')} and "
            f"{counted(len(load.feedback), 'piece of feedback', 'pieces of feedback')} {found}; "
            f"{waiting} still waiting for a response (in bold). Enter or double-click edits."
        )
        self.tabs.setTabText(0, f"&Lessons ({len(load.lessons)})")
        self.tabs.setTabText(1, f"Feed&back ({len(load.feedback)})")
        self._select_pending()
        self._update_buttons()
        self.learning_loaded.emit()

    def _select_pending(self) -> None:
        uuid, self._pending_uuid = self._pending_uuid, None
        for view, model in ((self.lesson_view, self.lesson_model), (self.feedback_view, self.feedback_model)):
            row = model.row_of(uuid) if uuid else -1
            if row >= 0:
                self.tabs.setCurrentWidget(view)
                view.selectRow(row)
                view.setFocus()
            elif not view.currentIndex().isValid() and model.rowCount():
                view.selectRow(0)

    def _on_failed(self, error: BaseException) -> None:
        if not self._is_current():
            return
        self._job = None
        self._show_error(
            str(error)
            if isinstance(error, PmdeskError)
            else "Lessons and feedback could not be read; details are in the log file."
        )
        self.learning_loaded.emit()

    def _update_buttons(self) -> None:
        self.new_button.setEnabled(self.programme_code is not None)
        self.new_button.setText("&New feedback…" if self.showing_feedback else "&New lesson…")
        view = self.feedback_view if self.showing_feedback else self.lesson_view
        self.edit_button.setEnabled(view.model().rowCount() > 0)
        self.action_button.setEnabled(view.model().rowCount() > 0)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    # -- records ----------------------------------------------------------------------------

    def _meetings(self, code: str) -> list[MeetingSummary]:
        try:
            return self.services.meetings.list_meetings(code)
        except PmdeskError:
            return []

    def new_record(self) -> None:
        code = self.programme_code
        if code is None:
            return
        learning = self.services.learning
        if self.showing_feedback:
            self._open(
                FeedbackDialog(
                    lambda data: learning.save_feedback(code, data), self._meetings(code), parent=self
                )
            )
        else:
            self._open(
                LessonDialog(lambda data: learning.save_lesson(code, data), self._meetings(code), parent=self)
            )

    def edit_record(self) -> None:
        code = self.programme_code
        if code is None:
            return
        learning = self.services.learning
        if self.showing_feedback:
            item = self.feedback_model.feedback_at(self.feedback_view.currentIndex().row())
            if item is not None:
                uuid = item.uuid
                self._open(
                    FeedbackDialog(
                        lambda data: learning.save_feedback(code, data, uuid),
                        self._meetings(code),
                        item,
                        self,
                    )
                )
        else:
            lesson = self.lesson_model.lesson_at(self.lesson_view.currentIndex().row())
            if lesson is not None:
                uuid = lesson.uuid
                self._open(
                    LessonDialog(
                        lambda data: learning.save_lesson(code, data, uuid),
                        self._meetings(code),
                        lesson,
                        self,
                    )
                )

    def action_from_record(self) -> None:
        """An action from the selected lesson (its source) or feedback (linked to it once saved)."""
        code = self.programme_code
        if code is None:
            return
        try:
            people = self.services.sites.list_people(code)
            indicators = [i.data.code for i in self.services.framework.list_indicators(code)]
        except PmdeskError as error:
            self._show_error(str(error))
            return
        actions, learning = self.services.actions, self.services.learning
        if self.showing_feedback:
            item = self.feedback_model.feedback_at(self.feedback_view.currentIndex().row())
            if item is None:
                return
            feedback = item

            def save_linked(data: ActionData) -> ActionInfo:
                created = actions.create(code, data)
                learning.link_action(code, feedback.uuid, created.code)
                return created

            dialog = ActionDialog(save_linked, people, indicators, parent=self)
            dialog.source_label.setText(f"Feedback from {feedback.source} (linked once saved)")
            dialog.indicators_edit.setText(", ".join(feedback.links.indicator_codes))
        else:
            lesson = self.lesson_model.lesson_at(self.lesson_view.currentIndex().row())
            if lesson is None:
                return
            source = ActionSourceChoice(
                ActionSource.LESSON, lesson.uuid, lesson.title, lesson.links.indicator_codes
            )
            dialog = ActionDialog(
                lambda data: actions.create(code, data), people, indicators, parent=self, source=source
            )
        self._open_action(dialog)

    def _open_action(self, dialog: ActionDialog) -> None:
        if self.active_dialog is not None and not self.active_dialog.isVisible():
            self.active_dialog.deleteLater()
        self.active_dialog = dialog

        def on_accepted() -> None:
            if dialog.saved is not None:
                self.context.signals.announce(ChangeKind.ACTIONS, self.programme_code, origin=self)
                self.status_message.emit(f"Saved action {dialog.saved.code}; it is in Actions")
                self.refresh()

        dialog.accepted.connect(on_accepted)
        dialog.open()

    def _open(self, dialog: LessonDialog | FeedbackDialog) -> None:
        """Window-modal, not exec(): the event loop keeps running (and tests can reach it)."""
        if self.active_dialog is not None and not self.active_dialog.isVisible():
            self.active_dialog.deleteLater()
        self.active_dialog = dialog
        kind = ChangeKind.FEEDBACK if isinstance(dialog, FeedbackDialog) else ChangeKind.LESSONS

        def on_accepted() -> None:
            if dialog.saved is not None:
                self._pending_uuid = dialog.saved.uuid
                self.context.signals.announce(kind, self.programme_code, origin=self)
                self.status_message.emit("Saved")
                self.refresh()

        dialog.accepted.connect(on_accepted)
        dialog.open()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched in (self.lesson_view, self.feedback_view)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.edit_record()
            return True
        return super().eventFilter(watched, event)

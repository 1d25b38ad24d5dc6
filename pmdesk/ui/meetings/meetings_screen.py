# SPDX-License-Identifier: GPL-3.0-or-later
"""The Meetings screen: a programme's meetings (New…, Edit…, Open live minutes, Amend…) and the
agenda of the chosen one, which the facilitator reorders, trims and adds to before the meeting."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError
from pmdesk.services.meetings import MeetingData, MeetingDetail
from pmdesk.ui.formatting import local_clock
from pmdesk.ui.meetings import live_minutes
from pmdesk.ui.meetings.live_minutes import LiveMinutesWindow
from pmdesk.ui.meetings.meeting_dialog import MeetingDialog
from pmdesk.ui.meetings.meeting_table_model import COL_TITLE, AgendaListModel, MeetingTableModel
from pmdesk.ui.meetings.minutes_pdf_job import MinutesPdf
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import ChangeKind, DataChange, Navigation
from pmdesk.ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from pmdesk.ui.context import UiContext

NO_PROGRAMME = "Choose a programme first: meetings belong to one programme."


def ask_item_title(parent: QWidget) -> str | None:
    """The title of an agenda item added by hand (tests replace this)."""
    text, ok = QInputDialog.getText(parent, "Add an agenda item", "Title of the item:")
    return text if ok else None


def ask_amendment(parent: QWidget, title: str) -> str | None:
    """What an amendment to final minutes says (tests replace this)."""
    text, ok = QInputDialog.getMultiLineText(
        parent, "Amend the minutes", f"What is corrected in the minutes of “{title}”:"
    )
    return text if ok else None


class MeetingsScreen(Screen):
    title = "Meetings"
    name = "meetings"

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.meetings = context.services.meetings
        self.model = MeetingTableModel(self)
        self.agenda_model = AgendaListModel(self)
        self.detail: MeetingDetail | None = None
        self.dialog: MeetingDialog | None = None
        self.live: LiveMinutesWindow | None = None
        self._build()
        self._update_actions()

    def _build(self) -> None:
        heading = QLabel(self.title, self)
        heading.setObjectName("screenTitle")
        font = QFont(self.font())
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.3)
        heading.setFont(font)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.hide()
        self.new_button = QPushButton("&New meeting…", self)
        self.edit_button = QPushButton("E&dit…", self)
        self.live_button = QPushButton("Open &live minutes", self)
        self.amend_button = QPushButton("&Amend…", self)
        self.pdf_button = QPushButton("Minutes &PDF…", self)
        self.pdf_button.setToolTip("Save the minutes as a PDF and open it (a draft prints marked as such)")
        self.minutes_pdf = MinutesPdf(self.context, self)
        self.minutes_pdf.said.connect(lambda text, error: self._say(text, error=error))
        self.minutes_pdf.running_changed.connect(lambda _running: self._update_actions())
        self.new_button.clicked.connect(self.new_meeting)
        self.edit_button.clicked.connect(self.edit_meeting)
        self.live_button.clicked.connect(self.open_live)
        self.amend_button.clicked.connect(self.amend)
        self.pdf_button.clicked.connect(self.save_minutes_pdf)
        self.live_button.setToolTip("Type the minutes on a projector, saved as you type (Enter)")
        # The buttons wrap under one another rather than widen the screen (View ▸ Zoom 150 %).
        button_row = QWidget(self)
        flow = FlowLayout(button_row, spacing=6)
        flow.setContentsMargins(0, 0, 0, 0)
        for button in (
            self.new_button,
            self.edit_button,
            self.live_button,
            self.amend_button,
            self.pdf_button,
        ):
            flow.addWidget(button)
        top = QHBoxLayout()
        top.addWidget(heading, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(12)
        top.addWidget(button_row, 1)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_meeting_chosen)
        self.table.doubleClicked.connect(lambda _index: self.open_live())
        self.table.setAccessibleName("Meetings")
        open_action = QAction("Open live minutes", self.table)
        open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_action.triggered.connect(self.open_live)
        self.table.addAction(open_action)

        self.agenda = QListView(self)
        self.agenda.setModel(self.agenda_model)
        self.agenda.setWordWrap(True)
        self.agenda.setAccessibleName("Agenda")
        self.agenda.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.add_item_button = QPushButton("Add &item…", self)
        self.up_button = QPushButton("Move &up", self)
        self.down_button = QPushButton("Move do&wn", self)
        self.remove_item_button = QPushButton("&Remove", self)
        self.up_button.setToolTip("Alt+Up")
        self.down_button.setToolTip("Alt+Down")
        self.remove_item_button.setToolTip("Delete")
        self.add_item_button.clicked.connect(self.add_item)
        self.up_button.clicked.connect(lambda: self.move_item(-1))
        self.down_button.clicked.connect(lambda: self.move_item(1))
        self.remove_item_button.clicked.connect(self.remove_item)
        for keys, slot in (
            ("Alt+Up", lambda: self.move_item(-1)),
            ("Alt+Down", lambda: self.move_item(1)),
            ("Delete", self.remove_item),
        ):
            action = QAction(keys, self.agenda)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.agenda.addAction(action)
        self.amendments = QLabel("", self)
        self.amendments.setWordWrap(True)
        self.amendments.setTextFormat(Qt.TextFormat.RichText)
        self.amendments.hide()
        buttons = QVBoxLayout()
        for button in (self.add_item_button, self.up_button, self.down_button, self.remove_item_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.agenda_group = QGroupBox("Agenda", self)
        grid = QGridLayout(self.agenda_group)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.addWidget(self.agenda, 0, 0)
        grid.addLayout(buttons, 0, 1)
        grid.addWidget(self.amendments, 1, 0, 1, 2)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.agenda_group)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

    # -- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.programme_code is None:
            self.model.set_rows([])
            self._show_detail(None)
            self._say(NO_PROGRAMME)
            return
        chosen = self.detail.meeting.id if self.detail else None
        try:
            rows = self.meetings.list_meetings(self.programme_code)
        except PmdeskError as exc:
            self._say(str(exc), error=True)
            return
        self.message.hide()
        self.model.set_rows(rows)
        if not rows:
            self._say("No meetings yet: New meeting… creates one; a review meeting proposes its agenda.")
        self._choose(chosen if chosen is not None and self.model.row_of(chosen) >= 0 else None)

    def on_data_changed(self, change: DataChange) -> None:
        if change.made_by(self):
            return
        if change.kind in (ChangeKind.MEETINGS, ChangeKind.ACTIONS, ChangeKind.ALERTS, ChangeKind.PROGRAMMES):
            super().on_data_changed(change)

    def navigate(self, target: Navigation) -> None:
        if target.record_uuid:
            for row in range(self.model.rowCount()):
                meeting = self.model.meeting(row)
                if meeting is not None and meeting.uuid == target.record_uuid:
                    self._choose(meeting.id)

    def _choose(self, meeting_id: int | None) -> None:
        row = (
            self.model.row_of(meeting_id) if meeting_id is not None else (0 if self.model.rowCount() else -1)
        )
        if row < 0:
            self._show_detail(None)
            return
        index = self.model.index(row, 0)
        if self.table.currentIndex().row() == row:
            self._on_meeting_chosen(index)  # the same row: read again, as no signal comes
        else:
            self.table.setCurrentIndex(index)  # currentRowChanged reads it (once, not twice)

    def _on_meeting_chosen(self, index: QModelIndex) -> None:
        meeting = self.model.meeting(index.row())
        try:
            self._show_detail(self.meetings.get(meeting.id) if meeting else None)
        except PmdeskError as exc:
            self._say(str(exc), error=True)

    def _show_detail(self, detail: MeetingDetail | None) -> None:
        self.detail = detail
        self.agenda_model.set_items(detail.items if detail else ())
        if detail is None:
            self.agenda_group.setTitle("Agenda")
        else:
            state = "final: locked" if detail.meeting.is_final else "draft"
            self.agenda_group.setTitle(f"Agenda of {detail.meeting.title} ({state})")
        lines = [
            f"<b>Amended</b> by {html.escape(a.amended_by)} at {a.amended_at:%d %b %Y} {local_clock(a.amended_at)}: "
            f"{html.escape(a.text)}"
            for a in (detail.amendments if detail else ())
        ]
        self.amendments.setText("<br>".join(lines))
        self.amendments.setVisible(bool(lines))
        self._update_actions()

    def _update_actions(self) -> None:
        has_programme = self.programme_code is not None
        detail = self.detail
        draft = detail is not None and not detail.meeting.is_final
        item = self.agenda_model.item(self.agenda.currentIndex().row())
        self.new_button.setEnabled(has_programme)
        self.edit_button.setEnabled(draft)
        self.live_button.setEnabled(detail is not None)
        self.live_button.setText(
            "Open &live minutes" if draft or detail is None else "Open &live minutes (final)"
        )
        self.amend_button.setEnabled(detail is not None and detail.meeting.is_final)
        self.pdf_button.setEnabled(detail is not None and not self.minutes_pdf.is_running)
        self.add_item_button.setEnabled(draft)
        for button in (self.up_button, self.down_button, self.remove_item_button):
            button.setEnabled(draft and item is not None)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #a3231a" if error else "")
        self.message.setText(text)
        self.message.show()

    def _changed(self, meeting_id: int | None = None) -> None:
        self.context.signals.announce(ChangeKind.MEETINGS, self.programme_code, self)
        if meeting_id is not None and self.detail is not None:
            self.detail = self.meetings.get(meeting_id)
        self.refresh()
        if meeting_id is not None:
            self._choose(meeting_id)

    # -- meetings ---------------------------------------------------------------------------

    def new_meeting(self) -> None:
        if self.programme_code is None:
            return
        code = self.programme_code
        created: list[int] = []

        def submit(data: MeetingData) -> None:  # on a worker: a review proposes its agenda
            created.append(self.meetings.create(code, data).meeting.id)

        self._open_dialog(submit, None, created)

    def edit_meeting(self) -> None:
        detail = self.detail
        if detail is None or detail.meeting.is_final:
            return
        meeting_id = detail.meeting.id
        self._open_dialog(lambda data: self.meetings.update(meeting_id, data), detail, [meeting_id])

    def _open_dialog(self, submit: object, detail: MeetingDetail | None, chosen: list[int]) -> None:
        assert self.programme_code is not None
        people = self.services.sites.list_people(self.programme_code)
        dialog = MeetingDialog(submit, people, detail, self, workers=self.context.workers)  # type: ignore[arg-type]
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            dialog.deleteLater()
            if result and chosen:
                self._changed(chosen[-1])
                self.table.setFocus()

        dialog.finished.connect(finished)
        dialog.open()

    def open_live(self) -> None:
        if self.detail is None:
            return
        if self.live is not None:
            self.live.raise_()
            self.live.activateWindow()
            return
        # A child window of the screen, so that it goes when the main window closes (which asks
        # first, through the unsaved hooks below, for what it has not saved).
        live = LiveMinutesWindow(self.context, self.detail.meeting.id, self)
        self.live = live
        live.destroyed.connect(self._on_live_closed)
        screen = self.screen().availableGeometry()
        live.resize(min(1280, screen.width()), min(720, screen.height()))
        live.show()
        live.activateWindow()

    def _on_live_closed(self) -> None:
        self.live = None
        self.refresh_when_shown()

    # -- what the live minutes have not saved, for the main window's close ------------------

    def commit_open_editor(self) -> None:
        if self.live is not None:
            self.live.saver.submit_all()
            self.live.writer.flush(live_minutes.CLOSE_WAIT_S)

    def unsaved_count(self) -> int:
        return len(self.live.writer.pending) if self.live is not None else 0

    def unsaved_reason(self) -> str:
        error = self.live.writer.last_error if self.live is not None else None
        return str(error) if error is not None else ""

    def retry_unsaved(self) -> bool:
        return self.live is None or self.live.writer.flush(live_minutes.CLOSE_WAIT_S)

    def discard_unsaved(self) -> None:
        if self.live is not None:
            self.live.writer.discard()

    def amend(self) -> None:
        detail = self.detail
        if detail is None or not detail.meeting.is_final:
            return
        text = ask_amendment(self, detail.meeting.title)
        if text is None:
            return
        try:
            self.meetings.amend(detail.meeting.id, text)
        except PmdeskError as exc:
            self._say(str(exc), error=True)
            return
        self._changed(detail.meeting.id)

    def save_minutes_pdf(self) -> None:
        """Minutes PDF…: where to save, then written in a worker and opened with the system viewer."""
        if self.detail is not None:
            self.minutes_pdf.ask_and_write(self.detail.meeting)

    # -- the agenda -------------------------------------------------------------------------

    def add_item(self) -> None:
        detail = self.detail
        if detail is None:
            return
        title = ask_item_title(self)
        if not title:
            return
        self._edit_agenda(lambda: self.meetings.add_item(detail.meeting.id, title))
        self.agenda.setCurrentIndex(self.agenda_model.index(self.agenda_model.rowCount() - 1))

    def move_item(self, delta: int) -> None:
        detail = self.detail
        item = self.agenda_model.item(self.agenda.currentIndex().row())
        if detail is None or item is None:
            return
        self._edit_agenda(lambda: self.meetings.move_item(detail.meeting.id, item.id, delta))
        self.agenda.setCurrentIndex(self.agenda_model.index(self.agenda_model.row_of(item.id)))

    def remove_item(self) -> None:
        detail = self.detail
        row = self.agenda.currentIndex().row()
        item = self.agenda_model.item(row)
        if detail is None or item is None:
            return
        self._edit_agenda(lambda: self.meetings.remove_item(detail.meeting.id, item.id))
        self.agenda.setCurrentIndex(self.agenda_model.index(min(row, self.agenda_model.rowCount() - 1)))

    def _edit_agenda(self, change: object) -> None:
        assert self.detail is not None and callable(change)
        meeting_id = self.detail.meeting.id
        try:
            change()
        except PmdeskError as exc:
            self._say(str(exc), error=True)
            return
        self.message.hide()
        self.context.signals.announce(ChangeKind.MEETINGS, self.programme_code, self)
        self._show_detail(self.meetings.get(meeting_id))
        self.agenda.setFocus()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Live minutes: a meeting typed in front of a room, on a projector. Large type, one agenda item at
a time with its evidence, shortcuts on screen, and everything typed saved continuously off the UI
thread (see minutes_writer.py), so that a crash or a power cut loses at most a second or two."""

from __future__ import annotations

import functools
import html
import uuid as uuid_module
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.services.meetings import MeetingDetail
from pmdesk.ui.formatting import local_clock
from pmdesk.ui.loading import Loader
from pmdesk.ui.meetings.action_entry_dialog import ActionEntry, ActionEntryDialog
from pmdesk.ui.meetings.item_page import NOT_SAVED_STYLE, ItemPage
from pmdesk.ui.meetings.minutes_writer import ContinuousSave, MinutesWriter
from pmdesk.ui.signals import ChangeKind
from pmdesk.ui.unsaved import NOT_SAVED_COLOUR, NOT_SAVED_FRAME, UnsavedChoice, ask_about_unsaved

if TYPE_CHECKING:
    from pmdesk.ui.context import UiContext

BODY_PT = 18.0  # ≥ 16 pt at 100 %: readable from the back of a room on a 1280×720 projector
TITLE_PT = 24.0
HINT_PT = 16.0
CLOSE_WAIT_S = 3.0
FINALISE = ("finalise",)

SHORTCUTS = (
    ("Ctrl+PgDown", "next item"),
    ("Ctrl+PgUp", "previous"),
    ("Ctrl+D", "decision"),
    ("Ctrl+Shift+A", "action"),
    ("F11", "full screen"),
    ("Ctrl+= / Ctrl+−", "type size"),
    ("Ctrl+Enter", "finalise"),
)


def _unbroken(text: str) -> str:
    """A shortcut and its word stay on one line; lines break between shortcuts."""
    return text.replace(" ", "\u00a0")


def confirm_finalise(parent: QWidget, title: str) -> bool:
    """Ask before locking the minutes (tests replace this)."""
    answer = QMessageBox.question(
        parent,
        "Finalise the minutes",
        f"Finalise the minutes of “{title}”?\n\nThey are then locked: later corrections are added as "
        "amendments, with who made them and when.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def _stop_writer(request_stop: Callable[[], None]) -> None:
    request_stop()


class LiveMinutesWindow(QWidget):
    finalised = Signal()

    def __init__(self, context: UiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.context = context
        self.meetings = context.services.meetings
        self.detail: MeetingDetail = self.meetings.get(meeting_id)
        self.meeting_id = meeting_id
        self.programme_code = self.detail.meeting.programme_code
        self.setWindowTitle(f"Live minutes — {self.detail.meeting.title}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.writer = MinutesWriter(self)
        # Closed with the main window (as its child) without a closeEvent: the thread must end too.
        self.destroyed.connect(functools.partial(_stop_writer, self.writer.request_stop))
        self.saver = ContinuousSave(self.writer, self)
        self._failed: set[object] = set()
        self.action_dialog: ActionEntryDialog | None = None
        self._scale = 1.0
        self._build()
        self.writer.saved.connect(self._on_saved)
        self.writer.failed.connect(self._on_failed)
        self.writer.refused.connect(self._on_refused)
        self.evidence_loader = Loader(context.workers, "The evidence", self)
        self.evidence_loader.loaded.connect(self._on_evidence)
        self.evidence_loader.failed.connect(lambda message: self._say(message, error=True))
        self._load_evidence()
        self._apply_fonts()
        self.show_page(0)
        if self.detail.meeting.is_final:
            self._lock()
        elif self.detail.has_minutes and self.detail.last_saved_at is not None:
            self.restored_banner.setText(
                f"Restored what was typed until {local_clock(self.detail.last_saved_at)}. "
                "Everything you type is saved as you go."
            )
            self.restored_banner.show()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        meeting = self.detail.meeting
        self.heading = QLabel(f"{meeting.title} — {meeting.held_on.strftime('%d %b %Y')}", self)
        self.heading.setObjectName("meetingHeading")
        self.heading.setWordWrap(True)  # a long title wraps rather than widen the window past the projector
        self.position_label = QLabel("", self)
        self.save_label = QLabel("Everything typed is saved as you go", self)
        self.save_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top = QWidget(self)
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.heading, 1)
        top_layout.addWidget(self.save_label)
        self.restored_banner = self._banner("#dbeafe", "#1d4ed8")
        self.unsaved_banner = self._banner(NOT_SAVED_COLOUR, NOT_SAVED_FRAME)
        self.final_banner = self._banner("#dcfce7", "#166534")
        self.message = self._banner("#fee2e2", "#991b1b")
        self.pages = QStackedWidget(self)
        for item in self.detail.items:
            self._add_page(ItemPage(item, item.notes, self.pages))
        general = ItemPage(None, self.detail.notes, self.pages)
        self._add_page(general)
        general.show_meeting(self._meeting_lines())
        for decision in self.detail.decisions:
            page = self.page_of(decision.agenda_item_id)
            page.add_decision(decision.uuid, decision.text)
        self.hints = QLabel(
            " · ".join(_unbroken(f"<b>{html.escape(k)}</b> {html.escape(w)}") for k, w in SHORTCUTS),
            self,
        )
        self.hints.setObjectName("shortcutHints")
        self.hints.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 8)
        layout.addWidget(top)
        layout.addWidget(self.position_label)
        for banner in (self.restored_banner, self.unsaved_banner, self.final_banner, self.message):
            layout.addWidget(banner)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.hints)
        self._add_shortcut("Ctrl+PgDown", lambda: self.show_page(self.pages.currentIndex() + 1))
        self._add_shortcut("Ctrl+PgUp", lambda: self.show_page(self.pages.currentIndex() - 1))
        self._add_shortcut("Ctrl+D", self.add_decision)
        self._add_shortcut("Ctrl+Shift+A", self.ask_action)
        self._add_shortcut("F11", self.toggle_full_screen)
        self._add_shortcut("Ctrl+S", self.writer.retry_now)
        self._add_shortcut("Ctrl+=", lambda: self.zoom(1.1))
        self._add_shortcut("Ctrl+-", lambda: self.zoom(1 / 1.1))
        finalise = self._add_shortcut("Ctrl+Return", self.finalise)
        finalise.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])

    def _meeting_lines(self) -> list[str]:
        meeting = self.detail.meeting
        lines = []
        if meeting.facilitator:
            lines.append(f"<b>Facilitator:</b> {html.escape(meeting.facilitator)}")
        if meeting.place:
            lines.append(f"<b>Place:</b> {html.escape(meeting.place)}")
        names = ", ".join(a.name for a in self.detail.attendees)
        lines.append(f"<b>Attendees:</b> {html.escape(names) if names else 'none recorded'}")
        return lines

    def _banner(self, background: str, frame: str) -> QLabel:
        label = QLabel("", self)
        label.setWordWrap(True)
        label.setStyleSheet(
            f"QLabel {{ background: {background}; border: 1px solid {frame}; border-radius: 3px;"
            " padding: 4px 8px; color: #111; }"
        )
        label.hide()
        return label

    def _add_page(self, page: ItemPage) -> None:
        self.pages.addWidget(page)
        key = ("item", page.item_id) if page.item is not None else ("meeting", self.meeting_id)
        if page.item is not None:
            item_id = page.item_id
            assert item_id is not None
            self.saver.watch(
                key,
                page.notes.toPlainText,
                functools.partial(self.meetings.save_item_notes, item_id),
                f"the notes of “{page.item.title}”",
            )
        else:
            self.saver.watch(
                key,
                page.notes.toPlainText,
                lambda text: self.meetings.save_meeting_notes(self.meeting_id, text),
                "the general notes",
            )
        page.notes_edited.connect(lambda k=key: self.saver.touched(k))
        page.decision_edited.connect(self._on_decision_edited)

    def _add_shortcut(self, keys: str, slot: object) -> QAction:
        action = QAction(keys, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _apply_fonts(self) -> None:
        body = QFont(QApplication.font())
        body.setPointSizeF(BODY_PT * self._scale)
        self.setFont(body)
        for widget, size, bold in (
            (self.heading, TITLE_PT, True),
            (self.hints, HINT_PT, False),
            (self.position_label, HINT_PT, False),
            (self.save_label, HINT_PT, False),
        ):
            font = QFont(body)
            font.setPointSizeF(size * self._scale)
            font.setBold(bold)
            widget.setFont(font)
        for page in self.all_pages():
            title = QFont(body)
            title.setPointSizeF(TITLE_PT * self._scale)
            title.setBold(True)
            page.title_label.setFont(title)
            page.notes.setFont(body)
            page.evidence.label.setFont(body)
            page.refit()

    def zoom(self, factor: float) -> None:
        self._scale = max(0.7, min(2.0, self._scale * factor))
        self._apply_fonts()

    # -- pages ------------------------------------------------------------------------------

    def all_pages(self) -> list[ItemPage]:
        return [self.pages.widget(i) for i in range(self.pages.count())]  # type: ignore[misc]

    def current_page(self) -> ItemPage:
        return self.pages.currentWidget()  # type: ignore[return-value]

    def page_of(self, item_id: int | None) -> ItemPage:
        for page in self.all_pages():
            if page.item_id == item_id:
                return page
        return self.all_pages()[-1]  # a decision whose item was removed: the general page

    def show_page(self, index: int) -> None:
        count = self.pages.count()
        index = max(0, min(count - 1, index))
        self.saver.submit_all()  # moving on is a natural moment to save
        self.pages.setCurrentIndex(index)
        page = self.current_page()
        items = count - 1
        if page.item is not None:
            text = f"Item {index + 1} of {items}"
        else:
            text = f"After the {items} agenda items" if items else "No agenda items"
        if index + 1 < count:
            following = self.pages.widget(index + 1)
            assert isinstance(following, ItemPage)
            text += f"  ·  Next: {following.title_label.text()}"
        self.position_label.setText(text)
        page.notes.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- decisions and actions --------------------------------------------------------------

    def add_decision(self) -> None:
        if self.detail.meeting.is_final:
            return
        page = self.current_page()
        uuid = str(uuid_module.uuid4())
        edit = page.add_decision(uuid)
        self._watch_decision(page, uuid)
        self.saver.touched(("decision", uuid))
        edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _watch_decision(self, page: ItemPage, uuid: str) -> None:
        edit = page.decision(uuid)
        assert edit is not None
        item_id = page.item_id
        self.saver.watch(
            ("decision", uuid),
            edit.toPlainText,
            lambda text: self.meetings.save_decision(self.meeting_id, uuid, text, item_id),
            "a decision",
        )

    def _on_decision_edited(self, uuid: str) -> None:
        key = ("decision", uuid)
        for page in self.all_pages():
            if page.decision(uuid) is not None:
                self._watch_decision(page, uuid)  # decisions loaded from the database too
        self.saver.touched(key)

    def ask_action(self) -> None:
        if self.detail.meeting.is_final or self.action_dialog is not None:
            return
        people = [(p.code, p.name) for p in self.context.services.sites.list_people(self.programme_code)]
        page = self.current_page()
        decisions = [(e.uuid, e.toPlainText()) for e in page.decision_edits]
        dialog = ActionEntryDialog(people, decisions, self.detail.meeting.held_on, self)
        dialog.setFont(self.font())
        self.action_dialog = dialog
        dialog.accepted.connect(lambda: self._add_action(dialog.entry(), page))
        dialog.finished.connect(self._on_action_dialog_finished)
        dialog.open()

    def _on_action_dialog_finished(self) -> None:
        if self.action_dialog is not None:
            self.action_dialog.deleteLater()
        self.action_dialog = None
        self.current_page().notes.setFocus(Qt.FocusReason.OtherFocusReason)

    def _add_action(self, entry: ActionEntry, page: ItemPage) -> None:
        from pmdesk.services.actions import ActionData

        item = page.item
        indicator = (item.indicator_code,) if item is not None and item.indicator_code else ()
        data = ActionData(
            entry.title,
            owner=entry.owner,
            owner_person_code=entry.owner_person_code,
            due=entry.due,
            priority=entry.priority,
            indicator_codes=indicator,
            decision_uuid=entry.decision_uuid,
        )
        actions = self.meetings.actions
        self.saver.submit_all()  # its decision goes in first
        self.writer.submit(
            ("action", str(uuid_module.uuid4())),
            lambda: actions.create(self.programme_code, data, today=self.detail.meeting.held_on),
            f"the action “{entry.title}”",
        )

    # -- saving -----------------------------------------------------------------------------

    def _on_saved(self, key: object, result: object) -> None:
        self._failed.discard(key)
        self._mark(key, saved=True)
        if key == FINALISE:
            assert isinstance(result, MeetingDetail)
            self.detail = result
            self._lock()
            self.context.signals.announce(ChangeKind.MEETINGS, self.programme_code, self)
            self.finalised.emit()
        elif isinstance(key, tuple) and key[0] == "action":
            self._say(f"Action {getattr(result, 'code', '')} added: {getattr(result, 'title', '')}")
            self.context.signals.announce(ChangeKind.ACTIONS, self.programme_code, self)
            self._load_evidence()
        self._update_saved_state()

    def _on_failed(self, key: object, error: StorageError) -> None:
        self._failed.add(key)
        self._mark(key, saved=False)
        self._update_saved_state(error)

    def _on_refused(self, key: object, error: BaseException) -> None:
        self._failed.discard(key)
        self._mark(key, saved=True)
        text = (
            str(error)
            if isinstance(error, PmdeskError)
            else "PMDesk could not save this; the log has the details."
        )
        self._say(text, error=True)
        self._update_saved_state()

    def _update_saved_state(self, error: StorageError | None = None) -> None:
        if self._failed:
            reason = error or self.writer.last_error
            self.unsaved_banner.setText(
                "<b>What you typed is not saved yet</b>; it stays on screen, marked in amber, and "
                f"PMDesk keeps trying.<br>{html.escape(str(reason) if reason else '')}<br>"
                "Ctrl+S tries again at once."
            )
            self.unsaved_banner.show()
            self.save_label.setText("Not saved yet")
        else:
            self.unsaved_banner.hide()
            if not self.writer.pending:
                self.save_label.setText(f"All saved at {datetime.now().strftime('%H:%M:%S')}")

    def _mark(self, key: object, *, saved: bool) -> None:
        style = "" if saved else NOT_SAVED_STYLE
        if not isinstance(key, tuple) or len(key) != 2:
            return
        kind, ident = key
        for page in self.all_pages():
            if (kind == "item" and page.item_id == ident) or (kind == "meeting" and page.item is None):
                page.notes.setStyleSheet(style)
            elif kind == "decision":
                edit = page.decision(str(ident))
                if edit is not None:
                    edit.setStyleSheet(style)

    # -- finalising -------------------------------------------------------------------------

    def finalise(self) -> None:
        if self.detail.meeting.is_final or self.writer.is_waiting(FINALISE):
            return
        if not confirm_finalise(self, self.detail.meeting.title):
            return
        self.saver.submit_all()  # the last words go in before the lock
        self.writer.submit(
            FINALISE, lambda: self.meetings.finalise(self.meeting_id), "finalising the minutes"
        )
        self.save_label.setText("Finalising…")

    def _lock(self) -> None:
        for page in self.all_pages():
            page.set_read_only(True)
        meeting = self.detail.meeting
        when = local_clock(meeting.finalised_at) if meeting.finalised_at else ""
        self.final_banner.setText(
            f"Final: these minutes were locked by {html.escape(meeting.finalised_by)} at {when}. "
            "Corrections are added as amendments (Meetings ▸ Amend…)."
        )
        self.final_banner.show()
        self.restored_banner.hide()

    # -- evidence, messages, window ---------------------------------------------------------

    def _load_evidence(self) -> None:
        self.evidence_loader.load(self.meetings.item_evidence, self.programme_code, self.meeting_id)

    def _on_evidence(self, evidence: object) -> None:
        assert isinstance(evidence, dict)
        for page in self.all_pages():
            if page.item_id is not None:
                page.show_evidence(evidence.get(page.item_id))

    def _say(self, text: str, *, error: bool = False) -> None:
        colours = ("#fee2e2", "#991b1b") if error else ("#f1f5f9", "#475569")
        self.message.setStyleSheet(
            f"QLabel {{ background: {colours[0]}; border: 1px solid {colours[1]}; border-radius: 3px;"
            " padding: 4px 8px; color: #111; }"
        )
        self.message.setText(text)
        self.message.show()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.saver.submit_all()
        if not self.writer.flush(CLOSE_WAIT_S):
            choice = ask_about_unsaved(
                self, len(self.writer.pending), str(self.writer.last_error or ""), "Close"
            )
            if choice is UnsavedChoice.RETRY:
                self.writer.retry_now()
                event.ignore()
                return
            if choice is UnsavedChoice.CANCEL:
                event.ignore()
                return
            self.writer.discard()
        self.evidence_loader.cancel()
        self.writer.stop()
        self.context.signals.announce(ChangeKind.MEETINGS, self.programme_code, self)
        super().closeEvent(event)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Traceability, one hop at a time (issue #9 §6): an action with its decision, meeting, alert and
indicators (their actuals since the decision), or an indicator with its alerts, decisions and
actions. Enter or double-click follows a link; Alt+Left or Back returns. Meetings, alerts and
lessons open in their own screens through the shell's navigation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.actions.trace_models import Hop, HopListModel, TrendTableModel
from pmdesk.ui.signals import Navigation
from pmdesk.ui.workers import Job

if TYPE_CHECKING:
    from pmdesk.services.traceability import ActionTrace, IndicatorTrace, TraceabilityService
    from pmdesk.ui.context import UiContext

#: Links that leave the dialog for another screen: the kind → the screen's name.
SCREEN_OF = {
    "decision": "meetings",
    "meeting": "meetings",
    "alert": "alerts",
    "lesson": "learning",
    "feedback": "learning",
}


@dataclass(frozen=True)
class Place:
    kind: str  # action | indicator
    key: str  # the action's UUID or the indicator's code
    programme_code: str


def load_place(traceability: TraceabilityService, place: Place, today: date) -> ActionTrace | IndicatorTrace:
    """The job: runs on a pool thread and touches no widget."""
    if place.kind == "action":
        return traceability.for_action(place.key, today)
    return traceability.for_indicator(place.programme_code, place.key)


class TraceDialog(QDialog):
    loaded = Signal()  # a place is on screen

    def __init__(
        self, context: UiContext, start: Place, parent: QWidget | None = None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.today = today or date.today()
        self.setWindowTitle("Traceability")
        self.resize(820, 540)
        self._history: list[Place] = []
        self._place = start
        self._job: Job | None = None
        self.hops = HopListModel(self)
        self.trend = TrendTableModel(self)
        self._build()
        self._load(start)

    def _build(self) -> None:
        self.heading = QLabel("", self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2 if font.pointSizeF() > 0 else 12)
        self.heading.setFont(font)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setTabChangesFocus(True)
        self.links_label = QLabel("&Links (Enter or double-click to follow):", self)
        self.links_view = QListView(self)
        self.links_view.setModel(self.hops)
        self.links_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.links_view.setWordWrap(True)
        self.links_view.doubleClicked.connect(self._on_hop_chosen)
        self.links_view.installEventFilter(self)
        self.links_label.setBuddy(self.links_view)
        self.trend_label = QLabel("", self)
        self.trend_label.setWordWrap(True)
        self.trend_view = QTableView(self)
        self.trend_view.setModel(self.trend)
        self.trend_view.verticalHeader().hide()
        self.trend_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trend_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.trend_view.horizontalHeader().setStretchLastSection(True)
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(
            "background: #f6b6c4; color: #1a1a1a; padding: 6px; border-radius: 3px;"
        )
        self.error_label.hide()
        self.back_button = QPushButton("← &Back", self)
        self.back_button.setToolTip("Back to the previous record (Alt+Left)")
        self.back_button.clicked.connect(self.go_back)
        self.close_button = QPushButton("Close", self)
        self.close_button.clicked.connect(self.accept)
        # One shortcut only: QKeySequence.Back is Alt+Left too, and two would cancel each other.
        QShortcut(QKeySequence("Alt+Left"), self, self.go_back)

        top = QWidget(self)
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        left.addWidget(self.details)
        right = QVBoxLayout()
        right.addWidget(self.links_label)
        right.addWidget(self.links_view)
        top_layout.addLayout(left, 1)
        top_layout.addLayout(right, 1)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.trend_label)
        bottom_layout.addWidget(self.trend_view)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        # The figures since the decision are what the next meeting reads: they get most room.
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([170, 300])
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.error_label)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

    # -- navigation -------------------------------------------------------------------------

    @property
    def place(self) -> Place:
        return self._place

    @property
    def is_busy(self) -> bool:
        return self._job is not None

    def go_to(self, place: Place) -> None:
        self._history.append(self._place)
        self._load(place)

    def go_back(self) -> None:
        if self._history:
            self._load(self._history.pop())

    def _load(self, place: Place) -> None:
        if self._job is not None:
            self._job.cancel()
        self._place = place
        self.back_button.setEnabled(bool(self._history))
        job = Job(load_place, self.context.services.traceability, place, self.today, name="trace")
        job.finished.connect(self._on_loaded)
        job.failed.connect(self._on_failed)
        self._job = self.context.workers.start(job)

    def _is_current(self) -> bool:
        return self._job is not None and self.sender() is self._job.signals

    def _on_failed(self, error: BaseException) -> None:
        if not self._is_current():
            return
        self._job = None
        message = (
            str(error)
            if isinstance(error, PmdeskError)
            else "This record could not be read; details are in the log file."
        )
        self.error_label.setText(message)
        self.error_label.show()
        self.loaded.emit()

    def _on_loaded(self, trace: ActionTrace | IndicatorTrace) -> None:
        if not self._is_current():
            return
        self._job = None
        self.error_label.hide()
        from pmdesk.services.traceability import ActionTrace

        if isinstance(trace, ActionTrace):
            self._show_action(trace)
        else:
            self._show_indicator(trace)
        if self.hops.rowCount():
            self.links_view.setCurrentIndex(self.hops.index(0))
        self.links_view.setFocus()
        self.loaded.emit()

    def _show_action(self, trace: ActionTrace) -> None:
        a = trace.action
        self.setWindowTitle(f"Traceability — {a.programme_code} {a.code}")
        self.heading.setText(f"Action {a.code}: {a.title}")
        lines = [
            f"Programme: {a.programme_code} — {a.programme_name}",
            f"Owner: {a.owner or '—'}",
            f"Due: {a.due.isoformat() if a.due else '—'}"
            + ("   OVERDUE" if a.is_overdue(self.today) else ""),
            f"Status: {a.status.label}   Priority: {a.priority.label}",
        ]
        if a.description:
            lines += ["", a.description]
        if a.status.is_closed:
            closed = a.closed_at.date().isoformat() if a.closed_at else ""
            lines += ["", f"Closed {closed}: {a.closing_note}"]
        if a.updates:
            lines += ["", "Progress updates:"]
            lines += [
                f"  {u.on.isoformat()}  {u.note}"
                + (f"  [{u.status.label}]" if u.status else "")
                + f"  — {u.recorded_by}"
                for u in reversed(a.updates)
            ]
        self.details.setPlainText("\n".join(lines))
        code = a.programme_code
        hops: list[Hop] = []
        if trace.decision is not None:
            meeting = trace.decision.meeting
            hops.append(
                Hop("decision", trace.decision.text, meeting.uuid, code, "Opens the meeting in Meetings")
            )
            hops.append(
                Hop("meeting", f"{meeting.title} ({meeting.held_on.isoformat()})", meeting.uuid, code)
            )
        if trace.alert is not None:
            alert = trace.alert
            where = f" at {alert.site_code}" if alert.site_code else ""
            label = f"{alert.trigger_code} on {alert.indicator_code}{where}, {', '.join(alert.periods)} ({alert.status})"
            hops.append(Hop("alert", label, alert.uuid, code, alert.message))
        if trace.lesson is not None:
            hops.append(Hop("lesson", trace.lesson.title, trace.lesson.uuid, code))
        hops += [Hop("indicator", f"{t.code} {t.name}", t.code, code) for t in trace.indicators]
        hops += [Hop(n.kind, n.title, n.uuid, code) for n in trace.notes]
        self.hops.set_hops(hops)
        self.trend.set_trends(trace.indicators)
        if trace.indicators:
            self.trend_label.setText(f"Actuals since {trace.since_what} (from the IPTT; did it work?):")
        else:
            self.trend_label.setText(
                "No indicator is linked to this action: link one to see whether it worked."
            )

    def _show_indicator(self, trace: IndicatorTrace) -> None:
        self.setWindowTitle(f"Traceability — {trace.programme_code} indicator {trace.code}")
        self.heading.setText(f"Indicator {trace.code}: {trace.name}")
        status = trace.status.value.replace("_", " ") if trace.status else "—"
        open_actions = sum(1 for a in trace.actions if not a.status.is_closed)
        self.details.setPlainText(
            "\n".join(
                [
                    f"Programme: {trace.programme_code}",
                    f"Status (IPTT): {status}",
                    f"Alerts: {len(trace.alerts)}",
                    f"Decisions: {len(trace.decisions)}",
                    f"Actions: {len(trace.actions)} ({open_actions} open)",
                    f"Lessons and feedback: {len(trace.notes)}",
                ]
            )
        )
        code = trace.programme_code
        hops: list[Hop] = [Hop("iptt", f"Open {trace.code} in the IPTT", trace.code, code)]
        for alert in trace.alerts:
            label = f"{alert.trigger_code}, {', '.join(alert.periods)} ({alert.status})"
            hops.append(Hop("alert", label, alert.uuid, code, alert.message))
        for decision in trace.decisions:
            label = f"{decision.text} — {decision.meeting.title} ({decision.meeting.held_on.isoformat()})"
            hops.append(Hop("decision", label, decision.meeting.uuid, code))
        for action in trace.actions:
            hops.append(
                Hop("action", f"{action.code} {action.title} ({action.status.label})", action.uuid, code)
            )
        hops += [Hop(n.kind, n.title, n.uuid, code) for n in trace.notes]
        self.hops.set_hops(hops)
        self.trend.set_trends(())
        self.trend_label.setText("Follow an action to see the indicator's actuals since its decision.")

    def _on_hop_chosen(self, index: QModelIndex) -> None:
        hop = self.hops.hop_at(index.row())
        if hop is None:
            return
        if hop.kind == "action":
            self.go_to(Place("action", hop.key, hop.programme_code))
        elif hop.kind == "indicator":
            self.go_to(Place("indicator", hop.key, hop.programme_code))
        elif hop.kind == "iptt":
            self.accept()
            self.context.signals.navigate(Navigation("iptt", hop.programme_code, indicator_code=hop.key))
        elif hop.kind in SCREEN_OF:
            self.accept()
            self.context.signals.navigate(
                Navigation(SCREEN_OF[hop.kind], hop.programme_code, record_uuid=hop.key)
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.links_view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            if (
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.links_view.currentIndex().isValid()
            ):
                self._on_hop_chosen(self.links_view.currentIndex())
                return True
            if event.key() == Qt.Key.Key_Left and event.modifiers() & Qt.KeyboardModifier.AltModifier:
                self.go_back()  # the list would otherwise take Alt+Left as Left
                return True
        return super().eventFilter(watched, event)

    def done(self, result: int) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        super().done(result)

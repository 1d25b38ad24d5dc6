# SPDX-License-Identifier: GPL-3.0-or-later
"""People scorecards (issue #9 §5): each person's indicators with their status, the actions they
own and the decisions of the meetings they took part in; the same per team; CSV export. Enter on
a line of the detail opens its traceability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.actions.scorecard_models import ScorecardTableModel, TeamTableModel
from pmdesk.ui.actions.trace_dialog import SCREEN_OF, Place, TraceDialog
from pmdesk.ui.actions.trace_models import Hop, HopListModel
from pmdesk.ui.formatting import counted
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import DataChange, Navigation
from pmdesk.ui.workers import Job

if TYPE_CHECKING:
    from pmdesk.services.scorecards import Scorecard, Scorecards, ScorecardService
    from pmdesk.ui.context import UiContext

RELEVANT_CHANGES = frozenset(
    {"actions", "meetings", "people", "framework", "values", "targets", "programmes", "alerts"}
)


@dataclass(frozen=True)
class ScorecardRequest:
    programme_code: str
    as_of: date
    serial: int


def load_scorecards(
    scorecards: ScorecardService, request: ScorecardRequest
) -> tuple[ScorecardRequest, Scorecards]:
    """The job: runs on a pool thread and touches no widget."""
    return request, scorecards.overview(request.programme_code, request.as_of)


def detail_hops(card: Scorecard, programme_code: str, as_of: date) -> list[Hop]:
    hops = []
    for duty in card.indicators:
        status = duty.status.value.replace("_", " ") if duty.status else "no figure"
        partial = ", partly reported" if duty.is_partial else ""
        hops.append(
            Hop("indicator", f"{duty.code} {duty.name} — {status}{partial}", duty.code, programme_code)
        )
    for action in card.actions:
        state = "OVERDUE" if action.is_overdue(as_of) else action.status.label
        if action.closed_on_time is False:
            state += ", closed late"
        due = f", due {action.due.isoformat()}" if action.due else ""
        hops.append(
            Hop("action", f"{action.code} {action.title} — {state}{due}", action.uuid, programme_code)
        )
    for meeting in card.meetings:
        decided = f"{len(meeting.decisions)} decision{'s' if len(meeting.decisions) != 1 else ''}"
        tooltip = "\n".join(meeting.decisions) or "No decision recorded"
        hops.append(
            Hop(
                "meeting",
                f"{meeting.title} ({meeting.held_on.isoformat()}) — {decided}",
                meeting.uuid,
                programme_code,
                tooltip,
            )
        )
    return hops


class ScorecardsScreen(Screen):
    title = "Scorecards"
    name = "scorecards"

    scorecards_loaded = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.today = date.today()
        self._serial = 0
        self._job: Job | None = None
        self._cards: Scorecards | None = None
        self.active_dialog: TraceDialog | None = None
        self.people_model = ScorecardTableModel(self)
        self.team_model = TeamTableModel(self)
        self.detail_model = HopListModel(self)
        self._build()

    def _build(self) -> None:
        self.title_label = QLabel("People scorecards", self)
        font = QFont(self.font())
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title_label.setFont(font)
        self.export_button = QPushButton("E&xport CSV…", self)
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.export_csv)
        header = QHBoxLayout()
        header.addWidget(self.title_label)
        header.addStretch(1)
        header.addWidget(self.export_button)

        self.people_view = self._table(self.people_model)
        self.people_view.selectionModel().currentRowChanged.connect(self._on_person_changed)
        self.team_view = self._table(self.team_model)
        self.detail_label = QLabel("", self)
        self.detail_label.setWordWrap(True)
        self.detail_view = QListView(self)
        self.detail_view.setModel(self.detail_model)
        self.detail_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail_view.doubleClicked.connect(self._on_hop_chosen)
        self.detail_view.installEventFilter(self)
        self.detail_label.setBuddy(self.detail_view)

        people_page = QSplitter(Qt.Orientation.Vertical, self)
        people_page.addWidget(self.people_view)
        detail = QWidget(people_page)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_label)
        detail_layout.addWidget(self.detail_view)
        people_page.addWidget(detail)
        people_page.setSizes([260, 200])
        self.tabs = QTabWidget(self)
        self.tabs.addTab(people_page, "&People")
        self.tabs.addTab(self.team_view, "&Teams")

        self.message_label = QLabel("", self)
        self.message_label.setWordWrap(True)
        self.hint_label = QLabel(
            "Bold names have an overdue action or an off-track indicator (⚠ counts overdue actions). "
            "Enter on a line below: its traceability.",
            self,
        )
        self.hint_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.message_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.hint_label)

    def _table(self, model: ScorecardTableModel | TeamTableModel) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    # -- Screen -----------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        return self._job is not None

    def on_data_changed(self, change: DataChange) -> None:
        if change.kind in RELEVANT_CHANGES:
            super().on_data_changed(change)

    def refresh(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        if self.programme_code is None:
            self.people_model.set_cards(())
            self.team_model.set_teams(())
            self.detail_model.set_hops(())
            self.message_label.setText("Choose a programme to see its people's scorecards.")
            self.export_button.setEnabled(False)
            return
        self._serial += 1
        request = ScorecardRequest(self.programme_code, self.today, self._serial)
        job = Job(load_scorecards, self.services.scorecards, request, name="scorecards")
        job.finished.connect(self._on_loaded)
        job.failed.connect(self._on_failed)
        self._job = self.context.workers.start(job)

    def _is_current(self) -> bool:
        return self._job is not None and self.sender() is self._job.signals

    def _on_loaded(self, result: tuple[ScorecardRequest, Scorecards]) -> None:
        request, cards = result
        if not self._is_current() or request.serial != self._serial:
            return
        self._job = None
        self._cards = cards
        current = self.people_view.currentIndex().row()
        self.people_model.set_cards(cards.people)
        self.team_model.set_teams(cards.teams)
        self.export_button.setEnabled(bool(cards.people))
        if cards.people:
            self.people_view.selectRow(min(max(current, 0), len(cards.people) - 1))
            self.message_label.setText(
                f"{cards.programme_code}: {len(cards.people)} people, as of {cards.as_of.isoformat()}; "
                "indicator statuses as in the IPTT."
            )
        else:
            self.detail_model.set_hops(())
            self.message_label.setText(
                "No one yet: add people to the programme (Sites & people), make them responsible for "
                "indicators, or give them actions."
            )
        self.scorecards_loaded.emit()

    def _on_failed(self, error: BaseException) -> None:
        if not self._is_current():
            return
        self._job = None
        self.message_label.setText(
            str(error)
            if isinstance(error, PmdeskError)
            else "The scorecards could not be read; details are in the log file."
        )
        self.scorecards_loaded.emit()

    def _on_person_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        card = self.people_model.card_at(current.row())
        if card is None or self.programme_code is None:
            self.detail_model.set_hops(())
            self.detail_label.setText("")
            return
        self.detail_model.set_hops(detail_hops(card, self.programme_code, self.today))
        self.detail_label.setText(
            f"{card.name}: {counted(len(card.indicators), 'indicator')}, "
            f"{counted(len(card.actions), 'action')}, {counted(len(card.meetings), 'meeting')} — "
            "&details (Enter opens one):"
        )

    def _on_hop_chosen(self, index: QModelIndex) -> None:
        hop = self.detail_model.hop_at(index.row())
        if hop is None:
            return
        if hop.kind in ("action", "indicator"):
            if self.active_dialog is not None and not self.active_dialog.isVisible():
                self.active_dialog.deleteLater()
            self.active_dialog = TraceDialog(
                self.context, Place(hop.kind, hop.key, hop.programme_code), self, today=self.today
            )
            self.active_dialog.open()
        elif hop.kind in SCREEN_OF:
            self.context.signals.navigate(
                Navigation(SCREEN_OF[hop.kind], hop.programme_code, record_uuid=hop.key)
            )

    def export_csv(self) -> None:
        code = self.programme_code
        if code is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Export scorecards", f"{code}-scorecards.csv", "CSV files (*.csv)"
        )
        if not name:
            return
        try:
            count = self.services.scorecards.export_csv(code, Path(name), self.today)
        except (OSError, PmdeskError) as error:
            self.message_label.setText(f"The file could not be written: {error}")
            return
        self.status_message.emit(f"Wrote the scorecards of {count} people to {name}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.detail_view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.detail_view.currentIndex().isValid()
        ):
            self._on_hop_chosen(self.detail_view.currentIndex())
            return True
        return super().eventFilter(watched, event)

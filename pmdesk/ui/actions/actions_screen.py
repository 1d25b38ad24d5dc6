# SPDX-License-Identifier: GPL-3.0-or-later
"""The action tracker (issue #9 §4): every action across meetings and programmes, filtered by
owner, status, due date, programme and source; overdue ones marked in words; dated progress
updates; closing asks what was done; Enter opens an action's traceability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.actions import ActionSource, ActionStatus
from pmdesk.domain.errors import PmdeskError
from pmdesk.services.actions import ActionData, ActionFilter, ActionInfo, ActionService
from pmdesk.ui.actions.action_dialogs import ActionDialog, CloseDialog, UpdateDialog
from pmdesk.ui.actions.action_table_model import COL_PROGRAMME, COL_TITLE, ActionTableModel
from pmdesk.ui.actions.trace_dialog import Place, TraceDialog
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import ChangeKind, DataChange, Navigation
from pmdesk.ui.widgets.flow_layout import FlowLayout
from pmdesk.ui.workers import Job

if TYPE_CHECKING:
    from pmdesk.services.sites import PersonInfo
    from pmdesk.ui.context import UiContext

THIS_PROGRAMME, ALL_PROGRAMMES = "this", "all"
ONLY = "only:"  # followed by a programme's code: that programme, whichever is current
DUE_SOON_DAYS = 14
#: The "Show" choices: (label, key).
SHOW_CHOICES = (
    ("Not closed", "not_closed"),
    ("Overdue", "overdue"),
    (f"Due in {DUE_SOON_DAYS} days", "due_soon"),
    ("Open", "open"),
    ("In progress", "in_progress"),
    ("Done", "done"),
    ("Dropped", "dropped"),
    ("All", "all"),
)
RELEVANT_CHANGES = frozenset(
    {"actions", "meetings", "alerts", "lessons", "people", "framework", "programmes"}
)


@dataclass(frozen=True)
class TrackerQuery:
    programme_code: str | None  # None: every programme
    show: str
    owner: str | None
    source: ActionSource | None
    as_of: date
    serial: int


@dataclass(frozen=True)
class TrackerLoad:
    query: TrackerQuery
    actions: tuple[ActionInfo, ...]
    owners: tuple[str, ...]
    programmes: tuple[str, ...]  # those with actions, for the scope's choices


def action_filter(query: TrackerQuery) -> ActionFilter:
    statuses = (
        frozenset({ActionStatus(query.show)})
        if query.show in {s.value for s in ActionStatus}
        else frozenset()
    )
    return ActionFilter(
        programme_code=query.programme_code,
        owner=query.owner,
        statuses=statuses,
        open_only=query.show in ("not_closed", "due_soon"),
        overdue_as_of=query.as_of if query.show == "overdue" else None,
        due_by=query.as_of + timedelta(days=DUE_SOON_DAYS) if query.show == "due_soon" else None,
        source=query.source,
    )


def load_tracker(actions: ActionService, query: TrackerQuery) -> TrackerLoad:
    """The job: runs on a pool thread and touches no widget."""
    found = actions.list(action_filter(query))
    if query.show == "due_soon":  # due within the days ahead, the overdue ones have their own choice
        found = [a for a in found if a.is_due_within(query.as_of, DUE_SOON_DAYS)]
    return TrackerLoad(
        query, tuple(found), tuple(actions.owners(query.programme_code)), tuple(actions.programme_codes())
    )


class ActionsScreen(Screen):
    title = "Actions"
    name = "actions"

    actions_loaded = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.today = date.today()
        self._serial = 0
        self._job: Job | None = None
        self._pending_uuid: str | None = None
        self.active_dialog: QDialog | None = None  # the dialog last opened, while it is open
        self.model = ActionTableModel(self)
        self._build()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = QLabel("Actions", self)
        font = QFont(self.font())
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title_label.setFont(font)
        self.scope_box = QComboBox(self)
        self.scope_box.addItem("This programme", THIS_PROGRAMME)
        self.scope_box.addItem("All programmes", ALL_PROGRAMMES)
        self.scope_box.setToolTip("Show the actions of the current programme, of every programme, or of one")
        self.show_box = QComboBox(self)
        for label, key in SHOW_CHOICES:
            self.show_box.addItem(label, key)
        self.owner_box = QComboBox(self)
        self.owner_box.addItem("Any owner", None)
        self.source_box = QComboBox(self)
        self.source_box.addItem("Any source", None)
        for source in ActionSource:
            self.source_box.addItem(
                "No source" if source is ActionSource.NONE else source.label, source.value
            )
        for box in (self.scope_box, self.show_box, self.owner_box, self.source_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.currentIndexChanged.connect(self._on_filter_changed)

        header = QHBoxLayout()
        header.addWidget(self.title_label)
        header.addStretch(1)
        header.addWidget(self.scope_box)

        filters = QWidget(self)
        flow = FlowLayout(filters, spacing=6)
        flow.setContentsMargins(0, 0, 0, 0)
        for text, box in (
            ("&Show:", self.show_box),
            ("O&wner:", self.owner_box),
            ("Sou&rce:", self.source_box),
        ):
            pair = QWidget(filters)
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 0, 0)
            caption = QLabel(text, pair)
            caption.setBuddy(box)
            box.setParent(pair)
            pair_layout.addWidget(caption)
            pair_layout.addWidget(box)
            flow.addWidget(pair)

        self.new_button = QPushButton("&New action…", self)
        self.edit_button = QPushButton("Ch&ange…", self)
        self.update_button = QPushButton("&Progress update…", self)
        self.close_button = QPushButton("&Close…", self)
        self.reopen_button = QPushButton("Re&open", self)
        self.trace_button = QPushButton("&Trace…", self)
        self.export_button = QPushButton("E&xport CSV…", self)
        self.new_button.setToolTip("A new action for the current programme (Alt+N)")
        self.trace_button.setToolTip("Where the action came from and whether it worked (Enter)")
        self.close_button.setToolTip("Done or dropped, with a note on what was done")
        self.new_button.clicked.connect(self.new_action)
        self.edit_button.clicked.connect(self.edit_action)
        self.update_button.clicked.connect(self.add_update)
        self.close_button.clicked.connect(self.close_action)
        self.reopen_button.clicked.connect(self.reopen_action)
        self.trace_button.clicked.connect(self.open_trace)
        self.export_button.clicked.connect(self.export_csv)
        buttons = QWidget(self)
        button_flow = FlowLayout(buttons, spacing=6)
        button_flow.setContentsMargins(0, 0, 0, 0)
        for button in (
            self.new_button,
            self.edit_button,
            self.update_button,
            self.close_button,
            self.reopen_button,
            self.trace_button,
            self.export_button,
        ):
            button.setAutoDefault(False)
            button_flow.addWidget(button)

        self.table_view = QTableView(self)
        self.table_view.setModel(self.model)
        self.table_view.setSortingEnabled(True)
        self.table_view.sortByColumn(4, Qt.SortOrder.AscendingOrder)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.verticalHeader().hide()
        self.table_view.setWordWrap(False)
        header_view = self.table_view.horizontalHeader()
        header_view.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header_view.setStretchLastSection(True)
        self.table_view.doubleClicked.connect(self._on_row_chosen)
        self.table_view.installEventFilter(self)
        self.table_view.selectionModel().currentRowChanged.connect(self._update_buttons)

        self.summary_label = QLabel("", self)
        self.summary_label.setWordWrap(True)
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(
            "background: #f6b6c4; color: #1a1a1a; padding: 6px; border-radius: 3px;"
        )
        self.error_label.hide()
        self.hint_label = QLabel(
            "⚠ and bold mark overdue actions. Enter or double-click: details and traceability.", self
        )
        self.hint_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(filters)
        layout.addWidget(buttons)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table_view, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.hint_label)
        self._update_buttons()

    # -- Screen -----------------------------------------------------------------------------

    def set_programme(self, code: str | None) -> None:
        self.programme_code = code
        self.refresh_when_shown()

    def on_data_changed(self, change: DataChange) -> None:
        if change.kind in RELEVANT_CHANGES and not change.made_by(self):
            # The tracker can show every programme: any programme's change may concern it.
            self.refresh_when_shown()

    def navigate(self, target: Navigation) -> None:
        """Show the action named by `target.record_uuid` (whatever the filters hid); with only an
        indicator, open that indicator's traceability (its alerts, decisions and actions)."""
        if target.indicator_code and not target.record_uuid and target.programme_code:
            self._forget_dialog()
            place = Place("indicator", target.indicator_code, target.programme_code)
            self.active_dialog = TraceDialog(self.context, place, self, today=self.today)
            self.active_dialog.open()
            return
        if target.record_uuid:
            self._pending_uuid = target.record_uuid
            for box in (self.show_box, self.owner_box, self.source_box):
                box.blockSignals(True)
                box.setCurrentIndex(self.show_box.findData("all") if box is self.show_box else 0)
                box.blockSignals(False)
            self.refresh()

    def find_text(self, text: str) -> bool:
        needle = text.strip().casefold()
        rows = self.model.rowCount()
        if not needle or not rows:
            return False
        current = self.table_view.currentIndex()
        start = current.row() + 1 if current.isValid() else 0
        for offset in range(rows):
            row = (start + offset) % rows
            action = self.model.action_at(row)
            if (
                action
                and needle in f"{action.code} {action.title} {action.owner} {action.description}".casefold()
            ):
                self.table_view.selectRow(row)
                return True
        return False

    def refresh(self) -> None:
        if self._job is not None:
            self._job.cancel()
        self._serial += 1
        scope = str(self.scope_box.currentData())
        programme = self.programme_code if scope == THIS_PROGRAMME else None
        if scope.startswith(ONLY):
            programme = scope.removeprefix(ONLY)
        if scope == THIS_PROGRAMME and programme is None:
            self.model.set_rows([], self.today)
            self.summary_label.setText("Choose a programme, or show all programmes.")
            self._update_buttons()
            return
        source = self.source_box.currentData()
        owner = self.owner_box.currentData()
        query = TrackerQuery(
            programme,
            str(self.show_box.currentData()),
            owner if isinstance(owner, str) else None,
            ActionSource(source) if isinstance(source, str) else None,
            self.today,
            self._serial,
        )
        job = Job(load_tracker, self.services.actions, query, name="actions")
        job.finished.connect(self._on_loaded)
        job.failed.connect(self._on_failed)
        self._job = self.context.workers.start(job)

    @property
    def is_busy(self) -> bool:
        return self._job is not None

    # -- loading ----------------------------------------------------------------------------

    def _is_current(self) -> bool:
        return self._job is not None and self.sender() is self._job.signals

    def _on_loaded(self, load: TrackerLoad) -> None:
        if not self._is_current() or load.query.serial != self._serial:
            return
        self._job = None
        self.error_label.hide()
        current = self.selected_action()
        self.model.set_rows(load.actions, load.query.as_of)
        self._refill_owners(load.owners)
        self._refill_scope(load.programmes)
        # One programme: its code on every row says nothing.
        self.table_view.setColumnHidden(COL_PROGRAMME, load.query.programme_code is not None)
        self._fit_columns()
        wanted = self._pending_uuid or (current.uuid if current else None)
        self._pending_uuid = None
        row = self.model.row_of(wanted) if wanted else -1
        if self.model.rowCount():
            self.table_view.selectRow(max(row, 0))
        count, overdue = self.model.rowCount(), self.model.overdue_count()
        where = "every programme" if load.query.programme_code is None else load.query.programme_code
        filtered = (load.query.show, load.query.owner, load.query.source) != ("not_closed", None, None)
        if not count and not filtered:
            text = (
                f"No open actions in {where}. New action… adds one; meetings add them from their decisions."
            )
        else:
            text = f"{count} action{'s' if count != 1 else ''} in {where}" + (
                f", {overdue} overdue (⚠)" if overdue else ""
            )
            text += "" if count else " — none match these filters."
        self.summary_label.setText(text)
        self._update_buttons()
        self.actions_loaded.emit()

    def _on_failed(self, error: BaseException) -> None:
        if not self._is_current():
            return
        self._job = None
        self._show_error(
            str(error)
            if isinstance(error, PmdeskError)
            else "The actions could not be read; details are in the log file."
        )
        self.actions_loaded.emit()

    def _refill_scope(self, programmes: tuple[str, ...]) -> None:
        current = self.scope_box.currentData()
        self.scope_box.blockSignals(True)
        while self.scope_box.count() > 2:
            self.scope_box.removeItem(2)
        for code in programmes:
            self.scope_box.addItem(f"Only {code}", ONLY + code)
        index = self.scope_box.findData(current)
        if index < 0:  # the programme's last action went: keep showing that programme
            self.scope_box.addItem(f"Only {str(current).removeprefix(ONLY)}", current)
            index = self.scope_box.count() - 1
        self.scope_box.setCurrentIndex(index)
        self.scope_box.blockSignals(False)

    def _refill_owners(self, owners: tuple[str, ...]) -> None:
        current = self.owner_box.currentData()
        self.owner_box.blockSignals(True)
        self.owner_box.clear()
        self.owner_box.addItem("Any owner", None)
        for owner in owners:
            self.owner_box.addItem(owner, owner)
        index = self.owner_box.findData(current) if isinstance(current, str) else 0
        if index < 0:  # keep a chosen owner even when the other filters hide all their actions
            self.owner_box.addItem(str(current), current)
            index = self.owner_box.count() - 1
        self.owner_box.setCurrentIndex(index)
        self.owner_box.blockSignals(False)

    def _fit_columns(self) -> None:
        view = self.table_view
        view.resizeColumnsToContents()
        chars = view.fontMetrics().averageCharWidth()
        view.setColumnWidth(COL_TITLE, min(view.columnWidth(COL_TITLE), chars * 40))
        for column in range(self.model.columnCount()):
            view.setColumnWidth(column, min(view.columnWidth(column), chars * 32) + chars)

    # -- actions ----------------------------------------------------------------------------

    def selected_action(self) -> ActionInfo | None:
        index = self.table_view.currentIndex()
        return self.model.action_at(index.row()) if index.isValid() else None

    def _update_buttons(self, *_args: object) -> None:
        action = self.selected_action()
        self.new_button.setEnabled(self.programme_code is not None)
        for button in (self.edit_button, self.update_button, self.trace_button):
            button.setEnabled(action is not None)
        self.close_button.setEnabled(action is not None and not action.status.is_closed)
        self.reopen_button.setEnabled(action is not None and action.status.is_closed)
        self.export_button.setEnabled(self.model.rowCount() > 0)

    def _on_filter_changed(self, _index: int) -> None:
        self.refresh()

    def _changed(self, action: ActionInfo) -> None:
        self._pending_uuid = action.uuid
        self.context.signals.announce(ChangeKind.ACTIONS, action.programme_code, origin=self)
        self.status_message.emit(f"Saved action {action.programme_code} {action.code}")
        self.refresh()

    def _people_and_indicators(self, programme_code: str) -> tuple[list[PersonInfo], list[str]]:
        try:
            people = self.services.sites.list_people(programme_code)
            indicators = [i.data.code for i in self.services.framework.list_indicators(programme_code)]
        except PmdeskError:
            return [], []
        return people, indicators

    def new_action(self) -> None:
        code = self.programme_code
        if code is None:
            return
        people, indicators = self._people_and_indicators(code)
        dialog = ActionDialog(
            lambda data: self.services.actions.create(code, data), people, indicators, parent=self
        )
        self._open(dialog)

    def edit_action(self) -> None:
        action = self.selected_action()
        if action is None:
            return
        people, indicators = self._people_and_indicators(action.programme_code)

        def save(data: ActionData) -> ActionInfo:
            return self.services.actions.update(action.uuid, data)

        dialog = ActionDialog(save, people, indicators, action, parent=self)
        self._open(dialog)

    def add_update(self) -> None:
        action = self.selected_action()
        if action is None:
            return
        dialog = UpdateDialog(
            lambda note, status, on: self.services.actions.add_update(action.uuid, note, status, on),
            action,
            self,
        )
        self._open(dialog)

    def close_action(self) -> None:
        action = self.selected_action()
        if action is None or action.status.is_closed:
            return
        dialog = CloseDialog(
            lambda status, note, on: self.services.actions.close(action.uuid, status, note, on), action, self
        )
        self._open(dialog)

    def _open(self, dialog: ActionDialog | UpdateDialog | CloseDialog) -> None:
        """Window-modal, not exec(): the event loop keeps running (and tests can reach it)."""
        self._forget_dialog()
        self.active_dialog = dialog

        def on_accepted() -> None:
            if dialog.saved is not None:
                self._changed(dialog.saved)

        dialog.accepted.connect(on_accepted)
        dialog.open()

    def _forget_dialog(self) -> None:
        if self.active_dialog is not None and not self.active_dialog.isVisible():
            self.active_dialog.deleteLater()
        self.active_dialog = None

    def reopen_action(self) -> None:
        action = self.selected_action()
        if action is None or not action.status.is_closed:
            return
        try:
            self._changed(self.services.actions.reopen(action.uuid))
        except PmdeskError as error:
            self._show_error(str(error))

    def open_trace(self) -> None:
        action = self.selected_action()
        if action is not None:
            place = Place("action", action.uuid, action.programme_code)
            self._forget_dialog()
            self.active_dialog = TraceDialog(self.context, place, self, today=self.today)
            self.active_dialog.open()

    def export_csv(self) -> None:
        from pmdesk.services.action_listing import write_actions_csv

        name, _ = QFileDialog.getSaveFileName(self, "Export actions", "actions.csv", "CSV files (*.csv)")
        if not name:
            return
        try:
            write_actions_csv(self.model.rows, Path(name), self.today)
        except (OSError, PmdeskError) as error:
            self._show_error(f"The file could not be written: {error}")
            return
        self.status_message.emit(f"Wrote {len(self.model.rows)} actions to {name}")

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _on_row_chosen(self, _index: QModelIndex) -> None:
        self.open_trace()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table_view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.table_view.currentIndex().isValid()
        ):
            self.open_trace()
            return True
        return super().eventFilter(watched, event)

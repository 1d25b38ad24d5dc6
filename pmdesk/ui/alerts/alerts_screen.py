# SPDX-License-Identifier: GPL-3.0-or-later
"""Triggers & alerts: the alerts a programme's triggers raised (open first), acknowledged with a
note, and the triggers themselves, added and edited in a dialog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.actions import ActionSource
from pmdesk.domain.enums import Measure
from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.services.alert_records import AlertInfo, TriggerData
from pmdesk.ui.actions.action_dialogs import ActionDialog, ActionSourceChoice
from pmdesk.ui.alerts.acknowledge_dialog import AcknowledgeDialog
from pmdesk.ui.alerts.alert_table_model import (
    COL_FIGURES,
    COL_INDICATOR,
    COL_PERIODS,
    T_COL_CONDITION,
    T_COL_RESPONSE,
    AlertTableModel,
    TriggerTableModel,
    alert_details,
)
from pmdesk.ui.alerts.trigger_dialog import Subject, TriggerDialog
from pmdesk.ui.form_errors import LOOP_ERROR_STYLE
from pmdesk.ui.loading import Loader
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import ChangeKind, DataChange, Navigation
from pmdesk.ui.widgets.elided_label import ElidedLabel

if TYPE_CHECKING:
    from pmdesk.services.alert_records import EvaluationSummary, TriggerInfo
    from pmdesk.services.alerts import AlertService
    from pmdesk.services.framework import FrameworkService
    from pmdesk.ui.context import UiContext

TITLE = "Triggers & alerts"
FILTERS = (("All alerts", "all"), ("Open", "open"), ("Acknowledged", "acknowledged"))
# Changes that can change what is listed here; values and targets reach it through the alert
# watcher's "alerts" notice once the triggers have been evaluated.
RELOAD_ON = frozenset({ChangeKind.ALERTS, ChangeKind.FRAMEWORK, ChangeKind.PROGRAMMES, ChangeKind.SITES})


@dataclass(frozen=True)
class AlertsRequest:
    programme_code: str
    serial: int


@dataclass(frozen=True)
class AlertsLoad:
    request: AlertsRequest
    summary: EvaluationSummary | None  # None: the database could not be written (read-only)
    alerts: tuple[AlertInfo, ...]
    triggers: tuple[TriggerInfo, ...]
    subjects: tuple[Subject, ...]


def load_alerts(alerts: AlertService, framework: FrameworkService, request: AlertsRequest) -> AlertsLoad:
    """The job: evaluate the triggers (so the list is never behind the data), then read. Runs on a
    pool thread and touches no widget."""
    code = request.programme_code
    try:
        summary: EvaluationSummary | None = alerts.evaluate(code)
    except StorageError:
        summary = None  # a read-only or busy file: show the alerts as they are
    results = tuple(Subject("result", r.code, r.title, r.depth) for r in framework.list_results(code))
    indicators = tuple(
        Subject("indicator", i.data.code, i.data.name)
        for i in framework.list_indicators(code)
        if i.data.measure != Measure.QUALITATIVE
    )
    return AlertsLoad(request, summary, alerts.list(code), alerts.list_triggers(code), results + indicators)


class AlertsScreen(Screen):
    """Double-click or Enter on an alert opens the IPTT on its indicator; Acknowledge… records a note."""

    title = TITLE
    name = "alerts"

    alerts_loaded = Signal(str)  # programme code, once the lists are on screen
    load_failed = Signal(str)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._serial = 0
        self._request: AlertsRequest | None = None
        self.loader = Loader(context.workers, "The alerts", self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self.loader.busy_changed.connect(self._on_busy_changed)
        self._pending: Navigation | None = None
        self._trigger_to_select: str | None = None  # just saved: selected once the list is back
        self._all_alerts: tuple[AlertInfo, ...] = ()
        self._subjects: tuple[Subject, ...] = ()
        self.alert_model = AlertTableModel(self)
        self.trigger_model = TriggerTableModel(self)
        self._build()
        self._update_buttons()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = ElidedLabel(TITLE, self, Qt.TextElideMode.ElideRight)
        self.title_label.setObjectName("screenTitle")
        self.filter_combo = QComboBox(self)
        for text, status in FILTERS:
            self.filter_combo.addItem(text, status)
        self.filter_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.filter_combo.currentIndexChanged.connect(self._apply_filter)
        filter_label = QLabel("&Show:", self)
        filter_label.setBuddy(self.filter_combo)
        self.count_label = QLabel("", self)
        self.busy_label = QLabel("Evaluating triggers…", self)
        self.busy_label.hide()
        self.acknowledge_button = QPushButton("&Acknowledge…", self)
        self.acknowledge_button.setToolTip(
            "Record that the alert has been seen and what is being done about it"
        )
        self.acknowledge_button.clicked.connect(self._on_acknowledge_clicked)
        self.iptt_button = QPushButton("Open in &IPTT", self)
        self.iptt_button.setToolTip(
            "Show the indicator in the IPTT (or double-click the alert, or press Enter)"
        )
        self.iptt_button.clicked.connect(self._on_open_iptt_clicked)
        self.action_button = QPushButton("A&ction from this…", self)
        self.action_button.setToolTip(
            "A new action item that comes from this alert, for the tracker (DESIGN §4: one step)"
        )
        self.action_button.clicked.connect(self.action_from_alert)
        self.action_dialog: ActionDialog | None = None

        controls = QHBoxLayout()
        controls.addWidget(self.title_label, 1)
        controls.addWidget(filter_label)
        controls.addWidget(self.filter_combo)
        controls.addSpacing(8)
        controls.addWidget(self.count_label)
        controls.addWidget(self.busy_label)
        # The alert's buttons sit under its details, not in this row: at 150 % on a 1024-pixel
        # screen the row would no longer fit.
        alert_buttons = QHBoxLayout()
        alert_buttons.addWidget(self.iptt_button)
        alert_buttons.addWidget(self.action_button)
        alert_buttons.addWidget(self.acknowledge_button)
        alert_buttons.addStretch(1)

        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(LOOP_ERROR_STYLE)
        self.error_label.hide()

        self.alert_view = self._table(self.alert_model)
        self.alert_view.setAccessibleName("Alerts")
        self.alert_view.doubleClicked.connect(self._on_alert_chosen)
        self.alert_view.selectionModel().currentRowChanged.connect(self._on_alert_row_changed)
        self.details_label = QLabel("", self)
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty_label = QLabel("", self)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        alerts_box = QWidget(self)
        alerts_layout = QVBoxLayout(alerts_box)
        alerts_layout.setContentsMargins(0, 0, 0, 0)
        alerts_layout.addWidget(self.alert_view, 1)
        alerts_layout.addWidget(self.empty_label)
        alerts_layout.addWidget(self.details_label)
        alerts_layout.addLayout(alert_buttons)

        self.triggers_label = QLabel("&Triggers", self)
        bold = QFont(self.font())
        bold.setBold(True)
        self.triggers_label.setFont(bold)
        self.trigger_view = self._table(self.trigger_model)
        self.trigger_view.setAccessibleName("Triggers")
        self.triggers_label.setBuddy(self.trigger_view)
        self.trigger_view.doubleClicked.connect(lambda _index: self._on_edit_clicked())
        self.trigger_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.add_button = QPushButton("Add t&rigger…", self)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button = QPushButton("E&dit…", self)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.delete_button = QPushButton("De&lete", self)
        self.delete_button.setToolTip("Delete the trigger; the alerts it raised are kept")
        self.delete_button.clicked.connect(self._on_delete_clicked)
        trigger_bar = QHBoxLayout()
        trigger_bar.addWidget(self.triggers_label, 1)
        trigger_bar.addWidget(self.add_button)
        trigger_bar.addWidget(self.edit_button)
        trigger_bar.addWidget(self.delete_button)
        triggers_box = QWidget(self)
        triggers_layout = QVBoxLayout(triggers_box)
        triggers_layout.setContentsMargins(0, 0, 0, 0)
        triggers_layout.addLayout(trigger_bar)
        triggers_layout.addWidget(self.trigger_view, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(alerts_box)
        self.splitter.addWidget(triggers_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.error_label)
        layout.addWidget(self.splitter, 1)
        self._apply_fonts()

    def _table(self, model: AlertTableModel | TriggerTableModel) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().hide()
        view.setWordWrap(False)
        view.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # Enter by hand rather than `activated`: styles that activate on one click would leave
        # the screen whenever a row is clicked.
        view.installEventFilter(self)
        return view

    def _apply_fonts(self) -> None:
        title = QFont(self.font())
        if title.pointSizeF() > 0:
            title.setPointSizeF(title.pointSizeF() * 1.3)
        else:
            title.setPixelSize(round(title.pixelSize() * 1.3))
        title.setBold(True)
        self.title_label.setFont(title)
        self.error_label.setFont(self.font())

    def _fit_columns(self) -> None:
        # Long cells (indicator names, conditions) are kept to a share of the width, not the text's.
        for view, wide in (
            (self.alert_view, (COL_INDICATOR, COL_PERIODS, COL_FIGURES)),
            (self.trigger_view, (T_COL_CONDITION,)),
        ):
            header = view.horizontalHeader()
            limit = max(120, view.viewport().width() // 3)
            for column in wide:
                if header.sectionSize(column) > limit:
                    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                    header.resizeSection(column, limit)
        self.trigger_view.horizontalHeader().setSectionResizeMode(
            T_COL_RESPONSE, QHeaderView.ResizeMode.Stretch
        )

    # -- public -----------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        return self.loader.is_loading

    @property
    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def current_alert(self) -> AlertInfo | None:
        index = self.alert_view.currentIndex()
        return self.alert_model.alert_at(index.row()) if index.isValid() else None

    def current_trigger(self) -> TriggerInfo | None:
        index = self.trigger_view.currentIndex()
        return self.trigger_model.trigger_at(index.row()) if index.isValid() else None

    def set_programme(self, code: str | None) -> None:
        if code != self.programme_code:
            self._all_alerts = ()
            self.alert_model.set_rows(())
            self.trigger_model.set_rows(())
            self._show_details()
        self.programme_code = code
        if code is None:
            self.loader.cancel()
            self._update_buttons()
            return
        self.refresh_when_shown()

    def refresh(self) -> None:
        if self.programme_code is None:
            return
        self._serial += 1
        self._request = AlertsRequest(self.programme_code, self._serial)
        self.loader.load(load_alerts, self.services.alerts, self.services.framework, self._request)
        self._update_buttons()

    def on_data_changed(self, change: DataChange) -> None:
        if change.kind in RELOAD_ON and not change.made_by(self):
            super().on_data_changed(change)

    def navigate(self, target: Navigation) -> None:
        """Select the alert named by `record_uuid` (after the list has arrived, if it is on its way)."""
        if not target.record_uuid:
            return
        # Asked before the list arrived (or for one raised since it was read): select on arrival.
        if self.loader.is_loading or not self._select_alert(target.record_uuid):
            self._pending = target

    def focus_first(self) -> None:
        self.alert_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def find_text(self, text: str) -> bool:
        """Select the next alert whose trigger, indicator, site or periods contain `text`."""
        needle = text.strip().casefold()
        rows = self.alert_model.rowCount()
        if not needle or not rows:
            return False
        current = self.alert_view.currentIndex()
        start = current.row() + 1 if current.isValid() else 0
        for offset in range(rows):
            row = (start + offset) % rows
            alert = self.alert_model.alert_at(row)
            assert alert is not None
            haystack = " ".join(
                (
                    alert.trigger_code,
                    alert.indicator_code,
                    alert.indicator_name,
                    alert.site_name,
                    *alert.period_labels,
                )
            )
            if needle in haystack.casefold():
                self._set_alert_row(row)
                return True
        return False

    # -- loading ----------------------------------------------------------------------------

    def _on_busy_changed(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)

    def _on_loaded(self, load: AlertsLoad) -> None:
        if load.request != self._request:
            return
        self.error_label.hide()
        kept_alert = self.current_alert()
        kept_trigger = self.current_trigger()
        self._all_alerts = load.alerts
        self._subjects = load.subjects
        self.trigger_model.set_rows(load.triggers)
        self._apply_filter()
        wanted, self._trigger_to_select = self._trigger_to_select, None
        if wanted is None and kept_trigger is not None:
            wanted = kept_trigger.code
        row = self.trigger_model.row_of(wanted) if wanted is not None else None
        if row is None and self.trigger_model.rowCount():
            row = 0
        if row is not None:
            self.trigger_view.setCurrentIndex(self.trigger_model.index(row, 0))
        pending, self._pending = self._pending, None
        if pending is not None and pending.record_uuid:
            self._select_alert(pending.record_uuid)
        elif kept_alert is not None:
            self._select_alert(kept_alert.uuid, reveal=False)
        self._fit_columns()
        self._update_buttons()
        if load.summary is not None and load.summary.changed:
            # Raised here first (say, after a trigger was saved): the agenda and others learn of it.
            self.context.signals.announce(ChangeKind.ALERTS, load.request.programme_code, origin=self)
        self.alerts_loaded.emit(load.request.programme_code)

    def _on_failed(self, message: str) -> None:
        self._all_alerts = ()
        self.alert_model.set_rows(())
        self.trigger_model.set_rows(())
        self.error_label.setText(message)
        self.error_label.show()
        self._update_buttons()
        self.load_failed.emit(message)

    # -- alerts -----------------------------------------------------------------------------

    def _apply_filter(self) -> None:
        status = self.filter_combo.currentData()
        kept = self.current_alert()
        shown = [a for a in self._all_alerts if status == "all" or a.status.value == status]
        self.alert_model.set_rows(shown)
        open_count = sum(1 for a in self._all_alerts if a.is_open and a.holds)
        self.count_label.setText(f"{open_count} open" if self.programme_code else "")
        if not self._all_alerts:
            self.empty_label.setText(
                "No alerts: no trigger has held yet."
                if self.trigger_model.rowCount()
                else "No triggers yet. Add one below: for example, satisfaction below 70 % for two consecutive quarters."
            )
        elif not shown:
            self.empty_label.setText(f"No {self.filter_combo.currentText().lower()} alerts.")
        self.empty_label.setVisible(not shown)
        if not (kept is not None and self._select_alert(kept.uuid, reveal=False)) and shown:
            self._set_alert_row(0)
        self._show_details()
        self._update_buttons()

    def _select_alert(self, alert_uuid: str, *, reveal: bool = True) -> bool:
        """Select the alert; with `reveal`, show every alert if the filter hides it."""
        row = self.alert_model.row_of(alert_uuid)
        if row is None and reveal and any(a.uuid == alert_uuid for a in self._all_alerts):
            self.filter_combo.setCurrentIndex(0)  # hidden by the filter: show them all
            row = self.alert_model.row_of(alert_uuid)
        if row is None:
            return False
        self._set_alert_row(row)
        return True

    def _set_alert_row(self, row: int) -> None:
        index = self.alert_model.index(row, 0)
        self.alert_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.alert_view.scrollTo(index)

    def _on_alert_row_changed(self, *_: object) -> None:
        self._show_details()
        self._update_buttons()

    def _show_details(self) -> None:
        alert = self.current_alert()
        self.details_label.setText(alert_details(alert) if alert is not None else "")
        self.details_label.setVisible(alert is not None)

    def _update_buttons(self) -> None:
        alert = self.current_alert()
        self.acknowledge_button.setEnabled(alert is not None and alert.is_open)
        self.iptt_button.setEnabled(alert is not None and bool(alert.indicator_name))
        self.action_button.setEnabled(alert is not None)
        has_programme = self.programme_code is not None and not self.loader.is_loading
        self.add_button.setEnabled(has_programme)
        self.edit_button.setEnabled(has_programme and self.current_trigger() is not None)
        self.delete_button.setEnabled(has_programme and self.current_trigger() is not None)

    def _on_alert_chosen(self, index: QModelIndex) -> None:
        alert = self.alert_model.alert_at(index.row())
        if alert is not None and alert.indicator_name:
            self.context.signals.navigate(
                Navigation("iptt", alert.programme_code, indicator_code=alert.indicator_code)
            )

    def _on_open_iptt_clicked(self) -> None:
        self._on_alert_chosen(self.alert_view.currentIndex())

    def action_from_alert(self) -> ActionDialog | None:
        """The alert turned into an action item in one step: its indicator proposed, the alert
        its source; saved through the action service like any other action."""
        alert = self.current_alert()
        code = self.programme_code
        if alert is None or code is None:
            return None
        try:
            people = self.services.sites.list_people(code)
            indicators = [i.data.code for i in self.services.framework.list_indicators(code)]
        except PmdeskError as error:
            self.error_label.setText(str(error))
            self.error_label.show()
            return None
        where = f" at {alert.site_name}" if alert.site_name else ""
        source = ActionSourceChoice(
            ActionSource.ALERT,
            alert.uuid,
            f"Alert {alert.trigger_code} on {alert.indicator_code}{where}: {', '.join(alert.period_labels)}",
            (alert.indicator_code,) if alert.indicator_name else (),
        )
        actions = self.services.actions
        dialog = ActionDialog(
            lambda data: actions.create(code, data), people, indicators, parent=self, source=source
        )
        # The trigger's agreed response is what the action usually is: proposed as its title.
        _, _, response = alert.message.partition(" Response: ")
        if response.strip():
            dialog.title_edit.setText(response.strip().splitlines()[0][:200])
        self.action_dialog = dialog

        def on_accepted() -> None:
            if dialog.saved is not None:
                self.context.signals.announce(ChangeKind.ACTIONS, code, origin=self)
                self.status_message.emit(f"Saved action {dialog.saved.code} from the alert; it is in Actions")

        dialog.accepted.connect(on_accepted)
        dialog.open()
        return dialog

    def _on_acknowledge_clicked(self) -> None:
        alert = self.current_alert()
        if alert is None or not alert.is_open:
            return
        summary = (
            f"<b>{alert.trigger_code}</b> on {alert.indicator_code} {alert.indicator_name}"
            f"{' at ' + alert.site_name if alert.site_name else ''}: {', '.join(alert.period_labels)}"
        )

        def submit(note: str) -> object:
            return self.services.alerts.acknowledge(alert.uuid, note)

        dialog = AcknowledgeDialog(summary, submit, self)
        if dialog.exec():
            self.status_message.emit(f"Alert {alert.trigger_code} on {alert.indicator_code} acknowledged")
            self.context.signals.announce(ChangeKind.ALERTS, self.programme_code, origin=self)
            self.refresh()

    # -- triggers ---------------------------------------------------------------------------

    def _on_add_clicked(self) -> None:
        self._edit_trigger(None)

    def _on_edit_clicked(self) -> None:
        trigger = self.current_trigger()
        if trigger is not None:
            self._edit_trigger(trigger.data)

    def _edit_trigger(self, trigger: TriggerData | None) -> None:
        code = self.programme_code
        if code is None:
            return
        original = trigger.code if trigger is not None else None

        def submit(data: TriggerData) -> object:
            return self.services.alerts.save_trigger(code, data, original_code=original)

        title = f"Edit trigger {original}" if original else "Add trigger"
        dialog = TriggerDialog(title, self._subjects, submit, trigger=trigger, parent=self)
        if dialog.exec():
            saved = dialog.data().code
            self.status_message.emit(f"Trigger {saved} saved")
            self._reload_selecting(saved)

    def _on_delete_clicked(self) -> None:
        trigger = self.current_trigger()
        code = self.programme_code
        if trigger is None or code is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete trigger",
            f"Delete trigger {trigger.code} ({trigger.description})?\n\n"
            "The alerts it raised are kept, with their acknowledgements.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.services.alerts.delete_trigger(code, trigger.code)
        except PmdeskError as exc:
            QMessageBox.warning(self, "Delete trigger", f"Trigger {trigger.code} was not deleted: {exc}")
            return
        self.status_message.emit(f"Trigger {trigger.code} deleted")
        self.refresh()

    def _reload_selecting(self, trigger_code: str) -> None:
        self._trigger_to_select = trigger_code
        self.refresh()

    # -- keyboard ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            if watched is self.alert_view and self.alert_view.currentIndex().isValid():
                self._on_alert_chosen(self.alert_view.currentIndex())
                return True
            if watched is self.trigger_view and self.trigger_view.currentIndex().isValid():
                self._on_edit_clicked()
                return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "title_label"):
            self._apply_fonts()

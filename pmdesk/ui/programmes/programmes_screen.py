# SPDX-License-Identifier: GPL-3.0-or-later
"""The Programmes screen: every programme of the database; create, edit, delete and open one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import Frequency
from pmdesk.domain.errors import PmdeskError
from pmdesk.domain.periods import CustomPeriod
from pmdesk.ui.formatting import counted, format_count
from pmdesk.ui.programmes.programme_dialog import ProgrammeDialog
from pmdesk.ui.programmes.programme_summary_panel import ProgrammeSummaryPanel
from pmdesk.ui.programmes.programme_table_model import (
    COL_CODE,
    COL_DONOR,
    COL_NAME,
    ProgrammeTableModel,
)
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import DataChange, Navigation
from pmdesk.ui.widgets.notes_fold import MIN_ROWS
from pmdesk.ui.workers import Job

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.programmes import ProgrammeSummary
    from pmdesk.ui.context import UiContext

EMPTY_TEXT = (
    "This database holds no programme yet. Choose New programme… to create one, "
    "or File ▸ Import ▸ Programme package to read one from a file."
)


class ProgrammesScreen(Screen):
    title = "Programmes"
    name = "programmes"

    programmes_loaded = Signal(int)  # how many programmes the table shows
    programme_deleted = Signal(str)  # its code, once the service has deleted it

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._load_job: Job | None = None
        self._delete_job: Job | None = None
        self._select_after_load: str | None = None
        self._summary_fitted = False
        self.dialog: ProgrammeDialog | None = None
        self.progress: QProgressDialog | None = None
        self.model = ProgrammeTableModel(self)
        # Changes announced by other screens often come in bursts: read the list once per burst.
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._build()
        self._update_actions()
        self.refresh()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.new_action = self._action(
            "&New programme…",
            "",
            "Create a programme (also File ▸ New programme, Ctrl+Shift+N)",
            self._on_new,
        )
        self.edit_action = self._action(
            "Ed&it…",
            "F2",
            "Change the selected programme's name, dates, frequency or thresholds",
            self._on_edit,
        )
        self.delete_action = self._action("&Delete…", "Del", "Delete the selected programme", self._on_delete)
        self.open_action = self._action(
            "&Open IPTT", "", "Make the selected programme current and show its IPTT (Enter)", self._on_open
        )
        self.new_button = self._button(self.new_action)
        self.edit_button = self._button(self.edit_action)
        self.delete_button = self._button(self.delete_action)
        self.open_button = self._button(self.open_action)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.delete_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.status_label = QLabel("", self)
        buttons.addWidget(self.status_label)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_CODE, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_DONOR, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(48)
        self.table.setColumnWidth(COL_DONOR, self.fontMetrics().averageCharWidth() * 22)
        self.table.activated.connect(self._on_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        # Delete acts on the table only: in a text field it must still delete text.
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.delete_action)
        self.table_label = table_label = QLabel("&Programmes (Enter or double-click opens the IPTT):", self)
        table_label.setBuddy(self.table)

        self.summary = ProgrammeSummaryPanel(self)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(table_label)
        top_layout.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.summary)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)

    def _button(self, action: QAction) -> QPushButton:
        button = QPushButton(action.text(), self)
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        action.changed.connect(lambda: button.setEnabled(action.isEnabled()))
        return button

    def _action(self, text: str, shortcut: str, tip: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(
                f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
            )
        else:
            action.setToolTip(tip)
        # Only while this screen has the focus: other screens may use the same keys.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- Screen -----------------------------------------------------------------------------

    def set_programme(self, code: str | None) -> None:
        self.programme_code = code
        self.model.set_current_code(code)
        if code and self.model.row_of(code) >= 0 and self.selected_programme() is None:
            self.select_programme(code)
        self._show_summary()

    def refresh(self) -> None:
        if self._load_job is not None:
            self._load_job.cancel()
        job = Job(self.services.programmes.list_programmes, name="list programmes")
        job.finished.connect(self._on_loaded)
        job.failed.connect(self._on_load_failed)
        self._load_job = self.context.workers.start(job)
        self.status_label.setText("Reading…")

    def on_data_changed(self, change: DataChange) -> None:
        # Counts of any programme may change with any change; our own writes refresh themselves.
        if change.made_by(self):
            return
        if self.isVisible():
            self._refresh_timer.start()
        else:
            # Data entry announces every value: read the list once, when this screen is shown.
            self.refresh_when_shown()

    def navigate(self, target: Navigation) -> None:
        if target.programme_code:
            self.select_programme(target.programme_code)

    def find_text(self, text: str) -> bool:
        needle = text.casefold()
        count = self.model.rowCount()
        start = (self.table.currentIndex().row() + 1) if self.table.currentIndex().isValid() else 0
        for step in range(count):
            row = (start + step) % count
            p = self.model.programme_at(row)
            if p and any(needle in s.casefold() for s in (p.code, p.name, p.donor)):
                self.table.selectRow(row)
                return True
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # On a small screen the name matters more than the donor, which the summary shows anyway.
        narrow = self.width() < self.fontMetrics().averageCharWidth() * 150
        self.table.setColumnHidden(COL_DONOR, narrow)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)  # reads the list again if a change arrived while hidden
        if not self._summary_fitted:
            # The splitter has its real size only once the shell shows this screen.
            QTimer.singleShot(0, self._show_summary)

    # -- reading ----------------------------------------------------------------------------

    def _on_loaded(self, rows: list[ProgrammeSummary]) -> None:
        if self._load_job is None or self.sender() is not self._load_job.signals:
            return
        self._load_job = None
        selected = self.selected_programme()
        keep = self._select_after_load or (selected.code if selected else None) or self.programme_code
        self._select_after_load = None
        self.model.set_rows(rows)
        self.status_label.setText(counted(len(rows), "programme") if rows else "")
        self.summary.empty_label.setText(EMPTY_TEXT if not rows else "Select a programme to see its set-up.")
        if rows:
            self.select_programme(keep if keep and self.model.row_of(keep) >= 0 else rows[0].code)
        self._show_summary()
        self._update_actions()
        self.programmes_loaded.emit(len(rows))

    def _on_load_failed(self, error: BaseException) -> None:
        if self._load_job is None or self.sender() is not self._load_job.signals:
            return
        self._load_job = None
        self.status_label.setText("")
        QMessageBox.warning(self, "Programmes", f"The programmes could not be read.\n\n{_message(error)}")

    def selected_programme(self) -> ProgrammeSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.programme_at(rows[0].row()) if rows else None

    def select_programme(self, code: str) -> bool:
        row = self.model.row_of(code)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, COL_NAME))
        return row >= 0

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_summary()
        self._update_actions()

    def _show_summary(self) -> None:
        p = self.selected_programme()
        periods: list[Period] = []
        error = ""
        if p is not None:
            try:
                periods = self.services.programmes.periods(p.code)
            except PmdeskError as exc:
                error = str(exc)
        self._fit_summary()
        self.summary.show_programme(
            p, periods, is_current=p is not None and p.code == self.programme_code, periods_error=error
        )

    def _fit_summary(self) -> None:
        """Once, when there is something to show: give the summary the height it needs (at most
        60 % of the screen, and never the room of the table's first MIN_ROWS rows: on a small
        screen it scrolls), the table the rest. Later the user's splitter position stands."""
        total = sum(self.splitter.sizes())
        if self._summary_fitted or total <= 0 or self.selected_programme() is None:
            return
        self._summary_fitted = True
        self.summary.show_programme(self.selected_programme(), ())
        table = self.table
        rows = table.verticalHeader().defaultSectionSize() * MIN_ROWS
        # The label above the table, its header, frame and a horizontal scroll bar.
        table_room = (
            self.table_label.sizeHint().height()
            + table.horizontalHeader().sizeHint().height()
            + 2 * table.frameWidth()
            + table.horizontalScrollBar().sizeHint().height()
            + rows
            + 12
        )
        wanted = min(self.summary.sizeHint().height(), int(total * 0.6), total - table_room)
        wanted = max(wanted, self.summary.minimumSizeHint().height())
        self.splitter.setSizes([total - wanted, wanted])

    def _update_actions(self) -> None:
        has = self.selected_programme() is not None and self._delete_job is None
        for action in (self.edit_action, self.delete_action, self.open_action):
            action.setEnabled(has)
        self.new_action.setEnabled(self._delete_job is None)

    # -- actions ----------------------------------------------------------------------------

    def _on_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.table.selectRow(index.row())
            self._on_open()

    def _on_open(self) -> None:
        p = self.selected_programme()
        if p is not None:
            self.context.signals.navigate(Navigation("iptt", p.code))

    def _on_new(self) -> None:
        self._open_dialog(ProgrammeDialog(self.services.programmes, self.context.workers, parent=self))

    def _on_edit(self) -> None:
        p = self.selected_programme()
        if p is None:
            return
        periods: list[CustomPeriod] = []
        if p.frequency is Frequency.CUSTOM:
            try:
                periods = [
                    CustomPeriod(x.code, x.start, x.end) for x in self.services.programmes.periods(p.code)
                ]
            except PmdeskError as exc:
                QMessageBox.warning(self, "Edit programme", str(exc))
                return
        self._open_dialog(ProgrammeDialog(self.services.programmes, self.context.workers, p, periods, self))

    def _open_dialog(self, dialog: ProgrammeDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(self._on_dialog_saved)
        dialog.finished.connect(self._on_dialog_finished)
        dialog.open()

    def _on_dialog_saved(self, summary: ProgrammeSummary) -> None:
        dialog = self.dialog
        before = dialog.existing if dialog is not None else None
        self._select_after_load = summary.code
        renamed = before is not None and before.code != summary.code
        # A new code is a different key for every screen: say "possibly every programme".
        self._announce("programmes", None if renamed else summary.code)
        self.refresh()
        if before is None or (renamed and before.code == self.programme_code):
            # A new programme becomes the current one, as a new document opens; a renamed current
            # programme stays current under its new code.
            self.context.signals.navigate(Navigation(self.name, summary.code))

    def _on_dialog_finished(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        self.table.setFocus()

    def _on_delete(self) -> None:
        p = self.selected_programme()
        if p is None or self._delete_job is not None:
            return
        what = (
            f"{format_count(p.indicator_count)} indicators, {format_count(p.site_count)} sites, "
            "its targets, people and framework"
        )
        if p.value_count:
            text = (
                f"Programme {p.code} — {p.name} holds {format_count(p.value_count)} data values.\n\n"
                f"Deleting it deletes all {format_count(p.value_count)} data values too, with its {what}. "
                "History keeps a record that they existed.\n\nDelete the programme and its data values?"
            )
        else:
            text = f"Delete programme {p.code} — {p.name} with its {what}?\n\nIt holds no data values."
        answer = QMessageBox.question(
            self,
            "Delete programme",
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        job = Job(
            self.services.programmes.delete, p.code, with_data=p.value_count > 0, name="delete programme"
        )
        job.finished.connect(lambda _r, code=p.code: self._on_deleted(code))
        job.failed.connect(self._on_delete_failed)
        job.signals.ended.connect(self._on_delete_ended)
        self._delete_job = job
        self._update_actions()
        # Deleting a million values takes seconds. It is one transaction: there is nothing to cancel
        # halfway, so the dialog only says what is happening.
        self.progress = QProgressDialog(f"Deleting programme {p.code} …", "", 0, 0, self)
        self.progress.setWindowTitle("Delete programme")
        self.progress.setCancelButton(None)  # type: ignore[arg-type]  # Qt accepts None: no button
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(300)
        self.context.workers.start(job)

    def _on_deleted(self, code: str) -> None:
        self._announce("programmes", code)
        self.programme_deleted.emit(code)
        self.refresh()

    def _on_delete_failed(self, error: BaseException) -> None:
        QMessageBox.warning(self, "Delete programme", f"The programme was not deleted.\n\n{_message(error)}")

    def _on_delete_ended(self) -> None:
        self._delete_job = None
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None
        self._update_actions()

    def _announce(self, kind: str, code: str | None) -> None:
        self.context.signals.announce(kind, code, origin=self)


def _message(error: BaseException) -> str:
    if isinstance(error, PmdeskError):
        return str(error)
    return f"Unexpected error ({type(error).__name__}: {error}); details are in the log file."

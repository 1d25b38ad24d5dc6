# SPDX-License-Identifier: GPL-3.0-or-later
"""The shell: menus, programme list, the IPTT screen, status bar, window state and zoom."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QItemSelection, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QGuiApplication, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk import __version__
from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.context import Services
from pmdesk.ui.formatting import format_count
from pmdesk.ui.models.programme_list_model import COL_CODE, COL_NAME, ProgrammeListModel
from pmdesk.ui.screens.iptt_screen import IpttScreen
from pmdesk.ui.signals import AppSignals, DataChange
from pmdesk.ui.workers import Job, Workers

if TYPE_CHECKING:
    from pmdesk.services.programmes import ProgrammeSummary

# Font scale steps of View ▸ Zoom; 1.0 is the system font.
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5)
DEFAULT_ZOOM = ZOOM_STEPS.index(1.0)

_GEOMETRY = "window/geometry"
_STATE = "window/state"
_SPLITTER = "window/splitter"
_ZOOM = "view/zoom"
_PROGRAMME = "view/programme"


class MainWindow(QMainWindow):
    programmes_loaded = Signal(int)  # how many programmes the list shows
    programme_selected = Signal(str)  # its code

    def __init__(
        self,
        database_path: Path,
        workers: Workers,
        signals: AppSignals,
        settings: QSettings,
        log_path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._database_path = database_path
        self._workers = workers
        self._signals = signals
        self._settings = settings
        self._log_path = log_path
        self._services: Services | None = None
        self._programmes_job: Job | None = None
        self.iptt_screen: IpttScreen | None = None
        self._base_font = QFont(QApplication.font())
        self._zoom = DEFAULT_ZOOM
        self.setWindowTitle(f"PMDesk — {database_path.name}")
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        signals.data_changed.connect(self._on_data_changed)
        self._restore_state()

    # -- layout -----------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # not a standard key on Windows
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        view_menu = self.menuBar().addMenu("&View")
        self.zoom_in_action = QAction("Zoom &in", self)
        # Ctrl+= too: on most keyboards "+" needs Shift.
        self.zoom_in_action.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        self.zoom_in_action.triggered.connect(self.zoom_in)
        self.zoom_out_action = QAction("Zoom &out", self)
        self.zoom_out_action.setShortcut(QKeySequence("Ctrl+-"))
        self.zoom_out_action.triggered.connect(self.zoom_out)
        self.zoom_reset_action = QAction("&Actual size", self)
        self.zoom_reset_action.setShortcut(QKeySequence("Ctrl+0"))
        self.zoom_reset_action.triggered.connect(self.reset_zoom)
        for action in (self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action):
            view_menu.addAction(action)
        view_menu.addSeparator()
        self.reload_action = QAction("&Reload", self)
        self.reload_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.reload_action.setStatusTip("Read the programmes and the IPTT from the database again")
        self.reload_action.triggered.connect(self.reload)
        view_menu.addAction(self.reload_action)

        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = QAction("&About PMDesk", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self._on_about_triggered)
        help_menu.addAction(self.about_action)

    def _build_central(self) -> None:
        self.pages = QStackedWidget(self)
        self.opening_label = QLabel(f"Opening {self._database_path} …", self)
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening_label.setWordWrap(True)
        self.empty_label = QLabel(self._empty_text(), self)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty_label.setContentsMargins(24, 24, 24, 24)

        self.programme_model = ProgrammeListModel(self)
        self.programme_view = QTableView(self)
        self.programme_view.setModel(self.programme_model)
        self.programme_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.programme_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.programme_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.programme_view.verticalHeader().hide()
        self.programme_view.horizontalHeader().hide()
        self.programme_view.setShowGrid(False)
        self.programme_view.setWordWrap(True)
        self.programme_view.horizontalHeader().setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.programme_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for column in range(self.programme_model.columnCount()):
            self.programme_view.setColumnHidden(column, column not in (COL_CODE, COL_NAME))
        self.programme_view.selectionModel().selectionChanged.connect(self._on_programme_selection_changed)
        # A handful of rows: let Qt keep their heights fitted to the wrapped names at any width.
        self.programme_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.programme_model.modelReset.connect(self._fit_programme_rows)

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 6, 0, 6)
        heading = QLabel("<b>Programmes</b>", side)
        heading.setBuddy(self.programme_view)
        side_layout.addWidget(heading)
        side_layout.addWidget(self.programme_view, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(side)

        self.pages.addWidget(self.opening_label)
        self.pages.addWidget(self.empty_label)
        self.pages.addWidget(self.splitter)
        self.setCentralWidget(self.pages)

    def _build_status_bar(self) -> None:
        self.programme_status = QLabel("", self)
        self.database_status = QLabel("", self)
        # Ignored: a long path must never make the window wider than a small screen.
        self.database_status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.database_status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.database_status.setToolTip(str(self._database_path))
        self.zoom_status = QLabel("", self)
        self.zoom_status.hide()
        self.statusBar().addWidget(self.programme_status)
        self.statusBar().addPermanentWidget(self.database_status, 1)
        self.statusBar().addPermanentWidget(self.zoom_status)
        self._elide_database_path()

    def _empty_text(self) -> str:
        db = html.escape(f'"{self._database_path}"')
        return (
            "<h2>No programme yet</h2>"
            "<p>This database does not hold any programme. To start, close PMDesk and, in a terminal:</p>"
            "<p>add a realistic demo programme to this database:<br>"
            f"<code>pmdesk --db {db} demo</code></p>"
            "<p>or import a programme package (a .json file from your country office):<br>"
            f"<code>pmdesk --db {db} programme import FILE</code></p>"
            "<p>or just explore a separate demo database: <code>pmdesk --demo</code></p>"
            "<p>Then start PMDesk again. Creating programmes in this window is coming in a later version.</p>"
        )

    # -- services ---------------------------------------------------------------------------

    def attach(self, services: Services) -> None:
        """The database is open: build the screens that need it and list its programmes."""
        self._services = services
        self.iptt_screen = IpttScreen(
            services.iptt, services.programmes, services.sites, self._workers, self._signals, self
        )
        self.splitter.addWidget(self.iptt_screen)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        state = self._settings.value(_SPLITTER)
        if not (isinstance(state, QByteArray) and self.splitter.restoreState(state)):
            side = max(self.fontMetrics().averageCharWidth() * 30, 200)
            self.splitter.setSizes([side, max(self.width() - side, 400)])
        self.refresh_programmes()

    @property
    def services(self) -> Services | None:
        return self._services

    def reload(self) -> None:
        """Read everything again, e.g. to retry after an error."""
        self.refresh_programmes()
        if self.iptt_screen is not None:
            self.iptt_screen.refresh()

    def refresh_programmes(self) -> None:
        if self._services is None:
            return
        if self._programmes_job is not None:
            self._programmes_job.cancel()
        job = Job(self._services.programmes.list_programmes, name="list programmes")
        job.finished.connect(self._on_programmes_loaded)
        job.failed.connect(self._on_programmes_failed)
        self._programmes_job = self._workers.start(job)

    def _on_programmes_loaded(self, rows: list[ProgrammeSummary]) -> None:
        if self._programmes_job is None or self.sender() is not self._programmes_job.signals:
            return
        self._programmes_job = None
        current = self.current_programme_code() or str(self._settings.value(_PROGRAMME, "", type=str))
        self.programme_model.set_rows(rows)
        if not rows:
            self.pages.setCurrentWidget(self.empty_label)
            self.programme_status.setText("No programme")
            if self.iptt_screen is not None:
                self.iptt_screen.show_programme(None)
        else:
            self.pages.setCurrentWidget(self.splitter)
            row = self.programme_model.row_of(current) if current else -1
            self.select_programme_row(max(row, 0))
        self.programmes_loaded.emit(len(rows))

    def _on_programmes_failed(self, error: BaseException) -> None:
        if self._programmes_job is None or self.sender() is not self._programmes_job.signals:
            return
        self._programmes_job = None
        detail = str(error) if isinstance(error, PmdeskError) else f"{type(error).__name__}: {error}"
        self.opening_label.setText(
            f"The programmes could not be read.\n\n{detail}\n\nDetails are in the log file."
        )
        self.pages.setCurrentWidget(self.opening_label)

    # -- programme selection ----------------------------------------------------------------

    def current_programme_code(self) -> str | None:
        rows = self.programme_view.selectionModel().selectedRows()
        programme = self.programme_model.programme_at(rows[0].row()) if rows else None
        return programme.code if programme else None

    def select_programme_row(self, row: int) -> None:
        index = self.programme_model.index(row, COL_NAME)
        self.programme_view.selectRow(row)
        self.programme_view.scrollTo(index)

    def select_programme(self, code: str) -> bool:
        row = self.programme_model.row_of(code)
        if row >= 0:
            self.select_programme_row(row)
        return row >= 0

    def _on_programme_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        code = self.current_programme_code()
        programme = self.programme_model.programme_at(self.programme_model.row_of(code)) if code else None
        if programme is None:
            return
        self.programme_status.setText(
            f"{programme.code} — {format_count(programme.indicator_count)} indicators · "
            f"{format_count(programme.site_count)} sites · {format_count(programme.value_count)} data values"
        )
        if self.iptt_screen is not None:
            self.iptt_screen.show_programme(programme.code)
        self.programme_selected.emit(programme.code)

    def _fit_programme_rows(self) -> None:
        self.programme_view.resizeColumnToContents(COL_CODE)

    def _on_data_changed(self, _change: DataChange) -> None:
        # Counts in the list and the status bar may have changed with any change.
        self.refresh_programmes()

    # -- zoom -------------------------------------------------------------------------------

    @property
    def zoom_factor(self) -> float:
        return ZOOM_STEPS[self._zoom]

    def zoom_in(self) -> None:
        self._set_zoom(self._zoom + 1)

    def zoom_out(self) -> None:
        self._set_zoom(self._zoom - 1)

    def reset_zoom(self) -> None:
        self._set_zoom(DEFAULT_ZOOM)

    def _set_zoom(self, step: int) -> None:
        step = max(0, min(step, len(ZOOM_STEPS) - 1))
        self._zoom = step
        font = QFont(self._base_font)
        factor = ZOOM_STEPS[step]
        if font.pointSizeF() > 0:
            font.setPointSizeF(self._base_font.pointSizeF() * factor)
        else:  # a font sized in pixels
            font.setPixelSize(round(self._base_font.pixelSize() * factor))
        # The application font, not this window's: dialogs and menus grow for a projector too.
        QApplication.setFont(font)
        self.zoom_status.setText(f"Zoom {factor:.0%}")
        self.zoom_status.setVisible(step != DEFAULT_ZOOM)

    # -- window state -----------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self._settings.value(_GEOMETRY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._default_geometry()
        state = self._settings.value(_STATE)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        zoom = self._settings.value(_ZOOM, DEFAULT_ZOOM, type=int)
        if isinstance(zoom, int) and zoom != DEFAULT_ZOOM and 0 <= zoom < len(ZOOM_STEPS):
            self._set_zoom(zoom)

    def _default_geometry(self) -> None:
        screen = QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        if available is None:
            self.resize(1200, 760)
            return
        width = min(1280, int(available.width() * 0.9))
        height = min(820, int(available.height() * 0.9))
        self.resize(width, height)
        self.move(available.center().x() - width // 2, available.center().y() - height // 2)

    def save_state(self) -> None:
        self._settings.setValue(_GEOMETRY, self.saveGeometry())
        self._settings.setValue(_STATE, self.saveState())
        if self.iptt_screen is not None:
            self._settings.setValue(_SPLITTER, self.splitter.saveState())
        self._settings.setValue(_ZOOM, self._zoom)
        code = self.current_programme_code()
        if code:
            self._settings.setValue(_PROGRAMME, code)
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        # Results that arrive after closing are of no use; the app waits for running jobs to
        # return before it closes the database.
        self._workers.cancel_all()
        super().closeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide_database_path()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._elide_database_path()
            self._fit_programme_rows()

    def _elide_database_path(self) -> None:
        text = f"Database: {self._database_path}"
        width = max(self.width() // 2, 120)
        self.database_status.setText(
            self.database_status.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, width)
        )

    # -- help -------------------------------------------------------------------------------

    def _on_about_triggered(self) -> None:
        log = f"<p>Log file: {html.escape(str(self._log_path))}</p>" if self._log_path else ""
        QMessageBox.about(
            self,
            "About PMDesk",
            f"<h3>PMDesk {html.escape(__version__)}</h3>"
            "<p>Offline-first programme performance management: indicators, targets, actuals, "
            "the IPTT, reviews and reports.</p>"
            "<p>Licence: GNU GPL, version 3 or later.</p>"
            f"<p>Database: {html.escape(str(self._database_path))}</p>{log}",
        )

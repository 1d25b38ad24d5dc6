# SPDX-License-Identifier: GPL-3.0-or-later
"""The shell: sidebar of screens, current programme, menus, window state and zoom; its status bar
is window_status_bar.py, where the window was is window_geometry.py."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui import unsaved
from pmdesk.ui.about import show_about
from pmdesk.ui.alerts.alert_watcher import AlertWatcher
from pmdesk.ui.context import Services, UiContext
from pmdesk.ui.files.database_commands import DatabaseCommands, remember_database
from pmdesk.ui.files.file_actions import FileActions
from pmdesk.ui.go_to_screen import GoToScreenPopup, ScreenEntry
from pmdesk.ui.programmes.programme_list_model import COL_NAME, ProgrammeListModel
from pmdesk.ui.screen_builder import GradualScreens
from pmdesk.ui.screen_list import build_screens, screen_kinds
from pmdesk.ui.shell_menus import ShellMenus, make_action
from pmdesk.ui.signals import AppSignals, DataChange, Navigation
from pmdesk.ui.widgets.find_bar import FindBar
from pmdesk.ui.widgets.welcome_page import WelcomePage
from pmdesk.ui.window_geometry import restore_geometry, save_geometry
from pmdesk.ui.window_status_bar import WindowStatusBar
from pmdesk.ui.workers import Job, Workers
from pmdesk.ui.zoom import DEFAULT_ZOOM, ZOOM_SETTING, ZOOM_STEPS, saved_zoom, zoomed

if TYPE_CHECKING:
    from pmdesk.services.programme_peek import ProgrammeHeadline
    from pmdesk.services.programmes import ProgrammeSummary
    from pmdesk.ui.iptt.iptt_screen import IpttScreen
    from pmdesk.ui.screens.base import Screen

_PROGRAMME = "view/programme"
_SCREEN = "view/screen"
_SIDEBAR = "view/sidebar"


class MainWindow(QMainWindow):
    programmes_loaded = Signal(int)  # how many programmes there are
    programmes_listed_early = Signal(int)  # the picker lists this many before the database is open
    programme_selected = Signal(str)  # its code
    screens_built = Signal()  # every screen of the open database is in the window
    database_requested = Signal(object)  # a Path the user wants to open (or create) instead
    demo_requested = Signal()  # the user asked for the demo database
    restore_requested = Signal(object)  # a Path: the backup to put in place of the open database

    def __init__(
        self,
        database_path: Path,
        workers: Workers,
        signals: AppSignals,
        settings: QSettings,
        log_path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        # The saved zoom first, before any widget exists: until the event loop runs, Qt tells no
        # widget of a new application font, and a widget made earlier (this window, so all the
        # screens that inherit its font) would keep the unzoomed one.
        base_font = QFont(QApplication.font())
        zoom = saved_zoom(settings)
        if zoom != DEFAULT_ZOOM:
            QApplication.setFont(zoomed(base_font, zoom))
        super().__init__(parent)
        self._database_path = database_path
        self._workers = workers
        self._signals = signals
        self._settings = settings
        self._log_path = log_path
        self._services: Services | None = None
        self.alert_watcher: AlertWatcher | None = None
        self._programmes_job: Job | None = None
        self._programme_code: str | None = None
        self._pending_code: str | None = None  # a programme that exists once the list is read again
        # The names read before the database is open (show_programmes_early), until the list is.
        self._early_model: QStandardItemModel | None = None
        self.screens: list[Screen] = []
        self._slots: list[int] = []  # each screen's place in the sidebar, in the order of `screens`
        self.gradual_screens = False  # attach builds the screens a few at a time (the app sets it)
        self._builder: GradualScreens | None = None
        self.iptt_screen: IpttScreen | None = None
        self.go_to_popup: GoToScreenPopup | None = None  # made the first time Ctrl+K asks
        self._base_font = base_font
        self._zoom = zoom
        self.files = FileActions(self, settings)
        self.databases = DatabaseCommands(self, settings)
        self.files.status_message.connect(self._show_message)
        self.files.programme_imported.connect(self._on_programme_imported)
        self.setWindowTitle(f"PMDesk — {database_path.name}")
        self._build_central()
        self.menus = ShellMenus(self)
        self._update_programme_actions()
        self.status_bar = WindowStatusBar(self)
        self.status_bar.show_database(database_path)
        signals.data_changed.connect(self._on_data_changed)
        signals.navigation_requested.connect(self._on_navigation_requested)
        self._restore_state()

    # -- layout -----------------------------------------------------------------------------

    def _build_central(self) -> None:
        self.pages = QStackedWidget(self)
        self.opening_label = QLabel(f"Opening {self._database_path} …", self)
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening_label.setWordWrap(True)
        self.welcome = WelcomePage(self)
        self.welcome.create_clicked.connect(self.new_programme)
        self.welcome.demo_clicked.connect(self.demo_requested)
        self.welcome.package_clicked.connect(self.files.import_package)
        self.welcome.logframe_clicked.connect(self.files.import_logframe)
        self.welcome.template_clicked.connect(self.files.write_logframe_template)
        self.welcome.open_clicked.connect(self.databases.open_database)
        self.empty_label = self.welcome  # what an empty database shows

        self.programme_model = ProgrammeListModel(self)
        self.programme_combo = QComboBox(self)
        self.programme_combo.setModel(self.programme_model)
        self.programme_combo.setModelColumn(COL_NAME)
        self.programme_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.programme_combo.setMinimumContentsLength(24)
        self.programme_combo.currentIndexChanged.connect(self._on_programme_combo_changed)
        picker_label = QLabel("Progra&mme:", self)
        picker_label.setBuddy(self.programme_combo)

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(0, 0))
        self.nav.setUniformItemSizes(True)
        self.nav.currentRowChanged.connect(self._on_nav_changed)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Roomy targets: the sidebar is clicked all day, sometimes on a touchpad or a projector.
        self.nav.setStyleSheet(
            "QListWidget#navigation { padding-top: 4px; }QListWidget#navigation::item { padding: 7px 10px; }"
        )
        self.stack = QStackedWidget(self)
        # What the screens' place shows until they are built (the programmes may be listed already).
        self.screens_label = QLabel("Opening the screens …", self)
        self.screens_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.screens_label)
        self.find_bar = FindBar(self)
        self.find_bar.find_requested.connect(self._on_find_requested)
        self.find_bar.hide()

        top = QHBoxLayout()
        top.setContentsMargins(8, 6, 8, 0)
        top.addWidget(picker_label)
        top.addWidget(self.programme_combo, 1)
        top.addStretch(1)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.stack, 1)
        right.addWidget(self.find_bar)
        body = QHBoxLayout()
        body.setContentsMargins(8, 6, 8, 4)
        body.addWidget(self.nav)
        body.addLayout(right, 1)
        self.workspace = QWidget(self)
        outer = QVBoxLayout(self.workspace)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(top)
        outer.addLayout(body, 1)

        self.pages.addWidget(self.opening_label)
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.workspace)
        self.setCentralWidget(self.pages)

    # -- services and screens -----------------------------------------------------------------

    def attach(self, services: Services) -> None:
        """The database is open: build the screens and list the programmes."""
        self._services = services
        context = UiContext(services, self._signals, self._workers)
        self.files.context = context
        self.status_bar.person_button.set_service(services.person)
        # Evaluates triggers whenever values change, whichever screen is on view (DESIGN.md §4).
        self.alert_watcher = AlertWatcher(context, self)
        remember_database(self._settings, self._database_path)
        wanted = str(self._settings.value(_SCREEN, "iptt", type=str))
        first = wanted if wanted in {kind.name for kind in screen_kinds()} else "iptt"
        if self.gradual_screens:  # as the app opens a database: a screen a turn (screen_builder.py)
            self._builder = GradualScreens(self, context, first, lambda: self._show_first(first))
            self._builder.start()
        else:
            for screen in build_screens(context, self):
                self.add_screen(screen)
            self.show_screen(first)
            self.screens_built.emit()
        self.refresh_programmes()

    def _show_first(self, name: str) -> None:
        """Every screen is built: the one last on view, unless one was chosen meanwhile."""
        if self.current_screen() is None:
            self.show_screen(name)
        self.screens_built.emit()

    def add_screen(self, screen: Screen, slot: int | None = None) -> None:
        """Add `screen` to the sidebar: last, or in its `slot` (its place once all are built)."""
        slot = len(self.screens) if slot is None else slot
        at = sum(1 for s in self._slots if s < slot)
        self._slots.insert(at, slot)
        self.screens.insert(at, screen)
        screen.settings = self._settings
        self.stack.addWidget(screen)
        screen.status_message.connect(self._show_message)
        self.nav.insertItem(at, QListWidgetItem(screen.title))
        number = slot + 1
        action = make_action(
            self,
            screen.title.replace("&", "&&"),  # a single & would be taken for a shortcut marker
            lambda _=False, n=screen.name: self._on_screen_shortcut(n),
            f"Ctrl+{number}" if number < 10 else None,
        )
        following = self.menus.screen_actions[at] if at < len(self.menus.screen_actions) else None
        self.menus.screen_actions.insert(at, action)
        if following is not None:
            self.menus.view_menu.insertAction(following, action)
        else:
            self.menus.view_menu.addAction(action)
        if screen.name == "iptt":
            self.iptt_screen = screen  # type: ignore[assignment]
        self._fit_nav()

    def screen_named(self, name: str) -> Screen | None:
        found = next((s for s in self.screens if s.name == name), None)
        if found is None and self._builder is not None and self._builder.is_pending:
            self._builder.finish()  # asked for one not built yet: the rest, now
            found = next((s for s in self.screens if s.name == name), None)
        return found

    def current_screen(self) -> Screen | None:
        widget = self.stack.currentWidget()
        return next((s for s in self.screens if s is widget), None)

    def show_screen(self, name: str) -> None:
        self.screen_named(name)  # built, if it was still to come
        for row, screen in enumerate(self.screens):
            if screen.name == name:
                self.nav.setCurrentRow(row)
                return

    def show_go_to_screen(self) -> None:
        """View ▸ Go to screen… (Ctrl+K): every screen in a list filtered as one types."""
        if not self.screens:
            return
        if self.go_to_popup is None:
            self.go_to_popup = GoToScreenPopup(self)
            self.go_to_popup.chosen.connect(self._on_screen_shortcut)
        entries = [
            ScreenEntry(
                screen.name,
                screen.title,
                action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
            )
            for screen, action in zip(self.screens, self.menus.screen_actions, strict=True)
        ]
        current = self.current_screen()
        self.go_to_popup.open_over(self, entries, current.name if current is not None else "")

    def _on_screen_shortcut(self, name: str) -> None:
        """Ctrl+number or Go to screen…: the screen, with the cursor where its work starts (the
        grid's first empty cell, the IPTT table), not on the first picker several Tabs away."""
        self.show_screen(name)
        screen = self.screen_named(name)
        if screen is not None:
            screen.focus_first()

    def _on_nav_changed(self, row: int) -> None:
        if 0 <= row < len(self.screens):
            self.stack.setCurrentWidget(self.screens[row])
            self._settings.setValue(_SCREEN, self.screens[row].name)
            self.find_bar.hide()

    @property
    def services(self) -> Services | None:
        return self._services

    def reload(self) -> None:
        """Read everything again, e.g. to retry after an error."""
        self.refresh_programmes()
        for screen in self.screens:
            screen.refresh()

    def refresh_programmes(self) -> None:
        if self._services is None:
            return
        if self._programmes_job is not None:
            self._programmes_job.cancel()
        job = Job(self._services.programmes.list_programmes, name="list programmes")
        job.finished.connect(self._on_programmes_loaded)
        job.failed.connect(self._on_programmes_failed)
        self._programmes_job = self._workers.start(job)

    def show_programmes_early(self, headlines: Sequence[ProgrammeHeadline] | None) -> None:
        """The programmes read through plain sqlite3 before the database is open (start-up,
        issue #11 §5): the picker lists them at once and a choice made there is kept; the screens
        and the counts follow once the services are ready. None or no programme: nothing to do."""
        if not headlines or self._services is not None:
            return
        model = QStandardItemModel(self)
        for headline in headlines:
            item = QStandardItem(headline.name)
            item.setData(headline.code, Qt.ItemDataRole.UserRole)
            item.setToolTip(f"{headline.code} — {headline.name}")
            model.appendRow(item)
        wanted = self._pending_code or str(self._settings.value(_PROGRAMME, "", type=str))
        combo = self.programme_combo
        combo.blockSignals(True)
        combo.setModel(model)
        combo.setModelColumn(0)
        combo.setCurrentIndex(max(combo.findData(wanted), 0))
        combo.blockSignals(False)
        if self._early_model is not None:
            self._early_model.deleteLater()
        self._early_model = model
        self.stack.setCurrentWidget(self.screens_label)
        self.pages.setCurrentWidget(self.workspace)
        self.status_bar.show_programme_text("Opening the database …")
        self.programmes_listed_early.emit(len(headlines))

    def _end_early_list(self) -> None:
        """The services' list replaces the early one: the picker goes back to the real model."""
        if self._early_model is None:
            return
        combo = self.programme_combo
        combo.blockSignals(True)
        combo.setModel(self.programme_model)
        combo.setModelColumn(COL_NAME)
        combo.blockSignals(False)
        self._early_model.deleteLater()
        self._early_model = None

    def _on_programmes_loaded(self, rows: list[ProgrammeSummary]) -> None:
        if self._programmes_job is None or self.sender() is not self._programmes_job.signals:
            return
        self._programmes_job = None
        wanted = (
            self._pending_code or self._programme_code or str(self._settings.value(_PROGRAMME, "", type=str))
        )
        self._pending_code = None
        self._end_early_list()
        self.programme_combo.blockSignals(True)
        self.programme_model.set_rows(rows)
        self.programme_combo.blockSignals(False)
        if not rows:
            self.pages.setCurrentWidget(self.welcome)
            self.status_bar.show_programme_text("No programme yet")
            self._set_programme(None)
        else:
            self.pages.setCurrentWidget(self.workspace)
            row = self.programme_model.row_of(wanted) if wanted else -1
            self.select_programme_row(max(row, 0))
            self._update_programme_status()
        self.programmes_loaded.emit(len(rows))

    def _on_programmes_failed(self, error: BaseException) -> None:
        if self._programmes_job is None or self.sender() is not self._programmes_job.signals:
            return
        self._programmes_job = None
        detail = str(error) if isinstance(error, PmdeskError) else "An unexpected problem stopped it."
        self.opening_label.setText(
            f"The programmes could not be read.\n\n{detail}\n\nDetails are in the log file."
        )
        self.pages.setCurrentWidget(self.opening_label)

    # -- current programme ------------------------------------------------------------------

    def current_programme_code(self) -> str | None:
        return self._programme_code

    def select_programme_row(self, row: int) -> None:
        if self.programme_combo.currentIndex() == row:
            self._on_programme_combo_changed(row)
        else:
            self.programme_combo.setCurrentIndex(row)

    def select_programme(self, code: str) -> bool:
        row = self.programme_model.row_of(code)
        if row >= 0:
            self.select_programme_row(row)
        return row >= 0

    def _on_programme_combo_changed(self, row: int) -> None:
        if self._early_model is not None:  # chosen before the database is open: kept for then
            code = self.programme_combo.itemData(row, Qt.ItemDataRole.UserRole)
            self._pending_code = code if isinstance(code, str) else self._pending_code
            return
        programme = self.programme_model.programme_at(row)
        if programme is not None and programme.code != self._programme_code:
            self._set_programme(programme.code)
        self._update_programme_status()

    def _set_programme(self, code: str | None) -> None:
        self._programme_code = code
        for screen in self.screens:
            screen.set_programme(code)
        self._update_programme_actions()
        if code is not None:
            self._settings.setValue(_PROGRAMME, code)
            self.programme_selected.emit(code)

    def _update_programme_status(self) -> None:
        code = self._programme_code
        programme = self.programme_model.programme_at(self.programme_model.row_of(code)) if code else None
        self.status_bar.show_programme(programme)

    def _update_programme_actions(self) -> None:
        has = self._programme_code is not None
        for action in (self.menus.export_package_action, self.menus.export_values_action):
            action.setEnabled(has)

    def _on_data_changed(self, _change: DataChange) -> None:
        # Counts in the picker and the status bar may have changed with any change.
        self.refresh_programmes()

    def _on_navigation_requested(self, target: object) -> None:
        if not isinstance(target, Navigation):
            return
        wanted = target.programme_code
        if wanted and wanted != self._programme_code and not self.select_programme(wanted):
            self._pending_code = wanted  # a new programme: in the list after the next read
        self.show_screen(target.screen)
        screen = self.screen_named(target.screen)
        if screen is not None:
            screen.navigate(target)

    def _on_programme_imported(self, code: str) -> None:
        self._pending_code = code  # selected once the refreshed list arrives
        self.show_screen("framework")

    def new_programme(self) -> None:
        if self._services is None:
            return
        from pmdesk.ui.programmes.programme_dialog import ProgrammeDialog

        dialog = ProgrammeDialog(self._services.programmes, self._workers, parent=self)
        if dialog.exec() and dialog.summary is not None:
            self._signals.announce("programmes", dialog.summary.code)
            self._on_programme_imported(dialog.summary.code)

    @property
    def database_path(self) -> Path:
        return self._database_path

    def ask_dialog(self, dialog: QDialog) -> int:
        """Run a modal dialog (tests replace this to answer it)."""
        return dialog.exec()

    def show_read_only(self, reason: str) -> None:
        """Say, for as long as this database is open, that nothing can be saved into it, and why."""
        self.status_bar.show_read_only(reason)

    def show_status_message(self, text: str) -> None:
        self.status_bar.show_message(text)

    def detach(self, new_path: Path) -> None:
        """Forget the screens of the database being closed; the app opens `new_path` next."""
        self._workers.cancel_all()
        self.save_state()
        for screen in self.screens:
            self.stack.removeWidget(screen)
            screen.deleteLater()
        for action in self.menus.screen_actions:
            self.menus.view_menu.removeAction(action)
        if self._builder is not None:
            self._builder.stop()
            self._builder = None
        self.screens, self.menus.screen_actions, self.iptt_screen, self._slots = [], [], None, []
        if self.alert_watcher is not None:
            self.alert_watcher.stop()
            self.alert_watcher = None
        self.nav.clear()
        self._services = None
        self.files.context = None
        self.status_bar.person_button.set_service(None)
        self._programme_code = None
        self._end_early_list()
        self.programme_model.set_rows([])
        self._database_path = new_path
        self.status_bar.hide_read_only()
        self.setWindowTitle(f"PMDesk — {new_path.name}")
        self.status_bar.show_database(new_path)
        self.opening_label.setText(f"Opening {new_path} …")
        self.pages.setCurrentWidget(self.opening_label)

    # -- edit -------------------------------------------------------------------------------

    def update_edit_actions(self) -> None:
        screen = self.current_screen()
        stack = screen.undo_stack() if screen is not None else None
        self.menus.undo_action.setEnabled(stack is not None and stack.canUndo())
        self.menus.redo_action.setEnabled(stack is not None and stack.canRedo())
        self.menus.undo_action.setText(
            f"&Undo {stack.undoText()}" if stack is not None and stack.canUndo() else "&Undo"
        )
        self.menus.redo_action.setText(
            f"&Redo {stack.redoText()}" if stack is not None and stack.canRedo() else "&Redo"
        )

    def undo(self) -> None:
        screen = self.current_screen()
        stack = screen.undo_stack() if screen is not None else None
        if stack is not None and stack.canUndo():
            stack.undo()

    def redo(self) -> None:
        screen = self.current_screen()
        stack = screen.undo_stack() if screen is not None else None
        if stack is not None and stack.canRedo():
            stack.redo()

    def show_find_bar(self) -> None:
        if self.current_screen() is not None:
            self.find_bar.open()

    def _on_find_requested(self, text: str) -> None:
        screen = self.current_screen()
        found = screen.find_text(text) if screen is not None else False
        self.find_bar.set_found(found)

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
        # The application font, not this window's: dialogs and menus grow for a projector too.
        QApplication.setFont(zoomed(self._base_font, step))
        self.status_bar.show_zoom(step)

    # -- window state -----------------------------------------------------------------------

    def _restore_state(self) -> None:
        restore_geometry(self, self._settings)
        self.menus.sidebar_action.setChecked(bool(self._settings.value(_SIDEBAR, True, type=bool)))
        self.toggle_sidebar()
        self.status_bar.show_zoom(self._zoom)  # the zoom itself was applied before the window was made

    def toggle_sidebar(self) -> None:
        shown = self.menus.sidebar_action.isChecked()
        current = self.stack.currentWidget()
        if not shown and self.nav.hasFocus() and current is not None:
            current.setFocus()  # focus must not vanish with the sidebar
        self.nav.setVisible(shown)

    def save_state(self) -> None:
        save_geometry(self, self._settings)
        self._settings.setValue(ZOOM_SETTING, self._zoom)
        self._settings.setValue(_SIDEBAR, self.menus.sidebar_action.isChecked())
        if self._programme_code:
            self._settings.setValue(_PROGRAMME, self._programme_code)
        self._settings.sync()

    def request_database(self, path: Path) -> None:
        """Open (or create) another database instead, once no typed input would be lost."""
        if self.confirm_leaving("Open the other database"):
            self.database_requested.emit(path)

    def confirm_leaving(self, leaving: str) -> bool:
        """Before this database's screens go away (the window closes, another database opens):
        True once no input typed in them would be lost, because it is saved now or the user
        chose to lose it. `leaving` names the step, as in "Close anyway"."""
        for screen in self.screens:
            screen.commit_open_editor()
        while True:
            waiting = [s for s in self.screens if s.unsaved_count()]
            if not waiting:
                return True
            count = sum(s.unsaved_count() for s in waiting)
            reason = next((r for s in waiting if (r := s.unsaved_reason())), "")
            choice = unsaved.ask_about_unsaved(self, count, reason, leaving)
            if choice is unsaved.UnsavedChoice.CANCEL:
                return False
            for screen in waiting:
                if choice is unsaved.UnsavedChoice.DISCARD:
                    screen.discard_unsaved()
                else:
                    screen.retry_unsaved()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_leaving("Close"):
            event.ignore()
            return
        self.save_state()
        # Results that arrive after closing are of no use; the app waits for running jobs to
        # return before it closes the database.
        self._workers.cancel_all()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            # The sidebar has a style sheet, and such widgets miss a new application font.
            self.nav.setFont(self.font())
            self._fit_nav()

    def _fit_nav(self) -> None:
        metrics = self.nav.fontMetrics()
        # Every screen's title, built or still to come: the sidebar keeps its width as they arrive.
        titles = [k.title for k in screen_kinds()] if self.screens else []
        widest = max((metrics.horizontalAdvance(t) for t in titles), default=80)
        self.nav.setFixedWidth(widest + 44)

    def _show_message(self, text: str) -> None:
        self.status_bar.show_message(text)

    # -- help -------------------------------------------------------------------------------

    def show_import_log(self) -> None:
        if self._services is None:
            return
        from pmdesk.ui.files.import_log_dialog import ImportLogDialog

        self.import_log_dialog = ImportLogDialog(self._services.history.imports, self._programme_code, self)
        self.import_log_dialog.open()

    def show_about(self) -> None:
        show_about(self, self._database_path, self._log_path)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The main window's menu bar: File, Edit, View and Help, and their actions. The window owns what
the actions do; this module only says which actions there are, their words, keys and order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmdesk.ui.main_window import MainWindow


def make_action(
    parent: QWidget,
    text: str,
    slot: Callable[..., object],
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    tip: str = "",
) -> QAction:
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    return action


class ShellMenus:
    """Builds the menu bar of `window` and keeps its actions, which the window enables and
    disables (undo, redo, the programme's exports) and the screens' Ctrl+number join."""

    def __init__(self, window: MainWindow) -> None:
        keys = QKeySequence.StandardKey
        file_menu = window.menuBar().addMenu("&File")
        self.new_database_action = make_action(
            window, "&New database…", window.databases.new_database, keys.New
        )
        self.open_database_action = make_action(
            window, "&Open database…", window.databases.open_database, keys.Open
        )
        self.recent_menu = QMenu("Open &recent", window)
        self.recent_menu.aboutToShow.connect(window.databases.fill_recent_menu)
        self.restore_action = make_action(
            window,
            "Restore &backup…",
            window.databases.restore_backup,
            tip="Put a backup in place of this database",
        )
        self.check_database_action = make_action(
            window,
            "&Check database…",
            window.databases.check_database,
            tip="Look for damage and for totals that differ from the values, and sum them again",
        )
        self.new_programme_action = make_action(
            window, "New &programme…", window.new_programme, "Ctrl+Shift+N"
        )
        import_menu = QMenu("&Import", window)
        self.import_package_action = make_action(
            window, "Programme &package (JSON)…", window.files.import_package, "Ctrl+I"
        )
        self.import_logframe_action = make_action(window, "Excel &logframe…", window.files.import_logframe)
        self.import_values_action = make_action(
            window, "Data &values (CSV or JSON)…", window.files.import_values
        )
        import_menu.addActions(
            [self.import_package_action, self.import_logframe_action, self.import_values_action]
        )
        export_menu = QMenu("&Export", window)
        self.export_package_action = make_action(
            window,
            "Programme &package (JSON)…",
            lambda: window.files.export_package(window.current_programme_code()),
            "Ctrl+E",
        )
        self.export_values_action = make_action(
            window, "Data &values (CSV)…", lambda: window.files.export_values(window.current_programme_code())
        )
        self.template_action = make_action(
            window, "Excel logframe &template…", window.files.write_logframe_template
        )
        export_menu.addActions([self.export_package_action, self.export_values_action, self.template_action])
        self.import_log_action = make_action(
            window,
            "Import &log…",
            window.show_import_log,
            tip="The files imported: when, by whom, their SHA-256 and what they changed",
        )
        self.person_action = make_action(
            window,
            "&Who is working…",
            lambda: window.status_bar.person_button.choose(),
            tip="Choose the person whose name History records on your changes",
        )
        self.quit_action = make_action(window, "&Quit", window.close, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        for item in (
            self.new_database_action,
            self.open_database_action,
            self.recent_menu,
            self.restore_action,
            self.check_database_action,
            None,
            self.new_programme_action,
            import_menu,
            export_menu,
            self.import_log_action,
            None,
            self.person_action,
            None,
            self.quit_action,
        ):
            if item is None:
                file_menu.addSeparator()
            elif isinstance(item, QMenu):
                file_menu.addMenu(item)
            else:
                file_menu.addAction(item)

        edit_menu = window.menuBar().addMenu("&Edit")
        self.undo_action = make_action(window, "&Undo", window.undo, keys.Undo)
        self.redo_action = make_action(window, "&Redo", window.redo, "Ctrl+Y")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence(keys.Redo)])
        self.find_action = make_action(window, "&Find…", window.show_find_bar, keys.Find)
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        edit_menu.aboutToShow.connect(window.update_edit_actions)

        self.view_menu = window.menuBar().addMenu("&View")
        self.zoom_in_action = make_action(window, "Zoom &in", window.zoom_in)
        # Ctrl+= too: on most keyboards "+" needs Shift.
        self.zoom_in_action.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        self.zoom_out_action = make_action(window, "Zoom &out", window.zoom_out, "Ctrl+-")
        self.zoom_reset_action = make_action(window, "&Actual size", window.reset_zoom, "Ctrl+0")
        self.reload_action = make_action(
            window, "&Reload", window.reload, keys.Refresh, "Read everything from the database again"
        )
        self.view_menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])
        self.view_menu.addSeparator()
        # Hidden, it gives a small laptop screen some 190 pixels more of table; Go to screen…
        # (Ctrl+K), Ctrl+1 … Ctrl+9 and this menu still reach every screen.
        self.sidebar_action = make_action(window, "&Sidebar", window.toggle_sidebar, "Ctrl+B")
        self.sidebar_action.setCheckable(True)
        self.sidebar_action.setChecked(True)
        self.view_menu.addAction(self.sidebar_action)
        self.view_menu.addAction(self.reload_action)
        self.view_menu.addSeparator()
        # Ctrl+K as in most programs' quick switchers; Ctrl+G is Find next (QKeySequence.FindNext).
        self.go_to_screen_action = make_action(
            window,
            "&Go to screen…",
            window.show_go_to_screen,
            "Ctrl+K",
            "Every screen in a list: type part of its name, Enter opens it",
        )
        self.view_menu.addAction(self.go_to_screen_action)
        self.screen_actions: list[QAction] = []

        help_menu = window.menuBar().addMenu("&Help")
        self.about_action = make_action(window, "&About PMDesk", window.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.about_action)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The main window's status bar: the current programme's counts on the left; on the right the
working person (a button to change who changes are recorded as), the open database's path
(shortened in the middle, never widening the window), the zoom when it is not 100 % and a red
"Read-only" when nothing can be saved; passing messages for ten seconds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow

from pmdesk.ui.formatting import counted
from pmdesk.ui.widgets.elided_label import ElidedLabel
from pmdesk.ui.working_person_dialog import WorkingPersonButton
from pmdesk.ui.zoom import DEFAULT_ZOOM, ZOOM_STEPS

if TYPE_CHECKING:
    from pmdesk.services.programmes import ProgrammeSummary

MESSAGE_MS = 10_000  # how long a passing message stays


class WindowStatusBar:
    """The labels of `window`'s status bar and what each says."""

    def __init__(self, window: QMainWindow) -> None:
        self._bar = window.statusBar()
        self.programme_label = QLabel("", window)
        # Shortened in the middle to the room it has: a long path never widens the window.
        self.database_label = ElidedLabel("", window)
        self.database_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.zoom_label = QLabel("", window)
        self.zoom_label.hide()
        self.read_only_label = QLabel("", window)
        self.read_only_label.setStyleSheet("QLabel { color: #a40000; font-weight: bold; }")
        self.read_only_label.hide()
        self.person_button = WorkingPersonButton(window)
        self.person_button.person_chosen.connect(
            lambda name: self.show_message(f"Changes are now recorded as {name}")
        )
        self._bar.addWidget(self.programme_label)
        self._bar.addPermanentWidget(self.person_button)
        self._bar.addPermanentWidget(self.database_label, 1)
        # A gap, so that "Zoom 150%" does not run into the end of the path.
        for label in (self.zoom_label, self.read_only_label):
            label.setContentsMargins(label.fontMetrics().horizontalAdvance("  "), 0, 0, 0)
        self._bar.addPermanentWidget(self.zoom_label)
        self._bar.addPermanentWidget(self.read_only_label)

    def show_message(self, text: str) -> None:
        self._bar.showMessage(text, MESSAGE_MS)

    def show_database(self, path: Path) -> None:
        self.database_label.set_full_text(f"Database: {path}")

    def show_zoom(self, step: int) -> None:
        self.zoom_label.setText(f"Zoom {ZOOM_STEPS[step]:.0%}")
        self.zoom_label.setVisible(step != DEFAULT_ZOOM)

    def show_read_only(self, reason: str) -> None:
        """Say, for as long as this database is open, that nothing can be saved into it, and why."""
        self.read_only_label.setText("Read-only")
        self.read_only_label.setToolTip(reason)
        self.read_only_label.show()
        self.show_message(reason)

    def hide_read_only(self) -> None:
        self.read_only_label.hide()

    def show_programme_text(self, text: str) -> None:
        self.programme_label.setText(text)

    def show_programme(self, programme: ProgrammeSummary | None) -> None:
        """The programme's code and counts; nothing without one."""
        if programme is None:
            self.programme_label.setText("")
            return
        self.programme_label.setText(
            f"{programme.code} — {counted(programme.indicator_count, 'indicator')} · "
            f"{counted(programme.site_count, 'site')} · {counted(programme.value_count, 'data value')}"
        )

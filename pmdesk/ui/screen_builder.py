# SPDX-License-Identifier: GPL-3.0-or-later
"""The window's screens built one a turn of the event loop when a database opens (issue #11 §2).

Building all fourteen at once held the UI thread some 100–150 ms on a million-value database; one
at a time, no turn holds it over 20 ms and the window answers in between. The screen to be shown
comes last: by then every other screen is in the window, which has grown to fit them all, so the
screen first seen is laid out at its final width. Until then the window shows "Opening the
screens …". Asking the window for a screen not built yet builds the rest at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from pmdesk.ui.screen_list import screen_kinds

if TYPE_CHECKING:
    from pmdesk.ui.context import UiContext
    from pmdesk.ui.main_window import MainWindow
    from pmdesk.ui.screens.base import Screen


class GradualScreens(QObject):
    """Builds the screens of `context` into `window`, one a turn, the one named `last` last; then
    calls `done`."""

    def __init__(self, window: MainWindow, context: UiContext, last: str, done: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self._done = done
        kinds = list(enumerate(screen_kinds()))
        self._later = [(slot, kind) for slot, kind in kinds if kind.name != last]
        self._later += [(slot, kind) for slot, kind in kinds if kind.name == last]
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._build_one)

    @property
    def is_pending(self) -> bool:
        return bool(self._later)

    def start(self) -> None:
        self._timer.start()

    def finish(self) -> None:
        """Build every screen left, now (the window was asked for one of them)."""
        self._timer.stop()
        while self._later:
            self._build(*self._later.pop(0))
        self._end()

    def stop(self) -> None:
        """The database is closing: build no more."""
        self._timer.stop()
        self._later = []
        self._done = lambda: None

    def _build_one(self) -> None:
        if self._later:
            self._build(*self._later.pop(0))
        if self._later:
            self._timer.start()
        else:
            self._end()

    def _end(self) -> None:
        done, self._done = self._done, lambda: None
        done()

    def _build(self, slot: int, kind: type[Screen]) -> None:
        window = self._window
        screen = kind(self._context, window)
        window.add_screen(screen, slot)
        code = window.current_programme_code()
        if code is not None:  # chosen before this screen was built
            screen.set_programme(code)

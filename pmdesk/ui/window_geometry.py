# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the main window was, kept between runs: its geometry and its docks' and bars' state in
the settings, or on a first run a window centred on the primary screen, at most 1280 × 820 and
nine tenths of what the screen has free."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

GEOMETRY_SETTING = "window/geometry"
STATE_SETTING = "window/state"


def restore_geometry(window: QMainWindow, settings: QSettings) -> None:
    """Put `window` back where it was last saved, or at the default place and size."""
    geometry = settings.value(GEOMETRY_SETTING)
    if not (isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)):
        default_geometry(window)
    state = settings.value(STATE_SETTING)
    if isinstance(state, QByteArray):
        window.restoreState(state)


def save_geometry(window: QMainWindow, settings: QSettings) -> None:
    settings.setValue(GEOMETRY_SETTING, window.saveGeometry())
    settings.setValue(STATE_SETTING, window.saveState())


def default_geometry(window: QMainWindow) -> None:
    screen = QGuiApplication.primaryScreen()
    available = screen.availableGeometry() if screen is not None else None
    if available is None:
        window.resize(1200, 760)
        return
    width = min(1280, int(available.width() * 0.9))
    height = min(820, int(available.height() * 0.9))
    window.resize(width, height)
    window.move(available.center().x() - width // 2, available.center().y() - height // 2)

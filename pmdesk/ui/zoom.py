# SPDX-License-Identifier: GPL-3.0-or-later
"""View ▸ Zoom: the font scale steps and the saved choice (the application font grows, so dialogs,
menus and charts follow on a projector)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont

# Font scale steps of View ▸ Zoom; 1.0 is the system font.
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5)
DEFAULT_ZOOM = ZOOM_STEPS.index(1.0)
ZOOM_SETTING = "view/zoom"


def saved_zoom(settings: QSettings) -> int:
    zoom = settings.value(ZOOM_SETTING, DEFAULT_ZOOM, type=int)
    return zoom if isinstance(zoom, int) and 0 <= zoom < len(ZOOM_STEPS) else DEFAULT_ZOOM


def zoomed(base: QFont, step: int) -> QFont:
    """`base` scaled to zoom step `step`."""
    font = QFont(base)
    factor = ZOOM_STEPS[step]
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * factor)
    else:  # a font sized in pixels
        font.setPixelSize(round(base.pixelSize() * factor))
    return font

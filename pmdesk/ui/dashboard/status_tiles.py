# SPDX-License-Identifier: GPL-3.0-or-later
"""The Dashboard's status tiles: one button a status, its name and count in words on the IPTT's
tint of that status (colour is never the only cue), in the order of the chart beside them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QToolButton, QWidget

from pmdesk.domain.enums import Status
from pmdesk.services.dashboard import STATUS_ORDER
from pmdesk.ui.formatting import counted
from pmdesk.ui.iptt.status_style import STATUS_STYLES, TEXT_ON_COLOUR
from pmdesk.ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from pmdesk.services.dashboard import Dashboard


class StatusTiles(QWidget):
    """`chosen(status)` when a tile is clicked (or pressed with Space)."""

    chosen = Signal(object)  # Status

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: dict[Status, QToolButton] = {}
        layout = FlowLayout(self, spacing=8)
        layout.setContentsMargins(0, 0, 0, 0)
        for status in STATUS_ORDER:
            style = STATUS_STYLES[status]
            tile = QToolButton(self)
            tile.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            tile.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            tile.setStyleSheet(
                f"QToolButton {{ background: {style.background or 'palette(base)'}; color: {TEXT_ON_COLOUR};"
                " border: 1px solid #8a8a8a; border-radius: 4px; padding: 4px 10px; }"
                " QToolButton:focus { border: 2px solid palette(highlight); }"
            )
            tile.setText(f"{style.label}\n–")
            tile.clicked.connect(lambda _checked=False, s=status: self.chosen.emit(s))
            layout.addWidget(tile)
            self.tiles[status] = tile

    def show_counts(self, board: Dashboard) -> None:
        for tally in board.statuses:
            tile = self.tiles.get(tally.status)
            if tile is None:
                continue
            label = STATUS_STYLES[tally.status].label
            text = f"{label}\n{tally.count}"
            if tally.partial:
                text += f" ({tally.partial} partial)"
            tile.setText(text)
            tile.setToolTip(
                f"{counted(tally.count, 'indicator')} {label.lower()}"
                + (f", {tally.partial} resting on a partly reported period" if tally.partial else "")
                + (": click to choose one and open it in the IPTT" if tally.count else "")
            )

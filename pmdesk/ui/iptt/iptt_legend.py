# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT's legend: one chip per status in its colour and words, with the programme's bands."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from pmdesk.domain.enums import Status
from pmdesk.domain.iptt import BAND_NAMES, Thresholds, band_label
from pmdesk.ui.iptt.status_style import STATUS_STYLES, TEXT_ON_COLOUR, band_explanation
from pmdesk.ui.widgets.flow_layout import FlowLayout

LEGEND_STATUSES = (Status.EXCEEDING, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA)


class IpttLegend(QWidget):
    """Status chips that wrap rather than clip; `chips` by status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = FlowLayout(self, spacing=6)
        layout.setContentsMargins(0, 0, 0, 0)
        self.chips: dict[Status, QLabel] = {}
        for status in LEGEND_STATUSES:
            chip = QLabel(STATUS_STYLES[status].label, self)
            chip.setStyleSheet(
                f"background: {STATUS_STYLES[status].background}; color: {TEXT_ON_COLOUR};"
                " padding: 2px 8px; border-radius: 3px;"
            )
            chip.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            layout.addWidget(chip)
            self.chips[status] = chip
        self.set_thresholds(None)

    def set_thresholds(self, thresholds: Thresholds | None) -> None:
        t = thresholds or Thresholds()
        tip = band_explanation(t)
        for status, chip in self.chips.items():
            chip.setText(band_label(status, t) if status in BAND_NAMES else STATUS_STYLES[status].label)
            chip.setToolTip(tip)

    def apply_font(self) -> None:
        # Widgets with a style sheet do not pick up a new application font by themselves.
        for chip in self.chips.values():
            chip.setFont(self.font())

# SPDX-License-Identifier: GPL-3.0-or-later
"""The site and period pickers of the data-entry screen, with previous / next period buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.sites import SiteInfo

INDENT = "\u2003"  # em spaces show the hierarchy without a tree widget


def reporting_codes(sites: Sequence[SiteInfo]) -> set[str]:
    """Sites with no site below them: those that report (a district only adds up its schools)."""
    parents = {s.parent_code for s in sites if s.parent_code}
    return {s.code for s in sites if s.code not in parents}


def default_period(periods: Sequence[Period], today: date | None = None) -> str | None:
    """The latest period that has ended (the one a field officer reports on), else the first."""
    today = today or date.today()
    ended = [p for p in periods if p.end < today]
    if ended:
        return ended[-1].code
    return periods[0].code if periods else None


class EntryPlaceBar(QWidget):
    place_changed = Signal()  # the site or the period was changed by the user

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.site_combo = QComboBox(self)
        self.site_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.site_combo.setMinimumContentsLength(16)
        self.site_combo.setMaximumWidth(360)
        self.site_combo.setToolTip(
            "The site whose values you enter; districts and regions only add up their sites"
        )
        self.period_combo = QComboBox(self)
        self.period_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_combo.setToolTip("The reporting period")
        self.previous_button = QPushButton("‹ Previous", self)
        self.previous_button.setToolTip("Previous period (Alt+Left or Ctrl+PgUp); you stay on the same cell")
        self.next_button = QPushButton("Next ›", self)
        self.next_button.setToolTip("Next period (Alt+Right or Ctrl+PgDown); you stay on the same cell")
        for button in (self.previous_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        site_label = QLabel("S&ite:", self)
        site_label.setBuddy(self.site_combo)
        period_label = QLabel("&Period:", self)
        period_label.setBuddy(self.period_combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(site_label)
        layout.addWidget(self.site_combo)
        layout.addSpacing(12)
        layout.addWidget(period_label)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.period_combo)
        layout.addWidget(self.next_button)
        layout.addStretch(1)
        self.site_combo.currentIndexChanged.connect(self._on_changed)
        self.period_combo.currentIndexChanged.connect(self._on_changed)
        self.previous_button.clicked.connect(self.previous_period)
        self.next_button.clicked.connect(self.next_period)
        self._update_buttons()

    # -- content ----------------------------------------------------------------------------

    def set_sites(self, sites: Sequence[SiteInfo], current: str | None) -> None:
        """All sites, indented; only reporting sites can be chosen."""
        reporting = reporting_codes(sites)
        self.site_combo.blockSignals(True)
        self.site_combo.clear()
        model = self.site_combo.model()
        for site in sites:
            self.site_combo.addItem(INDENT * site.depth + site.name, site.code)
            row = self.site_combo.count() - 1
            self.site_combo.setItemData(row, f"{site.code} — {site.name}", Qt.ItemDataRole.ToolTipRole)
            if site.code not in reporting and isinstance(model, QStandardItemModel):
                item = model.item(row)
                if item is not None:
                    item.setEnabled(False)  # shown for orientation, not chosen
        index = self.site_combo.findData(current) if current else -1
        if index < 0 or not self._enabled(index):
            index = next((i for i in range(self.site_combo.count()) if self._enabled(i)), -1)
        self.site_combo.setCurrentIndex(index)
        self.site_combo.blockSignals(False)

    def set_periods(self, periods: Sequence[Period], current: str | None) -> None:
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        for period in periods:
            self.period_combo.addItem(period.label(), period.code)
            self.period_combo.setItemData(
                self.period_combo.count() - 1,
                f"{period.code}: {period.start:%d %b %Y} – {period.end:%d %b %Y}",
                Qt.ItemDataRole.ToolTipRole,
            )
        index = self.period_combo.findData(current) if current else -1
        if index < 0:
            index = self.period_combo.findData(default_period(periods))
        self.period_combo.setCurrentIndex(index)
        self.period_combo.blockSignals(False)
        self._update_buttons()

    def _enabled(self, row: int) -> bool:
        model = self.site_combo.model()
        if isinstance(model, QStandardItemModel):
            item = model.item(row)
            return item is not None and item.isEnabled()
        return True

    @property
    def site_code(self) -> str | None:
        value = self.site_combo.currentData()
        return value if isinstance(value, str) else None

    @property
    def period(self) -> str | None:
        value = self.period_combo.currentData()
        return value if isinstance(value, str) else None

    def select(self, site_code: str | None, period: str | None) -> bool:
        """Choose a site and/or period without emitting place_changed; False if one is unknown."""
        ok = True
        for combo, code in ((self.site_combo, site_code), (self.period_combo, period)):
            if code is None:
                continue
            index = combo.findData(code)
            if index < 0:
                ok = False
                continue
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._update_buttons()
        return ok

    # -- moving -----------------------------------------------------------------------------

    def previous_period(self) -> None:
        if self.period_combo.currentIndex() > 0:
            self.period_combo.setCurrentIndex(self.period_combo.currentIndex() - 1)

    def next_period(self) -> None:
        if self.period_combo.currentIndex() + 1 < self.period_combo.count():
            self.period_combo.setCurrentIndex(self.period_combo.currentIndex() + 1)

    def _update_buttons(self) -> None:
        index = self.period_combo.currentIndex()
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(0 <= index < self.period_combo.count() - 1)

    def _on_changed(self, _index: int) -> None:
        self._update_buttons()
        self.place_changed.emit()

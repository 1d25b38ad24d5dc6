# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT screen's band of pickers: as of, site, approved data only, the legend button and the
"Computing…" indicator, wrapping onto a second line rather than squeezing on a small screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from pmdesk.ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.sites import SiteInfo
    from pmdesk.ui.iptt.iptt_load import IpttLoad

WHOLE_PROGRAMME = "Whole programme"
LATEST_COMPLETE = "Latest complete period"


def labelled(first: QWidget, second: QWidget, parent: QWidget) -> QWidget:
    """Two widgets side by side that wrap as one (a label and its picker)."""
    pair = QWidget(parent)
    row = QHBoxLayout(pair)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(first)
    row.addWidget(second)
    return pair


def combo_value(combo: QComboBox) -> str | None:
    value = combo.currentData()
    return value if isinstance(value, str) else None


class IpttPickers(QObject):
    """The pickers of the screen `parent` and their FlowLayout (`layout`). `changed` is emitted
    when the user picks another as-of, site or approved-only choice."""

    changed = Signal()

    def __init__(self, parent: QWidget, extra: Sequence[QWidget] = ()) -> None:
        """`extra` widgets (the filter button and its summary) go after the pickers."""
        super().__init__(parent)
        self._periods: tuple[Period, ...] = ()
        self._site_list: tuple[SiteInfo, ...] = ()
        self.as_of_combo = QComboBox(parent)
        self.as_of_combo.setToolTip("Show figures up to and including this period")
        self.as_of_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.site_combo = QComboBox(parent)
        self.site_combo.setToolTip("Actuals and targets of this site and every site below it")
        self.site_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.site_combo.setMaximumWidth(420)
        as_of_label = QLabel("&As of:", parent)
        as_of_label.setBuddy(self.as_of_combo)
        site_label = QLabel("&Site:", parent)
        site_label.setBuddy(self.site_combo)
        self.as_of_combo.currentIndexChanged.connect(self._on_changed)
        self.site_combo.currentIndexChanged.connect(self._on_changed)
        self.approved_check = QCheckBox("A&pproved data only", parent)
        self.approved_check.setToolTip(
            "Count only approved values; drafts, submitted and returned values are left out"
        )
        self.approved_check.toggled.connect(self._on_changed)

        self.busy_bar = QProgressBar(parent)
        self.busy_bar.setRange(0, 0)  # indeterminate
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedWidth(90)
        self.busy_label = QLabel("Computing…", parent)
        # Shown only when a computation takes long enough to notice.
        self.busy_indicator = labelled(self.busy_bar, self.busy_label, parent)
        self.busy_indicator.hide()

        self.legend_button = QToolButton(parent)
        self.legend_button.setText("Le&gend")
        self.legend_button.setToolTip(
            "Show the status colours, the partial-reporting rule and the hints under the table "
            "(folded away while the screen is short)"
        )
        self.legend_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        # Each label stays beside its picker.
        self.layout = FlowLayout(spacing=16)
        self.layout.addWidget(labelled(as_of_label, self.as_of_combo, parent))
        self.layout.addWidget(labelled(site_label, self.site_combo, parent))
        self.layout.addWidget(self.approved_check)
        for widget in extra:
            self.layout.addWidget(widget)
        self.layout.addWidget(self.legend_button)
        self.layout.addWidget(self.busy_indicator)

    @property
    def as_of(self) -> str | None:
        return combo_value(self.as_of_combo)

    @property
    def site_code(self) -> str | None:
        return combo_value(self.site_combo)

    @property
    def approved_only(self) -> bool:
        return self.approved_check.isChecked()

    @property
    def sites(self) -> tuple[SiteInfo, ...]:
        return self._site_list

    def reset(self) -> None:
        """Back to the defaults, before another programme's lists arrive."""
        self._periods = ()
        self._site_list = ()
        for combo, label in ((self.as_of_combo, LATEST_COMPLETE), (self.site_combo, WHOLE_PROGRAMME)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(label, None)
            combo.blockSignals(False)

    def fill(self, load: IpttLoad) -> None:
        """The periods and sites of a computed IPTT, keeping the choices made."""
        if load.periods != self._periods:
            self._periods = load.periods
            _refill(self.as_of_combo, LATEST_COMPLETE, [(p.label(), p.code, p.code) for p in load.periods])
        if load.sites != self._site_list:
            self._site_list = load.sites
            # Em spaces show the hierarchy without tree widgets; the code is in the tooltip.
            _refill(
                self.site_combo,
                WHOLE_PROGRAMME,
                [("\u2003" * s.depth + s.name, s.code, f"{s.code} — {s.name}") for s in load.sites],
            )
        table = load.table
        latest = next((p.label() for p in load.periods if p.code == table.default_as_of), None)
        self.as_of_combo.setItemText(0, f"{LATEST_COMPLETE} ({latest})" if latest else LATEST_COMPLETE)
        self.as_of_combo.setItemData(
            0,
            "The latest period in which every site expected to report has values for each indicator "
            "it reported",
            Qt.ItemDataRole.ToolTipRole,
        )
        # Later periods stay selectable, but say how few sites have reported them.
        for index, period in enumerate(load.periods, start=1):
            reported = table.partial_periods.get(period.code)
            text = period.label()
            if reported is not None:
                text += f" (partial: {reported} of {table.sites_expected} sites)"
            if index < self.as_of_combo.count() and self.as_of_combo.itemText(index) != text:
                self.as_of_combo.setItemText(index, text)

    def _on_changed(self, _value: object) -> None:
        self.changed.emit()


def _refill(combo: QComboBox, first: str, items: list[tuple[str, str, str]]) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(first, None)
    for text, code, tip in items:
        combo.addItem(text, code)
        combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)

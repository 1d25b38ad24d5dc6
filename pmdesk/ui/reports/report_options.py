# SPDX-License-Identifier: GPL-3.0-or-later
"""The options of a report on the Reports screen: as-of period, meeting, indicators, site, period
and pre-filled, each a row shown only for the kinds that ask for it, filled from ReportChoices."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pmdesk.ui.reports.report_kinds import Option, ReportChoices, ReportKind, ReportRequest

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period

CODE_ROLE = Qt.ItemDataRole.UserRole
LABELS = {
    Option.AS_OF: "&As of:",
    Option.MEETING: "&Meeting:",
    Option.INDICATORS: "&Indicators:",
    Option.SITE: "&Site:",
    Option.PERIOD: "P&eriod:",
}


class ReportOptions(QWidget):
    changed = Signal()  # an option changed: the proposed file name follows

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.as_of_combo = self._combo("Figures up to and including this period")
        self.meeting_combo = self._combo("The meeting whose minutes are printed")
        self.site_combo = self._combo("The site the form is for")
        self.period_combo = self._combo("The period the form collects")
        self.prefilled_check = QCheckBox("&Pre-filled with last period's values", self)
        self.prefilled_check.toggled.connect(self.changed)
        self.indicator_list = QListWidget(self)
        self.indicator_list.setMaximumHeight(self.fontMetrics().height() * 10)
        # Long names are cut at the right edge, whole in their tooltip.
        self.indicator_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.indicator_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.indicator_list.itemChanged.connect(self.changed)
        self.all_button = QPushButton("A&ll", self)
        self.none_button = QPushButton("N&one", self)
        for button, state in ((self.all_button, True), (self.none_button, False)):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, state=state: self.check_all(state))
        indicators = QWidget(self)
        indicator_box = QVBoxLayout(indicators)
        indicator_box.setContentsMargins(0, 0, 0, 0)
        indicator_box.addWidget(self.indicator_list)
        indicator_buttons = QHBoxLayout()
        indicator_buttons.addWidget(self.all_button)
        indicator_buttons.addWidget(self.none_button)
        indicator_buttons.addStretch(1)
        indicator_box.addLayout(indicator_buttons)

        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.rows: dict[Option, QWidget] = {
            Option.AS_OF: self.as_of_combo,
            Option.MEETING: self.meeting_combo,
            Option.INDICATORS: indicators,
            Option.SITE: self.site_combo,
            Option.PERIOD: self.period_combo,
            Option.PREFILLED: self.prefilled_check,
        }
        for option, widget in self.rows.items():
            if option in LABELS:
                label = QLabel(LABELS[option], self)
                label.setBuddy(self.indicator_list if option is Option.INDICATORS else widget)
                self.form.addRow(label, widget)
            else:
                self.form.addRow("", widget)

    def _combo(self, tooltip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setToolTip(tooltip)
        # As wide as the form allows, up to some 48 characters: a long meeting title never widens
        # the window.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(18)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.setMaximumWidth(self.fontMetrics().averageCharWidth() * 48)
        combo.currentIndexChanged.connect(self.changed)
        return combo

    def show_for(self, kind: ReportKind | None) -> None:
        """Show the rows `kind` asks for, and only those."""
        for option, widget in self.rows.items():
            self.form.setRowVisible(widget, kind is not None and option in kind.options)

    def is_shown(self, option: Option) -> bool:
        return self.form.isRowVisible(self.rows[option])

    def first_input(self, kind: ReportKind) -> QWidget | None:
        """Where typing starts for `kind` (None: it has no option)."""
        if not kind.options:
            return None
        return self.indicator_list if kind.options[0] is Option.INDICATORS else self.rows[kind.options[0]]

    def fill(self, choices: ReportChoices | None) -> None:
        """Offer `choices` (None: nothing), keeping what was chosen where it is still offered."""
        periods = choices.periods if choices else ()
        latest = choices.latest_complete if choices else None
        latest_label = choices.period_label(latest) if choices and latest else ""
        first = f"Latest complete period ({latest_label})" if latest_label else "Latest complete period"
        _refill(self.as_of_combo, [(first, None)] + [(p.label(), p.code) for p in periods])
        meetings = choices.meetings if choices else ()
        _refill(
            self.meeting_combo,
            [
                (f"{m.held_on.isoformat()} — {m.title}{'' if m.is_final else ' (draft)'}", m.uuid)
                for m in meetings
            ],
        )
        sites = choices.sites if choices else ()
        parents = {s.parent_code for s in sites}
        leaves = [s.code for s in sites if s.code not in parents]
        _refill(
            self.site_combo,
            [("    " * s.depth + f"{s.code} — {s.name}", s.code) for s in sites],
            default=leaves[0] if leaves else None,
        )
        _refill(
            self.period_combo, [(p.label(), p.code) for p in periods], default=_form_period(periods, latest)
        )
        checked = set(self._checked_codes())
        had_all = not checked or len(checked) == self.indicator_list.count()
        self.indicator_list.blockSignals(True)
        self.indicator_list.clear()
        for code, name in choices.indicators if choices else ():
            item = QListWidgetItem(f"{code} — {name}", self.indicator_list)
            item.setData(CODE_ROLE, code)
            item.setToolTip(f"{code} — {name}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = had_all or code in checked
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.indicator_list.blockSignals(False)
        self.changed.emit()

    def check_all(self, state: bool) -> None:
        self.indicator_list.blockSignals(True)
        for row in range(self.indicator_list.count()):
            self.indicator_list.item(row).setCheckState(
                Qt.CheckState.Checked if state else Qt.CheckState.Unchecked
            )
        self.indicator_list.blockSignals(False)
        self.changed.emit()

    def _checked_codes(self) -> list[str]:
        return [
            str(self.indicator_list.item(row).data(CODE_ROLE))
            for row in range(self.indicator_list.count())
            if self.indicator_list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def request(self, choices: ReportChoices) -> ReportRequest:
        """The options chosen, over `choices`."""
        as_of = self.as_of_combo.currentData() or choices.latest_complete
        codes = self._checked_codes()
        meeting = next((m for m in choices.meetings if m.uuid == self.meeting_combo.currentData()), None)
        period = self.period_combo.currentData()
        return ReportRequest(
            choices.programme_code,
            as_of=as_of,
            as_of_label=choices.period_label(as_of) if as_of else "latest",
            meeting_uuid=meeting.uuid if meeting else None,
            meeting_label=f"{meeting.held_on.isoformat()} {meeting.title}" if meeting else "",
            indicator_codes=None if len(codes) == self.indicator_list.count() else tuple(codes),
            site_code=self.site_combo.currentData(),
            period=period,
            period_label=choices.period_label(period) if period else "",
            prefilled=self.prefilled_check.isChecked(),
        )


def _refill(combo: QComboBox, items: list[tuple[str, str | None]], default: str | None = None) -> None:
    """Replace the items, keeping the one chosen if it is still there (else `default`)."""
    current = combo.currentData() if combo.count() else default
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(current) if current is not None else -1
    if index < 0 and default is not None:
        index = combo.findData(default)
    combo.setCurrentIndex(max(index, 0) if items else -1)
    combo.blockSignals(False)


def _form_period(periods: tuple[Period, ...], latest: str | None) -> str | None:
    """A paper round collects the period after the latest complete one; else the current one."""
    codes = [p.code for p in periods]
    if latest in codes:
        return codes[min(codes.index(latest) + 1, len(codes) - 1)]
    today = date.today()
    current = [p.code for p in periods if p.start <= today <= p.end]
    return current[0] if current else (codes[0] if codes else None)

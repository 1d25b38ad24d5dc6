# SPDX-License-Identifier: GPL-3.0-or-later
"""Read-only facts about the programme selected on the Programmes screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from pmdesk.domain.enums import Frequency
from pmdesk.ui.formatting import counted, format_count
from pmdesk.ui.programmes.programme_dialog import FISCAL_MONTHS, band_sentence
from pmdesk.ui.programmes.programme_table_model import FREQUENCY_LABELS, date_range_text

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.programmes import ProgrammeSummary


class ProgrammeSummaryPanel(QScrollArea):
    """Donor, dates, frequency and its periods, fiscal year, thresholds, tiers and counts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        body = QWidget(self)
        self.heading = QLabel("", body)
        self.heading.setObjectName("summaryHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label in (
            ("donor", "Donor:"),
            ("dates", "Dates:"),
            ("frequency", "Reporting:"),
            ("fiscal", "Fiscal year:"),
            ("thresholds", "Thresholds:"),
            ("tiers", "Tiers:"),
            ("contents", "Contents:"),
            ("description", "Description:"),
        ):
            value = QLabel("", body)
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            form.addRow(label, value)
        self.empty_label = QLabel("Select a programme to see its set-up.", body)
        self.empty_label.setWordWrap(True)
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty_label)
        layout.addLayout(form)
        layout.addStretch(1)
        self._form = form
        self._body = body
        self.setWidget(body)
        self.show_programme(None, ())

    def sizeHint(self) -> QSize:
        # A scroll area asks for little room; ask for the whole summary so that a splitter gives it
        # that much when it can, and scrolls only on a small screen.
        body = self._body.sizeHint()
        frame = 2 * self.frameWidth()
        return QSize(body.width() + frame, body.height() + frame)

    def show_programme(
        self,
        p: ProgrammeSummary | None,
        periods: Sequence[Period],
        *,
        is_current: bool = False,
        periods_error: str = "",
    ) -> None:
        self.empty_label.setVisible(p is None)
        for row in range(self._form.rowCount()):
            self._form.setRowVisible(row, p is not None)
        if p is None:
            self.heading.setText("")
            self.heading.hide()
            return
        self.heading.show()
        self.heading.setText(f"{p.code} — {p.name}" + ("  (current programme)" if is_current else ""))
        self.fields["donor"].setText(p.donor or "—")
        self.fields["dates"].setText(date_range_text(p))
        self.fields["frequency"].setText(_reporting_text(p, periods, periods_error))
        month = dict(FISCAL_MONTHS).get(p.fiscal_year_start_month, str(p.fiscal_year_start_month))
        fiscal = f"starts in {month}"
        if p.frequency is not Frequency.ANNUAL:
            fiscal += " (used only with annual reporting)"
        self.fields["fiscal"].setText(fiscal)
        self.fields["thresholds"].setText(band_sentence(p.thresholds))
        self.fields["tiers"].setText(" › ".join(p.tiers) or "—")
        self.fields["contents"].setText(
            f"{counted(p.indicator_count, 'indicator')} · {counted(p.site_count, 'site')} · "
            f"{counted(p.value_count, 'data value')}"
        )
        self.fields["description"].setText(p.description.strip() or "—")


def _reporting_text(p: ProgrammeSummary, periods: Sequence[Period], error: str) -> str:
    frequency = FREQUENCY_LABELS[p.frequency]
    if error:
        return f"{frequency} — {error}"
    count = len(periods)
    noun = "reporting period" if count == 1 else "reporting periods"
    span = f" ({periods[0].label()} – {periods[-1].label()})" if count > 1 else ""
    if count == 1:
        span = f" ({periods[0].label()})"
    return f"{frequency} — {format_count(count)} {noun}{span}"

# SPDX-License-Identifier: GPL-3.0-or-later
"""Explain variance…: the dialog that writes why an indicator is off track or exceeding its target as
of a period, beside the IPTT's figures for it. OK saves; a refusal keeps the dialog and the text.
The indicator's explanations for periods the programme no longer has are shown under their own
heading, with a button to remove them."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import Measure, Status
from pmdesk.domain.errors import PmdeskError
from pmdesk.domain.iptt import Thresholds, band_label, partial_note
from pmdesk.domain.iptt_table import IpttRow
from pmdesk.domain.periods import PeriodError, parse_period
from pmdesk.domain.variance import MAX_LENGTH, normalise, requires_explanation
from pmdesk.ui.form_errors import ERROR_STYLE, failure_html
from pmdesk.ui.formatting import format_count, format_number, local_datetime
from pmdesk.ui.iptt.status_style import MUTED_TEXT, STATUS_STYLES, TEXT_ON_COLOUR

if TYPE_CHECKING:
    from pmdesk.services.variance import ExplanationInfo, VarianceService

ORPHANS_TITLE = "For periods the programme no longer has"
PLACEHOLDER = (
    "Why is the indicator above or below its target? What caused it, and what is being done about "
    "it? The donor report prints this beside the figures."
)


class VarianceDialog(QDialog):
    """One indicator's explanation for one period (the IPTT's as-of period), for the programme.

    `row` is the indicator's IPTT row as of `period`: its to-date target, actual, % met and status
    are shown so that the writer sees what they explain. `saved` holds what OK saved (None when the
    text was emptied, which removes the explanation).
    """

    def __init__(
        self,
        variance: VarianceService,
        programme_code: str,
        row: IpttRow,
        period: str,
        thresholds: Thresholds,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._variance = variance
        self._programme_code = programme_code
        self._row = row
        self._period = period
        self.saved: ExplanationInfo | None = None
        shown = _period_label(period)
        self.setWindowTitle(f"Explain variance: {row.code} as of {shown}")
        self.setMinimumWidth(560)

        to_date = row.figures.to_date
        is_pct = row.measure is Measure.PERCENT
        unit = "" if is_pct else (f" {row.unit}" if row.unit else "")
        title = QLabel(f"{row.code}  {row.name}", self)
        title.setWordWrap(True)
        bold = QFont(title.font())
        bold.setBold(True)
        title.setFont(bold)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        def figure(value: float | None, percent: bool, suffix: str = "") -> str:
            shown = format_number(value, percent=percent)
            return f"{shown}{suffix}" if shown else "no figure"

        self.status_label = QLabel(self._status_text(thresholds), self)
        style = STATUS_STYLES[to_date.status]
        if style.background:
            self.status_label.setStyleSheet(
                f"QLabel {{ background: {style.background}; color: {TEXT_ON_COLOUR};"
                " padding: 2px 6px; border-radius: 3px; }"
            )
        figures = QFormLayout()
        figures.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        figures.addRow("As of:", QLabel(shown, self))
        figures.addRow("Target to date:", QLabel(figure(to_date.target, is_pct, unit), self))
        figures.addRow("Actual to date:", QLabel(figure(to_date.actual, is_pct, unit), self))
        figures.addRow("% met:", QLabel(figure(to_date.pct_met, True), self))
        figures.addRow("Status:", self.status_label)

        required = requires_explanation(to_date.status, to_date.partial)
        self.need_label = QLabel(
            "The donor report needs an explanation for an indicator off track or exceeding its target; "
            "without one it is listed as missing."
            if required
            else "Not required at this status, but the donor report prints it if you write one.",
            self,
        )
        self.need_label.setWordWrap(True)
        self.need_label.setStyleSheet(f"color: {MUTED_TEXT};")

        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setPlaceholderText(PLACEHOLDER)
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(150)
        self.text_edit.textChanged.connect(self._on_text_changed)
        self.count_label = QLabel("", self)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.written_label = QLabel("", self)
        self.written_label.setStyleSheet(f"color: {MUTED_TEXT};")
        self.written_label.setWordWrap(True)

        self.error_label = QLabel("", self)
        self.error_label.setObjectName("formErrors")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.RichText)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(figures)
        layout.addWidget(self.need_label)
        text_title = QLabel("&Explanation:", self)
        text_title.setBuddy(self.text_edit)
        layout.addWidget(text_title)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.written_label)
        self.orphans_box = QGroupBox(ORPHANS_TITLE, self)
        self.orphans_box.hide()
        # Read-only and scrolling: a programme cut short may leave many of them.
        self.orphans_text = QTextBrowser(self.orphans_box)
        self.orphans_text.setOpenLinks(False)
        lines = self.orphans_text.fontMetrics().lineSpacing()
        self.orphans_text.setMinimumHeight(lines * 6)
        self.orphans_text.setMaximumHeight(lines * 8)
        self.remove_orphans_button = QPushButton("&Remove these…", self.orphans_box)
        self.remove_orphans_button.setToolTip(
            "Remove the explanations for periods the programme no longer has (History keeps them)"
        )
        self.remove_orphans_button.clicked.connect(self._on_remove_orphans)
        orphans_layout = QVBoxLayout(self.orphans_box)
        orphans_layout.addWidget(self.orphans_text)
        orphans_layout.addWidget(self.remove_orphans_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.orphans_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        try:
            current = variance.get(programme_code, row.code, period)
        except PmdeskError as error:
            current = None
            self._show_error(error)
        self.previous = current  # what was saved when the dialog opened
        if current is not None:
            self.text_edit.setPlainText(current.text)
            self._show_written(current)
        self.orphans: list[ExplanationInfo] = []
        try:
            self._show_orphans(variance.orphaned(programme_code, row.code))
        except PmdeskError as error:
            self._show_error(error)
        self._on_text_changed()
        self.text_edit.setFocus()

    def _show_orphans(self, orphans: list[ExplanationInfo]) -> None:
        """The indicator's explanations for periods the programme no longer has (its dates or
        frequency changed since): kept, shown here so that they are never lost from sight."""
        self.orphans = orphans
        self.orphans_box.setVisible(bool(orphans))
        items = "".join(
            f"<li><b>{html.escape(_period_label(e.period))}</b>"
            f" ({html.escape(e.written_by or 'someone')}, {html.escape(local_datetime(e.written_at))}): "
            f"{html.escape(e.text).replace(chr(10), '<br>')}</li>"
            for e in orphans
        )
        self.orphans_text.setHtml(
            f"<p style='color: {MUTED_TEXT}'>Written before the programme's dates or frequency "
            "changed; kept, not printed in the donor report. Copy what still applies into the "
            f"explanation above.</p><ul style='margin: 0'>{items}</ul>"
        )

    def _on_remove_orphans(self) -> None:
        if not self.orphans or not confirm_removing_orphans(self, len(self.orphans)):
            return
        try:
            for e in self.orphans:
                self._variance.clear(self._programme_code, e.indicator_code, e.period)
            self._show_orphans(self._variance.orphaned(self._programme_code, self._row.code))
        except PmdeskError as error:
            self._show_error(error)

    def _status_text(self, thresholds: Thresholds) -> str:
        to_date = self._row.figures.to_date
        if self._row.measure is Measure.QUALITATIVE:
            return "Qualitative: no status"
        text = band_label(to_date.status, thresholds)
        if to_date.partial and to_date.status not in (Status.NO_DATA, Status.NO_TARGET):
            text += f" · {partial_note(to_date.sites_reported, to_date.sites_expected)}"
        return text

    def _show_written(self, info: ExplanationInfo) -> None:
        who = info.written_by or "someone"
        self.written_label.setText(f"Last written by {who} on {local_datetime(info.written_at)}.")

    def _on_text_changed(self) -> None:
        length = len(normalise(self.text_edit.toPlainText()) or "")
        over = length > MAX_LENGTH
        self.count_label.setText(f"{format_count(length)} of {format_count(MAX_LENGTH)} characters")
        self.count_label.setStyleSheet(
            "color: #b00020; font-weight: bold;" if over else f"color: {MUTED_TEXT};"
        )

    def _show_error(self, error: PmdeskError) -> None:
        self.error_label.setText(failure_html(error))
        self.error_label.show()

    def _on_ok(self) -> None:
        try:
            self.saved = self._variance.set(
                self._programme_code, self._row.code, self._period, self.text_edit.toPlainText()
            )
        except PmdeskError as error:
            self._show_error(error)  # the dialog stays open with what was typed
            return
        self.accept()

    @property
    def ok_button(self) -> QWidget:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button


def confirm_removing_orphans(parent: QWidget, count: int) -> bool:
    """Ask before removing explanations for periods the programme no longer has; True to remove."""
    them = "this explanation" if count == 1 else f"these {count} explanations"
    answer = QMessageBox.question(
        parent,
        "Remove explanations",
        f"Remove {them} for periods the programme no longer has? History keeps what they said.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def _period_label(code: str) -> str:
    """'2026 Q2' for 2026Q2, as the IPTT's as-of picker writes it; a custom period by its code."""
    try:
        return parse_period(code).label()
    except PeriodError:
        return code

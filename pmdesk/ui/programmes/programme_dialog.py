# SPDX-License-Identifier: GPL-3.0-or-later
"""The New programme / Edit programme dialog: identity, dates, frequency, thresholds, tiers, custom periods."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import Frequency
from pmdesk.domain.errors import PeriodsDroppedError, PmdeskError, Problem, StorageError, ValidationError
from pmdesk.domain.iptt import Thresholds, bands_line
from pmdesk.domain.periods import CustomPeriod
from pmdesk.services.programmes import ProgrammeData
from pmdesk.ui.formatting import format_count
from pmdesk.ui.programmes.custom_period_table_model import from_qdate, to_qdate
from pmdesk.ui.programmes.programme_periods_editor import DATE_FORMAT, ProgrammePeriodsEditor
from pmdesk.ui.programmes.programme_table_model import FREQUENCY_LABELS
from pmdesk.ui.programmes.programme_tiers_editor import ProgrammeTiersEditor
from pmdesk.ui.unsaved import storage_failure_text
from pmdesk.ui.workers import Job, Workers

if TYPE_CHECKING:
    from pmdesk.services.programmes import ProgrammeService, ProgrammeSummary


def confirm_keeping_outside(parent: QWidget, error: PeriodsDroppedError) -> bool:
    """Ask whether to save dates that leave targets or variance explanations on periods the
    programme no longer has (kept, not deleted); True to save."""
    answer = QMessageBox.question(
        parent,
        "Periods with targets or explanations dropped",
        f"{error}\n\nSave the new dates anyway?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


FISCAL_MONTHS = ((1, "January"), (4, "April"), (7, "July"), (10, "October"))
FIELD_LABELS = {
    "code": "Code",
    "name": "Name",
    "end": "Dates",
    "fiscal_year_start_month": "Fiscal year",
    "thresholds": "Thresholds",
}
ERROR_STYLE = (
    "QLabel#formErrors { background: #fdecea; color: #611a15; border: 1px solid #d93025;"
    " border-radius: 3px; padding: 6px; }"
)


def band_sentence(t: Thresholds) -> str:
    """The status bands in one line, as the user sets them."""
    return f"Status bands (% met): {bands_line(t)}"


def problem_text(problem: Problem) -> str:
    """A problem as the user reads it next to the form: the field's label, then the message."""
    where = FIELD_LABELS.get(problem.field) or problem.location.capitalize()
    return f"{where}: {problem.message}" if where else problem.message


class ProgrammeDialog(QDialog):
    """Creates (existing None) or edits a programme through ProgrammeService, off the UI thread.

    The dialog stays open and nothing is saved while the service refuses the input; its problems
    are listed above the form and the fields concerned are marked."""

    saved = Signal(object)  # ProgrammeSummary, once the service has committed

    def __init__(
        self,
        programmes: ProgrammeService,
        workers: Workers,
        existing: ProgrammeSummary | None = None,
        custom_periods: Sequence[CustomPeriod] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._programmes = programmes
        self._workers = workers
        self._existing = existing
        self._job: Job | None = None
        self.summary: ProgrammeSummary | None = None  # what the service returned after saving
        self.setWindowTitle(f"Edit programme {existing.code}" if existing else "New programme")
        self.setStyleSheet(ERROR_STYLE)
        self._build()
        if existing is not None:
            self._fill(existing, custom_periods)
            self.name_edit.setFocus()  # codes rarely change; names and dates do
        self._on_frequency_changed()
        self._on_thresholds_changed()
        self._fit_to_contents()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("formErrors")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.code_edit = QLineEdit(self)
        self.code_edit.setMaxLength(40)
        self.code_edit.setPlaceholderText("e.g. WASH-01")
        self.code_edit.setToolTip("1–40 letters, digits, '.', '_' or '-'; how files and reports name it")
        self.name_edit = QLineEdit(self)
        self.donor_edit = QLineEdit(self)
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)

        today = date.today()
        self.start_edit = self._date_edit(date(today.year, 1, 1))
        self.end_edit = self._date_edit(date(today.year + 2, 12, 31))
        self.frequency_combo = QComboBox(self)
        for frequency in Frequency:
            self.frequency_combo.addItem(FREQUENCY_LABELS[frequency], frequency)
        self.frequency_combo.setCurrentIndex(self.frequency_combo.findData(Frequency.QUARTERLY))
        self.fiscal_combo = QComboBox(self)
        for month, label in FISCAL_MONTHS:
            self.fiscal_combo.addItem(label, month)
        self.fiscal_hint = _hint(
            "Used only with annual reporting: a year starting in April 2025 is the period 2025Apr.", self
        )
        start_edit = self.start_edit
        # A closure over the field, not a bound method of the dialog: the editor holding the dialog
        # would make a reference cycle, and after exec() (which hands the dialog to Python) the
        # cyclic collector would delete the dialog on whichever thread it runs, a worker's too.
        self.periods_editor = ProgrammePeriodsEditor(lambda: from_qdate(start_edit.date()), self)
        self.periods_box = QGroupBox("Custom periods (the reporting periods, in date order)", self)
        QVBoxLayout(self.periods_box).addWidget(self.periods_editor)

        dates = QHBoxLayout()
        dates.addWidget(self.start_edit)
        end_label = QLabel("&End:", self)
        end_label.setBuddy(self.end_edit)
        dates.addWidget(end_label)
        dates.addWidget(self.end_edit)
        dates.addStretch(1)

        form = QFormLayout()
        form.addRow(_label("&Code:", self.code_edit, self), self.code_edit)
        form.addRow(_label("&Name:", self.name_edit, self), self.name_edit)
        form.addRow(_label("&Donor:", self.donor_edit, self), self.donor_edit)
        form.addRow(_label("Descr&iption:", self.description_edit, self), self.description_edit)
        form.addRow(_label("&Start:", self.start_edit, self), dates)
        form.addRow(_label("&Frequency:", self.frequency_combo, self), self.frequency_combo)
        form.addRow(_label("Fiscal &year starts in:", self.fiscal_combo, self), self.fiscal_combo)
        form.addRow("", self.fiscal_hint)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.periods_box, 1)
        left.addStretch(0)

        self.exceeding_spin = self._percent_spin(115.0, "Above this % met an indicator is exceeding")
        self.on_track_spin = self._percent_spin(
            85.0, "From this % met up to the exceeding threshold: on track"
        )
        self.at_risk_spin = self._percent_spin(70.0, "From this % met up to the on-track threshold: at risk")
        self.bands_label = _hint("", self)
        thresholds_box = QGroupBox("Status thresholds", self)
        thresholds_form = QFormLayout(thresholds_box)
        thresholds_form.addRow(_label("E&xceeding above:", self.exceeding_spin, self), self.exceeding_spin)
        thresholds_form.addRow(_label("&On track from:", self.on_track_spin, self), self.on_track_spin)
        thresholds_form.addRow(_label("At &risk from:", self.at_risk_spin, self), self.at_risk_spin)
        thresholds_form.addRow(self.bands_label)
        self.approval_check = QCheckBox("Appro&val by someone other than the submitter", self)
        self.approval_check.setToolTip(
            "When ticked, whoever submitted a site's values for a period cannot approve them: "
            "another person approves, or returns them with a reason."
        )
        approval_box = QGroupBox("Approval", self)
        QVBoxLayout(approval_box).addWidget(self.approval_check)
        right = QVBoxLayout()
        right.addWidget(thresholds_box)
        right.addWidget(approval_box)

        self.tiers_editor: ProgrammeTiersEditor | None = None
        if self._existing is None:
            self.tiers_editor = ProgrammeTiersEditor(self)
            tiers_box = QGroupBox("Results framework tiers", self)
            QVBoxLayout(tiers_box).addWidget(self.tiers_editor)
            right.addWidget(tiers_box, 1)
        else:
            self.data_hint = _hint(self._data_hint_text(self._existing), self)
            right.addWidget(self.data_hint)
            right.addStretch(1)

        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addSpacing(12)
        columns.addLayout(right, 2)
        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.error_label)
        body_layout.addLayout(columns, 1)
        self.body = body
        # A small screen (1024×600) must still reach every field: scroll rather than clip.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create programme" if self._existing is None else "Save changes")
        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        self.status_label = QLabel("", self)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)

        self.frequency_combo.currentIndexChanged.connect(self._on_frequency_changed)
        for spin in (self.exceeding_spin, self.on_track_spin, self.at_risk_spin):
            spin.valueChanged.connect(self._on_thresholds_changed)

    def _fit_to_contents(self) -> None:
        """As large as the form wants, never larger than the screen: it scrolls on 1024×600."""
        wanted = self.body.sizeHint()
        # Margins, spacing and the scroll area's frame: a fixed allowance is close enough.
        width = max(wanted.width() + 48, 760)
        height = wanted.height() + self.buttons.sizeHint().height() + 48
        owner = self.parentWidget()
        screen = owner.screen() if owner is not None else self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, available.width() - 40)
            height = min(height, available.height() - 60)
        self.resize(
            max(width, self.width() if self.isVisible() else 0),
            max(height, self.height() if self.isVisible() else 0),
        )

    def _date_edit(self, value: date) -> QDateEdit:
        edit = QDateEdit(to_qdate(value), self)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        edit.setMinimumDate(QDate(1990, 1, 1))
        edit.setMaximumDate(QDate(2100, 12, 31))
        edit.setToolTip("Year-month-day; type it, use ↑/↓ on a part, or open the calendar")
        return edit

    def _percent_spin(self, value: float, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setRange(0.0, 1000.0)
        spin.setDecimals(1)
        spin.setSingleStep(5.0)
        spin.setSuffix(" %")
        spin.setValue(value)
        spin.setToolTip(tip)
        return spin

    def _fill(self, p: ProgrammeSummary, custom_periods: Sequence[CustomPeriod]) -> None:
        self.code_edit.setText(p.code)
        self.name_edit.setText(p.name)
        self.donor_edit.setText(p.donor)
        self.description_edit.setPlainText(p.description)
        self.start_edit.setDate(to_qdate(p.start))
        self.end_edit.setDate(to_qdate(p.end))
        self.frequency_combo.setCurrentIndex(self.frequency_combo.findData(p.frequency))
        self.fiscal_combo.setCurrentIndex(max(self.fiscal_combo.findData(p.fiscal_year_start_month), 0))
        self.exceeding_spin.setValue(p.thresholds.exceeding)
        self.on_track_spin.setValue(p.thresholds.on_track)
        self.at_risk_spin.setValue(p.thresholds.at_risk)
        self.approval_check.setChecked(p.approval_by_other)
        self.periods_editor.set_periods(custom_periods)

    @staticmethod
    def _data_hint_text(p: ProgrammeSummary) -> str:
        tiers = " / ".join(p.tiers) or "none yet"
        text = f"Tiers: {tiers}. Rename them on the Framework screen."
        if p.value_count:
            text += (
                f"\n\nThis programme holds {format_count(p.value_count)} data values: new dates or a new "
                "frequency are refused if any value would fall outside the reporting periods."
            )
        return text

    @property
    def existing(self) -> ProgrammeSummary | None:
        """The programme being edited (None: a new one)."""
        return self._existing

    # -- reading the form -------------------------------------------------------------------

    def frequency(self) -> Frequency:
        return Frequency(self.frequency_combo.currentData())

    def data(self) -> ProgrammeData:
        return ProgrammeData(
            code=self.code_edit.text().strip(),
            name=self.name_edit.text(),
            start=from_qdate(self.start_edit.date()),
            end=from_qdate(self.end_edit.date()),
            frequency=self.frequency(),
            donor=self.donor_edit.text(),
            description=self.description_edit.toPlainText(),
            fiscal_year_start_month=int(self.fiscal_combo.currentData()),
            thresholds=Thresholds(
                self.exceeding_spin.value(), self.on_track_spin.value(), self.at_risk_spin.value()
            ),
            approval_by_other=self.approval_check.isChecked(),
        )

    # -- reactions --------------------------------------------------------------------------

    def _on_frequency_changed(self) -> None:
        frequency = self.frequency()
        self.fiscal_combo.setEnabled(frequency is Frequency.ANNUAL)
        self.periods_box.setVisible(frequency is Frequency.CUSTOM)
        if self.isVisible():
            self._fit_to_contents()

    def _on_thresholds_changed(self) -> None:
        self.bands_label.setText(
            band_sentence(
                Thresholds(self.exceeding_spin.value(), self.on_track_spin.value(), self.at_risk_spin.value())
            )
        )

    def _on_ok_clicked(self, keep_outside: bool = False) -> None:
        if self._job is not None:
            return
        data = self.data()
        periods = self.periods_editor.periods() if data.frequency is Frequency.CUSTOM else []
        if self._existing is None:
            tiers = self.tiers_editor.tiers() if self.tiers_editor is not None else []
            job = Job(self._programmes.create, data, tiers, periods, name="create programme")
        else:
            # Custom periods are only replaced when they are the reporting periods; otherwise the
            # stored ones (unused) stay as they are.
            replace_periods = periods if data.frequency is Frequency.CUSTOM else None
            job = Job(
                partial(self._programmes.update, keep_outside=keep_outside),
                self._existing.code,
                data,
                replace_periods,
                name="update programme",
            )
        job.finished.connect(self._on_saved)
        job.failed.connect(self._on_save_failed)
        self._job = job
        self._set_busy(True)
        self._workers.start(job)

    def _on_saved(self, summary: ProgrammeSummary) -> None:
        self._job = None
        self._set_busy(False)
        self.summary = summary
        self.saved.emit(summary)
        self.accept()

    def _on_save_failed(self, error: BaseException) -> None:
        self._job = None
        self._set_busy(False)
        if isinstance(error, PeriodsDroppedError):
            # Targets and explanations on the periods dropped are kept, never deleted: the user
            # says whether to save so, knowing how many.
            if confirm_keeping_outside(self, error):
                self._on_ok_clicked(keep_outside=True)
            else:
                self.show_problems([Problem("end", str(error))])
        elif isinstance(error, ValidationError):
            self.show_problems(error.problems)
        elif isinstance(error, StorageError):
            # Not the user's to fix in the form: everything typed stays, for OK to try again.
            text = storage_failure_text(error, f"“{self.ok_button.text()}”")
            self.error_label.setText(html.escape(text).replace("\n", "<br>"))
            self.error_label.show()
            self._mark_fields([])
        elif isinstance(error, PmdeskError):
            self.show_problems([Problem("", str(error))])
        else:
            self.show_problems(
                [Problem("", f"Saving failed unexpectedly ({type(error).__name__}: {error}).")]
            )

    def show_problems(self, problems: Sequence[Problem]) -> None:
        lines = [html.escape(problem_text(p)) for p in problems]
        head = "Nothing was saved:" if len(lines) > 1 else "Nothing was saved."
        if len(lines) == 1:
            self.error_label.setText(f"{head} {lines[0]}")
        else:
            self.error_label.setText(
                head + "<ul style='margin:0'>" + "".join(f"<li>{x}</li>" for x in lines) + "</ul>"
            )
        self.error_label.show()
        self._mark_fields(problems)

    def _mark_fields(self, problems: Sequence[Problem]) -> None:
        widgets: dict[str, list[QWidget]] = {
            "code": [self.code_edit],
            "name": [self.name_edit],
            "end": [self.end_edit, self.start_edit],
            "fiscal_year_start_month": [self.fiscal_combo],
            "thresholds": [self.exceeding_spin, self.on_track_spin, self.at_risk_spin],
            "custom periods": [self.periods_editor.table],
            "tiers": [self.tiers_editor.list_view] if self.tiers_editor is not None else [],
        }
        marked: list[QWidget] = []
        for problem in problems:
            marked += widgets.get(problem.field, []) or widgets.get(problem.location, [])
        for group in widgets.values():
            for widget in group:
                widget.setStyleSheet("border: 2px solid #d93025;" if widget in marked else "")
        if marked:
            marked[0].setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.body.setEnabled(not busy)
        self.ok_button.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)
        self.status_label.setText("Saving…" if busy else "")

    def reject(self) -> None:
        # Closing while the service is writing would hide a change that still happens.
        if self._job is None:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._job is not None:
            event.ignore()
            return
        super().closeEvent(event)


def _label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setObjectName("hint")
    return label

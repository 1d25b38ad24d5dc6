# SPDX-License-Identifier: GPL-3.0-or-later
"""Add or edit an indicator: every field of its reference sheet (PIRS), on four tabs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import Cumulation, Direction, Measure
from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.services.framework_records import IndicatorData
from pmdesk.ui.formatting import format_count
from pmdesk.ui.framework.framework_dialog_models import DisaggregationChoiceModel
from pmdesk.ui.framework.framework_form import ErrorBanner, error_lines, note_label, number_text, parse_number
from pmdesk.ui.framework.framework_tree_model import result_label
from pmdesk.ui.unsaved import storage_failure_text
from pmdesk.ui.widgets.reason_dialog import ask_reason

if TYPE_CHECKING:
    from pmdesk.services.framework import FrameworkService
    from pmdesk.services.framework_records import (
        DisaggregationInfo,
        IndicatorInfo,
        IndicatorSaved,
        ResultInfo,
    )
    from pmdesk.services.history import Reason
    from pmdesk.services.sites import PersonInfo

MEASURE_CHOICES = (
    (Measure.NUMBER, "Number"),
    (Measure.PERCENT, "Percent (numerator ÷ denominator)"),
    (Measure.QUALITATIVE, "Qualitative (text)"),
)
DIRECTION_CHOICES = (
    (Direction.INCREASE, "Increase is better"),
    (Direction.DECREASE, "Decrease is better"),
    (Direction.NONE, "No direction"),
)
CUMULATION_CHOICES = (
    (Cumulation.PERIODIC, "&Periodic", "each period's values stand alone; the LoP actual is their sum"),
    (
        Cumulation.CUMULATIVE,
        "&Cumulative",
        "values are increments; each period shows the sum from the start",
    ),
    (
        Cumulation.RUNNING_TOTAL,
        "&Running total",
        "values are already totals; the latest period with data is the LoP actual",
    ),
)
FREQUENCY_SUGGESTIONS = ("Monthly", "Quarterly", "Semi-annually", "Annually", "Baseline, midline and endline")
NOBODY = "(nobody)"
FIELD_LABELS = {
    "code": "Code",
    "name": "Name",
    "result": "Result",
    "measure": "Measure",
    "direction": "Direction",
    "cumulation": "Cumulation",
    "disaggregations": "Disaggregations",
    "baseline": "Baseline",
    "baseline_value": "Baseline value",
    "lop_target": "LoP target",
    "responsible": "Responsible person",
}


class IndicatorDialog(QDialog):
    """Saves through FrameworkService.save_indicator on OK. A changed baseline that was already
    set asks for a reason first; errors are shown in the dialog, which stays open with nothing saved."""

    def __init__(
        self,
        framework: FrameworkService,
        programme_code: str,
        results: Sequence[ResultInfo],
        disaggregations: Sequence[DisaggregationInfo],
        people: Sequence[PersonInfo],
        *,
        indicator: IndicatorInfo | None = None,
        result_code: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._framework = framework
        self._programme_code = programme_code
        self._original = indicator
        self.saved: IndicatorSaved | None = None
        # The reason given for a baseline change whose save failed (database locked, disk
        # full): pressing OK again does not ask for it again.
        self._given_reason: tuple[object, Reason] | None = None
        data = indicator.data if indicator else IndicatorData("", "", result_code or "")
        self.setWindowTitle(f"Edit indicator {data.code}" if indicator else "Add indicator")
        self.setMinimumWidth(560)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_identity(data, results), "&Indicator")
        self.tabs.addTab(self._build_measurement(data, disaggregations), "M&easurement")
        self.tabs.addTab(self._build_baseline(data), "&Baseline && target")
        self.tabs.addTab(self._build_collection(data, people), "&Data collection")
        self.error_banner = ErrorBanner(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.buttons)
        self._on_measure_changed()
        self._fit_to_screen()
        (self.name_edit if indicator else self.code_edit).setFocus()

    def _fit_to_screen(self) -> None:
        """Tall enough to show the longest tab without scrolling, unless the screen is smaller."""
        pages = [self.tabs.widget(i) for i in range(self.tabs.count())]
        content = max(
            inner.sizeHint().height()
            for p in pages
            if isinstance(p, QScrollArea) and (inner := p.widget()) is not None
        )
        chrome = self.tabs.tabBar().sizeHint().height() + self.buttons.sizeHint().height() + 60
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        limit = screen.height() - 40 if screen is not None else content + chrome
        self.resize(max(self.sizeHint().width(), 620), min(content + chrome, limit))

    # -- tabs -------------------------------------------------------------------------------

    def _build_identity(self, data: IndicatorData, results: Sequence[ResultInfo]) -> QWidget:
        page, form = _form_page(self)
        self.code_edit = QLineEdit(data.code, page)
        self.code_edit.setMaxLength(40)
        self.code_edit.setToolTip("A short code such as 1.1: letters, digits, '.', '_' or '-'")
        self.name_edit = QLineEdit(data.name, page)
        self.result_combo = _wide_combo(page)
        for result in results:
            self.result_combo.addItem("   " * result.depth + result_label(result), result.code)
        self.result_combo.setCurrentIndex(max(0, self.result_combo.findData(data.result_code)))
        self.definition_edit = _text_edit(data.definition, page, 4)
        self.rationale_edit = _text_edit(data.rationale, page, 3)
        form.addRow("&Code:", self.code_edit)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Result:", self.result_combo)
        form.addRow("De&finition:", self.definition_edit)
        form.addRow("R&ationale:", self.rationale_edit)
        return _scrolled(page, self)

    def _build_measurement(
        self, data: IndicatorData, disaggregations: Sequence[DisaggregationInfo]
    ) -> QWidget:
        page, form = _form_page(self)
        values = self._original.value_count if self._original else 0
        self.measure_combo = QComboBox(page)
        for measure, label in MEASURE_CHOICES:
            self.measure_combo.addItem(label, measure)
        self.measure_combo.setCurrentIndex(max(0, self.measure_combo.findData(Measure(data.measure))))
        self.measure_combo.currentIndexChanged.connect(self._on_measure_changed)
        self.measure_note = note_label("", page)
        if values:
            self.measure_combo.setEnabled(False)
            self.measure_note.setText(
                f"{format_count(values)} data values recorded: the measure cannot change."
            )
        self.measure_note.setVisible(bool(values))
        self.unit_edit = QLineEdit(data.unit, page)
        self.unit_edit.setToolTip("What is counted: people, schools, % of households …")
        self.decimals_check = QCheckBox("Values may have &decimals", page)
        self.decimals_check.setChecked(data.allows_decimals)
        self.decimals_check.setToolTip(
            "Off: a value (or a percentage's numerator and denominator) must be a whole number,"
            " so 12.5 pupils is refused. Turn it on for hectares, litres, rates …"
        )
        self.direction_combo = QComboBox(page)
        for direction, label in DIRECTION_CHOICES:
            self.direction_combo.addItem(label, direction)
        self.direction_combo.setCurrentIndex(max(0, self.direction_combo.findData(Direction(data.direction))))

        cumulation_box = QWidget(page)
        grid = QGridLayout(cumulation_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        self.cumulation_group = QButtonGroup(self)
        self.cumulation_buttons: dict[Cumulation, QRadioButton] = {}
        for row, (cumulation, label, explanation) in enumerate(CUMULATION_CHOICES):
            button = QRadioButton(label, cumulation_box)
            button.setToolTip(explanation)
            self.cumulation_group.addButton(button, row)
            self.cumulation_buttons[cumulation] = button
            grid.addWidget(button, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(note_label(explanation, cumulation_box), row, 1)
        self.cumulation_buttons[Cumulation(data.cumulation)].setChecked(True)
        self.cumulation_group.idToggled.connect(lambda *_: self._on_measure_changed())
        self.percent_note = note_label(
            "Percent indicators always behave as running totals: the latest percentage is the figure to date.",
            cumulation_box,
        )
        grid.addWidget(self.percent_note, len(CUMULATION_CHOICES), 0, 1, 2)

        self.disaggregation_model = DisaggregationChoiceModel(self)
        self.disaggregation_model.set_rows(disaggregations, data.disaggregations)
        self.disaggregation_view = QListView(page)
        self.disaggregation_view.setModel(self.disaggregation_model)
        self.disaggregation_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.disaggregation_view.setToolTip(
            "Space ticks a disaggregation; the order sets how cells are listed"
        )
        self.disaggregation_view.setMinimumHeight(72)
        self.disaggregation_view.setMaximumHeight(120)
        if self.disaggregation_model.rowCount():
            self.disaggregation_view.setCurrentIndex(self.disaggregation_model.index(0))
        self.up_button = QPushButton("Move &up", page)
        self.down_button = QPushButton("Move do&wn", page)
        self.up_button.clicked.connect(lambda: self._on_move_clicked(-1))
        self.down_button.clicked.connect(lambda: self._on_move_clicked(1))
        moves = QVBoxLayout()
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        moves.addStretch(1)
        disagg_row = QHBoxLayout()
        disagg_row.addWidget(self.disaggregation_view, 1)
        disagg_row.addLayout(moves)
        self.disaggregation_note = note_label("", page)
        self._disaggregation_hint = ""
        if not disaggregations:
            self._disaggregation_hint = (
                "This programme has no disaggregations yet (Disaggregations… adds one)."
            )
        elif values:
            self._disaggregation_hint = (
                "Changing them never deletes values: existing values keep their cells and you are told how "
                "totals are affected."
            )

        form.addRow("&Measure:", self.measure_combo)
        form.addRow("", self.measure_note)
        form.addRow("U&nit:", self.unit_edit)
        form.addRow("", self.decimals_check)
        form.addRow("Direc&tion:", self.direction_combo)
        form.addRow("Cumulation:", cumulation_box)
        form.addRow("Disa&ggregations:", disagg_row)
        form.addRow("", self.disaggregation_note)
        disagg_label = form.labelForField(disagg_row)
        if isinstance(disagg_label, QLabel):
            disagg_label.setBuddy(self.disaggregation_view)
        return _scrolled(page, self)

    def _build_baseline(self, data: IndicatorData) -> QWidget:
        page, form = _form_page(self)
        self.baseline_value_edit = QLineEdit(number_text(data.baseline_value), page)
        self.baseline_value_edit.setToolTip("Leave blank when there is no baseline")
        self.baseline_date_check = QCheckBox("&Known", page)
        self.baseline_date_edit = QDateEdit(page)
        self.baseline_date_edit.setCalendarPopup(True)
        self.baseline_date_edit.setDisplayFormat("yyyy-MM-dd")
        self.baseline_date_edit.setDate(_qdate(data.baseline_date or date.today()))
        self.baseline_date_check.setChecked(data.baseline_date is not None)
        self.baseline_date_edit.setEnabled(data.baseline_date is not None)
        self.baseline_date_check.toggled.connect(self.baseline_date_edit.setEnabled)
        date_row = QHBoxLayout()
        date_row.addWidget(self.baseline_date_check)
        date_row.addWidget(self.baseline_date_edit)
        date_row.addStretch(1)
        self.baseline_note_edit = _text_edit(data.baseline_note, page, 3)
        self.lop_target_edit = QLineEdit(number_text(data.lop_target), page)
        self.lop_note = note_label("", page)
        baseline_hint = note_label(
            "Changing a baseline that is already set asks why; History keeps the old value and the reason.",
            page,
        )
        form.addRow("Baseline &value:", self.baseline_value_edit)
        form.addRow("Baseline da&te:", date_row)
        date_label = form.labelForField(date_row)
        if isinstance(date_label, QLabel):
            date_label.setBuddy(self.baseline_date_check)
        form.addRow("Baseline n&ote:", self.baseline_note_edit)
        form.addRow("", baseline_hint)
        form.addRow("&LoP target:", self.lop_target_edit)
        form.addRow("", self.lop_note)
        return _scrolled(page, self)

    def _build_collection(self, data: IndicatorData, people: Sequence[PersonInfo]) -> QWidget:
        page, form = _form_page(self)
        self.data_source_edit = QLineEdit(data.data_source, page)
        self.collection_method_edit = _text_edit(data.collection_method, page, 3)
        self.frequency_combo = QComboBox(page)
        self.frequency_combo.setEditable(True)
        self.frequency_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.frequency_combo.addItems(list(FREQUENCY_SUGGESTIONS))
        self.frequency_combo.setCurrentText(data.frequency)
        self.frequency_combo.setToolTip("How often the data are collected; pick one or type your own")
        self.responsible_combo = _wide_combo(page)
        self.responsible_combo.addItem(NOBODY, None)
        for person in people:
            role = f" — {person.role}" if person.role else ""
            self.responsible_combo.addItem(f"{person.name}{role}", person.code)
        if data.responsible_code:
            self.responsible_combo.setCurrentIndex(
                max(0, self.responsible_combo.findData(data.responsible_code))
            )
        self.verification_edit = _text_edit(data.means_of_verification, page, 3)
        form.addRow("Data &source:", self.data_source_edit)
        form.addRow("Collection &method:", self.collection_method_edit)
        form.addRow("&Frequency:", self.frequency_combo)
        form.addRow("Res&ponsible:", self.responsible_combo)
        form.addRow("Means of &verification:", self.verification_edit)
        return _scrolled(page, self)

    # -- behaviour --------------------------------------------------------------------------

    def _on_measure_changed(self) -> None:
        measure = self.measure_combo.currentData()
        cumulation = self.cumulation()
        self.percent_note.setVisible(measure == Measure.PERCENT)
        is_qualitative = measure == Measure.QUALITATIVE
        self.disaggregation_view.setEnabled(not is_qualitative)
        self.decimals_check.setEnabled(not is_qualitative)
        can_order = not is_qualitative and self.disaggregation_model.rowCount() > 1
        self.up_button.setEnabled(can_order)
        self.down_button.setEnabled(can_order)
        self.disaggregation_note.setText(
            "Qualitative indicators are not disaggregated." if is_qualitative else self._disaggregation_hint
        )
        self.disaggregation_note.setVisible(bool(self.disaggregation_note.text()))
        if is_qualitative:
            self.lop_note.setText("Qualitative indicators have no numeric target; leave blank.")
        elif measure == Measure.PERCENT or cumulation != Cumulation.PERIODIC:
            self.lop_note.setText("Optional. Blank: the last period's target is the LoP target.")
        else:
            self.lop_note.setText("Optional. Blank: the sum of the period targets is the LoP target.")

    def _on_move_clicked(self, delta: int) -> None:
        current = self.disaggregation_view.currentIndex()
        if current.isValid():
            row = self.disaggregation_model.move(current.row(), delta)
            self.disaggregation_view.setCurrentIndex(self.disaggregation_model.index(row))

    def cumulation(self) -> Cumulation:
        for cumulation, button in self.cumulation_buttons.items():
            if button.isChecked():
                return cumulation
        return Cumulation.PERIODIC

    def data(self) -> IndicatorData:
        """What the fields say; raises ValueError naming a number that is not one."""
        measure = Measure(self.measure_combo.currentData())
        problems = []
        numbers: dict[str, float | None] = {}
        for key, edit, what in (
            ("baseline", self.baseline_value_edit, "Baseline value"),
            ("lop", self.lop_target_edit, "LoP target"),
        ):
            try:
                numbers[key] = parse_number(edit.text(), what)
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            raise ValueError("\n".join(problems))
        responsible = self.responsible_combo.currentData()
        return IndicatorData(
            code=self.code_edit.text().strip(),
            name=self.name_edit.text().strip(),
            result_code=str(self.result_combo.currentData() or ""),
            measure=measure,
            direction=Direction(self.direction_combo.currentData()),
            cumulation=self.cumulation(),
            unit=self.unit_edit.text().strip(),
            definition=self.definition_edit.toPlainText().strip(),
            disaggregations=() if measure == Measure.QUALITATIVE else self.disaggregation_model.chosen(),
            baseline_value=numbers["baseline"],
            baseline_date=self._baseline_date(),
            baseline_note=self.baseline_note_edit.toPlainText().strip(),
            lop_target=numbers["lop"],
            data_source=self.data_source_edit.text().strip(),
            collection_method=self.collection_method_edit.toPlainText().strip(),
            frequency=self.frequency_combo.currentText().strip(),
            responsible_code=responsible if isinstance(responsible, str) else None,
            means_of_verification=self.verification_edit.toPlainText().strip(),
            rationale=self.rationale_edit.toPlainText().strip(),
            allows_decimals=measure != Measure.QUALITATIVE and self.decimals_check.isChecked(),
        )

    def _baseline_date(self) -> date | None:
        if not self.baseline_date_check.isChecked():
            return None
        picked = self.baseline_date_edit.date()
        return date(picked.year(), picked.month(), picked.day())

    def accept(self) -> None:
        self.error_banner.clear_message()
        try:
            data = self.data()
        except ValueError as exc:
            self._show_error(str(exc), ["baseline" if "Baseline" in str(exc) else "lop_target"])
            return
        before = self._original.data if self._original else None
        reason = None
        change: object = None
        if before is not None and before.baseline_value is not None and _baseline(before) != _baseline(data):
            change = (_baseline(before), _baseline(data))
            given = self._given_reason
            reason = given[1] if given is not None and given[0] == change else None
            if reason is None:
                reason = ask_reason(
                    self, f"Baseline of indicator {before.code}", _baseline_text(before), _baseline_text(data)
                )
            if reason is None:
                self._show_error(
                    "Not saved: changing a baseline that is already set needs a reason.", ["baseline"]
                )
                return
        try:
            self.saved = self._framework.save_indicator(
                self._programme_code, data, original_code=before.code if before else None, reason=reason
            )
        except StorageError as exc:
            if reason is not None:
                self._given_reason = (change, reason)
            self._show_error(storage_failure_text(exc), [])
            return
        except PmdeskError as exc:
            text, fields = error_lines(exc, FIELD_LABELS)
            self._show_error(text, fields or (["code"] if "already has" in text else []))
            return
        if self.saved.notice:
            QMessageBox.information(self, "Disaggregations changed", self.saved.notice)
        super().accept()

    def _show_error(self, text: str, fields: Sequence[str]) -> None:
        self.error_banner.show_message(text)
        widgets: dict[str, QWidget] = {
            "code": self.code_edit,
            "name": self.name_edit,
            "result": self.result_combo,
            "measure": self.measure_combo,
            "direction": self.direction_combo,
            "cumulation": self.cumulation_buttons[self.cumulation()],
            "disaggregations": self.disaggregation_view,
            "baseline": self.baseline_value_edit,
            "baseline_value": self.baseline_value_edit,
            "lop_target": self.lop_target_edit,
            "allows_decimals": self.decimals_check,
            "responsible": self.responsible_combo,
        }
        widget = next((widgets[f] for f in fields if f in widgets), None)
        if widget is None:
            return
        for tab in range(self.tabs.count()):
            page = self.tabs.widget(tab)
            if page is not None and page.isAncestorOf(widget):
                self.tabs.setCurrentIndex(tab)
        widget.setFocus()


def _baseline(data: IndicatorData) -> tuple[float | None, date | None]:
    return data.baseline_value, data.baseline_date


def _baseline_text(data: IndicatorData) -> str:
    if data.baseline_value is None:
        return "no baseline"
    when = f" ({data.baseline_date.isoformat()})" if data.baseline_date else ""
    return f"{number_text(data.baseline_value)}{when}"


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _form_page(parent: QWidget) -> tuple[QWidget, QFormLayout]:
    page = QWidget(parent)
    outer = QVBoxLayout(page)
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    outer.addLayout(form)
    outer.addStretch(1)  # spare height goes below the fields, not between them
    return page, form


def _scrolled(page: QWidget, parent: QWidget) -> QScrollArea:
    # A tab scrolls rather than clips when a large font meets a 600-pixel-high screen.
    area = QScrollArea(parent)
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def _text_edit(text: str, parent: QWidget, lines: int) -> QPlainTextEdit:
    edit = QPlainTextEdit(text, parent)
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    margins = edit.contentsMargins()
    frame = (
        2 * edit.frameWidth() + margins.top() + margins.bottom() + 2 * int(edit.document().documentMargin())
    )
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + frame)
    return edit


def _wide_combo(parent: QWidget) -> QComboBox:
    # Long result titles and names must not make the dialog wider than a small screen.
    combo = QComboBox(parent)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(24)
    return combo

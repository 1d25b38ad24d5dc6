# SPDX-License-Identifier: GPL-3.0-or-later
"""Add or edit a trigger: what it watches, the condition, for how many periods, where, and the
response agreed in advance. The service checks every field; a refusal keeps the dialog open with
what was typed, names the field and puts the cursor there."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError
from pmdesk.domain.triggers import (
    COMPARISON_LABELS,
    COMPARISONS,
    MAX_CONSECUTIVE,
    STATUS_COMPARISONS,
    STATUS_THRESHOLDS,
    Metric,
    Scope,
    normal_comparison,
)
from pmdesk.services.alert_records import TriggerData
from pmdesk.ui.form_errors import failure_html
from pmdesk.ui.widgets.form_dialog import FormDialog

COMPARISON_WORDS = {
    "<": "< below",
    "<=": "≤ at most",
    ">": "> above",
    ">=": "≥ at least",
    "==": "= equal to",
    "!=": "≠ not equal to",
}
FIELD_NAMES = {
    "code": "Code",
    "indicator": "Watches",
    "result": "Watches",
    "metric": "Metric",
    "comparison": "Comparison",
    "threshold": "Threshold",
    "consecutive_periods": "Consecutive periods",
    "scope": "Scope",
    "response": "Response",
}
WHOLE_PROGRAMME = "Every indicator of the programme"


@dataclass(frozen=True)
class Subject:
    """Something a trigger can watch, as the dialog offers it."""

    kind: str  # "indicator" or "result"
    code: str
    name: str
    depth: int = 0

    @property
    def key(self) -> str:
        """How the dialog's list knows it: 'indicator:2.3', 'result:O1'."""
        return f"{self.kind}:{self.code}"


# Called with what was typed; raises PmdeskError to keep the dialog open.
TriggerSubmit = Callable[[TriggerData], object]


class TriggerDialog(FormDialog):
    def __init__(
        self,
        title: str,
        subjects: Sequence[Subject],
        submit: TriggerSubmit,
        *,
        trigger: TriggerData | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent, minimum_width=520)
        self._submit = submit

        self.code_edit = QLineEdit(self)
        self.code_edit.setMaxLength(40)
        self.code_edit.setToolTip("1–40 letters, digits, '.', '_' or '-'; unique in the programme")
        self.subject_combo = QComboBox(self)
        self.subject_combo.addItem(WHOLE_PROGRAMME, None)
        for subject in subjects:
            word = "Result" if subject.kind == "result" else "Indicator"
            indent = "    " * subject.depth if subject.kind == "result" else ""
            self.subject_combo.addItem(f"{indent}{word} {subject.code} — {subject.name}", subject.key)
        self.subject_combo.setToolTip(
            "One indicator; every indicator of a result and of the results below it; or every "
            "indicator of the programme (qualitative indicators have no figure and are left out)"
        )
        self.metric_combo = QComboBox(self)
        for metric in Metric:
            self.metric_combo.addItem(metric.label, metric.value)
        self.metric_combo.setToolTip(
            "Actual: the period's actual. % met: the period's actual against its target. Status: "
            "the period's status band (on track, at risk, off track …) with the programme's thresholds."
        )
        self.comparison_combo = QComboBox(self)
        self.threshold_edit = QLineEdit(self)
        self.threshold_edit.setToolTip("A number, e.g. 70 (for % met, 70 means 70 %)")
        self.status_combo = QComboBox(self)
        for status in STATUS_THRESHOLDS:
            self.status_combo.addItem(status.value.replace("_", " ").capitalize(), status.value)
        self.threshold_stack = QStackedWidget(self)
        self.threshold_stack.addWidget(self.threshold_edit)
        self.threshold_stack.addWidget(self.status_combo)
        self.threshold_stack.setSizePolicy(self.threshold_edit.sizePolicy())
        self.periods_spin = QSpinBox(self)
        self.periods_spin.setRange(1, MAX_CONSECUTIVE)
        self.periods_spin.setSuffix(" consecutive periods")
        self.periods_spin.setToolTip(
            "In how many consecutive reporting periods with data the condition must hold. A period "
            "nobody reported, or only some sites, is skipped until every site has reported."
        )
        self.scope_combo = QComboBox(self)
        for scope in Scope:
            self.scope_combo.addItem(scope.label, scope.value)
        self.response_edit = QPlainTextEdit(self)
        self.response_edit.setTabChangesFocus(True)
        self.response_edit.setPlaceholderText(
            "What was agreed to do when it holds, e.g. conduct a rapid review"
        )
        self.response_edit.setFixedHeight(self.response_edit.fontMetrics().lineSpacing() * 4 + 12)

        self.threshold_label = QLabel("&Threshold:", self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_label("&Code:", self.code_edit, self), self.code_edit)
        form.addRow(_label("&Watches:", self.subject_combo, self), self.subject_combo)
        form.addRow(_label("&Metric:", self.metric_combo, self), self.metric_combo)
        form.addRow(_label("C&omparison:", self.comparison_combo, self), self.comparison_combo)
        form.addRow(self.threshold_label, self.threshold_stack)
        form.addRow(_label("&For:", self.periods_spin, self), self.periods_spin)
        form.addRow(_label("&Scope:", self.scope_combo, self), self.scope_combo)
        form.addRow(_label("&Response:", self.response_edit, self), self.response_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.metric_combo.currentIndexChanged.connect(self._on_metric_changed)
        self._fill(trigger)
        self.code_edit.setFocus()

    # -- what was typed ---------------------------------------------------------------------

    def data(self) -> TriggerData:
        kind, _, code = str(self.subject_combo.currentData() or "").partition(":")
        metric = str(self.metric_combo.currentData())
        if metric == Metric.STATUS:
            threshold = str(self.status_combo.currentData())
        else:
            threshold = self.threshold_edit.text()
        return TriggerData(
            code=self.code_edit.text().strip(),
            metric=metric,
            comparison=str(self.comparison_combo.currentData()),
            threshold=threshold,
            consecutive_periods=self.periods_spin.value(),
            scope=str(self.scope_combo.currentData()),
            indicator_code=code if kind == "indicator" else None,
            result_code=code if kind == "result" else None,
            response=self.response_edit.toPlainText(),
        )

    def _fill(self, trigger: TriggerData | None) -> None:
        if trigger is None:
            self.metric_combo.setCurrentIndex(0)
            self._on_metric_changed()
            self.comparison_combo.setCurrentIndex(max(self.comparison_combo.findData("<"), 0))
            self.periods_spin.setValue(2)
            return
        self.code_edit.setText(trigger.code)
        if trigger.indicator_code:
            wanted: str | None = Subject("indicator", trigger.indicator_code, "").key
        elif trigger.result_code:
            wanted = Subject("result", trigger.result_code, "").key
        else:
            wanted = None
        self.subject_combo.setCurrentIndex(max(self.subject_combo.findData(wanted), 0))
        self.metric_combo.setCurrentIndex(max(self.metric_combo.findData(trigger.metric), 0))
        self._on_metric_changed()
        comparison = normal_comparison(trigger.comparison)
        self.comparison_combo.setCurrentIndex(max(self.comparison_combo.findData(comparison), 0))
        if trigger.metric == Metric.STATUS:
            self.status_combo.setCurrentIndex(max(self.status_combo.findData(str(trigger.threshold)), 0))
        else:
            self.threshold_edit.setText(str(trigger.threshold))
        self.periods_spin.setValue(max(1, min(trigger.consecutive_periods, MAX_CONSECUTIVE)))
        self.scope_combo.setCurrentIndex(max(self.scope_combo.findData(trigger.scope), 0))
        self.response_edit.setPlainText(trigger.response)

    def _on_metric_changed(self) -> None:
        """A status is equal to a band or not, and is picked from the bands; a number is typed."""
        is_status = self.metric_combo.currentData() == Metric.STATUS
        kept = self.comparison_combo.currentData()
        self.comparison_combo.clear()
        for comparison in STATUS_COMPARISONS if is_status else COMPARISONS:
            self.comparison_combo.addItem(COMPARISON_WORDS[comparison], comparison)
        self.comparison_combo.setCurrentIndex(max(self.comparison_combo.findData(kept), 0))
        self.comparison_combo.setAccessibleName(
            "Comparison: "
            + ", ".join(COMPARISON_LABELS[c] for c in (STATUS_COMPARISONS if is_status else COMPARISONS))
        )
        current = self.status_combo if is_status else self.threshold_edit
        self.threshold_stack.setCurrentWidget(current)
        self.threshold_label.setBuddy(current)

    # -- saving -----------------------------------------------------------------------------

    def _save(self) -> object:
        return self._submit(self.data())

    def failure_text(self, exc: PmdeskError) -> str:
        return failure_html(exc, FIELD_NAMES)

    def field_widgets(self) -> dict[str, QWidget]:
        threshold: QWidget = self.status_combo if self.threshold_stack.currentIndex() else self.threshold_edit
        return {
            "code": self.code_edit,
            "indicator": self.subject_combo,
            "result": self.subject_combo,
            "metric": self.metric_combo,
            "comparison": self.comparison_combo,
            "threshold": threshold,
            "consecutive_periods": self.periods_spin,
            "scope": self.scope_combo,
            "response": self.response_edit,
        }


def _label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label

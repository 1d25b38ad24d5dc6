# SPDX-License-Identifier: GPL-3.0-or-later
"""Add or edit one result of the framework: code, title, tier, the result above it, description."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.services.framework_records import ResultData
from pmdesk.ui.framework.framework_form import ErrorBanner, error_lines
from pmdesk.ui.framework.framework_tree_model import result_label
from pmdesk.ui.unsaved import storage_failure_text

if TYPE_CHECKING:
    from pmdesk.services.framework import FrameworkService
    from pmdesk.services.framework_records import ResultInfo

TOP_LEVEL = "(top level: no result above)"
FIELD_LABELS = {
    "code": "Code",
    "title": "Title",
    "tier": "Tier",
    "parent": "Above it",
    "description": "Description",
}


class ResultDialog(QDialog):
    """Saves through FrameworkService.save_result on OK; on an error the dialog stays open, says
    what is wrong and nothing is saved."""

    def __init__(
        self,
        framework: FrameworkService,
        programme_code: str,
        tiers: Sequence[str],
        results: Sequence[ResultInfo],
        *,
        result: ResultInfo | None = None,
        parent_code: str | None = None,
        tier: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._framework = framework
        self._programme_code = programme_code
        self._original = result
        self.saved: ResultInfo | None = None
        self.setWindowTitle(f"Edit result {result.code}" if result else "Add result")
        self.setMinimumWidth(460)

        self.code_edit = QLineEdit(result.code if result else "", self)
        self.code_edit.setMaxLength(40)
        self.code_edit.setToolTip("A short code such as O1 or 1.2: letters, digits, '.', '_' or '-'")
        self.title_edit = QLineEdit(result.title if result else "", self)
        self.tier_combo = QComboBox(self)
        self.tier_combo.addItems(list(tiers))
        chosen_tier = result.tier if result else tier
        if chosen_tier and chosen_tier in tiers:
            self.tier_combo.setCurrentText(chosen_tier)
        self.parent_combo = QComboBox(self)
        # Long titles must not make the dialog wider than a small screen.
        self.parent_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.parent_combo.setMinimumContentsLength(24)
        self.parent_combo.addItem(TOP_LEVEL, None)
        excluded = _self_and_below(result.code, results) if result else set()
        for item in results:
            if item.code not in excluded:
                self.parent_combo.addItem("   " * item.depth + result_label(item), item.code)
        above = result.parent_code if result else parent_code
        self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(above)) if above else 0)
        self.description_edit = QPlainTextEdit(result.description if result else "", self)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.description_edit.fontMetrics().lineSpacing() * 4 + 16)

        form = QFormLayout()
        form.addRow("&Code:", self.code_edit)
        form.addRow("&Title:", self.title_edit)
        form.addRow("T&ier:", self.tier_combo)
        form.addRow("&Above it:", self.parent_combo)
        form.addRow("&Description:", self.description_edit)
        self.error_banner = ErrorBanner(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.buttons)
        (self.title_edit if result else self.code_edit).setFocus()

    def data(self) -> ResultData:
        parent_code = self.parent_combo.currentData()
        return ResultData(
            self.code_edit.text().strip(),
            self.title_edit.text().strip(),
            self.tier_combo.currentText(),
            parent_code if isinstance(parent_code, str) else None,
            self.description_edit.toPlainText().strip(),
        )

    def accept(self) -> None:
        original = self._original.code if self._original else None
        try:
            self.saved = self._framework.save_result(
                self._programme_code, self.data(), original_code=original
            )
        except StorageError as exc:
            self.error_banner.show_message(storage_failure_text(exc))
            return
        except PmdeskError as exc:
            text, fields = error_lines(exc, FIELD_LABELS)
            self.error_banner.show_message(text)
            widget = {
                "code": self.code_edit,
                "title": self.title_edit,
                "tier": self.tier_combo,
                "parent": self.parent_combo,
            }.get(fields[0] if fields else "code" if "already has" in text else "")
            if widget is not None:
                widget.setFocus()
            return
        super().accept()


def _self_and_below(code: str, results: Sequence[ResultInfo]) -> set[str]:
    """A result cannot move under itself or anything below it."""
    found = {code}
    changed = True
    while changed:
        changed = False
        for item in results:
            if item.parent_code in found and item.code not in found:
                found.add(item.code)
                changed = True
    return found

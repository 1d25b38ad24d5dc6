# SPDX-License-Identifier: GPL-3.0-or-later
"""Rename a programme's tiers, add or remove one at the bottom, or apply a tier template by renaming."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import TIER_TEMPLATES
from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.ui.framework.framework_dialog_models import TIER_COL_NAME, TIER_COL_RESULTS, TierTableModel
from pmdesk.ui.framework.framework_form import ErrorBanner, error_lines, note_label
from pmdesk.ui.unsaved import storage_failure_text

if TYPE_CHECKING:
    from pmdesk.services.programmes import ProgrammeService, ProgrammeSummary

TEMPLATE_LABELS = {
    "logframe": "Logframe",
    "dfid": "DFID",
    "usaid": "USAID",
    "okr": "OKR",
    "balanced_scorecard": "Balanced scorecard",
}


class TiersDialog(QDialog):
    """Tiers are levels: results keep their level, so renaming the tiers (or applying a template)
    renames the tier of every result on that level. Saves through ProgrammeService.rename_tiers."""

    def __init__(
        self,
        programmes: ProgrammeService,
        programme_code: str,
        tiers: Sequence[str],
        results_per_tier: Sequence[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._programmes = programmes
        self._programme_code = programme_code
        self.saved: ProgrammeSummary | None = None
        self.setWindowTitle("Tiers")
        self.setMinimumWidth(480)

        self.template_combo = QComboBox(self)
        for key, names in TIER_TEMPLATES.items():
            self.template_combo.addItem(f"{TEMPLATE_LABELS.get(key, key)}: {' / '.join(names)}", key)
        self.apply_button = QPushButton("A&pply template", self)
        self.apply_button.setToolTip("Put the template's names in the list below; OK saves them")
        self.apply_button.clicked.connect(self._on_apply_clicked)
        template_label = QLabel("Te&mplate:", self)
        template_label.setBuddy(self.template_combo)
        template_row = QHBoxLayout()
        template_row.addWidget(template_label)
        template_row.addWidget(self.template_combo, 1)
        template_row.addWidget(self.apply_button)

        self.model = TierTableModel(self)
        self.model.set_rows(tiers, results_per_tier)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setTabKeyNavigation(False)
        self.view.horizontalHeader().setSectionResizeMode(TIER_COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setSectionResizeMode(
            TIER_COL_RESULTS, QHeaderView.ResizeMode.ResizeToContents
        )
        self.view.setMinimumHeight(140)
        names_label = QLabel(
            "&Tiers, from the top of the results chain down (F2 or typing renames one):", self
        )
        names_label.setWordWrap(True)
        names_label.setBuddy(self.view)

        self.add_button = QPushButton("&Add tier", self)
        self.remove_button = QPushButton("&Remove last tier", self)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        list_row = QHBoxLayout()
        list_row.addWidget(self.view, 1)
        list_row.addLayout(side)

        self.error_banner = ErrorBanner(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(template_row)
        layout.addWidget(names_label)
        layout.addLayout(list_row, 1)
        layout.addWidget(
            note_label(
                "Results keep their level: renaming a tier renames it for every result on it. "
                "A tier that still has results cannot be removed.",
                self,
            )
        )
        layout.addWidget(self.error_banner)
        layout.addWidget(self.buttons)
        self.model.rowsInserted.connect(self._update_buttons)
        self.model.rowsRemoved.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, TIER_COL_NAME))
        self.view.setFocus()

    def select_template(self, key: str) -> None:
        self.template_combo.setCurrentIndex(max(0, self.template_combo.findData(key)))

    def _update_buttons(self, *_: object) -> None:
        self.remove_button.setEnabled(self.model.rowCount() > 1)

    def _on_apply_clicked(self) -> None:
        self._commit_open_editor()
        self.error_banner.clear_message()
        self.model.set_names(TIER_TEMPLATES[str(self.template_combo.currentData())])

    def _on_add_clicked(self) -> None:
        self._commit_open_editor()
        row = self.model.add_row(f"Tier {self.model.rowCount() + 1}")
        index = self.model.index(row, TIER_COL_NAME)
        self.view.setCurrentIndex(index)
        self.view.setFocus()
        self.view.edit(index)

    def _on_remove_clicked(self) -> None:
        self._commit_open_editor()
        last = self.model.rowCount() - 1
        if self.model.results_on(last):
            self.error_banner.show_message(
                f"Tier {last + 1} has {self.model.results_on(last)} results; give them another tier first."
            )
            return
        self.model.remove_last()

    def _commit_open_editor(self) -> None:
        # A button pressed by its shortcut leaves the focus in a name being typed, so nothing
        # commits it by itself: keep what was typed before acting.
        index = self.view.currentIndex()
        editor = self.view.indexWidget(index) if index.isValid() else None
        if editor is not None:
            self.view.commitData(editor)
            self.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def accept(self) -> None:
        self._commit_open_editor()
        try:
            self.saved = self._programmes.rename_tiers(self._programme_code, self.model.names())
        except StorageError as exc:
            self.error_banner.show_message(storage_failure_text(exc))
            return
        except PmdeskError as exc:
            self.error_banner.show_message(error_lines(exc, {})[0])
            return
        super().accept()

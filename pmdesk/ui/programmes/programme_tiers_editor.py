# SPDX-License-Identifier: GPL-3.0-or-later
"""Picks a tier template for a new programme and lets the user rename, add, remove or reorder tiers."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import TIER_TEMPLATES

TEMPLATE_LABELS = {
    "logframe": "Logframe",
    "dfid": "DFID",
    "usaid": "USAID",
    "okr": "OKR",
    "balanced_scorecard": "Balanced scorecard",
}


class ProgrammeTiersEditor(QWidget):
    """A template combo over an editable list of tier names, top tier first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template_combo = QComboBox(self)
        for key in TIER_TEMPLATES:
            names = " / ".join(TIER_TEMPLATES[key])
            self.template_combo.addItem(TEMPLATE_LABELS.get(key, key), key)
            self.template_combo.setItemData(
                self.template_combo.count() - 1, names, Qt.ItemDataRole.ToolTipRole
            )
        self.template_combo.setToolTip("Fills in the tier names; you can then rename, add or remove tiers")
        self.model = QStringListModel(self)
        self.list_view = QListView(self)
        self.list_view.setModel(self.model)
        self.list_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.list_view.setToolTip("Tiers from the top of the results chain down; F2 or typing renames one")
        self.list_view.setMinimumHeight(96)

        self.add_button = QPushButton("&Add tier", self)
        self.remove_button = QPushButton("Remo&ve tier", self)
        self.up_button = QPushButton("Move u&p", self)
        self.down_button = QPushButton("Move do&wn", self)
        self.up_button.setToolTip("Move the selected tier up")
        self.down_button.setToolTip("Move the selected tier down")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))

        buttons = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list_view, 1)
        row.addLayout(buttons)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        template_label = QLabel("&Template:", self)
        template_label.setBuddy(self.template_combo)
        form.addRow(template_label, self.template_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(row, 1)

        self.template_combo.currentIndexChanged.connect(self._on_template_changed)
        self.list_view.selectionModel().currentChanged.connect(self._update_buttons)
        self.model.rowsInserted.connect(self._update_buttons)
        self.model.rowsRemoved.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._on_template_changed()

    def tiers(self) -> list[str]:
        return [name.strip() for name in self.model.stringList()]

    def select_template(self, key: str) -> None:
        index = self.template_combo.findData(key)
        if index >= 0:
            self.template_combo.setCurrentIndex(index)

    def _on_template_changed(self) -> None:
        key = self.template_combo.currentData()
        self.model.setStringList(list(TIER_TEMPLATES.get(key, ())))
        self.list_view.setCurrentIndex(self.model.index(0))

    def _on_add_clicked(self) -> None:
        row = self.model.rowCount()
        self.model.insertRows(row, 1)
        index = self.model.index(row)
        self.list_view.setCurrentIndex(index)
        self.list_view.setFocus()
        self.list_view.edit(index)

    def _on_remove_clicked(self) -> None:
        row = self.list_view.currentIndex().row()
        if row >= 0:
            self.model.removeRows(row, 1)

    def _move(self, step: int) -> None:
        row = self.list_view.currentIndex().row()
        target = row + step
        if row < 0 or not 0 <= target < self.model.rowCount():
            return
        names = self.model.stringList()
        names[row], names[target] = names[target], names[row]
        self.model.setStringList(names)
        self.list_view.setCurrentIndex(self.model.index(target))

    def _update_buttons(self) -> None:
        row = self.list_view.currentIndex().row()
        count = self.model.rowCount()
        self.remove_button.setEnabled(row >= 0 and count > 1)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The custom periods of a programme (BASELINE, MIDLINE …): a small editable table with Add and Remove."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.periods import CustomPeriod
from pmdesk.ui.programmes.custom_period_table_model import (
    COL_CODE,
    COL_END,
    COL_START,
    CustomPeriodTableModel,
)

DATE_FORMAT = "yyyy-MM-dd"


class IsoDateDelegate(QStyledItemDelegate):
    """Edits a date cell with a calendar popup in the same ISO form the table shows."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = QDateEdit(parent)
        editor.setDisplayFormat(DATE_FORMAT)
        editor.setCalendarPopup(True)
        return editor


class ProgrammePeriodsEditor(QWidget):
    """Custom periods, edited in place: arrow keys move between cells, F2 or typing edits one."""

    def __init__(self, default_start: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._default_start = default_start
        self.model = CustomPeriodTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(COL_START, IsoDateDelegate(self.table))
        self.table.setItemDelegateForColumn(COL_END, IsoDateDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as in the rest of the form
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(COL_CODE, QHeaderView.ResizeMode.Stretch)
        # Room for "2026-12-31" and the calendar button, even before the first row exists.
        date_width = self.fontMetrics().horizontalAdvance("0000-00-00") + 44
        for column in (COL_START, COL_END):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(column, date_width)
        self.table.setMinimumHeight(110)

        self.add_button = QPushButton("Add &period", self)
        self.add_button.setToolTip("Add a period after the last one and type its code")
        self.remove_button = QPushButton("Re&move period", self)
        self.remove_button.setToolTip("Remove the selected period")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.table.selectionModel().currentChanged.connect(self._update_buttons)
        self.model.rowsRemoved.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def set_periods(self, periods: Sequence[CustomPeriod]) -> None:
        self.model.set_rows(periods)

    def periods(self) -> list[CustomPeriod]:
        return self.model.periods()

    def _on_add_clicked(self) -> None:
        row = self.model.add_period(self._default_start())
        index = self.model.index(row, COL_CODE)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        self.table.edit(index)

    def _on_remove_clicked(self) -> None:
        self.model.remove_period(self.table.currentIndex().row())

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.table.currentIndex().isValid())

# SPDX-License-Identifier: GPL-3.0-or-later
"""The programme's disaggregations and their options: list them, add one, rename, add and reorder options."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.ui.framework.framework_dialog_models import (
    DISAGG_COL_OPTIONS,
    OPTION_COL_CODE,
    OPTION_COL_NAME,
    DisaggregationListModel,
    OptionTableModel,
)
from pmdesk.ui.framework.framework_form import ErrorBanner, error_lines, note_label
from pmdesk.ui.unsaved import storage_failure_text

if TYPE_CHECKING:
    from pmdesk.services.framework import FrameworkService
    from pmdesk.services.framework_records import DisaggregationInfo

FIELD_LABELS = {"code": "Code", "name": "Name", "options": "Options"}


class DisaggregationsDialog(QDialog):
    """Lists the disaggregations; Add… and Edit… open DisaggregationEditDialog, which saves."""

    def __init__(
        self,
        framework: FrameworkService,
        programme_code: str,
        disaggregations: Sequence[DisaggregationInfo],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._framework = framework
        self._programme_code = programme_code
        self.changed = False  # whether anything was saved, so the screen can tell the others
        self.setWindowTitle("Disaggregations")
        self.setMinimumWidth(520)
        self.model = DisaggregationListModel(self)
        self.model.set_rows(disaggregations)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(DISAGG_COL_OPTIONS, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(self._on_edit_clicked)
        heading = QLabel(
            "&Disaggregations of this programme (an indicator's cells are the cross product of "
            "the options of those it uses):",
            self,
        )
        heading.setWordWrap(True)
        heading.setBuddy(self.view)

        self.add_button = QPushButton("&Add…", self)
        self.edit_button = QPushButton("&Edit…", self)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.edit_button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.view, 1)
        row.addLayout(side)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(row, 1)
        layout.addWidget(self.buttons)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        if self.model.rowCount():
            self.view.selectRow(0)
        self._update_buttons()
        self.view.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter on the list edits the selected disaggregation instead of pressing a button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.view.hasFocus() and self.selected():
            self._on_edit_clicked()
            return
        super().keyPressEvent(event)

    def selected(self) -> DisaggregationInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.disaggregation_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected() is not None)

    def _on_add_clicked(self) -> None:
        self._open_editor(None)

    def _on_edit_clicked(self, *_: object) -> None:
        info = self.selected()
        if info is not None:
            self._open_editor(info)

    def _open_editor(self, info: DisaggregationInfo | None) -> None:
        dialog = DisaggregationEditDialog(self._framework, self._programme_code, info, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return
        self.changed = True
        try:
            self.model.set_rows(self._framework.list_disaggregations(self._programme_code))
        except PmdeskError:
            self.model.set_rows([dialog.saved])  # the save went through; show at least that one
        self.view.selectRow(max(0, self.model.row_of(dialog.saved.code)))
        self._update_buttons()


class DisaggregationEditDialog(QDialog):
    """One disaggregation: its name and options. Saves through FrameworkService.save_disaggregation;
    the service keeps any option that has data and says so, and the dialog stays open."""

    def __init__(
        self,
        framework: FrameworkService,
        programme_code: str,
        info: DisaggregationInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._framework = framework
        self._programme_code = programme_code
        self.saved: DisaggregationInfo | None = None
        self.setWindowTitle(f"Edit disaggregation {info.code}" if info else "Add disaggregation")
        self.setMinimumWidth(460)
        self.code_edit = QLineEdit(info.code if info else "", self)
        self.code_edit.setMaxLength(40)
        if info is not None:
            self.code_edit.setReadOnly(True)
            self.code_edit.setFrame(False)  # looks like the fixed text it is
            self.code_edit.setToolTip("Indicators and stored values refer to this code, so it cannot change")
        else:
            self.code_edit.setToolTip("A short code such as SEX or AGE")
        self.name_edit = QLineEdit(info.name if info else "", self)

        self.option_model = OptionTableModel(self)
        self.option_model.set_rows(info.options if info else ())
        self.options_view = QTableView(self)
        self.options_view.setModel(self.option_model)
        self.options_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.options_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.options_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.options_view.setTabKeyNavigation(False)  # Tab leaves the table, as in the rest of the form
        self.options_view.verticalHeader().hide()
        self.options_view.horizontalHeader().setSectionResizeMode(
            OPTION_COL_NAME, QHeaderView.ResizeMode.Stretch
        )
        self.options_view.setMinimumHeight(120)
        self.options_view.setToolTip("F2 or typing edits a cell; the order here is the order everywhere")

        self.add_option_button = QPushButton("Add &option", self)
        self.remove_option_button = QPushButton("&Remove option", self)
        self.up_button = QPushButton("Move &up", self)
        self.down_button = QPushButton("Move do&wn", self)
        self.add_option_button.clicked.connect(self._on_add_option_clicked)
        self.remove_option_button.clicked.connect(self._on_remove_option_clicked)
        self.up_button.clicked.connect(lambda: self._on_move_clicked(-1))
        self.down_button.clicked.connect(lambda: self._on_move_clicked(1))
        side = QVBoxLayout()
        for button in (self.add_option_button, self.remove_option_button, self.up_button, self.down_button):
            side.addWidget(button)
        side.addStretch(1)
        options_row = QHBoxLayout()
        options_row.addWidget(self.options_view, 1)
        options_row.addLayout(side)

        form = QFormLayout()
        form.addRow("&Code:", self.code_edit)
        form.addRow("&Name:", self.name_edit)
        options_label = QLabel("O&ptions:", self)
        options_label.setBuddy(self.options_view)
        form.addRow(options_label, options_row)
        form.addRow(
            "",
            note_label(
                "Codes of saved options are fixed because values refer to them; rename an option by "
                "its name. An option that has data values cannot be removed.",
                self,
            ),
        )
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
        self.options_view.selectionModel().currentChanged.connect(self._update_buttons)
        self.option_model.rowsInserted.connect(self._update_buttons)
        self.option_model.rowsRemoved.connect(self._update_buttons)
        if self.option_model.rowCount():
            self.options_view.setCurrentIndex(self.option_model.index(0, OPTION_COL_NAME))
        self._update_buttons()
        (self.name_edit if info else self.code_edit).setFocus()

    def _current_row(self) -> int:
        index = self.options_view.currentIndex()
        return index.row() if index.isValid() else -1

    def _update_buttons(self, *_: object) -> None:
        row = self._current_row()
        count = self.option_model.rowCount()
        self.remove_option_button.setEnabled(0 <= row < count)
        self.up_button.setEnabled(0 < row < count)
        self.down_button.setEnabled(0 <= row < count - 1)

    def _on_add_option_clicked(self) -> None:
        self._commit_open_editor()
        row = self.option_model.add_row()
        index = self.option_model.index(row, OPTION_COL_CODE)
        self.options_view.setCurrentIndex(index)
        self.options_view.setFocus()
        self.options_view.edit(index)

    def _on_remove_option_clicked(self) -> None:
        self._commit_open_editor()
        row = self._current_row()
        self.option_model.remove_row(row)
        if self.option_model.rowCount():
            self.options_view.setCurrentIndex(
                self.option_model.index(min(row, self.option_model.rowCount() - 1), OPTION_COL_NAME)
            )
        self._update_buttons()

    def _on_move_clicked(self, delta: int) -> None:
        self._commit_open_editor()
        index = self.options_view.currentIndex()
        if not index.isValid():
            return
        row = self.option_model.move(index.row(), delta)
        self.options_view.selectionModel().setCurrentIndex(
            self.option_model.index(row, index.column()), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self._update_buttons()

    def _commit_open_editor(self) -> None:
        # A button pressed by its shortcut while a cell is still being typed in leaves the focus in
        # the cell, so nothing commits it by itself: keep what was typed before acting.
        index = self.options_view.currentIndex()
        editor = self.options_view.indexWidget(index) if index.isValid() else None
        if editor is not None:
            self.options_view.commitData(editor)
            self.options_view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def accept(self) -> None:
        self._commit_open_editor()
        try:
            self.saved = self._framework.save_disaggregation(
                self._programme_code,
                self.code_edit.text().strip(),
                self.name_edit.text().strip(),
                self.option_model.options(),
            )
        except StorageError as exc:
            self.error_banner.show_message(storage_failure_text(exc))
            return
        except PmdeskError as exc:
            text, fields = error_lines(exc, FIELD_LABELS)
            self.error_banner.show_message(text)
            if fields and fields[0] == "code":
                self.code_edit.setFocus()
            elif fields and fields[0] == "name":
                self.name_edit.setFocus()
            elif fields:
                self.options_view.setFocus()
            return
        super().accept()

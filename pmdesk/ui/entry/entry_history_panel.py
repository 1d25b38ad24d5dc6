# SPDX-License-Identifier: GPL-3.0-or-later
"""Side panel of the data-entry screen: the selected cell in full, and the History of its value."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from pmdesk.domain.enums import Measure
from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.entry.entry_history_model import COL_CHANGE, COL_WHEN, COL_WHO, EntryHistoryModel
from pmdesk.ui.entry.entry_rows import RowKind
from pmdesk.ui.entry.entry_style import STATUS_TEXT
from pmdesk.ui.formatting import format_number, local_datetime

if TYPE_CHECKING:
    from pmdesk.services.entry_grid import EntryGrid
    from pmdesk.services.history import HistoryService
    from pmdesk.services.import_log import ImportLogEntry
    from pmdesk.services.value_info import ValueInfo
    from pmdesk.ui.entry.entry_cells import UnsavedInput
    from pmdesk.ui.entry.entry_rows import EntryRow

NOTHING_SELECTED = "Select a cell to see its details and the history of its value."


class EntryHistoryPanel(QWidget):
    def __init__(self, history: HistoryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history = history
        self.heading = QLabel(NOTHING_SELECTED, self)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel("", self)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        title = QLabel("<b>History of this value</b>", self)
        self.model = EntryHistoryModel(self, compact=True)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column in (COL_WHEN, COL_WHO):  # on the Change column's second line
            self.table.setColumnHidden(column, True)
        self.table.setAccessibleName("History of the selected value")
        title.setBuddy(self.table)
        self.empty_label = QLabel("", self)
        self.empty_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        layout.addSpacing(4)
        layout.addWidget(title)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)

    def show_cell(
        self, row: EntryRow | None, grid: EntryGrid | None, unsaved: UnsavedInput | None = None
    ) -> None:
        """Show `row` (None, or a result header: nothing selected), and any input typed in it
        that is not saved yet."""
        if row is None or row.kind is not RowKind.CELL or row.indicator is None or grid is None:
            self.heading.setText(NOTHING_SELECTED)
            self.details.setText("")
            self.model.set_rows([])
            self.empty_label.setText("")
            self.empty_label.hide()
            return
        indicator, value = row.indicator, row.value
        self.heading.setText(f"<b>{html.escape(indicator.code)} {html.escape(indicator.name)}</b>")
        lines = [
            html.escape(f"{row.combo.label if row.combo else ''} · {grid.site_name} · {grid.period_label}"),
            html.escape(_measure_words(row)),
        ]
        if unsaved is not None:
            typed = "emptying the cell" if unsaved.clears else f"“{unsaved.typed}”"
            lines.append(f"<b>Not saved yet:</b> {html.escape(typed)} (why: the bar above the grid)")
        imports = self._imports_of(value.uuid) if value is not None else []
        if value is not None:
            status = STATUS_TEXT[value.status]
            if value.status_reason:
                status += f" — {value.status_reason}"
            lines.append(f"Status: {html.escape(status)}")
            lines.append(_written_line(value, imports))
            if value.text:
                lines.append(f"Text: {_paragraphs(value.text)}")
            if value.comment:
                lines.append(f"Comment: {_paragraphs(value.comment)}")
        self.details.setText("<br>".join(lines))
        if value is None:
            self.model.set_rows([])
            self.empty_label.setText("No value in this cell yet.")
            self.empty_label.show()
            return
        try:
            entries = self._history.for_entity(value.uuid)
        except PmdeskError as exc:
            self.model.set_rows([])
            self.empty_label.setText(f"The history could not be read: {exc}")
            self.empty_label.show()
            return
        self.model.set_rows(entries, {i.at: i.file_name for i in imports})
        self.empty_label.setVisible(not entries)
        self.empty_label.setText("Entered once; no change since." if not entries else "")
        self.table.resizeColumnToContents(COL_CHANGE)

    def _imports_of(self, value_uuid: str) -> list[ImportLogEntry]:
        try:
            return self._history.imports.for_value(value_uuid)
        except PmdeskError:  # the details and History still show; the import is a courtesy
            return []


def _written_line(value: ValueInfo, imports: Sequence[ImportLogEntry]) -> str:
    """Who wrote the value as it is now; and from which file, when an import did."""
    when, who = local_datetime(value.entered_at), value.entered_by or "unknown"
    source = next((i for i in imports if i.at == value.entered_at), None)
    if source is None:
        return html.escape(f"Entered by {who}, {when}")
    return (
        f"{html.escape(f'Imported by {who}, {when}')}<br>from <b>{html.escape(source.file_name)}</b>, "
        f"SHA-256 {source.short_sha} (File ▸ Import log)"
    )


def _paragraphs(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _measure_words(row: EntryRow) -> str:
    indicator = row.indicator
    assert indicator is not None
    unit = f" ({indicator.unit})" if indicator.unit else ""
    words = {
        Measure.NUMBER: f"Number{unit}",
        Measure.PERCENT: "Percent: numerator ÷ denominator",
        Measure.QUALITATIVE: "Qualitative: a text",
    }[indicator.measure]
    if indicator.target is not None and indicator.measure is not Measure.QUALITATIVE:
        target = format_number(indicator.target, percent=indicator.measure is Measure.PERCENT)
        words += f" · target {target}"
    return words

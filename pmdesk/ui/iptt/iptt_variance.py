# SPDX-License-Identifier: GPL-3.0-or-later
"""Variance explanations on the IPTT screen: the "Explain variance…" button and context-menu entry
for the selected indicator as of the period shown, the count of explanations missing, and the marks
the table's status column shows (domain/variance.py says which statuses need one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QLabel, QMenu, QPushButton, QWidget

from pmdesk.domain.errors import PmdeskError
from pmdesk.domain.iptt_table import IpttRow, IpttTable
from pmdesk.ui.iptt.status_style import MUTED_TEXT, TEXT_ON_COLOUR
from pmdesk.ui.iptt.variance_dialog import VarianceDialog
from pmdesk.ui.signals import ChangeKind

if TYPE_CHECKING:
    from pmdesk.services.variance import ExplanationInfo, VarianceService
    from pmdesk.ui.context import UiContext

EXPLAIN_TEXT = "Expla&in variance…"  # Alt+V is the View menu
WHOLE_PROGRAMME_ONLY = (
    "Variance explanations are written for the whole programme's figures: choose the whole "
    "programme in Site to write one."
)


class VarianceMarks:
    """What the status column shows of explanations, as of the table's period: `missing`, the
    indicator codes whose status needs an explanation and has none; `texts`, the explanations
    written (needed or not), by indicator code."""

    def __init__(
        self,
        period: str | None = None,
        missing: frozenset[str] = frozenset(),
        texts: dict[str, ExplanationInfo] | None = None,
    ) -> None:
        self.period = period
        self.missing = missing
        self.texts = texts or {}

    def tooltip(self, code: str) -> str | None:
        """The lines the status cell's tooltip gains, or None."""
        if code in self.missing:
            return (
                f"No variance explanation for {self.period}: the donor report lists it as missing. "
                "Right-click ▸ Explain variance… to write one."
            )
        info = self.texts.get(code)
        if info is None:
            return None
        text = info.text if len(info.text) <= 400 else info.text[:400].rstrip() + " …"
        who = f" ({info.written_by})" if info.written_by else ""
        return f"Variance explanation for {self.period}{who}:\n{text}"


@dataclass(frozen=True)
class MarksRead:
    """The marks of a table, or what stopped them being read (then no marks)."""

    marks: VarianceMarks = field(default_factory=VarianceMarks)
    error: str = ""


def read_marks(variance: VarianceService, table: IpttTable | None) -> MarksRead:
    """The explanation marks of `table` (none for a site's table or one with no period): on a
    worker by the screen's load job, or on the UI thread after an explanation was written."""
    if table is None or table.site_code is not None or table.as_of is None:
        return MarksRead()
    try:
        required = variance.required(table.programme_code, table=table)
        texts = {e.indicator_code: e for e in variance.of_period(table.programme_code, table.as_of)}
    except PmdeskError as error:
        return MarksRead(error=str(error))
    missing = frozenset(r.indicator_code for r in required if r.is_missing)
    return MarksRead(VarianceMarks(table.as_of, missing, texts))


class IpttVariance(QObject):
    """The screen's explanation controls. `current_row` gives the indicator row selected (None on a
    result row or with nothing selected); `told` carries an outcome for the status line; `marks_changed`
    hands the model new marks."""

    told = Signal(str)
    marks_changed = Signal(object)  # VarianceMarks

    def __init__(
        self, context: UiContext, screen: QWidget, current_row: Callable[[], IpttRow | None]
    ) -> None:
        super().__init__(screen)
        self._context = context
        self._screen = screen
        self._current_row = current_row
        self._table: IpttTable | None = None
        self.marks = VarianceMarks()
        self.dialog: VarianceDialog | None = None
        self.button = QPushButton(EXPLAIN_TEXT, screen)
        self.button.setToolTip(
            "Write why the selected indicator is off track or exceeding its target as of the period "
            "shown; the donor report prints it beside the figures"
        )
        self.button.clicked.connect(self.explain_selected)
        self.action = QAction(EXPLAIN_TEXT.replace("&", ""), screen)
        self.action.triggered.connect(self.explain_selected)
        self.count_label = QLabel("", screen)
        self.count_label.setToolTip(
            "Indicators off track or exceeding their target (partial or not) need a variance "
            "explanation for the period shown; the donor report lists those without one as missing"
        )
        self.count_label.hide()
        self.update_enabled()

    # -- state ------------------------------------------------------------------------------

    def set_table(self, table: IpttTable | None, marks: MarksRead | None = None) -> None:
        """A new table is on screen: find its marks (one query for the period's explanations; the
        statuses are the table's own), or take those the screen's load job read (`marks`), so that
        the UI thread does not wait on the database (issue #11 §2)."""
        self._table = table
        if marks is None:
            self.refresh()
        else:
            self._show(table, marks)

    def refresh(self) -> None:
        self._show(self._table, read_marks(self._context.services.variance, self._table))

    def _show(self, table: IpttTable | None, read: MarksRead) -> None:
        if read.error:
            self.told.emit(f"Variance explanations could not be read: {read.error}")
        self.marks = read.marks
        self._show_count(table)
        self.marks_changed.emit(read.marks)
        self.update_enabled()

    def _show_count(self, table: IpttTable | None) -> None:
        if table is None or table.site_code is not None or table.as_of is None:
            self.count_label.hide()
            return
        count = len(self.marks.missing)
        if count:
            self.count_label.setText(f"{count} explanation{'' if count == 1 else 's'} missing")
            # Outlined, not filled: beside the legend's status chips it must not read as a status.
            sheet = (
                f"QLabel {{ color: {TEXT_ON_COLOUR}; border: 1px solid {MUTED_TEXT};"
                " padding: 1px 8px; border-radius: 3px; font-weight: bold; }"
            )
        else:
            self.count_label.setText("Every variance explained")
            sheet = f"QLabel {{ color: {MUTED_TEXT}; }}"
        if self.count_label.styleSheet() != sheet:  # a new style sheet polishes the label again
            self.count_label.setStyleSheet(sheet)
        self.count_label.show()

    def update_enabled(self) -> None:
        """The button and action act on an indicator row of a whole-programme table."""
        table = self._table
        whole = table is not None and table.site_code is None and table.as_of is not None
        enabled = whole and self._current_row() is not None
        self.button.setEnabled(enabled)
        self.action.setEnabled(enabled)
        if table is not None and table.site_code is not None:
            self.button.setToolTip(WHOLE_PROGRAMME_ONLY)

    # -- acting -----------------------------------------------------------------------------

    def context_menu(self, view: QAbstractItemView, position: QPoint) -> QMenu | None:
        """The table's context menu at `position` (in `view`'s viewport), on an indicator row."""
        index = view.indexAt(position)
        if not index.isValid():
            return None
        view.setCurrentIndex(index)
        if self._current_row() is None:
            return None
        self.update_enabled()
        menu = QMenu(view)
        menu.addAction(self.action)
        menu.popup(view.viewport().mapToGlobal(position))
        return menu

    def explain_selected(self) -> VarianceDialog | None:
        """Open Explain variance for the selected indicator, as of the table's period."""
        table, row = self._table, self._current_row()
        if table is None or row is None or table.as_of is None:
            return None
        if table.site_code is not None:
            self.told.emit(WHOLE_PROGRAMME_ONLY)
            return None
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        dialog = VarianceDialog(
            self._context.services.variance,
            table.programme_code,
            row,
            table.as_of,
            table.thresholds,
            self._screen,
        )
        dialog.accepted.connect(lambda: self._on_saved(dialog, row, table))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_saved(self, dialog: VarianceDialog, row: IpttRow, table: IpttTable) -> None:
        what = f"variance explanation of {row.code} for {table.as_of}"
        if dialog.saved is not None:
            self.told.emit(f"Saved the {what}")
        elif dialog.previous is not None:
            self.told.emit(f"Removed the {what} (History keeps what it said)")
        self.refresh()
        self._context.signals.announce(ChangeKind.EXPLANATIONS, table.programme_code, origin=self._screen)

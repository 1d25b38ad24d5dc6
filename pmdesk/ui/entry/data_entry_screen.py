# SPDX-License-Identifier: GPL-3.0-or-later
"""Data entry: the values of one site and period, typed into a long grid, saved as you go."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from pmdesk.domain.enums import ValueStatus
from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.ui.entry import entry_dialogs
from pmdesk.ui.entry.entry_cells import COL_COMMENT, COL_VALUE
from pmdesk.ui.entry.entry_editing import EntryEditing
from pmdesk.ui.entry.entry_grid_reads import EntryGridReads, GridRequest
from pmdesk.ui.entry.entry_history_panel import EntryHistoryPanel
from pmdesk.ui.entry.entry_paste import EntryPaster
from pmdesk.ui.entry.entry_place_bar import EntryPlaceBar
from pmdesk.ui.entry.entry_rows import RowKind
from pmdesk.ui.entry.entry_screen_layout import START_HINT, apply_fonts, build_layout
from pmdesk.ui.entry.entry_style import warning_text
from pmdesk.ui.entry.entry_table_model import EntryTableModel
from pmdesk.ui.entry.entry_table_view import EntryTableView
from pmdesk.ui.entry.entry_workflow import EntryWorkflowBar
from pmdesk.ui.entry.entry_writes import GridPlace, PasteResult
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import DataChange, Navigation
from pmdesk.ui.widgets.elided_label import ElidedLabel
from pmdesk.ui.widgets.notes_fold import NotesFold
from pmdesk.ui.widgets.unsaved_banner import UnsavedBanner

if TYPE_CHECKING:
    from pmdesk.services.entry_grid import EntryGrid
    from pmdesk.ui.context import UiContext
    from pmdesk.ui.entry.entry_commands import CellRef


class DataEntryScreen(Screen):
    title = "Data entry"
    name = "entry"
    loaded = Signal()  # the grid asked for last is read (and shown, or its failure said)
    # Made by entry_screen_layout.build_layout:
    heading: QLabel
    summary_label: ElidedLabel
    place_bar: EntryPlaceBar
    workflow: EntryWorkflowBar
    comment_button: QPushButton
    history_button: QToolButton
    message_label: QLabel
    unsaved_banner: UnsavedBanner
    view: EntryTableView
    history_panel: EntryHistoryPanel
    splitter: QSplitter
    empty_label: QLabel
    empty_button: QPushButton
    empty_page: QWidget
    stack: QStackedWidget
    status_label: QLabel
    controls: QWidget
    heading_fold: NotesFold

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        # The grid is read off the UI thread (issue #11 §2); only the latest answer is shown.
        self.reads = EntryGridReads(context.workers, self)
        self.reads.answered.connect(self._on_grid_read)
        self.reads.failed.connect(self._on_grid_failed)
        self.model = EntryTableModel(self)
        self.editing = EntryEditing(self.services.entry, self.model, self)
        self.paster = EntryPaster(self.editing, context.workers, self)
        self._remembered: dict[str, tuple[str | None, str | None]] = {}  # programme → (site, period)
        self._changed_while_pasting = False  # read the grid again once the paste is done
        self._panel_placed = False
        self._announce_timer = QTimer(self, singleShot=True, interval=0)
        self._announce_timer.timeout.connect(self._announce)
        self._empty_target = ""  # the screen the button under the empty message opens
        self._build()
        self._connect()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        build_layout(self)
        self.previous_action = self._action("Previous period", ("Alt+Left", "Ctrl+PgUp"), self._on_previous)
        self.next_action = self._action("Next period", ("Alt+Right", "Ctrl+PgDown"), self._on_next)
        self.comment_action = self._action("Comment…", ("Ctrl+M",), self._on_comment)

    def _action(self, text: str, keys: tuple[str, ...], slot: object) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        # Only while this screen (or a widget in it) has the focus: other screens keep their keys.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _connect(self) -> None:
        self.place_bar.place_changed.connect(self._on_place_changed)
        self.place_bar.previous_button.clicked.connect(self.view.setFocus)
        self.place_bar.next_button.clicked.connect(self.view.setFocus)
        self.view.paste_requested.connect(self._on_paste)
        self.paster.finished.connect(self._on_pasted)
        self.view.clear_requested.connect(self._on_clear)
        self.view.read_only_typed.connect(self._on_read_only_typed)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.model.dataChanged.connect(self._on_model_changed)
        self.editing.saved.connect(self._on_saved)
        self.editing.refused.connect(self._on_refused)
        self.editing.changed.connect(self._on_written)
        self.editing.cell_elsewhere.connect(self._on_cell_elsewhere)
        self.editing.cell_touched.connect(self._on_cell_touched)
        self.workflow.moved.connect(self._on_workflow_moved)
        self.workflow.refused.connect(self._show_message)
        self.comment_button.clicked.connect(self._on_comment)
        self.history_button.toggled.connect(self._on_history_toggled)
        self.workflow.before_action = self.view.commit_open_editor
        self.empty_button.clicked.connect(self._on_empty_button)

    # -- Screen -----------------------------------------------------------------------------

    def set_programme(self, code: str | None) -> None:
        self.view.commit_open_editor()
        self._remember()
        self.editing.stack.clear()  # its steps belong to the other programme
        if code != self.programme_code:
            self.status_label.setText(START_HINT)
            self.message_label.hide()
        self.programme_code = code
        self.refresh_when_shown()

    def refresh(self) -> None:
        self.view.commit_open_editor()
        self._changed_while_pasting = False
        code = self.programme_code
        if code is None:
            self._show_empty("Choose a programme to enter its values.", "", "")
            return
        try:
            sites = self.services.sites.list_sites(code)
            periods = self.services.programmes.periods(code)
        except PmdeskError as exc:
            self._show_empty(f"The programme could not be read: {exc}", "", "")
            return
        site, period = self.place_bar.site_code, self.place_bar.period
        if self.editing.place is None or self.editing.place.programme_code != code:
            site, period = self._remembered.get(code, (None, None))
        self.place_bar.set_sites(sites, site)
        self.place_bar.set_periods(periods, period)
        self._load_grid()

    def undo_stack(self) -> QUndoStack | None:
        return self.editing.stack

    def navigate(self, target: Navigation) -> None:
        if target.programme_code and target.programme_code != self.programme_code:
            self.set_programme(target.programme_code)
        self.view.commit_open_editor()
        if target.site_code or target.period:
            self.place_bar.select(target.site_code, target.period)
            self._load_grid(keep_cursor=False)
        indicator = target.indicator_code
        if indicator:
            self.reads.when_loaded(lambda: self._select_indicator(indicator))
        self.view.setFocus()

    def _select_indicator(self, code: str) -> None:
        row = self.model.first_row_of(code)
        if row >= 0:
            self.view.select_first_input(row)

    @property
    def is_busy(self) -> bool:
        """Reading the grid (on a worker)."""
        return self.reads.is_loading

    def focus_first(self) -> None:
        self.reads.when_loaded(self._focus_first)  # the first empty cell of the grid being read

    def _focus_first(self) -> None:
        if self.stack.currentWidget() is not self.splitter:
            if self.empty_button.isVisible():
                self.empty_button.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        first = self.view.first_empty_input()
        if first is not None:
            self.view.move_to(*first)
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def commit_open_editor(self) -> None:
        self.view.commit_open_editor()

    def unsaved_count(self) -> int:
        return len(self.editing.unsaved)

    def unsaved_reason(self) -> str:
        return self.editing.unsaved.reason

    def retry_unsaved(self) -> bool:
        self.view.commit_open_editor()
        return self.editing.unsaved.retry_now()

    def discard_unsaved(self) -> None:
        self.editing.unsaved.clear()

    def find_text(self, text: str) -> bool:
        """Edit ▸ Find: the next indicator whose code or name contains `text`."""
        needle = text.strip().casefold()
        count = self.model.rowCount()
        if not needle or not count:
            return False
        start = max(self.view.currentIndex().row(), -1)
        for step in range(1, count + 1):
            row = (start + step) % count
            entry = self.model.row_at(row)
            indicator = entry.indicator if entry is not None and entry.is_first else None
            if indicator is not None and needle in f"{indicator.code} {indicator.name}".casefold():
                self.view.select_first_input(row)
                return True
        return False

    def on_data_changed(self, change: DataChange) -> None:
        if change.made_by(self) or not change.concerns(self.programme_code) or self.programme_code is None:
            return  # our own announcement: the grid already shows it
        if self.paster.is_busy:
            self._changed_while_pasting = True
            return
        self.refresh_when_shown()  # hidden: once, when shown, not for every change elsewhere

    # -- loading ----------------------------------------------------------------------------

    def _load_grid(self, keep_cursor: bool = True) -> None:
        code, site, period = self.programme_code, self.place_bar.site_code, self.place_bar.period
        if code is None:
            return
        if site is None:
            self._show_empty(
                "This programme has no reporting sites yet. Add its sites first; then enter their values here.",
                "Open Sites",
                "sites",
            )
            return
        if period is None:
            self._show_empty("This programme has no reporting periods.", "Open Programmes", "programmes")
            return
        # Another site or period starts at the top of its grid, not where the last one was left;
        # another site (a new form to fill) at its first empty cell, another period of the same
        # site on the same cell (correcting one figure across quarters).
        before = self.editing.place
        is_new_place = before != GridPlace(code, site, period)
        is_other_site = before is None or (before.programme_code, before.site_code) != (code, site)
        memo = self.view.cursor_memo() if keep_cursor and not is_other_site else None
        pending = self.reads.pending
        if memo is not None and pending is not None:
            memo = pending.memo  # the cursor as it was before the reads
        self.view.commit_open_editor()
        if is_new_place:
            # What was saved in the last grid is no news in this one (issue #7 §2).
            self.status_label.setText(START_HINT)
            self._note_kept_halves()
        request = GridRequest(code, site, period, memo, is_new_place, is_other_site)
        self.reads.read(self.services.entry_grid, request)

    def _on_grid_failed(self, message: str) -> None:
        self.model.set_rows(None)
        self.editing.place = None
        self._show_message(message)
        self.loaded.emit()

    def _on_grid_read(
        self, result: EntryGrid | PmdeskError, request: GridRequest | None, waiting: list[Callable[[], None]]
    ) -> None:
        if request is not None and request.code == self.programme_code:
            self.view.commit_open_editor()  # typed while the grid was read: saved where it was typed
            self._show_grid(result, request)
            for action in waiting:
                action()
        self.loaded.emit()

    def _show_grid(self, result: EntryGrid | PmdeskError, request: GridRequest) -> None:
        code, site, period = request.code, request.site, request.period
        if isinstance(result, PmdeskError):
            exc = result
            if isinstance(exc, StorageError) and self._is_shown(code, site, period):
                # Reading again failed (another program holds the database): the grid stays as
                # it was, with any input not saved yet, rather than going blank.
                self._show_message(f"The values could not be read again, so they are shown as before. {exc}")
                return
            self.model.set_rows(None)
            self.editing.place = None
            self._show_message(str(exc))
            return
        grid = result
        self.model.set_rows(grid)
        self.editing.place = GridPlace(code, site, period)
        self.editing.show_unsaved()  # input typed here before, still not saved
        self._remembered[code] = (site, period)
        if not grid.indicators:
            self._show_empty(
                "This programme has no indicators yet. Set up its results framework first.",
                "Open Framework",
                "framework",
            )
            return
        self.stack.setCurrentWidget(self.splitter)
        self.controls.show()
        self.view.lay_out()
        self.heading_fold.update_soon()  # rows of wrapped labels are taller
        self._update_summary()
        self._update_message()
        self.heading.setText(f"{grid.site_name} · {grid.period_label}")
        self.workflow.place = self.editing.place
        self.workflow.place_label = f"{grid.site_name} · {grid.period_label}"
        if request.is_new_place:
            self.view.verticalScrollBar().setValue(0)
        first_empty = self.view.first_empty_input() if request.is_other_site else None
        if first_empty is not None:
            self.view.move_to(*first_empty)
        else:
            self.view.restore_cursor(request.memo)

    def _is_shown(self, code: str, site: str, period: str) -> bool:
        return self.model.grid is not None and self.editing.place == GridPlace(code, site, period)

    def _note_kept_halves(self) -> None:
        """Half a ratio waits in its grid for the other half; say so when that grid goes away."""
        notes = self.model.pending_notes()
        if notes and self.model.grid is not None:
            where = f"{self.model.grid.site_name} · {self.model.grid.period_label}"
            self.status_label.setText(f"{where}, kept: " + "; ".join(notes))

    def _show_empty(self, text: str, button: str, target: str) -> None:
        self.reads.cancel()
        self._note_kept_halves()
        self.model.set_rows(None)
        self.editing.place = None
        self.heading.setText("")
        self.summary_label.set_full_text("")
        self.empty_label.setText(text)
        self.empty_button.setText(button)
        self.empty_button.setVisible(bool(button))
        self._empty_target = target
        self.stack.setCurrentWidget(self.empty_page)
        self.controls.hide()  # nothing to pick or submit: the message and its button say what to do
        self.workflow.set_counts({})
        self.workflow.place = None
        self.history_panel.show_cell(None, None)

    # -- what the user does ------------------------------------------------------------------

    def _on_place_changed(self) -> None:
        self._load_grid()

    def _on_previous(self) -> None:
        self.view.commit_open_editor()
        self.place_bar.previous_period()

    def _on_next(self) -> None:
        self.view.commit_open_editor()
        self.place_bar.next_period()

    def _on_paste(self, text: str) -> None:
        current = self.view.currentIndex()
        if current.isValid() and text:
            self.paster.paste(current.row(), current.column(), text)

    def _on_pasted(self, result: PasteResult) -> None:
        notes = []
        if result.ignored_lines:
            notes.append(f"{result.ignored_lines} lines below the last row were left out")
        if result.ignored_cells:
            notes.append(f"{result.ignored_cells} cells beyond the last column were left out")
        if result.cancelled:
            notes.append(f"cancelled: {result.cancelled} cells not written")
        if result.held:
            notes.append(f"{result.held} kept on screen, not saved yet (see the bar above the grid)")
        self.status_label.setText(
            f"Pasted {result.saved} values" + (f" ({'; '.join(notes)})" if notes else "")
        )
        if result.failed or self._changed_while_pasting:
            self.refresh()
        if result.problems:
            shown = "\n".join(result.problems[:8])
            more = f"\n… and {len(result.problems) - 8} more" if len(result.problems) > 8 else ""
            self._show_message(f"{len(result.problems)} pasted cells were not saved:\n{shown}{more}")
        self._update_summary()
        self.view.setFocus()

    def _on_clear(self) -> None:
        current = self.view.currentIndex()
        if current.isValid():
            self.editing.clear(current.row(), current.column())

    def _on_read_only_typed(self) -> None:
        current = self.view.currentIndex()
        entry = self.model.row_at(current.row()) if current.isValid() else None
        if entry is None or entry.kind is not RowKind.CELL:
            return
        reason = self.model.read_only_reason(current.row(), current.column())
        if not reason:
            reason = (
                "this column is not typed in; values go in Value (or Numerator and Denominator) and Comment"
            )
        self._show_message(f"{entry.label}: {reason}")

    def _on_comment(self) -> None:
        self.view.commit_open_editor()
        current = self.view.currentIndex()
        entry = self.model.row_at(current.row()) if current.isValid() else None
        if entry is None or entry.kind is not RowKind.CELL:
            self._show_message("Select a cell first; then Ctrl+M comments on its value.")
            return
        reason = self.model.read_only_reason(current.row(), COL_COMMENT)
        if reason:
            self._show_message(f"{entry.label}: {reason}")
            return
        assert entry.value is not None
        warnings = warning_text(entry.value)
        comment = entry_dialogs.ask_comment(self, entry.label, warnings, entry.value.comment)
        if comment is not None:
            self.editing.set_comment(current.row(), comment)
        self.view.setFocus()

    def _on_empty_button(self) -> None:
        if self._empty_target:
            self.context.signals.navigate(Navigation(self._empty_target, self.programme_code))

    # -- results ----------------------------------------------------------------------------

    def _on_saved(self, text: str) -> None:
        self.status_label.setText(text)
        self._update_message()
        self._update_summary()

    def _on_refused(self, text: str) -> None:
        self._show_message(text)

    def _on_written(self) -> None:
        self.reads.note_write()
        self._announce_code = self.programme_code
        self._announce_timer.start()

    def _announce(self) -> None:
        code = getattr(self, "_announce_code", self.programme_code)
        self.context.signals.announce("values", code, origin=self)

    def _on_workflow_moved(self, text: str) -> None:
        self._on_written()  # before the read, which then shows it
        self._load_grid()
        self.status_label.setText(text)
        self.view.setFocus()

    def _on_cell_elsewhere(self, ref: CellRef) -> None:
        self.place_bar.select(ref.site_code, ref.period)
        self._load_grid(keep_cursor=False)
        self.reads.when_loaded(lambda: self._on_cell_touched(ref))

    def _on_cell_touched(self, ref: CellRef) -> None:
        row = self.model.row_of(ref.key)
        if row >= 0:
            current = self.view.currentIndex()
            column = current.column() if current.isValid() and current.row() == row else COL_VALUE
            self.view.move_to(row, column)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()

    def _update_message(self) -> None:
        """The bar names the cells whose input was refused, until they are fixed."""
        errors = self.model.errors()
        if not errors:
            self.message_label.hide()
            return
        row, _column, message = errors[-1]
        entry = self.model.row_at(row)
        label = entry.label if entry is not None else ""
        more = f" (and {len(errors) - 1} more cells, marked in red)" if len(errors) > 1 else ""
        self._show_message(f"{label}: {message} — not saved{more}")

    def _update_summary(self) -> None:
        filled, possible, flagged = self.model.cell_counts()
        counts = self.model.status_counts()
        parts = [f"{filled} of {possible} cells filled"]
        if flagged:
            parts.append(f"{flagged} flagged")
        order = (ValueStatus.DRAFT, ValueStatus.RETURNED, ValueStatus.SUBMITTED, ValueStatus.APPROVED)
        parts += [f"{counts[s]} {s.value}" for s in order if counts.get(s)]
        self.summary_label.set_full_text(" · ".join(parts))
        self.workflow.set_counts(counts)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = self.model.row_at(current.row()) if current.isValid() else None
        reason = self.model.read_only_reason(current.row(), COL_COMMENT) if entry is not None else ""
        can_comment = entry is not None and entry.kind is RowKind.CELL and not reason
        self.comment_button.setEnabled(can_comment)
        self.comment_button.setToolTip(
            "Comment on the selected value (Ctrl+M); a comment clears its warning flag"
            if can_comment
            else f"Nothing to comment on here: {reason.lower() if reason else 'select a cell with a value'}"
        )
        if self.history_panel.isVisible():
            self.history_panel.show_cell(entry, self.model.grid, self.model.unsaved_at(current.row()))

    def _on_model_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        current = self.view.currentIndex()
        if current.isValid() and top_left.row() <= current.row() <= bottom_right.row():
            self._on_current_changed(current, current)

    def _on_history_toggled(self, shown: bool) -> None:
        self.history_panel.setVisible(shown)
        if shown:
            current = self.view.currentIndex()
            self._on_current_changed(current, current)

    def _remember(self) -> None:
        if self.editing.place is not None:
            place = self.editing.place
            self._remembered[place.programme_code] = (place.site_code, place.period)

    # -- events -----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._panel_placed:
            self._panel_placed = True
            QTimer.singleShot(0, self, self._place_panel)

    def _place_panel(self) -> None:
        """On a small screen the grid needs the width; the history is one key away (Alt+Y)."""
        panel = max(self.fontMetrics().averageCharWidth() * 42, 260)
        if self.width() < 1100:
            self.history_button.setChecked(False)
        self.splitter.setSizes([max(self.splitter.width() - panel, 400), panel])

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            apply_fonts(self)
            self.view.reset_widths()

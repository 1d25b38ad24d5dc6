# SPDX-License-Identifier: GPL-3.0-or-later
"""Targets: an indicators × periods grid, programme level or per site, typed like a spreadsheet;
a target the database does not take yet (locked, disk full) stays on screen and is retried."""

from __future__ import annotations

from collections import deque
from functools import partial
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import Status
from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.services.targets import TargetChange
from pmdesk.ui.iptt.status_style import STATUS_STYLES, TEXT_ON_COLOUR
from pmdesk.ui.loading import Loader
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import DataChange, Navigation
from pmdesk.ui.targets.target_lines import TargetEdit, UnsavedTarget, edit_text
from pmdesk.ui.targets.targets_clipboard import (
    cells_named,
    copy_text,
    parse_block,
    plan_paste,
    values_named,
)
from pmdesk.ui.targets.targets_grid_layout import fit_target_columns, span_result_rows
from pmdesk.ui.targets.targets_load import TargetsLoad, load_targets
from pmdesk.ui.targets.targets_table_model import FIRST_PERIOD_COL, TargetsTableModel
from pmdesk.ui.targets.targets_table_view import TargetsTableView
from pmdesk.ui.unsaved import PendingWrite, PendingWrites
from pmdesk.ui.widgets.elided_label import ElidedLabel
from pmdesk.ui.widgets.notes_fold import NotesFold, lines_per_row
from pmdesk.ui.widgets.reason_dialog import ask_reason
from pmdesk.ui.widgets.unsaved_banner import UnsavedBanner

if TYPE_CHECKING:
    from pmdesk.services.history import Reason
    from pmdesk.services.targets import TargetInfo
    from pmdesk.ui.context import UiContext

PROGRAMME_LEVEL = "Programme level"
HINT = (
    "Type a number to set a target · Enter ↓ · Tab → · Shift+Tab ← · Esc cancels · "
    "Delete clears · Ctrl+V pastes a block copied from a spreadsheet"
)
_RELEVANT = {"programmes", "framework", "sites", "targets"}  # values do not change targets
_SHOWN_PROBLEMS = 8


class TargetsScreen(Screen):
    title = "Targets"
    name = "targets"
    loaded = Signal(str)  # the programme whose targets are now on screen

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        # Read off the UI thread (issue #11 §2); only the latest answer is shown.
        self.loader = Loader(context.workers, "The targets", self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_load_failed)
        self.loader.busy_changed.connect(self._on_busy_changed)
        self._keep_cell: tuple[str, int] | None = None
        self._pending_navigation: Navigation | None = None
        self.model = TargetsTableModel(self)
        self.model.set_history_lookup(self.services.history.for_entity)
        self._pending: deque[TargetEdit] = deque()
        self._saving = False
        # Targets the database did not take, of any programme and level, with their reasons:
        # they stay until saved or dropped by the user, whatever the grid shows meanwhile.
        self.unsaved = PendingWrites(self)
        self.unsaved.saved.connect(self._on_retry_saved)
        self.unsaved.refused.connect(self._on_retry_refused)
        self.unsaved.changed.connect(self._show_unsaved)
        self._build()
        self.model.unsaved_reverted.connect(self._on_unsaved_reverted)
        # Queued: the reason dialog must not open while the cell editor is still being closed.
        self.model.target_edited.connect(self._on_target_edited, Qt.ConnectionType.QueuedConnection)
        self.model.edit_refused.connect(self.show_error)

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        # One band for the title and the picker; the title is shortened on a small screen.
        self.title_label = ElidedLabel("", self, Qt.TextElideMode.ElideRight)
        self.title_label.setObjectName("screenTitle")

        self.level_combo = QComboBox(self)
        self.level_combo.setToolTip("Programme-level targets, or the targets of one site")
        self.level_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.level_combo.setMaximumWidth(420)
        level_label = QLabel("&Level:", self)
        level_label.setBuddy(self.level_combo)
        self.level_combo.currentIndexChanged.connect(self._on_level_changed)
        self.hint_button = QToolButton(self)
        self.hint_button.setText("?")
        self.hint_button.setToolTip(HINT.replace(" · ", "\n"))
        self.hint_button.setAccessibleName("Keys")
        self.hint_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        controls = QHBoxLayout()
        controls.addWidget(self.title_label, 1)
        controls.addSpacing(12)
        controls.addWidget(level_label)
        controls.addWidget(self.level_combo)
        controls.addWidget(self.hint_button)

        self.message_label = QLabel("", self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()
        self.unsaved_banner = UnsavedBanner(self.unsaved, self)
        self.unsaved_banner.install_shortcut(self)

        self.table_view = TargetsTableView(self)
        self.table_view.setModel(self.model)
        self.table_view.verticalHeader().hide()
        self.table_view.setWordWrap(False)  # only the frozen indicator column wraps
        self.table_view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table_view.paste_requested.connect(self._on_paste_requested)
        self.table_view.copy_requested.connect(self._on_copy_requested)
        self.table_view.clear_requested.connect(self._on_clear_requested)
        self.table_view.refused.connect(self.show_error)
        self.empty_label = QLabel("", self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table_view)
        self.stack.addWidget(self.empty_label)

        self.hint_label = QLabel(HINT, self)
        self.hint_label.setWordWrap(True)
        self.hint_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.message_label)
        layout.addWidget(self.stack, 1)
        # Under the table: the banner that comes and goes does not move the rows being typed in.
        layout.addWidget(self.unsaved_banner)
        layout.addWidget(self.hint_label)
        self.notes = NotesFold(self, self.table_view, (self.hint_label,), self.hint_button)
        self._row_lines = 0
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        title = QFont(self.font())  # derived, so that it follows View ▸ Zoom
        if title.pointSizeF() > 0:
            title.setPointSizeF(title.pointSizeF() * 1.3)
        else:
            title.setPixelSize(round(title.pixelSize() * 1.3))
        title.setBold(True)
        self.title_label.setFont(title)
        self.message_label.setFont(self.font())  # a style-sheeted label misses font changes

    # -- messages ---------------------------------------------------------------------------

    @property
    def message_text(self) -> str:
        return self.message_label.text() if not self.message_label.isHidden() else ""

    def show_error(self, text: str) -> None:
        self._show_message(text, STATUS_STYLES[Status.OFF_TRACK].background)

    def show_info(self, text: str) -> None:
        self._show_message(text, None)

    def _show_message(self, text: str, background: str | None) -> None:
        style = f"background: {background}; color: {TEXT_ON_COLOUR};" if background else ""
        self.message_label.setStyleSheet(f"QLabel {{ {style} padding: 4px 6px; border-radius: 3px; }}")
        self.message_label.setText(text)
        self.message_label.show()

    # -- loading ----------------------------------------------------------------------------

    @property
    def site_code(self) -> str | None:
        value = self.level_combo.currentData()
        return value if isinstance(value, str) else None

    def set_programme(self, code: str | None) -> None:
        if code != self.programme_code:
            self.message_label.hide()
            self._fill_levels([], None)
        super().set_programme(code)

    @property
    def is_busy(self) -> bool:
        """Reading the targets (on a worker)."""
        return self.loader.is_loading

    def refresh(self) -> None:
        code = self.programme_code
        if code is None:
            self.loader.cancel()
            self.model.clear()
            self.title_label.set_full_text(self.title)
            self._show_empty("Choose a programme to see and set its targets.")
            return
        if not self.loader.is_loading:  # the cell to come back to, as it was before the reads
            self._keep_cell = self._current_cell()
        self.loader.load(load_targets, self.services, code, self.site_code, name="targets")

    def _on_busy_changed(self, busy: bool) -> None:
        if busy and not self.model.rowCount():
            self._show_empty("Reading the targets …")

    def _on_load_failed(self, message: str) -> None:
        self.model.clear()
        self._show_empty(message)

    def _on_loaded(self, load: TargetsLoad) -> None:
        code = load.programme_code
        if code != self.programme_code:
            return
        self._fill_levels(list(load.sites), load.site_code)
        self.title_label.set_full_text(f"Targets — {load.programme_name}")
        self.model.set_rows(
            code, load.lines, load.periods, load.targets, site_code=load.site_code, changed=load.changed
        )
        self._show_unsaved()
        current, self._keep_cell = self._keep_cell, None
        if not load.has_indicators:
            self._show_empty(
                "This programme has no indicators yet.\n"
                "Add them on the Framework screen; their targets are set here."
            )
        else:
            self.stack.setCurrentWidget(self.table_view)
            self._apply_spans()
            self._fit_columns()
            self._restore_cell(current)
        self.loaded.emit(code)
        pending, self._pending_navigation = self._pending_navigation, None
        if pending is not None:
            self.navigate(pending)

    def _show_empty(self, text: str) -> None:
        self.empty_label.setText(text)
        self.stack.setCurrentWidget(self.empty_label)

    def _fill_levels(self, sites: list[tuple[str, str, int]], current: str | None) -> None:
        combo = self.level_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(PROGRAMME_LEVEL, None)
        for code, name, depth in sites:
            # Em spaces show the hierarchy without a tree widget; the code is in the tooltip.
            combo.addItem("\u2003" * (depth + 1) + name, code)
            combo.setItemData(combo.count() - 1, f"{code} — {name}", Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
        combo.blockSignals(False)

    def _apply_spans(self) -> None:
        span_result_rows(self.table_view, self.model)

    def _fit_columns(self) -> None:
        view = self.table_view
        fit_target_columns(view, self.model)
        # The title band and the header take about five lines of text.
        self._row_lines = lines_per_row(self, 5)
        view.fit_rows(padding=view.fontMetrics().height() // 3, max_lines=self._row_lines)
        self.notes.update_soon()

    def _current_cell(self) -> tuple[str, int] | None:
        index = self.table_view.currentIndex()
        indicator = self.model.indicator_at(index.row()) if index.isValid() else None
        return (indicator.code, index.column()) if indicator is not None else None

    def _restore_cell(self, cell: tuple[str, int] | None) -> None:
        row = self.model.row_of(cell[0]) if cell else -1
        if row < 0:
            row = next((r for r in range(self.model.rowCount()) if not self.model.is_result_row(r)), -1)
        if row < 0:
            return
        column = cell[1] if cell and cell[1] < self.model.columnCount() else FIRST_PERIOD_COL
        self.table_view.go_to(self.model.index(row, column))

    def on_data_changed(self, change: DataChange) -> None:
        if change.made_by(self) or change.kind not in _RELEVANT:
            return  # our own write is already on screen
        super().on_data_changed(change)

    def _announce(self) -> None:
        self.context.signals.announce("targets", self.model.programme_code, origin=self)

    def _on_level_changed(self, _index: int) -> None:
        self.message_label.hide()
        self.refresh()

    # -- shell hooks ------------------------------------------------------------------------

    def navigate(self, target: Navigation) -> None:
        if target.site_code is not None:
            index = self.level_combo.findData(target.site_code)
            if index >= 0 and index != self.level_combo.currentIndex():
                self.level_combo.setCurrentIndex(index)  # refreshes
        if self.loader.is_loading:  # the cell is found once the grid is read
            self._pending_navigation = target
            return
        row = self.model.row_of(target.indicator_code) if target.indicator_code else -1
        column = self.model.column_of(target.period) if target.period else -1
        if row >= 0 or column >= 0:
            current = self.table_view.currentIndex()
            row = row if row >= 0 else max(current.row(), 0)
            column = column if column >= 0 else FIRST_PERIOD_COL
            self.table_view.go_to(self.model.index(row, column))
        self.table_view.setFocus()

    def find_text(self, text: str) -> bool:
        needle = text.strip().casefold()
        rows = self.model.rowCount()
        if not needle or not rows:
            return False
        start = self.table_view.currentIndex().row()
        for step in range(1, rows + 1):
            row = (start + step) % rows
            indicator = self.model.indicator_at(row)
            if indicator and (needle in indicator.code.casefold() or needle in indicator.name.casefold()):
                column = max(self.table_view.currentIndex().column(), FIRST_PERIOD_COL)
                self.table_view.go_to(self.model.index(row, column))
                self.table_view.setFocus()
                return True
        return False

    # -- one cell ---------------------------------------------------------------------------

    def _on_target_edited(self, edit: TargetEdit) -> None:
        # Edits made while a reason dialog is open wait their turn instead of stacking dialogs.
        self._pending.append(edit)
        if self._saving:
            return
        self._saving = True
        try:
            while self._pending:
                self._save_edit(self._pending.popleft())
        finally:
            self._saving = False

    def _save_edit(self, edit: TargetEdit) -> None:
        row = self.model.row_of(edit.indicator_code)
        old_text, new_text = self.model.format_value(row, edit.old), self.model.format_value(row, edit.new)
        reason: Reason | None = None
        if edit.needs_reason:
            reason = ask_reason(self, self._describe(edit), old_text, new_text)
            if reason is None:
                self.show_info(f"{edit.cell}: unchanged, still {old_text}.")
                return
        try:
            saved = self._write(edit, reason)
        except StorageError as exc:
            self._hold(edit, reason, exc)
            self.show_info(f"{edit.cell}: not saved yet ({old_text} → {new_text}), kept on screen.")
            return
        except PmdeskError as exc:
            self.show_error(f"{edit.cell}: not saved — {exc}")
            return
        self.unsaved.discard(_key(edit))  # what waited there is replaced by this
        if self._is_shown(edit.programme_code, edit.site_code):
            self.model.apply_saved(edit.indicator_code, edit.period, saved, changed=reason is not None)
        self.show_info(f"{edit.cell}: {'cleared' if saved is None else 'saved'} ({old_text} → {new_text}).")
        self._announce()
        self.unsaved.retry_soon()  # the database took this one: the cause has gone

    def _write(self, edit: TargetEdit, reason: Reason | None) -> TargetInfo | None:
        targets = self.services.targets
        if edit.new is None:
            assert reason is not None
            targets.clear_target(
                edit.programme_code, edit.indicator_code, edit.period, site_code=edit.site_code, reason=reason
            )
            return None
        return targets.set_target(
            edit.programme_code,
            edit.indicator_code,
            edit.period,
            edit.new,
            site_code=edit.site_code,
            reason=reason,
        )

    # -- targets the database did not take yet ----------------------------------------------

    def _hold(self, edit: TargetEdit, reason: Reason | None, error: StorageError) -> None:
        """Keep a target the database refused for now, with the reason already given for it."""
        row = self.model.row_of(edit.indicator_code)
        self.unsaved.enqueue(
            _key(edit),
            partial(self._write, edit, reason),
            f"{edit.cell}, {self._level_name()}: {self.model.format_value(row, edit.new)}",
            error,
            (edit, reason),
        )

    def _show_unsaved(self) -> None:
        for item in self.unsaved.writes():
            edit, _reason = _held(item)
            if self._is_shown(edit.programme_code, edit.site_code):
                typed = UnsavedTarget(edit.new, edit_text(edit.new), str(item.error), item.error.is_transient)
                self.model.set_unsaved(edit.indicator_code, edit.period, typed)

    def _drop_unsaved(self, indicator_code: str, period: str) -> bool:
        key = (self.model.programme_code, self.model.site_code, indicator_code, period)
        dropped = self.unsaved.discard(key) is not None
        self.model.set_unsaved(indicator_code, period, None)
        return dropped

    def _on_unsaved_reverted(self, indicator_code: str, period: str) -> None:
        if self._drop_unsaved(indicator_code, period):
            self.show_info("Back to the saved target; the one typed before, not saved, is dropped.")

    def _on_retry_saved(self, item: PendingWrite, saved: TargetInfo | None) -> None:
        edit, reason = _held(item)
        if self._is_shown(edit.programme_code, edit.site_code):
            self.model.apply_saved(edit.indicator_code, edit.period, saved, changed=reason is not None)
        self.show_info(f"{edit.cell}: {'cleared' if saved is None else 'saved'} now.")
        self._announce()

    def _on_retry_refused(self, item: PendingWrite, error: Exception) -> None:
        edit, _reason = _held(item)
        if self._is_shown(edit.programme_code, edit.site_code):
            self.model.set_unsaved(edit.indicator_code, edit.period, None)
        why = (
            str(error) if isinstance(error, PmdeskError) else "an unexpected error (details in the log file)"
        )
        self.show_error(f"{edit.cell}: not saved — {why}")

    def unsaved_count(self) -> int:
        return len(self.unsaved)

    def unsaved_reason(self) -> str:
        return self.unsaved.reason

    def retry_unsaved(self) -> bool:
        return self.unsaved.retry_now()

    def discard_unsaved(self) -> None:
        self.unsaved.clear()

    def _describe(self, edit: TargetEdit) -> str:
        indicator = self.model.indicator_at(self.model.row_of(edit.indicator_code))
        name = f" {indicator.name}" if indicator else ""
        return (
            f"Target of {edit.indicator_code}{name} — {edit.cell.split(' · ', 1)[-1]} — {self._level_name()}"
        )

    def _level_name(self) -> str:
        return self.level_combo.currentText().strip() if self.site_code else PROGRAMME_LEVEL

    def _is_shown(self, programme_code: str, site_code: str | None) -> bool:
        return self.model.programme_code == programme_code and self.model.site_code == site_code

    # -- many cells: delete, paste, copy -------------------------------------------------------

    def _selected(self) -> list[tuple[int, int]]:
        indexes = self.table_view.selectionModel().selectedIndexes()
        if not indexes and self.table_view.currentIndex().isValid():
            indexes = [self.table_view.currentIndex()]
        return sorted((i.row(), i.column()) for i in indexes)

    def _on_clear_requested(self) -> None:
        # Delete empties the cell: a target typed there and not saved yet goes first.
        dropped = 0
        for row, column in self._selected():
            indicator, period = self.model.indicator_at(row), self.model.period_at(column)
            if indicator is not None and period is not None and self.model.unsaved_at(row, column):
                dropped += self._drop_unsaved(indicator.code, period.code)
        edits = [
            edit
            for row, column in self._selected()
            if self.model.saved_target(row, column) is not None
            and (edit := self.model.edit_for(row, column, "")) is not None
        ]
        if not edits:
            self.show_info(
                f"Dropped {dropped} target(s) typed there and not saved."
                if dropped
                else "There is no saved target to clear in the selected cells."
            )
            return
        if len(edits) == 1:
            self._on_target_edited(edits[0])  # clear_target, after asking why
            return
        reason = ask_reason(
            self,
            f"Clear {len(edits)} targets ({self._level_name()}): {cells_named(edits)}",
            values_named(self.model, edits, old=True),
            "no targets",
        )
        if reason is None:
            self.show_info("Nothing was cleared.")
            return
        self._apply_batch(edits, reason, f"Cleared {len(edits)} targets.")

    def _on_paste_requested(self) -> None:
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self.show_error("The clipboard holds no text to paste.")
            return
        selected = self._selected()
        if not selected:
            self.show_error("Select the cell where the pasted block should start.")
            return
        plan = plan_paste(self.model, parse_block(text), selected)
        if plan.problems:
            shown = "\n".join(f"• {p}" for p in plan.problems[:_SHOWN_PROBLEMS])
            extra = len(plan.problems) - _SHOWN_PROBLEMS
            more = f"\n… and {extra} more" if extra > 0 else ""
            self.show_error(
                f"Nothing was pasted: {len(plan.problems)} cell(s) cannot take the value.\n{shown}{more}"
            )
            return
        if not plan.edits:
            self.show_info("Nothing to change: the pasted values equal the saved targets.")
            return
        reason = None
        changing = plan.changing
        if changing:
            what = (
                f"Paste {len(plan.edits)} targets ({self._level_name()}); "
                f"{len(changing)} replace saved targets: {cells_named(changing)}"
            )
            reason = ask_reason(
                self,
                what,
                values_named(self.model, changing, old=True),
                values_named(self.model, changing, old=False),
            )
            if reason is None:
                self.show_info("Nothing was pasted.")
                return
        self._apply_batch(list(plan.edits), reason, f"Pasted {len(plan.edits)} targets.")

    def _apply_batch(self, edits: list[TargetEdit], reason: Reason | None, done: str) -> None:
        programme, site = self.model.programme_code, self.model.site_code
        changes = [TargetChange(e.indicator_code, e.period, e.new) for e in edits]
        try:
            saved = self.services.targets.apply_targets(programme, changes, site_code=site, reason=reason)
        except StorageError as exc:
            # Kept cell by cell, each with the reason given for the lot: a cell typed again later
            # replaces only its own.
            for edit in edits:
                self._hold(edit, reason if edit.needs_reason else None, exc)
            self.show_info(f"{len(edits)} targets not saved yet, kept on screen.")
            return
        except PmdeskError as exc:
            self.show_error(f"Nothing was saved: {exc}")
            return
        for edit, target in zip(edits, saved):
            self.unsaved.discard(_key(edit))
            self.model.apply_saved(edit.indicator_code, edit.period, target, changed=edit.needs_reason)
        self.show_info(done)
        self._announce()
        self.unsaved.retry_soon()

    def _on_copy_requested(self) -> None:
        selected = self._selected()
        if selected:
            QGuiApplication.clipboard().setText(copy_text(self.model, selected))
            self.show_info(f"Copied {len(selected)} cell(s).")

    # -- events -----------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.model.rowCount() and lines_per_row(self, 5) != self._row_lines:
            QTimer.singleShot(0, self, self._fit_columns)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
            if self.model.rowCount():
                QTimer.singleShot(0, self, self._fit_columns)


def _key(edit: TargetEdit) -> tuple[str, str | None, str, str]:
    """Where a target waits: one write per cell of a level."""
    return (edit.programme_code, edit.site_code, edit.indicator_code, edit.period)


def _held(item: PendingWrite) -> tuple[TargetEdit, Reason | None]:
    return cast("tuple[TargetEdit, Reason | None]", item.payload)

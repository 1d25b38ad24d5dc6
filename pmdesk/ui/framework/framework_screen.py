# SPDX-License-Identifier: GPL-3.0-or-later
"""Framework & indicators: the results tree by tier with its indicators, edited in place, beside the PIRS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QSplitter,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.ui.framework.framework_editor import FrameworkEditor, FrameworkSnapshot, load_framework
from pmdesk.ui.framework.framework_form import ErrorBanner, note_label
from pmdesk.ui.framework.framework_reference_sheet import ReferenceSheetView
from pmdesk.ui.framework.framework_tree_model import (
    COL_MEASURE,
    COL_TITLE,
    COL_UNIT,
    INDICATOR,
    RESULT,
    FrameworkTreeModel,
    NodeKey,
)
from pmdesk.ui.loading import Loader
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.widgets.elided_label import ElidedLabel
from pmdesk.ui.widgets.notes_fold import NotesFold

if TYPE_CHECKING:
    from pmdesk.services.framework_records import ResultInfo
    from pmdesk.ui.context import UiContext
    from pmdesk.ui.signals import DataChange, Navigation


class FrameworkScreen(Screen):
    title = "Framework & indicators"
    name = "framework"

    loaded = Signal(str)  # programme code, once its framework is on screen
    load_failed = Signal(str)  # the message shown

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._editor = FrameworkEditor(context, self)
        # The one loading helper (issue #11 §2): off the UI thread, only the latest answer shown.
        self.loader = Loader(context.workers, "The framework", self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_load_failed)
        self._pending_key: NodeKey | None = None
        self._collapsed: set[NodeKey] = set()
        self._announcing = False
        self.model = FrameworkTreeModel(self)
        self._editor.written.connect(self._on_written)
        self._editor.refused.connect(self._on_refused)
        self.model.result_move_requested.connect(self._editor.move_result)
        self.model.indicator_move_requested.connect(self._editor.move_indicator)
        self._build()
        self._build_actions()
        self._update_actions()
        self._show_sheet()

    @property
    def snapshot(self) -> FrameworkSnapshot | None:
        """What the screen shows; None before the first load and without a programme."""
        return self._editor.snapshot

    @snapshot.setter
    def snapshot(self, value: FrameworkSnapshot | None) -> None:
        self._editor.snapshot = value

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = ElidedLabel(self.title, self, Qt.TextElideMode.ElideRight)
        self.title_label.setObjectName("screenTitle")
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.banner = ErrorBanner(self)

        self.tree_view = QTreeView(self)
        self.tree_view.setModel(self.model)
        self.tree_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree_view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree_view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree_view.setDragEnabled(True)
        self.tree_view.setAcceptDrops(True)
        self.tree_view.setDropIndicatorShown(True)
        self.tree_view.setAlternatingRowColors(True)
        self.tree_view.setUniformRowHeights(True)
        self.tree_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree_view.customContextMenuRequested.connect(self._on_context_menu_requested)
        self.tree_view.doubleClicked.connect(self._on_double_clicked)
        self.tree_view.expanded.connect(lambda index: self._collapsed.discard(self.model.key_at(index)))
        self.tree_view.collapsed.connect(self._on_collapsed)
        header = self.tree_view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_MEASURE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_UNIT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_UNIT, self.fontMetrics().averageCharWidth() * 14)
        self.tree_view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.setFocusProxy(self.tree_view)

        self.sheet = ReferenceSheetView(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.tree_view)
        self.splitter.addWidget(self.sheet)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.hint_label = note_label(
            "Drag a result onto another to put it below that one, or between rows to reorder; drag an "
            "indicator onto a result to move it there, or between its neighbours to reorder. Keyboard: "
            "Enter edits, Delete deletes, Ctrl+Up / Ctrl+Down move the selected row.",
            self,
        )

        self.hint_button = QToolButton(self)
        self.hint_button.setText("?")
        self.hint_button.setToolTip(self.hint_label.text())
        self.hint_button.setAccessibleName("How to move and edit")
        self.hint_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        heading = QHBoxLayout()
        heading.addWidget(self.title_label, 1)
        heading.addWidget(self.hint_button)

        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.hint_label)
        self.notes = NotesFold(self, self.tree_view, (self.hint_label,), self.hint_button)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        # Derived from the screen's font so that the title follows View ▸ Zoom; labels with a style
        # sheet do not pick up a new application font by themselves.
        title = QFont(self.font())
        if title.pointSizeF() > 0:
            title.setPointSizeF(title.pointSizeF() * 1.3)
        else:  # a font sized in pixels
            title.setPixelSize(round(title.pixelSize() * 1.3))
        title.setBold(True)
        self.title_label.setFont(title)
        self.hint_label.setFont(self.font())
        self.banner.setFont(self.font())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()

    def _build_actions(self) -> None:
        def make(text: str, keys: list[str], slot: object, on_tree: bool = False) -> QAction:
            action = QAction(text, self)
            action.setIconText(text)  # tool buttons would drop the "…" that says a dialog follows
            action.setShortcuts([QKeySequence(k) for k in keys])
            shown = QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text.replace('&', '')} ({shown})")
            # On the tree, Enter and Delete mean this screen's Edit and Delete only while the tree
            # has focus; the other shortcuts work anywhere on the screen, never on other screens.
            if on_tree:
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self.tree_view.addAction(action)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.addAction(action)
            action.triggered.connect(slot)
            return action

        self.add_result_action = make("Add result…", ["Ctrl+Shift+R"], self.add_result)
        self.add_child_action = make("Add result below…", ["Ctrl+Shift+B"], self.add_result_below)
        self.add_indicator_action = make("Add indicator…", ["Ctrl+Shift+I"], self.add_indicator)
        self.edit_action = make("Edit…", ["Return", "Enter", "F2"], self.edit_selected, on_tree=True)
        self.delete_action = make("Delete…", ["Delete"], self.delete_selected, on_tree=True)
        self.move_up_action = make("Move up", ["Ctrl+Up"], lambda: self.move_selected(-1), on_tree=True)
        self.move_down_action = make("Move down", ["Ctrl+Down"], lambda: self.move_selected(1), on_tree=True)
        self.tiers_action = make("Tiers…", ["Ctrl+Shift+T"], self.edit_tiers)
        self.disaggregations_action = make("Disaggregations…", ["Ctrl+Shift+D"], self.edit_disaggregations)
        for action in (self.add_result_action, self.add_child_action, self.add_indicator_action):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.edit_action)
        self.toolbar.addAction(self.delete_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.tiers_action)
        self.toolbar.addAction(self.disaggregations_action)

    # -- Screen -----------------------------------------------------------------------------

    def set_programme(self, code: str | None) -> None:
        if code == self.programme_code and (self.snapshot is not None or self.loader.is_loading):
            return  # the shell re-selecting the same programme: nothing to read again
        self.programme_code = code
        self.snapshot = None
        self._collapsed.clear()
        self._pending_key = None
        self.banner.clear_message()
        self.model.set_rows([], [])
        self._update_title()
        self._update_actions()
        self.refresh_when_shown()

    def refresh(self) -> None:
        if self.programme_code is None:
            self.loader.cancel()
            self.snapshot = None
            self.model.set_rows([], [])
            self._update_title()
            self._update_actions()
            self._show_sheet()
            return
        if self.snapshot is None:
            self.sheet.show_message("Loading…", "Reading the framework of the programme.")
        s = self.services
        self.loader.load(
            load_framework, s.framework, s.programmes, s.sites, self.programme_code, name="load framework"
        )

    def on_data_changed(self, change: DataChange) -> None:
        if not self._announcing:
            super().on_data_changed(change)

    def navigate(self, target: Navigation) -> None:
        if target.indicator_code:
            self.select_key(NodeKey(INDICATOR, target.indicator_code))

    def find_text(self, text: str) -> bool:
        needle = text.strip().casefold()
        if not needle:
            return False
        rows = list(self.model.walk())
        current = self.tree_view.currentIndex()
        start = next((i + 1 for i, r in enumerate(rows) if r == current.siblingAtColumn(COL_TITLE)), 0)
        for index in rows[start:] + rows[:start]:
            if needle in str(self.model.data(index)).casefold():
                self._select_index(index)
                return True
        return False

    # -- loading ----------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        """Reading the framework, or deleting many values."""
        return self.loader.is_loading or self._editor.is_busy

    def _on_loaded(self, snapshot: FrameworkSnapshot) -> None:
        # The loader delivers the latest load only.
        if snapshot.programme_code != self.programme_code:
            return
        keep = self._pending_key or self.current_key()
        self._pending_key = None
        self.snapshot = snapshot
        self.model.set_rows(snapshot.results, snapshot.indicators)
        self.tree_view.expandAll()
        for key in list(self._collapsed):
            self.tree_view.collapse(self.model.index_of(key))
        self._update_title()
        if keep is None or not self.select_key(keep):
            first = self.model.index(0, COL_TITLE)
            if first.isValid():
                self._select_index(first)
        self._update_actions()
        self._show_sheet()
        self.loaded.emit(snapshot.programme_code)

    def _on_load_failed(self, message: str) -> None:
        # In words: a refusal says itself; a fault is logged, never shown by its exception's name.
        said = (
            message if message.startswith("The framework") else f"The framework could not be read: {message}"
        )
        self.banner.show_message(said)
        self.sheet.show_message("Nothing to show", "Use View ▸ Reload to try again.")
        self.load_failed.emit(message)

    def _update_title(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            self.title_label.set_full_text(self.title)
            return
        self.title_label.set_full_text(f"{self.title} — {snapshot.programme_code} {snapshot.programme_name}")

    # -- selection and sheet ----------------------------------------------------------------

    def current_key(self) -> NodeKey | None:
        return self.model.key_at(self.tree_view.currentIndex())

    def select_key(self, key: NodeKey) -> bool:
        """Select the row of `key`; while loading, select it once the framework is read."""
        if self.loader.is_loading:
            self._pending_key = key
            return True
        index = self.model.index_of(key)
        if index.isValid():
            self._select_index(index)
        return index.isValid()

    def _select_index(self, index: QModelIndex) -> None:
        parent = index.parent()
        while parent.isValid():
            self.tree_view.expand(parent)
            parent = parent.parent()
        self.tree_view.setCurrentIndex(index)
        self.tree_view.scrollTo(index)

    def _on_current_changed(self, *_: object) -> None:
        self._update_actions()
        self._show_sheet()

    def _show_sheet(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            if self.programme_code is None:
                self.sheet.show_message("No programme", "Choose a programme to see its results framework.")
            return
        index = self.tree_view.currentIndex()
        indicator = self.model.indicator_at(index)
        result = self.model.result_at(index)
        if indicator is not None:
            self.sheet.show_indicator(
                indicator,
                self.model.result(indicator.data.result_code),
                {d.code: d for d in snapshot.disaggregations},
                {p.code: p for p in snapshot.people},
            )
        elif result is not None:
            above = self.model.result(result.parent_code) if result.parent_code else None
            self.sheet.show_result(
                result, above, self.model.indicators_of(result.code), self.model.results_below(result.code)
            )
        elif not snapshot.results:
            self.sheet.show_message(
                "No results yet",
                "Add result… (Ctrl+Shift+R) creates the first box of the framework; its tiers are "
                f"{' / '.join(snapshot.tiers)} (Tiers… renames them).",
            )
        else:
            self.sheet.show_message("Nothing selected", "Select a result or an indicator to see its details.")

    def _update_actions(self) -> None:
        has_framework = self.snapshot is not None
        key = self.current_key() if has_framework else None
        result = self._selected_result()
        position, count = self._place_of(key)
        self.add_result_action.setEnabled(has_framework and bool(self.snapshot and self.snapshot.tiers))
        self.add_child_action.setEnabled(result is not None)
        self.add_indicator_action.setEnabled(result is not None)
        self.edit_action.setEnabled(key is not None)
        self.delete_action.setEnabled(key is not None)
        self.move_up_action.setEnabled(position > 0)
        self.move_down_action.setEnabled(0 <= position < count - 1)
        self.tiers_action.setEnabled(has_framework)
        self.disaggregations_action.setEnabled(has_framework)

    def _selected_result(self) -> ResultInfo | None:
        """The selected result, or the result of the selected indicator."""
        index = self.tree_view.currentIndex()
        indicator = self.model.indicator_at(index)
        if indicator is not None:
            return self.model.result(indicator.data.result_code)
        return self.model.result_at(index)

    def _on_collapsed(self, index: QModelIndex) -> None:
        key = self.model.key_at(index)
        if key is not None:
            self._collapsed.add(key)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_selected()

    def _on_context_menu_requested(self, pos: QPoint) -> None:
        index = self.tree_view.indexAt(pos)
        if index.isValid():
            self.tree_view.setCurrentIndex(index)
        menu = QMenu(self)
        for action in (self.add_result_action, self.add_child_action, self.add_indicator_action):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.edit_action, self.delete_action, self.move_up_action, self.move_down_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.tiers_action)
        menu.addAction(self.disaggregations_action)
        menu.exec(self.tree_view.viewport().mapToGlobal(pos))

    # -- writing ----------------------------------------------------------------------------

    def _on_written(self, select: object) -> None:
        """A write went through: tell the other screens, read the framework again, keep `select`."""
        self.banner.clear_message()
        self._announcing = True
        try:
            self.context.signals.announce("framework", self.programme_code)
        finally:
            self._announcing = False
        self.refresh()
        if isinstance(select, NodeKey):
            self._pending_key = select

    def _on_refused(self, message: str) -> None:
        self.banner.show_message(message)

    def add_result(self) -> None:
        self._editor.add_result(self._selected_result())

    def add_result_below(self) -> None:
        above = self._selected_result()
        if above is not None:
            self._editor.add_result_below(above)

    def add_indicator(self) -> None:
        result = self._selected_result()
        if result is not None:
            self._editor.open_indicator_dialog(None, result.code)

    def edit_selected(self) -> None:
        key = self.current_key()
        result = self.model.result(key.code) if key and key.kind == RESULT else None
        if result is not None:
            self._editor.open_result_dialog(result, result.parent_code, result.tier)
        elif key is not None and key.kind == INDICATOR:
            self._editor.edit_indicator(key.code)

    def delete_selected(self) -> None:
        key = self.current_key()
        if key is None:
            return
        then = NodeKey(RESULT, above) if (above := self._parent_of(key)) else None
        result = self.model.result(key.code) if key.kind == RESULT else None
        if result is not None:
            is_empty = not (self.model.indicators_of(key.code) or self.model.results_below(key.code))
            self._editor.delete_result(result, is_empty, then)
        elif key.kind == INDICATOR:
            self._editor.delete_indicator(key.code, then)

    def _parent_of(self, key: NodeKey) -> str | None:
        """The result to select once `key` is gone."""
        if key.kind == INDICATOR:
            indicator = self.model.indicator(key.code)
            return indicator.data.result_code if indicator else None
        result = self.model.result(key.code)
        return result.parent_code if result else None

    def _place_of(self, key: NodeKey | None) -> tuple[int, int]:
        """Where `key` stands among the results (or indicators) beside it, and how many there
        are: (-1, 0) for nothing selected."""
        if key is None:
            return -1, 0
        if key.kind == INDICATOR:
            indicator = self.model.indicator(key.code)
            result_code = indicator.data.result_code if indicator else ""
            codes = [i.data.code for i in self.model.indicators_of(result_code)]
        else:
            result = self.model.result(key.code)
            codes = [r.code for r in self.model.results_below(result.parent_code)] if result else []
        return (codes.index(key.code) if key.code in codes else -1), len(codes)

    def move_selected(self, delta: int) -> None:
        """Move the selected result or indicator up (-1) or down (+1) among those beside it."""
        key = self.current_key()
        position, count = self._place_of(key)
        if key is None or position < 0 or not 0 <= position + delta < count:
            return
        if key.kind == INDICATOR:
            indicator = self.model.indicator(key.code)
            if indicator is not None:
                self._editor.move_indicator(key.code, indicator.data.result_code, position + delta)
        else:
            result = self.model.result(key.code)
            if result is not None:
                self._editor.move_result(key.code, result.parent_code, position + delta)

    def edit_tiers(self) -> None:
        self._editor.edit_tiers()

    def edit_disaggregations(self) -> None:
        self._editor.edit_disaggregations()

# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT's filters: by status to date (several at once), by tier and by result (a result and the
results below it), from one "Filter" button in the band of pickers; while a filter is on, the band
says "Showing 4 of 23 indicators" beside a "Clear filters" button, and the subtitle names the filter.

The filter is applied by the table model over the figures already computed (no new query)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QLabel, QMenu, QToolButton, QWidget

from pmdesk.domain.enums import Status
from pmdesk.domain.iptt_filter import IpttFilter, result_label, tiers_of
from pmdesk.domain.status_look import STATUS_ORDER, STATUS_WORDS
from pmdesk.ui.iptt.iptt_pickers import labelled

if TYPE_CHECKING:
    from pmdesk.domain.iptt_table import IpttTable

FILTER_TIP = "Show only some indicators: by status, tier or result (Alt+L)"
MENU_TEXT_LIMIT = 70  # characters of a result's title in the menu (the tooltip has it all)


class StayOpenMenu(QMenu):
    """A menu of check boxes that stays open while they are ticked (several statuses at once);
    Esc or a click outside closes it."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled() and action.menu() is None:
            action.trigger()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.activeAction()
        if (
            event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and action is not None
            and action.isCheckable()
            and action.isEnabled()
        ):
            action.trigger()
            return
        super().keyPressEvent(event)


class IpttFilterBar(QObject):
    """`button` opens the filter menu; `summary` (the count and Clear filters) shows while a filter
    is on. `changed` carries the new filter, chosen by the user."""

    changed = Signal(object)  # IpttFilter

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._filter = IpttFilter()
        self._table: IpttTable | None = None
        self.button = QToolButton(parent)
        self.button.setText("Fi&lter")
        self.button.setToolTip(FILTER_TIP)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(parent)
        self.button.setMenu(self.menu)
        self.status_menu = StayOpenMenu("&Status", self.menu)
        self.menu.addMenu(self.status_menu)
        self.status_actions: dict[Status, QAction] = {}
        for status in STATUS_ORDER:
            action = self.status_menu.addAction(STATUS_WORDS[status])
            action.setCheckable(True)
            action.triggered.connect(self._on_menu_changed)
            self.status_actions[status] = action
        self.tier_menu = StayOpenMenu("&Tier", self.menu)
        self.menu.addMenu(self.tier_menu)
        self.result_menu = self.menu.addMenu("&Result")
        self.result_group = QActionGroup(self.result_menu)
        self.result_group.setExclusive(True)
        self.result_group.triggered.connect(self._on_result_chosen)
        self.tier_actions: dict[str, QAction] = {}
        self.result_actions: dict[int | None, QAction] = {}
        self.menu.addSeparator()
        self.clear_action = self.menu.addAction("&Clear filters")
        self.clear_action.triggered.connect(self.clear)

        self.count_label = QLabel("", parent)
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.clear_button = QToolButton(parent)
        self.clear_button.setText("Clear filters")
        self.clear_button.setToolTip("Show every indicator again")
        self.clear_button.clicked.connect(self.clear)
        self.summary = labelled(self.count_label, self.clear_button, parent)
        self.summary.hide()
        self._updating = False
        self._fill_menus()

    # -- public -----------------------------------------------------------------------------

    @property
    def current(self) -> IpttFilter:
        return self._filter

    def set_table(self, table: IpttTable | None) -> None:
        """The tiers and results of the table shown; a filter naming ones it lacks drops them."""
        self._table = table
        self._fill_menus()

    def set_filter(self, shown: IpttFilter) -> None:
        """Show `shown` as chosen (without emitting `changed`)."""
        self._filter = shown
        self._sync_menus()

    def set_counts(self, shown: int, total: int) -> None:
        """The line shown while a filter is on."""
        if not self._filter.is_active or self._table is None:
            self.summary.hide()
            self.button.setText("Fi&lter")
            self.button.setToolTip(FILTER_TIP)
            return
        words = self._filter.describe(self._table)
        # Short, so the band keeps its lines on a small screen; the words are in the tooltips
        # and the subtitle.
        self.count_label.setText(f"Showing {shown} of {total} indicators")
        self.count_label.setToolTip(f"Filtered by {words}")
        self.button.setText("Fi&lter (on)")
        self.button.setToolTip(f"Filtered by {words}. Change or clear the filter (Alt+L)")
        self.summary.show()

    def clear(self) -> None:
        if self._filter.is_active:
            self._choose(IpttFilter())

    # -- menus ------------------------------------------------------------------------------

    def _fill_menus(self) -> None:
        self._updating = True
        try:
            for action in self.tier_actions.values():
                self.tier_menu.removeAction(action)
                action.deleteLater()
            for action in self.result_actions.values():
                self.result_group.removeAction(action)
                self.result_menu.removeAction(action)
                action.deleteLater()
            self.tier_actions = {}
            self.result_actions = {}
            table = self._table
            for tier in tiers_of(table) if table is not None else []:
                action = self.tier_menu.addAction(tier)
                action.setCheckable(True)
                action.triggered.connect(self._on_menu_changed)
                self.tier_actions[tier] = action
            everything = self.result_menu.addAction("All results")
            everything.setCheckable(True)
            self.result_group.addAction(everything)
            self.result_actions[None] = everything
            for result in table.results if table is not None else ():
                full = result_label(result)
                text = full if len(full) <= MENU_TEXT_LIMIT else full[: MENU_TEXT_LIMIT - 1] + "…"
                # Em spaces show the hierarchy; "&" would be read as a mnemonic.
                action = self.result_menu.addAction("\u2003" * result.depth + text.replace("&", "&&"))
                action.setToolTip(f"{full} and the results below it")
                action.setCheckable(True)
                self.result_group.addAction(action)
                self.result_actions[result.id] = action
            self.tier_menu.setEnabled(bool(self.tier_actions))
            self.result_menu.setEnabled(len(self.result_actions) > 1)
        finally:
            self._updating = False
        # Keep what still applies to this table.
        kept = self._filter
        if table is not None:
            tiers = frozenset(t for t in kept.tiers if t in self.tier_actions)
            result_id = kept.result_id if kept.result_id in self.result_actions else None
            kept = IpttFilter(kept.statuses, tiers, result_id)
        self._filter = kept
        self._sync_menus()

    def _sync_menus(self) -> None:
        self._updating = True
        try:
            for status, action in self.status_actions.items():
                action.setChecked(status in self._filter.statuses)
            for tier, action in self.tier_actions.items():
                action.setChecked(tier in self._filter.tiers)
            chosen = self.result_actions.get(self._filter.result_id) or self.result_actions.get(None)
            if chosen is not None:
                chosen.setChecked(True)
            self.clear_action.setEnabled(self._filter.is_active)
        finally:
            self._updating = False

    def _on_menu_changed(self, _checked: bool = False) -> None:
        if self._updating:
            return
        statuses = frozenset(s for s, a in self.status_actions.items() if a.isChecked())
        tiers = frozenset(t for t, a in self.tier_actions.items() if a.isChecked())
        self._choose(IpttFilter(statuses, tiers, self._filter.result_id))

    def _on_result_chosen(self, chosen: QAction) -> None:
        if self._updating:
            return
        result_id = next((r for r, a in self.result_actions.items() if a is chosen), None)
        self._choose(IpttFilter(self._filter.statuses, self._filter.tiers, result_id))

    def _choose(self, shown: IpttFilter) -> None:
        self._filter = shown
        self._sync_menus()
        self.changed.emit(shown)

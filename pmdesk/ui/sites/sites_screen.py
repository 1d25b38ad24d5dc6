# SPDX-License-Identifier: GPL-3.0-or-later
"""The Sites & people screen: a programme's site hierarchy (add, edit, move, delete) and its people."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import ConflictError, PmdeskError
from pmdesk.ui.form_errors import INFO_STYLE, MESSAGE_ERROR_STYLE, readable_error
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import DataChange, Navigation
from pmdesk.ui.sites.people_table_model import COL_NAME as PEOPLE_COL_NAME
from pmdesk.ui.sites.people_table_model import PeopleTableModel
from pmdesk.ui.sites.person_dialog import PersonDialog
from pmdesk.ui.sites.site_dialog import SiteDialog
from pmdesk.ui.sites.site_tree_model import COL_CODE, COL_NAME, SiteTreeModel
from pmdesk.ui.widgets.elided_label import ElidedLabel
from pmdesk.ui.widgets.flow_layout import FlowLayout
from pmdesk.ui.widgets.notes_fold import NotesFold

if TYPE_CHECKING:
    from pmdesk.services.sites import PersonInfo, SiteInfo
    from pmdesk.ui.context import UiContext

NO_PROGRAMME = "Choose a programme first: sites and people belong to one programme."


class SitesScreen(Screen):
    title = "Sites & people"
    name = "sites"

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._sites: list[SiteInfo] = []
        self._collapsed: set[str] = set()  # kept collapsed across refreshes; the rest is expanded
        self.dialog: SiteDialog | PersonDialog | None = None
        self.site_model = SiteTreeModel(self)
        # Queued: the move (and the model reset it causes) must happen after the drop has ended.
        self.site_model.move_requested.connect(self.move_site, Qt.ConnectionType.QueuedConnection)
        self.people_model = PeopleTableModel(self._save_person_in_place, self)
        self.people_model.person_saved.connect(self._on_person_saved_in_place)
        self.people_model.edit_refused.connect(self._on_person_edit_refused)
        # Queued: the dialog opens once the cell editor has closed.
        self.people_model.edit_not_stored.connect(
            self._on_person_edit_not_stored, Qt.ConnectionType.QueuedConnection
        )
        self._build()
        self._update_actions()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = ElidedLabel(self.title, self, Qt.TextElideMode.ElideRight)
        self.title_label.setObjectName("screenTitle")
        self.message_label = QLabel("", self)
        self.message_label.setObjectName("screenMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        self.tree = QTreeView(self)
        self.tree.setModel(self.site_model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setExpandsOnDoubleClick(False)  # double-click edits the site
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(COL_CODE, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.activated.connect(self._on_site_activated)
        self.tree.collapsed.connect(self._on_collapsed)
        self.tree.expanded.connect(self._on_expanded)
        self.tree.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.add_site_action = self._action(
            "&Add site…", "", "Add a site at the same level as the selected one", self._on_add_site, self.tree
        )
        self.add_below_action = self._action(
            "Add &below…",
            "Ins",
            "Add a site under the selected one (the district of a new school, say)",
            self._on_add_below,
            self.tree,
        )
        self.edit_site_action = self._action(
            "&Rename/Edit…",
            "F2",
            "Change the site's code, name or the site it is under",
            self._on_edit_site,
            self.tree,
        )
        self.delete_site_action = self._action(
            "&Delete…",
            "Del",
            "Delete the site (only without data, targets or sites below)",
            self._on_delete_site,
            self.tree,
        )
        site_label = QLabel(
            "&Sites — drag a site onto another to move it there, or onto empty space for the top level:", self
        )
        site_label.setWordWrap(True)
        site_label.setBuddy(self.tree)
        site_box = QGroupBox("Site hierarchy", self)
        site_layout = QVBoxLayout(site_box)
        self.add_site_button = _button(self, self.add_site_action)
        self.add_below_button = _button(self, self.add_below_action)
        self.edit_site_button = _button(self, self.edit_site_action)
        self.delete_site_button = _button(self, self.delete_site_action)
        site_layout.addLayout(
            _row(self.add_site_button, self.add_below_button, self.edit_site_button, self.delete_site_button)
        )
        site_layout.addWidget(site_label)
        site_layout.addWidget(self.tree, 1)

        self.people_table = QTableView(self)
        self.people_table.setModel(self.people_model)
        self.people_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.people_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.people_table.setSortingEnabled(True)
        self.people_table.sortByColumn(PEOPLE_COL_NAME, Qt.SortOrder.AscendingOrder)
        self.people_table.verticalHeader().hide()
        self.people_table.setWordWrap(False)
        self.people_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.people_table.horizontalHeader().setStretchLastSection(True)
        self.people_model.modelReset.connect(self.people_table.resizeColumnsToContents)
        self.people_table.activated.connect(self._on_person_activated)
        self.people_table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.add_person_action = self._action(
            "Add &person…", "Ins", "Add a person to this programme", self._on_add_person, self.people_table
        )
        self.edit_person_action = self._action(
            "Edi&t person…",
            "",
            "Edit the selected person in a form (Enter); F2 edits one cell",
            self._on_edit_person,
            self.people_table,
        )
        self.delete_person_action = self._action(
            "Delete perso&n…", "Del", "Delete the selected person", self._on_delete_person, self.people_table
        )
        people_label = QLabel("Peop&le — F2 or typing edits a cell, Enter opens the form:", self)
        people_label.setWordWrap(True)
        people_label.setBuddy(self.people_table)
        people_box = QGroupBox("People", self)
        people_layout = QVBoxLayout(people_box)
        self.add_person_button = _button(self, self.add_person_action)
        self.edit_person_button = _button(self, self.edit_person_action)
        self.delete_person_button = _button(self, self.delete_person_action)
        people_layout.addLayout(
            _row(self.add_person_button, self.edit_person_button, self.delete_person_button)
        )
        people_layout.addWidget(people_label)
        people_layout.addWidget(self.people_table, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(site_box)
        self.splitter.addWidget(people_box)
        # People have five columns, sites two: give people the larger share.
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.splitter, 1)
        # On a short screen each list's label says only what the list is; the rest in its tooltip.
        self.site_fold = NotesFold(self, self.tree, (), None, labels=((site_label, "&Sites:"),))
        self.people_fold = NotesFold(self, self.people_table, (), None, labels=((people_label, "Peop&le:"),))
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        title = QFont(self.font())  # derived, so that it follows View ▸ Zoom
        if title.pointSizeF() > 0:
            title.setPointSizeF(title.pointSizeF() * 1.3)
        title.setBold(True)
        self.title_label.setFont(title)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()

    def _action(self, text: str, shortcut: str, tip: str, slot: Callable[[], None], view: QWidget) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            # Only while its list has the focus: Del and Ins act on the list under the cursor.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            tip = f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.triggered.connect(slot)
        view.addAction(action)
        return action

    # -- Screen -----------------------------------------------------------------------------

    def set_programme(self, code: str | None) -> None:
        self.clear_message()  # what was said concerned the previous programme
        super().set_programme(code)

    def refresh(self) -> None:
        code = self.programme_code
        self._sites = []
        people: list[PersonInfo] = []
        if code is not None:
            try:
                self._sites = self.services.sites.list_sites(code)
                people = self.services.sites.list_people(code)
            except PmdeskError as exc:
                self.show_message(readable_error(exc))
        self.title_label.set_full_text(f"{self.title} — {code}" if code else self.title)
        self._set_sites(self._sites, keep=self.selected_site_code())
        selected_person = self.selected_person()
        self.people_model.set_rows(people)
        if selected_person is not None:
            self.select_person(selected_person.code)
        if code is None:
            self.show_message(NO_PROGRAMME, error=False)
        elif self.message_label.text() == NO_PROGRAMME:
            self.clear_message()
        self._update_actions()

    def on_data_changed(self, change: DataChange) -> None:
        if change.made_by(self):
            return  # our own write: already refreshed
        if change.kind in ("sites", "people", "programmes") and change.concerns(self.programme_code):
            self.refresh()

    def navigate(self, target: Navigation) -> None:
        if target.site_code:
            self.select_site(target.site_code)

    def find_text(self, text: str) -> bool:
        needle = text.casefold()
        codes = self.site_model.codes()
        current = self.selected_site_code()
        start = codes.index(current) + 1 if current in codes else 0
        for step in range(len(codes)):
            site = self.site_model.site_at(self.site_model.index_of(codes[(start + step) % len(codes)]))
            if site is not None and (needle in site.name.casefold() or needle in site.code.casefold()):
                self.select_site(site.code)
                return True
        return False

    # -- messages ---------------------------------------------------------------------------

    def show_message(self, text: str, error: bool = True) -> None:
        self.message_label.setProperty("is_error", error)
        self.message_label.setStyleSheet(MESSAGE_ERROR_STYLE if error else INFO_STYLE)
        self.message_label.setText(text)
        self.message_label.show()

    def clear_message(self) -> None:
        self.message_label.setText("")
        self.message_label.hide()

    # -- sites ------------------------------------------------------------------------------

    def _set_sites(self, sites: list[SiteInfo], keep: str | None) -> None:
        self.site_model.set_rows(sites)
        # One pass over the tree, then the few the user folded: expanding each site on its own laid
        # the tree out again every time (issue #11 §2).
        self.tree.expandAll()
        for code in list(self._collapsed):
            index = self.site_model.index_of(code)
            if index.isValid():
                self.tree.collapse(index)
        if not (keep and self.select_site(keep)) and sites:
            self.select_site(sites[0].code)  # something selected: the keys and buttons work at once

    def selected_site_code(self) -> str | None:
        site = self.site_model.site_at(self.tree.currentIndex())
        selected = self.tree.selectionModel().selectedRows()
        return site.code if site is not None and selected else None

    def selected_site(self) -> SiteInfo | None:
        code = self.selected_site_code()
        return next((s for s in self._sites if s.code == code), None)

    def select_site(self, code: str) -> bool:
        index = self.site_model.index_of(code)
        if not index.isValid():
            return False
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    def _on_collapsed(self, index: QModelIndex) -> None:
        site = self.site_model.site_at(index)
        if site is not None:
            self._collapsed.add(site.code)

    def _on_expanded(self, index: QModelIndex) -> None:
        site = self.site_model.site_at(index)
        if site is not None:
            self._collapsed.discard(site.code)

    def _on_site_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self._on_edit_site()

    def _on_add_site(self) -> None:
        site = self.selected_site()
        self._add_site(site.parent_code if site else None, "Add site")

    def _on_add_below(self) -> None:
        site = self.selected_site()
        self._add_site(site.code if site else None, f"Add a site below {site.name}" if site else "Add site")

    def _add_site(self, parent_code: str | None, title: str) -> None:
        programme = self.programme_code
        if programme is None:
            return
        added: list[str] = []

        def submit(code: str, name: str, parent: str | None) -> None:
            added.append(self.services.sites.add_site(programme, code, name, parent).code)

        dialog = SiteDialog(title, self._sites, submit, parent_code=parent_code, parent=self)
        self._run_dialog(dialog, lambda: self._after_site_write(added[-1], f"Site {added[-1]} added."))

    def _on_edit_site(self) -> None:
        programme, site = self.programme_code, self.selected_site()
        if programme is None or site is None:
            return
        saved: list[str] = []

        def submit(code: str, name: str, parent: str | None) -> None:
            info = self.services.sites.update_site(
                programme, site.code, new_code=code, name=name, parent_code=parent
            )
            saved.append(info.code)

        excluded = self.site_model.descendants(site.code) | {site.code}
        dialog = SiteDialog(
            f"Edit site {site.code}", self._sites, submit, site=site, excluded=excluded, parent=self
        )
        self._run_dialog(dialog, lambda: self._after_site_write(saved[-1], f"Site {saved[-1]} saved."))

    def move_site(self, code: str, parent_code: str | None) -> bool:
        """Move a site under another (None: to the top level), as a drop on the tree asks."""
        programme = self.programme_code
        if programme is None:
            return False
        try:
            self.services.sites.update_site(programme, code, parent_code=parent_code)
        except PmdeskError as exc:
            self.show_message(f"Site {code} was not moved: {readable_error(exc)}")
            return False
        where = f"under {parent_code}" if parent_code else "to the top level"
        self._after_site_write(code, f"Site {code} moved {where}.")
        return True

    def _on_delete_site(self) -> None:
        programme, site = self.programme_code, self.selected_site()
        if programme is None or site is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete site",
            f"Delete site {site.code} — {site.name}?\n\n"
            "A site that has data values, targets or sites below it is kept.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.services.sites.delete_site(programme, site.code)
        except PmdeskError as exc:
            self.show_message(f"Site {site.code} was not deleted: {readable_error(exc)}")
            return
        self._after_site_write(site.parent_code, f"Site {site.code} deleted.")

    def _after_site_write(self, select: str | None, message: str) -> None:
        self.refresh()
        if select:
            self.select_site(select)
        self.show_message(message, error=False)
        self._announce("sites")
        self.tree.setFocus()

    # -- people -----------------------------------------------------------------------------

    def selected_person(self) -> PersonInfo | None:
        rows = self.people_table.selectionModel().selectedRows()
        return self.people_model.person_at(rows[0].row()) if rows else None

    def select_person(self, code: str) -> bool:
        row = self.people_model.row_of(code)
        if row >= 0:
            self.people_table.selectRow(row)
        return row >= 0

    def _save_person_in_place(self, person: PersonInfo) -> PersonInfo:
        if self.programme_code is None:
            raise ConflictError("choose a programme first")
        return self.services.sites.save_person(
            self.programme_code, person.code, person.name, person.organisation, person.role, person.email
        )

    def _on_person_saved_in_place(self, person: PersonInfo) -> None:
        self.show_message(f"{person.name} saved.", error=False)
        self._announce("people")

    def _on_person_edit_refused(self, error: PmdeskError) -> None:
        self.show_message(f"Not saved: {readable_error(error)}")

    def _on_person_edit_not_stored(self, error: PmdeskError, typed: PersonInfo) -> None:
        """The database did not take an edit made in the table: it goes to the person's dialog,
        which says why and saves it on OK, rather than being lost."""
        programme = self.programme_code
        if programme is None or self.dialog is not None:
            self.show_message(f"Not saved: {readable_error(error)}")
            return

        def submit(code: str, name: str, organisation: str, role: str, email: str) -> None:
            self.services.sites.save_person(programme, code, name, organisation, role, email)

        dialog = PersonDialog(submit, typed, parent=self)
        dialog.show_failure(error)
        self._run_dialog(dialog, lambda: self._after_person_write(typed.code, f"{typed.code} saved."))

    def _on_person_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self._on_edit_person()

    def _on_add_person(self) -> None:
        programme = self.programme_code
        if programme is None:
            return
        added: list[str] = []

        def submit(code: str, name: str, organisation: str, role: str, email: str) -> None:
            # save_person updates a person with the same code: adding must never overwrite one.
            existing = self.people_model.person_at(self.people_model.row_of(code))
            if existing is not None:
                raise ConflictError(f"{existing.name} already has the code '{code}'; choose another")
            added.append(
                self.services.sites.save_person(programme, code, name, organisation, role, email).code
            )

        dialog = PersonDialog(submit, parent=self)
        self._run_dialog(dialog, lambda: self._after_person_write(added[-1], f"Person {added[-1]} added."))

    def _on_edit_person(self) -> None:
        programme, person = self.programme_code, self.selected_person()
        if programme is None or person is None:
            return

        def submit(code: str, name: str, organisation: str, role: str, email: str) -> None:
            self.services.sites.save_person(programme, code, name, organisation, role, email)

        dialog = PersonDialog(submit, person, parent=self)
        self._run_dialog(dialog, lambda: self._after_person_write(person.code, f"{person.code} saved."))

    def _on_delete_person(self) -> None:
        programme, person = self.programme_code, self.selected_person()
        if programme is None or person is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete person",
            f"Delete {person.name} ({person.code})?\n\n"
            "Indicators they are responsible for will have no responsible person.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.services.sites.delete_person(programme, person.code)
        except PmdeskError as exc:
            self.show_message(f"{person.name} was not deleted: {readable_error(exc)}")
            return
        self._after_person_write(None, f"{person.name} deleted.")

    def _after_person_write(self, select: str | None, message: str) -> None:
        self.refresh()
        if select:
            self.select_person(select)
        self.show_message(message, error=False)
        self._announce("people")
        self.people_table.setFocus()

    # -- shared -----------------------------------------------------------------------------

    def _run_dialog(self, dialog: SiteDialog | PersonDialog, on_accepted: Callable[[], None]) -> None:
        """Window-modal, not blocking: the dialog calls the service itself and closes on success."""
        self.dialog = dialog
        dialog.accepted.connect(on_accepted)
        dialog.finished.connect(self._on_dialog_finished)
        dialog.open()

    def _on_dialog_finished(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        has_programme = self.programme_code is not None
        has_site = self.selected_site() is not None
        has_person = self.selected_person() is not None
        self.add_site_action.setEnabled(has_programme)
        self.add_below_action.setEnabled(has_programme and has_site)
        self.edit_site_action.setEnabled(has_site)
        self.delete_site_action.setEnabled(has_site)
        self.add_person_action.setEnabled(has_programme)
        self.edit_person_action.setEnabled(has_person)
        self.delete_person_action.setEnabled(has_person)

    def _announce(self, kind: str) -> None:
        self.context.signals.announce(kind, self.programme_code, origin=self)


def _button(parent: QWidget, action: QAction) -> QPushButton:
    """A push button that mirrors an action (text, tip, enabled), so keys and mouse do the same."""
    button = QPushButton(action.text(), parent)
    button.setToolTip(action.toolTip())
    button.setEnabled(action.isEnabled())
    button.clicked.connect(action.trigger)
    action.changed.connect(lambda: button.setEnabled(action.isEnabled()))
    return button


def _row(*buttons: QPushButton) -> FlowLayout:
    """The buttons in a row that wraps when the panel is narrow (a small screen, a large zoom)."""
    row = FlowLayout()
    for button in buttons:
        row.addWidget(button)
    return row

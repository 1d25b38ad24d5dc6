# SPDX-License-Identifier: GPL-3.0-or-later
"""Who is working? Asked when a database is first opened on this computer, and from the status bar
or File ▸ Who is working…: the person chosen is named in History and on every value entered,
submitted or approved, instead of the computer's login name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.ui.unsaved import storage_failure_text

if TYPE_CHECKING:  # the window starts before the database layer is imported
    from pmdesk.services.working_person import PersonChoice, WorkingPersonService

_NAME = Qt.ItemDataRole.UserRole


class WorkingPersonDialog(QDialog):
    """Type a name, or pick one of the people the database's programmes list; typing filters the
    list. OK remembers the choice for this database on this computer. A save that fails keeps
    the dialog open with what was typed, and says why."""

    def __init__(
        self, service: WorkingPersonService, *, first_time: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._service = service
        self.chosen: str | None = None
        self.setWindowTitle("Who is working?")
        current = service.name
        intro = QLabel(
            "PMDesk records who enters, submits and approves each value. Choose your name; it is "
            "remembered for this database on this computer."
            + (
                f" Until you do, changes are recorded under the computer's login name, "
                f"<b>{_escaped(current)}</b>."
                if first_time
                else f" Changes are now recorded as <b>{_escaped(current)}</b>."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("Your name, as colleagues know it")
        self.name_edit.setMaxLength(200)
        name_label = QLabel("&Your name:", self)
        name_label.setBuddy(self.name_edit)
        self.people_list = QListWidget(self)
        self.people_list.setAlternatingRowColors(True)
        # Long roles are shortened at the end (the tooltip has it all), never scrolled sideways.
        self.people_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.people_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fill(service.candidates())
        people_label = QLabel("Or choose one of the &people listed in the programmes:", self)
        people_label.setBuddy(self.people_list)
        self.people_label = people_label
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("QLabel { color: #a40000; }")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if first_time:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Later")
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(name_label)
        layout.addWidget(self.name_edit)
        layout.addWidget(people_label)
        layout.addWidget(self.people_list, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        has_people = self.people_list.count() > 0
        people_label.setVisible(has_people)
        self.people_list.setVisible(has_people)
        self.resize(560, 400 if has_people else 200)

        self.name_edit.textEdited.connect(self._on_typed)
        self.people_list.currentItemChanged.connect(self._on_picked)
        self.people_list.itemActivated.connect(lambda _item: self._on_ok())
        self.name_edit.installEventFilter(self)
        remembered = service.chosen()
        if remembered:
            self.name_edit.setText(remembered)
            self.name_edit.selectAll()
        self._update_ok()

    def _fill(self, people: list[PersonChoice]) -> None:
        for person in people:
            item = QListWidgetItem(f"{person.name} — {person.described}" if person.described else person.name)
            item.setData(_NAME, person.name)
            item.setToolTip(item.text())
            self.people_list.addItem(item)

    def typed_name(self) -> str:
        return self.name_edit.text().strip()

    def eventFilter(self, watched: object, event: object) -> bool:
        # Down from the name goes into the list, as in a search field with suggestions.
        if (
            watched is self.name_edit
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.people_list.isVisible()
        ):
            self.people_list.setFocus(Qt.FocusReason.TabFocusReason)
            if self.people_list.currentRow() < 0:
                self._select_first_shown()
            return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _on_typed(self, text: str) -> None:
        wanted = " ".join(text.split()).casefold()
        for row in range(self.people_list.count()):
            item = self.people_list.item(row)
            item.setHidden(bool(wanted) and wanted not in item.text().casefold())
        self.people_list.setCurrentRow(-1)
        self.error_label.hide()
        self._update_ok()

    def _select_first_shown(self) -> None:
        for row in range(self.people_list.count()):
            if not self.people_list.item(row).isHidden():
                self.people_list.setCurrentRow(row)
                return

    def _on_picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.name_edit.setText(str(item.data(_NAME)))
            self.error_label.hide()
        self._update_ok()

    def _update_ok(self) -> None:
        name = self.typed_name()
        self.ok_button.setEnabled(bool(name))
        self.ok_button.setText(f"Work as {name}" if name else "OK")

    def _on_ok(self) -> None:
        name = self.typed_name()
        if not name:
            return
        try:
            self.chosen = self._service.choose(name)
        except PmdeskError as exc:
            # The dialog stays, with the name as typed: OK tries again.
            text = storage_failure_text(exc, "OK") if isinstance(exc, StorageError) else str(exc)
            self.error_label.setText(f"Not saved: {text}")
            self.error_label.show()
            return
        self.accept()


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class WorkingPersonButton(QToolButton):
    """The status bar's "Working as …": who changes are recorded as; a click changes it."""

    person_chosen = Signal(str)  # the name now recorded on changes

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # File ▸ Who is working… is the keyboard's way
        self._service: WorkingPersonService | None = None
        self.clicked.connect(lambda: self.choose())
        self.hide()

    def set_service(self, service: WorkingPersonService | None) -> None:
        """The services of the database just opened (None: it is being closed)."""
        self._service = service
        self.setVisible(service is not None)
        self.update_text()

    def update_text(self) -> None:
        if self._service is None:
            return
        name = self._service.name
        self.setText(f"Working as {name}")
        self.setToolTip(
            f"Changes are recorded as {name}, on this computer. Click (or File ▸ Who is working…) "
            "to change who is working."
        )

    def choose(self, *, first_time: bool = False) -> WorkingPersonDialog | None:
        """Open the dialog (without blocking: the window stays painted behind it); None when no
        database is open."""
        if self._service is None:
            return None
        dialog = WorkingPersonDialog(self._service, first_time=first_time, parent=self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._on_chosen)
        dialog.open()
        return dialog

    def _on_chosen(self) -> None:
        self.update_text()
        if self._service is not None:
            self.person_chosen.emit(self._service.name)

# SPDX-License-Identifier: GPL-3.0-or-later
"""A programme's people (code, name, organisation, role, e-mail), editable in place and sortable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.ui.rows_model import RowsModel

if TYPE_CHECKING:
    from pmdesk.services.sites import PersonInfo

COL_CODE = 0
COL_NAME = 1
COL_ORGANISATION = 2
COL_ROLE = 3
COL_EMAIL = 4


HEADERS = ("Code", "Name", "Organisation", "Role", "E-mail")
_FIELDS = ("code", "name", "organisation", "role", "email")
EDITABLE = (COL_NAME, COL_ORGANISATION, COL_ROLE, COL_EMAIL)

# Saves an edited person and returns what was stored; raises PmdeskError to refuse the edit.
PersonSaver = Callable[["PersonInfo"], "PersonInfo"]

_Index = QModelIndex | QPersistentModelIndex


class PeopleTableModel(RowsModel["PersonInfo"]):
    headers = HEADERS
    """Rows of PersonInfo (frozen). An edit goes through `saver` at once; a refusal leaves the row
    as it was and is reported through `edit_refused`, or `edit_not_stored` with what was typed
    when the database did not take it (locked, disk full). The code is the person's key: read-only."""

    person_saved = Signal(object)  # PersonInfo as stored
    edit_refused = Signal(object)  # the PmdeskError the saver raised
    edit_not_stored = Signal(object, object)  # (the StorageError, the PersonInfo as typed)

    def __init__(self, saver: PersonSaver | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._saver = saver
        self._sort: tuple[int, Qt.SortOrder] = (COL_NAME, Qt.SortOrder.AscendingOrder)

    def set_saver(self, saver: PersonSaver | None) -> None:
        self._saver = saver

    def set_rows(self, rows: Sequence[PersonInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._apply_sort()
        self.endResetModel()

    def person_at(self, row: int) -> PersonInfo | None:
        return self.row_at(row)

    def row_of(self, code: str) -> int:
        return next((i for i, p in enumerate(self._rows) if p.code == code), -1)

    # -- Qt overrides -----------------------------------------------------------------------

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        person = self.person_at(index.row()) if index.isValid() else None
        if person is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return getattr(person, _FIELDS[index.column()])
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == COL_CODE:
                return "The person's code, used in files and packages; it cannot change"
            return f"{person.name} ({person.code}) — F2 or typing edits this cell"
        if role == Qt.ItemDataRole.UserRole:
            return person.code
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        person = self.person_at(index.row()) if index.isValid() else None
        if person is None or role != Qt.ItemDataRole.EditRole or index.column() not in EDITABLE:
            return False
        text = "" if value is None else str(value).strip()
        field_name = _FIELDS[index.column()]
        if text == getattr(person, field_name):
            return False
        if self._saver is None:
            return False
        typed = replace(person, **{field_name: text})  # type: ignore[arg-type]
        try:
            saved = self._saver(typed)
        except StorageError as exc:
            self.edit_not_stored.emit(exc, typed)
            return False
        except PmdeskError as exc:
            self.edit_refused.emit(exc)
            return False
        row = self.row_of(person.code)
        if row < 0:
            return False
        self._rows[row] = saved
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
        self.person_saved.emit(saved)
        return True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in EDITABLE and self._saver is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        # Selections are persistent indexes: they must follow their row, not stay at its number.
        old = self.persistentIndexList()
        keys = [(self._rows[i.row()].code, i.column()) for i in old]
        self._sort = (column, order)
        self._apply_sort()
        self.changePersistentIndexList(old, [self.index(self.row_of(code), col) for code, col in keys])
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        column, order = self._sort
        name = _FIELDS[column] if 0 <= column < len(_FIELDS) else "name"
        self._rows.sort(key=lambda p: (str(getattr(p, name)).casefold(), p.code))
        if order == Qt.SortOrder.DescendingOrder:
            self._rows.reverse()

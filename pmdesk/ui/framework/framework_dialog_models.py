# SPDX-License-Identifier: GPL-3.0-or-later
"""Small models behind the framework dialogs: chosen disaggregations, options, disaggregations, tiers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from pmdesk.services.framework_records import DisaggregationInfo, OptionData
from pmdesk.ui.formatting import counted, format_count

_Index = QModelIndex | QPersistentModelIndex
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def disaggregation_label(info: DisaggregationInfo) -> str:
    options = ", ".join(o.name for o in info.options)
    return f"{info.name} ({info.code}): {options}" if options else f"{info.name} ({info.code})"


class DisaggregationChoiceModel(QAbstractListModel):
    """The programme's disaggregations, each checkable; checked ones come first, in the order the
    indicator uses them (its cells are the cross product in that order)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DisaggregationInfo] = []
        self._chosen: set[str] = set()

    def set_rows(self, disaggregations: Sequence[DisaggregationInfo], chosen: Sequence[str]) -> None:
        by_code = {d.code: d for d in disaggregations}
        self.beginResetModel()
        self._rows = [by_code[c] for c in chosen if c in by_code]
        self._rows += [d for d in disaggregations if d.code not in chosen]
        self._chosen = {c for c in chosen if c in by_code}
        self.endResetModel()

    def chosen(self) -> tuple[str, ...]:
        return tuple(d.code for d in self._rows if d.code in self._chosen)

    def set_chosen(self, code: str, is_chosen: bool) -> None:
        row = next((i for i, d in enumerate(self._rows) if d.code == code), -1)
        if row >= 0:
            self.setData(self.index(row), _check(is_chosen), Qt.ItemDataRole.CheckStateRole)

    def move(self, row: int, delta: int) -> int:
        """Move a row up (-1) or down (+1); returns its new row (unchanged at either end)."""
        target = row + delta
        if not (0 <= row < len(self._rows) and 0 <= target < len(self._rows)):
            return row
        # Qt wants the destination as the row *before which* to insert, in the old numbering.
        destination = target + 1 if delta > 0 else target
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        self._rows.insert(target, self._rows.pop(row))
        self.endMoveRows()
        return target

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return disaggregation_label(info)
        if role == Qt.ItemDataRole.CheckStateRole:
            return _check(info.code in self._chosen)
        if role == Qt.ItemDataRole.UserRole:
            return info.code
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        code = self._rows[index.row()].code
        if _is_checked(value):
            self._chosen.add(code)
        else:
            self._chosen.discard(code)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable


OPTION_COL_CODE = 0
OPTION_COL_NAME = 1
OPTION_HEADERS = ("Code", "Name")


class OptionTableModel(QAbstractTableModel):
    """The options of one disaggregation, editable in place. Codes of stored options are fixed:
    values refer to them, so a stored option is renamed through its name."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[OptionData] = []
        self._stored: set[str] = set()

    def set_rows(self, options: Sequence[OptionData]) -> None:
        self.beginResetModel()
        self._rows = list(options)
        self._stored = {o.code for o in options}
        self.endResetModel()

    def options(self) -> list[OptionData]:
        return [OptionData(o.code.strip(), o.name.strip()) for o in self._rows]

    def is_stored(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row].code in self._stored

    def add_row(self) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(OptionData("", ""))
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def move(self, row: int, delta: int) -> int:
        target = row + delta
        if not (0 <= row < len(self._rows) and 0 <= target < len(self._rows)):
            return row
        destination = target + 1 if delta > 0 else target
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        self._rows.insert(target, self._rows.pop(row))
        self.endMoveRows()
        return target

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(OPTION_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return OPTION_HEADERS[section] if 0 <= section < len(OPTION_HEADERS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        option = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return option.code if index.column() == OPTION_COL_CODE else option.name
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == OPTION_COL_CODE:
            if self.is_stored(index.row()):
                return "Stored values refer to this code, so it cannot change; rename the option instead"
            return "A short code: letters, digits, '.', '_' or '-'"
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (index.flags() & Qt.ItemFlag.ItemIsEditable):
            return False
        option = self._rows[index.row()]
        text = str(value)
        if index.column() == OPTION_COL_CODE:
            self._rows[index.row()] = replace(option, code=text.strip())
        else:
            self._rows[index.row()] = replace(option, name=text)
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == OPTION_COL_NAME or not self.is_stored(index.row()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags


DISAGG_COL_CODE = 0
DISAGG_COL_NAME = 1
DISAGG_COL_OPTIONS = 2
DISAGG_HEADERS = ("Code", "Name", "Options")


class DisaggregationListModel(QAbstractTableModel):
    """The programme's disaggregations, read-only: code, name, options."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DisaggregationInfo] = []

    def set_rows(self, rows: Sequence[DisaggregationInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def disaggregation_at(self, row: int) -> DisaggregationInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, code: str) -> int:
        return next((i for i, d in enumerate(self._rows) if d.code == code), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(DISAGG_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return DISAGG_HEADERS[section] if 0 <= section < len(DISAGG_HEADERS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        info = self.disaggregation_at(index.row()) if index.isValid() else None
        if info is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == DISAGG_COL_CODE:
                return info.code
            if index.column() == DISAGG_COL_NAME:
                return info.name
            return ", ".join(o.name for o in info.options)
        if role == Qt.ItemDataRole.ToolTipRole:
            return disaggregation_label(info)
        if role == Qt.ItemDataRole.UserRole:
            return info.code
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


TIER_COL_NAME = 0
TIER_COL_RESULTS = 1
TIER_HEADERS = ("Tier name", "Results")


class TierTableModel(QAbstractTableModel):
    """Tier names from the top of the results chain down, editable; beside each, how many results
    sit on that level (they keep their level when tiers are renamed)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self._usage: list[int] = []

    def set_rows(self, names: Sequence[str], usage: Sequence[int]) -> None:
        self.beginResetModel()
        self._names = list(names)
        self._usage = list(usage)
        self.endResetModel()

    def set_names(self, names: Sequence[str]) -> None:
        """Replace the names (a template), keeping the result counts by level."""
        self.beginResetModel()
        self._names = list(names)
        self.endResetModel()

    def names(self) -> list[str]:
        return [n.strip() for n in self._names]

    def results_on(self, row: int) -> int:
        return self._usage[row] if 0 <= row < len(self._usage) else 0

    def add_row(self, name: str) -> int:
        row = len(self._names)
        self.beginInsertRows(QModelIndex(), row, row)
        self._names.append(name)
        self.endInsertRows()
        return row

    def remove_last(self) -> None:
        if self._names:
            row = len(self._names) - 1
            self.beginRemoveRows(QModelIndex(), row, row)
            self._names.pop()
            self.endRemoveRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._names)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TIER_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return TIER_HEADERS[section] if 0 <= section < len(TIER_HEADERS) else None
        return str(section + 1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._names):
            return None
        row, column = index.row(), index.column()
        if column == TIER_COL_NAME and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._names[row]
        if column == TIER_COL_RESULTS:
            if role == Qt.ItemDataRole.DisplayRole:
                return format_count(self.results_on(row)) if row < len(self._usage) else "new"
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Level {row + 1}: {counted(self.results_on(row), 'result')}"
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != TIER_COL_NAME:
            return False
        self._names[index.row()] = str(value)
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == TIER_COL_NAME:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags


def _check(is_checked: bool) -> Qt.CheckState:
    return Qt.CheckState.Checked if is_checked else Qt.CheckState.Unchecked


def _is_checked(value: Any) -> bool:
    # Views hand over the enum or, through some delegates, its int value.
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    return value == Qt.CheckState.Checked.value

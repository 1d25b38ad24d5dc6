# SPDX-License-Identifier: GPL-3.0-or-later
"""A programme's sites as a tree (country > region > district > site), with drag-and-drop to move one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

if TYPE_CHECKING:
    from pmdesk.services.sites import SiteInfo

COL_NAME = 0
COL_CODE = 1
HEADERS = ("Site", "Code")

SITE_MIME_TYPE = "application/x-pmdesk-site-code"

_Index = QModelIndex | QPersistentModelIndex
# Plain ints and one flags value: data() and flags() run for every row painted or sized, and an
# enum's attribute or a flag's `|` per call was most of their cost (issue #11 §2).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_USER = int(Qt.ItemDataRole.UserRole)
_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDragEnabled
    | Qt.ItemFlag.ItemIsDropEnabled
)


@dataclass
class _Node:
    """One site in the tree; `number` is the internal id its model indexes carry (0 is the root)."""

    number: int
    site: SiteInfo | None
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    row: int = 0  # its place among its parent's children (kept, not searched for at every index)


class SiteTreeModel(QAbstractItemModel):
    """Read-only tree of SiteInfo; dropping a site on another asks (move_requested) to move it
    there, dropping it on empty space asks to make it a top-level site. The model itself never
    changes on a drop: the screen moves the site through the service and sets new rows."""

    move_requested = Signal(str, object)  # site code, new parent code (None: top level)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = _Node(0, None)
        self._nodes: list[_Node] = [self._root]
        self._by_code: dict[str, _Node] = {}

    def set_rows(self, sites: Sequence[SiteInfo]) -> None:
        """Sites in hierarchy order (each parent before its children), as SiteService lists them."""
        self.beginResetModel()
        self._root = _Node(0, None)
        self._nodes = [self._root]
        self._by_code = {}
        for site in sites:
            parent = self._by_code.get(site.parent_code or "", self._root)
            node = _Node(len(self._nodes), site, parent, row=len(parent.children))
            parent.children.append(node)
            self._nodes.append(node)
            self._by_code[site.code] = node
        self.endResetModel()

    def site_at(self, index: _Index) -> SiteInfo | None:
        node = self._node(index)
        return node.site if node is not None else None

    def index_of(self, code: str, column: int = COL_NAME) -> QModelIndex:
        node = self._by_code.get(code)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node.number)

    def codes(self) -> list[str]:
        """Every site code, in tree order."""
        return list(self._by_code)

    def descendants(self, code: str) -> set[str]:
        """The codes of every site below `code` (not itself)."""
        found: set[str] = set()
        stack = list(self._by_code[code].children) if code in self._by_code else []
        while stack:
            node = stack.pop()
            if node.site is not None:
                found.add(node.site.code)
            stack.extend(node.children)
        return found

    def _node(self, index: _Index) -> _Node | None:
        if not index.isValid():
            return None
        number = index.internalId()
        return self._nodes[number] if 0 < number < len(self._nodes) else None

    # -- Qt overrides -----------------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent) if parent.isValid() else self._root
        if node is None or not 0 <= row < len(node.children) or not 0 <= column < len(HEADERS):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row].number)

    def parent(self, index: _Index | None = None) -> Any:  # type: ignore[override]
        if index is None:  # QObject.parent(): the model's owner
            return QObject.parent(self)
        node = self._node(index)
        if node is None or node.parent is None or node.parent is self._root:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent.number)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self._node(parent) if parent.isValid() else self._root
        return len(node.children) if node is not None else 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (_DISPLAY, _TOOLTIP, _USER):
            return None
        site = self.site_at(index)
        if site is None:
            return None
        if role == _DISPLAY:
            return site.name if index.column() == COL_NAME else site.code
        if role == _TOOLTIP:
            where = f"under {site.parent_code}" if site.parent_code else "a top-level site"
            return f"{site.name} ({site.code}), {where}\nDrag it onto another site to move it there"
        return site.code

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            # Dropping on empty space makes a site top-level.
            return Qt.ItemFlag.ItemIsDropEnabled
        return _FLAGS

    # -- drag and drop ----------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [SITE_MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        codes = {self.site_at(i).code for i in indexes if self.site_at(i) is not None}  # type: ignore[union-attr]
        if len(codes) == 1:
            data.setData(SITE_MIME_TYPE, QByteArray(next(iter(codes)).encode("utf-8")))
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        return action == Qt.DropAction.MoveAction and data.hasFormat(SITE_MIME_TYPE)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        code = bytes(data.data(SITE_MIME_TYPE).data()).decode("utf-8")
        moved = self._by_code.get(code)
        target = self.site_at(parent)
        new_parent = target.code if target is not None else None
        if moved is None or moved.site is None or new_parent == code or moved.site.parent_code == new_parent:
            return False  # dropped where it already is
        self.move_requested.emit(code, new_parent)
        # False: nothing moved yet, so the view must not remove the dragged row itself.
        return False

# SPDX-License-Identifier: GPL-3.0-or-later
"""The results framework as a tree: results by tier, their indicators as leaves, drag and drop to move them."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from pmdesk.domain.enums import Measure
from pmdesk.ui.formatting import counted

if TYPE_CHECKING:
    from pmdesk.services.framework_records import IndicatorInfo, ResultInfo

COL_TITLE = 0
COL_MEASURE = 1
COL_UNIT = 2
HEADERS = ("Result / indicator", "Measure", "Unit")

RESULT = "result"
INDICATOR = "indicator"
MIME_TYPE = "application/x-pmdesk-framework-node"
KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the NodeKey of the row

MEASURE_LABELS = {
    Measure.NUMBER: "Number",
    Measure.PERCENT: "Percent",
    Measure.QUALITATIVE: "Qualitative",
}

_Index = QModelIndex | QPersistentModelIndex
_ROOT = 0


@dataclass(frozen=True)
class NodeKey:
    """What a row stands for; codes are unique per kind within a programme."""

    kind: str  # RESULT or INDICATOR
    code: str


@dataclass(frozen=True)
class DropPlan:
    """What a drop means for the services: move a result (parent, position among its sibling
    results) or an indicator (its result, position among that result's indicators)."""

    key: NodeKey
    parent_code: str | None
    position: int = 0


@dataclass(eq=False)
class _Node:
    id: int
    key: NodeKey | None  # None for the invisible root
    parent: _Node | None
    row: int = 0
    children: list[_Node] = field(default_factory=list)
    result: ResultInfo | None = None
    indicator: IndicatorInfo | None = None


class FrameworkTreeModel(QAbstractItemModel):
    """Each result node lists its indicators first, then the results below it, so an indicator
    always sits right under the result it measures. Drops do not change the model: they emit a
    request, the screen asks the service and reloads."""

    result_move_requested = Signal(str, object, int)  # code, new parent code or None, position
    indicator_move_requested = Signal(str, str, int)  # code, result code, position

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._nodes: dict[int, _Node] = {}
        self._by_key: dict[NodeKey, _Node] = {}
        self._root = _Node(_ROOT, None, None)
        self._reset_nodes()

    # -- content ----------------------------------------------------------------------------

    def set_rows(self, results: Sequence[ResultInfo], indicators: Sequence[IndicatorInfo]) -> None:
        """Results depth first (parents before children, as FrameworkService.list_results gives
        them) and indicators in their order."""
        self.beginResetModel()
        self._reset_nodes()
        result_nodes: dict[str, _Node] = {}
        below: dict[str | None, list[_Node]] = {}
        for result in results:
            node = self._new_node(NodeKey(RESULT, result.code))
            node.result = result
            result_nodes[result.code] = node
            below.setdefault(result.parent_code, []).append(node)
        measured: dict[str, list[_Node]] = {}
        for indicator in indicators:
            if indicator.data.result_code not in result_nodes:
                continue  # cannot happen through the services; never show an orphan as top level
            node = self._new_node(NodeKey(INDICATOR, indicator.data.code))
            node.indicator = indicator
            measured.setdefault(indicator.data.result_code, []).append(node)
        tops = [n for code, nodes in below.items() if code not in result_nodes for n in nodes]
        self._adopt(self._root, tops)
        for code, node in result_nodes.items():
            self._adopt(node, measured.get(code, []) + below.get(code, []))
        self.endResetModel()

    def _reset_nodes(self) -> None:
        self._root = _Node(_ROOT, None, None)
        self._nodes = {_ROOT: self._root}
        self._by_key = {}

    def _new_node(self, key: NodeKey) -> _Node:
        node = _Node(len(self._nodes), key, None)
        self._nodes[node.id] = node
        self._by_key[key] = node
        return node

    @staticmethod
    def _adopt(parent: _Node, children: list[_Node]) -> None:
        parent.children = children
        for row, child in enumerate(children):
            child.parent, child.row = parent, row

    # -- lookups ----------------------------------------------------------------------------

    def key_at(self, index: _Index) -> NodeKey | None:
        node = self._node(index)
        return None if node is self._root else node.key

    def result_at(self, index: _Index) -> ResultInfo | None:
        return self._node(index).result if index.isValid() else None

    def indicator_at(self, index: _Index) -> IndicatorInfo | None:
        return self._node(index).indicator if index.isValid() else None

    def index_of(self, key: NodeKey, column: int = COL_TITLE) -> QModelIndex:
        """The index of the row for `key`; invalid when there is none."""
        node = self._by_key.get(key)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node.id)

    def result(self, code: str) -> ResultInfo | None:
        node = self._by_key.get(NodeKey(RESULT, code))
        return node.result if node else None

    def indicator(self, code: str) -> IndicatorInfo | None:
        node = self._by_key.get(NodeKey(INDICATOR, code))
        return node.indicator if node else None

    def indicators_of(self, result_code: str) -> list[IndicatorInfo]:
        node = self._by_key.get(NodeKey(RESULT, result_code))
        return [c.indicator for c in node.children if c.indicator] if node else []

    def results_below(self, result_code: str | None) -> list[ResultInfo]:
        """The results directly below `result_code` (None: the top-level results), in order."""
        node = self._root if result_code is None else self._by_key.get(NodeKey(RESULT, result_code))
        return [c.result for c in node.children if c.result] if node else []

    def is_below(self, code: str, ancestor_code: str) -> bool:
        """Whether result `code` is `ancestor_code` itself or somewhere below it."""
        node = self._by_key.get(NodeKey(RESULT, code))
        while node is not None and node is not self._root:
            if node.key == NodeKey(RESULT, ancestor_code):
                return True
            node = node.parent
        return False

    def walk(self) -> Iterator[QModelIndex]:
        """Every row's title index, depth first in display order (for Find)."""
        stack = list(reversed(self._root.children))
        while stack:
            node = stack.pop()
            yield self.createIndex(node.row, COL_TITLE, node.id)
            stack.extend(reversed(node.children))

    def _node(self, index: _Index) -> _Node:
        if not index.isValid():
            return self._root
        return self._nodes.get(index.internalId(), self._root)

    # -- Qt overrides -----------------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if parent.isValid() and parent.column() != COL_TITLE:
            return QModelIndex()
        if not (0 <= row < len(node.children) and 0 <= column < len(HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row].id)

    @overload
    def parent(self) -> QObject | None: ...
    @overload
    def parent(self, child: _Index) -> QModelIndex: ...
    def parent(self, child: _Index | None = None) -> QObject | QModelIndex | None:
        if child is None:  # QObject.parent()
            return super().parent()
        node = self._node(child)
        up = node.parent
        if node is self._root or up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, COL_TITLE, up.id)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != COL_TITLE:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        column = index.column()
        if role == KEY_ROLE:
            return node.key
        if node.result is not None:
            return _result_data(node, column, role)
        if node.indicator is not None:
            return _indicator_data(node.indicator, column, role)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # dropping on the empty area makes a top-level result
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        if self._node(index).result is not None:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        key = next((self.key_at(i) for i in indexes if i.isValid()), None)
        if key is not None:
            data.setData(MIME_TYPE, json.dumps({"kind": key.kind, "code": key.code}).encode("utf-8"))
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        del column
        if action not in (Qt.DropAction.MoveAction, Qt.DropAction.IgnoreAction):
            return False
        key = decode_key(data)
        return key is not None and self.plan_drop(key, row, parent) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        del column
        if action == Qt.DropAction.IgnoreAction:
            return True
        key = decode_key(data)
        plan = (
            self.plan_drop(key, row, parent)
            if key is not None and action == Qt.DropAction.MoveAction
            else None
        )
        if plan is None or self._is_no_move(plan):
            return False
        if plan.key.kind == RESULT:
            self.result_move_requested.emit(plan.key.code, plan.parent_code, plan.position)
        else:
            self.indicator_move_requested.emit(plan.key.code, plan.parent_code or "", plan.position)
        return True

    def removeRows(self, row: int, count: int, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        # After a move the view asks to remove the dragged rows; the screen's reload from the
        # database puts every row in its new place instead.
        del row, count, parent
        return False

    # -- drop planning ----------------------------------------------------------------------

    def plan_drop(self, key: NodeKey, row: int, parent: _Index) -> DropPlan | None:
        """What dropping `key` at `row` under `parent` (row -1: onto `parent`) would do, or None
        when the drop makes no sense: onto an indicator, an indicator at the top level, or a
        result under itself (a cycle)."""
        moved = self._by_key.get(key)
        target = self._node(parent)
        if moved is None or (parent.isValid() and target.result is None):
            return None
        if key.kind == INDICATOR:
            if target is self._root or target.result is None:
                return None
            return DropPlan(key, target.result.code, _position(moved, target, row, INDICATOR))
        target_code = target.result.code if target.result is not None else None
        if target_code is not None and self.is_below(target_code, key.code):
            return None
        return DropPlan(key, target_code, _position(moved, target, row, RESULT))

    def _is_no_move(self, plan: DropPlan) -> bool:
        node = self._by_key[plan.key]
        up = node.parent
        current_parent = up.result.code if up is not None and up.result is not None else None
        siblings = [c for c in up.children if _kind(c) == plan.key.kind] if up is not None else []
        return current_parent == plan.parent_code and siblings.index(node) == plan.position


def _kind(node: _Node) -> str | None:
    return RESULT if node.result is not None else INDICATOR if node.indicator is not None else None


def _position(moved: _Node, target: _Node, row: int, kind: str) -> int:
    """Where among `target`'s children of `kind` a drop at `row` (-1: onto `target`, i.e. last)
    puts `moved`, counted once `moved` has left its place."""
    siblings = [c for c in target.children if _kind(c) == kind]
    if row < 0 and moved in siblings:
        return siblings.index(moved)  # onto the result it is already under: it stays put
    if row < 0 or row > len(target.children):
        position = len(siblings)
    else:
        position = sum(1 for c in target.children[:row] if _kind(c) == kind)
    if moved in siblings and siblings.index(moved) < position:
        position -= 1  # the service takes it out before putting it back
    return min(position, len(siblings))


def decode_key(data: QMimeData) -> NodeKey | None:
    """The dragged row's key, or None for anything this model did not put on the clipboard."""
    if not data.hasFormat(MIME_TYPE):
        return None
    try:
        raw = json.loads(bytes(data.data(MIME_TYPE).data()).decode("utf-8"))
        key = NodeKey(str(raw["kind"]), str(raw["code"]))
    except (ValueError, KeyError, TypeError):
        return None
    return key if key.kind in (RESULT, INDICATOR) else None


def result_label(result: ResultInfo) -> str:
    """'Tier · CODE title', the way results are named everywhere on this screen."""
    tier = f"{result.tier} · " if result.tier else ""
    return f"{tier}{result.code} {result.title}"


def _result_data(node: _Node, column: int, role: int) -> Any:
    result = node.result
    assert result is not None
    if role == Qt.ItemDataRole.DisplayRole:
        return result_label(result) if column == COL_TITLE else ""
    if role == Qt.ItemDataRole.FontRole and column == COL_TITLE:
        font = QFont()
        font.setBold(True)
        return font
    if role == Qt.ItemDataRole.ToolTipRole:
        indicators = sum(1 for c in node.children if c.indicator is not None)
        below = sum(1 for c in node.children if c.result is not None)
        lines = [result_label(result)]
        if result.description:
            lines.append(result.description)
        lines.append(f"{counted(indicators, 'indicator')} · {counted(below, 'result')} below")
        lines.append("Drag onto another result to move it below that one, or between rows to reorder.")
        return "\n".join(lines)
    return None


def _indicator_data(indicator: IndicatorInfo, column: int, role: int) -> Any:
    data = indicator.data
    if role == Qt.ItemDataRole.DisplayRole:
        if column == COL_TITLE:
            return f"{data.code} {data.name}"
        if column == COL_MEASURE:
            return MEASURE_LABELS.get(Measure(data.measure), str(data.measure))
        if column == COL_UNIT:
            return data.unit
        return None
    if role == Qt.ItemDataRole.ToolTipRole:
        cumulation = str(data.cumulation).replace("_", " ")
        return (
            f"{data.code} {data.name}\n"
            f"{MEASURE_LABELS.get(Measure(data.measure), data.measure)}, {cumulation}, "
            f"direction: {data.direction}\n"
            f"{counted(indicator.value_count, 'data value')}\n"
            "Drag onto another result to move the indicator there."
        )
    return None

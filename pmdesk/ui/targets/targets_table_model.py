# SPDX-License-Identifier: GPL-3.0-or-later
"""The targets grid: result header rows, one row per indicator, one editable column per period, LoP;
its lines and edits are in target_lines.py."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from pmdesk.domain.enums import ChangeReason, Cumulation, Direction
from pmdesk.domain.iptt import IndicatorSpec, PeriodInput, compute_indicator
from pmdesk.ui.formatting import display_locale, format_number
from pmdesk.ui.iptt.status_style import RESULT_SHADES, TEXT_ON_COLOUR
from pmdesk.ui.targets.target_lines import (
    TargetEdit,
    TargetIndicator,
    TargetLine,
    UnsavedTarget,
    edit_text,
    parse_target,
)
from pmdesk.ui.unsaved import cell_tooltip, not_saved_brush, not_saved_icon

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.framework_records import ResultInfo
    from pmdesk.services.history import HistoryEntry
    from pmdesk.services.targets import TargetInfo

COL_INDICATOR = 0
COL_UNIT = 1
FIRST_PERIOD_COL = 2  # then one column per reporting period, then the LoP column

HAS_HISTORY_ROLE = Qt.ItemDataRole.UserRole + 1  # bool: this saved target was changed before

HistoryLookup = Callable[[str], list["HistoryEntry"]]

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_Index = QModelIndex | QPersistentModelIndex

_LOP_RULES = {
    Cumulation.PERIODIC: "the sum of the period targets (periodic indicator)",
    Cumulation.CUMULATIVE: "the last period's target (cumulative indicator: targets are totals to date)",
    Cumulation.RUNNING_TOTAL: "the last period's target (running-total indicator)",
}


class TargetsTableModel(QAbstractTableModel):
    target_edited = Signal(object)  # TargetEdit: a valid change, for the screen to save
    edit_refused = Signal(str)  # why a typed value was not accepted
    unsaved_reverted = Signal(str, str)  # (indicator, period): the saved value typed over input not saved

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._programme_code = ""
        self._site_code: str | None = None
        self._lines: list[TargetLine] = []
        self._periods: list[Period] = []
        self._targets: dict[tuple[str, str], TargetInfo] = {}
        self._lops: dict[str, float | None] = {}
        self._changed: set[str] = set()  # target uuids with History entries
        self._unsaved: dict[tuple[str, str], UnsavedTarget] = {}
        self._history: HistoryLookup | None = None
        self._history_cache: dict[str, HistoryEntry | None] = {}
        self._locale = display_locale()
        self._light = True

    # -- content ----------------------------------------------------------------------------

    def set_rows(
        self,
        programme_code: str,
        lines: Sequence[TargetLine],
        periods: Sequence[Period],
        targets: Sequence[TargetInfo],
        *,
        site_code: str | None = None,
        changed: Collection[str] = (),
    ) -> None:
        """Show the targets of a programme (site_code None) or of one site; marks of input not
        saved yet are dropped (their owner marks them again)."""
        self.beginResetModel()
        self._unsaved.clear()
        self._programme_code = programme_code
        self._site_code = site_code
        self._lines = list(lines)
        self._periods = list(periods)
        self._targets = {(t.indicator_code, t.period): t for t in targets}
        self._changed = set(changed)
        self._history_cache.clear()
        self._locale = display_locale()
        # The result shades are light tints; on a dark theme they would need dark text anyway.
        self._light = QGuiApplication.palette().base().color().lightness() > 128
        self._lops = {
            line.indicator.code: self._derive_lop(line.indicator) for line in self._lines if line.indicator
        }
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows("", [], [], [])

    def set_history_lookup(self, lookup: HistoryLookup | None) -> None:
        """Where tooltips read a target's last change from (called only when one is shown)."""
        self._history = lookup
        self._history_cache.clear()

    def apply_saved(
        self, indicator_code: str, period: str, target: TargetInfo | None, *, changed: bool = False
    ) -> None:
        """A target was saved (or cleared: None); `changed` says History now has an entry for it."""
        key = (indicator_code, period)
        self._unsaved.pop(key, None)
        old = self._targets.pop(key, None)
        if old is not None:
            self._history_cache.pop(old.uuid, None)
            if changed:
                self._changed.add(old.uuid)
        if target is not None:
            self._targets[key] = target
            self._history_cache.pop(target.uuid, None)
        row, column = self.row_of(indicator_code), self.column_of(period)
        if row < 0 or column < 0:
            return
        line = self._lines[row]
        assert line.indicator is not None
        self._lops[indicator_code] = self._derive_lop(line.indicator)
        self.dataChanged.emit(self.index(row, column), self.index(row, column))
        self.dataChanged.emit(self.index(row, self.lop_column), self.index(row, self.lop_column))

    def set_unsaved(self, indicator_code: str, period: str, typed: UnsavedTarget | None) -> None:
        """Show (or stop showing) a target typed that the database did not take yet."""
        key = (indicator_code, period)
        if typed is None:
            if self._unsaved.pop(key, None) is None:
                return
        else:
            self._unsaved[key] = typed
        row, column = self.row_of(indicator_code), self.column_of(period)
        if row >= 0 and column >= 0:
            self.dataChanged.emit(self.index(row, column), self.index(row, column))

    def unsaved_at(self, row: int, column: int) -> UnsavedTarget | None:
        indicator, period = self.indicator_at(row), self.period_at(column)
        if indicator is None or period is None:
            return None
        return self._unsaved.get((indicator.code, period.code))

    @property
    def programme_code(self) -> str:
        return self._programme_code

    @property
    def site_code(self) -> str | None:
        return self._site_code

    @property
    def periods(self) -> list[Period]:
        return list(self._periods)

    @property
    def lop_column(self) -> int:
        return FIRST_PERIOD_COL + len(self._periods)

    def line_at(self, row: int) -> TargetLine | None:
        return self._lines[row] if 0 <= row < len(self._lines) else None

    def indicator_at(self, row: int) -> TargetIndicator | None:
        line = self.line_at(row)
        return line.indicator if line is not None else None

    def is_result_row(self, row: int) -> bool:
        line = self.line_at(row)
        return line is not None and line.result is not None

    def result_rows(self) -> list[int]:
        return [i for i, line in enumerate(self._lines) if line.result is not None]

    def period_at(self, column: int) -> Period | None:
        i = column - FIRST_PERIOD_COL
        return self._periods[i] if 0 <= i < len(self._periods) else None

    def row_of(self, indicator_code: str) -> int:
        for i, line in enumerate(self._lines):
            if line.indicator is not None and line.indicator.code == indicator_code:
                return i
        return -1

    def column_of(self, period: str) -> int:
        for i, p in enumerate(self._periods):
            if p.code == period:
                return FIRST_PERIOD_COL + i
        return -1

    def saved_target(self, row: int, column: int) -> TargetInfo | None:
        indicator, period = self.indicator_at(row), self.period_at(column)
        if indicator is None or period is None:
            return None
        return self._targets.get((indicator.code, period.code))

    def is_editable(self, row: int, column: int) -> bool:
        indicator = self.indicator_at(row)
        return indicator is not None and not indicator.is_qualitative and self.period_at(column) is not None

    def cell_name(self, row: int, column: int) -> str:
        """The cell in the user's words, for messages: '1.1 · 2025 Q1'."""
        line = self.line_at(row)
        if line is None:
            return f"row {row + 1}"
        if line.result is not None:
            return f"result heading {line.result.code}"
        assert line.indicator is not None
        period = self.period_at(column)
        if period is not None:
            where = period.label()
        else:
            where = str(self.headerData(column, Qt.Orientation.Horizontal)).replace("\n", " ")
        return f"{line.indicator.code} · {where}"

    def read_only_reason(self, row: int, column: int) -> str:
        """Why a cell takes no target ('' if it does)."""
        if self.is_editable(row, column):
            return ""
        line = self.line_at(row)
        if line is None or line.result is not None:
            return "result headings have no targets; targets belong to indicators"
        assert line.indicator is not None
        if line.indicator.is_qualitative:
            return f"{line.indicator.code} is qualitative: qualitative indicators have no targets"
        if column == self.lop_column:
            return "the LoP target is worked out from the period targets (or set on the indicator)"
        return "type targets in the period columns"

    def edit_for(self, row: int, column: int, text: str) -> TargetEdit | None:
        """The change typing `text` into a cell asks for (None: nothing changes); raises
        ValueError with a message naming the cell when the text or the cell does not take it."""
        cell = self.cell_name(row, column)
        if not self.is_editable(row, column):
            raise ValueError(f"{cell}: {self.read_only_reason(row, column)}")
        indicator, period = self.indicator_at(row), self.period_at(column)
        assert indicator is not None and period is not None
        try:
            new = parse_target(text, indicator)
        except ValueError as exc:
            raise ValueError(f"{cell}: {exc}") from None
        saved = self._targets.get((indicator.code, period.code))
        old = saved.value if saved is not None else None
        if new == old:
            return None
        return TargetEdit(self._programme_code, self._site_code, indicator.code, period.code, cell, old, new)

    def format_value(self, row: int, value: float | None) -> str:
        """A target for messages and dialogs: '1,200 people', '60%', 'no target'."""
        if value is None:
            return "no target"
        indicator = self.indicator_at(row)
        if indicator is None:
            return format_number(value, locale=self._locale)
        text = format_number(value, percent=indicator.is_percent, locale=self._locale)
        unit = "" if indicator.is_percent or not indicator.unit else f" {indicator.unit}"
        return text + unit

    # -- Qt overrides -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or not self._programme_code:
            return 0
        return FIRST_PERIOD_COL + len(self._periods) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        period = self.period_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if section == COL_INDICATOR:
                return "Indicator"
            if section == COL_UNIT:
                return "Unit"
            if period is not None:
                return period.label()
            if section == self.lop_column:
                return "LoP\ntarget"
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if period is not None:
                return f"{period.code}: {period.start:%d %b %Y} – {period.end:%d %b %Y}"
            if section == self.lop_column:
                return "Life-of-programme target (read only): set on the indicator, or worked out from the period targets"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid() or self.is_result_row(index.row()):
            return Qt.ItemFlag.ItemIsEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.is_editable(index.row(), index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Validates the text; a valid change is handed to the screen (target_edited), which asks
        for a reason if needed and saves it. The cell shows the new value once it is saved."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        try:
            edit = self.edit_for(index.row(), index.column(), "" if value is None else str(value))
        except ValueError as exc:
            self.edit_refused.emit(str(exc))
            return False
        if edit is not None:
            self.target_edited.emit(edit)
        elif self.unsaved_at(index.row(), index.column()) is not None:
            indicator, period = self.indicator_at(index.row()), self.period_at(index.column())
            assert indicator is not None and period is not None
            self.unsaved_reverted.emit(indicator.code, period.code)
        return True

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        line = self.line_at(index.row()) if index.isValid() else None
        if line is None:
            return None
        if line.result is not None:
            return self._result_data(line.result, index.column(), role)
        assert line.indicator is not None
        return self._indicator_data(line.indicator, index.row(), index.column(), role)

    def column_texts(self, column: int) -> list[Any]:
        """The display texts of a column's indicator rows (the result rows are bands across the
        grid): what widgets/column_fit.py sizes the column from, without an index per cell."""
        display = Qt.ItemDataRole.DisplayRole
        return [
            self._indicator_data(line.indicator, row, column, display)
            for row, line in enumerate(self._lines)
            if line.indicator is not None
        ]

    # -- result header rows -----------------------------------------------------------------

    def _result_data(self, result: ResultInfo, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (
                _result_title(result)
                if column == COL_INDICATOR or role != Qt.ItemDataRole.DisplayRole
                else ""
            )
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(RESULT_SHADES[min(result.depth, len(RESULT_SHADES) - 1)])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(TEXT_ON_COLOUR)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()  # the application font, so it follows the zoom
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        return None

    # -- indicator rows ---------------------------------------------------------------------

    def _indicator_data(self, indicator: TargetIndicator, row: int, column: int, role: int) -> Any:
        period = self.period_at(column)
        target = self._targets.get((indicator.code, period.code)) if period is not None else None
        typed = self._unsaved.get((indicator.code, period.code)) if period is not None else None
        if typed is not None:
            found = self._unsaved_data(indicator, row, column, role, typed)
            if found is not None:
                return found
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(indicator, column, target)
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(target.value) if target is not None else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if column in (COL_INDICATOR, COL_UNIT) else _RIGHT
        if role == Qt.ItemDataRole.BackgroundRole:
            if column >= FIRST_PERIOD_COL and not self.is_editable(row, column):
                # The window colour of the palette: grey on a light theme, dark on a dark one.
                return QGuiApplication.palette().color(QPalette.ColorRole.Window)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if indicator.is_qualitative and column != COL_INDICATOR:
                return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            return None
        if role == Qt.ItemDataRole.FontRole:
            if column == COL_UNIT and indicator.is_qualitative:
                font = QFont()
                font.setItalic(True)
                return font
            return None
        if role == HAS_HISTORY_ROLE:
            return target is not None and target.uuid in self._changed
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(indicator, row, column, target)
        return None

    def _unsaved_data(
        self, indicator: TargetIndicator, row: int, column: int, role: int, typed: UnsavedTarget
    ) -> Any:
        """The roles a cell holding a target not saved yet answers differently; None: as usual."""
        if role == Qt.ItemDataRole.DisplayRole:
            if typed.value is None:
                return ""
            return format_number(typed.value, percent=indicator.is_percent, locale=self._locale)
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(typed.value)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [self.cell_name(row, column)]
            lines += cell_tooltip(typed.reason, typed.typed or "(cleared)", typed.is_transient)
            return "\n".join(lines)
        if role == Qt.ItemDataRole.BackgroundRole:
            return not_saved_brush()
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(TEXT_ON_COLOUR)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole:
            return not_saved_icon()
        return None

    def _display(self, indicator: TargetIndicator, column: int, target: TargetInfo | None) -> str:
        if column == COL_INDICATOR:
            return f"{indicator.code}  {indicator.name}"
        if column == COL_UNIT:
            if indicator.is_qualitative:
                return "qualitative"
            return indicator.unit or ("%" if indicator.is_percent else "")
        if column == self.lop_column:
            return format_number(
                self._lops.get(indicator.code), percent=indicator.is_percent, locale=self._locale
            )
        if target is None:
            return ""
        return format_number(target.value, percent=indicator.is_percent, locale=self._locale)

    def _tooltip(self, indicator: TargetIndicator, row: int, column: int, target: TargetInfo | None) -> str:
        if column == COL_INDICATOR:
            kind = "qualitative: no targets" if indicator.is_qualitative else indicator.measure.value
            return (
                f"{indicator.code} {indicator.name}\n({kind}; {indicator.cumulation.value.replace('_', ' ')})"
            )
        if column == COL_UNIT:
            return "Qualitative indicators have no targets" if indicator.is_qualitative else indicator.unit
        if column == self.lop_column:
            return self._lop_tooltip(indicator, row)
        if indicator.is_qualitative:
            return f"{indicator.code} is qualitative: qualitative indicators have no targets"
        parts = [self.cell_name(row, column)]
        parts.append(f"Target: {self.format_value(row, target.value)}" if target else "No target yet")
        if target is not None and target.uuid in self._changed:
            entry = self._last_change(target.uuid)
            if entry is not None:
                parts.append(_change_text(entry, self, row))
        if indicator.is_percent:
            parts.append("A percentage: type 60 for 60%")
        elif indicator.cumulation is Cumulation.CUMULATIVE:
            parts.append("Cumulative indicator: the total to date expected by the end of this period")
        parts.append("Type a number to set it" + ("; Delete clears it" if target else ""))
        return "\n".join(parts)

    def _lop_tooltip(self, indicator: TargetIndicator, row: int) -> str:
        if indicator.is_qualitative:
            return "Qualitative indicators have no targets"
        value = self.format_value(row, self._lops.get(indicator.code))
        if self._site_code is None and indicator.lop_target is not None:
            how = "set on the indicator (Framework screen)"
        else:
            cumulation = Cumulation.RUNNING_TOTAL if indicator.is_percent else indicator.cumulation
            how = _LOP_RULES[cumulation]
            if self._site_code is not None:
                how += " of this site"
        return f"Life-of-programme target: {value},\n{how}.\nRead only."

    def _last_change(self, uuid: str) -> HistoryEntry | None:
        if uuid not in self._history_cache:
            entries = self._history(uuid) if self._history is not None else []
            self._history_cache[uuid] = entries[-1] if entries else None
        return self._history_cache[uuid]

    def _derive_lop(self, indicator: TargetIndicator) -> float | None:
        """The LoP target with the IPTT's own arithmetic (DESIGN.md §3): the explicit one at
        programme level, else from the period targets of the level shown."""
        if indicator.is_qualitative:
            return None
        explicit = indicator.lop_target if self._site_code is None else None
        spec = IndicatorSpec(indicator.measure, Direction.INCREASE, indicator.cumulation, lop_target=explicit)
        inputs = {}
        for p in self._periods:
            target = self._targets.get((indicator.code, p.code))
            if target is not None:
                inputs[p.code] = PeriodInput(target=target.value)
        codes = [p.code for p in self._periods]
        return compute_indicator(spec, codes, inputs, None).lop.target


def _result_title(result: ResultInfo) -> str:
    head = f"{result.tier} · {result.code}" if result.tier else result.code
    return f"{head}  {result.title}"


def _change_text(entry: HistoryEntry, model: TargetsTableModel, row: int) -> str:
    def value(text: str | None) -> str:
        if text is None:
            return "no target"
        try:
            return model.format_value(row, float(text))
        except ValueError:
            return text

    try:
        reason = ChangeReason(entry.reason).label
    except ValueError:
        reason = entry.reason or "none given"
    if entry.reason_text:
        reason += f" — {entry.reason_text}"
    return (
        f"Last changed {entry.at:%d %b %Y %H:%M} UTC by {entry.actor}: "
        f"{value(entry.old)} → {value(entry.new)}\nReason: {reason}"
    )

# SPDX-License-Identifier: GPL-3.0-or-later
"""One indicator's IPTT figures per reporting site (the IPTT drill-down), with a total row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from pmdesk.domain.enums import Direction, Measure, Status
from pmdesk.domain.iptt import Thresholds, partial_note, status_of
from pmdesk.ui.formatting import display_locale, format_number
from pmdesk.ui.iptt.iptt_table_model import STATUS_ROLE
from pmdesk.ui.iptt.status_style import MUTED_TEXT, STATUS_STYLES, TEXT_ON_COLOUR

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.iptt import IpttRow

COL_SITE = 0
COL_TO_DATE = 1
COL_STATUS = 2
FIRST_PERIOD_COL = 3

FIGURES_ROLE = Qt.ItemDataRole.UserRole  # (actual, target, % met) unrounded, or the text
NO_FIGURE = "–"
TOTAL_SHADE = "#dde5ef"

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class SiteFigures:
    """One row: a reporting site's figures, or (is_total) those of the whole programme or subtree."""

    label: str  # "North district › Kibera school"
    tooltip: str
    row: IpttRow
    site_code: str | None = None  # None on the total row
    is_total: bool = False


@dataclass(frozen=True)
class _Cell:
    actual: float | None
    target: float | None
    pct_met: float | None
    text: str | None
    status: Status | None  # None: no colour (no target)


class IpttSiteTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[SiteFigures] = []
        self._partial: set[str] = set()
        self._periods: tuple[Period, ...] = ()
        self._thresholds = Thresholds()
        self._locale = display_locale()

    def set_rows(
        self, rows: Sequence[SiteFigures], periods: Sequence[Period], thresholds: Thresholds
    ) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        # Periods the total has from only some of its sites: sites with no value there say so,
        # so that the sites and the total never disagree without a visible reason.
        total = next((r.row for r in self._rows if r.is_total), None)
        self._partial = (
            {p.period for p in total.figures.periods if p.is_partial}
            if total is not None and total.measure is not Measure.QUALITATIVE
            else set()
        )
        self._periods = tuple(periods)
        self._thresholds = thresholds
        self._locale = display_locale()
        self.endResetModel()

    def row_at(self, row: int) -> SiteFigures | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, site_code: str) -> int:
        """The row of a site, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.site_code == site_code), -1)

    def total_row(self) -> int:
        return next((i for i, r in enumerate(self._rows) if r.is_total), -1)

    # -- Qt overrides -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIRST_PERIOD_COL + len(self._periods)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == COL_SITE:
                return "Site"
            if section == COL_TO_DATE:
                return "To date"
            if section == COL_STATUS:
                return "Status"
            period = self._periods[section - FIRST_PERIOD_COL]
            if period.code in self._partial:
                total = next(r.row for r in self._rows if r.is_total)
                counts = next(p for p in total.figures.periods if p.period == period.code)
                return f"{period.label()}\n{counts.sites_reported} of {counts.sites_expected} sites"
            return period.label()
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == COL_SITE:
                return "Reporting sites, after their district; the last row is the total"
            if section == COL_STATUS:
                return "Status of the actual to date against the target to date"
            return "Actual / target · % met (targets are those set for each site)"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        line = self.row_at(index.row()) if index.isValid() else None
        if line is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.FontRole and line.is_total:
            font = QFont()  # the application font, so it follows the zoom
            font.setBold(True)
            return font
        if column == COL_SITE:
            return self._site_data(line, role)
        if column == COL_STATUS:
            return self._status_data(line, role)
        cell = self._cell(line.row, column)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column, cell)
        if role == FIGURES_ROLE:
            return cell.text if cell.text is not None else (cell.actual, cell.target, cell.pct_met)
        if role == STATUS_ROLE:
            return cell.status
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(line, cell.status)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(TEXT_ON_COLOUR) if cell.status is not None or line.is_total else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if cell.text is not None else _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(line, column, cell)
        return None

    # -- pieces -----------------------------------------------------------------------------

    def _site_data(self, line: SiteFigures, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return line.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return line.tooltip
        if role == Qt.ItemDataRole.BackgroundRole and line.is_total:
            return QColor(TOTAL_SHADE)
        if role == Qt.ItemDataRole.ForegroundRole and line.is_total:
            return QColor(TEXT_ON_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        return None

    def _status_data(self, line: SiteFigures, role: int) -> Any:
        row = line.row
        status = Status.NO_TARGET if row.measure is Measure.QUALITATIVE else row.figures.to_date.status
        if role == Qt.ItemDataRole.DisplayRole:
            if row.measure is Measure.QUALITATIVE:
                return ""
            if row.figures.to_date.partial:
                note = partial_note(row.figures.to_date.sites_reported, row.figures.to_date.sites_expected)
                return f"{STATUS_STYLES[status].label} · {note}"
            return STATUS_STYLES[status].label
        if role == STATUS_ROLE:
            return status
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(line, None if status is Status.NO_TARGET else status)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(MUTED_TEXT) if status is Status.NO_TARGET else QColor(TEXT_ON_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTRE
        return None

    def _background(self, line: SiteFigures, status: Status | None) -> QColor | None:
        if status is not None:
            colour = STATUS_STYLES[status].background
            if colour:
                return QColor(colour)
        return QColor(TOTAL_SHADE) if line.is_total else None

    def _cell(self, row: IpttRow, column: int) -> _Cell | None:
        f = row.figures
        if column == COL_TO_DATE:
            if row.measure is Measure.QUALITATIVE:
                return None
            return _Cell(
                f.to_date.actual, f.to_date.target, f.to_date.pct_met, None, _coloured(f.to_date.status)
            )
        index = column - FIRST_PERIOD_COL
        if not 0 <= index < len(f.periods):
            return None
        p = f.periods[index]
        if row.measure is Measure.QUALITATIVE:
            return _Cell(None, None, None, p.text or "", None)
        if p.is_partial:  # the total of a partly reported period: no status colour for a part
            return _Cell(p.actual, p.target, p.pct_met, None, None)
        status = status_of(p.actual, p.target, row.direction, self._thresholds)
        return _Cell(p.actual, p.target, p.pct_met, None, _coloured(status))

    def _num(self, value: float | None, percent: bool) -> str:
        return format_number(value, percent=percent, locale=self._locale)

    def _period_of(self, column: int) -> Period | None:
        index = column - FIRST_PERIOD_COL
        return self._periods[index] if 0 <= index < len(self._periods) else None

    def _text(self, line: SiteFigures, column: int, cell: _Cell) -> str:
        row = line.row
        if cell.text is not None:
            first = cell.text.splitlines()[0] if cell.text else ""
            return first[:40] + ("…" if len(first) > 40 or "\n" in cell.text else "")
        is_pct = row.measure is Measure.PERCENT
        period = self._period_of(column)
        in_partial = period is not None and period.code in self._partial
        actual = self._num(cell.actual, is_pct) or ("not reported" if in_partial else NO_FIGURE)
        if cell.target is None:
            text = actual if cell.actual is not None or in_partial else ""
        else:
            text = f"{actual} / {self._num(cell.target, is_pct)}"
            if cell.pct_met is not None:
                text += f" · {self._num(cell.pct_met, True)}"
        if line.is_total and period is not None and period.code in self._partial:
            figures = row.figures.periods[column - FIRST_PERIOD_COL]
            text += f" ({figures.sites_reported}/{figures.sites_expected})"
        if column == COL_TO_DATE and text:
            since = self._to_date_label(row)
            if since:
                text += f" ({since})"
        return text

    def _to_date_label(self, row: IpttRow) -> str | None:
        """The period a running total or percent to date comes from, when it is not the as-of."""
        came_from = row.figures.to_date.period
        if came_from is None or not self._periods or came_from == self._periods[-1].code:
            return None
        return next((p.label() for p in self._periods if p.code == came_from), came_from)

    def _tooltip(self, line: SiteFigures, column: int, cell: _Cell) -> str:
        when = "To date" if column == COL_TO_DATE else self._periods[column - FIRST_PERIOD_COL].label()
        head = f"{line.label} · {when}"
        if cell.text is not None:
            return f"{head}\n{cell.text or 'Nothing reported.'}"
        is_pct = line.row.measure is Measure.PERCENT
        parts = [
            head,
            f"Actual: {self._num(cell.actual, is_pct) or 'none'}",
            f"Target: {self._num(cell.target, is_pct) or 'none'}",
        ]
        if cell.pct_met is not None:
            how = "target ÷ actual" if line.row.direction is Direction.DECREASE else "actual ÷ target"
            parts.append(f"% met: {self._num(cell.pct_met, True)} ({how})")
        if cell.status is not None:
            parts.append(f"Status: {STATUS_STYLES[cell.status].label}")
        period = self._period_of(column)
        if period is not None and period.code in self._partial:
            if line.is_total:
                figures = line.row.figures.periods[column - FIRST_PERIOD_COL]
                parts.append(
                    f"Partial: {figures.sites_reported} of the {figures.sites_expected} sites expected to "
                    "report have a value for this period."
                )
            elif cell.actual is None:
                parts.append("Not reported yet: the total of this period lacks this site.")
        if column == COL_TO_DATE:
            since = self._to_date_label(line.row)
            if since:
                parts.append(
                    f"To date from {since}: "
                    + (
                        "the latest period every site expected to report has values for."
                        if line.is_total
                        else "this site's latest value up to the as-of."
                    )
                )
        return "\n".join(parts)


def _coloured(status: Status) -> Status | None:
    """The status a cell is coloured by; None for no target (no colour)."""
    return None if status is Status.NO_TARGET else status

# SPDX-License-Identifier: GPL-3.0-or-later
"""Reporting completeness as a read-only table: sites × periods, each report's state by colour and text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from pmdesk.services.completeness import ReportCell, ReportState
from pmdesk.ui.formatting import display_locale, format_count, format_number

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.completeness import Completeness
    from pmdesk.services.sites import SiteInfo

COL_SITE = 0
FIRST_PERIOD_COL = 1

STATE_ROLE = Qt.ItemDataRole.UserRole + 1  # the ReportState of a cell
SITE_CODE_ROLE = Qt.ItemDataRole.UserRole + 2
PERIOD_CODE_ROLE = Qt.ItemDataRole.UserRole + 3

PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class StateStyle:
    label: str
    symbol: str  # with the text, so colour is never the only cue
    background: str


# Light tints after the Okabe–Ito hues, like the IPTT's: dark text stays readable on each of them.
STATE_STYLES: dict[ReportState, StateStyle] = {
    ReportState.NOT_STARTED: StateStyle("Not started", "○", "#e4e4e4"),
    ReportState.DRAFT: StateStyle("Draft", "✎", "#fbe09a"),
    ReportState.SUBMITTED: StateStyle("Submitted", "↑", "#b3d7f2"),
    ReportState.APPROVED: StateStyle("Approved", "✓", "#bfe6cf"),
    ReportState.RETURNED: StateStyle("Returned", "↩", "#f6b6c4"),
}
STATE_MEANINGS: dict[ReportState, str] = {
    ReportState.NOT_STARTED: "no data value entered yet",
    ReportState.DRAFT: "values entered, not yet submitted",
    ReportState.SUBMITTED: "submitted, waiting for approval",
    ReportState.APPROVED: "approved (locked)",
    ReportState.RETURNED: "returned to the site with a reason: needs correcting",
}
NOT_DUE_LABEL = "Not due"  # a period that has not ended yet and has no value: nobody is late
TEXT_ON_COLOUR = "#1a1a1a"
MUTED_TEXT = "#6a6a6a"
STATUS_ORDER = ("returned", "draft", "submitted", "approved")
DONE_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)

_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class SiteLine:
    """One row: a reporting site, with where it sits in the site hierarchy."""

    site: SiteInfo
    path: str  # its parent and itself: "North district › Kibera school"
    full_path: str  # every ancestor: "Kenya › North district › Kibera school"


def site_lines(sites: Sequence[SiteInfo], all_sites: Sequence[SiteInfo]) -> list[SiteLine]:
    """The reporting sites with their ancestors' names (from the whole site tree)."""
    by_code = {s.code: s for s in all_sites}
    lines = []
    for site in sites:
        names = [site.name]
        parent = by_code.get(site.parent_code) if site.parent_code else None
        seen = {site.code}
        while parent is not None and parent.code not in seen:
            seen.add(parent.code)
            names.insert(0, parent.name)
            parent = by_code.get(parent.parent_code) if parent.parent_code else None
        lines.append(SiteLine(site, PATH_SEPARATOR.join(names[-2:]), PATH_SEPARATOR.join(names)))
    return lines


def is_still_to_report(cell: ReportCell) -> bool:
    return cell.state not in DONE_STATES


class CompletenessTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._overview: Completeness | None = None
        self._all_lines: list[SiteLine] = []
        self._lines: list[SiteLine] = []
        self._filter_period: str | None = None
        self._today = date.today()
        self._locale = display_locale()
        # A header's reporting rate counts every site of its period; Qt asks for the headers at
        # each paint, and the columns are sized from them: counted once per overview.
        self._rates: dict[str, tuple[int, int, float | None]] = {}

    # -- content ----------------------------------------------------------------------------

    def set_overview(
        self,
        overview: Completeness | None,
        all_sites: Sequence[SiteInfo] = (),
        today: date | None = None,
    ) -> None:
        """Show another overview (None: empty). `all_sites` is the whole site tree, for the
        names of the districts; `today` tells which periods have ended."""
        self.beginResetModel()
        self._overview = overview
        self._rates.clear()
        self._all_lines = site_lines(overview.sites, all_sites) if overview is not None else []
        self._today = today or date.today()
        self._locale = display_locale()
        if overview is None or self._filter_period not in {p.code for p in overview.periods}:
            self._filter_period = None
        self._lines = self._filtered()
        self.endResetModel()

    def set_filter(self, period: str | None) -> None:
        """Only the sites that still have to report for `period` (None: every reporting site)."""
        self.beginResetModel()
        self._filter_period = period
        self._lines = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[SiteLine]:
        if self._overview is None or self._filter_period is None:
            return list(self._all_lines)
        overview, period = self._overview, self._filter_period
        return [line for line in self._all_lines if is_still_to_report(overview.cell(line.site.code, period))]

    @property
    def overview(self) -> Completeness | None:
        return self._overview

    @property
    def filter_period(self) -> str | None:
        return self._filter_period

    @property
    def periods(self) -> tuple[Period, ...]:
        return self._overview.periods if self._overview is not None else ()

    @property
    def site_count(self) -> int:
        """Every reporting site, whatever the filter shows."""
        return len(self._all_lines)

    def line_at(self, row: int) -> SiteLine | None:
        return self._lines[row] if 0 <= row < len(self._lines) else None

    def period_at(self, column: int) -> Period | None:
        index = column - FIRST_PERIOD_COL
        periods = self.periods
        return periods[index] if 0 <= index < len(periods) else None

    def column_of(self, period: str) -> int:
        """The column of a period, or -1."""
        for i, p in enumerate(self.periods):
            if p.code == period:
                return FIRST_PERIOD_COL + i
        return -1

    def row_of(self, site_code: str) -> int:
        """The row of a site, or -1 (also when the filter hides it)."""
        for i, line in enumerate(self._lines):
            if line.site.code == site_code:
                return i
        return -1

    def cell_at(self, row: int, column: int) -> ReportCell | None:
        line, period = self.line_at(row), self.period_at(column)
        if line is None or period is None or self._overview is None:
            return None
        return self._overview.cell(line.site.code, period.code)

    def has_ended(self, period: Period) -> bool:
        return period.end < self._today

    def is_not_due(self, period: Period, cell: ReportCell) -> bool:
        return cell.state is ReportState.NOT_STARTED and not self.has_ended(period)

    def reported(self, period: str) -> tuple[int, int]:
        """(sites whose report is submitted or approved, reporting sites) for a period."""
        done, total, _rate = self._rate_of(period)
        return done, total

    def _rate_of(self, period: str) -> tuple[int, int, float | None]:
        """(reported, reporting sites, reporting rate) of a period, counted once per overview."""
        if self._overview is None:
            return 0, 0, None
        known = self._rates.get(period)
        if known is None:
            overview = self._overview
            done = sum(
                1 for line in self._all_lines if overview.cell(line.site.code, period).state in DONE_STATES
            )
            known = self._rates[period] = (done, len(self._all_lines), overview.reporting_rate(period))
        return known

    def rate_text(self, period: str) -> str:
        """'8/11 · 73%'; '' when there is no reporting site."""
        done, total, rate = self._rate_of(period)
        if rate is None:
            return ""
        return f"{format_count(done, self._locale)}/{format_count(total, self._locale)} · {self._pct(rate)}"

    def _pct(self, value: float) -> str:
        # A whole percent: "73%" reads faster than "72.73%" in a header, and rounding is display only.
        return format_number(float(round(value)), percent=True, locale=self._locale)

    # -- Qt overrides -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIRST_PERIOD_COL + len(self.periods)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        period = self.period_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if period is None:
                return "Site\nReporting rate"
            rate = self.rate_text(period.code)
            return f"{period.label()}\n{rate}" if rate else period.label()
        if role == Qt.ItemDataRole.ToolTipRole:
            if period is None:
                return (
                    "Reporting sites (those with no site below them), after their district.\n"
                    "The second header line of each period is its reporting rate: the share of sites\n"
                    "whose report is submitted or approved. Drafts are not counted here, though the\n"
                    "IPTT and the Dashboard's values present count every value entered."
                )
            done, total = self.reported(period.code)
            tip = (
                f"{period.label()} ({period.start:%d %b %Y} – {period.end:%d %b %Y})\n"
                f"Reporting rate: {done} of {total} reporting sites have submitted or approved "
                f"their report ({self.rate_text(period.code).split(' · ')[-1]}); drafts are not counted."
            )
            if not self.has_ended(period):
                tip += "\nThis period has not ended yet."
            return tip
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        line = self.line_at(index.row()) if index.isValid() else None
        if line is None:
            return None
        if index.column() == COL_SITE:
            return self._site_data(line, role)
        period = self.period_at(index.column())
        if period is None or self._overview is None:
            return None
        cell = self._overview.cell(line.site.code, period.code)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell_text(period, cell)
        not_due = self.is_not_due(period, cell)
        style = STATE_STYLES[cell.state]
        if role == STATE_ROLE:
            return cell.state
        if role == SITE_CODE_ROLE:
            return line.site.code
        if role == PERIOD_CODE_ROLE:
            return period.code
        if role == Qt.ItemDataRole.BackgroundRole:
            return None if not_due else QColor(style.background)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(MUTED_TEXT) if not_due else QColor(TEXT_ON_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTRE
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(line, period, cell, not_due)
        return None

    def _cell_text(self, period: Period, cell: ReportCell) -> str:
        if self.is_not_due(period, cell):
            return NOT_DUE_LABEL
        style = STATE_STYLES[cell.state]
        if cell.state is ReportState.NOT_STARTED:
            return f"{style.symbol} {style.label}"
        return f"{style.symbol} {style.label} {format_count(cell.values, self._locale)}"

    def column_texts(self, column: int) -> list[str]:
        """The display texts of a column, straight from the overview (no index, no role asked):
        what widgets/column_fit.py sizes the column from."""
        if column == COL_SITE:
            return [line.path for line in self._lines]
        period = self.period_at(column)
        overview = self._overview
        if period is None or overview is None:
            return []
        return [self._cell_text(period, overview.cell(line.site.code, period.code)) for line in self._lines]

    def _site_data(self, line: SiteLine, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return line.path
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{line.full_path}\nSite code: {line.site.code}"
        if role == SITE_CODE_ROLE:
            return line.site.code
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        return None

    def _tooltip(self, line: SiteLine, period: Period, cell: ReportCell, not_due: bool) -> str:
        head = f"{line.path} · {period.label()}"
        if cell.state is ReportState.NOT_STARTED:
            body = "No data value entered yet"
            body += f" ({period.label()} has not ended)." if not_due else "."
        else:
            count = format_count(cell.values, self._locale)
            style = STATE_STYLES[cell.state]
            noun = "data value" if cell.values == 1 else "data values"
            lines = [f"{style.label}: {STATE_MEANINGS[cell.state]}", f"{count} {noun}:"]
            known = [s for s in STATUS_ORDER if cell.by_status.get(s)]
            others = sorted(s for s in cell.by_status if s not in STATUS_ORDER and cell.by_status[s])
            lines += [f"  {format_count(cell.by_status[s], self._locale)} {s}" for s in known + others]
            body = "\n".join(lines)
        return f"{head}\n{body}\nDouble-click or press Enter to open it in data entry."

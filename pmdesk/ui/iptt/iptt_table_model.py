# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT as a read-only table: result header rows, indicator rows, status by colour and text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication

from pmdesk.domain.enums import Cumulation, Direction, Measure, Status
from pmdesk.domain.iptt import Thresholds, partial_note
from pmdesk.domain.iptt_filter import IpttFilter, results_shown
from pmdesk.formats.iptt_text import PARTIAL_RULE
from pmdesk.ui.formatting import display_locale, format_number
from pmdesk.ui.iptt.iptt_cells import (  # noqa: F401 - the columns and cells, where screens import them
    COL_BASELINE,
    COL_INDICATOR,
    COL_LOP_ACTUAL,
    COL_LOP_PCT,
    COL_LOP_TARGET,
    COL_STATUS,
    COL_TO_DATE_ACTUAL,
    COL_TO_DATE_PCT,
    COL_TO_DATE_TARGET,
    COL_TREND,
    COL_UNIT,
    COLUMNS_PER_PERIOD,
    FIRST_PERIOD_COL,
    PERIOD_ACTUAL,
    PERIOD_PCT,
    PERIOD_TARGET,
    UNEXPLAINED,
    RowCells,
    cell_status,
    display_text,
    figure_texts,
    period_cell,
    period_part,
    row_cells,
    table_cells,
)
from pmdesk.ui.iptt.iptt_sparkline import TREND_ROLE, trend_of, trend_tooltip
from pmdesk.ui.iptt.status_style import (
    MUTED_TEXT,
    PERIOD_GROUP_SHADE,
    RESULT_SHADES,
    STATUS_STYLES,
    TEXT_ON_COLOUR,
    band_explanation,
)

if TYPE_CHECKING:
    from pmdesk.domain.iptt import PeriodFigures
    from pmdesk.services.iptt import IpttRow, IpttTable, ResultInfo
    from pmdesk.ui.iptt.iptt_variance import VarianceMarks

STATUS_ROLE = Qt.ItemDataRole.UserRole + 1  # the Status of a status-coloured cell

FIXED_HEADERS = (
    "Indicator",
    "Trend",
    "Unit",
    "Baseline",
    "LoP\ntarget",
    "LoP\nactual",
    "LoP\n% met",
    "Target\nto date",
    "Actual\nto date",
    "% met\nto date",
    "Status",
)
FIXED_HEADER_TIPS = (
    "Indicator code and name",
    "Actual by period (line; a hollow dot: partly reported) against the target (dashed); hover over "
    "a row's trend for its numbers",
    "Unit of measure",
    "Baseline value",
    "Life-of-programme target",
    "Life-of-programme actual (up to the as-of period)",
    "LoP actual as a share of the LoP target",
    "Target to date: sum of period targets for periodic indicators, the latest target otherwise",
    "Actual to date: sum of period actuals for periodic indicators, the latest figure otherwise",
    "% met to date: actual ÷ target × 100 (target ÷ actual for decreasing indicators)",
    'Status of the actual to date against the target to date; "partial" when it rests on a period '
    "not every site reported",
)
PERIOD_PARTS = ("Target", "Actual", "% met")


# Plain ints and shared colours: data() runs for a dozen roles of every cell painted, and an enum's
# attribute, a flag's `|` or a new QColor per call were most of its cost (issue #11 §2).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_USER = int(Qt.ItemDataRole.UserRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_STATUS = int(STATUS_ROLE)
_TREND = int(TREND_ROLE)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_STATUS_COLOURS = {s: QColor(style.background) for s, style in STATUS_STYLES.items() if style.background}
_TEXT_ON_COLOUR = QColor(TEXT_ON_COLOUR)
_MUTED = QColor(MUTED_TEXT)
_RESULT_COLOURS = tuple(QColor(shade) for shade in RESULT_SHADES)
_GROUP_SHADE = QColor(PERIOD_GROUP_SHADE)

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)

_CUMULATION_WORDS = {
    Cumulation.PERIODIC: "periodic (each period counts on its own)",
    Cumulation.CUMULATIVE: "cumulative (values are increments, summed over time)",
    Cumulation.RUNNING_TOTAL: "running total (each value is already a total)",
}

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class IpttLine:
    """One row of the table: a result header or an indicator."""

    result: ResultInfo | None = None
    indicator: IpttRow | None = None

    @property
    def is_result(self) -> bool:
        return self.result is not None


def lines_of(table: IpttTable, shown: IpttFilter | None = None) -> list[IpttLine]:
    """Each result followed by its indicators, in framework order. With an active filter, only the
    indicators it lets through, under the results with a shown indicator in them or below them."""
    rows = shown.rows(table) if shown is not None and shown.is_active else table.rows
    results = results_shown(table.results, rows) if rows is not table.rows else table.results
    by_result: dict[int, list[IpttRow]] = {}
    for row in rows:
        by_result.setdefault(row.result_id, []).append(row)
    lines: list[IpttLine] = []
    for result in results:
        lines.append(IpttLine(result=result))
        lines.extend(IpttLine(indicator=r) for r in by_result.pop(result.id, ()))
    for orphans in by_result.values():  # only if a result vanished between two queries
        lines.extend(IpttLine(indicator=r) for r in orphans)
    return lines


class IpttTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._table: IpttTable | None = None
        self._filter = IpttFilter()
        self._lines: list[IpttLine] = []
        self._locale = display_locale()
        self._shade_groups = True
        self._variance: VarianceMarks | None = None  # variance explanations missing or written
        self._figure_texts: dict[int, list[str]] = {}  # set_figure_texts
        self._cells: dict[str, RowCells] = {}  # by indicator code: given by the load, or on first use
        self._trends: dict[str, Any] = {}  # by indicator code: the sparkline's Trend (or None)
        self._headers: list[str] = []  # each column's title
        self._columns = FIRST_PERIOD_COL

    # -- content ----------------------------------------------------------------------------

    def set_table(self, table: IpttTable | None, cells: dict[str, RowCells] | None = None) -> None:
        """Show another IPTT (None: empty); `cells`, its rows' cells as table_cells computed them
        off the UI thread (those missing are computed when first shown)."""
        self.beginResetModel()
        self._table = table
        self._variance = None  # the marks of the table before
        self._lines = lines_of(table, self._filter) if table is not None else []
        self._locale = display_locale()
        self._figure_texts = {}
        self._cells = dict(cells) if cells else {}
        self._trends = {}
        self._columns = FIRST_PERIOD_COL + COLUMNS_PER_PERIOD * (len(table.periods) if table else 0)
        self._headers = [self._header_text(c) for c in range(self._columns)] if table is not None else []
        # A light tint between period groups only reads well on a light theme.
        self._shade_groups = QGuiApplication.palette().base().color().lightness() > 128
        self.endResetModel()

    def set_filter(self, shown: IpttFilter) -> None:
        """Show only the indicators `shown` lets through (IpttFilter(): all), without recomputing."""
        if shown == self._filter:
            return
        self.beginResetModel()
        self._filter = shown
        self._lines = lines_of(self._table, shown) if self._table is not None else []
        self.endResetModel()

    @property
    def filter(self) -> IpttFilter:
        return self._filter

    def shown_rows(self) -> list[IpttRow]:
        """The indicator rows shown, in order (what a printout of the screen holds)."""
        return [line.indicator for line in self._lines if line.indicator is not None]

    @property
    def table(self) -> IpttTable | None:
        return self._table

    def set_variance_marks(self, marks: VarianceMarks | None) -> None:
        """Which indicators' status cells say that a variance explanation is missing, and what the
        explanations written say (in the tooltip)."""
        self._variance = marks
        if self._lines:
            self.dataChanged.emit(self.index(0, COL_STATUS), self.index(len(self._lines) - 1, COL_STATUS))

    @property
    def thresholds(self) -> Thresholds:
        return self._table.thresholds if self._table is not None else Thresholds()

    def line_at(self, row: int) -> IpttLine | None:
        return self._lines[row] if 0 <= row < len(self._lines) else None

    def is_result_row(self, row: int) -> bool:
        line = self.line_at(row)
        return line is not None and line.is_result

    def result_rows(self) -> list[int]:
        return [i for i, line in enumerate(self._lines) if line.is_result]

    def indicator_row_of(self, code: str) -> int:
        """The row of the indicator with this code, or -1."""
        for i, line in enumerate(self._lines):
            if line.indicator is not None and line.indicator.code == code:
                return i
        return -1

    @staticmethod
    def period_part(column: int) -> tuple[int, int] | None:
        """(period index, PERIOD_TARGET | PERIOD_ACTUAL | PERIOD_PCT) of a period column."""
        return period_part(column)

    # -- Qt overrides -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def _header_text(self, section: int) -> str:
        part = self.period_part(section)
        if part is None:
            return FIXED_HEADERS[section]
        assert self._table is not None
        head = f"{self._table.periods[part[0]].label()}\n{PERIOD_PARTS[part[1]]}"
        reported = self._table.partial_periods.get(self._table.periods[part[0]].code)
        if reported is not None:
            # The reporting rate beside the figures, as DHIS2 shows it.
            return f"{head}\n{reported} of {self._table.sites_expected} sites"
        return head

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self._columns:
            return None
        if role == _DISPLAY:
            return self._headers[section] if section < len(self._headers) else FIXED_HEADERS[section]
        part = self.period_part(section)
        if role == _TOOLTIP:
            if part is None:
                return FIXED_HEADER_TIPS[section]
            assert self._table is not None
            label = self._table.periods[part[0]].label()
            tip = (
                f"Target for {label} (for cumulative indicators, the cumulative target)",
                f"Actual for {label} (for cumulative indicators, the running sum through {label})",
                f"% met in {label}: actual ÷ target × 100 (target ÷ actual for decreasing indicators)",
            )[part[1]]
            return f"{tip}\n\n{self._period_reporting(part[0])}"
        return None

    def _period_reporting(self, index: int) -> str:
        assert self._table is not None
        period = self._table.periods[index]
        expected = self._table.sites_expected
        reported = self._table.partial_periods.get(period.code)
        if reported is not None:
            return (
                f"Partly reported: for some indicators only {reported} of the {expected} sites expected "
                f"to report have values for {period.label()}. Hover over a cell for its indicator.\n\n"
                + PARTIAL_RULE
            )
        return (
            f"No indicator is partly reported for {period.label()}: each has values from all "
            f"{expected} sites expected to report, or from none."
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not 0 <= row < len(self._lines) or not index.isValid():
            return None
        line = self._lines[row]
        if line.result is not None:
            return self._result_data(line.result, index.column(), role)
        assert line.indicator is not None
        return self._indicator_data(line.indicator, index.column(), role)

    def cells_of(self, row: IpttRow) -> RowCells:
        """The cells of an indicator row: as the load job computed them, else computed now."""
        cells = self._cells.get(row.code)
        if cells is None:
            cells = self._cells[row.code] = row_cells(row, self._locale, self.thresholds)
        return cells

    def column_texts(self, column: int) -> list[str]:
        """The display texts of a column's indicator rows shown (result rows are bands across the
        table; the trend column is a drawing): what widgets/column_fit.py sizes the column from,
        without an index and a role dispatch per cell (issue #11 §2)."""
        if column == COL_TREND:
            return []
        if column in self._figure_texts:
            return self._figure_texts[column]
        return [self._display(row, column) for row in self.shown_rows()]

    def set_figure_texts(self, texts: dict[int, list[str]]) -> None:
        """The figure columns' longest texts, formatted off the UI thread (figure_texts) for the
        table just set: column_texts gives them instead of formatting every cell again."""
        self._figure_texts = dict(texts)

    # -- result header rows -----------------------------------------------------------------

    def _result_data(self, result: ResultInfo, column: int, role: int) -> Any:
        if role == _DISPLAY:
            return _result_title(result) if column == COL_INDICATOR else ""
        if role == _TOOLTIP:
            return _result_title(result)
        if role == _BACKGROUND:
            return _RESULT_COLOURS[min(result.depth, len(_RESULT_COLOURS) - 1)]
        if role == _FOREGROUND:
            return _TEXT_ON_COLOUR
        if role == _FONT:
            font = QFont()  # the application font, so it follows the zoom
            font.setBold(True)
            return font
        if role == _ALIGNMENT:
            return _LEFT
        return None

    # -- indicator rows ---------------------------------------------------------------------

    def _indicator_data(self, row: IpttRow, column: int, role: int) -> Any:
        if column == COL_TREND:
            return self._trend_data(row, role)
        if role == _DISPLAY:
            return self._display(row, column)
        if role == _BACKGROUND:
            status = self.cells_of(row).statuses[column]
            if status is not None:
                return _STATUS_COLOURS.get(status)
            return self._group_shade(column)
        if role == _FOREGROUND:
            status = self.cells_of(row).statuses[column]
            if column == COL_STATUS and status is Status.NO_TARGET:
                return _MUTED
            if status is not None or self._group_shade(column) is not None:
                return _TEXT_ON_COLOUR
            return None
        if role == _USER:
            return _raw(row, column)
        if role == _STATUS:
            return self.cells_of(row).statuses[column]
        if role == _ALIGNMENT:
            if column in (COL_INDICATOR, COL_UNIT):
                return _LEFT
            if column == COL_STATUS:
                return _CENTRE
            part = self.period_part(column)
            if part is not None and part[1] == PERIOD_ACTUAL and row.measure is Measure.QUALITATIVE:
                return _LEFT
            return _RIGHT
        if role == _TOOLTIP:
            return self._tooltip(row, column)
        return None

    def _trend_data(self, row: IpttRow, role: int) -> Any:
        if role == _TREND:
            if row.code not in self._trends:
                self._trends[row.code] = trend_of(row)
            return self._trends[row.code]
        if role == _TOOLTIP and self._table is not None:
            return trend_tooltip(row, self._table, self._locale)
        if role == _ACCESSIBLE and self._table is not None:
            return trend_tooltip(row, self._table, self._locale)
        return None

    def _num(self, value: float | None, percent: bool) -> str:
        return format_number(value, percent=percent, locale=self._locale)

    def _display(self, row: IpttRow, column: int) -> str:
        texts = self.cells_of(row).texts
        text = texts[column] if column < len(texts) else ""
        if column == COL_STATUS and self._variance is not None and row.code in self._variance.missing:
            return f"{text} · {UNEXPLAINED}"
        return text

    def _group_shade(self, column: int) -> QColor | None:
        if (
            self._shade_groups
            and column >= FIRST_PERIOD_COL
            and (column - FIRST_PERIOD_COL) // COLUMNS_PER_PERIOD % 2 == 1
        ):
            return _GROUP_SHADE
        return None

    def _tooltip(self, row: IpttRow, column: int) -> str | None:
        if column == COL_INDICATOR:
            return _indicator_tooltip(row)
        if column == COL_UNIT:
            return row.unit or None  # a long unit is elided in its cell
        if column == COL_STATUS:
            if row.measure is Measure.QUALITATIVE:
                return "Qualitative indicator: reported as text, so it has no % met or status."
            status = row.figures.to_date.status
            met = self._num(row.figures.to_date.pct_met, True)
            head = f"{STATUS_STYLES[status].label}" + (f": {met} of the target to date" if met else "")
            explained = self._variance.tooltip(row.code) if self._variance is not None else None
            return "\n\n".join(
                filter(None, [head, explained, self._to_date_basis(row), band_explanation(self.thresholds)])
            )
        if column in (COL_TO_DATE_TARGET, COL_TO_DATE_ACTUAL):
            return self._to_date_basis(row)
        cell = period_cell(row, column)
        if cell is not None and cell[0].text:
            return f"{cell[0].text}\n\n{_sites_line(cell[0], qualitative=True)}"
        if cell is not None and cell[1] in (PERIOD_TARGET, PERIOD_ACTUAL):
            return _sites_line(cell[0], qualitative=row.measure is Measure.QUALITATIVE)
        if column == COL_TO_DATE_PCT or (cell is not None and cell[1] == PERIOD_PCT):
            if column == COL_TO_DATE_PCT:
                actual, target = row.figures.to_date.actual, row.figures.to_date.target
            else:
                actual, target = cell[0].actual, cell[0].target  # type: ignore[index]
            if actual is None or target is None:
                return None
            is_pct = row.measure is Measure.PERCENT
            a, t = self._num(actual, is_pct), self._num(target, is_pct)
            if row.direction is Direction.DECREASE:
                tip = f"Target {t} ÷ actual {a} × 100 (a decreasing indicator: lower is better)"
            else:
                tip = f"Actual {a} ÷ target {t} × 100"
            extra = self._to_date_basis(row) if column == COL_TO_DATE_PCT else _sites_line(cell[0])  # type: ignore[index]
            return f"{tip}\n\n{extra}" if extra else tip
        return None

    def _to_date_basis(self, row: IpttRow) -> str | None:
        """Which period the to-date figures rest on, and why, when it is not plain."""
        if row.measure is Measure.QUALITATIVE or self._table is None:
            return None
        to_date = row.figures.to_date
        labels = {p.code: p.label() for p in self._table.periods}
        if to_date.partial:
            note = partial_note(to_date.sites_reported, to_date.sites_expected)
            if to_date.period is not None:
                return (
                    f"Partial: from {labels.get(to_date.period, to_date.period)}, {note}; "
                    "no period up to the as-of has values from every site."
                )
            return f"Partial: the sum includes a period not every site reported ({note})."
        if to_date.period is not None and to_date.period != self._table.as_of:
            return (
                f"From {labels.get(to_date.period, to_date.period)}, the latest period up to the as-of "
                "with values from every site expected to report, and the target set for that period."
            )
        return None


def _sites_line(figures: PeriodFigures, qualitative: bool = False) -> str | None:
    """The reporting rate of one indicator in one period, for a cell's tooltip."""
    if figures.sites_expected is None or figures.sites_reported is None:
        return None
    rate = f"Sites reporting: {figures.sites_reported} of {figures.sites_expected}"
    if figures.is_partial and not qualitative:
        missing = figures.sites_expected - figures.sites_reported
        return f"{rate} (partial: {missing} site{'' if missing == 1 else 's'} with no value yet)"
    return rate


def _raw(row: IpttRow, column: int) -> Any:
    """The unrounded value behind a cell, for sorting and copying."""
    f = row.figures
    fixed = {
        COL_INDICATOR: row.code,
        COL_UNIT: row.unit,
        COL_BASELINE: row.baseline,
        COL_LOP_TARGET: f.lop.target,
        COL_LOP_ACTUAL: f.lop.actual,
        COL_LOP_PCT: f.lop.pct_met,
        COL_TO_DATE_TARGET: f.to_date.target,
        COL_TO_DATE_ACTUAL: f.to_date.actual,
        COL_TO_DATE_PCT: f.to_date.pct_met,
        COL_STATUS: f.to_date.status.value,
    }
    if column in fixed:
        return fixed[column]
    cell = period_cell(row, column)
    if cell is None:
        return None
    figures, part = cell
    if part == PERIOD_TARGET:
        return figures.target
    if part == PERIOD_ACTUAL:
        return figures.text if figures.text is not None else figures.actual
    return figures.pct_met


def _result_title(result: ResultInfo) -> str:
    head = f"{result.tier} {result.code}" if result.tier else result.code
    return f"{head}: {result.title}"


def _indicator_tooltip(row: IpttRow) -> str:
    direction = {
        Direction.INCREASE: "higher is better",
        Direction.DECREASE: "lower is better",
        Direction.NONE: "no preferred direction",
    }[row.direction]
    lines = [f"{row.code} — {row.name}", f"Result: {row.result_code}", f"Measure: {row.measure.value}"]
    if row.unit:
        lines.append(f"Unit: {row.unit}")
    if row.measure is not Measure.QUALITATIVE:
        lines.append(f"Direction: {row.direction.value} ({direction})")
        cumulation = Cumulation.RUNNING_TOTAL if row.measure is Measure.PERCENT else row.cumulation
        lines.append(f"Over time: {_CUMULATION_WORDS[cumulation]}")
    lines.append("Figures are rounded for display (at most 2 decimals).")
    return "\n".join(lines)

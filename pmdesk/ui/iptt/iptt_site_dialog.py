# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT drill-down: one indicator's actual, target and % met at each reporting site."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import Measure
from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.completeness.completeness_table_model import PATH_SEPARATOR, site_lines
from pmdesk.ui.iptt.iptt_site_table_model import (
    COL_SITE,
    COL_STATUS,
    COL_TO_DATE,
    IpttSiteTableModel,
    SiteFigures,
)
from pmdesk.ui.widgets.frozen_table_view import FrozenColumnTableView
from pmdesk.ui.widgets.notes_fold import lines_per_row
from pmdesk.ui.workers import Job

if TYPE_CHECKING:
    from pmdesk.services.iptt import IpttRow, IpttTable
    from pmdesk.services.sites import SiteInfo
    from pmdesk.ui.context import UiContext

WHOLE_PROGRAMME = "Whole programme"


def subtree_codes(sites: Sequence[SiteInfo], root: str) -> set[str]:
    """The site and every site below it."""
    children: dict[str | None, list[str]] = {}
    for site in sites:
        children.setdefault(site.parent_code, []).append(site.code)
    found: set[str] = set()
    stack = [root]
    while stack:
        code = stack.pop()
        if code not in found:
            found.add(code)
            stack.extend(children.get(code, ()))
    return found


class IpttSiteDialog(QDialog):
    """Opens at once and fills when the figures arrive from a worker."""

    loaded = Signal()
    load_failed = Signal(str)

    def __init__(
        self,
        context: UiContext,
        table: IpttTable,
        indicator: IpttRow,
        sites: Sequence[SiteInfo],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._table = table
        self._indicator = indicator
        self._sites = tuple(sites)
        self.model = IpttSiteTableModel(self)
        self.setWindowTitle(f"{indicator.code} — values by site")
        self._build()
        job = Job(
            context.services.iptt.by_site,
            table.programme_code,
            indicator.code,
            as_of=table.as_of,
            approved_only=table.approved_only,
            name="iptt by site",
        )
        job.finished.connect(self._on_loaded)
        job.failed.connect(self._on_failed)
        self._job: Job | None = context.workers.start(job)

    def _build(self) -> None:
        table, indicator = self._table, self._indicator
        heading = QLabel(f"{indicator.code}  {indicator.name}", self)
        heading.setWordWrap(True)
        font = QFont(self.font())
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.2)
        heading.setFont(font)
        as_of = next((p.label() for p in table.periods if p.code == table.as_of), None)
        scope = [
            table.programme_code,
            f"as of {as_of}" if as_of else "no data yet",
            table.site_name or WHOLE_PROGRAMME,
            "approved data only" if table.approved_only else "all data",
        ]
        cells = "Each cell: actual / target · % met, against the targets set for that site."
        if indicator.measure is Measure.NUMBER:
            note = f"{cells} The sites' actuals add up to the total in the last row."
        elif indicator.measure is Measure.PERCENT:
            note = f"{cells} Percentages do not add up: the total is Σ numerators ÷ Σ denominators."
        else:
            note = "A qualitative indicator: the text each site reported (hover over a cell to read it all)."
        self.subtitle_label = QLabel(" · ".join(scope) + "\n" + note, self)
        self.subtitle_label.setWordWrap(True)
        self.status_label = QLabel("Computing the figures of each site…", self)
        self.status_label.setWordWrap(True)

        self.table_view = FrozenColumnTableView(self)
        self.table_view.setModel(self.model)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.verticalHeader().hide()
        self.table_view.setWordWrap(False)
        self.table_view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # A site path shortened to one line keeps the school's name, not the district's.
        self.table_view.set_path_separator(PATH_SEPARATOR)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        # The count of sites beside Close, not above the table: rows matter more on a small screen.
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.subtitle_label)
        layout.addWidget(self.table_view, 1)
        layout.addLayout(bottom)
        # Most of the parent window, which on a 1024 × 600 laptop is most of the screen.
        parent = self.parentWidget()
        if parent is not None:
            size = parent.window().size()
            self.resize(max(int(size.width() * 0.85), 480), max(int(size.height() * 0.9), 320))

    @property
    def is_busy(self) -> bool:
        return self._job is not None

    def done(self, result: int) -> None:
        if self._job is not None:  # closed before the figures came: they are no longer wanted
            self._job.cancel()
            self._job = None
        super().done(result)

    def _on_loaded(self, rows: list[tuple[SiteInfo, IpttRow]]) -> None:
        if self._job is None or self.sender() is not self._job.signals:
            return
        self._job = None
        table = self._table
        if table.site_code:
            inside = subtree_codes(self._sites, table.site_code)
            rows = [(site, row) for site, row in rows if site.code in inside]
        lines = site_lines([site for site, _ in rows], self._sites)
        figures = [
            SiteFigures(line.path, f"{line.full_path}\nSite code: {line.site.code}", row, line.site.code)
            for line, (_, row) in zip(lines, rows)
        ]
        total = table.site_name or WHOLE_PROGRAMME
        figures.append(
            SiteFigures(f"Total: {total}", "The figures of the IPTT itself", self._indicator, is_total=True)
        )
        self.model.set_rows(figures, table.periods, table.thresholds)
        count = len(rows)
        self.status_label.setText(
            f"{count} reporting site{'s' if count != 1 else ''}."
            if count
            else "No reporting site here: the total comes from the IPTT."
        )
        qualitative = self._indicator.measure is Measure.QUALITATIVE
        for column in (COL_TO_DATE, COL_STATUS):  # a text has no figure to date nor status
            self.table_view.setColumnHidden(column, qualitative)
        self._fit_columns()
        self.table_view.setFocus()  # no row selected: the highlight would hide its colours
        self.loaded.emit()

    def _on_failed(self, error: BaseException) -> None:
        if self._job is None or self.sender() is not self._job.signals:
            return
        self._job = None
        if isinstance(error, PmdeskError):
            message = str(error)
        else:
            message = f"The figures could not be computed ({type(error).__name__}: {error}). Details are in the log file."
        self.status_label.setText(message)
        self.load_failed.emit(message)

    def _fit_columns(self) -> None:
        view = self.table_view
        metrics = view.fontMetrics()
        chars = metrics.averageCharWidth()
        view.resizeColumnsToContents()
        view.setColumnWidth(
            COL_SITE,
            min(view.columnWidth(COL_SITE) + chars, max(view.viewport().width() // 3, chars * 24)),
        )
        for column in range(COL_SITE + 1, self.model.columnCount()):
            # Room for a total with its partial mark, "680 / 5,550 · 12.25% (1/11)", in bold.
            view.setColumnWidth(column, min(view.columnWidth(column) + chars * 2, chars * 36))
        # The heading, the notes, the header and the buttons take about eight lines of text.
        view.fit_rows(padding=metrics.height() // 3, max_lines=lines_per_row(self, 8, most=2))

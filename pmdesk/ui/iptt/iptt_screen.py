# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT of one programme: as-of, site and approved-only choices over a colour-coded table,
with a per-site drill-down and export to Excel and CSV."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import Status
from pmdesk.domain.iptt import partial_note
from pmdesk.domain.iptt_filter import IpttFilter
from pmdesk.formats.iptt_text import PARTIAL_RULE
from pmdesk.ui.iptt.iptt_export_actions import IpttExportActions
from pmdesk.ui.iptt.iptt_filters import IpttFilterBar
from pmdesk.ui.iptt.iptt_legend import IpttLegend
from pmdesk.ui.iptt.iptt_load import IpttLoad, IpttRequest, load_iptt
from pmdesk.ui.iptt.iptt_pdf_job import IpttPrintRequest
from pmdesk.ui.iptt.iptt_pickers import WHOLE_PROGRAMME, IpttPickers
from pmdesk.ui.iptt.iptt_site_dialog import IpttSiteDialog
from pmdesk.ui.iptt.iptt_sparkline import SparklineDelegate
from pmdesk.ui.iptt.iptt_table_model import COL_INDICATOR, COL_STATUS, COL_TREND, COL_UNIT, IpttTableModel
from pmdesk.ui.iptt.iptt_variance import IpttVariance
from pmdesk.ui.iptt.status_style import STATUS_STYLES, TEXT_ON_COLOUR
from pmdesk.ui.loading import Loader
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import ChangeKind, DataChange, Navigation
from pmdesk.ui.widgets.column_fit import fit_columns_to_text
from pmdesk.ui.widgets.elided_label import ElidedLabel
from pmdesk.ui.widgets.frozen_table_view import FrozenColumnTableView
from pmdesk.ui.widgets.notes_fold import NotesFold, lines_per_row

if TYPE_CHECKING:
    from pmdesk.services.iptt import IpttRow, IpttTable
    from pmdesk.ui.context import UiContext

# The changes that can move a figure (people, meetings, actions … cannot).
RELEVANT_CHANGES = frozenset(
    {ChangeKind.PROGRAMMES, ChangeKind.FRAMEWORK, ChangeKind.SITES, ChangeKind.TARGETS, ChangeKind.VALUES}
)


class IpttScreen(Screen):
    """The programme's IPTT. Figures are computed by a worker; a newer choice drops older results.
    Double-click or Enter on an indicator shows its figures by site; the export buttons save the
    table as shown (as of, site, approved only)."""

    title = "IPTT"
    name = "iptt"

    table_loaded = Signal(str)  # programme code, once new figures are on screen
    load_failed = Signal(str)  # the message shown
    status_message = Signal(str)  # an outcome for the shell's status bar (also shown on the screen)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._request: IpttRequest | None = None  # the choice shown, or on its way
        self.loader = Loader(context.workers, "The IPTT", self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self.loader.busy_changed.connect(lambda busy: self.busy_indicator.setVisible(busy))
        self._pending: Navigation | None = None  # asked for before the table arrived
        self._filters_by_programme: dict[str, IpttFilter] = {}  # for the session
        self.model = IpttTableModel(self)
        self.site_dialog: IpttSiteDialog | None = None
        self._build()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        # One line, shortened on a small screen: the programme's name is also in the window's picker.
        self.title_label = ElidedLabel("", self, Qt.TextElideMode.ElideRight)
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel("", self)
        self.subtitle_label.setWordWrap(True)

        self.filters = IpttFilterBar(self)
        self.filters.changed.connect(self._on_rows_filtered)
        self.exports = IpttExportActions(self.context, self, lambda: self.model.table, self.print_request)
        band = (self.filters.button, self.filters.summary)
        self.pickers = IpttPickers(self, band)
        self.pickers.changed.connect(self._on_filter_changed)
        self.as_of_combo = self.pickers.as_of_combo
        self.site_combo = self.pickers.site_combo
        self.approved_check = self.pickers.approved_check
        self.legend_button = self.pickers.legend_button
        self.busy_indicator = self.pickers.busy_indicator
        self.exports.told.connect(self._tell)
        self.exporter = self.exports.exporter
        self.excel_button = self.exports.excel_button
        self.csv_button = self.exports.csv_button
        # Variance explanations: for the selected indicator, as of the period shown.
        self.variance = IpttVariance(self.context, self, self._selected_row)
        self.variance.told.connect(self._tell)
        self.variance.marks_changed.connect(self.model.set_variance_marks)
        self.explain_button = self.variance.button
        # In the band of pickers, which wraps rather than squeeze the title or widen the screen.
        self.pickers.layout.addWidget(self.explain_button)
        # Tab: the pickers, the filter, the exports (Excel, CSV, PDF), then the legend button.
        order = (
            self.approved_check,
            self.filters.button,
            self.filters.clear_button,
            self.excel_button,
            self.csv_button,
            self.exports.pdf_button,
            self.legend_button,
        )
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(
            f"background: {STATUS_STYLES[Status.OFF_TRACK].background}; color: {TEXT_ON_COLOUR};"
            " padding: 6px; border-radius: 3px;"
        )
        self.error_label.hide()

        self.table_view = FrozenColumnTableView(self)
        self.table_view.setModel(self.model)
        # Status beside the indicator, in the part that never scrolls: on a 1024-pixel screen it
        # was beyond the right edge, and it stays in sight while the periods scroll by.
        self.table_view.set_frozen_columns((COL_INDICATOR, COL_TREND, COL_STATUS))
        # The trend beside the indicator: drawn by the frozen view (the main view's column lies under it).
        self.sparklines = SparklineDelegate(self.table_view)
        self.table_view.frozen_view.setItemDelegateForColumn(COL_TREND, self.sparklines)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.verticalHeader().hide()
        self.table_view.setWordWrap(False)  # only the frozen indicator column wraps
        self.table_view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table_view.setAlternatingRowColors(False)  # status colours carry the meaning
        self.table_view.doubleClicked.connect(self._on_row_chosen)
        self.table_view.selectionModel().currentRowChanged.connect(self.variance.update_enabled)
        for view in (self.table_view, self.table_view.frozen_view):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(
                lambda position, view=view: self.variance.context_menu(view, position)
            )
        self.table_view.frozen_view.doubleClicked.connect(self._on_row_chosen)
        # Enter by hand rather than `activated`: styles that activate on a single click would
        # otherwise open the dialog whenever a cell is clicked to read its tooltip.
        self.table_view.installEventFilter(self)

        self.empty_label = QLabel("", self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table_view)
        self.stack.addWidget(self.empty_label)

        self.legend = IpttLegend(self)
        # "N explanations missing" after the status chips: it counts the status cells marked unexplained.
        legend_chips = self.legend.layout()
        assert legend_chips is not None
        legend_chips.addWidget(self.variance.count_label)
        self._legend_chips = self.legend.chips

        self.partial_label = QLabel(
            "Partial (n of m sites): only n of the m sites expected to report have values for that "
            "period. Running totals and percents to date use the latest period every site reported.",
            self,
        )
        self.partial_label.setToolTip(PARTIAL_RULE)
        self.partial_label.setWordWrap(True)

        self.status_label = QLabel("", self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.hide()  # until there is an outcome to tell
        self.hint_label = QLabel(
            "Double-click an indicator or press Enter to see its figures by site; right-click it to "
            "explain its variance.",
            self,
        )
        self.hint_label.setWordWrap(True)

        heading = QHBoxLayout()
        heading.addWidget(self.title_label, 1)
        heading.addWidget(self.excel_button, 0, Qt.AlignmentFlag.AlignTop)
        heading.addWidget(self.csv_button, 0, Qt.AlignmentFlag.AlignTop)
        heading.addWidget(self.exports.pdf_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.subtitle_label)
        layout.addLayout(self.pickers.layout)
        layout.addWidget(self.error_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.partial_label)  # its own line: squeezed beside the chips it wraps badly
        layout.addWidget(self.hint_label)
        layout.addWidget(self.status_label)
        self.notes = NotesFold(
            self,
            self.table_view,
            (self.subtitle_label, self.legend, self.partial_label, self.hint_label),
            self.legend_button,
        )
        self._row_lines = 0  # how many lines of an indicator's name a row shows (0: all)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        # Derived from the screen's font, so the title follows View ▸ Zoom.
        title = QFont(self.font())
        if title.pointSizeF() > 0:
            title.setPointSizeF(title.pointSizeF() * 1.3)
        else:  # a font sized in pixels
            title.setPixelSize(round(title.pixelSize() * 1.3))
        title.setBold(True)
        self.title_label.setFont(title)
        # Widgets with a style sheet do not pick up a new application font by themselves.
        self.legend.apply_font()
        self.variance.count_label.setFont(self.font())
        self.error_label.setFont(self.font())

    # -- public -----------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        return self.loader.is_loading

    @property
    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def set_programme(self, code: str | None) -> None:
        """Show the IPTT of another programme (None: nothing), as of its latest period with data."""
        if code == self.programme_code and self._request is not None:
            return
        self.programme_code = code
        self.pickers.reset()
        remembered = self._filters_by_programme.get(code, IpttFilter()) if code else IpttFilter()
        self.model.set_filter(remembered)
        self.filters.set_table(None)
        self.filters.set_filter(remembered)
        self.model.set_table(None)
        self.variance.set_table(None)
        self.table_view.clearSpans()
        self.error_label.hide()
        self._tell_nothing()
        self.exports.update()
        if code is None:
            self._cancel()
            self._set_titles("", "")
            return
        self._set_titles(code, "Computing the IPTT…")
        self.refresh_when_shown()

    def refresh(self) -> None:
        """Recompute with the current choices (after the data changed)."""
        if self.programme_code is not None:
            self._load(self.pickers.as_of, self.pickers.site_code)

    def on_data_changed(self, change: DataChange) -> None:
        if change.kind in RELEVANT_CHANGES:
            super().on_data_changed(change)
        elif (
            change.kind is ChangeKind.EXPLANATIONS
            and change.concerns(self.programme_code)
            and not change.made_by(self)
        ):
            self.variance.refresh()  # the figures stand; only the marks move

    def navigate(self, target: Navigation) -> None:
        """Select the indicator named (after the table has arrived, if it is on its way)."""
        if self.loader.is_loading:
            self._pending = target
        elif target.indicator_code:
            self._select_indicator(target.indicator_code)

    def focus_first(self) -> None:
        """Ctrl+7: the table, so arrow keys move through indicators (on "As of" they changed the report)."""
        self.table_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def find_text(self, text: str) -> bool:
        """Select the next indicator whose code or name contains `text`."""
        needle = text.strip().casefold()
        rows = self.model.rowCount()
        if not needle or not rows:
            return False
        current = self.table_view.currentIndex()
        start = current.row() + 1 if current.isValid() else 0
        for offset in range(rows):
            row = (start + offset) % rows
            line = self.model.line_at(row)
            indicator = line.indicator if line is not None else None
            if indicator is not None and needle in f"{indicator.code} {indicator.name}".casefold():
                self._select_row(row)
                return True
        return False

    def open_site_figures(self, indicator_code: str) -> IpttSiteDialog | None:
        """Open the "values by site" dialog of an indicator of the table shown."""
        table = self.model.table
        row = self.model.indicator_row_of(indicator_code)
        line = self.model.line_at(row)
        if table is None or line is None or line.indicator is None:
            return None
        if self.site_dialog is not None:
            self.site_dialog.close()
            self.site_dialog.deleteLater()
        self.site_dialog = IpttSiteDialog(self.context, table, line.indicator, self.pickers.sites, self)
        self.site_dialog.open()
        return self.site_dialog

    # -- loading ----------------------------------------------------------------------------

    def _load(self, as_of: str | None, site_code: str | None) -> None:
        assert self.programme_code is not None
        self._request = IpttRequest(self.programme_code, as_of, site_code, self.pickers.approved_only)
        services = self.services
        self.loader.load(
            load_iptt,
            services.iptt,
            services.programmes,
            services.sites,
            services.variance,
            self._request,
            name="iptt",
        )

    def _cancel(self) -> None:
        self.loader.cancel()

    def _on_loaded(self, load: IpttLoad) -> None:
        # Painted on the next turn of the event loop: the table is set up and fitted in one stretch,
        # painted in another, and events waiting meanwhile are handled between them (issue #11 §2).
        self.table_view.setUpdatesEnabled(False)
        QTimer.singleShot(0, self, self._paint_table)
        self.error_label.hide()
        self.pickers.fill(load)
        current = self.model.line_at(self.table_view.currentIndex().row())
        self.model.set_table(load.table, load.cells)  # texts and statuses: computed by the load job
        self.model.set_figure_texts(load.figure_texts)  # formatted by the load job
        self.filters.set_table(load.table)
        self.model.set_filter(self.filters.current)  # what still applies to this table
        self.variance.set_table(load.table, load.marks)  # read by the load job
        self._show_table(load.table)
        self.exports.update()
        pending, self._pending = self._pending, None
        if pending is not None and pending.indicator_code:
            self._select_indicator(pending.indicator_code)
        elif current is not None and current.indicator is not None:
            self._select_indicator(current.indicator.code)  # the same row after a refresh
        self.table_loaded.emit(load.request.programme_code)

    def _paint_table(self) -> None:
        self.table_view.setUpdatesEnabled(True)

    def _on_failed(self, message: str) -> None:
        # Figures of an earlier choice under this message would be read as the answer.
        self.model.set_table(None)
        self.variance.set_table(None)
        self.table_view.clearSpans()
        self.exports.update()
        self.error_label.setText(message)
        self.error_label.show()
        self._set_titles(self.title_label.full_text(), "")
        self.load_failed.emit(message)

    def _set_titles(self, title: str, subtitle: str) -> None:
        # The subtitle folds away on a short screen; the title's tooltip still has it.
        self.subtitle_label.setText(subtitle)
        self.title_label.set_full_text(title, "\n".join(t for t in (title, subtitle) if t))

    def _show_table(self, table: IpttTable) -> None:
        as_of = next((p.label() for p in table.periods if p.code == table.as_of), None)
        if as_of and table.as_of in table.partial_periods:
            as_of += f" ({partial_note(table.partial_periods[table.as_of], table.sites_expected)})"
        parts = [
            table.programme_code,
            f"as of {as_of}" if as_of else "no data yet",
            table.site_name or WHOLE_PROGRAMME,
            "approved data only" if table.approved_only else "all data",
            self._count_words(table),
            "figures rounded for display (at most 2 decimals); hover over a cell for details",
        ]
        self._set_titles(table.programme_name, " · ".join(parts))
        self.legend.set_thresholds(table.thresholds)
        if not table.rows and not table.results:
            self.empty_label.setText(
                "This programme has no results or indicators yet.\n"
                "Once its results framework is set up, its IPTT appears here."
            )
            self.stack.setCurrentWidget(self.empty_label)
            return
        self.stack.setCurrentWidget(self.table_view)
        self._span_results()
        self._fit_columns()

    def _span_results(self) -> None:
        self.table_view.clearSpans()
        columns = self.model.columnCount()
        for row in self.model.result_rows():
            if columns > 2:
                # The title lives in the frozen column; the span makes the rest one shaded band.
                self.table_view.setSpan(row, 1, 1, columns - 1)
        table = self.model.table
        total = len(table.rows) if table is not None else 0
        self.filters.set_counts(len(self.model.shown_rows()), total)

    def _fit_columns(self) -> None:
        view = self.table_view
        metrics = view.fontMetrics()
        view.horizontalHeader().setMinimumSectionSize(metrics.horizontalAdvance("0000"))
        fit_columns_to_text(view, range(1, self.model.columnCount()))  # the indicator column: below
        # Room for ~40 characters of an indicator name, but never more than a third of the view
        # on a small screen; longer names wrap onto more lines.
        chars = metrics.averageCharWidth()
        indicator_width = min(chars * 40 + 16, max(view.viewport().width() // 3, chars * 24))
        view.setColumnWidth(COL_INDICATOR, indicator_width)
        view.setColumnWidth(COL_UNIT, min(view.columnWidth(COL_UNIT), chars * 16))
        view.setColumnWidth(COL_TREND, chars * 10)  # the sparkline: sized from the font, so it zooms
        widest = chars * 18  # qualitative texts are elided; the tooltip has them in full
        for column in range(COL_UNIT + 1, self.model.columnCount()):
            # The status (in the frozen part) wraps rather than elide: "Exceeding · unexplained" on
            # one line, a partial note on a second.
            most = chars * 28 if column == COL_STATUS else widest
            if view.columnWidth(column) > most:
                view.setColumnWidth(column, most)
        self._row_lines = self._lines_per_row()
        view.fit_rows(padding=metrics.height() // 3, max_lines=self._row_lines)
        self.notes.update_soon()

    def _lines_per_row(self) -> int:
        # The title band, two lines of pickers, the header and the scroll bar: about nine lines.
        return lines_per_row(self, 9)

    # -- pickers ----------------------------------------------------------------------------

    def _on_rows_filtered(self, shown: IpttFilter) -> None:
        """A filter chosen: the model hides rows; nothing is recomputed."""
        if self.programme_code is not None:
            self._filters_by_programme[self.programme_code] = shown
        current = self.model.line_at(self.table_view.currentIndex().row())
        self.model.set_filter(shown)
        if self.model.table is not None:
            self._show_table(self.model.table)
        if current is not None and current.indicator is not None:
            self._select_indicator(current.indicator.code)

    def _count_words(self, table: IpttTable) -> str:
        """'23 indicators', or with a filter '4 of 23 indicators shown (status: Off track)'."""
        if not self.model.filter.is_active:
            return f"{len(table.rows)} indicators"
        shown = len(self.model.shown_rows())
        return f"{shown} of {len(table.rows)} indicators shown ({self.model.filter.describe(table)})"

    def print_request(self) -> IpttPrintRequest | None:
        """What Save as PDF… and Print… write: the table shown, as shown."""
        table = self.model.table
        if table is None:
            return None
        return IpttPrintRequest(
            table.programme_code, table.as_of, table.site_code, table.approved_only, self.model.filter
        )

    def _on_filter_changed(self) -> None:
        if self.programme_code is not None:
            self.refresh()

    # -- selection and drill-down -----------------------------------------------------------

    def _select_row(self, row: int) -> None:
        view = self.table_view
        view.setCurrentIndex(self.model.index(row, COL_INDICATOR))
        view.updateGeometries()  # the scroll range is otherwise updated later, after a new table
        # Column 0 never scrolls: aim at the first column in sight, so only rows move.
        column = max(view.columnAt(view.frozen_width() + 1), COL_INDICATOR + 1)
        view.scrollTo(self.model.index(row, column))

    def _select_indicator(self, code: str) -> None:
        row = self.model.indicator_row_of(code)
        if row >= 0:
            self._select_row(row)

    def _selected_row(self) -> IpttRow | None:
        """The indicator row selected; None on a result row or with nothing selected."""
        line = self.model.line_at(self.table_view.currentIndex().row())
        return line.indicator if line is not None else None

    def _on_row_chosen(self, index: QModelIndex) -> None:
        line = self.model.line_at(index.row())
        if line is not None and line.indicator is not None:
            self.open_site_figures(line.indicator.code)

    # -- outcomes ---------------------------------------------------------------------------

    def _tell_nothing(self) -> None:
        self.status_label.setText("")
        self.status_label.hide()

    def _tell(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))
        self.status_message.emit(text)

    # -- events -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table_view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.table_view.currentIndex().isValid()
        ):
            self._on_row_chosen(self.table_view.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.model.rowCount() and self._lines_per_row() != self._row_lines:
            QTimer.singleShot(0, self, self._fit_columns)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
            if self.model.rowCount():
                # Rows and columns were sized for the old font; `self` as context: not run once gone.
                QTimer.singleShot(0, self, self._fit_columns)

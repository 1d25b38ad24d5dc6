# SPDX-License-Identifier: GPL-3.0-or-later
"""Every write of the Framework & indicators screen: the dialogs, moves and deletions, through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QProgressDialog, QWidget

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.formatting import format_count
from pmdesk.ui.framework.disaggregation_dialog import DisaggregationsDialog
from pmdesk.ui.framework.framework_tree_model import INDICATOR, RESULT, NodeKey
from pmdesk.ui.framework.indicator_dialog import IndicatorDialog
from pmdesk.ui.framework.result_dialog import ResultDialog
from pmdesk.ui.framework.tiers_dialog import TiersDialog
from pmdesk.ui.workers import Job

if TYPE_CHECKING:
    from pmdesk.services.framework import FrameworkService
    from pmdesk.services.framework_records import DisaggregationInfo, IndicatorInfo, ResultInfo
    from pmdesk.services.programmes import ProgrammeService
    from pmdesk.services.sites import PersonInfo, SiteService
    from pmdesk.ui.context import UiContext

BUSY_DELAY_MS = 300  # a deletion that ends sooner shows no dialog at all


@dataclass(frozen=True)
class FrameworkSnapshot:
    """Everything the screen and its dialogs show, read in one job."""

    programme_code: str
    programme_name: str
    tiers: tuple[str, ...]
    results: tuple[ResultInfo, ...]
    indicators: tuple[IndicatorInfo, ...]
    disaggregations: tuple[DisaggregationInfo, ...]
    people: tuple[PersonInfo, ...]


def load_framework(
    framework: FrameworkService, programmes: ProgrammeService, sites: SiteService, programme_code: str
) -> FrameworkSnapshot:
    """The job: runs on a pool thread (counting values per indicator takes a while on a big
    database) and touches no widget."""
    programme = programmes.get(programme_code)
    return FrameworkSnapshot(
        programme.code,
        programme.name,
        programme.tiers,
        tuple(framework.list_results(programme_code)),
        tuple(framework.list_indicators(programme_code)),
        tuple(framework.list_disaggregations(programme_code)),
        tuple(sites.list_people(programme_code)),
    )


def ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    """A question whose safe answer, No, is the default."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class FrameworkEditor(QObject):
    """Opens the dialogs over the current snapshot and calls the services. It says what happened
    through `written` (what to select once the framework is read again) and `refused` (the
    service's message); it never refreshes anything itself."""

    written = Signal(object)  # NodeKey | None
    refused = Signal(str)

    def __init__(self, context: UiContext, window: QWidget) -> None:
        super().__init__(window)
        self._services = context.services
        self._workers = context.workers
        self._window = window  # parent of the dialogs
        self.snapshot: FrameworkSnapshot | None = None
        self._job: Job | None = None

    @property
    def is_busy(self) -> bool:
        """A slow deletion is running."""
        return self._job is not None

    def _programme(self) -> str | None:
        return self.snapshot.programme_code if self.snapshot else None

    # -- results ----------------------------------------------------------------------------

    def add_result(self, beside: ResultInfo | None) -> None:
        """A result beside `beside` (same tier, same result above), or a top-level one."""
        snapshot = self.snapshot
        if snapshot is None or not snapshot.tiers:
            return
        tier = beside.tier if beside else snapshot.tiers[0]
        self.open_result_dialog(None, beside.parent_code if beside else None, tier)

    def add_result_below(self, above: ResultInfo) -> None:
        """A result below `above`, on the next tier down."""
        snapshot = self.snapshot
        if snapshot is None or not snapshot.tiers:
            return
        tiers = list(snapshot.tiers)
        level = tiers.index(above.tier) if above.tier in tiers else -1
        self.open_result_dialog(None, above.code, tiers[min(level + 1, len(tiers) - 1)])

    def open_result_dialog(
        self, result: ResultInfo | None, parent_code: str | None, tier: str | None
    ) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        dialog = ResultDialog(
            self._services.framework,
            snapshot.programme_code,
            snapshot.tiers,
            snapshot.results,
            result=result,
            parent_code=parent_code,
            tier=tier,
            parent=self._window,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.written.emit(NodeKey(RESULT, dialog.saved.code))

    def move_result(self, code: str, parent_code: str | None, position: int) -> None:
        programme = self._programme()
        if programme is None:
            return
        try:
            self._services.framework.move_result(programme, code, parent_code, position)
        except PmdeskError as exc:
            self.refused.emit(str(exc))
            return
        self.written.emit(NodeKey(RESULT, code))

    def delete_result(self, result: ResultInfo, is_empty: bool, then: NodeKey | None) -> None:
        programme = self._programme()
        if programme is None:
            return
        # A result with indicators or results below is refused by the service: show why straight
        # away rather than ask a question whose Yes cannot work.
        question = f"Delete result {result.code} “{result.title}”?"
        if is_empty and not ask_yes_no(self._window, "Delete result", question):
            return
        try:
            self._services.framework.delete_result(programme, result.code)
        except PmdeskError as exc:
            self.refused.emit(str(exc))
            return
        self.written.emit(then)

    # -- indicators -------------------------------------------------------------------------

    def open_indicator_dialog(self, indicator: IndicatorInfo | None, result_code: str | None) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        dialog = IndicatorDialog(
            self._services.framework,
            snapshot.programme_code,
            snapshot.results,
            snapshot.disaggregations,
            snapshot.people,
            indicator=indicator,
            result_code=result_code,
            parent=self._window,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.written.emit(NodeKey(INDICATOR, dialog.saved.indicator.data.code))

    def edit_indicator(self, code: str) -> None:
        programme = self._programme()
        if programme is None:
            return
        try:  # the latest version, not the one read when the tree was filled
            indicator = self._services.framework.get_indicator(programme, code)
        except PmdeskError as exc:
            self.refused.emit(str(exc))
            return
        self.open_indicator_dialog(indicator, indicator.data.result_code)

    def move_indicator(self, code: str, result_code: str, position: int) -> None:
        programme = self._programme()
        if programme is None:
            return
        try:
            self._services.framework.move_indicator(programme, code, result_code, position)
        except PmdeskError as exc:
            self.refused.emit(str(exc))
            return
        self.written.emit(NodeKey(INDICATOR, code))

    def delete_indicator(self, code: str, then: NodeKey | None) -> None:
        programme = self._programme()
        if programme is None or self._job is not None:
            return
        framework = self._services.framework
        try:  # count the values now: some may have arrived since the tree was read
            indicator = framework.get_indicator(programme, code)
        except PmdeskError as exc:
            self.refused.emit(str(exc))
            return
        values = indicator.value_count
        name = f"indicator {code} “{indicator.data.name}”"
        if not values:
            question = f"Delete the {name}? It has no data values; its baseline and targets go with it."
            if not ask_yes_no(self._window, "Delete indicator", question):
                return
            try:
                framework.delete_indicator(programme, code)
            except PmdeskError as exc:  # values arrived after all: nothing was deleted
                self.refused.emit(str(exc))
                return
            self.written.emit(then)
            return
        count = format_count(values)
        question = (
            f"The {name} has {count} data values.\n\nDelete the indicator together with its {count} "
            "data values? History records the deletion, but the values cannot be brought back."
        )
        if ask_yes_no(self._window, "Delete indicator", question):
            self._delete_with_data(programme, code, f"Deleting {name} and its {count} data values…", then)

    def _delete_with_data(self, programme: str, code: str, label: str, then: NodeKey | None) -> None:
        # Many values take a while to delete: off the UI thread, behind a busy dialog. It has no
        # Cancel: the deletion is one transaction, all or nothing, and stopping it halfway is not
        # something the service offers.
        busy = QProgressDialog(self._window)
        text = QLabel(label, busy)
        text.setWordWrap(True)  # a long indicator name must not widen the dialog past the screen
        busy.setLabel(text)
        busy.setRange(0, 0)
        busy.setMinimumWidth(420)
        busy.setCancelButton(None)
        busy.setWindowTitle("Delete indicator")
        busy.setWindowModality(Qt.WindowModality.WindowModal)
        busy.hide()
        show_later = QTimer(busy)
        show_later.setSingleShot(True)
        show_later.timeout.connect(busy.show)
        show_later.start(BUSY_DELAY_MS)

        def close_busy() -> None:
            show_later.stop()
            busy.hide()
            busy.deleteLater()

        job = Job(
            self._services.framework.delete_indicator,
            programme,
            code,
            with_data=True,
            name="delete indicator",
        )
        job.finished.connect(lambda _result: self._on_deleted(then))
        job.failed.connect(self._on_delete_failed)
        job.signals.ended.connect(close_busy)
        self._job = self._workers.start(job)

    def _on_deleted(self, then: NodeKey | None) -> None:
        self._job = None
        self.written.emit(then)

    def _on_delete_failed(self, error: BaseException) -> None:
        self._job = None
        message = str(error) if isinstance(error, PmdeskError) else f"{type(error).__name__}: {error}"
        self.refused.emit(f"Nothing was deleted: {message}")

    # -- programme-wide ---------------------------------------------------------------------

    def edit_tiers(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        usage = [sum(1 for r in snapshot.results if r.tier == tier) for tier in snapshot.tiers]
        dialog = TiersDialog(
            self._services.programmes, snapshot.programme_code, snapshot.tiers, usage, self._window
        )
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.written.emit(None)

    def edit_disaggregations(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        dialog = DisaggregationsDialog(
            self._services.framework, snapshot.programme_code, snapshot.disaggregations, self._window
        )
        dialog.exec()
        if dialog.changed:
            self.written.emit(None)

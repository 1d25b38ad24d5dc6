# SPDX-License-Identifier: GPL-3.0-or-later
"""The app-wide listener that evaluates triggers whenever values change (DESIGN.md §4).

Not a screen: screens that are not on view do no work, and alerts must be raised whichever screen
the values were typed in. It runs the evaluation in a worker job and then tells every screen that
the alerts changed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from pmdesk.ui.signals import ChangeKind, DataChange
from pmdesk.ui.workers import Job

if TYPE_CHECKING:
    from pmdesk.services.alert_records import EvaluationSummary
    from pmdesk.services.alerts import AlertService
    from pmdesk.ui.context import UiContext

log = logging.getLogger(__name__)

# What can move a figure a trigger looks at, or the triggers' subjects.
EVALUATED_ON = frozenset({ChangeKind.VALUES, ChangeKind.TARGETS, ChangeKind.FRAMEWORK, ChangeKind.PROGRAMMES})
_EVERY_PROGRAMME = ""


def evaluate_alerts(service: AlertService, programme_code: str | None) -> tuple[EvaluationSummary, ...]:
    """The job: one programme's triggers, or (None) every programme's that has some."""
    if programme_code is None:
        return service.evaluate_all()
    return (service.evaluate(programme_code),)


class AlertWatcher(QObject):
    """Evaluates a programme's triggers after each change to its values, targets, framework or
    set-up (every programme's once at start). A burst of changes (typing in the grid) runs at
    most one evaluation per programme at a time, and one more afterwards."""

    evaluated = Signal(object)  # tuple[EvaluationSummary, ...], after the notice went out

    def __init__(
        self, context: UiContext, parent: QObject | None = None, *, evaluate_at_start: bool = True
    ) -> None:
        super().__init__(parent)
        self._signals = context.signals
        self._workers = context.workers
        self._service = context.services.alerts
        self._running: dict[str, Job] = {}
        self._again: set[str] = set()
        self._stopped = False
        self._signals.data_changed.connect(self._on_data_changed)
        if evaluate_at_start:
            # Alerts due to data written before this version, or by an import without the window.
            QTimer.singleShot(0, lambda: self.evaluate(None))

    @property
    def is_busy(self) -> bool:
        return bool(self._running)

    def stop(self) -> None:
        """The database is being closed: listen no more, and drop what is running."""
        self._stopped = True
        self._signals.data_changed.disconnect(self._on_data_changed)
        for job in self._running.values():
            job.cancel()
        self._running.clear()
        self._again.clear()

    def evaluate(self, programme_code: str | None) -> None:
        if self._stopped:
            return
        key = programme_code or _EVERY_PROGRAMME
        if key in self._running or _EVERY_PROGRAMME in self._running:
            self._again.add(key)
            return
        job = Job(evaluate_alerts, self._service, programme_code, name="alerts")
        job.finished.connect(lambda summaries, k=key: self._on_finished(k, summaries))
        job.failed.connect(lambda error, k=key: self._on_failed(k, error))
        self._running[key] = job
        self._workers.start(job)

    def _on_data_changed(self, change: object) -> None:
        if isinstance(change, DataChange) and change.kind in EVALUATED_ON:
            self.evaluate(change.programme_code)

    def _on_finished(self, key: str, summaries: tuple[EvaluationSummary, ...]) -> None:
        if self._stopped:
            return
        self._running.pop(key, None)
        for summary in summaries:
            for reason in summary.skipped:
                log.info("alerts of %s: skipped %s", summary.programme_code, reason)
            if summary.changed:
                self._signals.announce(ChangeKind.ALERTS, summary.programme_code, origin=self)
        self.evaluated.emit(summaries)
        self._next()

    def _on_failed(self, key: str, error: BaseException) -> None:
        # A programme deleted meanwhile, a database locked by a backup: the next change retries.
        self._running.pop(key, None)
        log.info("alerts of %s not evaluated: %s", key or "every programme", error)
        self._next()

    def _next(self) -> None:
        for key in sorted(self._again):
            if key not in self._running and _EVERY_PROGRAMME not in self._running:
                self._again.discard(key)
                self.evaluate(key or None)

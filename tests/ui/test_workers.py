# SPDX-License-Identifier: GPL-3.0-or-later
"""Workers: a job runs off the UI thread and reports on it; failures and cancelling."""

from __future__ import annotations

import threading
import time

from pytestqt.qtbot import QtBot

from pmdesk.domain.errors import NotFoundError
from pmdesk.ui.workers import Job, ProgressFn, Workers


def test_a_job_runs_on_a_pool_thread_and_reports_on_the_ui_thread(qtbot: QtBot) -> None:
    workers = Workers()
    ui_thread = threading.get_ident()
    received: list[tuple[int, bool]] = []
    job = Job(lambda x: (x * 2, threading.get_ident()), 21)
    job.finished.connect(lambda result: received.append((result[0], result[1] != ui_thread)))
    with qtbot.waitSignal(job.finished):
        workers.start(job)
    assert received == [(42, True)]
    assert all(threading.get_ident() == ui_thread for _ in received)
    qtbot.waitUntil(lambda: workers.active_count == 0)
    assert workers.wait(1000)


def test_a_failure_is_reported_with_the_exception(qtbot: QtBot) -> None:
    workers = Workers()

    def missing() -> None:
        raise NotFoundError("no programme with code 'X'")

    job = Job(missing)
    with qtbot.waitSignal(job.failed) as failed:
        workers.start(job)
    assert isinstance(failed.args[0], NotFoundError)
    assert workers.wait(1000)


def test_progress_is_reported_and_a_cancelled_job_stops_silently(qtbot: QtBot) -> None:
    workers = Workers()
    started = threading.Event()
    steps: list[tuple[int, int, str]] = []

    def slow(progress: ProgressFn) -> str:
        progress(0, 100, "starting")
        started.set()
        for step in range(1, 100):
            time.sleep(0.01)
            progress(step, 100, "")
        return "done"

    job = Job(slow, reports_progress=True)
    job.progress.connect(lambda done, total, message: steps.append((done, total, message)))
    outcomes: list[object] = []
    job.finished.connect(outcomes.append)
    job.failed.connect(outcomes.append)
    workers.start(job)
    assert started.wait(5)
    qtbot.waitUntil(lambda: bool(steps))
    job.cancel()
    assert workers.wait(5000)
    qtbot.wait(50)
    assert steps[0] == (0, 100, "starting")
    assert outcomes == []
    assert job.is_cancelled

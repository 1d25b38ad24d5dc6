# SPDX-License-Identifier: GPL-3.0-or-later
"""The one loading helper (issue #8 §3): off the UI thread, busy only when slow, latest answer only,
plain failure messages."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.loading import Loader
from pmdesk.ui.workers import Workers


@pytest.fixture
def workers() -> Iterator[Workers]:
    pool = Workers()
    yield pool
    pool.cancel_all()
    pool.wait(10_000)


def test_only_the_latest_load_is_delivered(qtbot: QtBot, workers: Workers) -> None:
    loader = Loader(workers, "The table")
    heard: list[object] = []
    loader.loaded.connect(heard.append)
    release = threading.Event()

    def slow() -> str:
        release.wait(5)
        return "old answer"

    loader.load(slow)
    loader.load(lambda: "new answer")
    qtbot.waitUntil(lambda: heard == ["new answer"], timeout=5_000)
    release.set()
    workers.wait(5_000)
    qtbot.wait(50)  # the slow job's answer, if it were delivered, has arrived by now
    assert heard == ["new answer"]
    assert not loader.is_loading


def test_busy_shows_only_for_a_slow_load(qtbot: QtBot, workers: Workers) -> None:
    loader = Loader(workers, "The table", busy_delay_ms=50)
    busy: list[bool] = []
    loader.busy_changed.connect(busy.append)
    with qtbot.waitSignal(loader.loaded, timeout=5_000):
        loader.load(lambda: 1)
    assert busy == []  # quick: no flicker
    release = threading.Event()
    loader.load(lambda: release.wait(5))
    qtbot.waitUntil(lambda: busy == [True], timeout=5_000)
    with qtbot.waitSignal(loader.loaded, timeout=5_000):
        release.set()
    assert busy == [True, False]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PmdeskError("there is no programme 'X'"), "there is no programme 'X'"),
        (
            KeyError("boom"),
            "The table could not be loaded: an unexpected problem stopped it. The details are in the log file.",
        ),
    ],
)
def test_a_failure_is_said_in_plain_words(
    qtbot: QtBot, workers: Workers, error: Exception, expected: str
) -> None:
    loader = Loader(workers, "The table")

    def fail() -> None:
        raise error

    with qtbot.waitSignal(loader.failed, timeout=5_000) as signal:
        loader.load(fail)
    assert signal.args == [expected]
    assert "KeyError" not in signal.args[0]


def test_an_answer_queued_before_the_window_cancelled_every_job_is_dropped(
    qtbot: QtBot, workers: Workers
) -> None:
    """Closing a database cancels every job and then deletes its screens; a load that had already
    finished, its answer still queued, must not reach the deleted loader."""
    loader = Loader(workers, "The table")
    heard: list[object] = []
    loader.loaded.connect(heard.append)
    loader.load(lambda: "answer")
    workers.wait(5_000)  # finished: the answer waits in the event queue
    workers.cancel_all()
    loader.deleteLater()
    qtbot.wait(100)  # with the guard missing, the queued answer reached a deleted timer and raised
    assert heard == []


def test_an_answer_reaching_a_deleted_loader_is_dropped(qtbot: QtBot, workers: Workers) -> None:
    """A screen deleted while its load still runs (a backup restored, say): its answer arrives
    after the loader is gone and must change nothing."""
    release = threading.Event()
    loader = Loader(workers, "The table")

    def slow() -> str:
        release.wait(5)
        return "answer"

    loader.load(slow)
    loader.deleteLater()
    qtbot.wait(50)  # deleted now; its Python wrapper lives on in the job's connection
    release.set()
    workers.wait(5_000)
    qtbot.wait(100)  # with the check missing, the answer reached a deleted timer and raised

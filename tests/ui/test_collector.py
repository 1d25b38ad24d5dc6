# SPDX-License-Identifier: GPL-3.0-or-later
"""Cycles are collected on the UI thread's timer, never by a worker that happens to allocate."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from pmdesk.ui.collector import UiThreadCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[UiThreadCollector]:
    was_enabled = gc.isenabled()
    collector = UiThreadCollector(interval_ms=20)
    collector.start()
    yield collector
    collector.stop()
    assert gc.isenabled() == was_enabled


def test_a_worker_never_collects_and_the_timer_does(qtbot: QtBot, collector: UiThreadCollector) -> None:
    assert not gc.isenabled()
    collected_in: list[str] = []
    gc.callbacks.append(lambda phase, info: collected_in.append(threading.current_thread().name))
    try:
        garbage = Cycle()
        ref = weakref.ref(garbage)
        del garbage

        def allocate() -> None:  # cycles far past the gen-0 threshold: gc would collect here
            for _ in range(5 * gc.get_threshold()[0]):
                Cycle()

        worker = threading.Thread(target=allocate, name="worker")
        worker.start()
        worker.join()
        assert "worker" not in collected_in and ref() is not None
        qtbot.waitUntil(lambda: ref() is None, timeout=2000)
        assert set(collected_in) == {threading.main_thread().name}
        assert sum(collector.collections) >= 1  # whichever generation was due: the timer collected
    finally:
        gc.callbacks.pop()


def test_stop_puts_automatic_collection_back(qtbot: QtBot) -> None:
    assert gc.isenabled()
    collector = UiThreadCollector()
    collector.start()
    assert not gc.isenabled()
    garbage = Cycle()
    ref = weakref.ref(garbage)
    del garbage
    collector.stop()
    assert gc.isenabled()
    gc.collect()
    assert ref() is None


def test_what_the_window_setup_left_is_set_aside_once_and_collectable_again_after_stop(
    qtbot: QtBot, collector: UiThreadCollector
) -> None:
    before = gc.get_freeze_count()
    survivor = Cycle()
    collector.freeze_survivors()
    frozen = gc.get_freeze_count()
    assert frozen > before  # the survivor among them: a full collection no longer scans it
    collector.freeze_survivors()  # a second database opened: nothing set aside again
    assert gc.get_freeze_count() == frozen
    ref = weakref.ref(survivor)
    del survivor
    gc.collect()
    assert ref() is not None  # a cycle set aside stays while frozen …
    collector.stop()
    assert gc.get_freeze_count() == before
    gc.collect()
    assert ref() is None  # … and is collected once `stop` has put it back
    collector.start()  # for the fixture's own stop

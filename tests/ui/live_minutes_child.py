# SPDX-License-Identifier: GPL-3.0-or-later
"""Live minutes in a process of their own, typing at a steady rate, for the kill test.

Usage: python -m tests.ui.live_minutes_child DATABASE MEETING_ID TEXT INTERVAL_MS SPLIT
Types TEXT[:SPLIT] into the first item's notes, adds a decision (Ctrl+D's slot) and types the rest
into it. Prints READY once the window is up, then after each keystroke
`KEY <index> <wall-clock time> <ms the keystroke held the UI thread> <ms the tick came late>`."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def main(argv: list[str]) -> int:
    db_path, meeting_id, text, interval_ms, split = argv[1], int(argv[2]), argv[3], int(argv[4]), int(argv[5])
    app = QApplication(argv[:1])
    from pmdesk.app import build_services
    from pmdesk.storage.database import open_database
    from pmdesk.ui.context import UiContext
    from pmdesk.ui.meetings.live_minutes import LiveMinutesWindow
    from pmdesk.ui.signals import AppSignals
    from pmdesk.ui.workers import Workers

    database = open_database(db_path)
    database.gate.main_thread_wait = 0.3  # as the app sets it
    context = UiContext(build_services(database), AppSignals(), Workers())
    window = LiveMinutesWindow(context, meeting_id)
    window.resize(1280, 720)
    window.show()
    notes = window.current_page().notes
    typed = [0]
    due = [0.0]

    def tick() -> None:
        index = typed[0]
        if index >= len(text):
            return
        late = (time.monotonic() - due[0]) * 1000 if due[0] else 0.0
        before = time.monotonic()
        if index == split:
            window.add_decision()
        page = window.current_page()
        target = notes if index < split else page.decision_edits[-1]
        QTest.keyClicks(target, text[index])
        held = (time.monotonic() - before) * 1000
        print(f"KEY {index} {time.time():.4f} {held:.2f} {late:.2f}", flush=True)
        typed[0] = index + 1
        due[0] = before + interval_ms / 1000

    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(tick)

    def start() -> None:
        notes.setFocus()
        print("READY", flush=True)
        timer.start()

    QTimer.singleShot(200, start)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))

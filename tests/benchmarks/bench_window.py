# SPDX-License-Identifier: GPL-3.0-or-later
"""The main window on a million data values: how soon the IPTT is on screen, how long the UI
thread is ever held, and each screen's first showing (DESIGN.md §9).

Run on its own:  python tests/benchmarks/bench_window.py [--scale 1.0] [--runs 5] [--keep DIR]

Builds the programme of bench_core.py (150 indicators × 20 quarters × 84 sites × 4 option
combos = 1,008,000 values at --scale 1) through the package import, then, in a fresh process
per run (offscreen Qt):
  baseline  IpttService.table for the whole programme, the computation alone
  iptt      from attaching the services to the window until the IPTT is on screen, against
            that baseline
  held      the longest the UI thread went without processing events meanwhile (a 5 ms
            heartbeat timer measures the gaps), and its CPU time in that gap ("cpu"): on a
            shared machine the wall-clock gap also counts other programs' turns
  screens   each other screen shown for the first time: until its data is on screen, and the
            longest the UI thread was held meanwhile
  actions   the IPTT of one district (the site picker), the values of an indicator by site (its
            dialog), and a review meeting created (its agenda proposed from the IPTT)
Each figure is given as the median and the worst over --runs processes (issue #11 asks that no
hold be over 100 ms, so the worst is what counts); the machine's load average is printed with
them, since a shared machine's other work lengthens the holds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SCREENS = (
    "programmes",
    "framework",
    "sites",
    "targets",
    "entry",
    "completeness",
    "dashboard",
    "alerts",
    "actions",
    "scorecards",
    "learning",
    "meetings",
    "reports",
)
ACTIONS = ("iptt_one_site", "iptt_by_site", "meeting_review")
ACTION_LABELS = {
    "iptt_one_site": "IPTT of one district",
    "iptt_by_site": "IPTT values by site (dialog)",
    "meeting_review": "review meeting created",
}


def measure(path: Path) -> dict[str, float]:
    """One run, in this (fresh) process: figures in milliseconds."""
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from pmdesk.app import application, build_services
    from pmdesk.storage.database import open_database
    from pmdesk.ui.main_window import MainWindow
    from pmdesk.ui.screen_list import screen_kinds
    from pmdesk.ui.signals import AppSignals
    from pmdesk.ui.workers import Workers

    application()
    db = open_database(path)
    services = build_services(db)
    screen_kinds()  # as the app's job that opens the database does, off the UI thread
    code = services.programmes.list_programmes()[0].code
    started = time.perf_counter()
    services.iptt.table(code)
    figures = {"baseline": (time.perf_counter() - started) * 1000}

    folder = Path(tempfile.mkdtemp(prefix="pmdesk-bench-window-"))
    workers = Workers()
    settings = QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db.path, workers, AppSignals(), settings)
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()

    held = [0.0]
    # The UI thread's own CPU time in its longest gap: on a shared machine the wall-clock hold also
    # counts the time the scheduler gave other programs, this counts only PMDesk's work.
    busy = [0.0]
    thread_clock = [time.thread_time()]
    beat = QElapsedTimer()
    heartbeat = QTimer()
    heartbeat.setInterval(5)

    def on_beat() -> None:
        gap = float(beat.restart())
        now = time.thread_time()
        cpu, thread_clock[0] = (now - thread_clock[0]) * 1000, now
        if gap > held[0]:
            held[0], busy[0] = gap, cpu

    heartbeat.timeout.connect(on_beat)

    def wait(done: Callable[[], bool]) -> float:
        """Run the event loop until `done()` holds; returns the milliseconds it took."""
        start = time.perf_counter()
        while not done():
            QApplication.processEvents()
            time.sleep(0.001)
            if time.perf_counter() - start > 120:
                raise TimeoutError("the screen did not load within two minutes")
        return (time.perf_counter() - start) * 1000

    beat.start()
    heartbeat.start()
    started = time.perf_counter()
    window.attach(services)
    iptt = window.iptt_screen
    assert iptt is not None
    wait(lambda: iptt.model.rowCount() > 0 and not iptt.is_busy)
    figures["iptt"] = (time.perf_counter() - started) * 1000
    figures["held"] = held[0]
    figures["busy"] = busy[0]

    def timed(name: str, action: Callable[[], None], done: Callable[[], bool] = lambda: True) -> None:
        """`action`, then the event loop until `done()` holds and no job runs."""
        QApplication.processEvents()
        wait(lambda: workers.active_count == 0)
        held[0] = busy[0] = 0.0
        beat.restart()
        thread_clock[0] = time.thread_time()
        started = time.perf_counter()
        action()  # may read synchronously, or start a job
        QApplication.processEvents()
        wait(lambda: done() and workers.active_count == 0)
        figures[name] = (time.perf_counter() - started) * 1000
        figures[f"{name}_held"] = held[0]
        figures[f"{name}_busy"] = busy[0]

    for name in SCREENS:
        timed(name, lambda name=name: window.show_screen(name))  # type: ignore[misc]
    for name, action, done in actions(window):
        timed(name, action, done)
    heartbeat.stop()
    window.close()
    workers.wait()
    db.close()
    shutil.rmtree(folder, ignore_errors=True)
    return figures


def actions(window: Any) -> list[tuple[str, Callable[[], None], Callable[[], bool]]]:
    """What is timed after the screens: (name, what to do, when it is done)."""
    from datetime import date

    iptt = window.iptt_screen
    meetings = window.screen_named("meetings")

    def one_site() -> None:
        window.show_screen("iptt")
        combo = iptt.site_combo
        combo.setCurrentIndex(min(2, combo.count() - 1))  # a district

    def by_site() -> None:
        line = next(
            iptt.model.line_at(r) for r in range(iptt.model.rowCount()) if iptt.model.line_at(r).indicator
        )
        iptt.open_site_figures(line.indicator.code)

    def by_site_done() -> bool:
        dialog = iptt.site_dialog
        return dialog is not None and dialog.model.rowCount() > 0

    def review() -> None:
        window.show_screen("meetings")
        meetings.new_meeting()
        dialog = meetings.dialog
        dialog.kind.setCurrentIndex(dialog.kind.findData("review"))
        dialog.title_edit.setText("Benchmark review")
        dialog.held_on.setDate(date(2025, 7, 10))
        dialog.buttons.accepted.emit()

    return [
        ("iptt_one_site", one_site, lambda: iptt.model.rowCount() > 0 and not iptt.is_busy),
        ("iptt_by_site", by_site, by_site_done),
        ("meeting_review", review, lambda: meetings.dialog is None),
    ]


def build(path: Path, scale: float) -> int:
    from bench_core import build_package, import_package  # type: ignore[import-not-found]

    package = build_package(scale)
    _took, _memory, count = import_package(path, package)
    return int(count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the database in this folder and keep it")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one run, in a fresh process
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="pmdesk-bench-window-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench-window.sqlite"
    try:
        if not path.exists():
            started = time.perf_counter()
            count = build(path, args.scale)
            print(
                f"built {count:,} data values in {time.perf_counter() - started:.1f} s ({path})", flush=True
            )
        runs: list[dict[str, float]] = []
        loads: list[float] = []
        for _ in range(args.runs):
            loads.append(os.getloadavg()[0])
            out = subprocess.run(
                [sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True, check=True
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))

        def median(key: str) -> float:
            return statistics.median(run[key] for run in runs)

        def worst(key: str) -> float:
            return max(run[key] for run in runs)

        def line(label: str, key: str) -> str:
            return (
                f"  {label:34} {median(key):6.0f} ({worst(key):6.0f}) ms   "
                f"UI thread held {median(key + '_held'):4.0f} ({worst(key + '_held'):4.0f}) ms, "
                f"cpu {median(key + '_busy'):4.0f} ({worst(key + '_busy'):4.0f}) ms"
            )

        base = median("baseline")
        print(
            f"main window on {path.name}, median (worst) of {args.runs} runs, offscreen Qt, "
            f"load average {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} CPUs"
        )
        print(f"  IpttService.table alone (baseline) {base:6.0f} ({worst('baseline'):6.0f}) ms")
        print(
            f"  IPTT on screen after attach        {median('iptt'):6.0f} ({worst('iptt'):6.0f}) ms   "
            f"{median('iptt') / base:4.1f} x;  UI thread held {median('held'):4.0f} ({worst('held'):4.0f}) ms, "
            f"cpu {median('busy'):4.0f} ({worst('busy'):4.0f}) ms"
        )
        for name in SCREENS:
            print(line(f"{name} shown first", name))
        for name in ACTIONS:
            print(line(ACTION_LABELS[name], name))
        holds = [run[k] for run in runs for k in run if k.endswith("held") and k != "held"]
        cpus = [run[k] for run in runs for k in run if k.endswith("_busy")]
        print(
            f"  longest hold after the IPTT, any screen or action, any run: {max(holds):.0f} ms "
            f"(UI-thread cpu of the longest gaps: up to {max(cpus):.0f} ms)"
        )
        return 0
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

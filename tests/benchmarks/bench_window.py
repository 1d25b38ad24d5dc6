# SPDX-License-Identifier: GPL-3.0-or-later
"""The main window on a million data values: how soon the IPTT is on screen, how long the UI
thread is ever held, and each screen's first showing (DESIGN.md §9).

Run on its own:  python tests/benchmarks/bench_window.py [--scale 1.0] [--runs 5] [--keep DIR]

Builds the programme of bench_core.py (150 indicators × 20 quarters × 84 sites × 4 option
combos = 1,008,000 values at --scale 1) through the package import, then, in a fresh process
per run (offscreen Qt):
  baseline  IpttService.table for the whole programme, the computation alone
  attach    window.attach: the screens are then built one a turn of the event loop, each turn
            counted among the holds until the IPTT is on screen
  iptt      from then until the IPTT is on screen, against that baseline
  held      the longest the UI thread went without processing events meanwhile (a 5 ms
            heartbeat timer measures the gaps), and its own CPU time in its busiest gap ("cpu"):
            on a shared machine the wall-clock gap also counts other programs' turns
  screens   each other screen shown for the first time: until its data is on screen, and the
            longest the UI thread was held meanwhile
  actions   the IPTT as of another quarter, filtered, of approved data only, of one district (the
            pickers), Explain variance… opened, the values of an indicator by site (its dialog),
            another programme chosen and the big one again, and a review meeting created (its
            agenda proposed from the IPTT); a small second programme is added for the switch
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
ACTIONS = (
    "iptt_as_of",
    "iptt_filter",
    "variance_dialog",
    "iptt_approved",
    "iptt_one_site",
    "iptt_by_site",
    "programme_switch",
    "programme_back",
    "meeting_review",
)
ACTION_LABELS = {
    "iptt_as_of": "IPTT as of another quarter",
    "iptt_filter": "IPTT filtered (off track only)",
    "variance_dialog": "Explain variance… opened",
    "iptt_approved": "IPTT of approved data only",
    "iptt_one_site": "IPTT of one district",
    "iptt_by_site": "IPTT values by site (dialog)",
    "programme_switch": "another programme chosen (IPTT)",
    "programme_back": "the big programme chosen again",
    "meeting_review": "review meeting created",
}
SECOND = "ZZBENCH"  # a small second programme to switch to


def measure(path: Path) -> dict[str, float]:
    """One run, in this (fresh) process: figures in milliseconds."""
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from pmdesk.app import application, build_services
    from pmdesk.domain.iptt_filter import IpttFilter
    from pmdesk.storage.database import open_database
    from pmdesk.ui.collector import UiThreadCollector
    from pmdesk.ui.main_window import MainWindow
    from pmdesk.ui.screen_list import screen_kinds
    from pmdesk.ui.signals import AppSignals
    from pmdesk.ui.workers import Workers

    application()
    db = open_database(path)
    services = build_services(db)
    screen_kinds()  # as the app's job that opens the database does, off the UI thread
    code = services.programmes.list_programmes()[0].code
    if SECOND not in {p.code for p in services.programmes.list_programmes()}:
        from datetime import date

        from pmdesk.services.programmes import ProgrammeData

        services.programmes.create(
            ProgrammeData(SECOND, "Zz small programme", date(2024, 1, 1), date(2026, 12, 31))
        )
    started = time.perf_counter()
    services.iptt.table(code)
    figures = {"baseline": (time.perf_counter() - started) * 1000}

    folder = Path(tempfile.mkdtemp(prefix="pmdesk-bench-window-"))
    workers = Workers()
    settings = QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db.path, workers, AppSignals(), settings)
    window.gradual_screens = True  # as the app opens a database: a screen a turn
    # Cycles collected on the UI thread's timer, what the window's setup leaves set aside, as
    # in the app (pmdesk.app.run_gui).
    collector = UiThreadCollector()
    collector.start()
    window.screens_built.connect(collector.freeze_survivors)
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()

    held = [0.0]
    # The UI thread's own CPU time in its busiest gap between two beats: on a shared machine the
    # wall-clock hold also counts the time the scheduler gave other programs (and a worker's turn
    # holding the GIL), this counts only PMDesk's work on the UI thread.
    busy = [0.0]
    thread_clock = [time.thread_time()]
    beat = QElapsedTimer()
    heartbeat = QTimer()
    heartbeat.setInterval(5)

    def on_beat() -> None:
        gap = float(beat.restart())
        now = time.thread_time()
        cpu, thread_clock[0] = (now - thread_clock[0]) * 1000, now
        held[0] = max(held[0], gap)
        busy[0] = max(busy[0], cpu)

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
    cpu_started = time.thread_time()
    window.attach(services)  # starts building the screens, one a turn of the event loop
    figures["attach"] = figures["attach_held"] = (time.perf_counter() - started) * 1000
    figures["attach_busy"] = (time.thread_time() - cpu_started) * 1000
    held[0] = busy[0] = 0.0
    beat.restart()
    thread_clock[0] = time.thread_time()
    # The screens' building is part of this stretch: its turns count among the holds below.
    wait(lambda: window.iptt_screen is not None and len(window.screens) == len(SCREENS) + 1)
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
        if name == "variance_dialog":  # an indicator of the whole table selected first, untimed
            iptt.filters.changed.emit(IpttFilter())
            row = next(r for r in range(iptt.model.rowCount()) if iptt.model.line_at(r).indicator)
            iptt.table_view.selectRow(row)
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

    from pmdesk.domain.enums import Status
    from pmdesk.domain.iptt_filter import IpttFilter

    iptt = window.iptt_screen
    meetings = window.screen_named("meetings")
    big = iptt.programme_code

    def loaded(code: str | None = None) -> Callable[[], bool]:
        return lambda: (
            not iptt.is_busy
            and iptt.model.table is not None
            and (code is None or iptt.model.table.programme_code == code)
        )

    def as_of() -> None:
        window.show_screen("iptt")
        combo = iptt.as_of_combo
        combo.setCurrentIndex(min(3, combo.count() - 1))  # a quarter before the latest

    def only_off_track() -> None:
        iptt.filters.changed.emit(IpttFilter(statuses=frozenset({Status.OFF_TRACK})))

    def explain() -> None:
        iptt.variance.explain_selected()

    def approved() -> None:
        dialog = iptt.variance.dialog
        if dialog is not None:
            dialog.reject()
        iptt.approved_check.setChecked(True)

    def one_site() -> None:
        window.show_screen("iptt")
        iptt.approved_check.setChecked(False)
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

    def switch() -> None:
        if iptt.site_dialog is not None:
            iptt.site_dialog.close()
        window.show_screen("iptt")
        window.select_programme(SECOND)

    return [
        ("iptt_as_of", as_of, loaded()),
        ("iptt_filter", only_off_track, loaded()),
        ("variance_dialog", explain, lambda: iptt.variance.dialog is not None),
        ("iptt_approved", approved, loaded()),
        ("iptt_one_site", one_site, lambda: iptt.model.rowCount() > 0 and not iptt.is_busy),
        ("iptt_by_site", by_site, by_site_done),
        ("programme_switch", switch, loaded(SECOND)),
        ("programme_back", lambda: window.select_programme(big), loaded(big)),
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
            # Each run on a fresh copy: a run creates a meeting (and a small programme), which the
            # next run's Meetings would otherwise read too.
            copy = folder / "bench-window-run.sqlite"
            shutil.copyfile(path, copy)
            try:
                out = subprocess.run(
                    [sys.executable, __file__, "--measure", str(copy)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
            finally:
                for leftover in folder.glob("bench-window-run.sqlite*"):
                    leftover.unlink()
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))

        def median(key: str) -> float:
            return statistics.median(run[key] for run in runs)

        def worst(key: str) -> float:
            return max(run[key] for run in runs)

        def line(label: str, key: str) -> str:
            return (
                f"  {label:34} {median(key):6.0f} ({worst(key):6.0f}) ms   "
                f"UI thread's work {median(key + '_busy'):4.0f} ({worst(key + '_busy'):4.0f}) ms cpu, "
                f"held {median(key + '_held'):4.0f} ({worst(key + '_held'):4.0f}) ms wall"
            )

        base = median("baseline")
        print(
            f"main window on {path.name}, median (worst) of {args.runs} runs, offscreen Qt, "
            f"load average {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} CPUs"
        )
        print(
            "  the longest the UI thread went without processing events (a 5 ms heartbeat), as its own\n"
            "  CPU time in that stretch (cpu: what issue #11 limits to 100 ms) and as wall-clock time\n"
            "  (wall: also other programs' turns on the shared machine), median (worst)"
        )
        print(f"  IpttService.table alone (baseline) {base:6.0f} ({worst('baseline'):6.0f}) ms")
        print(line("window.attach (screens then one a turn)", "attach"))
        print(
            f"  IPTT on screen after attach        {median('iptt'):6.0f} ({worst('iptt'):6.0f}) ms   "
            f"{median('iptt') / base:4.1f} x;  UI thread's work {median('busy'):4.0f} ({worst('busy'):4.0f}) ms cpu, "
            f"held {median('held'):4.0f} ({worst('held'):4.0f}) ms wall"
        )
        for name in SCREENS:
            print(line(f"{name} shown first", name))
        for name in ACTIONS:
            print(line(ACTION_LABELS[name], name))
        holds = [run[k] for run in runs for k in run if k.endswith("held")]
        cpus = [run[k] for run in runs for k in run if k.endswith("busy")]
        print(
            f"  longest UI-thread work without processing events, any screen or action, any run: "
            f"{max(cpus):.0f} ms cpu (wall-clock gaps up to {max(holds):.0f} ms)"
        )
        return 0
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up time of the PMDesk window against an empty QMainWindow, from process start (DESIGN.md §9).

Run on its own:  python tests/benchmarks/bench_startup.py [--runs N] [--keep]

Each figure is the median over N fresh processes (offscreen Qt) of the time from just before the
process is spawned to a mark the process prints:
  shown     the first event-loop turn after show() (QTimer.singleShot(0) after show)
  early     the programme picker lists the programmes, read through plain sqlite3 before the
            database layer is loaded (issue #11 §5): the window is usable
  database  the database is open and the services are built (on a worker thread)
  list      the services' programme list is in, the screens built: the programme's screens fill
  iptt      the IPTT of the selected programme is on screen
PMDesk is started through the real command line (pmdesk.cli.main), on a database prepared
beforehand, so that no migration runs. The run also reports which heavy libraries were loaded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "reportlab", "openpyxl", "alembic", "jsonschema", "sqlalchemy")

EMPTY_WINDOW = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 760)
window.show()
QTimer.singleShot(0, lambda: (print(f"mark shown {time.time():.6f}", flush=True), app.quit()))
app.exec()
"""

# Wraps MainWindow.show and .attach to print marks, then starts PMDesk the way `pmdesk` does.
PMDESK_WINDOW = """
import sys, time
from PySide6.QtCore import QTimer
from pmdesk.ui.main_window import MainWindow

HEAVY = {heavy!r}

def mark(name):
    print(f"mark {{name}} {{time.time():.6f}}", flush=True)

def loaded():
    return ",".join(m for m in HEAVY if m in sys.modules) or "-"

show = MainWindow.show
def show_and_mark(self):
    show(self)
    QTimer.singleShot(0, lambda: (mark("shown"), print("heavy_at_shown", loaded(), flush=True)))
    self.programmes_listed_early.connect(lambda _n: mark("early"))
MainWindow.show = show_and_mark

attach = MainWindow.attach
def attach_and_mark(self, services):
    mark("database")
    self.programmes_loaded.connect(lambda _n: mark("list"))
    attach(self, services)
    def on_table(_code):
        mark("iptt")
        print("heavy_at_iptt", loaded(), flush=True)
        QTimer.singleShot(0, self.close)
    # The screens are built a turn at a time after attach: the IPTT's exists once all do.
    self.screens_built.connect(lambda: self.iptt_screen.table_loaded.connect(on_table))
MainWindow.attach = attach_and_mark

from pmdesk.cli import main
sys.exit(main(["--db", sys.argv[1], "--data-dir", sys.argv[2]]))
"""


def prepare(folder: Path) -> tuple[Path, str]:
    """A migrated database with a realistic programme: the demo if there is one, else a large fixture."""
    sys.path.insert(0, str(ROOT))
    from pmdesk.services.actor import Actor
    from pmdesk.storage.database import open_database

    db_path = folder / "bench.sqlite"
    db = open_database(db_path)
    try:
        from pmdesk.services.demo import DemoService

        summary = DemoService(db.sessions, Actor("bench", db.device_uuid), db.path).create_demo()
        what = f"demo programme {summary.programme_code}"
    finally:
        db.close()
    return db_path, what


def run(code: str, *args: str) -> tuple[dict[str, float], dict[str, str]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    # An installed PMDesk starts from compiled bytecode; without it every run would compile the
    # sources again (some 180 ms for the screens alone) and measure the machine's setting instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    marks: dict[str, float] = {}
    notes: dict[str, str] = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "mark":
            marks[parts[1]] = (float(parts[2]) - started) * 1000
        elif len(parts) == 2 and parts[0].startswith("heavy_at_"):
            notes[parts[0]] = parts[1]
    if result.returncode != 0 or "shown" not in marks:
        raise RuntimeError(f"the child failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return marks, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="processes per variant (default 7)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="pmdesk-bench-"))
    try:
        db_path, what = prepare(folder)
        data = folder / "data"
        pmdesk_code = PMDESK_WINDOW.format(heavy=HEAVY)
        run(EMPTY_WINDOW)  # warm the file cache for both
        run(pmdesk_code, str(db_path), str(data))
        python_only: list[float] = []
        empty: list[float] = []
        pmdesk: dict[str, list[float]] = {"shown": [], "usable": [], "database": [], "list": [], "iptt": []}
        notes: dict[str, str] = {}
        for _ in range(options.runs):  # interleaved, so that a busy machine hurts both alike
            python_only.append(run("print(f'mark shown {__import__(\"time\").time():.6f}')")[0]["shown"])
            empty.append(run(EMPTY_WINDOW)[0]["shown"])
            marks, notes = run(pmdesk_code, str(db_path), str(data))
            # Usable once the picker lists the programmes: early if the plain read worked.
            marks["usable"] = min(marks.get("early", marks["list"]), marks["list"])
            for name in pmdesk:
                pmdesk[name].append(marks[name])
    finally:
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)

    base = statistics.median(empty)
    print(
        f"PMDesk start-up, {options.runs} runs each, ms from process start, median (worst) "
        f"(offscreen Qt, {what}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print(
        f"  python interpreter only          {statistics.median(python_only):7.0f} ({max(python_only):5.0f})"
    )
    print(f"  empty QMainWindow shown          {base:7.0f} ({max(empty):5.0f})   1.00 x")
    labels = {
        "shown": "PMDesk window shown",
        "usable": "PMDesk programme list (usable)",
        "database": "PMDesk database open",
        "list": "PMDesk screens built, full list",
        "iptt": "PMDesk IPTT on screen",
    }
    for name, label in labels.items():
        value = statistics.median(pmdesk[name])
        print(f"  {label:<32} {value:7.0f} ({max(pmdesk[name]):5.0f})   {value / base:4.2f} x")
    print(f"  heavy libraries loaded when shown: {notes.get('heavy_at_shown', '?')}")
    print(f"  heavy libraries loaded with the IPTT on screen: {notes.get('heavy_at_iptt', '?')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

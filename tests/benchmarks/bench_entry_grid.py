# SPDX-License-Identifier: GPL-3.0-or-later
"""How fast the data-entry grid opens (DESIGN.md §9: "the data-entry grid opens instantly").

Run on its own:  python tests/benchmarks/bench_entry_grid.py [--runs N] [--keep DIR]

Builds a programme of 150 indicators (most disaggregated by Sex × Age: 4 option combos each),
84 sites (77 reporting schools) and quarterly values for four quarters (about 175,000 data values),
then times, as the median of N runs, for one school and quarter:
  baseline   a raw SQL select of that site and period's data-value rows (sqlite3, no ORM)
  grid()     EntryGridService.grid(): everything the grid shows, in one call
  set_rows() EntryTableModel.set_rows(): the model over that grid
  open       the screen switching to that site and period: grid(), model, spans, cursor
  paint      the first paint of the visible part of the screen (offscreen)
  save       one cell typed and saved through the screen (DataEntryService.set_value)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import insert, select

from pmdesk.domain.enums import Frequency, Measure
from pmdesk.services.actor import Actor
from pmdesk.services.framework import FrameworkService
from pmdesk.services.framework_records import IndicatorData, OptionData, ResultData
from pmdesk.services.lookups import combo_id_for, programme_by_code
from pmdesk.services.programmes import ProgrammeData, ProgrammeService
from pmdesk.services.sites import SiteService
from pmdesk.storage.database import Database, open_database
from pmdesk.storage.models import (
    DataValueRow,
    DisaggregationRow,
    IndicatorRow,
    OptionRow,
    SiteRow,
    TargetRow,
)

CODE = "BENCH-ENTRY"
INDICATORS = 150
REGIONS = 6
SCHOOLS = 77  # + 6 regions + 1 country = 84 sites
VALUE_QUARTERS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
SITE, PERIOD = "S040", "2025Q3"


def build(db: Database) -> int:
    """The programme through the services, its values by bulk insert; returns how many values."""
    actor = Actor("bench", db.device_uuid)
    ProgrammeService(db.sessions, actor).create(
        ProgrammeData(
            CODE, "Entry grid benchmark", date(2024, 1, 1), date(2026, 12, 31), Frequency.QUARTERLY
        ),
        tiers=("Goal", "Outcome", "Output"),
    )
    framework = FrameworkService(db.sessions, actor)
    framework.save_disaggregation(CODE, "SEX", "Sex", [OptionData("F", "Female"), OptionData("M", "Male")])
    framework.save_disaggregation(
        CODE, "AGE", "Age", [OptionData("U18", "Under 18"), OptionData("A18", "18 and over")]
    )
    framework.save_result(CODE, ResultData("G", "Resilient households", "Goal"))
    outputs = []
    for o in range(1, 4):
        framework.save_result(CODE, ResultData(f"O{o}", f"Outcome number {o}", "Outcome", "G"))
        for p in range(1, 3):
            code = f"O{o}.{p}"
            framework.save_result(
                CODE, ResultData(code, f"Output {code} delivered on time", "Output", f"O{o}")
            )
            outputs.append(code)
    for n in range(INDICATORS):
        measure = Measure.QUALITATIVE if n % 15 == 14 else Measure.PERCENT if n % 5 == 4 else Measure.NUMBER
        framework.save_indicator(
            CODE,
            IndicatorData(
                f"{n // 25 + 1}.{n % 25 + 1}",
                f"Indicator {n + 1}: people reached by the activities of this output, by sex and age",
                outputs[n % len(outputs)],
                measure,
                disaggregations=("SEX", "AGE") if measure is not Measure.QUALITATIVE else (),
            ),
        )
    sites = SiteService(db.sessions, actor)
    sites.add_site(CODE, "NE", "Niger")
    for r in range(REGIONS):
        sites.add_site(CODE, f"R{r}", f"Region {r}", "NE")
    for s in range(SCHOOLS):
        sites.add_site(CODE, f"S{s:03d}", f"School {s}", f"R{s % REGIONS}")
    rows: list[dict[str, object]] = []
    with db.sessions.begin() as session:
        programme = programme_by_code(session, CODE)
        options = dict(
            session.execute(
                select(OptionRow.code, OptionRow.id)
                .join(DisaggregationRow, DisaggregationRow.id == OptionRow.disaggregation_id)
                .where(DisaggregationRow.programme_id == programme.id)
            ).all()
        )
        combos = [combo_id_for(session, [options[s], options[a]]) for s in ("F", "M") for a in ("U18", "A18")]
        total = combo_id_for(session, [])
        indicators = session.execute(
            select(IndicatorRow.id, IndicatorRow.measure).where(IndicatorRow.programme_id == programme.id)
        ).all()
        schools = session.scalars(
            select(SiteRow.id).where(SiteRow.programme_id == programme.id, SiteRow.code.like("S%"))
        ).all()
        session.execute(
            insert(TargetRow),
            [
                {"indicator_id": i, "period": q, "value": 400.0 if m == "number" else 60.0}
                for i, m in indicators
                if m != "qualitative"
                for q in VALUE_QUARTERS
            ],
        )
        for indicator_id, measure in indicators:
            for site_id in schools:
                for quarter in VALUE_QUARTERS:
                    base = {
                        "indicator_id": indicator_id,
                        "period": quarter,
                        "site_id": site_id,
                        "entered_by": "bench",
                        "status": "approved" if quarter < PERIOD else "draft",
                    }
                    if measure == "qualitative":
                        rows.append({**base, "combo_id": total, "text": "Committee met twice; minutes filed"})
                        continue
                    for k, combo in enumerate(combos):
                        figures = (
                            {"numerator": 10.0 + k, "denominator": 40.0}
                            if measure == "percent"
                            else {"value": float(20 + (site_id * 7 + k * 3) % 50)}
                        )
                        rows.append({**base, "combo_id": combo, **figures})
        for start in range(0, len(rows), 20_000):
            session.execute(insert(DataValueRow), rows[start : start + 20_000])
    return len(rows)


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(path: Path, runs: int) -> None:
    """The timings, in a fresh process: the building left a large heap behind that would slow
    the garbage collector down and make every figure look worse than in the app."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    from pmdesk.app import build_services
    from pmdesk.ui.context import UiContext
    from pmdesk.ui.entry.data_entry_screen import DataEntryScreen
    from pmdesk.ui.entry.entry_cells import COL_VALUE
    from pmdesk.ui.entry.entry_table_model import EntryTableModel
    from pmdesk.ui.signals import AppSignals
    from pmdesk.ui.workers import Workers

    app = QApplication.instance() or QApplication([])
    db = open_database(path, actor="bench")
    services = build_services(db)
    raw = sqlite3.connect(path)
    site_id = raw.execute("SELECT id FROM site WHERE code = ?", (SITE,)).fetchone()[0]
    baseline_sql = "SELECT * FROM data_value WHERE site_id = ? AND period = ?"
    baseline_rows = len(raw.execute(baseline_sql, (site_id, PERIOD)).fetchall())
    baseline = median_ms(lambda: raw.execute(baseline_sql, (site_id, PERIOD)).fetchall(), runs)

    grid = services.entry_grid.grid(CODE, SITE, PERIOD)
    grid_ms = median_ms(lambda: services.entry_grid.grid(CODE, SITE, PERIOD), runs)
    model = EntryTableModel()
    model_ms = median_ms(lambda: model.set_rows(grid), runs)

    window = QMainWindow()
    screen = DataEntryScreen(UiContext(services, AppSignals(), Workers()))
    window.setCentralWidget(screen)
    window.resize(1280, 800)
    window.show()
    app.processEvents()

    def settle() -> None:  # the grid is read on a worker: until it is shown
        while screen.is_busy:
            app.processEvents()

    screen.set_programme(CODE)
    settle()
    periods = ("2025Q2", PERIOD)
    turn = iter(range(1_000_000))

    def open_place() -> None:  # alternate periods, so that every run really loads a grid
        screen.place_bar.select(SITE, periods[next(turn) % 2])
        screen._load_grid()
        settle()

    open_ms = median_ms(open_place, runs)
    paint_ms = median_ms(lambda: screen.grab(), runs)
    screen.place_bar.select(SITE, PERIOD)
    screen._load_grid()
    settle()
    row = next(r for r in range(screen.model.rowCount()) if screen.model.is_editable(r, COL_VALUE))
    values = iter(range(100, 1_000_000))
    save_ms = median_ms(lambda: screen.editing.commit(row, COL_VALUE, str(next(values))), runs)

    print(
        f"site {SITE}, period {PERIOD}: {len(grid.indicators)} indicators, "
        f"{sum(len(i.combos) for i in grid.indicators)} option cells, {model.rowCount()} grid rows, "
        f"{baseline_rows} values; median of {runs} runs"
    )
    print(f"  baseline raw SQL select   {baseline:8.1f} ms")
    print(f"  EntryGridService.grid()   {grid_ms:8.1f} ms   ({grid_ms / max(baseline, 1e-6):.0f}× baseline)")
    print(f"  EntryTableModel.set_rows  {model_ms:8.1f} ms")
    print(f"  screen opens the grid     {open_ms:8.1f} ms   (grid() + model + spans + cursor)")
    print(f"  first paint (offscreen)   {paint_ms:8.1f} ms")
    print(f"  save one cell             {save_ms:8.1f} ms   (DataEntryService.set_value + grid update)")
    window.close()
    raw.close()
    db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="build the database in this folder and keep it")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the second, fresh process
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.measure, args.runs)
        return 0

    folder = args.keep or Path(tempfile.mkdtemp(prefix="pmdesk-bench-entry-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench-entry.sqlite"
    path.unlink(missing_ok=True)
    db = open_database(path, actor="bench")
    started = time.perf_counter()
    count = build(db)
    db.close()
    print(f"built {count:,} data values in {time.perf_counter() - started:.1f} s ({path})", flush=True)
    try:
        return subprocess.run(
            [sys.executable, __file__, "--measure", str(path), "--runs", str(args.runs)], check=False
        ).returncode
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

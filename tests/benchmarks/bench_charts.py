# SPDX-License-Identifier: GPL-3.0-or-later
"""How long a chart takes to draw (issue #10 §7: "a chart under 50 ms").

Run on its own:  python tests/benchmarks/bench_charts.py [--runs N] [--out DIR]

Times, as the median of N runs in this process (after one warm-up draw that loads matplotlib
and its fonts, reported apart), each chart of pmdesk/reports/charts.py at the size the
Dashboard draws it (560 × 280 pixels at 100 dpi) and the trend chart as the donor report prints
it (6.5 × 2.6 inches at 150 dpi), against baselines measured in the same run:
  empty     an empty matplotlib Figure of the same size saved to PNG (Figure.savefig)
  one axes  a Figure with one empty Axes saved to PNG: what a chart drawn with pyplot's
            usual machinery costs before it draws anything
The ratio is chart ÷ empty Figure. With --out, the PNGs are written there to look at.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pmdesk.reports.chart_types import (
    ChartImage,
    RateBar,
    ResultBar,
    SiteBar,
    StatusCount,
    TrendPoint,
    TrendSeries,
)
from pmdesk.reports.charts import (
    indicator_trend_chart,
    reporting_rate_chart,
    result_achievement_chart,
    site_comparison_chart,
    status_counts_chart,
)

GOAL_MS = 50.0
WIDTH, HEIGHT, DPI = 560, 280, 100.0
PDF_WIDTH, PDF_HEIGHT, PDF_DPI = int(6.5 * 150), int(2.6 * 150), 150.0
QUARTERS = [f"{year}Q{q}" for year in (2025, 2026) for q in (1, 2, 3, 4)]


def trend() -> TrendSeries:
    points = tuple(
        TrendPoint(
            code,
            f"{code[:4]} Q{code[5]}",
            1000.0 * (i + 1),
            930.0 * (i + 1) if i < 6 else None,
            partial=i == 5,
            note="partial (9 of 11 sites)" if i == 5 else "",
        )
        for i, code in enumerate(QUARTERS)
    )
    return TrendSeries("1.1", "Pupils using a safe water point at school", "pupils", False, points)


def charts() -> dict[str, Callable[[], ChartImage]]:
    series = trend()
    statuses = [
        StatusCount("exceeding", "Exceeding", 3),
        StatusCount("on_track", "On track", 7, 2),
        StatusCount("at_risk", "At risk", 4),
        StatusCount("off_track", "Off track", 2, 1),
        StatusCount("no_data", "No data", 1),
        StatusCount("no_target", "No target", 2),
    ]
    results = [
        ResultBar("G", "G Healthier children in Zinder", 92.0, "on_track", 2, 1),
        ResultBar("O1", "O1 Schools have safe water", 104.5, "on_track", 4, 3, 1),
        ResultBar("O2", "O2 Hygiene practised at school", 71.0, "at_risk", 3, 1),
        ResultBar("OP1", "OP1 Water points built and working", 131.0, "exceeding", 5, 5),
        ResultBar("OP2", "OP2 Teachers trained in hygiene", 48.0, "off_track", 2, 0),
    ]
    sites = [
        SiteBar(f"S{i:02}", name, 80.0 * i, 100.0 * i, status, i == 3)
        for i, (name, status) in enumerate(
            [
                ("Mirriah", "at_risk"),
                ("Magaria", "on_track"),
                ("Tanout", "off_track"),
                ("Gouré", "exceeding"),
                ("Matamèye", "on_track"),
                ("Kantché", "at_risk"),
                ("Damagaram Takaya", "on_track"),
                ("Takeita", "no_data"),
            ],
            start=1,
        )
    ]
    rates = [
        RateBar(code, f"{code[:4]} Q{code[5]}", 100.0 - 9 * i, 11 - i, 11) for i, code in enumerate(QUARTERS)
    ]
    return {
        "trend (dashboard)": lambda: indicator_trend_chart(series, WIDTH, HEIGHT, DPI),
        "trend (PDF, 150 dpi)": lambda: indicator_trend_chart(series, PDF_WIDTH, PDF_HEIGHT, PDF_DPI),
        "status counts": lambda: status_counts_chart(statuses, WIDTH, HEIGHT, DPI),
        "% met by result": lambda: result_achievement_chart(results, WIDTH, HEIGHT, DPI),
        "sites compared": lambda: site_comparison_chart("1.1", sites, False, WIDTH, HEIGHT, DPI),
        "reporting rate": lambda: reporting_rate_chart(rates, WIDTH, HEIGHT, DPI),
    }


def empty_figure(width: int, height: int, dpi: float, axes: bool) -> Callable[[], bytes]:
    def draw() -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        FigureCanvasAgg(fig)
        if axes:
            fig.add_subplot()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()

    return draw


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds (CPU time tells what the chart costs when other
    processes share the cores)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="draws per chart (default 15)")
    parser.add_argument("--out", type=Path, help="write each chart's PNG into this folder")
    options = parser.parse_args()

    start = time.perf_counter()
    indicator_trend_chart(trend(), WIDTH, HEIGHT, DPI)
    first = (time.perf_counter() - start) * 1000
    print(f"first chart in this process (imports matplotlib, loads its fonts): {first:.0f} ms")

    empty, empty_cpu = median_ms(empty_figure(WIDTH, HEIGHT, DPI, False), options.runs)
    one_axes, one_axes_cpu = median_ms(empty_figure(WIDTH, HEIGHT, DPI, True), options.runs)
    print(
        f"\nmedian of {options.runs} draws, {WIDTH}×{HEIGHT} px at {DPI:g} dpi unless said; ratio = wall ÷ empty Figure"
    )
    print(f"  {'':<34} {'wall':>9} {'CPU':>9}")
    print(f"  {'baseline: empty Figure → PNG':<34} {empty:6.1f} ms {empty_cpu:6.1f} ms")
    print(
        f"  {'baseline: one empty Axes → PNG':<34} {one_axes:6.1f} ms {one_axes_cpu:6.1f} ms"
        f"   ratio {one_axes / empty:5.1f}"
    )
    worst = 0.0
    for name, draw in charts().items():
        image = draw()
        if options.out:
            options.out.mkdir(parents=True, exist_ok=True)
            (
                options.out
                / f"{name.split(' (')[0].replace(' ', '-').replace('%', 'pct')}-{image.width_px}.png"
            ).write_bytes(image.png)
        ms, cpu = median_ms(draw, options.runs)
        worst = max(worst, ms)
        print(
            f"  {name:<34} {ms:6.1f} ms {cpu:6.1f} ms   ratio {ms / empty:5.1f}   {len(image.regions)} regions"
        )
    verdict = "met" if worst <= GOAL_MS else "NOT met"
    print(f"\nslowest chart {worst:.1f} ms (goal under {GOAL_MS:.0f} ms): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

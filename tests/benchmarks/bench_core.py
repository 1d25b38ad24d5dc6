# SPDX-License-Identifier: GPL-3.0-or-later
"""Bulk import and IPTT on a million DataValues, each against raw SQLite on the same file (DESIGN.md §9).

Run on its own:  python tests/benchmarks/bench_core.py [--scale 0.1] [--order period]
                 [--paths package,values] [--repeat 7] [--keep DIR]

Builds one programme: 150 indicators (mostly number, every sixth a percent), all disaggregated by
SEX × AGE (4 option combos), 84 sites in 7 districts, 20 quarters (2021Q1 … 2025Q4), programme
targets for every quarter, and 150 × 20 × 84 × 4 = 1,008,000 values (--scale multiplies the
number of indicators). Then, in the same run:

(a) bulk import through the real service paths, each into a fresh database file:
      package  PackageService.import_package: a programme package with its values, already
               parsed (a dict in memory), the headline path for speed;
      values   ValuesService.import_items: the same values into the programme already defined
               (`pmdesk values import FILE` after parsing);
      csv, json, csv_period, file  the same from a file, each in a child process of its own
               (csv_period: a values CSV sorted by period, as a database fills up over the years);
      file     PackageService.import_file: the package as a JSON file, imported as `pmdesk
               programme import FILE` does (its definitions read first, its values streamed a
               chunk at a time), in a child process of its own, so that the peak resident memory
               printed is the import's alone; csv and json: a values file, likewise;
    against raw sqlite3 executemany of the same final data_value rows (read back from the
    imported file) into a fresh file with the same schema, pragmas (and the page cache the bulk
    writer sets itself) and parent rows. The ratio is given by wall time (the goal) and by CPU
    time, which other processes on the machine disturb less.
(b) IpttService.table for the whole programme, cold (a new engine) and warm, against the raw
    `SELECT indicator_id, period, SUM(value), SUM(numerator), SUM(denominator) FROM data_value
    GROUP BY indicator_id, period` on the same file;
(c) the same for one district (a site subtree), the raw query filtered to the same site ids;
    (b) and (c) also show the IPTT summed from the values (IpttService(use_summary=False), the
    path a read-only file with changes not yet in the value summary takes);
(d) CompletenessService.overview against the raw `GROUP BY site_id, period, status` over the
    programme's values;
(e) the value summary's upkeep: the refresh a reader makes after a one-cell edit, after a bulk
    import of 200 values in 50 cells (keyed), and a rebuild of the programme (which an import of
    more than value_summary.REBUILD_OVER cells makes in its own transaction).

(b)–(d) read the value summary (pmdesk.services.value_summary), built once by the first read
after the import. Each service and its raw aggregate are timed in turns, --repeat times (cold:
each on a new engine or connection; warm: two calls after it); the ratios are of the medians, and
the best run is shown beside each median: on a shared machine the other processes only ever add
time. Each import runs once. The peak is the resident memory of the process during the import
(sampled), above what it held before.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from pmdesk.services import value_batch, value_summary  # noqa: E402
from pmdesk.services.actor import Actor  # noqa: E402
from pmdesk.services.completeness import CompletenessService  # noqa: E402
from pmdesk.services.data_entry import DataEntryService  # noqa: E402
from pmdesk.services.iptt import IpttService  # noqa: E402
from pmdesk.services.packages import PackageService  # noqa: E402
from pmdesk.services.values_io import ValuesService  # noqa: E402
from pmdesk.storage.database import BUSY_TIMEOUT_MS, make_engine, open_database  # noqa: E402

CODE = "BENCH"
INDICATORS = 150
DISTRICTS = 7
SITES_PER_DISTRICT = 12
YEARS = range(2021, 2026)
QUARTERS = [f"{y}Q{q}" for y in YEARS for q in range(1, 5)]
COMBOS = [("F", "U18"), ("F", "A18"), ("M", "U18"), ("M", "A18")]
RAW_AGGREGATE = (
    "SELECT indicator_id, period, SUM(value), SUM(numerator), SUM(denominator) FROM data_value{where} "
    "GROUP BY indicator_id, period"
)
RAW_COMPLETENESS = (
    "SELECT site_id, period, status, count(*) FROM data_value "
    "WHERE indicator_id IN (SELECT id FROM indicator WHERE programme_id = {programme}) "
    "GROUP BY site_id, period, status"
)
GOAL_IMPORT = 0.25  # issue #11: at least a quarter of the raw insert rate
# Issue #11: read from the value summary, at most these shares of the raw GROUP BY's time.
GOAL_IPTT = 0.2  # the whole programme
GOAL_IPTT_SITE = 0.3  # one district
GOAL_COMPLETENESS = 0.2


# -- the programme ----------------------------------------------------------------------------


def build_package(scale: float, order: str = "indicator", seed: int = 20250101) -> dict[str, Any]:
    """The benchmark programme as a package, values included, as JSON would give it.

    `order` of the values: "indicator" as a package export lists them (indicator, period, site),
    or "period" as they reach a database through the years (quarter by quarter, site by site).
    """
    rng = random.Random(seed)
    n_indicators = max(1, round(INDICATORS * scale))
    districts = [f"D{d}" for d in range(1, DISTRICTS + 1)]
    leaves = [f"{d}S{s:02d}" for d in districts for s in range(1, SITES_PER_DISTRICT + 1)]
    sites = [{"code": "KE", "name": "Country office", "parent": None}]
    sites += [{"code": d, "name": f"District {d[1:]}", "parent": "KE"} for d in districts]
    sites += [{"code": s, "name": f"Site {s}", "parent": s[:2]} for s in leaves]
    outcomes = [f"O{n}" for n in range(1, 6)]
    outputs = [f"{o}.{n}" for o in outcomes for n in range(1, 4)]
    results = [{"code": "G", "tier": "Goal", "title": "Programme goal", "parent": None}]
    results += [{"code": o, "tier": "Outcome", "title": f"Outcome {o}", "parent": "G"} for o in outcomes]
    results += [{"code": o, "tier": "Output", "title": f"Output {o}", "parent": o[:2]} for o in outputs]
    cumulations = ("periodic", "periodic", "cumulative", "running_total")
    indicators: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    for i in range(n_indicators):
        code = f"{i + 1:03d}"
        is_percent = i % 6 == 5
        scale_of = rng.uniform(5, 200)
        targets = [
            {"period": p, "value": round(75.0 if is_percent else scale_of * 4 * len(leaves) * 1.1)}
            for p in QUARTERS
        ]
        indicators.append(
            {
                "code": code,
                "result": outputs[i % len(outputs)],
                "name": f"Indicator {code}",
                "measure": "percent" if is_percent else "number",
                "direction": "increase",
                "cumulation": "periodic" if is_percent else cumulations[i % len(cumulations)],
                "disaggregations": ["SEX", "AGE"],
                "baseline": {"value": 0, "date": "2020-12-31"},
                "targets": targets,
            }
        )
        for p, period in enumerate(QUARTERS):
            growth = 1 + 0.02 * p
            for site in leaves:
                for sex, age in COMBOS:
                    item: dict[str, Any] = {
                        "indicator": code,
                        "period": period,
                        "site": site,
                        "options": {"SEX": sex, "AGE": age},
                    }
                    if is_percent:
                        denominator = rng.randint(40, 200)
                        item["numerator"] = int(denominator * min(1.0, rng.uniform(0.5, 0.9) * growth))
                        item["denominator"] = denominator
                    else:
                        # Now and then a figure ten times too large: the outlier check has work to do.
                        spike = 10 if rng.random() < 0.0005 else 1
                        item["value"] = int(scale_of * growth * rng.uniform(0.8, 1.2) * spike)
                    values.append(item)
    if order == "period":
        values.sort(key=lambda item: (item["period"], item["site"], item["indicator"]))
    return {
        "format": "pmdesk.programme/1",
        "programme": {
            "code": CODE,
            "name": "Benchmark programme",
            "donor": "Benchmark donor",
            "start": "2021-01-01",
            "end": "2025-12-31",
            "frequency": "quarterly",
        },
        "tiers": ["Goal", "Outcome", "Output"],
        "results": results,
        "disaggregations": [
            {
                "code": "SEX",
                "name": "Sex",
                "options": [{"code": "F", "name": "Female"}, {"code": "M", "name": "Male"}],
            },
            {
                "code": "AGE",
                "name": "Age",
                "options": [{"code": "U18", "name": "Under 18"}, {"code": "A18", "name": "18 and over"}],
            },
        ],
        "sites": sites,
        "indicators": indicators,
        "values": values,
    }


# -- measuring --------------------------------------------------------------------------------


def rss_bytes() -> int:
    """Resident memory of this process (Linux /proc; elsewhere the peak so far)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


class PeakMemory:
    """Samples the resident memory every 20 ms while a block runs."""

    def __init__(self) -> None:
        self.before = self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_bytes())

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


@dataclass
class Took:
    wall: float = 0.0
    cpu: float = 0.0  # of this process (sqlite3 works in it); waiting for the disk is not CPU


@contextmanager
def clock() -> Iterator[Took]:
    took = Took()
    wall, cpu = time.perf_counter(), time.process_time()
    yield took
    took.wall, took.cpu = time.perf_counter() - wall, time.process_time() - cpu


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def cpu_timed(action: Callable[[], object]) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def best_of(repeat: int, action: Callable[[], object]) -> float:
    return min(timed(action) for _ in range(repeat))


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the pragmas PMDesk sets (pmdesk.storage.database)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


@contextmanager
def quiet_gc() -> Iterator[None]:
    # The import allocates millions of objects; collect before, so the previous step's garbage
    # is not charged to it, but leave the collector on while it runs, as in the application.
    gc.collect()
    yield


def mb(n: float) -> str:
    return f"{n / (1024 * 1024):,.0f} MB"


# -- (a) import ---------------------------------------------------------------------------------


def import_package(path: Path, package: dict[str, Any]) -> tuple[Took, PeakMemory, int]:
    db = open_database(path, actor="bench")
    try:
        service = PackageService(db.sessions, Actor("bench", db.device_uuid), db.path)
        with quiet_gc(), PeakMemory() as memory, clock() as took:
            summary = service.import_package(package, source="bench")
        return took, memory, summary.counts["values"]
    finally:
        db.close()


def import_values(path: Path, package: dict[str, Any]) -> tuple[Took, PeakMemory, int]:
    definitions = {k: v for k, v in package.items() if k != "values"}
    db = open_database(path, actor="bench")
    try:
        actor = Actor("bench", db.device_uuid)
        PackageService(db.sessions, actor).import_package(definitions, source="bench")
        service = ValuesService(db.sessions, actor, db.path)
        with quiet_gc(), PeakMemory() as memory, clock() as took:
            summary = service.import_items(CODE, package["values"], source="bench")
        return took, memory, summary.created
    finally:
        db.close()


# Imports from files: each in a child process of its own, so that its peak resident memory is
# that of the import alone, not of this process holding the whole package in memory.
FILE_PATHS = {
    "csv": "ValuesService.import_file .csv",
    # The same values sorted by period (quarter by quarter, site by site), as a database fills up
    # over the years, whatever --order says: each chunk then names every indicator.
    "csv_period": "… .csv sorted by period",
    "json": "ValuesService.import_file .json",
    "file": "PackageService.import_file",
}


def write_import_file(kind: str, folder: Path, package: dict[str, Any]) -> Path:
    """The file a user would import: a values export (CSV or JSON) or a programme package."""
    from pmdesk.services.values_io import values_csv

    if kind == "csv":
        path = folder / "bench-values.csv"
        path.write_text(values_csv(CODE, package["values"]), encoding="utf-8-sig")
    elif kind == "csv_period":
        path = folder / "bench-values-by-period.csv"
        by_period = sorted(package["values"], key=lambda v: (v["period"], v["site"], v["indicator"]))
        path.write_text(values_csv(CODE, by_period), encoding="utf-8-sig")
        del by_period
    elif kind == "json":
        path = folder / "bench-values.json"
        with path.open("w", encoding="utf-8") as handle:
            json.dump({"programme": CODE, "values": package["values"]}, handle, indent=1)
    else:
        path = folder / "bench-package.json"
        with path.open("w", encoding="utf-8") as handle:
            json.dump(package, handle, indent=1)
    return path


def import_file_in_child(kind: str, db_path: Path, file: Path, definitions: Path) -> dict[str, float]:
    """Run this script as `--child` to import `file`; its measurements."""
    import subprocess

    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(db_path), str(file), str(definitions)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def child(kind: str, db_path: Path, file: Path, definitions: Path) -> int:
    db = open_database(db_path, actor="bench")
    try:
        actor = Actor("bench", db.device_uuid)
        if kind != "file":
            PackageService(db.sessions, actor).import_file(definitions)
        gc.collect()
        with quiet_gc(), PeakMemory() as memory, clock() as took:
            if kind == "file":
                count = PackageService(db.sessions, actor, db.path).import_file(file).counts["values"]
            else:
                count = ValuesService(db.sessions, actor, db.path).import_file(file).created
    finally:
        db.close()
    print(
        json.dumps(
            {
                "wall": took.wall,
                "cpu": took.cpu,
                "peak": memory.peak,
                "before": memory.before,
                "count": count,
                "size": file.stat().st_size,
            }
        )
    )
    return 0


def data_value_columns(conn: sqlite3.Connection) -> list[str]:
    return [row[1] for row in conn.execute("PRAGMA table_info(data_value)")]


def raw_insert(source: Path, target: Path) -> tuple[Took, int]:
    """Seconds to executemany the data_value rows of `source` into a fresh file of the same schema."""
    open_database(target, actor="bench").close()  # the schema, by the migrations
    conn = raw_connection(target)
    try:
        # The parent rows (programme, indicators, sites, combos …), so that foreign keys hold.
        conn.execute("ATTACH DATABASE ? AS src", (str(source),))
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM src.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT IN ('data_value', 'alembic_version', 'device', 'history')"
            )
        ]
        # A copy of a consistent file: checked as a whole afterwards rather than row by row in
        # table order (deferred checks once failed here when the closed-loop tables came).
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("BEGIN")
        for name in tables:
            conn.execute(f"DELETE FROM main.{name}")
            conn.execute(f"INSERT INTO main.{name} SELECT * FROM src.{name}")
        conn.execute("COMMIT")
        assert conn.execute("PRAGMA main.foreign_key_check").fetchall() == []
        conn.execute("PRAGMA foreign_keys=ON")
        columns = data_value_columns(conn)
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM src.data_value ORDER BY id").fetchall()
        conn.execute("DETACH DATABASE src")
        statement = f"INSERT INTO data_value ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        # The page cache the service's bulk writer gives itself, so that both write alike.
        cache_kib = getattr(value_batch, "BULK_CACHE_KIB", None)  # absent before it was added
        if cache_kib is not None:
            conn.execute(f"PRAGMA cache_size=-{cache_kib}")
        gc.collect()
        with clock() as took:
            conn.execute("BEGIN")
            conn.executemany(statement, rows)
            conn.execute("COMMIT")
        return took, len(rows)
    finally:
        conn.close()


# -- (b), (c) IPTT --------------------------------------------------------------------------------


@dataclass
class Timings:
    """Cold and warm times (lists) of the service and of its raw aggregate, and what each returned."""

    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    raw_cold: list[float] = field(default_factory=list)
    raw_warm: list[float] = field(default_factory=list)
    # CPU time of this process (SQLite runs in it) for the warm calls: other work on a shared
    # machine lengthens wall times far more than it does these.
    cpu: list[float] = field(default_factory=list)
    raw_cpu: list[float] = field(default_factory=list)
    rows: int = 0
    groups: int = 0


def site_ids_under(path: Path, site: str) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [
            row[0]
            for row in conn.execute(
                "WITH RECURSIVE tree(id) AS (SELECT id FROM site WHERE code = ? "
                "UNION SELECT site.id FROM site JOIN tree ON site.parent_id = tree.id) SELECT id FROM tree",
                (site,),
            )
        ]
    finally:
        conn.close()


def fetch_all(conn: sqlite3.Connection, sql: str) -> list[Any]:
    return conn.execute(sql).fetchall()


def service_timings(
    path: Path, make: Callable[[sessionmaker[Any]], Callable[[], Any]], sql: str, repeat: int
) -> Timings:
    """The service and the raw GROUP BY in turns, so that both meet the same load on the machine:
    cold is the first call on a new engine (a new connection), warm the calls after it."""
    got = Timings()
    for _ in range(repeat):
        engine = make_engine(path)
        try:
            call = make(sessionmaker(engine, expire_on_commit=False))
            got.cold.append(timed(call))
            got.warm += [timed(call), timed(call)]
            got.cpu.append(cpu_timed(call))
            result = call()
            got.rows = len(result.rows) if hasattr(result, "rows") else len(result.cells)
        finally:
            engine.dispose()
        conn = raw_connection(path)
        try:
            aggregate = partial(fetch_all, conn, sql)
            got.raw_cold.append(timed(aggregate))
            got.raw_warm += [timed(aggregate), timed(aggregate)]
            got.raw_cpu.append(cpu_timed(aggregate))
            got.groups = len(aggregate())
        finally:
            conn.close()
    return got


def iptt_timings(path: Path, site: str | None, repeat: int, *, use_summary: bool = True) -> Timings:
    site_ids = site_ids_under(path, site) if site else None
    where = "" if site_ids is None else f" WHERE site_id IN ({', '.join(map(str, site_ids))})"

    def make(sessions: sessionmaker[Any]) -> Callable[[], Any]:
        return partial(IpttService(sessions, use_summary=use_summary).table, CODE, site_code=site)

    return service_timings(path, make, RAW_AGGREGATE.format(where=where), repeat)


def programme_id(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT id FROM programme WHERE code = ?", (CODE,)).fetchone()[0])
    finally:
        conn.close()


def completeness_timings(path: Path, repeat: int) -> Timings:
    def make(sessions: sessionmaker[Any]) -> Callable[[], Any]:
        return partial(CompletenessService(sessions).overview, CODE)

    return service_timings(path, make, RAW_COMPLETENESS.format(programme=programme_id(path)), repeat)


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.1f} ms (best {min(values) * 1000:7.1f})"


# -- the run ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 150 indicators")
    parser.add_argument("--repeat", type=int, default=7, help="runs per IPTT measurement (best of)")
    parser.add_argument(
        "--paths",
        default="package,values",
        help="import paths to time, comma-separated: package, values (in memory, after parsing), "
        "csv, json (a values file), csv_period (a values CSV sorted by period), file (a package "
        "file); default package,values",
    )
    parser.add_argument(
        "--order",
        choices=("indicator", "period"),
        default="indicator",
        help="order of the values in the package: indicator (as exported; default) or period "
        "(as entered over the years), which is also the order of the rows in the file",
    )
    parser.add_argument("--keep", type=Path, help="build the files in this folder and keep them")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, db_path, file, definitions = args.child
        return child(kind, Path(db_path), Path(file), Path(definitions))
    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    if not paths or any(p not in ("package", "values", *FILE_PATHS) for p in paths):
        parser.error("--paths takes package, values, csv, json, csv_period, file (comma-separated)")

    print(
        f"machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
        f"SQLAlchemy {sqlalchemy.__version__}"
    )
    start = time.perf_counter()
    # Through JSON text, so that every item is its own dict as a parsed file gives them.
    text = json.dumps(build_package(args.scale, args.order))
    package = json.loads(text)
    del text
    gc.collect()
    n_values = len(package["values"])
    n_indicators = len(package["indicators"])
    print(
        f"data: {n_indicators} indicators × {len(QUARTERS)} quarters × {DISTRICTS * SITES_PER_DISTRICT} "
        f"sites × {len(COMBOS)} combos = {n_values:,} values in {args.order} order "
        f"(built in {time.perf_counter() - start:.1f} s)"
    )

    folder = args.keep or Path(tempfile.mkdtemp(prefix="pmdesk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("bench-*.sqlite*"):
        old.unlink()
    try:
        print("\n(a) bulk import (rows/s = values written per second; ratio = service rate ÷ raw rate)")
        imported: Path | None = None
        services: dict[str, Took] = {}
        definitions = folder / "bench-definitions.json"
        definitions.write_text(json.dumps({k: v for k, v in package.items() if k != "values"}))
        for name in paths:
            path = folder / f"bench-{name}.sqlite"
            if name in FILE_PATHS:
                file = write_import_file(name, folder, package)
                gc.collect()
                got = import_file_in_child(name, path, file, definitions)
                took = Took(got["wall"], got["cpu"])
                services[name] = took
                count = int(got["count"])
                print(
                    f"  {FILE_PATHS[name]:<30} {count:>10,} values {took.wall:7.2f} s "
                    f"{count / took.wall:>8,.0f} rows/s (CPU {took.cpu:6.2f} s)   peak RSS "
                    f"{mb(got['peak'])} of the importing process ({mb(got['before'])} before; "
                    f"file {mb(got['size'])})"
                )
                file.unlink()
                imported = imported or path
                continue
            if name == "package":
                took, memory, count = import_package(path, package)
                label = "PackageService.import_package"
            else:
                took, memory, count = import_values(path, package)
                label = "ValuesService.import_items"
            services[name] = took
            print(
                f"  {label:<30} {count:>10,} values {took.wall:7.2f} s {count / took.wall:>8,.0f} rows/s"
                f" (CPU {took.cpu:6.2f} s)   peak RSS {mb(memory.peak)} "
                f"(+{mb(memory.peak - memory.before)} over {mb(memory.before)} before)"
            )
            imported = imported or path
        assert imported is not None
        del package
        gc.collect()
        raw, count = raw_insert(imported, folder / "bench-raw.sqlite")
        label = "raw sqlite3 executemany"
        print(
            f"  {label:<30} {count:>10,} rows   {raw.wall:7.2f} s {count / raw.wall:>8,.0f} rows/s"
            f" (CPU {raw.cpu:6.2f} s)"
        )
        for name, took in services.items():
            # Same rows, so the ratio of rates is the inverse ratio of times.
            ratio = raw.wall / took.wall
            verdict = "ok" if ratio >= GOAL_IMPORT else "BELOW GOAL"
            print(
                f"    ratio {name:<8} rate ÷ raw rate: {ratio:.2f} by wall time, {raw.cpu / took.cpu:.2f} "
                f"by CPU time (goal ≥ {GOAL_IMPORT:.2f}) {verdict}"
            )
        size = imported.stat().st_size
        print(f"  database file: {mb(size)}")

        # A batch this large rebuilds the programme's summary in its own transaction (part of the
        # import's time above): the first read has nothing left to refresh.
        engine = make_engine(imported)
        try:
            build = timed(
                partial(value_summary.refresh_if_needed, sessionmaker(engine, expire_on_commit=False))
            )
        finally:
            engine.dispose()
        print(f"  value summary refresh by the first read after the import: {build * 1000:.1f} ms")

        print(f"\n(b) IPTT, whole programme ({args.repeat} runs; ratio = IPTT ÷ raw GROUP BY)")
        report_iptt(imported, None, args.repeat)
        district = "D1"
        print(f"\n(c) IPTT, site subtree {district} ({SITES_PER_DISTRICT} sites; {args.repeat} runs)")
        report_iptt(imported, district, args.repeat)
        print(f"\n(d) Completeness data ({args.repeat} runs; ratio = overview ÷ raw GROUP BY)")
        report_service(
            "CompletenessService.overview",
            completeness_timings(imported, args.repeat),
            GOAL_COMPLETENESS,
            "cells",
        )
        print(f"\n(e) value summary refresh ({args.repeat} runs)")
        report_refresh(imported, args.repeat)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def report_service(label: str, t: Timings, goal: float, unit: str) -> None:
    print(f"  {label:<34} cold {median_ms(t.cold)}   warm {median_ms(t.warm)}   ({t.rows} {unit})")
    print(
        f"  {'raw GROUP BY':<34} cold {median_ms(t.raw_cold)}   warm {median_ms(t.raw_warm)}"
        f"   ({t.groups:,} groups)"
    )
    for kind, ours, theirs in (
        ("cold", t.cold, t.raw_cold),
        ("warm", t.warm, t.raw_warm),
        ("warm CPU", t.cpu, t.raw_cpu),
    ):
        ratio = statistics.median(ours) / statistics.median(theirs)
        verdict = "ok" if ratio <= goal else "ABOVE GOAL"
        print(f"    ratio {kind} (medians): {ratio:.3f} (goal ≤ {goal:.1f}) {verdict}")


def report_iptt(path: Path, site: str | None, repeat: int) -> None:
    goal = GOAL_IPTT if site is None else GOAL_IPTT_SITE
    report_service("IpttService.table (value summary)", iptt_timings(path, site, repeat), goal, "rows")
    raw = iptt_timings(path, site, max(1, repeat // 2), use_summary=False)
    print(
        f"  {'IpttService.table (values)':<34} cold {median_ms(raw.cold)}   warm {median_ms(raw.warm)}"
        f"   ratio warm ÷ raw GROUP BY {statistics.median(raw.warm) / statistics.median(raw.raw_warm):.2f}"
    )


def report_refresh(path: Path, repeat: int) -> None:
    """The refresh a reader makes: after a one-cell edit, after a bulk import of a few hundred
    cells (keyed) and after a million-value import (more than REBUILD_OVER cells: a rebuild)."""
    conn = sqlite3.connect(path)
    try:
        indicators = [
            row[0] for row in conn.execute("SELECT code FROM indicator WHERE measure = 'number' ORDER BY id")
        ]
        (site,) = conn.execute(
            "SELECT code FROM site WHERE id NOT IN (SELECT parent_id FROM site WHERE parent_id IS NOT NULL) "
            "ORDER BY id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    db = open_database(path, lock=False)
    try:
        assert db.gate.verdict(600) is None  # the check made at open: writes may go in
        actor = Actor("bench", db.device_uuid)
        entry = DataEntryService(db.sessions, actor)
        one_cell, bulk, rebuild = [], [], []
        for n in range(repeat):
            period = QUARTERS[n % len(QUARTERS)]
            entry.set_value(CODE, indicators[0], period, site, {"SEX": "F", "AGE": "U18"}, value=n + 1)
            one_cell.append(timed(partial(value_summary.refresh_if_needed, db.sessions)))
        batch_indicators = indicators[:50]
        for n in range(repeat):
            batch = [
                {
                    "indicator": code,
                    "period": QUARTERS[(n + k) % len(QUARTERS)],
                    "site": site,
                    "options": {"SEX": sex, "AGE": age},
                    "value": n + 2,
                }
                for k, code in enumerate(batch_indicators)
                for sex, age in COMBOS
            ]
            ValuesService(db.sessions, actor).import_items(CODE, batch)
            bulk.append(timed(partial(value_summary.refresh_if_needed, db.sessions)))
        for _ in range(repeat):
            with db.sessions.begin() as session:
                value_summary.mark_programme(session, programme_id(path))
            rebuild.append(timed(partial(value_summary.refresh_if_needed, db.sessions)))
        with db.sessions() as session:
            assert value_summary.is_fresh(session)
    finally:
        db.close()
    cells = len(batch_indicators)
    print(f"  after a one-cell edit                          {median_ms(one_cell)}")
    print(f"  after a bulk import of {cells * len(COMBOS)} values ({cells} cells)   {median_ms(bulk)}")
    print(f"  a rebuild of the programme (within a million-value import) {median_ms(rebuild)}")


if __name__ == "__main__":
    sys.exit(main())

# SPDX-License-Identifier: GPL-3.0-or-later
"""The value summary survives kill -9: a process writing values (one cell, bulk imports, status
changes, refreshes of the summary) is killed mid-write; on reopening, a refresh makes the summary
equal to a fresh aggregation of the raw values, and the IPTT and Completeness read from it equal
the same computed from the raw values."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmdesk.services.actor import Actor
from pmdesk.services.packages import PackageService
from pmdesk.storage.database import open_database
from tests.storage.holder import REPO_ROOT
from tests.unit.test_rules_agree import package
from tests.unit.test_value_summary import assert_reads_agree, raw_summary, refreshed

WRITER = """
import itertools, random, sys
from pmdesk.domain.errors import PmdeskError
from pmdesk.services import value_summary
from pmdesk.services.actor import Actor
from pmdesk.services.data_entry import DataEntryService
from pmdesk.services.values_io import ValuesService
from pmdesk.storage.database import open_database

db = open_database(sys.argv[1])
actor = Actor(db.actor, db.device_uuid)
entry, values = DataEntryService(db.sessions, actor), ValuesService(db.sessions, actor)
rng = random.Random(int(sys.argv[2]))
sites, periods = ("A", "B", "C", "D"), ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
for n in itertools.count():
    site, period = rng.choice(sites), rng.choice(periods)
    try:
        step = n % 5
        if step == 0:  # a bulk import of many cells: with REBUILD_OVER small, it marks the programme
            value_summary.REBUILD_OVER = rng.choice([3, 5000])
            items = [
                {"indicator": "T", "period": p, "site": s, "value": rng.randint(0, 30)}
                for s in sites for p in periods
            ] + [
                {"indicator": "N", "period": p, "site": s, "options": {"SEX": rng.choice("FM")},
                 "value": rng.randint(0, 9)}
                for s in sites for p in periods
            ]
            values.import_items("RULES", items)
        elif step == 1:
            entry.set_value("RULES", "P", period, site, numerator=rng.randint(0, 9), denominator=10)
        elif step == 2:
            entry.submit("RULES", site, period, unexplained_confirmed="writer")
            entry.approve("RULES", site, period)
        elif step == 3:
            entry.reopen("RULES", site, period, "again")
        else:
            value_summary.refresh_if_needed(db.sessions)
    except PmdeskError:
        pass
    if n == 10:
        print("READY", flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("seed, after_s", [(1, 1.0), (2, 2.3)])
def test_a_writer_killed_mid_write_leaves_a_summary_that_refreshes_exact(
    db_path: Path, tmp_path: Path, seed: int, after_s: float
) -> None:
    db = open_database(db_path)
    PackageService(db.sessions, Actor(db.actor, db.device_uuid)).import_package(package())
    db.close()

    env = dict(os.environ, PMDESK_DATA_DIR=str(tmp_path / "data"))
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=env,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if line.strip() != "READY":
            child.kill()
            pytest.fail(f"the writer did not start: {child.stderr.read() if child.stderr else ''}")
        time.sleep(after_s)
        assert child.poll() is None, "the writer stopped before it was killed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    assert child.returncode == -signal.SIGKILL

    db = open_database(db_path)
    try:
        assert refreshed(db) == raw_summary(db_path)
        assert raw_summary(db_path)[1], "the writer wrote values"
        assert_reads_agree(db)
    finally:
        db.close()

# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT's sums, when it reads the values rather than the value summary, come from the covering
index ix_data_value_iptt, never from the table rows.

Read through another index, a million values take several times longer once they are stored in
the order they were entered (tests/benchmarks/bench_core.py). The statements are caught as the
service sends them, so the test follows any change to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from pmdesk.services import iptt
from pmdesk.services.actor import Actor
from pmdesk.services.iptt import IpttService
from pmdesk.services.packages import PackageService
from pmdesk.storage.database import Database
from tests.unit.package_fixtures import rich_package


@pytest.fixture
def wash(db_holds_the_rich_package: None, db: Database) -> Database:
    """db holds the rich package, imported once per session (tests/conftest.py)."""
    return db


def _sums_sent(db: Database, run: Any) -> Iterator[tuple[str, Any]]:
    """The statements that sum data_value while `run()` runs, with their parameters."""
    caught: list[tuple[str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "sum(data_value.value)" in statement:
            caught.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", catch)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", catch)
    return iter(caught)


def _plan(db: Database, options: dict[str, Any]) -> list[str]:
    """The query plan of the one statement that sums values for `IpttService.table` when it reads
    the values themselves (a read-only file with changes not yet in the value summary)."""
    service = IpttService(db.sessions, use_summary=False)
    sums = list(_sums_sent(db, lambda: service.table("WASH-01", **options)))
    assert len(sums) == 1
    statement, parameters = sums[0]
    with db.engine.connect() as conn:
        plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
    return [step for step in plan if "data_value" in step]


@pytest.mark.parametrize("approved_only", [False, True])
def test_the_programme_iptt_sums_from_the_covering_index(wash: Database, approved_only: bool) -> None:
    plan = _plan(wash, {"approved_only": approved_only})
    assert plan and all("COVERING INDEX ix_data_value_iptt" in step for step in plan), plan


@pytest.mark.parametrize(
    "options",
    [{"site_code": "N"}, {"site_code": "N01", "approved_only": True}],
    ids=["subtree", "one-site-approved"],
)
def test_a_site_iptt_reads_only_its_sites_values(wash: Database, options: dict[str, Any]) -> None:
    # SQLite chooses: the covering index for a large subtree, the site index (then only that
    # subtree's rows) for a few sites. Never every row of the table.
    plan = _plan(wash, options)
    assert plan and all(
        "COVERING INDEX ix_data_value_iptt" in step or "INDEX ix_data_value_site_period (site_id=?)" in step
        for step in plan
    ), plan


def test_a_subtree_sums_the_same_whichever_index_serves_it(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    PackageService(db.sessions, Actor(db.actor, db.device_uuid)).import_package(rich_package(extra_sites=12))
    service = IpttService(db.sessions)
    sites = ["N", "N01", "S", "S01", "X0001", "X0007"]
    tables = {}
    for share in (0.0, 1.0):  # never, always summed through the site index
        monkeypatch.setattr(iptt, "SMALL_SUBTREE_SHARE", share)
        for approved_only in (False, True):
            for site in sites:
                tables[(share, approved_only, site)] = service.table(
                    "WASH-01", site_code=site, approved_only=approved_only
                )
    for (share, approved_only, site), table in tables.items():
        if share == 0.0:
            assert tables[(1.0, approved_only, site)] == table
    assert any(row.figures.lop.actual for row in tables[(0.0, False, "S")].rows)


def test_another_programme_in_the_file_changes_no_figure(wash: Database) -> None:
    # Alone in its file, a programme is summed by a plain scan; beside another, by its indicators.
    service = IpttService(wash.sessions)
    options: list[dict[str, Any]] = [{}, {"approved_only": True}, {"site_code": "N"}, {"site_code": "S01"}]
    alone = [service.table("WASH-01", **o) for o in options]
    assert "SCAN data_value USING COVERING INDEX ix_data_value_iptt" in _plan(wash, {})
    other = rich_package()
    other["programme"] = {**other["programme"], "code": "WASH-02"}
    for value in other["values"]:
        if "value" in value:
            value["value"] += 1000  # figures that would show if they were counted
    PackageService(wash.sessions, Actor(wash.actor, wash.device_uuid)).import_package(other)
    assert [service.table("WASH-01", **o) for o in options] == alone
    assert "SCAN data_value USING COVERING INDEX ix_data_value_iptt" not in _plan(wash, {})

# SPDX-License-Identifier: GPL-3.0-or-later
"""The value summary (pmdesk.services.value_summary) equals a fresh aggregation of the raw values,
summed here in Python: after a rebuild, after keyed refreshes, and after random one-cell edits, bulk
imports, deletions (values, sites, indicators), site moves and status changes, refreshed at random
points in between."""

from __future__ import annotations

import shutil
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from pmdesk.domain.errors import PmdeskError
from pmdesk.services import value_summary
from pmdesk.services.actor import Actor
from pmdesk.services.completeness import CompletenessService
from pmdesk.services.data_entry import DataEntryService
from pmdesk.services.framework import FrameworkService
from pmdesk.services.iptt import IpttService
from pmdesk.services.packages import PackageService
from pmdesk.services.programmes import ProgrammeService
from pmdesk.services.sites import SiteService
from pmdesk.services.value_summary import REBUILD_OVER
from pmdesk.services.values_io import ValuesService
from pmdesk.storage.database import Database, open_database
from tests.unit.package_fixtures import rich_package
from tests.unit.test_rules_agree import CODE, QUARTERS, SETTINGS, copies, figures, one_cell, package

Summary = tuple[dict[tuple[Any, ...], tuple[Any, ...]], dict[tuple[Any, ...], int]]


def _add(total: float | None, x: float | None) -> float | None:
    if x is None:
        return total
    return x if total is None else total + x


def raw_summary(path: Path) -> Summary:
    """What value_rollup and value_site_status must hold, from data_value and the site tree alone."""
    conn = sqlite3.connect(path)
    try:
        parent_of = dict(conn.execute("SELECT id, parent_id FROM site").fetchall())
        values = conn.execute(
            "SELECT i.programme_id, v.indicator_id, v.period, v.site_id, v.status, v.value, v.numerator, "
            "v.denominator FROM data_value v JOIN indicator i ON i.id = v.indicator_id"
        ).fetchall()
    finally:
        conn.close()
    parents = {p for p in parent_of.values() if p is not None}
    groups: dict[tuple[Any, ...], list[Any]] = {}
    counts: dict[tuple[Any, ...], int] = defaultdict(int)
    for programme, ind, period, site, status, value, num, den in values:
        counts[(programme, site, period, status)] += 1
        nodes, node = [0], site
        while node is not None:
            if node in parents:
                nodes.append(node)
            node = parent_of[node]
        for node in nodes:
            for approved in (0, 1):
                if approved and status != "approved":
                    continue
                group = groups.setdefault(
                    (programme, node, approved, ind, period), [set(), 0, None, None, None]
                )
                if site not in parents:
                    group[0].add(site)
                group[1] += 1
                group[2], group[3], group[4] = _add(group[2], value), _add(group[3], num), _add(group[4], den)
    rollups = {key: (len(g[0]), g[1], g[2], g[3], g[4]) for key, g in groups.items()}
    return rollups, dict(counts)


def stored_summary(path: Path) -> Summary:
    conn = sqlite3.connect(path)
    try:
        rollups = {
            tuple(row[:5]): tuple(row[5:])
            for row in conn.execute(
                "SELECT programme_id, node_id, approved_only, indicator_id, period, n_sites, n_values, "
                "sum_value, sum_numerator, sum_denominator FROM value_rollup"
            )
        }
        counts = {
            tuple(row[:4]): row[4]
            for row in conn.execute(
                "SELECT programme_id, site_id, period, status, n_values FROM value_site_status"
            )
        }
    finally:
        conn.close()
    return rollups, counts


def refresh(db: Database) -> None:
    with db.sessions.begin() as session:
        value_summary.refresh(session)


def refreshed(db: Database) -> Summary:
    """Refresh the marked keys, then read the summary back."""
    refresh(db)
    with db.sessions() as session:
        assert value_summary.is_fresh(session)
    return stored_summary(db.path)


def assert_reads_agree(db: Database) -> None:
    """The IPTT (programme, a district, a reporting site; all values and approved ones) and
    Completeness read from the summary equal the same computed from the raw values."""
    summary, raw = IpttService(db.sessions), IpttService(db.sessions, use_summary=False)
    for site in (None, "D", "E", "A"):
        for approved_only in (False, True):
            try:
                expected = raw.table(CODE, site_code=site, approved_only=approved_only)
            except PmdeskError:  # the site was moved or deleted
                continue
            assert summary.table(CODE, site_code=site, approved_only=approved_only) == expected
    assert CompletenessService(db.sessions).overview(CODE) == CompletenessService(
        db.sessions, use_summary=False
    ).overview(CODE)


@pytest.fixture
def rules_db(rules_template: Path, tmp_path: Path) -> Iterator[Database]:
    """The rules programme, imported once per module; each test works on a copy."""
    path = tmp_path / "rules.sqlite"
    shutil.copyfile(rules_template, path)
    db = open_database(path)
    yield db
    db.close()


def test_a_rebuild_equals_the_raw_values_and_a_keyed_refresh_keeps_it_so(rules_db: Database) -> None:
    db = rules_db
    entry = DataEntryService(db.sessions, Actor(db.actor, db.device_uuid))
    for site, value in (("A", 4), ("B", 6), ("C", 3), ("D", 1)):  # D holds sites: summed, not a report
        entry.set_value(CODE, "T", "2025Q1", site, value=value)
    entry.set_value(CODE, "P", "2025Q1", "A", numerator=3, denominator=10)
    entry.set_value(CODE, "N", "2025Q2", "B", {"SEX": "F"}, value=2)
    entry.submit(CODE, "A", "2025Q1")
    entry.approve(CODE, "A", "2025Q1")
    with db.sessions.begin() as session:
        value_summary.rebuild_all(session)
    rollups, counts = stored_summary(db.path)
    assert (rollups, counts) == raw_summary(db.path)
    programme_total = next(
        v for k, v in rollups.items() if k[1] == 0 and k[2] == 0 and k[4] == "2025Q1" and v[2] == 14
    )
    assert programme_total[:2] == (3, 4)  # three reporting sites, four values (D's too)
    assert sum(n for k, n in counts.items()) == 6

    # A raw write and a key marked by hand: the refresh folds in exactly that cell.
    conn = sqlite3.connect(db.path)
    try:
        ind, site = conn.execute(
            "SELECT v.indicator_id, v.site_id FROM data_value v JOIN site s ON s.id = v.site_id "
            "WHERE s.code = 'B' AND v.period = '2025Q1'"
        ).fetchone()
        programme = conn.execute("SELECT id FROM programme").fetchone()[0]
        conn.execute(
            "UPDATE data_value SET value = 10, status = 'approved' WHERE indicator_id = ? AND site_id = ? AND period = '2025Q1'",
            (ind, site),
        )
        conn.commit()
    finally:
        conn.close()
    with db.sessions.begin() as session:
        value_summary.mark_changed(session, programme, [(ind, "2025Q1", site)])
    assert refreshed(db) == raw_summary(db.path)


# -- random writes: the summary stays equal to the raw values ----------------------------------------

SITES = ("A", "B", "C", "D", "A1")  # A1 once added
WRITE = st.fixed_dictionaries(
    {
        "indicator": st.sampled_from(["N", "T", "C", "R", "P"]),
        "period": st.sampled_from(QUARTERS[:3]),
        "site": st.sampled_from(SITES),
        "options": st.sampled_from([None, {"SEX": "F"}, {"SEX": "M"}]),
        "value": st.integers(0, 30),
        "numerator": st.integers(0, 10),
        "denominator": st.integers(10, 20),
        "comment": st.just("checked"),
    }
)
OPS = st.one_of(
    st.tuples(st.just("set"), WRITE),
    st.tuples(st.just("set"), WRITE),
    st.tuples(st.just("bulk"), st.lists(WRITE, min_size=1, max_size=8)),
    st.tuples(st.just("clear"), WRITE),
    st.tuples(
        st.sampled_from(["submit", "approve", "approve", "return", "reopen"]),
        st.sampled_from(SITES),
        st.sampled_from(QUARTERS[:3]),
    ),
    st.tuples(st.just("delete_indicator"), st.sampled_from(["N", "P"])),
    st.tuples(st.just("add_site"), st.sampled_from(["A", "E", None])),
    st.tuples(st.just("move_site"), st.sampled_from(["A", "C"]), st.sampled_from(["D", "E", None])),
    st.tuples(st.just("delete_site"), st.just("A1")),
    st.tuples(st.just("refresh")),
)


def apply(db: Database, op: tuple[Any, ...]) -> None:
    actor = Actor(db.actor, db.device_uuid)
    entry = DataEntryService(db.sessions, actor)
    kind = op[0]
    try:
        if kind == "set":
            one_cell(db, op[1])
        elif kind == "bulk":
            items = []
            for edit in op[1]:
                item = {"indicator": edit["indicator"], "period": edit["period"], "site": edit["site"]}
                if edit["options"]:
                    item["options"] = edit["options"]
                items.append(item | figures(edit))
            ValuesService(db.sessions, actor).import_items(CODE, items)
        elif kind == "clear":
            edit = op[1]
            entry.clear_value(CODE, edit["indicator"], edit["period"], edit["site"], edit["options"])
        elif kind == "submit":
            entry.submit(CODE, op[1], op[2], unexplained_confirmed="tester")
        elif kind == "approve":
            entry.approve(CODE, op[1], op[2])
        elif kind in ("return", "reopen"):
            getattr(entry, "return_values" if kind == "return" else "reopen")(CODE, op[1], op[2], "check")
        elif kind == "delete_indicator":
            FrameworkService(db.sessions, actor).delete_indicator(CODE, op[1], with_data=True)
        elif kind == "add_site":
            SiteService(db.sessions, actor).add_site(CODE, "A1", "A1", op[1])
        elif kind == "move_site":
            SiteService(db.sessions, actor).update_site(CODE, op[1], parent_code=op[2])
        elif kind == "delete_site":
            SiteService(db.sessions, actor).delete_site(CODE, op[1])
        elif kind == "refresh":
            refresh(db)
    except PmdeskError:
        pass  # refused as a user would see it: nothing written


@pytest.fixture(scope="module")
def rules_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("summary") / "template.sqlite"
    db = open_database(path)
    try:
        PackageService(db.sessions, Actor(db.actor, db.device_uuid)).import_package(package())
    finally:
        db.close()
    return path


def _w(indicator: str, site: str, period: str = "2025Q1", value: int = 5, **extra: Any) -> dict[str, Any]:
    return {
        "indicator": indicator,
        "period": period,
        "site": site,
        "options": None,
        "value": value,
        "numerator": 3,
        "denominator": 12,
        "comment": "checked",
    } | extra


# Each example checks sixteen IPTT tables and Completeness twice over (about a second): 15 random
# runs of up to 14 writes of every kind, beside the three runs below that each kind of writer always gets.
@settings(SETTINGS, max_examples=15)
@given(ops=st.lists(OPS, min_size=1, max_size=14), rebuild_over=st.sampled_from([1, 3, REBUILD_OVER]))
@example(  # each kind of writer after a refresh, so that only its own marks can bring the sums along
    ops=[
        ("bulk", [_w("T", "A"), _w("T", "B"), _w("P", "C"), _w("N", "A", options={"SEX": "F"})]),
        ("refresh",),
        ("set", _w("T", "A", value=7)),
        ("submit", "A", "2025Q1"),
        ("refresh",),
        ("approve", "A", "2025Q1"),
        ("refresh",),
        ("return", "A", "2025Q1"),
        ("refresh",),
        ("clear", _w("T", "B")),
        ("refresh",),
        ("bulk", [_w("T", "C", value=9), _w("T", "D", value=2)]),
    ],
    rebuild_over=REBUILD_OVER,
)
@example(  # a site without parent holding a value, cleared and deleted
    ops=[
        ("add_site", None),
        ("set", _w("T", "A1", value=8)),
        ("refresh",),
        ("clear", _w("T", "A1")),
        ("delete_site", "A1"),
        ("refresh",),
    ],
    rebuild_over=REBUILD_OVER,
)
@example(
    ops=[
        ("bulk", [_w("T", "A"), _w("T", "C"), _w("N", "B", options={"SEX": "M"})]),
        ("refresh",),
        ("add_site", "A"),
        ("refresh",),
        ("move_site", "C", "D"),
        ("refresh",),
        ("delete_site", "A1"),
        ("refresh",),
        ("delete_indicator", "N"),
    ],
    rebuild_over=REBUILD_OVER,
)
def test_after_random_writes_the_refreshed_summary_equals_the_raw_values(
    rules_template: Path, ops: list[tuple[Any, ...]], rebuild_over: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(value_summary, "REBUILD_OVER", rebuild_over)  # batches that mark the programme
    with copies(rules_template, 1) as (db,):
        for op in ops:
            apply(db, op)
            if op[0] == "refresh":  # every refresh on the way, not only the last one
                assert stored_summary(db.path) == raw_summary(db.path)
        assert refreshed(db) == raw_summary(db.path)
        assert_reads_agree(db)


# -- readers: refresh first, and never a stale answer ----------------------------------------------


def _checked(db: Database) -> Database:
    gate = db.sessions.kw["info"]["write_gate"]
    assert gate.verdict(30) is None  # the check made at open has passed: writes may go in
    return db


def test_a_read_refreshes_the_marked_keys_first(rules_db: Database) -> None:
    db = _checked(rules_db)
    entry = DataEntryService(db.sessions, Actor(db.actor, db.device_uuid))
    entry.set_value(CODE, "T", "2025Q1", "A", value=4)
    entry.set_value(CODE, "T", "2025Q1", "C", value=6)
    table = IpttService(db.sessions).table(CODE, as_of="2025Q1")
    with db.sessions() as session:
        assert value_summary.is_fresh(session)
    row = next(r for r in table.rows if r.code == "T")
    assert table == IpttService(db.sessions, use_summary=False).table(CODE, as_of="2025Q1")
    assert stored_summary(db.path) == raw_summary(db.path)
    assert row.figures.periods[0].actual == 10

    entry.submit(CODE, "A", "2025Q1", unexplained_confirmed="tester")
    overview = CompletenessService(db.sessions).overview(CODE)
    assert overview.cell("A", "2025Q1").by_status == {"submitted": 1}
    assert overview == CompletenessService(db.sessions, use_summary=False).overview(CODE)
    assert ProgrammeService(db.sessions, Actor(db.actor, db.device_uuid)).get(CODE).value_count == 2


def test_a_read_only_file_with_marked_keys_reads_the_raw_values(rules_db: Database) -> None:
    db = _checked(rules_db)
    entry = DataEntryService(db.sessions, Actor(db.actor, db.device_uuid))
    entry.set_value(CODE, "T", "2025Q1", "A", value=4)
    refresh(db)
    entry.set_value(CODE, "T", "2025Q1", "A", value=9)  # marked, not yet refreshed
    entry.set_value(CODE, "T", "2025Q2", "B", value=3)
    path = db.path
    db.close()

    ro = open_database(path, read_only=True)
    try:
        with ro.sessions() as session:
            assert not value_summary.is_fresh(session)
        table = IpttService(ro.sessions).table(CODE, as_of="2025Q2")
        assert table == IpttService(ro.sessions, use_summary=False).table(CODE, as_of="2025Q2")
        t = next(r for r in table.rows if r.code == "T")
        assert [p.actual for p in t.figures.periods[:2]] == [9, 3]
        assert CompletenessService(ro.sessions).overview(CODE).cell("B", "2025Q2").values == 1
        with ro.sessions() as session:
            assert not value_summary.is_fresh(session)  # nothing written to a read-only file
    finally:
        ro.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM value_summary_dirty").fetchone()[0] == 2
    finally:
        conn.close()


def test_an_up_to_date_summary_spares_the_programme_and_district_iptt_every_value(db: Database) -> None:
    PackageService(db.sessions, Actor(db.actor, db.device_uuid)).import_package(rich_package())
    refresh(db)
    sent: list[str] = []

    def catch(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM data_value" in statement:
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", catch)
    try:
        service = IpttService(db.sessions)
        tables = [service.table("WASH-01", **o) for o in ({}, {"approved_only": True}, {"site_code": "N"})]
        CompletenessService(db.sessions).overview("WASH-01")
    finally:
        event.remove(db.engine, "before_cursor_execute", catch)
    assert not [s for s in sent if "sum(" in s or "count(" in s], sent
    raw = IpttService(db.sessions, use_summary=False)
    assert tables == [raw.table("WASH-01", **o) for o in ({}, {"approved_only": True}, {"site_code": "N"})]
    assert any(row.figures.lop.actual for row in tables[0].rows)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The value summary (issue #11, the way DHIS2's analytics tables serve its pivot tables): Σ of the
values per indicator, period and site-tree node, and the number of values per site, period and
status, so the IPTT, Completeness and the value counts read thousands of rows instead of a million.

Kept exact without triggers (a trigger that only marks a key slowed inserts 1.6–2.4×): every writer
of data_value calls `mark_changed` or `mark_programme` in its own transaction, which records the keys
it touched in value_summary_dirty; a reader calls `refresh_if_needed` before it reads, which folds
the marked keys into the summary in one short write transaction. A reader that finds keys still
marked in its own snapshot (a read-only file, a writer holding the lock) reads the raw values
instead, so an answer is never stale.

Only sites with sites below them, and the programme as a whole, have rows in value_rollup: a site
with none below it is a few thousand values, summed from data_value through its site index as fast.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.errors import PmdeskError
from pmdesk.storage.database import BUSY_TIMEOUT_MS, WRITE_OPTION
from pmdesk.storage.models import SiteRow
from pmdesk.storage.summary_models import (
    PROGRAMME_NODE,
    ValueSiteStatusRow,
    ValueSummaryDirtyRow,
)

log = logging.getLogger(__name__)

# A batch touching more cell keys (indicator, period, site) than this marks its programme for a
# rebuild instead: on the million-value benchmark a keyed refresh costs about 5 ms per cell of
# distinct indicator and period, the rebuild about 5 s (tests/benchmarks/bench_core.py, part e).
REBUILD_OVER = 2_000
# How long a reader's refresh waits for another writer (an import) before reading raw values.
REFRESH_WAIT_MS = 250

CellKey = tuple[int, str, int]  # indicator id, period code, site id
Sums = tuple[float | None, float | None, float | None]  # Σvalue, Σnumerator, Σdenominator


# -- writers ---------------------------------------------------------------------------------------


def mark_changed(session: Session, programme_id: int, keys: Iterable[CellKey]) -> bool:
    """Record, in the writer's transaction, the cells whose values it added, changed, deleted or
    moved to another status. Many keys mark the whole programme instead (REBUILD_OVER), and then
    True is returned: a bulk writer then calls `refresh` itself (see `refresh_in_writer`)."""
    distinct: set[CellKey] = set()
    for key in keys:  # a lazy iterable: a million-value batch stops at REBUILD_OVER keys
        distinct.add(key)
        if len(distinct) > REBUILD_OVER:
            mark_programme(session, programme_id)
            return True
    if not distinct:
        return False
    session.execute(
        insert(ValueSummaryDirtyRow),
        [
            {"programme_id": programme_id, "indicator_id": ind, "period": period, "site_id": site}
            for ind, period, site in distinct
        ],
    )
    return False


def refresh_in_writer(session: Session) -> None:
    """Rebuild in the writer's own transaction: a batch large enough to mark its programme (a
    million-value import: about 5 s on top of its 90) leaves the first IPTT after it a read of
    the summary, not a rebuild on the reader's side."""
    refresh(session)


def mark_programme(session: Session, programme_id: int) -> None:
    """Have the programme's summary rebuilt from its values: after a change of its site tree, the
    deletion of an indicator or of the programme, or a batch touching very many cells."""
    session.execute(insert(ValueSummaryDirtyRow).values(programme_id=programme_id))


# -- readers ---------------------------------------------------------------------------------------


def refresh_if_needed(sessions: sessionmaker[Session]) -> None:
    """Fold the marked keys into the summary, in a write transaction of its own, when there are
    any. A file that cannot be written now (read-only, still being checked after opening, or held
    by another writer for longer than REFRESH_WAIT_MS) is left as it is: `is_fresh` then says so,
    and the reader sums the raw values rather than wait for an import to end."""
    with sessions() as session:
        if _summary_state(session) != _DIRTY:
            return
    gate = sessions.kw.get("info", {}).get("write_gate")
    if gate is not None and (not gate.is_decided or gate.verdict(0) is not None):
        return
    engine = sessions.kw["bind"]
    try:
        with engine.connect() as connection:
            # On the driver's connection: through SQLAlchemy a PRAGMA would begin a transaction.
            driver = connection.connection.driver_connection
            assert driver is not None
            driver.execute(f"PRAGMA busy_timeout={REFRESH_WAIT_MS}")
            try:
                # A write transaction (BEGIN IMMEDIATE, see pmdesk.storage.database._begin).
                connection.execution_options(**{WRITE_OPTION: True})
                with Session(connection) as session, session.begin():
                    refresh(session)
            finally:
                driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    except (PmdeskError, OperationalError) as exc:
        log.info("value summary not refreshed (%s); reading the values themselves", exc)


def has_summary(session: Session) -> bool:
    """Whether the file has the summary's tables (a read-only file of an older version has not)."""
    return _summary_state(session) != _NO_SUMMARY


def is_fresh(session: Session) -> bool:
    """Whether the summary answers exactly in this session's snapshot: no key waits for a refresh."""
    return _summary_state(session) == _FRESH


_NO_SUMMARY, _FRESH, _DIRTY = 0, 1, 2


def _summary_state(session: Session) -> int:
    # One statement on the driver's cursor, in the session's transaction: every IPTT, Completeness
    # and count asks, and through the ORM the two questions cost more than the summary's answer.
    driver = session.connection().connection.driver_connection
    assert driver is not None
    (exists,) = driver.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'value_summary_dirty'"
    ).fetchone()
    if not exists:
        return _NO_SUMMARY
    dirty = driver.execute("SELECT 1 FROM value_summary_dirty LIMIT 1").fetchone()
    return _DIRTY if dirty else _FRESH


def node_sums(
    session: Session, programme_id: int, node_id: int, approved_only: bool
) -> tuple[dict[tuple[int, str], Sums], dict[tuple[int, str], int]]:
    """Per (indicator id, period) of the node's subtree: the sums (only where a figure exists) and
    the number of sites with none below them that reported. Call when `is_fresh`."""
    # On the driver's cursor, in the session's transaction: thousands of rows, without the cost of
    # SQLAlchemy's result rows (a third of the read).
    driver = session.connection().connection.driver_connection
    assert driver is not None
    rows = driver.execute(
        "SELECT indicator_id, period, n_sites, sum_value, sum_numerator, sum_denominator FROM value_rollup "
        "WHERE programme_id = ? AND node_id = ? AND approved_only = ?",
        (programme_id, node_id, int(approved_only)),
    ).fetchall()
    sums: dict[tuple[int, str], Sums] = {}
    sites: dict[tuple[int, str], int] = {}
    for ind, period, n_sites, total, num, den in rows:
        sites[(ind, period)] = n_sites
        if total is not None or num is not None or den is not None:
            sums[(ind, period)] = (total, num, den)
    return sums, sites


def site_status_counts(session: Session, programme_id: int) -> list[tuple[int, str, str, int]]:
    """(site id, period, status, number of values) of the programme. Call when `is_fresh`."""
    return [
        (site, period, status, n)
        for site, period, status, n in session.execute(
            select(
                ValueSiteStatusRow.site_id,
                ValueSiteStatusRow.period,
                ValueSiteStatusRow.status,
                ValueSiteStatusRow.n_values,
            ).where(ValueSiteStatusRow.programme_id == programme_id)
        )
    ]


def value_count(session: Session, programme_id: int) -> int | None:
    """The programme's number of values, or None when the summary cannot say (not fresh)."""
    if not is_fresh(session):
        return None
    total = session.scalar(
        select(func.sum(ValueSiteStatusRow.n_values)).where(ValueSiteStatusRow.programme_id == programme_id)
    )
    return int(total or 0)


# -- refresh ---------------------------------------------------------------------------------------


def refresh(session: Session) -> None:
    """Bring the summary up to date with the values, in the caller's write transaction."""
    marks = session.execute(
        select(ValueSummaryDirtyRow.programme_id)
        .where(ValueSummaryDirtyRow.indicator_id.is_(None))
        .distinct()
    )
    # Many small batches without a read between them add up: past REBUILD_OVER keys, a rebuild.
    crowded = session.execute(
        select(ValueSummaryDirtyRow.programme_id)
        .group_by(ValueSummaryDirtyRow.programme_id)
        .having(func.count() > REBUILD_OVER)
    )
    rebuilt = sorted({p for (p,) in marks} | {p for (p,) in crowded})
    _load_closure(session)
    for programme_id in rebuilt:
        _rebuild(session, programme_id)
    _refresh_keys(session, rebuilt)
    session.execute(delete(ValueSummaryDirtyRow))


def rebuild_all(session: Session) -> None:
    """Rebuild every programme's summary from its values (after writes that marked nothing)."""
    session.execute(text("INSERT INTO value_summary_dirty (programme_id) SELECT id FROM programme"))
    refresh(session)


def rebuild_programmes(session: Session, programme_ids: Iterable[int]) -> None:
    """Rebuild these programmes' summary from their values, in the caller's write transaction (the
    repair of a summary the check found differing from the values); the values are only read."""
    for programme_id in programme_ids:
        mark_programme(session, programme_id)
    refresh(session)


# -- check -----------------------------------------------------------------------------------------

# Sums kept and sums made again add the same figures in another order: they may differ in the
# last bits of a float, never by this much (relative, and absolute near zero).
_SUM_TOLERANCE = 1e-9


@dataclass(frozen=True)
class SummaryDifference:
    """Where a programme's summary differs from its values summed again. Cells still marked for
    a refresh are left out: the next reader folds them in, as designed."""

    programme_id: int
    cells: int  # (indicator, period) pairs whose sums or counts differ at one node or more
    # The first few of them: indicator id, period and the nodes where they differ (PROGRAMME_NODE
    # is the whole programme, any other a site with sites below it).
    cell_examples: tuple[tuple[int, str, tuple[int, ...]], ...]
    site_periods: int  # (site, period) pairs whose value counts per status differ (Completeness)
    site_examples: tuple[tuple[int, str], ...]


def compare_with_values(
    session: Session, programme_ids: Iterable[int], examples: int = 3
) -> list[SummaryDifference]:
    """Each programme's summary against a fresh aggregation of its values: the rebuild's own
    (`_aggregate`) into temporary tables, which a read-only file allows too. Writes nothing in
    the file; about as long as a rebuild (a few seconds for a million values)."""
    if not has_summary(session):
        return []
    # A file opened for reading only is opened so by SQLite (mode=ro), and also has query_only
    # on, which refuses the temporary tables too: off while they are filled, the file itself
    # still cannot be written.
    driver = session.connection().connection.driver_connection
    assert driver is not None
    query_only = driver.execute("PRAGMA query_only").fetchone()[0]
    if query_only:
        driver.execute("PRAGMA query_only=OFF")
    try:
        return _compare(session, programme_ids, examples)
    finally:
        if query_only:
            driver.execute("PRAGMA query_only=ON")


def _compare(session: Session, programme_ids: Iterable[int], examples: int) -> list[SummaryDifference]:
    _load_closure(session)
    session.execute(
        text(
            "CREATE TEMP TABLE IF NOT EXISTS vs_check_rollup (programme_id INTEGER, node_id INTEGER, "
            "approved_only INTEGER, indicator_id INTEGER, period TEXT, n_sites INTEGER, n_values INTEGER, "
            "sum_value REAL, sum_numerator REAL, sum_denominator REAL, "
            "PRIMARY KEY (programme_id, node_id, approved_only, indicator_id, period)) WITHOUT ROWID"
        )
    )
    session.execute(
        text(
            "CREATE TEMP TABLE IF NOT EXISTS vs_check_status (programme_id INTEGER, site_id INTEGER, "
            "period TEXT, status TEXT, n_values INTEGER, PRIMARY KEY (programme_id, site_id, period, status)) WITHOUT ROWID"
        )
    )
    differences = []
    try:
        for programme_id in programme_ids:
            wholly_marked = session.scalar(
                select(ValueSummaryDirtyRow.id)
                .where(
                    ValueSummaryDirtyRow.programme_id == programme_id,
                    ValueSummaryDirtyRow.indicator_id.is_(None),
                )
                .limit(1)
            )
            if wholly_marked is not None:
                continue  # the next reader rebuilds it all
            session.execute(text("DELETE FROM temp.vs_check_rollup"))
            session.execute(text("DELETE FROM temp.vs_check_status"))
            _aggregate(session, programme_id, "temp.vs_check_rollup", "temp.vs_check_status")
            difference = _differences(session, programme_id, examples)
            if difference is not None:
                differences.append(difference)
    finally:
        session.execute(text("DELETE FROM temp.vs_check_rollup"))
        session.execute(text("DELETE FROM temp.vs_check_status"))
    return differences


def _differs(column: str) -> str:
    a, b = f"f.{column}", f"s.{column}"
    return (
        f"(({a} IS NULL) != ({b} IS NULL) OR abs({a} - {b}) > {_SUM_TOLERANCE} * max(abs({a}), abs({b}), 1))"
    )


_ROLLUP_KEY = (
    "s.node_id = f.node_id AND s.approved_only = f.approved_only AND s.indicator_id = f.indicator_id "
    "AND s.period = f.period"
)
_STATUS_KEY = "s.site_id = f.site_id AND s.period = f.period AND s.status = f.status"


def _differences(session: Session, programme_id: int, examples: int) -> SummaryDifference | None:
    p = {"p": programme_id}
    # A join rather than EXCEPT: sums are compared within _SUM_TOLERANCE, not bit for bit.
    cells = session.execute(
        text(
            "SELECT DISTINCT indicator_id, period, node_id FROM ("
            "SELECT f.indicator_id, f.period, f.node_id FROM temp.vs_check_rollup f "
            f"LEFT JOIN value_rollup s ON s.programme_id = :p AND {_ROLLUP_KEY} "
            "WHERE s.programme_id IS NULL OR s.n_sites != f.n_sites OR s.n_values != f.n_values "
            f"OR {_differs('sum_value')} OR {_differs('sum_numerator')} OR {_differs('sum_denominator')} "
            "UNION ALL SELECT s.indicator_id, s.period, s.node_id FROM value_rollup s "
            f"LEFT JOIN temp.vs_check_rollup f ON f.programme_id = :p AND {_ROLLUP_KEY} "
            "WHERE s.programme_id = :p AND f.programme_id IS NULL) x "
            "ORDER BY indicator_id, period, node_id"
        ),
        p,
    ).all()
    site_rows = session.execute(
        text(
            "SELECT DISTINCT site_id, period FROM ("
            "SELECT f.site_id, f.period FROM temp.vs_check_status f "
            f"LEFT JOIN value_site_status s ON s.programme_id = :p AND {_STATUS_KEY} "
            "WHERE s.programme_id IS NULL OR s.n_values != f.n_values "
            "UNION ALL SELECT s.site_id, s.period FROM value_site_status s "
            f"LEFT JOIN temp.vs_check_status f ON f.programme_id = :p AND {_STATUS_KEY} "
            "WHERE s.programme_id = :p AND f.programme_id IS NULL) x "
            "ORDER BY period, site_id"
        ),
        p,
    ).all()
    marked = session.execute(
        select(
            ValueSummaryDirtyRow.indicator_id, ValueSummaryDirtyRow.period, ValueSummaryDirtyRow.site_id
        ).where(ValueSummaryDirtyRow.programme_id == programme_id)
    ).all()
    marked_cells = {(ind, period) for ind, period, _ in marked}
    marked_sites = {(site, period) for _, period, site in marked}
    sites = [(site, period) for site, period in site_rows if (site, period) not in marked_sites]
    nodes: dict[tuple[int, str], list[int]] = {}
    for indicator_id, period, node_id in cells:
        if (indicator_id, period) not in marked_cells:
            nodes.setdefault((indicator_id, period), []).append(node_id)
    if not nodes and not sites:
        return None
    return SummaryDifference(
        programme_id=programme_id,
        cells=len(nodes),
        cell_examples=tuple(
            (ind, period, tuple(ids)) for (ind, period), ids in list(nodes.items())[:examples]
        ),
        site_periods=len(sites),
        site_examples=tuple((site, period) for site, period in sites[:examples]),
    )


def _load_closure(session: Session) -> None:
    """temp.vs_closure: each site with every node whose subtree holds it (itself when it has sites
    below it, its ancestors that have, and the programme), and whether it has no site below it."""
    rows = session.execute(select(SiteRow.id, SiteRow.parent_id)).all()
    parent_of = {site: parent for site, parent in rows}
    parents = {parent for _, parent in rows if parent is not None}
    pairs = []
    for site, _ in rows:
        is_leaf = int(site not in parents)
        pairs.append({"s": site, "n": PROGRAMME_NODE, "l": is_leaf})
        seen: set[int] = set()
        node: int | None = site
        while node is not None and node not in seen:  # a cycle would otherwise loop forever
            seen.add(node)
            if node in parents:
                pairs.append({"s": site, "n": node, "l": is_leaf})
            node = parent_of.get(node)
    session.execute(
        text(
            "CREATE TEMP TABLE IF NOT EXISTS vs_closure "
            "(site_id INTEGER, node_id INTEGER, is_leaf INTEGER, PRIMARY KEY (site_id, node_id))"
        )
    )
    session.execute(text("DELETE FROM temp.vs_closure"))
    if pairs:
        session.execute(text("INSERT INTO temp.vs_closure VALUES (:s, :n, :l)"), pairs)


# The rollup of node groups: n_sites counts distinct sites with none below them.
_ROLLUP_COLUMNS = "count(DISTINCT CASE WHEN c.is_leaf THEN {site} END), {n}, sum({v}), sum({num}), sum({den})"


def _rebuild(session: Session, programme_id: int) -> None:
    """The programme's rows again from its values."""
    p = {"p": programme_id}
    session.execute(text("DELETE FROM value_rollup WHERE programme_id = :p"), p)
    session.execute(text("DELETE FROM value_site_status WHERE programme_id = :p"), p)
    _aggregate(session, programme_id, "value_rollup", "value_site_status")


def _aggregate(session: Session, programme_id: int, rollup: str, site_status: str) -> None:
    """The programme's summary rows summed from its values into `rollup` and `site_status` (the
    summary's tables, or temporary ones of their columns: the check compares those with the
    summary): one GROUP BY (through ix_data_value_iptt, which holds every column it reads) into a
    temporary table, then the rollups and counts from that. Needs temp.vs_closure loaded."""
    p = {"p": programme_id}
    session.execute(
        text(
            "CREATE TEMP TABLE IF NOT EXISTS vs_leaf (indicator_id INTEGER, period TEXT, site_id INTEGER, "
            "status TEXT, n INTEGER, sv REAL, sn REAL, sd REAL)"
        )
    )
    session.execute(text("DELETE FROM temp.vs_leaf"))
    session.execute(
        text(
            "INSERT INTO temp.vs_leaf SELECT indicator_id, period, site_id, status, count(*), sum(value), "
            "sum(numerator), sum(denominator) FROM data_value "
            "WHERE indicator_id IN (SELECT id FROM indicator WHERE programme_id = :p) "
            "GROUP BY indicator_id, period, site_id, status"
        ),
        p,
    )
    columns = _ROLLUP_COLUMNS.format(site="l.site_id", n="sum(l.n)", v="l.sv", num="l.sn", den="l.sd")
    for approved, where in ((0, ""), (1, "WHERE l.status = 'approved'")):
        session.execute(
            text(
                f"INSERT INTO {rollup} (programme_id, node_id, approved_only, indicator_id, period, "
                "n_sites, n_values, sum_value, sum_numerator, sum_denominator) "
                f"SELECT :p, c.node_id, {approved}, l.indicator_id, l.period, {columns} "
                f"FROM temp.vs_leaf l CROSS JOIN temp.vs_closure c ON c.site_id = l.site_id {where} "
                "GROUP BY c.node_id, l.indicator_id, l.period"
            ),
            p,
        )
    session.execute(
        text(
            f"INSERT INTO {site_status} (programme_id, site_id, period, status, n_values) "
            "SELECT :p, site_id, period, status, sum(n) FROM temp.vs_leaf GROUP BY site_id, period, status"
        ),
        p,
    )
    session.execute(text("DELETE FROM temp.vs_leaf"))


def _refresh_keys(session: Session, rebuilt: list[int]) -> None:
    """The rollups of every node above each marked cell, and its site's counts for the period,
    again from the values: a few hundred rows per key through the values' indexes."""
    session.execute(
        text(
            "CREATE TEMP TABLE IF NOT EXISTS vs_nodes (programme_id INTEGER, node_id INTEGER, "
            "indicator_id INTEGER, period TEXT)"
        )
    )
    session.execute(
        text(
            "CREATE TEMP TABLE IF NOT EXISTS vs_site_keys (programme_id INTEGER, site_id INTEGER, period TEXT)"
        )
    )
    session.execute(text("DELETE FROM temp.vs_nodes"))
    session.execute(text("DELETE FROM temp.vs_site_keys"))
    skipped = ",".join(str(int(p)) for p in rebuilt)
    marked = "d.indicator_id IS NOT NULL" + (f" AND d.programme_id NOT IN ({skipped})" if skipped else "")
    session.execute(
        text(
            # The programme's node whether or not the site is still there (deleted since).
            "INSERT INTO temp.vs_nodes SELECT d.programme_id, c.node_id, d.indicator_id, d.period "
            f"FROM value_summary_dirty d CROSS JOIN temp.vs_closure c ON c.site_id = d.site_id WHERE {marked} "
            f"UNION SELECT d.programme_id, {PROGRAMME_NODE}, d.indicator_id, d.period "
            f"FROM value_summary_dirty d WHERE {marked}"
        )
    )
    session.execute(
        text(
            "INSERT INTO temp.vs_site_keys SELECT DISTINCT d.programme_id, d.site_id, d.period "
            f"FROM value_summary_dirty d WHERE {marked}"
        )
    )
    session.execute(
        text(
            # The whole primary key, approved_only included, so that each row is found by it.
            "DELETE FROM value_rollup WHERE (programme_id, node_id, approved_only, indicator_id, period) IN "
            "(SELECT programme_id, node_id, a, indicator_id, period FROM temp.vs_nodes, "
            "(SELECT 0 AS a UNION ALL SELECT 1))"
        )
    )
    columns = _ROLLUP_COLUMNS.format(
        site="d.site_id", n="count(*)", v="d.value", num="d.numerator", den="d.denominator"
    )
    for approved, where in ((0, ""), (1, "AND d.status = 'approved'")):
        # CROSS JOIN keeps SQLite's order: from the few marked nodes into the values' index.
        session.execute(
            text(
                "INSERT INTO value_rollup (programme_id, node_id, approved_only, indicator_id, period, "
                "n_sites, n_values, sum_value, sum_numerator, sum_denominator) "
                f"SELECT n.programme_id, n.node_id, {approved}, n.indicator_id, n.period, {columns} "
                "FROM temp.vs_nodes n CROSS JOIN data_value d CROSS JOIN temp.vs_closure c "
                "WHERE d.indicator_id = n.indicator_id AND d.period = n.period "
                f"AND c.site_id = d.site_id AND c.node_id = n.node_id {where} "
                "GROUP BY n.programme_id, n.node_id, n.indicator_id, n.period"
            )
        )
    session.execute(
        text(
            "DELETE FROM value_site_status WHERE (programme_id, site_id, period) IN "
            "(SELECT programme_id, site_id, period FROM temp.vs_site_keys)"
        )
    )
    session.execute(
        text(
            "INSERT INTO value_site_status (programme_id, site_id, period, status, n_values) "
            "SELECT k.programme_id, k.site_id, k.period, d.status, count(*) "
            "FROM temp.vs_site_keys k CROSS JOIN data_value d "
            "WHERE d.site_id = k.site_id AND d.period = k.period "
            "AND d.indicator_id IN (SELECT id FROM indicator WHERE programme_id = k.programme_id) "
            "GROUP BY k.programme_id, k.site_id, k.period, d.status"
        )
    )

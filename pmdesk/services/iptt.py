# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT of a programme, for the whole programme or a site subtree, as of a period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import Cumulation, Direction, Frequency, Measure
from pmdesk.domain.errors import NotFoundError
from pmdesk.domain.iptt import (
    IndicatorSpec,
    PeriodInput,
    Thresholds,
    compute_indicator,
    is_partly_reported,
    latest_complete_period,
)
from pmdesk.domain.iptt_table import IpttRow, IpttTable, ResultInfo
from pmdesk.domain.periods import CustomPeriod, Period, reporting_periods
from pmdesk.services import value_summary
from pmdesk.services.lookups import (
    indicator_by_code,
    programme_by_code,
    programme_periods,
    site_by_code,
    subtree_site_ids,
    thresholds_of,
)
from pmdesk.services.sites import SiteInfo, site_tree
from pmdesk.services.value_summary import Sums
from pmdesk.storage.models import (
    DataValueRow,
    IndicatorRow,
    ResultRow,
    SiteRow,
    TargetRow,
)
from pmdesk.storage.summary_models import PROGRAMME_NODE


class IpttService:
    def __init__(self, sessions: sessionmaker[Session], *, use_summary: bool = True) -> None:
        """`use_summary` False sums the raw values every time (the tests' reference)."""
        self._sessions = sessions
        self._use_summary = use_summary

    def table(
        self,
        programme_code: str,
        as_of: str | None = None,
        site_code: str | None = None,
        approved_only: bool = False,
    ) -> IpttTable:
        """The IPTT; `as_of` defaults to the latest complete period (DESIGN.md §3a).

        With a site, actuals cover that site and every site below it, and targets are the site
        targets set in that subtree; without, the programme-level targets. Each period of each
        indicator carries how many of the subtree's reporting sites have a value for it.
        """
        if self._use_summary:
            value_summary.refresh_if_needed(self._sessions)
        with self._sessions() as session:
            programme = _programme(session, programme_code)
            periods = programme.periods
            codes = [p.code for p in periods]
            site: SiteRow | None = None
            site_ids: list[int] | None = None
            if site_code:
                site = site_by_code(session, programme_by_code(session, programme_code), site_code)
                site_ids = subtree_site_ids(session, programme.id, site.id)

            # The indicators' columns as plain rows on the driver's cursor, in the session's
            # transaction: ORM rows, and even SQLAlchemy's result rows, cost more than the figures
            # of 150 indicators.
            driver = session.connection().connection.driver_connection
            assert driver is not None
            indicators = driver.execute(
                "SELECT id, code, name, result_id, measure, direction, cumulation, unit, "
                "baseline_value, lop_target, sort_order FROM indicator WHERE programme_id = ? "
                "ORDER BY sort_order, id",
                (programme.id,),
            ).fetchall()
            results = _framework_order(session, programme.id)
            sums, reported = self._sums(session, programme.id, site, site_ids, approved_only)
            # Qualitative results are stories a few sites tell, with no figure or status resting on
            # them: they show their reporting rate but never make a period partial.
            qualitative = {i[0] for i in indicators if i[4] == Measure.QUALITATIVE}
            percent = {i[0] for i in indicators if i[4] == Measure.PERCENT}
            texts = _texts(session, sorted(qualitative), site_ids, approved_only)
            targets = _targets(session, programme.id, percent, site, site_ids)
            expected = _sites_expected(session, programme.id, site_ids)
            by_period: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for (ind_id, period), count in reported.items():
                if ind_id not in qualitative:
                    by_period[period].append((count, expected))
            partial_periods: dict[str, int] = {}
            for p, counts in by_period.items():
                partly = [r for r, e in counts if is_partly_reported(r, e)]
                if partly:
                    partial_periods[p] = max(partly)
            default_as_of = latest_complete_period(codes, by_period)
            if default_as_of is None and (sums or texts):
                # Values only on sites with sites below them: the latest period with data.
                with_data = {p for (_, p) in sums} | {p for (_, p) in texts}
                latest = [c for c in codes if c in with_data]
                default_as_of = latest[-1] if latest else None

            if as_of is None:
                as_of = default_as_of
            elif as_of not in codes:
                raise NotFoundError(
                    f"'{as_of}' is not a reporting period of {programme.code} ({codes[0]} … {codes[-1]})"
                    if codes
                    else f"{programme.code} has no reporting periods"
                )
            thresholds = programme.thresholds
            order = {r.id: i for i, r in enumerate(results)}
            indicators = sorted(
                indicators,
                key=lambda i: (order.get(i[3], len(order)), i[10], i[0]),  # result, order, id
            )
            result_codes = {r.id: r.code for r in results}
            rows = []
            for (
                ind_id,
                ind_code,
                ind_name,
                result_id,
                measure_value,
                direction,
                cumulation,
                unit,
                baseline,
                lop_target,
                _,
            ) in indicators:
                measure = Measure(measure_value)
                spec = IndicatorSpec(
                    measure,
                    Direction(direction),
                    Cumulation(cumulation),
                    baseline,
                    lop_target if site is None else None,
                )
                inputs: dict[str, PeriodInput] = {}
                for code in codes:
                    key = (ind_id, code)
                    agg = sums.get(key)
                    target = targets.get(key)
                    text = texts.get(key, ()) if texts else ()
                    total, num, den = agg if agg else (None, None, None)
                    inputs[code] = PeriodInput(
                        total, num, den, tuple(text), target, reported.get(key, 0), expected
                    )
                figures = compute_indicator(spec, codes, inputs, as_of, thresholds)
                rows.append(
                    IpttRow(
                        ind_id,
                        ind_code,
                        ind_name,
                        result_id,
                        result_codes.get(result_id, ""),
                        measure,
                        spec.direction,
                        spec.cumulation,
                        unit,
                        baseline,
                        figures,
                    )
                )
            cut = len(codes) if as_of is None else codes.index(as_of) + 1
            return IpttTable(
                programme.code,
                programme.name,
                as_of,
                site.code if site else None,
                site.name if site else None,
                approved_only,
                tuple(periods[:cut]),
                tuple(results),
                tuple(rows),
                thresholds,
                expected,
                partial_periods,
                default_as_of,
            )

    def _sums(
        self,
        session: Session,
        programme_id: int,
        site: SiteRow | None,
        site_ids: list[int] | None,
        approved_only: bool,
    ) -> tuple[dict[tuple[int, str], Sums], dict[tuple[int, str], int]]:
        """Σ per indicator and period, and the reporting sites: read from the value summary for the
        programme or a site with sites below it when it is up to date in this snapshot, else (and
        for a site with none below it, a few thousand values) summed from the values."""
        if self._use_summary and value_summary.is_fresh(session):
            if site is None:
                return value_summary.node_sums(session, programme_id, PROGRAMME_NODE, approved_only)
            if site.id in _parent_site_ids(session, programme_id):
                return value_summary.node_sums(session, programme_id, site.id, approved_only)
        sums, reported = _aggregate(session, programme_id, site_ids, approved_only)
        # Values held by a site with sites below it are summed but do not count as reports.
        for key, count in _reports_on_parents(session, programme_id, site_ids, approved_only).items():
            if key in reported:
                reported[key] -= count
        return sums, reported

    def by_site(
        self,
        programme_code: str,
        indicator_code: str,
        as_of: str | None = None,
        approved_only: bool = False,
    ) -> list[tuple[SiteInfo, IpttRow]]:
        """One indicator's IPTT row for each reporting site, in site-tree order.

        Each row counts the site's own values and the targets set on that site, so for a number
        indicator the sites' period actuals add up to the programme's. Reporting sites are those
        with no site below them, plus any other site holding values of this indicator. `as_of`
        defaults, as in `table`, to the programme's latest complete period.
        """
        if as_of is None:
            as_of = self.table(programme_code, approved_only=approved_only).default_as_of
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            ind = indicator_by_code(session, programme, indicator_code)
            codes = [p.code for p in programme_periods(session, programme)]
            if as_of is not None and as_of not in codes:
                raise NotFoundError(f"'{as_of}' is not a reporting period of {programme.code}")
            measure = Measure(ind.measure)
            values = select(DataValueRow.site_id, DataValueRow.period).where(
                DataValueRow.indicator_id == ind.id
            )
            if approved_only:
                values = values.where(DataValueRow.status == "approved")
            # One GROUP BY over this indicator's values: Σ per site and period.
            sums: dict[tuple[int, str], tuple[float | None, float | None, float | None]] = {}
            for site_id, period, total, num, den in session.execute(
                values.add_columns(
                    func.sum(DataValueRow.value),
                    func.sum(DataValueRow.numerator),
                    func.sum(DataValueRow.denominator),
                ).group_by(DataValueRow.period, DataValueRow.site_id)  # the order of ix_data_value_iptt
            ):
                sums[(site_id, period)] = (total, num, den)
            texts: dict[tuple[int, str], list[str]] = defaultdict(list)
            if measure is Measure.QUALITATIVE:
                for site_id, period, text in session.execute(
                    values.add_columns(DataValueRow.text).where(DataValueRow.text.is_not(None))
                ):
                    texts[(site_id, period)].append(text)
            targets = {
                (site_id, period): value
                for site_id, period, value in session.execute(
                    select(TargetRow.site_id, TargetRow.period, TargetRow.value).where(
                        TargetRow.indicator_id == ind.id, TargetRow.site_id.is_not(None)
                    )
                )
            }
            tree = site_tree(session, programme.id)
            parents = {s.parent_code for s in tree if s.parent_code}
            with_values = {site_id for site_id, _ in sums} | {site_id for site_id, _ in texts}
            spec = IndicatorSpec(
                measure, Direction(ind.direction), Cumulation(ind.cumulation), ind.baseline_value
            )
            thresholds = thresholds_of(programme)
            result_code = session.scalar(select(ResultRow.code).where(ResultRow.id == ind.result_id)) or ""
            out = []
            for site in tree:
                if site.code in parents and site.id not in with_values:
                    continue
                inputs: dict[str, PeriodInput] = {}
                for code in codes:
                    agg = sums.get((site.id, code))
                    target = targets.get((site.id, code))
                    text = texts.get((site.id, code), ())
                    if agg is None and target is None and not text:
                        continue
                    total, num, den = agg if agg else (None, None, None)
                    inputs[code] = PeriodInput(total, num, den, tuple(text), target)
                figures = compute_indicator(spec, codes, inputs, as_of, thresholds)
                row = IpttRow(
                    ind.id,
                    ind.code,
                    ind.name,
                    ind.result_id,
                    result_code,
                    measure,
                    spec.direction,
                    spec.cumulation,
                    ind.unit,
                    ind.baseline_value,
                    figures,
                )
                out.append((site, row))
            return out


@dataclass(frozen=True, slots=True)
class _Programme:
    """What the IPTT needs of its programme."""

    id: int
    code: str
    name: str
    periods: list[Period]
    thresholds: Thresholds


def _programme(session: Session, code: str) -> _Programme:
    """The programme with this code, read with two plain statements on the driver's cursor (in the
    session's transaction): on every IPTT, the ORM's row and its custom periods cost more than the
    value summary's answer. The periods are the domain's (reporting_periods), as everywhere."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    row = driver.execute(
        'SELECT id, code, name, frequency, start, "end", fiscal_year_start_month, threshold_exceeding, '
        "threshold_on_track, threshold_at_risk FROM programme WHERE code = ?",
        (code,),
    ).fetchone()
    if row is None:
        programme_by_code(session, code)  # raises NotFoundError, with its "did you mean"
        raise AssertionError("unreachable")
    pid, code, name, frequency, start, end, fiscal_month, exceeding, on_track, at_risk = row
    custom = [
        CustomPeriod(c, date.fromisoformat(s), date.fromisoformat(e))
        for c, s, e in driver.execute(
            'SELECT code, start, "end" FROM custom_period WHERE programme_id = ?', (pid,)
        )
    ]
    periods = reporting_periods(
        Frequency(frequency), date.fromisoformat(start), date.fromisoformat(end), fiscal_month, custom
    )
    return _Programme(pid, code, name, periods, Thresholds(exceeding, on_track, at_risk))


def _framework_order(session: Session, programme_id: int) -> list[ResultInfo]:
    # One plain statement on the driver's cursor, in the session's transaction: read on every
    # IPTT, where two ORM reads cost more than the results themselves. A tier of another
    # programme is no tier ("").
    driver = session.connection().connection.driver_connection
    assert driver is not None
    rows: list[tuple[int, str, str, str, int | None]] = driver.execute(
        "SELECT result.id, result.code, result.title, coalesce(tier.name, ''), result.parent_id "
        "FROM result LEFT JOIN tier ON tier.id = result.tier_id AND tier.programme_id = ? "
        "WHERE result.programme_id = ? ORDER BY result.sort_order, result.id",
        (programme_id, programme_id),
    ).fetchall()
    children: dict[int | None, list[tuple[int, str, str, str, int | None]]] = defaultdict(list)
    ids = {r[0] for r in rows}
    for r in rows:
        children[r[4] if r[4] in ids else None].append(r)
    ordered: list[ResultInfo] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for result_id, code, title, tier, parent_id in children.get(parent, ()):
            if result_id in seen:
                continue
            seen.add(result_id)
            ordered.append(ResultInfo(result_id, code, title, tier, parent_id, depth))
            walk(result_id, depth + 1)

    walk(None, 0)
    return ordered


# A subtree holding at most this share of the programme's sites is summed from its own rows,
# found through ix_data_value_site_period; a larger one, like the whole programme, from
# ix_data_value_iptt (tests/benchmarks/bench_core.py, part c).
SMALL_SUBTREE_SHARE = 0.2


def _aggregate(
    session: Session, programme_id: int, site_ids: list[int] | None, approved_only: bool
) -> tuple[
    dict[tuple[int, str], tuple[float | None, float | None, float | None]],
    dict[tuple[int, str], int],
]:
    """Σvalue, Σnumerator, Σdenominator and the number of sites with values, per indicator and
    period: one GROUP BY over the values.

    The filter decides which index SQLite walks, so it is chosen for speed; rows of another
    programme's indicators are dropped here whatever it is.
    """
    indicator_ids = select(IndicatorRow.id).where(IndicatorRow.programme_id == programme_id)
    stmt = select(
        DataValueRow.indicator_id,
        DataValueRow.period,
        func.sum(DataValueRow.value),
        func.sum(DataValueRow.numerator),
        func.sum(DataValueRow.denominator),
        # site_id is in ix_data_value_iptt, after the GROUP BY columns: counted from the index.
        func.count(DataValueRow.site_id.distinct()),
    ).group_by(DataValueRow.indicator_id, DataValueRow.period)
    by_indicator = DataValueRow.indicator_id.in_(indicator_ids.scalar_subquery())
    if site_ids is None:
        others = session.scalar(
            select(IndicatorRow.id).where(IndicatorRow.programme_id != programme_id).limit(1)
        )
        # Alone in its file, the programme is summed by a plain scan of the index, 10 % faster
        # than seeking each of its indicators in it.
        filtered = others is not None
    else:
        site_count = session.scalar(
            select(func.count()).select_from(SiteRow).where(SiteRow.programme_id == programme_id)
        )
        stmt = stmt.where(DataValueRow.site_id.in_(site_ids))
        # Given the indicators too, SQLite walks ix_data_value_iptt rather than fetching most of
        # the programme's rows one by one through the site index.
        filtered = len(site_ids) > SMALL_SUBTREE_SHARE * (site_count or 0)
    if filtered:
        stmt = stmt.where(by_indicator)
    if approved_only:
        stmt = stmt.where(DataValueRow.status == "approved")
    ours = None if filtered else set(session.scalars(indicator_ids))
    out = {}
    sites: dict[tuple[int, str], int] = defaultdict(int)
    for ind, period, total, num, den, count in session.execute(stmt):
        if ours is not None and ind not in ours:
            continue
        sites[(ind, period)] = count
        if total is None and num is None and den is None:
            continue  # only qualitative texts here
        out[(ind, period)] = (total, num, den)
    return out, sites


def _parent_site_ids(session: Session, programme_id: int) -> set[int]:
    return set(
        session.scalars(
            select(SiteRow.parent_id)
            .distinct()
            .where(SiteRow.programme_id == programme_id, SiteRow.parent_id.is_not(None))
        )
    )


def _sites_expected(session: Session, programme_id: int, site_ids: list[int] | None) -> int:
    """The sites expected to report: those with no site below them (as on the Completeness screen)."""
    if site_ids is None:
        # One count on the driver's cursor, in the session's transaction (read on every IPTT).
        driver = session.connection().connection.driver_connection
        assert driver is not None
        row = driver.execute(
            "SELECT count(*) FROM site WHERE programme_id = ? AND id NOT IN "
            "(SELECT parent_id FROM site WHERE programme_id = ? AND parent_id IS NOT NULL)",
            (programme_id, programme_id),
        ).fetchone()
        return int(row[0])
    parents = _parent_site_ids(session, programme_id)
    return sum(1 for site_id in site_ids if site_id not in parents)


def _reports_on_parents(
    session: Session, programme_id: int, site_ids: list[int] | None, approved_only: bool
) -> dict[tuple[int, str], int]:
    """Sites with sites below them that hold values, per indicator and period: few, and found
    through ix_data_value_site_period (given the indicators too, SQLite seeks each indicator
    instead: 90 ms rather than 0 on a million values). The sites are the programme's own."""
    parents = _parent_site_ids(session, programme_id)
    if site_ids is not None:
        parents &= set(site_ids)
    if not parents:
        return {}
    stmt = (
        select(DataValueRow.indicator_id, DataValueRow.period, func.count(DataValueRow.site_id.distinct()))
        .where(DataValueRow.site_id.in_(parents))
        .group_by(DataValueRow.indicator_id, DataValueRow.period)
    )
    if approved_only:
        stmt = stmt.where(DataValueRow.status == "approved")
    return {(ind, period): count for ind, period, count in session.execute(stmt)}


def _texts(
    session: Session, qualitative: list[int], site_ids: list[int] | None, approved_only: bool
) -> dict[tuple[int, str], list[str]]:
    """The texts of the qualitative indicators `qualitative` (ids), per indicator and period."""
    if not qualitative:
        return {}
    stmt = (
        select(DataValueRow.indicator_id, DataValueRow.period, SiteRow.name, DataValueRow.text)
        .join(SiteRow, SiteRow.id == DataValueRow.site_id)
        .where(DataValueRow.indicator_id.in_(qualitative), DataValueRow.text.is_not(None))
        .order_by(SiteRow.name)
    )
    if site_ids is not None:
        stmt = stmt.where(DataValueRow.site_id.in_(site_ids))
    if approved_only:
        stmt = stmt.where(DataValueRow.status == "approved")
    out: dict[tuple[int, str], list[str]] = defaultdict(list)
    single_site = site_ids is not None and len(site_ids) == 1
    for ind, period, site_name, text in session.execute(stmt):
        if text is not None:
            out[(ind, period)].append(text if single_site else f"{site_name}: {text}")
    return out


def _targets(
    session: Session,
    programme_id: int,
    percent: set[int],
    site: SiteRow | None,
    site_ids: list[int] | None,
) -> dict[tuple[int, str], float]:
    # The programme's indicators as a subquery, and the table's columns rather than the ORM's: a
    # list of 150 ids and ORM rows cost more than reading the 3,000 targets.
    if site is None or site_ids is None:
        # On the driver's cursor, in the session's transaction, as the value summary is read.
        driver = session.connection().connection.driver_connection
        assert driver is not None
        rows = driver.execute(
            "SELECT indicator_id, period, value FROM target WHERE site_id IS NULL "
            "AND indicator_id IN (SELECT id FROM indicator WHERE programme_id = ?)",
            (programme_id,),
        )
        return {(i, p): v for i, p, v in rows}
    # A subtree's target is the sum of the site targets in it; a percentage does not add up, so
    # a percent indicator only has a target where one is set on the chosen site itself (`percent`).
    ids = select(IndicatorRow.id).where(IndicatorRow.programme_id == programme_id).scalar_subquery()
    target = TargetRow.__table__.c
    out: dict[tuple[int, str], float] = {}
    site_rows = session.execute(
        select(target.indicator_id, target.period, target.site_id, target.value).where(
            and_(target.indicator_id.in_(ids), target.site_id.in_(site_ids))
        )
    )
    for ind, period, site_id, value in site_rows:
        if ind in percent:
            if site_id == site.id:
                out[(ind, period)] = value
            continue
        out[(ind, period)] = out.get((ind, period), 0.0) + value
    return out

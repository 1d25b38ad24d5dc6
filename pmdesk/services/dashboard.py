# SPDX-License-Identifier: GPL-3.0-or-later
"""A programme's dashboard as of a period (issue #10 §1): indicators counted by status (partly
reported ones counted as such), each indicator's target and actual over the periods, % met by
result, one indicator across sites, the reporting rate per period (values present, as the IPTT
counts them, beside reports submitted or approved), open alerts and overdue actions. Every figure
comes from the services that own it (the IPTT, Completeness, alerts, actions): nothing here
computes an actual or a status of its own."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from pmdesk.domain.enums import Direction, Measure, Status
from pmdesk.domain.iptt import PeriodFigures, Thresholds, status_of
from pmdesk.domain.iptt_table import IpttRow, IpttTable
from pmdesk.domain.periods import Period
from pmdesk.services.actions import ActionFilter, ActionInfo, ActionService
from pmdesk.services.alert_records import AlertInfo
from pmdesk.services.alerts import AlertService
from pmdesk.services.completeness import Completeness, CompletenessService, ReportState
from pmdesk.services.iptt import IpttService
from pmdesk.services.programmes import ProgrammeService

#: The order statuses are counted and shown in: from best to worst, then those without a figure.
STATUS_ORDER = (
    Status.EXCEEDING,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.NO_DATA,
    Status.NO_TARGET,
)
MET = (Status.EXCEEDING, Status.ON_TRACK)


@dataclass(frozen=True)
class StatusTally:
    """Indicators with one status as of the dashboard's period; `partial` of them rest on a
    partly reported period (DESIGN.md §3a)."""

    status: Status
    count: int
    partial: int
    indicator_codes: tuple[str, ...]


@dataclass(frozen=True)
class IndicatorTrend:
    """One indicator's row of the IPTT as the dashboard shows it."""

    code: str
    name: str
    result_code: str
    measure: Measure
    unit: str
    status: Status
    is_partial: bool  # its to-date figures rest on a partly reported period
    pct_met: float | None  # to date
    periods: tuple[PeriodFigures, ...]  # up to the as-of, in order

    @property
    def is_percent(self) -> bool:
        return self.measure is Measure.PERCENT

    @property
    def is_qualitative(self) -> bool:
        return self.measure is Measure.QUALITATIVE


@dataclass(frozen=True)
class ResultAchievement:
    """A result of the framework and its own indicators (not those of the results below it):
    the mean of their % met to date, the band that mean falls in, and how many are met."""

    result_code: str
    title: str
    tier: str
    depth: int
    pct_met: float | None  # None: none of its indicators has a % met
    status: Status  # the band of `pct_met` (NO_DATA without one)
    rated: int  # indicators with a % met
    met: int  # of which on track or exceeding
    partial: int  # of which rest on a partly reported period
    indicator_codes: tuple[str, ...]  # every indicator of the result with a figure or not


@dataclass(frozen=True)
class SiteFigure:
    site_code: str
    site_name: str
    depth: int
    actual: float | None  # to date
    target: float | None  # the site's own target to date
    pct_met: float | None
    status: Status
    is_partial: bool


@dataclass(frozen=True)
class SiteComparison:
    """One indicator's to-date figures for each reporting site, from IpttService.by_site."""

    indicator_code: str
    indicator_name: str
    measure: Measure
    as_of: str | None
    sites: tuple[SiteFigure, ...]

    @property
    def is_percent(self) -> bool:
        return self.measure is Measure.PERCENT


@dataclass(frozen=True)
class PeriodRate:
    """How far a period is reported, in the two senses a user meets: values present, the rule the
    IPTT uses for its complete periods (DESIGN.md §3a: a value from every site expected to report,
    whatever its status), and reports submitted or approved, as the Completeness screen counts
    them. The two are shown side by side so that they never contradict each other silently."""

    period: str
    label: str
    rate: float | None  # % of the expected values present; None when no site is expected to report
    reported: int  # values present: Σ over the period's indicators with values of their sites with one
    expected: int  # Σ over the same indicators of the sites expected to report
    indicators: int  # indicators (not qualitative) with values in the period
    complete: int  # of which every site expected to report has a value
    submitted_rate: float | None  # % of reporting sites whose report is submitted or approved
    submitted: int  # reporting sites whose report is submitted or approved
    sites: int  # reporting sites

    @property
    def is_partial(self) -> bool:
        """Some indicator is partly reported: not a complete period for the IPTT."""
        return self.complete < self.indicators


@dataclass(frozen=True)
class Dashboard:
    programme_code: str
    programme_name: str
    as_of: str | None  # None: no data yet
    default_as_of: str | None  # the latest complete period
    periods: tuple[Period, ...]  # every reporting period of the programme, for the as-of picker
    partial_periods: dict[str, int]  # period → the most sites a partly reported indicator has
    sites_expected: int
    thresholds: Thresholds
    statuses: tuple[StatusTally, ...]  # in STATUS_ORDER, zeros included
    qualitative: int  # qualitative indicators: no status, not counted above
    indicators: tuple[IndicatorTrend, ...]  # framework order
    results: tuple[ResultAchievement, ...]  # framework order; results with indicators only
    sites: SiteComparison | None  # for `focus`
    focus: str | None  # the indicator the trend and sites charts show first
    reporting: tuple[PeriodRate, ...]  # the periods up to the as-of
    alerts: tuple[AlertInfo, ...]  # open, as AlertService lists them (holding first, newest first)
    overdue: tuple[ActionInfo, ...]  # open or in progress, due before `today`
    today: date

    def indicator(self, code: str) -> IndicatorTrend | None:
        return next((i for i in self.indicators if i.code == code), None)

    def period_label(self, code: str | None) -> str:
        return next((p.label() for p in self.periods if p.code == code), code or "")


class DashboardService:
    """Reads a dashboard from the services that own its figures (each in its own transaction)."""

    def __init__(
        self,
        iptt: IpttService,
        completeness: CompletenessService,
        alerts: AlertService,
        actions: ActionService,
        programmes: ProgrammeService,
    ) -> None:
        self._iptt = iptt
        self._completeness = completeness
        self._alerts = alerts
        self._actions = actions
        self._programmes = programmes

    def overview(
        self,
        programme_code: str,
        as_of: str | None = None,
        indicator_code: str | None = None,
        today: date | None = None,
    ) -> Dashboard:
        """The dashboard as of `as_of` (default: the latest complete period, as the IPTT).

        `indicator_code` picks the indicator whose trend and sites are shown; by default (or when
        the programme no longer has it: the choice of a screen that was open while it was
        deleted) the first one off track, else at risk, else the first with figures.
        NotFoundError for an unknown programme or period.
        """
        today = today or date.today()
        table = self._iptt.table(programme_code, as_of)
        periods = tuple(self._programmes.periods(programme_code))
        indicators = tuple(_trend(row) for row in table.rows)
        known = {i.code for i in indicators if not i.is_qualitative}
        focus = indicator_code if indicator_code in known else _default_focus(indicators)
        sites = self.site_comparison(programme_code, focus, table.as_of) if focus else None
        completeness = self._completeness.overview(programme_code)
        reporting = tuple(_period_rate(table, completeness, p) for p in table.periods)
        return Dashboard(
            table.programme_code,
            table.programme_name,
            table.as_of,
            table.default_as_of,
            periods,
            dict(table.partial_periods),
            table.sites_expected,
            table.thresholds,
            _tallies(indicators),
            sum(1 for i in indicators if i.is_qualitative),
            indicators,
            _results(table, indicators),
            sites,
            focus,
            reporting,
            tuple(self._alerts.list(programme_code, "open")),
            tuple(self._actions.list(ActionFilter(programme_code=programme_code, overdue_as_of=today))),
            today,
        )

    def site_comparison(
        self, programme_code: str, indicator_code: str, as_of: str | None = None
    ) -> SiteComparison:
        """One indicator across its reporting sites as of a period (IpttService.by_site)."""
        rows = self._iptt.by_site(programme_code, indicator_code, as_of)
        name, measure = indicator_code, Measure.NUMBER
        figures = []
        for site, row in rows:
            name, measure = row.name, row.measure
            to_date = row.figures.to_date
            figures.append(
                SiteFigure(
                    site.code,
                    site.name,
                    site.depth,
                    to_date.actual,
                    to_date.target,
                    to_date.pct_met,
                    to_date.status,
                    to_date.partial,
                )
            )
        if not rows:
            row_info = self._iptt_row(programme_code, indicator_code, as_of)
            if row_info is not None:
                name, measure = row_info.name, row_info.measure
        return SiteComparison(indicator_code, name, measure, as_of, tuple(figures))

    def _iptt_row(self, programme_code: str, indicator_code: str, as_of: str | None) -> IpttRow | None:
        table = self._iptt.table(programme_code, as_of)
        return next((r for r in table.rows if r.code == indicator_code), None)


def _trend(row: IpttRow) -> IndicatorTrend:
    to_date = row.figures.to_date
    return IndicatorTrend(
        row.code,
        row.name,
        row.result_code,
        row.measure,
        row.unit,
        to_date.status,
        to_date.partial,
        to_date.pct_met,
        row.figures.periods,
    )


def _default_focus(indicators: tuple[IndicatorTrend, ...]) -> str | None:
    figured = [i for i in indicators if not i.is_qualitative]
    for status in (Status.OFF_TRACK, Status.AT_RISK):
        found = next((i for i in figured if i.status is status), None)
        if found is not None:
            return found.code
    with_data = next((i for i in figured if any(p.actual is not None for p in i.periods)), None)
    if with_data is not None:
        return with_data.code
    return figured[0].code if figured else (indicators[0].code if indicators else None)


def _tallies(indicators: tuple[IndicatorTrend, ...]) -> tuple[StatusTally, ...]:
    codes: dict[Status, list[str]] = defaultdict(list)
    partial: dict[Status, int] = defaultdict(int)
    for i in indicators:
        if i.is_qualitative:
            continue
        codes[i.status].append(i.code)
        if i.is_partial:
            partial[i.status] += 1
    return tuple(StatusTally(s, len(codes[s]), partial[s], tuple(codes[s])) for s in STATUS_ORDER)


def _results(table: IpttTable, indicators: tuple[IndicatorTrend, ...]) -> tuple[ResultAchievement, ...]:
    by_code = {i.code: i for i in indicators}
    out = []
    for result in table.results:
        own = [by_code[r.code] for r in table.rows_of(result.id) if r.code in by_code]
        own = [i for i in own if not i.is_qualitative]
        if not own:
            continue
        rated = [i for i in own if i.pct_met is not None]
        mean = sum(i.pct_met for i in rated if i.pct_met is not None) / len(rated) if rated else None
        # The band of the mean, by the programme's thresholds: as if it were one indicator's % met.
        band = (
            status_of(mean, 100.0, Direction.INCREASE, table.thresholds)
            if mean is not None
            else Status.NO_DATA
        )
        out.append(
            ResultAchievement(
                result.code,
                result.title,
                result.tier,
                result.depth,
                mean,
                band,
                len(rated),
                sum(1 for i in rated if i.status in MET),
                sum(1 for i in rated if i.is_partial),
                tuple(i.code for i in own),
            )
        )
    return tuple(out)


def _period_rate(table: IpttTable, completeness: Completeness, period: Period) -> PeriodRate:
    """A period's values present, from the IPTT's figures (its reporting counts read from the value
    summary: nothing recounted), beside its reports submitted or approved, from Completeness."""
    share = table.reporting(period.code)
    rate = share.rate
    if rate is None and table.sites_expected:
        rate = 0.0  # sites are expected and none reported anything
    submitted = sum(
        1
        for s in completeness.sites
        if completeness.cell(s.code, period.code).state in (ReportState.SUBMITTED, ReportState.APPROVED)
    )
    return PeriodRate(
        period.code,
        period.label(),
        rate,
        share.reported,
        share.expected,
        share.indicators,
        share.complete,
        completeness.reporting_rate(period.code),
        submitted,
        len(completeness.sites),
    )

# SPDX-License-Identifier: GPL-3.0-or-later
"""DashboardService: the figures of the Dashboard, read from the IPTT, Completeness, alerts and
actions services on a temporary database (no Qt)."""

from __future__ import annotations

from datetime import date

import pytest

from pmdesk.domain.enums import Measure, Status
from pmdesk.domain.errors import NotFoundError
from pmdesk.services.actions import ActionData, ActionService
from pmdesk.services.actor import Actor
from pmdesk.services.alerts import AlertService
from pmdesk.services.completeness import CompletenessService
from pmdesk.services.dashboard import STATUS_ORDER, DashboardService
from pmdesk.storage.database import Database
from tests.unit import loop_builders
from tests.unit.builders import Services, small_programme

P = "WASH-01"
F, M = {"SEX": "F"}, {"SEX": "M"}


@pytest.fixture
def s(db: Database) -> Services:
    """Q1 reported by both schools (submitted), Q2 by Kibera only (draft), for 1.1:
    Q1 85 of 100 (on track), Q2 50 more of 100 (as of Q2: 135 of 200, off track, partial);
    2.1 in Q1 (3 + 1) / (4 + 4) = 50 % of 60 % (at risk)."""
    s = small_programme(db)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=40)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", M, value=35)
    s.entry.set_value(P, "1.1", "2025Q1", "N02", F, value=10)
    s.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=3, denominator=4)
    s.entry.set_value(P, "2.1", "2025Q1", "N02", numerator=1, denominator=4)
    s.entry.set_value(P, "1.1", "2025Q2", "N01", F, value=50)
    s.entry.set_value(P, "3.1", "2025Q1", "N01", text="A new tap")
    s.entry.submit(P, "N01", "2025Q1", unexplained_confirmed="tester")
    s.entry.submit(P, "N02", "2025Q1", unexplained_confirmed="tester")
    return s


@pytest.fixture
def dashboard(db: Database, s: Services) -> DashboardService:
    actor = Actor(db.actor, db.device_uuid)
    return DashboardService(
        s.iptt,
        CompletenessService(db.sessions),
        AlertService(db.sessions, actor),
        ActionService(db.sessions, actor),
        s.programmes,
    )


def tally(board: object, status: Status) -> tuple[int, int, tuple[str, ...]]:
    found = next(t for t in board.statuses if t.status is status)  # type: ignore[attr-defined]
    return found.count, found.partial, found.indicator_codes


def test_as_of_the_latest_complete_period_by_default(dashboard: DashboardService) -> None:
    board = dashboard.overview(P)
    assert board.as_of == board.default_as_of == "2025Q1"
    assert [p.code for p in board.periods] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert board.partial_periods == {"2025Q2": 1}
    assert board.sites_expected == 2
    assert board.period_label("2025Q1") == "2025 Q1"


def test_indicators_counted_by_status_with_qualitative_ones_apart(dashboard: DashboardService) -> None:
    board = dashboard.overview(P, "2025Q1")
    assert [t.status for t in board.statuses] == list(STATUS_ORDER)
    assert tally(board, Status.ON_TRACK) == (1, 0, ("1.1",))
    assert tally(board, Status.AT_RISK) == (1, 0, ("2.1",))
    assert sum(t.count for t in board.statuses) == 2
    assert board.qualitative == 1


def test_a_status_resting_on_a_partly_reported_period_is_counted_as_partial(
    dashboard: DashboardService,
) -> None:
    board = dashboard.overview(P, "2025Q2")
    assert tally(board, Status.OFF_TRACK) == (1, 1, ("1.1",))
    assert tally(board, Status.AT_RISK) == (1, 0, ("2.1",))
    trend = board.indicator("1.1")
    assert trend is not None and trend.is_partial and trend.status is Status.OFF_TRACK


def test_each_indicator_brings_its_target_and_actual_per_period_from_the_iptt(
    dashboard: DashboardService, s: Services
) -> None:
    board = dashboard.overview(P, "2025Q2")
    assert [i.code for i in board.indicators] == [r.code for r in s.iptt.table(P, "2025Q2").rows]
    trend = board.indicator("1.1")
    assert trend is not None
    assert [(p.period, p.target, p.actual, p.is_partial) for p in trend.periods] == [
        ("2025Q1", 100, 85, False),
        ("2025Q2", 100, 50, True),
    ]
    percent = board.indicator("2.1")
    assert percent is not None and percent.is_percent and percent.measure is Measure.PERCENT
    assert percent.periods[0].actual == pytest.approx(50.0)


def test_percent_met_by_result_is_the_mean_of_its_own_indicators(dashboard: DashboardService) -> None:
    board = dashboard.overview(P, "2025Q1")
    assert [r.result_code for r in board.results] == ["O1"]  # G holds only a qualitative indicator
    o1 = board.results[0]
    assert o1.pct_met == pytest.approx((85.0 + 50 / 60 * 100) / 2)
    assert o1.status is Status.AT_RISK  # 84.2 % falls in the 70–85 % band
    assert (o1.rated, o1.met, o1.partial) == (2, 1, 0)
    assert o1.indicator_codes == ("1.1", "2.1")


def test_sites_compared_for_the_worst_indicator_by_default_or_the_one_asked(
    dashboard: DashboardService, s: Services
) -> None:
    board = dashboard.overview(P, "2025Q1")
    assert board.focus == "2.1"  # nothing off track: the first at risk
    assert board.sites is not None
    assert [(f.site_code, f.actual) for f in board.sites.sites] == [("N01", 75.0), ("N02", 25.0)]
    assert board.sites.is_percent
    chosen = dashboard.overview(P, "2025Q1", indicator_code="1.1")
    assert chosen.focus == "1.1" and chosen.sites is not None
    by_site = s.iptt.by_site(P, "1.1", "2025Q1")
    assert [(f.site_code, f.actual) for f in chosen.sites.sites] == [
        (site.code, row.figures.to_date.actual) for site, row in by_site
    ]
    worst = dashboard.overview(P, "2025Q2")
    assert worst.focus == "1.1"  # off track as of Q2


def test_site_comparison_alone(dashboard: DashboardService) -> None:
    comparison = dashboard.site_comparison(P, "1.1", "2025Q2")
    assert comparison.indicator_name == "Pupils reached"
    assert [(f.site_code, f.actual, f.is_partial) for f in comparison.sites] == [
        ("N01", 125.0, False),
        ("N02", 10.0, False),
    ]


def test_reporting_rate_per_period_is_the_iptts_values_present_beside_reports_submitted(
    dashboard: DashboardService,
) -> None:
    board = dashboard.overview(P, "2025Q2")
    rates = [
        (r.period, r.rate, r.reported, r.expected, r.indicators, r.complete, r.is_partial)
        for r in board.reporting
    ]
    assert rates == [
        ("2025Q1", 100.0, 4, 4, 2, 2, False),  # 1.1 and 2.1 from both schools (3.1 is qualitative)
        ("2025Q2", 50.0, 1, 2, 1, 0, True),  # 1.1 from Kibera only: partial, as the IPTT says
    ]
    # Completeness's count, labelled apart: Kibera's Q2 value is a draft, so not in yet.
    submitted = [(r.period, r.submitted_rate, r.submitted, r.sites) for r in board.reporting]
    assert submitted == [("2025Q1", 100.0, 2, 2), ("2025Q2", 0.0, 0, 2)]


def test_draft_values_from_every_site_are_reported_but_not_submitted(db: Database) -> None:
    """The Dashboard and the IPTT agree on what "reported" means: a period where every site has
    values, all of them drafts, is complete (100 % values present, the IPTT's default as-of) and
    0 % submitted or approved, the two said apart."""
    s = small_programme(db, "DRAFTS")
    for site in ("N01", "N02"):
        s.entry.set_value("DRAFTS", "1.1", "2025Q1", site, F, value=10)
        s.entry.set_value("DRAFTS", "2.1", "2025Q1", site, numerator=1, denominator=2)
    actor = Actor(db.actor, db.device_uuid)
    service = DashboardService(
        s.iptt,
        CompletenessService(db.sessions),
        AlertService(db.sessions, actor),
        ActionService(db.sessions, actor),
        s.programmes,
    )
    board = service.overview("DRAFTS")
    assert board.as_of == board.default_as_of == "2025Q1"
    (q1,) = board.reporting
    assert (q1.rate, q1.reported, q1.expected, q1.is_partial) == (100.0, 4, 4, False)
    assert (q1.submitted_rate, q1.submitted, q1.sites) == (0.0, 0, 2)
    assert s.iptt.table("DRAFTS").reporting("2025Q1").is_complete


def test_open_alerts_and_overdue_actions(db: Database, dashboard: DashboardService) -> None:
    assert dashboard.overview(P).alerts == ()
    alert_uuid = loop_builders.alert(db, P, "2.1")
    actions = ActionService(db.sessions, Actor(db.actor, db.device_uuid))
    late = actions.create(P, ActionData("Repair the pumps", due=date(2025, 3, 1)), today=date(2025, 1, 10))
    actions.create(P, ActionData("Train the caretakers", due=date(2025, 9, 1)), today=date(2025, 1, 10))
    actions.create(P, ActionData("No due date"), today=date(2025, 1, 10))
    board = dashboard.overview(P, today=date(2025, 6, 1))
    assert [a.uuid for a in board.alerts] == [alert_uuid]
    assert [a.uuid for a in board.overdue] == [late.uuid]
    assert board.today == date(2025, 6, 1)


def test_unknown_programme_or_period_are_refused_in_words(dashboard: DashboardService) -> None:
    with pytest.raises(NotFoundError, match="NOPE"):
        dashboard.overview("NOPE")
    with pytest.raises(NotFoundError, match="2031Q1"):
        dashboard.overview(P, "2031Q1")
    with pytest.raises(NotFoundError):
        dashboard.site_comparison(P, "9.9")


def test_an_indicator_no_longer_there_or_qualitative_falls_back_to_the_default(
    dashboard: DashboardService,
) -> None:
    assert dashboard.overview(P, "2025Q1", indicator_code="9.9").focus == "2.1"
    assert dashboard.overview(P, "2025Q1", indicator_code="3.1").focus == "2.1"


def test_a_programme_without_data(db: Database) -> None:
    s = small_programme(db, "EMPTY")
    actor = Actor(db.actor, db.device_uuid)
    service = DashboardService(
        s.iptt,
        CompletenessService(db.sessions),
        AlertService(db.sessions, actor),
        ActionService(db.sessions, actor),
        s.programmes,
    )
    board = service.overview("EMPTY")
    assert board.as_of is None
    assert tally(board, Status.NO_DATA)[0] == 2
    assert board.focus == "1.1"
    assert board.reporting  # every period, none reported
    assert all(r.rate == 0.0 for r in board.reporting)

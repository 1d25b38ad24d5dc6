# SPDX-License-Identifier: GPL-3.0-or-later
"""Triggers and alerts on a temporary database (services/alerts.py): one alert per streak, never
duplicated, never deleted; partial periods, gaps, sites; acknowledgement; trigger CRUD; the demo's
seed rule; packages carry triggers there and back."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Connection, event

from pmdesk.domain.errors import ConflictError, NotFoundError, ValidationError
from pmdesk.services import value_summary
from pmdesk.services.actor import Actor
from pmdesk.services.alert_records import AlertInfo, AlertStatus, TriggerData
from pmdesk.services.alerts import AlertService
from pmdesk.services.data_entry import DataEntryService
from pmdesk.services.demo import DEMO_CODE, demo_package
from pmdesk.services.history import HistoryService
from pmdesk.services.packages import PackageService
from pmdesk.services.sites import SiteService
from pmdesk.storage.database import WRITE_OPTION, Database, open_database
from tests.unit.builders import Services, services

P = "WASH-01"
Q1, Q2, Q3, Q4 = "2025Q1", "2025Q2", "2025Q3", "2025Q4"
BELOW_70 = TriggerData("T1", "actual", "<", "70", 2, indicator_code="2.1", response="Rapid review")


@pytest.fixture
def s(db_holds_wash01: None, db: Database) -> Services:
    return services(db)  # db holds small_programme (tests/conftest.py)


@pytest.fixture
def alerts(db: Database) -> AlertService:
    return AlertService(db.sessions, Actor("Amina Yusuf", db.device_uuid))


def percent(s: Services, period: str, **sites: float | None) -> None:
    """Indicator 2.1 at each named site (N01, N02): that percentage of 100 respondents; None clears it."""
    for site, share in sites.items():
        if share is None:
            s.entry.clear_value(P, "2.1", period, site)
        else:
            s.entry.set_value(P, "2.1", period, site, numerator=share, denominator=100)


def both(s: Services, period: str, share: float) -> None:
    percent(s, period, N01=share, N02=share)


def only(alerts: AlertService, status: str = "all") -> AlertInfo:
    (alert,) = alerts.list(P, status)
    return alert


# -- streaks ----------------------------------------------------------------------------------------


def test_a_streak_raises_one_open_alert_with_its_periods_and_figures(
    s: Services, alerts: AlertService
) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    both(s, Q2, 60)
    summary = alerts.evaluate(P)
    assert (summary.triggers, summary.raised, summary.open_alerts) == (1, 1, 1)
    alert = only(alerts)
    assert (alert.trigger_code, alert.indicator_code, alert.site_code) == ("T1", "2.1", None)
    assert alert.periods == (Q1, Q2)
    assert alert.period_labels == ("2025 Q1", "2025 Q2")
    assert alert.figures == ("65 %", "60 %")
    assert alert.status is AlertStatus.OPEN and alert.holds
    assert alert.indicator_name == "Schools with safe water"
    assert "Actual < 70 for 2 consecutive periods" in alert.message and "Rapid review" in alert.message


def test_a_single_dip_raises_nothing(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 80)
    both(s, Q2, 60)
    both(s, Q3, 75)
    assert alerts.evaluate(P).raised == 0
    assert alerts.list(P) == ()


def test_re_evaluation_never_duplicates_an_alert(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    both(s, Q2, 60)
    alerts.evaluate(P)
    again = alerts.evaluate(P)
    assert not again.changed and again.raised == 0
    assert len(alerts.list(P)) == 1


def test_an_evaluation_writes_only_when_an_alert_changes(
    s: Services, alerts: AlertService, db: Database
) -> None:
    """It runs after every change of data and at start: finding what the last one found, it reads
    and takes no write lock (so it runs beside an import holding it, and on a read-only file)."""
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    both(s, Q2, 60)
    # The value summary takes in the edits first, in a write of its own (the first read would).
    value_summary.refresh_if_needed(db.sessions)
    writes: list[str] = []

    def count(connection: Connection) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            writes.append("write")

    event.listen(db.engine, "begin", count)
    assert alerts.evaluate(P).raised == 1
    assert len(writes) == 1
    history = HistoryService(db.sessions)
    history_before = len(history.for_entity(only(alerts).uuid))

    again = alerts.evaluate(P)
    assert (again.changed, again.open_alerts) == (False, 1)
    assert len(writes) == 1
    assert len(history.for_entity(only(alerts).uuid)) == history_before

    other = sqlite3.connect(db.path, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another tool holds the write lock
    try:
        started = time.monotonic()
        assert not alerts.evaluate(P).changed
        assert time.monotonic() - started < 2  # not waiting for the lock (busy timeout 5 s)
    finally:
        other.rollback()
        other.close()
    assert len(writes) == 1

    # An alert whose message alone changes (the trigger's response edited) is written.
    alerts.save_trigger(P, replace(BELOW_70, response="Call the team"), "T1")
    writes.clear()
    assert not alerts.evaluate(P).changed
    assert len(writes) == 1 and "Call the team" in only(alerts).message
    both(s, Q3, 55)
    value_summary.refresh_if_needed(db.sessions)
    writes.clear()
    assert alerts.evaluate(P).extended == 1
    assert len(writes) == 1


def test_a_longer_streak_is_the_same_alert(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    both(s, Q2, 60)
    alerts.evaluate(P)
    first = only(alerts)
    both(s, Q3, 55)
    summary = alerts.evaluate(P)
    assert (summary.raised, summary.extended) == (0, 1)
    longer = only(alerts)
    assert longer.uuid == first.uuid
    assert longer.periods == (Q1, Q2, Q3)


def test_a_streak_grown_backwards_keeps_its_alert(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 80)
    both(s, Q2, 65)
    both(s, Q3, 60)
    alerts.evaluate(P)
    first = only(alerts)
    both(s, Q1, 50)  # corrected: Q1 was below too
    alerts.evaluate(P)
    assert only(alerts).uuid == first.uuid
    assert only(alerts).periods == (Q1, Q2, Q3)


def test_a_gap_in_data_neither_breaks_nor_extends(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    both(s, Q3, 60)  # nobody reported Q2
    alerts.evaluate(P)
    assert only(alerts).periods == (Q1, Q3)


def test_a_partial_period_counts_only_once_complete(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    percent(s, Q2, N01=60)  # N02 has not reported yet
    assert alerts.evaluate(P).raised == 0
    percent(s, Q2, N02=62)
    assert alerts.evaluate(P).raised == 1
    assert only(alerts).periods == (Q1, Q2)


def test_a_partial_period_does_not_break_a_streak_either(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    percent(s, Q2, N01=95)  # one school's good news is not the programme's figure
    both(s, Q3, 60)
    alerts.evaluate(P)
    assert only(alerts).periods == (Q1, Q3)


def test_per_site_scope_raises_for_each_site_on_its_own(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, TriggerData("T2", "actual", "<", 70, 2, scope="site", indicator_code="2.1"))
    percent(s, Q1, N01=50, N02=90)
    percent(s, Q2, N01=55, N02=88)
    # The programme total (70 % and 71.5 %) is not below 70: only the site scope sees N01.
    summary = alerts.evaluate(P)
    assert summary.raised == 1
    alert = only(alerts)
    assert (alert.site_code, alert.site_name, alert.periods) == ("N01", "Kibera school", (Q1, Q2))
    assert "at Kibera school" in alert.message
    # A site reporting alone is complete for itself: N02 dipping in Q3 while N01 is silent.
    percent(s, Q3, N02=40)
    percent(s, Q4, N02=30)
    alerts.evaluate(P)
    assert {(a.site_code, a.periods) for a in alerts.list(P)} == {("N01", (Q1, Q2)), ("N02", (Q3, Q4))}


def test_editing_values_that_break_a_streak_keeps_the_alert_marked(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    both(s, Q2, 60)
    alerts.evaluate(P)
    alert = only(alerts)
    alerts.acknowledge(alert.uuid, "Rapid review planned")
    both(s, Q2, 90)  # a typing error corrected: the streak never was
    summary = alerts.evaluate(P)
    assert summary.no_longer_holding == 1
    kept = only(alerts)
    assert kept.uuid == alert.uuid and not kept.holds
    assert kept.status is AlertStatus.ACKNOWLEDGED and kept.acknowledgement == "Rapid review planned"
    assert alerts.evaluate(P).changed is False
    both(s, Q2, 60)  # and back again
    assert alerts.evaluate(P).holding_again == 1
    assert only(alerts).holds and only(alerts).uuid == alert.uuid


def test_acknowledged_alerts_stay_with_who_when_and_note(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    both(s, Q2, 60)
    alerts.evaluate(P)
    done = alerts.acknowledge(only(alerts).uuid, "  Review on 12 May  ")
    assert done.status is AlertStatus.ACKNOWLEDGED
    assert (done.acknowledged_by, done.acknowledgement) == ("Amina Yusuf", "Review on 12 May")
    assert done.acknowledged_at is not None
    assert alerts.list(P, "open") == ()
    assert only(alerts, "acknowledged").uuid == done.uuid
    both(s, Q3, 50)
    assert alerts.evaluate(P).extended == 1
    assert only(alerts).status is AlertStatus.ACKNOWLEDGED  # a longer streak is still the same alert
    assert alerts.evaluate(P).open_alerts == 0
    with pytest.raises(ConflictError, match="already acknowledged by Amina Yusuf"):
        alerts.acknowledge(done.uuid, "again")


def test_acknowledging_needs_a_note_and_an_alert(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    both(s, Q2, 60)
    alerts.evaluate(P)
    with pytest.raises(ValidationError, match="note"):
        alerts.acknowledge(only(alerts).uuid, "   ")
    assert only(alerts).is_open
    with pytest.raises(NotFoundError):
        alerts.acknowledge("no-such-uuid", "note")
    with pytest.raises(ValidationError, match="status"):
        alerts.list(P, "closed")


def test_open_alerts_are_listed_first(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, TriggerData("T1", "actual", "<", 70, 1, indicator_code="2.1"))
    both(s, Q1, 65)
    both(s, Q2, 80)
    both(s, Q3, 60)
    alerts.evaluate(P)
    older = next(a for a in alerts.list(P) if a.periods == (Q1,))
    alerts.acknowledge(older.uuid, "seen")
    assert [a.periods for a in alerts.list(P)] == [(Q3,), (Q1,)]


# -- the same semantics as a table of scenarios ---------------------------------------------------

# Steps: (period, N01 %, N02 %) sets (None clears, "-" leaves that site alone), "eval" evaluates,
# "ack" acknowledges every open alert. Expected after a last evaluation: (periods, holds, status).
Step = tuple[str, float | str | None, float | str | None] | str
SCENARIOS: list[tuple[str, list[Step], set[tuple[tuple[str, ...], bool, str]]]] = [
    ("two below raise one alert", [(Q1, 65, 65), (Q2, 60, 60)], {((Q1, Q2), True, "open")}),
    ("a single dip raises none", [(Q1, 65, 65), (Q2, 80, 80), (Q3, 60, 60)], set()),
    (
        "evaluating again never duplicates",
        [(Q1, 65, 65), (Q2, 60, 60), "eval", "eval"],
        {((Q1, Q2), True, "open")},
    ),
    (
        "a longer streak is the same alert",
        [(Q1, 65, 65), (Q2, 60, 60), "eval", (Q3, 50, 50)],
        {((Q1, Q2, Q3), True, "open")},
    ),
    ("a quarter nobody reported is skipped", [(Q1, 65, 65), (Q3, 60, 60)], {((Q1, Q3), True, "open")}),
    (
        "a value cleared makes a gap, not a break",
        [(Q1, 65, 65), (Q2, 60, 60), (Q3, 60, 60), "eval", (Q2, None, None)],
        {((Q1, Q3), True, "open")},
    ),
    ("a partly reported quarter does not count", [(Q1, 65, 65), (Q2, 60, "-")], set()),
    (
        "once complete it counts",
        [(Q1, 65, 65), (Q2, 60, "-"), "eval", (Q2, "-", 60)],
        {((Q1, Q2), True, "open")},
    ),
    (
        "a corrected value breaks the streak; the alert stays",
        [(Q1, 65, 65), (Q2, 60, 60), "eval", (Q2, 90, 90)],
        {((Q1, Q2), False, "open")},
    ),
    (
        "an acknowledged alert stays acknowledged when its streak breaks",
        [(Q1, 65, 65), (Q2, 60, 60), "eval", "ack", (Q2, 90, 90)],
        {((Q1, Q2), False, "acknowledged")},
    ),
    (
        "a new streak after a break is a new alert",
        [(Q1, 65, 65), (Q2, 60, 60), "eval", (Q2, 90, 90), (Q3, 60, 60), (Q4, 50, 50)],
        {((Q1, Q2), False, "open"), ((Q3, Q4), True, "open")},
    ),
]


@pytest.mark.parametrize(("name", "steps", "expected"), SCENARIOS, ids=[c[0] for c in SCENARIOS])
def test_scenarios(
    s: Services,
    alerts: AlertService,
    name: str,
    steps: list[Step],
    expected: set[tuple[tuple[str, ...], bool, str]],
) -> None:
    alerts.save_trigger(P, BELOW_70)
    for step in steps:
        if step == "eval":
            alerts.evaluate(P)
        elif step == "ack":
            for alert in alerts.list(P, "open"):
                alerts.acknowledge(alert.uuid, "seen")
        else:
            assert isinstance(step, tuple)
            period, n01, n02 = step
            percent(s, period, **{site: v for site, v in (("N01", n01), ("N02", n02)) if v != "-"})  # type: ignore[arg-type]
    alerts.evaluate(P)
    assert {(a.periods, a.holds, a.status.value) for a in alerts.list(P)} == expected
    assert len(alerts.list(P)) == len(expected)  # one alert per streak, never two


# -- metrics and subjects ---------------------------------------------------------------------------


def test_status_metric_uses_the_period_band(s: Services, alerts: AlertService) -> None:
    # 1.1 has targets 100, 100, 150, 150: 30 and 40 are off track (< 70 % met), 80 at risk.
    alerts.save_trigger(P, TriggerData("S1", "status", "=", "off_track", 2, indicator_code="1.1"))
    for period, value in ((Q1, 30), (Q2, 40), (Q3, 120)):
        s.entry.set_value(P, "1.1", period, "N01", {"SEX": "F"}, value=value)
        s.entry.set_value(P, "1.1", period, "N02", {"SEX": "F"}, value=0)
    alerts.evaluate(P)
    alert = only(alerts)
    assert alert.periods == (Q1, Q2) and alert.figures == ("off track", "off track")


def test_a_result_trigger_watches_the_indicators_below_it_and_skips_qualitative(
    s: Services, alerts: AlertService
) -> None:
    alerts.save_trigger(P, TriggerData("R1", "pct_met", "<", 50, 1, result_code="O1"))
    alerts.save_trigger(P, TriggerData("ALL", "pct_met", "<", 50, 1))
    both(s, Q1, 20)  # 2.1: 20 % against 60 → 33 % met
    s.entry.set_value(P, "1.1", Q1, "N01", {"SEX": "F"}, value=10)  # 10 of 100 → 10 % met
    s.entry.set_value(P, "1.1", Q1, "N02", {"SEX": "M"}, value=10)
    s.entry.set_value(P, "3.1", Q1, "N01", text="Stories")
    s.entry.set_value(P, "3.1", Q1, "N02", text="More stories")
    alerts.evaluate(P)
    found = {(a.trigger_code, a.indicator_code, a.figures) for a in alerts.list(P)}
    assert found == {
        ("R1", "1.1", ("20 %",)),
        ("R1", "2.1", ("33.33 %",)),
        ("ALL", "1.1", ("20 %",)),
        ("ALL", "2.1", ("33.33 %",)),
    }


# -- triggers ---------------------------------------------------------------------------------------


def test_save_trigger_stores_plain_forms_and_lists_them(s: Services, alerts: AlertService) -> None:
    saved = alerts.save_trigger(
        P, TriggerData("T9", "pct_met", "≤", "85 %", 3, scope="site", result_code="O1", response=" Visit ")
    )
    assert (saved.data.comparison, saved.data.threshold, saved.data.response) == ("<=", "85", "Visit")
    assert saved.description == "% met ≤ 85 % for 3 consecutive periods"
    assert saved.subject == "every indicator of result O1, each site"
    assert [t.code for t in alerts.list_triggers(P)] == ["T9"]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (TriggerData("", "actual", "<", "70"), "code", "not a valid code"),
        (TriggerData("T1", "speed", "<", "70"), "metric", "not a metric"),
        (TriggerData("T1", "status", "<", "off_track"), "comparison", "== or !="),
        (TriggerData("T1", "actual", "<", "seventy"), "threshold", "must be a number"),
        (TriggerData("T1", "actual", "<", "70", 0), "consecutive_periods", "from 1 to"),
        (TriggerData("T1", "actual", "<", "70", scope="district"), "scope", "not a scope"),
        (TriggerData("T1", "actual", "<", "70", indicator_code="9.9"), "indicator", "no indicator '9.9'"),
        (TriggerData("T1", "actual", "<", "70", result_code="ZZ"), "result", "no result 'ZZ'"),
        (
            TriggerData("T1", "actual", "<", "70", indicator_code="2.1", result_code="O1"),
            "indicator",
            "not both",
        ),
        (TriggerData("T1", "actual", "<", "70", indicator_code="3.1"), "indicator", "qualitative"),
    ],
)
def test_save_trigger_refuses_naming_the_field(
    s: Services, alerts: AlertService, data: TriggerData, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        alerts.save_trigger(P, data)
    assert [(p.field, words in p.message) for p in caught.value.problems] == [(field, True)]
    assert alerts.list_triggers(P) == ()


def test_trigger_codes_are_unique_and_a_trigger_can_be_renamed(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    alerts.save_trigger(P, TriggerData("T2", "actual", ">", "90", indicator_code="2.1"))
    with pytest.raises(ValidationError, match="already has a trigger 'T1'"):
        alerts.save_trigger(P, TriggerData("T1", "actual", ">", "90"), original_code="T2")
    alerts.save_trigger(P, TriggerData("T3", "actual", ">", "90", indicator_code="2.1"), original_code="T2")
    assert [t.code for t in alerts.list_triggers(P)] == ["T1", "T3"]
    with pytest.raises(NotFoundError):
        alerts.save_trigger(P, BELOW_70, original_code="T7")


def test_a_changed_rule_marks_alerts_it_no_longer_raises(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    both(s, Q2, 60)
    alerts.evaluate(P)
    alerts.save_trigger(
        P, TriggerData("T1", "actual", "<", "50", 2, indicator_code="2.1"), original_code="T1"
    )
    assert alerts.evaluate(P).no_longer_holding == 1
    assert not only(alerts).holds


def test_deleting_a_trigger_keeps_its_alerts(s: Services, alerts: AlertService) -> None:
    alerts.save_trigger(P, BELOW_70)
    both(s, Q1, 65)
    both(s, Q2, 60)
    alerts.evaluate(P)
    alerts.delete_trigger(P, "T1")
    assert alerts.list_triggers(P) == ()
    summary = alerts.evaluate(P)
    assert summary.triggers == 0 and not summary.changed
    alert = only(alerts)
    assert alert.trigger_code == "T1" and alert.holds and alert.is_open
    with pytest.raises(NotFoundError):
        alerts.delete_trigger(P, "T1")


def test_triggers_round_trip_through_a_package(
    db: Database, s: Services, alerts: AlertService, tmp_path: Path
) -> None:
    alerts.save_trigger(P, BELOW_70)
    alerts.save_trigger(P, TriggerData("T2", "status", "=", "Off track", 3, scope="site", result_code="O1"))
    alerts.save_trigger(P, TriggerData("T3", "pct_met", ">=", "120.5", response="Share the lesson"))
    before = alerts.list_triggers(P)
    package = PackageService(db.sessions, Actor(db.actor, db.device_uuid)).export_package(P)
    other = open_database(tmp_path / "other.sqlite", actor="tester")
    try:
        actor = Actor(other.actor, other.device_uuid)
        PackageService(other.sessions, actor).import_package(package)
        after = AlertService(other.sessions, actor).list_triggers(P)
    finally:
        other.close()
    assert [t.data for t in after] == [t.data for t in before]


# -- the demo ---------------------------------------------------------------------------------------


@pytest.fixture
def demo(db: Database) -> Iterator[Actor]:
    actor = Actor(db.actor, db.device_uuid)
    # The package alone: create_demo evaluates the triggers itself (and adds meetings and actions).
    PackageService(db.sessions, actor, db.path).import_package(demo_package(), source="demo")
    yield actor


def test_the_seed_rule_fires_on_two_consecutive_quarters_below_70(db: Database, demo: Actor) -> None:
    alerts = AlertService(db.sessions, demo)
    summary = alerts.evaluate(DEMO_CODE)
    assert summary.raised == 1 and summary.skipped == ()
    (alert,) = alerts.list(DEMO_CODE)
    assert (alert.trigger_code, alert.indicator_code, alert.site_code) == ("T1", "2.3", None)
    assert alert.periods == ("2026Q1", "2026Q2")
    assert alert.figures == ("66.79 %", "64.86 %")
    assert "Conduct a rapid review and develop corrective actions" in alert.message


def test_the_seed_rule_does_not_fire_on_a_single_dip(db: Database, demo: Actor) -> None:
    entry = DataEntryService(db.sessions, demo)
    schools = [site.code for site in SiteService(db.sessions, demo).list_sites(DEMO_CODE) if site.depth > 0]
    for school in schools:  # 2026Q2 recovers: only 2026Q1 is below 70 %
        entry.set_value(DEMO_CODE, "2.3", "2026Q2", school, numerator=30, denominator=40)
    alerts = AlertService(db.sessions, demo)
    assert alerts.evaluate(DEMO_CODE).raised == 0
    assert alerts.list(DEMO_CODE) == ()

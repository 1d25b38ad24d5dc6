# SPDX-License-Identifier: GPL-3.0-or-later
"""Data entry rules (DESIGN.md §5): errors block, warnings flag, mixing refused, approval locks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from pmdesk.domain.enums import Frequency, ValueStatus
from pmdesk.domain.errors import ConflictError, LockedError, ValidationError
from pmdesk.services.framework_records import IndicatorData, ResultData
from pmdesk.services.history import HistoryService
from pmdesk.services.programmes import ProgrammeData
from pmdesk.services.value_info import UnexplainedWarnings
from pmdesk.storage.database import Database
from pmdesk.storage.models import DataValueRow, HistoryRow
from tests.unit.builders import services

P = "WASH-01"
F = {"SEX": "F"}
M = {"SEX": "M"}


def count(db: Database, model: type) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_value_is_saved_and_reaches_the_iptt(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=40)
    s.entry.set_value(P, "1.1", "2025Q1", "N02", M, value="47")
    row = next(r for r in s.iptt.table(P).rows if r.code == "1.1")
    assert row.figures.periods[0].actual == 87.0
    assert row.figures.periods[0].pct_met == 87.0


@pytest.mark.parametrize(
    ("indicator", "kwargs", "message"),
    [
        ("1.1", {"value": "abc"}, "must be a number"),
        ("1.1", {"value": -3}, "must not be negative"),
        ("1.1", {"value": "nan"}, "finite"),
        ("2.1", {"numerator": 5, "denominator": 4}, "greater than denominator"),
        ("2.1", {"numerator": 5}, "both numerator and denominator"),
        ("3.1", {"text": "  "}, "text is required"),
    ],
)
def test_errors_block_the_value_and_name_the_cell(
    db_holds_wash01: None, db: Database, indicator: str, kwargs: dict, message: str
) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    options = F if indicator == "1.1" else None
    with pytest.raises(ValidationError) as caught:
        s.entry.set_value(P, indicator, "2025Q1", "N01", options, **kwargs)
    assert message in str(caught.value)
    assert f"{indicator} · N01 · 2025Q1" in str(caught.value)
    assert count(db, DataValueRow) == 0


@pytest.mark.parametrize(
    ("options", "period", "site", "message"),
    [
        ({"SEX": "X"}, "2025Q1", "N01", "'X' is not an option of SEX"),
        ({"AGE": "U18"}, "2025Q1", "N01", "not disaggregated by 'AGE'"),
        (F, "2026Q1", "N01", "not a reporting period"),
        (F, "2025Q5", "N01", "not a reporting period"),
        (F, "2025Q1", "S99", "site 'S99' is not in programme"),
    ],
)
def test_cells_outside_the_programme_are_refused(
    db_holds_wash01: None, db: Database, options: dict, period: str, site: str, message: str
) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    with pytest.raises(ValidationError, match=message):
        s.entry.set_value(P, "1.1", period, site, options, value=1)
    assert count(db, DataValueRow) == 0


def test_total_and_per_option_values_never_mix(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=4)
    with pytest.raises(ValidationError, match="already has values per option"):
        s.entry.set_value(P, "1.1", "2025Q1", "N01", None, value=10)
    s.entry.set_value(P, "1.1", "2025Q1", "N02", None, value=10)
    with pytest.raises(ValidationError, match="already has an undisaggregated total"):
        s.entry.set_value(P, "1.1", "2025Q1", "N02", M, value=4)
    # Another period of the same site is independent.
    s.entry.set_value(P, "1.1", "2025Q2", "N01", None, value=10)


def test_warnings_never_block_and_flag_until_commented(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    # More than 3x the programme's period target of 100.
    info = s.entry.set_value(P, "1.1", "2025Q1", "N01", None, value=301)
    assert info.warnings == ("over_target",)
    assert info.is_flagged
    commented = s.entry.set_comment(P, "1.1", "2025Q1", "N01", None, "Campaign week, checked")
    assert commented.warnings == ("over_target",) and not commented.is_flagged
    exactly = s.entry.set_value(P, "1.1", "2025Q2", "N01", None, value=300)
    assert exactly.warnings == ()


def test_outlier_against_the_sites_own_history(db: Database) -> None:
    s = services(db)
    s.programmes.create(
        ProgrammeData("M", "Monthly", date(2025, 1, 1), date(2025, 12, 31), Frequency.MONTHLY),
        tiers=("Goal",),
    )
    s.framework.save_result("M", ResultData("G", "Goal", "Goal"))
    s.framework.save_indicator("M", IndicatorData("1", "Visits", "G"))
    s.sites.add_site("M", "S1", "Clinic")
    s.sites.add_site("M", "S2", "Other clinic")
    for month, value in zip(("202501", "202502", "202503"), (10, 11, 9)):
        s.entry.set_value("M", "1", month, "S1", value=value)
    # Three other periods are too few to judge.
    assert s.entry.set_value("M", "1", "202504", "S1", value=95).warnings == ()
    s.entry.set_value("M", "1", "202504", "S1", value=12)
    assert s.entry.set_value("M", "1", "202505", "S1", value=95).warnings == ("outlier",)
    assert s.entry.set_value("M", "1", "202505", "S1", value=13).warnings == ()
    # Another site's history is its own: S2 has none.
    assert s.entry.set_value("M", "1", "202505", "S2", value=95).warnings == ()


def test_replacing_a_value_is_kept_in_history(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    first = s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=40)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=42)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=42)  # unchanged: nothing recorded
    entries = HistoryService(db.sessions).for_entity(first.uuid)
    assert [(e.field, e.old, e.new, e.actor) for e in entries] == [("value", "40", "42", "tester")]
    assert entries[0].device_uuid == db.device_uuid
    assert s.entry.clear_value(P, "1.1", "2025Q1", "N01", F)
    assert HistoryService(db.sessions).for_entity(first.uuid)[-1].new is None
    assert count(db, DataValueRow) == 0


def test_percent_values_record_numerator_and_denominator(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=30, denominator=40)
    s.entry.set_value(P, "2.1", "2025Q1", "N02", numerator=10, denominator=60)
    row = next(r for r in s.iptt.table(P).rows if r.code == "2.1")
    assert row.figures.periods[0].actual == pytest.approx(40.0)  # 40/100, not the mean of 75 % and 16.7 %


def test_submit_approve_lock_and_reopen(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=40)
    s.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=3, denominator=4)
    assert s.entry.submit(P, "N01", "2025Q1") == 2
    assert s.entry.approve(P, "N01", "2025Q1", ["1.1"]) == 1
    with pytest.raises(LockedError, match="approved and locked"):
        s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=41)
    with pytest.raises(LockedError):
        s.entry.clear_value(P, "1.1", "2025Q1", "N01", F)
    with pytest.raises(ValidationError, match="reason"):
        s.entry.reopen(P, "N01", "2025Q1", "  ")
    assert s.entry.reopen(P, "N01", "2025Q1", "Typo in register") == 1
    value = s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=41)
    assert value.status is ValueStatus.DRAFT
    assert s.entry.return_values(P, "N01", "2025Q1", "Denominator looks wrong") == 1
    returned = {v.indicator_code: v for v in s.entry.values_for(P, "N01", "2025Q1")}
    assert returned["2.1"].status is ValueStatus.RETURNED
    assert returned["2.1"].status_reason == "Denominator looks wrong"
    with db.sessions() as session:
        reasons = session.scalars(select(HistoryRow.new).where(HistoryRow.field == "status_reason")).all()
    assert reasons == ["Typo in register", "Denominator looks wrong"]


def test_submit_asks_for_comments_on_warnings_or_a_recorded_confirmation(
    db_holds_wash01: None, db: Database
) -> None:
    """Issue #7 §2: a value flagged without a comment is not submitted silently."""
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=400)  # over 3× the target of 100
    s.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=3, denominator=4)
    with pytest.raises(UnexplainedWarnings) as refused:
        s.entry.submit(P, "N01", "2025Q1")
    assert [v.indicator_code for v in refused.value.values] == ["1.1"]
    assert "1.1 · F: has a warning without a comment: more than 3× the period target" in str(refused.value)
    statuses = {v.indicator_code: v.status for v in s.entry.values_for(P, "N01", "2025Q1")}
    assert set(statuses.values()) == {ValueStatus.DRAFT}  # nothing submitted
    assert [v.indicator_code for v in s.entry.unexplained_warnings(P, "N01", "2025Q1")] == ["1.1"]

    assert s.entry.submit(P, "N01", "2025Q1", unexplained_confirmed="checked: a new school joined") == 2
    with db.sessions() as session:
        kept = session.execute(
            select(HistoryRow.old, HistoryRow.new).where(HistoryRow.field == "warnings_confirmed")
        ).all()
    assert kept == [("over_target", "checked: a new school joined")]
    assert s.entry.unexplained_warnings(P, "N01", "2025Q1") == []  # only drafts and returned values
    assert [
        v.indicator_code for v in s.entry.unexplained_warnings(P, "N01", "2025Q1", (ValueStatus.SUBMITTED,))
    ] == ["1.1"]


def test_a_commented_warning_submits_without_asking(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=400, comment="Two schools merged")
    assert s.entry.submit(P, "N01", "2025Q1") == 1


def test_approved_only_iptt_leaves_out_unapproved_values(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=40)
    s.entry.set_value(P, "1.1", "2025Q1", "N02", F, value=10)
    s.entry.submit(P, "N01", "2025Q1")
    s.entry.approve(P, "N01", "2025Q1")
    row = next(r for r in s.iptt.table(P, approved_only=True).rows if r.code == "1.1")
    assert row.figures.periods[0].actual == 40.0


def test_site_subtree_iptt_uses_site_targets_and_site_values(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.targets.set_target(P, "1.1", "2025Q1", 30, site_code="N01")
    s.targets.set_target(P, "1.1", "2025Q1", 20, site_code="N02")
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=15)
    s.entry.set_value(P, "1.1", "2025Q1", "N02", F, value=20)
    north = next(r for r in s.iptt.table(P, site_code="N").rows if r.code == "1.1")
    assert (north.figures.periods[0].target, north.figures.periods[0].actual) == (50.0, 35.0)
    one = next(r for r in s.iptt.table(P, site_code="N01").rows if r.code == "1.1")
    assert (one.figures.periods[0].target, one.figures.periods[0].actual) == (30.0, 15.0)
    whole = next(r for r in s.iptt.table(P).rows if r.code == "1.1")
    assert whole.figures.periods[0].target == 100.0


def test_qualitative_text_is_reported_as_is(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.entry.set_value(P, "3.1", "2025Q1", "N01", text="Girls stay in school")
    row = next(r for r in s.iptt.table(P).rows if r.code == "3.1")
    assert row.figures.periods[0].text == "Kibera school: Girls stay in school"
    assert row.figures.to_date.pct_met is None


def test_as_of_defaults_to_latest_period_with_data(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    assert s.iptt.table(P).as_of is None  # no data: every period is listed
    assert len(s.iptt.table(P).periods) == 4
    s.entry.set_value(P, "1.1", "2025Q2", "N01", F, value=5)
    table = s.iptt.table(P)
    assert table.as_of == "2025Q2"
    assert [p.code for p in table.periods] == ["2025Q1", "2025Q2"]
    assert [p.code for p in s.iptt.table(P, as_of="2025Q3").periods][-1] == "2025Q3"


def test_a_count_refuses_a_fraction_unless_its_indicator_allows_decimals(
    db_holds_wash01: None, db: Database
) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    pupils = s.framework.get_indicator(P, "1.1")  # the builder allows decimals, for other tests
    s.framework.save_indicator(P, replace(pupils.data, allows_decimals=False), original_code="1.1")
    with pytest.raises(ValidationError) as caught:
        s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value="12.5")
    assert (
        "1.1 · N01 · 2025Q1: 1.1 counts whole people: 12.5 is not a whole number (the indicator"
        " does not allow decimals; change that in its reference sheet if it should)"
    ) in str(caught.value)
    ratio = s.framework.get_indicator(P, "2.1")
    s.framework.save_indicator(P, replace(ratio.data, allows_decimals=False), original_code="2.1")
    with pytest.raises(ValidationError, match=r"the numerator 2\.5 is not a whole number"):
        s.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=2.5, denominator=10)
    assert count(db, DataValueRow) == 0

    for code in ("1.1", "2.1"):
        info = s.framework.get_indicator(P, code)
        s.framework.save_indicator(P, replace(info.data, allows_decimals=True), original_code=code)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value="12.5")
    s.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=2.5, denominator=10)
    with db.sessions() as session:
        assert sorted(session.scalars(select(DataValueRow.value)).all(), key=str) == [12.5, None]

    # Refusing decimals again would make the stored 12.5 invalid: that is refused too.
    info = s.framework.get_indicator(P, "1.1")
    with pytest.raises(ConflictError, match="has 1 values with decimals"):
        s.framework.save_indicator(P, replace(info.data, allows_decimals=False), original_code="1.1")

# SPDX-License-Identifier: GPL-3.0-or-later
"""Variance explanations (issue #10 §3): the rules of domain/variance.py, and VarianceService on a
temporary database: saving, History, which indicators need one and which are missing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from pmdesk.domain.enums import Status
from pmdesk.domain.errors import NotFoundError, PeriodsDroppedError, ValidationError
from pmdesk.domain.variance import MAX_LENGTH, normalise, requires_explanation, text_problem
from pmdesk.services.actor import Actor
from pmdesk.services.history import HistoryService
from pmdesk.services.variance import VarianceService
from pmdesk.services.working_person import WorkingPersonService
from pmdesk.storage.database import Database
from pmdesk.storage.models import HistoryRow
from tests.unit.builders import Services, small_programme

CODE = "WASH-01"

# -- the rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize("partial", [False, True])
def test_off_track_and_exceeding_need_an_explanation_partial_or_not(partial: bool) -> None:
    needing = {s for s in Status if requires_explanation(s, partial)}
    assert needing == {Status.OFF_TRACK, Status.EXCEEDING}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Floods closed two schools.  ", "Floods closed two schools."),
        ("\r\n\nFirst line   \r\nsecond line\r\n\r\n", "First line\nsecond line"),
        ("Old Mac\rline ends", "Old Mac\nline ends"),
        ("", None),
        ("   \n\t  \n", None),
        (None, None),
    ],
)
def test_text_is_trimmed_and_empty_means_no_explanation(typed: str | None, stored: str | None) -> None:
    assert normalise(typed) == stored


def test_the_longest_explanation_is_accepted_and_one_more_character_refused_in_plain_words() -> None:
    assert text_problem("x" * MAX_LENGTH) is None
    assert text_problem(None) is None
    why = text_problem("x" * (MAX_LENGTH + 1))
    assert why is not None
    assert f"at most {MAX_LENGTH:,} characters" in why and f"{MAX_LENGTH + 1:,}" in why


# -- the service ----------------------------------------------------------------------------------


@pytest.fixture
def programme(db: Database) -> Services:
    """WASH-01 (two reporting sites, N01 and N02) with values that make, as of 2025Q1 (the latest
    complete period), 1.1 exceeding (120 of 100) and 2.1 off track (10 % of 60 %); as of 2025Q2,
    which only N01 reported, 1.1 off track on a partial period (125 of 200) and 2.1 still off track."""
    s = small_programme(db, CODE)
    for site, female, male in (("N01", 50, 50), ("N02", 10, 10)):
        s.entry.set_value(CODE, "1.1", "2025Q1", site, {"SEX": "F"}, value=female)
        s.entry.set_value(CODE, "1.1", "2025Q1", site, {"SEX": "M"}, value=male)
        s.entry.set_value(CODE, "2.1", "2025Q1", site, numerator=10, denominator=100)
    s.entry.set_value(CODE, "1.1", "2025Q2", "N01", {"SEX": "F"}, value=5)
    return s


def _service(db: Database) -> VarianceService:
    return VarianceService(db.sessions, Actor(db.actor, db.device_uuid))


def test_an_explanation_is_saved_changed_and_removed_and_history_keeps_each_step(
    db: Database, programme: Services
) -> None:
    variance = _service(db)
    saved = variance.set(CODE, "1.1", "2025Q1", "  A school feeding programme drew more pupils.  ")
    assert saved is not None
    assert saved.text == "A school feeding programme drew more pupils."
    assert (saved.indicator_code, saved.period, saved.written_by) == ("1.1", "2025Q1", "tester")
    assert variance.get(CODE, "1.1", "2025Q1") == saved

    changed = variance.set(CODE, "1.1", "2025Q1", "Feeding programme in N01 drew 40 more pupils.")
    assert changed is not None and changed.uuid == saved.uuid
    assert variance.set(CODE, "1.1", "2025Q1", "Feeding programme in N01 drew 40 more pupils.\n") == changed

    assert variance.set(CODE, "1.1", "2025Q1", "   ") is None
    assert variance.get(CODE, "1.1", "2025Q1") is None
    assert variance.clear(CODE, "1.1", "2025Q1") is False

    steps = [
        (e.field, e.old, e.new, e.label, e.actor) for e in HistoryService(db.sessions).for_entity(saved.uuid)
    ]
    assert steps == [
        ("text", None, "A school feeding programme drew more pupils.", "1.1 · 2025Q1", "tester"),
        (
            "text",
            "A school feeding programme drew more pupils.",
            "Feeding programme in N01 drew 40 more pupils.",
            "1.1 · 2025Q1",
            "tester",
        ),
        ("text", "Feeding programme in N01 drew 40 more pupils.", None, "1.1 · 2025Q1", "tester"),
    ]  # the same text saved again (with a trailing newline) is no change


def test_the_working_person_is_named_as_the_writer(db: Database, programme: Services) -> None:
    actor = Actor(db.actor, db.device_uuid)
    variance = VarianceService(db.sessions, actor)
    WorkingPersonService(db.sessions, actor).choose("Amina Yusuf")
    saved = variance.set(CODE, "2.1", "2025Q1", "The borehole in N02 dried up in March.")
    assert saved is not None and saved.written_by == "Amina Yusuf"
    assert HistoryService(db.sessions).for_entity(saved.uuid)[0].actor == "Amina Yusuf"


def test_refusals_say_why_and_save_nothing(db: Database, programme: Services) -> None:
    variance = _service(db)
    with pytest.raises(ValidationError) as too_long:
        variance.set(CODE, "1.1", "2025Q1", "y" * (MAX_LENGTH + 1))
    assert f"at most {MAX_LENGTH:,} characters" in str(too_long.value)
    assert too_long.value.problems[0].field == "text"
    with pytest.raises(ValidationError) as period:
        variance.set(CODE, "1.1", "2027Q1", "Later.")
    assert "'2027Q1' is not a reporting period of WASH-01 (2025Q1 … 2025Q4)" in str(period.value)
    with pytest.raises(NotFoundError, match=r"has no indicator '9\.9'"):
        variance.set(CODE, "9.9", "2025Q1", "Nothing.")
    with pytest.raises(NotFoundError, match="no programme with code 'NOPE'"):
        variance.set("NOPE", "1.1", "2025Q1", "Nothing.")
    assert variance.explanations(CODE) == []
    with db.sessions() as session:
        assert session.scalar(select(func.count()).where(HistoryRow.entity == "variance_explanation")) == 0


def test_off_track_and_exceeding_indicators_without_an_explanation_are_missing(
    db: Database, programme: Services
) -> None:
    variance = _service(db)
    required = variance.required(CODE)  # as of the latest complete period, 2025Q1
    assert [(r.indicator_code, r.period, r.status, r.partial) for r in required] == [
        ("1.1", "2025Q1", Status.EXCEEDING, False),
        ("2.1", "2025Q1", Status.OFF_TRACK, False),
    ]
    assert (required[0].target, required[0].actual, required[0].pct_met) == (100, 120, 120)
    assert [r.indicator_code for r in variance.missing(CODE)] == ["1.1", "2.1"]

    variance.set(CODE, "2.1", "2025Q1", "The borehole in N02 dried up in March.")
    missing = variance.missing(CODE, "2025Q1")
    assert [(r.indicator_code, r.status) for r in missing] == [("1.1", Status.EXCEEDING)]
    explained = [r for r in variance.required(CODE, "2025Q1") if not r.is_missing]
    assert explained[0].explanation is not None
    assert explained[0].explanation.text == "The borehole in N02 dried up in March."


def test_an_explanation_is_of_one_period_and_a_partial_status_needs_one_too(
    db: Database, programme: Services
) -> None:
    variance = _service(db)
    variance.set(CODE, "2.1", "2025Q1", "The borehole in N02 dried up in March.")
    as_of_q2 = variance.missing(CODE, "2025Q2")
    assert [(r.indicator_code, r.status, r.partial) for r in as_of_q2] == [
        ("1.1", Status.OFF_TRACK, True),  # only N01 has reported 2025Q2
        ("2.1", Status.OFF_TRACK, False),  # the 2025Q1 explanation does not explain 2025Q2
    ]
    variance.set(CODE, "1.1", "2025Q2", "Only 1 of 2 schools has reported so far.")
    assert [r.indicator_code for r in variance.missing(CODE, "2025Q2")] == ["2.1"]


def test_the_iptt_already_computed_is_used_and_a_sites_iptt_refused(
    db: Database, programme: Services
) -> None:
    variance = _service(db)
    table = programme.iptt.table(CODE, "2025Q2")
    assert [r.indicator_code for r in variance.missing(CODE, table=table)] == ["1.1", "2.1"]
    with pytest.raises(ValueError, match="programme's figures"):
        variance.missing(CODE, table=programme.iptt.table(CODE, "2025Q1", site_code="N01"))


def test_explanations_are_listed_up_to_a_period_in_the_iptts_order(db: Database, programme: Services) -> None:
    variance = _service(db)
    variance.set(CODE, "2.1", "2025Q3", "Q3")
    variance.set(CODE, "3.1", "2025Q1", "Stories came late.")  # a Goal indicator: listed first
    variance.set(CODE, "2.1", "2025Q1", "Q1")
    variance.set(CODE, "1.1", "2025Q2", "Q2")
    listed = [(e.indicator_code, e.period) for e in variance.explanations(CODE)]
    assert listed == [("3.1", "2025Q1"), ("1.1", "2025Q2"), ("2.1", "2025Q1"), ("2.1", "2025Q3")]
    up_to_q2 = [(e.indicator_code, e.period) for e in variance.explanations(CODE, "2025Q2")]
    assert up_to_q2 == [("3.1", "2025Q1"), ("1.1", "2025Q2"), ("2.1", "2025Q1")]
    with pytest.raises(NotFoundError, match="'2030Q1' is not a reporting period"):
        variance.explanations(CODE, "2030Q1")
    assert [e.indicator_code for e in variance.of_period(CODE, "2025Q1")] == ["3.1", "2.1"]


def test_deleting_an_indicator_with_its_data_deletes_its_explanations(
    db: Database, programme: Services
) -> None:
    variance = _service(db)
    variance.set(CODE, "3.1", "2025Q1", "Stories came late.")
    programme.framework.delete_indicator(CODE, "3.1", with_data=True)
    assert variance.explanations(CODE) == []


def test_explanations_for_periods_the_programme_no_longer_has_are_kept_and_listed_apart(
    db: Database, programme: Services
) -> None:
    """Shortening the programme by a quarter warns of the targets and explanations of that quarter
    and saves nothing; confirmed, it keeps them: the explanation is listed as for a period the
    programme no longer has, can be removed but not rewritten, and comes back with the dates."""
    variance = _service(db)
    variance.set(CODE, "2.1", "2025Q4", "The pumps were ordered late.")
    variance.set(CODE, "2.1", "2025Q1", "Q1")
    data = programme.programmes.get(CODE).data
    shorter = replace(data, end=date(2025, 9, 30))
    with pytest.raises(PeriodsDroppedError) as refused:
        programme.programmes.update(CODE, shorter)
    assert (refused.value.periods, refused.value.targets, refused.value.explanations) == (("2025Q4",), 2, 1)
    assert str(refused.value).startswith(
        "The new dates or frequency drop 1 period (2025Q4) that 2 targets and 1 variance explanation refer to."
    )
    assert programme.programmes.get(CODE).end == date(2025, 12, 31)  # nothing saved

    programme.programmes.update(CODE, shorter, keep_outside=True)
    assert [p.code for p in programme.programmes.periods(CODE)][-1] == "2025Q3"
    assert [(e.indicator_code, e.period) for e in variance.explanations(CODE)] == [("2.1", "2025Q1")]
    (orphan,) = variance.orphaned(CODE)
    assert (orphan.indicator_code, orphan.period, orphan.text) == (
        "2.1",
        "2025Q4",
        "The pumps were ordered late.",
    )
    assert variance.orphaned(CODE, "2.1") == [orphan] and variance.orphaned(CODE, "1.1") == []
    assert variance.get(CODE, "2.1", "2025Q4") == orphan
    with pytest.raises(ValidationError, match="'2025Q4' is not a reporting period"):
        variance.set(CODE, "2.1", "2025Q4", "Rewritten")
    # Another edit that drops nothing more does not ask again.
    programme.programmes.update(CODE, replace(shorter, name="Clean water"))

    programme.programmes.update(CODE, data)  # the dates back: the explanation is back in its period
    assert [(e.indicator_code, e.period) for e in variance.explanations(CODE)] == [
        ("2.1", "2025Q1"),
        ("2.1", "2025Q4"),
    ]
    programme.programmes.update(CODE, shorter, keep_outside=True)
    assert variance.clear(CODE, "2.1", "2025Q4") is True
    assert variance.orphaned(CODE) == []

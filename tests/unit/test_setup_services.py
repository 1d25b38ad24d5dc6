# SPDX-License-Identifier: GPL-3.0-or-later
"""Programme set-up services: validation, reasons for changes, History, never deleting data silently."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from pmdesk.domain.enums import ChangeReason, Frequency, Measure
from pmdesk.domain.errors import ConflictError, NotFoundError, ValidationError
from pmdesk.domain.iptt import Thresholds
from pmdesk.domain.periods import CustomPeriod
from pmdesk.services.actor import Actor
from pmdesk.services.demo import DEMO_CODE, DemoService
from pmdesk.services.framework_records import OptionData, ResultData
from pmdesk.services.history import HistoryService, Reason
from pmdesk.services.programmes import ProgrammeData
from pmdesk.storage.database import Database, open_database
from tests.unit.builders import services, small_programme

P = "WASH-01"
ADAPTIVE = Reason(ChangeReason.ADAPTIVE_MANAGEMENT)


def test_programme_is_created_with_tiers_and_periods(db: Database) -> None:
    s = small_programme(db)
    summary = s.programmes.get(P)
    assert summary.tiers == ("Goal", "Outcome", "Output")
    assert (summary.indicator_count, summary.site_count, summary.value_count) == (3, 3, 0)
    assert [p.code for p in s.programmes.periods(P)] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]


def test_programme_survives_reopening_the_file(db_path) -> None:  # type: ignore[no-untyped-def]
    first = open_database(db_path)
    small_programme(first).entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=7)
    first.close()
    again = open_database(db_path)
    try:
        row = next(r for r in services(again).iptt.table(P).rows if r.code == "1.1")
        assert row.figures.periods[0].actual == 7.0
    finally:
        again.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "bad code!"}, "not a valid code"),
        ({"name": " "}, "a name is required"),
        ({"end": date(2024, 1, 1)}, "before it starts"),
        ({"fiscal_year_start_month": 3}, "fiscal year must start"),
        ({"thresholds": Thresholds(100, 120, 70)}, "at_risk ≤ on_track ≤ exceeding"),
    ],
)
def test_bad_programme_data_is_refused(db: Database, change: dict, message: str) -> None:
    s = services(db)
    data = replace(ProgrammeData("OK", "Fine", date(2025, 1, 1), date(2025, 12, 31)), **change)
    with pytest.raises(ValidationError, match=message):
        s.programmes.create(data)
    assert s.programmes.list_programmes() == []


def test_duplicate_programme_code_is_a_conflict(db: Database) -> None:
    s = small_programme(db)
    with pytest.raises(ConflictError, match="already exists"):
        s.programmes.create(ProgrammeData(P, "Again", date(2025, 1, 1), date(2025, 12, 31)))


def test_custom_periods_are_the_reporting_periods(db: Database) -> None:
    s = services(db)
    s.programmes.create(
        ProgrammeData("EVAL", "Evaluation", date(2024, 1, 1), date(2026, 12, 31), Frequency.CUSTOM),
        custom_periods=[
            CustomPeriod("ENDLINE", date(2026, 7, 1), date(2026, 12, 31)),
            CustomPeriod("BASELINE", date(2024, 1, 1), date(2024, 3, 31)),
            CustomPeriod("MIDLINE", date(2025, 7, 1), date(2025, 9, 30)),
        ],
    )
    assert [p.code for p in s.programmes.periods("EVAL")] == ["BASELINE", "MIDLINE", "ENDLINE"]
    with pytest.raises(ValidationError, match="needs custom periods"):
        s.programmes.create(ProgrammeData("E2", "x", date(2024, 1, 1), date(2024, 2, 1), Frequency.CUSTOM))


def test_changing_dates_never_orphans_entered_data(db: Database) -> None:
    s = small_programme(db)
    s.entry.set_value(P, "1.1", "2025Q4", "N01", {"SEX": "F"}, value=3)
    data = s.programmes.get(P).data
    with pytest.raises(ValidationError, match="2025Q4"):
        s.programmes.update(P, replace(data, end=date(2025, 9, 30)))
    updated = s.programmes.update(P, replace(data, name="Clean water", end=date(2026, 6, 30)))
    assert updated.name == "Clean water" and len(s.programmes.periods(P)) == 6
    fields = {e.field for e in HistoryService(db.sessions).for_programme(updated.id)}
    assert {"name", "end"} <= fields


def test_deleting_a_programme_with_data_needs_confirmation(db: Database) -> None:
    s = small_programme(db)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=3)
    with pytest.raises(ConflictError, match="1 data values"):
        s.programmes.delete(P)
    assert s.programmes.get(P).value_count == 1
    s.programmes.delete(P, with_data=True)
    with pytest.raises(NotFoundError):
        s.programmes.get(P)


def test_tiers_can_be_renamed_but_not_dropped_while_used(db: Database) -> None:
    s = small_programme(db)
    assert s.programmes.rename_tiers(P, ["Impact", "Outcome", "Output"]).tiers == (
        "Impact",
        "Outcome",
        "Output",
    )
    assert s.framework.list_results(P)[0].tier == "Impact"
    with pytest.raises(ConflictError, match="has results"):
        s.programmes.rename_tiers(P, ["Impact"])


def test_results_tree_moves_and_refuses_cycles(db: Database) -> None:
    s = small_programme(db)
    s.framework.save_result(P, ResultData("O2", "Hygiene improves", "Outcome", "G"))
    s.framework.move_result(P, "O2", "G", 0)
    assert [r.code for r in s.framework.list_results(P)] == ["G", "O2", "O1"]
    with pytest.raises(ValidationError, match="below it"):
        s.framework.save_result(P, ResultData("G", "Healthier children", "Goal", "O1"), original_code="G")
    with pytest.raises(ConflictError, match="has 2 indicators"):
        s.framework.delete_result(P, "O1")
    s.framework.delete_result(P, "O2")


def test_indicators_move_between_and_within_results(db: Database) -> None:
    s = small_programme(db)
    s.framework.save_result(P, ResultData("O2", "Hygiene improves", "Outcome", "G"))
    codes = [i.data.code for i in s.framework.list_indicators(P)]
    assert len(codes) >= 2
    first, second = codes[0], codes[1]
    s.framework.move_indicator(P, second, s.framework.get_indicator(P, second).data.result_code, 0)
    listed = [i.data.code for i in s.framework.list_indicators(P)]
    assert listed.index(second) < listed.index(first)
    s.framework.move_indicator(P, first, "O2", 99)  # past the end: last there
    moved = s.framework.get_indicator(P, first)
    assert moved.data.result_code == "O2"
    orders = [i.data.code for i in s.framework.list_indicators(P)]
    assert sorted(orders) == sorted(codes) and len(set(orders)) == len(orders)
    with pytest.raises(NotFoundError):
        s.framework.move_indicator(P, "nope", "O2", 0)
    with pytest.raises(NotFoundError):
        s.framework.move_indicator(P, first, "nope", 0)
    assert s.framework.get_indicator(P, first).data.result_code == "O2"


def test_changing_a_baseline_needs_a_reason_and_is_recorded(db: Database) -> None:
    s = small_programme(db)
    info = s.framework.get_indicator(P, "2.1")
    with pytest.raises(ValidationError, match="needs a reason"):
        s.framework.save_indicator(P, replace(info.data, baseline_value=25), original_code="2.1")
    s.framework.save_indicator(
        P,
        replace(info.data, baseline_value=25, name="Schools with water"),
        original_code="2.1",
        reason=ADAPTIVE,
    )
    entries = {e.field: e for e in HistoryService(db.sessions).for_entity(info.uuid)}
    assert (entries["baseline_value"].old, entries["baseline_value"].new) == ("20", "25")
    assert entries["baseline_value"].reason == "adaptive_management"
    assert entries["name"].new == "Schools with water" and entries["name"].reason == ""


def test_other_reason_needs_text() -> None:
    with pytest.raises(ValidationError, match="needs an explanation"):
        Reason(ChangeReason.OTHER)
    assert Reason(ChangeReason.OTHER, "Donor mid-term review").text


def test_changing_disaggregations_keeps_values_and_says_so(db: Database) -> None:
    s = small_programme(db)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=3)
    s.framework.save_disaggregation(P, "AGE", "Age", [OptionData("U18", "Under 18"), OptionData("A", "18+")])
    data = s.framework.get_indicator(P, "1.1").data
    saved = s.framework.save_indicator(P, replace(data, disaggregations=("SEX", "AGE")), original_code="1.1")
    assert "1 existing values keep their cells" in saved.notice
    row = next(r for r in s.iptt.table(P).rows if r.code == "1.1")
    assert row.figures.periods[0].actual == 3.0
    with pytest.raises(ValidationError, match="missing 'AGE'"):
        s.entry.set_value(P, "1.1", "2025Q2", "N01", {"SEX": "F"}, value=3)
    with pytest.raises(ConflictError, match="has 1 values"):
        s.framework.save_indicator(P, replace(data, measure=Measure.PERCENT), original_code="1.1")


def test_an_option_with_data_is_never_removed(db: Database) -> None:
    s = small_programme(db)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "M"}, value=3)
    with pytest.raises(ConflictError, match="SEX=M has data"):
        s.framework.save_disaggregation(P, "SEX", "Sex", [OptionData("F", "Female")])
    info = s.framework.save_disaggregation(
        P, "SEX", "Gender", [OptionData("F", "Women"), OptionData("M", "Men"), OptionData("X", "Other")]
    )
    assert [o.name for o in info.options] == ["Women", "Men", "Other"]


def test_indicator_problems_are_all_reported(db: Database) -> None:
    s = small_programme(db)
    data = replace(
        s.framework.get_indicator(P, "1.1").data,
        code="9",
        result_code="NOPE",
        responsible_code="ghost",
        disaggregations=("SEX", "AGE"),
    )
    with pytest.raises(ValidationError) as caught:
        s.framework.save_indicator(P, data)
    text = str(caught.value)
    assert "no result 'NOPE'" in text and "no person 'ghost'" in text and "no disaggregation 'AGE'" in text


def test_deleting_an_indicator_with_values_needs_confirmation(db: Database) -> None:
    s = small_programme(db)
    s.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=1, denominator=2)
    with pytest.raises(ConflictError, match="1 data values"):
        s.framework.delete_indicator(P, "2.1")
    s.framework.delete_indicator(P, "2.1", with_data=True)
    assert [i.data.code for i in s.framework.list_indicators(P)] == ["1.1", "3.1"]


def test_sites_form_a_tree_and_keep_their_data(db: Database) -> None:
    s = small_programme(db)
    s.sites.add_site(P, "S", "South district")
    s.sites.update_site(P, "N02", parent_code="S", name="Mathare primary")
    assert [(x.code, x.depth) for x in s.sites.list_sites(P)] == [("N", 0), ("N01", 1), ("S", 0), ("N02", 1)]
    with pytest.raises(ValidationError, match="below it"):
        s.sites.update_site(P, "S", parent_code="N02")
    s.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=3)
    with pytest.raises(ConflictError, match="1 data values"):
        s.sites.delete_site(P, "N01")
    with pytest.raises(ConflictError, match="sites below it"):
        s.sites.delete_site(P, "S")
    with pytest.raises(ConflictError, match="already has a site"):
        s.sites.add_site(P, "N01", "Copy")


def test_people_are_saved_and_checked(db: Database) -> None:
    s = small_programme(db)
    s.sites.save_person(P, "amina", "Amina Yusuf", "Water Trust", "M&E officer", "amina@example.org")
    s.sites.save_person(P, "amina", "Amina Yusuf Ali")
    assert [p.name for p in s.sites.list_people(P)] == ["Amina Yusuf Ali"]
    with pytest.raises(ValidationError, match="not an e-mail"):
        s.sites.save_person(P, "joe", "Joe", email="joe.example.org")


def test_changing_a_target_needs_a_reason_and_is_recorded(db: Database) -> None:
    s = small_programme(db)
    with pytest.raises(ValidationError, match="needs a reason"):
        s.targets.set_target(P, "1.1", "2025Q1", 120)
    s.targets.set_target(P, "1.1", "2025Q1", 100)  # same value: no change, no reason needed
    info = s.targets.set_target(P, "1.1", "2025Q1", 120, reason=Reason(ChangeReason.BUDGET_REALIGNMENT))
    [entry] = HistoryService(db.sessions).for_entity(info.uuid)
    assert (entry.old, entry.new, entry.reason) == ("100", "120", "budget_realignment")
    site = s.targets.set_target(P, "1.1", "2025Q1", 30, site_code="N01")
    assert [t.value for t in s.targets.list_targets(P, "N01")] == [30.0]
    assert s.targets.clear_target(P, "1.1", "2025Q1", site_code="N01", reason=ADAPTIVE)
    assert HistoryService(db.sessions).for_entity(site.uuid)[-1].new is None
    with pytest.raises(ValidationError, match="must not be negative"):
        s.targets.set_target(P, "1.1", "2025Q2", -1)
    with pytest.raises(ValidationError, match="not a reporting period"):
        s.targets.set_target(P, "1.1", "2027Q1", 1)


def test_the_list_of_indicators_says_what_each_one_says_alone(db: Database) -> None:
    """list_indicators reads the lot in a few queries; get_indicator reads one: they agree."""
    s = services(db)
    DemoService(db.sessions, Actor(db.actor, db.device_uuid), db.path).create_demo()
    listed = s.framework.list_indicators(DEMO_CODE)
    assert len(listed) >= 15
    assert listed == [s.framework.get_indicator(DEMO_CODE, i.data.code) for i in listed]
    assert any(i.data.disaggregations for i in listed) and any(i.data.responsible_code for i in listed)
    assert any(i.value_count for i in listed) and len({i.data.result_code for i in listed}) > 3

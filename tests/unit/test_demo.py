# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo programme: deterministic, valid, and showing every situation the product is built for."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmdesk.domain.enums import Cumulation, Direction, Measure, Status
from pmdesk.domain.errors import ConflictError
from pmdesk.services.actor import Actor
from pmdesk.services.demo import DEMO_CODE, QUARTERS, REPORTED, DemoService, demo_package
from pmdesk.services.integrity import IntegrityService
from pmdesk.services.iptt import IpttService, IpttTable
from pmdesk.services.sites import SiteService
from pmdesk.storage.database import Database, open_database


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_database(path, actor="tester")
    DemoService(db.sessions, Actor(db.actor, db.device_uuid), db.path).create_demo()
    yield db
    db.close()


@pytest.fixture(scope="module")
def table(demo_db: Database) -> IpttTable:
    return IpttService(demo_db.sessions).table(DEMO_CODE)


def _row(table: IpttTable, code: str):  # type: ignore[no-untyped-def]
    return next(r for r in table.rows if r.code == code)


# -- the package itself -----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_package() -> None:
    assert demo_package() == demo_package()
    assert demo_package(3) == demo_package(3)
    assert demo_package(3)["values"] != demo_package(4)["values"]


def test_package_values_satisfy_the_data_rules() -> None:
    package = demo_package()
    measures = {i["code"]: i["measure"] for i in package["indicators"]}
    shapes: dict[tuple[str, str, str], set[bool]] = defaultdict(set)
    for item in package["values"]:
        measure = measures[item["indicator"]]
        if measure == "percent":
            assert 0 <= item["numerator"] <= item["denominator"]
            assert item["denominator"] > 0
        elif measure == "number":
            assert item["value"] >= 0
        else:
            assert item["text"]
        shapes[(item["indicator"], item["site"], item["period"])].add(bool(item.get("options")))
    mixed = [key for key, kinds in shapes.items() if len(kinds) > 1]
    assert mixed == []  # never a total and per-option values for one indicator, site and period


def test_package_has_a_trigger_on_satisfaction() -> None:
    (trigger,) = demo_package()["triggers"]
    assert trigger["code"] == "T1"
    assert (trigger["metric"], trigger["comparison"], trigger["threshold"]) == ("actual", "<", 70)
    assert trigger["consecutive_periods"] == 2
    satisfaction = next(i for i in demo_package()["indicators"] if i["code"] == trigger["indicator"])
    assert satisfaction["measure"] == "percent" and "satisf" in satisfaction["name"].lower()


def test_package_disaggregations_and_people() -> None:
    package = demo_package()
    options = {d["name"]: [o["code"] for o in d["options"]] for d in package["disaggregations"]}
    assert options == {"Sex": ["F", "M"], "Age group": ["U18", "18PLUS"]}
    assert len(package["people"]) >= 3
    assert package["tiers"] == ["Goal", "Outcome", "Output"]


# -- as the IPTT shows it ---------------------------------------------------------------------------


def test_framework_has_three_tiers_and_at_least_fifteen_indicators(table: IpttTable) -> None:
    assert {r.tier for r in table.results} == {"Goal", "Outcome", "Output"}
    assert len(table.rows) >= 15


def test_every_measure_direction_and_cumulation_is_used(table: IpttTable) -> None:
    assert {r.measure for r in table.rows} == set(Measure)
    assert {r.direction for r in table.rows} == set(Direction)
    assert {r.cumulation for r in table.rows} == set(Cumulation)


def test_some_indicators_are_off_track_and_some_exceed(table: IpttTable) -> None:
    statuses = Counter(r.figures.to_date.status for r in table.rows)
    assert statuses[Status.OFF_TRACK] >= 1
    assert statuses[Status.EXCEEDING] >= 1
    assert statuses[Status.ON_TRACK] >= 1


def test_six_quarters_of_values_and_eight_of_targets(demo_db: Database, table: IpttTable) -> None:
    assert table.as_of == "2026Q2"
    assert [p.code for p in table.periods] == list(REPORTED)
    full = IpttService(demo_db.sessions).table(DEMO_CODE, as_of="2026Q4")
    assert [p.code for p in full.periods] == list(QUARTERS)
    for row in full.rows:
        if row.measure is Measure.QUALITATIVE:
            assert [bool(p.text) for p in row.figures.periods] == [True] * 6 + [False] * 2
            continue
        assert all(p.target is not None for p in row.figures.periods), row.code
        with_data = [p.period for p in row.figures.periods if p.actual is not None]
        assert set(with_data) <= set(REPORTED), row.code
        assert len(with_data) >= 5, row.code


def test_site_targets_for_every_quarter(demo_db: Database) -> None:
    full = IpttService(demo_db.sessions).table(DEMO_CODE, as_of="2026Q4", site_code="HIL-02")
    for row in full.rows:
        if row.measure is not Measure.QUALITATIVE:
            assert all(p.target is not None for p in row.figures.periods), row.code


def test_one_indicator_misses_one_period(table: IpttTable) -> None:
    gaps = {
        r.code: [p.period for p in r.figures.periods if p.actual is None]
        for r in table.rows
        if r.measure is not Measure.QUALITATIVE
    }
    assert {code: missing for code, missing in gaps.items() if missing} == {"2.1.2": ["2025Q3"]}


def test_satisfaction_falls_below_70_for_two_quarters(table: IpttTable) -> None:
    satisfaction = _row(table, "2.3")
    actuals = {p.period: p.actual for p in satisfaction.figures.periods}
    assert actuals["2026Q1"] is not None and actuals["2026Q1"] < 70
    assert actuals["2026Q2"] is not None and actuals["2026Q2"] < 70
    assert all(a is not None and a >= 70 for p, a in actuals.items() if p < "2026Q1")


def test_stock_out_rate_has_a_decreasing_target(table: IpttTable) -> None:
    stock_out = _row(table, "1.3")
    assert stock_out.direction is Direction.DECREASE
    targets = [p.target for p in stock_out.figures.periods]
    assert targets == sorted(targets, reverse=True) and targets[0] > targets[-1]


def test_sites_in_three_districts_with_different_results(demo_db: Database, table: IpttTable) -> None:
    sites = SiteService(demo_db.sessions, Actor("tester", demo_db.device_uuid)).list_sites(DEMO_CODE)
    districts = [s.code for s in sites if s.parent_code is None]
    schools = [s for s in sites if s.parent_code is not None]
    assert len(districts) == 3
    assert len(schools) >= 10
    assert {s.parent_code for s in schools} == set(districts)
    iptt = IpttService(demo_db.sessions)
    by_school = {
        s.code: _row(iptt.table(DEMO_CODE, site_code=s.code), "2.3").figures.to_date.actual
        for s in schools[:5]
    }
    assert len(set(by_school.values())) > 1  # schools differ
    district_total = _row(iptt.table(DEMO_CODE, site_code=districts[0]), "2.1.1").figures.to_date.actual
    assert district_total is not None
    assert 0 < district_total < (_row(table, "2.1.1").figures.to_date.actual or 0)


def test_values_are_approved_submitted_and_draft(demo_db: Database) -> None:
    approved = IpttService(demo_db.sessions).table(DEMO_CODE, approved_only=True)
    assert approved.as_of == "2025Q4"  # 2026 quarters are still in review
    from pmdesk.services.data_entry import DataEntryService

    entry = DataEntryService(demo_db.sessions, Actor("tester", demo_db.device_uuid))
    statuses = {
        period: {v.status.value for v in entry.values_for(DEMO_CODE, "LAK-01", period)}
        for period in ("2025Q1", "2026Q1", "2026Q2")
    }
    assert statuses == {"2025Q1": {"approved"}, "2026Q1": {"submitted"}, "2026Q2": {"draft"}}


def test_planted_unusual_values_carry_warnings(demo_db: Database) -> None:
    from pmdesk.services.data_entry import DataEntryService

    entry = DataEntryService(demo_db.sessions, Actor("tester", demo_db.device_uuid))
    (packs,) = [v for v in entry.values_for(DEMO_CODE, "RIV-01", "2026Q2") if v.indicator_code == "1.2.1"]
    assert "outlier" in packs.warnings and packs.is_flagged  # left for the user to check
    hygiene_day = [v for v in entry.values_for(DEMO_CODE, "HIL-03", "2025Q4") if v.indicator_code == "2.1.1"]
    assert any(v.warnings for v in hygiene_day)
    assert not any(v.is_flagged for v in hygiene_day)  # explained by a comment


def test_demo_database_passes_the_integrity_check(demo_db: Database) -> None:
    report = IntegrityService(demo_db.sessions).check()
    assert report.ok, report.problems


def test_create_demo_twice_needs_replace(tmp_path: Path) -> None:
    db = open_database(tmp_path / "twice.sqlite", actor="tester")
    try:
        service = DemoService(db.sessions, Actor(db.actor, db.device_uuid), db.path)
        assert not service.exists()
        first = service.create_demo()
        assert service.exists()
        with pytest.raises(ConflictError, match="already exists"):
            service.create_demo()
        again = service.create_demo(replace=True)
        assert again.programme_code == first.programme_code == DEMO_CODE
        assert again.counts == first.counts
    finally:
        db.close()

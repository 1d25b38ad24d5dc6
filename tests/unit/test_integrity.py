# SPDX-License-Identifier: GPL-3.0-or-later
"""IntegrityService: a clean file passes; each kind of broken data is named in a readable sentence."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from pmdesk.services import value_summary
from pmdesk.services.integrity import MAX_PROBLEMS_PER_CHECK, IntegrityReport, IntegrityService
from pmdesk.storage.database import Database
from pmdesk.storage.models import (
    CustomPeriodRow,
    DataValueRow,
    HistoryRow,
    IndicatorRow,
    OptionComboRow,
    ProgrammeRow,
    ResultRow,
    SiteRow,
    TargetRow,
    TierRow,
)


@dataclass(frozen=True)
class Ids:
    """Ids of the clean fixture's rows, by code."""

    programmes: dict[str, int]
    results: dict[str, int]
    sites: dict[str, int]
    indicators: dict[str, int]
    tiers: dict[str, int]
    total_combo: int


def _programme(session: Session, code: str) -> tuple[ProgrammeRow, TierRow]:
    programme = ProgrammeRow(
        code=code,
        name=f"Programme {code}",
        start=date(2026, 1, 1),
        end=date(2027, 12, 31),
        frequency="quarterly",
    )
    session.add(programme)
    session.flush()
    tier = TierRow(programme_id=programme.id, level=1, name="Outcome")
    session.add(tier)
    session.flush()
    return programme, tier


@pytest.fixture
def ids(db: Database) -> Ids:
    """Two clean programmes: P1 with a result tree, a site tree, a number and a percent indicator,
    targets, values (one on a custom period) and history; P2 with one of each."""
    with db.sessions.begin() as session:
        combo = OptionComboRow(key="")
        session.add(combo)
        p1, t1 = _programme(session, "P1")
        p2, t2 = _programme(session, "P2")
        session.add(
            CustomPeriodRow(
                programme_id=p1.id, code="BASELINE", start=date(2025, 6, 1), end=date(2025, 12, 31)
            )
        )
        r1 = ResultRow(programme_id=p1.id, tier_id=t1.id, code="R1", title="Clean water")
        r2 = ResultRow(programme_id=p2.id, tier_id=t2.id, code="R2", title="Roads")
        session.add_all([r1, r2])
        session.flush()
        r11 = ResultRow(programme_id=p1.id, tier_id=t1.id, parent_id=r1.id, code="R1.1", title="Wells")
        country = SiteRow(programme_id=p1.id, code="NE", name="Niger")
        s2 = SiteRow(programme_id=p2.id, code="S2", name="Elsewhere")
        session.add_all([r11, country, s2])
        session.flush()
        s1 = SiteRow(programme_id=p1.id, parent_id=country.id, code="S1", name="Zinder")
        people = IndicatorRow(
            programme_id=p1.id, result_id=r11.id, code="IND1", name="People served", measure="number"
        )
        share = IndicatorRow(
            programme_id=p1.id, result_id=r11.id, code="PCT1", name="Share treated", measure="percent"
        )
        roads = IndicatorRow(
            programme_id=p2.id, result_id=r2.id, code="IND2", name="Km built", measure="number"
        )
        session.add_all([s1, people, share, roads])
        session.flush()
        session.add_all(
            [
                TargetRow(indicator_id=people.id, period="2026Q1", value=100),
                TargetRow(indicator_id=people.id, period="2026Q1", site_id=s1.id, value=60),
                TargetRow(indicator_id=roads.id, period="2026", site_id=s2.id, value=5),
                DataValueRow(
                    indicator_id=people.id, period="2026Q1", site_id=s1.id, combo_id=combo.id, value=40
                ),
                DataValueRow(
                    indicator_id=people.id, period="BASELINE", site_id=s1.id, combo_id=combo.id, value=10
                ),
                DataValueRow(
                    indicator_id=share.id,
                    period="2026Q1",
                    site_id=s1.id,
                    combo_id=combo.id,
                    numerator=3,
                    denominator=4,
                ),
                DataValueRow(
                    indicator_id=roads.id, period="2026Oct", site_id=s2.id, combo_id=combo.id, value=2
                ),
                HistoryRow(
                    actor="tester",
                    device_uuid=db.device_uuid,
                    entity="data_value",
                    entity_uuid="u-1",
                    field="value",
                ),
            ]
        )
        session.flush()
        # As PMDesk's writers keep it: the value summary sums these values.
        value_summary.rebuild_all(session)
        return Ids(
            programmes={"P1": p1.id, "P2": p2.id},
            results={"R1": r1.id, "R1.1": r11.id, "R2": r2.id},
            sites={"NE": country.id, "S1": s1.id, "S2": s2.id},
            indicators={"IND1": people.id, "PCT1": share.id, "IND2": roads.id},
            tiers={"P1": t1.id, "P2": t2.id},
            total_combo=combo.id,
        )


def _check(db: Database) -> IntegrityReport:
    return IntegrityService(db.sessions).check()


def _only_problem(db: Database) -> str:
    report = _check(db)
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    return report.problems[0]


def _raw(db: Database) -> sqlite3.Connection:
    """A plain connection: foreign keys and CHECK constraints as SQLite's defaults leave them."""
    return sqlite3.connect(db.path)


def test_an_empty_database_is_ok(db: Database) -> None:
    report = _check(db)
    assert report == IntegrityReport(
        ok=True,
        problems=(),
        counts={"programme": 0, "indicator": 0, "site": 0, "target": 0, "data_value": 0, "history": 0},
    )


def test_a_clean_database_is_ok_and_counted(db: Database, ids: Ids) -> None:
    report = _check(db)
    assert report.problems == ()
    assert report.ok
    assert report.counts == {
        "programme": 2,
        "indicator": 3,
        "site": 3,
        "target": 3,
        "data_value": 4,
        "history": 1,
    }


def test_the_report_is_frozen(db: Database) -> None:
    report = _check(db)
    with pytest.raises(AttributeError):
        report.ok = False  # type: ignore[misc]


def test_damage_found_by_sqlite_is_reported(db: Database, ids: Ids) -> None:
    raw = _raw(db)
    raw.execute("PRAGMA ignore_check_constraints = ON")
    raw.execute("UPDATE programme SET frequency = 'weekly' WHERE code = 'P2'")
    raw.commit()
    raw.close()
    report = _check(db)
    assert not report.ok
    damage, skipped = report.problems
    assert "damaged" in damage and "programme" in damage
    assert "skipped" in skipped and "Restore backup" in skipped


def test_a_broken_reference_is_reported(db: Database, ids: Ids) -> None:
    raw = _raw(db)
    raw.execute("UPDATE data_value SET indicator_id = 999 WHERE period = 'BASELINE'")
    raw.commit()
    raw.close()
    report = _check(db)
    problem, summary = report.problems
    assert "data_value" in problem and "indicator_id" in problem and "indicator 999" in problem
    # Written behind PMDesk's back, the value left programme P1's sums too.
    assert summary.startswith("Programme P1: the totals the IPTT reads differ from the values")
    assert report.stale_summaries == ("P1",)


def _set(db: Database, model: type, row_id: int, **values: object) -> None:
    with db.sessions.begin() as session:
        row = session.get(model, row_id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        session.flush()
        value_summary.rebuild_all(session)  # a moved site moves its values' sums, as in PMDesk


def _add_value(db: Database, ids: Ids, indicator: str, site: str, period: str, **values: object) -> None:
    with db.sessions.begin() as session:
        session.add(
            DataValueRow(
                indicator_id=ids.indicators[indicator],
                site_id=ids.sites[site],
                period=period,
                combo_id=ids.total_combo,
                **values,
            )
        )
        session.flush()
        value_summary.rebuild_all(session)


@pytest.mark.parametrize("period", ["2026Q5", "202613", "MIDLINE", "2026Q1 "])
def test_a_value_on_something_that_is_not_a_period(db: Database, ids: Ids, period: str) -> None:
    _add_value(db, ids, "IND1", "S1", period, value=5)
    problem = _only_problem(db)
    assert "P1" in problem and "IND1" in problem and "S1" in problem and f"'{period}'" in problem


def test_a_custom_period_counts_only_in_its_own_programme(db: Database, ids: Ids) -> None:
    _add_value(db, ids, "IND2", "S2", "BASELINE", value=1)
    problem = _only_problem(db)
    assert "P2" in problem and "IND2" in problem and "'BASELINE'" in problem and "not a period" in problem


def test_a_period_not_written_the_canonical_way(db: Database, ids: Ids) -> None:
    _add_value(db, ids, "IND2", "S2", "2026October", value=1)
    problem = _only_problem(db)
    assert "'2026October'" in problem and "'2026Oct'" in problem


def test_a_target_on_something_that_is_not_a_period(db: Database, ids: Ids) -> None:
    with db.sessions.begin() as session:
        session.add(TargetRow(indicator_id=ids.indicators["IND1"], period="Q1-2026", value=3))
    problem = _only_problem(db)
    assert "target" in problem and "P1" in problem and "IND1" in problem and "'Q1-2026'" in problem


def test_a_value_at_a_site_of_another_programme(db: Database, ids: Ids) -> None:
    _add_value(db, ids, "IND1", "S2", "2026Q2", value=5)
    problem = _only_problem(db)
    assert problem == (
        "Programme P1: the data value of indicator IND1 for period 2026Q2 is at site S2, "
        "which belongs to programme P2."
    )


def test_a_target_at_a_site_of_another_programme(db: Database, ids: Ids) -> None:
    with db.sessions.begin() as session:
        session.add(
            TargetRow(indicator_id=ids.indicators["IND2"], period="2027", site_id=ids.sites["S1"], value=3)
        )
    problem = _only_problem(db)
    assert problem == (
        "Programme P2: the target of indicator IND2 for period 2027 is at site S1, which belongs to programme P1."
    )


@pytest.mark.parametrize(
    ("numbers", "missing"),
    [
        ({"value": 75.0}, "numerator and denominator"),
        ({"numerator": 3.0}, "denominator"),
        ({"denominator": 4.0}, "numerator"),
    ],
)
def test_a_percent_value_without_numerator_or_denominator(
    db: Database, ids: Ids, numbers: dict[str, float], missing: str
) -> None:
    _add_value(db, ids, "PCT1", "S1", "2026Q2", **numbers)
    problem = _only_problem(db)
    assert "PCT1" in problem and "S1" in problem and "2026Q2" in problem
    assert problem.endswith(f"without a {missing}.")


def test_a_numerator_greater_than_its_denominator(db: Database, ids: Ids) -> None:
    _add_value(db, ids, "PCT1", "S1", "2026Q2", numerator=5, denominator=4)
    problem = _only_problem(db)
    assert "PCT1" in problem and "S1" in problem and "2026Q2" in problem
    assert "numerator (5)" in problem and "denominator (4)" in problem


def test_a_result_whose_parent_is_in_another_programme(db: Database, ids: Ids) -> None:
    _set(db, ResultRow, ids.results["R2"], parent_id=ids.results["R1"])
    problem = _only_problem(db)
    assert problem == "Programme P2: result R2 has parent result R1, which belongs to programme P1."


def test_a_result_on_a_tier_of_another_programme(db: Database, ids: Ids) -> None:
    _set(db, ResultRow, ids.results["R2"], tier_id=ids.tiers["P1"])
    problem = _only_problem(db)
    assert "result R2" in problem and "tier 'Outcome'" in problem and "programme P1" in problem


def test_an_indicator_under_a_result_of_another_programme(db: Database, ids: Ids) -> None:
    _set(db, IndicatorRow, ids.indicators["IND2"], result_id=ids.results["R1"])
    problem = _only_problem(db)
    assert problem == "Programme P2: indicator IND2 belongs to result R1, which belongs to programme P1."


def test_a_site_whose_parent_is_in_another_programme(db: Database, ids: Ids) -> None:
    _set(db, SiteRow, ids.sites["S2"], parent_id=ids.sites["NE"])
    problem = _only_problem(db)
    assert problem == "Programme P2: site S2 has parent site NE, which belongs to programme P1."


def test_a_loop_in_the_results(db: Database, ids: Ids) -> None:
    _set(db, ResultRow, ids.results["R1"], parent_id=ids.results["R1.1"])
    problem = _only_problem(db)
    assert problem == "Programme P1: the parents of results go round in a loop: R1 → R1.1 → R1."


def test_a_result_that_is_its_own_parent(db: Database, ids: Ids) -> None:
    _set(db, ResultRow, ids.results["R2"], parent_id=ids.results["R2"])
    problem = _only_problem(db)
    assert problem == "Programme P2: the parents of results go round in a loop: R2 → R2."


def test_a_loop_in_the_sites(db: Database, ids: Ids) -> None:
    _set(db, SiteRow, ids.sites["NE"], parent_id=ids.sites["S1"])
    problem = _only_problem(db)
    assert problem == "Programme P1: the parents of sites go round in a loop: NE → S1 → NE."


def test_several_problems_are_all_reported(db: Database, ids: Ids) -> None:
    _add_value(db, ids, "IND1", "S2", "2026Q9", value=5)
    _set(db, SiteRow, ids.sites["NE"], parent_id=ids.sites["S1"])
    report = _check(db)
    assert not report.ok
    assert len(report.problems) == 3  # bad period, foreign site, site loop
    assert report.counts["data_value"] == 5


def test_a_flood_of_one_problem_is_summarised(db: Database, ids: Ids) -> None:
    with db.sessions.begin() as session:
        session.add_all(
            DataValueRow(
                indicator_id=ids.indicators["PCT1"],
                site_id=ids.sites["S1"],
                period=f"{2030 + i}Q1",
                combo_id=ids.total_combo,
                numerator=9,
                denominator=1,
            )
            for i in range(MAX_PROBLEMS_PER_CHECK + 7)
        )
        session.flush()
        value_summary.rebuild_all(session)
    report = _check(db)
    assert len(report.problems) == MAX_PROBLEMS_PER_CHECK + 1
    assert report.problems[-1] == "… and 7 more problems like the one above."


def test_checking_changes_nothing(db: Database, ids: Ids) -> None:
    _add_value(db, ids, "IND1", "S1", "nonsense", value=5)
    first = _check(db)
    assert _check(db) == first

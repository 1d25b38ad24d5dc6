# SPDX-License-Identifier: GPL-3.0-or-later
"""IpttService.by_site: one indicator's figures per reporting site, adding up to the programme's."""

from __future__ import annotations

import pytest

from pmdesk.domain.enums import Status
from pmdesk.domain.errors import NotFoundError
from pmdesk.storage.database import Database
from tests.unit.builders import Services, services, small_programme

P = "WASH-01"
F, M = {"SEX": "F"}, {"SEX": "M"}


@pytest.fixture
def s(db_holds_wash01: None, db: Database) -> Services:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=40)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", M, value=35)
    s.entry.set_value(P, "1.1", "2025Q1", "N02", F, value=10)
    s.entry.set_value(P, "1.1", "2025Q2", "N02", M, value=20.5)
    s.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=3, denominator=4)
    s.entry.set_value(P, "2.1", "2025Q1", "N02", numerator=1, denominator=4)
    s.entry.set_value(P, "3.1", "2025Q2", "N01", text="A new tap")
    s.targets.set_target(P, "1.1", "2025Q1", 50, site_code="N01")
    s.targets.set_target(P, "1.1", "2025Q2", 50, site_code="N01")
    return s


def test_reporting_sites_in_tree_order_with_their_own_actuals(s: Services) -> None:
    rows = s.iptt.by_site(P, "1.1", as_of="2025Q2")
    assert [(site.code, site.name, site.parent_code) for site, _ in rows] == [
        ("N01", "Kibera school", "N"),
        ("N02", "Mathare school", "N"),
    ]
    n01, n02 = (row.figures for _, row in rows)
    assert [p.period for p in n01.periods] == ["2025Q1", "2025Q2"]
    assert [p.actual for p in n01.periods] == [75, None]
    assert [p.actual for p in n02.periods] == [10, 20.5]
    assert rows[0][1].code == "1.1" and rows[0][1].result_code == "O1"


def test_default_as_of_is_the_latest_period_every_site_reported(s: Services) -> None:
    # 2025Q2: 1.1 holds only Mathare's value, 3.1 only Kibera's: each 1 of 2 sites.
    assert s.iptt.table(P).as_of == "2025Q1"
    assert [p.period for p in s.iptt.by_site(P, "1.1")[0][1].figures.periods] == ["2025Q1"]


def test_number_actuals_add_up_to_the_programme_figures(s: Services) -> None:
    table = s.iptt.table(P)
    programme = next(r for r in table.rows if r.code == "1.1").figures
    sites = [row.figures for _, row in s.iptt.by_site(P, "1.1", as_of=table.as_of)]
    for i, period in enumerate(programme.periods):
        assert sum(f.periods[i].actual or 0 for f in sites) == period.actual
    assert sum(f.to_date.actual or 0 for f in sites) == programme.to_date.actual
    assert sum(f.lop.actual or 0 for f in sites) == programme.lop.actual


def test_site_targets_give_each_site_its_own_pct_met_and_status(s: Services) -> None:
    (_, n01), (_, n02) = s.iptt.by_site(P, "1.1", as_of="2025Q2")
    q1 = n01.figures.periods[0]
    assert (q1.target, q1.actual, q1.pct_met) == (50, 75, 150)
    assert n01.figures.to_date.target == 100 and n01.figures.to_date.status is Status.AT_RISK
    assert n01.figures.lop.target == 100  # no LoP target per site: the sum of its period targets
    assert n02.figures.to_date.target is None and n02.figures.to_date.status is Status.NO_TARGET


def test_percent_is_the_ratio_of_the_site_sums(s: Services) -> None:
    (_, n01), (_, n02) = s.iptt.by_site(P, "2.1", as_of="2025Q1")
    assert n01.figures.periods[0].actual == 75
    assert n02.figures.periods[0].actual == 25
    programme = next(r for r in s.iptt.table(P, as_of="2025Q1").rows if r.code == "2.1")
    assert programme.figures.periods[0].actual == 50  # (3 + 1) ÷ (4 + 4), not the mean of 75 and 25


def test_qualitative_texts_per_site_without_the_site_name(s: Services) -> None:
    (_, n01), (_, n02) = s.iptt.by_site(P, "3.1", as_of="2025Q2")
    assert n01.figures.periods[1].text == "A new tap"
    assert n02.figures.periods[1].text is None


def test_approved_only_counts_approved_values(s: Services) -> None:
    s.entry.submit(P, "N02", "2025Q1")
    s.entry.approve(P, "N02", "2025Q1")
    rows = s.iptt.by_site(P, "1.1", approved_only=True)
    assert [p.period for p in rows[0][1].figures.periods] == ["2025Q1"]  # latest approved data
    assert [(site.code, row.figures.periods[0].actual) for site, row in rows] == [("N01", None), ("N02", 10)]


def test_a_parent_site_with_values_of_its_own_is_listed(s: Services) -> None:
    s.entry.set_value(P, "1.1", "2025Q1", "N", F, value=5)
    rows = s.iptt.by_site(P, "1.1", as_of="2025Q1")
    assert [(site.code, row.figures.periods[0].actual) for site, row in rows] == [
        ("N", 5),
        ("N01", 75),
        ("N02", 10),
    ]
    total = next(r for r in s.iptt.table(P, as_of="2025Q1").rows if r.code == "1.1")
    assert total.figures.periods[0].actual == 90


def test_unknown_indicator_or_period_is_refused(s: Services) -> None:
    with pytest.raises(NotFoundError):
        s.iptt.by_site(P, "9.9")
    with pytest.raises(NotFoundError):
        s.iptt.by_site(P, "1.1", as_of="2031Q1")


def test_a_programme_without_data_lists_every_period(db: Database) -> None:
    s = small_programme(db)
    rows = s.iptt.by_site(P, "1.1")
    assert len(rows) == 2
    assert [p.period for p in rows[0][1].figures.periods] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]

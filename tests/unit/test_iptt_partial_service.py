# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo after one school of eleven entered its 2026Q3 form (issue #7 §1): the IPTT says so."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmdesk.formats.iptt_text import iptt_csv, iptt_json, iptt_text
from pmdesk.services.actor import Actor
from pmdesk.services.data_entry import DataEntryService
from pmdesk.services.demo import DEMO_CODE, DemoService
from pmdesk.services.iptt import IpttRow, IpttService, IpttTable
from pmdesk.storage.database import Database, open_database

SCHOOL = "LAK-01"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("partial") / "demo.sqlite"
    db = open_database(path, actor="tester")
    actor = Actor(db.actor, db.device_uuid)
    DemoService(db.sessions, actor, db.path).create_demo()
    entry = DataEntryService(db.sessions, actor)
    entry.set_value(DEMO_CODE, "G.2", "2026Q3", SCHOOL, {"SEX": "F"}, value=350)
    entry.set_value(DEMO_CODE, "G.2", "2026Q3", SCHOOL, {"SEX": "M"}, value=330)
    entry.set_value(DEMO_CODE, "G.1", "2026Q3", SCHOOL, numerator=2, denominator=500)
    entry.set_value(DEMO_CODE, "1.1.2", "2026Q3", SCHOOL, value=3)
    yield db
    db.close()


@pytest.fixture(scope="module")
def iptt(demo_db: Database) -> IpttService:
    return IpttService(demo_db.sessions)


@pytest.fixture(scope="module")
def at_q3(iptt: IpttService) -> IpttTable:
    return iptt.table(DEMO_CODE, as_of="2026Q3")


def _row(table: IpttTable, code: str) -> IpttRow:
    return next(r for r in table.rows if r.code == code)


def test_default_as_of_is_the_latest_complete_period(iptt: IpttService) -> None:
    table = iptt.table(DEMO_CODE)
    assert (table.as_of, table.default_as_of) == ("2026Q2", "2026Q2")
    assert table.partial_periods == {"2026Q3": 1}
    assert table.sites_expected == 11


def test_each_period_carries_its_reporting_rate(at_q3: IpttTable) -> None:
    enrolled = _row(at_q3, "G.2").figures.periods
    assert [(p.sites_reported, p.sites_expected) for p in enrolled][-2:] == [(11, 11), (1, 11)]
    assert [p.is_partial for p in enrolled][-2:] == [False, True]
    assert enrolled[-1].actual == 680  # the period still shows what was reported
    # An indicator nobody reported in Q3 is not partial there: it has no actual at all.
    latrines = _row(at_q3, "2.2").figures.periods[-1]
    assert (latrines.sites_reported, latrines.actual, latrines.is_partial) == (0, None, False)


def test_running_total_and_percent_rest_on_the_latest_complete_period(
    iptt: IpttService, at_q3: IpttTable
) -> None:
    at_q2 = iptt.table(DEMO_CODE, as_of="2026Q2")
    for code in ("G.2", "G.1"):
        partial_view, complete_view = _row(at_q3, code).figures, _row(at_q2, code).figures
        assert partial_view.to_date == complete_view.to_date
        assert partial_view.to_date.period == "2026Q2"
        assert partial_view.to_date.partial is False
    # Q2's actual against Q2's target, not 680 of Q3's 5,550
    enrolled = _row(at_q3, "G.2").figures
    assert enrolled.to_date.target == enrolled.periods[-2].target
    assert enrolled.to_date.actual == enrolled.periods[-2].actual


def test_a_sum_over_the_partial_period_is_marked_partial(at_q3: IpttTable) -> None:
    to_date = _row(at_q3, "1.1.2").figures.to_date
    assert (to_date.partial, to_date.sites_reported, to_date.sites_expected) == (True, 1, 11)


def test_a_subtree_expects_its_own_schools(iptt: IpttService) -> None:
    lakeside = iptt.table(DEMO_CODE, as_of="2026Q3", site_code="LAK")
    q3 = _row(lakeside, "G.2").figures.periods[-1]
    assert (q3.sites_reported, q3.sites_expected) == (1, 4)
    assert iptt.table(DEMO_CODE, site_code="HIL").as_of == "2026Q2"


def test_approved_only_counts_only_approved_values(iptt: IpttService) -> None:
    table = iptt.table(DEMO_CODE, as_of="2026Q3", approved_only=True)
    assert _row(table, "G.2").figures.periods[-1].sites_reported == 0  # the new form is a draft


def test_by_site_adds_up_to_the_total_and_shows_who_reported(iptt: IpttService, at_q3: IpttTable) -> None:
    sites = iptt.by_site(DEMO_CODE, "G.2", as_of="2026Q3")
    q3 = [row.figures.periods[-1] for _, row in sites]
    assert sum(p.actual or 0 for p in q3) == _row(at_q3, "G.2").figures.periods[-1].actual
    assert [site.code for site, row in sites if row.figures.periods[-1].actual is not None] == [SCHOOL]
    assert iptt.by_site(DEMO_CODE, "G.2")[0][1].figures.periods[-1].period == "2026Q2"


def test_json_csv_and_text_carry_the_rate_and_the_partial_mark(at_q3: IpttTable) -> None:
    data = {i["code"]: i for i in iptt_json(at_q3)["indicators"]}
    q3 = data["G.2"]["periods"][-1]
    assert (q3["period"], q3["sites_reported"], q3["sites_expected"]) == ("2026Q3", 1, 11)
    assert data["G.2"]["to_date"]["partial"] is False
    assert data["1.1.2"]["to_date"]["partial"] is True

    rows = list(csv.DictReader(io.StringIO(iptt_csv(at_q3))))
    enrolled = next(r for r in rows if r["indicator"] == "G.2" and r["period"] == "2026Q3")
    assert (enrolled["sites_reported"], enrolled["sites_expected"], enrolled["to_date_partial"]) == (
        "1",
        "11",
        "false",
    )
    assert next(r for r in rows if r["indicator"] == "1.1.2")["to_date_partial"] == "true"

    text = iptt_text(at_q3)
    assert "As of 2026Q3 (partial (1 of 11 sites))" in text
    line = next(line for line in text.splitlines() if line.strip().startswith("1.1.2"))
    assert "· partial (1 of 11 sites)" in line and "(1/11 sites)" in line
    assert "latest complete period" in text


def test_excel_carries_the_rate_and_the_partial_mark(at_q3: IpttTable, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from pmdesk.formats.iptt_workbook import FIRST_BODY_ROW, HEADER_ROW, IPTT_SHEET, write_iptt_workbook

    path = tmp_path / "iptt.xlsx"
    write_iptt_workbook(at_q3, path)
    sheet = load_workbook(path)[IPTT_SHEET]
    rows = {
        sheet.cell(row=r, column=1).value: r
        for r in range(FIRST_BODY_ROW, sheet.max_row + 1)
        if sheet.cell(row=r, column=1).value
    }
    sites_columns = [c for c in range(1, sheet.max_column + 1) if sheet.cell(HEADER_ROW, c).value == "Sites"]
    assert len(sites_columns) == 7  # 2025Q1 … 2026Q3
    enrolled = [sheet.cell(rows["G.2"], c).value for c in sites_columns]
    assert enrolled[-2:] == ["11 of 11", "partial: 1 of 11"]
    statuses = [sheet.cell(rows["1.1.2"], c).value for c in range(1, sheet.max_column + 1)]
    assert any(isinstance(v, str) and v.endswith("· partial (1 of 11 sites)") for v in statuses)
    assert "partial (1 of 11 sites)" in sheet["B3"].value


def test_a_value_on_a_district_is_summed_but_is_not_a_school_report(db: Database) -> None:
    from tests.unit.builders import small_programme

    s = small_programme(db)  # sites N > N01, N02
    s.entry.set_value("WASH-01", "1.1", "2025Q1", "N", {"SEX": "F"}, value=5)
    s.entry.set_value("WASH-01", "1.1", "2025Q1", "N01", {"SEX": "F"}, value=7)
    table = s.iptt.table("WASH-01")
    q1 = _row(table, "1.1").figures.periods[0]
    assert (q1.actual, q1.sites_reported, q1.sites_expected) == (12, 1, 2)
    assert table.partial_periods == {"2025Q1": 1}

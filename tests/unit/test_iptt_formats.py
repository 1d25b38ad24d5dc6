# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT as JSON (exactly the keys of DESIGN.md §8), as neutralised CSV and as a text table."""

from __future__ import annotations

import csv
import io
import json

import pytest

from pmdesk.domain.enums import Measure
from pmdesk.formats.csv_safe import neutralise
from pmdesk.formats.iptt_text import (
    CSV_COLUMNS,
    display_number,
    iptt_csv,
    iptt_json,
    iptt_text,
)
from pmdesk.services.framework_records import IndicatorData
from pmdesk.storage.database import Database
from tests.unit.builders import Services, services

TOP_KEYS = {"programme", "as_of", "site", "indicators"}
INDICATOR_KEYS = {
    "code",
    "name",
    "result",
    "measure",
    "direction",
    "cumulation",
    "baseline",
    "periods",
    "lop",
    "to_date",
}
PERIOD_KEYS = {"period", "target", "actual", "pct_met", "sites_reported", "sites_expected"}
LOP_KEYS = {"target", "actual", "pct_met"}
TO_DATE_KEYS = {"target", "actual", "pct_met", "progress_from_baseline", "status", "partial"}


@pytest.fixture
def s(db_holds_wash01: None, db: Database) -> Services:
    """small_programme with data in Q1 and Q2: 1.1 by sex at two sites, 2.1 as a ratio, 3.1 as text."""
    s = services(db)  # db holds small_programme (tests/conftest.py)
    for period, f, m in (("2025Q1", 40, 47), ("2025Q2", 30, 33)):
        s.entry.set_value("WASH-01", "1.1", period, "N01", {"SEX": "F"}, value=f)
        s.entry.set_value("WASH-01", "1.1", period, "N02", {"SEX": "M"}, value=m)
    s.entry.set_value("WASH-01", "2.1", "2025Q1", "N01", numerator=3, denominator=8)
    s.entry.set_value("WASH-01", "2.1", "2025Q2", "N02", numerator=5, denominator=7)
    s.entry.set_value("WASH-01", "3.1", "2025Q2", "N01", text="Girls stay in school during menses")
    return s


def test_json_has_exactly_the_keys_of_design_section_8(s: Services) -> None:
    data = iptt_json(s.iptt.table("WASH-01"))
    assert set(data) == TOP_KEYS
    assert data["programme"] == "WASH-01"
    assert data["as_of"] == "2025Q2"
    assert data["site"] is None
    assert [i["code"] for i in data["indicators"]] == ["3.1", "1.1", "2.1"]  # framework order: G, then O1
    for item in data["indicators"]:
        assert set(item) == INDICATOR_KEYS
        assert set(item["lop"]) == LOP_KEYS
        assert set(item["to_date"]) == TO_DATE_KEYS
        extra = {"text"} if item["measure"] == "qualitative" else set()
        assert [p["period"] for p in item["periods"]] == ["2025Q1", "2025Q2"]
        for period in item["periods"]:
            assert set(period) == PERIOD_KEYS | extra
    json.dumps(data, allow_nan=False)  # plain JSON, one object


def test_json_numbers_are_unrounded_floats_and_null_without_figure(s: Services) -> None:
    by_code = {i["code"]: i for i in iptt_json(s.iptt.table("WASH-01"))["indicators"]}
    pupils = by_code["1.1"]
    assert pupils["result"] == "O1"
    assert (pupils["measure"], pupils["direction"], pupils["cumulation"]) == (
        "number",
        "increase",
        "periodic",
    )
    assert pupils["baseline"] == 0.0 and isinstance(pupils["baseline"], float)
    assert pupils["periods"][0] == {
        "period": "2025Q1",
        "target": 100.0,
        "actual": 87.0,
        "pct_met": 87.0,
        "sites_reported": 2,
        "sites_expected": 2,
    }
    assert all(isinstance(p["actual"], float) for p in pupils["periods"])
    assert pupils["lop"] == {"target": 500.0, "actual": 150.0, "pct_met": 30.0}
    assert pupils["to_date"] == {
        "target": 200.0,
        "actual": 150.0,
        "pct_met": 75.0,
        "progress_from_baseline": 75.0,
        "status": "at_risk",
        "partial": False,
    }
    ratio = by_code["2.1"]
    assert ratio["periods"][0]["actual"] == 100 * 3 / 8  # never rounded
    assert ratio["periods"][1]["actual"] == 100 * 5 / 7
    text = by_code["3.1"]
    assert text["periods"][0] == {
        "period": "2025Q1",
        "target": None,
        "actual": None,
        "pct_met": None,
        "text": None,
        "sites_reported": 0,
        "sites_expected": 2,
    }
    assert text["periods"][1]["text"] == "Kibera school: Girls stay in school during menses"
    assert text["baseline"] is None


def test_json_for_a_site_and_an_earlier_period(s: Services) -> None:
    data = iptt_json(s.iptt.table("WASH-01", as_of="2025Q1", site_code="N01"))
    assert (data["site"], data["as_of"]) == ("N01", "2025Q1")
    pupils = next(i for i in data["indicators"] if i["code"] == "1.1")
    assert [p["actual"] for p in pupils["periods"]] == [40.0]
    assert pupils["to_date"]["target"] is None and pupils["to_date"]["status"] == "no_target"


def test_csv_has_one_row_per_indicator_and_period(s: Services) -> None:
    rows = list(csv.DictReader(io.StringIO(iptt_csv(s.iptt.table("WASH-01")))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 3 * 2
    first = next(r for r in rows if r["indicator"] == "1.1" and r["period"] == "2025Q1")
    assert (first["target"], first["actual"], first["pct_met"]) == ("100", "87", "87")
    assert (first["to_date_target"], first["to_date_actual"], first["status"]) == ("200", "150", "at_risk")
    assert (first["lop_target"], first["result"], first["unit"]) == ("500", "O1", "people")
    ratio = next(r for r in rows if r["indicator"] == "2.1" and r["period"] == "2025Q2")
    assert float(ratio["actual"]) == 100 * 5 / 7  # full precision
    text = next(r for r in rows if r["indicator"] == "3.1" and r["period"] == "2025Q2")
    assert text["text"].endswith("Girls stay in school during menses")
    assert text["actual"] == ""


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_prefixes_formula_starts(start: str) -> None:
    assert neutralise(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


def test_neutralise_leaves_plain_text() -> None:
    assert neutralise("Pupils reached") == "Pupils reached"
    assert neutralise("") == ""


def test_csv_neutralises_user_text_but_keeps_negative_numbers(s: Services) -> None:
    s.framework.save_indicator(
        "WASH-01",
        IndicatorData(
            "4.1", '=HYPERLINK("http://x","y")', "O1", Measure.NUMBER, unit="@unit", baseline_value=50
        ),
    )
    s.targets.set_target("WASH-01", "4.1", "2025Q1", 100)
    s.entry.set_value("WASH-01", "4.1", "2025Q1", "N01", value=25)
    s.entry.set_value("WASH-01", "3.1", "2025Q1", "N01", text="-1+2 wells")
    rows = list(csv.DictReader(io.StringIO(iptt_csv(s.iptt.table("WASH-01")))))
    hostile = next(r for r in rows if r["indicator"] == "4.1" and r["period"] == "2025Q1")
    assert hostile["name"] == '\'=HYPERLINK("http://x","y")'
    assert hostile["unit"] == "'@unit"
    # (25 − 50) ÷ (100 − 50): moving away from the target is a number, not a formula.
    assert hostile["progress_from_baseline"] == "-50"
    texts = [r["text"] for r in rows if r["indicator"] == "3.1" and r["text"]]
    assert all(not t.startswith(("=", "+", "-", "@")) for t in texts)


def test_display_number_rounds_to_two_decimals_at_most() -> None:
    assert display_number(None) == "-"
    assert display_number(87.0) == "87"
    assert display_number(100 * 5 / 7) == "71.43"
    assert display_number(37.5) == "37.5"
    assert display_number(-0.001) == "0"
    assert display_number(1234567.891) == "1234567.89"


def test_text_groups_indicators_under_their_results(s: Services) -> None:
    text = iptt_text(s.iptt.table("WASH-01"))
    lines = text.splitlines()
    assert lines[0] == "IPTT WASH-01: Clean water for rural schools"
    assert "As of 2025Q2" in lines[1] and "all sites" in lines[1]
    goal = lines.index("Goal G: Healthier children")
    outcome = lines.index("  Outcome O1: Schools have safe water")
    assert goal < outcome
    qualitative = next(i for i, line in enumerate(lines) if line.strip().startswith("3.1"))
    pupils = next(i for i, line in enumerate(lines) if line.strip().startswith("1.1"))
    assert goal < qualitative < outcome < pupils
    header = next(line for line in lines if line.startswith("Indicator"))
    assert header.split()[-2:] == ["2025Q1", "2025Q2"]
    # to-date target, actual, % met, status, then each period's actual
    assert lines[pupils].split()[-7:] == ["200", "150", "75", "at", "risk", "87", "63"]
    ratio = next(line for line in lines if line.strip().startswith("2.1"))
    assert "71.43" in ratio and "37.5" in ratio
    assert "rounded to at most 2 decimals" in text


def test_text_columns_line_up(s: Services) -> None:
    lines = iptt_text(s.iptt.table("WASH-01")).splitlines()
    header = next(line for line in lines if line.startswith("Indicator"))
    pupils = next(line for line in lines if line.strip().startswith("1.1"))
    # The last period column is right-aligned under its heading.
    assert len(pupils) == len(header)


def test_text_for_a_site_says_so(s: Services) -> None:
    text = iptt_text(s.iptt.table("WASH-01", site_code="N", approved_only=True))
    assert "N North district" in text.splitlines()[1]
    assert "approved values only" in text.splitlines()[1]

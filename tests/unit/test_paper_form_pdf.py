# SPDX-License-Identifier: GPL-3.0-or-later
"""Paper data-collection forms: the data-entry grid's order on paper, options as columns, last
period's values pre-filled small, one form per site of a district; and `pmdesk form` end to end."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from pmdesk import cli
from pmdesk.domain.errors import NotFoundError
from pmdesk.reports.paper_form_pdf import forms_for
from pmdesk.reports.reporter import Reports
from pmdesk.services.actor import Actor
from pmdesk.services.entry_grid import EntryGridService
from pmdesk.services.framework import IndicatorData
from pmdesk.storage.database import Database, open_database
from tests.unit.builders import Services, services

P = "WASH-01"


def text_of(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(path).pages).split())


@pytest.fixture
def built(db_holds_wash01: None, db: Database) -> tuple[Reports, Services]:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.sites.update_site(P, "N01", name="École <Kibera> & Σχολείο")
    s.framework.save_indicator(P, IndicatorData("1.2", "Кружки <mugs> R&D", "O1", unit="a < b"))
    s.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=12)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "M"}, value=9)
    s.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=31, denominator=40)
    s.entry.set_value(P, "3.1", "2025Q1", "N01", text="Girls <stay> in school & learn")
    return Reports(db.sessions, Actor(db.actor, db.device_uuid)), s


def grid_order(db: Database, site: str, period: str) -> list[str]:
    """What the data-entry screen lists, in order: each indicator's code, then its options."""
    grid = EntryGridService(db.sessions).grid(P, site, period)
    out: list[str] = []
    for result in grid.results:
        for indicator in grid.indicators_of(result.id):
            out.append(f"{indicator.code} {indicator.name}")
            out.extend(combo.label for combo in indicator.combos)
    return out


def in_order(text: str, words: list[str]) -> bool:
    at = 0
    for word in words:
        found = text.find(word, at)
        if found < 0:
            return False
        at = found + len(word)
    return True


def test_a_blank_form_follows_the_data_entry_order(
    built: tuple[Reports, Services], db: Database, tmp_path: Path
) -> None:
    reports, _s = built
    report = reports.paper_form(P, "N01", "2025Q2", tmp_path / "form.pdf")
    assert report.pages == 1
    text = text_of(report.path)
    for expected in (
        "Data collection form",
        "WASH-01 · Clean water for rural schools",
        "N01 · École <Kibera> & Σχολείο",
        "2025 Q2 (2025Q2)",
        "Form: blank",
        "Collected by",
        "Date",
        "Signature",
        "Кружки <mugs> R&D",
        "a < b",
        "Numerator",
        "Denominator",
        "Comment",
        "target 100",
        "target 70 %",
    ):
        assert expected in text, expected
    order = grid_order(db, "N01", "2025Q2")
    assert order[0].startswith("3.1") and "Female" in order and "Male" in order
    assert in_order(text, order), (order, text)
    assert "2025 Q1:" not in text  # nothing pre-filled
    assert b"/URI" not in report.path.read_bytes()


def test_a_prefilled_form_shows_last_periods_values_small(
    built: tuple[Reports, Services], tmp_path: Path
) -> None:
    reports, _s = built
    report = reports.paper_form(P, "N01", "2025Q2", tmp_path / "pre.pdf", prefilled=True)
    text = text_of(report.path)
    assert "pre-filled with the values of 2025 Q1" in text
    for expected in (
        "2025 Q1: 12",
        "2025 Q1: 9",
        "Numerator 2025 Q1: 31",
        "Denominator 2025 Q1: 40",
        "2025 Q1: Girls <stay> in school & learn",
    ):
        assert expected in text, expected
    assert in_order(text, ["2025 Q1: Girls", "Female", "2025 Q1: 12", "2025 Q1: 9", "2025 Q1: 31"])
    # The first period has no period before it: the form is blank.
    first = reports.paper_form(P, "N01", "2025Q1", tmp_path / "first.pdf", prefilled=True)
    assert "2025 Q1:" not in text_of(first.path)


def test_a_district_prints_one_form_per_site_below_it(
    built: tuple[Reports, Services], tmp_path: Path
) -> None:
    reports, _s = built
    calls: list[str] = []
    report = reports.paper_form(
        P, "N", "2025Q2", tmp_path / "n.pdf", progress=lambda _d, _t, m: calls.append(m)
    )
    pages = [page.extract_text() for page in pypdf.PdfReader(report.path).pages]
    assert report.pages == len(pages) == 2
    assert "N01 · École" in pages[0] and "N02 · Mathare school" in pages[1]
    assert calls[-1] == "Done"
    assert forms_for("N", [("N", None), ("N01", "N"), ("N02", "N")]) == ["N01", "N02"]
    assert forms_for("N02", [("N", None), ("N01", "N"), ("N02", "N")]) == ["N02"]
    deep = [("C", None), ("R", "C"), ("D", "R"), ("S1", "D"), ("S2", "R")]
    assert forms_for("C", deep) == ["S1", "S2"]


def test_unknown_sites_and_periods_are_refused(built: tuple[Reports, Services], tmp_path: Path) -> None:
    reports, _s = built
    with pytest.raises(NotFoundError, match="no site 'X9'; its sites are N, N01, N02"):
        reports.paper_form(P, "X9", "2025Q2", tmp_path / "x.pdf")
    with pytest.raises(NotFoundError, match="not a reporting period"):
        reports.paper_form(P, "N01", "2031Q2", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_the_form_command_end_to_end(
    built: tuple[Reports, Services],
    db: Database,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = db.path
    db.close()
    out = tmp_path / "form.pdf"
    args = [
        "--db",
        str(path),
        "form",
        P,
        "--site",
        "N01",
        "--period",
        "2025 Q2",
        "--prefilled",
        "-o",
        str(out),
    ]
    assert cli.main(args) == 0
    assert "(1 page)" in capsys.readouterr().err
    assert "2025 Q1: 12" in text_of(out)
    assert cli.main(["--db", str(path), "form", P, "--site", "N", "--period", "2025Q3", "-o", str(out)]) == 0
    assert "(2 pages)" in capsys.readouterr().err
    assert cli.main(["--db", str(path), "form", P, "--site", "N01", "--period", "Q9", "-o", str(out)]) == 1
    assert "its periods are 2025Q1, 2025Q2, 2025Q3, 2025Q4" in capsys.readouterr().err


def test_the_form_command_beside_an_open_window(
    db_holds_wash01: None, db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # db holds small_programme (tests/conftest.py)
    path = db.path
    db.close()
    out = tmp_path / "form.pdf"
    args = ["--db", str(path), "form", P, "--site", "N01", "--period", "2025Q2", "-o", str(out)]
    window = open_database(path, lock=True, actor="window")
    try:
        # No grid has shown the option combinations yet, and the file is the window's to write.
        assert cli.main(args) == 1
        assert "open Data entry for this site and period in PMDesk once" in capsys.readouterr().err
        EntryGridService(window.sessions).grid(P, "N01", "2025Q2")  # the window's grid stores them
        assert cli.main(args) == 0
        assert "Female" in text_of(out)
    finally:
        window.close()

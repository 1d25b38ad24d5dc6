# SPDX-License-Identifier: GPL-3.0-or-later
"""Indicator reference sheets (PIRS) as a PDF: every field label and value, one page per indicator,
targets by period and site; and `pmdesk pirs` end to end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdf
import pytest

from pmdesk import cli
from pmdesk.domain.enums import Cumulation, Direction, Measure
from pmdesk.domain.errors import NotFoundError
from pmdesk.reports.reference_sheets_pdf import FIELD_LABELS, NOT_SET, sheet_fields
from pmdesk.reports.reporter import Reports
from pmdesk.services.actor import Actor
from pmdesk.services.framework import IndicatorData
from pmdesk.storage.database import Database
from tests.unit.builders import Services, services


def pages_of(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages]


@pytest.fixture
def built(db_holds_wash01: None, db: Database) -> tuple[Reports, Services]:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.sites.save_person("WASH-01", "nat", "Наталья <Иванова>", organisation="R&D Ltd", role="M&E a < b")
    s.framework.save_indicator(
        "WASH-01",
        IndicatorData(
            "1.2",
            "Latrines <built> in São Tomé",
            "O1",
            Measure.NUMBER,
            Direction.DECREASE,
            Cumulation.CUMULATIVE,
            unit="latrines",
            definition='Blocks of latrines <img src="http://x"> handed over & used',
            disaggregations=("SEX",),
            baseline_value=12.5,
            baseline_date=date(2024, 12, 31),
            baseline_note="Ελληνικά survey",
            lop_target=340,
            data_source="Handover certificates",
            collection_method="Site visit",
            frequency="quarterly",
            responsible_code="nat",
            means_of_verification="Photos & signed forms",
            rationale="Girls stay in school",
        ),
    )
    s.targets.set_target("WASH-01", "1.2", "2025Q1", 40)
    s.targets.set_target("WASH-01", "1.2", "2025Q3", 1234.5)
    s.targets.set_target("WASH-01", "1.2", "2025Q1", 7, site_code="N01")
    return Reports(db.sessions, Actor(db.actor, db.device_uuid)), s


def test_every_field_label_and_value_is_printed(built: tuple[Reports, Services], tmp_path: Path) -> None:
    reports, s = built
    report = reports.reference_sheets("WASH-01", tmp_path / "pirs.pdf", indicator_codes=["1.2"])
    pages = pages_of(report.path)
    assert report.pages == len(pages) == 2  # the contents, then the one sheet
    sheet = pages[1]
    assert sheet.startswith("Indicator 1.2: Latrines <built> in São Tomé")
    for label in FIELD_LABELS:
        assert label in sheet, label
    info = s.framework.get_indicator("WASH-01", "1.2")
    results = {r.code: r for r in s.framework.list_results("WASH-01")}
    disaggregations = {d.code: d for d in s.framework.list_disaggregations("WASH-01")}
    people = {p.code: p for p in s.sites.list_people("WASH-01")}
    fields = sheet_fields(info, results, disaggregations, people)
    assert [label for label, _value in fields] == list(FIELD_LABELS)
    for label, value in fields:
        for line in value.split("\n"):
            assert " ".join(line.split()) in sheet, (label, line)
    for expected in (
        'Blocks of latrines <img src="http://x"> handed over & used',
        "Goal G: Healthier children",
        "Outcome O1: Schools have safe water",
        "Decrease is better",
        "Sex (SEX): Female, Male",
        "Наталья <Иванова>, M&E a < b (R&D Ltd)",
        "Photos & signed forms",
        "12.5",
        "2024-12-31",
        "Ελληνικά survey",
        "340",
        "Targets per period",
        "2025 Q1 2025 Q3",
        "Programme 40 1234.5",
        "N01 Kibera school 7",
    ):
        assert expected in sheet, expected
    assert b"/URI" not in report.path.read_bytes()


def test_one_page_per_indicator_and_empty_fields_say_so(
    built: tuple[Reports, Services], tmp_path: Path
) -> None:
    reports, s = built
    report = reports.reference_sheets("WASH-01", tmp_path / "all.pdf")
    pages = pages_of(report.path)
    codes = [i.data.code for i in s.framework.list_indicators("WASH-01")]
    assert report.pages == len(codes) + 1
    for code, page in zip(codes, pages[1:], strict=True):
        assert page.startswith(f"Indicator {code}:")
    assert all(code in pages[0] for code in codes)  # the contents
    qualitative = next(p for p in pages if p.startswith("Indicator 3.1:"))
    assert NOT_SET in qualitative and "no numeric targets" in qualitative
    percent = next(p for p in pages if p.startswith("Indicator 2.1:"))
    assert "Programme 60 % 70 % 80 % 90 %" in percent


def test_unknown_indicators_are_named(built: tuple[Reports, Services], tmp_path: Path) -> None:
    reports, _s = built
    with pytest.raises(NotFoundError, match=r"no indicator 9\.9; its indicators are 1\.1, 2\.1"):
        reports.reference_sheets("WASH-01", tmp_path / "x.pdf", indicator_codes=["1.1", "9.9"])


def test_the_pirs_command_end_to_end(
    built: tuple[Reports, Services],
    db: Database,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    order = [
        i.data.code for i in built[1].framework.list_indicators("WASH-01") if i.data.code in ("1.2", "2.1")
    ]
    path = db.path
    db.close()
    out = tmp_path / "pirs.pdf"
    assert (
        cli.main(
            ["--db", str(path), "pirs", "WASH-01", "--indicator", "2.1", "--indicator", "1.2", "-o", str(out)]
        )
        == 0
    )
    assert "(3 pages)" in capsys.readouterr().err
    pages = pages_of(out)
    assert [page.split(":")[0] for page in pages[1:]] == [f"Indicator {code}" for code in order]
    assert cli.main(["--db", str(path), "pirs", "NOPE", "-o", str(out)]) == 1
    assert cli.main(["--db", str(path), "pirs", "WASH-01", "-o", str(tmp_path / "pirs.txt")]) == 2
    assert "must end in .pdf" in capsys.readouterr().err


def test_a_cancelled_run_writes_no_file(built: tuple[Reports, Services], tmp_path: Path) -> None:
    reports, _s = built

    class Cancelled(Exception):
        pass

    def progress(done: int, _total: int, _message: str) -> None:
        if done >= 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        reports.reference_sheets("WASH-01", tmp_path / "c.pdf", progress=progress)
    assert not (tmp_path / "c.pdf").exists()

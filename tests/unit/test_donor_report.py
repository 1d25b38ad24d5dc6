# SPDX-License-Identifier: GPL-3.0-or-later
"""The donor report PDF parsed back with pypdf: every section, every indicator, the IPTT's numbers as
the IPTT's text writes them, hostile and non-Latin names verbatim, missing explanations listed, the
contents' page numbers right; the breakdown by option; and `pmdesk report` end to end."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from sqlalchemy import select, update

from pmdesk import cli
from pmdesk.domain.enums import Measure, Status
from pmdesk.reports.donor_report import write_donor_report
from pmdesk.reports.donor_report_sections import EXPLANATION_MISSING
from pmdesk.reports.iptt_pdf import display_figure
from pmdesk.reports.reporter import Reports
from pmdesk.services.actions import ActionData, ActionService
from pmdesk.services.actor import Actor
from pmdesk.services.disaggregation import NOT_DISAGGREGATED, DisaggregationService
from pmdesk.services.iptt import IpttService
from pmdesk.services.learning import FeedbackData, LearningService
from pmdesk.services.packages import PackageService
from pmdesk.services.variance import VarianceService
from pmdesk.storage.database import Database, open_database
from pmdesk.storage.loop_models import AlertRow
from pmdesk.storage.models import IndicatorRow, SiteRow
from tests.unit.loop_builders import lesson, meeting_with_decision, programme_id

CODE = "HOST-1"
PROGRAMME = "Eau & Santé <b>pour tous</b> — Ελληνικά"
DONOR = "R&D Фонд <i>x</i>"
RESULT = "Schools a < b have water"
SITE_1 = "École São Tomé"
SITE_2 = '<img src="http://x">'
INDICATORS = {
    "1.1": "Pupils <b>reached</b> & R&D",
    "1.2": "Кириллица: water points built",
    "2.1": "Écoles avec eau potable (Ελληνικά)",
    "3.1": "Histoire <i>du</i> changement",
}
FEMALE, MALE = "Féminin", "Мужской"
DECISION = "Décision: <b>stop</b> the pumps & R&D a < b"
EXPLANATION = "Rains & roads: <u>two</u> schools a < b were cut off — Ελληνικά."
QUALITATIVE_TEXT = "Les élèves <script>disent</script> merci"
HEADINGS = [
    "Contents",
    "Summary of status",
    "Reporting completeness",
    "Variance explanations",
    "Indicator performance tracking table (IPTT)",
    "Indicators",
    "Alerts raised",
    "Meetings: decisions and actions",
    "Lessons learned",
    "Feedback received",
    "Notes on the figures",
]


def package() -> dict[str, Any]:
    def value(ind: str, period: str, site: str, amount: float, sex: str | None = None) -> dict[str, Any]:
        item: dict[str, Any] = {"indicator": ind, "period": period, "site": site, "value": amount}
        if sex:
            item["options"] = {"SEX": sex}
        return item

    def ratio(period: str, site: str, num: float, den: float) -> dict[str, Any]:
        return {"indicator": "2.1", "period": period, "site": site, "numerator": num, "denominator": den}

    values = [
        # 1.1, periodic by sex: 75 in Q1, 60 in Q2 (against 100 each: off track), 5 in Q3 from one site.
        value("1.1", "2025Q1", "N01", 30, "F"),
        value("1.1", "2025Q1", "N01", 20, "M"),
        value("1.1", "2025Q1", "N02", 10, "F"),
        value("1.1", "2025Q1", "N02", 15, "M"),
        value("1.1", "2025Q2", "N01", 20, "F"),
        value("1.1", "2025Q2", "N01", 10, "M"),
        value("1.1", "2025Q2", "N02", 15, "F"),
        value("1.1", "2025Q2", "N02", 15, "M"),
        value("1.1", "2025Q3", "N01", 5, "F"),
        # 1.2, cumulative: 40 then 10 more, against 50 by Q2.
        value("1.2", "2025Q1", "N01", 20),
        value("1.2", "2025Q1", "N02", 20),
        value("1.2", "2025Q2", "N01", 5),
        value("1.2", "2025Q2", "N02", 5.5),
        # 2.1, percent: 50 % then 75 % against 60 %: exceeding.
        ratio("2025Q1", "N01", 30, 50),
        ratio("2025Q1", "N02", 20, 50),
        ratio("2025Q2", "N01", 40, 50),
        ratio("2025Q2", "N02", 35, 50),
        {"indicator": "3.1", "period": "2025Q2", "site": "N01", "text": QUALITATIVE_TEXT},
    ]
    return {
        "format": "pmdesk.programme/1",
        "programme": {
            "code": CODE,
            "name": PROGRAMME,
            "donor": DONOR,
            "start": "2025-01-01",
            "end": "2025-12-31",
            "frequency": "quarterly",
        },
        "tiers": ["Goal", "Outcome"],
        "results": [
            {"code": "G", "tier": "Goal", "title": "Healthier children", "parent": None},
            {"code": "O1", "tier": "Outcome", "title": RESULT, "parent": "G"},
        ],
        "disaggregations": [
            {
                "code": "SEX",
                "name": "Sex",
                "options": [{"code": "F", "name": FEMALE}, {"code": "M", "name": MALE}],
            }
        ],
        "sites": [
            {"code": "N", "name": "Région Nord", "parent": None},
            {"code": "N01", "name": SITE_1, "parent": "N"},
            {"code": "N02", "name": SITE_2, "parent": "N"},
        ],
        "indicators": [
            {
                "code": "1.1",
                "result": "O1",
                "name": INDICATORS["1.1"],
                "measure": "number",
                "unit": "people",
                "disaggregations": ["SEX"],
                "baseline": {"value": 0},
                "targets": [{"period": p, "value": 100} for p in ("2025Q1", "2025Q2", "2025Q3", "2025Q4")],
            },
            {
                "code": "1.2",
                "result": "O1",
                "name": INDICATORS["1.2"],
                "measure": "number",
                "unit": "points",
                "cumulation": "cumulative",
                "allows_decimals": True,
                "targets": [{"period": "2025Q1", "value": 40}, {"period": "2025Q2", "value": 50}],
            },
            {
                "code": "2.1",
                "result": "O1",
                "name": INDICATORS["2.1"],
                "measure": "percent",
                "unit": "%",
                "baseline": {"value": 20},
                "targets": [{"period": "2025Q1", "value": 50}, {"period": "2025Q2", "value": 60}],
            },
            {"code": "3.1", "result": "G", "name": INDICATORS["3.1"], "measure": "qualitative"},
        ],
        "values": values,
    }


@pytest.fixture
def built(db: Database) -> Database:
    return build(db)


def build(db: Database) -> Database:
    """The hostile programme with a meeting, an action, a lesson, feedback, an alert at a site and
    one explanation (2.1's) of the two due as of 2025 Q2."""
    PackageService(db.sessions, Actor(db.actor, db.device_uuid)).import_package(package())
    actor = Actor(db.actor, db.device_uuid)
    _, decision = meeting_with_decision(db, CODE, held_on=date(2025, 7, 10), text=DECISION)
    ActionService(db.sessions, actor).create(
        CODE,
        ActionData("Repair <b>pumps</b> & taps", owner="Ελένη", due=date(2025, 8, 1), decision_uuid=decision),
    )
    lesson(db, CODE, title="Spare parts & <b>pumps</b>")
    LearningService(db.sessions, actor).save_feedback(
        CODE, FeedbackData("Parents «Ομάδα»", "Water & soap < enough", received_on=date(2025, 7, 3))
    )
    with db.sessions.begin() as session:
        site_uuid = session.scalar(select(SiteRow.uuid).where(SiteRow.code == "N02"))
        session.add(
            AlertRow(
                programme_id=programme_id(db, CODE),
                trigger_uuid="t-1",
                trigger_code="T1",
                indicator_uuid="i-1",
                indicator_code="1.1",
                site_uuid=site_uuid,
                site_code="N02",
                first_period="2025Q1",
                periods="2025Q1,2025Q2",
                message="below 80 <b>for</b> two quarters",
            )
        )
    VarianceService(db.sessions, actor).set(CODE, "2.1", "2025Q2", EXPLANATION)
    return db


def text_of(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def flat(text: str) -> str:
    """Line breaks gone: a long cell wraps, and pypdf reads the wrap as a break."""
    return " ".join(text.split())


def make(db: Database, tmp_path: Path, as_of: str | None = None) -> tuple[Any, list[str]]:
    path = tmp_path / "report.pdf"
    ticks: list[tuple[int, int, str]] = []
    report = Reports(db.sessions, Actor(db.actor, db.device_uuid)).donor_report(
        CODE, as_of, path, lambda done, total, message: ticks.append((done, total, message))
    )
    assert ticks and ticks[-1][0] == ticks[-1][1]  # the progress ends at its total
    assert all(0 <= done <= total for done, total, _ in ticks)
    return report, text_of(path)


def test_every_section_indicator_and_name_prints_verbatim(built: Database, tmp_path: Path) -> None:
    report, pages = make(built, tmp_path)
    assert report.pages == len(pages)
    assert 6 <= report.pages <= 12  # cover, contents, summary, IPTT, four indicators, the loop
    whole = flat("\n".join(pages))
    for title in HEADINGS:
        assert title in whole, title
    for code, name in INDICATORS.items():
        assert f"{code} {name}" in whole, code
    for name in (
        PROGRAMME,
        DONOR,
        RESULT,
        SITE_1,
        SITE_2,
        DECISION,
        FEMALE,
        MALE,
        EXPLANATION,
        QUALITATIVE_TEXT,
    ):
        assert name in whole, name
    for name in (
        "Repair <b>pumps</b> & taps",
        "Spare parts & <b>pumps</b>",
        "Parents «Ομάδα»",
        "Water & soap < enough",
    ):
        assert name in whole, name
    assert "below 80 <b>for</b> two quarters" in whole
    assert b"/URI" not in report.path.read_bytes()  # the image tag stayed text: nothing to fetch
    # The as-of is the latest complete period: Q3 has one site of two.
    assert "Performance as of 2025 Q2" in flat(pages[0])
    assert "rounded to two decimals at most for display; sums use unrounded values" in whole
    assert "A period is partial when" in whole


def test_the_iptt_pages_show_the_iptts_numbers_as_the_screen_writes_them(
    built: Database, tmp_path: Path
) -> None:
    _, pages = make(built, tmp_path)
    table = IpttService(built.sessions).table(CODE)
    iptt = [p for p in pages if "Indicator performance tracking table" in p or "Earlier period" in p]
    assert iptt
    tokens = set(flat("\n".join(iptt)).split())
    for row in table.rows:
        pct = row.measure is Measure.PERCENT
        to_date = row.figures.to_date
        figures = [(row.baseline, pct), (row.figures.lop.target, pct), (to_date.target, pct)]
        figures += [(to_date.actual, pct), (to_date.pct_met, True)]
        figures += [(p.actual, pct) for p in row.figures.periods]
        figures += [(p.target, pct) for p in row.figures.periods]
        figures += [(p.pct_met, True) for p in row.figures.periods]
        for figure, percent in figures:
            if figure is not None:
                assert display_figure(figure, percent) in tokens, (row.code, figure)
    # 1.2's 50.5, 1.1's 67.5 % met, 2.1's 75 % against 60: as the IPTT screen writes them.
    assert {"50.5", "67.5%", "75%", "125%"} <= tokens
    # The status is written, beside its colour.
    assert {"Off", "Exceeding", "On"} <= tokens


def test_landscape_iptt_and_contents_that_give_the_right_pages(built: Database, tmp_path: Path) -> None:
    report, pages = make(built, tmp_path)
    reader = pypdf.PdfReader(report.path)
    iptt_page = next(
        i for i, p in enumerate(pages) if flat(p).startswith("Indicator performance tracking table (IPTT)")
    )
    box = reader.pages[iptt_page].mediabox
    assert box.width > box.height
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height
    contents = flat(pages[1])
    assert contents.startswith("Contents")
    for title in (
        "Summary of status",
        "Indicators",
        "Alerts raised",
        "Lessons learned",
        "Notes on the figures",
    ):
        found = re.search(re.escape(title) + r" (\d+)", contents)
        assert found, title
        assert title in flat(pages[int(found[1]) - 1]), (title, found[1])
    for code, name in INDICATORS.items():
        found = re.search(re.escape(f"{code} {name}") + r" (\d+)", contents)
        assert found, code
        assert f"{code} {name}" in flat(pages[int(found[1]) - 1])
    # The outline (bookmarks) names the sections too.
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Summary of status" in outline


def test_missing_explanations_are_listed_not_hidden(built: Database, tmp_path: Path) -> None:
    _, pages = make(built, tmp_path)
    summary = flat(next(p for p in pages if "Summary of status" in p and "Variance explanations" in p))
    assert "2 indicators are off track or exceeding" in summary and "1 have none yet" in summary
    assert f"1.1 {INDICATORS['1.1']} Off track 67.5% {EXPLANATION_MISSING}" in summary
    whole = flat("\n".join(pages))
    assert f"{EXPLANATION_MISSING}: 1.1 is off track as of 2025 Q2" in whole
    assert INDICATORS["2.1"] not in summary  # explained: not listed as missing
    assert f"Variance explanation (2025 Q2) {EXPLANATION}" in whole


def test_a_partly_reported_as_of_is_marked(built: Database, tmp_path: Path) -> None:
    _, pages = make(built, tmp_path, as_of="2025Q3")
    whole = flat("\n".join(pages))
    assert "Performance as of 2025 Q3" in flat(pages[0])
    assert "2025 Q3 is partly reported: at most 1 of the 2 sites" in flat(pages[0])
    assert "5* (1/2)" in whole  # 1.1's Q3 actual, as the IPTT screen marks it
    assert "partial (1 of 2 sites)" in whole  # its status rests on the partial period


def test_actuals_by_option_add_up_to_the_iptts(built: Database) -> None:
    table = IpttService(built.sessions).table(CODE)
    breakdown = DisaggregationService(built.sessions).breakdown(table)
    assert set(breakdown) == {"1.1"}
    lines = {line.option: line for line in breakdown["1.1"].rows}
    assert (lines[FEMALE].period_actual, lines[FEMALE].to_date_actual) == (35, 75)
    assert (lines[MALE].period_actual, lines[MALE].to_date_actual) == (25, 60)
    assert NOT_DISAGGREGATED not in lines
    row = next(r for r in table.rows if r.code == "1.1")
    assert lines[FEMALE].to_date_actual + lines[MALE].to_date_actual == row.figures.to_date.actual
    assert row.figures.to_date.status is Status.OFF_TRACK


def test_a_programme_without_values_still_gets_its_report(db: Database, tmp_path: Path) -> None:
    data = package()
    data["values"] = []
    PackageService(db.sessions, Actor(db.actor, db.device_uuid)).import_package(data)
    _, pages = make(db, tmp_path)
    whole = flat("\n".join(pages))
    assert "No figures reported yet" in flat(pages[0])
    for title in ("Summary of status", "Indicators", "Alerts raised", "Feedback received"):
        assert title in whole


def test_the_report_command_end_to_end(
    built: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    built.close()
    out = tmp_path / "donor.pdf"
    assert cli.main(["--db", str(db_path), "report", CODE, "--as-of", "2025 Q2", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"wrote {out}" in err and "pages" in err
    whole = flat("\n".join(text_of(out)))
    assert PROGRAMME in whole and "Performance as of 2025 Q2" in whole

    assert cli.main(["--db", str(db_path), "report", CODE, "--as-of", "2031Q1", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "'2031Q1' is not a reporting period of HOST-1" in err and "Traceback" not in err
    assert cli.main(["--db", str(db_path), "report", "NOPE", "-o", str(out)]) == 1
    assert "no programme with code 'NOPE'" in capsys.readouterr().err
    assert cli.main(["--db", str(db_path), "report", CODE, "-o", str(tmp_path / "x.txt")]) == 2
    assert cli.main(["--db", str(db_path), "report", CODE, "-o", str(tmp_path / "no" / "x.pdf")]) == 1
    # A failed report leaves the earlier file as it was.
    assert "Performance as of 2025 Q2" in flat(text_of(out)[0])


def test_the_demo_report(demo_file: Path, tmp_path: Path) -> None:
    db = open_database(demo_file, read_only=True, lock=False)
    try:
        path = tmp_path / "demo.pdf"
        report = write_donor_report(
            Reports(db.sessions, Actor(db.actor, db.device_uuid)).sources, "DEMO-WASH", None, path
        )
        whole = flat("\n".join(text_of(path)))
    finally:
        db.close()
    assert 10 <= report.pages <= 30
    for code in ("G.1", "1.1.1", "2.1.2", "3.2", "3.1.1"):
        assert code in whole
    # The IPTT takes several landscape pages, each with its header; every other page is portrait.
    reader = pypdf.PdfReader(path)
    landscape = [p for p in reader.pages if p.mediabox.width > p.mediabox.height]
    assert len(landscape) >= 2
    for page in landscape:
        header = flat(page.extract_text())
        assert "Indicator" in header and "Target" in header and "% met" in header
    # Five indicators are off track or exceeding as of 2026 Q2 and the demo explains none.
    assert "5 indicators are off track or exceeding" in whole
    assert whole.count(EXPLANATION_MISSING) >= 10
    # 2026 Q2's values are drafts: present from every site (the IPTT's complete period), none
    # submitted; the completeness table says both, each under its own name.
    assert "Submitted or approved Values present" in whole
    assert "2026 Q2 0 0 11 0 0 0% 100% · complete" in whole


class Stop(Exception):
    """What a cancelled job's progress raises."""


def test_a_report_cancelled_while_laid_out_leaves_the_earlier_file(built: Database, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"earlier")
    seen: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append(message)
        if message.startswith("Laying out the pages… (page"):
            raise Stop

    with pytest.raises(Stop):
        Reports(built.sessions, Actor(built.actor, built.device_uuid)).donor_report(
            CODE, None, path, progress
        )
    assert path.read_bytes() == b"earlier"
    assert any(m.startswith("Drawing the chart of 1.1") for m in seen)


def test_texts_longer_than_a_page_are_printed_not_refused(built: Database, tmp_path: Path) -> None:
    """A table row cannot break across pages: cells are shortened (marked so), paragraphs are whole."""
    actor = Actor(built.actor, built.device_uuid)
    long_text = ("Water & <b>soap</b> " * 40 + "\n") * 30
    LearningService(built.sessions, actor).save_feedback(
        CODE, FeedbackData("Parents", long_text, received_on=date(2025, 7, 3), response=long_text)
    )
    explanation = ("Roads were cut " * 50 + "\n") * 5  # 3,755 characters, under the limit
    VarianceService(built.sessions, actor).set(CODE, "1.1", "2025Q2", explanation)
    with built.sessions.begin() as session:
        session.execute(
            update(IndicatorRow).where(IndicatorRow.code == "1.2").values(name="Кириллица " * 10000)
        )
    report, pages = make(built, tmp_path)
    whole = flat("\n".join(pages))
    assert "(shortened)" in whole
    assert whole.count("Roads were cut") == 250  # outside a table: whole, across a page break
    assert report.pages < 40

# SPDX-License-Identifier: GPL-3.0-or-later
"""Every report kind survives text far longer than a page (a package may carry 100,000-character
names): a table row cannot break across pages, so such text must never stop a report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import update

from pmdesk.reports.reporter import Reports
from pmdesk.services.actions import ActionData, ActionService
from pmdesk.services.actor import Actor
from pmdesk.services.meetings import AttendeeData, MeetingData, MeetingService
from pmdesk.storage.database import Database
from pmdesk.storage.models import IndicatorRow, ProgrammeRow, ResultRow, SiteRow
from tests.unit.builders import services

# Words, so that a paragraph could wrap if it were allowed to: several pages of text.
LONG = " ".join(f"word{i}" for i in range(2_500))
START = LONG[:40]


@pytest.fixture
def long_texts(db_holds_wash01: None, db: Database) -> tuple[Reports, str]:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.entry.set_value("WASH-01", "1.1", "2025Q1", "N01", {"SEX": "F"}, value=10)
    with db.sessions.begin() as session:
        session.execute(update(IndicatorRow).values(name=LONG, definition=LONG, data_source=LONG))
        session.execute(update(ResultRow).values(title=LONG))
        session.execute(update(SiteRow).where(SiteRow.code == "N01").values(name=LONG))
        session.execute(update(ProgrammeRow).values(name=LONG))
    actor = Actor(db.actor, db.device_uuid)
    meetings = MeetingService(db.sessions, actor)
    detail = meetings.create(
        "WASH-01",
        MeetingData("review", LONG, date(2025, 7, 10), attendees=(AttendeeData(LONG),)),
        propose=False,
    )
    item = meetings.add_item(detail.meeting.id, LONG, LONG)
    meetings.save_item_notes(item.id, LONG)
    meetings.save_decision(detail.meeting.id, "d-1", LONG, item.id)
    ActionService(db.sessions, actor).create(
        "WASH-01", ActionData(LONG[:500], owner=LONG[:200], decision_uuid="d-1")
    )
    return Reports(db.sessions, actor), detail.meeting.uuid


KINDS: dict[str, Callable[[Reports, str, Path], object]] = {
    "donor_report": lambda r, _m, p: r.donor_report("WASH-01", "2025Q1", p),
    "iptt": lambda r, _m, p: r.iptt("WASH-01", p, as_of="2025Q1"),
    "minutes": lambda r, m, p: r.minutes(m, p),
    "reference_sheets": lambda r, _m, p: r.reference_sheets("WASH-01", p),
    "paper_form": lambda r, _m, p: r.paper_form("WASH-01", "N01", "2025Q2", p, prefilled=True),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_text_longer_than_a_page_never_stops_a_report(
    long_texts: tuple[Reports, str], tmp_path: Path, kind: str
) -> None:
    reports, meeting = long_texts
    path = tmp_path / f"{kind}.pdf"
    KINDS[kind](reports, meeting, path)
    reader = pypdf.PdfReader(path)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert START.split()[0] in text
    # A table cell is cut, and says so; a paragraph (a heading, the notes) splits across pages whole.
    assert "(shortened)" in text
    assert LONG.split()[-1] in text


def test_a_cell_is_clipped_to_what_its_column_holds_and_marked() -> None:
    from pmdesk.reports.pdf_document import CELL_LIMIT, SHORTENED, cell_limit, clip

    assert clip("short") == "short"
    assert clip(None) == ""
    assert clip(LONG) == LONG[:CELL_LIMIT].rstrip() + SHORTENED
    assert clip(LONG, 50).endswith("… (shortened)") and len(clip(LONG, 50)) <= 50 + len(SHORTENED)
    assert cell_limit(40) < cell_limit(146) <= CELL_LIMIT  # a narrow column holds less


def test_a_footer_with_a_name_longer_than_a_page_is_shortened_quickly() -> None:
    """The footer's name is cut by halving, not a character at a time (which took minutes a PDF)."""
    import time

    from reportlab.pdfbase.pdfmetrics import stringWidth

    from pmdesk.reports import pdf_document

    pdf_document.register_fonts()

    class Measure:
        calls = 0

        def stringWidth(self, text: str, font: str, size: float) -> float:
            Measure.calls += 1
            return stringWidth(text, font, size)

    started = time.perf_counter()
    fitted = pdf_document._fit(LONG * 4, 400, Measure())
    assert time.perf_counter() - started < 1 and Measure.calls < 40
    assert fitted.endswith("…") and LONG.startswith(fitted[:-1])
    assert stringWidth(fitted, pdf_document.FONT, 7.5) <= 400
    assert stringWidth(fitted[:-1] + LONG[len(fitted) - 1] + "…", pdf_document.FONT, 7.5) > 400
    assert pdf_document._fit("short", 400, Measure()) == "short"

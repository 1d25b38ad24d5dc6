# SPDX-License-Identifier: GPL-3.0-or-later
"""A heading never sits alone at the foot of a page: it goes with the first line of its section, in
every PDF (pdf_document's heading styles keep with what follows), and it takes no more than that."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pypdf
import pytest

from pmdesk.reports import pdf_document as pdf
from pmdesk.reports.reporter import Reports
from pmdesk.services.actor import Actor
from pmdesk.services.meetings import MeetingData, MeetingService
from pmdesk.storage.database import Database
from tests.unit.builders import small_programme

FRAME_HEIGHT = pdf.PAGE_HEIGHT - 2 * pdf.MARGIN - pdf.FOOTER_GAP


def page_texts(data: bytes | Path) -> list[str]:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(source).pages]


def page_of(texts: list[str], pattern: str) -> int:
    pages = [n for n, text in enumerate(texts) if re.search(pattern, text)]
    assert len(pages) == 1, (pattern, pages)
    return pages[0]


@pytest.mark.parametrize("style", ["h1", "h2"])
def test_a_heading_goes_to_the_next_page_with_the_first_line_of_its_section(style: str) -> None:
    """Pushed down a point at a time by what comes before, the heading ends on page 1 and then on
    page 2, but never on page 1 with its section on page 2."""
    from reportlab.platypus import Spacer

    s = pdf.styles()
    heading_pages: set[int] = set()
    for room_above in range(int(FRAME_HEIGHT) - 130, int(FRAME_HEIGHT), 6):
        story = [
            Spacer(1, room_above),
            pdf.para("Progress against targets", getattr(s, style)),
            pdf.para("First line of the section. " + "More words of it. " * 60, s.body),
        ]
        data, _pages = pdf.render_pdf(story, title="T", footer="F")
        texts = page_texts(data)
        heading = page_of(texts, "Progress against targets")
        assert heading == page_of(texts, "First line of the section"), room_above
        heading_pages.add(heading)
    assert heading_pages == {0, 1}  # the sweep crossed the foot of the page


def test_a_heading_over_a_long_table_starts_the_table_on_its_own_page() -> None:
    """Kept with the table's header and first row only: the heading does not carry a three-page
    table to the next page and leave half a page blank."""
    from reportlab.platypus import Spacer

    s = pdf.styles()
    width = pdf.frame_width()
    rows = [[f"Row {n}", f"{n * 10}"] for n in range(1, 151)]
    story = [
        Spacer(1, FRAME_HEIGHT / 2),
        pdf.para("Values by site", s.h2),
        pdf.table(["Site", "Value"], rows, [width * 0.7, width * 0.3], right=[1]),
    ]
    data, pages = pdf.render_pdf(story, title="T", footer="F")
    texts = page_texts(data)
    assert pages >= 3
    assert page_of(texts, "Values by site") == 0
    assert page_of(texts, r"Row 1 10\b") == 0


def test_a_heading_alone_on_a_long_story_keeps_every_line(tmp_path: Path) -> None:
    """Headings one after another, each with a long section: nothing is lost or repeated."""
    s = pdf.styles()
    story = []
    for n in range(1, 13):
        story += [pdf.para(f"Section {n}", s.h1), pdf.para(f"Subsection {n}", s.h2)]
        story += [pdf.para(f"Text {n}.{line} " + "words " * 30, s.body) for line in range(1, 9)]
    path = tmp_path / "long.pdf"
    pdf.build_pdf(path, story, title="T", footer="F")
    texts = page_texts(path)
    for n in range(1, 13):
        section = page_of(texts, rf"Section {n}\b")
        assert page_of(texts, rf"Subsection {n}\b") == section
        assert page_of(texts, rf"Text {n}\.1\b") == section
        assert all(page_of(texts, rf"Text {n}\.{line}\b") >= section for line in range(2, 9))


def test_a_heading_before_a_page_break_or_at_the_end_is_printed_once() -> None:
    from reportlab.platypus import CondPageBreak, PageBreak

    s = pdf.styles()
    story = [
        pdf.para("Opening words", s.body),
        pdf.para("Heading before a break", s.h1),
        PageBreak(),
        pdf.para("Heading before a conditional break", s.h2),
        CondPageBreak(120),
        pdf.para("Closing words", s.body),
        pdf.para("Heading at the very end", s.h1),
    ]
    data, pages = pdf.render_pdf(story, title="T", footer="F")
    texts = page_texts(data)
    assert pages == 2
    assert page_of(texts, "Heading before a break") == 0
    assert page_of(texts, "Heading at the very end") == 1


@pytest.fixture
def minutes(db: Database) -> tuple[Reports, MeetingService]:
    small_programme(db)
    actor = Actor(db.actor, db.device_uuid)
    return Reports(db.sessions, actor), MeetingService(db.sessions, actor)


def test_the_minutes_keep_a_heading_at_the_foot_of_a_page_with_its_first_line(
    minutes: tuple[Reports, MeetingService], tmp_path: Path
) -> None:
    """The meeting's notes grow a line at a time, pushing "Decisions (2)" down the first page and
    over onto the second; at every length its table's first row is on the heading's page."""
    reports, meetings = minutes
    detail = meetings.create("WASH-01", MeetingData("review", "Q3 review", date(2025, 10, 2)), propose=False)
    meeting = detail.meeting.id
    meetings.save_decision(meeting, "d-1", "Hire a second driller", None)
    meetings.save_decision(meeting, "d-2", "Meet again in October", None)
    uuid = meetings.get(meeting).meeting.uuid
    heading_pages: set[int] = set()
    for lines in range(28, 60, 2):
        notes = "\n".join(f"Note line {n} of the meeting" for n in range(1, lines + 1))
        meetings.save_meeting_notes(meeting, notes)
        report = reports.minutes(uuid, tmp_path / f"m{lines}.pdf")
        texts = page_texts(report.path)
        heading = page_of(texts, r"Decisions \(2\)")
        assert page_of(texts, r"D1 Hire a second driller") == heading, lines
        heading_pages.add(heading)
    assert heading_pages == {0, 1}  # the sweep crossed the foot of the first page

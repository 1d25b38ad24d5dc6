# SPDX-License-Identifier: GPL-3.0-or-later
"""Minutes PDF… on the Meetings screen: asks where to save, writes in a worker, opens the file."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pypdf
import pytest
from pytestqt.qtbot import QtBot

from pmdesk.services.meetings import AttendeeData, MeetingData
from pmdesk.ui.context import UiContext
from pmdesk.ui.meetings import minutes_pdf_job
from pmdesk.ui.meetings.meetings_screen import MeetingsScreen
from tests.ui.programme_factory import Built

HELD = date(2025, 7, 10)


def make_screen(qtbot: QtBot, context: UiContext, code: str) -> MeetingsScreen:
    screen = MeetingsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1024, 600)
    screen.set_programme(code)
    screen.show()
    return screen


def test_the_minutes_pdf_is_written_in_a_worker_and_opened(
    qtbot: QtBot, context: UiContext, small: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meetings = context.services.meetings
    detail = meetings.create(
        small.code,
        MeetingData("review", "Q2 review <b>", HELD, attendees=(AttendeeData("Наталья & Co"),)),
        propose=False,
    )
    meetings.save_decision(detail.meeting.id, "d-1", "Hire a second driller", None)
    asked: list[str] = []
    opened: list[Path] = []
    target = tmp_path / "chosen"  # no suffix: the screen adds .pdf

    def ask(_parent: object, suggested: str) -> str:
        asked.append(suggested)
        return str(target)

    monkeypatch.setattr(minutes_pdf_job, "ask_pdf_path", ask)
    monkeypatch.setattr(minutes_pdf_job, "open_file", lambda path: opened.append(path) or True)
    screen = make_screen(qtbot, context, small.code)
    assert screen.pdf_button.isEnabled() and screen.pdf_button.text() == "Minutes &PDF…"
    screen.pdf_button.click()
    assert asked and Path(asked[0]).name == f"{small.code} minutes 2025-07-10 Q2 review -b-.pdf"
    assert not screen.pdf_button.isEnabled()  # one at a time
    qtbot.waitUntil(lambda: bool(opened), timeout=20000)
    written = tmp_path / "chosen.pdf"
    assert opened == [written]
    text = "".join(page.extract_text() for page in pypdf.PdfReader(written).pages)
    assert "Q2 review <b>" in text and "Наталья & Co" in text and "Draft — not finalised" in text
    qtbot.waitUntil(lambda: screen.pdf_button.isEnabled())
    assert screen.message.isVisible() and str(written) in screen.message.text()
    assert "opened" in screen.message.text()
    folder = Path(os.environ.get("PMDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert screen.grab().save(str(folder / "meetings-minutes-pdf-1024x600.png"))


def test_a_cancelled_file_dialog_writes_nothing_and_a_failure_is_said_plainly(
    qtbot: QtBot, context: UiContext, small: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context.services.meetings.create(small.code, MeetingData("review", "Q2 review", HELD), propose=False)
    opened: list[Path] = []
    monkeypatch.setattr(minutes_pdf_job, "open_file", lambda path: opened.append(path) or True)
    monkeypatch.setattr(minutes_pdf_job, "ask_pdf_path", lambda _parent, _suggested: "")
    screen = make_screen(qtbot, context, small.code)
    screen.pdf_button.click()
    assert screen.minutes_pdf.progress is None and not list(tmp_path.glob("*.pdf"))
    missing = tmp_path / "no such folder" / "m.pdf"
    monkeypatch.setattr(minutes_pdf_job, "ask_pdf_path", lambda _parent, _suggested: str(missing))
    screen.pdf_button.click()
    qtbot.waitUntil(lambda: screen.pdf_button.isEnabled() and screen.message.isVisible(), timeout=20000)
    assert "could not be written" in screen.message.text() and "Error" not in screen.message.text()
    assert not opened

# SPDX-License-Identifier: GPL-3.0-or-later
"""The people scorecards screen: people and teams, the detail of one person, Enter to trace."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.services.actions import ActionData
from pmdesk.storage.database import Database
from pmdesk.ui.actions.scorecards_screen import ScorecardsScreen
from pmdesk.ui.actions.trace_dialog import TraceDialog
from pmdesk.ui.context import UiContext
from tests.ui.programme_factory import Built
from tests.unit import loop_builders

TODAY = date(2025, 10, 1)


def shots_dir(tmp_path: Path) -> Path:
    """Where screenshots go: PMDESK_SCREENSHOTS (to look at them, or docs/screenshots to update
    the README's) or the test's folder, so that a test run changes no tracked file."""
    folder = Path(os.environ.get("PMDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def filled(db: Database, small: Built, context: UiContext) -> Built:
    sites = context.services.sites
    sites.save_person(small.code, "amina", "Amina Yusuf", organisation="Water Trust", role="M&E officer")
    sites.save_person(small.code, "joseph", "Joseph Otieno", organisation="District office", role="Engineer")
    loop_builders.meeting_with_decision(
        db, small.code, held_on=date(2025, 7, 10), attendees=("Amina Yusuf", "Joseph Otieno")
    )
    actions = context.services.actions
    actions.create(small.code, ActionData("Repair pumps", owner_person_code="joseph", due=date(2025, 9, 1)))
    done = actions.create(
        small.code, ActionData("Print forms", owner_person_code="amina", due=date(2025, 8, 1))
    )
    actions.close(done.uuid, "done", "Printed", on=date(2025, 7, 30))
    return small


@pytest.fixture
def screen(qtbot: QtBot, context: UiContext) -> ScorecardsScreen:
    widget = ScorecardsScreen(context)
    widget.today = TODAY
    qtbot.addWidget(widget)
    widget.resize(1024, 600)
    widget.show()
    return widget


def load(qtbot: QtBot, screen: ScorecardsScreen, code: str) -> None:
    with qtbot.waitSignal(screen.scorecards_loaded, timeout=10_000):
        screen.set_programme(code)


def test_people_teams_and_detail(qtbot: QtBot, filled: Built, screen: ScorecardsScreen) -> None:
    load(qtbot, screen, filled.code)
    model = screen.people_model
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert names == ["Amina Yusuf", "Joseph Otieno"]
    joseph = names.index("Joseph Otieno")
    assert model.index(joseph, 5).data() == "⚠ 1"
    assert model.index(joseph, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(names.index("Amina Yusuf"), 6).data() == "1"  # done on time
    assert screen.team_model.rowCount() == 2
    screen.people_view.selectRow(joseph)
    labels = [screen.detail_model.index(r).data() for r in range(screen.detail_model.rowCount())]
    assert any("Repair pumps — OVERDUE" in text for text in labels)
    assert any("1 decision" in text for text in labels)


def test_enter_on_an_action_opens_its_traceability(
    qtbot: QtBot, filled: Built, screen: ScorecardsScreen
) -> None:
    load(qtbot, screen, filled.code)
    screen.people_view.selectRow(1)
    kinds = [
        getattr(screen.detail_model.hop_at(r), "kind", "") for r in range(screen.detail_model.rowCount())
    ]
    row = kinds.index("action")
    screen.detail_view.setCurrentIndex(screen.detail_model.index(row))
    qtbot.keyClick(screen.detail_view, Qt.Key.Key_Return)
    dialog = screen.active_dialog
    assert isinstance(dialog, TraceDialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass
    assert dialog.heading.text() == "Action A-1: Repair pumps"
    dialog.reject()


def test_no_programme_and_screenshot(
    qtbot: QtBot, filled: Built, screen: ScorecardsScreen, tmp_path: Path
) -> None:
    screen.set_programme(None)
    assert "Choose a programme" in screen.message_label.text()
    load(qtbot, screen, filled.code)
    screen.people_view.selectRow(1)
    QApplication.processEvents()
    assert screen.grab().save(str(shots_dir(tmp_path) / "21-scorecards.png"))

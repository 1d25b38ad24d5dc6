# SPDX-License-Identifier: GPL-3.0-or-later
"""Who is working, in the window (issue #7 §2): asked the first time a database is opened here,
shown in the status bar, kept across a restart, and the Approve button of a programme that wants
approval by someone else says so before asking anything."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from pmdesk.domain.enums import ValueStatus
from pmdesk.storage.database import Database, open_database
from pmdesk.ui.context import UiContext
from pmdesk.ui.entry import entry_dialogs
from pmdesk.ui.entry.data_entry_screen import DataEntryScreen
from pmdesk.ui.working_person_dialog import WorkingPersonDialog
from tests.ui.entry_waiting import wait_for_grid
from tests.ui.programme_factory import build_small_programme
from tests.ui.test_restore_backup import Desk
from tests.unit.builders import small_programme

P = "WASH-01"


@pytest.fixture
def desks(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[[Path], Desk]]:
    made: list[Desk] = []

    def make(path: Path) -> Desk:
        desk = Desk(qtbot, path, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
        made.append(desk)
        return desk

    yield make
    for desk in made:
        desk.close()
        desk.window.close()


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "office.sqlite"
    db = open_database(path, actor="set-up")
    try:
        build_small_programme(db)
        from pmdesk.services.actor import Actor
        from pmdesk.services.sites import SiteService

        SiteService(db.sessions, Actor("set-up", db.device_uuid)).save_person(
            "WASH-T", "AY", "Amina Yusuf", "Water Trust", "M&E officer"
        )
    finally:
        db.close()
    return path


def _person_dialog(qtbot: QtBot, desk: Desk) -> WorkingPersonDialog:
    found: list[WorkingPersonDialog] = []

    def shown() -> bool:
        found[:] = [d for d in desk.window.findChildren(WorkingPersonDialog) if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=15_000)
    return found[0]


def test_the_first_open_asks_who_is_working_and_the_answer_is_kept(
    qtbot: QtBot, desks: Callable[[Path], Desk], small_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PMDESK_PERSON", raising=False)
    desk = desks(small_file)
    desk.open(small_file)
    dialog = _person_dialog(qtbot, desk)
    assert dialog.people_list.count() == 1
    assert dialog.people_list.item(0).text() == "Amina Yusuf — M&E officer, Water Trust · WASH-T"

    # Keyboard only: Down from the name goes into the list, Enter picks.
    dialog.name_edit.setFocus()
    QTest.keyClick(dialog.name_edit, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is dialog.people_list
    assert dialog.typed_name() == "Amina Yusuf"
    assert dialog.ok_button.text() == "Work as Amina Yusuf"
    QTest.keyClick(dialog.people_list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert desk.window.status_bar.person_button.text() == "Working as Amina Yusuf"
    assert desk.window.services is not None
    assert desk.window.services.person.name == "Amina Yusuf"
    desk.close()

    again = desks(small_file)
    again.open(small_file)
    assert again.window.status_bar.person_button.text() == "Working as Amina Yusuf"
    qtbot.wait(300)  # the check of the file has had time to finish: nobody is asked again
    assert not [d for d in again.window.findChildren(WorkingPersonDialog) if d.isVisible()]


def test_a_name_that_is_not_listed_is_typed(
    qtbot: QtBot, desks: Callable[[Path], Desk], small_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PMDESK_PERSON", raising=False)
    desk = desks(small_file)
    desk.open(small_file)
    dialog = _person_dialog(qtbot, desk)
    dialog.name_edit.setFocus()
    QTest.keyClicks(dialog.name_edit, "Joseph Otieno")
    assert dialog.people_list.item(0).isHidden()  # typing filters the list
    QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    db = open_database(small_file, read_only=True)
    try:
        assert db.person_name == "Joseph Otieno"
    finally:
        db.close()


def test_a_run_that_names_the_person_asks_nobody(
    qtbot: QtBot, desks: Callable[[Path], Desk], small_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMDESK_PERSON", "Kiosk  user")
    desk = desks(small_file)
    desk.open(small_file)
    qtbot.waitUntil(lambda: desk.window.status_bar.person_button.isVisible())
    assert desk.window.status_bar.person_button.text() == "Working as Kiosk user"
    qtbot.wait(300)
    assert not [d for d in desk.window.findChildren(WorkingPersonDialog) if d.isVisible()]


def test_file_menu_changes_who_is_working(
    qtbot: QtBot, desks: Callable[[Path], Desk], small_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMDESK_PERSON", "Amina Yusuf")
    desk = desks(small_file)
    desk.open(small_file)
    desk.window.menus.person_action.trigger()
    dialog = _person_dialog(qtbot, desk)
    dialog.name_edit.selectAll()
    QTest.keyClicks(dialog.name_edit, "Grace Wanjiru")
    QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.window.status_bar.person_button.text() == "Working as Grace Wanjiru")
    assert "Changes are now recorded as Grace Wanjiru" in desk.window.statusBar().currentMessage()


@pytest.fixture
def entry_screen(qtbot: QtBot, db: Database, context: UiContext) -> Iterator[DataEntryScreen]:
    small_programme(db)
    window = QMainWindow()
    screen = DataEntryScreen(context)
    window.setCentralWidget(screen)
    window.resize(1280, 800)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    screen.set_programme(P)
    site = screen.place_bar.site_combo
    site.setCurrentIndex(site.findData("N01"))
    period = screen.place_bar.period_combo
    period.setCurrentIndex(period.findData("2025Q1"))
    wait_for_grid(screen)  # read on a worker
    yield screen
    screen.editing.stack.clear()


def test_approve_says_at_once_that_the_submitter_may_not_approve(
    entry_screen: DataEntryScreen, context: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = context.services
    services.programmes.update(P, replace(services.programmes.get(P).data, approval_by_other=True))
    services.person.choose("Amina Yusuf")
    services.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=12)
    services.entry.submit(P, "N01", "2025Q1")
    entry_screen.refresh()
    wait_for_grid(entry_screen)
    asked: list[str] = []
    monkeypatch.setattr(entry_dialogs, "confirm", lambda _p, _t, text, *_a, **_k: asked.append(text) or True)

    entry_screen.workflow.approve_button.click()
    wait_for_grid(entry_screen)
    assert asked == []  # refused before asking, not after the user said yes
    assert "you (Amina Yusuf) submitted this value" in entry_screen.message_label.text()
    assert services.entry.values_for(P, "N01", "2025Q1")[0].status is ValueStatus.SUBMITTED

    services.person.choose("Joseph Otieno")
    entry_screen.workflow.approve_button.click()
    assert len(asked) == 1 and "Submitted by Amina Yusuf." in asked[0]
    assert services.entry.values_for(P, "N01", "2025Q1")[0].status is ValueStatus.APPROVED

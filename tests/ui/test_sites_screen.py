# SPDX-License-Identifier: GPL-3.0-or-later
"""The Sites & people screen: the site tree (add, rename, move, delete) and the people table."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.services.sites import SiteInfo
from pmdesk.ui.context import Services, UiContext
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.sites.people_table_model import COL_NAME as PERSON_NAME
from pmdesk.ui.sites.people_table_model import COL_ROLE
from pmdesk.ui.sites.person_dialog import PersonDialog
from pmdesk.ui.sites.site_dialog import SiteDialog
from pmdesk.ui.sites.sites_screen import NO_PROGRAMME, SitesScreen
from tests.ui.programme_factory import Built

P = "WASH-T"  # sites NE (Niger) > ZR (Zinder) > S1 (Mirriah), S2 (Magaria); S1 and S2 hold data


@pytest.fixture
def screen(qtbot: QtBot, context: UiContext, small: Built) -> SitesScreen:
    widget = SitesScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    # Active, as it is in use: keys then reach the focused view on a real display too.
    with qtbot.waitActive(widget):
        widget.activateWindow()
    widget.set_programme(P)
    return widget


def sites(services: Services) -> dict[str, SiteInfo]:
    return {s.code: s for s in services.sites.list_sites(P)}


def type_into(widget: QWidget, text: str) -> None:
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)


def site_dialog(screen: SitesScreen) -> SiteDialog:
    assert isinstance(screen.dialog, SiteDialog)
    return screen.dialog


def person_dialog(screen: SitesScreen) -> PersonDialog:
    assert isinstance(screen.dialog, PersonDialog)
    return screen.dialog


def test_shows_the_tree_and_the_people(screen: SitesScreen, services: Services) -> None:
    model = screen.site_model
    assert model.codes() == ["NE", "ZR", "S1", "S2"]
    assert screen.tree.isExpanded(model.index_of("ZR"))
    assert screen.selected_site_code() == "NE"  # something is selected: keys work at once
    assert screen.add_below_action.isEnabled() and screen.add_person_action.isEnabled()
    assert screen.people_model.rowCount() == 0
    assert not screen.edit_person_action.isEnabled()
    assert screen.title_label.text() == "Sites & people — WASH-T"  # a title, as every screen has


def test_without_a_programme_everything_waits(qtbot: QtBot, context: UiContext) -> None:
    widget = SitesScreen(context)
    qtbot.addWidget(widget)
    widget.show()
    widget.set_programme(None)
    assert widget.message_label.text() == NO_PROGRAMME
    assert not widget.add_site_action.isEnabled() and not widget.add_person_action.isEnabled()


def test_add_a_district_and_a_site_below_it_then_rename(
    qtbot: QtBot, screen: SitesScreen, services: Services, signals: AppSignals
) -> None:
    screen.select_site("ZR")
    qtbot.mouseClick(screen.add_site_button, Qt.MouseButton.LeftButton)  # beside Zinder: under Niger
    dialog = site_dialog(screen)
    assert dialog.parent_code() == "NE"
    type_into(dialog.code_edit, "TH")
    type_into(dialog.name_edit, "Tahoua")
    with qtbot.waitSignal(signals.data_changed) as changed:
        QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert changed.args[0].kind == "sites"
    assert sites(services)["TH"].parent_code == "NE"
    assert screen.selected_site_code() == "TH"

    screen.tree.setFocus()
    QTest.keyClick(screen.tree, Qt.Key.Key_Insert)  # Add site below the selected one
    dialog = site_dialog(screen)
    assert dialog.parent_code() == "TH"
    type_into(dialog.code_edit, "TH1")
    type_into(dialog.name_edit, "Konni")
    QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert sites(services)["TH1"].parent_code == "TH"
    assert screen.site_model.parent(screen.site_model.index_of("TH1")) == screen.site_model.index_of("TH")

    QTest.keyClick(screen.tree, Qt.Key.Key_F2)
    dialog = site_dialog(screen)
    assert dialog.name_edit.text() == "Konni"
    type_into(dialog.name_edit, "Birni-N'Konni")
    QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert sites(services)["TH1"].name == "Birni-N'Konni"
    assert screen.site_model.data(screen.site_model.index_of("TH1")) == "Birni-N'Konni"


def test_a_bad_site_keeps_the_dialog_open(qtbot: QtBot, screen: SitesScreen, services: Services) -> None:
    screen.add_below_action.trigger()
    dialog = site_dialog(screen)
    type_into(dialog.code_edit, "S1")  # taken
    type_into(dialog.name_edit, "Again")
    QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and "already has a site 'S1'" in dialog.error_label.text()
    type_into(dialog.code_edit, "bad code")
    QTest.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    assert "not a valid code" in dialog.error_label.text() and dialog.focusWidget() is dialog.code_edit
    assert sorted(sites(services)) == ["NE", "S1", "S2", "ZR"]


def test_editing_offers_no_parent_below_the_site(screen: SitesScreen) -> None:
    screen.select_site("NE")
    screen.edit_site_action.trigger()
    dialog = site_dialog(screen)
    offered = [dialog.parent_combo.itemData(i) for i in range(dialog.parent_combo.count())]
    assert offered == [None]  # every other site is below Niger
    dialog.reject()


def drop(screen: SitesScreen, code: str, onto: str | None) -> None:
    """What the tree view does on a drop: hand the dragged site's data to the model."""
    model = screen.site_model
    data = model.mimeData([model.index_of(code)])
    target = model.index_of(onto) if onto else QModelIndex()
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, target)


def test_drag_and_drop_moves_a_site(qtbot: QtBot, screen: SitesScreen, services: Services) -> None:
    services.sites.add_site(P, "AG", "Agadez")
    screen.refresh()
    drop(screen, "S2", "AG")
    qtbot.waitUntil(lambda: sites(services)["S2"].parent_code == "AG")
    assert screen.site_model.parent(screen.site_model.index_of("S2")) == screen.site_model.index_of("AG")
    assert "moved under AG" in screen.message_label.text()
    drop(screen, "S2", None)
    qtbot.waitUntil(lambda: sites(services)["S2"].parent_code is None)
    assert not screen.site_model.parent(screen.site_model.index_of("S2")).isValid()
    # Its data stayed with it.
    assert services.iptt.table(P, site_code="S2").rows


def test_a_cycle_is_refused_with_the_service_message(
    qtbot: QtBot, screen: SitesScreen, services: Services
) -> None:
    drop(screen, "NE", "S1")
    qtbot.waitUntil(lambda: "was not moved" in screen.message_label.text())
    assert "cannot move under S1, which is below it" in screen.message_label.text()
    assert sites(services)["NE"].parent_code is None and sites(services)["S1"].parent_code == "ZR"


def test_delete_asks_and_is_refused_when_data_exists(
    qtbot: QtBot, screen: SitesScreen, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []

    def answer(_parent: object, _title: str, text: str, _buttons: object, default: object) -> object:
        asked.append(default)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    screen.select_site("S1")
    screen.tree.setFocus()
    QTest.keyClick(screen.tree, Qt.Key.Key_Delete)
    assert asked == [QMessageBox.StandardButton.No]  # the default answer is No
    assert "was not deleted" in screen.message_label.text()
    assert "data values" in screen.message_label.text()
    assert "S1" in sites(services)

    services.sites.add_site(P, "S3", "Tanout", "ZR")
    screen.refresh()
    screen.select_site("S3")
    QTest.keyClick(screen.tree, Qt.Key.Key_Delete)
    assert "S3" not in sites(services)
    assert screen.selected_site_code() == "ZR"

    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.No)
    screen.select_site("S2")
    screen.delete_site_action.trigger()
    assert "S2" in sites(services)


def test_people_add_edit_and_delete(
    qtbot: QtBot, screen: SitesScreen, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen.people_table.setFocus()
    QTest.keyClick(screen.people_table, Qt.Key.Key_Insert)
    dialog = person_dialog(screen)
    type_into(dialog.code_edit, "amina")
    type_into(dialog.name_edit, "Amina Yusuf")
    type_into(dialog.organisation_edit, "Maji Safi")
    type_into(dialog.role_edit, "M&E officer")
    type_into(dialog.email_edit, "amina.example.org")
    QTest.keyClick(dialog.email_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and "not an e-mail address" in dialog.error_label.text()
    assert dialog.focusWidget() is dialog.email_edit
    assert services.sites.list_people(P) == []
    type_into(dialog.email_edit, "amina@example.org")
    QTest.keyClick(dialog.email_edit, Qt.Key.Key_Return)
    (person,) = services.sites.list_people(P)
    assert (person.code, person.name, person.role, person.email) == (
        "amina",
        "Amina Yusuf",
        "M&E officer",
        "amina@example.org",
    )
    assert screen.selected_person() == person

    # Adding with a code in use never overwrites that person.
    screen.add_person_action.trigger()
    dialog = person_dialog(screen)
    type_into(dialog.code_edit, "amina")
    type_into(dialog.name_edit, "Someone else")
    QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert "already has the code 'amina'" in dialog.error_label.text()
    dialog.reject()
    assert services.sites.list_people(P)[0].name == "Amina Yusuf"

    # In place: select the role cell, type, Enter.
    table = screen.people_table
    table.setCurrentIndex(screen.people_model.index(0, COL_ROLE))
    table.setFocus()
    QTest.keyClicks(table, "S")  # typing starts the editor, which then has the keyboard
    editor = table.focusWidget()
    assert editor is not None and table.state() == QAbstractItemView.State.EditingState
    QTest.keyClicks(editor, "enior M&E officer")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: services.sites.list_people(P)[0].role == "Senior M&E officer")
    assert "saved" in screen.message_label.text()

    # Through the form (Enter on the row): the code stays.
    table.setCurrentIndex(screen.people_model.index(0, PERSON_NAME))
    QTest.keyClick(table, Qt.Key.Key_Return)
    dialog = person_dialog(screen)
    assert dialog.code_edit.isReadOnly()
    type_into(dialog.organisation_edit, "Water Trust")
    QTest.keyClick(dialog.organisation_edit, Qt.Key.Key_Return)
    assert services.sites.list_people(P)[0].organisation == "Water Trust"

    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda _p, _t, text, *rest: asked.append(text) or QMessageBox.StandardButton.No,
    )
    screen.activateWindow()  # the closed dialog had the keyboard; Del works where the focus is
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert "Delete Amina Yusuf (amina)?" in asked[0]
    assert len(services.sites.list_people(P)) == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert services.sites.list_people(P) == []
    assert screen.people_model.rowCount() == 0


def test_a_refused_in_place_edit_shows_why(qtbot: QtBot, screen: SitesScreen, services: Services) -> None:
    services.sites.save_person(P, "amina", "Amina Yusuf", email="amina@example.org")
    screen.refresh()
    model = screen.people_model
    assert not model.setData(model.index(0, 4), "nope")
    assert "Not saved" in screen.message_label.text() and "e-mail" in screen.message_label.text()
    assert services.sites.list_people(P)[0].email == "amina@example.org"


def test_changes_elsewhere_refresh_and_own_changes_are_not_read_twice(
    qtbot: QtBot, screen: SitesScreen, services: Services, signals: AppSignals
) -> None:
    services.sites.add_site(P, "S3", "Tanout", "ZR")
    signals.announce("sites", P)
    assert "S3" in screen.site_model.codes()
    reads: list[str] = []
    original = services.sites.list_sites

    def counting(code: str) -> list[SiteInfo]:
        reads.append(code)
        return original(code)

    screen.services.sites.list_sites = counting  # type: ignore[method-assign]
    screen.select_site("S3")
    screen.move_site("S3", "NE")
    assert reads == [P]  # once, not once more for the announcement
    signals.announce("values", P)
    assert reads == [P]  # values do not change sites

# SPDX-License-Identifier: GPL-3.0-or-later
"""SiteTreeModel (hierarchy, drag-and-drop requests) and PeopleTableModel (in-place edits), directly."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from pytestqt.qtbot import QtBot

from pmdesk.domain.errors import ValidationError
from pmdesk.services.sites import PersonInfo, SiteInfo
from pmdesk.ui.sites.people_table_model import (
    COL_CODE as PERSON_CODE,
)
from pmdesk.ui.sites.people_table_model import (
    COL_EMAIL,
    COL_ROLE,
    PeopleTableModel,
)
from pmdesk.ui.sites.people_table_model import (
    COL_NAME as PERSON_NAME,
)
from pmdesk.ui.sites.site_tree_model import COL_CODE, COL_NAME, SITE_MIME_TYPE, SiteTreeModel

DISPLAY = Qt.ItemDataRole.DisplayRole
MOVE = Qt.DropAction.MoveAction

SITES = [
    SiteInfo(1, "u1", "NE", "Niger", None, 0),
    SiteInfo(2, "u2", "ZR", "Zinder", "NE", 1),
    SiteInfo(3, "u3", "S1", "Mirriah", "ZR", 2),
    SiteInfo(4, "u4", "S2", "Magaria", "ZR", 2),
    SiteInfo(5, "u5", "AG", "Agadez", None, 0),
]


@pytest.fixture
def model(qapp: object) -> SiteTreeModel:
    m = SiteTreeModel()
    m.set_rows(SITES)
    return m


def test_tree_shape(model: SiteTreeModel) -> None:
    assert model.rowCount() == 2 and model.columnCount() == 2
    ne = model.index(0, COL_NAME)
    assert model.data(ne, DISPLAY) == "Niger"
    assert model.data(model.index(1, COL_CODE), DISPLAY) == "AG"
    zr = model.index(0, COL_NAME, ne)
    assert model.data(zr, DISPLAY) == "Zinder" and model.rowCount(zr) == 2
    s2 = model.index(1, COL_CODE, zr)
    assert model.data(s2, DISPLAY) == "S2"
    assert model.parent(s2) == zr and model.parent(zr) == ne and not model.parent(ne).isValid()
    assert model.rowCount(model.index(0, COL_CODE)) == 0  # only the first column has children
    assert model.index_of("S1") == model.index(0, COL_NAME, zr)
    assert not model.index_of("nowhere").isValid()
    assert model.descendants("NE") == {"ZR", "S1", "S2"} and model.descendants("S1") == set()
    assert model.codes() == ["NE", "ZR", "S1", "S2", "AG"]
    assert "under ZR" in model.data(model.index_of("S1"), Qt.ItemDataRole.ToolTipRole)
    flags = model.flags(zr)
    assert flags & Qt.ItemFlag.ItemIsDragEnabled and flags & Qt.ItemFlag.ItemIsDropEnabled
    assert model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled  # empty space: top level
    assert model.parent() is None  # QObject.parent() still answers


def drop(model: SiteTreeModel, code: str, onto: str | None, row: int = -1) -> bool:
    data = model.mimeData([model.index_of(code), model.index_of(code, COL_CODE)])
    target = model.index_of(onto) if onto else QModelIndex()
    return model.dropMimeData(data, MOVE, row, 0, target)


def test_a_drop_asks_to_move_and_changes_nothing_itself(qtbot: QtBot, model: SiteTreeModel) -> None:
    assert model.mimeTypes() == [SITE_MIME_TYPE]
    assert model.supportedDropActions() == MOVE
    with qtbot.waitSignal(model.move_requested) as moved:
        assert drop(model, "S2", "AG") is False  # the screen moves it; the view must not remove the row
    assert moved.args == ["S2", "AG"]
    with qtbot.waitSignal(model.move_requested) as moved:
        drop(model, "ZR", None)
    assert moved.args == ["ZR", None]
    with qtbot.waitSignal(model.move_requested) as moved:
        drop(model, "S1", "NE", row=0)  # between NE's children: becomes one of them
    assert moved.args == ["S1", "NE"]
    # A cycle is asked for too: the service refuses it with its own message.
    with qtbot.waitSignal(model.move_requested) as moved:
        drop(model, "NE", "S1")
    assert moved.args == ["NE", "S1"]
    assert model.data(model.index_of("S2"), DISPLAY) == "Magaria"


def test_drops_that_change_nothing_ask_nothing(qtbot: QtBot, model: SiteTreeModel) -> None:
    with qtbot.assertNotEmitted(model.move_requested):
        assert not drop(model, "S1", "ZR")  # already there
        assert not drop(model, "S1", "S1")  # onto itself
        assert not drop(model, "AG", None)  # already top level
        assert not model.dropMimeData(QMimeData(), MOVE, -1, 0, model.index_of("AG"))
        assert not model.dropMimeData(
            model.mimeData([model.index_of("S1")]), Qt.DropAction.CopyAction, -1, 0, model.index_of("AG")
        )


PEOPLE = [
    PersonInfo(1, "p1", "amina", "Amina Yusuf", "Maji Safi", "M&E officer", "amina@example.org"),
    PersonInfo(2, "p2", "david", "David Mwangi", "Maji Safi", "Manager", ""),
]


def test_people_rows_and_in_place_edit(qtbot: QtBot, qapp: object) -> None:
    saved: list[PersonInfo] = []

    def saver(person: PersonInfo) -> PersonInfo:
        if person.email and "@" not in person.email:
            raise ValidationError("not an e-mail address")
        saved.append(person)
        return person

    model = PeopleTableModel(saver)
    model.set_rows(list(reversed(PEOPLE)))
    assert model.rowCount() == 2 and model.columnCount() == 5
    assert model.data(model.index(0, PERSON_NAME), DISPLAY) == "Amina Yusuf"  # sorted by name
    assert not model.flags(model.index(0, PERSON_CODE)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, COL_ROLE)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(0, PERSON_CODE), "x")
    with qtbot.waitSignal(model.person_saved):
        assert model.setData(model.index(0, COL_ROLE), " Senior M&E officer ")
    assert saved == [replace(PEOPLE[0], role="Senior M&E officer")]
    assert model.data(model.index(0, COL_ROLE), DISPLAY) == "Senior M&E officer"
    with qtbot.waitSignal(model.edit_refused) as refused:
        assert not model.setData(model.index(0, COL_EMAIL), "nope")
    assert "e-mail" in str(refused.args[0])
    assert model.data(model.index(0, COL_EMAIL), DISPLAY) == "amina@example.org"
    assert not model.setData(model.index(0, COL_EMAIL), "amina@example.org")  # unchanged: no save
    assert len(saved) == 1
    model.sort(COL_ROLE, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, PERSON_CODE), DISPLAY) == "david"
    read_only = PeopleTableModel()
    read_only.set_rows(PEOPLE)
    assert not read_only.flags(read_only.index(0, COL_ROLE)) & Qt.ItemFlag.ItemIsEditable

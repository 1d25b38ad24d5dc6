# SPDX-License-Identifier: GPL-3.0-or-later
"""ElidedLabel: the whole text when it fits, its start and end around "…" when it does not."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from pmdesk.ui.widgets.elided_label import ElidedLabel

PATH = "Database: /home/amina/Documents/Programmes/WASH schools 2025-2026/country office/pmdesk.sqlite"


def test_shortens_in_the_middle_to_its_width_and_keeps_the_whole_in_the_tooltip(qtbot: QtBot) -> None:
    label = ElidedLabel(PATH)
    qtbot.addWidget(label)
    label.show()
    label.resize(label.fontMetrics().horizontalAdvance(PATH) + 20, 30)
    qtbot.waitUntil(lambda: label.text() == PATH)
    label.resize(200, 30)
    qtbot.waitUntil(lambda: label.text() != PATH)
    shown = label.text()
    assert "…" in shown and shown.startswith("Database:") and shown.endswith("sqlite")
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    assert label.toolTip() == PATH == label.full_text()
    label.set_full_text("Database: short.sqlite")
    assert label.text() == "Database: short.sqlite"


def test_never_asks_for_the_width_of_its_text(qtbot: QtBot) -> None:
    label = ElidedLabel(PATH)
    qtbot.addWidget(label)
    assert label.sizePolicy().horizontalPolicy().name == "Ignored"

# SPDX-License-Identifier: GPL-3.0-or-later
"""FlowLayout: one line when there is room, wrapped lines when not, never wider than its widest item."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.ui.widgets.flow_layout import FlowLayout


def _panel(qtbot: QtBot) -> tuple[QWidget, FlowLayout, list[QPushButton]]:
    panel = QWidget()
    qtbot.addWidget(panel)
    layout = FlowLayout(panel)
    buttons = [QPushButton(text, panel) for text in ("Add site…", "Add below…", "Rename/Edit…", "Delete…")]
    for button in buttons:
        layout.addWidget(button)
    panel.show()
    return panel, layout, buttons


def test_one_line_when_there_is_room(qtbot: QtBot) -> None:
    panel, layout, buttons = _panel(qtbot)
    panel.resize(layout.sizeHint().width() + 50, 200)
    qtbot.waitUntil(lambda: buttons[-1].x() > buttons[0].x())
    assert len({button.y() for button in buttons}) == 1
    xs = [button.x() for button in buttons]
    assert xs == sorted(xs)
    margins = layout.contentsMargins()
    line = buttons[0].sizeHint().height()
    assert layout.heightForWidth(panel.width()) == margins.top() + line + margins.bottom()


def test_wraps_when_narrow_and_asks_only_for_the_widest_item(qtbot: QtBot) -> None:
    panel, layout, buttons = _panel(qtbot)
    widest = max(button.sizeHint().width() for button in buttons)
    margins = layout.contentsMargins()
    narrowest = max(button.minimumSizeHint().width() for button in buttons)
    assert layout.minimumSize().width() == margins.left() + narrowest + margins.right()
    assert layout.sizeHint().width() > 2 * widest  # one line wants them all
    panel.resize(widest + 10, 300)
    qtbot.waitUntil(lambda: buttons[-1].y() > buttons[0].y())
    # Narrower than two buttons: one a line, in order, none overlapping.
    ys = [button.y() for button in buttons]
    assert ys == sorted(ys) and len(set(ys)) == len(buttons)
    assert all(button.x() == buttons[0].x() for button in buttons)
    tall = layout.heightForWidth(widest + 10)
    assert tall >= 4 * buttons[0].sizeHint().height()
    assert layout.heightForWidth(layout.sizeHint().width()) < tall


def test_hidden_items_take_no_place(qtbot: QtBot) -> None:
    panel, layout, buttons = _panel(qtbot)
    buttons[1].hide()
    panel.resize(layout.sizeHint().width(), 100)
    qtbot.waitUntil(lambda: buttons[2].x() > buttons[0].x())
    assert buttons[2].x() < buttons[0].x() + buttons[0].width() + buttons[1].width()
    assert layout.count() == 4 and layout.itemAt(4) is None and layout.takeAt(9) is None


def test_the_height_for_a_width_is_measured_once_until_the_layout_changes(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    _panel_widget, layout, buttons = _panel(qtbot)
    widest = max(button.sizeHint().width() for button in buttons)
    arranged: list[int] = []
    original = FlowLayout._arrange

    def counting(self: FlowLayout, rect: QRect, move: bool) -> int:
        arranged.append(rect.width())
        return original(self, rect, move)

    monkeypatch.setattr(FlowLayout, "_arrange", counting)
    two_lines = layout.heightForWidth(widest + 10)
    assert [layout.heightForWidth(widest + 10) for _ in range(5)] == [two_lines] * 5
    assert arranged == [widest + 10]  # measured once
    for button in buttons[1:]:
        button.hide()  # one button left: a single line, measured again
    layout.invalidate()
    assert layout.heightForWidth(widest + 10) < two_lines

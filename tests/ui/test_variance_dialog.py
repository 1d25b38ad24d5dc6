# SPDX-License-Identifier: GPL-3.0-or-later
"""Explain variance… (issue #10 §3): the dialog shows the figures it explains, OK saves what was
typed (still there after the database is closed and opened again), and a refused save keeps the
dialog open with the text and says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from pmdesk.domain.errors import DatabaseBusyError
from pmdesk.domain.iptt_table import IpttRow, IpttTable
from pmdesk.domain.variance import MAX_LENGTH
from pmdesk.services.actor import Actor
from pmdesk.services.iptt import IpttService
from pmdesk.services.variance import VarianceService
from pmdesk.storage.database import Database, open_database
from pmdesk.ui.context import Services
from pmdesk.ui.iptt.variance_dialog import VarianceDialog
from tests.ui.programme_factory import CODE, Built


def _row(table: IpttTable, code: str) -> IpttRow:
    return next(r for r in table.rows if r.code == code)


def _dialog(qtbot: QtBot, variance: VarianceService, table: IpttTable, code: str) -> VarianceDialog:
    assert table.as_of is not None
    dialog = VarianceDialog(variance, CODE, _row(table, code), table.as_of, table.thresholds)
    qtbot.addWidget(dialog)
    dialog.resize(640, 520)
    dialog.show()
    return dialog


def _labels(dialog: VarianceDialog) -> str:
    from PySide6.QtWidgets import QLabel

    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def test_typed_explanation_is_saved_and_there_after_reopening_the_database(
    qtbot: QtBot, db: Database, db_path: Path, small: Built, services: Services
) -> None:
    table = services.iptt.table(CODE)
    dialog = _dialog(qtbot, services.variance, table, "2.1")
    shown = _labels(dialog)
    assert dialog.windowTitle() == "Explain variance: 2.1 as of 2025 Q2"
    assert "Off track < 70 %" in shown and "15%" in shown  # 300 of 2,000
    assert "the donor report needs an explanation" in shown.lower()
    assert dialog.text_edit.toPlainText() == ""

    qtbot.keyClicks(dialog.text_edit, "The new pumps arrived in June, one quarter late.")
    assert "48 of 4,000 characters" in dialog.count_label.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.saved is not None and dialog.saved.written_by == "tester"

    db.close()  # as if PMDesk were closed and started again
    reopened = open_database(db_path, actor="tester")
    try:
        variance = VarianceService(reopened.sessions, Actor(reopened.actor, reopened.device_uuid))
        again = _dialog(qtbot, variance, IpttService(reopened.sessions).table(CODE), "2.1")
        assert again.text_edit.toPlainText() == "The new pumps arrived in June, one quarter late."
        assert "Last written by tester on " in again.written_label.text()

        # Emptied, OK removes the explanation.
        again.text_edit.clear()
        qtbot.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)
        assert again.result() == QDialog.DialogCode.Accepted and again.saved is None
        assert variance.get(CODE, "2.1", "2025Q2") is None
    finally:
        reopened.close()


def test_a_refused_save_keeps_the_dialog_and_the_text_and_says_why(
    qtbot: QtBot, small: Built, services: Services
) -> None:
    dialog = _dialog(qtbot, services.variance, services.iptt.table(CODE), "2.3")
    assert "Exceeding > 115 %" in _labels(dialog)
    too_long = "Far more pupils enrolled than planned. " * 120
    dialog.text_edit.setPlainText(too_long)
    assert "of 4,000 characters" in dialog.count_label.text() and "bold" in dialog.count_label.styleSheet()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_label.isVisible()
    message = dialog.error_label.text()
    assert message.startswith("Nothing was saved.") and f"at most {MAX_LENGTH:,} characters" in message
    assert "ValidationError" not in message
    assert dialog.text_edit.toPlainText() == too_long
    assert services.variance.get(CODE, "2.3", "2025Q2") is None


def test_a_busy_database_keeps_the_text_and_ok_saves_it_once_free(
    qtbot: QtBot, small: Built, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _dialog(qtbot, services.variance, services.iptt.table(CODE), "2.3")
    dialog.text_edit.setPlainText("Two new schools joined the programme.")
    real_set = services.variance.set

    def busy(*args: object) -> None:
        raise DatabaseBusyError("Another program is writing to the database (a backup or an import).")

    monkeypatch.setattr(services.variance, "set", busy)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert "Another program is writing" in dialog.error_label.text()
    assert dialog.text_edit.toPlainText() == "Two new schools joined the programme."

    monkeypatch.setattr(services.variance, "set", real_set)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = services.variance.get(CODE, "2.3", "2025Q2")
    assert saved is not None and saved.text == "Two new schools joined the programme."


def test_an_on_track_indicator_may_be_explained_but_need_not_be(
    qtbot: QtBot, small: Built, services: Services
) -> None:
    dialog = _dialog(qtbot, services.variance, services.iptt.table(CODE), "1.1")
    assert "On track 85–115 %" in _labels(dialog)
    assert dialog.need_label.text().startswith("Not required at this status")


def test_explanations_for_periods_the_programme_no_longer_has_are_shown_and_can_be_removed(
    qtbot: QtBot, small: Built, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace
    from datetime import date

    from pmdesk.ui.iptt import variance_dialog

    services.variance.set(CODE, "2.1", "2025Q4", "The pumps were ordered late.")
    services.variance.set(CODE, "1.1", "2025Q4", "Another indicator's: not shown for 2.1.")
    data = services.programmes.get(CODE).data
    services.programmes.update(CODE, replace(data, end=date(2025, 9, 30)), keep_outside=True)

    dialog = _dialog(qtbot, services.variance, services.iptt.table(CODE), "2.1")
    assert dialog.orphans_box.isVisible()
    assert dialog.orphans_box.title() == "For periods the programme no longer has"
    shown = dialog.orphans_text.toPlainText()
    assert "2025 Q4" in shown and "The pumps were ordered late." in shown
    assert "Another indicator" not in shown
    assert dialog.text_edit.toPlainText() == ""  # the as-of period's own explanation is apart

    asked: list[int] = []
    answers = iter([False, True])
    monkeypatch.setattr(
        variance_dialog, "confirm_removing_orphans", lambda _p, n: asked.append(n) or next(answers)
    )
    qtbot.mouseClick(dialog.remove_orphans_button, Qt.MouseButton.LeftButton)
    assert dialog.orphans_box.isVisible()  # No: kept
    qtbot.mouseClick(dialog.remove_orphans_button, Qt.MouseButton.LeftButton)
    assert asked == [1, 1]
    assert not dialog.orphans_box.isVisible()
    assert [e.indicator_code for e in services.variance.orphaned(CODE)] == ["1.1"]

    # An indicator with none shows no such heading.
    other = _dialog(qtbot, services.variance, services.iptt.table(CODE), "2.3")
    assert not other.orphans_box.isVisible()

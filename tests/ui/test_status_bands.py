# SPDX-License-Identifier: GPL-3.0-or-later
"""The status bands are written one way everywhere, from the programme's thresholds (issue #7 §2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from pmdesk.domain.enums import Status
from pmdesk.domain.iptt import BAND_NAMES, Thresholds, band_label, bands_line
from pmdesk.formats.iptt_text import iptt_text
from pmdesk.formats.iptt_workbook import IPTT_SHEET, write_iptt_workbook
from pmdesk.ui.context import UiContext
from pmdesk.ui.iptt.iptt_screen import IpttScreen
from pmdesk.ui.iptt.iptt_table_model import COL_STATUS, IpttTableModel
from pmdesk.ui.iptt.status_style import band_explanation
from pmdesk.ui.programmes.programme_dialog import band_sentence
from tests.ui.test_iptt_table_model import _synthetic

ROOT = Path(__file__).resolve().parents[2]
ODD = Thresholds(120.0, 90.5, 60.0)  # not the defaults: every place must follow the programme


def test_band_label_writes_each_band_from_the_thresholds() -> None:
    assert [band_label(s, Thresholds()) for s in BAND_NAMES] == [
        "Exceeding > 115 %",
        "On track 85–115 %",
        "At risk 70–85 %",
        "Off track < 70 %",
    ]
    assert band_label(Status.ON_TRACK, ODD) == "On track 90.5–120 %"
    assert bands_line(ODD) == "Exceeding > 120 % · On track 90.5–120 % · At risk 60–90.5 % · Off track < 60 %"


def test_the_iptt_legend_and_tooltips_use_it(qtbot: QtBot, context: UiContext) -> None:
    screen = IpttScreen(context)
    qtbot.addWidget(screen)
    screen._show_table(_synthetic(Status.ON_TRACK, ODD))
    chips = screen._legend_chips
    assert [chips[s].text() for s in BAND_NAMES] == [band_label(s, ODD) for s in BAND_NAMES]
    model = IpttTableModel()
    model.set_table(_synthetic(Status.ON_TRACK, ODD))
    tip = str(model.data(model.index(1, COL_STATUS), 3))  # ToolTipRole
    for status in BAND_NAMES:
        assert f"  {band_label(status, ODD)}\n" in band_explanation(ODD)
        assert band_label(status, ODD) in tip


def test_the_programme_dialog_and_exports_use_it(tmp_path: Path) -> None:
    assert band_sentence(ODD) == f"Status bands (% met): {bands_line(ODD)}"
    table = _synthetic(Status.ON_TRACK, ODD)
    assert f"Status (% met): {bands_line(ODD)}." in iptt_text(table)
    path = tmp_path / "iptt.xlsx"
    write_iptt_workbook(table, path)
    sheet = load_workbook(path)[IPTT_SHEET]
    assert f"Status (% met): {bands_line(ODD)}." in str(sheet.cell(row=4, column=1).value)


@pytest.mark.parametrize("document", ["README.md", "docs/iptt.md", "docs/vocabulary.md"])
def test_the_documents_write_the_default_bands_the_same_way(document: str) -> None:
    text = " ".join((ROOT / document).read_text(encoding="utf-8").split())
    assert bands_line(Thresholds()) in text

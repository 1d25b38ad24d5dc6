# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT Excel export: layout, figures equal to the IpttTable, status colours, change log, no formulas."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from pmdesk.domain.enums import ChangeReason, Measure
from pmdesk.formats.iptt_text import status_label
from pmdesk.formats.iptt_workbook import (
    CHANGE_LOG_SHEET,
    FIRST_BODY_ROW,
    GROUP_HEADER_ROW,
    HEADER_ROW,
    INDICATOR_COLUMNS,
    IPTT_SHEET,
    PERIOD_COLUMNS,
    write_iptt_workbook,
)
from pmdesk.services.history import HistoryService, Reason
from pmdesk.services.iptt import IpttTable
from pmdesk.services.programmes import ProgrammeService
from pmdesk.storage.database import Database
from tests.unit.builders import Services, small_programme

CODE = "WASH-01"
LOP = len(INDICATOR_COLUMNS) + 1  # first column of the LoP block
TO_DATE = LOP + 3
FIRST_PERIOD = TO_DATE + 4
BLOCK = len(PERIOD_COLUMNS)  # Target, Actual, % met, Sites


def _programme_with_values(db: Database) -> Services:
    s = small_programme(db, CODE)
    s.entry.set_value(CODE, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=40)
    s.entry.set_value(CODE, "1.1", "2025Q1", "N01", {"SEX": "M"}, value=35.5)
    s.entry.set_value(CODE, "1.1", "2025Q2", "N02", {"SEX": "F"}, value=20)
    s.entry.set_value(CODE, "2.1", "2025Q1", "N01", numerator=30, denominator=40)
    s.entry.set_value(CODE, "2.1", "2025Q2", "N01", numerator=1, denominator=3)
    s.entry.set_value(CODE, "3.1", "2025Q2", "N01", text="Girls now stay in school")
    s.entry.set_value(CODE, "1.1", "2025Q2", "N02", {"SEX": "F"}, value=25)  # a change: in History
    s.targets.set_target(CODE, "1.1", "2025Q2", 120, reason=Reason(ChangeReason.DONOR_REQUIREMENT))
    return s


def _export(db: Database, tmp_path: Path, s: Services, **kwargs: Any) -> tuple[IpttTable, Path, list]:
    table = s.iptt.table(CODE, **kwargs)
    history = HistoryService(db.sessions).for_programme(
        ProgrammeService(db.sessions, _actor(db)).get(CODE).id
    )
    path = tmp_path / "iptt.xlsx"
    write_iptt_workbook(table, path, history)
    return table, path, history


def _actor(db: Database):  # type: ignore[no-untyped-def]
    from pmdesk.services.actor import Actor

    return Actor(db.actor, db.device_uuid)


def _approx(values: list[float | None]) -> list[Any]:
    # openpyxl writes 16 significant digits (Excel keeps 15): equal, not bit-identical.
    return [None if v is None else pytest.approx(v, rel=1e-12) for v in values]


def _rows_by_code(sheet: Any) -> dict[str, int]:
    return {
        sheet.cell(row=r, column=1).value: r
        for r in range(FIRST_BODY_ROW, sheet.max_row + 1)
        if sheet.cell(row=r, column=1).value
    }


def test_layout_levels_indicators_and_period_headers(db: Database, tmp_path: Path) -> None:
    s = _programme_with_values(db)
    table, path, _ = _export(db, tmp_path, s)
    sheet = load_workbook(path)[IPTT_SHEET]

    assert table.programme_name in sheet["A1"].value
    assert "rounded to 2 decimals" in sheet["A4"].value
    assert sheet.freeze_panes == f"C{FIRST_BODY_ROW}"
    assert sheet.cell(row=GROUP_HEADER_ROW, column=LOP).value == "Life of programme"
    assert sheet.cell(row=GROUP_HEADER_ROW, column=TO_DATE).value.startswith("To date")
    for index, period in enumerate(table.periods):
        column = FIRST_PERIOD + BLOCK * index
        assert sheet.cell(row=GROUP_HEADER_ROW, column=column).value == period.label()
        assert [sheet.cell(row=HEADER_ROW, column=column + i).value for i in range(4)] == [
            "Target",
            "Actual",
            "% met",
            "Sites",
        ]
        merged = {str(r) for r in sheet.merged_cells.ranges}
        from openpyxl.utils import get_column_letter

        first, last = get_column_letter(column), get_column_letter(column + BLOCK - 1)
        assert f"{first}{GROUP_HEADER_ROW}:{last}{GROUP_HEADER_ROW}" in merged

    # Framework order: a level row per result (bold, shaded), its indicators below it.
    order = [sheet.cell(row=r, column=1).value for r in range(FIRST_BODY_ROW, sheet.max_row + 1)]
    assert order == ["G", "3.1", "O1", "1.1", "2.1"]
    rows = _rows_by_code(sheet)
    level = sheet.cell(row=rows["O1"], column=2)
    assert level.value == "Outcome: Schools have safe water"
    assert level.font.b
    assert level.fill.fgColor.rgb.endswith("E7E6E6")
    assert level.alignment.indent == 1
    assert sheet.cell(row=rows["1.1"], column=2).alignment.indent == 2


def test_numbers_equal_the_iptt_table(db: Database, tmp_path: Path) -> None:
    s = _programme_with_values(db)
    table, path, _ = _export(db, tmp_path, s)
    sheet = load_workbook(path)[IPTT_SHEET]
    rows = _rows_by_code(sheet)
    checked = 0
    for item in table.rows:
        r = rows[item.code]
        assert sheet.cell(row=r, column=2).value == item.name
        assert sheet.cell(row=r, column=4).value == item.measure.value
        assert sheet.cell(row=r, column=7).value == item.baseline
        f = item.figures
        assert [sheet.cell(row=r, column=LOP + i).value for i in range(3)] == _approx(
            [f.lop.target, f.lop.actual, f.lop.pct_met]
        )
        assert [sheet.cell(row=r, column=TO_DATE + i).value for i in range(3)] == _approx(
            [f.to_date.target, f.to_date.actual, f.to_date.pct_met]
        )
        for index, period in enumerate(f.periods):
            column = FIRST_PERIOD + BLOCK * index
            assert [sheet.cell(row=r, column=column + i).value for i in (0, 2)] == _approx(
                [period.target, period.pct_met]
            )
            if item.measure is Measure.QUALITATIVE:
                assert sheet.cell(row=r, column=column + 1).value == period.text
            else:
                assert sheet.cell(row=r, column=column + 1).value == _approx([period.actual])[0]
                checked += period.actual is not None
    assert checked == 4  # 1.1 and 2.1 in Q1 and Q2

    # Stored unrounded, shown with at most two decimals.
    r = rows["2.1"]
    q2 = sheet.cell(row=r, column=FIRST_PERIOD + BLOCK + 1)
    assert q2.value == pytest.approx(100 / 3)
    assert q2.data_type == "n"
    assert q2.number_format == '#,##0.##"%"'
    assert sheet.cell(row=rows["1.1"], column=FIRST_PERIOD).number_format == "#,##0"
    assert (
        sheet.cell(row=rows["3.1"], column=FIRST_PERIOD + BLOCK + 1).value
        == "Kibera school: Girls now stay in school"
    )


def test_status_has_text_and_fill(db: Database, tmp_path: Path) -> None:
    s = _programme_with_values(db)
    table, path, _ = _export(db, tmp_path, s)
    sheet = load_workbook(path)[IPTT_SHEET]
    rows = _rows_by_code(sheet)
    for item in table.rows:
        cell = sheet.cell(row=rows[item.code], column=TO_DATE + 3)
        assert cell.value == status_label(item.figures.to_date)
        assert cell.value.startswith(item.figures.to_date.status.value.replace("_", " "))
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb not in (None, "00000000")
    on_track = sheet.cell(row=rows["1.1"], column=TO_DATE + 3)
    assert table.rows[[r.code for r in table.rows].index("1.1")].figures.to_date.status.value == "off_track"
    assert on_track.value.startswith("off track") and on_track.fill.fgColor.rgb.endswith("FFC7CE")


def test_change_log_lists_history(db: Database, tmp_path: Path) -> None:
    s = _programme_with_values(db)
    _, path, history = _export(db, tmp_path, s)
    sheet = load_workbook(path)[CHANGE_LOG_SHEET]
    assert [c.value for c in sheet[1]] == [
        "When (UTC)",
        "Who",
        "Device",
        "What",
        "Field",
        "Old",
        "New",
        "Reason",
    ]
    assert len(history) >= 2
    assert sheet.max_row == len(history) + 1
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    target_change = next(r for r in body if r[5] == "100" and r[6] == "120")
    assert target_change[1] == "tester"
    assert target_change[2] == db.device_uuid
    assert target_change[7] == "Donor requirement"
    assert any(r[5] == "20" and r[6] == "25" for r in body)  # the corrected value


def test_user_text_starting_with_equals_is_text_not_formula(db: Database, tmp_path: Path) -> None:
    s = _programme_with_values(db)
    info = s.framework.get_indicator(CODE, "1.1")
    evil = '=HYPERLINK("http://example.com","click")'
    s.framework.save_indicator(
        CODE, dataclasses.replace(info.data, name=evil, unit="+1"), original_code="1.1"
    )
    _, path, _ = _export(db, tmp_path, s)
    sheet = load_workbook(path)[IPTT_SHEET]
    r = _rows_by_code(sheet)["1.1"]
    name = sheet.cell(row=r, column=2)
    assert name.value == evil
    assert name.data_type == "s"
    assert sheet.cell(row=r, column=3).value == "+1"
    # The raw XML holds no formula element at all.
    import zipfile

    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(member) and b"<f " not in archive.read(member)
    # And the change log holds the old and new name as text.
    log = load_workbook(path)[CHANGE_LOG_SHEET]
    news = [row[6] for row in log.iter_rows(min_row=2, values_only=True)]
    assert evil in news


def test_site_as_of_and_progress(db: Database, tmp_path: Path) -> None:
    s = _programme_with_values(db)
    table = s.iptt.table(CODE, as_of="2025Q1", site_code="N01")
    calls: list[tuple[int, int]] = []
    path = tmp_path / "site.xlsx"
    write_iptt_workbook(table, path, progress=lambda done, total: calls.append((done, total)))
    sheet = load_workbook(path)[IPTT_SHEET]
    assert sheet["D3"].value == "N01: Kibera school"
    assert "2025Q1" in sheet["B3"].value
    assert sheet.cell(row=GROUP_HEADER_ROW, column=FIRST_PERIOD + BLOCK).value is None  # only Q1 shown
    assert calls[-1] == (3, 3)
    assert load_workbook(path)[CHANGE_LOG_SHEET].max_row == 1


def test_control_characters_do_not_break_the_file(db: Database, tmp_path: Path) -> None:
    s = small_programme(db, CODE)
    info = s.framework.get_indicator(CODE, "2.1")
    s.framework.save_indicator(
        CODE, dataclasses.replace(info.data, name="Schools\x07 with water"), original_code="2.1"
    )
    _, path, _ = _export(db, tmp_path, s)
    sheet = load_workbook(path)[IPTT_SHEET]
    assert sheet.cell(row=_rows_by_code(sheet)["2.1"], column=2).value == "Schools with water"


def test_overlong_text_is_cut_to_excels_cell_limit(db: Database, tmp_path: Path) -> None:
    s = small_programme(db, CODE)
    s.entry.set_value(CODE, "3.1", "2025Q1", "N01", text="x" * 9000)
    table = s.iptt.table(CODE)
    row = next(r for r in table.rows if r.code == "3.1")
    big = dataclasses.replace(
        row.figures,
        periods=(dataclasses.replace(row.figures.periods[0], text="y" * 40_000),),
    )
    rows = tuple(dataclasses.replace(r, figures=big) if r.code == "3.1" else r for r in table.rows)
    path = tmp_path / "long.xlsx"
    write_iptt_workbook(dataclasses.replace(table, rows=rows), path)
    sheet = load_workbook(path)[IPTT_SHEET]
    text = sheet.cell(row=_rows_by_code(sheet)["3.1"], column=FIRST_PERIOD + 1).value
    assert len(text) == 32_767 and text.endswith("…")


def test_sites_reporting_and_partial_marks(db: Database, tmp_path: Path) -> None:
    s = _programme_with_values(db)
    _, path, _ = _export(db, tmp_path, s, as_of="2025Q2")
    sheet = load_workbook(path)[IPTT_SHEET]
    rows = _rows_by_code(sheet)
    assert "latest complete period" in sheet["A5"].value
    assert sheet.cell(row=HEADER_ROW, column=FIRST_PERIOD + 3).value == "Sites"
    # 1.1: Q1 from Kibera only, Q2 from Mathare only; 2.1 from Kibera in both
    q1, q2 = (sheet.cell(row=rows["1.1"], column=FIRST_PERIOD + BLOCK * i + 3) for i in (0, 1))
    assert (q1.value, q2.value) == ("partial: 1 of 2", "partial: 1 of 2")
    assert q1.fill.fgColor.rgb.endswith("FCE4D6")
    status = sheet.cell(row=rows["1.1"], column=TO_DATE + 3).value
    assert status.endswith("· partial (1 of 2 sites)")
    assert sheet.cell(row=rows["1.1"], column=TO_DATE + 1).font.italic
    # Qualitative texts show their rate but are never partial.
    assert sheet.cell(row=rows["3.1"], column=FIRST_PERIOD + BLOCK + 3).value == "1 of 2"

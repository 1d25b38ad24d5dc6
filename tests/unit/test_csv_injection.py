# SPDX-License-Identifier: GPL-3.0-or-later
"""Every CSV PMDesk writes is quoted by the csv module's rules and neutralised, so that no text a
user typed can start a row or a formula in a spreadsheet (issue #6, item 7)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pmdesk import cli
from pmdesk.domain.enums import Measure
from pmdesk.formats.iptt_text import CSV_COLUMNS, iptt_csv
from pmdesk.services.framework_records import IndicatorData
from pmdesk.services.values_io import EXPORT_HEADER
from pmdesk.storage.database import Database, open_database
from tests.unit.builders import Services, small_programme

PAYLOAD = "=2+5+cmd|' /C calc'!A0"
HOSTILE_NAME = f"Pupils reached\r{PAYLOAD}"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _hostile_programme(db: Database) -> Services:
    s = small_programme(db)
    s.framework.save_indicator(
        "WASH-01", IndicatorData("4.1", HOSTILE_NAME, "O1", Measure.NUMBER, unit=f"kg\r{PAYLOAD}")
    )
    s.entry.set_value("WASH-01", "4.1", "2025Q1", "N01", value=5, comment=f"ok\r{PAYLOAD}")
    s.entry.set_value("WASH-01", "3.1", "2025Q1", "N01", text=f"fine\r{PAYLOAD}\n{PAYLOAD}")
    return s


def _assert_safe(text: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Read strictly, each record has the header's cells and no text cell starts a formula."""
    records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert records[0] == list(columns)
    for record in records[1:]:
        assert len(record) == len(columns)
        for cell in record:
            assert _is_number(cell) or not cell.startswith(FORMULA_STARTS), record
    return [dict(zip(columns, r)) for r in records[1:]]


def test_a_carriage_return_in_a_name_stays_inside_its_iptt_cell(db: Database) -> None:
    s = _hostile_programme(db)
    text = iptt_csv(s.iptt.table("WASH-01"))
    rows = _assert_safe(text, CSV_COLUMNS)
    assert sorted(r["indicator"] for r in rows) == ["1.1", "2.1", "3.1", "4.1"]  # one period: 2025Q1
    hostile = [r for r in rows if r["indicator"] == "4.1"]
    assert {r["name"] for r in hostile} == {HOSTILE_NAME}
    assert {r["unit"] for r in hostile} == {f"kg\r{PAYLOAD}"}


def test_the_cli_iptt_csv_cannot_be_split_by_a_carriage_return(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMDESK_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "hostile.sqlite"
    database = open_database(path, actor="tester")
    try:
        _hostile_programme(database)
    finally:
        database.close()
    assert cli.main(["--db", str(path), "iptt", "WASH-01", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = _assert_safe(out, CSV_COLUMNS)
    assert [r["name"] for r in rows if r["indicator"] == "4.1"] == [HOSTILE_NAME]


def test_the_values_csv_keeps_carriage_returns_inside_their_cells(db: Database) -> None:
    from pmdesk.services.actor import Actor
    from pmdesk.services.values_io import ValuesService

    _hostile_programme(db)
    text = ValuesService(db.sessions, Actor(db.actor, db.device_uuid)).export_values("WASH-01", "csv")
    rows = _assert_safe(text, EXPORT_HEADER)
    assert len(rows) == 2
    assert {r["comment"] for r in rows} >= {f"ok\r{PAYLOAD}"}
    assert {r["text"] for r in rows} >= {f"fine\r{PAYLOAD}\n{PAYLOAD}"}

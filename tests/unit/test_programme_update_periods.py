# SPDX-License-Identifier: GPL-3.0-or-later
"""ProgrammeService.update with custom periods: replaced by code, never orphaning data, recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from pmdesk.domain.enums import Frequency
from pmdesk.domain.errors import ValidationError
from pmdesk.domain.periods import CustomPeriod
from pmdesk.services.history import HistoryService
from pmdesk.services.programmes import ProgrammeData
from pmdesk.storage.database import Database
from tests.unit.builders import services, small_programme

BASELINE = CustomPeriod("BASELINE", date(2024, 1, 1), date(2024, 3, 31))
MIDLINE = CustomPeriod("MIDLINE", date(2025, 1, 1), date(2025, 3, 31))
ENDLINE = CustomPeriod("ENDLINE", date(2026, 7, 1), date(2026, 12, 31))


def test_custom_periods_are_replaced_and_recorded(db: Database) -> None:
    s = services(db)
    data = ProgrammeData("EVAL", "Evaluation", date(2024, 1, 1), date(2026, 12, 31), Frequency.CUSTOM)
    created = s.programmes.create(data, custom_periods=[BASELINE, ENDLINE])
    s.programmes.update("EVAL", data, [BASELINE, MIDLINE, replace(ENDLINE, end=date(2026, 11, 30))])
    periods = s.programmes.periods("EVAL")
    assert [(p.code, p.end) for p in periods] == [
        ("BASELINE", date(2024, 3, 31)),
        ("MIDLINE", date(2025, 3, 31)),
        ("ENDLINE", date(2026, 11, 30)),
    ]
    entries = [
        e for e in HistoryService(db.sessions).for_programme(created.id) if e.field == "custom_periods"
    ]
    assert len(entries) == 1 and "MIDLINE" in (entries[0].new or "")
    s.programmes.update("EVAL", data, [MIDLINE])
    assert [p.code for p in s.programmes.periods("EVAL")] == ["MIDLINE"]
    # None leaves them alone.
    s.programmes.update("EVAL", replace(data, name="Evaluation 2"))
    assert [p.code for p in s.programmes.periods("EVAL")] == ["MIDLINE"]


def test_bad_or_missing_custom_periods_are_refused(db: Database) -> None:
    s = small_programme(db)
    data = replace(s.programmes.get("WASH-01").data, frequency=Frequency.CUSTOM)
    with pytest.raises(ValidationError, match="needs custom periods"):
        s.programmes.update("WASH-01", data)  # none stored, none given
    with pytest.raises(ValidationError, match="needs custom periods"):
        s.programmes.update("WASH-01", data, [])
    with pytest.raises(ValidationError, match="declared twice"):
        s.programmes.update("WASH-01", data, [BASELINE, BASELINE])
    assert s.programmes.get("WASH-01").frequency is Frequency.QUARTERLY


def test_custom_periods_never_orphan_data(db: Database) -> None:
    s = small_programme(db)
    s.entry.set_value("WASH-01", "1.1", "2025Q1", "N01", {"SEX": "F"}, value=3)
    data = replace(s.programmes.get("WASH-01").data, frequency=Frequency.CUSTOM)
    with pytest.raises(ValidationError, match="2025Q1"):
        s.programmes.update("WASH-01", data, [BASELINE])
    assert s.programmes.get("WASH-01").frequency is Frequency.QUARTERLY
    assert len(s.programmes.periods("WASH-01")) == 4

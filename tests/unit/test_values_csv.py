# SPDX-License-Identifier: GPL-3.0-or-later
"""The values CSV on its own (pmdesk.formats.values_csv): written and read back without a database."""

from __future__ import annotations

import pytest

from pmdesk.domain.errors import ValidationError
from pmdesk.formats.values_csv import EXPORT_HEADER, read_values_csv, values_csv

ITEMS = [
    {"indicator": "1.1", "period": "2025Q1", "site": "S1", "options": {"SEX": "F"}, "value": 12},
    {
        "indicator": "1.2",
        "period": "2025Q1",
        "site": "S1",
        "options": {},
        "numerator": 3,
        "denominator": 4.5,
        "comment": "=SUM(A1)\nsecond line",
        "status": "submitted",
    },
]


def test_written_values_read_back_with_their_rows() -> None:
    text = values_csv("WASH-01", ITEMS)
    assert text.splitlines()[0] == ",".join(EXPORT_HEADER)
    (found,) = read_values_csv(text.encode("utf-8-sig"), "values.csv")
    assert found.programme_code == "WASH-01"
    assert found.rows == [2, 3]
    first, second = found.items
    assert (first["options"], first["value"]) == ({"SEX": "F"}, "12")
    assert (second["numerator"], second["denominator"]) == ("3", "4.5")
    assert second["comment"] == "=SUM(A1)\nsecond line"  # neutralised on writing, restored on reading
    assert second["status"] == "submitted"


def test_progress_is_told_every_few_items() -> None:
    calls: list[int] = []
    values_csv("WASH-01", ITEMS * 3, lambda done, _total, _message: calls.append(done), report_every=2)
    assert calls == [0, 2, 4]


def test_a_file_without_the_header_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as refused:
        read_values_csv(b"a,b\n1,2\n", "mine.csv")
    assert "mine.csv row 1" in str(refused.value) and "missing column 'programme'" in str(refused.value)


def test_a_file_that_is_not_utf8_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as refused:
        read_values_csv(b"programme\n\xff\n", "latin.csv")
    assert str(refused.value).startswith("latin.csv: is not UTF-8 text (byte 0xFF on line 2)")

# SPDX-License-Identifier: GPL-3.0-or-later
"""A values CSV with broken quoting is refused, naming file, row and field, instead of one cell
swallowing the rows after it (issue #6, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmdesk.domain.errors import ValidationError
from pmdesk.storage.database import Database
from tests.unit.test_values_io import HEADER, values, wash, write_csv

__all__ = ["wash"]  # the fixture, imported for the tests below


def _refusal(db: Database, path: Path) -> str:
    with pytest.raises(ValidationError) as caught:
        values(db).import_file(path)
    message = str(caught.value)
    assert "Error" not in message and "csv." not in message  # words for people, not for Python
    return message


def test_an_unterminated_quote_is_refused_not_read_as_one_long_comment(
    wash: Database, tmp_path: Path
) -> None:
    rows = ['WASH-01,1.2,2025Q1,N01,,11,,,"started a comment', "WASH-01,1.2,2025Q2,N01,,12,,,"]
    message = _refusal(wash, write_csv(tmp_path / "open.csv", rows))
    assert message.startswith("open.csv row 2, field 'comment': ")
    assert "never closed" in message and "line 2" in message


def test_a_quote_closed_rows_later_is_refused_with_the_row_it_opened_on(
    wash: Database, tmp_path: Path
) -> None:
    # The stray quote on row 4 closes the cell row 2 opened, so every record has nine cells.
    rows = [
        'WASH-01,1.2,2025Q1,N01,,11,,,"started a comment',
        "WASH-01,1.2,2025Q2,N01,,12,,,plain",
        'WASH-01,1.2,2025Q3,N01,,13,,,stray"',
        "WASH-01,1.2,2025Q4,N01,,14,,,",
    ]
    message = _refusal(wash, write_csv(tmp_path / "swallow.csv", rows))
    assert message.startswith("swallow.csv row 2, field 'comment': ")
    assert "looks like a row of its own" in message


def test_text_after_a_closing_quote_is_refused(wash: Database, tmp_path: Path) -> None:
    rows = ["WASH-01,1.2,2025Q1,N01,,11,,,", 'WASH-01,1.2,2025Q2,N01,,"12"3,,,']
    message = _refusal(wash, write_csv(tmp_path / "after.csv", rows))
    assert message.startswith("after.csv row 3, field 'value': ")
    assert "closing quote" in message


def test_a_line_break_in_a_code_column_is_refused(wash: Database, tmp_path: Path) -> None:
    rows = ['WASH-01,"1.2\nWASH-01",2025Q1,N01,,11,,,']
    message = _refusal(wash, write_csv(tmp_path / "break.csv", rows))
    assert message.startswith("break.csv row 2, field 'indicator': ")
    assert "line break" in message


def test_a_properly_quoted_multi_line_comment_is_kept(wash: Database, tmp_path: Path) -> None:
    rows = [
        'WASH-01,1.2,2025Q1,N01,,11,,,"first line\nsecond, with a comma\n""quoted"""',
        "WASH-01,1.2,2025Q2,N01,,12,,,",
    ]
    summary = values(wash).import_file(write_csv(tmp_path / "good.csv", rows, header=HEADER))
    assert summary.created + summary.replaced == 2

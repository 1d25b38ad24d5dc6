# SPDX-License-Identifier: GPL-3.0-or-later
"""The one CSV writer and reader (pmdesk.formats.csv_safe): quoting, neutralising, the apostrophe
rule, and broken quotes named by record, line and column."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmdesk.formats.csv_safe import (
    FORMULA_STARTS,
    CsvSyntaxError,
    csv_text,
    neutralise,
    number_text,
    read_records,
    restore,
)

TEXT = st.text(st.one_of(st.sampled_from("=+-@'\t\r\n\", "), st.characters(exclude_categories=("Cs",))))


@given(TEXT)
def test_restore_undoes_neutralise_for_every_text(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(FORMULA_STARTS)


@pytest.mark.parametrize("line_end", ["\r\n", "\n"])
@given(cells=st.lists(TEXT, min_size=1, max_size=5))
def test_every_row_reads_back_as_written_whatever_the_line_ending(line_end: str, cells: list[str]) -> None:
    text = csv_text([cells, ["next"]], line_end=line_end)
    records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert [[restore(c) for c in r] for r in records] == [cells, ["next"]]


def test_a_carriage_return_is_quoted_even_with_newline_line_endings() -> None:
    assert csv_text([["a\r=1+1", "b"]], line_end="\n") == '"a\r=1+1",b\n'


def test_numbers_are_written_plainly_and_text_that_looks_like_one_is_neutralised() -> None:
    assert csv_text([[-5, -0.5, 12.0, 0.1, 2.0**60, None, "-5", "'"]]) == (
        "-5,-0.5,12,0.1,1152921504606847000,,'-5,''\r\n"
    )
    assert number_text(100 * 5 / 7) == repr(100 * 5 / 7)


def test_an_unterminated_quote_names_the_record_line_and_column() -> None:
    text = 'a,b,c\n1,2,3\n4,"five\n6,7,8\n'
    with pytest.raises(CsvSyntaxError) as caught:
        list(read_records(text))
    assert (caught.value.record, caught.value.line, caught.value.column) == (3, 3, 1)
    assert "line 3 is never closed" in caught.value.message


def test_text_after_a_closing_quote_names_its_column() -> None:
    with pytest.raises(CsvSyntaxError) as caught:
        list(read_records('a,b,c\r\n"x\r\ny",2,"3"4\r\n'))
    assert (caught.value.record, caught.value.line, caught.value.column) == (2, 2, 2)
    assert "'4" in caught.value.message and "(line 3)" in caught.value.message


def test_records_count_as_a_spreadsheet_shows_rows() -> None:
    records = list(read_records('h\n"two\nlines"\nthree\n'))
    assert [(r.number, r.line, r.last_line, r.cells) for r in records] == [
        (1, 1, 1, ["h"]),
        (2, 2, 3, ["two\nlines"]),
        (3, 4, 4, ["three"]),
    ]

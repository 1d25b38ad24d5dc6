# SPDX-License-Identifier: GPL-3.0-or-later
"""Values exported as CSV import back exactly as they were, whatever their text: figures, text,
comment, status and status reason (issue #6, item 10)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmdesk.domain.enums import ValueStatus
from pmdesk.services.actor import Actor
from pmdesk.services.packages import PackageService
from pmdesk.services.values_io import ValuesService
from pmdesk.storage.database import Database, open_database
from tests.unit.package_fixtures import rich_package, without_values
from tests.unit.test_packages import stored_values


def _actor(db: Database) -> Actor:
    return Actor(db.actor, db.device_uuid)


@pytest.fixture(scope="module")
def empty_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file holding WASH-01 without values, copied by each test (and each example)."""
    path = tmp_path_factory.mktemp("round-trip") / "empty.sqlite"
    database = open_database(path, actor="tester")
    try:
        PackageService(database.sessions, _actor(database)).import_package(without_values(rich_package()))
    finally:
        database.close()
    return path


_copies = itertools.count()


def _copy(empty_file: Path, folder: Path) -> Database:
    path = folder / f"copy-{next(_copies)}.sqlite"
    shutil.copyfile(empty_file, path)
    return open_database(path, actor="tester")


def _round_trip(empty_file: Path, folder: Path, items: list[dict[str, Any]]) -> None:
    """Import `items` into one copy, export it as CSV, import that into another: same values."""
    source, target = _copy(empty_file, folder), _copy(empty_file, folder)
    try:
        ValuesService(source.sessions, _actor(source)).import_items("WASH-01", items)
        path = folder / f"values-{next(_copies)}.csv"
        ValuesService(source.sessions, _actor(source)).export_file("WASH-01", path)
        ValuesService(target.sessions, _actor(target)).import_file(path)
        assert stored_values(target) == stored_values(source)
    finally:
        source.close()
        target.close()


def test_status_reason_and_apostrophes_survive_the_csv(empty_file: Path, tmp_path: Path) -> None:
    items = [
        {"indicator": "1.2", "period": "2025Q1", "site": "N01", "value": 1, "comment": "'-2 vs plan"},
        {"indicator": "1.2", "period": "2025Q2", "site": "N01", "value": 2, "comment": "''twice"},
        {"indicator": "1.2", "period": "2025Q3", "site": "N01", "value": 3, "comment": "'=A1"},
        {"indicator": "1.2", "period": "2025Q4", "site": "N01", "value": 4, "comment": "'plain"},
        {"indicator": "1.2", "period": "2025Q1", "site": "N02", "value": 5, "comment": "'"},
        {
            "indicator": "1.2",
            "period": "2025Q2",
            "site": "N02",
            "value": 6,
            "status": "returned",
            "status_reason": "-1 is wrong: check the register",
        },
        {"indicator": "3.1", "period": "2025Q1", "site": "N01", "text": "'+ better", "status": "approved"},
        {"indicator": "2.1", "period": "2025Q1", "site": "N01", "numerator": 0.1, "denominator": 0.3},
    ]
    _round_trip(empty_file, tmp_path, items)


# Text a spreadsheet or a CSV reader could get wrong: formula starts, apostrophes, line breaks,
# quotes, delimiters, and any other character.
TRICKY = st.sampled_from([*"=+-@'\t\r\n\",;  ", "\r\n", "''", "'=", "'-"])
TEXT = st.lists(st.one_of(TRICKY, st.characters(exclude_categories=("Cs",))), max_size=12).map("".join)
NUMBER = st.one_of(
    st.integers(min_value=0, max_value=10**12),  # numbers.PLAUSIBLE_LIMIT
    st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False),
)
STATUS = st.sampled_from([None, *(s.value for s in ValueStatus)])
CELLS = [
    (indicator, period, site)
    for indicator in ("1.2", "2.1", "3.1")
    for period in ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
    for site in ("N01", "N02", "S01")
]


@st.composite
def value_items(draw: st.DrawFn) -> list[dict[str, Any]]:
    chosen = draw(st.lists(st.sampled_from(CELLS), min_size=1, max_size=6, unique=True))
    items = []
    for indicator, period, site in chosen:
        item: dict[str, Any] = {"indicator": indicator, "period": period, "site": site}
        if indicator == "1.2":
            item["value"] = draw(NUMBER)
        elif indicator == "2.1":
            numerator, denominator = sorted((draw(NUMBER), draw(NUMBER)))
            item["numerator"], item["denominator"] = numerator, denominator
        else:
            item["text"] = draw(TEXT.filter(str.strip))
        item["comment"] = draw(TEXT)
        status = draw(STATUS)
        if status is not None:
            item["status"] = status
            item["status_reason"] = draw(TEXT)
        items.append(item)
    return items


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=value_items())
def test_any_values_survive_a_csv_round_trip(
    empty_file: Path, tmp_path: Path, items: list[dict[str, Any]]
) -> None:
    _round_trip(empty_file, tmp_path, items)


@pytest.fixture(autouse=True)
def _no_leftover_files(tmp_path: Path) -> Iterator[None]:
    yield
    for path in tmp_path.glob("copy-*.sqlite*"):
        path.unlink(missing_ok=True)

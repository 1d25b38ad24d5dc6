# SPDX-License-Identifier: GPL-3.0-or-later
"""Programme packages carry variance explanations: the round trip (UUIDs, writers and times kept),
and refusals with their JSON paths that leave the database unchanged."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from pmdesk.domain.errors import ValidationError
from pmdesk.domain.variance import MAX_LENGTH
from pmdesk.formats.package_schema import schema_problems
from pmdesk.services.actor import Actor
from pmdesk.services.history import HistoryService
from pmdesk.services.packages import PackageService
from pmdesk.services.variance import VarianceService
from pmdesk.storage.database import Database, open_database
from pmdesk.storage.models import ProgrammeRow
from tests.unit.package_fixtures import custom_package, rich_package

Package = dict[str, Any]


def packages(db: Database) -> PackageService:
    return PackageService(db.sessions, Actor(db.actor, db.device_uuid))


def variance(db: Database) -> VarianceService:
    return VarianceService(db.sessions, Actor(db.actor, db.device_uuid))


@pytest.fixture
def other_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "other.sqlite", actor="someone else")
    yield database
    database.close()


def _explained(db: Database) -> Package:
    """rich_package's WASH-01 with three explanations (one long, on two lines, not Latin), exported."""
    packages(db).import_package(rich_package())
    v = variance(db)
    v.set("WASH-01", "2.1", "2025Q2", "Rains cut the road to N02; the survey was done in July.")
    v.set(
        "WASH-01", "1.1", "2025Q3", "Περισσότεροι μαθητές: a feeding programme\nopened in Kibera <b>R&D</b>."
    )
    v.set("WASH-01", "1.1", "2025Q1", "z" * MAX_LENGTH)
    return packages(db).export_package("WASH-01")


def test_explanations_travel_in_a_package_with_their_uuids_writers_and_times(
    db: Database, other_db: Database
) -> None:
    package = _explained(db)
    items = package["variance_explanations"]
    assert [(e["indicator"], e["period"]) for e in items] == [
        ("1.1", "2025Q1"),
        ("1.1", "2025Q3"),
        ("2.1", "2025Q2"),
    ]
    assert items[1]["text"].startswith("Περισσότεροι") and items[1]["written_by"] == "tester"
    assert schema_problems(package) == []

    summary = packages(other_db).import_package(copy.deepcopy(package))
    assert summary.counts["variance_explanations"] == 3
    assert packages(other_db).export_package("WASH-01") == package

    theirs = variance(other_db).explanations("WASH-01")
    assert theirs == variance(db).explanations("WASH-01")  # uuid, text, written_by and written_at
    history = HistoryService(other_db.sessions).for_entity(theirs[0].uuid)
    assert [(h.field, h.old, h.actor) for h in history] == [("text", None, "someone else")]


def test_a_package_without_explanations_imports_and_exports_an_empty_list(db: Database) -> None:
    package = rich_package()
    assert "variance_explanations" not in package
    assert packages(db).import_package(package).counts["variance_explanations"] == 0
    assert packages(db).export_package("WASH-01")["variance_explanations"] == []


def test_custom_periods_are_explained_by_their_codes(db: Database, other_db: Database) -> None:
    package = custom_package()
    package["variance_explanations"] = [
        {"indicator": "K1.1", "period": "MIDLINE", "text": "  The drought of 2025 raised stunting.  "}
    ]
    packages(db).import_package(package)
    saved = variance(db).explanations("BL-01")
    assert [(e.indicator_code, e.period, e.text, e.written_by) for e in saved] == [
        ("K1.1", "MIDLINE", "The drought of 2025 raised stunting.", "")
    ]


def test_the_same_package_under_another_code_gets_new_uuids(db: Database) -> None:
    package = _explained(db)
    again = copy.deepcopy(package)
    again["programme"]["code"] = "WASH-02"
    packages(db).import_package(again)
    copied = packages(db).export_package("WASH-02")["variance_explanations"]
    assert [e["text"] for e in copied] == [e["text"] for e in package["variance_explanations"]]
    assert not {e["uuid"] for e in copied} & {e["uuid"] for e in package["variance_explanations"]}


def test_every_wrong_explanation_is_refused_at_once_with_its_json_path_and_nothing_is_written(
    db: Database,
) -> None:
    package = rich_package()
    uuid = "0b5f7f3e-0d4c-4c53-9a55-3c7f0d9e2b11"
    package["variance_explanations"] = [
        {"indicator": "1.1", "period": "2025Q1", "text": "Fine.", "uuid": uuid},
        {"indicator": "9.9", "period": "2025Q1", "text": "No such indicator."},
        {"indicator": "1.1", "period": "2027Q1", "text": "After the programme."},
        {"indicator": "1.1", "period": "Q1 2025", "text": "Not a period."},
        {"indicator": "2.1", "period": "2025Q1", "text": " \n "},
        {"indicator": "2.1", "period": "2025Q2", "text": "y" * (MAX_LENGTH + 1)},
        {"indicator": "1.1", "period": "2025Q1", "text": "Twice."},
        {"indicator": "2.2", "period": "2025Q1", "text": "Same UUID.", "uuid": uuid.upper()},
        {"indicator": "2.2", "period": "2025Q2", "text": "Odd time.", "written_at": "2025-13-01T00:00:00Z"},
    ]
    with pytest.raises(ValidationError) as refused:
        packages(db).import_package(package)
    found = {(p.location, p.message) for p in refused.value.problems}
    path = "$.variance_explanations"
    assert {location for location, _ in found} == {
        f"{path}[1].indicator",
        f"{path}[2].period",
        f"{path}[3].period",
        f"{path}[4].text",
        f"{path}[5].text",
        f"{path}[6]",
        f"{path}[7].uuid",
        f"{path}[8].written_at",
    }
    messages = dict(found)
    assert messages[f"{path}[1].indicator"] == "there is no indicator '9.9'"
    assert messages[f"{path}[2].period"] == "'2027Q1' is not a reporting period of WASH-01 (2025Q1 … 2025Q4)"
    assert messages[f"{path}[4].text"].startswith("must not be blank")
    assert f"at most {MAX_LENGTH:,} characters" in messages[f"{path}[5].text"]
    assert (
        messages[f"{path}[6]"]
        == "indicator 1.1 already has an explanation for 2025Q1 (at variance_explanations[0])"
    )
    assert messages[f"{path}[7].uuid"] == f"UUID {uuid.upper()} is already used by {path}[0]"
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProgrammeRow)) == 0


def test_the_schema_refuses_a_misshapen_explanation() -> None:
    package = rich_package()
    package["variance_explanations"] = [{"indicator": "1.1", "period": "2025Q1", "text": 5, "by": "x"}]
    found = {(p.location, p.message) for p in schema_problems(package)}
    assert ("$.variance_explanations[0]", "unknown field 'by'") in found
    assert ("$.variance_explanations[0].text", "must be text, not a number") in found

# SPDX-License-Identifier: GPL-3.0-or-later
"""What a package carries beyond the framework: the four-eyes setting, and who submitted a value
that arrives submitted."""

from __future__ import annotations

from sqlalchemy import select

from pmdesk.formats.package_schema import schema_problems
from pmdesk.services.actor import Actor
from pmdesk.services.packages import PackageService
from pmdesk.services.values_io import ValuesService
from pmdesk.storage.database import Database
from pmdesk.storage.models import DataValueRow, ProgrammeRow
from tests.unit.package_fixtures import rich_package


def _service(db: Database, name: str | None = None) -> PackageService:
    return PackageService(db.sessions, Actor(name or db.actor, db.device_uuid))


def test_approval_by_other_travels_and_defaults_to_false(db: Database) -> None:
    package = rich_package()
    package["programme"]["approval_by_other"] = True
    _service(db).import_package(package)
    exported = _service(db).export_package("WASH-01")
    assert exported["programme"]["approval_by_other"] is True
    with db.sessions() as session:
        assert session.scalars(select(ProgrammeRow.approval_by_other)).one() is True

    old = rich_package()
    old["programme"]["code"] = "OLD-01"
    assert "approval_by_other" not in old["programme"]
    _service(db).import_package(old)
    assert _service(db).export_package("OLD-01")["programme"]["approval_by_other"] is False


def test_approval_by_other_is_true_or_false_only() -> None:
    package = rich_package()
    package["programme"]["approval_by_other"] = "yes"
    assert [str(p) for p in schema_problems(package)] == [
        "$.programme.approval_by_other: must be true or false, not the text 'yes'"
    ]


def _submitters(db: Database) -> dict[str, str]:
    with db.sessions() as session:
        return {
            row.status: row.submitted_by
            for row in session.scalars(select(DataValueRow).where(DataValueRow.status != "draft"))
        }


def test_a_value_imported_as_submitted_was_submitted_by_the_importer(db: Database) -> None:
    _service(db, "Amina Yusuf").import_package(rich_package())
    assert _submitters(db) == {"submitted": "Amina Yusuf", "approved": "", "returned": ""}


def test_a_values_file_that_submits_a_value_records_its_submitter(db: Database) -> None:
    _service(db).import_package(rich_package())
    values = ValuesService(db.sessions, Actor("Joseph Otieno", db.device_uuid))
    returned = next(v for v in rich_package()["values"] if v.get("status") == "returned")
    values.import_items("WASH-01", [{**returned, "status": "submitted", "comment": "Checked"}])
    with db.sessions() as session:
        rows = session.scalars(select(DataValueRow).where(DataValueRow.status == "submitted")).all()
    assert sorted(r.submitted_by for r in rows) == ["Joseph Otieno", "tester"]

    # Already submitted, only its comment changes: it keeps who submitted it.
    submitted = next(v for v in rich_package()["values"] if v.get("status") == "submitted")
    ValuesService(db.sessions, Actor("Someone else", db.device_uuid)).import_items(
        "WASH-01", [{**submitted, "comment": "A note"}]
    )
    with db.sessions() as session:
        rows = session.scalars(select(DataValueRow).where(DataValueRow.status == "submitted")).all()
    assert sorted(r.submitted_by for r in rows) == ["Joseph Otieno", "tester"]

# SPDX-License-Identifier: GPL-3.0-or-later
"""The import log: one row per file an import wrote into a programme, in the import's transaction."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from pmdesk.domain.enums import ImportKind
from pmdesk.domain.errors import ValidationError
from pmdesk.services.actor import Actor
from pmdesk.services.data_entry import DataEntryService
from pmdesk.services.import_log import ImportLogEntry, ImportLogService
from pmdesk.services.logframe_excel import LogframeImporter
from pmdesk.services.packages import PackageService
from pmdesk.services.programmes import ProgrammeService
from pmdesk.services.values_io import ValuesImportSummary, ValuesService
from pmdesk.storage.database import Database
from pmdesk.storage.models import DataValueRow, DeviceRow, ImportLogRow, IndicatorRow, SiteRow
from tests.unit.package_fixtures import custom_package, rich_package
from tests.unit.test_logframe_excel import CODE as LOGFRAME_CODE
from tests.unit.test_logframe_excel import _real_programme
from tests.unit.test_values_io import write_csv

WASH = "WASH-01"


def actor(db: Database) -> Actor:
    return Actor(db.actor, db.device_uuid)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def log(db: Database, code: str | None = None) -> list[ImportLogEntry]:
    return ImportLogService(db.sessions).list_imports(code)


def log_rows(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(ImportLogRow)) or 0


def value_uuid(db: Database, indicator: str, period: str, site: str) -> str:
    with db.sessions() as session:
        return session.scalars(
            select(DataValueRow.uuid)
            .join(IndicatorRow, IndicatorRow.id == DataValueRow.indicator_id)
            .join(SiteRow, SiteRow.id == DataValueRow.site_id)
            .where(IndicatorRow.code == indicator, DataValueRow.period == period, SiteRow.code == site)
        ).one()


@pytest.fixture
def package_file(tmp_path: Path) -> Path:
    path = tmp_path / "wash package.json"
    path.write_text(json.dumps(rich_package(), indent=1), encoding="utf-8")
    return path


@pytest.fixture
def wash(db: Database, package_file: Path) -> Database:
    """WASH-01 with its values, imported from `package_file` (one log row)."""
    PackageService(db.sessions, actor(db)).import_file(package_file)
    return db


# -- programme packages -----------------------------------------------------------------------------


def test_a_package_import_logs_its_file_hash_counts_and_actor(db: Database, package_file: Path) -> None:
    summary = PackageService(db.sessions, actor(db), db.path).import_file(package_file)
    (entry,) = log(db)
    assert entry.kind is ImportKind.PACKAGE
    assert entry.file_name == "wash package.json"
    assert entry.sha256 == sha256_of(package_file)
    assert (entry.actor, entry.device_uuid) == ("tester", db.device_uuid)
    with db.sessions() as session:
        device = session.scalar(select(DeviceRow.name).where(DeviceRow.uuid == db.device_uuid))
    assert entry.device_name == device and entry.device == device
    assert entry.programme_code == WASH
    assert (entry.created, entry.replaced, entry.unchanged) == (len(rich_package()["values"]), 0, 0)
    assert entry.warnings == summary.warnings
    assert "indicators" in entry.detail and "values" not in entry.detail
    # The values carry the log's time: that is what ties each one back to its file.
    assert ImportLogService(db.sessions).for_value(value_uuid(db, "1.2", "2025Q1", "N01")) == [entry]


def test_a_refused_package_import_logs_nothing(wash: Database, package_file: Path) -> None:
    with pytest.raises(ValidationError, match="already exists"):
        PackageService(wash.sessions, actor(wash)).import_file(package_file)
    broken = package_file.with_name("broken.json")
    broken.write_text('{"format": "pmdesk.programme/1", ', encoding="utf-8")
    with pytest.raises(ValidationError):
        PackageService(wash.sessions, actor(wash)).import_file(broken)
    assert log_rows(wash) == 1


def test_a_package_imported_from_memory_is_no_file_and_logs_nothing(db: Database) -> None:
    PackageService(db.sessions, actor(db)).import_package(rich_package(), source="demo")
    assert log(db) == []


def test_a_cancelled_import_logs_nothing(db: Database, package_file: Path) -> None:
    class Cancelled(Exception):
        pass

    def cancel_while_writing(_done: int, _total: int, message: str) -> None:
        if message.startswith("Writing"):
            raise Cancelled

    with pytest.raises(Cancelled):
        PackageService(db.sessions, actor(db)).import_file(package_file, progress=cancel_while_writing)
    assert log_rows(db) == 0


# -- values -------------------------------------------------------------------------------------------


def test_a_csv_values_import_logs_its_counts(wash: Database, tmp_path: Path) -> None:
    rows = [
        "WASH-01,1.2,2025Q1,N01,,99,,,recount",  # replaces 10.5
        "WASH-01,1.2,2025Q4,S01,,13,,,",  # new
        "WASH-01,1.2,2025Q2,N01,,11.5,,,",  # as stored
    ]
    path = write_csv(tmp_path / "values.csv", rows)
    summary = ValuesService(wash.sessions, actor(wash)).import_file(path)
    newest, _package = log(wash, WASH)
    assert newest.kind is ImportKind.VALUES
    assert (newest.file_name, newest.sha256) == ("values.csv", sha256_of(path))
    assert (newest.created, newest.replaced, newest.unchanged, newest.warnings) == (1, 1, 1, summary.warnings)
    assert summary == ValuesImportSummary(1, 1, 1, summary.warnings)
    assert newest.detail == ""


def test_a_json_values_import_logs_the_hash_of_the_bytes_read(wash: Database, tmp_path: Path) -> None:
    path = tmp_path / "values.json"
    items = [{"indicator": "1.2", "period": "2025Q4", "site": "S01", "value": 7}]
    # A BOM and odd spacing: the hash is of the file's bytes, not of what they parse to.
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"programme": WASH, "values": items}, indent=3).encode())
    ValuesService(wash.sessions, actor(wash)).import_file(path)
    newest = log(wash)[0]
    assert (newest.file_name, newest.sha256, newest.created) == ("values.json", sha256_of(path), 1)


def test_the_import_that_last_set_a_value_is_found_from_the_value(wash: Database, tmp_path: Path) -> None:
    uuid = value_uuid(wash, "1.2", "2025Q1", "N01")
    imports = ImportLogService(wash.sessions)
    (package,) = imports.for_value(uuid)
    ValuesService(wash.sessions, actor(wash)).import_file(
        write_csv(tmp_path / "recount.csv", ["WASH-01,1.2,2025Q1,N01,,99,,,"])
    )
    recount = log(wash)[0]
    assert imports.for_value(uuid) == [recount]  # the package's value was replaced
    # Typed over by hand: the import stays in the cell's History, but no longer set the value.
    DataEntryService(wash.sessions, actor(wash)).set_value(WASH, "1.2", "2025Q1", "N01", value=100)
    assert imports.for_value(uuid) == [recount]
    with wash.sessions() as session:
        entered_at = session.scalar(select(DataValueRow.entered_at).where(DataValueRow.uuid == uuid))
    assert entered_at != recount.at
    assert package.file_name == "wash package.json"


def test_a_refused_or_unchanged_values_import(wash: Database, tmp_path: Path) -> None:
    service = ValuesService(wash.sessions, actor(wash))
    bad = write_csv(tmp_path / "bad.csv", ["WASH-01,1.2,2025Q1,N01,,99,,,", "WASH-01,9.9,2025Q1,N01,,1,,,"])
    with pytest.raises(ValidationError):
        service.import_file(bad)
    not_csv = tmp_path / "header.csv"
    not_csv.write_text("programme,oops\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        service.import_file(not_csv)
    assert log_rows(wash) == 1
    # An import that changes nothing still happened: it is logged, with what it found.
    same = write_csv(tmp_path / "same.csv", ["WASH-01,1.2,2025Q2,N01,,11.5,,,"])
    service.import_file(same)
    assert (log(wash)[0].file_name, log(wash)[0].unchanged) == ("same.csv", 1)


def test_one_file_into_two_programmes_is_one_row_each(wash: Database, tmp_path: Path) -> None:
    PackageService(wash.sessions, actor(wash)).import_package(custom_package())
    rows = [
        "WASH-01,1.2,2025Q1,N01,,11,,,",
        "BL-01,K1.1,ENDLINE,C1,,,20,100,",
        "BL-01,K1.2,ENDLINE,C1,,500,,,",
    ]
    path = write_csv(tmp_path / "two.csv", rows)
    ValuesService(wash.sessions, actor(wash)).import_file(path)
    (baseline,) = log(wash, "BL-01")
    wash_latest = log(wash, WASH)[0]
    assert (baseline.created, baseline.replaced) == (2, 0)
    assert (wash_latest.created, wash_latest.replaced) == (0, 1)
    assert baseline.sha256 == wash_latest.sha256 == sha256_of(path)
    assert baseline.at == wash_latest.at
    # The cell of one programme leads to its own programme's row only.
    assert ImportLogService(wash.sessions).for_value(value_uuid(wash, "K1.2", "ENDLINE", "C1")) == [baseline]


# -- Excel logframes ------------------------------------------------------------------------------------


def test_a_logframe_import_logs_the_workbook(db: Database, tmp_path: Path) -> None:
    path = _real_programme(tmp_path / "logframe.xlsx")
    LogframeImporter(db.sessions, actor(db), db.path).import_workbook(path)
    (entry,) = log(db)
    assert (entry.kind, entry.file_name, entry.sha256) == (
        ImportKind.LOGFRAME,
        "logframe.xlsx",
        sha256_of(path),
    )
    assert entry.programme_code == LOGFRAME_CODE
    assert "3 indicators" in entry.detail
    with pytest.raises(ValidationError, match="already exists"):
        LogframeImporter(db.sessions, actor(db), db.path).import_workbook(path)
    assert log_rows(db) == 1


# -- reading the log -------------------------------------------------------------------------------------


def test_the_log_follows_a_renamed_programme_and_outlives_a_deleted_one(
    wash: Database, tmp_path: Path
) -> None:
    programmes = ProgrammeService(wash.sessions, actor(wash))
    data = programmes.get(WASH).data
    programmes.update(WASH, dataclasses.replace(data, code="WASH-02"))
    (entry,) = log(wash, "WASH-02")
    assert entry.programme_code == WASH  # as it was called then
    assert log(wash, WASH) == [entry]  # no programme is called that now: the one that was
    programmes.delete("WASH-02", with_data=True)
    assert log(wash, "WASH-02") == []  # nothing was ever imported under that code
    assert log(wash, WASH) == log(wash) == [entry]


def test_newest_first_and_limited(wash: Database, tmp_path: Path) -> None:
    service = ValuesService(wash.sessions, actor(wash))
    for n in range(3):
        service.import_file(write_csv(tmp_path / f"v{n}.csv", [f"WASH-01,1.2,2025Q1,N01,,{50 + n},,,"]))
    assert [e.file_name for e in ImportLogService(wash.sessions).list_imports(WASH, limit=3)] == [
        "v2.csv",
        "v1.csv",
        "v0.csv",
    ]
    assert len(log(wash)) == 4


def test_the_log_is_append_only(wash: Database) -> None:
    for sql in ("UPDATE import_log SET sha256 = 'x'", "DELETE FROM import_log"):
        with pytest.raises(IntegrityError, match="append-only"), wash.sessions.begin() as session:
            session.execute(text(sql))
    assert log_rows(wash) == 1

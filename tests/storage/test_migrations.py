# SPDX-License-Identifier: GPL-3.0-or-later
"""Each migration on a file holding data: 0001 → head keeps every value and adds the IPTT index;
0002 → head adds the import log; 0003 → head allows decimals only where an indicator already holds them."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from uuid import uuid4

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from pmdesk.storage.backup import backup_dir
from pmdesk.storage.database import current_revision, make_engine, open_database
from pmdesk.storage.migrate import alembic_config
from pmdesk.storage.models import (
    OptionComboRow,
    ResultRow,
    SiteRow,
    TierRow,
)
from pmdesk.storage.schema import HEAD_REVISION


def _at_revision(path: Path, revision: str) -> None:
    """A file migrated to `revision` only, the way pmdesk.storage.migrate runs Alembic."""
    engine = make_engine(path)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def _add_values(path: Path, count: int) -> None:
    engine = make_engine(path)
    try:
        with Session(engine) as session, session.begin():
            # Raw INSERTs with only the columns every revision has: the ORM rows would also write
            # the columns later revisions added.
            session.execute(
                text(
                    "INSERT INTO programme (uuid, modified_at, code, name, donor, description, start, "
                    '"end", frequency, fiscal_year_start_month, threshold_exceeding, '
                    "threshold_on_track, threshold_at_risk) VALUES (:uuid, :at, 'P1', 'Water', '', '', "
                    "'2025-01-01', '2025-12-31', 'quarterly', 1, 115, 85, 70)"
                ),
                {"uuid": str(uuid4()), "at": datetime(2025, 1, 1)},
            )
            programme_id = session.scalar(text("SELECT id FROM programme WHERE code = 'P1'"))
            tier = TierRow(programme_id=programme_id, level=1, name="Outcome")
            site = SiteRow(programme_id=programme_id, code="S1", name="Site 1")
            combo = OptionComboRow(key="")
            session.add_all([tier, site, combo])
            session.flush()
            result = ResultRow(programme_id=programme_id, tier_id=tier.id, code="O1", title="Outcome 1")
            session.add(result)
            session.flush()
            for n in range(count):
                indicator_id = _add_indicator(session, programme_id, result.id, f"I{n}")
                for q, p in enumerate(("2025Q1", "2025Q2", "2025Q3", "2025Q4")):
                    _add_value(session, indicator_id, p, site.id, combo.id, value=n + q)
    finally:
        engine.dispose()


def _add_value(
    session: Session, indicator_id: int, period: str, site_id: int, combo_id: int, **more: object
) -> None:
    """A value row with only the columns every revision has (DataValueRow would also write the
    columns later revisions added)."""
    at = datetime(2025, 1, 1)
    columns = {
        "uuid": str(uuid4()),
        "modified_at": at,
        "indicator_id": indicator_id,
        "period": period,
        "site_id": site_id,
        "combo_id": combo_id,
        "comment": "",
        "warnings": "",
        "status": "draft",
        "status_reason": "",
        "entered_by": "someone",
        "entered_at": at,
        "device_uuid": "",
        **more,
    }
    names = ", ".join(columns)
    marks = ", ".join(f":{name}" for name in columns)
    session.execute(text(f"INSERT INTO data_value ({names}) VALUES ({marks})"), columns)


def _add_indicator(
    session: Session, programme_id: int, result_id: int, code: str, measure: str = "number", **more: object
) -> int:
    """An indicator row with only the columns every revision has (IndicatorRow would also write
    the columns later revisions added)."""
    columns = {
        "uuid": str(uuid4()),
        "modified_at": datetime(2025, 1, 1),
        "programme_id": programme_id,
        "result_id": result_id,
        "code": code,
        "name": code,
        "definition": "",
        "measure": measure,
        "unit": "",
        "direction": "increase",
        "cumulation": "periodic",
        "baseline_note": "",
        "data_source": "",
        "collection_method": "",
        "frequency": "",
        "means_of_verification": "",
        "rationale": "",
        "sort_order": 0,
        **more,
    }
    names = ", ".join(columns)
    marks = ", ".join(f":{name}" for name in columns)
    session.execute(text(f"INSERT INTO indicator ({names}) VALUES ({marks})"), columns)
    found = session.scalar(text("SELECT id FROM indicator WHERE code = :code"), {"code": code})
    assert found is not None
    return int(found)


def _indexes(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'data_value'"
            )
        }
    finally:
        conn.close()


# The columns of data_value in every revision: what a migration must keep as it was.
VALUE_COLUMNS = (
    "id, uuid, modified_at, indicator_id, period, site_id, combo_id, value, numerator, denominator, "
    "text, comment, warnings, status, status_reason, entered_by, entered_at, device_uuid"
)


def _values(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT {VALUE_COLUMNS} FROM data_value ORDER BY id").fetchall()
    finally:
        conn.close()


def test_a_0001_file_with_values_gets_the_iptt_index(db_path: Path) -> None:
    _at_revision(db_path, "0001_initial")
    _add_values(db_path, 5)
    before = _values(db_path)
    assert len(before) == 20
    assert "ix_data_value_iptt" not in _indexes(db_path)

    db = open_database(db_path)
    try:
        assert current_revision(db.engine) == HEAD_REVISION
    finally:
        db.close()

    assert "ix_data_value_iptt" in _indexes(db_path)
    assert _values(db_path) == before
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    copies = list(backup_dir(db_path).glob("*before-migration-0001_initial*"))
    assert len(copies) == 1
    assert _values(copies[0]) == before


def _downgrade(path: Path, revision: str) -> None:
    engine = make_engine(path)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def test_the_iptt_index_migration_goes_back_down(db_path: Path) -> None:
    _at_revision(db_path, "head")
    _add_values(db_path, 2)
    before = _values(db_path)
    _downgrade(db_path, "0001_initial")
    assert "ix_data_value_iptt" not in _indexes(db_path)
    assert _values(db_path) == before


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        }
    finally:
        conn.close()


def test_a_0002_file_with_values_gets_an_empty_append_only_import_log(db_path: Path) -> None:
    _at_revision(db_path, "0002_iptt_index")
    _add_values(db_path, 3)
    before = _values(db_path)
    assert "import_log" not in _tables(db_path)

    db = open_database(db_path)
    try:
        assert current_revision(db.engine) == HEAD_REVISION
    finally:
        db.close()

    assert {"import_log", "import_log_no_update", "import_log_no_delete"} <= _tables(db_path)
    assert _values(db_path) == before
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM import_log").fetchone() == (0,)
    finally:
        conn.close()


def test_the_import_log_migration_goes_back_down(db_path: Path) -> None:
    _at_revision(db_path, "head")
    _add_values(db_path, 2)
    before = _values(db_path)
    _downgrade(db_path, "0002_iptt_index")
    assert not {"import_log", "import_log_no_update", "import_log_no_delete"} & _tables(db_path)
    assert _values(db_path) == before


def test_a_0003_file_allows_decimals_only_on_indicators_already_holding_a_fraction(db_path: Path) -> None:
    _at_revision(db_path, "0003_import_log")
    _add_values(db_path, 1)  # I0: whole values
    engine = make_engine(db_path)
    try:
        with Session(engine) as session, session.begin():
            programme_id, result_id, site_id, combo_id = session.execute(
                text("SELECT p.id, r.id, s.id, c.id FROM programme p, result r, site s, option_combo c")
            ).one()
            indicators = {
                "HALF": _add_indicator(session, programme_id, result_id, "HALF"),
                "BASE": _add_indicator(session, programme_id, result_id, "BASE", baseline_value=2.5),
                "LOP": _add_indicator(session, programme_id, result_id, "LOP", lop_target=12.5),
                "TARGET": _add_indicator(session, programme_id, result_id, "TARGET"),
                "RATE": _add_indicator(session, programme_id, result_id, "RATE", "percent"),
                "PCT": _add_indicator(
                    session, programme_id, result_id, "PCT", "percent", baseline_value=62.5
                ),
            }
            _add_value(session, indicators["HALF"], "2025Q1", site_id, combo_id, value=12.5)
            for code, numerator in (("RATE", 3.5), ("PCT", 4)):
                _add_value(
                    session,
                    indicators[code],
                    "2025Q1",
                    site_id,
                    combo_id,
                    numerator=numerator,
                    denominator=10,
                )
            session.execute(
                text(
                    "INSERT INTO target (uuid, modified_at, indicator_id, period, value)"
                    " VALUES ('t1', '2025-01-01 00:00:00', :id, '2025Q1', 7.5)"
                ),
                {"id": indicators["TARGET"]},
            )
    finally:
        engine.dispose()
    before = _values(db_path)

    db = open_database(db_path)
    try:
        assert current_revision(db.engine) == HEAD_REVISION
    finally:
        db.close()

    conn = sqlite3.connect(db_path)
    try:
        found = dict(conn.execute("SELECT code, allows_decimals FROM indicator").fetchall())
    finally:
        conn.close()
    assert found == {"I0": 0, "HALF": 1, "BASE": 1, "LOP": 1, "TARGET": 1, "RATE": 1, "PCT": 0}
    assert _values(db_path) == before


def test_the_decimals_migration_goes_back_down_keeping_values(db_path: Path) -> None:
    _at_revision(db_path, "head")
    _add_values(db_path, 2)
    before = _values(db_path)
    _downgrade(db_path, "0003_import_log")
    conn = sqlite3.connect(db_path)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(indicator)")}
    finally:
        conn.close()
    assert "allows_decimals" not in columns
    assert _values(db_path) == before


def test_a_0004_file_learns_who_submitted_its_values_from_history(db_path: Path) -> None:
    _at_revision(db_path, "0004_indicator_decimals")
    _add_values(db_path, 1)  # four draft values of I0
    engine = make_engine(db_path)
    try:
        with Session(engine) as session, session.begin():
            rows = session.execute(text("SELECT id, uuid FROM data_value ORDER BY id")).all()
            statuses = ("submitted", "approved", "submitted", "draft")
            for (value_id, _uuid), status in zip(rows, statuses, strict=True):
                session.execute(
                    text("UPDATE data_value SET status = :status WHERE id = :id"),
                    {"status": status, "id": value_id},
                )
            history = [
                # value 1: submitted by Amina, returned, submitted again by Joseph: Joseph it is
                (rows[0][1], "2025-02-01", "Amina", "draft", "submitted"),
                (rows[0][1], "2025-02-02", "Lead", "submitted", "returned"),
                (rows[0][1], "2025-02-03", "Joseph", "returned", "submitted"),
                # value 2: submitted by Amina, approved by the lead
                (rows[1][1], "2025-02-01", "Amina", "draft", "submitted"),
                (rows[1][1], "2025-02-05", "Lead", "submitted", "approved"),
                # value 3: History does not say (nothing recorded); value 4: a draft
            ]
            for entity_uuid, at, actor, old, new in history:
                session.execute(
                    text(
                        "INSERT INTO history (at, actor, device_uuid, programme_id, entity, entity_uuid,"
                        " label, field, old, new, reason, reason_text) VALUES (:at, :actor, '', 1,"
                        " 'data_value', :uuid, '', 'status', :old, :new, '', '')"
                    ),
                    {"at": f"{at} 10:00:00", "actor": actor, "uuid": entity_uuid, "old": old, "new": new},
                )
    finally:
        engine.dispose()
    before = _values(db_path)

    db = open_database(db_path)
    try:
        assert current_revision(db.engine) == HEAD_REVISION
    finally:
        db.close()

    conn = sqlite3.connect(db_path)
    try:
        found = [r[0] for r in conn.execute("SELECT submitted_by FROM data_value ORDER BY id")]
        approval = conn.execute("SELECT approval_by_other FROM programme").fetchall()
        person = conn.execute("SELECT person_name FROM device WHERE is_local = 1").fetchall()
    finally:
        conn.close()
    assert found == ["Joseph", "Amina", "", ""]
    assert approval == [(0,)]
    assert person == [("",)]
    assert _values(db_path) == before


def test_the_working_person_migration_goes_back_down_keeping_values(db_path: Path) -> None:
    _at_revision(db_path, "head")
    _add_values(db_path, 2)
    before = _values(db_path)
    _downgrade(db_path, "0004_indicator_decimals")
    conn = sqlite3.connect(db_path)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(data_value)")}
        programme_columns = {row[1] for row in conn.execute("PRAGMA table_info(programme)")}
    finally:
        conn.close()
    assert "submitted_by" not in columns
    assert "approval_by_other" not in programme_columns
    assert _values(db_path) == before

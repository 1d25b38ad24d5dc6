# SPDX-License-Identifier: GPL-3.0-or-later
"""Each migration on a file holding data: 0001 → head keeps every value and adds the IPTT index;
0002 → head adds the import log."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy.orm import Session

from pmdesk.storage.backup import backup_dir
from pmdesk.storage.database import current_revision, make_engine, open_database
from pmdesk.storage.migrate import alembic_config
from pmdesk.storage.models import (
    DataValueRow,
    IndicatorRow,
    OptionComboRow,
    ProgrammeRow,
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
            programme = ProgrammeRow(
                code="P1", name="Water", start=date(2025, 1, 1), end=date(2025, 12, 31), frequency="quarterly"
            )
            session.add(programme)
            session.flush()
            tier = TierRow(programme_id=programme.id, level=1, name="Outcome")
            site = SiteRow(programme_id=programme.id, code="S1", name="Site 1")
            combo = OptionComboRow(key="")
            session.add_all([tier, site, combo])
            session.flush()
            result = ResultRow(programme_id=programme.id, tier_id=tier.id, code="O1", title="Outcome 1")
            session.add(result)
            session.flush()
            for n in range(count):
                indicator = IndicatorRow(
                    programme_id=programme.id,
                    result_id=result.id,
                    code=f"I{n}",
                    name=f"I{n}",
                    measure="number",
                )
                session.add(indicator)
                session.flush()
                session.add_all(
                    DataValueRow(
                        indicator_id=indicator.id, period=p, site_id=site.id, combo_id=combo.id, value=n + q
                    )
                    for q, p in enumerate(("2025Q1", "2025Q2", "2025Q3", "2025Q4"))
                )
    finally:
        engine.dispose()


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


def _values(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM data_value ORDER BY id").fetchall()
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


def test_the_iptt_index_migration_goes_back_down(db_path: Path) -> None:
    _at_revision(db_path, "head")
    _add_values(db_path, 2)
    before = _values(db_path)
    engine = make_engine(db_path)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0001_initial")
    finally:
        engine.dispose()
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
    engine = make_engine(db_path)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0002_iptt_index")
    finally:
        engine.dispose()
    assert not {"import_log", "import_log_no_update", "import_log_no_delete"} & _tables(db_path)
    assert _values(db_path) == before

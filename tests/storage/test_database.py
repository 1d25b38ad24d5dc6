# SPDX-License-Identifier: GPL-3.0-or-later
"""The database file: pragmas, schema at head, models matching migrations, locks and backups."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, select, text
from sqlalchemy.exc import IntegrityError

import pmdesk
from pmdesk.storage.backup import backup_dir
from pmdesk.storage.database import (
    Database,
    NotAPmdeskDatabaseError,
    current_revision,
    make_engine,
    open_database,
)
from pmdesk.storage.instance_lock import DatabaseInUseError
from pmdesk.storage.migrate import alembic_config
from pmdesk.storage.models import (
    Base,
    DataValueRow,
    HistoryRow,
    OptionComboRow,
    ProgrammeRow,
    SiteRow,
)
from pmdesk.storage.schema import HEAD_REVISION
from tests.storage.holder import held_elsewhere

EXPECTED_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "trusted_schema": 0,
}
REPO_ROOT = Path(pmdesk.__file__).resolve().parent.parent


def _pragmas(execute) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {name: execute(f"PRAGMA {name}") for name in EXPECTED_PRAGMAS}


def _add_programme(db: Database, code: str = "P1") -> None:
    with db.sessions.begin() as session:
        session.add(
            ProgrammeRow(
                code=code,
                name="Water for all",
                start=date(2026, 1, 1),
                end=date(2027, 12, 31),
                frequency="quarterly",
            )
        )


# --- connections --------------------------------------------------------------------------------


def test_every_pooled_connection_has_the_pragmas(db: Database) -> None:
    # Held open together, so the pool has to create a new DBAPI connection for each.
    connections = [db.engine.connect() for _ in range(4)]
    try:
        raw_ids = {id(conn.connection.driver_connection) for conn in connections}
        assert len(raw_ids) == 4
        for conn in connections:
            assert _pragmas(lambda sql, c=conn: c.exec_driver_sql(sql).scalar()) == EXPECTED_PRAGMAS
    finally:
        for conn in connections:
            conn.close()


def test_sessions_have_the_pragmas(db: Database) -> None:
    with db.sessions() as session:
        assert _pragmas(lambda sql: session.execute(text(sql)).scalar()) == EXPECTED_PRAGMAS


def test_a_fresh_engine_has_the_pragmas(db_path: Path) -> None:
    engine = make_engine(db_path)
    try:
        with engine.connect() as conn:
            assert _pragmas(lambda sql: conn.exec_driver_sql(sql).scalar()) == EXPECTED_PRAGMAS
    finally:
        engine.dispose()


# --- schema -------------------------------------------------------------------------------------


def test_head_revision_is_alembics_head() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


def test_a_fresh_file_is_created_at_head(db: Database) -> None:
    assert current_revision(db.engine) == HEAD_REVISION
    assert not backup_dir(db.path).exists()  # nothing to protect in a new file


def _schema_diff(db: Database, metadata: MetaData) -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return list(compare_metadata(context, metadata))


def test_models_match_the_migrations(db: Database) -> None:
    assert _schema_diff(db, Base.metadata) == []


def test_a_model_change_without_a_migration_is_noticed(db: Database) -> None:
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["programme"].append_column(Column("extra_column", Integer, nullable=True))
    diff = _schema_diff(db, changed)
    assert [(d[0], d[2], d[3].name) for d in diff] == [("add_column", "programme", "extra_column")]  # type: ignore[index]


def test_foreign_keys_are_enforced(db: Database) -> None:
    _add_programme(db)
    with db.sessions.begin() as session:
        programme = session.scalars(select(ProgrammeRow)).one()
        site = SiteRow(programme_id=programme.id, code="S1", name="Site 1")
        combo = OptionComboRow(key="")
        session.add_all([site, combo])
        session.flush()
        site_id, combo_id = site.id, combo.id
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), db.sessions.begin() as session:
        session.add(
            DataValueRow(indicator_id=999, period="2026Q1", site_id=site_id, combo_id=combo_id, value=1)
        )


def test_history_is_append_only(db: Database) -> None:
    with db.sessions.begin() as session:
        session.add(
            HistoryRow(
                actor="tester",
                device_uuid=db.device_uuid,
                entity="indicator",
                entity_uuid="u-1",
                field="name",
                old="a",
                new="b",
            )
        )
    for sql in ("UPDATE history SET new = 'c'", "DELETE FROM history"):
        with pytest.raises(IntegrityError, match="append-only"), db.sessions.begin() as session:
            session.execute(text(sql))
    with db.sessions() as session:
        assert session.execute(select(HistoryRow.new)).scalars().all() == ["b"]


# --- reopening and migrating --------------------------------------------------------------------


def test_reopening_keeps_the_device_and_the_data(db_path: Path) -> None:
    first = open_database(db_path)
    _add_programme(first)
    device = first.device_uuid
    first.close()

    second = open_database(db_path)
    try:
        assert second.device_uuid == device
        with second.sessions() as session:
            assert session.scalars(select(ProgrammeRow.code)).all() == ["P1"]
    finally:
        second.close()
    assert not backup_dir(db_path).exists()  # already at head: no migration, no backup


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in folder.iterdir() if f.is_file()}


def test_another_programs_database_is_refused_untouched(db_path: Path) -> None:
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    raw.execute("INSERT INTO notes (body) VALUES ('keep me')")
    raw.commit()
    raw.close()
    before = _snapshot(db_path.parent)

    with pytest.raises(NotAPmdeskDatabaseError, match=r"database of another program \(its tables: notes\)"):
        open_database(db_path)

    # Not migrated, not switched to WAL, no backup, no file beside it: exactly as it was found.
    assert _snapshot(db_path.parent) == before
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert raw.execute("SELECT body FROM notes").fetchall() == [("keep me",)]
    finally:
        raw.close()
    assert not backup_dir(db_path).exists()
    open_database(db_path.with_name("new.sqlite")).close()  # and the lock was let go of


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda data: b"this is not a database " * 200, "file is not a database"),
        (lambda data: data[:3000], "malformed"),
    ],
    ids=["not-a-database", "truncated"],
)
def test_a_damaged_file_is_refused_untouched_and_its_backups_named(
    db_path: Path, damage: Callable[[bytes], bytes], says: str
) -> None:
    db = open_database(db_path)
    db.close()
    backup_dir(db_path).mkdir()  # as a migration or an import would have left it
    db_path.write_bytes(damage(db_path.read_bytes()))
    before = _snapshot(db_path.parent)
    with pytest.raises(NotAPmdeskDatabaseError) as excinfo:
        open_database(db_path)
    message = str(excinfo.value)
    assert message.startswith(f"{db_path} cannot be opened: it is not a PMDesk database, or it is damaged")
    assert "Nothing was changed" in message and "File ▸ Restore backup…" in message
    # SQLite's own wording is for the log, not for the person reading the message.
    assert says not in message and "SQLite" not in message
    assert _snapshot(db_path.parent) == before


# --- one PMDesk per file ------------------------------------------------------------------------


@pytest.fixture
def holder(db_path: Path, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that has the database open until its stdin is closed."""
    process = held_elsewhere(db_path, tmp_path / "ready")
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)


def test_a_file_open_in_another_process_is_refused(db_path: Path, holder: subprocess.Popen[str]) -> None:
    with pytest.raises(DatabaseInUseError) as refused:
        open_database(db_path)
    assert str(db_path.resolve()) in str(refused.value)
    if sys.platform != "win32":  # Windows locks the bytes that would name the holder
        assert str(holder.pid) in str(refused.value)

    assert holder.stdin is not None
    holder.stdin.close()
    assert holder.wait(timeout=30) == 0
    open_database(db_path).close()


def test_a_crashed_holder_leaves_no_stale_lock(db_path: Path, holder: subprocess.Popen[str]) -> None:
    holder.kill()  # SIGKILL: no chance to release anything
    holder.wait(timeout=30)
    db = open_database(db_path)
    try:
        assert current_revision(db.engine) == HEAD_REVISION
    finally:
        db.close()


def test_a_second_open_in_the_same_process_is_refused(db: Database) -> None:
    with pytest.raises(DatabaseInUseError):
        open_database(db.path)


# --- start-up cost ------------------------------------------------------------------------------


def test_opening_an_up_to_date_file_does_not_import_alembic(db_path: Path) -> None:
    open_database(db_path).close()
    snippet = (
        "import sys\n"
        "from pmdesk.storage.database import open_database\n"
        f"open_database({str(db_path)!r}).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", snippet], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"

# SPDX-License-Identifier: GPL-3.0-or-later
"""Opening a database file safely: one PMDesk per file, pragmas on every connection, migrations."""

from __future__ import annotations

import getpass
import logging
import platform
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.errors import PmdeskError
from pmdesk.storage.backup import backup_database, backup_dir
from pmdesk.storage.instance_lock import InstanceLock
from pmdesk.storage.models import DeviceRow
from pmdesk.storage.schema import HEAD_REVISION

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


def _set_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # The driver's own transaction handling would start transactions behind our back and make
    # PRAGMA foreign_keys a no-op; we take control and emit BEGIN ourselves (see _begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin(connection) -> None:  # type: ignore[no-untyped-def]
    connection.exec_driver_sql("BEGIN")


def make_engine(path: Path) -> Engine:
    """An engine whose every connection has WAL, synchronous=FULL, foreign keys and a busy timeout."""
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the file, with one query; None for an empty file."""
    with engine.connect() as conn:
        try:
            row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        except OperationalError:
            return None
    return row[0] if row else None


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        count = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).scalar_one()
    return bool(count)


@dataclass
class Database:
    """An open PMDesk database: its engine, a session factory and this device's identity."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    device_uuid: str
    actor: str
    lock: InstanceLock | None = field(default=None, repr=False)

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


class NotAPmdeskDatabaseError(PmdeskError):
    """The file is damaged, not an SQLite database at all, or another program's database."""


def check_is_pmdesk_file(path: Path) -> None:
    """Refuse, before anything writes to it, a file PMDesk must not open: not a database, damaged,
    or the SQLite database of another program (merely connecting as PMDesk does would switch it
    to WAL mode, and migrating would add PMDesk's tables to it). A missing or empty file is fine:
    it becomes a new database."""
    if not path.exists() or path.stat().st_size == 0:
        return
    # Reading a file whose header says WAL makes SQLite create these beside it; a refused file
    # is left as it was found.
    side_files = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    made = [f for f in side_files if not f.exists()]
    try:
        _refuse_unless_pmdesk(path)
    except NotAPmdeskDatabaseError:
        for side_file in made:
            side_file.unlink(missing_ok=True)
        raise


def _refuse_unless_pmdesk(path: Path) -> None:
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        backups = backup_dir(path)
        hint = (
            f" If it is a PMDesk database, its newest backup in {backups} can replace it."
            if backups.exists()
            else ""
        )
        raise NotAPmdeskDatabaseError(
            f"{path} cannot be opened: it is not a database, or it is damaged (SQLite says: {exc}). "
            f"Nothing was changed.{hint}"
        ) from None
    if tables and "alembic_version" not in tables:
        shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
        raise NotAPmdeskDatabaseError(
            f"{path} is the database of another program (its tables: {shown}); PMDesk opens only "
            "its own files and changed nothing. Choose another file, or create a new database."
        )


def open_database(path: Path | str, *, lock: bool = True, actor: str | None = None) -> Database:
    """Open (creating if needed) a database file and bring its schema up to date.

    Takes the file's instance lock first (raises DatabaseInUseError if another PMDesk holds it),
    then, when a migration is due on a file that has data, makes a verified backup before it.
    """
    path = Path(path).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    check_is_pmdesk_file(path)  # before the lock, so that a refused file gets no lock file either
    instance_lock = InstanceLock(path) if lock else None
    if instance_lock is not None:
        instance_lock.acquire()
    try:
        engine = make_engine(path)
        revision = current_revision(engine)
        if revision != HEAD_REVISION:
            if revision is not None or _has_tables(engine):
                backup_database(path, reason=f"before-migration-{revision or 'unversioned'}")
            from pmdesk.storage.migrate import upgrade_to_head  # Alembic only when a migration is due

            upgrade_to_head(engine)
        sessions = sessionmaker(engine, expire_on_commit=False)
        device_uuid = _local_device(sessions)
    except BaseException:
        if instance_lock is not None:
            instance_lock.release()
        raise
    return Database(path, engine, sessions, device_uuid, actor or default_actor(), instance_lock)


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers, services)
        return "unknown"


def _local_device(sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        device = session.scalars(select(DeviceRow).where(DeviceRow.is_local.is_(True))).first()
        if device is None:
            device = DeviceRow(name=platform.node() or "this device", is_local=True)
            session.add(device)
            session.flush()
        return device.uuid

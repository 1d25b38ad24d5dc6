# SPDX-License-Identifier: GPL-3.0-or-later
"""Opening a database file safely: one PMDesk per file, pragmas on every connection, migrations."""

from __future__ import annotations

import contextlib
import getpass
import logging
import platform
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from pmdesk.domain.errors import (
    DatabaseBusyError,
    DatabaseDamagedError,
    NewerDatabaseError,
    PmdeskError,
    ReadOnlyStorageError,
    StorageError,
)
from pmdesk.storage.backup import backup_database, backup_dir
from pmdesk.storage.failures import storage_error
from pmdesk.storage.file_access import is_writable, read_only_uri
from pmdesk.storage.instance_lock import InstanceLock
from pmdesk.storage.models import DeviceRow
from pmdesk.storage.schema import HEAD_REVISION

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


WRITE_OPTION = "pmdesk_write"


def _set_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # The driver's own transaction handling would start transactions behind our back and make
    # PRAGMA foreign_keys a no-op; we take control and emit BEGIN ourselves (see _begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # SQLite's advice for application databases: a schema (a trigger, a view) planted in a file
    # by someone else cannot call functions with side effects.
    cursor.execute("PRAGMA trusted_schema=OFF")
    cursor.close()


def _begin(connection) -> None:  # type: ignore[no-untyped-def]
    # A write takes SQLite's write lock when it begins, and so waits (busy_timeout) for a backup,
    # an import or another tool holding it. A deferred BEGIN would read first and then fail at
    # once on its first write (SQLITE_BUSY_SNAPSHOT: waiting cannot help a stale snapshot).
    # Reads stay deferred, so that they run beside a long import as WAL allows.
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


class PmdeskSession(Session):
    """A session whose explicit begin() is a write (BEGIN IMMEDIATE); autobegun sessions read.

    Services write with `with sessions.begin() as session:` and read with
    `with sessions() as session:` (STYLE.md), so the kind of transaction follows from the code
    that is already there. A write also waits for the check of the file made at open (see
    WriteGate) and is refused while the file is damaged or open read-only."""

    def begin(self, nested: bool = False) -> SessionTransaction:
        if not nested:
            gate = self.info.get("write_gate")
            if gate is not None:
                gate.check()
        transaction = super().begin(nested=nested)
        if not nested:
            self.connection(execution_options={WRITE_OPTION: True})
        return transaction


def make_engine(path: Path) -> Engine:
    """An engine whose every connection has WAL, synchronous=FULL, foreign keys, a busy timeout
    and an untrusted schema; writes begin IMMEDIATE; environmental failures (locked, disk full,
    read-only, damaged) are raised as StorageError in plain words."""
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    _translate_failures(engine, path)
    return engine


def _translate_failures(engine: Engine, path: Path) -> None:
    def handle_error(context: ExceptionContext) -> None:
        plain = storage_error(context.original_exception, path)
        if plain is not None:
            log.warning("storage failure on %s: %s", path, context.original_exception)
            raise plain from context.original_exception

    event.listen(engine, "handle_error", handle_error)


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


class WriteGate:
    """Holds writes until the check of the file made at open has passed, and refuses them for
    good when it failed or the file is open read-only: the user's work never goes into a damaged
    file. Reads are not held."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._decided = threading.Event()
        self._refusal: StorageError | None = None
        self.checker: threading.Thread | None = None
        self._check_connection: sqlite3.Connection | None = None
        self.is_stopped = False
        # How long a write on the main thread waits for the check; None: as long as it takes. The
        # window sets a short wait, so a keystroke's save never freezes it: the value is kept on
        # screen and saved again a moment later, as for a lock (DatabaseBusyError is transient).
        self.main_thread_wait: float | None = None

    def open(self) -> None:
        self._decided.set()

    def checking_with(self, connection: sqlite3.Connection) -> None:
        self._check_connection = connection

    def stop_check(self) -> None:
        """Interrupt a check still running and wait for its connection to close: the database's
        own last connection then checkpoints the -wal and removes it, as on any clean close."""
        self.is_stopped = True
        connection = self._check_connection
        if connection is not None and self.checker is not None and self.checker.is_alive():
            with contextlib.suppress(sqlite3.ProgrammingError):  # it closed a moment ago
                connection.interrupt()
        if self.checker is not None:
            self.checker.join(5)

    def refuse(self, error: StorageError) -> None:
        self._refusal = error
        self._decided.set()

    def verdict(self, timeout: float | None = None) -> StorageError | None:
        """Wait for the check (up to `timeout` s); the refusal, or None when writes may go in."""
        self._decided.wait(timeout)
        return self._refusal

    @property
    def is_decided(self) -> bool:
        return self._decided.is_set()

    def check(self) -> None:
        """Wait for the check; raise its refusal if writes may not go in."""
        wait = self.main_thread_wait if threading.current_thread() is threading.main_thread() else None
        refusal = self.verdict(wait)
        if not self.is_decided:
            name = self._path.name if self._path is not None else "The database"
            raise DatabaseBusyError(
                f"{name} is still being checked after opening (a large file takes a few seconds). "
                "Nothing was saved yet; try again in a moment."
            )
        if refusal is not None:
            raise refusal


@dataclass
class Database:
    """An open PMDesk database: its engine, a session factory and this device's identity."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    device_uuid: str
    actor: str  # who History names: the person working here, else the login name
    lock: InstanceLock | None = field(default=None, repr=False)
    gate: WriteGate = field(default_factory=WriteGate, repr=False)
    person_name: str = ""  # the person chosen on this device for this database; "" until chosen

    def close(self) -> None:
        self.gate.stop_check()
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


class NotAPmdeskDatabaseError(PmdeskError):
    """The file is damaged, not an SQLite database at all, or another program's database."""


class UnreadableDatabaseError(NotAPmdeskDatabaseError, DatabaseDamagedError):
    """Not a database at all, or damaged past opening: a backup may replace it."""


def check_is_pmdesk_file(path: Path) -> None:
    """Refuse, before anything writes to it, a file PMDesk must not open: not a database, damaged,
    or the SQLite database of another program (merely connecting as PMDesk does would switch it
    to WAL mode, and migrating would add PMDesk's tables to it). A missing or empty file is fine:
    it becomes a new database."""
    if not path.exists() or path.stat().st_size == 0:
        return
    # Reading a file whose header says WAL makes SQLite create these beside it; a refused file
    # is left as it was found.
    made = [f for f in _side_files(path) if not f.exists()]
    try:
        _refuse_unless_pmdesk(path)
    except (NotAPmdeskDatabaseError, StorageError):
        for side_file in made:
            side_file.unlink(missing_ok=True)
        raise


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def _refuse_unless_pmdesk(path: Path) -> None:
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
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
        log.warning("cannot read %s: %s", path, exc)
        plain = storage_error(exc, path)
        if plain is not None and not isinstance(plain, DatabaseDamagedError):
            raise plain from None  # a healthy file on a drive that failed, or locked: not "damaged"
        raise UnreadableDatabaseError(
            f"{path} cannot be opened: it is not a PMDesk database, or it is damaged. Nothing was "
            f"changed. {RESTORE_HINT}"
        ) from None
    if tables and "alembic_version" not in tables:
        shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
        raise NotAPmdeskDatabaseError(
            f"{path} is the database of another program (its tables: {shown}); PMDesk opens only "
            "its own files and changed nothing. Choose another file, or create a new database."
        )


RESTORE_HINT = (
    "If it is a PMDesk database, restore its latest backup with File ▸ Restore backup… (or "
    "'pmdesk restore'); copying a backup over it by hand can leave it damaged."
)


def quick_check(
    path: Path, *, limit: int = 20, opened: Callable[[sqlite3.Connection], None] | None = None
) -> list[str]:
    """SQLite's quick check of the file's pages, read-only: [] when sound, else what it found.
    `opened` receives the connection, so that the check can be interrupted."""
    connection = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
    if opened is not None:
        opened(connection)
    try:
        rows = connection.execute(f"PRAGMA quick_check({int(limit)})").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        connection.close()
    verdicts = [str(row[0]) for row in rows]
    return [] if verdicts == ["ok"] else verdicts


def damaged_error(path: Path, findings: list[str]) -> DatabaseDamagedError:
    log.error("damage found in %s: %s", path, "; ".join(findings))
    return DatabaseDamagedError(
        f"{path} is damaged: some of its pages cannot be read. PMDesk shows what it can but saves "
        "nothing into it, so your work does not go into a broken file. Restore its latest backup "
        "with File ▸ Restore backup… (or 'pmdesk restore')."
    )


def _check_in_background(path: Path, gate: WriteGate) -> None:
    def run() -> None:
        try:
            findings = quick_check(path, opened=gate.checking_with)
        except Exception as exc:  # the check must decide, whatever happens
            findings = [str(exc)]
        if gate.is_stopped:
            return  # the database was closed meanwhile: an interrupted check found nothing
        if findings:
            gate.refuse(damaged_error(path, findings))
        else:
            gate.open()

    gate.checker = threading.Thread(target=run, name="pmdesk-quick-check", daemon=True)
    gate.checker.start()


def known_revisions() -> set[str]:
    """The schema revisions this version of PMDesk can read or migrate from."""
    versions = Path(__file__).with_name("migrations") / "versions"
    return {p.name.split(".")[0] for p in versions.glob("0*.py*")}


def _refuse_unknown_revision(path: Path, revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise NewerDatabaseError(
            f"{path} was saved by a newer version of PMDesk (its format '{revision}' is unknown to "
            "this one). Update PMDesk to open it; nothing was changed."
        )


def open_database(
    path: Path | str,
    *,
    lock: bool = True,
    actor: str | None = None,
    read_only: bool = False,
    read_only_if_needed: bool = False,
) -> Database:
    """Open (creating if needed) a database file and bring its schema up to date.

    Takes the file's instance lock first (raises DatabaseInUseError if another PMDesk holds it),
    then, when a migration is due on a file that has data, makes a verified backup before it.
    The file's pages are checked (quick_check) on a thread meanwhile: writes wait for it and are
    refused if it finds damage (see WriteGate).

    With `read_only` nothing is ever written to the file (no lock, no migration, no backup).
    With `read_only_if_needed` a file PMDesk cannot write (a read-only folder or file) is opened
    read-only instead of refused.
    """
    path = Path(path).expanduser().resolve()
    if read_only or (read_only_if_needed and path.exists() and not is_writable(path)):
        return _open_read_only(path, actor, forced=not read_only)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReadOnlyStorageError(
            f"PMDesk cannot make the folder {path.parent} ({exc.strerror or exc}). Choose another "
            "folder for the database."
        ) from None
    if not is_writable(path):
        raise ReadOnlyStorageError(
            f"{path} cannot be written: the file or its folder is read-only, or you may not change "
            "it. Copy it to a folder you can write to and open it there, or open it in the window, "
            "which shows it read-only."
        )
    # The lock before any read: through another name (a hard link) SQLite uses another -wal and
    # -shm, so a read beside a PMDesk writing the file could see it torn. A refused file keeps
    # no lock file (InstanceLock removes the one it made).
    instance_lock = InstanceLock(path) if lock else None
    if instance_lock is not None:
        instance_lock.acquire()
    try:
        if path.with_name(f"{path.name}.restoring").exists():
            from pmdesk.storage.restore import finish_interrupted_restore  # a restore was killed

            finish_interrupted_restore(path)
        check_is_pmdesk_file(path)
        engine = make_engine(path)
        revision = current_revision(engine)
        _refuse_unknown_revision(path, revision)
        gate = WriteGate(path)
        if revision != HEAD_REVISION:
            if revision is not None or _has_tables(engine):
                # A migration rewrites tables: never on a damaged file, and only after a backup.
                findings = quick_check(path)
                if findings:
                    raise damaged_error(path, findings)
                backup_database(path, reason=f"before-migration-{revision or 'unversioned'}")
            _migrate(engine, path)
            gate.open()
        else:
            _check_in_background(path, gate)
        sessions = _session_factory(engine, gate)
        device_uuid, person = _local_device(sessions)
    except BaseException:
        if instance_lock is not None:
            instance_lock.release()
        raise
    return Database(
        path, engine, sessions, device_uuid, actor or person or default_actor(), instance_lock, gate, person
    )


def _migrate(engine: Engine, path: Path) -> None:
    from pmdesk.storage.migrate import upgrade_to_head  # Alembic only when a migration is due

    try:
        upgrade_to_head(engine)
    except StorageError:
        raise
    except Exception as exc:
        log.exception("migration of %s failed", path)
        raise MigrationFailedError(
            f"PMDesk could not update {path} to this version's format, and left it as it was. "
            f"A copy made before the attempt is in {backup_dir(path)}. Please report this, with "
            "the log file, to whoever supports PMDesk for you."
        ) from exc


class MigrationFailedError(StorageError):
    pass


def _open_read_only(path: Path, actor: str | None, *, forced: bool) -> Database:
    if not path.exists():
        raise PmdeskError(f"there is no database at {path}")
    made = [f for f in _side_files(path) if not f.exists()]
    check_is_pmdesk_file(path)
    uri = read_only_uri(path)
    engine = create_engine(
        f"sqlite:///{path}",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
    )
    event.listen(engine, "connect", _set_read_pragmas)
    event.listen(engine, "begin", _begin)
    _translate_failures(engine, path)
    revision = current_revision(engine)
    _refuse_unknown_revision(path, revision)
    if revision != HEAD_REVISION:
        engine.dispose()
        for side_file in made:  # a refused file is left as it was found
            side_file.unlink(missing_ok=True)
        raise ReadOnlyStorageError(
            f"{path} was saved by an older version of PMDesk and must be updated before it can be "
            "read, which writes to it. Open it in the PMDesk window (a backup is made first)."
            if not forced
            else f"{path} was saved by an older version of PMDesk and must be updated before it can "
            "be read, but it is in a read-only place. Copy it to a folder you can write to."
        )
    gate = WriteGate(path)
    gate.refuse(
        ReadOnlyStorageError(
            f"{path} is in a read-only folder or is a read-only file, so PMDesk shows it but cannot "
            "save into it. Copy it to a folder you can write to and open it there."
            if forced
            else f"{path} is open for reading only; nothing can be saved."
        )
    )
    sessions = _session_factory(engine, gate)
    with sessions() as session:
        device = session.scalars(select(DeviceRow).where(DeviceRow.is_local.is_(True))).first()
        device_uuid = device.uuid if device is not None else ""
        person = device.person_name if device is not None else ""
    return Database(
        path, engine, sessions, device_uuid, actor or person or default_actor(), None, gate, person
    )


def _session_factory(engine: Engine, gate: WriteGate) -> sessionmaker[Session]:
    factory = sessionmaker(engine, class_=PmdeskSession, expire_on_commit=False, info={"write_gate": gate})
    return cast("sessionmaker[Session]", factory)


def _set_read_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA trusted_schema=OFF")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers, services)
        return "unknown"


def _local_device(sessions: sessionmaker[Session]) -> tuple[str, str]:
    """This device's id and the person last chosen on it ("" if none)."""
    # Read first: a write would wait for the check of the file, and the device is nearly always there.
    with sessions() as session:
        device = session.scalars(select(DeviceRow).where(DeviceRow.is_local.is_(True))).first()
        if device is not None:
            return device.uuid, device.person_name
    with sessions.begin() as session:
        device = session.scalars(select(DeviceRow).where(DeviceRow.is_local.is_(True))).first()
        if device is None:
            device = DeviceRow(name=platform.node() or "this device", is_local=True)
            session.add(device)
            session.flush()
        return device.uuid, device.person_name

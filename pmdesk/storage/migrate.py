# SPDX-License-Identifier: GPL-3.0-or-later
"""Alembic, imported only when a migration is due: upgrade with foreign keys off, then check them."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from pmdesk.domain.errors import PmdeskError

MIGRATIONS = Path(__file__).with_name("migrations")


class MigrationError(PmdeskError):
    pass


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade_to_head(engine: Engine) -> None:
    config = alembic_config()
    with engine.connect() as connection:
        # Batch migrations copy tables; with foreign keys on, dropping the old copy would cascade.
        # The pragma is a no-op inside a transaction, so it goes to the driver before BEGIN.
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise MigrationError(
                        f"migration left {len(broken)} broken references (first: {broken[0]}); "
                        "nothing was changed"
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")

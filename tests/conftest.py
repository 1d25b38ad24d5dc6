# SPDX-License-Identifier: GPL-3.0-or-later
"""Test environment: offscreen Qt, a fresh database file per test.

Bringing a new file's schema up to date (Alembic) and building a programme through the services take
about a second each, so both are done once per test session into template files; each test gets a
byte copy of one (milliseconds), opened as usual, and so still works on a file of its own."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from pmdesk.storage.database import Database, make_engine, open_database
from tests.ui.programme_factory import build_small_programme

# Hypothesis's default deadline (200 ms an example) fails a fast property on a busy machine (two test
# processes on two cores, CI's neighbours): a deadline measures the machine, not the rule checked.
settings.register_profile("pmdesk", deadline=None)
settings.load_profile("pmdesk")


# What a test's database holds when the test (or one of its fixtures) requests one of these fixtures;
# without any, the database is empty. One per test.
def _import_rich_package(db: Database) -> None:
    from pmdesk.services.actor import Actor
    from pmdesk.services.packages import PackageService
    from tests.unit.package_fixtures import rich_package

    PackageService(db.sessions, Actor(db.actor, db.device_uuid)).import_package(rich_package())


def _wash01(db: Database) -> None:
    from tests.unit.builders import small_programme

    small_programme(db)


SEEDS: dict[str, Callable[[Database], object]] = {
    "db_holds_the_small_programme": build_small_programme,
    "db_holds_wash01": _wash01,
    "db_holds_the_rich_package": _import_rich_package,
}


@pytest.fixture
def db_holds_the_small_programme() -> None:
    """Asked for (by `small`), `db` is a copy of tests/ui/programme_factory's programme."""


@pytest.fixture
def db_holds_wash01() -> None:
    """Asked for, `db` is a copy of tests/unit/builders.small_programme(db) (WASH-01)."""


@pytest.fixture
def db_holds_the_rich_package() -> None:
    """Asked for, `db` is a copy of tests/unit/package_fixtures.rich_package() imported (WASH-01)."""


class DatabaseTemplates:
    """Database files made once per session (per worker) and copied for each test."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._files: dict[str, Path] = {}

    def file(self, name: str) -> Path:
        if name not in self._files:
            path = self._folder / f"{name}.sqlite"
            if name == "":
                # The schema alone, migrated as open_database does for a new file, but without the
                # local device: each test's copy makes its own when it is opened, as a new file does.
                from pmdesk.storage.migrate import upgrade_to_head

                engine = make_engine(path)
                try:
                    upgrade_to_head(engine)
                finally:
                    engine.dispose()
            else:
                shutil.copyfile(self.file(""), path)
                database = open_database(path, actor="tester")
                try:
                    SEEDS[name](database)
                finally:
                    database.close()
            assert not [p for p in self._folder.iterdir() if p.name.startswith(path.name + "-")]
            self._files[name] = path
        return self._files[name]

    def copy_to(self, name: str, path: Path) -> None:
        shutil.copyfile(self.file(name), path)


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> DatabaseTemplates:
    return DatabaseTemplates(tmp_path_factory.mktemp("database-templates"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "pmdesk-test.sqlite"


@pytest.fixture
def db(
    db_path: Path, database_templates: DatabaseTemplates, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """A new database at `db_path`, up to date; holding what SEEDS says when the test asks for one of
    its fixtures."""
    database = open_test_database(db_path, database_templates, request)
    yield database
    database.close()


def open_test_database(path: Path, templates: DatabaseTemplates, request: pytest.FixtureRequest) -> Database:
    """What `db` opens, for a module that overrides `db` (to patch something first)."""
    seeds = [name for name in SEEDS if name in request.fixturenames]
    assert len(seeds) <= 1, f"a test's database holds one seed, not {seeds}"
    templates.copy_to(seeds[0] if seeds else "", path)
    return open_database(path, actor="tester")

# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the Qt tests: services over the test database, a worker pool, throwaway settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from pmdesk.app import build_services
from pmdesk.storage.database import Database
from pmdesk.ui.context import Services, UiContext
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.workers import Workers
from tests.ui.programme_factory import CODE, NAME, Built


def make_services(db: Database) -> Services:
    return build_services(db)


@pytest.fixture
def services(db: Database) -> Services:
    return make_services(db)


@pytest.fixture
def workers(db: Database) -> Iterator[Workers]:
    """Depends on `db` so that every job has returned before the database is closed."""
    pool = Workers()
    yield pool
    pool.cancel_all()
    pool.wait(10_000)


@pytest.fixture
def signals() -> AppSignals:
    return AppSignals()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def small(db_holds_the_small_programme: None, db: Database) -> Built:
    """The programme of programme_factory.build_small_programme: built once per session, and `db` is a
    copy of it (tests/conftest.py)."""
    return Built(CODE, NAME)


@pytest.fixture(autouse=True)
def _restore_application_font(qapp: QApplication) -> Iterator[None]:
    """Zoom changes the application font; later tests must not inherit it."""
    font = QFont(QApplication.font())
    yield
    QApplication.setFont(font)


@pytest.fixture
def context(services: Services, signals: AppSignals, workers: Workers) -> UiContext:
    """What a screen receives from the main window."""
    return UiContext(services, signals, workers)

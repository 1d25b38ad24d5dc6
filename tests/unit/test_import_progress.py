# SPDX-License-Identifier: GPL-3.0-or-later
"""Progress and cancel of long imports and exports.

The services report from inside their transaction, so a callback that raises (the UI's
JobCancelled) at any report leaves the database exactly as it was, and an export leaves no file.
"""

from __future__ import annotations

import inspect
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pmdesk.formats import value_items
from pmdesk.services import batch_check, package_export, value_batch, values_io
from pmdesk.services.actor import Actor
from pmdesk.services.logframe_excel import LogframeImporter
from pmdesk.services.packages import PackageService
from pmdesk.services.values_io import CSV_HEADER, ValuesService
from pmdesk.storage.database import Database
from tests.unit.package_fixtures import QUARTERS, rich_package, without_values
from tests.unit.test_logframe_excel import _real_programme

CODE = "WASH-01"


class Cancelled(Exception):
    """Stands in for pmdesk.ui.workers.JobCancelled: tests/unit import no Qt."""


class Recorder:
    """A progress callback that keeps its calls and raises on call number `cancel_at`."""

    def __init__(self, cancel_at: int | None = None) -> None:
        self.calls: list[tuple[int, int, str]] = []
        self.cancel_at = cancel_at

    def __call__(self, done: int, total: int, message: str) -> None:
        self.calls.append((done, total, message))
        if len(self.calls) == self.cancel_at:
            raise Cancelled(message)


@pytest.fixture(autouse=True)
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Report every few values, so that even a small batch is cancelled in the middle of writing."""
    for module in (value_items, batch_check, package_export, values_io):
        monkeypatch.setattr(module, "REPORT_EVERY", 7)
    monkeypatch.setattr(value_batch, "WRITE_CHUNK", 5)


def actor(db: Database) -> Actor:
    return Actor(db.actor, db.device_uuid)


def dump(db: Database) -> list[str]:
    """Everything the file holds, as SQL text."""
    conn = sqlite3.connect(db.path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def cancelled_at_every_report(db: Database, run: Callable[[Recorder], object]) -> list[tuple[int, int, str]]:
    """Run, cancelling at the first report, then at the second, and so on until a run gets
    through; every cancelled run must leave the database unchanged. Returns the calls of the run
    that got through (which must have written something)."""
    before = dump(db)
    cancel_at = 1
    while True:
        progress = Recorder(cancel_at)
        try:
            run(progress)
        except Cancelled:
            assert dump(db) == before, f"cancelled at {progress.calls[-1]}"
            cancel_at += 1
            continue
        assert len(progress.calls) == cancel_at - 1
        assert dump(db) != before
        return progress.calls


def assert_sensible(calls: list[tuple[int, int, str]]) -> None:
    assert calls
    for done, total, message in calls:
        assert message
        assert done >= 0
        assert total == 0 or done <= total  # total 0: a phase of unknown length


# -- imports --------------------------------------------------------------------------------------


def test_a_package_import_is_cancelled_on_the_third_report(db: Database) -> None:
    before = dump(db)
    progress = Recorder(cancel_at=3)
    with pytest.raises(Cancelled):
        PackageService(db.sessions, actor(db), db.path).import_package(rich_package(), progress=progress)
    assert len(progress.calls) == 3
    assert dump(db) == before


def test_a_package_import_cancelled_at_any_report_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "wash.json"
    path.write_text(json.dumps(rich_package(extra_sites=6)), encoding="utf-8")
    service = PackageService(db.sessions, actor(db), db.path)
    calls = cancelled_at_every_report(db, lambda progress: service.import_file(path, progress=progress))
    assert_sensible(calls)
    messages = [message for _, _, message in calls]
    count = len(rich_package(extra_sites=6)["values"])
    assert f"Checking {count:,} values" in messages
    assert calls[-1] == (count, count, f"Writing {count:,} values")
    # Reports while writing, not only before and after it.
    assert sum(message.startswith("Writing ") for message in messages) > 3


def replacing_items() -> list[dict[str, Any]]:
    """Indicator 1.2's values changed (replacements) and its last quarter added (new values)."""
    items = [
        {**item, "value": item["value"] + 1}
        for item in rich_package()["values"]
        if item["indicator"] == "1.2" and item["period"] != QUARTERS[-1]
    ]
    items += [{"indicator": "1.2", "period": QUARTERS[-1], "site": s, "value": 12} for s in ("N02", "S01")]
    return items


def test_a_values_import_cancelled_at_any_report_changes_nothing(db: Database) -> None:
    PackageService(db.sessions, actor(db)).import_package(rich_package())
    service = ValuesService(db.sessions, actor(db), db.path)
    calls = cancelled_at_every_report(
        db, lambda progress: service.import_items(CODE, replacing_items(), progress=progress)
    )
    assert_sensible(calls)
    assert calls[-1] == (11, 11, "Writing 11 values")  # 9 replaced, 2 new


def test_a_csv_values_import_cancelled_at_any_report_changes_nothing(db: Database, tmp_path: Path) -> None:
    PackageService(db.sessions, actor(db)).import_package(without_values(rich_package()))
    path = tmp_path / "values.csv"
    rows = [f"{CODE},1.2,{p},{s},,{n},,," for n, p in enumerate(QUARTERS) for s in ("N01", "N02", "S01")]
    path.write_text("\n".join([",".join(CSV_HEADER), *rows]) + "\n", encoding="utf-8")
    service = ValuesService(db.sessions, actor(db), db.path)
    calls = cancelled_at_every_report(db, lambda progress: service.import_file(path, progress=progress))
    assert_sensible(calls)
    assert calls[0] == (0, 0, "Reading values.csv")


def test_a_logframe_import_passes_progress_on(db: Database, tmp_path: Path) -> None:
    path = _real_programme(tmp_path / "logframe.xlsx")
    importer = LogframeImporter(db.sessions, actor(db), db.path)
    calls = cancelled_at_every_report(db, lambda progress: importer.import_workbook(path, progress=progress))
    assert_sensible(calls)


# -- exports --------------------------------------------------------------------------------------


@pytest.fixture
def wash(db: Database) -> Iterator[Database]:
    PackageService(db.sessions, actor(db)).import_package(rich_package(extra_sites=6))
    yield db


@pytest.mark.parametrize("name", ["values.csv", "values.json", "package.json"])
def test_a_cancelled_export_leaves_no_file(wash: Database, tmp_path: Path, name: str) -> None:
    def export(progress: Recorder) -> None:
        if name == "package.json":
            PackageService(wash.sessions, actor(wash)).export_file(CODE, path, progress=progress)
        else:
            ValuesService(wash.sessions, actor(wash)).export_file(CODE, path, progress=progress)

    path = tmp_path / "out" / name
    path.parent.mkdir()
    counting = Recorder()
    export(counting)
    assert_sensible(counting.calls)
    assert counting.calls[-1] == (0, 0, f"Writing {name}")
    written = path.read_bytes()
    path.unlink()
    for cancel_at in range(1, len(counting.calls) + 1):
        with pytest.raises(Cancelled):
            export(Recorder(cancel_at))
        assert list(path.parent.iterdir()) == []
    export(Recorder())
    assert path.read_bytes() == written


def test_the_ui_sees_that_these_jobs_report_progress() -> None:
    # pmdesk.ui.files.file_actions passes `progress` to a job whose signature names it.
    jobs: list[Callable[..., Any]] = [
        PackageService.import_file,
        PackageService.import_package,
        PackageService.export_file,
        ValuesService.import_file,
        ValuesService.import_items,
        ValuesService.export_file,
        LogframeImporter.import_workbook,
    ]
    for job in jobs:
        parameter = inspect.signature(job).parameters.get("progress")
        assert parameter is not None, job.__qualname__
        assert parameter.default is None

# SPDX-License-Identifier: GPL-3.0-or-later
"""`pmdesk actions list`: filters, formats, a file written whole, formula-safe CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from pmdesk import cli
from pmdesk.services.actions import ActionData, ActionService
from pmdesk.services.actor import Actor
from pmdesk.storage.database import open_database
from tests.unit.builders import small_programme

pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture
def actions_db(tmp_path: Path) -> Path:
    path = tmp_path / "actions.sqlite"
    db = open_database(path, actor="tester")
    try:
        small_programme(db)
        small_programme(db, "EDU-02")
        actions = ActionService(db.sessions, Actor(db.actor, db.device_uuid))
        yesterday = date.today() - timedelta(days=1)
        actions.create(
            "WASH-01", ActionData("Fix pumps", owner="Joseph", due=yesterday, indicator_codes=("1.1",))
        )
        actions.create(
            "WASH-01", ActionData("=HYPERLINK(evil)", owner="Amina", due=date.today() + timedelta(30))
        )
        done = actions.create("EDU-02", ActionData("Order books", owner="joseph", due=yesterday))
        actions.close(done.uuid, "done", "Books delivered")
    finally:
        db.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_table_lists_every_programme_and_says_overdue(
    actions_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", str(actions_db), "actions", "list")
    assert code == 0
    assert "Fix pumps" in out and "Order books" in out
    assert "Open — OVERDUE" in out
    assert "3 actions, 1 overdue" in out


def test_filters_and_json(actions_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(actions_db), "actions", "list", "--overdue", "--format", "json")
    assert code == 0
    items = json.loads(out)
    assert [(i["programme"], i["code"], i["overdue"]) for i in items] == [("WASH-01", "A-1", True)]
    assert items[0]["indicators"] == ["1.1"] and items[0]["status"] == "open"
    _, out, _ = run(
        capsys, "--db", str(actions_db), "actions", "list", "--owner", "JOSEPH", "--format", "json"
    )
    assert {i["title"] for i in json.loads(out)} == {"Fix pumps", "Order books"}
    _, out, _ = run(
        capsys, "--db", str(actions_db), "actions", "list", "--programme", "EDU-02", "--format", "json"
    )
    closed = json.loads(out)
    assert [i["closing_note"] for i in closed] == ["Books delivered"]


def test_csv_to_a_file_is_formula_safe(
    actions_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "actions.csv"
    code, _, err = run(
        capsys, "--db", str(actions_db), "actions", "list", "--format", "csv", "-o", str(target)
    )
    assert code == 0 and "wrote" in err
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["programme", "code", "title"]
    assert "'=HYPERLINK(evil)" in [r[2] for r in rows[1:]]


def test_unknown_programme_is_one_line(actions_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(actions_db), "actions", "list", "--programme", "NOPE")
    assert code == 1
    assert "no programme with code 'NOPE'" in err and "Traceback" not in err

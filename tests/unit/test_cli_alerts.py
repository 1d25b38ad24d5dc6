# SPDX-License-Identifier: GPL-3.0-or-later
"""`pmdesk alerts CODE`: evaluates the triggers, then lists the alerts (table, JSON, CSV); the
imports of values and programmes evaluate the triggers after importing."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from pmdesk import cli
from pmdesk.services.actor import Actor
from pmdesk.services.alerts import AlertService
from pmdesk.services.data_entry import DataEntryService
from pmdesk.storage.database import open_database
from pmdesk.storage.instance_lock import InstanceLock

pytestmark = pytest.mark.usefixtures("data_dir")
SCHOOLS = [f"{d}-{n:02d}" for d, n in [("LAK", 1), ("LAK", 2), ("LAK", 3), ("LAK", 4)]]


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(demo_file, copy)
    return copy


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def alerts_json(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capsys, "--db", str(db), "alerts", "DEMO-WASH", "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_alerts_json_lists_the_seed_alert(capsys: pytest.CaptureFixture[str], demo_copy: Path) -> None:
    data = alerts_json(capsys, demo_copy)
    assert (data["programme"], data["status"]) == ("DEMO-WASH", "open")
    (alert,) = data["alerts"]
    assert alert["trigger"] == "T1" and alert["indicator"] == "2.3" and alert["site"] is None
    assert alert["periods"] == ["2026Q1", "2026Q2"]
    assert alert["figures"] == ["66.79 %", "64.86 %"]
    assert (alert["status"], alert["holds"], alert["acknowledgement"]) == ("open", True, None)
    assert alert["raised_at"].endswith("+00:00")
    # Evaluating again raises nothing new.
    assert len(alerts_json(capsys, demo_copy, "--status", "all")["alerts"]) == 1


def test_alerts_table_csv_and_status_filter(
    capsys: pytest.CaptureFixture[str], demo_copy: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--db", str(demo_copy), "alerts", "DEMO-WASH")
    assert (code, err) == (0, "")
    header, row = out.splitlines()
    assert header.split() == ["Trigger", "Indicator", "Site", "Periods", "Figures", "Status"]
    assert (
        row.split()[:3] == ["T1", "2.3", "(programme)"] and "2026Q1, 2026Q2" in row and row.endswith("open")
    )

    db = open_database(demo_copy, actor="tester")
    try:
        service = AlertService(db.sessions, Actor("Amina Yusuf", db.device_uuid))
        (alert,) = service.list("DEMO-WASH")
        service.acknowledge(alert.uuid, "Rapid review at the May meeting")
    finally:
        db.close()
    code, out, _ = run(capsys, "--db", str(demo_copy), "alerts", "DEMO-WASH")
    assert (code, out.strip()) == (0, "No open alerts for DEMO-WASH.")
    code, out, _ = run(capsys, "--db", str(demo_copy), "alerts", "DEMO-WASH", "--status", "acknowledged")
    assert "acknowledged by Amina Yusuf" in out and "Rapid review at the May meeting" in out

    target = tmp_path / "alerts.csv"
    code, _, err = run(
        capsys,
        "--db",
        str(demo_copy),
        "alerts",
        "DEMO-WASH",
        "--status",
        "all",
        "--format",
        "csv",
        "-o",
        str(target),
    )
    assert code == 0 and "wrote" in err
    (record,) = csv.DictReader(io.StringIO(target.read_text(encoding="utf-8")))
    assert (record["trigger"], record["indicator"], record["site"]) == ("T1", "2.3", "")
    assert (record["periods"], record["status"], record["holds"]) == ("2026Q1 2026Q2", "acknowledged", "yes")
    assert record["acknowledged_by"] == "Amina Yusuf"


def test_alerts_csv_without_alerts_still_has_its_header(
    capsys: pytest.CaptureFixture[str], demo_copy: Path
) -> None:
    code, out, _ = run(
        capsys, "--db", str(demo_copy), "alerts", "DEMO-WASH", "--status", "acknowledged", "--format", "csv"
    )
    assert code == 0
    assert out.splitlines()[0].startswith("trigger,indicator,site,periods,figures,status,holds")


def test_alerts_unknown_programme_and_status(capsys: pytest.CaptureFixture[str], demo_copy: Path) -> None:
    code, _, err = run(capsys, "--db", str(demo_copy), "alerts", "NOPE")
    assert code == 1 and "no programme with code 'NOPE'" in err and "Traceback" not in err
    code, _, err = run(capsys, "--db", str(demo_copy), "alerts", "DEMO-WASH", "--status", "closed")
    assert code == 2 and "invalid choice" in err


def test_alerts_lists_without_evaluating_while_the_window_has_the_file(
    capsys: pytest.CaptureFixture[str], demo_copy: Path
) -> None:
    # The demo's alert is stored; 2026Q2 then recovers without an evaluation (as typed in the window).
    schools = _schools(demo_copy)
    db = open_database(demo_copy, actor="tester")
    try:
        entry = DataEntryService(db.sessions, Actor(db.actor, db.device_uuid))
        for school in schools:
            entry.set_value("DEMO-WASH", "2.3", "2026Q2", school, numerator=36, denominator=40)
    finally:
        db.close()
    lock = InstanceLock(demo_copy)
    lock.acquire()
    try:
        code, out, err = run(capsys, "--db", str(demo_copy), "alerts", "DEMO-WASH", "--format", "json")
    finally:
        lock.release()
    assert code == 0 and "keeps its alerts up to date" in err
    (alert,) = json.loads(out)["alerts"]
    assert alert["holds"] is True  # listed as stored: evaluating would find the streak gone


def test_values_import_evaluates_the_triggers(
    capsys: pytest.CaptureFixture[str], demo_copy: Path, tmp_path: Path
) -> None:
    assert len(alerts_json(capsys, demo_copy)["alerts"]) == 1
    # 2026Q2's satisfaction recovers at every school: only 2026Q1 stays below 70 %.
    schools = _schools(demo_copy)
    update = tmp_path / "update.json"
    values = [
        {"indicator": "2.3", "period": "2026Q2", "site": school, "numerator": 36, "denominator": 40}
        for school in schools
    ]
    update.write_text(json.dumps({"programme": "DEMO-WASH", "values": values}), encoding="utf-8")
    code, _, err = run(capsys, "--db", str(demo_copy), "values", "import", str(update))
    assert code == 0, err
    (alert,) = _stored_alerts(demo_copy)
    assert alert.holds is False  # evaluated by the import, before anyone asked for the list


def test_programme_import_evaluates_the_triggers(
    capsys: pytest.CaptureFixture[str], demo_copy: Path, tmp_path: Path
) -> None:
    package = tmp_path / "demo.json"
    assert run(capsys, "--db", str(demo_copy), "programme", "export", "DEMO-WASH", "-o", str(package))[0] == 0
    fresh = tmp_path / "fresh.sqlite"
    code, out, err = run(capsys, "--db", str(fresh), "programme", "import", str(package))
    assert code == 0, err
    assert "Imported programme DEMO-WASH" in out
    assert "1 new alert in DEMO-WASH: see 'pmdesk alerts DEMO-WASH'" in err
    (alert,) = _stored_alerts(fresh)
    assert alert.periods == ("2026Q1", "2026Q2")


def _schools(path: Path) -> list[str]:
    from pmdesk.services.sites import SiteService

    db = open_database(path, actor="tester", read_only=True, lock=False)
    try:
        sites = SiteService(db.sessions, Actor(db.actor, db.device_uuid)).list_sites("DEMO-WASH")
    finally:
        db.close()
    return [s.code for s in sites if s.depth > 0]


def _stored_alerts(path: Path) -> tuple:  # type: ignore[type-arg]
    db = open_database(path, actor="tester", read_only=True, lock=False)
    try:
        return AlertService(db.sessions, Actor(db.actor, db.device_uuid)).list("DEMO-WASH")
    finally:
        db.close()

# SPDX-License-Identifier: GPL-3.0-or-later
"""The export jobs (pmdesk.services.exports): the CLI runs the IPTT screen's job, whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from pmdesk import cli
from pmdesk.formats.iptt_workbook import CHANGE_LOG_SHEET, IPTT_SHEET
from pmdesk.services import exports
from pmdesk.services.actor import Actor
from pmdesk.services.history import HistoryService
from pmdesk.services.iptt import IpttService
from pmdesk.services.programmes import ProgrammeService
from pmdesk.storage.database import open_database

pytestmark = pytest.mark.usefixtures("data_dir")


class Cancelled(Exception):
    pass


def _sheets(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    workbook = load_workbook(path, read_only=True)
    try:
        # The "generated" line carries the time of writing; everything else must match.
        return {
            name: [
                row for row in workbook[name].iter_rows(values_only=True) if "Generated" not in str(row[0])
            ]
            for name in workbook.sheetnames
        }
    finally:
        workbook.close()


def test_the_cli_writes_the_workbook_through_the_screens_job(
    capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    real = exports.export_iptt_excel

    def spy(*args: Any) -> Path:
        calls.append(args[3])
        return real(*args)

    monkeypatch.setattr(exports, "export_iptt_excel", spy)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "iptt.xlsx"
    code = cli.main(["--db", str(demo_file), "iptt", "DEMO-WASH", "--format", "xlsx", "-o", str(target)])
    out, err = capsys.readouterr()
    assert (code, out) == (0, "")
    assert calls == [target]
    assert str(target) in err
    assert list(out_dir.iterdir()) == [target]

    # The same job called as the IPTT screen calls it gives the same workbook.
    db = open_database(demo_file, lock=False, read_only=True)
    try:
        table = IpttService(db.sessions).table("DEMO-WASH")
        programmes = ProgrammeService(db.sessions, Actor(db.actor, db.device_uuid))
        gui = real(programmes, HistoryService(db.sessions), table, tmp_path / "gui.xlsx", lambda *_: None)
    finally:
        db.close()
    cli_sheets, gui_sheets = _sheets(target), _sheets(gui)
    assert list(cli_sheets) == [IPTT_SHEET, CHANGE_LOG_SHEET]
    assert cli_sheets == gui_sheets
    assert any(row and row[0] == "1.1" for row in cli_sheets[IPTT_SHEET])


def test_the_cli_needs_a_file_for_a_workbook(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    code = cli.main(["--db", str(demo_file), "iptt", "DEMO-WASH", "--format", "xlsx"])
    _, err = capsys.readouterr()
    assert code == cli.EXIT_USAGE
    assert "-o FILE" in err


def test_the_cli_names_a_missing_folder(
    capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "iptt.xlsx"
    code = cli.main(["--db", str(demo_file), "iptt", "DEMO-WASH", "--format", "xlsx", "-o", str(target)])
    _, err = capsys.readouterr()
    assert code == cli.EXIT_FAILURE
    assert "does not exist" in err
    assert not target.parent.exists()


@pytest.mark.parametrize("kind", list(exports.ExportKind))
def test_a_job_stopped_while_saving_keeps_the_old_file(demo_file: Path, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "out" / f"iptt.{kind}"
    target.parent.mkdir()
    target.write_bytes(b"the previous export")

    def progress(_done: int, _total: int, message: str) -> None:
        if message == "Saving…":
            raise Cancelled

    db = open_database(demo_file, lock=False, read_only=True)
    try:
        table = IpttService(db.sessions).table("DEMO-WASH")
        with pytest.raises(Cancelled):
            if kind == exports.ExportKind.CSV:
                exports.export_iptt_csv(table, target, progress)
            else:
                programmes = ProgrammeService(db.sessions, Actor(db.actor, db.device_uuid))
                exports.export_iptt_excel(programmes, HistoryService(db.sessions), table, target, progress)
    finally:
        db.close()
    assert target.read_bytes() == b"the previous export"
    assert list(target.parent.iterdir()) == [target]


def test_default_file_name_and_suffix() -> None:
    assert exports.with_suffix(Path("a/iptt"), exports.ExportKind.EXCEL) == Path("a/iptt.xlsx")
    assert exports.with_suffix(Path("a/iptt.CSV"), exports.ExportKind.CSV) == Path("a/iptt.CSV")

# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile workbooks (DESIGN.md §9): XML entity bombs and external entities are refused with a
message that names the file, before anything is expanded, fetched or imported."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from pmdesk.domain.errors import ValidationError
from pmdesk.services.actor import Actor
from pmdesk.services.logframe_excel import LogframeImporter, write_template
from pmdesk.services.programmes import ProgrammeService
from pmdesk.storage.database import Database

_LOL = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' if n else '<!ENTITY lol0 "lol">' for n in range(10)
)
BILLION_LAUGHS = (f"<!DOCTYPE bomb [{_LOL}]>", "&lol9;")
EXTERNAL = ('<!DOCTYPE leak [<!ENTITY secret SYSTEM "file:///etc/passwd">]>', "&secret;")


def _tampered(template: Path, member: str, doctype: str, reference: str, out: Path) -> Path:
    """`template` with a document type declared in `member` and its entity used in the first text."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w") as target:
        assert member in source.namelist()
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                text = data.decode("utf-8")
                text = re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m[1] or "") + doctype, text, count=1)
                text = re.sub(r"(<t(?: [^>]*)?>)", lambda m: m[1] + reference, text, count=1)
                data = text.encode("utf-8")
            target.writestr(info, data)
    return out


@pytest.mark.parametrize(
    "member", ["xl/workbook.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"]
)
@pytest.mark.parametrize(("doctype", "reference"), [BILLION_LAUGHS, EXTERNAL], ids=["bomb", "external"])
def test_entities_are_refused_as_unsafe(
    db: Database, tmp_path: Path, member: str, doctype: str, reference: str
) -> None:
    template = tmp_path / "template.xlsx"
    write_template(template)
    path = _tampered(template, member, doctype, reference, tmp_path / "logframe.xlsx")
    actor = Actor(db.actor, db.device_uuid)
    with pytest.raises(ValidationError) as excinfo:
        LogframeImporter(db.sessions, actor, db.path).import_workbook(path)
    message = str(excinfo.value)
    assert message.startswith("logframe.xlsx: ") and "refused as unsafe" in message
    assert "root:" not in message  # nothing of the file it reached for
    assert ProgrammeService(db.sessions, actor).list_programmes() == []
    # The untampered template still imports: the refusal is about the entities alone.
    LogframeImporter(db.sessions, actor, db.path).import_workbook(template)
    assert len(ProgrammeService(db.sessions, actor).list_programmes()) == 1


# -- zip bombs and huge workbooks (issue #6, item 11) ---------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TARGETS_PART = "xl/worksheets/sheet8.xml"  # the template's Targets sheet


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """openpyxl's load_workbook, replaced by a refusal: a hostile file must be refused before it."""
    import openpyxl

    calls: list[Path] = []

    def refuse(path: Path, *args: object, **kwargs: object) -> None:
        calls.append(Path(path))
        raise AssertionError("openpyxl was asked to parse a hostile workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    return calls


def _with_targets_xml(template: Path, out: Path, rows: bytes, repeat: int, *, level: int = 9) -> Path:
    """`template` with its Targets sheet replaced by a header row and `rows` written `repeat` times,
    streamed into the zip so the test never holds the expanded sheet in memory."""
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target,
    ):
        for info in source.infolist():
            if info.filename != TARGETS_PART:
                target.writestr(info, source.read(info))
                continue
            with target.open(TARGETS_PART, "w", force_zip64=True) as stream:
                stream.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
                stream.write(
                    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Indicator</t></is></c>'
                    b'<c r="B1" t="inlineStr"><is><t>Period</t></is></c>'
                    b'<c r="D1" t="inlineStr"><is><t>Value</t></is></c></row>'
                    b'<row r="2"><c r="D2"><f>1+1</f></c></row>'
                )
                for _ in range(repeat):
                    stream.write(rows)
                stream.write(b"</sheetData></worksheet>")
    return out


def _importer(db: Database) -> LogframeImporter:
    return LogframeImporter(db.sessions, Actor(db.actor, db.device_uuid), db.path)


def test_a_zip_bomb_is_refused_from_the_zip_directory(
    db: Database, tmp_path: Path, no_parsing: list[Path]
) -> None:
    template = tmp_path / "template.xlsx"
    write_template(template)
    row = b'<row><c t="inlineStr"><is><t>1.1</t></is></c><c t="inlineStr"><is><t>2025Q1</t></is></c><c><v>5</v></c></row>'
    # About 300 MB of identical rows, a formula among them: about 1 MB once compressed.
    bomb = _with_targets_xml(template, tmp_path / "bomb.xlsx", row * 10_000, 300)
    assert bomb.stat().st_size < 5 * 1024 * 1024
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(bomb)
    message = str(excinfo.value)
    assert message.startswith("bomb.xlsx: ") and "refused as unsafe" in message
    assert TARGETS_PART in message
    assert no_parsing == []


def test_a_big_sheet_that_compresses_plainly_is_refused_from_the_zip_directory(
    db: Database, tmp_path: Path, no_parsing: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmdesk.formats import logframe_reader

    template = tmp_path / "template.xlsx"
    write_template(template)
    monkeypatch.setattr(logframe_reader, "MAX_SHEET_BYTES", 2 * 1024 * 1024)
    # Rows that differ compress about tenfold, as an honest sheet does: only the size gives it away.
    rows = b"".join(
        f'<row r="{n}"><c r="A{n}"><v>{n * 7919 % 100_003}</v></c></row>'.encode() for n in range(3, 60_003)
    )
    big = _with_targets_xml(template, tmp_path / "big.xlsx", rows, 1, level=1)
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(big)
    message = str(excinfo.value)
    assert message.startswith("big.xlsx: ") and "refused as unsafe" in message and "2 MB" in message
    assert no_parsing == []


def _many_sheets(path: Path, names: list[str]) -> Path:
    """A minimal workbook of empty sheets with these names, written part by part."""
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    book_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    relationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
            for n in range(1, len(names) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{package}/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{book_type}"/>{overrides}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{relationship}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(
            f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{relationship}"><sheets>{sheets}</sheets></workbook>',
        )
        links = "".join(
            f'<Relationship Id="rId{n}" Type="{relationship}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(names) + 1)
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{package}/relationships">{links}</Relationships>',
        )
        for n in range(1, len(names) + 1):
            archive.writestr(
                f"xl/worksheets/sheet{n}.xml", f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'
            )
    return path


def test_ten_thousand_sheets_are_refused_in_a_short_message(
    db: Database, tmp_path: Path, no_parsing: list[Path]
) -> None:
    path = _many_sheets(tmp_path / "sheets.xlsx", [f"Sheet number {n:05d}" for n in range(10_000)])
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(path)
    message = str(excinfo.value)
    assert message.startswith("sheets.xlsx: ") and "refused as unsafe" in message
    assert "10,00" in message and len(message) < 300
    assert no_parsing == []


def test_a_missing_sheet_names_the_count_and_the_first_sheets_only(db: Database, tmp_path: Path) -> None:
    names = [f"Budget line {n:03d} with a long name"[:31] for n in range(300)]
    path = _many_sheets(tmp_path / "budget.xlsx", names)
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(path)
    problems = [str(p) for p in excinfo.value.problems]
    missing = next(p for p in problems if p.startswith("Framework sheet: is missing"))
    assert "300 sheets" in missing and names[0] in missing and names[-1] not in missing
    assert "and 280 more" in missing
    assert len(str(excinfo.value)) < 5_000


class Stopped(Exception):
    """What the GUI's progress callback raises once the user cancels (JobCancelled)."""


def test_reading_a_workbook_reports_progress_and_stops_when_cancelled(db: Database, tmp_path: Path) -> None:
    template = tmp_path / "template.xlsx"
    write_template(template)
    rows = b"".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>1.1</t></is></c><c r="B{n}" t="inlineStr">'
        f'<is><t>2025Q1</t></is></c><c r="D{n}"><v>{n}</v></c></row>'.encode()
        for n in range(3, 20_003)
    )
    path = _with_targets_xml(template, tmp_path / "long.xlsx", rows, 1)
    messages: list[tuple[int, str]] = []

    def progress(done: int, total: int, message: str) -> None:
        messages.append((done, message))
        if done > 0 and "Targets" in message:
            raise Stopped

    with pytest.raises(Stopped):
        _importer(db).import_workbook(path, progress=progress)
    done, message = messages[-1]
    assert done < 20_000  # stopped part-way through the sheet, not after it
    assert message.startswith("Reading")
    assert ProgrammeService(db.sessions, Actor(db.actor, db.device_uuid)).list_programmes() == []


def test_the_formula_check_stops_at_the_row_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmdesk.formats import logframe_reader

    monkeypatch.setattr(logframe_reader, "MAX_ROWS", 100)
    template = tmp_path / "template.xlsx"
    write_template(template)
    rows = b"".join(f'<row r="{n}"><c r="D{n}"><f>{n}+1</f></c></row>'.encode() for n in range(3, 1_000))
    path = _with_targets_xml(template, tmp_path / "formulas.xlsx", rows, 1)
    found = logframe_reader.formula_cells(path)
    assert max(row for row, _ in found["Targets"]) <= 101


def test_a_damaged_workbook_is_described_in_words(db: Database, tmp_path: Path) -> None:
    template = tmp_path / "template.xlsx"
    write_template(template)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data[: len(data) // 2] if info.filename == "xl/workbook.xml" else data)
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(damaged)
    message = str(excinfo.value)
    assert message.startswith("damaged.xlsx: cannot be read as an Excel workbook: it may be damaged")
    assert "Error" not in message and "Exception" not in message

# SPDX-License-Identifier: GPL-3.0-or-later
"""The Excel logframe: template round trip, problems named by sheet, row and column, all or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from pmdesk.domain.errors import ValidationError
from pmdesk.formats.logframe_layout import (
    CUSTOM_PERIODS,
    DISAGGREGATIONS,
    FRAMEWORK,
    INDICATORS,
    PEOPLE,
    PROGRAMME,
    README,
    SITES,
    TARGETS,
)
from pmdesk.services.actor import Actor
from pmdesk.services.framework import FrameworkService
from pmdesk.services.iptt import IpttService
from pmdesk.services.logframe_excel import LogframeImporter, write_template
from pmdesk.services.programmes import ProgrammeService
from pmdesk.services.sites import SiteService
from pmdesk.storage.database import Database

CODE = "EDU-02"
QUARTERS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4")


def _importer(db: Database) -> LogframeImporter:
    return LogframeImporter(db.sessions, Actor(db.actor, db.device_uuid), db.path)


def _programme_count(db: Database) -> int:
    return len(ProgrammeService(db.sessions, Actor(db.actor, db.device_uuid)).list_programmes())


def _headers(sheet: Any) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1] if cell.value}


def fill(sheet: Any, rows: Sequence[Mapping[str, object]]) -> None:
    """Replace the example rows of a table sheet with `rows` (dicts keyed by column header)."""
    sheet.delete_rows(2, sheet.max_row)
    columns = _headers(sheet)
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=number, column=columns[header], value=value)


def set_programme(sheet: Any, **fields: object) -> None:
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    for name, value in fields.items():
        sheet.cell(row=rows[name], column=2, value=value)


def _real_programme(path: Path) -> Path:
    """The template filled with a small real programme (replacing every example row)."""
    write_template(path)
    wb = load_workbook(path)
    set_programme(
        wb[PROGRAMME],
        code=CODE,
        name="Girls' education in the North",
        donor="Education Fund",
        description="Scholarships and safe schools",
        start=datetime(2025, 1, 1),
        end="2025-12-31",  # an ISO string is a date too
        frequency="Quarterly",
        fiscal_year_start_month=4.0,  # a whole number stored as a float
        tiers="Goal; Outcome; Output",
        thresholds="exceeding=120; on_track=90; at_risk=60",
    )
    fill(
        wb[DISAGGREGATIONS],
        [
            {"Code": "SEX", "Name": "Sex", "Options": "F=Female; M=Male"},
            {"Code": "AGE", "Name": "Age", "Options": "U18=Under 18;A=18 and over"},
        ],
    )
    fill(
        wb[SITES],
        [
            {"Code": "N", "Name": "North district"},
            {"Code": "N01", "Name": "Kibera school", "Parent": "N"},
            {"Code": "N02", "Name": "  Mathare school  ", "Parent": "N"},
        ],
    )
    fill(
        wb[FRAMEWORK],
        [
            {"Code": "G", "Tier": "Goal", "Title": "Girls complete secondary school"},
            {"Code": "O1", "Tier": "Outcome", "Title": "Girls attend school", "Parent": "G"},
            {},  # an empty row in the middle is ignored
            {"Code": "OP1", "Tier": "Output", "Title": "Scholarships paid", "Parent": "O1"},
        ],
    )
    fill(
        wb[INDICATORS],
        [
            {
                "Code": "1.1",
                "Result": "O1",
                "Name": "Girls enrolled",
                "Measure": "number",
                "Unit": "girls",
                "Direction": "increase",
                "Cumulation": "periodic",
                "Disaggregations": "SEX; AGE",
                "Baseline value": 3.0,
                "Baseline date": datetime(2024, 12, 31),
                "LoP target": 1000,
                "Responsible": "Amina Yusuf",  # a name is resolved to the person's code
            },
            {
                "Code": "1.2",
                "Result": "OP1",
                "Name": "Attendance rate",
                "Measure": "Percent",
                "Unit": "%",
                "Baseline value": 55,
                "Baseline date": "2024-12-01",
                "Responsible": "amina",
            },
            {
                "Code": "2.1",
                "Result": "G",
                "Name": "Dropouts",
                "Measure": "number",
                "Direction": "decrease",
                "Cumulation": "Running total",
            },
        ],
    )
    fill(
        wb[PEOPLE],
        [{"Code": "amina", "Name": "Amina Yusuf", "Organisation": "Education Fund", "Role": "M&E officer"}],
    )
    targets: list[dict[str, object]] = []
    for quarter, value in zip(QUARTERS, (100, 150, 200, 250)):
        targets.append({"Indicator": "1.1", "Period": quarter, "Value": value})
    targets.append({"Indicator": "1.1", "Period": "2025Q1", "Site": "N01", "Value": 40})
    targets.append({"Indicator": "1.2", "Period": "2025Q1", "Value": "60"})
    targets.append({"Indicator": "1.2", "Period": "2025Q2", "Value": 0.75})  # formatted 75 %
    targets.append({"Indicator": "2.1", "Period": "2025Q4", "Value": 30})
    fill(wb[TARGETS], targets)
    wb[TARGETS].cell(row=8, column=_headers(wb[TARGETS])["Value"]).number_format = "0%"
    wb.save(path)
    return path


def _problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


# -- the template ----------------------------------------------------------------------------------


def test_template_has_the_sheets_headers_and_drop_downs(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = load_workbook(path)
    assert wb.sheetnames == [
        README,
        PROGRAMME,
        DISAGGREGATIONS,
        SITES,
        FRAMEWORK,
        INDICATORS,
        PEOPLE,
        TARGETS,
        "Custom periods",
    ]
    readme = " ".join(str(c.value) for c in wb[README]["A"] if c.value)
    for word in (
        "number, percent, qualitative",
        "increase, decrease, none",
        "running_total",
        "2025Q1",
        "F=Female; M=Male",
    ):
        assert word in readme
    indicators = wb[INDICATORS]
    assert list(_headers(indicators)) == [
        "Code",
        "Result",
        "Name",
        "Definition",
        "Measure",
        "Unit",
        "Direction",
        "Cumulation",
        "Disaggregations",
        "Baseline value",
        "Baseline date",
        "Baseline note",
        "LoP target",
        "Data source",
        "Collection method",
        "Frequency",
        "Responsible",
        "Means of verification",
    ]
    assert indicators.freeze_panes == "A2"
    assert indicators["A1"].font.b
    assert indicators.column_dimensions["C"].width > 30
    lists = {dv.formula1 for dv in indicators.data_validations.dataValidation}
    assert '"number,percent,qualitative"' in lists
    assert '"increase,decrease,none"' in lists
    assert '"periodic,cumulative,running_total"' in lists
    programme_lists = {dv.formula1 for dv in wb[PROGRAMME].data_validations.dataValidation}
    assert '"monthly,quarterly,semiannual,annual,custom"' in programme_lists
    for name in (DISAGGREGATIONS, SITES, FRAMEWORK, INDICATORS, PEOPLE, TARGETS):
        assert wb[name].max_row == 2, name  # one example row
    assert [c.value for c in wb[TARGETS][2]] == ["1.1", "2025Q1", None, 100]


def test_untouched_template_imports(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    summary = _importer(db).import_workbook(path)
    assert summary.programme_code == "EX-WASH"
    assert summary.counts["indicators"] == 1
    assert summary.counts["targets"] == 1
    table = IpttService(db.sessions).table("EX-WASH", as_of="2025Q1")
    assert [r.code for r in table.rows] == ["1.1"]
    assert table.rows[0].figures.periods[0].target == 100
    assert table.rows[0].figures.lop.target == 800


def test_filled_template_round_trip(db: Database, tmp_path: Path) -> None:
    summary = _importer(db).import_workbook(_real_programme(tmp_path / "logframe.xlsx"))
    assert summary.programme_code == CODE
    assert summary.counts["results"] == 3
    assert summary.counts["sites"] == 3
    assert summary.counts["disaggregations"] == 2
    assert summary.counts["indicators"] == 3
    assert summary.counts["targets"] == 8

    programme = ProgrammeService(db.sessions, Actor(db.actor, db.device_uuid)).get(CODE)
    assert programme.start == date(2025, 1, 1) and programme.end == date(2025, 12, 31)
    assert programme.fiscal_year_start_month == 4
    assert programme.tiers == ("Goal", "Outcome", "Output")
    assert programme.thresholds.exceeding == 120

    table = IpttService(db.sessions).table(CODE, as_of="2025Q4")
    assert [p.code for p in table.periods] == list(QUARTERS)
    assert [(r.code, r.depth) for r in table.results] == [("G", 0), ("O1", 1), ("OP1", 2)]
    rows = {r.code: r for r in table.rows}
    assert list(rows) == ["2.1", "1.1", "1.2"]  # framework order
    assert [p.target for p in rows["1.1"].figures.periods] == [100, 150, 200, 250]
    assert rows["1.1"].figures.lop.target == 1000
    assert rows["1.1"].baseline == 3
    assert [p.target for p in rows["1.2"].figures.periods] == [60, 75, None, None]
    assert rows["1.2"].measure.value == "percent"
    assert rows["2.1"].direction.value == "decrease"
    assert rows["2.1"].cumulation.value == "running_total"
    site_table = IpttService(db.sessions).table(CODE, as_of="2025Q1", site_code="N01")
    assert {r.code: r.figures.periods[0].target for r in site_table.rows}["1.1"] == 40

    framework = FrameworkService(db.sessions, Actor(db.actor, db.device_uuid))
    indicator = framework.get_indicator(CODE, "1.1").data
    assert indicator.disaggregations == ("SEX", "AGE")
    assert indicator.baseline_date == date(2024, 12, 31)
    assert indicator.responsible_code == "amina"
    assert framework.get_indicator(CODE, "1.2").data.baseline_date == date(2024, 12, 1)
    sites = {s.code: s for s in SiteService(db.sessions, Actor(db.actor, db.device_uuid)).list_sites(CODE)}
    assert sites["N02"].name == "Mathare school"  # whitespace stripped
    assert sites["N02"].parent_code == "N"
    options = {d.code: [o.code for o in d.options] for d in framework.list_disaggregations(CODE)}
    assert options == {"SEX": ["F", "M"], "AGE": ["U18", "A"]}


# -- refusals --------------------------------------------------------------------------------------


def _broken(path: Path) -> Path:
    """The real programme with one problem of every kind the brief names (and two more)."""
    _real_programme(path)
    wb = load_workbook(path)
    indicators = wb[INDICATORS]
    columns = _headers(indicators)
    indicators.cell(row=2, column=columns["Measure"], value="count")
    formula = indicators.cell(row=3, column=columns["Baseline value"], value="=B2*2")
    formula.data_type = "s"  # a text cell that looks like a formula
    framework = wb[FRAMEWORK]
    framework.cell(row=5, column=_headers(framework)["Parent"], value="ZZ")  # OP1 under a missing result
    targets = wb[TARGETS]
    t = _headers(targets)
    targets.cell(row=3, column=t["Period"], value="2025Q5")
    targets.cell(row=4, column=t["Value"], value="lots")
    targets.cell(row=5, column=t["Period"], value="2027Q1")  # a period, but not the programme's
    people = wb[PEOPLE]
    people.cell(row=1, column=_headers(people)["Name"]).value = None  # the Name column is gone
    wb.save(path)
    return path


def test_broken_workbook_lists_every_problem_and_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = _broken(tmp_path / "broken.xlsx")
    before = _programme_count(db)
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(path)
    assert excinfo.value.source == "broken.xlsx"
    problems = _problems(excinfo)
    expected = [
        "Framework sheet, row 5, column Parent: there is no result 'ZZ'",
        "Indicators sheet, row 2, column Measure: 'count' is not one of number, percent, qualitative",
        "Indicators sheet, row 3, column Baseline value: formulas are not imported; type the value itself",
        "People sheet, row 1: missing column Name",
        "Targets sheet, row 3, column Period: '2025Q5' is not",
        "Targets sheet, row 4, column Value: 'lots' is not a number",
        "Targets sheet, row 5, column Period: '2027Q1' is not a reporting period of EDU-02",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in problems), (start, problems)
    assert len(problems) == len(expected), problems
    assert "broken.xlsx" in str(excinfo.value)
    assert _programme_count(db) == before


def test_package_problems_alone_are_translated(db: Database, tmp_path: Path) -> None:
    # Cells all fine; only the package checks object (duplicate code, unknown references).
    path = _real_programme(tmp_path / "refs.xlsx")
    wb = load_workbook(path)
    indicators = wb[INDICATORS]
    columns = _headers(indicators)
    indicators.cell(row=4, column=columns["Code"], value="1.1")
    indicators.cell(row=3, column=columns["Disaggregations"], value="SEX; LOC")
    targets = wb[TARGETS]
    targets.cell(row=6, column=_headers(targets)["Site"], value="S99")
    targets.cell(row=3, column=_headers(targets)["Period"], value="2025Q1")  # a second Q1 target
    wb.save(path)
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(path)
    problems = _problems(excinfo)
    assert "Indicators sheet, row 3, column Disaggregations: there is no disaggregation 'LOC'" in problems
    assert "Indicators sheet, row 4, column Code: code '1.1' is already used by row 2" in problems
    assert "Targets sheet, row 6, column Site: there is no site 'S99'" in problems
    assert any(
        p.startswith("Targets sheet, row 3: the programme already has a target for 2025Q1") and "row 2" in p
        for p in problems
    ), problems
    assert not any("$." in p for p in problems), problems
    assert _programme_count(db) == 0


def test_cell_checks(db: Database, tmp_path: Path) -> None:
    path = _real_programme(tmp_path / "cells.xlsx")
    wb = load_workbook(path)
    set_programme(wb[PROGRAMME], start="31/12/2024", frequency="weekly", fiscal_year_start_month=3)
    indicators = wb[INDICATORS]
    columns = _headers(indicators)
    indicators.cell(row=2, column=columns["Name"], value="   ")
    indicators.cell(row=3, column=columns["Baseline date"], value="soon")
    indicators.cell(row=4, column=columns["Code"], value="2 1")
    indicators.cell(row=4, column=columns["LoP target"], value="1,000")
    wb[DISAGGREGATIONS].cell(row=3, column=3, value="U18=Under 18; =")
    targets = wb[TARGETS]
    targets.cell(row=2, column=_headers(targets)["Period"], value=datetime(2025, 3, 1))
    wb.save(path)
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(path)
    problems = _problems(excinfo)
    for start in (
        "Programme sheet, row 6, column Value: '31/12/2024' is not a date",
        "Programme sheet, row 8, column Value: 'weekly' is not one of monthly, quarterly, semiannual, annual, custom",
        "Programme sheet, row 9, column Value: '3' is not a month",
        "Disaggregations sheet, row 3, column Options: '=' is not an option",
        "Indicators sheet, row 2, column Name: Name is required",
        "Indicators sheet, row 3, column Baseline date: 'soon' is not a date",
        "Indicators sheet, row 4, column Code: '2 1' is not a valid code",
        "Indicators sheet, row 4, column LoP target: '1,000' is not a number",
        "Targets sheet, row 2, column Period: '2025-03-01' is a date",
    ):
        assert any(p.startswith(start) for p in problems), (start, problems)
    # Targets of the indicator whose code is unreadable cannot be placed: said once, on their rows.
    assert any(
        p.startswith("Targets sheet, row 9, column Indicator: there is no indicator '2.1'") for p in problems
    )
    assert _programme_count(db) == 0


def test_formula_without_saved_result_is_not_silently_empty(db: Database, tmp_path: Path) -> None:
    # openpyxl (like other scripts) writes formulas without a calculated result; read for values,
    # such a cell looks empty, and an optional LoP target would quietly be lost.
    path = _real_programme(tmp_path / "formulas.xlsx")
    wb = load_workbook(path)
    wb[INDICATORS].cell(row=2, column=_headers(wb[INDICATORS])["LoP target"]).value = "=SUM(Targets!D2:D5)"
    wb[TARGETS].cell(row=3, column=_headers(wb[TARGETS])["Value"]).value = "=100+50"
    set_programme(wb[PROGRAMME], donor="=UPPER(B3)")
    wb.save(path)
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(path)
    problems = _problems(excinfo)
    assert [p.split(":")[0] for p in problems] == [
        "Programme sheet, row 4, column Value",
        "Indicators sheet, row 2, column LoP target",
        "Targets sheet, row 3, column Value",
    ]
    assert all("formula without a saved result" in p for p in problems)
    assert _programme_count(db) == 0


def test_missing_sheet_and_missing_programme_field(db: Database, tmp_path: Path) -> None:
    path = _real_programme(tmp_path / "sheets.xlsx")
    wb = load_workbook(path)
    del wb[INDICATORS]
    programme = wb[PROGRAMME]
    rows = {programme.cell(row=r, column=1).value: r for r in range(2, programme.max_row + 1)}
    programme.delete_rows(rows["end"])
    programme.cell(row=programme.max_row + 1, column=1, value="country")
    wb.save(path)
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(path)
    problems = _problems(excinfo)
    assert any(p.startswith("Indicators sheet: is missing") for p in problems), problems
    assert any(p.startswith("Programme sheet: has no row for 'end'") for p in problems), problems
    assert any(
        p.startswith("Programme sheet, row 11, column Field: 'country' is not a programme field")
        for p in problems
    )
    # Targets now name indicators that do not exist.
    assert any(
        p.startswith("Targets sheet, row 2, column Indicator: there is no indicator '1.1'") for p in problems
    )
    assert _programme_count(db) == 0


def test_existing_programme_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    _importer(db).import_workbook(path)
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(path)
    assert _problems(excinfo) == [
        "Programme sheet, row 2, column Value: programme EX-WASH already exists (importing creates a programme)"
    ]
    assert _programme_count(db) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logframe.xlsx", b"Code,Name\n1.1,Girls enrolled\n", "is not a valid Excel workbook (.xlsx)"),
        ("logframe.csv", b"Code,Name\n", "is not an Excel workbook (.xlsx)"),
        ("logframe.xls", b"\xd0\xcf\x11\xe0", "old-style .xls workbook"),
        ("empty.xlsx", b"", "is not a valid Excel workbook (.xlsx)"),
    ],
)
def test_not_a_workbook(db: Database, tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(path)
    assert str(excinfo.value).startswith(f"{name}: ")
    assert message in str(excinfo.value)
    assert _programme_count(db) == 0


def test_zip_that_is_not_a_workbook(db: Database, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError, match=r"archive\.xlsx: is not a valid Excel workbook"):
        _importer(db).import_workbook(path)


def test_oversized_file_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)  # sparse: no disk space used
    with pytest.raises(ValidationError, match=r"huge\.xlsx: is 51\.0 MB; workbooks larger than 50 MB"):
        _importer(db).import_workbook(path)


def test_workbook_without_template_sheets(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    wb = Workbook()
    assert wb.active is not None
    wb.active.title = "Budget"
    wb.save(path)
    with pytest.raises(ValidationError) as excinfo:
        _importer(db).import_workbook(path)
    problems = _problems(excinfo)
    assert problems[0] == "Programme sheet: is missing: the workbook has sheets Budget"
    assert "Framework sheet: is missing: the workbook has sheets Budget" in problems


def test_period_typed_as_number_and_header_case(db: Database, tmp_path: Path) -> None:
    path = _real_programme(tmp_path / "loose.xlsx")
    wb = load_workbook(path)
    targets = wb[TARGETS]
    targets.cell(row=1, column=1, value=" INDICATOR ")
    set_programme(wb[PROGRAMME], frequency="annual", fiscal_year_start_month=1)
    fill(targets, [{"Period": 2025, "Value": 12.5, "Site": None}])
    targets.cell(row=2, column=1, value=1.1)  # an indicator code typed as a number
    wb.save(path)
    _importer(db).import_workbook(path)
    table = IpttService(db.sessions).table(CODE, as_of="2025")
    assert [p.code for p in table.periods] == ["2025"]
    assert {r.code: r.figures.periods[0].target for r in table.rows}["1.1"] == 12.5


def test_custom_periods_sheet(db: Database, tmp_path: Path) -> None:
    path = _real_programme(tmp_path / "custom.xlsx")
    wb = load_workbook(path)
    set_programme(wb[PROGRAMME], frequency="custom")
    fill(
        wb[CUSTOM_PERIODS],
        [
            {"Code": "ENDLINE", "Start": datetime(2025, 10, 1), "End": "2025-12-31"},
            {"Code": "BASELINE", "Start": "2025-01-01", "End": datetime(2025, 3, 31)},
        ],
    )
    fill(
        wb[TARGETS],
        [
            {"Indicator": "1.1", "Period": "BASELINE", "Value": 10},
            {"Indicator": "1.1", "Period": "ENDLINE", "Value": 90},
        ],
    )
    wb.save(path)
    summary = _importer(db).import_workbook(path)
    assert summary.counts["custom_periods"] == 2
    table = IpttService(db.sessions).table(CODE, as_of="ENDLINE")
    assert [p.code for p in table.periods] == ["BASELINE", "ENDLINE"]
    assert [p.target for p in {r.code: r for r in table.rows}["1.1"].figures.periods] == [10, 90]

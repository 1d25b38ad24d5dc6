# SPDX-License-Identifier: GPL-3.0-or-later
"""Bulk values import and export (CSV and JSON): round trips, replacements, refusals, hostile files."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pmdesk.domain.errors import ValidationError
from pmdesk.formats.csv_safe import FORMULA_STARTS
from pmdesk.services import values_io
from pmdesk.services.actor import Actor
from pmdesk.services.data_entry import DataEntryService
from pmdesk.services.history import HistoryService
from pmdesk.services.integrity import IntegrityService
from pmdesk.services.packages import PackageService
from pmdesk.services.values_io import CSV_HEADER, EXPORT_HEADER, ValuesImportSummary, ValuesService
from pmdesk.storage.backup import backup_dir
from pmdesk.storage.database import Database, open_database
from pmdesk.storage.models import DataValueRow, HistoryRow, IndicatorRow, SiteRow
from tests.unit.package_fixtures import QUARTERS, custom_package, rich_package, without_values
from tests.unit.test_packages import iptt_snapshots, stored_values, table_counts

HEADER = ",".join(CSV_HEADER)


def actor(db: Database) -> Actor:
    return Actor(db.actor, db.device_uuid)


def values(db: Database, *, backups: bool = False) -> ValuesService:
    return ValuesService(db.sessions, actor(db), db.path if backups else None)


@pytest.fixture
def wash(db_holds_the_rich_package: None, db: Database) -> Database:
    """The rich WASH-01 programme with its values (imported once per session: tests/conftest.py)."""
    return db


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Database]:
    """Another database holding WASH-01 without any value."""
    database = open_database(tmp_path / "fresh.sqlite", actor="hub")
    PackageService(database.sessions, actor(database)).import_package(without_values(rich_package()))
    yield database
    database.close()


def write_csv(path: Path, rows: Sequence[str], header: str = HEADER, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


def value_of(db: Database, indicator: str, period: str, site: str) -> DataValueRow:
    with db.sessions() as session:
        return session.scalars(
            select(DataValueRow)
            .join(IndicatorRow, IndicatorRow.id == DataValueRow.indicator_id)
            .join(SiteRow, SiteRow.id == DataValueRow.site_id)
            .where(IndicatorRow.code == indicator, DataValueRow.period == period, SiteRow.code == site)
        ).one()


def history_count(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(HistoryRow)) or 0


def problems_of(caught: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(p) for p in caught.value.problems]


# -- round trips ----------------------------------------------------------------------------------


def test_json_export_imports_into_a_fresh_copy_with_the_same_values(
    wash: Database, fresh: Database, tmp_path: Path
) -> None:
    path = tmp_path / "wash-values.json"
    values(wash).export_file("WASH-01", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"programme", "values"}
    assert len(data["values"]) == len(rich_package()["values"])

    summary = values(fresh).import_file(path)
    assert summary == ValuesImportSummary(created=len(data["values"]), replaced=0, unchanged=0, warnings=1)
    assert stored_values(fresh) == stored_values(wash)
    sites = [s["code"] for s in rich_package()["sites"]]
    assert iptt_snapshots(fresh, "WASH-01", sites) == iptt_snapshots(wash, "WASH-01", sites)


def test_csv_export_imports_into_a_fresh_copy_with_the_same_values(
    wash: Database, fresh: Database, tmp_path: Path
) -> None:
    path = tmp_path / "wash-values.csv"
    values(wash).export_file("WASH-01", path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf" + ",".join(EXPORT_HEADER).encode())

    summary = values(fresh).import_file(path)
    assert summary.created == len(rich_package()["values"])

    assert stored_values(fresh) == stored_values(wash)
    # Importing the same file again changes nothing.
    again = values(fresh).import_file(path)
    assert again == ValuesImportSummary(0, 0, summary.created, 0)


def test_csv_export_neutralises_formulas_but_writes_numbers_plainly(wash: Database) -> None:
    text = values(wash).export_values("WASH-01", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    comments = {r["comment"] for r in rows if r["comment"]}
    assert '\'=HYPERLINK("http://evil")' in comments
    assert "'-2 vs last quarter; +3 expected @ end\tok" in comments
    assert "camp" in comments
    first = rows[0]
    assert first == {
        "programme": "WASH-01",
        "indicator": "1.1",
        "period": "2025Q1",
        "site": "N01",
        "options": "SEX=F;AGE=U18",
        "value": "5",
        "numerator": "",
        "denominator": "",
        "comment": "",
        "text": "",
        "status": "approved",
        "status_reason": "",
    }
    percent = next(r for r in rows if r["indicator"] == "2.1")
    assert (percent["value"], percent["numerator"], percent["denominator"]) == ("", "30", "40")
    assert {r["value"] for r in rows if r["indicator"] == "1.4"} >= {"0.1", "0.2"}
    qualitative = next(r for r in rows if r["indicator"] == "3.1")
    assert qualitative["text"] == "Comité actif – квартал 1 «N01»"
    for row in rows:
        for column in ("programme", "indicator", "period", "site", "options", "comment", "text", "status"):
            assert not row[column].startswith(FORMULA_STARTS), row


def test_export_json_is_the_import_format(wash: Database) -> None:
    data = json.loads(values(wash).export_values("WASH-01", "json"))
    assert data["programme"] == "WASH-01"
    returned = next(v for v in data["values"] if v.get("status") == "returned")
    assert returned["status_reason"] == "Check the register"
    with pytest.raises(ValidationError, match="'xlsx' is not an export format"):
        values(wash).export_values("WASH-01", "xlsx")


# -- replacing ------------------------------------------------------------------------------------


def test_a_value_for_a_filled_cell_replaces_it_and_is_recorded(wash: Database, tmp_path: Path) -> None:
    old = value_of(wash, "1.2", "2025Q1", "N01")
    path = write_csv(tmp_path / "v.csv", ["WASH-01,1.2,2025Q1,N01,,99,,,recount"])
    before = history_count(wash)
    summary = values(wash).import_file(path)
    assert summary == ValuesImportSummary(created=0, replaced=1, unchanged=0, warnings=0)
    new = value_of(wash, "1.2", "2025Q1", "N01")
    assert (new.uuid, new.value, new.comment) == (old.uuid, 99.0, "recount")
    changes = HistoryService(wash.sessions).for_entity(old.uuid)
    assert [(c.field, c.old, c.new, c.actor) for c in changes] == [
        ("value", "10.5", "99", "tester"),
        ("comment", "-2 vs last quarter; +3 expected @ end\tok", "recount", "tester"),
    ]
    assert changes[0].label == "1.2 · N01 · 2025Q1"
    assert history_count(wash) == before + 2

    # The same file again: unchanged, nothing recorded.
    assert values(wash).import_file(path) == ValuesImportSummary(0, 0, 1, 0)
    assert history_count(wash) == before + 2


def exported_item(
    db: Database, indicator: str, period: str, site: str, options: dict[str, str]
) -> dict[str, object]:
    data = json.loads(values(db).export_values("WASH-01", "json"))
    [item] = [
        v
        for v in data["values"]
        if (v["indicator"], v["period"], v["site"], v.get("options", {}))
        == (indicator, period, site, options)
    ]
    return item


def test_a_replaced_submitted_value_goes_back_to_draft(wash: Database) -> None:
    assert exported_item(wash, "1.1", "2025Q1", "N01", {"SEX": "F", "AGE": "A18"})["status"] == "submitted"
    # Options in another order name the same cell.
    item = {
        "indicator": "1.1",
        "period": "2025Q1",
        "site": "N01",
        "options": {"AGE": "A18", "SEX": "F"},
        "value": 7,
    }
    assert values(wash).import_items("WASH-01", [item]).replaced == 1
    after = exported_item(wash, "1.1", "2025Q1", "N01", {"SEX": "F", "AGE": "A18"})
    assert after["value"] == 7
    assert "status" not in after  # draft


def test_an_explicit_status_is_applied_and_recorded(wash: Database) -> None:
    item = {"indicator": "1.2", "period": "2025Q1", "site": "N01", "value": 10.5, "status": "submitted"}
    assert values(wash).import_items("WASH-01", [item]) == ValuesImportSummary(0, 1, 0, 0)
    row = value_of(wash, "1.2", "2025Q1", "N01")
    assert row.status == "submitted"
    changes = HistoryService(wash.sessions).for_entity(row.uuid)
    assert [(c.field, c.old, c.new) for c in changes] == [("status", "draft", "submitted")]


def test_an_approved_value_is_locked(wash: Database, tmp_path: Path) -> None:
    before = table_counts(wash)
    path = write_csv(
        tmp_path / "v.csv",
        ["WASH-01,1.2,2025Q2,N01,,12,,,", "WASH-01,1.1,2025Q1,N01,AGE=U18;SEX=F,6,,,"],
    )
    with pytest.raises(ValidationError) as caught:
        values(wash).import_file(path)
    assert problems_of(caught) == [
        "v.csv row 3: 1.1 · N01 · 2025Q1 · SEX=F;AGE=U18 is approved and locked; "
        "reopen it with a reason before importing a new value"
    ]
    assert table_counts(wash) == before
    # The approved value itself, unchanged, is fine.
    ok = write_csv(tmp_path / "same.csv", ["WASH-01,1.1,2025Q1,N01,SEX=F;AGE=U18,5,,,"])
    assert values(wash).import_file(ok) == ValuesImportSummary(0, 0, 1, 0)


def test_a_total_is_not_mixed_with_stored_per_option_values(wash: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        values(wash).import_items(
            "WASH-01", [{"indicator": "1.3", "period": "2025Q1", "site": "N01", "value": 8}]
        )
    assert problems_of(caught) == [
        "$.values[0].options: 1.3 · N01 · 2025Q1 already has values per option; "
        "clear them before importing an undisaggregated total"
    ]


def test_warnings_are_computed_like_data_entry(fresh: Database) -> None:
    history = [
        {"indicator": "1.2", "period": p, "site": "N01", "value": v}
        for p, v in zip(QUARTERS[:3], (10, 11, 10))
    ]
    summary = values(fresh).import_items("WASH-01", history)
    assert summary.warnings == 0
    # Q4 target 200 (programme level): 700 is more than 3× it.
    summary = values(fresh).import_items(
        "WASH-01", [{"indicator": "1.2", "period": "2025Q4", "site": "N01", "value": 700}]
    )
    assert summary.warnings == 1
    assert value_of(fresh, "1.2", "2025Q4", "N01").warnings == "over_target"
    # Per-option values: the rule looks at the site's total (site target N01 = 20 for 1.1).
    items = [
        {"indicator": "1.1", "period": "2025Q2", "site": "N01", "options": {"SEX": s, "AGE": a}, "value": 16}
        for s in ("F", "M")
        for a in ("U18", "A18")
    ]
    assert values(fresh).import_items("WASH-01", items).warnings == 4  # 64 > 3 × 20


def test_a_backup_is_made_before_an_import_that_changes_something(wash: Database, tmp_path: Path) -> None:
    same = write_csv(tmp_path / "same.csv", ["WASH-01,1.2,2025Q1,N01,,10.5,,,"])
    values(wash, backups=True).import_file(same)
    assert not backup_dir(wash.path).exists()
    changed = write_csv(tmp_path / "changed.csv", ["WASH-01,1.2,2025Q1,N01,,11,,,"])
    values(wash, backups=True).import_file(changed)
    assert len(list(backup_dir(wash.path).glob("*before-import*"))) == 1


# -- all or nothing -------------------------------------------------------------------------------


def test_one_bad_row_in_a_thousand_changes_nothing(db: Database, tmp_path: Path) -> None:
    PackageService(db.sessions, actor(db)).import_package(rich_package(extra_sites=250))
    rows = [f"WASH-01,1.2,{period},X{n:04d},,{n % 17},,," for n in range(1, 251) for period in QUARTERS]
    assert len(rows) == 1000
    good = rows[:999]
    bad = [*good, "WASH-01,1.2,2025Q4,X0250,,abc,,,"]
    before = table_counts(db)
    with pytest.raises(ValidationError) as caught:
        values(db).import_file(write_csv(tmp_path / "bad.csv", bad))
    assert problems_of(caught) == ["bad.csv row 1001, field 'value': value must be a number, not 'abc'"]
    assert table_counts(db) == before

    summary = values(db).import_file(write_csv(tmp_path / "good.csv", good))
    assert summary.created + summary.replaced + summary.unchanged == 999
    assert summary.created == 998  # X0001 · 2025Q1 was in the package


def test_bad_rows_are_refused_with_row_and_field(wash: Database, tmp_path: Path) -> None:
    rows = [
        "WASH-01,1.2,2025Q1,N01,,12,,,fine",  # row 2
        "WASH-01,1.2,2025Q5,N01,,12,,,",  # row 3
        "WASH-01,1.2,2025Q1,N01,,-4,,,",  # row 4
        "WASH-01,2.1,2025Q1,N01,,,41,40,",  # row 5
        "WASH-01,2.1,2025Q1,N02,,,41,,",  # row 6
        "WASH-01,1.1,2025Q1,N01,SEX=X;AGE=U18,3,,,",  # row 7
        "WASH-01,1.1,2025Q1,N01,SEX:F,3,,,",  # row 8
        "WASH-01,9.9,2025Q1,N01,,3,,,",  # row 9
        "WASH-01,1.2,2025Q1,ZZ,,3,,,",  # row 10
        "NOPE,1.2,2025Q1,N01,,3,,,",  # row 11
        "WASH-01,1.2,2025Q1,N01,,3,,",  # row 12: a cell short
        "WASH-01,1.2,2025Q1,N01,,13,,,twice",  # row 13: the cell of row 2 again
        ",1.2,2025Q1,N01,,3,,,",  # row 14
        "WASH-01,1.2,2027Q1,N01,,3,,,",  # row 15
    ]
    with pytest.raises(ValidationError) as caught:
        values(wash).import_file(write_csv(tmp_path / "field.csv", rows))
    found = problems_of(caught)
    assert found == [
        "field.csv row 8, field 'options': 'SEX:F' is not like SEX=F;AGE=U18 (empty for a total)",
        "field.csv row 12: has 8 cells; the header has 9",
        "field.csv row 14, field 'programme': the programme code is missing",
    ]
    # Once the file itself reads, every row is checked against its programme.
    rows = [r for n, r in enumerate(rows, start=2) if n not in (8, 12, 14)]
    with pytest.raises(ValidationError) as caught:
        values(wash).import_file(write_csv(tmp_path / "field.csv", rows))
    assert problems_of(caught) == [
        "field.csv row 3, field 'period': '2025Q5' is not a period: use 202603 (month), 2026Q1, 2026S1, "
        "2026, 2026Apr/Jul/Oct (fiscal year) or a custom period code of the programme",
        "field.csv row 4, field 'value': value must not be negative (got -4)",
        "field.csv row 5, field 'numerator': numerator (41) is greater than denominator (40)",
        "field.csv row 6, field 'denominator': a percent indicator needs both numerator and denominator",
        "field.csv row 7, field 'options': 'X' is not an option of SEX (options: F, M)",
        "field.csv row 8, field 'indicator': programme WASH-01 has no indicator '9.9'",
        "field.csv row 9, field 'site': site 'ZZ' is not in programme WASH-01",
        "field.csv row 10, field 'programme': there is no programme 'NOPE'",
        "field.csv row 11: 1.2 · N01 · 2025Q1 is given twice (also at field.csv row 2)",
        "field.csv row 12, field 'period': '2027Q1' is not a reporting period of WASH-01 (2025Q1 … 2025Q4)",
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("NaN", "value must be a finite number, not 'NaN'"),
        ("inf", "value must be a finite number, not 'inf'"),
        ("-Infinity", "value must be a finite number"),
        ("1e400", "value: write the number in full, not in exponent notation ('1e400')"),
        ("1e3", "exponent notation"),
        ("9" * 400, "value must be a finite number"),
        ("1,5", "value: '1,5' is ambiguous"),
        ("1 20", "grouped in threes"),
        ("99,999,999,999,999", "beyond any plausible figure"),
        ("−5", "value must be a number"),  # a Unicode minus
        ("'=1+2", "value must be a number, not '=1+2'"),
        ("", "value is required"),
    ],
)
def test_hostile_numbers_are_refused(wash: Database, tmp_path: Path, cell: str, message: str) -> None:
    path = write_csv(tmp_path / "h.csv", [f'WASH-01,1.2,2025Q1,N01,,"{cell}",,,'])
    with pytest.raises(ValidationError) as caught:
        values(wash).import_file(path)
    assert len(caught.value.problems) == 1
    assert str(caught.value.problems[0]).startswith("h.csv row 2, field 'value': ")
    assert message in str(caught.value.problems[0])


def test_big_and_odd_but_valid_numbers_are_kept(wash: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ok.csv",
        [
            'WASH-01,1.2,2025Q1,N01,," 1,000,000,000,000 ",,,',
            "WASH-01,1.2,2025Q2,N01,,0200,,,",
            'WASH-01,1.2,2025Q3,N01,,"1 200",,,',
        ],
    )
    assert values(wash).import_file(path).replaced == 3
    assert value_of(wash, "1.2", "2025Q1", "N01").value == 1e12  # the plausibility limit itself
    assert value_of(wash, "1.2", "2025Q3", "N01").value == 1200.0
    assert value_of(wash, "1.2", "2025Q2", "N01").value == 200.0


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("WASH-01,1.2,2025Q1,Ñ01,,3,,,", "site", "site 'Ñ01' is not in programme WASH-01"),
        ("WASH-01,1.2,2025Q1,\"=cmd|' /C calc'!A0\",,3,,,", "site", "is not in programme WASH-01"),
        ("WASH-01,1.２,2025Q1,N01,,3,,,", "indicator", "has no indicator '1.２'"),
        ("WASH-01,1.2,٢٠٢٥Q1,N01,,3,,,", "period", "is not a period"),
        (
            "WASH-01,1.2,2025Q1,N01,,3,,,,done",
            "status",
            "'done' is not one of: draft, submitted, approved, returned",
        ),
    ],
)
def test_unicode_and_formula_codes_are_refused(
    wash: Database, tmp_path: Path, row: str, field: str, message: str
) -> None:
    header = HEADER + ",text,status" if row.endswith("done") else HEADER
    if row.endswith("done"):
        row = row.replace(",,,,done", ",,,,,done")
    with pytest.raises(ValidationError) as caught:
        values(wash).import_file(write_csv(tmp_path / "u.csv", [row], header=header))
    [problem] = caught.value.problems
    assert problem.field == field
    assert message in problem.message


# -- the file itself ------------------------------------------------------------------------------


def test_a_bom_and_spreadsheet_quirks_are_accepted(wash: Database, tmp_path: Path) -> None:
    rows = [
        "WASH-01,1.2,2025Q1,N01,,11,,,",
        "",  # a blank line
        ",,,,,,,,",  # an empty row
        "WASH-01 , 1.1 ,2025Q2,N02, AGE = U18 ; SEX = M ;,8,,,",
        "WASH-01,3.1,2025Q4,S01,,Les pompes fonctionnent,,,",  # qualitative text in the value column
        'WASH-01,2.2,2025Q4,N01,SEX=F,,"4","5","multi\nline"',
    ]
    path = write_csv(tmp_path / "excel.csv", rows, header=HEADER.upper(), encoding="utf-8-sig")
    summary = values(wash).import_file(path)
    assert (summary.created, summary.replaced) == (2, 2)
    assert value_of(wash, "3.1", "2025Q4", "S01").text == "Les pompes fonctionnent"
    assert value_of(wash, "2.2", "2025Q4", "N01").comment == "multi\nline"


def test_row_numbers_count_records_as_a_spreadsheet_does(wash: Database, tmp_path: Path) -> None:
    rows = ['WASH-01,1.2,2025Q1,N01,,11,,,"two\nlines"', "WASH-01,1.2,2025Q2,N01,,x,,,"]
    with pytest.raises(ValidationError, match=r"r\.csv row 3, field 'value'"):
        values(wash).import_file(write_csv(tmp_path / "r.csv", rows))


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "programme,indicator,period,site,options,valeur,numerator,denominator",
            "missing column 'value', 'comment'; unknown column 'valeur'",
        ),
        (HEADER + ",value", "column 'value' appears twice"),
        ("1.2,2025Q1,N01", "missing column 'programme'"),
    ],
)
def test_a_wrong_header_says_which_columns(wash: Database, tmp_path: Path, header: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        values(wash).import_file(write_csv(tmp_path / "h.csv", [], header=header))
    assert str(caught.value).startswith("h.csv row 1: ")
    assert message in str(caught.value)
    assert (
        "The header must be: programme,indicator,period,site,options,value,numerator,denominator,comment"
        in str(caught.value)
    )


def test_a_file_that_is_not_utf8_is_refused(wash: Database, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "\nWASH-01,1.2,2025Q1,N01,,3,,,é\n").encode("latin-1"))
    with pytest.raises(ValidationError, match=r"latin\.csv: is not UTF-8 text \(byte 0xE9 on line 2\)"):
        values(wash).import_file(path)


def test_an_empty_or_oversized_file_is_refused(
    wash: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ValidationError, match=r"empty\.csv: is empty"):
        values(wash).import_file(empty)
    monkeypatch.setattr(values_io, "MAX_FILE_BYTES", 1024 * 1024)
    big = tmp_path / "big.csv"
    big.write_bytes(HEADER.encode() + b"\n" + b"x" * 1024 * 1024)
    with pytest.raises(ValidationError, match=r"big\.csv: is 1\.0 MB; files larger than 1 MB are refused"):
        values(wash).import_file(big)


def test_a_cell_longer_than_the_csv_limit_is_refused(wash: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "long.csv", ["WASH-01,1.2,2025Q1,N01,,3,,," + "a" * 200_000])
    with pytest.raises(ValidationError, match=r"long\.csv row 2: cannot be read as CSV"):
        values(wash).import_file(path)


def test_header_only_imports_nothing(wash: Database, tmp_path: Path) -> None:
    assert values(wash).import_file(write_csv(tmp_path / "none.csv", [])) == ValuesImportSummary(0, 0, 0, 0)


def test_other_suffixes_are_refused(wash: Database, tmp_path: Path) -> None:
    path = tmp_path / "v.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(ValidationError, match=r"values are imported from \.csv or \.json files"):
        values(wash).import_file(path)


def test_one_csv_may_hold_several_programmes(wash: Database, tmp_path: Path) -> None:
    PackageService(wash.sessions, actor(wash)).import_package(custom_package())
    rows = [
        "WASH-01,1.2,2025Q1,N01,,11,,,",
        "BL-01,K1.1,ENDLINE,C1,,,20,100,",
        "BL-01,K1.2,ENDLINE,C1,,500,,,",
    ]
    summary = values(wash).import_file(write_csv(tmp_path / "two.csv", rows))
    assert summary == ValuesImportSummary(created=2, replaced=1, unchanged=0, warnings=0)
    assert stored_values(wash, "BL-01") >= {
        ("K1.1", "ENDLINE", "C1", "", None, 20.0, 100.0, None, "", "draft", "", ""),
    }


# -- JSON files -----------------------------------------------------------------------------------


def test_json_problems_are_located_by_path(wash: Database, tmp_path: Path) -> None:
    items = [{"indicator": "1.2", "period": "2025Q1", "site": "N01", "value": 3} for _ in range(5)]
    items[1]["period"] = "2025Q2"
    items[2]["period"] = "2025Q3"
    items[3]["period"] = "2026Q1"
    items[4] = {"indicator": "1.2", "period": "2025Q4", "site": "N01", "value": "3"}
    path = tmp_path / "v.json"
    path.write_text(json.dumps({"programme": "WASH-01", "values": items}), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        values(wash).import_file(path)
    assert str(caught.value) == "v.json: $.values[4].value: must be a number or null, not the text '3'"
    items[4]["value"] = 3
    path.write_text(json.dumps({"programme": "WASH-01", "values": items}), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        values(wash).import_file(path)
    assert problems_of(caught) == [
        "$.values[3].period: '2026Q1' is not a reporting period of WASH-01 (2025Q1 … 2025Q4)"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "$: must be an object"),
        ({"values": []}, "$: 'programme' is required"),
        ({"programme": "WASH-01", "values": [], "format": "x"}, "$: unknown field 'format'"),
        ({"programme": "WASH 01", "values": []}, "$.programme: 'WASH 01' is not a valid code"),
        ({"programme": "WASH-01", "values": {}}, "$.values: must be a list, not an object"),
        (
            {
                "programme": "NOPE",
                "values": [{"indicator": "1", "period": "2025Q1", "site": "N", "value": 1}],
            },
            "$.programme: there is no programme 'NOPE'",
        ),
    ],
)
def test_a_bad_json_values_file_is_refused(
    wash: Database, tmp_path: Path, data: object, message: str
) -> None:
    path = tmp_path / "v.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        values(wash).import_file(path)
    assert message in str(caught.value)


def test_imported_values_are_the_cells_data_entry_sees(wash: Database) -> None:
    entry = DataEntryService(wash.sessions, actor(wash))
    info = entry.set_value("WASH-01", "1.1", "2025Q2", "N01", {"AGE": "A18", "SEX": "M"}, value=42)
    assert info.value == 42
    item = {
        "indicator": "1.1",
        "period": "2025Q2",
        "site": "N01",
        "options": {"SEX": "M", "AGE": "A18"},
        "value": 42,
    }
    assert values(wash).import_items("WASH-01", [item]) == ValuesImportSummary(0, 0, 1, 0)
    assert IntegrityService(wash.sessions).check().ok


def test_an_integer_too_large_for_a_float_is_a_clear_problem(wash: Database) -> None:
    item = {"indicator": "1.2", "period": "2025Q1", "site": "N01", "value": 10**400}
    with pytest.raises(ValidationError) as caught:
        values(wash).import_items("WASH-01", [item])
    assert problems_of(caught) == [
        "$.values[0].value: must be a number or null, not a number too large to store"
    ]
    # Data entry, given the same number, refuses it with a message rather than an OverflowError.
    with pytest.raises(ValidationError, match="value must be a finite number; this one is too large"):
        DataEntryService(wash.sessions, actor(wash)).set_value(
            "WASH-01", "1.2", "2025Q1", "N01", value=10**400
        )


def test_a_fraction_for_a_count_is_refused_with_row_and_field(wash: Database, tmp_path: Path) -> None:
    """1.1 counts whole people; 1.2 allows decimals (the package says so)."""
    rows = [
        "WASH-01,1.2,2025Q1,N01,,12.5,,,",  # row 2: allowed
        "WASH-01,1.1,2025Q1,N01,SEX=F;AGE=U18,12.5,,,",  # row 3
        "WASH-01,1.1,2025Q2,N01,SEX=F;AGE=U18,12.5,,,",  # row 4: the same figure, refused again
    ]
    before = history_count(wash)
    with pytest.raises(ValidationError) as caught:
        values(wash).import_file(write_csv(tmp_path / "halves.csv", rows))
    tail = "is not a whole number (the indicator does not allow decimals; change that in its reference sheet if it should)"
    assert problems_of(caught) == [
        f"halves.csv row 3, field 'value': 1.1 counts whole people: 12.5 {tail}",
        f"halves.csv row 4, field 'value': 1.1 counts whole people: 12.5 {tail}",
    ]
    assert history_count(wash) == before
    summary = values(wash).import_file(write_csv(tmp_path / "fine.csv", rows[:1]))
    assert summary.replaced + summary.created == 1
    assert value_of(wash, "1.2", "2025Q1", "N01").value == 12.5

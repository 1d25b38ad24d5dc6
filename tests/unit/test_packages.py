# SPDX-License-Identifier: GPL-3.0-or-later
"""Programme packages: import, export, the round trip, and every kind of refusal."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select, text

from pmdesk.domain.errors import ValidationError
from pmdesk.formats.package_schema import schema_problems, target_item_problems
from pmdesk.formats.problems import json_locator
from pmdesk.formats.value_items import value_item_problems
from pmdesk.resources import resource_path, schema_path
from pmdesk.services import packages
from pmdesk.services.actor import Actor
from pmdesk.services.integrity import IntegrityService
from pmdesk.services.iptt import IpttService, IpttTable
from pmdesk.services.packages import PackageService
from pmdesk.storage.backup import backup_dir
from pmdesk.storage.database import Database, open_database
from pmdesk.storage.models import (
    DataValueRow,
    DisaggregationRow,
    IndicatorRow,
    OptionComboRow,
    OptionRow,
    SiteRow,
)
from tests.unit.package_fixtures import custom_package, rich_package

Package = dict[str, Any]


def service(db: Database, *, backups: bool = False) -> PackageService:
    return PackageService(db.sessions, Actor(db.actor, db.device_uuid), db.path if backups else None)


@pytest.fixture
def other_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "other.sqlite", actor="someone else")
    yield database
    database.close()


def table_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        names = [
            r[0]
            for r in conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            )
        ]
        return {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}


def stored_values(db: Database, programme: str = "WASH-01") -> set[tuple[object, ...]]:
    """Every value of a programme by codes, with everything an import sets."""
    with db.sessions() as session:
        options = {
            o.id: f"{d}={o.code}"
            for o, d in session.execute(
                select(OptionRow, DisaggregationRow.code).join(
                    DisaggregationRow, DisaggregationRow.id == OptionRow.disaggregation_id
                )
            ).all()
        }
        combos = {
            c.id: ";".join(sorted(options[int(i)] for i in filter(None, c.key.split(","))))
            for c in session.scalars(select(OptionComboRow))
        }
        rows = session.execute(
            select(DataValueRow, IndicatorRow.code, SiteRow.code)
            .join(IndicatorRow, IndicatorRow.id == DataValueRow.indicator_id)
            .join(SiteRow, SiteRow.id == DataValueRow.site_id)
            .where(
                IndicatorRow.programme_id.in_(text(f"(SELECT id FROM programme WHERE code = '{programme}')"))
            )
        ).all()
        return {
            (
                ind,
                v.period,
                site,
                combos[v.combo_id],
                v.value,
                v.numerator,
                v.denominator,
                v.text,
                v.comment,
                v.status,
                v.status_reason,
                v.warnings,
            )
            for v, ind, site in rows
        }


def snapshot(table: IpttTable) -> tuple[object, ...]:
    """An IPTT without database ids, so two databases can be compared."""
    return (
        table.programme_code,
        table.programme_name,
        table.as_of,
        table.site_code,
        table.site_name,
        table.periods,
        tuple((r.code, r.title, r.tier, r.depth) for r in table.results),
        tuple(
            (
                r.code,
                r.name,
                r.result_code,
                r.measure,
                r.direction,
                r.cumulation,
                r.unit,
                r.baseline,
                r.figures,
            )
            for r in table.rows
        ),
        table.thresholds,
    )


def iptt_snapshots(db: Database, code: str, sites: list[str]) -> list[tuple[object, ...]]:
    iptt = IpttService(db.sessions)
    out = [snapshot(iptt.table(code)), snapshot(iptt.table(code, approved_only=True))]
    out += [snapshot(iptt.table(code, site_code=s)) for s in sites]
    periods = [p.code for p in iptt.table(code).periods]
    out += [snapshot(iptt.table(code, as_of=p)) for p in periods]
    return out


def value_index(package: Package, indicator: str, n: int = 0) -> int:
    return [i for i, v in enumerate(package["values"]) if v["indicator"] == indicator][n]


# -- the round trip -------------------------------------------------------------------------------


def test_import_creates_everything_and_counts_it(db: Database) -> None:
    summary = service(db).import_package(rich_package())
    package = rich_package()
    assert summary.programme_code == "WASH-01"
    assert summary.counts == {
        "custom_periods": 0,
        "tiers": 3,
        "results": 4,
        "disaggregations": 2,
        "options": 4,
        "sites": 5,
        "people": 2,
        "indicators": 7,
        "targets": sum(len(i.get("targets", [])) for i in package["indicators"]),
        "triggers": 3,
        "meetings": 0,
        "actions": 0,
        "lessons": 0,
        "feedback": 0,
        "variance_explanations": 0,
        "values": len(package["values"]),
    }
    # 900 water points against a programme target of 200 for Q4: more than 3× the target.
    assert summary.warnings == 1
    with db.sessions() as session:
        flagged = session.scalars(select(DataValueRow).where(DataValueRow.warnings != "")).all()
        assert [(v.value, v.warnings) for v in flagged] == [(900.0, "over_target")]
    assert IntegrityService(db.sessions).check().ok


@pytest.mark.parametrize("make", [rich_package, custom_package], ids=["quarterly", "custom-periods"])
def test_export_then_import_into_an_empty_database_gives_the_same_programme(
    db: Database, other_db: Database, make: Callable[[], Package]
) -> None:
    original = make()
    code = original["programme"]["code"]
    service(db).import_package(original)
    exported = service(db).export_package(code)

    # Through a file, as a user would move it.
    path = other_db.path.with_name("exported.json")
    service(db).export_file(code, path)
    assert json.loads(path.read_text(encoding="utf-8")) == exported
    service(other_db).import_file(path)

    assert service(other_db).export_package(code) == exported
    assert stored_values(other_db, code) == stored_values(db, code)
    sites = [s["code"] for s in original["sites"]]
    assert iptt_snapshots(other_db, code, sites) == iptt_snapshots(db, code, sites)


def test_export_writes_codes_iso_dates_and_whole_numbers_as_integers(db: Database) -> None:
    service(db).import_package(rich_package())
    exported = service(db).export_package("WASH-01")
    assert exported["format"] == "pmdesk.programme/1"
    assert exported["programme"]["start"] == "2025-01-01"
    assert exported["programme"]["thresholds"] == {"exceeding": 110, "on_track": 80.5, "at_risk": 60}
    one = next(i for i in exported["indicators"] if i["code"] == "1.1")
    assert one["responsible"] == "amina"
    assert one["disaggregations"] == ["SEX", "AGE"]
    assert one["baseline"] == {"value": 0, "date": "2024-12-31", "note": ""}
    assert one["targets"][0] == {"period": "2025Q1", "value": 100}
    assert isinstance(one["targets"][0]["value"], int)
    assert {"period": "2025Q1", "site": "N02", "value": 30.5} in one["targets"]
    first = exported["values"][0]
    assert first == {
        "indicator": "1.1",
        "period": "2025Q1",
        "site": "N01",
        "options": {"SEX": "F", "AGE": "U18"},
        "value": 5,
        "status": "approved",
    }
    triggers = {t["code"]: t for t in exported["triggers"]}
    assert triggers["T1"]["threshold"] == 70
    assert triggers["T2"]["threshold"] == "off_track"
    assert triggers["T3"] == {
        "code": "T3",
        "indicator": None,
        "result": None,
        "metric": "pct_met",
        "comparison": "<=",
        "threshold": 50.5,
        "consecutive_periods": 1,
        "scope": "programme",
        "response": "Escalate",
    }
    assert "values" not in service(db).export_package("WASH-01", include_values=False)
    assert schema_problems(exported) == []


def test_export_file_is_utf8_and_leaves_no_temporary_file(db: Database, tmp_path: Path) -> None:
    service(db).import_package(rich_package())
    target = tmp_path / "out" / "wash.json"
    target.parent.mkdir()
    service(db).export_file("WASH-01", target, include_values=False)
    raw = target.read_bytes()
    assert "École de Kisumu".encode() in raw  # ensure_ascii=False
    assert raw.startswith(b'{\n "format"')  # indent=1
    assert [p.name for p in target.parent.iterdir()] == ["wash.json"]


def test_a_backup_is_made_before_writing(db: Database) -> None:
    service(db, backups=True).import_package(rich_package())
    copies = list(backup_dir(db.path).glob("*before-import*"))
    assert len(copies) == 1


def test_an_existing_programme_code_is_refused(db: Database) -> None:
    service(db).import_package(rich_package())
    before = table_counts(db)
    with pytest.raises(ValidationError) as caught:
        service(db).import_package(rich_package())
    assert (
        str(caught.value)
        == "package: $.programme.code: programme WASH-01 already exists (importing creates a programme)"
    )
    assert table_counts(db) == before


# -- refusals -------------------------------------------------------------------------------------


def _set(path: str, value: object) -> Callable[[Package], None]:
    """A mutation that sets `path` ("indicators.0.result") to `value`."""

    def mutate(package: Package) -> None:
        *parents, last = path.split(".")
        node: Any = package
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _drop_denominator(package: Package) -> None:
    del package["values"][value_index(package, "2.1")]["denominator"]


def _numerator_over(package: Package) -> None:
    package["values"][value_index(package, "2.1")]["numerator"] = 41


def _mix_total(package: Package) -> None:
    package["values"].append({"indicator": "1.1", "period": "2025Q1", "site": "N01", "value": 3})


def _twice(package: Package) -> None:
    package["values"].append(copy.deepcopy(package["values"][5]))


def _numerator_on_number(package: Package) -> None:
    package["values"][value_index(package, "1.2")]["numerator"] = 3


def _duplicate_target(package: Package) -> None:
    package["indicators"][1]["targets"].append({"period": "2025Q1", "value": 1})


def _duplicate_option(package: Package) -> None:
    package["disaggregations"][0]["options"].append({"code": "F", "name": "Femme"})


BAD_PACKAGES: list[tuple[str, Callable[[Package], None], str, str]] = [
    # The JSON Schema
    ("format", _set("format", "pmdesk.programme/2"), "$.format", "must be 'pmdesk.programme/1'"),
    ("missing end", lambda p: p["programme"].pop("end"), "$.programme", "'end' is required"),
    ("unknown field", _set("indicators.0.lop_targt", 5), "$.indicators[0]", "unknown field 'lop_targt'"),
    ("code with a space", _set("sites.3.code", "S 1"), "$.sites[3].code", "'S 1' is not a valid code"),
    ("unicode code", _set("people.1.code", "josé"), "$.people[1].code", "'josé' is not a valid code"),
    ("code with newline", _set("results.1.code", "G\n"), "$.results[1].code", "is not a valid code"),
    ("frequency", _set("programme.frequency", "weekly"), "$.programme.frequency", "'weekly' is not one of"),
    (
        "fiscal month",
        _set("programme.fiscal_year_start_month", 3),
        "$.programme.fiscal_year_start_month",
        "is not one of",
    ),
    ("status", _set("values.0.status", "done"), "$.values[0].status", "'done' is not one of"),
    (
        "non-number",
        _set("values.0.value", "12"),
        "$.values[0].value",
        "must be a number or null, not the text '12'",
    ),
    ("boolean", _set("values.0.value", True), "$.values[0].value", "must be a number or null, not true"),
    ("huge value", _set("values.0.value", float("inf")), "$.values[0].value", "a number too large to store"),
    (
        "huge integer target",
        _set("indicators.0.targets.0.value", 10**400),
        "$.indicators[0].targets[0].value",
        "too large",
    ),
    (
        "huge lop target",
        _set("indicators.1.lop_target", float("inf")),
        "$.indicators[1].lop_target",
        "too large",
    ),
    (
        "target not a number",
        _set("indicators.0.targets.0.value", "100"),
        "$.indicators[0].targets[0].value",
        "must be a number",
    ),
    (
        "parent not a code",
        _set("sites.0.parent", 7),
        "$.sites[0].parent",
        "must be null or text, not a number",
    ),
    # Dates and periods
    (
        "impossible date",
        _set("programme.start", "2025-02-30"),
        "$.programme.start",
        "'2025-02-30' is not a date",
    ),
    (
        "not a date",
        _set("programme.start", "01/01/2025"),
        "$.programme.start",
        "is not a date (write YYYY-MM-DD)",
    ),
    (
        "ends before it starts",
        _set("programme.end", "2024-12-31"),
        "$.programme.end",
        "ends (2024-12-31) before it starts",
    ),
    (
        "bad target period",
        _set("indicators.1.targets.1.period", "2025Q5"),
        "$.indicators[1].targets[1].period",
        "'2025Q5' is not a period",
    ),
    (
        "target outside the programme",
        _set("indicators.1.targets.1.period", "2027Q1"),
        "$.indicators[1].targets[1].period",
        "'2027Q1' is not a reporting period of WASH-01",
    ),
    (
        "monthly period in a quarterly programme",
        _set("values.0.period", "202501"),
        "$.values[0].period",
        "'202501' is not a reporting period",
    ),
    ("bad value period", _set("values.0.period", "2025Q9"), "$.values[0].period", "'2025Q9' is not a period"),
    # Codes that do not exist
    (
        "unknown result",
        _set("indicators.3.result", "NOPE"),
        "$.indicators[3].result",
        "there is no result 'NOPE'",
    ),
    (
        "unknown tier",
        _set("results.3.tier", "Impact"),
        "$.results[3].tier",
        "tier 'Impact' is not one of the tiers (Goal, Outcome, Output)",
    ),
    (
        "unknown result parent",
        _set("results.0.parent", "X9"),
        "$.results[0].parent",
        "there is no result 'X9'",
    ),
    ("unknown site parent", _set("sites.4.parent", "W"), "$.sites[4].parent", "there is no site 'W'"),
    (
        "unknown disaggregation",
        _set("indicators.2.disaggregations", ["SEX", "ZONE"]),
        "$.indicators[2].disaggregations[1]",
        "there is no disaggregation 'ZONE'",
    ),
    (
        "unknown person",
        _set("indicators.0.responsible", "nobody"),
        "$.indicators[0].responsible",
        "there is no person 'nobody'",
    ),
    (
        "unknown target site",
        _set("indicators.0.targets.4.site", "Z1"),
        "$.indicators[0].targets[4].site",
        "there is no site 'Z1'",
    ),
    (
        "unknown trigger indicator",
        _set("triggers.0.indicator", "9.9"),
        "$.triggers[0].indicator",
        "there is no indicator '9.9'",
    ),
    (
        "trigger on both",
        _set("triggers.1.indicator", "1.1"),
        "$.triggers[1]",
        "name an indicator or a result, not both",
    ),
    (
        "status threshold",
        _set("triggers.1.threshold", "bad"),
        "$.triggers[1].threshold",
        "the threshold is one of: exceeding",
    ),
    (
        "number threshold",
        _set("triggers.0.threshold", "seventy"),
        "$.triggers[0].threshold",
        "must be a number",
    ),
    (
        "unknown value indicator",
        _set("values.3.indicator", "9.9"),
        "$.values[3].indicator",
        "programme WASH-01 has no indicator '9.9'",
    ),
    (
        "value for a site not in the programme",
        _set("values.3.site", "ZZ"),
        "$.values[3].site",
        "site 'ZZ' is not in programme WASH-01",
    ),
    (
        "option not in its disaggregation",
        _set("values.0.options", {"SEX": "X", "AGE": "U18"}),
        "$.values[0].options",
        "'X' is not an option of SEX (options: F, M)",
    ),
    (
        "unknown disaggregation in options",
        _set("values.0.options", {"SEX": "F", "AGE": "U18", "ZONE": "A"}),
        "$.values[0].options",
        "has no disaggregation 'ZONE'",
    ),
    ("missing option", _set("values.0.options", {"SEX": "F"}), "$.values[0].options", "missing 'AGE'"),
    # Duplicates
    (
        "duplicate indicator",
        _set("indicators.1.code", "1.1"),
        "$.indicators[1].code",
        "code '1.1' is already used by $.indicators[0]",
    ),
    ("duplicate site", _set("sites.2.code", "N01"), "$.sites[2].code", "already used by $.sites[0]"),
    ("duplicate person", _set("people.1.code", "amina"), "$.people[1].code", "already used"),
    ("duplicate trigger", _set("triggers.1.code", "T1"), "$.triggers[1].code", "already used"),
    (
        "duplicate tier",
        _set("tiers", ["Goal", "Outcome", "Output", "Goal"]),
        "$.tiers[3]",
        "tier 'Goal' is listed twice",
    ),
    (
        "duplicate option",
        _duplicate_option,
        "$.disaggregations[0].options[2].code",
        "option 'F' is listed twice in SEX",
    ),
    (
        "duplicate target",
        _duplicate_target,
        "$.indicators[1].targets[4]",
        "the programme already has a target for 2025Q1",
    ),
    ("value given twice", _twice, "$.values[109]", "is given twice (also at $.values[5])"),
    # Cycles
    (
        "result cycle",
        _set("results.1.parent", "OP1"),
        "$.results[0].parent",
        "results OP1 → O1 → G → OP1 form a cycle",
    ),
    ("site cycle", _set("sites.1.parent", "N01"), "$.sites[0].parent", "sites N01 → N → N01 form a cycle"),
    ("own parent", _set("sites.3.parent", "S"), "$.sites[3].parent", "site 'S' cannot be its own parent"),
    # Value rules
    (
        "negative count",
        _set("values.0.value", -1),
        "$.values[0].value",
        "value must not be negative (got -1)",
    ),
    (
        "negative target",
        _set("indicators.1.targets.0.value", -5),
        "$.indicators[1].targets[0].value",
        "a target must not be negative",
    ),
    (
        "missing denominator",
        _drop_denominator,
        "$.values[",
        "a percent indicator needs both numerator and denominator",
    ),
    (
        "numerator over denominator",
        _numerator_over,
        "$.values[",
        "numerator (41) is greater than denominator (40)",
    ),
    (
        "numerator on a number",
        _numerator_on_number,
        "$.values[",
        "counts a number: give 'value', not 'numerator'",
    ),
    ("text on a number", _set("values.0.text", "many"), "$.values[0].text", "not 'text'"),
    ("missing value", _set("values.0.value", None), "$.values[0].value", "value is required"),
    (
        "mixed total and options",
        _mix_total,
        "$.values[0].options",
        "has values per option and an undisaggregated total (at $.values[109])",
    ),
    (
        "qualitative disaggregated",
        _set("indicators.6.disaggregations", ["SEX"]),
        "$.indicators[6].disaggregations",
        "cannot be disaggregated",
    ),
    ("blank name", _set("sites.2.name", "   "), "$.sites[2].name", "must not be blank"),
    (
        "thresholds out of order",
        _set("programme.thresholds", {"exceeding": 50}),
        "$.programme.thresholds",
        "at_risk ≤ on_track ≤ exceeding",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "location", "message"),
    [case[1:] for case in BAD_PACKAGES],
    ids=[case[0] for case in BAD_PACKAGES],
)
def test_a_bad_package_is_refused_with_its_json_path_and_changes_nothing(
    db: Database, mutate: Callable[[Package], None], location: str, message: str
) -> None:
    service(db).import_package(custom_package())  # the database is not empty
    before = table_counts(db)
    package = rich_package()
    mutate(package)
    with pytest.raises(ValidationError) as caught:
        service(db).import_package(package, source="wash.json")
    found = [str(p) for p in caught.value.problems]
    assert any(p.startswith(location) and message in p for p in found), found
    assert caught.value.source == "wash.json"
    assert table_counts(db) == before


def test_custom_period_problems(db: Database) -> None:
    package = custom_package()
    package["custom_periods"][0]["end"] = "2025-05-01"  # MIDLINE ends before it starts
    package["custom_periods"].append({"code": "2025Q1", "start": "2025-01-01", "end": "2025-03-31"})
    package["custom_periods"].append({"code": "BASELINE", "start": "2024-01-01", "end": "2024-03-31"})
    package["custom_periods"].append({"code": "1ST", "start": "2024-01-01", "end": "2024-03-31"})
    with pytest.raises(ValidationError) as caught:
        service(db).import_package(package)
    found = [str(p) for p in caught.value.problems]
    assert (
        "$.custom_periods[0].end: custom period 'MIDLINE' ends (2025-05-01) before it starts (2025-06-01)"
        in found
    )
    assert (
        "$.custom_periods[3].code: '2025Q1' is a DHIS2 period code; a custom period needs another code"
        in found
    )
    assert "$.custom_periods[4].code: custom period 'BASELINE' is declared twice" in found
    assert any(p.startswith("$.custom_periods[5].code: '1ST' is not a custom period code") for p in found)
    # MIDLINE is refused, so its targets and values are not in a reporting period.
    assert any(p.startswith("$.values[1].period: 'MIDLINE' is not a period") for p in found), found

    package = custom_package()
    package["custom_periods"] = []
    with pytest.raises(
        ValidationError, match=r"\$\.custom_periods: a programme with frequency 'custom' needs"
    ):
        service(db).import_package(package)
    assert table_counts(db)["programme"] == 0


def test_every_problem_is_reported_at_once(db: Database) -> None:
    package = rich_package()
    package["indicators"][3]["result"] = "NOPE"
    package["values"][0]["value"] = -1
    package["values"][3]["site"] = "ZZ"
    package["sites"][1]["parent"] = "N01"
    with pytest.raises(ValidationError) as caught:
        service(db).import_package(package)
    assert len(caught.value.problems) == 4
    assert str(caught.value).startswith("package: 4 problems:\n  - $.")


def test_schema_problems_stop_before_the_meaning_is_checked(db: Database) -> None:
    package = rich_package()
    package["programme"]["frequency"] = "weekly"
    package["indicators"][3]["result"] = "NOPE"
    with pytest.raises(ValidationError) as caught:
        service(db).import_package(package)
    assert [str(p) for p in caught.value.problems] == [
        "$.programme.frequency: 'weekly' is not one of: monthly, quarterly, semiannual, annual, custom"
    ]


@pytest.mark.parametrize("data", [None, [], "pmdesk", 3])
def test_a_package_that_is_not_an_object_is_refused(db: Database, data: object) -> None:
    with pytest.raises(ValidationError, match=r"\$: must be an object"):
        service(db).import_package(data)


def test_many_problems_are_capped_but_counted(db: Database) -> None:
    package = rich_package(extra_sites=0)
    package["values"] = [
        {"indicator": "1.2", "period": "2025Q1", "site": f"Z{n}", "value": 1} for n in range(1500)
    ]
    with pytest.raises(ValidationError) as caught:
        service(db).import_package(package)
    problems = caught.value.problems
    assert len(problems) == 1001
    assert str(problems[-1]) == "… and 500 more problems not listed"


# -- files ----------------------------------------------------------------------------------------


def test_import_file_accepts_a_bom(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "wash.json"
    path.write_text(json.dumps(rich_package(), ensure_ascii=False), encoding="utf-8-sig")
    assert service(db).import_file(path).counts["values"] == len(rich_package()["values"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{"format": "pmdesk.programme/1",\n "programme": }',
            "is not valid JSON: Expecting value (line 2, column 15)",
        ),
        (b"", "is not valid JSON: Expecting value (line 1, column 1)"),
        (b'{"programme": {"code": "A\xe9"}}', "is not UTF-8 text (byte 0xE9 on line 1)"),
        (b'{"values": [{"value": NaN}]}', "NaN is not a number JSON allows"),
        (b'{"values": [{"value": -Infinity}]}', "-Infinity is not a number JSON allows"),
        (b'{"value": 1' + b"0" * 5000 + b"}", "is not valid JSON: Exceeds the limit"),
        (b"[" * 100_000 + b"]" * 100_000, "is not valid JSON"),
    ],
    ids=["syntax", "empty", "latin-1", "NaN", "Infinity", "5000 digits", "deep nesting"],
)
def test_a_file_that_is_not_json_is_refused_naming_the_file(
    db: Database, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as caught:
        service(db).import_file(path)
    assert str(caught.value).startswith("broken.json: ")
    assert message in str(caught.value)
    assert table_counts(db)["programme"] == 0


def test_an_oversized_file_is_refused_before_it_is_read(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packages, "MAX_FILE_BYTES", 1024 * 1024)
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (1024 * 1024 + 1))
    with pytest.raises(ValidationError, match=r"big\.json: is 1\.0 MB; files larger than 1 MB are refused"):
        service(db).import_file(path)


def test_a_missing_file_is_a_clear_error(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"nowhere\.json: cannot be read: No such file"):
        service(db).import_file(tmp_path / "nowhere.json")


# -- the schema -----------------------------------------------------------------------------------


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    path = schema_path("programme.schema.json")
    assert path == resource_path("schemas", "programme.schema.json")
    assert path.is_file()
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert Draft202012Validator(schema).is_valid(rich_package())
    assert Draft202012Validator(schema).is_valid(custom_package())


GOOD_VALUE = {"indicator": "1.1", "period": "2025Q1", "site": "N01", "value": 3}
VALUE_ITEMS: list[object] = [
    GOOD_VALUE,
    {**GOOD_VALUE, "options": {"SEX": "F"}, "comment": "ok", "status": "approved", "status_reason": ""},
    {**GOOD_VALUE, "value": None, "numerator": 1, "denominator": 2.5, "text": None},
    {**GOOD_VALUE, "value": None, "text": "Comité"},
    {"indicator": "1.1", "period": "2025Q1", "value": 3},
    {**GOOD_VALUE, "extra": 1},
    {**GOOD_VALUE, "indicator": 11},
    {**GOOD_VALUE, "indicator": "1 1"},
    {**GOOD_VALUE, "site": ""},
    {**GOOD_VALUE, "period": ""},
    {**GOOD_VALUE, "period": "x" * 41},
    {**GOOD_VALUE, "options": ["SEX", "F"]},
    {**GOOD_VALUE, "options": {"SEX": 1}},
    {**GOOD_VALUE, "options": {"S X": "F"}},
    {**GOOD_VALUE, "value": "3"},
    {**GOOD_VALUE, "value": False},
    {**GOOD_VALUE, "numerator": [1]},
    {**GOOD_VALUE, "text": 5},
    {**GOOD_VALUE, "text": "x" * 10_001},
    {**GOOD_VALUE, "comment": None},
    {**GOOD_VALUE, "status": "done"},
    {**GOOD_VALUE, "status_reason": 1},
    "1.1,2025Q1,N01",
    None,
]
TARGET_ITEMS: list[object] = [
    {"period": "2025Q1", "value": 1},
    {"period": "2025Q1", "site": "N01", "value": 1.5},
    {"period": "2025Q1", "site": None, "value": 0},
    {"period": "2025Q1"},
    {"value": 1},
    {"period": "2025Q1", "value": "1"},
    {"period": "2025Q1", "value": None},
    {"period": 2025, "value": 1},
    {"period": "2025Q1", "site": "N 1", "value": 1},
    {"period": "2025Q1", "value": 1, "note": ""},
    [],
]


@pytest.mark.parametrize("item", VALUE_ITEMS)
def test_the_fast_value_check_agrees_with_the_schema(item: object) -> None:
    schema = json.loads(schema_path("programme.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator({"$ref": "#/$defs/value", "$defs": schema["$defs"]})
    assert validator.is_valid(item) == (value_item_problems(item, 0, json_locator("$.values")) == [])


@pytest.mark.parametrize("item", TARGET_ITEMS)
def test_the_fast_target_check_agrees_with_the_schema(item: object) -> None:
    schema = json.loads(schema_path("programme.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator({"$ref": "#/$defs/target", "$defs": schema["$defs"]})
    assert validator.is_valid(item) == (target_item_problems(item, "$.t") == [])


def test_allows_decimals_travels_in_a_package_and_guards_its_values(db: Database, other_db: Database) -> None:
    original = rich_package()
    flags = {i["code"]: i.get("allows_decimals", False) for i in original["indicators"]}
    assert flags["1.2"] and not flags["1.1"]  # the fixture says 1.2 allows decimals, not 1.1
    service(db).import_package(original)
    exported = service(db).export_package("WASH-01")
    assert {i["code"]: i["allows_decimals"] for i in exported["indicators"]} == flags
    service(other_db).import_package(exported)
    assert service(other_db).export_package("WASH-01")["indicators"] == exported["indicators"]

    # Set to false, the flag makes an indicator count whole numbers: 1.2's halves are refused, by path.
    halves = copy.deepcopy(original)
    halves["programme"]["code"] = "WASH-02"
    for indicator in halves["indicators"]:
        indicator["allows_decimals"] = False
    with pytest.raises(ValidationError) as caught:
        service(db).import_package(halves)
    found = [str(p) for p in caught.value.problems]
    assert found[0] == (
        "$.values[4].value: 1.2 counts in whole numbers: 10.5 is not a whole number (the indicator does"
        " not allow decimals; change that in its reference sheet if it should)"
    )
    assert all("is not a whole number" in p for p in found)


def test_a_package_from_before_the_flag_allows_decimals_where_its_values_have_them(db: Database) -> None:
    """Packages written before `allows_decimals` existed import as they did: like migration 0004,
    an indicator whose values in the file have fractions allows them; the others count whole."""
    older = rich_package()
    for indicator in older["indicators"]:
        indicator.pop("allows_decimals", None)
    service(db).import_package(older)
    flags = {i["code"]: i["allows_decimals"] for i in service(db).export_package("WASH-01")["indicators"]}
    assert flags["1.2"] is True  # its values hold 10.5
    assert flags["1.1"] is False


def test_the_schema_accepts_allows_decimals_as_a_boolean_only() -> None:
    package = rich_package()
    assert schema_problems(package) == []
    package["indicators"][0]["allows_decimals"] = "yes"
    assert any("allows_decimals" in str(p) for p in schema_problems(package))

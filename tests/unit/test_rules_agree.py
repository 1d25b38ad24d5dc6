# SPDX-License-Identifier: GPL-3.0-or-later
"""One rule, whichever path: random edits give the same database and the same problems through
one-cell data entry as through the bulk values import, and the SQL IPTT gives what the pure
arithmetic of pmdesk.domain.iptt gives on the same values, summed here in Python."""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from pmdesk.domain.enums import Cumulation, Direction, Measure
from pmdesk.domain.errors import LockedError, ValidationError
from pmdesk.domain.iptt import IndicatorSpec, PeriodInput, Thresholds, compute_indicator
from pmdesk.services.actor import Actor
from pmdesk.services.data_entry import DataEntryService
from pmdesk.services.iptt import IpttService
from pmdesk.services.packages import PackageService
from pmdesk.services.values_io import ValuesService
from pmdesk.storage.database import Database, open_database
from tests.unit.test_bulk_checks import stored

CODE = "RULES"
QUARTERS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
LEAVES = {"A": "D", "B": "D", "C": "E"}  # reporting site → its district
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def package() -> dict[str, Any]:
    """A count per option (N), plain counts in the three cumulations (T, C, R), a percentage (P);
    programme and site targets, some low enough for the 3× rule."""

    def targets(programme: float, site_a: float | None = None) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [{"period": q, "value": programme} for q in QUARTERS]
        if site_a is not None:
            out += [{"period": q, "site": "A", "value": site_a} for q in QUARTERS[:2]]
            out += [{"period": q, "site": "D", "value": site_a * 3} for q in QUARTERS[1:3]]
        return out

    def indicator(code: str, measure: str, cumulation: str = "periodic", **extra: Any) -> dict[str, Any]:
        return {
            "code": code,
            "result": "O1",
            "name": code,
            "measure": measure,
            "cumulation": cumulation,
        } | extra

    return {
        "format": "pmdesk.programme/1",
        "programme": {
            "code": CODE,
            "name": "Rules",
            "start": "2025-01-01",
            "end": "2025-12-31",
            "frequency": "quarterly",
        },
        "tiers": ["Outcome"],
        "results": [{"code": "O1", "tier": "Outcome", "title": "Outcome"}],
        "disaggregations": [
            {
                "code": "SEX",
                "name": "Sex",
                "options": [{"code": "F", "name": "F"}, {"code": "M", "name": "M"}],
            }
        ],
        "sites": [{"code": "D", "name": "D"}, {"code": "E", "name": "E"}]
        + [{"code": s, "name": s, "parent": d} for s, d in LEAVES.items()],
        "indicators": [
            indicator("N", "number", disaggregations=["SEX"], targets=targets(12, 4)),
            indicator("T", "number", targets=targets(10, 5), baseline={"value": 2}),
            indicator("C", "number", "cumulative", direction="decrease", targets=targets(30, 6)),
            indicator("R", "number", "running_total", lop_target=50, targets=targets(20)),
            indicator("P", "percent", targets=targets(50, 40)),
        ],
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The programme, made once through the package service; each example works on copies."""
    path = tmp_path_factory.mktemp("rules") / "template.sqlite"
    db = open_database(path)
    try:
        PackageService(db.sessions, Actor(db.actor, db.device_uuid)).import_package(package())
    finally:
        db.close()
    return path


@contextmanager
def copies(template: Path, count: int) -> Iterator[list[Database]]:
    folder = Path(tempfile.mkdtemp(prefix="rules-"))
    dbs = []
    try:
        for n in range(count):
            path = folder / f"{n}.sqlite"
            shutil.copyfile(template, path)
            dbs.append(open_database(path))
        yield dbs
    finally:
        for db in dbs:
            db.close()
        shutil.rmtree(folder, ignore_errors=True)


def snapshot(db: Database) -> dict[tuple[str, str, str, str], tuple[object, ...]]:
    """Every value by (indicator, period, site, options) with what a user sees of it."""
    return {
        key: (r.value, r.numerator, r.denominator, r.text, r.comment, r.status, r.status_reason, r.warnings)
        for key, r in stored(db)[0].items()
    }


# -- one cell or in bulk ----------------------------------------------------------------------------

# Mostly figures that pass, so that values pile up, get submitted, approved and mixed; a few that
# are refused (negative, a fraction of a count, far above the target, a numerator too large).
COUNTS = st.one_of(st.integers(0, 40), st.integers(0, 40), st.sampled_from([-1, 2.5, 150, 400]))
SET_EDITS = st.fixed_dictionaries(
    {
        "indicator": st.sampled_from(["N", "N", "T", "P"]),
        "period": st.sampled_from(QUARTERS[:2]),
        "site": st.sampled_from(["A", "A", "B"]),
        "options": st.sampled_from([None, {"SEX": "F"}, {"SEX": "M"}]),
        "value": COUNTS,
        "numerator": st.one_of(st.integers(0, 10), st.integers(-1, 25)),
        "denominator": st.one_of(st.integers(10, 20), st.just(0)),
        "comment": st.sampled_from([None, "checked"]),
    }
)
STEPS = st.tuples(
    st.sampled_from(["submit", "approve", "reopen"]), st.just("A"), st.sampled_from(QUARTERS[:2])
)
EDITS = st.lists(st.one_of(SET_EDITS, SET_EDITS, STEPS), min_size=1, max_size=16)
KINDS = ("locked", "holds values per option", "holds a total")


def kind(message: str) -> str:
    """A problem as both paths word it: bulk messages name the file's action ('importing')."""
    for fragment, name in (
        ("approved and locked", "locked"),
        ("already has values per option", "holds values per option"),
        ("already has an undisaggregated total", "holds a total"),
    ):
        if fragment in message:
            return name
    return message


def figures(edit: Mapping[str, Any]) -> dict[str, Any]:
    if edit["indicator"] == "P":
        return {"numerator": edit["numerator"], "denominator": edit["denominator"]}
    return {"value": edit["value"]}


def one_cell(db: Database, edit: Mapping[str, Any]) -> list[str]:
    entry = DataEntryService(db.sessions, Actor(db.actor, db.device_uuid))
    try:
        entry.set_value(
            CODE,
            edit["indicator"],
            edit["period"],
            edit["site"],
            edit["options"],
            comment=edit["comment"],
            **figures(edit),
        )
    except ValidationError as exc:
        return sorted(kind(p.message) for p in exc.problems)
    except LockedError as exc:
        return [kind(str(exc))]
    return []


def in_bulk(db: Database, edit: Mapping[str, Any]) -> list[str]:
    item = {"indicator": edit["indicator"], "period": edit["period"], "site": edit["site"]}
    if edit["options"]:
        item["options"] = edit["options"]
    if edit["comment"] is not None:
        item["comment"] = edit["comment"]
    item |= figures(edit)
    try:
        ValuesService(db.sessions, Actor(db.actor, db.device_uuid)).import_items(CODE, [item])
    except ValidationError as exc:
        return sorted(kind(p.message) for p in exc.problems)
    return []


def step(db: Database, name: str, site: str, period: str) -> None:
    entry = DataEntryService(db.sessions, Actor(db.actor, db.device_uuid))
    if name == "submit":
        entry.submit(CODE, site, period, unexplained_confirmed="tester")
    elif name == "approve":
        entry.approve(CODE, site, period)
    else:
        entry.reopen(CODE, site, period, "a correction")


def unchanged(db: Database, edit: Mapping[str, Any]) -> bool:
    """Whether the edit gives a cell the figure (and comment) it already holds. Saving that again
    is a no-op for an import (counted unchanged) but not for the grid, which recomputes the
    warnings and sends a submitted value back to draft; such edits are left out."""
    options = ",".join(sorted((edit["options"] or {}).values()))
    held = snapshot(db).get((edit["indicator"], edit["period"], edit["site"], options))
    if held is None:
        return False
    given = figures(edit)
    same = (held[0], held[1], held[2]) == (
        given.get("value"),
        given.get("numerator"),
        given.get("denominator"),
    )
    return same and edit["comment"] in (None, held[4])


def _edit(indicator: str, period: str, options: dict[str, str] | None, **figures: object) -> dict[str, Any]:
    base = {"value": 0, "numerator": 0, "denominator": 10, "comment": None}
    return {"indicator": indicator, "period": period, "site": "A", "options": options} | base | figures


# The rules this test exists for, whatever the random draws: a total beside values per option,
# either way round; an approved value, locked until reopened; 3× the target, on a site's total.
MIXED_AND_LOCKED = [
    _edit("N", "2025Q1", None, value=3),
    _edit("N", "2025Q1", {"SEX": "F"}, value=4),
    _edit("T", "2025Q1", None, value=8, comment="checked"),
    ("submit", "A", "2025Q1"),
    ("approve", "A", "2025Q1"),
    _edit("T", "2025Q1", None, value=9),
    _edit("N", "2025Q2", {"SEX": "M"}, value=20),
    _edit("N", "2025Q2", {"SEX": "F"}, value=20),
    _edit("N", "2025Q2", None, value=5),
    ("reopen", "A", "2025Q1"),
    _edit("T", "2025Q1", None, value=9),
]


@SETTINGS
@given(edits=EDITS)
@example(edits=MIXED_AND_LOCKED)
def test_one_cell_and_bulk_give_the_same_database_and_problems(template: Path, edits: list[Any]) -> None:
    with copies(template, 2) as (cell_db, bulk_db):
        for edit in edits:
            if isinstance(edit, tuple):
                for db in (cell_db, bulk_db):  # the workflow has one path: both take it alike
                    step(db, *edit)
                continue
            if unchanged(cell_db, edit):
                continue
            # One cell stops at its first problem; a file is told every problem of every line.
            first, every = one_cell(cell_db, edit), in_bulk(bulk_db, edit)
            assert bool(first) == bool(every) and set(first) <= set(every), (edit, first, every)
            for problem in first:
                event(problem if problem in KINDS else "a value refused")
            assert snapshot(cell_db) == snapshot(bulk_db), edit
        warned = {w for v in snapshot(cell_db).values() for w in str(v[-1]).split(",") if w}
        event(f"warnings at the end: {', '.join(sorted(warned)) or 'none'}")


# -- the SQL IPTT against the domain's arithmetic ---------------------------------------------------

VALUE_ITEMS = st.lists(
    st.tuples(
        st.sampled_from(["N", "T", "C", "R", "P"]),
        st.sampled_from(QUARTERS),
        st.sampled_from(sorted(LEAVES)),
        st.sampled_from(["F", "M"]),
        st.integers(0, 60),
        st.integers(1, 60),
    ),
    max_size=40,
    unique_by=lambda t: t[:4] if t[0] == "N" else t[:3],
)


def expected_rows(
    items: list[tuple[str, str, str, str, int, int]], as_of: str, site: str | None
) -> dict[str, object]:
    """The IPTT figures of each indicator from the same values, summed here in Python."""
    data = package()
    leaves = [s for s, d in LEAVES.items() if site in (None, s, d)]
    subtree = set(leaves) | ({site} if site else set())
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    reporters: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ind, period, where, _, a, b in items:
        if where not in subtree:
            continue
        total = sums[(ind, period)]
        if ind == "P":
            total[1] += min(a, b)
            total[2] += b
        else:
            total[0] += a
        reporters[(ind, period)].add(where)
    out: dict[str, object] = {}
    for ind in data["indicators"]:
        code, measure = ind["code"], Measure(ind["measure"])
        spec = IndicatorSpec(
            measure,
            Direction(ind.get("direction", "increase")),
            Cumulation(ind["cumulation"]),
            (ind.get("baseline") or {}).get("value"),
            ind.get("lop_target") if site is None else None,
        )
        inputs = {}
        for period in QUARTERS:
            if site is None:
                target = next(
                    (t["value"] for t in ind["targets"] if t["period"] == period and "site" not in t), None
                )
            else:
                # A subtree's target adds up its sites' targets; a percentage does not add up,
                # so only one set on the chosen site itself counts.
                mine = [
                    t["value"]
                    for t in ind["targets"]
                    if t["period"] == period
                    and t.get("site") in subtree
                    and (measure is not Measure.PERCENT or t.get("site") == site)
                ]
                target = float(sum(mine)) if mine else None
            found = (code, period) in sums
            total, numerator, denominator = sums[(code, period)] if found else (None, None, None)
            if measure is Measure.PERCENT:
                total = None
            else:
                numerator = denominator = None
            inputs[period] = PeriodInput(
                total,
                numerator,
                denominator,
                (),
                None if target is None else float(target),
                len(reporters[(code, period)]),
                len(leaves),
            )
        out[code] = compute_indicator(spec, list(QUARTERS), inputs, as_of, Thresholds())
    return out


@SETTINGS
@given(items=VALUE_ITEMS, as_of=st.sampled_from(QUARTERS), site=st.sampled_from([None, "D", "E", "A"]))
def test_the_sql_iptt_is_the_domain_arithmetic(
    template: Path, items: list[tuple[str, str, str, str, int, int]], as_of: str, site: str | None
) -> None:
    with copies(template, 1) as (db,):
        values = []
        for ind, period, where, sex, a, b in items:
            item: dict[str, Any] = {"indicator": ind, "period": period, "site": where}
            if ind == "N":
                item["options"] = {"SEX": sex}
            if ind == "P":
                item |= {"numerator": min(a, b), "denominator": b}
            else:
                item["value"] = a
            values.append(item)
        if values:
            ValuesService(db.sessions, Actor(db.actor, db.device_uuid)).import_items(CODE, values)
        table = IpttService(db.sessions).table(CODE, as_of=as_of, site_code=site)
        assert {row.code: row.figures for row in table.rows} == expected_rows(items, as_of, site)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The fast paths of bulk imports give the answers of the plain rules they stand in for.

value_items_problems against value_item_problems, is_outlier_in_series against is_outlier, the
warnings of a bulk write against the rule of data entry recomputed from the stored values, and
the UUIDs a bulk write gives its rows.
"""

from __future__ import annotations

import math
import random
import re
import uuid
from collections import defaultdict
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from pmdesk.domain.iptt import ratio_percent
from pmdesk.domain.value_checks import is_outlier, is_outlier_in_series, warnings_for
from pmdesk.formats.problems import ProblemList, json_locator
from pmdesk.formats.value_items import value_item_problems, value_items_problems
from pmdesk.services.actor import Actor
from pmdesk.services.packages import PackageService
from pmdesk.services.value_batch import ordered_uuids
from pmdesk.services.values_io import ValuesService
from pmdesk.storage.database import Database
from pmdesk.storage.models import (
    DataValueRow,
    IndicatorRow,
    OptionComboRow,
    OptionRow,
    SiteRow,
    TargetRow,
)


class Code(str):
    """A str subclass: not what JSON gives, so the fast path must leave it to the plain rules."""


ODD_ITEMS: list[object] = [
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "value": 3},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "options": {"SEX": "F"}, "value": 3.5},
    {"indicator": "2.1", "period": "2025Q1", "site": "N01", "numerator": 1, "denominator": 2},
    {"indicator": "3.1", "period": "2025Q1", "site": "N01", "text": None, "comment": "", "status": "draft"},
    {"indicator": "3.1", "period": "2025Q1", "site": "N01", "text": "x" * 10_001},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "comment": "x" * 10_000, "status_reason": ""},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "value": True},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "value": math.nan},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "value": math.inf},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "value": 10**400},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "value": 10**300},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "value": "12"},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "options": None},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "options": []},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "options": {"SEX": ["F"]}},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "options": {"bad code": "F"}},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "options": {"SEX": " F"}},
    {"indicator": "1.1", "period": "", "site": "N01"},
    {"indicator": "1.1", "period": "P" * 41, "site": "N01"},
    {"indicator": "1.1", "period": 2025, "site": "N01"},
    {"indicator": " 1.1", "period": "2025Q1", "site": "N01"},
    {"indicator": "1.1\n", "period": "2025Q1", "site": "N01"},
    {"indicator": Code("1.1"), "period": "2025Q1", "site": Code("N01")},
    {"indicator": "1.1", "period": "2025Q1"},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "extra": 1},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", 7: 1},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "status": "done"},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "status": ["draft"]},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "comment": None},
    {"indicator": "1.1", "period": "2025Q1", "site": "N01", "status_reason": 3},
    ["not", "an", "object"],
    None,
]


def test_the_fast_shape_check_finds_what_the_plain_one_finds() -> None:
    locate = json_locator("$.values")
    fast = ProblemList()
    value_items_problems(ODD_ITEMS, locate, fast)
    plain = [p for i, item in enumerate(ODD_ITEMS) for p in value_item_problems(item, i, locate)]
    assert fast.items == plain
    flagged = {int(re.match(r"\$\.values\[(\d+)\]", p.location).group(1)) for p in plain}  # type: ignore[union-attr]
    # 22: a str subclass passes the plain rules; the fast path only leaves it to them.
    assert flagged == set(range(len(ODD_ITEMS))) - {0, 1, 2, 3, 5, 10, 22}


FIGURES = st.one_of(
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.integers(min_value=0, max_value=40).map(float),  # ties: a MAD of 0
)


@given(st.lists(FIGURES, max_size=24), FIGURES)
def test_the_outlier_test_on_a_sorted_series_is_the_outlier_test(history: list[float], value: float) -> None:
    assert is_outlier_in_series(value, sorted([*history, value])) == is_outlier(value, history)


def test_the_outlier_test_on_a_sorted_series_flags_a_spike() -> None:
    history = [10.0, 11.0, 10.0, 12.0, 11.0]
    assert is_outlier_in_series(60.0, sorted([*history, 60.0]))
    assert not is_outlier_in_series(11.0, sorted([*history, 11.0]))


def test_bulk_uuids_are_unique_increasing_version_7() -> None:
    made = list(ordered_uuids(5000))
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    for text in (made[0], made[-1]):
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
    assert list(ordered_uuids(0)) == []
    assert set(ordered_uuids(100)).isdisjoint(made)


# -- warnings of a bulk write ---------------------------------------------------------------------

QUARTERS = [f"{y}Q{q}" for y in (2023, 2024, 2025) for q in range(1, 5)]
SITES = ("A", "B", "C")


def series_package() -> dict[str, Any]:
    """Twelve quarters, a disaggregated and a plain count and a percentage, targets at both
    levels: enough history for outliers and for the 3× target rule on site totals."""
    targets = [{"period": p, "value": 40 + i} for i, p in enumerate(QUARTERS)]
    return {
        "format": "pmdesk.programme/1",
        "programme": {
            "code": "SERIES",
            "name": "Series",
            "start": "2023-01-01",
            "end": "2025-12-31",
            "frequency": "quarterly",
        },
        "tiers": ["Outcome"],
        "results": [{"code": "O1", "tier": "Outcome", "title": "Outcome"}],
        "disaggregations": [
            {
                "code": "SEX",
                "name": "Sex",
                "options": [{"code": "F", "name": "Female"}, {"code": "M", "name": "Male"}],
            }
        ],
        "sites": [{"code": "D", "name": "District"}]
        + [{"code": s, "name": f"Site {s}", "parent": "D"} for s in SITES],
        "indicators": [
            {
                "code": "N",
                "result": "O1",
                "name": "Disaggregated count",
                "measure": "number",
                "disaggregations": ["SEX"],
                "targets": [*targets, *({"period": p, "site": "A", "value": 9} for p in QUARTERS[::3])],
            },
            {"code": "T", "result": "O1", "name": "Count", "measure": "number", "targets": targets},
            {
                "code": "P",
                "result": "O1",
                "name": "Share",
                "measure": "percent",
                "targets": [{"period": p, "value": 20} for p in QUARTERS],
            },
        ],
    }


def series_values(rng: random.Random, periods: list[str], level: int) -> list[dict[str, Any]]:
    """Whole numbers (so that sums are exact in any order), with spikes, zeros and flat runs."""

    def figure() -> int:
        roll = rng.random()
        if roll < 0.08:
            return level * rng.choice((5, 10, 30))
        if roll < 0.12:
            return 0
        if roll < 0.4:
            return level  # ties: some series have a MAD of 0
        return level + rng.randint(-3, 3)

    items: list[dict[str, Any]] = []
    for period in periods:
        for site in SITES:
            for sex in ("F", "M"):
                items.append(
                    {
                        "indicator": "N",
                        "period": period,
                        "site": site,
                        "options": {"SEX": sex},
                        "value": figure(),
                    }
                )
            items.append({"indicator": "T", "period": period, "site": site, "value": figure()})
            denominator = rng.randint(1, 50)
            numerator = min(denominator, max(0, figure() % (denominator + 1)))
            items.append(
                {
                    "indicator": "P",
                    "period": period,
                    "site": site,
                    "numerator": numerator,
                    "denominator": denominator,
                }
            )
    return items


def stored(
    db: Database,
) -> tuple[dict[tuple[str, str, str, str], DataValueRow], dict[tuple[str, str, str | None], float]]:
    """Every value by (indicator, period, site, options key), and every target."""
    with db.sessions() as session:
        options = dict(session.execute(select(OptionRow.id, OptionRow.code)).all())
        combos = {
            c: ",".join(sorted(options[int(o)] for o in filter(None, key.split(","))))
            for c, key in session.execute(select(OptionComboRow.id, OptionComboRow.key)).all()
        }
        rows = session.execute(
            select(DataValueRow, IndicatorRow.code, SiteRow.code)
            .join(IndicatorRow, IndicatorRow.id == DataValueRow.indicator_id)
            .join(SiteRow, SiteRow.id == DataValueRow.site_id)
        ).all()
        values = {(ind, row.period, site, combos[row.combo_id]): row for row, ind, site in rows}
        sites = dict(session.execute(select(SiteRow.id, SiteRow.code)).all())
        targets = {
            (ind, period, None if site_id is None else sites[site_id]): value
            for ind, period, site_id, value in session.execute(
                select(IndicatorRow.code, TargetRow.period, TargetRow.site_id, TargetRow.value).join(
                    IndicatorRow, IndicatorRow.id == TargetRow.indicator_id
                )
            )
        }
    return values, targets


def expected_warnings(
    db: Database, written: set[tuple[str, str, str, str]]
) -> dict[tuple[str, str, str, str], str]:
    """The warnings of data entry (DESIGN.md §5), from the stored values, one cell at a time."""
    values, targets = stored(db)
    by_cell: dict[tuple[str, str, str], dict[str, float | None]] = defaultdict(dict)
    totals: dict[tuple[str, str, str], float] = defaultdict(float)
    for (ind, period, site, options), row in values.items():
        comparable = row.value if row.value is not None else ratio_percent(row.numerator, row.denominator)
        by_cell[(ind, site, options)][period] = comparable
        if row.value is not None:
            totals[(ind, period, site)] += row.value
    out = {}
    for key in written:
        ind, period, site, options = key
        comparable = by_cell[(ind, site, options)][period]
        others = [v for p, v in by_cell[(ind, site, options)].items() if p != period and v is not None]
        target = targets.get((ind, period, site), targets.get((ind, period, None)))
        # Outliers by the history rule, checked on its own in test_value_checks.py; the 3× target
        # rule written out here: for "N", a count per option, it looks at the site's period total.
        found = [w for w in warnings_for(comparable, others, target) if w != "over_target"]
        judged = totals[(ind, period, site)] if ind == "N" else comparable
        if target is not None and target > 0 and judged is not None and judged > 3 * target:
            found.append("over_target")
        out[key] = ",".join(found)
    return out


def item_key(item: dict[str, Any]) -> tuple[str, str, str, str]:
    options = ",".join(sorted(item.get("options", {}).values()))
    return (item["indicator"], item["period"], item["site"], options)


def test_bulk_warnings_are_those_of_data_entry(db: Database) -> None:
    rng = random.Random(7)
    actor = Actor(db.actor, db.device_uuid)
    package = series_package()
    package["values"] = series_values(rng, QUARTERS[:5], 20)
    PackageService(db.sessions, actor).import_package(package)
    first = {item_key(i) for i in package["values"]}
    values, _ = stored(db)
    assert {k: values[k].warnings for k in first} == expected_warnings(db, first)
    assert any(values[k].warnings for k in first)

    # New quarters and replaced values, checked against the history already stored.
    batch = series_values(rng, QUARTERS[3:], 20)
    summary = ValuesService(db.sessions, actor).import_items("SERIES", batch)
    assert summary.created == sum(i["period"] in QUARTERS[5:] for i in batch)
    values, _ = stored(db)
    latest = max(v.entered_at for v in values.values())
    written = {item_key(i) for i in batch if values[item_key(i)].entered_at == latest}
    assert len(written) == summary.created + summary.replaced
    expected = expected_warnings(db, written)
    assert {k: values[k].warnings for k in written} == expected
    assert sum(bool(w) for w in expected.values()) == summary.warnings
    assert {"outlier", "over_target"} <= {w for text in expected.values() for w in text.split(",") if w}

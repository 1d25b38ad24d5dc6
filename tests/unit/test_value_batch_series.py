# SPDX-License-Identifier: GPL-3.0-or-later
"""A streamed values import keeps each cell's history between chunks instead of reading it again
for every chunk (issue #11: a file sorted by period took 164 s), and its warnings stay those of
the rule: each value is judged against what is stored before its chunk and its chunk's values,
whatever order the file is in and whether it creates or replaces."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pmdesk.domain.enums import Measure
from pmdesk.domain.iptt import ratio_percent
from pmdesk.domain.value_rules import judged_on_site_total, value_warnings
from pmdesk.services import value_batch, values_io
from pmdesk.services.actor import Actor
from pmdesk.services.packages import PackageService
from pmdesk.services.values_io import CSV_HEADER, ValuesService
from pmdesk.storage.database import Database

CODE = "SERIES"
MONTHS = [f"2024{m:02d}" for m in range(1, 13)] + [f"2025{m:02d}" for m in range(1, 13)]
SITES = [f"S{n}" for n in range(1, 7)]
CHUNK = 7
# indicator → (measure, its options)
INDICATORS: dict[str, tuple[str, list[dict[str, str]]]] = {
    "N1": ("number", [{"SEX": "F"}, {"SEX": "M"}]),
    "N2": ("number", [{}]),
    "P1": ("percent", [{}]),
}


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values_io, "CHUNK_VALUES", CHUNK)


def _package() -> dict[str, Any]:
    return {
        "format": "pmdesk.programme/1",
        "programme": {
            "code": CODE,
            "name": "Series",
            "start": "2024-01-01",
            "end": "2025-12-31",
            "frequency": "monthly",
        },
        "tiers": ["Goal"],
        "results": [{"code": "G", "tier": "Goal", "title": "Goal", "parent": None}],
        "disaggregations": [
            {
                "code": "SEX",
                "name": "Sex",
                "options": [{"code": "F", "name": "F"}, {"code": "M", "name": "M"}],
            }
        ],
        "sites": [{"code": s, "name": s, "parent": None} for s in SITES],
        "indicators": [
            {
                "code": code,
                "result": "G",
                "name": code,
                "measure": measure,
                "direction": "increase",
                "cumulation": "periodic",
                "disaggregations": ["SEX"] if options[0] else [],
                "targets": [{"period": p, "value": 60 if measure == "number" else 75} for p in MONTHS]
                + [{"period": MONTHS[5], "site": "S2", "value": 5}],
            }
            for code, (measure, options) in INDICATORS.items()
        ],
    }


def _values(rng: random.Random, share: float) -> list[dict[str, Any]]:
    """About `share` of every cell's months, in period order (as a database fills up over the
    years), with now and then a figure far out of line."""
    items = []
    for period in MONTHS:
        for site in SITES:
            for code, (measure, options_list) in INDICATORS.items():
                for options in options_list:
                    if rng.random() > share:
                        continue
                    item: dict[str, Any] = {"indicator": code, "period": period, "site": site}
                    if options:
                        item["options"] = options
                    spike = 12 if rng.random() < 0.08 else 1
                    if measure == "number":
                        item["value"] = rng.randint(15, 25) * spike
                    else:
                        item["denominator"] = 40
                        item["numerator"] = min(40, rng.randint(20, 30) * (2 if spike > 1 else 1))
                    items.append(item)
    return items


def _csv(path: Path, items: list[dict[str, Any]]) -> Path:
    rows = [
        ",".join(
            [
                CODE,
                item["indicator"],
                item["period"],
                item["site"],
                ";".join(f"{k}={v}" for k, v in item.get("options", {}).items()),
                str(item.get("value", "")),
                str(item.get("numerator", "")),
                str(item.get("denominator", "")),
                "",
            ]
        )
        for item in items
    ]
    path.write_text("\n".join([",".join(CSV_HEADER), *rows]) + "\n", encoding="utf-8")
    return path


Cell = tuple[str, str, str]  # indicator, site, options


def _expected(
    stored: dict[tuple[str, str, str, str], dict[str, Any]], items: list[dict[str, Any]]
) -> dict[tuple[str, str, str, str], str]:
    """The warnings of `items` by the rule, chunk after chunk; `stored` is updated as each chunk
    is written."""
    targets = {
        (code, p): (60.0 if m == "number" else 75.0) for code, (m, _) in INDICATORS.items() for p in MONTHS
    }
    site_targets = {(code, MONTHS[5], "S2"): 5.0 for code in INDICATORS}

    def figure(item: dict[str, Any]) -> float | None:
        if item.get("value") is not None:
            return float(item["value"])
        return ratio_percent(item.get("numerator"), item.get("denominator"))

    def key(item: dict[str, Any]) -> tuple[str, str, str, str]:
        options = ";".join(f"{k}={v}" for k, v in item.get("options", {}).items())
        return (item["indicator"], item["period"], item["site"], options)

    out = {}
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        after = dict(stored)
        after.update({key(item): item for item in chunk})
        for item in chunk:
            ind, period, site, options = key(item)
            history = [
                f
                for (i, p, s, o), other in after.items()
                if (i, s, o) == (ind, site, options) and p != period and (f := figure(other)) is not None
            ]
            site_total = sum(
                float(other["value"])
                for (i, p, s, _), other in after.items()
                if (i, p, s) == (ind, period, site) and other.get("value") is not None
            )
            old = stored.get(key(item))
            if old is not None and figure(old) == figure(item):
                continue  # unchanged: left as it is, warnings and all
            measure = INDICATORS[ind][0]
            found = value_warnings(
                figure(item),
                site_targets.get((ind, period, site), targets[(ind, period)]),
                history=history,
                site_total=site_total if judged_on_site_total(Measure(measure), not options) else None,
            )
            out[key(item)] = ",".join(found)
        stored.update(after)
    return out


def _stored_warnings(db: Database) -> dict[tuple[str, str, str, str], str]:
    conn = sqlite3.connect(db.path)
    try:
        rows = conn.execute(
            "SELECT i.code, v.period, s.code, v.combo_id, v.warnings FROM data_value v "
            "JOIN indicator i ON i.id = v.indicator_id JOIN site s ON s.id = v.site_id"
        ).fetchall()
        options = {}
        for combo_id, key in conn.execute("SELECT id, key FROM option_combo"):
            names = [
                f"SEX={code}"
                for part in filter(None, key.split(","))
                for (code,) in conn.execute(
                    "SELECT code FROM disaggregation_option WHERE id = ?", (int(part),)
                )
            ]
            options[combo_id] = ";".join(names)
    finally:
        conn.close()
    return {(ind, period, site, options[combo]): warnings for ind, period, site, combo, warnings in rows}


@pytest.mark.parametrize("kept_cells", [value_batch.MAX_KEPT_CELLS, 5])
def test_warnings_across_chunks_follow_the_rule_in_any_order_creating_or_replacing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept_cells: int
) -> None:
    # With 5 cells kept at most, the writer forgets what it kept and reads it again: same warnings.
    monkeypatch.setattr(value_batch, "MAX_KEPT_CELLS", kept_cells)
    actor = Actor(db.actor, db.device_uuid)
    PackageService(db.sessions, actor).import_package(_package())
    service = ValuesService(db.sessions, actor)
    rng = random.Random(11)
    stored: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    first = _values(rng, 0.7)
    expected = _expected(stored, first)
    summary = service.import_file(_csv(tmp_path / "first.csv", first))
    assert summary.created == len(first)
    assert summary.warnings == sum(1 for w in expected.values() if w)
    assert summary.warnings > 5  # the rule has work to do
    assert _stored_warnings(db) == expected

    # Then a file in another order replacing some values and adding others.
    second = _values(rng, 0.5)
    rng.shuffle(second)
    expected.update(_expected(stored, second))
    summary = service.import_file(_csv(tmp_path / "second.csv", second))
    assert summary.replaced and summary.unchanged and summary.created
    assert _stored_warnings(db) == expected


def test_the_cycle_collector_runs_rarely_during_an_import_and_as_before_after_it() -> None:
    import gc

    before = gc.get_threshold()
    with value_batch.fewer_collections():
        assert gc.get_threshold()[0] >= value_batch.BULK_GC_THRESHOLD
        with value_batch.fewer_collections():  # two imports at once
            pass
        assert gc.get_threshold()[0] >= value_batch.BULK_GC_THRESHOLD
    assert gc.get_threshold() == before

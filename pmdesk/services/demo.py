# SPDX-License-Identifier: GPL-3.0-or-later
"""A realistic demo programme (DEMO-WASH), built deterministically as a programme package."""

from __future__ import annotations

import dataclasses
import random
import statistics
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.errors import ConflictError, NotFoundError
from pmdesk.domain.value_checks import OUTLIER_Z, modified_z_score
from pmdesk.services.actor import Actor
from pmdesk.services.demo_content import (
    COMMENTS,
    DEMO_CODE,
    DISTRICTS,
    MISSING_PERIOD,
    PEOPLE,
    PLANS,
    PLANTED,
    PLANTED_FACTOR,
    QUARTERS,
    REPORTED,
    RESULTS,
    SATISFACTION,
    STORIES,
    VALUE_STATUS,
    IndicatorPlan,
)
from pmdesk.services.demo_loop import DemoLoop
from pmdesk.services.packages import PackageService, PackageSummary
from pmdesk.services.programmes import ProgrammeService
from pmdesk.storage.backup import backup_database

__all__ = ["DEMO_CODE", "QUARTERS", "REPORTED", "DemoService", "demo_package"]

MAX_CALMING = 0.1  # the most a value is moved to pass the outlier check, as a share of itself


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split a whole number in proportion to `weights` (largest remainder), so the parts add up."""
    if total <= 0:
        return [0] * len(weights)
    weight_sum = sum(weights)
    if weight_sum <= 0:
        weights, weight_sum = [1.0] * len(weights), float(len(weights))
    quotas = [total * w / weight_sum for w in weights]
    parts = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - quotas[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _increments(targets: Sequence[float]) -> list[float]:
    return [t - (targets[i - 1] if i else 0) for i, t in enumerate(targets)]


def demo_package(seed: int = 7) -> dict[str, Any]:
    """The DEMO-WASH programme as a `pmdesk.programme/1` package; the same seed gives the same dict.

    Goal / Outcome / Output, 19 indicators (number, percent, qualitative; all directions and
    cumulations), Sex and Age disaggregations, 11 schools in 3 districts, 8 quarters of programme and
    site targets, 6 quarters of values that vary by site. Some indicators are off track, some exceed
    their targets, indicator 2.1.2 has no data for 2025Q3, and beneficiary satisfaction (2.3) is below
    70 % in 2026Q1 and 2026Q2, which fires trigger T1.
    """
    rng = random.Random(seed)
    sites: list[dict[str, Any]] = []
    schools: list[str] = []
    for district, district_name, names in DISTRICTS:
        sites.append({"code": district, "name": district_name, "parent": None})
        for number, name in enumerate(names, start=1):
            code = f"{district}-{number:02d}"
            sites.append({"code": code, "name": f"{name} school", "parent": district})
            schools.append(code)
    # School size drives how targets are shared out, and each school performs a little differently.
    size = [rng.uniform(0.6, 1.4) for _ in schools]

    indicators: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    for plan in PLANS:
        indicators.append(_indicator(plan, schools, size))
        values += _values(plan, schools, size, rng)
    _calm_outliers(values)
    _plant_unusual_values(values)

    return {
        "format": "pmdesk.programme/1",
        "programme": {
            "code": DEMO_CODE,
            "name": "Clean water and hygiene for rural schools",
            "donor": "Global WASH Fund",
            "description": "Demonstration programme: water points, latrines and hygiene promotion in "
            "eleven rural primary schools. All names and figures are invented.",
            "start": "2025-01-01",
            "end": "2026-12-31",
            "frequency": "quarterly",
            "fiscal_year_start_month": 1,
            "thresholds": {"exceeding": 115, "on_track": 85, "at_risk": 70},
        },
        "custom_periods": [],
        "tiers": ["Goal", "Outcome", "Output"],
        "results": [
            {"code": code, "tier": tier, "title": title, "parent": parent}
            for code, tier, title, parent in RESULTS
        ],
        "disaggregations": [
            {
                "code": "SEX",
                "name": "Sex",
                "options": [{"code": "F", "name": "Female"}, {"code": "M", "name": "Male"}],
            },
            {
                "code": "AGE",
                "name": "Age group",
                "options": [{"code": "U18", "name": "Under 18"}, {"code": "18PLUS", "name": "18 and over"}],
            },
        ],
        "sites": sites,
        "people": [dict(p) for p in PEOPLE],
        "indicators": indicators,
        "triggers": [
            {
                "code": "T1",
                "indicator": SATISFACTION,
                "metric": "actual",
                "comparison": "<",
                "threshold": 70,
                "consecutive_periods": 2,
                "scope": "programme",
                "response": "Conduct a rapid review and develop corrective actions",
            },
        ],
        "values": values,
    }


def _indicator(plan: IndicatorPlan, schools: Sequence[str], size: Sequence[float]) -> dict[str, Any]:
    return {
        "code": plan.code,
        "result": plan.result,
        "name": plan.name,
        "definition": plan.definition,
        "measure": plan.measure,
        "unit": plan.unit,
        "direction": plan.direction,
        "cumulation": plan.cumulation,
        "disaggregations": list(plan.disaggregations),
        "baseline": None
        if plan.baseline is None
        else {"value": plan.baseline, "date": "2024-12-31", "note": "Baseline survey, November 2024"},
        "lop_target": plan.lop_target,
        "responsible": plan.responsible,
        "data_source": plan.data_source,
        "collection_method": plan.collection_method,
        "frequency": "quarterly",
        "targets": _targets(plan, schools, size),
    }


def _targets(plan: IndicatorPlan, schools: Sequence[str], size: Sequence[float]) -> list[dict[str, Any]]:
    if not plan.targets:
        return []
    out: list[dict[str, Any]] = [{"period": p, "value": t} for p, t in zip(QUARTERS, plan.targets)]
    if plan.measure == "percent":
        # A percentage does not split between schools: each school aims for the programme figure.
        for school in schools:
            out += [{"period": p, "site": school, "value": t} for p, t in zip(QUARTERS, plan.targets)]
        return out
    if plan.cumulation == "cumulative":
        # Share out each quarter's increment and add up, so school targets never go down.
        shares = [_apportion(round(inc), size) for inc in _increments(plan.targets)]
        running = [0] * len(schools)
        per_quarter = []
        for share in shares:
            running = [r + s for r, s in zip(running, share)]
            per_quarter.append(running)
    else:
        per_quarter = [_apportion(round(t), size) for t in plan.targets]
    for i, school in enumerate(schools):
        out += [{"period": p, "site": school, "value": parts[i]} for p, parts in zip(QUARTERS, per_quarter)]
    return out


def _values(
    plan: IndicatorPlan, schools: Sequence[str], size: Sequence[float], rng: random.Random
) -> list[dict[str, Any]]:
    if plan.measure == "qualitative":
        return _stories(plan, schools, rng)
    if plan.measure == "percent":
        return _ratios(plan, schools, size, rng)
    return _numbers(plan, schools, size, rng)


def _item(plan: IndicatorPlan, period: str, school: str, **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"indicator": plan.code, "period": period, "site": school, **fields}
    status = VALUE_STATUS.get(period)
    if status:
        item["status"] = status
    return item


def _numbers(
    plan: IndicatorPlan, schools: Sequence[str], size: Sequence[float], rng: random.Random
) -> list[dict[str, Any]]:
    # The programme total of each quarter is drawn first and then shared between schools, so the
    # figures the IPTT shows (and so the statuses) are exactly what the plan intends. A school's
    # strength and its mix of women, men, children and adults persist from quarter to quarter,
    # with little noise: the outlier check compares each value with the school's own history.
    steady = plan.cumulation == "running_total"
    base = _increments(plan.targets) if plan.cumulation == "cumulative" else list(plan.targets)
    skill = [rng.uniform(0.75, 1.25) for _ in schools]
    mixes = [_mix(plan, rng) for _ in schools]
    comment_site = rng.randrange(len(schools))
    out: list[dict[str, Any]] = []
    for period, planned in zip(REPORTED, base):
        noise = rng.uniform(0.99, 1.01) if steady else rng.uniform(0.93, 1.07)
        total = round(planned * plan.ratio * noise)
        jitter = [1.0 if steady else rng.uniform(0.95, 1.05) for _ in schools]
        shares = _apportion(total, [s * k * j for s, k, j in zip(size, skill, jitter)])
        if (plan.code, period) == MISSING_PERIOD:
            continue
        comment = COMMENTS.get((plan.code, period))
        for index, (school, amount) in enumerate(zip(schools, shares)):
            extra = {"comment": comment} if comment and index == comment_site else {}
            if not plan.disaggregations:
                out.append(_item(plan, period, school, value=amount, **extra))
                continue
            weights = [w * rng.uniform(0.97, 1.03) for _, w in mixes[index]]
            for (options, _), part in zip(mixes[index], _apportion(amount, weights)):
                out.append(_item(plan, period, school, options=options, value=part, **extra))
                extra = {}
    return out


def _mix(plan: IndicatorPlan, rng: random.Random) -> list[tuple[dict[str, str], float]]:
    """One school's shares of the option combos of the indicator's disaggregations."""
    female = 0.5 + rng.uniform(-0.06, 0.06)
    combos: list[tuple[dict[str, str], float]] = [({"SEX": "F"}, female), ({"SEX": "M"}, 1 - female)]
    if "AGE" in plan.disaggregations:
        adult = max(0.0, plan.adult_share + rng.uniform(-0.03, 0.03))
        combos = [
            ({**sex, "AGE": age}, share * part)
            for sex, share in combos
            for age, part in (("U18", 1 - adult), ("18PLUS", adult))
        ]
    return combos


def _ratios(
    plan: IndicatorPlan, schools: Sequence[str], size: Sequence[float], rng: random.Random
) -> list[dict[str, Any]]:
    low, high = plan.sample
    out: list[dict[str, Any]] = []
    offset = [rng.uniform(-0.08, 0.08) for _ in schools]
    usual = [rng.randint(low, high) * (s if plan.by_size else 1) for s in size]
    for period, percent in zip(REPORTED, plan.percents):
        dens = [max(1, round(u * (rng.uniform(0.9, 1.1) if plan.by_size else 1))) for u in usual]
        total_den = sum(dens)
        # Centre the school offsets on the planned figure, then make the sum of numerators exact:
        # the IPTT shows Σnumerator ÷ Σdenominator, which must land on the plan.
        mean = sum(d * o for d, o in zip(dens, offset)) / total_den
        share = [min(1.0, max(0.0, percent / 100 + o - mean + rng.uniform(-0.01, 0.01))) for o in offset]
        nums = [round(d * p) for d, p in zip(dens, share)]
        missing = round(percent / 100 * total_den) - sum(nums)
        index = rng.randrange(len(nums))
        while missing:
            step = 1 if missing > 0 else -1
            i = index % len(nums)
            if 0 <= nums[i] + step <= dens[i]:
                nums[i] += step
                missing -= step
            index += 1
        comment = COMMENTS.get((plan.code, period))
        worst = min(range(len(schools)), key=lambda i: nums[i] / dens[i])
        for i, school in enumerate(schools):
            extra = {"comment": comment} if comment and i == worst else {}
            out.append(_item(plan, period, school, numerator=nums[i], denominator=dens[i], **extra))
    return out


def _stories(plan: IndicatorPlan, schools: Sequence[str], rng: random.Random) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for period in REPORTED:
        for school in sorted(rng.sample(list(schools), 3)):
            out.append(_item(plan, period, school, text=rng.choice(STORIES)))
    return out


def _comparable(item: dict[str, Any]) -> float:
    # What the outlier check compares: the number, or the percentage of a ratio.
    if "numerator" in item:
        return 100.0 * item["numerator"] / item["denominator"]
    return float(item["value"])


def _is_outlier(item: dict[str, Any], history: list[float]) -> bool:
    z = modified_z_score(_comparable(item), history)
    return z is not None and abs(z) > OUTLIER_Z


def _calm_outliers(values: list[dict[str, Any]]) -> None:
    """Move values the outlier check would flag by chance one unit at a time towards their cell's
    median, just until they pass.

    The check compares a value with five others of the same cell, so random draws of small counts
    flag about one value in ten; the planted unusual values should stand out instead. Moving as
    little as needed keeps each school's trend.
    """
    cells: dict[tuple[str, str, tuple[tuple[str, str], ...]], list[dict[str, Any]]] = defaultdict(list)
    for item in values:
        if "text" not in item:
            options = tuple(sorted(item.get("options", {}).items()))
            cells[(item["indicator"], item["site"], options)].append(item)
    for items in cells.values():
        for _ in range(len(items)):  # moving one value changes the others' history
            moved = False
            for item in items:
                history = [_comparable(other) for other in items if other is not item]
                field = "numerator" if "numerator" in item else "value"
                step = 1 if statistics.median(history) > _comparable(item) else -1
                # Small counts keep their flags: moving 2 to 3 would change the story, not the noise.
                budget = int(item[field] * MAX_CALMING)
                while (
                    budget
                    and _is_outlier(item, history)
                    and 0 <= item[field] + step <= item.get("denominator", item[field] + 1)
                ):
                    item[field] += step
                    budget -= 1
                    moved = True
            if not moved:
                break


def _plant_unusual_values(values: list[dict[str, Any]]) -> None:
    for item in values:
        key = (item["indicator"], item["period"], item["site"])
        if key in PLANTED:
            item["value"] *= PLANTED_FACTOR
            if PLANTED[key]:
                item["comment"] = PLANTED[key]


class DemoService:
    """Creates (or recreates) the demo programme in a database."""

    def __init__(
        self, sessions: sessionmaker[Session], actor: Actor, database_path: Path | None = None
    ) -> None:
        self._sessions = sessions
        self._actor = actor
        self._database_path = database_path

    def exists(self) -> bool:
        try:
            ProgrammeService(self._sessions, self._actor).get(DEMO_CODE)
        except NotFoundError:
            return False
        return True

    def create_demo(self, replace: bool = False, today: date | None = None) -> PackageSummary:
        """Import the demo programme, then add its meetings, actions, lessons and feedback, dated
        from `today` (demo_loop.py). Raises ConflictError if it exists, unless `replace` is set,
        which deletes the existing DEMO-WASH and everything entered in it first. The counts name
        the loop's records too."""
        if self.exists():
            if not replace:
                raise ConflictError(f"the demo programme {DEMO_CODE} already exists")
            if self._database_path is not None:
                # The import backs up too, but only after the old demo (and its entries) is gone.
                backup_database(self._database_path, reason="before-demo-replace")
            ProgrammeService(self._sessions, self._actor).delete(DEMO_CODE, with_data=True)
        package = demo_package()
        packages = PackageService(self._sessions, self._actor, self._database_path)
        summary = packages.import_package(package, source="demo")
        loop = DemoLoop(self._sessions, self._actor, package, SATISFACTION, today or date.today()).add()
        return dataclasses.replace(summary, counts={**summary.counts, **loop})

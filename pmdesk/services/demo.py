# SPDX-License-Identifier: GPL-3.0-or-later
"""A realistic demo programme (DEMO-WASH), built deterministically as a programme package."""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.errors import ConflictError, NotFoundError
from pmdesk.domain.value_checks import OUTLIER_Z, modified_z_score
from pmdesk.services.actor import Actor
from pmdesk.services.packages import PackageService, PackageSummary
from pmdesk.services.programmes import ProgrammeService
from pmdesk.storage.backup import backup_database

DEMO_CODE = "DEMO-WASH"
QUARTERS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4")
REPORTED = QUARTERS[:6]  # the demo stands just after 2026Q2: six quarters of actuals
# Older quarters have been through review; the latest is still being entered.
VALUE_STATUS = {
    "2025Q1": "approved",
    "2025Q2": "approved",
    "2025Q3": "approved",
    "2025Q4": "approved",
    "2026Q1": "submitted",
}
SATISFACTION = "2.3"
MISSING_PERIOD = ("2.1.2", "2025Q3")  # no sessions reported while schools were closed

DISTRICTS = (
    (
        "LAK",
        "Lakeside district",
        ("Nyamira primary", "Ombeyi primary", "Rangala primary", "Kanyawegi primary"),
    ),
    ("HIL", "Hills district", ("Mlima Juu primary", "Kilele primary", "Mteremko primary", "Bonde primary")),
    ("RIV", "Riverside district", ("Mto Mdogo primary", "Kivuko primary", "Daraja primary")),
)

PEOPLE = (
    {
        "code": "amina",
        "name": "Amina Yusuf",
        "organisation": "Maji Safi Partners",
        "role": "M&E officer",
        "email": "amina.yusuf@example.org",
    },
    {
        "code": "joseph",
        "name": "Joseph Otieno",
        "organisation": "Maji Safi Partners",
        "role": "WASH engineer",
        "email": "joseph.otieno@example.org",
    },
    {
        "code": "grace",
        "name": "Grace Wanjiru",
        "organisation": "Maji Safi Partners",
        "role": "Hygiene promotion officer",
        "email": "grace.wanjiru@example.org",
    },
    {
        "code": "david",
        "name": "David Mwangi",
        "organisation": "Maji Safi Partners",
        "role": "Programme manager",
        "email": "david.mwangi@example.org",
    },
)

RESULTS = (
    ("G", "Goal", "Children in rural schools are healthier and attend school more", None),
    ("O1", "Outcome", "Pupils and staff use safe drinking water at school", "G"),
    ("O2", "Outcome", "Pupils and staff practise good hygiene", "G"),
    ("O3", "Outcome", "School communities manage their WASH services sustainably", "G"),
    ("O1.1", "Output", "Water points constructed or rehabilitated", "O1"),
    ("O1.2", "Output", "Water treatment supplies delivered", "O1"),
    ("O2.1", "Output", "Hygiene promotion sessions delivered", "O2"),
    ("O2.2", "Output", "Handwashing stations installed", "O2"),
    ("O3.1", "Output", "School WASH committees trained", "O3"),
)

STORIES = (
    "The committee now keeps a repair log and fixed the hand pump within a week.",
    "Parents contribute a small monthly fee; the treasurer reports at each meeting.",
    "Girls say they no longer miss school during menstruation since the new latrines opened.",
    "Teachers lead a daily handwashing routine before lunch.",
    "The committee chair moved away; the committee has not met since.",
    "Pupils run a hygiene club that inspects the latrines every Friday.",
    "The water point was vandalised; the community set up a night watch.",
    "Head teacher reports fewer pupils sent home with stomach complaints.",
)


@dataclass(frozen=True)
class _Plan:
    """One demo indicator: its reference sheet, its targets, and how well it is going."""

    code: str
    result: str
    name: str
    measure: str
    direction: str = "increase"
    cumulation: str = "periodic"
    unit: str = ""
    definition: str = ""
    disaggregations: tuple[str, ...] = ()
    baseline: float | None = 0
    targets: tuple[float, ...] = ()  # programme level, one per quarter (cumulative: to date)
    ratio: float = 1.0  # number: actual ÷ target, before noise
    percents: tuple[float, ...] = ()  # percent: the programme-level actual of each reported quarter
    sample: tuple[int, int] = (20, 60)  # percent: range of a site's denominator
    by_size: bool = True  # percent: whether bigger schools have bigger denominators
    adult_share: float = 0.2  # share of the 18+ option when disaggregated by age
    responsible: str = "amina"
    data_source: str = ""
    collection_method: str = ""
    lop_target: float | None = None


PLANS: tuple[_Plan, ...] = (
    _Plan(
        "G.1",
        "G",
        "Pupils absent because of diarrhoeal illness",
        "percent",
        "decrease",
        unit="%",
        definition="Pupils absent at least one day in the last month because of diarrhoea ÷ pupils on the "
        "register, × 100.",
        baseline=18,
        targets=(17, 16, 15, 14, 13, 12, 11, 10),
        percents=(17.5, 16.2, 15.8, 14.1, 13.0, 12.4),
        sample=(150, 450),
        data_source="School attendance registers",
        collection_method="Register review",
    ),
    _Plan(
        "G.2",
        "G",
        "Pupils enrolled in target schools",
        "number",
        "none",
        "running_total",
        unit="pupils",
        definition="Pupils on the register on the last day of the quarter (context indicator).",
        disaggregations=("SEX",),
        baseline=5200,
        targets=(5200, 5250, 5300, 5400, 5450, 5500, 5550, 5600),
        ratio=1.01,
        data_source="School registers",
        collection_method="Head-teacher return",
    ),
    _Plan(
        "G.3",
        "G",
        "Stories of change from pupils, parents and teachers",
        "qualitative",
        definition="Most significant change stories collected at each review.",
        baseline=None,
        responsible="david",
        collection_method="Most significant change",
    ),
    _Plan(
        "1.1",
        "O1",
        "People gaining access to a basic drinking water service at school",
        "number",
        cumulation="cumulative",
        unit="people",
        definition="Pupils, staff and neighbours who draw water at a school whose improved water point works.",
        disaggregations=("SEX", "AGE"),
        targets=(500, 1200, 2000, 3000, 3800, 4600, 5300, 6000),
        ratio=1.3,
        adult_share=0.18,
        responsible="joseph",
        data_source="Construction completion reports",
    ),
    _Plan(
        "1.2",
        "O1",
        "Water points functional at time of spot check",
        "percent",
        unit="%",
        definition="Spot checks finding the water point working ÷ spot checks made, × 100.",
        baseline=55,
        targets=(60, 65, 70, 75, 80, 80, 85, 85),
        percents=(58, 63, 66, 70, 74, 77),
        sample=(8, 20),
        responsible="joseph",
        collection_method="Unannounced spot checks",
    ),
    _Plan(
        "1.3",
        "O1",
        "Chlorine tablet stock-out rate",
        "percent",
        "decrease",
        unit="% of weeks",
        definition="School-weeks with no chlorine tablets in stock ÷ school-weeks monitored, × 100.",
        baseline=35,
        targets=(30, 27, 24, 20, 17, 14, 12, 10),
        percents=(31, 26, 23, 19, 16, 13),
        sample=(13, 13),
        by_size=False,
        responsible="joseph",
        data_source="Weekly stock cards",
    ),
    _Plan(
        "2.1",
        "O2",
        "Pupils observed washing hands with soap at critical times",
        "percent",
        unit="%",
        definition="Pupils seen washing hands with soap after the latrine ÷ pupils observed, × 100.",
        baseline=20,
        targets=(25, 30, 35, 40, 45, 50, 55, 60),
        percents=(27, 34, 41, 49, 56, 63),
        sample=(30, 60),
        responsible="grace",
        collection_method="Structured observation",
    ),
    _Plan(
        "2.2",
        "O2",
        "Schools with separate, functional latrines for girls",
        "number",
        cumulation="running_total",
        unit="schools",
        targets=(2, 3, 4, 5, 6, 8, 9, 11),
        ratio=0.75,
        responsible="joseph",
        data_source="Facility checklist",
    ),
    _Plan(
        SATISFACTION,
        "O2",
        "Beneficiaries satisfied with school WASH services",
        "percent",
        unit="%",
        definition="Pupils, parents and staff answering 'satisfied' or 'very satisfied' ÷ respondents, × 100.",
        baseline=65,
        targets=(70, 72, 75, 75, 78, 80, 80, 80),
        percents=(78, 80, 76, 73, 66, 62),
        sample=(15, 40),
        responsible="amina",
        collection_method="Exit interviews",
    ),
    _Plan(
        "3.1",
        "O3",
        "Attendance at school WASH committee meetings",
        "percent",
        unit="%",
        definition="Members present at the quarterly meeting ÷ committee members, × 100.",
        baseline=40,
        targets=(60, 65, 70, 75, 80, 80, 85, 85),
        percents=(55, 60, 66, 72, 78, 82),
        sample=(7, 12),
        by_size=False,
        responsible="grace",
        data_source="Committee minutes",
    ),
    _Plan(
        "3.2",
        "O3",
        "How well school WASH committees function",
        "qualitative",
        baseline=None,
        definition="Narrative assessment by the field team after each committee visit.",
        responsible="grace",
    ),
    _Plan(
        "3.3",
        "O3",
        "Operation and maintenance funds collected by committees",
        "number",
        cumulation="cumulative",
        unit="USD",
        targets=(300, 700, 1200, 1800, 2400, 3000, 3600, 4200),
        ratio=0.92,
        responsible="david",
        data_source="Committee cash books",
    ),
    _Plan(
        "1.1.1",
        "O1.1",
        "Water points constructed or rehabilitated",
        "number",
        cumulation="cumulative",
        unit="water points",
        targets=(4, 10, 16, 22, 26, 30, 33, 35),
        ratio=0.5,
        lop_target=35,
        responsible="joseph",
        data_source="Contractor completion certificates",
    ),
    _Plan(
        "1.1.2",
        "O1.1",
        "Latrine blocks rehabilitated",
        "number",
        unit="latrine blocks",
        targets=(3, 4, 4, 4, 3, 3, 2, 2),
        ratio=1.0,
        responsible="joseph",
    ),
    _Plan(
        "1.2.1",
        "O1.2",
        "Chlorine tablet packs distributed to schools",
        "number",
        unit="packs",
        targets=(110,) * 8,
        ratio=0.95,
        responsible="joseph",
        data_source="Delivery notes",
    ),
    _Plan(
        "2.1.1",
        "O2.1",
        "People reached by hygiene promotion sessions",
        "number",
        unit="people",
        disaggregations=("SEX", "AGE"),
        targets=(800, 900, 900, 1000, 1000, 1000, 900, 900),
        ratio=1.35,
        responsible="grace",
        data_source="Session attendance sheets",
    ),
    _Plan(
        "2.1.2",
        "O2.1",
        "Hygiene promotion sessions held",
        "number",
        unit="sessions",
        targets=(30, 33, 33, 36, 36, 36, 33, 33),
        ratio=1.0,
        responsible="grace",
        data_source="Session attendance sheets",
    ),
    _Plan(
        "2.2.1",
        "O2.2",
        "Handwashing stations installed",
        "number",
        cumulation="cumulative",
        unit="stations",
        targets=(10, 25, 40, 55, 66, 77, 88, 99),
        ratio=1.05,
        responsible="joseph",
    ),
    _Plan(
        "3.1.1",
        "O3.1",
        "School WASH committee members trained",
        "number",
        unit="people",
        disaggregations=("SEX",),
        targets=(40, 40, 30, 30, 20, 20, 10, 10),
        ratio=0.55,
        responsible="grace",
        data_source="Training attendance sheets",
    ),
)

COMMENTS = {
    ("1.1.1", "2025Q3"): "Drilling delayed by the long rains; the rig could not reach the site.",
    ("3.1.1", "2025Q4"): "Trainings postponed: facilitators redeployed to the cholera response.",
    (SATISFACTION, "2026Q1"): "Long queues at the only working tap after two pump breakdowns.",
    (SATISFACTION, "2026Q2"): "Parents complain that repairs take weeks; latrines not cleaned daily.",
}

# Values made unusual on purpose, so the data-quality warnings have something to show: one
# explained by a comment, one left for the user to check (more than 3× its target, still a draft).
PLANTED = {
    ("2.1.1", "2025Q4", "HIL-03"): "Joint hygiene day with the district health office; parents came too.",
    ("1.2.1", "2026Q2", "RIV-01"): "",
}
PLANTED_FACTOR = 4
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


def _indicator(plan: _Plan, schools: Sequence[str], size: Sequence[float]) -> dict[str, Any]:
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


def _targets(plan: _Plan, schools: Sequence[str], size: Sequence[float]) -> list[dict[str, Any]]:
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
    plan: _Plan, schools: Sequence[str], size: Sequence[float], rng: random.Random
) -> list[dict[str, Any]]:
    if plan.measure == "qualitative":
        return _stories(plan, schools, rng)
    if plan.measure == "percent":
        return _ratios(plan, schools, size, rng)
    return _numbers(plan, schools, size, rng)


def _item(plan: _Plan, period: str, school: str, **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"indicator": plan.code, "period": period, "site": school, **fields}
    status = VALUE_STATUS.get(period)
    if status:
        item["status"] = status
    return item


def _numbers(
    plan: _Plan, schools: Sequence[str], size: Sequence[float], rng: random.Random
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


def _mix(plan: _Plan, rng: random.Random) -> list[tuple[dict[str, str], float]]:
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
    plan: _Plan, schools: Sequence[str], size: Sequence[float], rng: random.Random
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


def _stories(plan: _Plan, schools: Sequence[str], rng: random.Random) -> list[dict[str, Any]]:
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

    def create_demo(self, replace: bool = False) -> PackageSummary:
        """Import the demo programme. Raises ConflictError if it exists, unless `replace` is set,
        which deletes the existing DEMO-WASH and everything entered in it first."""
        if self.exists():
            if not replace:
                raise ConflictError(f"the demo programme {DEMO_CODE} already exists")
            if self._database_path is not None:
                # The import backs up too, but only after the old demo (and its entries) is gone.
                backup_database(self._database_path, reason="before-demo-replace")
            ProgrammeService(self._sessions, self._actor).delete(DEMO_CODE, with_data=True)
        packages = PackageService(self._sessions, self._actor, self._database_path)
        return packages.import_package(demo_package(), source="demo")

# SPDX-License-Identifier: GPL-3.0-or-later
"""Programme packages for tests: rich ones that touch every feature of the format."""

from __future__ import annotations

import copy
from typing import Any

QUARTERS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
COMBOS = (("F", "U18"), ("F", "A18"), ("M", "U18"), ("M", "A18"))


def rich_package(extra_sites: int = 0) -> dict[str, Any]:
    """WASH-01, quarterly 2025: three tiers, SEX × AGE, number / percent / qualitative indicators
    in every cumulation, programme and site targets, triggers, and values in every status.

    `extra_sites` adds sites X0001… under S (for batches of many cells of indicator 1.2).
    """
    sites = [
        # A child before its parent: the importer must not depend on order.
        {"code": "N01", "name": "Kibera school", "parent": "N"},
        {"code": "N", "name": "North district", "parent": None},
        {"code": "N02", "name": "Mathare school", "parent": "N"},
        {"code": "S", "name": "South district"},
        {"code": "S01", "name": "École de Kisumu", "parent": "S"},
    ]
    sites += [
        {"code": f"X{n:04d}", "name": f"Extra site {n}", "parent": "S"} for n in range(1, extra_sites + 1)
    ]
    values: list[dict[str, Any]] = []
    for q, period in enumerate(QUARTERS[:3]):
        for s, site in enumerate(("N01", "N02", "S01")):
            for c, (sex, age) in enumerate(COMBOS):
                values.append(
                    {
                        "indicator": "1.1",
                        "period": period,
                        "site": site,
                        "options": {"SEX": sex, "AGE": age},
                        "value": 5 + q * 2 + s * 3 + c,
                    }
                )
            values.append({"indicator": "1.2", "period": period, "site": site, "value": 10.5 + q + s})
            for sex in ("F", "M"):
                values.append(
                    {
                        "indicator": "1.3",
                        "period": period,
                        "site": site,
                        "options": {"SEX": sex},
                        "value": 4 + q,
                    }
                )
            values.append(
                {
                    "indicator": "2.1",
                    "period": period,
                    "site": site,
                    "numerator": 30 + q + s,
                    "denominator": 40,
                }
            )
            for sex in ("F", "M"):
                values.append(
                    {
                        "indicator": "2.2",
                        "period": period,
                        "site": site,
                        "options": {"SEX": sex},
                        "numerator": 3 + q,
                        "denominator": 10,
                    }
                )
            values.append(
                {
                    "indicator": "3.1",
                    "period": period,
                    "site": site,
                    "text": f"Comité actif – квартал {q + 1} «{site}»",
                }
            )
            values.append({"indicator": "1.4", "period": period, "site": site, "value": 0.1 * (q + 1)})
    # Every status, comments that look like spreadsheet formulas, a warning-raising value.
    values[0]["status"] = "approved"
    values[1]["status"] = "submitted"
    values[2].update(status="returned", status_reason="Check the register")
    values[3]["comment"] = '=HYPERLINK("http://evil")'
    values[4]["comment"] = "-2 vs last quarter; +3 expected @ end\tok"
    values.append({"indicator": "1.2", "period": "2025Q4", "site": "N01", "value": 900, "comment": "camp"})
    if extra_sites:
        values.append({"indicator": "1.2", "period": "2025Q1", "site": "X0001", "value": 1})

    return {
        "format": "pmdesk.programme/1",
        "programme": {
            "code": "WASH-01",
            "name": "Clean water for rural schools",
            "donor": "Water Trust",
            "description": "Écoles rurales: accès à l'eau potable",
            "start": "2025-01-01",
            "end": "2025-12-31",
            "frequency": "quarterly",
            "fiscal_year_start_month": 1,
            "thresholds": {"exceeding": 110, "on_track": 80.5, "at_risk": 60},
        },
        "custom_periods": [],
        "tiers": ["Goal", "Outcome", "Output"],
        "results": [
            {"code": "OP1", "tier": "Output", "title": "Pumps installed", "parent": "O1"},
            {"code": "G", "tier": "Goal", "title": "Healthier children", "parent": None},
            {
                "code": "O1",
                "tier": "Outcome",
                "title": "Schools have safe water",
                "parent": "G",
                "description": "All target schools",
            },
            {"code": "O2", "tier": "Outcome", "title": "Hygiene practices improve", "parent": "G"},
        ],
        "disaggregations": [
            {
                "code": "SEX",
                "name": "Sex",
                "options": [{"code": "F", "name": "Female"}, {"code": "M", "name": "Male"}],
            },
            {
                "code": "AGE",
                "name": "Age",
                "options": [{"code": "U18", "name": "Under 18"}, {"code": "A18", "name": "18+"}],
            },
        ],
        "sites": sites,
        "people": [
            {
                "code": "amina",
                "name": "Amina Yusuf",
                "organisation": "Water Trust",
                "role": "M&E officer",
                "email": "amina@example.org",
            },
            {"code": "joseph", "name": "Joseph Otieno"},
        ],
        "indicators": [
            {
                "code": "1.1",
                "result": "O1",
                "name": "People with safe water",
                "definition": "Count of people",
                "measure": "number",
                "unit": "people",
                "direction": "increase",
                "cumulation": "periodic",
                "disaggregations": ["SEX", "AGE"],
                "baseline": {"value": 0, "date": "2024-12-31"},
                "lop_target": None,
                "responsible": "amina",
                "data_source": "School registers",
                "collection_method": "Headcount",
                "frequency": "quarterly",
                "means_of_verification": "Registers",
                "rationale": "Core outcome",
                "targets": [
                    *({"period": p, "value": 100 + 20 * i} for i, p in enumerate(QUARTERS)),
                    *({"period": p, "site": "N01", "value": 20} for p in QUARTERS),
                    *({"period": p, "site": "N02", "value": 30.5} for p in QUARTERS[:2]),
                ],
            },
            {
                "code": "1.2",
                "result": "OP1",
                "name": "Water points built (cumulative)",
                "measure": "number",
                "direction": "increase",
                "cumulation": "cumulative",
                "allows_decimals": True,  # its values carry halves, to test the arithmetic
                "lop_target": 250,
                "targets": [{"period": p, "value": 50 * (i + 1)} for i, p in enumerate(QUARTERS)],
            },
            {
                "code": "1.3",
                "result": "OP1",
                "name": "Active committees (running total)",
                "measure": "number",
                "direction": "increase",
                "cumulation": "running_total",
                "disaggregations": ["SEX"],
                "targets": [{"period": p, "value": 10 * (i + 1)} for i, p in enumerate(QUARTERS)],
            },
            {
                "code": "1.4",
                "result": "O2",
                "name": "Cases of diarrhoea per 1,000 — Ελληνικά",
                "measure": "number",
                "direction": "decrease",
                "cumulation": "periodic",
                "allows_decimals": True,  # a rate
                "baseline": {"value": 1.5, "date": None, "note": "Survey 2024"},
                "targets": [{"period": p, "value": 0.25} for p in QUARTERS],
            },
            {
                "code": "2.1",
                "result": "O1",
                "name": "Schools with safe water (%)",
                "measure": "percent",
                "unit": "%",
                "direction": "increase",
                "cumulation": "periodic",
                "allows_decimals": True,  # the round-trip tests give any ratio
                "responsible": "joseph",
                "targets": [
                    *({"period": p, "value": 60 + 10 * i} for i, p in enumerate(QUARTERS)),
                    {"period": "2025Q1", "site": "N01", "value": 75},
                ],
            },
            {
                "code": "2.2",
                "result": "O2",
                "name": "Handwashing observed (%)",
                "measure": "percent",
                "direction": "none",
                "disaggregations": ["SEX"],
                "targets": [{"period": "2025Q4", "value": 50}],
            },
            {
                "code": "3.1",
                "result": "G",
                "name": "Community voice",
                "measure": "qualitative",
                "direction": "none",
            },
        ],
        "triggers": [
            {
                "code": "T1",
                "indicator": "2.1",
                "metric": "actual",
                "comparison": "<",
                "threshold": 70,
                "consecutive_periods": 2,
                "scope": "programme",
                "response": "Conduct a rapid review",
            },
            {
                "code": "T2",
                "result": "O1",
                "metric": "status",
                "comparison": "==",
                "threshold": "off_track",
                "scope": "site",
                "response": "Site visit",
            },
            {
                "code": "T3",
                "metric": "pct_met",
                "comparison": "<=",
                "threshold": 50.5,
                "response": "Escalate",
            },
        ],
        "values": values,
    }


def custom_package() -> dict[str, Any]:
    """BL-01 with custom periods (BASELINE, MIDLINE, ENDLINE) listed out of order."""
    return {
        "format": "pmdesk.programme/1",
        "programme": {
            "code": "BL-01",
            "name": "Survey-based programme",
            "start": "2024-01-01",
            "end": "2026-12-31",
            "frequency": "custom",
        },
        "custom_periods": [
            {"code": "MIDLINE", "start": "2025-06-01", "end": "2025-06-30"},
            {"code": "BASELINE", "start": "2024-01-01", "end": "2024-03-31"},
            {"code": "ENDLINE", "start": "2026-10-01", "end": "2026-12-31"},
        ],
        "tiers": ["Objective", "Key result"],
        "results": [{"code": "K1", "tier": "Objective", "title": "Better nutrition"}],
        "sites": [{"code": "C1", "name": "Country"}],
        "indicators": [
            {
                "code": "K1.1",
                "result": "K1",
                "name": "Stunting rate",
                "measure": "percent",
                "direction": "decrease",
                "targets": [{"period": "MIDLINE", "value": 30}, {"period": "ENDLINE", "value": 25}],
            },
            {
                "code": "K1.2",
                "result": "K1",
                "name": "Meals served",
                "measure": "number",
                "cumulation": "cumulative",
                "targets": [{"period": "ENDLINE", "value": 1000}],
            },
        ],
        "values": [
            {"indicator": "K1.1", "period": "BASELINE", "site": "C1", "numerator": 40, "denominator": 100},
            {"indicator": "K1.1", "period": "MIDLINE", "site": "C1", "numerator": 33, "denominator": 100},
            {"indicator": "K1.2", "period": "MIDLINE", "site": "C1", "value": 420},
        ],
    }


def without_values(package: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(package)
    out.pop("values", None)
    return out

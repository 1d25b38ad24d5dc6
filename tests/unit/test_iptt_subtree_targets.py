# SPDX-License-Identifier: GPL-3.0-or-later
"""The targets of a site subtree in the IPTT: counts add up over the sites in it, percentages do not
(40 % planned at one school and 60 % at another is not 100 % planned for the district)."""

from __future__ import annotations

from typing import Any

from pmdesk.services.actor import Actor
from pmdesk.services.iptt import IpttService
from pmdesk.services.packages import PackageService
from pmdesk.storage.database import Database

QUARTERS = ["2025Q1", "2025Q2", "2025Q3"]


def package() -> dict[str, Any]:
    def targets(programme: float, a: float, b: float, district: float) -> list[dict[str, Any]]:
        return [
            *({"period": q, "value": programme} for q in QUARTERS),
            {"period": "2025Q1", "site": "A", "value": a},
            {"period": "2025Q1", "site": "B", "value": b},
            {"period": "2025Q2", "site": "D", "value": district},
        ]

    return {
        "format": "pmdesk.programme/1",
        "programme": {
            "code": "SUB",
            "name": "Subtree targets",
            "start": "2025-01-01",
            "end": "2025-09-30",
            "frequency": "quarterly",
        },
        "tiers": ["Outcome"],
        "results": [{"code": "O1", "tier": "Outcome", "title": "Outcome"}],
        "sites": [
            {"code": "D", "name": "District"},
            {"code": "A", "name": "School A", "parent": "D"},
            {"code": "B", "name": "School B", "parent": "D"},
        ],
        "indicators": [
            {
                "code": "T",
                "result": "O1",
                "name": "Pupils",
                "measure": "number",
                "targets": targets(99, 10, 20, 5),
            },
            {
                "code": "P",
                "result": "O1",
                "name": "Share",
                "measure": "percent",
                "targets": targets(50, 40, 60, 55),
            },
        ],
    }


def period_targets(db: Database, site: str | None) -> dict[str, list[float | None]]:
    table = IpttService(db.sessions).table("SUB", as_of="2025Q3", site_code=site)
    return {row.code: [p.target for p in row.figures.periods] for row in table.rows}


def test_percent_targets_do_not_add_up_over_a_site_subtree(db: Database) -> None:
    PackageService(db.sessions, Actor(db.actor, db.device_uuid)).import_package(package())
    assert period_targets(db, None) == {"T": [99.0, 99.0, 99.0], "P": [50.0, 50.0, 50.0]}
    # The district: its schools' counts add up (10 + 20) with its own (5); a percentage is the
    # one set on the district itself, or none (never 40 + 60).
    assert period_targets(db, "D") == {"T": [30.0, 5.0, None], "P": [None, 55.0, None]}
    assert period_targets(db, "A") == {"T": [10.0, None, None], "P": [40.0, None, None]}

# SPDX-License-Identifier: GPL-3.0-or-later
"""A small, fully known programme for UI tests, built through the services like tests/unit/builders.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pmdesk.domain.enums import Cumulation, Frequency, Measure
from pmdesk.services.actor import Actor
from pmdesk.services.data_entry import DataEntryService
from pmdesk.services.framework import FrameworkService
from pmdesk.services.framework_records import IndicatorData, ResultData
from pmdesk.services.programmes import ProgrammeData, ProgrammeService
from pmdesk.services.sites import SiteService
from pmdesk.services.targets import TargetService
from pmdesk.storage.database import Database

CODE = "WASH-T"
NAME = "Clean water for Zinder"


@dataclass(frozen=True)
class Built:
    code: str
    name: str


def build_small_programme(db: Database, code: str = CODE, name: str = NAME) -> Built:
    """Quarterly 2025, data in Q1 and Q2 (so the IPTT is as of 2025 Q2), built through the services
    as a user would through the screens.

    Results: G1 (Goal) > O1 (Outcome) > OP1 (Output). Sites: NE (Niger) > ZR (Zinder) > S1, S2.
    Indicators (whole programme, as of Q2):
      1.1 number/periodic, targets 1,000 per quarter; actuals 1,100 + 700 → 1,800 of 2,000 = 90 % on track
          (S1: 600+400 = 1,000 of its targets 500+500 → 100 %; S2: 500+300 = 800 of 500+500 → 80 % at risk)
      1.2 percent, target 60 % in Q2; 45/60 + 21/40 in Q2 → 66 / 100 = 66 % → 110 % on track
      2.1 number/cumulative, cumulative target 2,000 at Q2; 100 + 200 → 300 → 15 % off track
      2.2 qualitative, a text per site
      2.3 number/periodic with large figures: 12,345.678 of 10,000 → 123.46 % exceeding
    """
    actor = Actor("tester", db.device_uuid)
    programmes = ProgrammeService(db.sessions, actor)
    framework = FrameworkService(db.sessions, actor)
    sites = SiteService(db.sessions, actor)
    targets = TargetService(db.sessions, actor)
    entry = DataEntryService(db.sessions, actor)
    programmes.create(
        ProgrammeData(
            code, name, date(2025, 1, 1), date(2025, 12, 31), Frequency.QUARTERLY, donor="Test donor"
        )
    )
    framework.save_result(code, ResultData("G1", "Healthier families in Zinder", "Goal"))
    framework.save_result(code, ResultData("O1", "Improved access to safe water", "Outcome", "G1"))
    framework.save_result(code, ResultData("OP1", "Water points built and working", "Output", "O1"))
    sites.add_site(code, "NE", "Niger")
    sites.add_site(code, "ZR", "Zinder", "NE")
    sites.add_site(code, "S1", "Mirriah", "ZR")
    sites.add_site(code, "S2", "Magaria", "ZR")
    for indicator in (
        IndicatorData(
            "1.1", "People with access to a safe water point", "O1", unit="people", baseline_value=0.0
        ),
        IndicatorData(
            "1.2",
            "Households treating their drinking water",
            "O1",
            Measure.PERCENT,
            unit="% of households",
            baseline_value=40.0,
        ),
        IndicatorData(
            "2.1", "Water points built", "OP1", cumulation=Cumulation.CUMULATIVE, unit="water points"
        ),
        IndicatorData("2.2", "Water committee functioning", "OP1", Measure.QUALITATIVE),
        IndicatorData("2.3", "Litres of water distributed", "OP1", unit="litres", allows_decimals=True),
    ):
        framework.save_indicator(code, indicator)

    for period in ("2025Q1", "2025Q2", "2025Q3", "2025Q4"):
        targets.set_target(code, "1.1", period, 1000)
        for site in ("S1", "S2"):
            targets.set_target(code, "1.1", period, 500, site_code=site)
    targets.set_target(code, "1.2", "2025Q2", 60)
    targets.set_target(code, "2.1", "2025Q2", 2000)
    targets.set_target(code, "2.3", "2025Q1", 10000)

    entry.set_value(code, "1.1", "2025Q1", "S1", value=600)
    entry.set_value(code, "1.1", "2025Q1", "S2", value=500)
    entry.set_value(code, "1.1", "2025Q2", "S1", value=400)
    entry.set_value(code, "1.1", "2025Q2", "S2", value=300)
    entry.set_value(code, "1.2", "2025Q2", "S1", numerator=45, denominator=60)
    entry.set_value(code, "1.2", "2025Q2", "S2", numerator=21, denominator=40)
    entry.set_value(code, "2.1", "2025Q1", "S1", value=100)
    entry.set_value(code, "2.1", "2025Q2", "S1", value=200)
    entry.set_value(code, "2.2", "2025Q2", "S1", text="Committee meets monthly")
    entry.set_value(code, "2.2", "2025Q2", "S2", text="Committee not yet formed")
    entry.set_value(code, "2.3", "2025Q1", "S2", value=12345.678)
    return Built(code, name)

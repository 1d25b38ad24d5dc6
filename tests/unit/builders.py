# SPDX-License-Identifier: GPL-3.0-or-later
"""Build small programmes through the services, the way a user would through the screens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pmdesk.domain.enums import Cumulation, Direction, Frequency, Measure
from pmdesk.services.actor import Actor
from pmdesk.services.data_entry import DataEntryService
from pmdesk.services.framework import FrameworkService
from pmdesk.services.framework_records import IndicatorData, OptionData, ResultData
from pmdesk.services.iptt import IpttService
from pmdesk.services.programmes import ProgrammeData, ProgrammeService
from pmdesk.services.sites import SiteService
from pmdesk.services.targets import TargetService
from pmdesk.storage.database import Database


@dataclass
class Services:
    programmes: ProgrammeService
    framework: FrameworkService
    sites: SiteService
    targets: TargetService
    entry: DataEntryService
    iptt: IpttService


def services(db: Database) -> Services:
    actor = Actor(db.actor, db.device_uuid)
    return Services(
        ProgrammeService(db.sessions, actor),
        FrameworkService(db.sessions, actor),
        SiteService(db.sessions, actor),
        TargetService(db.sessions, actor),
        DataEntryService(db.sessions, actor),
        IpttService(db.sessions),
    )


def small_programme(db: Database, code: str = "WASH-01") -> Services:
    """Quarterly 2025; Goal > Outcome > Output; sites N > N01, N02; SEX disaggregation; three indicators:
    1.1 number periodic by sex, 2.1 percent, 3.1 qualitative."""
    s = services(db)
    s.programmes.create(
        ProgrammeData(
            code,
            "Clean water for rural schools",
            date(2025, 1, 1),
            date(2025, 12, 31),
            Frequency.QUARTERLY,
            donor="Water Trust",
        ),
        tiers=("Goal", "Outcome", "Output"),
    )
    s.framework.save_result(code, ResultData("G", "Healthier children", "Goal"))
    s.framework.save_result(code, ResultData("O1", "Schools have safe water", "Outcome", "G"))
    s.framework.save_disaggregation(code, "SEX", "Sex", [OptionData("F", "Female"), OptionData("M", "Male")])
    s.sites.add_site(code, "N", "North district")
    s.sites.add_site(code, "N01", "Kibera school", "N")
    s.sites.add_site(code, "N02", "Mathare school", "N")
    s.framework.save_indicator(
        code,
        IndicatorData(
            "1.1",
            "Pupils reached",
            "O1",
            Measure.NUMBER,
            Direction.INCREASE,
            Cumulation.PERIODIC,
            "people",
            disaggregations=("SEX",),
            baseline_value=0,
            allows_decimals=True,  # the IPTT tests sum halves; test_data_entry refuses them
        ),
    )
    s.framework.save_indicator(
        code,
        IndicatorData(
            "2.1",
            "Schools with safe water",
            "O1",
            Measure.PERCENT,
            unit="%",
            baseline_value=20,
            allows_decimals=True,  # the data-entry tests type 1 200,5 in a French locale
        ),
    )
    s.framework.save_indicator(
        code, IndicatorData("3.1", "Most significant change", "G", Measure.QUALITATIVE)
    )
    for quarter, target in zip(("2025Q1", "2025Q2", "2025Q3", "2025Q4"), (100, 100, 150, 150)):
        s.targets.set_target(code, "1.1", quarter, target)
        s.targets.set_target(code, "2.1", quarter, 50 + 10 * int(quarter[-1]))
    return s

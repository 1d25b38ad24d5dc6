# SPDX-License-Identifier: GPL-3.0-or-later
"""A small, fully known programme for UI tests (and a larger one for benchmarks and screenshots)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from pmdesk.domain.enums import Frequency
from pmdesk.services.actor import Actor
from pmdesk.services.lookups import combo_id_for, programme_by_code
from pmdesk.services.programmes import ProgrammeData, ProgrammeService
from pmdesk.storage.database import Database
from pmdesk.storage.models import DataValueRow, IndicatorRow, ResultRow, SiteRow, TargetRow, TierRow

CODE = "WASH-T"
NAME = "Clean water for Zinder"


@dataclass(frozen=True)
class Built:
    code: str
    name: str


def build_small_programme(db: Database, code: str = CODE, name: str = NAME) -> Built:
    """Quarterly 2025, data in Q1 and Q2 (so the IPTT is as of 2025 Q2).

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
    ProgrammeService(db.sessions, actor).create(
        ProgrammeData(
            code, name, date(2025, 1, 1), date(2025, 12, 31), Frequency.QUARTERLY, donor="Test donor"
        )
    )
    with db.sessions.begin() as session:
        programme = programme_by_code(session, code)
        tiers = {t.name: t.id for t in session.query(TierRow).filter_by(programme_id=programme.id)}
        g1 = _result(session, programme.id, tiers["Goal"], "G1", "Healthier families in Zinder", None, 0)
        o1 = _result(session, programme.id, tiers["Outcome"], "O1", "Improved access to safe water", g1, 1)
        op1 = _result(session, programme.id, tiers["Output"], "OP1", "Water points built and working", o1, 2)
        ne = _site(session, programme.id, "NE", "Niger", None)
        zr = _site(session, programme.id, "ZR", "Zinder", ne)
        s1 = _site(session, programme.id, "S1", "Mirriah", zr)
        s2 = _site(session, programme.id, "S2", "Magaria", zr)
        total = combo_id_for(session, [])

        i11 = _indicator(
            session,
            programme.id,
            o1,
            "1.1",
            "People with access to a safe water point",
            "number",
            unit="people",
            baseline=0.0,
            order=1,
        )
        i12 = _indicator(
            session,
            programme.id,
            o1,
            "1.2",
            "Households treating their drinking water",
            "percent",
            unit="% of households",
            baseline=40.0,
            order=2,
        )
        i21 = _indicator(
            session,
            programme.id,
            op1,
            "2.1",
            "Water points built",
            "number",
            unit="water points",
            cumulation="cumulative",
            order=1,
        )
        i22 = _indicator(
            session, programme.id, op1, "2.2", "Water committee functioning", "qualitative", order=2
        )
        i23 = _indicator(
            session, programme.id, op1, "2.3", "Litres of water distributed", "number", unit="litres", order=3
        )

        for period in ("2025Q1", "2025Q2", "2025Q3", "2025Q4"):
            session.add(TargetRow(indicator_id=i11, period=period, value=1000.0))
            for site in (s1, s2):
                session.add(TargetRow(indicator_id=i11, period=period, site_id=site, value=500.0))
        session.add(TargetRow(indicator_id=i12, period="2025Q2", value=60.0))
        session.add(TargetRow(indicator_id=i21, period="2025Q2", value=2000.0))
        session.add(TargetRow(indicator_id=i23, period="2025Q1", value=10000.0))

        def value(indicator: int, period: str, site: int, **fields: object) -> None:
            session.add(
                DataValueRow(
                    indicator_id=indicator,
                    period=period,
                    site_id=site,
                    combo_id=total,
                    entered_by="tester",
                    **fields,
                )
            )

        value(i11, "2025Q1", s1, value=600.0)
        value(i11, "2025Q1", s2, value=500.0)
        value(i11, "2025Q2", s1, value=400.0)
        value(i11, "2025Q2", s2, value=300.0)
        value(i12, "2025Q2", s1, numerator=45.0, denominator=60.0)
        value(i12, "2025Q2", s2, numerator=21.0, denominator=40.0)
        value(i21, "2025Q1", s1, value=100.0)
        value(i21, "2025Q2", s1, value=200.0)
        value(i22, "2025Q2", s1, text="Committee meets monthly")
        value(i22, "2025Q2", s2, text="Committee not yet formed")
        value(i23, "2025Q1", s2, value=12345.678)
    return Built(code, name)


def build_large_programme(
    db: Database, code: str = "BIG-01", indicators: int = 40, sites: int = 30, seed: int = 3
) -> Built:
    """Quarterly over three years, values per site in the first seven quarters: for benchmarks and screenshots."""
    rng = random.Random(seed)
    actor = Actor("tester", db.device_uuid)
    ProgrammeService(db.sessions, actor).create(
        ProgrammeData(
            code,
            "Resilient livelihoods in the Sahel — large test programme",
            date(2024, 1, 1),
            date(2026, 12, 31),
            Frequency.QUARTERLY,
            donor="Bench donor",
        )
    )
    periods = [f"{y}Q{q}" for y in (2024, 2025, 2026) for q in (1, 2, 3, 4)]
    with db.sessions.begin() as session:
        programme = programme_by_code(session, code)
        tiers = {t.name: t.id for t in session.query(TierRow).filter_by(programme_id=programme.id)}
        goal = _result(
            session, programme.id, tiers["Goal"], "G", "Households are more resilient to shocks", None, 0
        )
        outcomes = [
            _result(session, programme.id, tiers["Outcome"], f"O{n}", title, goal, n)
            for n, title in enumerate(
                ("Diversified incomes", "Better nutrition", "Stronger local institutions"), 1
            )
        ]
        country = _site(session, programme.id, "NE", "Niger", None)
        regions = [
            _site(session, programme.id, f"R{n}", name, country)
            for n, name in enumerate(("Tillabéri", "Tahoua", "Maradi"), 1)
        ]
        site_ids = [
            _site(session, programme.id, f"S{n:03d}", f"Village {n}", regions[n % 3]) for n in range(sites)
        ]
        total = combo_id_for(session, [])
        for n in range(indicators):
            measure = "percent" if n % 5 == 4 else "number"
            ind = _indicator(
                session,
                programme.id,
                outcomes[n % 3],
                f"{n % 3 + 1}.{n // 3 + 1}",
                f"Indicator number {n + 1} with a realistically long name about households reached",
                measure,
                unit="%" if measure == "percent" else "households",
                baseline=float(rng.randint(0, 50)),
                order=n,
            )
            for period in periods:
                session.add(
                    TargetRow(
                        indicator_id=ind,
                        period=period,
                        value=60.0 if measure == "percent" else float(sites * 20),
                    )
                )
            rows = []
            for period in periods[:7]:
                for site in site_ids:
                    if measure == "percent":
                        den = float(rng.randint(20, 40))
                        rows.append(
                            DataValueRow(
                                indicator_id=ind,
                                period=period,
                                site_id=site,
                                combo_id=total,
                                numerator=float(rng.randint(5, int(den))),
                                denominator=den,
                            )
                        )
                    else:
                        rows.append(
                            DataValueRow(
                                indicator_id=ind,
                                period=period,
                                site_id=site,
                                combo_id=total,
                                value=float(rng.randint(5, 30 + n)),
                            )
                        )
            session.add_all(rows)
    return Built(code, "Resilient livelihoods in the Sahel — large test programme")


def _result(
    session: Session, programme_id: int, tier_id: int, code: str, title: str, parent: int | None, order: int
) -> int:
    row = ResultRow(
        programme_id=programme_id, tier_id=tier_id, code=code, title=title, parent_id=parent, sort_order=order
    )
    session.add(row)
    session.flush()
    return row.id


def _site(session: Session, programme_id: int, code: str, name: str, parent: int | None) -> int:
    row = SiteRow(programme_id=programme_id, code=code, name=name, parent_id=parent)
    session.add(row)
    session.flush()
    return row.id


def _indicator(
    session: Session,
    programme_id: int,
    result_id: int,
    code: str,
    name: str,
    measure: str,
    *,
    unit: str = "",
    baseline: float | None = None,
    cumulation: str = "periodic",
    direction: str = "increase",
    order: int = 0,
) -> int:
    row = IndicatorRow(
        programme_id=programme_id,
        result_id=result_id,
        code=code,
        name=name,
        measure=measure,
        unit=unit,
        baseline_value=baseline,
        cumulation=cumulation,
        direction=direction,
        sort_order=order,
    )
    session.add(row)
    session.flush()
    return row.id

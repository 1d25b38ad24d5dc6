# SPDX-License-Identifier: GPL-3.0-or-later
"""A made-up IPTT of any size, without a database: for the printed IPTT, the filters and the
sparklines (a framework of three tiers, every status, partial periods, hostile and non-Latin names)."""

from __future__ import annotations

from pmdesk.domain.enums import Cumulation, Direction, Measure, Status
from pmdesk.domain.iptt import Figures, IndicatorFigures, PeriodFigures, Thresholds, ToDateFigures
from pmdesk.domain.iptt_table import IpttRow, IpttTable, ResultInfo
from pmdesk.domain.periods import parse_period

HOSTILE = ["<b>bold?</b>", "R&D", "a < b", '<img src="http://x">', "&amp; stays", "</para>"]
NON_LATIN = ["São Tomé", "Niño & Peña", "Ελληνικά", "Кириллица", "Ça va, garçon"]

# id, code, title, tier, parent, depth
RESULTS = (
    ResultInfo(1, "G", "Children are healthier", "Goal", None, 0),
    ResultInfo(2, "1", "Safe water in schools", "Outcome", 1, 1),
    ResultInfo(3, "1.1", "Latrines built", "Output", 2, 2),
    ResultInfo(4, "1.2", "Water points repaired", "Output", 2, 2),
    ResultInfo(5, "2", "Hygiene habits", "Outcome", 1, 1),
    ResultInfo(6, "2.1", "Hygiene sessions held", "Output", 5, 2),
)
STATUSES = (Status.EXCEEDING, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA)
SITES = 11


def quarters(count: int, first_year: int = 2023) -> list[str]:
    return [f"{first_year + i // 4}Q{i % 4 + 1}" for i in range(count)]


def indicator_name(index: int) -> str:
    names = HOSTILE + NON_LATIN
    return f"Indicator {index} {names[index % len(names)]}"


def synthetic_iptt(indicators: int = 12, periods: int = 4, partial_last: bool = True) -> IpttTable:
    """`indicators` rows spread over results 2–6 (none on the goal), statuses in turn; the last
    period partly reported (3 of 11 sites) when `partial_last`."""
    codes = quarters(periods)
    rows = []
    for i in range(indicators):
        result = RESULTS[1 + i % (len(RESULTS) - 1)]
        status = STATUSES[i % len(STATUSES)]
        factor = {
            Status.EXCEEDING: 1.3,
            Status.ON_TRACK: 1.0,
            Status.AT_RISK: 0.78,
            Status.OFF_TRACK: 0.4,
            Status.NO_DATA: 0.0,
        }[status]
        items = []
        for n, code in enumerate(codes):
            target = 1000.0 + 250 * n + i
            actual = None if status is Status.NO_DATA else round(target * factor + 0.25, 2)
            partial = partial_last and n == len(codes) - 1
            reported = 3 if partial else SITES
            pct = None if actual is None else actual / target * 100
            items.append(PeriodFigures(code, target, actual, pct, None, reported if actual else 0, SITES))
        last_complete = items[-2] if partial_last and len(items) > 1 else items[-1]
        to_date = ToDateFigures(
            last_complete.target,
            last_complete.actual,
            last_complete.pct_met,
            None,
            status,
            partial=partial_last and len(items) == 1,
            sites_reported=3 if partial_last and len(items) == 1 else None,
            sites_expected=SITES,
        )
        rows.append(
            IpttRow(
                100 + i,
                f"IND-{i:03d}",
                indicator_name(i),
                result.id,
                result.code,
                Measure.NUMBER,
                Direction.INCREASE,
                Cumulation.RUNNING_TOTAL,
                "people",
                500.0 + i,
                IndicatorFigures(tuple(items), Figures(5000.0 + i, last_complete.actual, None), to_date),
            )
        )
    order = {r.id: n for n, r in enumerate(RESULTS)}
    rows.sort(key=lambda r: (order[r.result_id], r.indicator_id))
    return IpttTable(
        "PRG-1",
        "Programme «Água & Saúde» <b>",
        codes[-1] if codes else None,
        None,
        None,
        False,
        tuple(parse_period(c) for c in codes),
        RESULTS,
        tuple(rows),
        Thresholds(),
        sites_expected=SITES,
        partial_periods={codes[-1]: 3} if partial_last and codes else {},
        default_as_of=codes[-2] if len(codes) > 1 else None,
    )

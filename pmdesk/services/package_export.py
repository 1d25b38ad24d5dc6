# SPDX-License-Identifier: GPL-3.0-or-later
"""A programme written out as a package (pmdesk.programme/1): its definitions and its values."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pmdesk.formats.package_schema import FORMAT
from pmdesk.formats.problems import REPORT_EVERY, ProgressFn, count_text, report
from pmdesk.formats.value_items import json_number
from pmdesk.services.lookups import programme_periods
from pmdesk.services.package_loop import loop_sections
from pmdesk.services.package_variance import SECTION as EXPLANATIONS
from pmdesk.services.package_variance import explanation_items
from pmdesk.storage.models import (
    CustomPeriodRow,
    DataValueRow,
    DisaggregationRow,
    IndicatorDisaggregationRow,
    IndicatorRow,
    OptionComboRow,
    OptionRow,
    PersonRow,
    ProgrammeRow,
    ResultRow,
    SiteRow,
    TargetRow,
    TierRow,
    TriggerRow,
)


class PackageExporter:
    def __init__(self, session: Session, programme: ProgrammeRow) -> None:
        self.session = session
        self.programme = programme

    def package(self, include_values: bool, progress: ProgressFn | None = None) -> dict[str, Any]:
        session, p = self.session, self.programme
        pid = p.id
        custom = session.scalars(
            select(CustomPeriodRow)
            .where(CustomPeriodRow.programme_id == pid)
            .order_by(CustomPeriodRow.start, CustomPeriodRow.code)
        ).all()
        tiers = dict(
            session.execute(
                select(TierRow.id, TierRow.name).where(TierRow.programme_id == pid).order_by(TierRow.level)
            ).all()
        )
        results = session.scalars(
            select(ResultRow)
            .where(ResultRow.programme_id == pid)
            .order_by(ResultRow.sort_order, ResultRow.id)
        ).all()
        result_codes = {r.id: r.code for r in results}
        disaggs = session.scalars(
            select(DisaggregationRow)
            .where(DisaggregationRow.programme_id == pid)
            .order_by(DisaggregationRow.id)
        ).all()
        sites = session.scalars(select(SiteRow).where(SiteRow.programme_id == pid).order_by(SiteRow.id)).all()
        site_codes = {s.id: s.code for s in sites}
        people = session.scalars(
            select(PersonRow).where(PersonRow.programme_id == pid).order_by(PersonRow.id)
        ).all()
        person_codes = {person.id: person.code for person in people}
        indicators = session.scalars(
            select(IndicatorRow)
            .where(IndicatorRow.programme_id == pid)
            .order_by(IndicatorRow.sort_order, IndicatorRow.id)
        ).all()
        indicator_codes = {i.id: i.code for i in indicators}
        disagg_codes = {d.id: d.code for d in disaggs}
        used: dict[int, list[tuple[int, str]]] = {}
        for link in session.scalars(
            select(IndicatorDisaggregationRow).where(
                IndicatorDisaggregationRow.indicator_id.in_(indicator_codes)
            )
        ):
            used.setdefault(link.indicator_id, []).append(
                (link.position, disagg_codes[link.disaggregation_id])
            )
        period_order = {period.code: i for i, period in enumerate(programme_periods(session, p))}
        targets: dict[int, list[tuple[tuple[int, str, str], dict[str, Any]]]] = {}
        for t in session.scalars(select(TargetRow).where(TargetRow.indicator_id.in_(indicator_codes))):
            site = site_codes.get(t.site_id) if t.site_id is not None else None
            entry: dict[str, Any] = {"period": t.period}
            if site is not None:
                entry["site"] = site
            entry["value"] = json_number(t.value)
            order = (period_order.get(t.period, len(period_order)), t.period, site or "")
            targets.setdefault(t.indicator_id, []).append((order, entry))

        package: dict[str, Any] = {
            "format": FORMAT,
            "programme": {
                "code": p.code,
                "name": p.name,
                "donor": p.donor,
                "description": p.description,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "frequency": p.frequency,
                "fiscal_year_start_month": p.fiscal_year_start_month,
                "approval_by_other": p.approval_by_other,
                "thresholds": {
                    "exceeding": json_number(p.threshold_exceeding),
                    "on_track": json_number(p.threshold_on_track),
                    "at_risk": json_number(p.threshold_at_risk),
                },
            },
            "custom_periods": [
                {"code": c.code, "start": c.start.isoformat(), "end": c.end.isoformat()} for c in custom
            ],
            "tiers": list(tiers.values()),
            "results": [
                {
                    "code": r.code,
                    "tier": tiers[r.tier_id],
                    "title": r.title,
                    "description": r.description,
                    "parent": result_codes.get(r.parent_id) if r.parent_id is not None else None,
                }
                for r in results
            ],
            "disaggregations": [
                {
                    "code": d.code,
                    "name": d.name,
                    "options": [{"code": o.code, "name": o.name} for o in d.options],
                }
                for d in disaggs
            ],
            "sites": [
                {
                    "code": s.code,
                    "name": s.name,
                    "parent": site_codes.get(s.parent_id) if s.parent_id is not None else None,
                }
                for s in sites
            ],
            "people": [
                {
                    "code": person.code,
                    "name": person.name,
                    "organisation": person.organisation,
                    "role": person.role,
                    "email": person.email,
                }
                for person in people
            ],
            "indicators": [
                {
                    "code": i.code,
                    "result": result_codes[i.result_id],
                    "name": i.name,
                    "definition": i.definition,
                    "measure": i.measure,
                    "unit": i.unit,
                    "direction": i.direction,
                    "cumulation": i.cumulation,
                    "disaggregations": [code for _, code in sorted(used.get(i.id, []))],
                    "baseline": _baseline(i),
                    "lop_target": json_number(i.lop_target),
                    "allows_decimals": i.allows_decimals,
                    "data_source": i.data_source,
                    "collection_method": i.collection_method,
                    "frequency": i.frequency,
                    "responsible": person_codes.get(i.responsible_id)
                    if i.responsible_id is not None
                    else None,
                    "means_of_verification": i.means_of_verification,
                    "rationale": i.rationale,
                    "targets": [entry for _, entry in sorted(targets.get(i.id, []), key=lambda t: t[0])],
                }
                for i in indicators
            ],
            "triggers": [
                _trigger(t, indicator_codes, result_codes)
                for t in session.scalars(
                    select(TriggerRow).where(TriggerRow.programme_id == pid).order_by(TriggerRow.id)
                )
            ],
        }
        package.update(loop_sections(session, p, indicator_codes, person_codes))
        package[EXPLANATIONS] = explanation_items(session, p)
        if include_values:
            package["values"] = value_items(session, p, progress)
        return package


def _baseline(row: IndicatorRow) -> dict[str, Any] | None:
    if row.baseline_value is None and row.baseline_date is None and not row.baseline_note:
        return None
    return {
        "value": json_number(row.baseline_value),
        "date": row.baseline_date.isoformat() if row.baseline_date else None,
        "note": row.baseline_note,
    }


def _trigger(row: TriggerRow, indicators: Mapping[int, str], results: Mapping[int, str]) -> dict[str, Any]:
    threshold: object = row.threshold
    if row.metric != "status":
        # A threshold that is not a number was written by something else than an import: give it
        # back as it is.
        with contextlib.suppress(ValueError):
            threshold = json_number(float(row.threshold))
    return {
        "code": row.code,
        "indicator": indicators.get(row.indicator_id) if row.indicator_id is not None else None,
        "result": results.get(row.result_id) if row.result_id is not None else None,
        "metric": row.metric,
        "comparison": row.comparison,
        "threshold": threshold,
        "consecutive_periods": row.consecutive_periods,
        "scope": row.scope,
        "response": row.response,
    }


def value_items(
    session: Session, programme: ProgrammeRow, progress: ProgressFn | None = None
) -> list[dict[str, Any]]:
    """Every DataValue of a programme as package `values` items, in IPTT order."""
    indicators = session.execute(
        select(IndicatorRow.id, IndicatorRow.code)
        .where(IndicatorRow.programme_id == programme.id)
        .order_by(IndicatorRow.sort_order, IndicatorRow.id)
    ).all()
    indicator_codes = {i: c for i, c in indicators}
    indicator_order = {i: n for n, (i, _) in enumerate(indicators)}
    site_codes = dict(
        session.execute(select(SiteRow.id, SiteRow.code).where(SiteRow.programme_id == programme.id)).all()
    )
    option_names = {
        o: (d, code, sort)
        for o, d, code, sort in session.execute(
            select(OptionRow.id, DisaggregationRow.code, OptionRow.code, OptionRow.sort_order)
            .join(DisaggregationRow, DisaggregationRow.id == OptionRow.disaggregation_id)
            .where(DisaggregationRow.programme_id == programme.id)
        ).all()
    }
    positions = {
        (link.indicator_id, link.disaggregation_id): link.position
        for link in session.scalars(
            select(IndicatorDisaggregationRow).where(
                IndicatorDisaggregationRow.indicator_id.in_(indicator_codes)
            )
        )
    }
    disagg_ids = dict(
        session.execute(
            select(DisaggregationRow.code, DisaggregationRow.id).where(
                DisaggregationRow.programme_id == programme.id
            )
        ).all()
    )
    combos = dict(session.execute(select(OptionComboRow.id, OptionComboRow.key)).all())
    period_order = {period.code: i for i, period in enumerate(programme_periods(session, programme))}
    # (indicator, combo) → its (disaggregation, option) pairs in the indicator's order, and a key
    # that sorts cells as the options are listed (F before M), not alphabetically.
    combo_options: dict[tuple[int, int], tuple[list[tuple[str, str]], tuple[int, ...]]] = {}

    def options_of(indicator_id: int, combo_id: int) -> tuple[list[tuple[str, str]], tuple[int, ...]]:
        cached = combo_options.get((indicator_id, combo_id))
        if cached is None:
            ids = [int(o) for o in filter(None, combos.get(combo_id, "").split(","))]
            named = [option_names[o] for o in ids if o in option_names]
            named.sort(key=lambda n: (positions.get((indicator_id, disagg_ids[n[0]]), len(positions)), n[0]))
            cached = ([(d, code) for d, code, _ in named], tuple(sort for _, _, sort in named))
            combo_options[(indicator_id, combo_id)] = cached
        return cached

    rows = session.execute(
        select(
            DataValueRow.indicator_id,
            DataValueRow.period,
            DataValueRow.site_id,
            DataValueRow.combo_id,
            DataValueRow.value,
            DataValueRow.numerator,
            DataValueRow.denominator,
            DataValueRow.text,
            DataValueRow.comment,
            DataValueRow.status,
            DataValueRow.status_reason,
        )
        .join(IndicatorRow, IndicatorRow.id == DataValueRow.indicator_id)
        .where(IndicatorRow.programme_id == programme.id)
    ).all()
    keyed = []
    total = len(rows)
    message = f"Reading {count_text(total, 'value')}"
    for index, (ind, period, site, combo, value, num, den, text, comment, status, reason) in enumerate(rows):
        if not index % REPORT_EVERY:
            report(progress, index, total, message)
        options, options_order = options_of(ind, combo)
        item: dict[str, Any] = {
            "indicator": indicator_codes[ind],
            "period": period,
            "site": site_codes[site],
        }
        if options:
            item["options"] = dict(options)
        if text is not None:
            item["text"] = text
        elif num is not None or den is not None:
            item["numerator"], item["denominator"] = json_number(num), json_number(den)
        else:
            item["value"] = json_number(value)
        if comment:
            item["comment"] = comment
        if status != "draft":
            item["status"] = status
        if reason:
            item["status_reason"] = reason
        order = (
            indicator_order[ind],
            period_order.get(period, len(period_order)),
            period,
            item["site"],
            options_order,
        )
        keyed.append((order, item))
    keyed.sort(key=lambda pair: pair[0])
    return [item for _, item in keyed]

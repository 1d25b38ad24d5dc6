# SPDX-License-Identifier: GPL-3.0-or-later
"""The Dashboard's charts from a `Dashboard` (services/dashboard.py): the service's figures turned
into chart inputs, and every chart drawn in one call, on whatever thread calls it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pmdesk.domain.iptt import partial_note
from pmdesk.reports.chart_palette import STATUS_LABELS
from pmdesk.reports.chart_types import (
    ChartImage,
    RateBar,
    ResultBar,
    SiteBar,
    StatusCount,
    TrendPoint,
    TrendSeries,
)
from pmdesk.reports.charts import (
    indicator_trend_chart,
    reporting_rate_chart,
    result_achievement_chart,
    site_comparison_chart,
    status_counts_chart,
)
from pmdesk.services.dashboard import Dashboard, IndicatorTrend, SiteComparison

#: The Dashboard's charts, by the name the screen knows them by.
STATUS, RESULTS, TREND, SITES, REPORTING = "status", "results", "trend", "sites", "reporting"
CHARTS = (STATUS, RESULTS, TREND, SITES, REPORTING)


@dataclass(frozen=True)
class ChartSize:
    width_px: int
    height_px: int


def status_counts(board: Dashboard) -> list[StatusCount]:
    return [
        StatusCount(t.status.value, STATUS_LABELS.get(t.status.value, t.status.value), t.count, t.partial)
        for t in board.statuses
    ]


def result_bars(board: Dashboard) -> list[ResultBar]:
    return [
        ResultBar(
            r.result_code,
            f"{r.result_code} {r.title}".strip(),
            r.pct_met,
            r.status.value,
            r.rated,
            r.met,
            r.partial,
        )
        for r in board.results
    ]


def trend_series(board: Dashboard, trend: IndicatorTrend) -> TrendSeries:
    labels = {p.code: p.label() for p in board.periods}
    return TrendSeries(
        trend.code,
        trend.name,
        trend.unit,
        trend.is_percent,
        tuple(
            TrendPoint(
                p.period,
                labels.get(p.period, p.period),
                p.target,
                p.actual,
                p.is_partial,
                partial_note(p.sites_reported, p.sites_expected) if p.is_partial else "",
            )
            for p in trend.periods
        ),
    )


def site_bars(comparison: SiteComparison) -> list[SiteBar]:
    return [
        SiteBar(f.site_code, f.site_name, f.actual, f.target, f.status.value, f.is_partial)
        for f in comparison.sites
    ]


def rate_bars(board: Dashboard) -> list[RateBar]:
    return [
        RateBar(
            r.period,
            r.label,
            r.rate,
            r.reported,
            r.expected,
            r.indicators,
            r.complete,
            r.submitted_rate,
            r.submitted,
            r.sites,
        )
        for r in board.reporting
    ]


def render_dashboard(
    board: Dashboard,
    sizes: Mapping[str, ChartSize],
    dpi: float,
    focus: str | None = None,
    sites: SiteComparison | None = None,
) -> dict[str, ChartImage]:
    """Each chart named in `sizes` at its size; the trend and sites charts show `focus` (default
    the dashboard's), across `sites` (default the dashboard's comparison). A trend or sites chart
    with no indicator to show is left out."""
    focus = focus or board.focus
    sites = sites or board.sites
    trend = board.indicator(focus) if focus else None
    out: dict[str, ChartImage] = {}
    for name, size in sizes.items():
        w, h = size.width_px, size.height_px
        if name == STATUS:
            out[name] = status_counts_chart(status_counts(board), w, h, dpi)
        elif name == RESULTS:
            out[name] = result_achievement_chart(result_bars(board), w, h, dpi)
        elif name == TREND and trend is not None:
            out[name] = indicator_trend_chart(trend_series(board, trend), w, h, dpi)
        elif name == SITES and sites is not None:
            out[name] = site_comparison_chart(
                sites.indicator_code, site_bars(sites), sites.is_percent, w, h, dpi
            )
        elif name == REPORTING:
            out[name] = reporting_rate_chart(rate_bars(board), w, h, dpi)
    return out

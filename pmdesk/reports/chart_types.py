# SPDX-License-Identifier: GPL-3.0-or-later
"""What a chart is drawn from and what it gives back: the plain frozen dataclasses the dashboard
service or a report fills in (a trend, status counts, results, sites, reporting rates), and the
`ChartImage` a chart function of charts.py returns, with the clickable `ChartRegion`s and the
`ChartKey` saying what each shows."""

from __future__ import annotations

from dataclasses import dataclass

# -- what goes in --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """One period of an indicator: its target and actual as the IPTT shows them (None: none)."""

    period: str  # the code: '2026Q1'
    label: str  # as screens write it: '2026 Q1'
    target: float | None
    actual: float | None
    partial: bool = False  # not every site expected to report has a value
    note: str = ""  # shown on hover, e.g. 'partial (1 of 11 sites)'


@dataclass(frozen=True)
class TrendSeries:
    """Target against actual over the periods of one indicator, in period order."""

    indicator_code: str
    indicator_name: str
    unit: str
    is_percent: bool
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class StatusCount:
    """How many indicators have a status; `partial` of them rest on a partly reported period."""

    status: str  # a Status value: 'on_track' …
    label: str  # 'On track'
    count: int
    partial: int = 0


@dataclass(frozen=True)
class ResultBar:
    """One result of the framework: the mean % met to date of its indicators with a figure."""

    result_code: str
    label: str  # 'O1 Schools have safe water'
    pct_met: float | None
    status: str  # the band the mean falls in (a Status value)
    rated: int  # indicators with a % met
    met: int  # of which on track or exceeding
    partial: int = 0


@dataclass(frozen=True)
class SiteBar:
    """One site's actual to date of an indicator, against the site's own target to date."""

    site_code: str
    label: str  # the site's name
    actual: float | None
    target: float | None
    status: str  # a Status value
    partial: bool = False


@dataclass(frozen=True)
class RateBar:
    """A period's reporting: the bar is the share of the expected values present (the IPTT's rule,
    DESIGN.md §3a: `reported` of `expected` over its `indicators` with values, `complete` of them
    from every site); `submitted`, when given, the share of reporting sites whose report is
    submitted or approved (`submitted_sites` of `sites`), drawn as a line over the bars."""

    period: str
    label: str
    rate: float | None  # in %; None: no site expected to report
    reported: int
    expected: int
    indicators: int = 0
    complete: int = 0
    submitted: float | None = None  # in %; None: not shown
    submitted_sites: int = 0
    sites: int = 0

    @property
    def is_partial(self) -> bool:
        return self.complete < self.indicators


# -- what comes out -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartKey:
    """What a region of a chart shows: `kind` is 'status', 'result', 'period' (a period of an
    indicator's trend, or of the reporting rate when `indicator_code` is None) or 'site'."""

    kind: str
    status: str | None = None
    result_code: str | None = None
    indicator_code: str | None = None
    period: str | None = None
    site_code: str | None = None


@dataclass(frozen=True)
class ChartRegion:
    """A clickable rectangle in image pixels, origin at the top left."""

    x: int
    y: int
    w: int
    h: int
    key: ChartKey
    tip: str = ""  # what hovering says: the element's figures in words

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px < self.x + self.w and self.y <= py < self.y + self.h


@dataclass(frozen=True)
class ChartImage:
    png: bytes
    width_px: int
    height_px: int
    regions: tuple[ChartRegion, ...] = ()

    def region_at(self, px: float, py: float) -> ChartRegion | None:
        """The region under an image pixel (the last drawn wins where they overlap)."""
        for region in reversed(self.regions):
            if region.contains(px, py):
                return region
        return None

# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT arithmetic of DESIGN.md §3 and §3a: period actuals, cumulations, % met, status, partial reporting.

Pure functions over plain numbers, so every rule is tested without a database. The service
aggregates DataValues into one `PeriodInput` per period (sums over sites and option combos)
and this module does the rest. Nothing here rounds: rounding happens only when displaying.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pmdesk.domain.enums import Cumulation, Direction, Measure, Status
from pmdesk.domain.status_look import STATUS_WORDS


@dataclass(frozen=True)
class Thresholds:
    """Status bands in % met: > exceeding, ≥ on_track, ≥ at_risk, else off track."""

    exceeding: float = 115.0
    on_track: float = 85.0
    at_risk: float = 70.0

    def problems(self) -> list[str]:
        if not (0 <= self.at_risk <= self.on_track <= self.exceeding):
            return ["thresholds must satisfy 0 ≤ at_risk ≤ on_track ≤ exceeding"]
        return []


# The four bands a figure against its target falls in, by the words every place shows a status in.
BAND_NAMES = {
    s: STATUS_WORDS[s] for s in (Status.EXCEEDING, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)
}


def band_label(status: Status, thresholds: Thresholds) -> str:
    """A status band as every place writes it, from the programme's thresholds: 'Exceeding > 115 %',
    'On track 85–115 %', 'At risk 70–85 %', 'Off track < 70 %'; a status without a band ('No
    data') by its name."""
    t = thresholds
    ranges = {
        Status.EXCEEDING: f"> {t.exceeding:g} %",
        Status.ON_TRACK: f"{t.on_track:g}–{t.exceeding:g} %",
        Status.AT_RISK: f"{t.at_risk:g}–{t.on_track:g} %",
        Status.OFF_TRACK: f"< {t.at_risk:g} %",
    }
    if status not in ranges:
        return status.value.replace("_", " ").capitalize()
    return f"{BAND_NAMES[status]} {ranges[status]}"


def bands_line(thresholds: Thresholds) -> str:
    """All four bands in one line: 'Exceeding > 115 % · On track 85–115 % · …'."""
    return " · ".join(band_label(s, thresholds) for s in BAND_NAMES)


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    measure: Measure
    direction: Direction
    cumulation: Cumulation
    baseline: float | None = None
    lop_target: float | None = None  # set explicitly; otherwise derived from period targets

    @property
    def effective_cumulation(self) -> Cumulation:
        # A percentage is a state, not a count: it never adds up over time.
        if self.measure is Measure.PERCENT:
            return Cumulation.RUNNING_TOTAL
        return self.cumulation


@dataclass(frozen=True, slots=True)
class PeriodInput:
    """What was reported for one period, already summed over sites and option combos."""

    total: float | None = None  # number: Σ values; None when nothing was reported
    numerator: float | None = None  # percent: Σ numerators
    denominator: float | None = None  # percent: Σ denominators
    texts: tuple[str, ...] = ()  # qualitative
    target: float | None = None
    # Sites expected to report (in the chosen subtree) that have a value, and how many are expected;
    # None when unknown, which counts as completely reported.
    sites_reported: int | None = None
    sites_expected: int | None = None


_EMPTY = PeriodInput()


def is_partly_reported(reported: int | None, expected: int | None) -> bool:
    """Some, but not all, of the sites expected to report have a value (DESIGN.md §3a).

    A period nobody reported is not partial: it has no actual, so the gap is already visible.
    """
    if reported is None or expected is None:
        return False
    return 0 < reported < expected


def partial_note(reported: int | None, expected: int | None) -> str:
    """The words that mark a partly reported figure, e.g. "partial (1 of 11 sites)"."""
    if reported is None or expected is None:
        return "partial"
    return f"partial ({reported} of {expected} site{'' if expected == 1 else 's'})"


def is_completely_reported(reported: int | None, expected: int | None) -> bool:
    """Every site expected to report has a value; unknown counts are taken as complete."""
    if reported is None or expected is None:
        return True
    return reported >= expected


def latest_complete_period(
    periods: Sequence[str], reporting: Mapping[str, Sequence[tuple[int, int]]]
) -> str | None:
    """The default as-of: the latest period with values where no indicator is partly reported.

    `reporting[period]` holds (sites reported, sites expected) of each indicator with values in
    that period. With no complete period, the latest period with values (the caller marks it
    partial); with no values at all, None.
    """
    with_data = [p for p in periods if any(r > 0 for r, _ in reporting.get(p, ()))]
    complete = [p for p in with_data if not any(is_partly_reported(r, e) for r, e in reporting[p])]
    if complete:
        return complete[-1]
    return with_data[-1] if with_data else None


@dataclass(frozen=True)
class PeriodReporting:
    """How far one period is reported by the rule of §3a, over the indicators with values in it
    (an indicator nobody reported is not partial, as in `latest_complete_period`)."""

    indicators: int  # with a value from at least one site
    complete: int  # of which every site expected to report has a value
    reported: int  # Σ over those indicators of the sites with a value
    expected: int  # Σ over those indicators of the sites expected to report

    @property
    def rate(self) -> float | None:
        """Share (in %) of the expected values present; None when no indicator has values."""
        return 100.0 * self.reported / self.expected if self.expected else None

    @property
    def is_complete(self) -> bool:
        """The period has values and no indicator is partly reported (the IPTT's complete period)."""
        return self.indicators > 0 and self.complete == self.indicators


def period_reporting(counts: Sequence[tuple[int | None, int | None]]) -> PeriodReporting:
    """`counts`: (sites reported, sites expected) of each indicator that counts towards partial
    reporting (not the qualitative ones) in one period, as `PeriodFigures` carry them."""
    indicators = complete = reported = expected = 0
    for r, e in counts:
        if not r:
            continue  # nobody reported it: not partial, and not counted
        indicators += 1
        complete += not is_partly_reported(r, e)
        reported += r
        expected += r if e is None or e < r else e
    return PeriodReporting(indicators, complete, reported, expected)


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    period: str
    target: float | None
    actual: float | None
    pct_met: float | None
    text: str | None = None  # qualitative indicators only
    sites_reported: int | None = None
    sites_expected: int | None = None

    @property
    def is_partial(self) -> bool:
        return is_partly_reported(self.sites_reported, self.sites_expected)


@dataclass(frozen=True, slots=True)
class Figures:
    target: float | None
    actual: float | None
    pct_met: float | None


@dataclass(frozen=True, slots=True)
class ToDateFigures:
    target: float | None
    actual: float | None
    pct_met: float | None
    progress_from_baseline: float | None
    status: Status
    # The figures rest on a partly reported period (DESIGN.md §3a); `sites_*` are that period's.
    partial: bool = False
    sites_reported: int | None = None
    sites_expected: int | None = None
    # Running totals and percents: the period whose value is the actual to date.
    period: str | None = None


@dataclass(frozen=True, slots=True)
class IndicatorFigures:
    periods: tuple[PeriodFigures, ...]
    lop: Figures
    to_date: ToDateFigures


def ratio_percent(numerator: float | None, denominator: float | None) -> float | None:
    """100 × Σnumerator ÷ Σdenominator; no figure when the denominator is missing or 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return 100.0 * numerator / denominator


def raw_period_actual(measure: Measure, data: PeriodInput) -> float | None:
    """The actual of one period on its own, before any cumulation over time."""
    if measure is Measure.NUMBER:
        return data.total
    if measure is Measure.PERCENT:
        return ratio_percent(data.numerator, data.denominator)
    return None


def pct_met(actual: float | None, target: float | None, direction: Direction) -> float | None:
    """Achievement in %, turned around for decreasing indicators so that 100 always means 'met'."""
    if actual is None or target is None:
        return None
    if direction is Direction.DECREASE:
        return None if actual == 0 else 100.0 * target / actual
    return None if target == 0 else 100.0 * actual / target


def progress_from_baseline(
    actual: float | None, target: float | None, baseline: float | None
) -> float | None:
    """(actual − baseline) ÷ (target − baseline) × 100; negative means moving away from the target."""
    if actual is None or target is None or baseline is None or target == baseline:
        return None
    return 100.0 * (actual - baseline) / (target - baseline)


# Float noise must not move a % met that is exactly on a band edge into another band
# (100 × 5.1 ÷ 6 = 84.99999999999999, shown as 85.00 %). 1e-9 % is far below displayed precision.
_BAND_EPSILON = 1e-9


def status_of(
    actual: float | None,
    target: float | None,
    direction: Direction,
    thresholds: Thresholds,
) -> Status:
    """Status of actual-to-date against target-to-date (DESIGN.md §3)."""
    if target is None or target == 0:
        return Status.NO_TARGET
    if actual is None:
        return Status.NO_DATA
    met = pct_met(actual, target, direction)
    if met is None:
        # Only a decreasing indicator that reached 0 gets here (target > 0): there is no % figure,
        # but it has gone beyond its target.
        return Status.EXCEEDING
    if met > thresholds.exceeding + _BAND_EPSILON:
        return Status.EXCEEDING
    if met >= thresholds.on_track - _BAND_EPSILON:
        return Status.ON_TRACK
    if met >= thresholds.at_risk - _BAND_EPSILON:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _last(values: Sequence[float | None]) -> float | None:
    for value in reversed(values):
        if value is not None:
            return value
    return None


def _sum(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def compute_indicator(
    spec: IndicatorSpec,
    periods: Sequence[str],
    inputs: Mapping[str, PeriodInput],
    as_of: str | None,
    thresholds: Thresholds = Thresholds(),
) -> IndicatorFigures:
    """The IPTT row of one indicator.

    `periods` are all reporting periods of the programme, in order; the row lists those up to
    `as_of` (all of them when `as_of` is None). Actuals (period, to date, LoP) only use periods
    up to `as_of`, so a report "as of Q2" never shows later data; the LoP target uses all periods.
    """
    if as_of is not None and as_of not in periods:
        raise ValueError(f"as-of period {as_of!r} is not a reporting period")
    cut = len(periods) if as_of is None else periods.index(as_of) + 1
    # Each period's input looked up once: this runs for every indicator of every IPTT.
    empty = _EMPTY
    get = inputs.get
    all_inputs = [get(p, empty) for p in periods]
    all_targets = [i.target for i in all_inputs]
    shown = periods[:cut]
    shown_inputs = all_inputs[:cut]
    targets = all_targets[:cut]

    if spec.measure is Measure.QUALITATIVE:
        rows = tuple(
            PeriodFigures(
                p, i.target, None, None, "\n".join(i.texts) or None, i.sites_reported, i.sites_expected
            )
            for p, i in zip(shown, shown_inputs)
        )
        none = Figures(None, None, None)
        return IndicatorFigures(rows, none, ToDateFigures(None, None, None, None, Status.NO_TARGET))

    if spec.measure is Measure.NUMBER:
        raw = [i.total for i in shown_inputs]
    else:
        raw = [raw_period_actual(spec.measure, i) for i in shown_inputs]
    counts = [(i.sites_reported, i.sites_expected) for i in shown_inputs]
    cumulation = spec.effective_cumulation
    rests_on: int | None = None  # index of the period the to-date figures rest on (running totals)
    partial_at: int | None = None  # index of the partly reported period they rest on, if any

    if cumulation is Cumulation.CUMULATIVE:
        # Values are increments: each period shows the running sum through it. A period without
        # data of its own shows no actual, so a missing report stays visible.
        running: list[float | None] = []
        acc: float | None = None
        for value in raw:
            if value is not None:
                acc = (acc or 0.0) + value
            running.append(acc if value is not None else None)
        period_actuals = running
        actual_to_date = acc
        target_to_date = _last(targets)
        lop_target = spec.lop_target if spec.lop_target is not None else _last(all_targets)
        lop_actual = acc
        partial_at = _last_partial(counts)
    elif cumulation is Cumulation.PERIODIC:
        period_actuals = raw
        actual_to_date = _sum(raw)
        target_to_date = _sum(targets)
        lop_target = spec.lop_target if spec.lop_target is not None else _sum(all_targets)
        lop_actual = actual_to_date
        # A sum over periods is short by whatever a partly reported period lacks.
        partial_at = _last_partial(counts)
    else:  # running total, and every percent indicator
        period_actuals = raw
        # A state is read from the latest period every site reported (DESIGN.md §3a): one school's
        # figure is not the programme's. Only when no period is complete, the latest with a value.
        with_value = [i for i, value in enumerate(raw) if value is not None]
        complete = [i for i in with_value if is_completely_reported(*counts[i])]
        rests_on = complete[-1] if complete else (with_value[-1] if with_value else None)
        if rests_on is None:
            actual_to_date = None
            target_to_date = _last(targets)
        else:
            actual_to_date = raw[rests_on]
            # The target for the same moment as the actual, not the as-of's (DESIGN.md §3).
            target_to_date = _last(targets[: rests_on + 1])
            if not complete and is_partly_reported(*counts[rests_on]):
                partial_at = rests_on
        lop_target = spec.lop_target if spec.lop_target is not None else _last(all_targets)
        lop_actual = actual_to_date

    direction = spec.direction
    rows = tuple(
        PeriodFigures(p, t, a, pct_met(a, t, direction), None, r, e)
        for p, t, a, (r, e) in zip(shown, targets, period_actuals, counts)
    )
    lop = Figures(lop_target, lop_actual, pct_met(lop_actual, lop_target, spec.direction))
    reported, expected = counts[partial_at] if partial_at is not None else (None, None)
    to_date = ToDateFigures(
        target_to_date,
        actual_to_date,
        pct_met(actual_to_date, target_to_date, spec.direction),
        progress_from_baseline(actual_to_date, target_to_date, spec.baseline),
        status_of(actual_to_date, target_to_date, spec.direction, thresholds),
        partial_at is not None,
        reported,
        expected,
        shown[rests_on] if rests_on is not None else None,
    )
    return IndicatorFigures(rows, lop, to_date)


def _last_partial(counts: Sequence[tuple[int | None, int | None]]) -> int | None:
    for index in range(len(counts) - 1, -1, -1):
        reported, expected = counts[index]
        # is_partly_reported, inline: this runs for every period of every indicator.
        if reported is not None and expected is not None and 0 < reported < expected:
            return index
    return None

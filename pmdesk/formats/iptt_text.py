# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT as text files: JSON (DESIGN.md §8), flat CSV and a fixed-width text table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pmdesk.domain.enums import Measure, Status
from pmdesk.domain.iptt import PeriodFigures, ToDateFigures, bands_line, partial_note
from pmdesk.domain.iptt_table import IpttRow, IpttTable
from pmdesk.formats.csv_safe import Cell, csv_text

CSV_COLUMNS = (
    "programme",
    "site",
    "as_of",
    "result",
    "indicator",
    "name",
    "measure",
    "unit",
    "direction",
    "cumulation",
    "baseline",
    "period",
    "target",
    "actual",
    "pct_met",
    "text",
    "sites_reported",
    "sites_expected",
    "lop_target",
    "lop_actual",
    "lop_pct_met",
    "to_date_target",
    "to_date_actual",
    "to_date_pct_met",
    "progress_from_baseline",
    "status",
    "to_date_partial",
)

STATUS_LABELS = {
    Status.EXCEEDING: "exceeding",
    Status.ON_TRACK: "on track",
    Status.AT_RISK: "at risk",
    Status.OFF_TRACK: "off track",
    Status.NO_TARGET: "no target",
    Status.NO_DATA: "no data",
}

# How the IPTT treats a period not every site reported (DESIGN.md §3a), for every footnote.
PARTIAL_RULE = (
    "A period is partial when only some of the sites expected to report have a value for the indicator. "
    "The default as-of is the latest complete period. Running totals and percents take their to-date "
    "actual from the latest complete period at or before the as-of, with the target set for that period; "
    "only when there is none, from the latest period with a value, marked partial. A sum over a partial "
    "period is marked partial."
)

NAME_WIDTH = 44
NO_FIGURE = "-"


def status_label(to_date: ToDateFigures) -> str:
    """The to-date status in words, with its partial mark: "off track · partial (1 of 11 sites)"."""
    label = STATUS_LABELS.get(to_date.status, to_date.status.value)
    if to_date.partial:
        return f"{label} · {partial_note(to_date.sites_reported, to_date.sites_expected)}"
    return label


def _number(value: float | None) -> float | None:
    # SQLite sums may come back as int; §8 promises floats.
    return None if value is None else float(value)


# -- JSON -------------------------------------------------------------------------------------------


def _period_json(item: PeriodFigures, measure: Measure) -> dict[str, Any]:
    out: dict[str, Any] = {
        "period": item.period,
        "target": _number(item.target),
        "actual": _number(item.actual),
        "pct_met": _number(item.pct_met),
        "sites_reported": item.sites_reported,
        "sites_expected": item.sites_expected,
    }
    if measure is Measure.QUALITATIVE:
        out["text"] = item.text
    return out


def _indicator_json(row: IpttRow) -> dict[str, Any]:
    figures = row.figures
    return {
        "code": row.code,
        "name": row.name,
        "result": row.result_code,
        "measure": row.measure.value,
        "direction": row.direction.value,
        "cumulation": row.cumulation.value,
        "baseline": _number(row.baseline),
        "periods": [_period_json(p, row.measure) for p in figures.periods],
        "lop": {
            "target": _number(figures.lop.target),
            "actual": _number(figures.lop.actual),
            "pct_met": _number(figures.lop.pct_met),
        },
        "to_date": {
            "target": _number(figures.to_date.target),
            "actual": _number(figures.to_date.actual),
            "pct_met": _number(figures.to_date.pct_met),
            "progress_from_baseline": _number(figures.to_date.progress_from_baseline),
            "status": figures.to_date.status.value,
            "partial": figures.to_date.partial,
        },
    }


def iptt_json(table: IpttTable) -> dict[str, Any]:
    """The IPTT in the shape of DESIGN.md §8: unrounded floats, None where there is no figure."""
    return {
        "programme": table.programme_code,
        "as_of": table.as_of,
        "site": table.site_code,
        "indicators": [_indicator_json(row) for row in table.rows],
    }


# -- CSV --------------------------------------------------------------------------------------------


def iptt_csv(table: IpttTable) -> str:
    """One row per indicator and period, with the indicator's LoP and to-date figures repeated
    on each row so that any row can be read (or filtered) on its own.

    Written by pmdesk.formats.csv_safe: figures go in as numbers, so a negative one stays a
    number; every text cell, codes included, is neutralised and quoted by its rules.
    """
    rows: list[list[Cell]] = [list(CSV_COLUMNS)]
    results = {r.id: r.code for r in table.results}
    for row in table.rows:
        figures = row.figures
        head: list[Cell] = [
            table.programme_code,
            table.site_code or "",
            table.as_of or "",
            results.get(row.result_id, row.result_code),
            row.code,
            row.name,
            row.measure.value,
            row.unit,
            row.direction.value,
            row.cumulation.value,
            _number(row.baseline),
        ]
        tail: list[Cell] = [
            _number(figures.lop.target),
            _number(figures.lop.actual),
            _number(figures.lop.pct_met),
            _number(figures.to_date.target),
            _number(figures.to_date.actual),
            _number(figures.to_date.pct_met),
            _number(figures.to_date.progress_from_baseline),
            figures.to_date.status.value,
            "true" if figures.to_date.partial else "false",
        ]
        # An indicator of a programme without periods still gets its row.
        periods: Sequence[PeriodFigures | None] = figures.periods or (None,)
        for item in periods:
            middle: list[Cell] = (
                ["", "", "", "", "", "", ""]
                if item is None
                else [
                    item.period,
                    _number(item.target),
                    _number(item.actual),
                    _number(item.pct_met),
                    item.text or "",
                    item.sites_reported,
                    item.sites_expected,
                ]
            )
            rows.append(head + middle + tail)
    # "\n" rather than CR LF: `pmdesk iptt --format csv` prints to a text stdout, which on
    # Windows turns each "\n" into CR LF itself.
    return csv_text(rows, line_end="\n")


# -- text -------------------------------------------------------------------------------------------


def display_number(value: float | None) -> str:
    """At most two decimals, no trailing zeros: for display only, never for arithmetic."""
    if value is None:
        return NO_FIGURE
    shown = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if shown == "-0" else shown


def _truncate(text: str, width: int) -> str:
    text = " ".join(text.split())  # a name typed with line breaks must not break the table
    return text if len(text) <= width else text[: width - 1] + "…"


def _period_cell(row: IpttRow, item: PeriodFigures) -> str:
    if row.measure is Measure.QUALITATIVE:
        return "text" if item.text else NO_FIGURE  # stories from some sites: never partial
    shown = display_number(item.actual)
    if item.is_partial:
        shown += f" ({item.sites_reported}/{item.sites_expected} sites)"
    return shown


def iptt_text(table: IpttTable) -> str:
    """A readable fixed-width IPTT: result rows (tier, code, title) with their indicators below,
    each with to-date target, actual, % met and status, then the actual of each period."""
    periods = [p.code for p in table.periods]
    header = ["Indicator", "Name", "Unit", "Target", "Actual", "% met", "Status", *periods]
    right = {3, 4, 5, *range(7, 7 + len(periods))}

    depth = {r.id: r.depth for r in table.results}
    lines: list[list[str] | str] = []
    placed: set[int] = set()
    for result in table.results:
        lines.append("  " * result.depth + f"{result.tier} {result.code}: {' '.join(result.title.split())}")
        for row in table.rows_of(result.id):
            lines.append(_indicator_cells(row, "  " * (result.depth + 1)))
            placed.add(row.indicator_id)
    orphans = [row for row in table.rows if row.indicator_id not in placed]
    if orphans:
        lines.append("Indicators without a result")
        lines.extend(_indicator_cells(row, "  " * (depth.get(row.result_id, 0) + 1)) for row in orphans)

    rows = [line for line in lines if isinstance(line, list)]
    widths = [max(len(cells[i]) for cells in [header, *rows]) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(parts).rstrip()

    site = f"{table.site_code} {table.site_name or ''}".strip() if table.site_code else "all sites"
    scope = "approved values only" if table.approved_only else "all values"
    out = [
        f"IPTT {table.programme_code}: {table.programme_name}",
        f"As of {table.as_of or '(no data yet)'}{_as_of_note(table)} · {site} · {scope}",
        "",
        render(header),
        render(["-" * w for w in widths]),
    ]
    out.extend(render(line) if isinstance(line, list) else line for line in lines)
    if not table.rows:
        out.append("(no indicators)")
    out += [
        "",
        "Target, Actual and % met are to date. Numbers are rounded to at most 2 decimals for display.",
        "% met = actual ÷ target × 100 (target ÷ actual for decreasing indicators).",
        f"Status (% met): {bands_line(table.thresholds)}.",
        "Period actuals of cumulative indicators are running sums.",
        "(n/m sites): only n of the m sites expected to report have a value for that period.",
        PARTIAL_RULE,
    ]
    return "\n".join(out) + "\n"


def _as_of_note(table: IpttTable) -> str:
    if table.as_of is not None and table.as_of in table.partial_periods:
        return f" ({partial_note(table.partial_periods[table.as_of], table.sites_expected)})"
    return ""


def _indicator_cells(row: IpttRow, indent: str) -> list[str]:
    to_date = row.figures.to_date
    qualitative = row.measure is Measure.QUALITATIVE
    return [
        indent + row.code,
        _truncate(row.name, NAME_WIDTH),
        _truncate(row.unit or ("%" if row.measure is Measure.PERCENT else ""), 12),
        display_number(to_date.target),
        display_number(to_date.actual),
        display_number(to_date.pct_met),
        "qualitative" if qualitative else status_label(to_date),
        *(_period_cell(row, item) for item in row.figures.periods),
    ]

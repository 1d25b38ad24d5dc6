# SPDX-License-Identifier: GPL-3.0-or-later
"""Resolving a cell named by codes (indicator, period, site, options) to ids, with clear refusals.

Shared by single-cell data entry and bulk imports so both apply exactly the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pmdesk.domain.enums import Measure
from pmdesk.domain.periods import Period
from pmdesk.domain.value_rules import options_problem
from pmdesk.services.lookups import combo_id_for, programme_periods
from pmdesk.storage.models import (
    DisaggregationRow,
    IndicatorDisaggregationRow,
    IndicatorRow,
    OptionComboRow,
    OptionRow,
    ProgrammeRow,
    SiteRow,
)


class CellError(ValueError):
    """A cell reference that does not fit the programme; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class IndicatorFacts:
    id: int
    uuid: str
    code: str
    measure: Measure
    disaggregations: tuple[str, ...]  # codes, in the indicator's order
    allows_decimals: bool = False
    unit: str = ""


@dataclass(frozen=True)
class Cell:
    indicator: IndicatorFacts
    period: str
    site_id: int
    site_code: str
    combo_id: int
    is_total: bool  # the undisaggregated total (no options)


class CellResolver:
    """Caches a programme's codes for one transaction; resolves many cells cheaply."""

    def __init__(self, session: Session, programme: ProgrammeRow) -> None:
        self.session = session
        self.programme = programme
        self.periods: dict[str, Period] = {p.code: p for p in programme_periods(session, programme)}
        self.period_order = {code: i for i, code in enumerate(self.periods)}
        self.sites = dict(
            session.execute(
                select(SiteRow.code, SiteRow.id).where(SiteRow.programme_id == programme.id)
            ).all()
        )
        self.site_codes = {v: k for k, v in self.sites.items()}
        disaggs = {
            d.id: d.code
            for d in session.scalars(
                select(DisaggregationRow).where(DisaggregationRow.programme_id == programme.id)
            )
        }
        self.options: dict[str, dict[str, int]] = {code: {} for code in disaggs.values()}
        for opt in session.scalars(select(OptionRow).where(OptionRow.disaggregation_id.in_(disaggs))):
            self.options[disaggs[opt.disaggregation_id]][opt.code] = opt.id
        used: dict[int, list[tuple[int, str]]] = {}
        for link in session.scalars(
            select(IndicatorDisaggregationRow).where(
                IndicatorDisaggregationRow.disaggregation_id.in_(disaggs)
            )
        ):
            used.setdefault(link.indicator_id, []).append((link.position, disaggs[link.disaggregation_id]))
        self.indicators: dict[str, IndicatorFacts] = {}
        for ind in session.scalars(select(IndicatorRow).where(IndicatorRow.programme_id == programme.id)):
            codes = tuple(code for _, code in sorted(used.get(ind.id, [])))
            self.indicators[ind.code] = IndicatorFacts(
                ind.id, ind.uuid, ind.code, Measure(ind.measure), codes, ind.allows_decimals, ind.unit
            )
        self.indicator_codes = {f.id: f.code for f in self.indicators.values()}
        self._combos: dict[str, int] = dict(
            session.execute(select(OptionComboRow.key, OptionComboRow.id)).all()
        )
        self._option_names: dict[int, tuple[str, str]] | None = None
        self._combo_keys: dict[int, str] = {}

    def indicator(self, code: str) -> IndicatorFacts:
        facts = self.indicators.get(code)
        if facts is None:
            raise CellError("indicator", f"programme {self.programme.code} has no indicator '{code}'")
        return facts

    def check_period(self, code: str) -> str:
        if code not in self.periods:
            raise CellError("period", f"'{code}' is not a reporting period of {self.programme.code}")
        return code

    def site(self, code: str) -> int:
        site_id = self.sites.get(code)
        if site_id is None:
            raise CellError("site", f"site '{code}' is not in programme {self.programme.code}")
        return site_id

    def combo(
        self, indicator: IndicatorFacts, options: Mapping[str, str] | None, *, create: bool = True
    ) -> tuple[int, bool]:
        """The option combo id for `options` ({disaggregation code: option code}); empty = total.
        With `create=False` a combo not stored yet raises MissingComboError."""
        options = options or {}
        if not options:
            return combo_id_for(self.session, (), self._combos, create=create), True
        why = options_problem(indicator.code, indicator.disaggregations, options)
        if why is not None:
            raise CellError("options", why)
        ids = []
        for disagg, option in options.items():
            option_id = self.options.get(disagg, {}).get(option)
            if option_id is None:
                known = ", ".join(self.options.get(disagg, {})) or "none"
                raise CellError("options", f"'{option}' is not an option of {disagg} (options: {known})")
            ids.append(option_id)
        return combo_id_for(self.session, ids, self._combos, create=create), False

    def cell(
        self, indicator_code: str, period: str, site_code: str, options: Mapping[str, str] | None
    ) -> Cell:
        indicator = self.indicator(indicator_code)
        self.check_period(period)
        site_id = self.site(site_code)
        combo_id, is_total = self.combo(indicator, options)
        return Cell(indicator, period, site_id, site_code, combo_id, is_total)

    @property
    def total_combo_id(self) -> int:
        return combo_id_for(self.session, (), self._combos)

    def options_of_combo(self, combo_id: int) -> dict[str, str]:
        """{disaggregation code: option code} of a combo id (empty for the total)."""
        if self._option_names is None:
            self._option_names = {
                opt_id: (disagg, opt_code)
                for disagg, opts in self.options.items()
                for opt_code, opt_id in opts.items()
            }
        if len(self._combo_keys) != len(self._combos):
            self._combo_keys = {v: k for k, v in self._combos.items()}
        key = self._combo_keys.get(combo_id)
        if key is None:
            key = self.session.scalar(select(OptionComboRow.key).where(OptionComboRow.id == combo_id)) or ""
        out: dict[str, str] = {}
        for part in filter(None, key.split(",")):
            name = self._option_names.get(int(part))
            if name:
                out[name[0]] = name[1]
        return out

# SPDX-License-Identifier: GPL-3.0-or-later
"""What the IPTT screen asks for (programme, as-of, site, approved only) and the job that computes
it off the UI thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmdesk.ui.formatting import display_locale
from pmdesk.ui.iptt.iptt_table_model import figure_texts

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.iptt import IpttService, IpttTable
    from pmdesk.services.programmes import ProgrammeService
    from pmdesk.services.sites import SiteInfo, SiteService


@dataclass(frozen=True)
class IpttRequest:
    programme_code: str
    as_of: str | None
    site_code: str | None
    approved_only: bool


@dataclass(frozen=True)
class IpttLoad:
    request: IpttRequest
    table: IpttTable
    periods: tuple[Period, ...]  # all reporting periods, for the as-of picker
    sites: tuple[SiteInfo, ...]
    # The figure columns' longest texts, formatted here rather than on the UI thread (issue #11 §2).
    figure_texts: dict[int, list[str]] = field(default_factory=dict)


def load_iptt(
    iptt: IpttService, programmes: ProgrammeService, sites: SiteService, request: IpttRequest
) -> IpttLoad:
    """The job: runs on a pool thread, touches no widget; each service call opens its own session."""
    table = iptt.table(
        request.programme_code,
        as_of=request.as_of,
        site_code=request.site_code,
        approved_only=request.approved_only,
    )
    periods = tuple(programmes.periods(request.programme_code))
    site_list = tuple(sites.list_sites(request.programme_code))
    return IpttLoad(request, table, periods, site_list, figure_texts(table, display_locale()))

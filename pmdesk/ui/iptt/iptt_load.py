# SPDX-License-Identifier: GPL-3.0-or-later
"""What the IPTT screen asks for (programme, as-of, site, approved only) and the job that computes
it off the UI thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmdesk.ui.formatting import display_locale
from pmdesk.ui.iptt.iptt_cells import RowCells, figure_texts, table_cells
from pmdesk.ui.iptt.iptt_variance import MarksRead, read_marks

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.iptt import IpttService, IpttTable
    from pmdesk.services.programmes import ProgrammeService
    from pmdesk.services.sites import SiteInfo, SiteService
    from pmdesk.services.variance import VarianceService


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
    # The variance explanation marks of the table, read here rather than on the UI thread.
    marks: MarksRead = field(default_factory=MarksRead)
    # Every indicator row's cell texts and statuses, by indicator code (painting looks them up).
    cells: dict[str, RowCells] = field(default_factory=dict)


def load_iptt(
    iptt: IpttService,
    programmes: ProgrammeService,
    sites: SiteService,
    variance: VarianceService,
    request: IpttRequest,
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
    locale = display_locale()
    cells = table_cells(table, locale)
    texts = figure_texts(table, locale, cells)
    return IpttLoad(request, table, periods, site_list, texts, read_marks(variance, table), cells)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Export jobs that the GUI and the CLI both run: the IPTT as an Excel workbook or a CSV file."""

from __future__ import annotations

import codecs
import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pmdesk.formats.files import replacing
from pmdesk.formats.problems import ProgressFn

if TYPE_CHECKING:
    from pmdesk.domain.iptt_table import IpttTable
    from pmdesk.services.history import HistoryService
    from pmdesk.services.programmes import ProgrammeService


class ExportKind(StrEnum):
    EXCEL = "xlsx"
    CSV = "csv"


def default_file_name(table: IpttTable, kind: ExportKind) -> str:
    """'IPTT WASH-01 2025Q2.xlsx', with the site and 'approved' when they apply."""
    parts = ["IPTT", table.programme_code, table.as_of or "no data"]
    if table.site_code:
        parts.append(table.site_code)
    if table.approved_only:
        parts.append("approved")
    name = " ".join(parts)
    # Characters Windows refuses in file names.
    return re.sub(r'[<>:"/\\|?*\x00-\x1f]', "-", name) + f".{kind.value}"


def with_suffix(path: Path, kind: ExportKind) -> Path:
    """The path the user typed, with the right extension added if it was left out."""
    suffix = f".{kind.value}"
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def _saving(progress: ProgressFn) -> None:
    # Raises JobCancelled after a Cancel, inside `replacing`: the file then never appears.
    progress(1, 1, "Saving…")


def export_iptt_excel(
    programmes: ProgrammeService, history: HistoryService, table: IpttTable, path: Path, progress: ProgressFn
) -> Path:
    """The IPTT workbook with its change-log sheet, written whole or not at all; returns `path`."""
    # Looked up when called: openpyxl loads with it, and a test may slow the writer down.
    from pmdesk.formats import iptt_workbook

    progress(0, 0, "Reading the change log…")
    entries = history.for_programme(programmes.get(table.programme_code).id)

    def report(done: int, total: int) -> None:
        progress(done, total, f"Writing the IPTT workbook: {done} of {total} rows")

    with replacing(path) as temporary:
        iptt_workbook.write_iptt_workbook(table, temporary, entries, report)
        _saving(progress)
    return path


def export_iptt_csv(table: IpttTable, path: Path, progress: ProgressFn) -> Path:
    """The IPTT as CSV in UTF-8 with a byte-order mark, so Excel reads accents right; returns `path`."""
    from pmdesk.formats.iptt_text import iptt_csv

    progress(0, 0, "Writing the CSV file…")
    data = codecs.BOM_UTF8 + iptt_csv(table).encode("utf-8")
    with replacing(path) as temporary:
        temporary.write_bytes(data)
        _saving(progress)
    return path

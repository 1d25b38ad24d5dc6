# SPDX-License-Identifier: GPL-3.0-or-later
"""Logframes in Excel: the template workbook, and importing a filled one as a programme package.

The file format is pmdesk.formats.logframe_*; this service runs the import in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import ImportKind
from pmdesk.domain.errors import Problem, ValidationError
from pmdesk.formats.logframe_layout import PROGRAMME
from pmdesk.formats.logframe_package import build_package, ordered_problems
from pmdesk.formats.logframe_reader import Reading, Where, read_workbook
from pmdesk.formats.logframe_template import write_template
from pmdesk.services.actor import Actor
from pmdesk.services.import_log import ImportedFile, file_sha256
from pmdesk.storage.models import ProgrammeRow

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # the package importer is loaded on first use, not at start-up
    from pmdesk.services.packages import PackageSummary

__all__ = ["LogframeImporter", "write_template"]


class LogframeImporter:
    """Creates a programme from a filled logframe template, all or nothing."""

    def __init__(
        self, sessions: sessionmaker[Session], actor: Actor, database_path: Path | None = None
    ) -> None:
        self._sessions = sessions
        self._actor = actor
        self._database_path = database_path

    def import_workbook(
        self, path: Path, progress: Callable[[int, int, str], None] | None = None
    ) -> PackageSummary:
        """Import an .xlsx logframe in one transaction.

        Raises ValidationError (naming the file) listing every problem with its sheet, row and
        column; nothing is written then. Refuses files that are not .xlsx workbooks, exceed 50 MB
        or would expand beyond the limits of pmdesk.formats.logframe_layout, judged from the zip
        directory before parsing.
        `progress` is told every READ_REPORT_EVERY rows read, then passed to
        PackageService.import_package; what it raises stops the import (and rolls back).
        """
        from pmdesk.services.packages import PackageService

        path = Path(path)
        source = path.name
        reading = Reading()
        programme, programme_rows, tables = read_workbook(path, reading, progress)
        package, origins = build_package(programme, programme_rows, tables, reading)
        service = PackageService(self._sessions, self._actor, self._database_path)
        if not reading.problems:
            # A second read of the file: openpyxl opens it itself, seeking about in the zip.
            origin = ImportedFile(ImportKind.LOGFRAME, source, file_sha256(path))
            try:
                return service.import_package(package, source=source, progress=progress, origin=origin)
            except ValidationError as exc:
                raise ValidationError(
                    ordered_problems(origins.translate(p) for p in exc.problems), source=source
                ) from None
        # The cells already have problems: check the rest against a scratch database so that the
        # user sees every problem at once, and the real database is never touched.
        found = list(reading.problems)
        for problem in _scratch_problems(package, self._actor, source):
            where, message = origins.translate(problem)
            if not reading.covers(where) and (where, message) not in found:
                found.append((where, message))
        code = package["programme"].get("code")
        if PROGRAMME not in reading.bad_sheets and self._exists(code):
            found.append(
                (
                    Where(PROGRAMME, programme_rows.get("code"), "Value"),
                    f"programme {code} already exists (importing creates a programme)",
                )
            )
        raise ValidationError(ordered_problems(found), source=source)

    def _exists(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        with self._sessions() as session:
            return session.scalar(select(ProgrammeRow.id).where(ProgrammeRow.code == code)) is not None


def _scratch_problems(package: dict[str, Any], actor: Actor, source: str) -> list[Problem]:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from pmdesk.services.packages import PackageService
    from pmdesk.storage.models import Base

    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        Base.metadata.create_all(engine)
        scratch = sessionmaker(engine, expire_on_commit=False)
        PackageService(scratch, actor).import_package(package, source=source)
    except ValidationError as exc:
        return exc.problems
    except Exception:  # the check is a courtesy: the cell problems are reported regardless
        log.exception("checking a logframe package against a scratch database failed")
    finally:
        engine.dispose()
    return []

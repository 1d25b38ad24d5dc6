# SPDX-License-Identifier: GPL-3.0-or-later
"""Sites (the places that report, in a hierarchy) and people of a programme."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.codes import check_code
from pmdesk.domain.errors import ConflictError, Problem, ValidationError
from pmdesk.domain.framework_rules import depth_first, is_below
from pmdesk.services import history, value_summary
from pmdesk.services.actor import Actor
from pmdesk.services.lookups import programme_by_code, site_by_code
from pmdesk.storage.models import DataValueRow, IndicatorRow, PersonRow, ProgrammeRow, SiteRow, TargetRow


@dataclass(frozen=True)
class SiteInfo:
    id: int
    uuid: str
    code: str
    name: str
    parent_code: str | None
    depth: int


@dataclass(frozen=True)
class PersonInfo:
    id: int
    uuid: str
    code: str
    name: str
    organisation: str
    role: str
    email: str


class SiteService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor

    # -- sites ------------------------------------------------------------------------------

    def list_sites(self, programme_code: str) -> list[SiteInfo]:
        """Sites in hierarchy order (each parent before its children), with their depth."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            return site_tree(session, programme.id)

    def add_site(self, programme_code: str, code: str, name: str, parent_code: str | None = None) -> SiteInfo:
        problems = check_code(code, "site")
        if not name.strip():
            problems.append(Problem("site", "a name is required", "name"))
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            if _site_exists(session, programme, code):
                raise ConflictError(f"programme {programme_code} already has a site '{code}'")
            parent = site_by_code(session, programme, parent_code) if parent_code else None
            session.add(
                SiteRow(
                    programme_id=programme.id,
                    code=code,
                    name=name.strip(),
                    parent_id=parent.id if parent else None,
                )
            )
            if parent is not None:  # which sites report, and what sums up where, may change
                value_summary.mark_programme(session, programme.id)
            session.flush()
            return _find(site_tree(session, programme.id), code)

    def update_site(
        self,
        programme_code: str,
        code: str,
        *,
        new_code: str | None = None,
        name: str | None = None,
        parent_code: str | None = "",
    ) -> SiteInfo:
        """Rename or move a site; `parent_code` '' keeps the parent, None makes it a top-level site."""
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = site_by_code(session, programme, code)
            if new_code is not None and new_code != code:
                problems = check_code(new_code, "site")
                if problems:
                    raise ValidationError(problems)
                if _site_exists(session, programme, new_code):
                    raise ConflictError(f"programme {programme_code} already has a site '{new_code}'")
                self._log(session, row, programme, "code", row.code, new_code)
                row.code = new_code
            if name is not None and name.strip() != row.name:
                if not name.strip():
                    raise ValidationError([Problem("site", "a name is required", "name")])
                self._log(session, row, programme, "name", row.name, name.strip())
                row.name = name.strip()
            if parent_code != "":
                parent = site_by_code(session, programme, parent_code) if parent_code else None
                if parent is not None and _is_below(session, parent, row.id):
                    raise ValidationError(
                        [
                            Problem(
                                f"site {code}",
                                f"cannot move under {parent.code}, which is below it",
                                "parent",
                            )
                        ]
                    )
                if row.parent_id != (parent.id if parent else None):
                    value_summary.mark_programme(session, programme.id)  # the sums move with it
                row.parent_id = parent.id if parent else None
            session.flush()
            return _find(site_tree(session, programme.id), row.code)

    def delete_site(self, programme_code: str, code: str) -> None:
        """Delete a site without data, targets or child sites; refuses otherwise, naming what is there."""
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = site_by_code(session, programme, code)
            values = session.scalar(select(func.count()).where(DataValueRow.site_id == row.id)) or 0
            targets = session.scalar(select(func.count()).where(TargetRow.site_id == row.id)) or 0
            children = session.scalar(select(func.count()).where(SiteRow.parent_id == row.id)) or 0
            if values or targets or children:
                raise ConflictError(
                    f"site {code} has {values} data values, {targets} targets and {children} sites below it; "
                    "it is kept"
                )
            self._log(session, row, programme, "deleted", row.name, None)
            value_summary.mark_programme(session, programme.id)  # its parent may now report
            session.delete(row)

    # -- people -----------------------------------------------------------------------------

    def list_people(self, programme_code: str) -> list[PersonInfo]:
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            rows = session.scalars(
                select(PersonRow).where(PersonRow.programme_id == programme.id).order_by(PersonRow.name)
            )
            return [_person(r) for r in rows]

    def save_person(
        self,
        programme_code: str,
        code: str,
        name: str,
        organisation: str = "",
        role: str = "",
        email: str = "",
    ) -> PersonInfo:
        """Add a person, or update the one with this code."""
        problems = check_code(code, "person")
        if not name.strip():
            problems.append(Problem("person", "a name is required", "name"))
        if email and "@" not in email:
            problems.append(Problem("person", f"'{email}' is not an e-mail address", "email"))
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = session.scalars(
                select(PersonRow).where(PersonRow.programme_id == programme.id, PersonRow.code == code)
            ).first()
            if row is None:
                row = PersonRow(programme_id=programme.id, code=code)
                session.add(row)
            row.name, row.organisation, row.role, row.email = name.strip(), organisation, role, email
            session.flush()
            return _person(row)

    def delete_person(self, programme_code: str, code: str) -> None:
        """Delete a person; indicators they were responsible for keep no responsible person."""
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = session.scalars(
                select(PersonRow).where(PersonRow.programme_id == programme.id, PersonRow.code == code)
            ).first()
            if row is None:
                raise ValidationError(
                    [Problem("person", f"programme {programme_code} has no person '{code}'")]
                )
            session.execute(
                update(IndicatorRow).where(IndicatorRow.responsible_id == row.id).values(responsible_id=None)
            )
            session.delete(row)

    def _log(
        self, session: Session, row: SiteRow, programme: ProgrammeRow, field: str, old: object, new: object
    ) -> None:
        history.record(
            session,
            self._actor,
            entity="site",
            entity_uuid=row.uuid,
            field=field,
            old=old,
            new=new,
            label=row.code,
            programme_id=programme.id,
        )


def _site_exists(session: Session, programme: ProgrammeRow, code: str) -> bool:
    return bool(
        session.scalar(select(SiteRow.id).where(SiteRow.programme_id == programme.id, SiteRow.code == code))
    )


def _is_below(session: Session, candidate: SiteRow, ancestor_id: int) -> bool:
    """Is `candidate` the site `ancestor_id` or somewhere below it?"""

    def parent_of(site_id: int) -> int | None:
        row = session.get(SiteRow, site_id)
        return row.parent_id if row is not None else None

    return is_below(parent_of, candidate.id, ancestor_id)


def site_tree(session: Session, programme_id: int) -> list[SiteInfo]:
    rows = session.scalars(
        select(SiteRow).where(SiteRow.programme_id == programme_id).order_by(SiteRow.code)
    ).all()
    by_id = {r.id: r for r in rows}
    out: list[SiteInfo] = []
    for row, depth in depth_first(rows, lambda r: r.id, lambda r: r.parent_id):
        parent = by_id.get(row.parent_id) if row.parent_id else None
        out.append(SiteInfo(row.id, row.uuid, row.code, row.name, parent.code if parent else None, depth))
    return out


def _find(sites: list[SiteInfo], code: str) -> SiteInfo:
    return next(s for s in sites if s.code == code)


def _person(row: PersonRow) -> PersonInfo:
    return PersonInfo(row.id, row.uuid, row.code, row.name, row.organisation, row.role, row.email)

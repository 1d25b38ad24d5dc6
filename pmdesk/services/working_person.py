# SPDX-License-Identifier: GPL-3.0-or-later
"""Who is working with this database on this device: chosen once, remembered in the database's own
device row, and named in History and on every value from then on instead of the login name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.errors import ValidationError
from pmdesk.services.actor import Actor
from pmdesk.storage.models import DeviceRow, PersonRow, ProgrammeRow

NAME_LIMIT = 200  # the width of History's actor column


@dataclass(frozen=True)
class PersonChoice:
    """Someone the database knows, from the people of its programmes."""

    name: str
    role: str
    organisation: str
    programmes: tuple[str, ...]  # the codes of the programmes they are listed in

    @property
    def described(self) -> str:
        """ "Role, Organisation · PROG-A, PROG-B" — what tells two people of one name apart."""
        about = ", ".join(p for p in (self.role, self.organisation) if p)
        where = ", ".join(self.programmes)
        return " · ".join(p for p in (about, where) if p)


def clean_person_name(name: str) -> str:
    """The name as recorded: inner runs of spaces made one; refused when empty or too long."""
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise ValidationError("a name is required: type yours, or choose it from the list")
    if len(cleaned) > NAME_LIMIT:
        raise ValidationError(f"a name has at most {NAME_LIMIT} characters")
    return cleaned


class WorkingPersonService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor

    @property
    def name(self) -> str:
        """Who the next change is recorded as."""
        return self._actor.name

    def chosen(self) -> str:
        """The person remembered for this database on this device; "" when nobody was chosen."""
        with self._sessions() as session:
            device = _local_device(session)
            return device.person_name if device is not None else ""

    def candidates(self) -> list[PersonChoice]:
        """Everyone in the database's programmes, one entry per name (case aside), by name."""
        with self._sessions() as session:
            rows = session.execute(
                select(PersonRow.name, PersonRow.role, PersonRow.organisation, ProgrammeRow.code)
                .join(ProgrammeRow, ProgrammeRow.id == PersonRow.programme_id)
                .order_by(PersonRow.name, ProgrammeRow.code)
            ).all()
        merged: dict[str, PersonChoice] = {}
        for name, role, organisation, code in rows:
            key = " ".join(name.split()).casefold()
            if not key:
                continue
            seen = merged.get(key)
            if seen is None:
                merged[key] = PersonChoice(" ".join(name.split()), role, organisation, (code,))
            elif code not in seen.programmes:
                merged[key] = PersonChoice(
                    seen.name, seen.role or role, seen.organisation or organisation, (*seen.programmes, code)
                )
        return sorted(merged.values(), key=lambda c: c.name.casefold())

    def choose(self, name: str) -> str:
        """Remember `name` as the person working here; from now on changes are recorded as theirs."""
        cleaned = clean_person_name(name)
        with self._sessions.begin() as session:
            device = _local_device(session)
            if device is None:  # every database PMDesk opened has one; a hand-made file may not
                raise ValidationError("this database has no record of this device; open it in PMDesk first")
            device.person_name = cleaned
        self._actor.name = cleaned
        return cleaned


def _local_device(session: Session) -> DeviceRow | None:
    return session.scalars(select(DeviceRow).where(DeviceRow.is_local.is_(True))).first()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Who is working (issue #7 §2): a person chosen per database, named in History instead of the
login name, and a programme setting that approval is by someone other than the submitter."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from pmdesk.domain.approval import approval_refusal, same_person
from pmdesk.domain.enums import ValueStatus
from pmdesk.domain.errors import ValidationError
from pmdesk.services.actor import Actor
from pmdesk.services.data_entry import DataEntryService
from pmdesk.services.working_person import WorkingPersonService, clean_person_name
from pmdesk.storage.database import default_actor, open_database
from pmdesk.storage.models import DataValueRow, HistoryRow
from tests.unit.builders import small_programme

P = "WASH-01"
F = {"SEX": "F"}


def test_names_are_the_same_person_whatever_their_case_and_spacing() -> None:
    assert same_person("Amina  Yusuf ", "amina yusuf")
    assert not same_person("Amina Yusuf", "Amina Yusufu")


def test_approval_is_refused_only_to_the_submitter_and_only_when_the_programme_wants_it() -> None:
    assert approval_refusal(["Amina"], "Amina", by_other_required=False) is None
    assert approval_refusal(["Joseph", ""], "Amina", by_other_required=True) is None
    refusal = approval_refusal(["Amina", "amina ", "Joseph"], "Amina", by_other_required=True)
    assert refusal is not None
    assert "you (Amina) submitted 2 of these values" in refusal
    assert "someone other than the submitter" in refusal


def test_a_name_is_cleaned_and_an_empty_one_refused() -> None:
    assert clean_person_name("  Amina   Yusuf ") == "Amina Yusuf"
    with pytest.raises(ValidationError, match="a name is required"):
        clean_person_name("   ")
    with pytest.raises(ValidationError, match="at most 200"):
        clean_person_name("x" * 201)


def test_the_person_chosen_is_remembered_for_the_database_and_named_in_history(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        assert db.person_name == ""
        assert db.actor == default_actor()  # nobody chosen yet: the login name
        small_programme(db)
        actor = Actor(db.actor, db.device_uuid)
        person = WorkingPersonService(db.sessions, actor)
        entry = DataEntryService(db.sessions, actor)  # the services share one Actor
        assert person.choose("  Amina   Yusuf ") == "Amina Yusuf"
        entry.set_value(P, "1.1", "2025Q1", "N01", F, value=40)
        entry.set_value(P, "1.1", "2025Q1", "N01", F, value=45)  # a change: History has it
    finally:
        db.close()

    again = open_database(db_path)
    try:
        assert again.person_name == "Amina Yusuf"
        assert again.actor == "Amina Yusuf"
        with again.sessions() as session:
            value = session.scalars(select(DataValueRow)).one()
            actors = set(session.scalars(select(HistoryRow.actor).where(HistoryRow.entity == "data_value")))
        assert value.entered_by == "Amina Yusuf"
        assert actors == {"Amina Yusuf"}
    finally:
        again.close()


def test_people_of_every_programme_are_offered_once_each(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        s = small_programme(db)
        small_programme(db, "WASH-02")
        s.sites.save_person(P, "AY", "Amina Yusuf", "Water Trust", "M&E officer")
        s.sites.save_person("WASH-02", "AY2", "amina  yusuf")
        s.sites.save_person("WASH-02", "JO", "Joseph Otieno", role="Field officer")
        people = WorkingPersonService(db.sessions, Actor(db.actor, db.device_uuid)).candidates()
    finally:
        db.close()
    assert [p.name for p in people] == ["Amina Yusuf", "Joseph Otieno"]
    assert people[0].programmes == (P, "WASH-02")
    assert people[0].described == "M&E officer, Water Trust · WASH-01, WASH-02"


def test_a_programme_can_require_approval_by_someone_other_than_the_submitter(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        s0 = small_programme(db)
        s0.programmes.update(P, replace(s0.programmes.get(P).data, approval_by_other=True))
        assert s0.programmes.get(P).approval_by_other is True
        actor = Actor(db.actor, db.device_uuid)
        person = WorkingPersonService(db.sessions, actor)
        entry = DataEntryService(db.sessions, actor)
        person.choose("Amina Yusuf")
        entry.set_value(P, "1.1", "2025Q1", "N01", F, value=40)
        assert entry.submit(P, "N01", "2025Q1") == 1
        assert entry.values_for(P, "N01", "2025Q1")[0].submitted_by == "Amina Yusuf"

        refusal = entry.approval_refusal(P, "N01", "2025Q1")
        assert refusal is not None and "you (Amina Yusuf) submitted this value" in refusal
        with pytest.raises(ValidationError, match="someone other than the submitter"):
            entry.approve(P, "N01", "2025Q1")
        assert entry.values_for(P, "N01", "2025Q1")[0].status is ValueStatus.SUBMITTED

        person.choose("Joseph Otieno")
        assert entry.approval_refusal(P, "N01", "2025Q1") is None
        assert entry.approve(P, "N01", "2025Q1") == 1
        assert entry.values_for(P, "N01", "2025Q1")[0].status is ValueStatus.APPROVED
    finally:
        db.close()


def test_without_the_setting_the_submitter_may_approve(db_path: Path) -> None:
    db = open_database(db_path, actor="Amina Yusuf")
    try:
        s = small_programme(db)
        s.entry.set_value(P, "1.1", "2025Q1", "N01", F, value=40)
        s.entry.submit(P, "N01", "2025Q1")
        assert s.entry.approval_refusal(P, "N01", "2025Q1") is None
        assert s.entry.approve(P, "N01", "2025Q1") == 1
    finally:
        db.close()


def test_the_setting_is_kept_in_the_programmes_history(db_path: Path) -> None:
    db = open_database(db_path, actor="Lead")
    try:
        s = small_programme(db)
        s.programmes.update(P, replace(s.programmes.get(P).data, approval_by_other=True))
        with db.sessions() as session:
            changes = session.execute(
                select(HistoryRow.field, HistoryRow.old, HistoryRow.new, HistoryRow.actor).where(
                    HistoryRow.entity == "programme"
                )
            ).all()
    finally:
        db.close()
    assert [tuple(c) for c in changes] == [("approval_by_other", "False", "True", "Lead")]


def test_the_command_line_shows_and_chooses_who_is_working(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pmdesk import cli

    monkeypatch.delenv("PMDESK_PERSON", raising=False)
    path = tmp_path / "office.sqlite"
    assert cli.main(["--db", str(path), "demo"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(path), "person"]) == 0
    assert "nobody is chosen for this database yet" in capsys.readouterr().out

    assert cli.main(["--db", str(path), "person", "Amina  Yusuf"]) == 0
    assert "now recorded as Amina Yusuf" in capsys.readouterr().out
    assert cli.main(["--db", str(path), "person"]) == 0
    assert capsys.readouterr().out == "Amina Yusuf\n"

    # The person chosen signs what the command line changes too.
    assert cli.main(["--db", str(path), "demo", "--replace"]) == 0
    capsys.readouterr()
    db = open_database(path, read_only=True)
    try:
        with db.sessions() as session:
            entered = set(session.scalars(select(DataValueRow.entered_by)))
    finally:
        db.close()
    assert entered == {"Amina Yusuf"}

    monkeypatch.setenv("PMDESK_PERSON", "Kiosk")
    assert cli.main(["--db", str(path), "person"]) == 0
    assert capsys.readouterr().out.startswith("Kiosk (PMDESK_PERSON is set; the person chosen")

# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile workbooks (DESIGN.md §9): XML entity bombs and external entities are refused with a
message that names the file, before anything is expanded, fetched or imported."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from pmdesk.domain.errors import ValidationError
from pmdesk.services.actor import Actor
from pmdesk.services.logframe_excel import LogframeImporter, write_template
from pmdesk.services.programmes import ProgrammeService
from pmdesk.storage.database import Database

_LOL = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' if n else '<!ENTITY lol0 "lol">' for n in range(10)
)
BILLION_LAUGHS = (f"<!DOCTYPE bomb [{_LOL}]>", "&lol9;")
EXTERNAL = ('<!DOCTYPE leak [<!ENTITY secret SYSTEM "file:///etc/passwd">]>', "&secret;")


def _tampered(template: Path, member: str, doctype: str, reference: str, out: Path) -> Path:
    """`template` with a document type declared in `member` and its entity used in the first text."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w") as target:
        assert member in source.namelist()
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                text = data.decode("utf-8")
                text = re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m[1] or "") + doctype, text, count=1)
                text = re.sub(r"(<t(?: [^>]*)?>)", lambda m: m[1] + reference, text, count=1)
                data = text.encode("utf-8")
            target.writestr(info, data)
    return out


@pytest.mark.parametrize(
    "member", ["xl/workbook.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"]
)
@pytest.mark.parametrize(("doctype", "reference"), [BILLION_LAUGHS, EXTERNAL], ids=["bomb", "external"])
def test_entities_are_refused_as_unsafe(
    db: Database, tmp_path: Path, member: str, doctype: str, reference: str
) -> None:
    template = tmp_path / "template.xlsx"
    write_template(template)
    path = _tampered(template, member, doctype, reference, tmp_path / "logframe.xlsx")
    actor = Actor(db.actor, db.device_uuid)
    with pytest.raises(ValidationError) as excinfo:
        LogframeImporter(db.sessions, actor, db.path).import_workbook(path)
    message = str(excinfo.value)
    assert message.startswith("logframe.xlsx: ") and "refused as unsafe" in message
    assert "root:" not in message  # nothing of the file it reached for
    assert ProgrammeService(db.sessions, actor).list_programmes() == []
    # The untampered template still imports: the refusal is about the entities alone.
    LogframeImporter(db.sessions, actor, db.path).import_workbook(template)
    assert len(ProgrammeService(db.sessions, actor).list_programmes()) == 1

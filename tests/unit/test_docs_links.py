# SPDX-License-Identifier: GPL-3.0-or-later
"""The README and docs/ link only to files of this repository, and every such link resolves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pmdesk.services.actor import Actor
from pmdesk.services.packages import PackageService
from pmdesk.storage.database import Database

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
# [text](target) and ![alt](target); a target ends at whitespace or ')'.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def local_links(document: Path) -> list[str]:
    text = FENCE.sub("", document.read_text(encoding="utf-8"))  # code samples are not links
    return [
        target
        for target in LINK.findall(text)
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) and not target.startswith("#")
    ]


def test_there_are_documents_to_check() -> None:
    assert ROOT / "README.md" in DOCUMENTS and len(DOCUMENTS) > 1


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_inside_the_repository(document: Path) -> None:
    outside, missing = [], []
    for target in local_links(document):
        path = target.split("#", 1)[0]
        if path.startswith("/"):
            outside.append(target)  # absolute: means nothing in a clone
            continue
        resolved = (document.parent / path).resolve()
        if not resolved.is_relative_to(ROOT):
            outside.append(target)
        elif not resolved.exists():
            missing.append(target)
    assert outside == [], f"{document.name} links outside the repository"
    assert missing == [], f"{document.name} links to files that do not exist"


def anchors(document: Path) -> set[str]:
    """The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces to '-'."""
    text = FENCE.sub("", document.read_text(encoding="utf-8"))
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", text, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_anchor_names_a_heading(document: Path) -> None:
    broken = []
    for target in [*local_links(document), *re.findall(r"\]\((#[^)\s]+)\)", document.read_text("utf-8"))]:
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if anchor and linked.suffix == ".md" and linked.exists() and anchor not in anchors(linked):
            broken.append(target)
    assert broken == []


def test_the_checker_sees_a_link_out_of_the_repository() -> None:
    text = "See [the design](../shared/DESIGN.md) and [formats](docs/formats.md#values) and <https://x.org>."
    assert LINK.findall(text) == ["../shared/DESIGN.md", "docs/formats.md#values"]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_document_points_at_the_shared_design_notes(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    assert "../shared" not in text
    assert not re.search(r"DESIGN\.md\s*§", text), "name the docs/ file instead of DESIGN.md §N"


def json_examples(document: Path) -> list[str]:
    return re.findall(r"^```json\n(.*?)^```", document.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)


def test_the_package_example_in_the_formats_notes_imports(db: Database) -> None:
    package = next(
        json.loads(text)
        for text in json_examples(ROOT / "docs" / "formats.md")
        if '"pmdesk.programme/1"' in text
    )
    summary = PackageService(db.sessions, Actor(db.actor, db.device_uuid)).import_package(package)
    assert summary.programme_code == "WASH-01"
    assert summary.counts["triggers"] == 1 and summary.counts["values"] == 1

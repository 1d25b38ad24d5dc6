# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared PDF machinery: literal user text, embedded Unicode fonts, page furniture, atomic writes."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from pmdesk.reports import pdf_document as pdf

HOSTILE = ["<b>bold?</b>", "R&D", "a < b", '<img src="http://x">', "&amp; stays", "</para>"]
NON_LATIN = ["São Tomé", "Niño & Peña", "Ελληνικά", "Кириллица", "Ça va, garçon"]


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_user_text_prints_literally_and_nothing_is_fetched(tmp_path: Path) -> None:
    s = pdf.styles()
    story = [pdf.para(value, s.body) for value in HOSTILE + NON_LATIN]
    path = tmp_path / "t.pdf"
    pdf.build_pdf(path, story, title="T", footer="F")
    text = text_of(path)
    for value in HOSTILE + NON_LATIN:
        assert value in text
    assert b"/URI" not in path.read_bytes()
    # The image tag became text: the PDF holds no image at all.
    assert all("/XObject" not in str(page.get("/Resources", {})) for page in pypdf.PdfReader(path).pages)


def test_the_markup_of_control_characters_and_line_breaks() -> None:
    assert pdf.markup_text("a\x00b\x07c") == "abc"
    assert pdf.markup_text("one\ntwo\r\nthree") == "one<br/>two<br/>three"
    assert pdf.markup_text("<b>") == "&lt;b&gt;"
    assert pdf.markup_text(None) == ""
    assert pdf.markup_text("bad \ud800 surrogate") == "bad  surrogate"


def test_the_fonts_are_embedded(tmp_path: Path) -> None:
    path = tmp_path / "t.pdf"
    pdf.build_pdf(path, [pdf.para("Ελληνικά", pdf.styles().body)], title="T", footer="F")
    reader = pypdf.PdfReader(path)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = []
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
        names.append(str(font["/BaseFont"]))
    assert any("DejaVuSans" in name for name in names)


def test_every_page_is_numbered_and_wide_tables_turn_landscape(tmp_path: Path) -> None:
    s = pdf.styles()
    rows = [[f"IND-{i}", "a name", str(i)] for i in range(150)]
    story = [pdf.para("Cover", s.title), *pdf.to_landscape()]
    story.append(pdf.table(["Code", "Name", "Value"], rows, [80, 400, 80], right=[2]))
    path = tmp_path / "t.pdf"
    pages = pdf.build_pdf(path, story, title="T", footer="Programme X")
    reader = pypdf.PdfReader(path)
    assert pages == len(reader.pages) >= 4
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height
    assert reader.pages[1].mediabox.width > reader.pages[1].mediabox.height
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text
        assert "Programme X" in text and "Generated" in text
        if number > 1:
            assert "Code" in text  # the header repeats on every page of the table
    assert "IND-149" in text_of(path)


def test_a_failed_build_keeps_the_earlier_file(tmp_path: Path) -> None:
    path = tmp_path / "t.pdf"
    path.write_bytes(b"earlier")

    class Broken:
        def wrapOn(self, *args: object) -> None:
            raise RuntimeError("layout failed")

    with pytest.raises(Exception):  # noqa: B017 - whatever reportlab raises, the file must survive
        pdf.build_pdf(path, [Broken()], title="T", footer="F")
    assert path.read_bytes() == b"earlier"

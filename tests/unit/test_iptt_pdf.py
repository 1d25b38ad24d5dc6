# SPDX-License-Identifier: GPL-3.0-or-later
"""The printed IPTT (pmdesk/reports/iptt_pdf.py), parsed back with pypdf: every shown indicator, the
numbers as the screen shows them, status words, partial marks, the header on every page, every
period however many, the filter and its "as shown" line, hostile and non-Latin names verbatim."""

from __future__ import annotations

import math
from pathlib import Path

import pypdf
import pytest

from pmdesk.domain.enums import Status
from pmdesk.domain.iptt_filter import IpttFilter
from pmdesk.domain.status_look import STATUS_WORDS
from pmdesk.reports.iptt_pdf import display_figure, plan_periods, write_iptt_pdf
from pmdesk.reports.pdf_document import frame_width
from pmdesk.reports.reporter import Reports
from pmdesk.services.actor import Actor
from pmdesk.storage.database import Database
from tests.unit.builders import small_programme
from tests.unit.iptt_synthetic import HOSTILE, NON_LATIN, synthetic_iptt


def pages_of(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages]


def flat(value: str) -> str:
    return " ".join(value.split())


def test_every_indicator_number_status_and_partial_mark_is_printed(tmp_path: Path) -> None:
    table = synthetic_iptt(indicators=30, periods=3)
    path = tmp_path / "iptt.pdf"
    pages = write_iptt_pdf(table, path)
    texts = pages_of(path)
    assert pages == len(texts) and 1 < pages < 8
    text = " ".join(texts)
    for row in table.rows:
        assert row.code in text
        assert flat(row.name) in text, row.name  # hostile names print literally
        f = row.figures
        for value in (f.to_date.target, f.to_date.actual, row.baseline, f.lop.target):
            if value is not None:
                assert display_figure(value) in text
        if f.to_date.pct_met is not None:
            assert display_figure(f.to_date.pct_met, True) in text
        last = f.periods[-1]
        if last.actual:  # the last period is partly reported: marked, with its reporting rate
            assert f"{display_figure(last.actual)}* (3/11)" in text
    for status in (Status.EXCEEDING, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA):
        assert STATUS_WORDS[status] in text
    assert "3 of 11 sites*" in text  # the partial period's header
    assert "* partial: only some of the 11 sites" in text  # and its footnote
    assert "Exceeding > 115 % · On track 85–115 %" in text
    # The header on every page.
    for page in texts:
        assert "Indicator Unit Baseline LoP target" in page or "Indicator 2023 Q1" in page
        assert "Target Actual % met" in page
    for name in HOSTILE + NON_LATIN + ["Programme «Água & Saúde» <b>"]:
        assert flat(name) in text
    assert b"/URI" not in path.read_bytes()


def test_the_numbers_are_those_the_screen_shows(qapp: object) -> None:
    from PySide6.QtCore import QLocale

    from pmdesk.ui.formatting import format_number

    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    for value in (0.0, -0.001, 1.0, 12.5, 1234.567, 1e6, 99.999, -2500.25, 0.1 + 0.2, math.inf, None):
        for percent in (False, True):
            assert display_figure(value, percent) == format_number(value, percent=percent, locale=english)


def test_many_periods_are_all_printed_and_the_page_says_how(tmp_path: Path) -> None:
    table = synthetic_iptt(indicators=6, periods=14)
    plan = plan_periods(14, frame_width(landscape=True))
    assert plan.first[-1] == 13 and plan.later and plan.later[0][0] == 0
    path = tmp_path / "iptt.pdf"
    write_iptt_pdf(table, path)
    text = " ".join(pages_of(path))
    for period in table.periods:
        assert period.label() in text
    assert f"the latest {len(plan.first)} periods" in text
    assert "follow in" in text and "oldest first" in text
    assert "Earlier periods: 2023 Q1 to" in text
    # An earlier period's figures too, not only its label.
    first = table.rows[0].figures.periods[0]
    assert display_figure(first.actual) in text


def test_a_filter_prints_only_its_rows_with_their_results_and_names_itself(tmp_path: Path) -> None:
    table = synthetic_iptt(indicators=20, periods=2)
    chosen = IpttFilter(statuses=frozenset({Status.OFF_TRACK}))
    rows = chosen.rows(table)
    assert rows and len(rows) < len(table.rows)
    path = tmp_path / "iptt.pdf"
    write_iptt_pdf(table, path, rows, shown_as=chosen.describe(table))
    text = " ".join(pages_of(path))
    assert "As shown: status: Off track" in text
    assert f"{len(rows)} of {len(table.rows)} indicators" in text
    for row in table.rows:
        assert (row.code in text) == (row in rows)
    # Off-track rows sit under outcome 2 (result 5): it and the goal keep their headers; the
    # outputs without a shown indicator lose theirs.
    assert "Outcome 2: Hygiene habits" in text and "Goal G: Children are healthier" in text
    assert "Output 1.1" not in text and "Output 2.1" not in text


def test_no_row_left_by_the_filter_says_so(tmp_path: Path) -> None:
    table = synthetic_iptt(indicators=4, periods=2)
    path = tmp_path / "iptt.pdf"
    write_iptt_pdf(table, path, [], shown_as="status: Exceeding")
    assert "No indicator matches the filter." in " ".join(pages_of(path))


def test_a_hundred_indicators_print_in_landscape_with_progress(tmp_path: Path) -> None:
    table = synthetic_iptt(indicators=100, periods=8)
    calls: list[tuple[int, int, str]] = []
    path = tmp_path / "iptt.pdf"
    pages = write_iptt_pdf(table, path, progress=lambda d, t, m: calls.append((d, t, m)))
    reader = pypdf.PdfReader(path)
    assert all(float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages)
    assert pages == len(reader.pages) < 40
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]
    text = " ".join(pages_of(path))
    assert all(row.code in text for row in table.rows)


def test_cancelling_writes_nothing(tmp_path: Path) -> None:
    table = synthetic_iptt(indicators=60, periods=4)

    def cancel(done: int, _total: int, _message: str) -> None:
        if done:
            raise RuntimeError("cancelled")

    path = tmp_path / "iptt.pdf"
    with pytest.raises(RuntimeError):
        write_iptt_pdf(table, path, progress=cancel)
    assert not path.exists()


def test_reports_iptt_prints_the_programme_as_on_the_screen(db: Database, tmp_path: Path) -> None:
    s = small_programme(db)
    for period, f, m in (("2025Q1", 40, 47), ("2025Q2", 30.5, 33)):
        s.entry.set_value("WASH-01", "1.1", period, "N01", {"SEX": "F"}, value=f)
        s.entry.set_value("WASH-01", "1.1", period, "N02", {"SEX": "M"}, value=m)
    s.entry.set_value("WASH-01", "2.1", "2025Q1", "N01", numerator=3, denominator=8)
    s.entry.set_value("WASH-01", "3.1", "2025Q2", "N01", text="<b>stay</b> & R&D")
    reports = Reports(db.sessions, Actor(db.actor, db.device_uuid))
    path = tmp_path / "out" / "iptt.pdf"
    path.parent.mkdir()
    report = reports.iptt("WASH-01", path, as_of="2025Q2")
    assert report.path == path and report.pages >= 1 and "WASH-01" in report.title
    text = " ".join(pages_of(path))
    table = s.iptt.table("WASH-01", as_of="2025Q2")
    for row in table.rows:
        assert row.code in text
    assert display_figure(table.rows[0].figures.to_date.actual) in text
    # A qualitative result, literally (pypdf breaks the narrow cell's lines anywhere).
    assert "Kiberaschool:<b>stay</b>&R&D" in "".join(text.split())
    assert "2025 Q1" in text and "2025 Q2" in text
    # The same, filtered to one result and its children, for a site subtree.
    outcome = next(r for r in table.results if r.code == "O1")
    only = IpttFilter(result_id=outcome.id)
    filtered = reports.iptt("WASH-01", tmp_path / "f.pdf", site_code="N", shown=only)
    text = " ".join(pages_of(filtered.path))
    assert "As shown: result: Outcome O1: Schools have safe water and below" in text
    assert "North district and the sites below it" in text
    shown = {r.code for r in only.rows(table)}
    for row in table.rows:
        assert (f"{row.code} {flat(row.name)}" in text) == (row.code in shown)


def test_the_command_line_prints_the_iptt_with_its_filters(
    capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path, data_dir: Path
) -> None:
    from pmdesk import cli

    path = tmp_path / "iptt.pdf"
    code = cli.main(["--db", str(demo_file), "iptt", "DEMO-WASH", "--format", "pdf", "-o", str(path)])
    err = capsys.readouterr().err
    assert code == 0 and f"wrote {path}" in err
    whole = " ".join(pages_of(path))
    assert "DEMO-WASH" in whole and "As shown" not in whole
    filtered = tmp_path / "off.pdf"
    argv = ["--db", str(demo_file), "iptt", "DEMO-WASH", "--format", "pdf", "-o", str(filtered)]
    code = cli.main([*argv, "--status", "off_track,at risk", "--tier", "output"])
    assert code == 0, capsys.readouterr().err
    text = " ".join(pages_of(filtered))
    assert "As shown: status: At risk, Off track · tier: Output" in text
    assert "1.1.1 Water points constructed" in text  # off track, an output's indicator
    assert "G.1 Pupils absent" not in text
    # Refusals in plain words, nothing written.
    refused = tmp_path / "no.pdf"
    assert cli.main([*argv[:-1], str(refused), "--status", "late"]) != 0
    assert "'late' is not a status" in capsys.readouterr().err and not refused.exists()
    assert cli.main(["--db", str(demo_file), "iptt", "DEMO-WASH", "--format", "pdf"]) != 0
    assert "name the file with -o FILE" in capsys.readouterr().err


def test_a_name_longer_than_a_page_is_shortened_not_refused(tmp_path: Path) -> None:
    import dataclasses

    table = synthetic_iptt(indicators=3, periods=2)
    long_row = dataclasses.replace(table.rows[0], name="Ελληνικά " * 900, unit="u" * 500)
    long_result = dataclasses.replace(table.results[0], title="R&D " * 2000)
    table = dataclasses.replace(
        table, rows=(long_row, *table.rows[1:]), results=(long_result, *table.results[1:])
    )
    path = tmp_path / "iptt.pdf"
    write_iptt_pdf(table, path)
    text = " ".join(pages_of(path))
    assert "(shortened)" in text and "Ελληνικά Ελληνικά" in text
    assert all(row.code in text for row in table.rows)

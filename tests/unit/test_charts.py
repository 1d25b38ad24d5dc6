# SPDX-License-Identifier: GPL-3.0-or-later
"""Charts (pmdesk/reports/charts.py): PNGs that decode at the size asked, regions inside the image
that say what they show, partial periods drawn differently, hostile and non-Latin names printed
without a missing glyph or a crash, and matplotlib kept out until a chart is drawn."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable

import pytest
from PIL import Image

from pmdesk.reports.chart_palette import ACTUAL_COLOUR, SUBMITTED_COLOUR
from pmdesk.reports.chart_types import (
    ChartImage,
    ChartKey,
    RateBar,
    ResultBar,
    SiteBar,
    StatusCount,
    TrendPoint,
    TrendSeries,
)
from pmdesk.reports.charts import (
    indicator_trend_chart,
    reporting_rate_chart,
    result_achievement_chart,
    site_comparison_chart,
    status_counts_chart,
)

HOSTILE = (
    "$x^2$ \\frac{a}{b} _under_ ^hat",
    '<b>bold</b> & <img src="http://x"> a < b',
    "São Tomé, Ñandú, Müller, Œuvre",
    "Ελληνικά Αθήνα",
    "Кириллица Москва",
    "   tabs\tand\nnewlines   ",
    "x" * 300,
    "",
)


def series(partial_at: int | None = None, points: int = 4, percent: bool = False) -> TrendSeries:
    return TrendSeries(
        "1.1",
        "Pupils reached",
        "people",
        percent,
        tuple(
            TrendPoint(
                f"2025Q{i + 1}",
                f"2025 Q{i + 1}",
                100.0 * (i + 1),
                90.0 * (i + 1),
                partial=i == partial_at,
                note="partial (1 of 2 sites)" if i == partial_at else "",
            )
            for i in range(points)
        ),
    )


def decoded(image: ChartImage) -> Image.Image:
    picture = Image.open(io.BytesIO(image.png))
    picture.load()
    return picture.convert("RGB")


def assert_sound(image: ChartImage, width: int, height: int) -> None:
    picture = decoded(image)
    assert picture.size == (width, height) == (image.width_px, image.height_px)
    for region in image.regions:
        assert region.w > 0 and region.h > 0
        assert region.x >= 0 and region.x + region.w <= width
        assert region.y >= 0 and region.y + region.h <= height


CHARTS: dict[str, Callable[[str, int, int, float], ChartImage]] = {
    "trend": lambda name, w, h, dpi: indicator_trend_chart(
        TrendSeries("1.1", name, "", False, series(partial_at=1).points), w, h, dpi
    ),
    "status": lambda name, w, h, dpi: status_counts_chart(
        [StatusCount("on_track", name or "On track", 3, 1), StatusCount("off_track", "Off track", 2)],
        w,
        h,
        dpi,
    ),
    "result": lambda name, w, h, dpi: result_achievement_chart(
        [ResultBar("O1", name, 87.0, "on_track", 3, 2, 1), ResultBar("O2", "O2", None, "no_data", 0, 0)],
        w,
        h,
        dpi,
    ),
    "sites": lambda name, w, h, dpi: site_comparison_chart(
        "1.1",
        [
            SiteBar("S1", name, 800.0, 1000.0, "at_risk", True),
            SiteBar("S2", "Magaria", None, 500.0, "no_data"),
        ],
        False,
        w,
        h,
        dpi,
    ),
    "rate": lambda name, w, h, dpi: reporting_rate_chart(
        [
            RateBar("2025Q1", name, 50.0, 1, 2, 1, 0, 0.0, 0, 2),
            RateBar("2025Q2", "2025 Q2", None, 0, 0),
            RateBar("2025Q3", "2025 Q3", 100.0, 2, 2, 1, 1, 50.0, 1, 2),
        ],
        w,
        h,
        dpi,
    ),
}


@pytest.mark.parametrize("kind", sorted(CHARTS))
@pytest.mark.parametrize("size", [(560, 260, 100.0), (975, 390, 150.0), (220, 120, 96.0)])
def test_every_chart_decodes_at_its_size_with_its_regions_inside(
    kind: str, size: tuple[int, int, float]
) -> None:
    width, height, dpi = size
    image = CHARTS[kind]("Mirriah", width, height, dpi)
    assert_sound(image, width, height)
    assert image.regions


@pytest.mark.parametrize("kind", sorted(CHARTS))
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_and_non_latin_names_draw(kind: str, name: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        image = CHARTS[kind](name, 480, 240, 100.0)
    assert_sound(image, 480, 240)
    assert [str(w.message) for w in caught] == []


def test_the_chart_font_has_a_glyph_for_every_letter_of_those_names() -> None:
    from matplotlib.ft2font import FT2Font

    from pmdesk.reports.chart_palette import FONT_FILE, FONT_ITALIC_FILE
    from pmdesk.resources import resource_path

    for file in (FONT_FILE, FONT_ITALIC_FILE):
        font = FT2Font(str(resource_path("fonts", file)))
        letters = {ch for name in HOSTILE for ch in name if not ch.isspace()} | set("…·%–")
        assert [ch for ch in sorted(letters) if font.get_char_index(ord(ch)) == 0] == [], file


def test_words_are_written_over_the_bars_in_dark_text() -> None:
    """The name under a bar is drawn: dark pixels in the band of labels under the plot."""
    image = decoded(status_counts_chart([StatusCount("on_track", "On track", 3)], 300, 200, 100))
    band = image.crop((0, 160, 300, 200)).convert("L")
    assert min(band.tobytes()) < 80


def test_a_name_in_a_script_the_font_lacks_does_not_stop_the_chart() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        image = CHARTS["sites"]("学校 مدرسة", 480, 240, 100.0)
    assert_sound(image, 480, 240)


def test_the_trend_has_a_region_per_period_in_order_keyed_by_indicator_and_period() -> None:
    image = indicator_trend_chart(series(partial_at=2), 600, 300, 100)
    keys = [r.key for r in image.regions]
    assert keys == [ChartKey("period", indicator_code="1.1", period=f"2025Q{i}") for i in (1, 2, 3, 4)]
    xs = [r.x for r in image.regions]
    assert xs == sorted(xs)
    # Columns side by side, not overlapping.
    for a, b in zip(image.regions, image.regions[1:]):
        assert a.x + a.w <= b.x + 1
    third = image.regions[2]
    assert "partial (1 of 2 sites)" in third.tip
    assert image.region_at(third.x + third.w / 2, third.y + third.h / 2) == third


def _bar_colours(image: ChartImage, period_index: int) -> set[tuple[int, int, int]]:
    """The colours down the middle of a period's column, over the lower part of its bar."""
    picture = decoded(image)
    region = image.regions[period_index]
    x = region.x + region.w // 2
    # The lowest tenth of the plot: inside every bar of series() (actual ≥ 90 of 400 at most).
    bottom = region.y + region.h - 40
    return {picture.getpixel((x, y)) for y in range(bottom - 8, bottom)}  # type: ignore[misc]


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def test_a_partly_reported_period_is_drawn_hollow_and_hatched_and_a_complete_one_solid() -> None:
    image = indicator_trend_chart(series(partial_at=3, points=4), 400, 300, 100)
    solid = _bar_colours(image, 3 - 1)
    assert solid == {_rgb(ACTUAL_COLOUR)}
    hollow = _bar_colours(image, 3)
    assert (255, 255, 255) in hollow  # white between the hatch lines
    assert len(hollow) > 1  # and the hatch lines themselves


def test_the_legend_names_partly_reported_periods_only_when_there_are_some() -> None:
    # Drawn words cannot be read back from pixels; the image differs where the legend entry is.
    with_partial = decoded(indicator_trend_chart(series(partial_at=0), 600, 300, 100))
    without = decoded(indicator_trend_chart(series(), 600, 300, 100))
    legend_band = (0, 0, 600, 22)
    assert with_partial.crop(legend_band).tobytes() != without.crop(legend_band).tobytes()


def test_the_reporting_rate_draws_values_present_as_bars_and_submitted_reports_as_a_line() -> None:
    complete = RateBar("2025Q1", "2025 Q1", 100.0, 4, 4, 2, 2, 0.0, 0, 2)
    partly = RateBar("2025Q2", "2025 Q2", 50.0, 1, 2, 1, 0, 0.0, 0, 2)
    image = reporting_rate_chart([complete, partly], 400, 300, 100)
    assert _bar_colours(image, 0) == {_rgb(ACTUAL_COLOUR)}  # every site reported: solid
    assert (255, 255, 255) in _bar_colours(image, 1)  # an indicator partly reported: hatched
    assert [r.tip for r in image.regions] == [
        "2025 Q1: values present 100% — 4 of 4 expected (2 indicators with data × the sites expected "
        "to report), every site reported; reports submitted or approved: 0 of 2 sites (0%)",
        "2025 Q2: values present 50% — 1 of 2 expected (1 indicator with data × the sites expected "
        "to report), 1 partly reported; reports submitted or approved: 0 of 2 sites (0%)",
    ]
    # The line of submitted reports and its legend entry are drawn only when given.
    alone = reporting_rate_chart(
        [RateBar("2025Q1", "2025 Q1", 100.0, 4, 4, 2, 2), RateBar("2025Q2", "2025 Q2", 50.0, 1, 2, 1, 0)],
        400,
        300,
        100,
    )
    legend_band = (0, 0, 400, 60)  # three rows of legend at this width
    assert decoded(image).crop(legend_band).tobytes() != decoded(alone).crop(legend_band).tobytes()
    assert _rgb(SUBMITTED_COLOUR) in _colours(image)
    assert _rgb(SUBMITTED_COLOUR) not in _colours(alone)


def _colours(image: ChartImage) -> set[tuple[int, int, int]]:
    return {colour for _, colour in decoded(image).getcolors(maxcolors=1 << 20) or ()}


def test_status_bars_are_keyed_by_status_and_reach_under_their_labels() -> None:
    counts = [StatusCount("on_track", "On track", 4, 1), StatusCount("off_track", "Off track", 2)]
    image = status_counts_chart(counts, 400, 240, 100)
    assert [r.key.status for r in image.regions] == ["on_track", "off_track"]
    assert "1 of them partly reported" in image.regions[0].tip
    assert all(r.y + r.h >= 240 - 10 for r in image.regions)  # the status names under the bars click too


def test_result_and_site_rows_run_top_to_bottom_across_the_width() -> None:
    results = [ResultBar(f"O{i}", f"O{i} Result", 50.0 * i, "on_track", 2, 1) for i in range(1, 4)]
    image = result_achievement_chart(results, 500, 300, 100)
    assert [r.key.result_code for r in image.regions] == ["O1", "O2", "O3"]
    assert [r.y for r in image.regions] == sorted(r.y for r in image.regions)
    assert all(r.x == 0 and r.w == 500 for r in image.regions)
    sites = [SiteBar(f"S{i}", f"Site {i}", 10.0 * i, 20.0, "off_track") for i in range(1, 30)]
    image = site_comparison_chart("2.1", sites, True, 500, 300, 100)
    assert [r.key.site_code for r in image.regions] == [s.site_code for s in sites]
    assert all(r.key.indicator_code == "2.1" for r in image.regions)


def test_empty_inputs_say_so_instead_of_failing() -> None:
    for image in (
        indicator_trend_chart(TrendSeries("1.1", "x", "", False, ()), 300, 200, 100),
        status_counts_chart([], 300, 200, 100),
        status_counts_chart([StatusCount("on_track", "On track", 0)], 300, 200, 100),
        result_achievement_chart([], 300, 200, 100),
        site_comparison_chart("1.1", [], False, 300, 200, 100),
        reporting_rate_chart([], 300, 200, 100),
    ):
        assert_sound(image, 300, 200)
        assert image.regions == ()


def test_odd_figures_draw() -> None:
    points = (
        TrendPoint("A", "A", None, None),
        TrendPoint("B", "B", 0.0, -5.0),
        TrendPoint("C", "C", 1e15, 3e14, partial=True),
        TrendPoint("D", "D", 0.001, None),
    )
    assert_sound(indicator_trend_chart(TrendSeries("1", "n", "", False, points), 300, 200, 100), 300, 200)
    assert_sound(indicator_trend_chart(TrendSeries("1", "n", "", True, points[:2]), 300, 200, 100), 300, 200)
    sites = [SiteBar("S", "S", -3.0, None, "no_target"), SiteBar("T", "T", 0.0, 0.0, "no_target")]
    assert_sound(site_comparison_chart("1", sites, False, 300, 200, 100), 300, 200)
    many = [TrendPoint(f"P{i}", f"2026 M{i:02}", float(i), float(i)) for i in range(60)]
    assert_sound(
        indicator_trend_chart(TrendSeries("1", "n", "", False, tuple(many)), 300, 150, 100), 300, 150
    )


def test_charts_render_on_several_threads_at_once() -> None:
    failures: list[BaseException] = []

    def draw() -> None:
        try:
            for _ in range(3):
                assert_sound(indicator_trend_chart(series(partial_at=1), 300, 200, 100), 300, 200)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=draw) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []


def test_larger_dpi_is_larger_text_at_the_same_size() -> None:
    """Zoom: the legend over the plot takes more pixels, so the plot starts lower."""
    small = indicator_trend_chart(series(), 600, 300, 80)
    large = indicator_trend_chart(series(), 600, 300, 160)
    assert large.regions[0].y > small.regions[0].y * 1.6
    assert (large.width_px, large.height_px) == (small.width_px, small.height_px) == (600, 300)


def test_importing_the_chart_module_does_not_import_matplotlib() -> None:
    code = "import sys, pmdesk.reports.charts; print('matplotlib' in sys.modules, 'PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]

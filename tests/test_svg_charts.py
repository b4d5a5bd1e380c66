"""The hand-written SVG charts of the report and the app (lcasym.presentation.svg_charts)."""

from __future__ import annotations

import html
import re

import pytest
from test_report import EVIL, GWP, hand_result, mc_result

from lcasym.presentation import figures
from lcasym.presentation.svg_charts import Bar, hbar_svg, histogram_svg, nice_ticks, tick_text


def test_nice_ticks_use_steps_of_1_2_5():
    # raw step 93 / 5 = 18.6 -> 20; ticks from 0 to the first multiple of 20 >= 93
    assert nice_ticks(0, 93) == [0, 20, 40, 60, 80, 100]
    # -18.4 .. 25,600: raw step 5,123.7 -> 10,000; floor(-18.4 / 10,000) = -1
    assert nice_ticks(-18.4, 25_600) == [-10_000, 0, 10_000, 20_000, 30_000]
    # 0.12 .. 0.31: raw step 0.038 -> 0.05
    assert nice_ticks(0.12, 0.31) == pytest.approx([0.1, 0.15, 0.2, 0.25, 0.3, 0.35])
    assert tick_text(20_000, 10_000) == "20,000" and tick_text(0.25, 0.05) == "0.25"


def _rects(svg: str) -> list[tuple[float, float]]:
    """(x, width) of the bars (the white background rectangle has no x)."""
    return [
        (float(x), float(w))
        for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="11"', svg)
    ]


def test_bars_are_placed_on_the_axis():
    # axis: label column 200 px, plot 560 - 200 - 60 = 300 px over ticks 0..100 -> 3 px per unit
    svg = hbar_svg([Bar("a", ((0.0, 50.0, "#000"),)), Bar("b", ((20.0, 93.0, "#000"),))],
                   title="t")  # fmt: skip
    assert _rects(svg) == [(200.0, 150.0), (260.0, 219.0)]  # 50*3; x 200+20*3, (93-20)*3


def test_text_is_escaped_and_long_labels_are_cut():
    svg = hbar_svg([Bar(EVIL, ((0.0, 1.0, "#000"),), text=EVIL)], title=EVIL)
    assert "<script>" not in svg and "<img" not in svg and "&lt;script&gt;" in svg
    # a 200 px label column holds (200 - 8) / 5.6 = 34 characters: 28 + "…" + the last 5
    label = html.unescape(re.search(r'anchor="end" font-size="9" fill="#222">([^<]*)<', svg)[1])
    assert label == EVIL[:28] + "…" + EVIL[-5:] and len(label) == 34


def test_histogram_counts_every_value():
    # 0..10 with 10 bins over ticks 0..10 (step 2): one value per bin, 9 and 10 share the last
    svg = histogram_svg([float(v) for v in range(11)], title="x", colour="#123456", bins=10)
    heights = [float(h) for h in re.findall(r'height="([\d.]+)" fill="#123456"', svg)]
    assert len(heights) == 10 and heights[-1] == pytest.approx(2 * heights[0])


def test_report_figures_draw_the_same_bars_as_the_frames():
    res = hand_result()
    svg = figures.waterfall_svg(res.exchanges, GWP)
    # waterfall_frame: heat 2.52, gyp 1.40, total 3.92 t -> three bars, labels in that order
    assert re.findall(r'text-anchor="end" font-size="9" fill="#222">([^<]*)<', svg) == [
        "heat", "gyp", "network total"]  # fmt: skip
    (x1, w1), (x2, w2), (_, w3) = _rects(svg)
    assert x2 == pytest.approx(x1 + w1, abs=0.2)  # gyp starts where heat ends
    assert w3 == pytest.approx(w1 + w2, abs=0.2)  # the total bar spans both
    assert figures.distribution_svg(res.uncertainty, GWP) is None  # no draws: no picture
    mc = mc_result()
    dist = figures.distribution_svg(mc.uncertainty, GWP)
    assert dist is not None and "P5–P95" in dist
    fac = figures.facility_bars_svg(mc.facilities, GWP)
    assert fac.startswith("<svg") and fac.endswith("</svg>")

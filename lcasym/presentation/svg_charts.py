"""Simple charts written directly as SVG text: horizontal bars and a histogram.

The report's bar charts (waterfall, per-firm bars, tornado, P5–P95 ranges) and the Monte
Carlo histogram are plain rectangles on a linear axis; writing them here costs
milliseconds, where rendering a Vega-Lite spec needs the Vega engine (about a second to
start and a third of a second per chart). :mod:`lcasym.presentation.figures` builds the
rows from the result tables; this module only draws. Every piece of text is escaped.

The x axis maps a value ``v`` to ``x = left + (v − lo) / (hi − lo) · plot_width`` with
``[lo, hi]`` widened to "nice" tick steps (1, 2 or 5 × 10^k).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Font of the charts (DejaVu Sans is what the report embeds).
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
_ROW = 16.0  # px per bar row
_AXIS = 34.0  # px below the plot: tick labels and the axis title


@dataclass(frozen=True)
class Bar:
    """One row of a horizontal bar chart: bars ``(start, end, colour)`` on one line.

    ``text`` is printed right of the row's rightmost bar end. ``marks`` are extra points
    on the row: ``(value, kind, colour)`` with kind ``"dot"`` (a filled circle) or
    ``"tick"`` (a short vertical line).
    """

    label: str
    segments: tuple[tuple[float, float, str], ...]
    text: str = ""
    thin: bool = False
    marks: tuple[tuple[float, str, str], ...] = ()


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Tick values covering ``[lo, hi]`` with a step of 1, 2 or 5 × 10^k.

    ``nice_ticks(0, 93) -> [0, 20, 40, 60, 80, 100]`` (raw step 93/5 = 18.6 -> 20).
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi <= lo:
        lo, hi = (lo - 1.0, hi + 1.0) if lo == 0 else (lo - abs(lo) * 0.1, hi + abs(hi) * 0.1)
    raw = (hi - lo) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)
    first = math.floor(lo / step + 1e-9) * step
    ticks = []
    value = first
    while value < hi + step * 0.999:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value += step
    return ticks


def tick_text(value: float, step: float) -> str:
    """A tick label: thousands separated, as many decimals as the step needs.

    ``tick_text(20000, 5000) -> "20,000"``; ``tick_text(0.25, 0.05) -> "0.25"``.
    """
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    return f"{value:,.{decimals}f}"


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: float = 9,
          fill: str = "#222") -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size:g}" '
        f'fill="{fill}">{html.escape(text)}</text>'
    )


def _fit(text: str, room: float, char_px: float = 5.6) -> str:
    """``text`` cut in the middle (with "…") to fit ``room`` px at ``char_px`` px a character.

    The last 5 characters stay, so "Farms on Zealand (fertiliser users) (2)" and "… (3)"
    remain apart.
    """
    n = max(int(room / char_px), 12)
    return text if len(text) <= n else text[: n - 6] + "…" + text[-5:]


def _half_label(ticks: list[float]) -> float:
    """Room right of the plot for half of the last tick label (8 px font: ~4.9 px a character)."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return 2.5 * len(tick_text(ticks[-1], step)) + 4.0


@dataclass(frozen=True)
class _Axis:
    left: float
    width: float
    ticks: list[float]

    def x(self, value: float) -> float:
        lo, hi = self.ticks[0], self.ticks[-1]
        return self.left + (value - lo) / (hi - lo) * self.width

    def draw(self, top: float, bottom: float, title: str) -> list[str]:
        """Grid lines from ``top`` to ``bottom``, tick labels and the title below."""
        step = self.ticks[1] - self.ticks[0] if len(self.ticks) > 1 else 1.0
        out = []
        for t in self.ticks:
            x = self.x(t)
            colour = "#555" if t == 0 else "#e1e4e8"
            out.append(
                f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
                f'stroke="{colour}" stroke-width="{1 if t == 0 else 0.6}"/>'
            )
            out.append(_text(x, bottom + 11, tick_text(t, step), anchor="middle", size=8))
        out.append(_text(self.left + self.width / 2, bottom + 26, title, anchor="middle"))
        return out


def _open(width: float, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}" font-size="9">'
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>'
    )


def hbar_svg(
    bars: Sequence[Bar],
    *,
    title: str,
    width: float = 560,
    label_width: float = 200,
    legend: Sequence[tuple[str, str]] = (),
    text_room: float = 60,
    zero: bool = True,
) -> str:
    """Horizontal bars, one row each, on a shared x axis titled ``title``.

    ``legend``: ``(colour, text)`` pairs printed under the axis title. ``text_room``: px
    kept right of the plot for the bar's ``text`` (printed after the bar's far end).
    ``zero``: the axis includes 0 (False for a tornado around a central value).
    """
    values = [v for b in bars for s in b.segments for v in s[:2]]
    values += [m[0] for b in bars for m in b.marks]
    finite = [v for v in values if math.isfinite(v)] or [0.0]
    if zero:
        finite.append(0.0)
    ticks = nice_ticks(min(finite), max(finite))
    axis = _Axis(label_width, width - label_width - max(text_room, _half_label(ticks)), ticks)
    top = 6.0
    bottom = top + _ROW * max(len(bars), 1)
    height = bottom + _AXIS + (14.0 if legend else 0.0)
    out = [_open(width, height), *axis.draw(top, bottom, title)]
    for i, bar in enumerate(bars):
        y = top + i * _ROW
        mid = y + _ROW / 2
        out.append(_text(label_width - 5, mid + 3, _fit(bar.label, label_width - 8), anchor="end"))
        right = -math.inf
        for start, end, colour in bar.segments:
            if not (math.isfinite(start) and math.isfinite(end)):
                continue
            x0, x1 = sorted((axis.x(start), axis.x(end)))
            right = max(right, x1)
            h = 4.0 if bar.thin else 11.0
            out.append(
                f'<rect x="{x0:.1f}" y="{mid - h / 2:.1f}" width="{max(x1 - x0, 0.8):.1f}" '
                f'height="{h:g}" fill="{colour}"/>'
            )
        if bar.text and math.isfinite(right):
            out.append(_text(right + 3, mid + 3, bar.text, size=8))
        for value, kind, colour in bar.marks:
            if not math.isfinite(value):
                continue
            x = axis.x(value)
            if kind == "dot":
                out.append(f'<circle cx="{x:.1f}" cy="{mid:.1f}" r="2.8" fill="{colour}"/>')
            else:
                out.append(
                    f'<line x1="{x:.1f}" y1="{mid - 6:.1f}" x2="{x:.1f}" y2="{mid + 6:.1f}" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
    x = label_width
    for colour, text in legend:
        out.append(
            f'<rect x="{x:.1f}" y="{height - 12:.1f}" width="9" height="9" fill="{colour}"/>'
        )
        out.append(_text(x + 12, height - 4, text, size=8))
        x += 20 + 5.5 * len(text)
    out.append("</svg>")
    return "".join(out)


def histogram_svg(
    values: Sequence[float],
    *,
    title: str,
    colour: str,
    lines: Sequence[tuple[float, str]] = (),
    bins: int = 40,
    width: float = 480,
    height: float = 200,
) -> str:
    """A histogram of ``values`` (equal-width bins over nice ticks), with vertical ``lines``.

    ``lines``: ``(value, colour)``, drawn dashed (the P5 and P95).
    """
    finite = [float(v) for v in values if math.isfinite(v)]
    if not finite:
        finite = [0.0]
    ticks = nice_ticks(min(finite), max(finite), 6)
    axis = _Axis(46.0, width - 46.0 - max(10.0, _half_label(ticks)), ticks)
    lo, hi = axis.ticks[0], axis.ticks[-1]
    n = max(bins, 1)
    size = (hi - lo) / n
    counts = [0] * n
    for v in finite:
        counts[min(int((v - lo) / size), n - 1)] += 1
    top, bottom = 6.0, height - _AXIS
    peak = max(counts) or 1
    y_ticks = nice_ticks(0, peak, 4)
    scale = (bottom - top) / y_ticks[-1]
    out = [_open(width, height), *axis.draw(top, bottom, title)]
    for t in y_ticks:
        y = bottom - t * scale
        out.append(_text(axis.left - 4, y + 3, f"{t:,.0f}", anchor="end", size=8))
    out.append(_text(10, (top + bottom) / 2, "draws", anchor="middle", size=8).replace(
        "<text ", f'<text transform="rotate(-90 10 {(top + bottom) / 2:.1f})" ', 1))  # fmt: skip
    bar_w = axis.width / n
    for i, c in enumerate(counts):
        if c:
            h = c * scale
            out.append(
                f'<rect x="{axis.left + i * bar_w:.1f}" y="{bottom - h:.1f}" '
                f'width="{max(bar_w - 0.6, 0.5):.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
    for value, line_colour in lines:
        if math.isfinite(value):
            x = axis.x(value)
            out.append(
                f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
                f'stroke="{line_colour}" stroke-width="1.2" stroke-dasharray="4 3"/>'
            )
    out.append("</svg>")
    return "".join(out)

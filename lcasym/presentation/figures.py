"""The charts of a symbiosis result, as vector graphics, for the app and the PDF report alike.

Every function takes result tables (``exchanges``, ``facilities``, ``uncertainty``,
``sensitivity``... as in ``docs/results.md``) and returns either an Altair chart (a
Vega-Lite spec the app can show as it is) or SVG text (what the report prints). SVG comes
from the ``*_svg`` functions: the flow diagram (which Vega-Lite cannot draw) is written
here, the bar charts and the histogram by :mod:`lcasym.presentation.svg_charts` (plain
rectangles: milliseconds, where the Vega engine needs about a second to start). The report
and the app show these SVG pictures; :func:`chart_svg` still renders any Altair chart
offline with vl-convert (the reporting-years chart and the park map, Altair charts).

Values are shown in the method's display unit (kg CO2-eq as t CO2-eq, see
:func:`lcasym.presentation.formatting.display_scale`); every chart says its unit. User
text (facility names, flows) is escaped in the SVG written here and is data, never markup,
in the Vega-Lite specs.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from lcasym.extras import require
from lcasym.presentation.formatting import _is_missing, display_scale, format_supported
from lcasym.presentation.svg_charts import Bar, hbar_svg, histogram_svg

if TYPE_CHECKING:
    import altair as alt

#: Colours shared by the app and the report (benefit, burden, total, neutral).
BENEFIT, BURDEN, TOTAL, NEUTRAL = "#3f7e44", "#c5192d", "#19486a", "#9aa3ab"
#: Fonts of the charts (DejaVu Sans is what the report embeds; the others are fall-backs).
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
#: Width of a chart in CSS pixels (the A4 text block is about 640 px wide).
WIDTH = 560

_CONFIG: dict[str, Any] = {
    "font": FONT,
    "axis": {"labelFontSize": 10, "titleFontSize": 10, "labelLimit": 260, "grid": True},
    "legend": {"labelFontSize": 10, "titleFontSize": 10},
    "view": {"stroke": None},
    "background": "white",
}


def _one_method(frame: pd.DataFrame, method: str) -> pd.DataFrame:
    return frame[frame["method"] == method].reset_index(drop=True)


def _scale_of(frame: pd.DataFrame) -> tuple[float, str]:
    unit = str(frame["unit"].iloc[0]) if not frame.empty else ""
    return display_scale(unit)


def _short(text: str, n: int = 42) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _altair() -> Any:
    """Altair, imported on first use (it takes about a second); a clear message if missing.

    The report draws its charts as plain SVG and never imports it.
    """
    return require("altair")  # lcasym[report]


def chart_svg(chart: alt.TopLevelMixin | Mapping[str, Any]) -> str:
    """Render an Altair chart (or a Vega-Lite dict) to SVG offline.

    vl-convert runs Vega in-process; ``allowed_base_urls=[]`` forbids every data URL, so
    nothing is fetched.
    """
    vlc = require("vl_convert")

    spec = chart.to_dict() if hasattr(chart, "to_dict") else dict(chart)
    spec.setdefault("config", {})
    for key, value in _CONFIG.items():
        spec["config"].setdefault(key, value)
    return str(vlc.vegalite_to_svg(spec, allowed_base_urls=[]))


# --- waterfall of net benefit by exchange ----------------------------------------------------


def waterfall_frame(
    exchanges: pd.DataFrame,
    method: str,
    *,
    labels: Mapping[str, str] | None = None,
    top: int = 25,
) -> pd.DataFrame:
    """Bars of a waterfall: each exchange's net (largest |net| first), then the total.

    Beyond ``top`` exchanges the rest are summed into one "other N exchanges" bar so the
    chart stays readable and still ends exactly at the total. Columns ``label``, ``value``,
    ``start``, ``end``, ``kind`` (benefit, burden, total), in the display unit.
    """
    ex = _one_method(exchanges, method)
    scale, _ = _scale_of(ex)
    ex = ex.assign(net=ex["net"].astype(float) * scale)
    ex = ex.loc[ex["net"].abs().sort_values(ascending=False, kind="stable").index]
    names = [(labels or {}).get(x, x) for x in ex["exchange"]]
    values = list(ex["net"])
    if len(values) > top:
        rest = len(values) - top + 1
        names = [*names[: top - 1], f"other {rest} exchanges"]
        values = [*values[: top - 1], float(sum(values[top - 1 :]))]
    rows, level = [], 0.0
    for name, value in zip(names, values, strict=True):
        rows.append(
            {
                "label": str(name),
                "value": value,
                "start": level,
                "end": level + value,
                "kind": "benefit" if value >= 0 else "burden",
            }
        )
        level += value
    rows.append(
        {"label": "network total", "value": level, "start": 0.0, "end": level, "kind": "total"}
    )
    return pd.DataFrame(rows)


def waterfall_svg(
    exchanges: pd.DataFrame,
    method: str,
    *,
    labels: Mapping[str, str] | None = None,
    top: int = 25,
) -> str:
    """Waterfall of the net benefit of each exchange, ending at the network total, as SVG."""
    frame = waterfall_frame(exchanges, method, labels=labels, top=top)
    _, unit = _scale_of(_one_method(exchanges, method))
    colours = {"benefit": BENEFIT, "burden": BURDEN, "total": TOTAL}
    bars = [
        Bar(
            str(r.label),
            ((float(r.start), float(r.end), colours[str(r.kind)]),),
            text=format_supported(r.value)[0],
        )
        for r in frame.itertuples()
    ]
    return hbar_svg(
        bars,
        title=f"net benefit, {unit}/yr",
        legend=[(BENEFIT, "benefit"), (BURDEN, "burden"), (TOTAL, "total")],
    )


# --- per-firm bars ---------------------------------------------------------------------------


def facility_bars_svg(facilities: pd.DataFrame, method: str) -> str:
    """Each firm's credit under the result's rule as SVG text, largest first (losses red)."""
    fac = _one_method(facilities, method)
    scale, unit = _scale_of(fac)
    rule = str(fac["rule"].iloc[0]) if not fac.empty else ""
    credit = fac["credit"].astype(float) * scale
    order = credit.sort_values(ascending=False, kind="stable").index
    bars = [
        Bar(
            str(fac.at[i, "name"]),
            ((0.0, float(credit[i]), BENEFIT if credit[i] >= 0 else BURDEN),),
            text=format_supported(credit[i])[0],
        )
        for i in order
    ]
    return hbar_svg(bars, title=f"credit under the {rule} rule, {unit}/yr")


# --- Monte Carlo distribution ----------------------------------------------------------------


def distribution_svg(
    uncertainty: pd.DataFrame,
    method: str,
    *,
    samples: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    top: int = 12,
) -> str | None:
    """The Monte Carlo distribution as SVG text, or None without draws.

    With raw draws a histogram (40 bins) of the network's avoided total with its P5 and
    P95 dashed; otherwise one P5–P95 bar per entity with P50 (dot) and the deterministic
    value (tick).
    """
    unc = _one_method(uncertainty, method)
    if unc.empty:
        return None
    scale, unit = _scale_of(unc)
    title = f"avoided, {unit}/yr"
    if samples is not None and not samples.empty:
        net = samples[(samples["method"] == method) & (samples["entity"] == "network")]
        if not net.empty:
            head = unc[unc["entity"] == "network"].iloc[0]
            return histogram_svg(
                list(net["value"].astype(float) * scale),
                title=f"{title} (dashed: P5 and P95)",
                colour=TOTAL,
                lines=[(float(head["P5"]) * scale, BURDEN), (float(head["P95"]) * scale, BURDEN)],
            )
    unc = unc[unc["quantity"].isin(["avoided", "net"])].copy()
    unc["size"] = unc["P50"].abs()
    network = unc[unc["entity"] == "network"]
    rest = unc[unc["entity"] != "network"].sort_values("size", ascending=False).head(top)
    frame = pd.concat([network, rest], ignore_index=True)
    names = {"network": "network total"} | dict(labels or {})
    bars = [
        Bar(
            _short(names.get(r.entity, r.entity)),
            ((float(r.P5) * scale, float(r.P95) * scale, "#8fb996"),),
            thin=True,
            marks=(
                (float(r.P50) * scale, "dot", TOTAL),
                (float(r.deterministic) * scale, "tick", BURDEN),
            ),
        )
        for r in frame.itertuples()
    ]
    return hbar_svg(
        bars,
        title=f"{title} (P5–P95 bar, P50 dot, deterministic tick)",
        legend=[("#8fb996", "P5–P95"), (TOTAL, "P50"), (BURDEN, "deterministic")],
    )


# --- tornado --------------------------------------------------------------------------------


def tornado_frame(sensitivity: pd.DataFrame, method: str, top: int = 12) -> pd.DataFrame:
    """The tornado rows of one method, widest swing first (columns of the wide form)."""
    sens = sensitivity[(sensitivity["analysis"] == "tornado") & (sensitivity["method"] == method)]
    if sens.empty:
        return pd.DataFrame()
    wide = sens.pivot_table(index="parameter", columns="measure", values="value", aggfunc="first")
    wide = wide.reset_index()
    if "swing" not in wide:
        wide["swing"] = (wide["result_high"] - wide["result_low"]).abs()
    return wide.sort_values("swing", ascending=False, kind="stable").head(top)


def tornado_svg(
    sensitivity: pd.DataFrame, method: str, *, unit: str, central: float, top: int = 12
) -> str | None:
    """Tornado as SVG text: the avoided total at each parameter's low (red) and high (green).

    Bars start at ``central``; None without a tornado for this method. ``unit`` is the
    method's unit; values are shown in its display unit.
    """
    wide = tornado_frame(sensitivity, method, top)
    if wide.empty:
        return None
    scale, shown = display_scale(unit)
    mid = central * scale
    bars = [
        Bar(
            _short(r.parameter, 48),
            (
                (float(r.result_low) * scale, mid, BURDEN),
                (float(r.result_high) * scale, mid, BENEFIT),
            ),
            marks=((mid, "tick", "#333"),),
        )
        for r in wide.itertuples()
    ]
    return hbar_svg(
        bars,
        title=f"avoided total, {shown}/yr",
        label_width=260,
        text_room=20,
        zero=False,
        legend=[(BURDEN, "parameter at its low value"), (BENEFIT, "at its high value")],
    )


# --- flow diagram (Sankey), drawn as SVG directly --------------------------------------------


@dataclass(frozen=True)
class _Link:
    number: str
    source: str
    target: str
    value: float  # display unit, signed
    width: float  # px


def flow_diagram_svg(
    exchanges: pd.DataFrame,
    method: str,
    *,
    names: Mapping[str, str],
    numbers: Mapping[str, str] | None = None,
    width: int = WIDTH + 80,
) -> str:
    """A Sankey diagram of the network: suppliers on the left, receivers on the right.

    Each band is one exchange, as wide as its net benefit ``|net|`` for ``method`` (so the
    bands of different flows, in different physical units, compare), green when the net
    is a benefit and red when it is a burden; bands with no result are drawn thin and grey.
    A band carries the exchange's number (``numbers``, the report's exchange table). A
    facility that both supplies and receives appears on both sides.
    """
    ex = _one_method(exchanges, method)
    scale, unit = _scale_of(ex)
    numbers = numbers or {x: str(i + 1) for i, x in enumerate(ex["exchange"])}
    raw = [
        (
            str(r.exchange),
            str(r.supplier),
            str(r.receiver),
            float(r.net) * scale if not _is_missing(r.net) else math.nan,
        )
        for r in ex.itertuples()
    ]
    left_order = _order_nodes([(s, v) for _, s, _, v in raw])
    right_order = _order_nodes([(t, v) for _, _, t, v in raw])
    n_nodes = max(len(left_order), len(right_order), 1)
    gap = 14.0 if n_nodes <= 15 else 8.0
    band_room = min(max(120.0, 26.0 * len(raw)), 480.0)
    biggest = max(
        sum(abs(v) for _, s, _, v in raw if math.isfinite(v)),
        1e-300,
    )
    px = band_room / biggest
    min_w = 1.5
    links = [
        _Link(numbers.get(x, x), s, t, v, max(min_w, abs(v) * px) if math.isfinite(v) else min_w)
        for x, s, t, v in raw
    ]
    left = _stack(left_order, links, "source", gap)
    right = _stack(right_order, links, "target", gap)
    height = max(left.total, right.total) + 30.0
    label_w = 170.0
    x0, x1 = label_w, width - label_w
    node_w = 10.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" font-family="{FONT}" font-size="9">',
        f'<rect width="{width}" height="{height:.0f}" fill="white"/>',
    ]
    out_y: dict[str, float] = dict(left.top)
    in_y: dict[str, float] = dict(right.top)
    bands: list[str] = []
    tags: list[Any] = []
    for link in links:
        ys = out_y[link.source]
        yt = in_y[link.target]
        out_y[link.source] += link.width
        in_y[link.target] += link.width
        colour = (
            NEUTRAL
            if not math.isfinite(link.value) or link.value == 0
            else (BENEFIT if link.value > 0 else BURDEN)
        )
        a, b = x0 + node_w, x1
        mid = (a + b) / 2
        w = link.width
        d = (
            f"M{a:.1f},{ys:.1f} C{mid:.1f},{ys:.1f} {mid:.1f},{yt:.1f} {b:.1f},{yt:.1f} "
            f"L{b:.1f},{yt + w:.1f} C{mid:.1f},{yt + w:.1f} {mid:.1f},{ys + w:.1f} "
            f"{a:.1f},{ys + w:.1f} Z"
        )
        bands.append(
            f'<path d="{d}" fill="{colour}" fill-opacity="0.45" stroke="{colour}" '
            'stroke-opacity="0.8" stroke-width="0.4"/>'
        )
        # tag on the band's centre line at t in [0.2, 0.8], spread so that tags of
        # neighbouring bands do not sit on top of each other
        t = 0.2 + 0.6 * ((len(tags) * 0.618034) % 1.0)
        bx = (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * mid + 3 * (1 - t) * t**2 * mid + t**3 * b
        by = (1 - t) ** 3 * ys + 3 * (1 - t) ** 2 * t * ys + 3 * (1 - t) * t**2 * yt + t**3 * yt
        cy = by + w / 2
        tags.append(
            f'<g><circle cx="{bx:.1f}" cy="{cy:.1f}" r="6" fill="white" stroke="{colour}"/>'
            f'<text x="{bx:.1f}" y="{cy + 2.8:.1f}" text-anchor="middle" font-size="7">'
            f"{html.escape(link.number)}</text></g>"
        )
    parts += bands + tags
    for stack, x, anchor, dx in (
        (left, x0, "end", -4.0),
        (right, x1, "start", node_w + 4.0),
    ):
        for node, (top, h) in stack.boxes.items():
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{node_w}" height="{h:.1f}" '
                f'fill="{TOTAL}"/>'
            )
            label = html.escape(_middle(names.get(node, node), 27))
            parts.append(
                f'<text x="{x + dx:.1f}" y="{top + h / 2 + 3.5:.1f}" '
                f'text-anchor="{anchor}">{label}</text>'
            )
    parts.append(
        f'<text x="{x0:.1f}" y="{height - 8:.0f}" font-size="9" fill="#444">suppliers → '
        f"receivers; band width = |net benefit| ({html.escape(unit)}/yr); green benefit, red "
        "burden, grey none</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _middle(text: str, n: int) -> str:
    """``text`` shortened in the middle (keeps the end, e.g. a "(2)" suffix)."""
    text = str(text)
    return text if len(text) <= n else text[: n - 6] + "…" + text[-5:]


def _order_nodes(pairs: Sequence[tuple[str, float]]) -> list[str]:
    size: dict[str, float] = {}
    for node, value in pairs:
        size[node] = size.get(node, 0.0) + (abs(value) if math.isfinite(value) else 0.0)
    return sorted(size, key=lambda n: (-size[n], n))


@dataclass(frozen=True)
class _Stack:
    boxes: dict[str, tuple[float, float]]
    top: dict[str, float]
    total: float


def _stack(order: list[str], links: list[_Link], end: str, gap: float) -> _Stack:
    boxes, top, y = {}, {}, 10.0
    for node in order:
        h = sum(k.width for k in links if getattr(k, end) == node)
        h = max(h, 4.0)
        boxes[node] = (y, h)
        top[node] = y
        y += h + gap
    return _Stack(boxes, top, y)


# --- a park over reporting years -------------------------------------------------------------


def years_chart(totals: pd.DataFrame, method: str) -> alt.Chart:
    """Avoided impact per reporting year (bars) with the number of exchanges counted.

    ``totals`` is :attr:`lcasym.calc.years.YearsComparison.totals`.
    """
    alt = _altair()
    frame = _one_method(totals, method)
    scale, unit = _scale_of(frame)
    frame = frame.assign(
        avoided=frame["avoided"].astype(float) * scale,
        year=frame["year"].astype(str),
        kind=["benefit" if v >= 0 else "burden" for v in frame["avoided"]],
    )
    return (
        alt.Chart(frame)
        .mark_bar(size=22)
        .encode(
            x=alt.X("year:O", title="reporting year", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "avoided:Q",
                title=f"avoided (reference − with the exchanges), {unit}/yr",
                axis=alt.Axis(format=",~s"),
            ),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["benefit", "burden"], range=[BENEFIT, BURDEN]),
                legend=None,
            ),
            tooltip=["year:O", alt.Tooltip("avoided:Q", format=",.4~g"), "exchanges_counted:Q"],
        )
        .properties(width=WIDTH - 160, height=220, title=_short(method, 80))
    )


@dataclass(frozen=True)
class MapFrames:
    """What a map of the park draws, and what it leaves out.

    Facilities with coordinates and the exchanges between two of them (lon/lat in decimal
    degrees).
    """

    facilities: pd.DataFrame  # id, name, lat, lon
    exchanges: pd.DataFrame  # id, label, kind, lat, lon, lat2, lon2
    without_coordinates: tuple[str, ...]  # facility names
    exchanges_left_out: int  # an end without coordinates (or no supplier in the network)


def map_frames(network: Any) -> MapFrames:
    """The facilities and exchanges of ``network`` (a ``SymbiosisNetwork``) a map can place."""
    where = {
        f.id: (f.name, f.coordinates.lat, f.coordinates.lon)
        for f in network.facilities
        if f.coordinates is not None
    }
    facilities = pd.DataFrame(
        [{"id": k, "name": v[0], "lat": v[1], "lon": v[2]} for k, v in where.items()],
        columns=["id", "name", "lat", "lon"],
    )
    rows, left_out = [], 0
    for x in network.exchanges:
        if x.supplier not in where or x.receiver not in where:
            left_out += 1
            continue
        a, b = where[x.supplier], where[x.receiver]
        rows.append(
            {"id": x.id, "label": f"{x.flow} ({a[0]} → {b[0]})", "kind": str(x.kind.value),
             "lat": a[1], "lon": a[2], "lat2": b[1], "lon2": b[2]}
        )  # fmt: skip
    exchanges = pd.DataFrame(rows, columns=["id", "label", "kind", "lat", "lon", "lat2", "lon2"])
    missing = tuple(f.name for f in network.facilities if f.id not in where)
    return MapFrames(facilities, exchanges, missing, left_out)


#: Colour of an exchange line on the map, by kind.
KIND_COLOURS = {"material": "#8c6d31", "energy": "#e6550d", "water": "#3182bd", "waste": "#636363"}


def park_map(frames: MapFrames, *, width: int = WIDTH, height: int = 360) -> alt.LayerChart | None:
    """A map of the park drawn offline: facilities at their coordinates, exchanges as lines.

    Mercator projection of longitude/latitude fitted to the facilities (with a margin of
    15 % of their extent, at least 0.01°); no base map and no tile server: nothing is
    fetched. Lines are coloured by kind; firm names label the points. None without any
    facility with coordinates.
    """
    alt = _altair()
    fac = frames.facilities
    if fac.empty:
        return None
    lat0, lat1 = float(fac["lat"].min()), float(fac["lat"].max())
    lon0, lon1 = float(fac["lon"].min()), float(fac["lon"].max())
    pad_lat = max(0.15 * (lat1 - lat0), 0.01)
    pad_lon = max(0.15 * (lon1 - lon0), 0.01)
    corners = pd.DataFrame(
        {"lat": [lat0 - pad_lat, lat1 + pad_lat], "lon": [lon0 - pad_lon, lon1 + pad_lon]}
    )
    frame = alt.Chart(corners).mark_point(opacity=0).encode(longitude="lon:Q", latitude="lat:Q")
    layers: list[Any] = [frame]
    if not frames.exchanges.empty:
        kinds = [k for k in KIND_COLOURS if k in set(frames.exchanges["kind"])]
        layers.append(
            alt.Chart(frames.exchanges)
            .mark_rule(strokeWidth=2.5, opacity=0.8)
            .encode(
                longitude="lon:Q",
                latitude="lat:Q",
                longitude2="lon2:Q",
                latitude2="lat2:Q",
                color=alt.Color(
                    "kind:N",
                    scale=alt.Scale(domain=kinds, range=[KIND_COLOURS[k] for k in kinds]),
                    legend=alt.Legend(title="exchange", orient="bottom"),
                ),
                tooltip=[alt.Tooltip("label:N", title="exchange")],
            )
        )
    points = alt.Chart(fac).encode(
        longitude="lon:Q",
        latitude="lat:Q",
        tooltip=[
            alt.Tooltip("name:N", title="facility"),
            alt.Tooltip("lat:Q", format=".4f"),
            alt.Tooltip("lon:Q", format=".4f"),
        ],
    )
    layers.append(points.mark_circle(size=90, color=TOTAL, opacity=0.9))
    layers.append(
        points.mark_text(align="left", dx=7, dy=-7, fontSize=11, color="#31333f").encode(
            text="name:N"
        )
    )
    return (
        alt.layer(*layers)
        .project(type="mercator")
        .properties(width=width, height=height)
        .configure_view(stroke="#d0d4da")
    )

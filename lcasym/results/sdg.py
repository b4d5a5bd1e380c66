"""SDG targets a symbiosis network contributes to, from LCIA totals and programme indicators.

The links live in ``lcasym/data/sdg_mapping.yaml`` (one row per link, with rationale and
source); a user file with the same layout can replace it. Each row gives, for its target:

- LCIA rows: ``reference`` (without the exchanges), ``with_exchanges`` and
  ``contribution = reference − with_exchanges``
  (positive = less pressure, the same sign as the avoided total);
- ratio rows (``per_value_added``, 9.4.1 / 7.3.1 style): ``x / VA`` for both scenarios,
  ``contribution = reference − with_exchanges``; (``value_added_per``, 6.4.1 style):
  ``VA / x``, ``contribution = with_exchanges − reference`` (efficiency rises). ``VA`` is the
  value added of all facilities, used only when every facility declares it (a partial sum
  would not match the network-wide LCIA totals);
- inventory / programme rows: ``contribution`` = the indicator (no scenario values).

Wording: "contributes to target X.Y" (positive), "adds pressure on target X.Y" (negative),
never "achieves". A row whose LCIA category the background does not cover (the totals'
``coverage`` column says ``not covered``) has no value and says so. A target is never both
"contributes to" and "not assessed": when another row of the same target has a value, a row
without one says only that its own indicator is not available. Recovered heat is never a
renewable-energy (7.2) claim; the mapping links it to energy efficiency (7.3).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from lcasym.background.methods import method_label
from lcasym.errors import DataFileError
from lcasym.paths import package_data

DEFAULT_MAPPING = package_data("sdg_mapping.yaml")
BASES = ("lcia", "inventory", "programme")
RATIOS = (None, "per_value_added", "value_added_per")
_REQUIRED = ("id", "goal", "target", "un_indicator", "indicator_description", "basis", "unit",
             "rationale", "source")  # fmt: skip
COLUMNS = [
    "id", "goal", "goal_name", "colour", "target", "un_indicator", "indicator_description",
    "basis", "indicator", "unit", "reference", "with_exchanges", "contribution", "statement",
    "status", "rationale", "source",
]  # fmt: skip


def _validate(raw: Any, where: str) -> dict[str, Any]:
    try:
        goals, links = raw["goals"]["list"], raw["links"]
    except (KeyError, TypeError) as exc:
        raise DataFileError(f"{where}: needs 'goals: list:' and 'links:' ({exc})") from exc
    seen = set()
    for i, row in enumerate(links):
        name = f"{where}, links[{i}] (id {row.get('id')!r})" if isinstance(row, dict) else where
        if not isinstance(row, dict):
            raise DataFileError(f"{name}: each link must be a mapping")
        missing = [k for k in _REQUIRED if not row.get(k) and row.get(k) != 0]
        if missing:
            raise DataFileError(f"{name}: missing {', '.join(missing)}")
        if row["id"] in seen:
            raise DataFileError(f"{name}: duplicate id")
        seen.add(row["id"])
        if row["basis"] not in BASES:
            raise DataFileError(f"{name}: basis must be one of {BASES}")
        if row.get("ratio") not in RATIOS:
            raise DataFileError(f"{name}: ratio must be one of {RATIOS[1:]} or absent")
        if row["basis"] == "lcia" and not row.get("method"):
            raise DataFileError(f"{name}: an lcia link needs 'method' (a method key list)")
        if row["basis"] != "lcia" and not row.get("indicator"):
            raise DataFileError(f"{name}: an {row['basis']} link needs 'indicator'")
        if int(row["goal"]) not in goals or "colour" not in goals[int(row["goal"])]:
            raise DataFileError(f"{name}: goal {row['goal']} has no entry with a colour")
    return raw


@cache
def _load_default() -> dict[str, Any]:
    return _read(DEFAULT_MAPPING)


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"cannot read SDG mapping {path}: {exc}") from exc
    return _validate(raw, str(path))


def load_mapping(path: str | Path | None = None) -> dict[str, Any]:
    """The SDG mapping (``goals`` and ``links``), validated; default: the shipped file."""
    return _load_default() if path is None else _read(Path(path))


def goal_colours(mapping: Mapping[str, Any] | None = None) -> dict[int, str]:
    """SDG goal number → hex colour, from the mapping file."""
    goals = (mapping or load_mapping())["goals"]["list"]
    return {int(k): v["colour"] for k, v in goals.items()}


def statement(target: str, contribution: float) -> str:
    """The report wording for a contribution to a target."""
    if contribution is None or not math.isfinite(contribution):
        return f"not assessed for target {target}"
    if contribution == 0:
        return f"no measurable contribution to target {target}"
    if contribution > 0:
        return f"contributes to target {target}"
    return f"adds pressure on target {target}"


def _pick_method(row: Mapping[str, Any], totals: pd.DataFrame) -> str | None:
    available = set(totals["method"])
    for key in [row["method"], *(row.get("alternatives") or [])]:
        label = method_label(key)
        if label in available:
            return label
    return None


def total_value_added(value_added: Mapping[str, float | None]) -> float | None:
    """Σ value added if every facility declares it, else None."""
    values = list(value_added.values())
    if not values or any(v is None for v in values):
        return None
    return float(sum(v for v in values if v is not None))


def _lcia_row(row, totals, va, currency) -> dict[str, Any]:
    label = _pick_method(row, totals)
    out: dict[str, Any] = {"indicator": method_label(row["method"]), "unit": row["unit"]}
    if label is None:
        return {**out, "status": "not calculated: method not in the results"}
    hit = totals[totals["method"] == label].iloc[0]
    if str(hit.get("coverage", "")) == "not covered":
        return {**out, "indicator": label, "status": "not covered: the background data do not "
                "cover this category"}  # fmt: skip
    base, sym, unit = float(hit["reference"]), float(hit["with_exchanges"]), str(hit["unit"])
    out.update(indicator=label, unit=unit, status="ok")
    ratio = row.get("ratio")
    if ratio is None:
        return {**out, "reference": base, "with_exchanges": sym, "contribution": base - sym}
    if va is None:
        return {**out, "status": "not calculated: value added not given for every facility"}
    if ratio == "per_value_added":
        b, s = base / va, sym / va
        return {
            **out,
            "unit": f"{unit} / {currency}",
            "reference": b,
            "with_exchanges": s,
            "contribution": b - s,
        }
    b = va / base if base else math.nan
    s = va / sym if sym else math.nan
    return {
        **out,
        "unit": f"{currency} / {unit}",
        "reference": b,
        "with_exchanges": s,
        "contribution": s - b,
    }


def sdg_table(
    totals: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    value_added: Mapping[str, float | None] | None = None,
    currency: str = "EUR",
    mapping: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Contribution of the network to every SDG target of the mapping.

    Parameters
    ----------
    totals
        Columns ``method`` (label, see :func:`method_label`), ``unit``, ``reference``,
        ``with_exchanges`` (the result's ``totals`` table).
    indicators
        The table of :func:`lcasym.results.indicators.compute_indicators`.
    value_added
        Value added per facility (None where not declared).
    currency
        The network's currency (ratio units).
    mapping
        A mapping from :func:`load_mapping`; default: the shipped one.

    Returns
    -------
    pandas.DataFrame
        One row per link, columns :data:`COLUMNS`; ``status`` says ``ok`` or why a row
        has no value.
    """
    mapping = load_mapping() if mapping is None else mapping
    goals = mapping["goals"]["list"]
    va = total_value_added(value_added or {})
    network_ind = indicators[indicators["entity"] == "network"].set_index("indicator")
    rows = []
    for row in mapping["links"]:
        base = {k: row[k] for k in ("id", "target", "un_indicator", "indicator_description",
                                    "basis", "rationale", "source")}  # fmt: skip
        goal = int(row["goal"])
        base.update(
            goal=goal,
            goal_name=goals[goal]["name"],
            colour=goals[goal]["colour"],
            reference=math.nan,
            with_exchanges=math.nan,
            contribution=math.nan,
        )
        if row["basis"] == "lcia":
            base.update(_lcia_row(row, totals, va, currency))
        elif row["indicator"] in network_ind.index:
            hit = network_ind.loc[row["indicator"]]
            base.update(
                indicator=row["indicator"],
                unit=str(hit["unit"]),
                status="ok",
                contribution=float(hit["value"]),
            )
        else:
            base.update(
                indicator=row["indicator"],
                unit=row["unit"],
                status="not calculated: no exchange feeds this indicator",
            )
        base["statement"] = statement(str(row["target"]), base["contribution"])
        rows.append(base)
    _one_voice_per_target(rows)
    if any(int(r["goal"]) == 7 and str(r["target"]) == "7.2" and r["indicator"] ==
           "energy_recovered" for r in rows):  # fmt: skip
        raise DataFileError("recovered energy cannot be linked to target 7.2 (renewable share)")
    return pd.DataFrame(rows, columns=COLUMNS)


def _one_voice_per_target(rows: list[dict[str, Any]]) -> None:
    """Rows without a value say "indicator not available" when the target has a value."""
    valued = {r["target"] for r in rows if math.isfinite(r["contribution"])}
    for r in rows:
        if not math.isfinite(r["contribution"]) and r["target"] in valued:
            r["statement"] = f"indicator not available ({r['status']})"

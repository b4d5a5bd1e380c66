"""The knowledge base of synergy types: which offered flow can meet which need, and how.

Read from ``lcasym/data/synergy_types.yaml`` (or a user's file of the same layout) and
checked on load: every flow a synergy names exists on the right side, property names are
fields of :class:`~lcasym.discovery.model.Properties`, units parse, every row has a source.
See the file's header for the meaning of each field.

The unit conversion of a synergy: ``delivers`` gives need units per offer unit,

    δ = value                                  (a number), or
    δ = property(offer) · factor [unit]        (e.g. N content · 1 t/t),

(``unit`` is the unit of ``property · factor``, e.g. ``MJ/t``), and the displaced activity
gets ``δ · κ`` units per offer unit, with ``κ`` the synergy's
``per_need_unit`` (activity units per need unit) or, when absent, the unit conversion from
the need's unit to the activity's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lcasym.discovery.model import Properties
from lcasym.errors import DataFileError
from lcasym.paths import package_data
from lcasym.units import UnitError, parse_unit

KNOWLEDGE_FILE = "synergy_types.yaml"
DIMENSIONS = {"energy": "MWh", "mass": "t", "volume": "m3"}


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FlowType(_Record):
    """A flow type: on which side it appears, its dimension, grades, default temperature."""

    sides: tuple[Literal["offer", "need"], ...] = Field(min_length=1)
    dimension: Literal["energy", "mass", "volume"]
    unit: str
    description: str = ""
    qualities: tuple[str, ...] = ()
    needs_temperature: bool = False
    default_temperature_c: float | None = None
    temperature_source: str | None = None

    @field_validator("unit")
    @classmethod
    def _unit_parses(cls, v: str) -> str:
        parse_unit(v)
        return v


class Delivers(_Record):
    """Need units per offer unit from an offer property: ``property · factor [unit]``."""

    property: str
    factor: float = Field(gt=0)
    unit: str

    @field_validator("property")
    @classmethod
    def _known_property(cls, v: str) -> str:
        if v not in Properties.model_fields:
            raise ValueError(f"unknown property {v!r}; known: {', '.join(Properties.model_fields)}")
        return v


class DisplacedSpec(_Record):
    """The product the receiver stops buying."""

    activity: str
    per_need_unit: float | None = Field(default=None, gt=0)
    per_need_unit_unit: str | None = None
    displacement_factor: float = Field(default=1.0, ge=0, le=1)


class TreatmentSpec(_Record):
    """What the supplier stops doing with the flow, per offer unit."""

    activity: str
    ratio: float = Field(default=1.0, gt=0)


class TransportSpec(_Record):
    """Transport of the flow: a t·km activity and the tonnes moved per offer unit."""

    activity: str
    mass_per_unit: float = Field(gt=0)


class Conditions(_Record):
    """When a synergy applies (each failed condition is a reason a pair is excluded)."""

    min_temperature_margin_k: float | None = None
    min_pressure_margin_bar: float | None = None
    min_quality: str | None = None
    min_amount: float = Field(default=0.0, ge=0)
    max_distance_km: float = Field(gt=0)
    one_supplier_per_need: bool = False


class SynergyType(_Record):
    """One row of the knowledge base: offered flow -> needed flow, with its model."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    supply: str
    demand: str
    kind: Literal["material", "energy", "water", "waste"]
    delivers: float | Delivers = 1.0
    displaced: DisplacedSpec
    treatment: TreatmentSpec | None = None
    transport: TransportSpec | None = None
    forgone_output: str | None = None
    conditions: Conditions
    source: str = Field(min_length=10)
    notes: str | None = None

    @property
    def property_name(self) -> str | None:
        """The offer property the delivered quantity depends on, if any."""
        return self.delivers.property if isinstance(self.delivers, Delivers) else None


@dataclass(frozen=True)
class KnowledgeBase:
    """Flow types and synergy types, checked; ``path`` says where they came from."""

    flows: Mapping[str, FlowType]
    synergies: tuple[SynergyType, ...]
    path: str

    def offer_flows(self) -> list[str]:
        """Flow types an offer may name."""
        return [name for name, f in self.flows.items() if "offer" in f.sides]

    def need_flows(self) -> list[str]:
        """Flow types a need may name."""
        return [name for name, f in self.flows.items() if "need" in f.sides]

    def synergy(self, synergy_id: str) -> SynergyType:
        """The synergy type with this id (KeyError if absent)."""
        for s in self.synergies:
            if s.id == synergy_id:
                return s
        raise KeyError(synergy_id)

    def quality_rank(self, flow: str, quality: str | None) -> int | None:
        """Rank of a grade in the flow's ladder (0 = lowest); None when not graded/given."""
        grades = self.flows[flow].qualities
        if quality is None or not grades:
            return None
        return grades.index(quality) if quality in grades else None


def _check(flows: Mapping[str, FlowType], synergies: list[SynergyType], where: str) -> None:
    problems = []
    for name, flow in flows.items():
        want = parse_unit(DIMENSIONS[flow.dimension]).dimensionality
        if parse_unit(flow.unit).dimensionality != want:
            problems.append(f"flow {name!r}: unit {flow.unit!r} is not a {flow.dimension}")
    seen: set[str] = set()
    for s in synergies:
        if s.id in seen:
            problems.append(f"synergy {s.id!r} is given twice")
        seen.add(s.id)
        for side, name in (("offer", s.supply), ("need", s.demand)):
            known = flows.get(name)
            if known is None:
                problems.append(f"synergy {s.id!r}: unknown flow {name!r}")
            elif side not in known.sides:
                problems.append(f"synergy {s.id!r}: flow {name!r} is not on the {side} side")
        supply = flows.get(s.supply)
        if s.conditions.min_quality and supply and s.conditions.min_quality not in supply.qualities:
            problems.append(
                f"synergy {s.id!r}: min_quality {s.conditions.min_quality!r} is not a grade "
                f"of {s.supply!r} ({', '.join(supply.qualities) or 'no grades'})"
            )
        spec = s.displaced
        if (spec.per_need_unit is None) != (spec.per_need_unit_unit is None):
            problems.append(f"synergy {s.id!r}: give per_need_unit with per_need_unit_unit")
        for unit in (spec.per_need_unit_unit, getattr(s.delivers, "unit", None)):
            if unit:
                try:
                    parse_unit(unit)
                except UnitError as exc:
                    problems.append(f"synergy {s.id!r}: {exc}")
    if problems:
        raise DataFileError(f"{where}: " + "; ".join(problems))


def load_knowledge_base(path: str | Path | None = None) -> KnowledgeBase:
    """Read and check a knowledge base (default: the shipped one, cached).

    Raises
    ------
    DataFileError
        Naming the file and every problem (unknown flows, bad units, missing sources).
    """
    if path is None:
        return _shipped()
    return _load(Path(path))


@cache
def _shipped() -> KnowledgeBase:
    kb = _load(package_data(KNOWLEDGE_FILE))
    return KnowledgeBase(kb.flows, kb.synergies, f"lcasym/data/{KNOWLEDGE_FILE}")


def _load(path: Path) -> KnowledgeBase:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: cannot read the knowledge base ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("flows"), dict):
        raise DataFileError(f"{path}: expected a mapping with 'flows' and 'synergies'")
    try:
        flows = {str(k): FlowType.model_validate(v) for k, v in raw["flows"].items()}
        synergies = [SynergyType.model_validate(s) for s in raw.get("synergies") or []]
    except (ValidationError, UnitError) as exc:
        raise DataFileError(f"{path}: {exc}") from None
    _check(flows, synergies, str(path))
    return KnowledgeBase(flows, tuple(synergies), str(path))

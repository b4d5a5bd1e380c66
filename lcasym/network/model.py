"""The network model: what a user describes (facilities, exchanges, custom activities).

Pydantic v2 models with ``extra="forbid"`` so typos fail loudly. This module checks each
record on its own (types, signs, ranges); rules that look across records (unknown
facilities, duplicate ids, units against the background, mass balance) live in
``lcasym.network.validation``. Nothing here touches Brightway.

Quantities are per year. An exchange of ``amount`` [``unit``] from supplier S to receiver R
displaces ``amount · ratio · displacement_factor`` of the displaced product at R (after unit
conversion; ``ratio_unit`` bridges different dimensions, e.g. ``MJ/m3``) and avoids
``amount · treatment ratio`` of the supplier's former treatment.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = "1.0"


class Strict(BaseModel):
    """Base for user-facing records: unknown fields are errors, values are validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _finite(value: float, what: str) -> float:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return value


Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="Short id: letters, digits, '_', '-', '.'; starts with a letter or digit.",
    ),
]


class ExchangeKind(StrEnum):
    """What flows in a symbiotic exchange."""

    material = "material"
    energy = "energy"
    water = "water"
    waste = "waste"


class Status(StrEnum):
    """Whether an exchange runs in the reporting year or is planned."""

    operating = "operating"
    planned = "planned"


class Approach(StrEnum):
    """Modelling approach for the displaced product (stated in the report)."""

    attributional = "attributional"
    consequential = "consequential"


class ActivityRef(Strict):
    """A reference to a background or custom activity.

    Give either ``code`` (with optional ``database``; default: the network's background
    database, or a custom activity id), or ``name`` + optional ``reference_product`` and
    ``location`` (searched in ``database``).
    """

    code: str | None = None
    database: str | None = None
    name: str | None = None
    reference_product: str | None = None
    location: str | None = None

    @model_validator(mode="after")
    def _code_or_name(self) -> ActivityRef:
        if not self.code and not self.name:
            raise ValueError("give 'code' or 'name' (with reference_product and location)")
        return self

    @classmethod
    def coerce(cls, value: Any) -> Any:
        """Accept a plain string as a code: ``"heat_natural_gas_boiler"``."""
        if isinstance(value, str):
            return {"code": value}
        return value

    def label(self) -> str:
        """Human-readable reference (for messages)."""
        if self.code:
            return f"{self.database}:{self.code}" if self.database else self.code
        parts = [self.name, self.reference_product, self.location]
        return " | ".join(p for p in parts if p)


def _coerce_ref(value: Any) -> Any:
    return ActivityRef.coerce(value)


class Distribution(Strict):
    """Uncertainty on a parameter; the deterministic value stays the central value.

    - ``normal``: mean = value, ``sd``;
    - ``lognormal``: median = value, geometric standard deviation ``gsd`` (> 1);
    - ``uniform``: ``min``, ``max``;
    - ``triangular``: ``min``, ``max`` (mode = value unless ``mode`` given).
    """

    distribution: Literal["normal", "lognormal", "uniform", "triangular"]
    sd: float | None = Field(default=None, gt=0)
    gsd: float | None = Field(default=None, gt=1)
    min: float | None = None
    max: float | None = None
    mode: float | None = None

    @model_validator(mode="after")
    def _parameters_present(self) -> Distribution:
        need = {
            "normal": ("sd",),
            "lognormal": ("gsd",),
            "uniform": ("min", "max"),
            "triangular": ("min", "max"),
        }[self.distribution]
        missing = [n for n in need if getattr(self, n) is None]
        if missing:
            raise ValueError(f"a {self.distribution} distribution needs {', '.join(missing)}")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be smaller than max ({self.max})")
        return self


class Uncertainty(Strict):
    """Distributions on an exchange's foreground parameters."""

    amount: Distribution | None = None
    ratio: Distribution | None = None
    displacement_factor: Distribution | None = None
    distance: Distribution | None = None
    forgone_ratio: Distribution | None = None


class Displacement(Strict):
    """The product the by-product displaces at the receiver (system expansion).

    displaced = amount · ratio · displacement_factor, converted to the activity's unit.
    """

    activity: Annotated[ActivityRef, Field(description="Displaced (virgin) product activity")]
    ratio: float = Field(default=1.0, description="Substitution (quality) ratio SR")
    ratio_unit: str | None = Field(
        default=None,
        description="Unit of the ratio when it bridges dimensions, e.g. 'MJ/m3'; "
        "omit for a dimensionless ratio",
    )
    displacement_factor: float = Field(
        default=1.0, ge=0.0, le=1.0, description="Market displacement factor DF in [0, 1]"
    )
    approach: Approach = Approach.attributional
    justification: str | None = None

    _coerce = field_validator("activity", mode="before")(lambda cls, v: _coerce_ref(v))

    @field_validator("ratio")
    @classmethod
    def _ratio_positive(cls, v: float) -> float:
        _finite(v, "ratio")
        if v <= 0:
            raise ValueError("ratio must be > 0 (units of displaced product per unit exchanged)")
        return v


class Treatment(Strict):
    """What the supplier no longer has to do with the by-product (landfill, incineration...)."""

    activity: ActivityRef
    ratio: float = Field(default=1.0, gt=0, description="Treated amount per unit exchanged")
    ratio_unit: str | None = None

    _coerce = field_validator("activity", mode="before")(lambda cls, v: _coerce_ref(v))


class Transport(Strict):
    """Transport of the exchanged flow: mass × distance by a transport activity (t·km)."""

    activity: ActivityRef
    distance: float = Field(gt=0)
    distance_unit: str = "km"
    mass_per_unit: float | None = Field(
        default=None,
        gt=0,
        description="Tonnes transported per unit exchanged, when the exchange is not in mass "
        "units (e.g. 1.0 t per m3 of water)",
    )

    _coerce = field_validator("activity", mode="before")(lambda cls, v: _coerce_ref(v))


class ExtraInput(Strict):
    """An extra burden of making the exchange happen: pumping energy, drying, grinding..."""

    activity: ActivityRef
    amount: float = Field(gt=0)
    unit: str
    per: Literal["year", "unit_exchanged"] = Field(
        default="unit_exchanged",
        description="'unit_exchanged': amount per unit of the exchange's unit; "
        "'year': a fixed amount per year",
    )
    purpose: str | None = None

    _coerce = field_validator("activity", mode="before")(lambda cls, v: _coerce_ref(v))


class ForgoneOutput(Strict):
    """What the supplier gives up to provide the exchange, and what replaces it.

    A combined heat and power plant that sends steam or district heat to a partner produces
    less electricity; that lost output must come from elsewhere (by default the
    reporting-year grid of the supplier's country). In the scenario with the exchange the
    supplier takes ``amount · ratio`` (converted with ``ratio_unit``) of ``activity``:

        forgone = amount · ratio · impact(activity)     net = D + W − E − forgone

    Give ``ratio`` (with ``ratio_unit`` when it bridges units, e.g. ``kWh/MWh`` or
    ``kWh/t``), or ``default``: the key of a sourced default in
    ``lcasym/data/forgone_output.yaml`` (e.g. district heat from an extraction unit).
    """

    activity: ActivityRef | None = Field(
        default=None,
        description="Activity replacing the lost output; default: the grid electricity of "
        "the supplier's country in the reporting year",
    )
    ratio: float | None = Field(
        default=None, ge=0, description="Lost output per unit exchanged (in ratio_unit)"
    )
    ratio_unit: str | None = Field(
        default=None, description="Unit of the ratio, e.g. 'kWh/MWh' or 'kWh/t'"
    )
    default: str | None = Field(
        default=None, description="Key of a sourced default (lcasym/data/forgone_output.yaml)"
    )
    source: str | None = None

    _coerce = field_validator("activity", mode="before")(
        lambda cls, v: _coerce_ref(v) if v is not None else v
    )

    @model_validator(mode="after")
    def _ratio_or_default(self) -> ForgoneOutput:
        if (self.ratio is None) == (self.default is None):
            raise ValueError("give exactly one of 'ratio' or 'default' for the forgone output")
        if self.ratio is not None:
            _finite(self.ratio, "forgone output ratio")
        return self


class EnergyContent(Strict):
    """Declared energy per unit exchanged (a fuel's heating value, a stated MJ/t of steam)."""

    value: float = Field(gt=0)
    unit: str = Field(description="Energy per unit exchanged, e.g. 'MJ/kg', 'GJ/t', 'kWh/m3'")
    basis: Literal["LHV", "HHV", "enthalpy"] = "LHV"
    source: str | None = None


class Steam(Strict):
    """Steam conditions, from which its enthalpy (energy per tonne) is derived (IAPWS-IF97)."""

    pressure_bar: float = Field(gt=0, le=220, description="Absolute pressure, bar")
    temperature_c: float | None = Field(
        default=None, gt=0, le=800, description="Temperature, °C (omit for saturated steam)"
    )
    return_temperature_c: float = Field(
        default=20.0,
        ge=0,
        lt=100,
        description="Temperature of the returned condensate or make-up water, °C",
    )


class Economics(Strict):
    """Optional money figures, per year in the network's currency unless stated."""

    price_paid: float | None = Field(default=None, description="Receiver pays supplier, per unit")
    avoided_purchase_cost: float | None = Field(
        default=None, ge=0, description="Receiver's avoided purchase per year"
    )
    avoided_disposal_fee: float | None = Field(
        default=None, ge=0, description="Supplier's avoided disposal fee per year"
    )
    exchange_costs: float | None = Field(
        default=None, ge=0, description="Operating costs of the exchange per year"
    )
    exchange_costs_borne_by: Literal["supplier", "receiver", "shared"] = "receiver"


class Exchange(Strict):
    """A symbiotic exchange: supplier → receiver, per year."""

    id: Identifier
    supplier: Identifier
    receiver: Identifier
    kind: ExchangeKind
    flow: str = Field(min_length=1, description="What flows, e.g. 'FGD gypsum'")
    amount: float = Field(description="Quantity per year, > 0")
    unit: str = Field(min_length=1)
    displaces: Displacement | None = None
    avoided_treatment: Treatment | None = None
    transport: list[Transport] = Field(default_factory=list)
    extra_inputs: list[ExtraInput] = Field(default_factory=list)
    extra_burdens_borne_by: Literal["receiver", "supplier"] = "receiver"
    forgone_output: ForgoneOutput | None = None
    energy_content: EnergyContent | None = None
    steam: Steam | None = None
    status: Status = Status.operating
    start_year: int | None = Field(default=None, ge=1900, le=2100)
    hazardous: bool = False
    groundwater: bool = Field(
        default=False, description="Water exchange that replaces groundwater abstraction"
    )
    economics: Economics | None = None
    uncertainty: Uncertainty | None = None
    cff_factor: float | None = Field(
        default=None, ge=0, le=1, description="PEF CFF A (materials) or B (energy) override"
    )
    source: str | None = Field(default=None, description="Publication behind the quantity")
    year_of_figure: int | None = Field(default=None, ge=1900, le=2100)
    notes: str | None = None

    @field_validator("amount")
    @classmethod
    def _amount_positive(cls, v: float) -> float:
        _finite(v, "amount")
        if v <= 0:
            raise ValueError("amount must be > 0 (quantity exchanged per year)")
        return v

    @model_validator(mode="after")
    def _something_to_credit(self) -> Exchange:
        if self.displaces is None and self.avoided_treatment is None:
            raise ValueError(
                "an exchange needs 'displaces' (the product it replaces at the receiver) "
                "and/or 'avoided_treatment' (what the supplier no longer does with it)"
            )
        if self.supplier == self.receiver:
            raise ValueError(
                f"supplier and receiver are both {self.supplier!r}: an exchange links two "
                "different facilities"
            )
        return self


class Coordinates(Strict):
    """Latitude / longitude in decimal degrees (WGS84)."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Generation(Strict):
    """A by-product a facility declares it generates per year (used for mass balance)."""

    flow: str = Field(min_length=1)
    amount: float = Field(gt=0)
    unit: str


class InventoryItem(Strict):
    """A facility's own input that does not change with the symbiosis.

    It is the same in both scenarios and shown as the facility's own inventory, never
    netted against credits.
    """

    activity: ActivityRef
    amount: float = Field(gt=0)
    unit: str
    label: str | None = None

    _coerce = field_validator("activity", mode="before")(lambda cls, v: _coerce_ref(v))


class Facility(Strict):
    """A firm or plant in the network."""

    id: Identifier
    name: str = Field(min_length=1)
    sector: str = Field(min_length=1)
    location: str | None = Field(default=None, description="Country or region code, e.g. 'DK'")
    coordinates: Coordinates | None = None
    value_added: float | None = Field(
        default=None, gt=0, description="Value added per year, network currency"
    )
    main_outputs: list[str] = Field(default_factory=list)
    generates: list[Generation] = Field(default_factory=list)
    inventory: list[InventoryItem] = Field(default_factory=list)
    notes: str | None = None


class BiosphereRef(Strict):
    """A biosphere flow: by ``code`` (biosphere3 UUID) or ``name`` + ``categories``."""

    code: str | None = None
    database: str = "biosphere3"
    name: str | None = None
    categories: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _code_or_name(self) -> BiosphereRef:
        if not self.code and not (self.name and self.categories):
            raise ValueError("give the flow's 'code', or 'name' and 'categories'")
        return self

    def label(self) -> str:
        """Human-readable reference."""
        return self.code or f"{self.name} {list(self.categories or ())}"


class CustomExchange(Strict):
    """One input of a custom activity: a background/custom activity, or a biosphere flow."""

    activity: ActivityRef | None = None
    flow: BiosphereRef | None = None
    amount: float
    unit: str | None = None
    source: str | None = None

    _coerce = field_validator("activity", mode="before")(lambda cls, v: _coerce_ref(v))

    @model_validator(mode="after")
    def _one_target(self) -> CustomExchange:
        if (self.activity is None) == (self.flow is None):
            raise ValueError("give exactly one of 'activity' or 'flow'")
        _finite(self.amount, "amount")
        return self


class CustomActivity(Strict):
    """A process the network defines itself (e.g. a displaced grid mix of a given year)."""

    id: Identifier
    name: str = Field(min_length=1)
    reference_product: str | None = None
    unit: str
    location: str = "GLO"
    exchanges: list[CustomExchange] = Field(min_length=1)
    source: str | None = None
    notes: str | None = None


class Background(Strict):
    """Which Brightway background database the network links to."""

    database: str = "lcasym-open"
    version: str | None = Field(default=None, description="Expected version (checked if given)")
    year: int | None = Field(
        default=None,
        ge=1900,
        le=2100,
        description="Year of the background data (year-dependent activities such as grid "
        "electricity); default: the network's reporting year",
    )


class NetworkInfo(Strict):
    """Network-level facts."""

    id: Identifier
    name: str = Field(min_length=1)
    place: str | None = None
    country: str | None = None
    reporting_year: int = Field(ge=1900, le=2100)
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    background: Background = Field(default_factory=Background)
    description: str | None = None
    sources: list[str] = Field(default_factory=list)


class SymbiosisNetwork(Strict):
    """A whole industrial symbiosis network: the input of every lcasym calculation."""

    schema_version: str = SCHEMA_VERSION
    network: NetworkInfo
    facilities: list[Facility] = Field(min_length=1)
    exchanges: list[Exchange] = Field(min_length=1)
    custom_activities: list[CustomActivity] = Field(default_factory=list)

    def facility(self, facility_id: str) -> Facility:
        """Return the facility with this id (KeyError if absent)."""
        for f in self.facilities:
            if f.id == facility_id:
                return f
        raise KeyError(facility_id)

    def exchange(self, exchange_id: str) -> Exchange:
        """Return the exchange with this id (KeyError if absent)."""
        for e in self.exchanges:
            if e.id == exchange_id:
                return e
        raise KeyError(exchange_id)

    def operating_exchanges(self) -> list[Exchange]:
        """Exchanges with status ``operating`` (planned ones are kept out of totals)."""
        return [e for e in self.exchanges if e.status == Status.operating]

"""The operations inventory: what each facility of a park has and what it needs.

An operations inventory describes a park *before* any exchange is decided: per facility
where it is (coordinates, or rows of a distance table), what it **offers** (wastes,
by-products, surplus heat with its temperature and hours per year, water with its quality,
CO2; quantities per year) and what it **needs** (inputs with quantity, quality and
temperature), with prices when known. Discovery (:mod:`lcasym.discovery.matching`) turns it
into candidate exchanges.

Pydantic v2 models with ``extra="forbid"`` (typos fail loudly), like the network model.
This module checks each record on its own; rules that look across records (unknown flow
types, units that do not fit a flow, duplicate ids) live in
:mod:`lcasym.discovery.checks`.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field, field_validator, model_validator

from lcasym.network.model import (
    ActivityRef,
    Background,
    Coordinates,
    ForgoneOutput,
    Identifier,
    Strict,
)
from lcasym.units import UnitError, ureg

INVENTORY_SCHEMA_VERSION = "1.0"
#: Plausible temperatures of industrial flows, °C (absolute zero .. a steel furnace).
TEMPERATURE_RANGE_C = (-273.15, 2000.0)
HOURS_PER_YEAR = 8784  # a leap year


def _to_celsius(value: Any) -> Any:
    """A number is °C; a text such as ``"363 K"`` or ``"194 degF"`` is converted to °C.

    Raises ValueError for a text whose unit is not a temperature (``"90 bar"``).
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        return value
    text = value.strip().replace("°C", " degC").replace("°F", " degF").replace("℃", " degC")
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return number
    try:
        quantity: Any = ureg.Quantity(text)
    except Exception as exc:  # pint raises several kinds
        raise ValueError(
            f"cannot read the temperature {value!r}: write a number in °C (e.g. 90), or a "
            "number with a temperature unit ('363 K', '194 degF')"
        ) from exc
    if quantity.dimensionality != ureg.kelvin.dimensionality:
        raise ValueError(
            f"{value!r} is not a temperature (its unit is {quantity.units:~}): write °C, "
            "K or degF, e.g. 90 or '363 K'"
        )
    try:
        return float(quantity.to(ureg.degC).magnitude)
    except UnitError as exc:  # pragma: no cover - pint's own errors are caught above
        raise ValueError(str(exc)) from exc


def _check_temperature(value: float | None) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value):
        raise ValueError(f"temperature must be a finite number, got {value!r}")
    low, high = TEMPERATURE_RANGE_C
    if not low <= value <= high:
        raise ValueError(
            f"temperature {value:g} °C is outside {low:g} .. {high:g} °C: is it in the "
            "wrong unit? Temperatures are in °C (write '363 K' for kelvin)"
        )
    return value


class Properties(Strict):
    """Measured properties of an offered flow; synergy types read the ones they need.

    A synergy type whose ratio depends on a property (e.g. the nitrogen content of a
    biosludge) uses the offer's value, or the knowledge base's sourced default, or excludes
    the pair and says which property is missing.
    """

    nitrogen_fraction: float | None = Field(
        default=None, ge=0, le=1, description="Nitrogen content, t N per t of the flow"
    )
    phosphorus_fraction: float | None = Field(
        default=None, ge=0, le=1, description="Phosphorus content, t P per t of the flow"
    )
    crude_protein_fraction: float | None = Field(
        default=None, ge=0, le=1, description="Crude protein, t per t of the flow"
    )
    methane_yield_m3_per_t: float | None = Field(
        default=None, ge=0, description="Methane from anaerobic digestion, Nm3 CH4 per t"
    )
    heating_value_mj_per_kg: float | None = Field(
        default=None, gt=0, le=60, description="Lower heating value of a waste fuel, MJ/kg"
    )
    purity_fraction: float | None = Field(
        default=None, ge=0, le=1, description="Purity (e.g. CO2 or CaSO4·2H2O), mass fraction"
    )


class Flow(Strict):
    """What an offer or a need is about: a flow type of the knowledge base and a quantity."""

    id: Identifier = Field(description="Short id, unique in the file (used by --explain)")
    flow: str = Field(
        min_length=1, description="Flow type of the knowledge base (e.g. 'fgd_gypsum')"
    )
    amount: float = Field(description="Quantity per year, > 0")
    unit: str = Field(min_length=1, description="Unit of the amount (e.g. t, MWh, m3)")
    quality: str | None = Field(
        default=None, description="Quality grade, one of the flow type's grades"
    )
    temperature: float | None = Field(
        default=None,
        description="Temperature in °C (or a text with a unit such as '363 K'); for heat "
        "and steam: supply temperature of an offer, required temperature of a need",
    )
    pressure_bar: float | None = Field(
        default=None, gt=0, le=220, description="Steam pressure, bar absolute"
    )
    hours_per_year: float | None = Field(
        default=None,
        gt=0,
        le=HOURS_PER_YEAR,
        description="Hours per year the flow is available (offer) or needed (need)",
    )
    description: str | None = Field(default=None, description="Free text (shown as the flow)")
    source: str | None = Field(default=None, description="Where the quantity comes from")
    year_of_figure: int | None = Field(
        default=None, ge=1900, le=2100, description="Year the quantity refers to"
    )

    _celsius = field_validator("temperature", mode="before")(lambda cls, v: _to_celsius(v))

    @field_validator("temperature")
    @classmethod
    def _temperature_range(cls, v: float | None) -> float | None:
        return _check_temperature(v)

    @field_validator("amount")
    @classmethod
    def _amount_positive(cls, v: float) -> float:
        if v is None or not math.isfinite(v) or v <= 0:
            raise ValueError("amount must be a finite number > 0 (quantity per year)")
        return v


class Offer(Flow):
    """Something a facility has and could give: a waste, a by-product, surplus heat, water."""

    currently: ActivityRef | None = Field(
        default=None,
        description="What the facility does with it today (its treatment activity, per "
        "unit of the offer); default: the knowledge base's treatment",
    )
    disposal_cost: float | None = Field(
        default=None,
        description="What the facility pays today to get rid of it, per unit (park "
        "currency; negative if it sells it)",
    )
    properties: Properties | None = None
    cogeneration: bool = Field(
        default=False,
        description="Heat or steam extracted from a cogeneration unit: giving it away "
        "costs electricity (forgone output)",
    )
    forgone_output: ForgoneOutput | None = Field(
        default=None,
        description="What giving this flow away costs the facility (overrides the "
        "knowledge base's cogeneration default)",
    )

    _coerce = field_validator("currently", mode="before")(
        lambda cls, v: ActivityRef.coerce(v) if v is not None else v
    )


class Need(Flow):
    """Something a facility needs and buys today: heat, water, a raw material, a fuel."""

    currently: ActivityRef | None = Field(
        default=None,
        description="What supplies this need today, per unit of the need (e.g. "
        "heat_fuel_oil_boiler for useful heat); default: the knowledge base's",
    )
    price: float | None = Field(
        default=None, description="Price paid today per unit of the need (park currency)"
    )
    min_amount: float | None = Field(
        default=None,
        gt=0,
        description="Smallest delivery worth taking, per year, in the need's unit",
    )
    must_be_met: bool = Field(
        default=False,
        description="The chosen set must deliver at least min_amount (else the whole "
        "amount) to this need",
    )

    _coerce = field_validator("currently", mode="before")(
        lambda cls, v: ActivityRef.coerce(v) if v is not None else v
    )

    @model_validator(mode="after")
    def _min_below_amount(self) -> Need:
        if self.min_amount is not None and self.min_amount > self.amount:
            raise ValueError(
                f"min_amount ({self.min_amount:g}) is larger than amount ({self.amount:g}): "
                "lower min_amount"
            )
        return self


class ParkFacility(Strict):
    """A firm or plant of the park with what it offers and what it needs."""

    id: Identifier = Field(description="Short id of the facility")
    name: str = Field(min_length=1, description="Name of the firm or plant")
    sector: str = Field(min_length=1, description="Industry sector (free text or NACE code)")
    location: str | None = Field(default=None, description="Country or region code, e.g. 'DK'")
    coordinates: Coordinates | None = None
    offers: list[Offer] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)
    notes: str | None = Field(default=None, description="Free text")


class Distance(Strict):
    """A distance between two facilities (overrides the one from coordinates)."""

    a: Identifier = Field(description="Id of one facility")
    b: Identifier = Field(description="Id of the other facility")
    km: float = Field(ge=0, description="Distance, km (0 = same site)")
    source: str | None = Field(default=None, description="Where the distance comes from")


class ParkInfo(Strict):
    """Park-level facts."""

    id: Identifier = Field(description="Short id of the park (the written network's id)")
    name: str = Field(min_length=1, description="Name shown in tables and reports")
    country: str | None = Field(default=None, description="Country code (ISO 3166 alpha-2)")
    year: int = Field(ge=1900, le=2100, description="Year the quantities refer to")
    currency: str = Field(
        default="EUR", min_length=3, max_length=3, description="ISO 4217 code of all prices"
    )
    background: Background = Field(default_factory=Background)
    detour_factor: float = Field(
        default=1.0,
        ge=1.0,
        le=3.0,
        description="Road or pipe length per straight-line km (1 = straight line, a lower bound)",
    )
    transport_cost: float | None = Field(
        default=None, ge=0, description="Transport cost per t·km (park currency), when known"
    )
    description: str | None = Field(default=None, description="Free text")
    sources: list[str] = Field(
        default_factory=list, description="References behind the data (one per row in Excel)"
    )


class OperationsInventory(Strict):
    """A park's operations inventory: the input of opportunity discovery."""

    schema_version: str = Field(
        default=INVENTORY_SCHEMA_VERSION, description="Version of this file format; keep '1.0'"
    )
    park: ParkInfo
    facilities: list[ParkFacility] = Field(min_length=1)
    distances: list[Distance] = Field(default_factory=list)

    def facility(self, facility_id: str) -> ParkFacility:
        """The facility with this id (KeyError if absent)."""
        for f in self.facilities:
            if f.id == facility_id:
                return f
        raise KeyError(facility_id)

    def offers(self) -> list[tuple[ParkFacility, Offer]]:
        """Every offer with its facility, in file order."""
        return [(f, o) for f in self.facilities for o in f.offers]

    def needs(self) -> list[tuple[ParkFacility, Need]]:
        """Every need with its facility, in file order."""
        return [(f, n) for f in self.facilities for n in f.needs]

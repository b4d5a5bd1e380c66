"""Words for every field of the network format: description, unit, example.

Used by the workbook's README sheet and header notes (:mod:`lcasym.io.template`) and by
``docs/network_format.md`` (:mod:`lcasym.io.schema`). Descriptions come from the model's
``Field(description=...)`` when it has one, else from :data:`DESCRIPTIONS` below.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from lcasym.io.tables import FlatField, strip_optional

#: (model name, field) -> description, for fields the model leaves undescribed.
DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("SymbiosisNetwork", "schema_version"): "Version of this file format; keep '1.0'",
    ("NetworkInfo", "id"): "Short id of the network; names its Brightway databases",
    ("NetworkInfo", "name"): "Name shown in reports",
    ("NetworkInfo", "place"): "Town or industrial park",
    ("NetworkInfo", "country"): "Country code (ISO 3166 alpha-2)",
    ("NetworkInfo", "reporting_year"): "Year the quantities refer to",
    ("NetworkInfo", "currency"): "ISO 4217 code of all money figures",
    ("NetworkInfo", "description"): "Free text for the report",
    ("NetworkInfo", "sources"): "References behind the data (one per row in Excel)",
    ("Background", "database"): "Brightway background database the network links to",
    ("Facility", "id"): "Short id of the facility, used by exchanges",
    ("Facility", "name"): "Name of the firm or plant",
    ("Facility", "sector"): "Industry sector (free text or NACE code)",
    ("Facility", "main_outputs"): "Main products, separated by ';'",
    ("Facility", "notes"): "Free text",
    ("Coordinates", "lat"): "Latitude, decimal degrees",
    ("Coordinates", "lon"): "Longitude, decimal degrees",
    ("Generation", "flow"): "By-product name; must match the 'flow' of its exchanges",
    ("Generation", "amount"): "Quantity generated per year",
    ("Generation", "unit"): "Unit of the amount",
    ("InventoryItem", "amount"): "Quantity per year",
    ("InventoryItem", "unit"): "Unit of the amount (must convert to the activity's unit)",
    ("InventoryItem", "label"): "Label shown in reports",
    ("ActivityRef", "code"): "Activity code in the database (or a custom activity id)",
    ("ActivityRef", "database"): "Database of the activity; blank = the network's background",
    ("ActivityRef", "name"): "Activity name, when no code is given",
    ("ActivityRef", "reference_product"): "Reference product, to pick among same-name activities",
    ("ActivityRef", "location"): "Location, to pick among same-name activities",
    ("Exchange", "id"): "Short id of the exchange",
    ("Exchange", "supplier"): "Id of the facility that gives the flow",
    ("Exchange", "receiver"): "Id of the facility that takes the flow",
    ("Exchange", "kind"): "material, energy, water or waste",
    ("Exchange", "unit"): "Unit of the amount",
    ("Exchange", "extra_burdens_borne_by"): "Who carries transport and extra inputs",
    ("Exchange", "status"): "operating (counted) or planned (kept out of totals)",
    ("Exchange", "start_year"): "Year the exchange started",
    ("Exchange", "hazardous"): "The flow is hazardous waste (true/false)",
    ("Exchange", "notes"): "Free text",
    ("Displacement", "approach"): "attributional or consequential",
    ("Displacement", "justification"): "Why this product and ratio (cite a source)",
    ("Treatment", "activity"): "Treatment activity the supplier no longer needs",
    ("Treatment", "ratio_unit"): "Unit of the ratio when it bridges dimensions",
    ("Transport", "activity"): "Transport activity, in tonne-kilometres",
    ("Transport", "distance"): "Distance per trip leg",
    ("Transport", "distance_unit"): "Unit of the distance",
    ("ExtraInput", "amount"): "Quantity of the extra input",
    ("ExtraInput", "unit"): "Unit of the amount (must convert to the activity's unit)",
    ("ExtraInput", "purpose"): "What it is for (pumping, drying...)",
    ("Economics", "exchange_costs_borne_by"): "supplier, receiver or shared",
    ("Distribution", "distribution"): "normal, lognormal, uniform or triangular",
    ("Distribution", "sd"): "Standard deviation (normal)",
    ("Distribution", "gsd"): "Geometric standard deviation > 1 (lognormal)",
    ("Distribution", "min"): "Minimum (uniform, triangular)",
    ("Distribution", "max"): "Maximum (uniform, triangular)",
    ("Distribution", "mode"): "Mode (triangular; default: the value)",
    ("CustomActivity", "id"): "Short id; exchanges refer to it as an activity code",
    ("CustomActivity", "name"): "Name of the process",
    ("CustomActivity", "reference_product"): "Its product",
    ("CustomActivity", "unit"): "Unit of its reference product",
    ("CustomActivity", "location"): "Location code",
    ("CustomActivity", "source"): "Publication behind the data",
    ("CustomActivity", "notes"): "Free text",
    ("CustomExchange", "amount"): "Amount per unit of the custom activity's product",
    ("CustomExchange", "unit"): "Unit of the amount (blank = the target's unit)",
    ("CustomExchange", "source"): "Publication behind the figure",
    ("BiosphereRef", "code"): "biosphere3 flow UUID",
    ("BiosphereRef", "database"): "Biosphere database",
    ("BiosphereRef", "name"): "Flow name, with categories, when no code is given",
    ("BiosphereRef", "categories"): "Flow categories, e.g. 'air; urban air close to ground'",
}

#: (model name, field) -> example value.
EXAMPLES: dict[tuple[str, str], str] = {
    ("SymbiosisNetwork", "schema_version"): "1.0",
    ("NetworkInfo", "id"): "kalundborg",
    ("NetworkInfo", "name"): "Kalundborg Symbiosis",
    ("NetworkInfo", "place"): "Kalundborg",
    ("NetworkInfo", "country"): "DK",
    ("NetworkInfo", "reporting_year"): "2023",
    ("NetworkInfo", "currency"): "DKK",
    ("Background", "database"): "lcasym-open",
    ("Background", "version"): "2025.1",
    ("NetworkInfo", "sources"): "Kalundborg Symbiosis (2023) annual report",
    ("Facility", "id"): "asnaes",
    ("Facility", "name"): "Asnæs Power Station",
    ("Facility", "sector"): "power and heat",
    ("Facility", "location"): "DK",
    ("Coordinates", "lat"): "55.66",
    ("Coordinates", "lon"): "11.08",
    ("Facility", "value_added"): "120000000",
    ("Facility", "main_outputs"): "electricity; district heat",
    ("Generation", "flow"): "FGD gypsum",
    ("Generation", "amount"): "150000",
    ("Generation", "unit"): "t",
    ("InventoryItem", "amount"): "2500",
    ("InventoryItem", "unit"): "MWh",
    ("ActivityRef", "code"): "heat_natural_gas_boiler",
    ("ActivityRef", "name"): "heat production, natural gas, boiler",
    ("ActivityRef", "reference_product"): "heat",
    ("ActivityRef", "location"): "DK",
    ("Exchange", "id"): "fgd_gypsum",
    ("Exchange", "supplier"): "asnaes",
    ("Exchange", "receiver"): "gyproc",
    ("Exchange", "kind"): "material",
    ("Exchange", "flow"): "FGD gypsum",
    ("Exchange", "amount"): "150000",
    ("Exchange", "unit"): "t",
    ("Displacement", "ratio"): "1.0",
    ("Displacement", "ratio_unit"): "MJ/m3",
    ("Displacement", "displacement_factor"): "1.0",
    ("Treatment", "ratio"): "1.0",
    ("Exchange", "start_year"): "1993",
    ("Exchange", "cff_factor"): "0.2",
    ("Exchange", "source"): "Jacobsen (2006) J. Ind. Ecol. 10(1-2)",
    ("Exchange", "year_of_figure"): "2002",
    ("Transport", "distance"): "15",
    ("Transport", "distance_unit"): "km",
    ("Transport", "mass_per_unit"): "1.0",
    ("ExtraInput", "amount"): "0.5",
    ("ExtraInput", "unit"): "kWh",
    ("ExtraInput", "purpose"): "pumping",
    ("Economics", "price_paid"): "10",
    ("Distribution", "sd"): "0.1",
    ("Distribution", "gsd"): "1.2",
    ("CustomActivity", "id"): "dk_grid_2023",
    ("CustomActivity", "name"): "electricity, DK grid mix 2023",
    ("CustomActivity", "unit"): "kWh",
    ("CustomExchange", "amount"): "0.15",
    ("CustomExchange", "unit"): "kg",
    ("BiosphereRef", "code"): "349b29d1-3e58-4c66-98b9-9d1a076efd2e",
    ("BiosphereRef", "name"): "Carbon dioxide, fossil",
    ("BiosphereRef", "categories"): "air",
}


@dataclass(frozen=True)
class FieldDoc:
    """Documentation of one column / field."""

    name: str
    required: str
    type: str
    default: str
    description: str
    example: str


def type_name(annotation: Any) -> str:
    """Short type name for documentation (``number``, ``text``, ``one of a, b``...)."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of " + ", ".join(str(m.value) for m in annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(annotation))
    return {float: "number", int: "whole number", str: "text", bool: "true/false"}.get(
        annotation, str(annotation)
    )


def _requirement(model: type[BaseModel], field: FlatField) -> str:
    """'required', 'optional' or 'required with <parent>' along the nested path."""
    owner: Any = model
    parents: list[str] = []
    for step in field.path[:-1]:
        info = owner.model_fields[step]
        if not info.is_required():
            parents.append(step)
        owner = strip_optional(info.annotation)
    info = owner.model_fields[field.path[-1]]
    if not info.is_required():
        return "optional"
    return f"required with {'.'.join(parents)}" if parents else "required"


def document(model: type[BaseModel], field: FlatField, name: str | None = None) -> FieldDoc:
    """Documentation of one flat field of ``model`` (``name``: column name if different)."""
    info = field.owner.model_fields[field.field]
    key = (field.owner.__name__, field.field)
    # For nested refs, the parent field's own description helps (e.g. 'Displaced product').
    desc = DESCRIPTIONS.get(key) or info.description or ""
    default = ""
    if info.default not in (None, PydanticUndefined):
        default = str(getattr(info.default, "value", info.default))
    ann = type_name(field.annotation)
    if field.is_list:
        ann = f"list of {ann} (';'-separated)"
    return FieldDoc(
        name=name or field.name,
        required=_requirement(model, field),
        type=ann,
        default=default,
        description=desc,
        example=EXAMPLES.get(key, ""),
    )

"""The column contract of lcasym's tidy exports (data package, CSV, Parquet, Excel sheets).

Every exported table is described here once: its columns in order, each with a Frictionless
Table Schema type, a description and its unit, and the table's primary key. The data package
descriptor (``datapackage.json``), the documentation (``docs/results.md``) and the tests read
this module. A column means the same thing in every table: ``method`` is always an LCIA
method label, ``indicator`` always a programme indicator id, ``entity_type`` /
``entity`` always say which network, exchange or facility a row is about, ``quantity`` is
always the name of a result column (``avoided``, ``net``, ``credit`` ...), ``unit`` is
always the unit of the row's numbers.

Stability: :data:`CONTRACT_VERSION` is ``MAJOR.MINOR``. Adding a table or a column raises
the minor version; removing or renaming one, or changing its meaning, type or unit, raises
the major version (and lcasym's).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Version of the export contract (recorded in every ``datapackage.json``).
CONTRACT_VERSION = "1.0"

#: Unit text for numbers in the unit of the row's ``unit`` column.
ROW_UNIT = "the row's unit (the LCIA method's unit, per reporting year)"


@dataclass(frozen=True)
class Column:
    """One column: name, Table Schema type (string, number, integer, boolean), description."""

    name: str
    type: str
    description: str
    unit: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """One exported table: one row per ``row``, its columns, its primary key."""

    name: str
    row: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """Column names in order."""
        return [c.name for c in self.columns]


def _s(name: str, description: str) -> Column:
    return Column(name, "string", description)


def _n(name: str, description: str, unit: str | None = ROW_UNIT) -> Column:
    return Column(name, "number", description, unit)


METHOD = _s("method", "LCIA method label: 'family | category | indicator'")
UNIT = _s("unit", "unit of the row's numbers (the LCIA method's unit, per reporting year)")
EXCHANGE = _s("exchange", "exchange id (as in the network file)")
FACILITY = _s("facility", "facility id (as in the network file); 'network' for the network rule")
ENTITY_TYPE = _s("entity_type", "what the row is about: network, exchange or facility")
ENTITY = _s("entity", "id of the network ('network'), an exchange or a facility")
COVERAGE = _s(
    "coverage",
    "whether the background data cover the category: covered, partial, not covered, "
    "not assessed (docs/results.md)",
)

TABLE_SPECS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "totals",
            "method",
            "Network totals per LCIA method: avoided = reference − with_exchanges.",
            (
                METHOD,
                _s("method_family", "method family, e.g. 'EF v3.1'"),
                _s("method_category", "impact category of the method"),
                _s("method_indicator", "category indicator of the method"),
                UNIT,
                _n("reference", "the foreground without the exchanges"),
                _n("with_exchanges", "the same foreground with the exchanges"),
                _n("avoided", "reference − with_exchanges (positive = benefit, never clipped)"),
                _n(
                    "relative_reduction",
                    "avoided / reference; empty unless every facility's own inventory is given",
                    "1 (fraction)",
                ),
                COVERAGE,
            ),
            ("method",),
        ),
        TableSpec(
            "exchanges",
            "exchange × method",
            "What each counted exchange avoids, per method: net = D + W − E − F.",
            (
                EXCHANGE,
                _s("supplier", "facility id of the supplier"),
                _s("receiver", "facility id of the receiver"),
                _s("kind", "material, energy, water, ... (network file)"),
                _s("flow", "what is exchanged (network file)"),
                _s("status", "operating or planned"),
                METHOD,
                UNIT,
                _n("displaced", "D: virgin product the receiver no longer buys"),
                _n("treatment", "W: treatment the supplier no longer needs"),
                _n("gross", "D + W"),
                _n("extra", "E: transport and extra inputs of the exchange"),
                _n("forgone", "F: output the supplier gives up"),
                _n("net", "D + W − E − F"),
                _n("direct", "part of gross at the partners' own sites; empty when unknown"),
                _n("upstream", "gross − direct; empty when unknown"),
                _n("supplier_credit", "the supplier's share of net under the crediting rule"),
                _n("receiver_credit", "the receiver's share of net under the crediting rule"),
                _s("extra_bearer", "facility id that bears E and F"),
                COVERAGE,
            ),
            ("exchange", "method"),
        ),
        TableSpec(
            "facilities",
            "facility × method",
            "Each facility's credit under the result's crediting rule, and its own inventory "
            "(kept apart, never netted).",
            (
                FACILITY,
                _s("name", "facility name"),
                METHOD,
                UNIT,
                _s("rule", "crediting rule of the credit"),
                _n("credit", "the facility's share of the avoided total; empty for 'network'"),
                _n("own_inventory", "the facility's own inputs, the same in both scenarios"),
            ),
            ("facility", "method"),
        ),
        TableSpec(
            "credits_by_rule",
            "facility × method × rule",
            "Each facility's credit under every splitting rule, side by side.",
            (
                FACILITY,
                _s("name", "facility name"),
                METHOD,
                UNIT,
                _s("rule", "crediting rule: receiver, supplier, equal or cff"),
                _n("credit", "the facility's share of the avoided total under rule"),
            ),
            ("facility", "method", "rule"),
        ),
        TableSpec(
            "contributions",
            "exchange component × method × rank",
            "Background activities that drive each exchange component's score.",
            (
                EXCHANGE,
                _s("component", "displaced, treatment, transport, extra or forgone"),
                _s("component_activity", "name of the activity the component points at"),
                METHOD,
                UNIT,
                Column("rank", "integer", "1 = largest contribution"),
                _s("activity", "name of the contributing background activity"),
                _s("database", "Brightway database of the contributing activity"),
                _s("code", "Brightway code of the contributing activity"),
                _n("score", "that activity's part of the component's score"),
                _n("share", "score / the component's unit score", "1 (fraction)"),
            ),
            ("exchange", "component", "method", "rank"),
        ),
        TableSpec(
            "indicators",
            "indicator × entity",
            "Programme indicators (waste diverted, water, energy, counts, costs).",
            (
                _s("indicator", "programme indicator id (lcasym.results.indicators)"),
                ENTITY_TYPE,
                ENTITY,
                _s("unit", "unit of value"),
                _n("value", "the indicator's value", "the row's unit"),
                _s("description", "what the indicator measures"),
            ),
            ("indicator", "entity_type", "entity"),
        ),
        TableSpec(
            "indicator_exchanges",
            "indicator × entity × exchange",
            "Which exchanges each indicator value is made of (one row per exchange).",
            (
                _s("indicator", "programme indicator id"),
                ENTITY_TYPE,
                ENTITY,
                EXCHANGE,
            ),
            ("indicator", "entity_type", "entity", "exchange"),
        ),
        TableSpec(
            "sdg",
            "SDG link",
            "SDG targets the result contributes to, with their basis and rationale.",
            (
                _s("id", "id of the SDG link (lcasym/data/sdg_mapping.yaml)"),
                Column("goal", "integer", "SDG number"),
                _s("goal_name", "SDG name"),
                _s("colour", "the SDG's colour (hex)"),
                _s("target", "SDG target, e.g. '13.2'"),
                _s("un_indicator", "UN indicator number"),
                _s("indicator_description", "what the UN indicator measures"),
                _s("basis", "lcia (from method), or programme / inventory (from indicator)"),
                Column("method", "string", "LCIA method label when basis is lcia, else empty"),
                _s("indicator", "programme indicator id when basis is not lcia, else empty"),
                _s("unit", "unit of the numbers"),
                _n("reference", "value without the exchanges", "the row's unit"),
                _n("with_exchanges", "value with the exchanges", "the row's unit"),
                _n("contribution", "the symbiosis' contribution", "the row's unit"),
                _s("statement", "the sentence a report prints"),
                _s("status", "ok, or why no value was calculated"),
                _s("rationale", "why the link holds"),
                _s("source", "sources of the link"),
            ),
            ("id",),
        ),
        TableSpec(
            "uncertainty",
            "entity × quantity × method",
            "Monte Carlo statistics; empty when there is no uncertainty data.",
            (
                ENTITY_TYPE,
                ENTITY,
                _s("quantity", "avoided (network), net (exchange) or credit (facility)"),
                METHOD,
                UNIT,
                _n("deterministic", "the central value"),
                _n("P5", "5th percentile"),
                _n("P50", "median"),
                _n("P95", "95th percentile"),
                _n("mean", "mean of the draws"),
                _n("sd", "standard deviation of the draws"),
                _n("probability_better", "share of draws > 0", "1 (fraction)"),
                Column("outside_interval", "boolean", "deterministic lies outside P5–P95"),
                Column("draws", "integer", "number of draws"),
                Column("seed", "integer", "random seed"),
            ),
            ("entity_type", "entity", "quantity", "method"),
        ),
        TableSpec(
            "sensitivity",
            "analysis × method × parameter × measure",
            "Tornado and Sobol sensitivity of the headline method; empty unless asked for.",
            (
                _s("analysis", "tornado or sobol"),
                METHOD,
                _s("parameter", "foreground parameter ('<exchange>.<field>')"),
                _s("measure", "what value measures (low, high, S1, ST, ...)"),
                _n(
                    "value",
                    "the measure's value",
                    "the parameter's unit (value, low, high), the method's (result_low, "
                    "result_high, swing), none (rank, Sobol indices)",
                ),
            ),
            ("analysis", "method", "parameter", "measure"),
        ),
        TableSpec(
            "flags",
            "flag",
            "What a reader must know before repeating a number.",
            (
                ENTITY_TYPE,
                ENTITY,
                Column("method", "string", "LCIA method label, or empty for every method"),
                _s("flag", "the flag (docs/results.md, Flags)"),
                _s("detail", "explanation for people (not a key)"),
            ),
        ),
        TableSpec(
            "samples",
            "draw × entity × quantity × method",
            "The paired Monte Carlo draws (calculate(..., keep_draws=True)); row draw = i of "
            "every entity comes from the same parameter vector.",
            (
                Column("draw", "integer", "draw number (0, 1, ...)"),
                ENTITY_TYPE,
                ENTITY,
                _s("quantity", "network: reference, with_exchanges, avoided; exchange: net, "
                               "displaced, treatment, extra, transport, forgone; facility: credit"),
                METHOD,
                UNIT,
                _n("value", "the quantity in this draw"),
            ),
            ("draw", "entity_type", "entity", "quantity", "method"),
        ),
        TableSpec(
            "long",
            "entity × method × quantity × statistic",
            "Every LCIA number of totals, exchanges, facilities and uncertainty in one tidy "
            "long table (the other tables have keys of their own).",
            (
                _s("table", "the table the number comes from"),
                ENTITY_TYPE,
                ENTITY,
                METHOD,
                UNIT,
                _s("quantity", "the column the number is in (avoided, net, credit, ...)"),
                _s("statistic", "value (the calculation's number) or a Monte Carlo statistic "
                                "(P5, P50, P95, mean, sd, probability_better)"),
                _n("value", "the number", "the row's unit (1 for probability_better)"),
            ),
            ("entity_type", "entity", "method", "quantity", "statistic"),
        ),
    )
}  # fmt: skip

#: Exported tables in the order they are written (``samples`` only when present).
EXPORT_TABLES = tuple(TABLE_SPECS)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def contract_markdown() -> str:
    """The contract as Markdown (the export section of ``docs/results.md`` is this text)."""
    lines = [f"Contract version **{CONTRACT_VERSION}**.", ""]
    for spec in TABLE_SPECS.values():
        key = ", ".join(f"`{k}`" for k in spec.primary_key) or "none"
        lines += [
            f"### `{spec.name}`: one row per {spec.row}",
            "",
            f"{spec.description} Primary key: {key}.",
            "",
            "| column | type | unit | meaning |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| `{c.name}` | {c.type} | {_cell(c.unit or '')} | {_cell(c.description)} |"
            for c in spec.columns
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

"""Fixed wording of the report (ISO 14040/14044, WBCSD 2023): one place, reviewed once."""

from __future__ import annotations

#: Short name of each crediting rule and what it gives each side (lcasym.results.crediting).
RULE_NAMES: dict[str, str] = {
    "receiver": "receiver (cut-off)",
    "supplier": "supplier (avoided burden)",
    "equal": "equal split (50/50)",
    "cff": "PEF Circular Footprint Formula",
    "network": "network (not split)",
}
RULE_TEXT: dict[str, str] = {
    "receiver": "The receiver gets the displaced-product credit minus the exchange's costs "
    "(D − E − F); the supplier keeps the avoided treatment (W).",
    "supplier": "The supplier gets the whole net benefit of each exchange (D + W − E − F); "
    "the by-product reaches the receiver burden-free.",
    "equal": "Supplier and receiver each get half of the net benefit of each exchange.",
    "cff": "The receiver gets the share A (materials, water, waste) or B (energy) of "
    "D − E − F, the supplier the rest plus the avoided treatment W (Commission "
    "Recommendation (EU) 2021/2279, Circular Footprint Formula).",
    "network": "The benefit is not split between firms: one total for the whole network.",
}

#: Kind of source of an exchange's quantity, read from its ``source`` text.
SOURCE_KINDS = ("primary", "secondary", "derived")

FUNCTIONAL_UNIT = (
    "The functional unit is the network-year: the products, energy and services the "
    "facilities of the network deliver in the reporting year {year}, which are the same "
    "with and without the exchanges (ISO 14044:2006, 4.2.3.2)."
)
REFERENCE_SCENARIO = (
    "Reference scenario (without the exchanges): each receiver buys the product the "
    "exchange displaces and each supplier sends its by-product to its former treatment "
    "(landfill, incineration, wastewater treatment, cooling...). Scenario with the "
    "exchanges: the by-products, energy and water flow between the partners, with their "
    "transport, extra inputs and the output the supplier gives up (forgone output). Each "
    "facility's own inventory, where declared, is the same in both and cancels out."
)
SYSTEM_EXPANSION = (
    "Multifunctionality is solved by system expansion with substitution (ISO 14044:2006, "
    "4.3.4.2): per exchange k, net_k = D_k + W_k − E_k − F_k, where D is the displaced "
    "product (amount × substitution ratio SR × displacement factor DF × impact of the "
    "displaced product), W the avoided treatment, E transport and extra inputs, and F the "
    "forgone output. Avoided = reference − with exchanges = Σ net_k; a negative net is "
    "reported as it is, never clipped."
)
CUT_OFFS = (
    "Cut-offs: capital goods of the exchanges (pipelines, tanks) are outside the system "
    "unless a network file adds them as extra inputs; the background database's own "
    "cut-offs apply (see the annex); exchanges with status 'planned' are kept out of the "
    "reporting year's totals."
)
WBCSD_SEPARATE = (
    "Avoided emissions are reported apart from the partners' scope 1, 2 and 3 inventories "
    "and are never netted against them (WBCSD 2023, Guidance on Avoided Emissions)."
)
DOUBLE_COUNTING = (
    "Double counting: under the crediting rule stated above the firms' shares add up exactly "
    "to the network total, so summing the firms' claims never exceeds it. A firm quoting its "
    "share must name the rule; quoting the network total or another rule's share for the "
    "same exchanges counts the same benefit twice."
)
ATTRIBUTIONAL = (
    "Modelling approach: attributional background data (average suppliers) unless an "
    "exchange states 'consequential' (marginal supplier), as listed per exchange."
)
LIMITATIONS = (
    "Market effects: a displacement factor DF of 1 assumes each unit of by-product replaces "
    "a unit of virgin product; a cheap by-product may not displace fully (rebound, market "
    "saturation; Zink & Geyer 2017).",
    "Vintage: the credit shrinks as the displaced supply decarbonises; results hold for the "
    "reporting year and the background year named on the cover.",
    "Categories shown as 'not covered' or 'not assessed' are not claims of zero impact: the "
    "background data do not cover them (or coverage was not assessed).",
    "Avoided emissions are not reductions of any firm's own inventory; they compare the "
    "network with a reference without its exchanges.",
)

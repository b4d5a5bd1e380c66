"""About page: the method, the data sources and their licences, the limitations."""

from __future__ import annotations

import streamlit as st

from lcasym import __version__
from lcasym.paths import databases_dir

st.title("About lcasym")
st.caption(f"lcasym {__version__} · open source (MIT) · calculations with Brightway")

st.subheader("Method", divider="gray")
st.markdown(
    """
lcasym compares two scenarios for the same yearly outputs of the network's firms
(ISO 14040/14044, system expansion):

- **Baseline (linear)**: each firm alone. Receivers buy virgin products (natural gypsum,
  gas-boiler heat, tap water…) and suppliers send their by-products to disposal.
- **Symbiosis**: the by-products replace those virgin products, plus what the exchange
  itself needs (transport, pumping, treatment).

For each exchange: **net benefit = displaced product + avoided treatment − extra burdens**,
where the displaced quantity is *amount × substitution ratio × displacement factor*. The
network's **avoided impact = reference − with exchanges** = the sum of the exchanges' net
benefits; it is never clipped at zero, so an exchange that costs more than it saves shows
as a burden.

**Crediting** shares each exchange's benefit between supplier and receiver (receiver /
cut-off, supplier / avoided burden, equal split, PEF Circular Footprint Formula, or the
network as a whole). Credits always add up to the network total, and are kept apart from
each firm's own inventory, as the WBCSD (2023) guidance on avoided emissions asks: avoided
emissions are reported separately from scope 1, 2 and 3 and never netted against them.

**Impact assessment**: all 25 EF 3.1 impact categories and IPCC 2021 GWP100 (the
headline climate figure), as shipped by bw2io. **Uncertainty**: Monte Carlo over the
distributions given in the network (amounts, ratios, displacement factors, distances);
the seed is recorded, so a run can be repeated exactly. **SDGs**: impact categories and
programme indicators are linked to SDG *targets* (lcasym/data/sdg_mapping.yaml, after the
UNEP Life Cycle SDG Screening and Sanyé-Mengual & Sala 2022), worded "contributes to
target X.Y", never "achieves".
"""
)

st.subheader("Data sources and licences", divider="gray")
attribution = databases_dir() / "ATTRIBUTION.md"
try:
    text = attribution.read_text(encoding="utf-8")
except OSError:
    st.warning(f"The attribution file was not found ({attribution}); reinstall lcasym.")
else:
    body = text.split("\n", 1)[1] if text.startswith("# ") else text
    st.markdown(body.replace("\n## ", "\n#### "))

st.subheader("Limitations", divider="gray")
st.markdown(
    """
- **Background data**: lcasym-open is a small, openly licensed background (66 fuel, heat,
  material, transport and treatment activities, mostly greenhouse-gas factors, plus 936
  grid-electricity mixes by region and year). Categories other than climate change cover
  only the flows those sources give: the results mark them "partial" or "not covered", never 0 or
  100 %; connect a fuller database (e.g. your ecoinvent licence) for a complete profile.
- **Vintage**: grid electricity follows the network's reporting year (Ember series
  2000–2024); the other factors come from recent publications, and a "vintage mismatch"
  flag says where their year differs from your reporting year.
- **Attributional substitution**: a by-product is assumed to displace the stated product
  one for one (times the ratio and displacement factor). Market saturation and rebound
  effects are not modelled; set a displacement factor below 1 where they matter.
- **Planned exchanges** are kept out of every total.
- **The SDG links** are a screening, not a harmonised method: no agreed LCA→SDG table exists
  (Cordella et al. 2023).
- **Uncertainty** covers only the parameters given distributions in the network (and, if
  chosen, the background); model choices (crediting rule, baseline) are shown by re-running
  with other options.
"""
)

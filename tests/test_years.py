"""A park over reporting years (``lcasym.compare_years`` and ``lcasym years``).

The tiny network (examples/tiny.yaml, hand figures in its header) with the heat exchange
starting in 2023 and the water exchange in 2024 (gypsum: operating, no start year), and
its electricity taken from the grid series ``electricity_grid_dk`` (resolved by year)
instead of the 2023 vintage:

- 2022: gypsum only                                   = 7,803.78
- 2023: + heat, its 5,000 kWh pumping on the 2023 grid
        7,803.78 + 26,181.73 − 5,000 × 0.14980719     = 33,236.47
- 2024: + water; both on the 2024 grid (20,000 kWh polishing + 5,000 kWh pumping)
        7,803.78 + 26,181.73 + 1,913.00 − 25,000 × 0.14330042 = 32,316.00

(kg CO2-eq/yr; grid factors: databases/open_background/exchanges.csv, Ember/OWID
carbon intensity of Danish electricity, 2023: 149.80719 g/kWh, 2024: 143.30042 g/kWh.)
"""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from lcasym.io import read_network, write_network
from lcasym.network.model import ActivityRef
from lcasym.paths import examples_dir

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
GWP_LABEL = "IPCC 2021|climate change|global warming potential (GWP100)"
EXPECTED = {2022: 7_803.78, 2023: 33_236.47, 2024: 32_316.00}


@pytest.fixture
def journey():
    tiny = read_network(examples_dir() / "tiny.yaml", validate=False)
    start = {"tiny-heat": 2023, "tiny-water": 2024}
    grid = ActivityRef(code="electricity_grid_dk")
    exchanges = [
        ex.model_copy(
            update={
                "start_year": start.get(ex.id),
                "extra_inputs": [x.model_copy(update={"activity": grid}) for x in ex.extra_inputs],
            }
        )
        for ex in tiny.exchanges
    ]
    return tiny.model_copy(update={"exchanges": exchanges})


def test_years_follow_start_years_and_grid_vintages(bw_scratch_project, journey):
    from lcasym import compare_years

    cmp = compare_years(journey, [2024, 2022, 2023], methods=[GWP],
                        project=bw_scratch_project.project)  # fmt: skip
    totals = cmp.totals.set_index("year")
    assert list(totals.index) == [2022, 2023, 2024]
    for year, avoided in EXPECTED.items():
        # hand figures are rounded to 0.01 kg
        assert totals.loc[year, "avoided"] == pytest.approx(avoided, abs=0.02), year
    assert list(totals["exchanges_counted"]) == [1, 2, 3]

    ex = cmp.exchanges.set_index(["year", "exchange"])
    assert ex.loc[(2022, "tiny-water"), "why"] == "starts in 2024"
    assert pd.isna(ex.loc[(2022, "tiny-water"), "net"])
    assert ex.loc[(2023, "tiny-heat"), "change"] == "started"
    assert ex.loc[(2024, "tiny-water"), "change"] == "started"
    assert ex.loc[(2024, "tiny-gypsum"), "change"] == "unchanged"
    # the heat exchange's pumping moves to the 2024 grid: 5,000 × (0.14980719 − 0.14330042)
    assert ex.loc[(2024, "tiny-heat"), "change"] == "changed"
    assert ex.loc[(2024, "tiny-heat"), "net"] - ex.loc[(2023, "tiny-heat"), "net"] == (
        pytest.approx(5_000 * (0.14980719 - 0.14330042), rel=1e-5)
    )


def test_years_cli_with_one_file_per_year(bw_project_copy, tmp_path, journey):
    bw_project = bw_project_copy  # a copy: the years' foregrounds stay out of the shared one
    files = []
    for year in (2022, 2024):
        dated = journey.model_copy(
            update={"network": journey.network.model_copy(update={"reporting_year": year})}
        )
        # as a user would write them: the exchanges running that year are operating
        from lcasym.calc.years import network_in_year

        files.append(tmp_path / f"park-{year}.yaml")
        write_network(network_in_year(dated, year), files[-1])
    out = subprocess.run(
        [sys.executable, "-m", "lcasym", "years", *map(str, files), "-m", GWP_LABEL,
         "-o", str(tmp_path / "out"), "-p", bw_project.project, "--dir",
         str(bw_project.directory)],
        capture_output=True, text=True, env={**os.environ}, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "2022: avoided 7,804" in out.stdout and "2024: avoided 32,316" in out.stdout
    table = pd.read_csv(tmp_path / "out" / "years_totals.csv")
    assert table["avoided"].round(2).tolist() == pytest.approx([7_803.78, 32_316.00], abs=0.02)
    svg = (tmp_path / "out" / "years_chart.svg").read_text()
    assert svg.startswith("<svg") and "reporting year" in svg


def test_years_need_a_year_or_several_files(bw_project, journey):
    from lcasym.calc.years import compare_years
    from lcasym.errors import InputError

    with pytest.raises(InputError, match="same reporting_year"):
        compare_years([journey, journey], project=bw_project.project)
    with pytest.raises(InputError, match="at least one year"):
        compare_years(journey, [], project=bw_project.project)

"""The report of the Kalundborg example through its documented doors (CLI, `lcasym run`).

The numbers printed in the PDF are compared with the results attached to the same PDF (the
result object's JSON): the headline, every operating exchange's net and every firm's credit,
each rounded as the report rounds (:func:`format_supported`: to the P5–P95 width where
there is an interval, else 3 significant figures).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from lcasym.paths import examples_dir
from lcasym.presentation.formatting import format_supported

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="Poppler is not installed"),
]


def lcasym(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lcasym.cli.main", *args],
        capture_output=True, text=True, env=dict(os.environ), timeout=600, cwd=cwd,
    )  # fmt: skip


def text_of(pdf) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    return re.sub(r"[ \t]+", " ", out.stdout)


def test_kalundborg_report_prints_the_results(bw_project, tmp_path):
    out = lcasym("report", str(examples_dir() / "kalundborg.yaml"), "--draws", "200",
                 "--crediting", "cff", "--html", "-o", str(tmp_path / "k.pdf"))  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert {p.name for p in tmp_path.iterdir()} == {
        "k.pdf", "k.html", "k_datapoints.csv", "k_datapoints.json"
    }  # fmt: skip
    subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(tmp_path / "k.pdf")],
                   check=True)  # fmt: skip
    assert (tmp_path / "kalundborg.yaml").read_bytes() == (
        examples_dir() / "kalundborg.yaml"
    ).read_bytes()
    res = json.loads((tmp_path / "kalundborg_results.json").read_text(encoding="utf-8"))
    text = text_of(tmp_path / "k.pdf")
    method = res["provenance"]["headline_method"]
    unc = {(u["entity"], u["quantity"]): u for u in res["uncertainty"] if u["method"] == method}
    t = 1e-3  # kg CO2-eq → t CO2-eq
    # headline: rounded to its P5–P95 width
    head = next(r for r in res["totals"] if r["method"] == method)
    net_unc = unc[("network", "avoided")]
    value, low, high = format_supported(head["avoided"] * t, net_unc["P5"] * t, net_unc["P95"] * t)
    assert f"{value} t CO2-eq per year" in text
    assert f"P5–P95: {low} to {high} t CO2-eq (200 Monte Carlo draws, seed 1961)" in text
    # every operating exchange: its net (3 significant figures) in the contribution table
    flows = {e["id"]: e["flow"] for e in yaml_exchanges()}
    for ex in (e for e in res["exchanges"] if e["method"] == method):
        net = format_supported(ex["net"] * t)[0]
        pattern = rf"\n\s*\d+ {re.escape(flows[ex['exchange']][:20])}.*? {re.escape(net)} "
        assert re.search(pattern, text), (ex["exchange"], net)
    # every firm: its credit under the cff rule, rounded to its P5–P95 width when it has one
    for fac in (f for f in res["facilities"] if f["method"] == method):
        u = unc.get((fac["facility"], "credit"))
        if u and u["P95"] > u["P5"]:
            shown = format_supported(fac["credit"] * t, u["P5"] * t, u["P95"] * t)[0]
        else:
            shown = format_supported(fac["credit"] * t)[0]
        pattern = (
            rf"Credit under the PEF Circular Footprint Formula (rule )?{re.escape(shown)}[ (t]"
        )
        assert re.search(pattern, text), (fac["facility"], shown)
    # the credits of every rule side by side, and the datapoints file per firm
    assert "receiver supplier equal cff (chosen)" in text
    dp = json.loads((tmp_path / "k_datapoints.json").read_text(encoding="utf-8"))["datapoints"]
    assert {d["disclosure"] for d in dp} >= {"E1-6 (apart)", "E3-4", "E5-4", "E5-5", "306-4"}


def yaml_exchanges():
    import yaml

    data = yaml.safe_load((examples_dir() / "kalundborg.yaml").read_text(encoding="utf-8"))
    return data["exchanges"]


def test_run_writes_the_pdf_report(bw_project, tmp_path):
    out = lcasym("run", str(examples_dir() / "tiny.yaml"), "--draws", "20", "-o",
                 str(tmp_path / "out"))  # fmt: skip
    assert out.returncode == 0, out.stderr
    names = {p.name for p in (tmp_path / "out").iterdir()}
    stem = next(n for n in names if n.endswith("_results.json")).removesuffix("_results.json")
    assert {f"{stem}_report.pdf", f"{stem}_report_datapoints.csv",
            f"{stem}_report_datapoints.json"} <= names  # fmt: skip
    assert text_of(tmp_path / "out" / f"{stem}_report.pdf").count("Executive summary") >= 1


def test_cli_checks_report_options_before_calculating(tmp_path):
    # no Brightway project is needed: the options are refused before any calculation
    network = examples_dir() / "tiny.yaml"
    cases = [
        (["--logo", str(tmp_path / "missing.png")], "file not found"),
        (["--template-dir", str(tmp_path)], "has no report.html.j2"),
        (["-o", str(tmp_path / "a_file" / "r.pdf")], "is a file, not a folder"),
        (["--colours", "red"], "must look like #1A2B3C"),
    ]
    (tmp_path / "a_file").write_text("x")
    for args, message in cases:
        out = lcasym("report", str(network), "--dir", str(tmp_path / "no-bw"), *args)
        assert out.returncode == 2, (args, out.stderr)
        assert message in out.stderr and "Traceback" not in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_report_adds_the_discovery_section_apart_from_the_results(bw_project, tmp_path):
    """`lcasym report --opportunities`: section 9 lists discovery's best candidates.

    Expected values come from `discover()` on the same inventory (the table `lcasym
    opportunities` prints): each listed candidate's avoided GWP at its potential, kg → t,
    3 significant figures; candidates between partners that already exchange in
    examples/kalundborg.yaml are marked with those exchanges' ids (supplier → receiver
    pairs read from the YAML here).
    """
    from lcasym.discovery import discover
    from lcasym.report.opportunities import DEFAULT_TOP

    inventory = examples_dir() / "kalundborg_before.yaml"
    gwp = "IPCC 2021|climate change|global warming potential (GWP100)"
    out = lcasym("report", str(examples_dir() / "kalundborg.yaml"), "--draws", "0",
                 "--opportunities", str(inventory), "--html", "--no-datapoints",
                 "-m", gwp,
                 "-o", str(tmp_path / "k.pdf"))  # fmt: skip
    assert out.returncode == 0, out.stderr
    html = (tmp_path / "k.html").read_text(encoding="utf-8")
    text = text_of(tmp_path / "k.pdf")
    assert "9 Further opportunities (discovery screening)" in text
    assert "not part of the avoided emissions reported in sections 1 to 8" in html
    opps = discover(inventory, methods=[gwp],
                    project=bw_project.project, directory=bw_project.directory)  # fmt: skip
    ranked = opps.ranked()
    pairs: dict[tuple[str, str], list[str]] = {}
    for e in yaml_exchanges():
        pairs.setdefault((e["supplier"], e["receiver"]), []).append(e["id"])
    section = html[html.index('id="opportunities"') :]
    for r in ranked.head(DEFAULT_TOP).itertuples():
        shown = format_supported(r.avoided * 1e-3)[0]
        assert shown in section, (r.candidate, shown)
        held = pairs.get((r.supplier, r.receiver))
        if held:
            assert f"partners already exchange ({', '.join(held)})" in section, r.candidate
    assert f"{len(ranked)} candidates" in section


def test_report_refuses_a_bad_inventory_before_calculating(tmp_path):
    bad = tmp_path / "inv.yaml"
    bad.write_text("park: {name: x}\nfacilities: 3\n", encoding="utf-8")
    out = lcasym("report", str(examples_dir() / "kalundborg.yaml"), "--opportunities",
                 str(bad), "-o", str(tmp_path / "k.pdf"))  # fmt: skip
    assert out.returncode == 2, out.stderr
    assert "inv.yaml" in out.stderr
    assert not (tmp_path / "k.pdf").exists()

"""The PDF report, built from the hand-made result of ``test_results.py`` (no Brightway).

Hand network (per year, ``test | gwp`` in kg CO2-Eq, shown in t CO2-eq):

    gyp   PP → PB  100 t FGD gypsum:  D 1000, W 500, E 100  → net 1400 kg = 1.40 t
    heat  PP → FF  10 MWh waste heat: D 2520                → net 2520 kg = 2.52 t
    avoided 3920 kg = 3.92 t; reference 4320 kg = 4.32 t; with the exchanges 400 kg = 0.400 t
    receiver rule: PP gets W_gyp = 500 (0.500 t), PB D_gyp − E_gyp = 900 (0.900 t),
                   FF D_heat = 2520 (2.52 t); PB's own inventory 5 GJ gas · 0.06 = 300 (0.300 t)
    supplier rule: PP gets 1400 + 2520 = 3920 (3.92 t); equal: PP 1960, PB 700, FF 1260

Printed values keep 3 significant figures without an interval. With the 3-draw Monte Carlo
of ``test_results.py`` (heat amount 0, 10, 20 MWh) the avoided total has P5 1652, P95 6188
kg: width 4.536 t, so the rounding step is 0.1 t: "3.9" t, P5–P95 "1.7 to 6.2".
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import yaml
from test_results import GWP, build, fake_mc, network, plan_foreground, stand_in_index

from lcasym.errors import InputError
from lcasym.network.model import SymbiosisNetwork
from lcasym.presentation import figures
from lcasym.presentation.formatting import format_percent, format_supported, rounding_step
from lcasym.report import ReportOptions, ReportSource, datapoints_table, write_report
from lcasym.report.fetcher import AssetFetcher

POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfdetach"))
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="Poppler (pdftotext, pdffonts, pdfdetach) is not installed"
)
PROV = {"headline_method": GWP, "network_id": "hand", "network_name": "Hand network"}
EVIL = '<img src="file:///etc/passwd"> <script>x</script> Evil & Co'


def hand_result(rule="receiver", mc=None, **prov):
    return build(rule=rule, mc=mc, provenance={**PROV, **prov})


def mc_result():
    plan = plan_foreground(network(), stand_in_index())
    names = [p.name for p in plan.parameters]
    central = np.array([p.value for p in plan.parameters])
    draws = np.repeat(central[None, :], 3, axis=0)
    draws[:, names.index("heat.amount")] = [0.0, 10.0, 20.0]
    return hand_result(mc=fake_mc(draws), draws=3, seed=7)


def network_file(tmp_path, net=None):
    path = tmp_path / "hand.yaml"
    data = (net or network()).model_dump(mode="json", exclude_none=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return re.sub(r"[ \t]+", " ", out.stdout)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The hand report rendered once (PDF + HTML + datapoints) from a network file."""
    tmp = tmp_path_factory.mktemp("report")
    path = network_file(tmp)
    result = hand_result()
    files = write_report(result, tmp / "hand.pdf", network=path,
                         options=ReportOptions(html=True))  # fmt: skip
    return {"result": result, "files": files, "network": path, "tmp": tmp}


# --- rounding -------------------------------------------------------------------------------


def test_rounding_follows_the_interval_width():
    # Kalundborg-like: 92,528.5 with P5–P95 69,957.3–109,117.9: width 39,160 → step 1,000
    assert rounding_step(92528.5, 69957.3, 109117.9) == 1000
    assert format_supported(92528.5, 69957.3, 109117.9) == ("93,000", "70,000", "109,000")
    # no interval: 3 significant figures
    assert format_supported(92528.5) == ("92,500", None, None)
    assert format_supported(3.92) == ("3.92", None, None)
    assert format_supported(-1420.4) == ("-1,420", None, None)
    # a value smaller than the step keeps its first significant digit: 500 (−19,000 to 21,000)
    assert format_supported(500, -19000, 21000) == ("500", "-19,000", "21,000")
    # the 3-draw hand interval (kg → t): width 4.536 → step 0.1
    assert format_supported(3.92, 1.652, 6.188) == ("3.9", "1.7", "6.2")
    assert format_supported(float("nan")) == ("–", None, None)
    # draws that do not vary: P5 and P95 differ by float noise (8e-9 on 3e7), no interval;
    # the value keeps 3 significant figures instead of 17 decimals
    assert format_supported(30_100_000.0, 30_065_000.534057617, 30_065_000.534057625) == (
        "30,100,000", None, None)  # fmt: skip
    assert format_percent(46.72) == "46.7 %" and format_percent(100.0) == "100 %"


# --- figures --------------------------------------------------------------------------------


def test_waterfall_ends_at_the_total_and_groups_the_rest():
    ex = hand_result().exchanges
    frame = figures.waterfall_frame(ex, GWP)
    # largest first: heat 2.52 t, then gyp 1.40 t, then the total 3.92 t
    assert list(frame["label"]) == ["heat", "gyp", "network total"]
    assert frame["value"].tolist() == pytest.approx([2.52, 1.40, 3.92])
    assert frame["end"].iloc[-2] == pytest.approx(3.92)
    grouped = figures.waterfall_frame(ex, GWP, top=1)
    # top=1: the single bar is "other 2 exchanges" = 2.52 + 1.40, still ending at the total
    assert list(grouped["label"]) == ["other 2 exchanges", "network total"]
    assert grouped["value"].iloc[0] == pytest.approx(3.92)


def test_flow_diagram_escapes_names_and_scales_bands():
    ex = hand_result().exchanges
    svg = figures.flow_diagram_svg(ex, GWP, names={"PP": EVIL, "PB": "PB", "FF": "FF"},
                                   numbers={"gyp": "1", "heat": "2"})  # fmt: skip
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in svg or "&lt;img src=" in svg
    # band widths are proportional to |net|: 2.52 / 1.40 = 1.8 (both above the 1.5 px floor)
    widths = [float(w) for w in re.findall(r"L[\d.]+,([\d.]+) C", svg)]
    assert len(widths) == 2


def test_charts_render_to_svg_offline():
    res = mc_result()
    for svg in (
        figures.waterfall_svg(res.exchanges, GWP),
        figures.facility_bars_svg(res.facilities, GWP),
        figures.distribution_svg(res.uncertainty, GWP),
    ):
        assert svg is not None and svg.lstrip().startswith("<svg") and "</svg>" in svg
    assert figures.distribution_svg(hand_result().uncertainty, GWP) is None


# --- datapoints -----------------------------------------------------------------------------


def test_datapoints_per_firm_hand_values():
    dp = datapoints_table(hand_result(), network())
    got = {(r.facility, r.disclosure, r.id): r.value for r in dp.itertuples()}
    # PB declares 5 GJ gas: own inventory 0.300 t (E1-6); receiver rule credits in t;
    # PB receives 100 t gypsum (E5-4, GRI 301-2); PP no longer treats 100 t (E5-5, GRI 306-4).
    expected = {
        ("PP", "E1-6 (apart)", "esrs-e1-avoided"): 0.5,
        ("PP", "305-5", "gri-305-5"): 0.5,
        ("PP", "E5-5", "esrs-e5-5-non-hazardous"): 100.0,
        ("PP", "306-4", "gri-306-4"): 100.0,
        ("PB", "E1-6", "esrs-e1-6-own"): 0.3,
        ("PB", "E1-6 (apart)", "esrs-e1-avoided"): 0.9,
        ("PB", "305-5", "gri-305-5"): 0.9,
        ("PB", "E5-4", "esrs-e5-4-secondary"): 100.0,
        ("PB", "301-2", "gri-301-2"): 100.0,
        ("FF", "E1-6 (apart)", "esrs-e1-avoided"): 2.52,
        ("FF", "305-5", "gri-305-5"): 2.52,
    }
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key
    assert (dp["caveat"].str.len() > 20).all() and (dp["basis"].str.len() > 20).all()
    # the network rule does not split: no attributed credit is a datapoint then
    none = datapoints_table(hand_result(rule="network"), network())
    assert "avoided_credit" not in set(none["id"]) and not (none["id"] == "gri-305-5").any()


# --- the PDF --------------------------------------------------------------------------------


@needs_poppler
def test_pdf_prints_the_result_numbers(rendered):
    text = pdf_text(rendered["files"].pdf)
    # headline 3.92 t (no interval), reference 4.32, with the exchanges 0.400
    assert re.search(r"3\.92 t CO2-eq per year", text)
    assert "no uncertainty data" in text
    assert "Reference (without the exchanges) 4.32" in text
    assert "with the exchanges 0.400" in text
    # every exchange's net in the contribution table: gyp 1.40, heat 2.52
    res = rendered["result"]
    ex = res.exchanges[res.exchanges["method"] == GWP]
    for r in ex.itertuples():
        net = format_supported(r.net / 1000)[0]
        assert re.search(rf"\b{re.escape(r.flow)}\b[^\n]*\b{re.escape(net)}\b", text), r.flow
    assert format_supported(1400 / 1000)[0] == "1.40" and format_supported(2.52)[0] == "2.52"
    # every firm's credit under the receiver rule: PP 0.500, PB 0.900, FF 2.52
    fac = res.facilities[res.facilities["method"] == GWP]
    for r in fac.itertuples():
        credit = format_supported(r.credit / 1000)[0]
        assert re.search(rf"Credit under the receiver \(cut-off\) rule {re.escape(credit)} ", text)
    assert {format_supported(c / 1000)[0] for c in fac["credit"]} == {"0.500", "0.900", "2.52"}
    # all rules side by side: the supplier rule gives PP the whole 3.92
    assert re.search(r"power plant 0\.500 3\.92 1\.96", text)


@needs_poppler
def test_pdf_interval_is_rounded_to_its_width(tmp_path):
    path = network_file(tmp_path)
    files = write_report(mc_result(), tmp_path / "mc.pdf", network=path,
                         options=ReportOptions(datapoints=False))  # fmt: skip
    text = pdf_text(files.pdf)
    assert re.search(r"\b3\.9 t CO2-eq per year", text)
    assert "P5–P95: 1.7 to 6.2 t CO2-eq (3 Monte Carlo draws, seed 7)" in text
    assert files.datapoints_csv is None and not (tmp_path / "mc_datapoints.csv").exists()


@needs_poppler
def test_every_section_is_present(rendered):
    text = pdf_text(rendered["files"].pdf)
    for heading in (
        "Contents and provenance", "1 Executive summary", "2 Method and boundary",
        "Planned exchanges left out", "Data vintage", "Placeholders",
        "Categories not covered", "3 The network", "4 Avoided emissions (WBCSD 2023)",
        "Attribution to the firms", "Inside and outside the partners' own scopes",
        "5 Results on all impact categories", "Contribution by exchange", "6 Firms",
        "ESRS and GRI datapoints", "7 Sustainable Development Goals",
        "8 Data quality, sensitivity and limitations", "Annex A Background activities",
        "Annex B Full results", "Annex C Provenance and reproduction",
    ):  # fmt: skip
        assert heading in text, heading
    assert "never netted against them" in text
    assert "Double counting" in text
    # the provenance block: input file name and SHA-256 of its bytes
    sha = ReportSource.from_path(rendered["network"]).sha256
    assert sha in text.replace("\n", "")
    assert "lcasym report hand.yaml --crediting receiver --draws 0 --seed" in text
    # page numbers and the table of contents with page numbers
    assert re.search(r"page 1 of \d+", text) or "page 2 of" in text
    assert re.search(r"1 Executive summary \.+ ?\d+", text)
    # one page per firm
    assert rendered["files"].pages >= 10


@needs_poppler
def test_attachments_extract_and_equal_the_inputs(rendered, tmp_path):
    out = subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(rendered["files"].pdf)],
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "hand.yaml").read_bytes() == rendered["network"].read_bytes()
    results = json.loads((tmp_path / "hand_results.json").read_text(encoding="utf-8"))
    assert results == json.loads(json.dumps(rendered["result"].to_json_dict()))
    datapoints = json.loads((tmp_path / "hand_datapoints.json").read_text(encoding="utf-8"))
    assert datapoints == json.loads(rendered["files"].datapoints_json.read_text(encoding="utf-8"))
    listing = subprocess.run(["pdfdetach", "-list", str(rendered["files"].pdf)],
                             capture_output=True, text=True).stdout  # fmt: skip
    assert "3 embedded files" in listing


@needs_poppler
def test_fonts_are_embedded_and_the_pdf_is_pdf_a(rendered):
    out = subprocess.run(["pdffonts", str(rendered["files"].pdf)], capture_output=True, text=True)
    rows = out.stdout.splitlines()[2:]
    assert rows, out.stdout
    for row in rows:  # columns: name type encoding emb sub uni object ID
        assert row.split()[-5] == "yes", row
    meta = subprocess.run(["pdfinfo", "-meta", str(rendered["files"].pdf)],
                          capture_output=True, text=True).stdout  # fmt: skip
    assert re.search(r"pdfaid:part.{0,3}3", meta) and re.search(r"conformance.{0,3}B", meta)


def test_datapoints_files_next_to_the_pdf(rendered):
    files = rendered["files"]
    assert files.datapoints_csv.name == "hand_datapoints.csv"
    lines = files.datapoints_csv.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("facility,name,standard,disclosure")
    assert len(lines) == 1 + 11  # the 11 rows of test_datapoints_per_firm_hand_values
    data = json.loads(files.datapoints_json.read_text(encoding="utf-8"))
    assert len(data["datapoints"]) == 11 and "ESRS" in data["sources"]
    assert files.html.name == "hand.html" and files.html.read_text().startswith("<!DOCTYPE html>")


# --- bad input, injection, fetching ---------------------------------------------------------


def evil_network() -> SymbiosisNetwork:
    data = network().model_dump(mode="json", exclude_none=True)
    data["facilities"][0]["name"] = EVIL
    data["exchanges"][0]["flow"] = "<b>bold</b> & <a href='https://x.invalid'>link</a>"
    data["network"]["name"] = "</title><script>alert(1)</script>"
    return SymbiosisNetwork.model_validate(data)


@needs_poppler
def test_user_text_prints_literally(tmp_path, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the report tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    net = evil_network()
    result = hand_result()
    files = write_report(result, tmp_path / "evil.pdf", network=net,
                         options=ReportOptions(html=True))  # fmt: skip
    html = files.html.read_text(encoding="utf-8")
    assert "<script>" not in html and '<img src="file:///etc/passwd"' not in html
    assert "<b>bold</b>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert files.refused == ()  # nothing was even asked for
    text = pdf_text(files.pdf)
    assert '<img src="file:///etc/passwd"> <script>x</script> Evil & Co' in text
    # table cells wrap it, the waterfall label prints it on one line, cut in the middle to
    # the 200 px label column: (200 - 8) / 5.6 = 34 characters = the first 28, "…", the last 5
    assert "1. <b>bold</b> & <a href='ht…k</a>" in text
    assert "<b>bold</b> & <a" in text and "x.invalid'>link</a>" in text


def test_fetcher_serves_only_lcasym_assets(tmp_path):
    from lcasym.paths import reports_dir

    fetcher = AssetFetcher([reports_dir()])
    css = (reports_dir() / "report.css").resolve().as_uri()
    assert b"@page" in fetcher.fetch(css).read()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    for url in (
        "file:///etc/passwd", secret.as_uri(), "http://example.invalid/a.png",
        "https://example.invalid/font.woff", "ftp://example.invalid/x",
        (reports_dir() / ".." / ".." / "etc" / "passwd").as_uri(),
        "file://otherhost/etc/passwd",
    ):  # fmt: skip
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7


def test_a_template_asking_for_remote_or_local_files_gets_nothing(tmp_path, monkeypatch):
    import socket

    monkeypatch.setattr(socket.socket, "connect", lambda *a, **k: pytest.fail("network used"))
    folder = tmp_path / "theme"
    folder.mkdir()
    (folder / "report.html.j2").write_text(
        '{% extends "lcasym/report.html.j2" %}{% block cover %}'
        '<img src="https://example.invalid/track.png"><img src="file:///etc/passwd">'
        '<link rel="stylesheet" href="http://example.invalid/x.css">'
        '<h1 class="title">Own cover</h1>{% endblock %}',
        encoding="utf-8",
    )
    files = write_report(hand_result(), tmp_path / "t.pdf", network=network(),
                         options=ReportOptions(template_dir=folder, datapoints=False))  # fmt: skip
    assert set(files.refused) == {
        "https://example.invalid/track.png", "file:///etc/passwd", "http://example.invalid/x.css"
    }  # fmt: skip


def test_theme_logo_colours_and_own_template(tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                    '<rect width="10" height="10" fill="#123456"/></svg>')  # fmt: skip
    folder = tmp_path / "theme"
    folder.mkdir()
    (folder / "report.html.j2").write_text(
        '{% extends "lcasym/report.html.j2" %}{% block summary %}<h1 id="summary">'
        "Our summary</h1>{{ head.avoided|num }}{% endblock %}",
        encoding="utf-8",
    )
    opts = ReportOptions(logo=logo, colours={"primary": "#112233", "accent": "#445566"},
                         template_dir=folder, datapoints=False)  # fmt: skip
    files = write_report(hand_result(), tmp_path / "own.html", network=network(), options=opts)
    html = files.html.read_text(encoding="utf-8")
    assert files.pdf is None and "--primary: #112233" in html and "--accent: #445566" in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert "Our summary</h1>3.92" in html  # the user's block, the same filters


@pytest.mark.parametrize(
    ("options", "output", "message"),
    [
        ({"logo": "missing.png"}, "r.pdf", "logo .*missing.png: file not found"),
        ({"logo": "logo.gif"}, "r.pdf", "must be one of .png"),
        ({"template_dir": "empty"}, "r.pdf", "has no report.html.j2"),
        ({"template_dir": "nowhere"}, "r.pdf", "not found or not a folder"),
        ({"colours": {"primary": "red;}"}}, "r.pdf", "must look like #1A2B3C"),
        ({}, "r.txt", "written as .pdf"),
        ({}, "blocker/r.pdf", "is a file, not a folder"),
        ({}, "folder", "is a folder"),
    ],
)
def test_bad_options_are_refused_before_writing(tmp_path, options, output, message):
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    (tmp_path / "empty").mkdir()
    (tmp_path / "blocker").write_text("a file")
    (tmp_path / "folder.pdf").mkdir()
    opts = {k: (tmp_path / v if k in ("logo", "template_dir") else v) for k, v in options.items()}
    target = tmp_path / (output if output != "folder" else "folder.pdf")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(InputError, match=message):
        write_report(hand_result(), target, network=network(), options=ReportOptions(**opts))
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_result_report_uses_the_recorded_input_file(tmp_path):
    from lcasym.results.provenance import input_provenance

    path = network_file(tmp_path)
    result = hand_result(**input_provenance(path))
    files = result.report(tmp_path / "r.html", datapoints=False)
    assert files.html.exists() and "Hand network" in files.html.read_text(encoding="utf-8")
    path.write_text(path.read_text() + "\n# edited\n")
    with pytest.raises(InputError, match="changed since the calculation"):
        result.report(tmp_path / "r2.html")
    with pytest.raises(InputError, match="does not say which network"):
        hand_result().report(tmp_path / "r3.html")
    assert not (tmp_path / "r2.html").exists() and not (tmp_path / "r3.html").exists()


def test_a_network_that_is_not_the_results_is_refused(tmp_path):
    data = network().model_dump(mode="json", exclude_none=True)
    data["network"]["id"] = "other"
    with pytest.raises(InputError, match="the result is of network 'hand'"):
        write_report(hand_result(), tmp_path / "x.pdf",
                     network=SymbiosisNetwork.model_validate(data))  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_tornado_section_from_a_sensitivity_table(tmp_path):
    import pandas as pd

    # heat amount 5 and 15 MWh (central 10): avoided = 1400 + 252 · amount kg
    # → 2660 and 5180 kg = 2.66 and 5.18 t, swing 2.52 t
    rows = {"value": 10.0, "low": 5.0, "high": 15.0, "result_low": 2660.0,
            "result_high": 5180.0, "swing": 2520.0, "rank": 1.0}  # fmt: skip
    sens = pd.DataFrame([{"analysis": "tornado", "method": GWP, "parameter": "heat.amount",
                          "measure": k, "value": v} for k, v in rows.items()])  # fmt: skip
    result = build(sensitivity=sens, provenance={**PROV, "sensitivity": True})
    files = write_report(result, tmp_path / "s.html", network=network(),
                         options=ReportOptions(datapoints=False))  # fmt: skip
    html = files.html.read_text(encoding="utf-8")
    assert re.search(r"<td>heat.amount</td><td class=\"n\">2.66</td><td class=\"n\">5.18</td>"
                     r"<td class=\"n\">2.52</td>", html)  # fmt: skip
    assert "No sensitivity analysis was run" not in html and "--sensitivity -o s.html" in html


def test_opportunity_section_marks_partners_and_chosen_candidates():
    """Section 9 data by hand: 3 candidates, top 2 listed, kg CO2-eq shown in t.

    a>b (avoided 12,000 kg = 12 t) is between firms that already exchange ('x1') and is
    chosen; c>d (5,000 kg = 5 t) is new; e>f is counted but not listed (top=2).
    """
    from types import SimpleNamespace

    import pandas as pd

    from lcasym.report.opportunities import opportunity_section

    ranked = pd.DataFrame({
        "rank": [1, 2, 3], "candidate": ["a>b", "c>d", "e>f"], "synergy": ["heat"] * 3,
        "supplier": ["s1", "s2", "s3"], "receiver": ["r1", "r2", "r3"],
        "supply_flow": ["heat"] * 3, "demand_flow": ["heat"] * 3,
        "potential": [100.0, 50.0, 1.0], "unit": ["MWh"] * 3, "distance_km": [1.0, 2.0, 3.0],
        "avoided": [12_000.0, 5_000.0, 1.0], "coverage": ["covered"] * 3, "notes": [""] * 3,
    })  # fmt: skip
    opps = SimpleNamespace(
        ranked=lambda: ranked, headline=0, method_units=("kg CO2-eq",),
        method_label=lambda m: "IPCC 2021 | climate change | GWP100", source="inv.yaml",
        inventory=SimpleNamespace(facilities=[SimpleNamespace(id="s1", name="Firm <S1>")]),
    )  # fmt: skip
    network = SimpleNamespace(exchanges=[SimpleNamespace(id="x1", supplier="s1", receiver="r1")])
    section = opportunity_section(opps, network, chosen=["a>b"], top=2)
    assert section["unit"] == "t CO2-eq" and section["count"] == 3
    assert [r["candidate"] for r in section["rows"]] == ["a>b", "c>d"]
    assert [r["avoided"] for r in section["rows"]] == [12.0, 5.0]
    assert [r["in_network"] for r in section["rows"]] == ["x1", ""]
    assert [r["chosen"] for r in section["rows"]] == [True, False]
    assert section["rows"][0]["supplier"] == "Firm <S1>" and section["in_network"] == 1


def test_largest_keeps_order_and_sums_the_rest():
    """|values| 5, −9, nan, 1, 7 with limit 2: keep −9 and 7 (in their order), leave 3 rows
    whose finite values sum to 5 + 1 = 6."""
    from lcasym.presentation.selection import largest

    rows = [5.0, -9.0, float("nan"), 1.0, 7.0]
    kept, omitted = largest(rows, lambda v: v, 2)
    assert kept == [-9.0, 7.0]
    assert omitted.count == 3 and omitted.total == 6.0
    kept, omitted = largest(rows, lambda v: v, 5)
    assert kept == rows and not omitted


def test_a_large_network_is_listed_by_its_largest_rows(tmp_path, monkeypatch):
    """With room for one exchange and one firm, the hand report lists 'heat' (net 2.52 t,
    the larger of 2.52 and 1.40 t) and says the other exchange adds 1.40 t. Firms are ranked
    by their largest credit under any rule: PP 3.92 t (supplier rule), FF 2.52 t, PB
    0.900 t, so PP gets the one page and 2 firms are left out.
    """
    from lcasym.report import context

    monkeypatch.setattr(context, "LISTED_EXCHANGES", 1)
    monkeypatch.setattr(context, "LISTED_FIRMS", 1)
    path = network_file(tmp_path)
    files = write_report(hand_result(), tmp_path / "big.html", network=path,
                         options=ReportOptions(datapoints=False))  # fmt: skip
    html = files.html.read_text(encoding="utf-8")
    assert "1 further exchanges (together 1.40 t CO2-eq/yr)" in html
    assert 'id="net-1"' not in html and 'id="net-2"' in html  # only heat (exchange 2)
    assert "2 further firms" in html
    assert html.count('class="firm-name"') == 1


def test_annex_lists_the_headline_contributions_and_counts_the_others(tmp_path):
    """Contributions name a1 under the headline method and a1, a2, a3 under another: the
    annex lists a1 (supply chain) and says 2 further activities are in the results JSON."""
    import dataclasses

    result = hand_result()
    head = result.headline()["method"]
    rows = [(head, "a1"), ("other | category", "a1"), ("other | category", "a2"),
            ("other | category", "a3")]  # fmt: skip
    contributions = pd.DataFrame(
        [{"exchange": "heat", "component": "displaced", "target": "t", "method": m,
          "unit": "u", "rank": 1, "activity": f"activity {code}", "database": "bg",
          "code": code, "score": 1.0, "share": 1.0} for m, code in rows]
    )  # fmt: skip
    result = dataclasses.replace(result, contributions=contributions)
    files = write_report(result, tmp_path / "annex.html", network=network_file(tmp_path),
                         options=ReportOptions(datapoints=False))  # fmt: skip
    html = files.html.read_text(encoding="utf-8")
    annex = html[html.index('id="annex"') :]
    assert "bg:a1" in annex and "bg:a2" not in annex and "bg:a3" not in annex
    assert "found 2 further activities behind the other impact categories" in annex

"""Adding the exchanges of one network to another (lcasym.network.merge)."""

from __future__ import annotations

import copy

import pytest
import yaml

from lcasym.io import network_from_dict
from lcasym.network.merge import merge_networks
from lcasym.paths import examples_dir


@pytest.fixture(scope="module")
def tiny_dict() -> dict:
    return yaml.safe_load((examples_dir() / "tiny.yaml").read_text(encoding="utf-8"))


def _addition(tiny_dict: dict) -> dict:
    """Three proposals: one tiny already has, one with a taken id, one with a new firm."""
    add = copy.deepcopy(tiny_dict)
    gypsum, heat, water = add["exchanges"]
    gypsum["id"] = "proposal-gypsum"
    gypsum["flow"] = "  fgd   GYPSUM "  # power -> board, the same flow: already there
    heat["supplier"], heat["receiver"] = "board", "power"  # a new pair, but id 'tiny-heat'
    water["id"] = "water-to-fish"
    water["receiver"] = "fishfarm"
    add["facilities"].append(
        {"id": "fishfarm", "name": "Fish farm (synthetic)", "sector": "aquaculture"}
    )
    add["facilities"][0]["name"] = "Another name for power"  # matched by id: kept as it is
    return add


def test_merge_keeps_the_current_network_and_adds_the_rest(tiny_dict):
    current = network_from_dict(tiny_dict, "tiny.yaml")
    addition = network_from_dict(_addition(tiny_dict), "proposals")
    merged = merge_networks(current, addition)
    net = merged.network
    # tiny's 3 exchanges first, unchanged, then the 2 new ones (3 proposed - 1 already there)
    assert [x.id for x in net.exchanges] == [
        "tiny-gypsum", "tiny-heat", "tiny-water", "tiny-heat-2", "water-to-fish",
    ]  # fmt: skip
    assert net.exchanges[:3] == current.exchanges
    assert net.network == current.network
    assert merged.added == ("tiny-heat-2", "water-to-fish")
    assert merged.renamed == (("tiny-heat", "tiny-heat-2"),)
    assert merged.already_there == (("proposal-gypsum", "tiny-gypsum"),)
    assert merged.facilities_added == ("fishfarm",)
    assert [f.id for f in net.facilities] == ["power", "board", "greenhouse", "fishfarm"]
    assert net.facility("power").name == "Power station (synthetic)"
    moved = net.exchange("tiny-heat-2")
    assert (moved.supplier, moved.receiver, moved.amount) == ("board", "power", 100.0)
    text = merged.summary()
    assert "2 exchange(s) added: tiny-heat-2, water-to-fish." in text
    assert "Already in the network, skipped: proposal-gypsum (as tiny-gypsum)." in text


def test_merging_a_network_into_itself_adds_nothing(tiny_dict):
    current = network_from_dict(tiny_dict, "tiny.yaml")
    merged = merge_networks(current, current)
    assert merged.network == current
    assert merged.added == () and len(merged.already_there) == 3

"""The thin-provision rule and the what-if on small inline tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cohesion.geo import need
from cohesion.geo.postcodes import PostcodeLookup
from cohesion.spaces.register import SPACES_COLUMNS


def lsoa_table() -> pd.DataFrame:
    return pd.DataFrame({
        "code": list("ABCDEF"), "name": [f"Area {c}" for c in "ABCDEF"],
        "imd_decile": [1, 2, 1, 9, 10, 5], "imd_rank": [10, 5000, 20, 30000, 32000, 15000],
        "spaces_per_1k": [0.0, 0.0, 2.0, 0.0, 1.0, 0.5],
        "nearest_space_m": [1500.0, 1450.0, 100.0, 1400.0, 200.0, 600.0],
        "civic_assets_score": [np.nan] * 6,
    })


def test_thin_is_high_need_and_low_provision() -> None:
    ranked = need.rank_thin(lsoa_table(), "lsoa").set_index("code")
    assert ranked.loc["A", "thin"] and ranked.loc["B", "thin"]
    assert not ranked.loc["C", "thin"]  # high need, good provision
    assert not ranked.loc["D", "thin"]  # low provision, low need
    assert ranked.loc["A", "rank"] == 1  # most deprived of the thin ones first
    assert ranked.loc["B", "rank"] == 2
    assert sorted(ranked["rank"]) == list(range(1, 7))


def test_ward_rule_uses_share_of_residents() -> None:
    wards = pd.DataFrame({"code": ["W1", "W2"], "name": ["W1", "W2"], "deprived_share_pct": [60.0, 10.0],
                          "spaces_per_1k": [0.0, 0.0], "nearest_space_m": [900.0, 900.0]})
    ranked = need.rank_thin(wards, "ward").set_index("code")
    assert ranked.loc["W1", "need_high"] and not ranked.loc["W2", "need_high"]


def test_rule_text_states_the_thresholds() -> None:
    text = need.rule_text("lsoa")
    assert "decile 1 to 2" in text and "lowest 33%" in text


def test_what_if_close_and_open() -> None:
    spaces = pd.DataFrame([{c: "" for c in SPACES_COLUMNS} | {
        "id": "r:2", "name": "Hall", "lat": 53.0, "lon": -2.1, "is_open": True, "sensitive": False,
        "status": "located"}], columns=SPACES_COLUMNS)
    lookup = PostcodeLookup.from_frame(pd.DataFrame({"postcode": ["ST4 1HH", "ST5 7EB"], "lat": [53.01, 53.04],
                                                     "lon": [-2.18, -2.25], "lad_code": ["L1", "L2"],
                                                     "ward_code": ["W", "X"]}))
    out, messages = need.what_if(spaces, ["r:2"], [("New hub", "st41hh"), ("Typo", "nope"), ("Gone", "ST9 9ZZ"),
                                                  ("Elsewhere", "ST5 7EB")], lookup, area_code="L1")
    assert not out.loc[out["id"] == "r:2", "is_open"].item()
    added = out[out["layer"] == "what-if"]
    assert list(added["name"]) == ["New hub"] and added["lat"].item() == 53.01
    assert any("not a valid postcode" in m for m in messages)
    assert any("not in the postcode lookup" in m for m in messages)
    assert any("outside the area" in m for m in messages)
    assert spaces["is_open"].item()  # the input is not changed


def test_ranking_changes_names_areas() -> None:
    before = pd.DataFrame({"name": ["A", "B"], "thin": [True, False]})
    after = pd.DataFrame({"name": ["A", "B"], "thin": [False, True]})
    assert need.ranking_changes(before, after) == {"now_thin": ["B"], "no_longer_thin": ["A"]}

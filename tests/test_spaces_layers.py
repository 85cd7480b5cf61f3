"""Public layers through the real loaders (reference files) and OSM Overpass JSON (inline)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cohesion.geo.postcodes import PostcodeLookup, read_codepoint_csv
from cohesion.loaders.errors import DataFileError
from cohesion.spaces.overpass import load_overpass, query_for
from cohesion.spaces.public_layers import load_gp_practices, load_libraries
from cohesion.spaces.register import Area


@pytest.fixture(scope="module")
def st_lookup(reference_data: Path) -> PostcodeLookup:
    return PostcodeLookup.from_frame(read_codepoint_csv(
        reference_data / "postcode-centroids" / "codepoint_open_2025-10_st.csv", "ST"))


def test_all_22_libraries_geocode_and_7_are_open(reference_data: Path, st_lookup: PostcodeLookup) -> None:
    layer = load_libraries(reference_data / "community-spaces" / "stoke_libraries_ace2023.csv", st_lookup,
                           Area(lad_code="E06000021", name="Stoke-on-Trent"))
    spaces = layer.spaces
    assert len(spaces) == 22
    assert (spaces["status"] == "located").all() and (spaces["problem"] == "").all()
    assert int(spaces["is_open"].sum()) == 7
    assert set(spaces.loc[spaces["is_open"], "postcode"]) >= {"ST1 4FD", "ST3 7DY", "ST6 5TP"}
    assert "7 operating in 2023" in layer.notes[0]


def test_gp_practices_active_and_inside(reference_data: Path, st_lookup: PostcodeLookup) -> None:
    layer = load_gp_practices(reference_data / "community-spaces" / "st_epraccur_2024-01.csv", st_lookup,
                              Area(lad_code="E06000021", name="Stoke-on-Trent"))
    spaces = layer.spaces
    assert len(spaces) == 83  # status A and prescribing setting 4
    assert int((spaces["status"] == "located").sum()) == 35
    assert int((spaces["status"] == "outside area").sum()) == 48
    assert (spaces["category"] == "health setting").all()
    assert "211 rows" in layer.notes[0]


def test_epraccur_wrong_layout_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "epraccur.csv"
    path.write_text("org,name\nA1,Surgery\n")
    with pytest.raises(DataFileError, match="epraccur.csv, row 1: expected the epraccur layout"):
        load_gp_practices(path)


OVERPASS = {
    "osm3s": {"timestamp_osm_base": "2025-10-01T00:00:00Z"},
    "elements": [
        {"type": "node", "id": 1, "lat": 53.02, "lon": -2.17,
         "tags": {"amenity": "community_centre", "name": "Hall <b>", "addr:postcode": "st1 4fd", "wheelchair": "yes"}},
        {"type": "way", "id": 2, "center": {"lat": 53.03, "lon": -2.18}, "tags": {"leisure": "park"}},
        {"type": "node", "id": 3, "lat": 53.01, "lon": -2.16,
         "tags": {"amenity": "community_centre", "community_centre": "youth_centre", "name": "Youth"}},
        {"type": "relation", "id": 4, "tags": {"amenity": "place_of_worship", "name": "No centre"}},
    ],
}


def test_overpass_json_becomes_spaces(tmp_path: Path) -> None:
    path = tmp_path / "osm.json"
    path.write_text(json.dumps(OVERPASS))
    spaces = load_overpass(path).spaces
    assert list(spaces["category"]) == ["community centre", "park or green space", "youth provision", "faith venue"]
    assert spaces.loc[0, "postcode"] == "ST1 4FD" and spaces.loc[0, "access"] == "step-free"
    assert spaces.loc[1, "name"] == "Unnamed park or green space"
    assert spaces.loc[1, "status"] == "located" and spaces.loc[1, "lat"] == 53.03
    assert spaces.loc[3, "status"] == "location needed"  # no point and no postcode: kept, not dropped
    assert spaces.loc[0, "last_checked"] == "2025-10-01"


def test_overpass_bad_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "osm.json"
    path.write_text("{not json")
    with pytest.raises(DataFileError, match="osm.json: not valid JSON"):
        load_overpass(path)
    path.write_text("{}")
    with pytest.raises(DataFileError, match="no 'elements' list"):
        load_overpass(path)


def test_query_is_for_the_configured_place() -> None:
    query = query_for("E06000099")
    assert '"ref:gss"="E06000099"' in query and "out center tags;" in query
    for tag in ("community_centre", "place_of_worship", "library", "park", "sports_centre", "marketplace",
                "youth_centre"):
        assert tag in query


def test_docs_carry_the_exact_query() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "community-spaces.md").read_text()
    assert query_for("E06000021") in docs


def test_libraries_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "libs.csv"
    pd.DataFrame({"name": ["A"]}).to_csv(path, index=False)
    with pytest.raises(DataFileError, match="libs.csv, row 1: missing column"):
        load_libraries(path)

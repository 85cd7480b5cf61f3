"""Postcode and ward search for the spaces map, on the imported reference geography, and the URL state."""

from __future__ import annotations

from pathlib import Path

import pytest

from cohesion.geo.boundaries import GeoData, load_geo
from cohesion.geo.fetch import Place, import_folder
from cohesion.spaces import url_state
from cohesion.spaces.search import authority_names, find, match_wards

CITY = ("E06000021", "Stoke-on-Trent")


@pytest.fixture(scope="module")
def geo_folder(reference_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("geo_search")
    assert import_folder(reference_data, dest, Place("E06000021", "Stoke-on-Trent", "ST"), report=lambda _m: None) == []
    return dest


@pytest.fixture(scope="module")
def geo(geo_folder: Path) -> GeoData:
    return load_geo(geo_folder)


@pytest.fixture(scope="module")
def authorities(geo: GeoData) -> dict[str, str]:
    return authority_names(geo.layers.get("authorities.csv"))


def test_postcode_inside_names_its_ward(geo: GeoData, authorities: dict[str, str]) -> None:
    found = find(" st41hh ", geo, *CITY, authorities)
    assert found.kind == "postcode" and found.postcode == "ST4 1HH" and found.inside
    assert found.ward_name == "Hartshill Park & Stoke"
    assert found.message == "ST4 1HH is in Hartshill Park & Stoke ward, Stoke-on-Trent."
    assert 52.9 < found.lat < 53.1 and -2.3 < found.lon < -2.1


def test_postcode_outside_the_authority_names_the_other_one(geo: GeoData, authorities: dict[str, str]) -> None:
    found = find("ST5 1AA", geo, *CITY, authorities)
    assert found.kind == "postcode" and not found.inside and found.ward_name == ""
    assert found.message.startswith("ST5 1AA is outside Stoke-on-Trent: it is in Newcastle-under-Lyme (E07000195).")
    # Without the names table the code is still given: never a guess.
    assert "in local authority E07000195" in find("ST5 1AA", geo, *CITY, {}).message


def test_the_authority_comes_from_the_place_not_the_code(geo: GeoData, authorities: dict[str, str]) -> None:
    # Configured for Newcastle-under-Lyme, a city postcode is the outside one.
    found = find("ST4 1HH", geo, "E07000195", "Newcastle-under-Lyme", authorities)
    assert not found.inside and "outside Newcastle-under-Lyme: it is in Stoke-on-Trent (E06000021)" in found.message


def test_ward_search_on_whole_words(geo: GeoData) -> None:
    found = find("Burslem", geo, *CITY)
    assert found.kind == "wards" and list(found.wards["name"]) == ["Burslem", "Burslem Park"]
    assert found.message == "2 wards match 'Burslem': Burslem, Burslem Park"
    west, south, east, north = found.bounds
    assert west < east and south < north
    assert list(find("burslem park", geo, *CITY).wards["name"]) == ["Burslem Park"]
    assert list(find("Hanford, Newstead and Trentham", geo, *CITY).wards["name"]) == ["Hanford, Newstead & Trentham"]
    # Longton & Meir Hay South, Meir Hay North..., Meir North, Meir Park, Meir South
    assert len(match_wards("Meir", geo.wards)) == 5
    assert len(match_wards("eir", geo.wards)) == 0  # not inside a word


def test_nothing_found_says_why(geo: GeoData) -> None:
    assert "Did you mean Burslem" in find("Burslam", geo, *CITY).message
    assert find("xyzzy", geo, *CITY).message == ("No postcode or ward in Stoke-on-Trent matches 'xyzzy'. Type a full "
                                                   "postcode or a ward name.")
    assert "postcode district, not a full postcode" in find("ST4", geo, *CITY).message
    missing = find("ST9 9ZZ", geo, *CITY)
    assert missing.kind == "none" and "ST9 9ZZ is not in the postcode lookup" in missing.message


def test_without_geography_search_degrades_with_words() -> None:
    empty = GeoData()
    assert find("ST4 1HH", empty, *CITY).message == "Postcode search needs the postcode lookup, which is not loaded."
    assert "ward search needs the ward boundaries" in find("Burslem", empty, *CITY).message


def test_authority_names_file(tmp_path: Path) -> None:
    path = tmp_path / "lad.csv"
    path.write_text("lad24_code,lad24_name,x\nE07000195,Newcastle-under-Lyme,1\n")
    assert authority_names(path) == {"E07000195": "Newcastle-under-Lyme"}
    path.write_text("code,label\nA,B\n")
    assert authority_names(path) == {}
    assert authority_names(tmp_path / "absent.csv") == {}


LAYERS = ["register", "libraries", "gp_practices", "pharmacies", "schools"]
AREAS = ["wards", "lsoa"]
MEASURES = ["spaces_per_1k", "nearest_space_m", "civic_assets_score"]


def test_url_state_round_trip() -> None:
    choices = url_state.ViewChoices(query="ST4 1HH", radius=2000, layers=("libraries", "schools"),
                                    counted=("register", "libraries"), areas="lsoa", shade="civic_assets_score")
    params = url_state.encode(choices)
    assert params == {"q": "ST4 1HH", "within": "2000", "layers": "libraries,schools", "count": "register,libraries",
                      "areas": "lsoa", "shade": "civic_assets_score"}
    assert url_state.decode(params, LAYERS, AREAS, MEASURES) == choices


def test_url_state_ignores_what_it_cannot_use() -> None:
    got = url_state.decode({"q": "  Burslem   Park ", "within": "123", "layers": "gp_practices,bogus,gp_practices",
                            "count": "bogus", "areas": "counties", "shade": "<script>"}, LAYERS, AREAS, MEASURES)
    assert got == url_state.ViewChoices(query="Burslem Park", radius=1000, layers=("gp_practices",))
    nothing = url_state.decode({"layers": "none", "count": "none", "areas": "none"}, LAYERS, AREAS, MEASURES)
    assert nothing.layers == () and nothing.counted == () and nothing.areas == "none"
    assert url_state.encode(nothing)["layers"] == "none"
    assert len(url_state.decode({"q": "x" * 500}, LAYERS, AREAS, MEASURES).query) == url_state.MAX_QUERY
    assert url_state.decode({}, LAYERS, AREAS, MEASURES) == url_state.ViewChoices()

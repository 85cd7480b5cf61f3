"""Postcode normalisation, validation and lookup: inline cases, then the real Code-Point Open file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohesion.geo.postcodes import (
    PostcodeLookup,
    bng_to_wgs84,
    is_blank,
    normalise_postcode,
    normalise_postcodes,
    postcode_area,
    postcode_district,
    read_codepoint_csv,
)


@pytest.mark.parametrize("raw, expected", [
    ("st41hh", "ST4 1HH"), (" ST4 1HH ", "ST4 1HH"), ("ST4  1HH", "ST4 1HH"), ("st10 1ab", "ST10 1AB"),
    ("ST101AB", "ST10 1AB"), ("SW1A 1AA", "SW1A 1AA"), ("m1 1ae", "M1 1AE"), ("ST4-1HH", "ST4 1HH"),
])
def test_normalise_valid(raw: str, expected: str) -> None:
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["XYZ 123", "ST4", "1ST 4HH", "ST4 1H", "ST4 11H", "", "   ", None, "ST44 1HHH"])
def test_normalise_invalid_is_none(raw: object) -> None:
    assert normalise_postcode(raw) is None


def test_vectorised_keeps_index_and_blank_differs_from_invalid() -> None:
    values = pd.Series(["st41hh", "", "nonsense", None], index=[10, 11, 12, 13])
    out = normalise_postcodes(values)
    assert list(out.index) == [10, 11, 12, 13]
    assert out[10] == "ST4 1HH" and out[[11, 12, 13]].isna().all()
    assert list(is_blank(values)) == [False, True, False, True]


def test_district_and_area() -> None:
    codes = pd.Series(["ST4 1HH", "ST10 1AB", "SW1A 1AA"])
    assert list(postcode_district(codes)) == ["ST4", "ST10", "SW1A"]
    assert list(postcode_area(codes)) == ["ST", "ST", "SW"]


def test_lookup_locates_found_and_flags_missing() -> None:
    lookup = PostcodeLookup.from_frame(pd.DataFrame({
        "postcode": ["st4 1hh", "ST1 4FD"], "lat": [53.0, 53.02], "lon": [-2.18, -2.17],
        "lad_code": ["E06000021", "E06000021"], "ward_code": ["W1", "W2"],
    }))
    out = lookup.locate(pd.Series(["ST1 4FD", "ST9 9ZZ", None], index=[5, 6, 7]))
    assert list(out.index) == [5, 6, 7]
    assert list(out["found"]) == [True, False, False]
    assert out.loc[5, "lat"] == 53.02 and out.loc[5, "ward_code"] == "W2"
    assert np.isnan(out.loc[6, "lat"])


def test_bng_conversion_matches_known_point() -> None:
    # Ward centroid published by ONS in both grids (Abbey Hulton, WD25): BNG 390955, 348596.
    lat, lon = bng_to_wgs84(np.array([390955.0]), np.array([348596.0]))
    assert lat[0] == pytest.approx(53.03458, abs=0.0001)
    assert lon[0] == pytest.approx(-2.136331, abs=0.0001)


def test_real_codepoint_file_converts_and_filters(reference_data) -> None:
    path = reference_data / "postcode-centroids" / "codepoint_open_2025-10_st.csv"
    frame = read_codepoint_csv(path, "ST")
    assert len(frame) == 17839
    assert frame["postcode"].str.startswith("ST").all()
    assert (frame["lad_code"] == "E06000021").sum() == 6554
    # Agrees with the reference's own lat/lon conversion to within a few metres.
    ref = pd.read_csv(reference_data / "postcode-centroids" / "st_postcode_units_latlon.csv").set_index("postcode")
    joined = frame.merge(ref[["lat", "lon"]].add_suffix("_ref"), left_on="postcode", right_index=True)
    assert (joined["lat"] - joined["lat_ref"]).abs().max() < 0.0001
    lookup = PostcodeLookup.from_frame(frame)
    assert lookup.locate(pd.Series(["ST1 4FD"]))["found"].iloc[0]


def test_read_codepoint_rejects_other_files(tmp_path) -> None:
    from cohesion.loaders.errors import DataFileError

    path = tmp_path / "districts.csv"
    path.write_text("postcode_district,lat,lon\nST1,53.0,-2.1\n")
    with pytest.raises(DataFileError, match="districts.csv.*easting"):
        read_codepoint_csv(path)

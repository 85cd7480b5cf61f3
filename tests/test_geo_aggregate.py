"""Aggregation on tiny inline geography: counts, rates, distances, districts, postcode search."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from cohesion.geo import aggregate
from cohesion.geo.boundaries import GeoData
from cohesion.spaces.register import SPACES_COLUMNS


def space(name: str, lat: float, lon: float, *, category: str = "library", sensitive: bool = False,
          is_open: bool = True, status: str = "located", district: str = "ST4") -> dict:
    row = {c: "" for c in SPACES_COLUMNS}
    row.update(id=f"t:{name}", layer="test", name=name, category=category, lat=lat, lon=lon, sensitive=sensitive,
               is_open=is_open, status=status, district=district, postcode=f"{district} 1AA")
    return row


def spaces_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SPACES_COLUMNS)


def two_lsoas() -> GeoData:
    # Two 0.01-degree squares side by side (west A, east B), one ward covering both.
    a, b = shapely.box(-2.20, 53.00, -2.19, 53.01), shapely.box(-2.19, 53.00, -2.18, 53.01)
    lsoa = gpd.GeoDataFrame({"code": ["A", "B"], "name": ["Area A", "Area B"]}, geometry=[a, b], crs=4326)
    wards = gpd.GeoDataFrame({"code": ["W"], "name": ["Ward W"]}, geometry=[shapely.union(a, b)], crs=4326)
    imd = pd.DataFrame({"lsoa11_code": ["A", "B"], "imd_rank": [100, 20000], "imd_decile": [1, 7],
                        "population": [2000, 1000]})
    return GeoData(wards=wards, lsoa11=lsoa, imd=imd)


def test_counts_rates_and_distance_leave_out_sensitive_and_closed() -> None:
    geo = two_lsoas()
    spaces = spaces_frame([
        space("in B", 53.005, -2.185),
        space("secret in A", 53.005, -2.195, sensitive=True),
        space("closed in A", 53.005, -2.195, is_open=False),
        space("no place", np.nan, np.nan, status="location needed"),
    ])
    tables = aggregate.area_tables(geo, spaces)
    lsoa = tables.lsoa.set_index("code")
    assert lsoa.loc["A", "spaces_count"] == 0 and lsoa.loc["B", "spaces_count"] == 1
    assert lsoa.loc["B", "spaces_per_1k"] == pytest.approx(1.0)
    assert lsoa.loc["A", "spaces_per_1k"] == 0.0
    # A's centroid is 0.01 degrees of longitude west of the only space: ~669 m at 53 N.
    assert lsoa.loc["A", "nearest_space_m"] == pytest.approx(669, rel=0.01)
    assert lsoa.loc["B", "nearest_space_m"] == pytest.approx(0, abs=1)
    ward = tables.wards.set_index("code").loc["W"]
    assert ward["population"] == 3000 and ward["spaces_count"] == 1
    assert ward["deprived_share_pct"] == pytest.approx(100 * 2000 / 3000)


def test_no_boundaries_gives_no_tables_but_a_note() -> None:
    tables = aggregate.area_tables(GeoData(), spaces_frame([]))
    assert tables.lsoa is None and tables.wards is None and tables.notes


def test_missing_population_is_missing_not_zero() -> None:
    geo = two_lsoas()
    geo.imd = None
    tables = aggregate.area_tables(geo, spaces_frame([space("x", 53.005, -2.185)]))
    assert tables.lsoa["spaces_per_1k"].isna().all()


def test_district_summary_works_from_postcodes_alone() -> None:
    spaces = spaces_frame([
        space("a", np.nan, np.nan, status="district only", district="ST4"),
        space("b", np.nan, np.nan, status="district only", district="ST4", sensitive=True),
        space("c", np.nan, np.nan, status="district only", district="ST10", is_open=False),
        space("d", np.nan, np.nan, status="outside area", district="ST5"),
    ])
    table = aggregate.district_summary(spaces, {"ST1": 27.4, "ST4": 21.2}).set_index("district")
    assert list(table.index) == ["ST1", "ST4", "ST10"]  # natural order; ST5 is outside the area
    assert table.loc["ST4", "spaces_open"] == 1 and table.loc["ST4", "sensitive_open"] == 1
    assert table.loc["ST10", "lost_spaces"] == 1
    assert table.loc["ST1", "listening_participation_pct"] == 27.4
    assert np.isnan(table.loc["ST10", "listening_participation_pct"])


def test_postcode_search_never_gives_a_sensitive_distance() -> None:
    spaces = spaces_frame([
        space("near", 53.0005, -2.18), space("far", 53.05, -2.18),
        space("refuge", 53.0001, -2.18, sensitive=True, district="ST4"),
        space("refuge elsewhere", 53.0002, -2.18, sensitive=True, district="ST2"),
    ])
    near = aggregate.spaces_near(53.0, -2.18, "ST4", spaces, 1000)
    assert list(near["name"]) == ["near", "refuge"]
    assert near.loc[0, "where"] == "60 m"
    refuge = near[near["name"] == "refuge"].iloc[0]
    assert refuge["where"] == "in ST4" and np.isnan(refuge["distance_m"])


def test_nearest_distance_with_no_targets_is_nan() -> None:
    assert np.isnan(aggregate.nearest_distance_m(np.array([53.0]), np.array([-2.0]), np.array([]), np.array([])))[0]

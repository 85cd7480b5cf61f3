"""Pure map builders: no sensitive point reaches the browser, text is escaped, basemap switch."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from cohesion.spaces import maps
from cohesion.spaces.register import SPACES_COLUMNS


def spaces() -> pd.DataFrame:
    base = {c: "" for c in SPACES_COLUMNS}
    rows = [
        base | {"name": "<script>alert(1)</script>", "category": "library", "lat": 53.0, "lon": -2.1,
                "status": "located", "is_open": True, "sensitive": False, "postcode": "ST4 1HH"},
        base | {"name": "Refuge", "category": "other", "lat": 53.01, "lon": -2.11, "status": "located",
                "is_open": True, "sensitive": True},
        base | {"name": "Old library", "category": "library", "lat": 53.02, "lon": -2.12, "status": "located",
                "is_open": False, "sensitive": False},
        base | {"name": "Nowhere", "category": "market", "lat": np.nan, "lon": np.nan, "status": "location needed",
                "is_open": True, "sensitive": False},
    ]
    return pd.DataFrame(rows, columns=SPACES_COLUMNS)


def test_points_exclude_sensitive_and_escape_text() -> None:
    records = maps.point_records(spaces())
    assert len(records) == 1
    assert "<script>" not in records[0]["tooltip"] and "&lt;script&gt;" in records[0]["tooltip"]
    with_lost = maps.point_records(spaces(), include_lost=True)
    assert len(with_lost) == 2 and "lost space" in with_lost[1]["tooltip"]
    assert all(abs(r["lat"] - 53.01) > 1e-9 for r in with_lost)  # the sensitive point never appears
    assert maps.point_records(spaces(), categories=["market"]) == []


def test_deck_json_has_no_sensitive_coordinates_and_basemap_switch() -> None:
    view = maps.view_for(pd.Series([53.0]), pd.Series([-2.1]))
    deck = maps.build_deck(maps.point_records(spaces(), include_lost=True), None, view, None)
    spec = json.loads(deck.to_json())
    assert "Refuge" not in deck.to_json() and "-2.11" not in deck.to_json()
    assert spec.get("mapStyle") in (None, "")
    online = maps.build_deck([], None, view, maps.BASEMAPS["carto-light"])
    assert "basemaps.cartocdn.com" in online.to_json()


def test_basemap_choice_reads_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(maps.ENV_BASEMAP, "none")
    assert maps.basemap_choice()[:2] == ("none", None)
    monkeypatch.setenv(maps.ENV_BASEMAP, "satellite")
    key, url, note = maps.basemap_choice()
    assert key == "carto-light" and url and "satellite" in note
    monkeypatch.delenv(maps.ENV_BASEMAP)
    assert maps.basemap_choice()[0] == "carto-light"


def test_choropleth_escapes_names_marks_missing_and_simplifies() -> None:
    circle = shapely.Point(-2.1, 53.0).buffer(0.01, quad_segs=64)
    table = gpd.GeoDataFrame({"name": ["A & <B>", "C"], "spaces_per_1k": [1.5, np.nan], "population": [1500, 900]},
                             geometry=[circle, shapely.box(-2.0, 53.0, -1.99, 53.01)], crs=4326)
    geojson, vmin, vmax = maps.choropleth_geojson(table, "spaces_per_1k", "ward")
    tips = [f["properties"]["tooltip"] for f in geojson["features"]]
    assert "A &amp; &lt;B&gt;" in tips[0] and "1.50" in tips[0] and "1,500 residents" in tips[0]
    assert "missing" in tips[1]
    assert geojson["features"][1]["properties"]["fill"][:3] == [220, 220, 220]
    simplified = maps.simplify(table.geometry.values)
    assert shapely.get_num_coordinates(simplified[0]) < shapely.get_num_coordinates(circle) / 2


def test_viridis_endpoints_and_legend() -> None:
    colours = maps.viridis(pd.Series([0.0, 10.0]), 0.0, 10.0)
    assert colours[0][:3] == maps.hex_to_rgba(maps.VIRIDIS[0])[:3]
    assert colours[1][:3] == maps.hex_to_rgba(maps.VIRIDIS[-1])[:3]
    bins = maps.legend_bins("nearest_space_m", 0, 1000)
    assert len(bins) == 5 and bins[0][1] == "0 m to 200 m"


def test_category_colours_cover_every_category() -> None:
    from cohesion.spaces.register import CATEGORIES

    assert list(maps.CATEGORY_COLOURS) == CATEGORIES
    assert len(set(maps.CATEGORY_COLOURS.values())) == len(CATEGORIES)

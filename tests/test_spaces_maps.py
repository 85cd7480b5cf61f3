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


def test_points_exclude_sensitive_and_carry_no_markup() -> None:
    records = maps.point_records(spaces())
    assert len(records) == 1
    fields = [records[0][f] for f in maps.TOOLTIP_FIELDS]
    assert not any("<" in f or ">" in f for f in fields)
    assert records[0]["title"] == "‹script›alert(1)‹/script›"
    with_lost = maps.point_records(spaces(), include_lost=True)
    assert len(with_lost) == 2 and "lost space" in with_lost[1]["line1"]
    assert all(abs(r["lat"] - 53.01) > 1e-9 for r in with_lost)  # the sensitive point never appears
    assert maps.point_records(spaces(), categories=["market"]) == []


def test_deck_json_has_no_sensitive_coordinates_and_basemap_switch() -> None:
    view = maps.view_for(pd.Series([53.0]), pd.Series([-2.1]))
    deck = maps.build_deck(maps.point_records(spaces(), include_lost=True), None, view, None)
    spec = json.loads(deck.to_json())
    assert "Refuge" not in deck.to_json() and "-2.11" not in deck.to_json()
    # pydeck's "no basemap" sentinel, which Streamlit honours; a missing mapStyle would get CARTO tiles.
    assert spec.get("mapStyle") == "__MAP_STYLE__" and "mapProvider" not in spec
    assert "cartocdn" not in deck.to_json()
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


def test_tooltip_template_is_the_only_markup() -> None:
    # Every placeholder is a field each record and feature carries, so none is left unfilled.
    for field in maps.TOOLTIP_FIELDS:
        assert "{" + field + "}" in maps.TOOLTIP


def test_choropleth_plain_names_marks_missing_and_simplifies() -> None:
    circle = shapely.Point(-2.1, 53.0).buffer(0.01, quad_segs=64)
    table = gpd.GeoDataFrame({"name": ["A & <B>", "C"], "spaces_per_1k": [1.5, np.nan], "population": [1500, 900]},
                             geometry=[circle, shapely.box(-2.0, 53.0, -1.99, 53.01)], crs=4326)
    geojson, vmin, vmax = maps.choropleth_geojson(table, "spaces_per_1k", "ward")
    props = [f["properties"] for f in geojson["features"]]
    assert props[0]["title"] == "A & ‹B›" and "1.50" in props[0]["line1"] and "1,500 residents" in props[0]["line2"]
    assert "missing" in props[1]["line1"]
    assert all(set(maps.TOOLTIP_FIELDS) <= set(p) for p in props)
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


def test_points_per_layer_are_rounded_and_never_sensitive() -> None:
    frame = spaces().assign(layer=["register", "register", "libraries", "register"])
    frame.loc[0, ["lat", "lon"]] = [53.0123456789, -2.1791234567]
    layers = maps.point_layers(frame, include_lost=True)
    assert list(layers) == ["register", "libraries"]
    assert [(r["lat"], r["lon"]) for r in layers["register"]] == [(53.01235, -2.17912)]  # ~1 m, not the refuge
    assert "Refuge" not in layers["register"].text and "53.01," not in layers["register"].text
    shown = maps.shown_points(layers, ("libraries", "register"))
    assert [r["title"] for r in shown] == ["‹script›alert(1)‹/script›", "Old library"]  # the layers' own order
    assert json.loads(shown.text) == list(shown)
    assert maps.shown_points(layers, ()).text == "[]"


def test_encoded_layers_give_the_same_deck_json_as_plain_data() -> None:
    from cohesion.geo import display

    table = gpd.GeoDataFrame({"code": ["W1", "W2"], "name": ["North", "South"], "spaces_per_1k": [1.0, 2.0]},
                             geometry=[shapely.box(-2.2, 53.0, -2.1, 53.05), shapely.box(-2.2, 52.95, -2.1, 53.0)],
                             crs=4326)
    shapes = display.display_layer(table, 10.0)
    geojson, _, _ = maps.choropleth_geojson(table.iloc[::-1], "spaces_per_1k", "ward", shapes)
    assert [f["properties"]["title"] for f in geojson["features"]] == ["South", "North"]  # matched by code
    highlight = maps.highlight_geojson(table.iloc[[0]], shapes)
    points = maps.shown_points(maps.point_layers(spaces().assign(layer="register")), ("register",))
    view = maps.view_for(pd.Series([53.0]), pd.Series([-2.1]))
    encoded = json.loads(maps.build_deck(points, geojson, view, None, highlight=highlight).to_json())
    plain = json.loads(maps.build_deck(list(points), dict(geojson), view, None, highlight=dict(highlight)).to_json())
    assert encoded == plain
    assert encoded["layers"][0]["data"]["features"][0]["geometry"]["coordinates"][0][0] == [-2.1, 52.95]  # South, rounded
    # A code the prepared geometry does not have is left off the map rather than drawn wrongly.
    other = table.assign(code=["W1", "W9"])
    assert len(maps.choropleth_geojson(other, "spaces_per_1k", "ward", shapes)[0]["features"]) == 1

"""The Community spaces page's caches: defined once per process, not on every page run.

Streamlit works out a cached function's identity from its source each time the decorator runs;
in the page script that was thirteen times per visit. Here the decorators run once, at import.
Everything a cached function depends on is in its arguments (the place among them), so the
caches stay correct for any catalogue. Plain package functions do the work; this is glue.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from cohesion.geo import aggregate, boundaries, display, need
from cohesion.spaces import collect as spaces_collect
from cohesion.spaces import maps, search, view
from cohesion.spaces.indicator import participation_by_district, participation_citation

MAP_HEIGHT = 560

Place = tuple[str, str]  # (code, name) of the catalogue's place


@st.cache_resource(max_entries=2, show_spinner=False)
def geo(folder: str, key: tuple) -> boundaries.GeoData:
    return boundaries.load_geo(Path(folder))


@st.cache_resource(max_entries=2, show_spinner=False)
def collected(place: Place, register: str, reg_mtime: float, folder: str, geo_key: tuple) -> spaces_collect.Collected:
    geography = geo(folder, geo_key)
    area = spaces_collect.area_for(geography, *place)
    return spaces_collect.collect(Path(register), geography, area)


@st.cache_resource(max_entries=2, show_spinner=False)
def authorities(folder: str, geo_key: tuple) -> dict[str, str]:
    return search.authority_names(geo(folder, geo_key).layers.get("authorities.csv"))


@st.cache_resource(max_entries=8, show_spinner=False)
def spaces(place: Place, register: str, reg_mtime: float, folder: str, geo_key: tuple, remove: tuple[str, ...],
            add: tuple[tuple[str, str], ...]) -> tuple[pd.DataFrame, list[str]]:
    """(every space with the what-if applied, what-if messages)."""
    every = collected(place, register, reg_mtime, folder, geo_key).spaces
    if remove or add:
        return need.what_if(every, remove, add, geo(folder, geo_key).postcodes, place[0])
    return every, []


@st.cache_resource(max_entries=8, show_spinner=False)
def prepared(place: Place, register: str, reg_mtime: float, folder: str, geo_key: tuple, remove: tuple[str, ...],
              add: tuple[tuple[str, str], ...], counted: tuple[str, ...],
              ) -> tuple[spaces_collect.Prepared, pd.DataFrame, list[str]]:
    """(area tables and ranking from the counted layers only, every space, what-if messages)."""
    every, messages = spaces(place, register, reg_mtime, folder, geo_key, remove, add)
    provision = every[every["layer"].isin(counted + ("what-if",))]
    return spaces_collect.prepare(geo(folder, geo_key), provision), every, messages


@st.cache_resource(show_spinner=False)
def geometry_cache() -> display.GeometryCache:
    # One per process: polygons simplified and encoded once per geography version, for every session.
    return display.GeometryCache()


@st.cache_resource(max_entries=8, show_spinner=False)
def points(spaces_key: tuple, lost: bool) -> dict[str, maps.EncodedList]:
    """Map points per layer, encoded once; a view picks the layers it shows."""
    return maps.point_layers(spaces(*spaces_key)[0], include_lost=lost)


@st.cache_resource(max_entries=16, show_spinner=False)
def deck(folder: str, geo_key: tuple, prep_key: tuple, level: str | None, measure: str | None,
          shown: tuple[str, ...], lost: bool, basemap: str | None, query: str,
          ) -> tuple[object, float, float, display.ZoomLevel]:
    """(the map, the shading's range, the zoom level its polygons were simplified for)."""
    areas, every, _ = prepared(*prep_key)
    place = prep_key[0]
    geography = geo(folder, geo_key)
    found = search.find(query, geography, *place, authorities(folder, geo_key)) if query else None
    return view.map_deck(geography, geometry_cache().get(Path(folder), geography), areas, every,
                         maps.shown_points(points(prep_key[:7], lost), shown + ("what-if",)),
                         level, measure, found, basemap, MAP_HEIGHT)


@st.cache_resource(max_entries=2, show_spinner=False)
def closable(place: Place, register: str, reg_mtime: float, folder: str, geo_key: tuple) -> dict[str, str]:
    return view.closable(collected(place, register, reg_mtime, folder, geo_key).spaces)


@st.cache_resource(max_entries=8, show_spinner=False)
def problems(spaces_key: tuple) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return view.problem_tables(spaces(*spaces_key)[0])


@st.cache_resource(max_entries=8, show_spinner=False)
def tallies(spaces_key: tuple) -> view.Tallies:
    return view.tallies(spaces(*spaces_key)[0])


@st.cache_resource(max_entries=8, show_spinner=False)
def near(spaces_key: tuple, shown: tuple[str, ...], lat: float, lon: float, postcode: str,
          radius: int) -> tuple[int, pd.DataFrame]:
    return view.near_table(spaces(*spaces_key)[0], shown, lat, lon, postcode, radius)


@st.cache_resource(max_entries=8, show_spinner=False)
def districts(prep_key: tuple, published: str, published_mtime: float) -> tuple[dict[str, float], str, pd.DataFrame]:
    participation = participation_by_district(Path(published))
    citation = participation_citation(Path(published))
    return participation, citation, aggregate.district_summary(prepared(*prep_key)[1], participation)

"""The Community spaces page's caches: one per process, shared by every session.

Streamlit's caches cost the page more than its own work on a warm visit: the decorator works out
the function's identity from its source each time the page script runs (thirteen times a visit),
and each call inspects the signature and hashes every argument. Here they are plain bounded LRU
caches, defined once at import and keyed on small tuples of strings and numbers. Everything a
cached function depends on is in its arguments (the place, file paths with their modification
times, the geography token), so the caches stay correct for any catalogue and after any import.
Results are shared between sessions: callers must not mutate them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pandas as pd

from cohesion.geo import aggregate, boundaries, display, need
from cohesion.spaces import collect as spaces_collect
from cohesion.spaces import maps, search, view
from cohesion.spaces.indicator import participation_by_district, participation_citation
from cohesion.spaces.layer import layer_name

MAP_HEIGHT = 560

Place = tuple[str, str]  # (code, name) of the catalogue's place


@functools.lru_cache(maxsize=2)
def geo(folder: str, key: tuple) -> boundaries.GeoData:
    return boundaries.load_geo(Path(folder))


@functools.lru_cache(maxsize=2)
def collected(place: Place, register: str, reg_mtime: float, folder: str, geo_key: tuple) -> spaces_collect.Collected:
    geography = geo(folder, geo_key)
    area = spaces_collect.area_for(geography, *place)
    return spaces_collect.collect(Path(register), geography, area)


@functools.lru_cache(maxsize=2)
def authorities(folder: str, geo_key: tuple) -> dict[str, str]:
    return search.authority_names(geo(folder, geo_key).layers.get("authorities.csv"))


@functools.lru_cache(maxsize=8)
def spaces(place: Place, register: str, reg_mtime: float, folder: str, geo_key: tuple, remove: tuple[str, ...],
            add: tuple[tuple[str, str], ...]) -> tuple[pd.DataFrame, list[str]]:
    """(every space with the what-if applied, what-if messages)."""
    every = collected(place, register, reg_mtime, folder, geo_key).spaces
    if remove or add:
        return need.what_if(every, remove, add, geo(folder, geo_key).postcodes, place[0])
    return every, []


@functools.lru_cache(maxsize=8)
def prepared(place: Place, register: str, reg_mtime: float, folder: str, geo_key: tuple, remove: tuple[str, ...],
              add: tuple[tuple[str, str], ...], counted: tuple[str, ...],
              ) -> tuple[spaces_collect.Prepared, pd.DataFrame, list[str]]:
    """(area tables and ranking from the counted layers only, every space, what-if messages)."""
    every, messages = spaces(place, register, reg_mtime, folder, geo_key, remove, add)
    provision = every[every["layer"].isin(counted + ("what-if",))]
    return spaces_collect.prepare(geo(folder, geo_key), provision), every, messages


@functools.lru_cache(maxsize=1)
def geometry_cache() -> display.GeometryCache:
    # One per process: polygons simplified and encoded once per geography version, for every session.
    return display.GeometryCache()


@functools.lru_cache(maxsize=8)
def points(spaces_key: tuple, lost: bool) -> dict[str, maps.EncodedList]:
    """Map points per layer, encoded once; a view picks the layers it shows."""
    return maps.point_layers(spaces(*spaces_key)[0], include_lost=lost)


@functools.lru_cache(maxsize=16)
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


@functools.lru_cache(maxsize=2)
def closable(place: Place, register: str, reg_mtime: float, folder: str, geo_key: tuple) -> dict[str, str]:
    return view.closable(collected(place, register, reg_mtime, folder, geo_key).spaces)


@functools.lru_cache(maxsize=8)
def problems(spaces_key: tuple) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return view.problem_tables(spaces(*spaces_key)[0])


@functools.lru_cache(maxsize=8)
def tallies(spaces_key: tuple) -> view.Tallies:
    return view.tallies(spaces(*spaces_key)[0])


@functools.lru_cache(maxsize=8)
def not_placed_line(spaces_key: tuple) -> str:
    """Why spaces could not be placed, in words: '3 GP practices (postcode not found); ...'."""
    reasons = tallies(spaces_key).reasons
    return "; ".join(f"{r.spaces} {layer_name(r.layer)} ({r.status})" for r in reasons.itertuples())


@functools.lru_cache(maxsize=16)
def legend(rows: tuple[tuple[str, int], ...]) -> pd.DataFrame:
    """The points' legend: colour, category and spaces on the map, from (category, count) pairs."""
    return pd.DataFrame({"colour": [maps.CATEGORY_COLOURS[c] for c, _n in rows],
                         "points: category": [c for c, _n in rows], "on map": [n for _c, n in rows]})


@functools.lru_cache(maxsize=8)
def near(spaces_key: tuple, shown: tuple[str, ...], lat: float, lon: float, postcode: str,
          radius: int) -> tuple[int, pd.DataFrame]:
    return view.near_table(spaces(*spaces_key)[0], shown, lat, lon, postcode, radius)


@functools.lru_cache(maxsize=8)
def districts(prep_key: tuple, published: str, published_mtime: float) -> tuple[dict[str, float], str, pd.DataFrame]:
    participation = participation_by_district(Path(published))
    citation = participation_citation(Path(published))
    return participation, citation, aggregate.district_summary(prepared(*prep_key)[1], participation)


@functools.lru_cache(maxsize=8)
def district_view(prep_key: tuple, published: str, published_mtime: float) -> tuple[dict[str, float], str, Any]:
    """`districts` ready to draw: participation shares in words where missing, in Arrow form."""
    from cohesion import ui

    participation, citation, table = districts(prep_key, published, published_mtime)
    table = table.assign(listening_participation_pct=[  # a missing share says so, never blank or zero
        "not published" if pd.isna(v) else f"{v:.1f}%" for v in table["listening_participation_pct"]])
    return participation, citation, ui.ready_table(table)


@functools.lru_cache(maxsize=8)
def problem_views(spaces_key: tuple) -> tuple[Any, Any, Any]:
    """`problems` ready to draw (Arrow tables; `len()` gives their rows)."""
    from cohesion import ui

    return tuple(ui.ready_table(table) for table in problems(spaces_key))

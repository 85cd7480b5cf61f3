"""What the Community spaces page shows for one set of choices, computed once per choice.

The page caches each of these per choice, so a rerun that changes nothing only reads them; a
rerun that changes the view (a search, a layer, the shading) rebuilds only the map, from parts
prepared once: polygons per geography version and zoom (cohesion.geo.display), points per
layer (maps.point_layers), and the counts below. Plain functions, tested without Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pydeck as pdk

from cohesion.geo import aggregate, display
from cohesion.geo.boundaries import GeoData
from cohesion.spaces import maps, search
from cohesion.spaces.collect import Prepared
from cohesion.spaces.layer import layer_name
from cohesion.spaces.register import placement_summary, problem_rows

NOT_PLACED = ("not placed", "location needed", "district only")


def in_words(frame: pd.DataFrame) -> pd.DataFrame:
    """Layer keys replaced by their names, for any table shown to a person."""
    return frame.assign(layer=frame["layer"].map(layer_name)) if "layer" in frame else frame


@dataclass
class Tallies:
    """The counts the page quotes, from every space once."""

    drawable: dict[tuple[str, str], int]  # (layer, category) -> open, located, not sensitive
    sensitive_open: int
    not_placed: int
    reasons: pd.DataFrame  # layer, status, spaces: why spaces could not be placed
    location_needed: int  # register rows whose postcode is not yet known
    no_district: int

    def on_map(self, shown: tuple[str, ...]) -> dict[str, int]:
        """Category -> spaces drawn with these layers shown (what-if spaces always are)."""
        out: dict[str, int] = {}
        for (layer, category), n in self.drawable.items():
            if layer in shown or layer == "what-if":
                out[category] = out.get(category, 0) + n
        return out

    def open_in_layer(self, layer: str) -> int:
        return sum(n for (key, _category), n in self.drawable.items() if key == layer)


def tallies(spaces: pd.DataFrame) -> Tallies:
    drawable = spaces[(spaces["status"] == "located") & spaces["is_open"] & ~spaces["sensitive"]]
    not_placed = spaces[spaces["status"].isin(NOT_PLACED)]
    register_rows = spaces[spaces["layer"] == "register"]
    return Tallies(
        drawable={(str(k[0]), str(k[1])): int(n) for k, n in drawable.groupby(["layer", "category"]).size().items()},
        sensitive_open=int((spaces["sensitive"] & spaces["is_open"]).sum()),
        not_placed=len(not_placed),
        reasons=not_placed.groupby(["layer", "status"]).size().rename("spaces").reset_index(),
        location_needed=int((register_rows["status"] == "location needed").sum()),
        no_district=int((spaces["district"] == "").sum()),
    )


def closable(spaces: pd.DataFrame) -> dict[str, str]:
    """The what-if's "close" choices (id -> name and postcode): every open space on the map."""
    shown = spaces[(spaces["status"] == "located") & spaces["is_open"] & ~spaces["sensitive"]]
    return dict(zip(shown["id"], shown["name"] + " (" + shown["postcode"] + ")", strict=True))


def problem_tables(spaces: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(spaces placed per layer and status, rows with problems, rows without a location), in words."""
    unplaced = spaces.loc[(spaces["status"] != "located") & (spaces["problem"] == ""),
                          ["layer", "row", "name", "postcode", "status"]]
    return in_words(placement_summary(spaces)), in_words(problem_rows(spaces)), in_words(unplaced)


def near_table(spaces: pd.DataFrame, shown: tuple[str, ...], lat: float, lon: float, postcode: str,
               radius_m: int) -> tuple[int, pd.DataFrame]:
    """(open spaces with a distance, the table shown) near a searched postcode; sensitive by district only."""
    near = aggregate.spaces_near(lat, lon, postcode.split()[0], spaces[spaces["layer"].isin(shown + ("what-if",))],
                                 radius_m)
    return int(near["distance_m"].notna().sum()), in_words(near.drop(columns=["distance_m"]))


def _view(geo: GeoData, spaces: pd.DataFrame, table: pd.DataFrame | None, found: search.Found | None,
          height_px: int) -> pdk.ViewState:
    if found is not None and found.kind == "postcode":
        return maps.point_view(found.lat, found.lon, search.ZOOM_POSTCODE)
    if found is not None and found.kind == "wards":
        west, south, east, north = found.bounds
    elif table is not None or geo.wards is not None:  # fit the whole area, not just where the spaces are
        west, south, east, north = (table if table is not None else geo.wards).total_bounds
    else:
        located = spaces[spaces["status"] == "located"]
        south, north = located["lat"].min(), located["lat"].max()
        west, east = located["lon"].min(), located["lon"].max()
    return maps.view_for(pd.Series([south, north]), pd.Series([west, east]), height_px=height_px)


def map_deck(geo: GeoData, shapes: display.DisplayGeometry, prepared: Prepared, spaces: pd.DataFrame,
             points: maps.EncodedList, level: str | None, measure: str | None, found: search.Found | None,
             basemap: str | None, height_px: int) -> tuple[pdk.Deck, float, float, display.ZoomLevel]:
    """(the map, the shading's range, the zoom level its polygons were simplified for).

    `points` are the shown layers' encoded records; the polygons come from `shapes` at the level
    the view's zoom picks, so this only adds colours, tooltips and the search's marker or outline.
    """
    table = None
    if level and measure:
        table = prepared.tables.wards if level == "wards" else prepared.tables.lsoa
    view = _view(geo, spaces, table, found, height_px)
    zoom = display.LEVELS[display.level_for_zoom(view.zoom)]
    geojson, vmin, vmax = None, 0.0, 1.0
    if table is not None:
        kind = "wards" if level == "wards" else ("lsoa21" if geo.uses_imd2025 else "lsoa11")
        geojson, vmin, vmax = maps.choropleth_geojson(table, measure, "ward" if level == "wards" else "neighbourhood",
                                                      shapes.layer(kind, zoom.name))
    marker = highlight = None
    if found is not None and found.kind == "postcode":
        marker = maps.marker_record(found.lat, found.lon, found.postcode, found.message)
    if found is not None and found.kind == "wards":
        highlight = maps.highlight_geojson(found.wards, shapes.layer("wards", zoom.name))
    return maps.build_deck(points, geojson, view, basemap, marker, highlight), vmin, vmax, zoom

"""Pure builders for the community-spaces map: pydeck layers, colours, legends, basemap choice.

- Points: a ScatterplotLayer of located, open, non-sensitive spaces, coloured by category
  (Okabe-Ito and Tol colour-blind-safe colours); closed libraries optionally as grey "lost
  spaces". Sensitive venues are never given to the browser at their point.
- Areas: a GeoJsonLayer choropleth with a viridis scale (colour-blind safe, readable in grey).
  Its polygons come already simplified for the zoom, rounded and encoded from the geometry cache
  (cohesion.geo.display); only the colours and tooltips are added per view.
- Layer data can be an EncodedList or EncodedDict: its compact JSON is computed once and spliced
  into the deck's JSON, so a new view (a search, a layer switched on) does not re-encode 10,000
  points or the polygons.
- Tooltips: the HTML structure lives only in the fixed template (TOOLTIP); data goes in plain
  text fields (title, line1-line4). Streamlit (1.67) HTML-escapes every value it substitutes
  into a pydeck tooltip, so escaping here as well would show "&amp;" on screen. As a second
  guard, `plain` turns angle brackets in data into look-alike quotes, so no tag can ever form
  even under a renderer that does not escape.
- Basemap: COHESION_BASEMAP = carto-light (default, tokenless CARTO tiles), carto-road, or none
  (no tiles at all, for offline use). Tiles load in the browser asynchronously, so a slow or
  missing tile server never blocks the app; the layers draw regardless.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import threading

import geopandas as gpd
import numpy as np
import pandas as pd
import pydeck as pdk
import shapely

from cohesion.geo import display
from cohesion.spaces.register import CATEGORIES

ENV_BASEMAP = "COHESION_BASEMAP"
BASEMAPS: dict[str, str | None] = {
    "carto-light": pdk.map_styles.CARTO_LIGHT,
    "carto-road": pdk.map_styles.CARTO_ROAD,
    "none": None,
}
DEFAULT_BASEMAP = "carto-light"
# 0.0001 degrees is about 7 m east-west and 11 m north-south here. The ward status map (trends)
# still uses it; this page's polygons use the per-zoom tolerances in cohesion.geo.display.
SIMPLIFY_TOLERANCE_DEG = 0.0001

# Okabe-Ito (8) then Tol "muted" extras: distinguishable with the common colour-vision deficiencies.
_PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
            "#882255", "#44AA99", "#999933", "#AA4499", "#FFFFFF", "#CC6677"]  # schools white: clear on viridis
CATEGORY_COLOURS: dict[str, str] = dict(zip(CATEGORIES, _PALETTE, strict=True))
LOST_COLOUR = "#8C8C8C"
# Viridis, 5 stops (dark purple = low, yellow = high).
VIRIDIS = ["#440154", "#3B528B", "#21918C", "#5EC962", "#FDE725"]

MEASURES: dict[str, dict[str, str]] = {
    "spaces_per_1k": {"label": "Spaces per 1,000 residents", "fmt": "{:.2f}", "higher": "more spaces"},
    "nearest_space_m": {"label": "Distance to the nearest open space (m)", "fmt": "{:,.0f} m", "higher": "further"},
    "imd_decile": {"label": "IMD decile (1 = most deprived)", "fmt": "{:.0f}", "higher": "less deprived"},
    "deprived_share_pct": {"label": "Residents in IMD deciles 1-2 (%)", "fmt": "{:.0f}%", "higher": "more deprived"},
    "civic_assets_score": {"label": "CNI 2023 civic-assets need score", "fmt": "{:.2f}", "higher": "more need"},
}


def basemap_choice(value: str | None = None) -> tuple[str, str | None, str]:
    """(key, style URL or None, note) from COHESION_BASEMAP; an unknown value falls back with a note."""
    key = (value if value is not None else os.environ.get(ENV_BASEMAP, DEFAULT_BASEMAP)).strip().lower()
    if key in BASEMAPS:
        return key, BASEMAPS[key], ""
    return DEFAULT_BASEMAP, BASEMAPS[DEFAULT_BASEMAP], (
        f"{ENV_BASEMAP}='{key}' is not one of {', '.join(BASEMAPS)}; using {DEFAULT_BASEMAP}")


def hex_to_rgba(colour: str, alpha: int = 255) -> list[int]:
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)] + [alpha]


def viridis(values: pd.Series, vmin: float, vmax: float, alpha: int = 170) -> list[list[int]]:
    """RGBA per value on the 5-stop viridis scale; missing values are light grey (and say so)."""
    stops = np.array([hex_to_rgba(c)[:3] for c in VIRIDIS], float)
    span = (vmax - vmin) or 1.0
    out = []
    for v in values.to_numpy(dtype=float):
        if math.isnan(v):
            out.append([220, 220, 220, 120])
            continue
        t = min(max((v - vmin) / span, 0.0), 1.0) * (len(stops) - 1)
        i = min(int(t), len(stops) - 2)
        rgb = stops[i] + (stops[i + 1] - stops[i]) * (t - i)
        out.append([int(round(c)) for c in rgb] + [alpha])
    return out


def legend_bins(measure: str, vmin: float, vmax: float) -> list[tuple[str, str]]:
    """(colour, range text) for the text legend under the map."""
    fmt = MEASURES[measure]["fmt"]
    edges = np.linspace(vmin, vmax, len(VIRIDIS) + 1)
    return [(VIRIDIS[i], f"{fmt.format(edges[i])} to {fmt.format(edges[i + 1])}") for i in range(len(VIRIDIS))]


def _fmt(measure: str, value: float) -> str:
    return "missing" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else MEASURES[measure]["fmt"].format(value)


TOOLTIP_FIELDS = ("title", "line1", "line2", "line3", "line4")
TOOLTIP = "<b>{title}</b><br/>{line1}<br/>{line2}<br/>{line3}<br/><i>{line4}</i>"


def plain(value: object) -> str:
    """Data text for a tooltip field: no angle brackets, so it can never become markup."""
    return str(value).replace("<", "‹").replace(">", "›")


def point_records(spaces: pd.DataFrame, categories: list[str] | None = None,
                  include_lost: bool = False) -> list[dict]:
    """Records for the ScatterplotLayer: never a sensitive venue; text fields are plain text."""
    show = (spaces["status"] == "located") & ~spaces["sensitive"]
    show &= spaces["is_open"] | include_lost
    if categories is not None:
        show &= spaces["category"].isin(categories)
    chosen = spaces.loc[show]
    colours = [hex_to_rgba(CATEGORY_COLOURS.get(c, "#000000") if o else LOST_COLOUR, 230 if o else 150)
               for c, o in zip(chosen["category"], chosen["is_open"], strict=True)]
    return [
        {"lon": round(float(lo), display.DECIMALS), "lat": round(float(la), display.DECIMALS), "colour": col, "title": plain(n),
         "line1": plain(c) + ("" if o else " (closed: lost space)"), "line2": plain(f"{a} {p}".strip()),
         "line3": plain(x), "line4": plain(s)}
        for lo, la, col, n, c, o, a, p, x, s in zip(
            chosen["lon"], chosen["lat"], colours, chosen["name"], chosen["category"], chosen["is_open"],
            chosen["address"], chosen["postcode"], chosen["access"], chosen["source"], strict=True)
    ]


def simplify(geometries: np.ndarray, tolerance: float = SIMPLIFY_TOLERANCE_DEG) -> np.ndarray:
    """Topology-preserving simplification of polygons before they are sent to the browser."""
    return shapely.simplify(geometries, tolerance, preserve_topology=True)


def _dumps(value: object) -> str:
    # The deck's own encoding: sorted keys, no spaces (Python's fast C encoder).
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


class EncodedList(list):
    """Layer records with their JSON text computed once (`text`), spliced into the deck's JSON."""

    def __init__(self, records: list, text: str | None = None) -> None:
        super().__init__(records)
        self.text = _dumps(records) if text is None else text

    @classmethod
    def join(cls, parts: list[EncodedList]) -> EncodedList:
        """Several encoded lists as one, without encoding any record again."""
        records = [r for part in parts for r in part]
        return cls(records, "[" + ",".join(part.text[1:-1] for part in parts if len(part)) + "]")


class EncodedDict(dict):
    """A GeoJSON FeatureCollection with its JSON text computed once (`text`)."""

    def __init__(self, value: dict, text: str) -> None:
        super().__init__(value)
        self.text = text


def point_layers(spaces: pd.DataFrame, include_lost: bool = False) -> dict[str, EncodedList]:
    """Point records per layer key (in the frame's order), encoded once; see `point_records`."""
    out: dict[str, EncodedList] = {}
    for key in pd.unique(spaces["layer"]):
        out[str(key)] = EncodedList(point_records(spaces[spaces["layer"] == key], include_lost=include_lost))
    return out


def shown_points(layers: dict[str, EncodedList], shown: tuple[str, ...]) -> EncodedList:
    """The records of the shown layers, in the layers' own order."""
    return EncodedList.join([records for key, records in layers.items() if key in shown])


def _feature_text(geometry: str, properties: dict) -> str:
    return '{"geometry":' + geometry + ',"properties":' + _dumps(properties) + ',"type":"Feature"}'


def _collection(features: list[dict], texts: list[str]) -> EncodedDict:
    return EncodedDict({"type": "FeatureCollection", "features": features},
                       '{"features":[' + ",".join(texts) + '],"type":"FeatureCollection"}')


def _own_shapes(table: pd.DataFrame) -> tuple[list[str], display.DisplayLayer]:
    """The table's codes, and its own polygons prepared at the ward level (no geometry cache given)."""
    codes = [str(c) for c in table["code"]] if "code" in table else [str(i) for i in range(len(table))]
    frame = gpd.GeoDataFrame({"code": codes, "name": list(table["name"])}, geometry=table.geometry.to_numpy(),
                             crs=getattr(table, "crs", None) or 4326)
    return codes, display.display_layer(frame, display.LEVELS["ward"].tolerance_m)


def choropleth_geojson(table: pd.DataFrame, measure: str, label: str = "area",
                       shapes: display.DisplayLayer | None = None) -> tuple[EncodedDict, float, float]:
    """A FeatureCollection with fill colour and plain-text tooltip fields per area; (geojson, vmin, vmax).

    `shapes` are the prepared polygons (matched by code); without them the table's own polygons
    are prepared here at the ward level's tolerance.
    """
    values = table[measure].astype(float)
    vmin, vmax = (float(values.min()), float(values.max())) if values.notna().any() else (0.0, 1.0)
    colours = viridis(values, vmin, vmax)
    if shapes is None:
        codes, shapes = _own_shapes(table)
    else:
        codes = [str(c) for c in table["code"]]
    features, texts = [], []
    for code, name, value, colour, pop in zip(codes, table["name"], values, colours,
                                              table.get("population", pd.Series(np.nan, index=table.index)),
                                              strict=True):
        geometry = shapes.geometry(code)
        if geometry is None:  # a polygon the geometry cache does not have cannot be drawn
            continue
        residents = "" if pd.isna(pop) else f"{int(pop):,} residents (mid-2015)"
        properties = {"fill": colour, "title": plain(name), "line1": f"{label}: {MEASURES[measure]['label']}: "
                      f"{_fmt(measure, value)}", "line2": residents, "line3": "", "line4": ""}
        features.append({"type": "Feature", "geometry": shapes.geometry_dict(code), "properties": properties})
        texts.append(_feature_text(geometry, properties))
    return _collection(features, texts), vmin, vmax


def view_for(lat: pd.Series, lon: pd.Series, height_px: int = 620, width_px: int = 1100) -> pdk.ViewState:
    """A view centred on the middle of the given extent, zoomed so all of it fits the map box."""
    lat, lon = lat.dropna(), lon.dropna()
    if lat.empty:
        return pdk.ViewState(latitude=54.0, longitude=-2.0, zoom=5)
    mid_lat = (float(lat.min()) + float(lat.max())) / 2
    mid_lon = (float(lon.min()) + float(lon.max())) / 2
    lat_span = max(float(lat.max() - lat.min()), 0.005)
    lon_span = max(float(lon.max() - lon.min()), 0.005)
    # Web Mercator: 512 px span 360 degrees of longitude at zoom 0; latitude shrinks by cos(lat).
    fit_h = math.log2(height_px * 360 * math.cos(math.radians(mid_lat)) / (512 * lat_span))
    fit_w = math.log2(width_px * 360 / (512 * lon_span))
    zoom = max(5.0, min(15.0, min(fit_h, fit_w) - 0.15))
    return pdk.ViewState(latitude=mid_lat, longitude=mid_lon, zoom=round(zoom, 2))


class CachedDeck(pdk.Deck):
    """A Deck serialised once, compactly, with its `Encoded` layer data spliced in as text.

    pydeck's own to_json indents its output, which forces Python's slow pure-Python JSON
    encoder: with 10,000 points that alone took most of a rerun. The page caches the Deck, so
    the compact JSON (C encoder) is computed once and reused on every warm rerun; layer data
    already encoded (points per layer, prepared polygons) is not encoded again for a new view.
    """

    _lock = threading.Lock()  # the layers' data is swapped for tokens while the skeleton is encoded

    def to_json(self) -> str:
        cached = self.__dict__.get("_cached_json")
        if cached is None:
            from pydeck.bindings.json_tools import default_serialize

            with self._lock:
                swapped = []
                for layer in self.layers:
                    if isinstance(layer.data, EncodedList | EncodedDict):
                        # A fresh random token per layer: no data text can contain it.
                        token = f"encoded-{secrets.token_hex(12)}"
                        swapped.append((layer, layer._data, _dumps(token)))
                        layer._data = token
                try:
                    cached = json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
                finally:
                    for layer, data, _token in swapped:
                        layer._data = data
                for _layer, data, token in swapped:
                    cached = cached.replace(token, data.text, 1)
            self.__dict__["_cached_json"] = cached
        return cached


MARKER_COLOUR = [230, 0, 126, 255]  # magenta: not in the category palette, so the searched place stands out
HIGHLIGHT_COLOUR = [230, 0, 126, 255]


def marker_record(lat: float, lon: float, postcode: str, message: str) -> dict:
    """The searched postcode's marker, with the same plain-text tooltip fields as the points."""
    return {"lon": lon, "lat": lat, "title": plain(f"Searched postcode {postcode}"), "line1": plain(message),
            "line2": "", "line3": "", "line4": "postcode centroid (OS Code-Point Open)", "label": plain(postcode)}


def highlight_geojson(wards: pd.DataFrame, shapes: display.DisplayLayer | None = None) -> EncodedDict:
    """Outlines of the wards a search found (no fill, so the shading underneath stays readable)."""
    codes = [str(c) for c in wards["code"]]
    if shapes is None:
        codes, shapes = _own_shapes(wards)
    features, texts = [], []
    for code, name in zip(codes, wards["name"], strict=True):
        geometry = shapes.geometry(code)
        if geometry is None:
            continue
        properties = {"title": plain(name), "line1": "ward found by the search", "line2": "", "line3": "",
                      "line4": ""}
        features.append({"type": "Feature", "geometry": shapes.geometry_dict(code), "properties": properties})
        texts.append(_feature_text(geometry, properties))
    return _collection(features, texts)


def point_view(lat: float, lon: float, zoom: float) -> pdk.ViewState:
    return pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom)


def build_deck(points: list[dict], geojson: dict | None, view: pdk.ViewState, basemap: str | None,
               marker: dict | None = None, highlight: dict | None = None) -> pdk.Deck:
    """The map: optional choropleth underneath, points on top, then the search's ward outline and marker.

    Its JSON is computed here, while the deck is still private to the caller (see CachedDeck).
    """
    layers = []
    if geojson is not None:
        layers.append(pdk.Layer("GeoJsonLayer", geojson, id="areas", pickable=True, stroked=True, filled=True,
                                get_fill_color="properties.fill", get_line_color=[255, 255, 255, 200],
                                line_width_min_pixels=1))
    if highlight is not None:
        layers.append(pdk.Layer("GeoJsonLayer", highlight, id="found-wards", pickable=False, stroked=True,
                                filled=False, get_line_color=HIGHLIGHT_COLOUR, line_width_min_pixels=4))
    layers.append(pdk.Layer("ScatterplotLayer", points, id="spaces", pickable=True, get_position=["lon", "lat"],
                            get_fill_color="colour", get_radius=70, radius_min_pixels=5, radius_max_pixels=14,
                            # a dark rim keeps points visible on every choropleth colour
                            stroked=True, get_line_color=[20, 20, 20, 255], line_width_min_pixels=1.5))
    if marker is not None:
        # A ring (white halo, magenta rim) that reads on every shading, and the postcode beside it.
        layers.append(pdk.Layer("ScatterplotLayer", [marker], id="search-marker", pickable=True,
                                get_position=["lon", "lat"], get_fill_color=[255, 255, 255, 160], get_radius=40,
                                radius_min_pixels=11, radius_max_pixels=11, stroked=True,
                                get_line_color=MARKER_COLOUR, line_width_min_pixels=4))
        layers.append(pdk.Layer("TextLayer", [marker], id="search-label", get_position=["lon", "lat"],
                                get_text="label", get_size=15, get_color=[20, 20, 20, 255],
                                get_pixel_offset=[0, -24], background=True, get_background_color=[255, 255, 255, 230],
                                font_weight=700))
    tooltip = {"html": TOOLTIP, "style": {"backgroundColor": "#ffffff", "color": "#1a1a1a",
                                              "fontSize": "13px", "border": "1px solid #999"}}
    if basemap:
        deck = CachedDeck(layers=layers, initial_view_state=view, tooltip=tooltip, map_provider="carto",
                          map_style=basemap)
    else:
        # No tiles: map_provider=None with pydeck's default-style sentinel left in place. (An explicit
        # map_style=None would let Streamlit fill in its own CARTO basemap.)
        deck = CachedDeck(layers=layers, initial_view_state=view, tooltip=tooltip, map_provider=None)
    deck.to_json()
    return deck

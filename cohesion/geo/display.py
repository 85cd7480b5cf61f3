"""Map geometry prepared once per geography version: simplified for the zoom, rounded, encoded.

The Community spaces map draws the same polygons (current wards, 2011 and 2021 LSOAs; postcode
districts are prepared too but not drawn today) again and again. Reprojecting, simplifying and
turning them into GeoJSON text is done here once per geography version (the polygon files'
path, modification time and size) and layer, for every zoom level at once, the first time a
view needs the layer, and kept in a `GeometryCache`; a rerun only picks the layer and level.

- Simplification is topology-preserving and in metres (British National Grid), so a tolerance
  means the same on the ground everywhere; then back to WGS84.
- Coordinates are rounded to DECIMALS places (about 1 m), which roughly halves the bytes sent.
- Each zoom level's tolerance is under a screen pixel at the zoom a view opens at, so the
  simplification does not show there. The browser does not report its zoom back, so a user
  zooming in by hand from the city view sees the city-level polygons (30 m) until a search.

Plain functions and classes, no Streamlit: the page keeps one `GeometryCache` per process.
"""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

METRIC_CRS = 27700  # British National Grid: metres, and the boundaries are all in England
DECIMALS = 5  # 0.00001 degrees is about 0.7 m east-west and 1.1 m north-south in England


@dataclass(frozen=True)
class ZoomLevel:
    name: str
    min_zoom: float  # the level applies from this web-map zoom up to the next level's
    tolerance_m: float


# One screen pixel is about 65 m at zoom 10.5 (a whole city opens there), 8 m at zoom 13.5 (a
# ward found by the search opens at 12.2 to 14) and 6 m at zoom 14 (around a searched postcode)
# at England's latitudes. Each tolerance is under a pixel at its level's zooms: about half a pixel
# for the city and street views, and for a typical ward.
ZOOM_LEVELS: tuple[ZoomLevel, ...] = (
    ZoomLevel("city", 0.0, 30.0),
    ZoomLevel("ward", 12.0, 5.0),
    ZoomLevel("street", 14.0, 3.0),
)
LEVELS: dict[str, ZoomLevel] = {level.name: level for level in ZOOM_LEVELS}

# GeoData attribute -> the standard file it is read from (cohesion.geo.boundaries.FILES).
POLYGON_FILES: dict[str, str] = {
    "wards": "wards.parquet",
    "lsoa11": "lsoa11.parquet",
    "lsoa21": "lsoa21.parquet",
    "districts": "postcode_districts.parquet",
}


def level_for_zoom(zoom: float) -> str:
    """The zoom level ("city", "ward", "street") a map opening at `zoom` uses."""
    chosen = ZOOM_LEVELS[0]
    for level in ZOOM_LEVELS:
        if zoom >= level.min_zoom:
            chosen = level
    return chosen.name


def file_identity(path: Path) -> tuple[str, int, int]:
    """(path, mtime in ns, size): changes when a file is rewritten, even within the same second."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (str(path), 0, -1)
    return (str(path), stat.st_mtime_ns, stat.st_size)


def geography_version(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """The identity of the polygon files in the geo folder: a new import gives a new version."""
    return tuple(file_identity(folder / name) for name in POLYGON_FILES.values())


@functools.cache
def _transformers() -> tuple[object, object]:
    # Built once per process: making a pyproj transformer costs more than using it on a city.
    from pyproj import Transformer

    return (Transformer.from_crs(4326, METRIC_CRS, always_xy=True),
            Transformer.from_crs(METRIC_CRS, 4326, always_xy=True))


def _project(geometries: np.ndarray, transformer: object) -> np.ndarray:
    return shapely.transform(geometries, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def to_metric(geometries: gpd.GeoSeries | np.ndarray) -> np.ndarray:
    """WGS84 geometries in METRIC_CRS (metres)."""
    return _project(np.asarray(geometries), _transformers()[0])


def simplify_metric(metric: np.ndarray, tolerance_m: float, decimals: int = DECIMALS) -> np.ndarray:
    """Geometries in METRIC_CRS simplified by `tolerance_m` (topology kept), back in WGS84, rounded."""
    simplified = shapely.simplify(metric, tolerance_m, preserve_topology=True)
    back = _project(simplified, _transformers()[1])
    return shapely.transform(back, lambda coords: np.round(coords, decimals))


def simplify_for_display(geometries: gpd.GeoSeries | np.ndarray, tolerance_m: float,
                         decimals: int = DECIMALS) -> np.ndarray:
    """WGS84 polygons simplified by `tolerance_m` metres (topology kept), in WGS84, coordinates rounded."""
    return simplify_metric(to_metric(geometries), tolerance_m, decimals)


@dataclass
class DisplayLayer:
    """One polygon layer at one zoom level, ready for the browser."""

    codes: list[str]
    names: list[str]
    geometry_json: list[str]  # compact GeoJSON geometry per polygon, in `codes` order
    vertex_count: int
    position: dict[str, int] = field(default_factory=dict)  # code -> index
    geometries: list[dict] = field(default_factory=list)  # the same, parsed (shared: never modify)

    def __post_init__(self) -> None:
        self.position = {code: i for i, code in enumerate(self.codes)}
        self.geometries = [json.loads(text) for text in self.geometry_json]

    def geometry(self, code: str) -> str | None:
        """The polygon's GeoJSON geometry text, or None for a code not in the layer."""
        i = self.position.get(code)
        return None if i is None else self.geometry_json[i]

    def geometry_dict(self, code: str) -> dict | None:
        i = self.position.get(code)
        return None if i is None else self.geometries[i]


def display_layer(frame: gpd.GeoDataFrame, tolerance_m: float, metric: np.ndarray | None = None) -> DisplayLayer:
    """A polygon frame (code, name, geometry; WGS84) simplified and encoded for one zoom level.

    `metric`: the frame's geometry already in METRIC_CRS (projected once for every level).
    """
    simplified = simplify_metric(to_metric(frame.geometry) if metric is None else metric, tolerance_m)
    return DisplayLayer(codes=[str(c) for c in frame["code"]], names=[str(n) for n in frame["name"]],
                        geometry_json=list(shapely.to_geojson(simplified)),
                        vertex_count=int(shapely.get_num_coordinates(simplified).sum()))


class DisplayGeometry:
    """Every polygon layer of one geography version, at every zoom level, prepared on first use.

    A layer is prepared (projected once, simplified per level) the first time any view asks for
    it, then kept: the first map shown does not wait for layers it does not draw.
    """

    def __init__(self, geo: object, version: tuple = ()) -> None:
        self.version = version
        self._frames = {name: frame for name in POLYGON_FILES
                        if (frame := getattr(geo, name, None)) is not None and not frame.empty}
        self._layers: dict[tuple[str, str], DisplayLayer] = {}
        self._lock = threading.Lock()

    @property
    def names(self) -> list[str]:
        """The polygon layers present."""
        return list(self._frames)

    def layer(self, name: str, level: str) -> DisplayLayer | None:
        """The layer `name` (wards, lsoa11, lsoa21, districts) at zoom `level`; None when not loaded."""
        found = self._layers.get((name, level))
        if found is not None or name not in self._frames:
            return found
        with self._lock:
            if (name, level) not in self._layers:
                frame = self._frames[name]
                metric = to_metric(frame.geometry)
                for zoom in ZOOM_LEVELS:
                    self._layers[(name, zoom.name)] = display_layer(frame, zoom.tolerance_m, metric)
            return self._layers[(name, level)]


def prepare_geometry(geo: object, version: tuple = (), eager: bool = False) -> DisplayGeometry:
    """The display geometry of `geo` (a GeoData); `eager` prepares every layer now."""
    out = DisplayGeometry(geo, version)
    if eager:
        for name in out.names:
            out.layer(name, ZOOM_LEVELS[0].name)
    return out


class GeometryCache:
    """Prepared geometry per geography version: the same object until the polygon files change.

    Keeps the `max_entries` most recent versions (a re-import makes the old one unreachable,
    but a session still drawing it keeps working). Safe to share between sessions' threads.
    """

    def __init__(self, max_entries: int = 2) -> None:
        self.max_entries = max_entries
        self._entries: dict[tuple, DisplayGeometry] = {}
        self._lock = threading.Lock()
        self.builds = 0  # how many versions were prepared (for tests and benchmarks)

    def get(self, folder: Path, geo: object) -> DisplayGeometry:
        """The prepared geometry of `geo`, read from `folder`, for the folder's current version."""
        version = geography_version(folder)
        with self._lock:
            found = self._entries.get(version)
            if found is None:
                found = self._entries[version] = prepare_geometry(geo, version)
                self.builds += 1
                while len(self._entries) > self.max_entries:
                    self._entries.pop(next(iter(self._entries)))
            return found

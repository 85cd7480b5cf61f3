"""The map geometry cache: simplified per zoom in metres, topology kept, coordinates rounded,
prepared once per geography version and rebuilt when the polygon files change."""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from cohesion.geo import display
from cohesion.geo.boundaries import GeoData

# British National Grid metres near the middle of Stoke-on-Trent.
X0, Y0 = 388_000.0, 345_000.0


def _wgs84(*geoms: shapely.Geometry) -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs=display.METRIC_CRS).to_crs(4326)


def _frame(codes: list[str], *geoms: shapely.Geometry) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": codes, "name": [f"Area {c}" for c in codes]}, geometry=_wgs84(*geoms).values,
                            crs=4326)


def _coords(geometry_json: str) -> np.ndarray:
    return shapely.get_coordinates(shapely.from_geojson(geometry_json))


def test_a_bump_smaller_than_the_tolerance_goes_and_a_larger_one_stays() -> None:
    # A 200 m square whose south edge has one extra vertex 2 m off the straight line.
    bumped = shapely.Polygon([(X0, Y0), (X0 + 100, Y0 - 2), (X0 + 200, Y0), (X0 + 200, Y0 + 200), (X0, Y0 + 200)])
    square = _wgs84(bumped)
    assert shapely.get_num_coordinates(square.values[0]) == 6  # five corners and the closing point
    assert shapely.get_num_coordinates(display.simplify_for_display(square, 3.0)[0]) == 5  # 2 m < 3 m: gone
    assert shapely.get_num_coordinates(display.simplify_for_display(square, 1.0)[0]) == 6  # 2 m > 1 m: kept


def test_simplifying_a_ring_keeps_its_hole_and_drops_vertices() -> None:
    # A 500 m circle (256 segments) with a 200 m hole: a ward with a park inside, say.
    ring = shapely.Point(X0, Y0).buffer(500, quad_segs=64).difference(shapely.Point(X0, Y0).buffer(200, quad_segs=64))
    source = _wgs84(ring)
    before = shapely.get_num_coordinates(source.values[0])
    after = display.simplify_for_display(source, 30.0)[0]
    assert after.geom_type == "Polygon" and after.is_valid
    assert len(after.interiors) == 1  # the hole is still there
    assert before == 514 and shapely.get_num_coordinates(after) == 26  # 257 + 257 vertices -> 26
    # A 30 m tolerance on a 500 m circle keeps the shape: the area moves by under 5%.
    area_after = gpd.GeoSeries([after], crs=4326).to_crs(display.METRIC_CRS).area[0]
    assert abs(area_after - ring.area) / ring.area < 0.05


def test_coordinates_are_rounded_to_five_decimals() -> None:
    frame = gpd.GeoDataFrame({"code": ["A"], "name": ["A"]}, geometry=[shapely.Polygon(
        [(-2.1791234567, 53.0123456789), (-2.17, 53.02), (-2.16, 53.01)])], crs=4326)
    layer = display.display_layer(frame, 0.1)
    coords = _coords(layer.geometry("A"))
    assert np.array_equal(coords, np.round(coords, 5))
    assert "-2.17912" in layer.geometry("A") and "53.01235" in layer.geometry("A")
    assert "-2.1791234" not in layer.geometry("A")
    assert layer.geometry_dict("A")["type"] == "Polygon" and layer.geometry("B") is None


def test_zoom_picks_the_level() -> None:
    assert display.level_for_zoom(10.3) == "city"  # the whole city
    assert display.level_for_zoom(12.0) == "ward"
    assert display.level_for_zoom(13.4) == "ward"  # a ward found by the search
    assert display.level_for_zoom(14.0) == "street"  # around a searched postcode
    tolerances = [level.tolerance_m for level in display.ZOOM_LEVELS]
    assert tolerances == sorted(tolerances, reverse=True)  # closer in, finer


def test_each_level_sends_fewer_vertices_the_further_out_it_is() -> None:
    circle = shapely.Point(X0, Y0).buffer(1000, quad_segs=64)
    geometry = display.prepare_geometry(GeoData(wards=_frame(["W1"], circle)))
    counts = [geometry.layer("wards", level.name).vertex_count for level in display.ZOOM_LEVELS]
    assert counts == [17, 33, 65]  # of 257: 30 m, 5 m and 3 m off a 1 km circle
    assert geometry.layer("lsoa11", "city") is None  # not loaded: nothing to draw
    assert geometry.names == ["wards"]


def _write_wards(folder: Path, *geoms: shapely.Geometry) -> None:
    _frame([f"W{i}" for i in range(len(geoms))], *geoms).to_parquet(folder / "wards.parquet")


def test_cache_returns_the_same_object_until_the_geography_changes(tmp_path: Path) -> None:
    square = shapely.box(X0, Y0, X0 + 500, Y0 + 500)
    _write_wards(tmp_path, square)
    cache = display.GeometryCache()
    geo = GeoData(wards=gpd.read_parquet(tmp_path / "wards.parquet"))
    first = cache.get(tmp_path, geo)
    assert cache.get(tmp_path, geo) is first and cache.builds == 1
    assert first.layer("wards", "city") is first.layer("wards", "city")  # prepared once

    # A new import: the file is rewritten (new size and modification time), so a new version.
    _write_wards(tmp_path, square, shapely.box(X0 + 500, Y0, X0 + 900, Y0 + 500))
    stat = (tmp_path / "wards.parquet").stat()
    os.utime(tmp_path / "wards.parquet", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    geo = GeoData(wards=gpd.read_parquet(tmp_path / "wards.parquet"))
    second = cache.get(tmp_path, geo)
    assert second is not first and cache.builds == 2
    assert second.layer("wards", "city").codes == ["W0", "W1"]
    assert second.version != first.version


def test_same_size_rewrite_is_a_new_version_and_old_versions_are_dropped(tmp_path: Path) -> None:
    _write_wards(tmp_path, shapely.box(X0, Y0, X0 + 500, Y0 + 500))
    path = tmp_path / "wards.parquet"
    before = display.geography_version(tmp_path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # 1 ns later, same size
    assert display.geography_version(tmp_path) != before
    cache = display.GeometryCache(max_entries=1)
    geo = GeoData(wards=gpd.read_parquet(path))
    first = cache.get(tmp_path, geo)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2))
    cache.get(tmp_path, geo)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # back to the first version: rebuilt
    assert cache.get(tmp_path, geo) is not first and cache.builds == 3


def test_an_empty_folder_has_a_version_and_no_layers(tmp_path: Path) -> None:
    cache = display.GeometryCache()
    geometry = cache.get(tmp_path, GeoData())
    assert geometry.names == [] and geometry.layer("wards", "city") is None
    assert json.dumps(display.geography_version(tmp_path))  # a plain, hashable stamp

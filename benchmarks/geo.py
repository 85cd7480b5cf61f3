"""Benchmarks for geography and the community-spaces page (`python -m cohesion bench`).

- Geocoding: normalise and look up 100,000 postcodes (target under 2 s).
- The page with 10,000 points and every LSOA polygon, in AppTest on a throwaway copy of data/
  holding a synthetic 10,000-row register (made for the benchmark only, placed on real
  postcodes, never written to the project): process CPU per warm rerun of the same view, per
  rerun that shows a new view (a ward or postcode search not drawn before), and without any
  geography; the bytes of the deck JSON sent to the browser at each zoom level; the one-off
  preparation of the map geometry (cohesion.geo.display) per geography version.

The geo cache is used when it holds postcodes; otherwise the geography is imported from the
reference data folder (COHESION_REFERENCE_DATA) into a temporary folder; without either the
benchmark says it was skipped and why. CPU time, not wall time: the machine is shared. Timings
are reported, never asserted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.pages import warm_cpu_ms
from benchmarks.run import median_ms
from cohesion import config
from cohesion.geo.boundaries import load_geo
from cohesion.geo.postcodes import PostcodeLookup, normalise_postcodes

GEOCODE_N = 100_000
PAGE_POINTS = 10_000
PAGE = "pages/spaces.py"
RUNS = 7


def _messy(postcodes: np.ndarray, rng: np.random.Generator) -> pd.Series:
    # Real-world input: mixed case, missing or doubled spaces, padding.
    text = pd.Series(postcodes, dtype="string")
    lower = rng.random(len(text)) < 0.5
    text[lower] = text[lower].str.lower()
    squash = rng.random(len(text)) < 0.3
    text[squash] = text[squash].str.replace(" ", "", regex=False)
    return " " + text + " "


def bench_geocode(lookup: PostcodeLookup, n: int = GEOCODE_N, repeat: int = 5) -> float:
    """Median milliseconds to normalise and look up `n` postcodes."""
    rng = np.random.default_rng(1)
    sample = _messy(rng.choice(lookup.frame.index.to_numpy(), n), rng)
    return median_ms(lambda: lookup.locate(normalise_postcodes(sample)), repeat)


@contextmanager
def _env(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def synthetic_register(lookup: PostcodeLookup, place_code: str, n: int) -> pd.DataFrame:
    """A benchmark-only register of `n` venues on real postcodes inside the place (not real venues)."""
    from cohesion.spaces.register import CATEGORIES, REGISTER_COLUMNS

    rng = np.random.default_rng(2)
    inside = lookup.frame.index[lookup.frame["lad_code"] == place_code].to_numpy()
    rows = pd.DataFrame({c: "" for c in REGISTER_COLUMNS}, index=range(n))
    rows["name"] = [f"Benchmark venue {i}" for i in range(n)]
    rows["category"] = rng.choice(CATEGORIES, n)
    rows["postcode"] = rng.choice(inside, n)
    rows["open"] = "yes"
    rows["source"] = "synthetic, for the benchmark only"
    rows["last_checked"] = "2025-01-01"
    rows["sensitive"] = np.where(rng.random(n) < 0.02, "yes", "no")
    return rows


@contextmanager
def _page_data(geo_folder: Path, place_code: str, points: int) -> Iterator[None]:
    """Environment for an AppTest of the page: a copy of data/ with a synthetic register (if points)."""
    work = Path(tempfile.mkdtemp(prefix="spaces-bench-"))
    try:
        shutil.copytree(config.DATA_DIR, work / "data", ignore=shutil.ignore_patterns("processed", "meetings"))
        if points:
            register = work / "data" / "community_spaces" / "register.csv"
            register.parent.mkdir(parents=True, exist_ok=True)
            synthetic_register(load_geo(geo_folder).postcodes, place_code, points).to_csv(register, index=False)
        with _env(COHESION_DATA_DIR=str(work / "data"), COHESION_GEO_DIR=str(geo_folder), COHESION_BASEMAP="none"):
            yield
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _page(params: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(config.PROJECT_ROOT / "dashboard.py"), default_timeout=300)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(PAGE).run()
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return at


def deck_bytes(at) -> int:
    """Bytes of the deck JSON the page sends to the browser (0 without a map)."""
    charts = at.get("deck_gl_json_chart")
    return len(charts[0].proto.json.encode("utf-8")) if charts else 0


def page_figures(geo_folder: Path, place_code: str, points: int = PAGE_POINTS) -> dict[str, float]:
    """CPU per rerun (same view; new ward search; new postcode search) and deck bytes per zoom level."""
    geo = load_geo(geo_folder)
    wards = list(dict.fromkeys(geo.wards["name"])) if geo.wards is not None else []
    rng = np.random.default_rng(3)
    inside = geo.postcodes.frame.index[geo.postcodes.frame["lad_code"] == place_code].to_numpy()
    postcodes = list(rng.choice(inside, RUNS + 1, replace=False))
    out: dict[str, float] = {}
    with _page_data(geo_folder, place_code, points):
        at = _page({"areas": "lsoa"})  # every LSOA polygon, shaded
        at.run()
        out["same_view_ms"] = warm_cpu_ms(at.run, RUNS)
        out["city_bytes"] = deck_bytes(at)
        box = at.text_input(key="spaces_q")
        queries = iter(wards[: RUNS + 1])
        box.set_value(next(queries)).run()  # the first search warms what every search shares
        out["ward_bytes"] = deck_bytes(at)
        out["new_ward_view_ms"] = warm_cpu_ms(lambda: at.text_input(key="spaces_q").set_value(next(queries)).run(), RUNS)
        queries = iter(postcodes)
        at.text_input(key="spaces_q").set_value(next(queries)).run()
        out["street_bytes"] = deck_bytes(at)
        out["new_street_view_ms"] = warm_cpu_ms(lambda: at.text_input(key="spaces_q").set_value(next(queries)).run(), RUNS)
        polygons_only = _page({"areas": "lsoa", "layers": "none"})
        out["polygons_city_bytes"] = deck_bytes(polygons_only)
    return out


def shipped_geo_ms(geo_folder: Path) -> float:
    """CPU per warm rerun with the geography and the shipped register (the public layers' points, wards)."""
    with _page_data(geo_folder, "", 0):
        at = _page()
        at.run()
        return warm_cpu_ms(at.run, RUNS)


def empty_geo_ms() -> float:
    """CPU per warm rerun of the page with no geography at all (shipped data only)."""
    with tempfile.TemporaryDirectory(prefix="spaces-bench-nogeo-") as empty, _page_data(Path(empty), "", 0):
        at = _page()
        at.run()
        return warm_cpu_ms(at.run, RUNS)


def geometry_figures(geo_folder: Path) -> list[tuple[str, str]]:
    """The one-off preparation per geography version, and the vertices sent per zoom level."""
    try:
        from cohesion.geo import display
    except ImportError:  # before the geometry cache existed
        return []
    geo = load_geo(geo_folder)
    start = time.process_time()
    prepared = display.prepare_geometry(geo, display.geography_version(geo_folder), eager=True)
    ms = (time.process_time() - start) * 1000
    kind = "lsoa21" if geo.uses_imd2025 else "lsoa11"
    counts = [f"{level.name} {prepared.layer(kind, level.name).vertex_count:,}" for level in display.ZOOM_LEVELS
              if prepared.layer(kind, level.name) is not None]
    return [("spaces map geometry: prepare every layer at every zoom (once per geography version)",
             f"{ms:.0f} ms CPU"),
            (f"spaces map geometry: LSOA vertices sent ({kind}, by zoom level)", ", ".join(counts))]


@contextmanager
def _geo_folder() -> Iterator[Path | None]:
    """The geo cache if it holds postcodes; else an import of the reference data; else None."""
    folder = config.geo_dir()
    if load_geo(folder).postcodes is not None:
        yield folder
        return
    reference = config.reference_dir()
    if reference is None:
        yield None
        return
    from cohesion.catalogue import load_catalogue
    from cohesion.geo.fetch import Place, import_folder

    place = load_catalogue(config.CATALOGUE_PATH).place
    with tempfile.TemporaryDirectory(prefix="spaces-bench-geo-") as tmp:
        import_folder(reference, Path(tmp), Place(place.code, place.name, place.postcode_area), report=lambda _m: None)
        yield Path(tmp)


def bench() -> list[tuple[str, str]]:
    """(label, figure) pairs for `python -m cohesion bench`."""
    from cohesion.catalogue import load_catalogue

    out = [("spaces page: warm rerun CPU, no geography imported", f"{empty_geo_ms():.0f} ms (median of {RUNS})")]
    with _geo_folder() as folder:
        if folder is None:
            return out + [("geo: geocode, spaces page with geography", "skipped: no postcode lookup in the geo "
                           f"cache and {config.ENV_REFERENCE_DIR} not set (python -m cohesion geo import --from FOLDER)")]
        geo = load_geo(folder)
        out.append(("geo: geocode 100,000 postcodes (normalise + look up)",
                    f"{bench_geocode(geo.postcodes):.0f} ms (median of 5; target < 2,000 ms)"))
        if geo.neighbourhood_polygons is None:
            return out + [("spaces page: 10,000 points + LSOAs", "skipped: no LSOA boundaries in the geo cache")]
        place_code = load_catalogue(config.CATALOGUE_PATH).place.code
        out.append(("spaces page: warm rerun CPU, geography + shipped register (public layers, ward shading)",
                    f"{shipped_geo_ms(folder):.0f} ms (median of {RUNS})"))
        page = page_figures(folder, place_code)
        out += [
            ("spaces page: warm rerun CPU, same view, 10,000 points + all LSOA polygons",
             f"{page['same_view_ms']:.0f} ms (median of {RUNS}; target < 300 ms)"),
            ("spaces page: rerun CPU showing a new view: ward search / postcode search",
             f"{page['new_ward_view_ms']:.0f} / {page['new_street_view_ms']:.0f} ms (median of {RUNS})"),
            ("spaces page: deck JSON sent, 10,000 points + LSOAs: city / ward / street view",
             f"{page['city_bytes'] / 1e6:.2f} / {page['ward_bytes'] / 1e6:.2f} / {page['street_bytes'] / 1e6:.2f} MB"),
            ("spaces page: deck JSON sent, all LSOA polygons only (layers=none), city view",
             f"{page['polygons_city_bytes'] / 1e3:.0f} kB"),
        ]
        out += geometry_figures(folder)
    return out


if __name__ == "__main__":
    for label, figure in bench():
        print(f"{label}: {figure}")

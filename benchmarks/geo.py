"""Benchmarks for geography and the community-spaces page (`python -m cohesion bench`).

- Geocoding: normalise and look up 100,000 postcodes (target under 2 s).
- The page's warm rerun with 10,000 points and every LSOA polygon (target under 300 ms), timed
  with Streamlit's AppTest on a throwaway copy of data/ holding a synthetic 10,000-row register
  (made for the benchmark only, placed on real postcodes, never written to the project).

Both use the postcode lookup and boundaries in the geo cache; without them the benchmark says it
was skipped and why. Timings are reported, never asserted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.run import median_ms
from cohesion import config
from cohesion.geo.boundaries import load_geo
from cohesion.geo.postcodes import PostcodeLookup, normalise_postcodes

GEOCODE_N = 100_000
PAGE_POINTS = 10_000
PAGE = "pages/spaces.py"


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


def bench_page_warm(geo_folder: Path, place_code: str, points: int = PAGE_POINTS, repeat: int = 5) -> float:
    """Median milliseconds of a warm rerun of the page (LSOA choropleth, `points` spaces)."""
    from streamlit.testing.v1 import AppTest

    geo = load_geo(geo_folder)
    work = Path(tempfile.mkdtemp(prefix="spaces-bench-"))
    try:
        shutil.copytree(config.DATA_DIR, work / "data", ignore=shutil.ignore_patterns("processed", "meetings"))
        register = work / "data" / "community_spaces" / "register.csv"
        register.parent.mkdir(parents=True, exist_ok=True)
        synthetic_register(geo.postcodes, place_code, points).to_csv(register, index=False)
        with _env(COHESION_DATA_DIR=str(work / "data"), COHESION_GEO_DIR=str(geo_folder), COHESION_BASEMAP="none"):
            at = AppTest.from_file(str(config.PROJECT_ROOT / "dashboard.py"), default_timeout=120)
            at.switch_page(PAGE).run()
            at.main.radio[0].set_value("lsoa").run()  # all LSOA polygons
            if at.exception:
                raise RuntimeError(at.exception[0].value)
            return median_ms(at.run, repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench() -> list[tuple[str, str]]:
    """(label, figure) pairs for `python -m cohesion bench`."""
    from cohesion.catalogue import load_catalogue

    folder = config.geo_dir()
    geo = load_geo(folder)
    if geo.postcodes is None:
        return [("geo: geocode 100,000 postcodes", "skipped: no postcode lookup in the geo cache "
                 "(python -m cohesion geo import --from FOLDER)")]
    out = [("geo: geocode 100,000 postcodes (normalise + look up)",
            f"{bench_geocode(geo.postcodes):.0f} ms (median of 5; target < 2,000 ms)")]
    if geo.lsoa11 is None:
        out.append(("spaces page: warm rerun, 10,000 points + LSOAs", "skipped: no LSOA boundaries in the geo cache"))
        return out
    place_code = load_catalogue(config.CATALOGUE_PATH).place.code
    out.append(("spaces page: warm rerun, 10,000 points + all LSOA polygons",
                f"{bench_page_warm(folder, place_code):.0f} ms (median of 5 AppTest reruns; target < 300 ms)"))
    return out


if __name__ == "__main__":
    for label, figure in bench():
        print(f"{label}: {figure}")

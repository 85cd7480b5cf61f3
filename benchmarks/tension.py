"""Timings for the police.uk early warning, for `python -m cohesion bench` (never asserted in tests).

* refresh with twelve monthly police.uk files: the whole refresh (shipped tables plus the twelve
  real 2025 police.uk files in the reference folder) from a copy of the data folder, with the
  national LSOA-to-ward lookup CSV in the geo folder (the worst case: 35,672 rows read to keep
  163). Budget: < 2 s. Also the police.uk source on its own, with and without the lookup.
* signals: every tension series charted, city-wide and for every ward (what meeting mode and the
  Early warning page need after a refresh).

Needs the reference data folder (COHESION_REFERENCE_DATA); says so and skips when it is absent.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from benchmarks.run import median_ms, temporary_data_dir
from cohesion import config

STREET = "indicators/police_uk_street"
LOOKUP = "national/lookups/lsoa21_ward24_lad24_lookup_ew.csv"


def bench() -> list[tuple[str, str]]:
    reference = config.reference_dir()
    if reference is None or not (reference / STREET).is_dir():
        return [("police.uk early warning", f"skipped: set {config.ENV_REFERENCE_DIR} to the reference data")]
    from cohesion import query
    from cohesion.catalogue import load_catalogue
    from cohesion.refresh import load_source, refresh
    from cohesion.trends import tension

    out: list[tuple[str, str]] = []
    previous_geo = os.environ.get(config.ENV_GEO_DIR)
    with temporary_data_dir() as data, tempfile.TemporaryDirectory(prefix="cohesion-bench-geo-") as geo:
        shutil.copytree(reference / STREET, data / "police_uk", ignore=shutil.ignore_patterns("*.md", "stoke_*"))
        catalogue_path = data / "indicators.yaml"
        catalogue_path.write_text(config.CATALOGUE_PATH.read_text(encoding="utf-8").replace(
            'path: "reference:indicators/police_uk_street"', 'path: "data:police_uk"'), encoding="utf-8")
        os.environ[config.ENV_GEO_DIR] = geo
        try:
            catalogue = load_catalogue(catalogue_path)
            source = catalogue.source("police_uk_street")
            out.append(("police.uk source alone, 12 files, no lookup (LSOAs + city)",
                        f"{median_ms(lambda: load_source(source, catalogue), 5):.0f} ms (median of 5)"))
            shutil.copy(reference / LOOKUP, geo)
            out.append(("police.uk source alone, 12 files + national lookup CSV",
                        f"{median_ms(lambda: load_source(source, catalogue), 5):.0f} ms (median of 5)"))
            refresh(catalogue_path, progress=lambda _m: None)  # warm imports
            ms = median_ms(lambda: refresh(catalogue_path, progress=lambda _m: None), 5)
            out.append(("refresh, shipped data + 12 police.uk files (budget < 2 s)", f"{ms:.0f} ms (median of 5)"))
            observations = query.publishable(query.load(), catalogue, hide_small=False)
            ms = median_ms(lambda: tension.signals_now(catalogue, observations), 3)
            out.append(("early-warning signals, 4 series x (city + 34 wards)", f"{ms:.0f} ms (median of 3)"))
        finally:
            if previous_geo is None:
                os.environ.pop(config.ENV_GEO_DIR, None)
            else:
                os.environ[config.ENV_GEO_DIR] = previous_geo
    return out


if __name__ == "__main__":  # pragma: no cover
    for label, figure in bench():
        print(f"{label:62} {figure}")

"""The social-infrastructure indicator for priority 10, computed from the register.

Loader `community_spaces_indicator` (registry name) -> tidy rows for the place:
- measure `community_spaces_located`: open spaces (sensitive ones included) with a confirmed
  location: a valid postcode or valid coordinates, inside the authority where that can be told;
- measure `community_spaces_location_needed`: open spaces on the register still without one.
The headline row (empty breakdown) counts the layers that count as community venues by default
(`layer_registry.DEFAULT_COUNTED`: the register, libraries, OSM venues), the same default as the
page's "provision is thin" ranking; rows with breakdown `layer=register`, `layer=libraries`,
`layer=gp_practices`, `layer=pharmacies`, `layer=schools`, ... give every layer's own count. Public layers are counted only when the postcode lookup is in
the cache, because without it a GP practice in a neighbouring authority could not be told apart.
The period is the year of the register's latest `last_checked` date.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cohesion import config, tidy
from cohesion.loaders.errors import DataFileError
from cohesion.spaces.register import load_register

MEASURE_LOCATED = "community_spaces_located"
MEASURE_LOCATION_NEEDED = "community_spaces_location_needed"


def _place(path: Path) -> tuple[str, str, str]:
    """(code, name, area_type) of the place, from the catalogue's `place:`."""
    from cohesion.catalogue import CatalogueError, load_catalogue

    try:
        place = load_catalogue(config.CATALOGUE_PATH).place
    except (CatalogueError, FileNotFoundError) as exc:
        raise DataFileError(path, f"the place's area code comes from the catalogue, which could not be read ({exc})") \
            from exc
    return place.code, place.name, place.area_type


def spaces_counts(spaces: pd.DataFrame) -> dict[str, int]:
    """Located / location-needed counts of open spaces (the indicator's numbers).

    Spaces outside the authority and duplicates count in neither.
    """
    open_ = spaces[spaces["is_open"] & ~spaces["status"].isin(["duplicate", "outside area"])]
    # Without a lookup a valid postcode is "district only": still a confirmed location.
    located = open_["status"].isin(["located", "district only"])
    return {MEASURE_LOCATED: int(located.sum()), MEASURE_LOCATION_NEEDED: int((~located).sum())}


def load_spaces_indicator(path: Path) -> pd.DataFrame:
    """Tidy rows of the register's (and public layers') counts for the place (see module docstring)."""
    from cohesion.geo.boundaries import load_geo
    from cohesion.spaces.collect import area_for, collect

    register = load_register(path)  # raises DataFileError for a broken file: the refresh reports it
    dates = pd.to_datetime(register["last_checked"], errors="coerce", format="%Y-%m-%d")
    if dates.isna().all():
        raise DataFileError(path, "no row has a valid last_checked date (YYYY-MM-DD), so there is no period",
                            field="last_checked")
    period = str(dates.max().year)
    code, name, area_type = _place(path)
    geo = load_geo(config.geo_dir())
    if geo.postcodes is None:
        geo.layers = {}  # see module docstring: public layers need the lookup to be counted fairly
    collected = collect(path, geo, area_for(geo, code, name))
    spaces = collected.spaces
    rows = []
    from cohesion.spaces.layer_registry import DEFAULT_COUNTED

    venues = spaces[spaces["layer"].isin(DEFAULT_COUNTED)]
    for breakdown, subset in [("", venues)] + [(f"layer={k}", g) for k, g in spaces.groupby("layer", sort=True)]:
        counts = spaces_counts(subset)
        total = sum(counts.values())
        for measure, value in counts.items():
            if breakdown and breakdown != "layer=register" and measure == MEASURE_LOCATION_NEEDED:
                continue  # public layers always carry a postcode; only the register has gaps
            rows.append({
                "measure": measure, "period": period, "area_code": code, "area_name": name, "area_type": area_type,
                "breakdown": breakdown, "value": float(value), "numerator": float(value),
                "denominator": float(total), "unit": "count", "status_note": "",
            })
    return tidy.conform(pd.DataFrame(rows))


PARTICIPATION_MEASURE = "listening_participation_share"


def participation_citation(path: Path, measure: str = PARTICIPATION_MEASURE) -> str:
    """'Publisher, publication, section' of the participation rows, as the table cites them."""
    if not path.exists():
        return ""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = table[table.get("measure", pd.Series(dtype=str)) == measure]
    if rows.empty:
        return ""
    first = rows.iloc[0]
    return ", ".join(str(first.get(c, "")).strip() for c in ("publisher", "publication", "table_or_section")
                     if str(first.get(c, "")).strip())


def participation_by_district(path: Path, measure: str = PARTICIPATION_MEASURE) -> dict[str, float]:
    """District -> listening-exercise participation share (%) from the published-figures table.

    Rows look like breakdown `postcode_district=SW1A`; an absent file or measure gives {} (the
    page then says "not loaded").
    """
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not {"measure", "breakdown", "value"} <= set(table.columns):
        return {}
    rows = table[(table["measure"] == measure) & table["breakdown"].str.startswith("postcode_district=")]
    values = pd.to_numeric(rows["value"], errors="coerce")
    return {b.split("=", 1)[1].strip().upper(): float(v)
            for b, v in zip(rows["breakdown"], values, strict=True) if pd.notna(v)}

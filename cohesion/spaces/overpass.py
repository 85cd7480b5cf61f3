"""OpenStreetMap venues saved as Overpass JSON, read into the register's shape.

Run QUERY (filled in with the authority's GSS code) at https://overpass-turbo.eu or against the
Overpass API and save the result as JSON into the geo folder as `layers/osm.json` (or into
`community-spaces/` of an import folder). `out center tags;` gives ways and relations a centre
point, so parks and buildings mapped as areas still get one point.

OSM data © OpenStreetMap contributors, available under the Open Database Licence (ODbL).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from cohesion.geo.postcodes import PostcodeLookup
from cohesion.loaders.errors import DataFileError
from cohesion.spaces.layer import Layer
from cohesion.spaces.register import Area, validate

QUERY = """[out:json][timeout:60];
area["ref:gss"="{place_code}"]->.place;
(
  nwr["amenity"="community_centre"](area.place);
  nwr["amenity"="place_of_worship"](area.place);
  nwr["amenity"="library"](area.place);
  nwr["leisure"="park"](area.place);
  nwr["leisure"="sports_centre"](area.place);
  nwr["amenity"="marketplace"](area.place);
  nwr["amenity"="youth_centre"](area.place);
  nwr["community_centre"="youth_centre"](area.place);
);
out center tags;"""

# (tag, value) -> register category; the first match wins, so youth centres beat community centres.
TAG_CATEGORIES: list[tuple[str, str, str]] = [
    ("community_centre", "youth_centre", "youth provision"),
    ("amenity", "youth_centre", "youth provision"),
    ("amenity", "community_centre", "community centre"),
    ("amenity", "place_of_worship", "faith venue"),
    ("amenity", "library", "library"),
    ("leisure", "park", "park or green space"),
    ("leisure", "sports_centre", "sports club"),
    ("amenity", "marketplace", "market"),
]


def query_for(place_code: str) -> str:
    """The Overpass query for one authority, by its GSS code (OSM boundaries carry ref:gss)."""
    return QUERY.replace("{place_code}", place_code)


def _category(tags: dict[str, str]) -> str:
    return next((cat for key, value, cat in TAG_CATEGORIES if tags.get(key) == value), "other")


def _yes_no(value: str | None) -> str:
    return {"yes": "yes", "no": "no", "limited": "no"}.get((value or "").lower(), "")


def overpass_rows(data: dict, path: Path) -> pd.DataFrame:
    """Overpass JSON elements -> raw register rows (one per element with a point)."""
    elements = data.get("elements")
    if not isinstance(elements, list):
        raise DataFileError(path, "not Overpass JSON: no 'elements' list (save the query result as JSON)")
    rows = []
    for n, el in enumerate(elements, start=1):
        tags = el.get("tags") or {}
        centre = el.get("center") or {}
        lat, lon = el.get("lat", centre.get("lat")), el.get("lon", centre.get("lon"))
        street = " ".join(p for p in (tags.get("addr:housenumber", ""), tags.get("addr:street", "")) if p)
        rows.append({
            "row": n, "name": tags.get("name", ""), "category": _category(tags),
            "address": ", ".join(p for p in (street, tags.get("addr:city", "")) if p),
            "postcode": tags.get("addr:postcode", ""),
            "latitude": "" if lat is None else str(lat), "longitude": "" if lon is None else str(lon),
            "operator": tags.get("operator", ""),
            "free_to_use": {"no": "yes", "yes": "no"}.get(tags.get("fee", "").lower(), ""),  # fee=no: free
            "step_free": _yes_no(tags.get("wheelchair")), "opening_pattern": tags.get("opening_hours", ""),
            "open": "yes", "source": f"OpenStreetMap {el.get('type', 'element')} {el.get('id', '')}",
            "last_checked": (data.get("osm3s") or {}).get("timestamp_osm_base", "")[:10], "sensitive": "no",
        })
    return pd.DataFrame(rows, columns=["row", "name", "category", "address", "postcode", "latitude", "longitude",
                                       "operator", "free_to_use", "step_free", "opening_pattern", "open", "source",
                                       "last_checked", "sensitive"])


def load_overpass(path: Path, lookup: PostcodeLookup | None = None, area: Area | None = None) -> Layer:
    """OSM venues from a saved Overpass JSON file, validated like the register."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataFileError(path, f"not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    rows = overpass_rows(data, path)
    unnamed = rows["name"] == ""
    # Many OSM parks and worship places have no name; label them rather than dropping them.
    rows.loc[unnamed, "name"] = "Unnamed " + rows.loc[unnamed, "category"]
    spaces = validate(rows, file=path.name, layer="osm", lookup=lookup, area=area)
    notes = [f"{len(spaces)} OpenStreetMap venues ({int(unnamed.sum())} without a name in OSM)"]
    return Layer("osm", "OpenStreetMap venues", spaces, notes, "© OpenStreetMap contributors, ODbL.")

"""Find a postcode or a ward for the community-spaces map, without Streamlit.

`find` turns what an officer types into a `Found`: a postcode (its point, its ward, and whether it
is inside the authority, which comes from the catalogue's place) or one or more wards whose name
matches (for highlighting and zooming), or a plain-words message when nothing matches. Ward names
are matched on whole words, so "Burslem" finds "Burslem" and "Burslem Park"; "and" and "&" are
the same.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cohesion.geo.boundaries import GeoData
from cohesion.geo.postcodes import normalise_postcode

ZOOM_POSTCODE = 14.0  # about 2 km across around the postcode: its nearest spaces are in view
_DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


@dataclass
class Found:
    """What a search found. `kind` is postcode, wards, or none (then `message` says why)."""

    kind: str
    query: str
    message: str = ""
    postcode: str = ""
    lat: float | None = None
    lon: float | None = None
    ward_name: str = ""
    inside: bool = True
    wards: pd.DataFrame | None = None  # code, name, geometry of the matching wards
    notes: list[str] = field(default_factory=list)

    @property
    def bounds(self) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) of what was found, for zooming; None for a bare point."""
        if self.wards is not None and len(self.wards):
            return tuple(float(v) for v in self.wards.total_bounds)  # type: ignore[return-value]
        return None


def authority_names(path: Path | None) -> dict[str, str]:
    """Local authority code -> name from an ONS LAD lookup CSV (lad24_code, lad24_name, ...); {} if absent."""
    if path is None or not path.exists():
        return {}
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, pd.errors.ParserError):
        return {}
    code = next((c for c in table.columns if re.match(r"^lad\d{2}_?c(ode|d)$", c, re.IGNORECASE)), None)
    name = next((c for c in table.columns if re.match(r"^lad\d{2}_?n(ame|m)$", c, re.IGNORECASE)), None)
    if code is None or name is None:
        return {}
    return dict(zip(table[code].str.strip(), table[name].str.strip(), strict=True))


def _words(text: str) -> list[str]:
    text = text.lower().replace("&", " and ")
    return re.findall(r"[a-z0-9']+", text)


def match_wards(query: str, wards: pd.DataFrame) -> pd.DataFrame:
    """Wards whose name contains the query's words in order, on word boundaries (case-insensitive)."""
    wanted = _words(query)
    if not wanted:
        return wards.iloc[0:0]
    pattern = re.compile(r"(^| )" + re.escape(" ".join(wanted)) + r"( |$)")
    hits = [bool(pattern.search(" ".join(_words(str(n))))) for n in wards["name"]]
    return wards.loc[hits].sort_values("name")


def _ward_name(geo: GeoData, code: object) -> str:
    if geo.wards is None or not code:
        return ""
    names = geo.wards.loc[geo.wards["code"] == code, "name"]
    return str(names.iloc[0]) if len(names) else ""


def find(text: str, geo: GeoData, place_code: str, place_name: str,
         authorities: dict[str, str] | None = None) -> Found:
    """A postcode or ward name -> Found (see module docstring). Never raises for user input."""
    query = " ".join(str(text).split())
    postcode = normalise_postcode(query)
    if postcode is not None:
        return _postcode(query, postcode, geo, place_code, place_name, authorities or {})
    if _DISTRICT_RE.match(query.upper().replace(" ", "")) and any(ch.isdigit() for ch in query):
        return Found("none", query, f"'{query}' is a postcode district, not a full postcode: type a full postcode "
                     "or a ward name.")
    if geo.wards is None:
        return Found("none", query, f"'{query}' is not a valid postcode, and ward search needs the ward boundaries "
                     "(not loaded).")
    hits = match_wards(query, geo.wards)
    if len(hits):
        names = ", ".join(hits["name"])
        message = (f"Ward: {names}" if len(hits) == 1 else f"{len(hits)} wards match '{query}': {names}")
        return Found("wards", query, message, wards=hits[["code", "name", "geometry"]])
    close = difflib.get_close_matches(query.title(), list(geo.wards["name"]), n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    return Found("none", query, f"No postcode or ward in {place_name} matches '{query}'. Type a full postcode "
                 f"or a ward name.{hint}")


def _postcode(query: str, postcode: str, geo: GeoData, place_code: str, place_name: str,
              authorities: dict[str, str]) -> Found:
    if geo.postcodes is None:
        return Found("none", query, "Postcode search needs the postcode lookup, which is not loaded.",
                     postcode=postcode)
    located = geo.postcodes.locate(pd.Series([postcode]))
    if not bool(located["found"].iloc[0]):
        return Found("none", query, f"{postcode} is not in the postcode lookup ({geo.postcodes.source}): check it, "
                     "or it may be new or retired.", postcode=postcode)
    lat, lon = float(located["lat"].iloc[0]), float(located["lon"].iloc[0])
    lad = str(located["lad_code"].iloc[0] or "")
    inside = not lad or lad == place_code
    if inside:
        ward = _ward_name(geo, located["ward_code"].iloc[0])
        where = f"in {ward} ward" if ward else "ward not known (ward boundaries not loaded)"
        message = f"{postcode} is {where}, {place_name}."
    else:
        ward = ""
        other = authorities.get(lad)
        message = (f"{postcode} is outside {place_name}: it is in {other} ({lad}). Spaces in {place_name} near it "
                   "are still listed." if other else
                   f"{postcode} is outside {place_name}: it is in local authority {lad}. Spaces in {place_name} "
                   "near it are still listed.")
    return Found("postcode", query, message, postcode=postcode, lat=lat, lon=lon, ward_name=ward, inside=inside)

"""The register of community spaces and the one validation every layer goes through.

Every source of venues (the council's register CSV, Arts Council libraries, NHS GP practices,
OpenStreetMap) is turned into raw rows with the REGISTER columns and passed to `validate`, which
returns the typed SPACES frame. No row is dropped: each gets a `status` (where it stands) and,
when something is wrong, a `problem` naming the row, the field and what was expected.

Statuses:
  located           a point from the row's coordinates or its postcode's centroid
  district only     a valid postcode but no postcode lookup loaded, so only the district is known
  location needed   no postcode and no coordinates yet (the starter register's honest state)
  not placed        the postcode or coordinates are wrong, or not in the lookup
  outside area      placed, but outside the authority
  duplicate         same name and postcode as an earlier row in the same layer
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cohesion.geo.postcodes import PostcodeLookup, is_blank, normalise_postcodes, postcode_district
from cohesion.loaders.errors import DataFileError, require_columns

CATEGORIES: list[str] = [
    "community centre", "community lounge", "library", "faith venue", "park or green space",
    "sports club", "youth provision", "market", "cafe or pub with community use",
    "school opened for community use", "health setting", "other", "school", "pharmacy",
]
# The template's columns, in order (docs/community-spaces.md explains each).
REGISTER_COLUMNS: list[str] = [
    "name", "category", "address", "postcode", "latitude", "longitude", "operator", "free_to_use",
    "step_free", "opening_pattern", "open", "source", "last_checked", "sensitive", "notes",
]
REQUIRED_COLUMNS = ["name", "category", "postcode", "source", "last_checked", "sensitive"]
SPACES_COLUMNS: list[str] = [
    "id", "layer", "row", "name", "category", "address", "postcode", "district", "lat", "lon", "operator",
    "access", "source", "last_checked", "sensitive", "is_open", "status", "problem", "lad_code", "ward_code",
]
STATUSES = ["located", "district only", "location needed", "not placed", "outside area", "duplicate"]
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class Area:
    """What 'inside the authority' means for validation: a local authority code and/or a polygon."""

    lad_code: str | None = None
    name: str = "the authority"
    boundary: object | None = None  # a shapely geometry (union of the wards) when boundaries are loaded


def _text(raw: pd.DataFrame, col: str) -> pd.Series:
    if col not in raw:
        return pd.Series("", index=raw.index, dtype=object)
    return raw[col].astype("string").fillna("").str.strip().astype(object)


def _flag(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(bool values, bad mask) for yes/no cells; blank counts as no."""
    low = values.astype(str).str.strip().str.lower()
    return low.isin(YES), ~(low.isin(YES) | low.isin(NO))


def _access(raw: pd.DataFrame) -> pd.Series:
    parts = []
    for col, label in (("free_to_use", "free to use"), ("step_free", "step-free")):
        values = _text(raw, col).str.lower()
        parts.append(np.where(values.isin(YES), label, np.where(values.isin({"no", "n"}), f"not {label}", "")))
    parts.append(_text(raw, "opening_pattern").to_numpy())
    return pd.Series(["; ".join(p for p in trio if p) for trio in zip(*parts, strict=True)], index=raw.index)


def validate(raw: pd.DataFrame, *, file: str, layer: str, lookup: PostcodeLookup | None = None,
             area: Area | None = None) -> pd.DataFrame:
    """Raw REGISTER-shaped rows -> the SPACES frame, every row kept with its status and problems.

    `raw` may carry a `row` column (the file's row number, header = 1); otherwise rows are
    numbered from 2. Vectorised, so a 10,000-row register validates in well under a second.
    """
    area = area or Area()
    out = pd.DataFrame(index=raw.index)
    out["layer"] = layer
    out["row"] = raw["row"].to_numpy() if "row" in raw else np.arange(2, len(raw) + 2)
    out["id"] = layer + ":" + out["row"].astype(str)
    for col in ("name", "address", "operator", "source", "last_checked"):
        out[col] = _text(raw, col)
    problems: list[list[str]] = [[] for _ in range(len(raw))]

    def note(mask: pd.Series | np.ndarray, message: str | pd.Series) -> None:
        for i in np.flatnonzero(np.asarray(mask)):
            problems[i].append(message if isinstance(message, str) else str(message.iloc[i]))

    note(out["name"] == "", "column 'name': empty; every space needs a name")
    category = _text(raw, "category").str.lower()
    unknown = ~category.isin(CATEGORIES)
    note(unknown, "column 'category': '" + _text(raw, "category") + "' is not one of the categories ("
         + ", ".join(CATEGORIES) + ")")
    out["category"] = category.where(~unknown, "other")

    sensitive, bad_sensitive = _flag(_text(raw, "sensitive"))
    note(bad_sensitive, "column 'sensitive': '" + _text(raw, "sensitive") + "' is not yes or no")
    out["sensitive"] = sensitive.to_numpy()
    open_text = _text(raw, "open")
    is_open, bad_open = _flag(open_text.where(open_text != "", "yes"))
    note(bad_open, "column 'open': '" + open_text + "' is not yes or no")
    out["is_open"] = is_open.to_numpy()
    dates = pd.to_datetime(out["last_checked"], errors="coerce", format="%Y-%m-%d")
    note((out["last_checked"] != "") & dates.isna(),
         "column 'last_checked': '" + out["last_checked"] + "' is not a date (expected YYYY-MM-DD)")
    out["access"] = _access(raw)

    # Postcodes: blank is "location needed" (not an error); badly shaped is an error.
    postcode_raw = _text(raw, "postcode")
    postcode = normalise_postcodes(postcode_raw)
    blank_pc = is_blank(postcode_raw)
    bad_pc = ~blank_pc & postcode.isna()
    note(bad_pc, "column 'postcode': '" + postcode_raw + "' is not a valid UK postcode (expected e.g. SW1A 1AA)")
    out["postcode"] = postcode.fillna("").astype(object)
    out["district"] = postcode_district(postcode).fillna("").astype(object)

    # Coordinates, when given, win over the postcode centroid (they are more precise).
    lat_text, lon_text = _text(raw, "latitude"), _text(raw, "longitude")
    lat = pd.to_numeric(lat_text, errors="coerce")
    lon = pd.to_numeric(lon_text, errors="coerce")
    given = (lat_text != "") | (lon_text != "")
    bad_xy = given & (lat.isna() | lon.isna() | ~lat.between(49.8, 60.9) | ~lon.between(-8.7, 1.8))
    note(bad_xy, "columns 'latitude'/'longitude': '" + lat_text + "', '" + lon_text
         + "' are not WGS84 degrees inside the UK (expected e.g. 53.02, -2.18)")
    has_xy = given & ~bad_xy

    out["lat"], out["lon"] = np.where(has_xy, lat, np.nan), np.where(has_xy, lon, np.nan)
    out["lad_code"], out["ward_code"] = "", ""
    not_found = pd.Series(False, index=raw.index)
    if lookup is not None:
        found = lookup.locate(postcode)
        use_pc = ~has_xy & postcode.notna() & found["found"]
        out.loc[use_pc, "lat"] = found.loc[use_pc, "lat"]
        out.loc[use_pc, "lon"] = found.loc[use_pc, "lon"]
        out["lad_code"] = found["lad_code"].fillna("").astype(object)
        out["ward_code"] = found["ward_code"].fillna("").astype(object)
        not_found = postcode.notna() & ~found["found"]
        note(not_found & ~has_xy, "column 'postcode': " + postcode.fillna("") + " is not in the postcode lookup ("
             + lookup.source + "); check it, or give latitude/longitude")

    status = np.select(
        [pd.notna(out["lat"]), bad_pc | bad_xy | (not_found & ~has_xy), postcode.notna(), blank_pc],
        ["located", "not placed", "district only", "location needed"], default="not placed",
    )
    out["status"] = status
    outside = _outside(out, area) & (out["status"] == "located")
    note(outside, "location is outside " + area.name)
    out.loc[outside, "status"] = "outside area"

    key = out["name"].str.lower().str.replace(r"\W+", " ", regex=True).str.strip() + "|" + out["postcode"]
    dup = key.duplicated() & (out["name"] != "")
    first_row = out.groupby(key)["row"].transform("first")
    note(dup, "duplicate of row " + first_row.astype(str) + " (same name and postcode)")
    out.loc[dup, "status"] = "duplicate"
    out["problem"] = ["; ".join(p) for p in problems]
    return out[SPACES_COLUMNS].reset_index(drop=True)


def _outside(out: pd.DataFrame, area: Area) -> pd.Series:
    # The postcode's own authority code is the surest test; a boundary polygon covers coordinates.
    outside = pd.Series(False, index=out.index)
    if area.lad_code:
        coded = out["lad_code"].astype(str) != ""
        outside |= coded & (out["lad_code"] != area.lad_code)
    if area.boundary is not None:
        import shapely

        placed = out["lat"].notna() & ~outside
        if placed.any():
            points = shapely.points(out.loc[placed, "lon"].to_numpy(), out.loc[placed, "lat"].to_numpy())
            inside = shapely.contains(area.boundary, points)
            outside.loc[placed] = ~inside
    return outside


def read_register_csv(path: Path) -> pd.DataFrame:
    """A register CSV as text cells with a `row` column; DataFileError names missing columns."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", comment=None)
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataFileError(path, f"not a readable CSV ({exc}); save it as UTF-8 CSV") from exc
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    require_columns(path, list(raw.columns), REQUIRED_COLUMNS)
    raw["row"] = np.arange(2, len(raw) + 2)
    return raw


def load_register(path: Path, lookup: PostcodeLookup | None = None, area: Area | None = None) -> pd.DataFrame:
    """The council's register as the SPACES frame (see module docstring for statuses)."""
    return validate(read_register_csv(path), file=path.name, layer="register", lookup=lookup, area=area)


def problem_rows(spaces: pd.DataFrame) -> pd.DataFrame:
    """Rows with a problem, for the page and `spaces check`: layer, row, name, status, problem."""
    return spaces.loc[spaces["problem"] != "", ["layer", "row", "name", "postcode", "status", "problem"]]


def placement_summary(spaces: pd.DataFrame) -> pd.DataFrame:
    """How many spaces of each layer have each status (so nothing disappears unexplained)."""
    if spaces.empty:
        return pd.DataFrame(columns=["layer", "status", "spaces"])
    return (spaces.groupby(["layer", "status"]).size().rename("spaces").reset_index()
            .sort_values(["layer", "spaces"], ascending=[True, False]).reset_index(drop=True))

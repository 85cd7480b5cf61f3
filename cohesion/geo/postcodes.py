"""UK postcodes: normalise, validate, and look up their centroids, vectorised for speed.

A postcode is normalised to the Royal Mail display form: upper case, one space before the
three-character inward code ("sw1a1aa" and " SW1A 1AA " both become "SW1A 1AA"). Validation is the
shape check only (outward code, digit, two letters); whether the postcode exists is answered by
the lookup built from OS Code-Point Open (or the ONS Postcode Directory).

Everything works on whole pandas Series: geocoding 100,000 postcodes is one regex pass and one
index lookup (see `benchmarks/geo.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# Outward code (area letters, district digit(s), optional letter/digit) + inward code (digit,
# two letters). Applied to the compact form (no spaces). Covers every geographic UK postcode.
_COMPACT_RE = r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$"

# Columns of the raw Code-Point Open CSV (no header row), from the product's column-header file.
CODEPOINT_COLUMNS = [
    "postcode", "positional_quality", "easting", "northing", "country_code", "nhs_regional_ha_code",
    "nhs_ha_code", "admin_county_code", "admin_district_code", "admin_ward_code",
]
# The compact lookup kept in the geo cache (postcodes.parquet).
LOOKUP_COLUMNS = ["postcode", "lat", "lon", "lad_code", "ward_code", "positional_quality"]


def normalise_postcodes(values: pd.Series) -> pd.Series:
    """Normalised postcodes ("SW1A 1AA"); <NA> where the text is not shaped like a postcode.

    Blank cells are <NA> too; use `is_blank` to tell "missing" from "invalid".
    """
    compact = values.astype("string").str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    parts = compact.str.extract(_COMPACT_RE)
    return (parts[0] + " " + parts[1]).astype("string")


def normalise_postcode(text: object) -> str | None:
    """One postcode, normalised, or None when it is not shaped like a postcode."""
    value = normalise_postcodes(pd.Series([text], dtype="string")).iloc[0]
    return None if pd.isna(value) else str(value)


def is_blank(values: pd.Series) -> pd.Series:
    """True where a cell is empty or whitespace (a missing postcode, not an invalid one)."""
    return values.isna() | (values.astype("string").str.strip().fillna("") == "")


def postcode_district(normalised: pd.Series) -> pd.Series:
    """The outward code ("SW1A") of normalised postcodes; <NA> where the postcode is <NA>."""
    return normalised.astype("string").str.split(" ").str[0]


def postcode_area(normalised: pd.Series) -> pd.Series:
    """The postcode area letters ("ST") of normalised postcodes."""
    return normalised.astype("string").str.extract(r"^([A-Z]{1,2})")[0]


@dataclass
class PostcodeLookup:
    """Postcode centroids indexed by normalised postcode: lat, lon (WGS84), lad_code, ward_code."""

    frame: pd.DataFrame  # indexed by normalised postcode
    source: str = ""

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, source: str = "") -> PostcodeLookup:
        """Build from a frame with LOOKUP_COLUMNS; postcodes are normalised and de-duplicated."""
        work = frame.copy()
        work["postcode"] = normalise_postcodes(work["postcode"])
        work = work.dropna(subset=["postcode"]).drop_duplicates("postcode")
        for col in ("lad_code", "ward_code"):
            if col not in work:
                work[col] = ""
        return cls(work.set_index("postcode")[["lat", "lon", "lad_code", "ward_code"]], source)

    def __len__(self) -> int:
        return len(self.frame)

    def locate(self, normalised: pd.Series) -> pd.DataFrame:
        """lat, lon, lad_code, ward_code and `found` for each normalised postcode, same index."""
        positions = self.frame.index.get_indexer(normalised.astype("string").fillna(""))
        found = positions >= 0
        out = pd.DataFrame(index=normalised.index)
        lat = self.frame["lat"].to_numpy(dtype=float)
        lon = self.frame["lon"].to_numpy(dtype=float)
        out["lat"] = np.where(found, lat[positions], np.nan)
        out["lon"] = np.where(found, lon[positions], np.nan)
        for col in ("lad_code", "ward_code"):
            codes = self.frame[col].astype(object).to_numpy()
            out[col] = np.where(found, codes[positions], None)
        out["found"] = found
        return out


def bng_to_wgs84(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid metres (EPSG:27700) to WGS84 (lat, lon) degrees.

    pyproj's default transformation (Helmert, a few metres) is ample for postcode centroids;
    the OSTN15 grid would give survey precision but is a separate download.
    """
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(np.asarray(easting, float), np.asarray(northing, float))
    return np.round(lat, 6), np.round(lon, 6)


def read_codepoint_csv(path: Path, area: str | None = None) -> pd.DataFrame:
    """A Code-Point Open CSV (raw without header, or with snake_case header) as LOOKUP_COLUMNS.

    `area` ("ST") keeps one postcode area so the cached lookup stays small. Eastings/northings
    are converted to WGS84 here; a `lat`/`lon` already in the file is ignored so every lookup
    is converted the same way.
    """
    with open(path, encoding="utf-8-sig") as handle:
        first = handle.readline()
    has_header = "postcode" in first.lower()
    raw = pd.read_csv(path, header=0 if has_header else None, dtype=str, encoding="utf-8-sig",
                      names=None if has_header else CODEPOINT_COLUMNS, keep_default_na=False)
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in ("postcode", "easting", "northing") if c not in raw.columns]
    if missing:
        from cohesion.loaders.errors import DataFileError

        raise DataFileError(path, f"not a Code-Point Open file: no {', '.join(missing)} column", row=1)
    raw["postcode"] = normalise_postcodes(raw["postcode"])
    raw = raw.dropna(subset=["postcode"])
    if area:
        raw = raw[postcode_area(raw["postcode"]) == area.upper()]
    easting = pd.to_numeric(raw["easting"], errors="coerce")
    northing = pd.to_numeric(raw["northing"], errors="coerce")
    # Code-Point marks postcodes with no coordinates as 0,0 (positional quality 90): not a place.
    usable = easting.gt(0) & northing.gt(0)
    raw, easting, northing = raw[usable], easting[usable], northing[usable]
    lat, lon = bng_to_wgs84(easting.to_numpy(), northing.to_numpy())
    return pd.DataFrame({
        "postcode": raw["postcode"].to_numpy(),
        "lat": lat,
        "lon": lon,
        "lad_code": raw.get("admin_district_code", pd.Series("", index=raw.index)).to_numpy(),
        "ward_code": raw.get("admin_ward_code", pd.Series("", index=raw.index)).to_numpy(),
        "positional_quality": pd.to_numeric(raw.get("positional_quality"), errors="coerce").to_numpy()
        if "positional_quality" in raw else np.nan,
    })


def load_lookup(path: Path) -> PostcodeLookup | None:
    """The cached postcode lookup (postcodes.parquet), or None when it has not been imported."""
    if not path.exists():
        return None
    return PostcodeLookup.from_frame(pd.read_parquet(path), source=path.name)

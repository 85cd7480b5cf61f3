"""The geography cache: standard file names, readers for publishers' files, and `load_geo`.

`geo import` and `geo fetch` turn publishers' files into a few standard files in the geo folder
(GeoParquet for polygons, parquet for tables), each with a code and a name, trimmed to the
place. The page then reads only these, through `load_geo`, and says what is missing.

Vintages matter: ward boundaries change (37 wards became 34 in May 2023 in the first place this
was built for). IMD 2019 and its
populations are on 2011 LSOAs; the current wards are reached from LSOA centroids or postcodes,
never by matching ward names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from cohesion.geo.display import file_identity
from cohesion.geo.postcodes import PostcodeLookup, load_lookup
from cohesion.loaders.errors import DataFileError

# Standard file names in the geo folder -> what they hold (also written to geo/README.md).
FILES: dict[str, str] = {
    "wards.parquet": "current electoral wards (code, name, polygon)",
    "lsoa11.parquet": "2011 LSOAs (code, name, polygon): IMD 2019 and its populations use these",
    "lsoa21.parquet": "2021 LSOAs (code, name, polygon): the Community Needs Index 2023 uses these",
    "postcode_districts.parquet": "postcode district polygons (approximate, for a backdrop only)",
    "postcodes.parquet": "postcode centroids (WGS84) with local authority and current ward codes",
    "imd2019.parquet": "IMD 2019 rank and decile, and mid-2015 population, by 2011 LSOA (older comparisons)",
    "imd2025.parquet": "IMD 2025 score, rank and decile by 2021 LSOA: the edition need is measured with",
    "lsoa21_wards.parquet": "2021 LSOA to current (2024) ward lookup, best fit (ONS)",
    "cni2023.parquet": "Community Needs Index 2023 civic-assets domain by 2021 LSOA",
}
LAYER_FILES: dict[str, str] = {
    "libraries.csv": "Arts Council England public libraries basic dataset",
    "gp_practices.csv": "NHS ODS epraccur GP practices",
    "pharmacies.csv": "NHS ODS edispensary community pharmacies",
    "schools.csv": "DfE Get Information About Schools: open state-funded schools",
    "authorities.csv": "ONS local authority codes and names (to name the authority of a postcode outside the place)",
    "osm.json": "OpenStreetMap venues saved from the Overpass query (docs/community-spaces.md)",
}
MANIFEST = "imported.json"

# What each kind of file must credit wherever it is shown (geo/README.md repeats these).
ATTRIBUTIONS: dict[str, str] = {
    "wards.parquet": "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
                     "Contains OS data © Crown copyright and database right 2025.",
    "lsoa11.parquet": "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
                      "Contains OS data © Crown copyright and database right.",
    "lsoa21.parquet": "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
                      "Contains OS data © Crown copyright and database right.",
    "postcode_districts.parquet": "Postcode district boundaries © Wikipedia contributors, CC BY-SA 3.0.",
    "postcodes.parquet": "Contains OS data © Crown copyright and database right 2025. Contains Royal Mail data "
                         "© Royal Mail copyright and database right 2025. Contains National Statistics data "
                         "© Crown copyright and database right 2025.",
    "imd2019.parquet": "English Indices of Deprivation 2019, MHCLG (Open Government Licence v3.0).",
    "imd2025.parquet": "Contains public sector information licensed under the Open Government Licence v3.0 - "
                       "English Indices of Deprivation 2025, MHCLG.",
    "lsoa21_wards.parquet": "Source: Office for National Statistics licensed under the Open Government Licence v3.0.",
    "cni2023.parquet": "Community Needs Index © OCSI, produced for Local Trust (check reuse terms).",
    "libraries.csv": "Public libraries in England basic dataset, Arts Council England.",
    "gp_practices.csv": "Contains public sector information licensed under the Open Government Licence v3.0 "
                        "(NHS England ODS).",
    "osm.json": "© OpenStreetMap contributors, ODbL.",
    "pharmacies.csv": "Contains public sector information licensed under the Open Government Licence v3.0 "
                      "(NHS England ODS).",
    "schools.csv": "Contains public sector information licensed under the Open Government Licence v3.0 "
                   "(Department for Education, Get Information About Schools).",
    "authorities.csv": "Source: Office for National Statistics licensed under the Open Government Licence v3.0.",
}

# Polygon kinds: the property holding the code (regex) and the name.
_KINDS = {
    "wards": (r"^WD\d{2}CD$", r"^WD\d{2}NM$"),
    "lsoa11": (r"^LSOA11CD$", r"^LSOA11NM$"),
    "lsoa21": (r"^LSOA21CD$", r"^LSOA21NM$"),
    "postcode_districts": (r"^name$", r"^name$"),
}


def _column(frame: pd.DataFrame, pattern: str) -> str | None:
    return next((c for c in frame.columns if re.match(pattern, str(c), flags=re.IGNORECASE)), None)


def read_polygons(path: Path, kind: str, place_code: str | None = None,
                  place_name: str | None = None) -> gpd.GeoDataFrame:
    """A boundary file (GeoJSON, GeoPackage, shapefile) as code, name, geometry in WGS84.

    Rows are kept to the place when the file says which authority each row is in (a LADyyCD
    property), else, for LSOAs, by the ONS naming rule (LSOA names start with the authority's
    name). A national file therefore becomes a small local one.
    """
    code_re, name_re = _KINDS[kind]
    frame = gpd.read_file(path)
    code_col, name_col = _column(frame, code_re), _column(frame, name_re)
    if code_col is None:
        raise DataFileError(path, f"no code property matching {code_re} for {kind} boundaries")
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    lad_col = _column(frame, r"^LAD\d{2}CD$")
    if place_code and lad_col:
        frame = frame[frame[lad_col] == place_code]
    elif place_name and kind in ("lsoa11", "lsoa21") and name_col:
        frame = frame[frame[name_col].astype(str).str.startswith(place_name + " ")]
    out = gpd.GeoDataFrame({
        "code": frame[code_col].astype(str).to_numpy(),
        "name": frame[name_col].astype(str).to_numpy() if name_col else frame[code_col].astype(str).to_numpy(),
    }, geometry=frame.geometry.to_numpy(), crs=4326)
    if out.empty:
        raise DataFileError(path, f"no {kind} rows for this place (looked for {place_code or place_name})")
    return out.reset_index(drop=True)


def _find(frame: pd.DataFrame, path: Path, pattern: str) -> str:
    col = _column(frame, pattern)
    if col is None:
        raise DataFileError(path, f"no column matching '{pattern}'", row=1)
    return col


def read_imd(domains_path: Path, population_path: Path | None, place_code: str) -> pd.DataFrame:
    """IMD 2019 rank, decile and mid-2015 population by 2011 LSOA, for one authority.

    Accepts MHCLG File 2 (domains) with File 6 (populations), or File 7 (everything in one).
    Populations have thousands separators ("1,433"), stripped before casting.
    """
    main = pd.read_csv(domains_path, dtype=str, encoding="utf-8-sig")
    lsoa = _find(main, domains_path, r"^LSOA code \(2011\)$")
    lad = _find(main, domains_path, r"^Local Authority District code")
    main = main[main[lad] == place_code]
    out = pd.DataFrame({
        "lsoa11_code": main[lsoa].to_numpy(),
        "imd_rank": pd.to_numeric(main[_find(main, domains_path, r"^Index of Multiple Deprivation \(IMD\) Rank")],
                                  errors="coerce").to_numpy(),
        "imd_decile": pd.to_numeric(main[_find(main, domains_path, r"^Index of Multiple Deprivation \(IMD\) Decile")],
                                    errors="coerce").to_numpy(),
    })
    pop_source, pop_path = main, domains_path
    if population_path is not None:
        pop_source = pd.read_csv(population_path, dtype=str, encoding="utf-8-sig")
        pop_path = population_path
    pop_lsoa = _find(pop_source, pop_path, r"^LSOA code \(2011\)$")
    pop_col = _find(pop_source, pop_path, r"^Total population: mid 2015")
    population = pd.to_numeric(pop_source[pop_col].str.replace(",", "", regex=False), errors="coerce")
    out["population"] = out["lsoa11_code"].map(dict(zip(pop_source[pop_lsoa], population, strict=True)))
    if out.empty:
        raise DataFileError(domains_path, f"no rows for local authority {place_code}")
    return out


def read_imd2025(path: Path, place_code: str) -> pd.DataFrame:
    """IMD 2025 score, rank, decile (and population, when the file has it) by 2021 LSOA, for one authority.

    Accepts MHCLG File 7 (`LSOA code (2021)`, `Local Authority District code (2024)`, `Index of
    Multiple Deprivation (IMD) Score/Rank/Decile`, a `Total population` column) or the tidy
    all-England table (`lsoa21_code, lad24_code, imd_score, imd_rank, imd_decile`).
    """
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    lsoa = _find(raw, path, r"^(lsoa21_code|LSOA code \(2021\))$")
    lad = _find(raw, path, r"^(lad24_code|Local Authority District code)")
    raw = raw[raw[lad] == place_code]
    if raw.empty:
        raise DataFileError(path, f"no rows for local authority {place_code}")

    def number(pattern: str) -> pd.Series:
        return pd.to_numeric(raw[_find(raw, path, pattern)].str.replace(",", "", regex=False), errors="coerce")

    out = pd.DataFrame({
        "lsoa21_code": raw[lsoa].to_numpy(),
        "imd_score": number(r"^(imd_score|Index of Multiple Deprivation \(IMD\) Score)").to_numpy(),
        "imd_rank": number(r"^(imd_rank|Index of Multiple Deprivation \(IMD\) Rank)").to_numpy(),
        "imd_decile": number(r"^(imd_decile|Index of Multiple Deprivation \(IMD\) Decile)").to_numpy(),
    })
    pop = _column(raw, r"^Total population")
    out["population"] = number(r"^Total population").to_numpy() if pop else float("nan")
    return out


def read_lsoa21_wards(path: Path, place_code: str) -> pd.DataFrame:
    """ONS best-fit LSOA (2021) to ward lookup rows for one authority: lsoa21_code, ward_code, ward_name."""
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    lad = _find(raw, path, r"^(lad\d{2}_code|LAD\d{2}CD)$")
    raw = raw[raw[lad] == place_code]
    if raw.empty:
        raise DataFileError(path, f"no rows for local authority {place_code}")
    return pd.DataFrame({
        "lsoa21_code": raw[_find(raw, path, r"^(lsoa21_code|LSOA21CD)$")].to_numpy(),
        "ward_code": raw[_find(raw, path, r"^(ward\d{2}_code|WD\d{2}CD)$")].to_numpy(),
        "ward_name": raw[_find(raw, path, r"^(ward\d{2}_name|WD\d{2}NM)$")].to_numpy(),
    })


def read_cni_lsoa21(path: Path) -> pd.DataFrame:
    """Community Needs Index 2023 civic-assets domain (score: higher = more need) by 2021 LSOA."""
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    return pd.DataFrame({
        "lsoa21_code": raw[_find(raw, path, r"^lsoa21_code$")].to_numpy(),
        "civic_assets_score": pd.to_numeric(raw[_find(raw, path, r"^Civic Assets Domain Score$")],
                                            errors="coerce").to_numpy(),
        "civic_assets_rank": pd.to_numeric(raw[_find(raw, path, r"^Civic Assets Domain Rank$")],
                                           errors="coerce").to_numpy(),
    })


@dataclass
class GeoData:
    """Whatever geography is in the cache; None for each piece that is not."""

    wards: gpd.GeoDataFrame | None = None
    lsoa11: gpd.GeoDataFrame | None = None
    lsoa21: gpd.GeoDataFrame | None = None
    districts: gpd.GeoDataFrame | None = None
    postcodes: PostcodeLookup | None = None
    imd: pd.DataFrame | None = None  # IMD 2019 on 2011 LSOAs (older comparisons)
    imd2025: pd.DataFrame | None = None  # IMD 2025 on 2021 LSOAs: need is measured with this when present
    lsoa21_wards: pd.DataFrame | None = None
    cni: pd.DataFrame | None = None
    layers: dict[str, Path] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    attributions: list[str] = field(default_factory=list)

    @property
    def has_boundaries(self) -> bool:
        return self.lsoa11 is not None or self.wards is not None

    @property
    def uses_imd2025(self) -> bool:
        """Neighbourhoods are 2021 LSOAs with IMD 2025 when both are loaded; else 2011 LSOAs with IMD 2019."""
        return self.imd2025 is not None and self.lsoa21 is not None

    @property
    def has_need(self) -> bool:
        return self.uses_imd2025 or self.imd is not None

    @property
    def neighbourhood_polygons(self) -> gpd.GeoDataFrame | None:
        """The polygons of the neighbourhoods need is measured on (see `uses_imd2025`)."""
        return self.lsoa21 if self.uses_imd2025 else self.lsoa11


def load_geo(folder: Path) -> GeoData:
    """Read the standard files present in `folder`; list in `missing` what is absent, in words."""
    geo = GeoData()
    readers = {
        "wards.parquet": ("wards", gpd.read_parquet), "lsoa11.parquet": ("lsoa11", gpd.read_parquet),
        "lsoa21.parquet": ("lsoa21", gpd.read_parquet), "postcode_districts.parquet": ("districts", gpd.read_parquet),
        "imd2019.parquet": ("imd", pd.read_parquet), "cni2023.parquet": ("cni", pd.read_parquet),
        "imd2025.parquet": ("imd2025", pd.read_parquet), "lsoa21_wards.parquet": ("lsoa21_wards", pd.read_parquet),
    }
    for name, (attr, reader) in readers.items():
        path = folder / name
        if path.exists():
            setattr(geo, attr, reader(path))
            geo.attributions.append(ATTRIBUTIONS[name])
        else:
            geo.missing.append(f"{FILES[name]} ({name})")
    geo.postcodes = load_lookup(folder / "postcodes.parquet")
    if geo.postcodes is None:
        geo.missing.append(f"{FILES['postcodes.parquet']} (postcodes.parquet)")
    else:
        geo.attributions.append(ATTRIBUTIONS["postcodes.parquet"])
    for name in LAYER_FILES:
        if (folder / "layers" / name).exists():
            geo.layers[name] = folder / "layers" / name
            geo.attributions.append(ATTRIBUTIONS[name])
    return geo


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """What was imported or fetched into the geo folder, from where and when."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def cache_key(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(file, mtime in ns, size) of every standard file, so a cached `load_geo` notices a new import."""
    names = list(FILES) + [f"layers/{n}" for n in LAYER_FILES]
    return tuple((name, *file_identity(folder / name)[1:]) for name in names)

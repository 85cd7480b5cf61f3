"""data.police.uk street-level crime files -> monthly counts by crime type for LSOAs, wards, the authority.

Publisher: the Home Office for the police forces of England and Wales (data.police.uk, Open
Government Licence v3.0). One CSV per force per month, `YYYY-MM-<force>-street.csv`, in a folder
per month. `load_police_uk` accepts one such file, a folder of them (month folders are found at
any depth, so a new month folder is picked up by the next refresh) or the force's zip archive.

What comes out (tidy rows, unit "count"):

- measure `police_uk_<crime type>` (e.g. `police_uk_public_order`), one per police.uk crime type,
  keeping the publisher's words in `breakdown`-free rows; police.uk has no hate-crime category and
  nothing here is ever called hate crime;
- per month, for every LSOA of the place (area_type `lsoa`), every current ward (`ward`, through
  the LSOA 2021 -> ward lookup when it is in the geo folder or passed in) and the whole authority
  (`local_authority`, the place's code). An LSOA or ward with no record of a type in a loaded month
  is a real 0; a month with no file between the first and the last is a gap (value missing, with
  the reason), never 0.

Which rows are the place's: LSOA codes the lookup puts in the place's authority, else LSOA names
starting with the place's name ("<place> 001A"); the place comes from the catalogue.
Records in an LSOA the lookup does not know (e.g. older 2011 codes) but named for the place count
for the authority only. "No Location" records (no LSOA) are never put in an area: when the file
holds only the place's records (a council's own extract, or a force covering one authority) they
are counted for the authority only and its note says how many; when the file covers a wider force
they cannot be placed, are left out, and the note says how many were left out.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cohesion import config, tidy
from cohesion.loaders.common import slug
from cohesion.loaders.errors import DataFileError, require_columns

HEADER = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
          "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"]
USED = ["Month", "Location", "LSOA code", "LSOA name", "Crime type"]
CRIME_TYPES = ["Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs",
               "Other crime", "Other theft", "Possession of weapons", "Public order", "Robbery", "Shoplifting",
               "Theft from the person", "Vehicle crime", "Violence and sexual offences"]
NO_LOCATION = "No Location"
FILE_NAME = re.compile(r"(?:^|/)(\d{4}-\d{2})-([a-z0-9-]+)-street\.csv$", re.IGNORECASE)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
GAP_NOTE = "no police.uk file for this month was loaded: a gap, not a zero"
MEASURE_PREFIX = "police_uk_"
GEO_LOOKUP = "lsoa21_wards.parquet"  # the LSOA 2021 -> ward lookup `python -m cohesion geo import` writes


def measure_for(crime_type: str) -> str:
    """The measure key of a police.uk crime type: 'Public order' -> 'police_uk_public_order'."""
    return MEASURE_PREFIX + slug(crime_type).replace("-", "_")


@dataclass(frozen=True)
class PlaceInfo:
    """What the loader needs to know about the place (from the catalogue's `place:`)."""

    name: str
    code: str
    force: str = ""  # police force name, used to pick the force's files from a mixed folder or zip


def place_from_catalogue(path: Path) -> PlaceInfo:
    from cohesion.catalogue import CatalogueError, load_catalogue

    try:
        place = load_catalogue(config.CATALOGUE_PATH).place
    except (CatalogueError, FileNotFoundError) as exc:
        raise DataFileError(path, f"the place's name and code come from the catalogue, which could not be read "
                            f"({exc})") from exc
    return PlaceInfo(place.name, place.code, place.police_force.name)


# ------------------------------------------------------------------------------------- lookup


def _col(columns: list[str], pattern: str) -> str | None:
    return next((c for c in columns if re.fullmatch(pattern, str(c).strip(), flags=re.IGNORECASE)), None)


def read_lookup(source: Path | pd.DataFrame, place_code: str) -> pd.DataFrame:
    """The LSOA 2021 -> ward lookup for one authority: lsoa_code, lsoa_name, ward_code, ward_name.

    Columns are matched by name (ONS `LSOA21CD`/`WD24CD`/`LAD24CD` or `lsoa21_code`/`ward24_code`/
    `lad24_code`), so the publisher's CSV and the geo folder's copy both work.
    """
    name = getattr(source, "name", "lookup") if isinstance(source, Path) else "lookup"
    if isinstance(source, pd.DataFrame):
        frame = source
    elif str(source).lower().endswith(".parquet"):
        frame = pd.read_parquet(source)
    else:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    cols = [str(c) for c in frame.columns]
    found = {
        "lsoa_code": _col(cols, r"lsoa(\d{2})?_?(cd|code)"), "lsoa_name": _col(cols, r"lsoa(\d{2})?_?(nm|name)"),
        "ward_code": _col(cols, r"(wd|ward)(\d{2})?_?(cd|code)"), "ward_name": _col(cols, r"(wd|ward)(\d{2})?_?(nm|name)"),
        "lad_code": _col(cols, r"(lad|ltla)\d{2}_?(cd|code)"),
    }
    missing = [k for k, v in found.items() if v is None and k not in ("lsoa_name", "lad_code")]
    if missing:
        raise DataFileError(name, f"not an LSOA-to-ward lookup: no column for {', '.join(missing)}; expected "
                            "columns such as lsoa21_code, ward24_code, ward24_name, lad24_code", row=1)
    out = pd.DataFrame({k: frame[v].astype(str).str.strip() for k, v in found.items() if v is not None})
    if "lsoa_name" not in out:
        out["lsoa_name"] = ""  # filled from the street files' LSOA names
    if "lad_code" in out:
        out = out[out["lad_code"] == place_code]
    # Without an authority column the lookup is the geo folder's copy, already trimmed to the place.
    return out[["lsoa_code", "lsoa_name", "ward_code", "ward_name"]].drop_duplicates("lsoa_code").reset_index(drop=True)


def find_lookup(folder: Path | None = None) -> Path | None:
    """An LSOA-to-ward lookup imported into the geo folder (`geo import`), if there is one."""
    folder = folder or config.geo_dir()
    if not folder.is_dir():
        return None
    if (folder / GEO_LOOKUP).is_file():  # what `geo import` writes
        return folder / GEO_LOOKUP
    found = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".parquet", ".csv")
                   and "lsoa" in p.name.lower() and ("ward" in p.name.lower() or "wd" in p.name.lower()))
    return found[0] if found else None


# ------------------------------------------------------------------------------------- files


def month_files(path: Path, force: str = "") -> list[tuple[str, str, bytes]]:
    """(month, display name, bytes) of every street file in a file, folder or zip, one per month.

    A folder or zip holding several forces' files is narrowed to the place's force. Two files for
    the same month are an error (which one is right cannot be told).
    """
    path = Path(path)
    if path.is_dir():
        items = [(p.relative_to(path).as_posix(), p) for p in sorted(path.rglob("*-street.csv"))]
        read = {name: p.read_bytes for name, p in items}
    elif zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        items = [(n, n) for n in sorted(archive.namelist()) if n.lower().endswith("-street.csv")]
        read = {name: (lambda n=name: archive.read(n)) for name, _ in items}
    elif path.is_file():
        return [(_month_of(path.name) or "", path.name, path.read_bytes())]
    else:
        raise DataFileError(path, "no such file or folder; expected a police.uk street CSV, a folder of month "
                            "folders, or the force's zip archive")
    matched = [(name, FILE_NAME.search(name)) for name, _ in items]
    if not matched:
        raise DataFileError(path, "no '*-street.csv' files found; expected police.uk month files named "
                            "YYYY-MM-<force>-street.csv")
    wanted = slug(force)
    if wanted and any(m and wanted in m.group(2).lower() for _, m in matched):
        matched = [(n, m) for n, m in matched if m and wanted in m.group(2).lower()]
    out: dict[str, tuple[str, str, bytes]] = {}
    for name, m in matched:
        month = m.group(1) if m else ""
        if month and month in out:
            raise DataFileError(path, f"two files for {month}: {out[month][1]} and {name}; keep one per month")
        out[month or name] = (month, name, read[name]())
    return [out[k] for k in sorted(out)]


def _month_of(name: str) -> str | None:
    m = FILE_NAME.search(name)
    return m.group(1) if m else None


def read_month(name: str, raw: bytes, expected_month: str = "") -> pd.DataFrame:
    """One street file's used columns, checked: the header, and every Month and Crime type cell."""
    try:
        head = raw[:2048].decode("utf-8-sig", errors="replace").splitlines()[0] if raw else ""
        columns = [c.strip() for c in head.split(",")]
        require_columns(name, columns, USED)
        frame = pd.read_csv(io.BytesIO(raw), usecols=USED, dtype=str, keep_default_na=False, na_filter=False,
                            encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, DataFileError):
            raise
        raise DataFileError(name, f"could not read as a police.uk street CSV ({exc}); expected the 12-column "
                            f"header {', '.join(HEADER)}") from exc
    if frame.empty:
        return frame
    bad = ~frame["Month"].str.match(_MONTH)
    if expected_month:
        bad |= frame["Month"] != expected_month
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        want = f"{expected_month} (the month in the file name)" if expected_month else "a month as YYYY-MM"
        raise DataFileError(name, f"'{frame['Month'].iloc[i]}' is not {want}", row=i + 2, field="Month")
    blank = frame["Crime type"].str.strip() == ""
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataFileError(name, "Crime type is blank; expected a police.uk crime type such as 'Public order'",
                            row=i + 2, field="Crime type")
    return frame


# ------------------------------------------------------------------------------------- counts


def load_police_uk(path: Path, *, place: PlaceInfo | None = None, lookup: Path | pd.DataFrame | None = None,
                   geo_folder: Path | None = None) -> pd.DataFrame:
    """Tidy monthly counts for the place (see the module docstring)."""
    path = Path(path)
    place = place or place_from_catalogue(path)
    if lookup is None:
        lookup = find_lookup(geo_folder)
    wards = read_lookup(lookup, place.code) if lookup is not None else None
    if wards is not None and wards.empty:
        wards = None  # a lookup without the place's authority is as good as none
    frames = []
    for month, name, raw in month_files(path, place.force):
        frame = read_month(name, raw, month)
        frame["file"] = name
        frames.append(frame)
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*USED, "file"])
    if rows.empty:
        raise DataFileError(path, "the street files have no data rows under the header")
    return _counts(rows, place, wards)


def _counts(rows: pd.DataFrame, place: PlaceInfo, wards: pd.DataFrame | None) -> pd.DataFrame:
    code, lsoa_name = rows["LSOA code"].str.strip(), rows["LSOA name"].str.strip()
    no_location = (code == "") | (rows["Location"].str.strip() == NO_LOCATION)
    named_here = lsoa_name.str.startswith(place.name + " ")
    known = code.isin(wards["lsoa_code"]) if wards is not None else named_here
    in_place = ~no_location & (known | named_here)
    # A file that holds only the place's located records is the place's own extract: its records
    # without a location are the place's too, but cannot go in a ward or LSOA.
    own_extract = bool((in_place | no_location).all())
    months = pd.period_range(rows["Month"].min(), rows["Month"].max(), freq="M").astype(str).tolist()
    loaded = set(rows["Month"])
    types = CRIME_TYPES + sorted(set(rows["Crime type"]) - set(CRIME_TYPES))

    placed = rows[in_place & known]
    if wards is not None:
        first = rows.drop_duplicates("LSOA code")
        named = dict(zip(first["LSOA code"], first["LSOA name"], strict=True))
        lsoas = wards[["lsoa_code", "lsoa_name"]].assign(
            lsoa_name=lambda f: f["lsoa_name"].where(f["lsoa_name"] != "", f["lsoa_code"].map(named)).fillna(
                f["lsoa_code"]))
    else:
        lsoas = placed.drop_duplicates("LSOA code")[["LSOA code", "LSOA name"]].set_axis(
            ["lsoa_code", "lsoa_name"], axis=1).sort_values("lsoa_code")
    lsoa_counts = _grid(placed.groupby(["Month", "LSOA code", "Crime type"]).size(), months, lsoas["lsoa_code"], types)
    parts = [_tidy(lsoa_counts, lsoas.set_index("lsoa_code")["lsoa_name"], "lsoa", loaded)]

    if wards is not None:
        flat = lsoa_counts.reset_index()
        flat["area"] = flat["area"].map(dict(zip(wards["lsoa_code"], wards["ward_code"], strict=True)))
        by_ward = flat.groupby(["month", "area", "type"], sort=False)["value"].sum()
        names = wards.drop_duplicates("ward_code").set_index("ward_code")["ward_name"]
        parts.append(_tidy(by_ward, names, "ward", loaded))

    counted = in_place | (no_location & own_extract)
    city = rows[counted].groupby(["Month", "Crime type"]).size()
    city.index = pd.MultiIndex.from_arrays([city.index.get_level_values(0), [place.code] * len(city),
                                            city.index.get_level_values(1)])
    city_counts = _grid(city, months, pd.Series([place.code]), types)
    city_tidy = _tidy(city_counts, pd.Series({place.code: place.name}), "local_authority", loaded)
    city_tidy["status_note"] = _city_notes(city_tidy, rows, place, no_location, in_place & ~known, own_extract,
                                           wards is not None)
    parts.append(city_tidy)
    return tidy.conform(pd.concat(parts, ignore_index=True))


def _grid(counts: pd.Series, months: list[str], areas: pd.Series, types: list[str]) -> pd.Series:
    """Counts on the full month x area x type grid: absent combinations are 0 (gap months fixed later)."""
    counts.index = counts.index.set_names(["month", "area", "type"])
    full = pd.MultiIndex.from_product([months, list(areas), types], names=["month", "area", "type"])
    return counts.reindex(full, fill_value=0).astype(float).rename("value")


def _tidy(counts: pd.Series, names: pd.Series, area_type: str, loaded: set[str]) -> pd.DataFrame:
    frame = counts.rename("value").reset_index()
    gap = ~frame["month"].isin(loaded)
    frame.loc[gap, "value"] = np.nan
    # Month ends from the few distinct labels: parsing every row's label would dominate a refresh.
    labels = frame["month"].unique()
    ends = frame["month"].map(dict(zip(labels, pd.PeriodIndex(labels, freq="M").to_timestamp(how="end").normalize(),
                                       strict=True)))
    return pd.DataFrame({
        "measure": frame["type"].map({t: measure_for(t) for t in frame["type"].unique()}),
        "period": frame["month"], "period_end": ends, "area_code": frame["area"],
        "area_name": frame["area"].map(names).fillna(frame["area"]), "area_type": area_type,
        "breakdown": "", "value": frame["value"], "numerator": frame["value"], "unit": "count",
        "status_note": np.where(gap, GAP_NOTE, ""),
    })


def _city_notes(city: pd.DataFrame, rows: pd.DataFrame, place: PlaceInfo, no_location: pd.Series,
                unmatched: pd.Series, own_extract: bool, has_wards: bool) -> pd.Series:
    """Per authority row: how records without a location (and in unknown LSOAs) were handled."""
    key = rows["Month"] + "|" + rows["Crime type"]
    no_loc = key[no_location].value_counts()
    odd = key[unmatched].value_counts()
    row_key = city["period"] + "|" + city["measure"].map(
        {measure_for(t): t for t in rows["Crime type"].unique()}).fillna("")
    notes = []
    for k, note in zip(row_key, city["status_note"], strict=True):
        parts = [note] if note else []
        n = int(no_loc.get(k, 0))
        if n and own_extract:
            parts.append(f"includes {n} record(s) with no location ('No Location'), counted for {place.name} "
                         "as a whole only, not in any ward or LSOA")
        elif n:
            parts.append(f"leaves out {n} record(s) with no location ('No Location') in the force's file: "
                         f"police.uk cannot place them in {place.name}")
        m = int(odd.get(k, 0))
        if m:
            parts.append(f"includes {m} record(s) in LSOAs named for {place.name} but not in the LSOA 2021 "
                         "lookup (older boundaries), counted for the city only")
        notes.append("; ".join(parts))
    if not has_wards:
        notes = [("; ".join(t for t in (n, "no LSOA-to-ward lookup is in the geo folder, so there are no ward "
                                       "figures (run `python -m cohesion geo import`)") if t)) for n in notes]
    return pd.Series(notes, index=city.index)

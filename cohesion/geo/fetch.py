"""Fill the geo cache: download from the official publishers, or import from a local folder.

`import_folder` reads a folder laid out like the reference data (wards/, lsoa-boundaries/,
postcode-centroids/, postcode-districts/, imd2019/, cni/, community-spaces/) and writes the
standard files of `cohesion.geo.boundaries.FILES`, trimmed to the place. `fetch_all` downloads the
same things from ONS, OS, MHCLG and NHS ODS. Each piece succeeds or fails on its own with a
message; every network call has a timeout, and an offline machine fails fast with the advice to
import instead. Nothing here needs a key or token.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import tempfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from cohesion.geo import boundaries as b
from cohesion.geo.postcodes import read_codepoint_csv

TIMEOUT_S = 20  # every network call; nothing may hang the command or the app
PROBE_TIMEOUT_S = 5
ONS = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"
# Official download points. ArcGIS service names change with each boundary release: when a fetch
# reports 404, find the current name on geoportal.statistics.gov.uk and update it here.
URLS = {
    "wards": f"{ONS}/WD_DEC_2025_UK_BGC/FeatureServer/0/query",
    "lsoa11": f"{ONS}/Lower_layer_Super_Output_Areas_Dec_2011_Boundaries_Full_Clipped_BFC_EW_V3_2022/FeatureServer/0/query",
    "lsoa21": f"{ONS}/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5/FeatureServer/0/query",
    "codepoint": "https://api.os.uk/downloads/v1/products/CodePointOpen/downloads?area=GB&format=CSV&redirect",
    "imd": "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/attachment_data/file/845345/"
           "File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv",
    "imd2025": "https://assets.publishing.service.gov.uk/media/68ff5daabcb10f6bf9bef911/"
               "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
    "epraccur": "https://files.digital.nhs.uk/assets/ods/current/epraccur.zip",
}
IMPORT_ONLY = {
    "postcode_districts.parquet": "postcode district polygons have no official publisher; import them",
    "cni2023.parquet": "the Community Needs Index is published by OCSI/Local Trust on request; import it",
    "libraries.csv": "the Arts Council England libraries dataset is a spreadsheet download; import it",
    "lsoa21_wards.parquet": "the ONS LSOA 2021 to ward lookup: import it (national/lookups/ in the reference folder)",
}


@dataclass(frozen=True)
class Place:
    code: str  # local authority GSS code
    name: str
    postcode_area: str | None = None


class OfflineError(RuntimeError):
    """The publishers cannot be reached."""


Report = Callable[[str], None]


def _write_atomic(dest: Path, write: Callable[[Path], None]) -> None:
    # Write beside the target and rename, so the app never reads a half-written file.
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=dest.suffix, dir=dest.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp makes files private; the cache is ordinary data
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _record(folder: Path, name: str, origin: str) -> None:
    manifest = b.read_manifest(folder)
    manifest[name] = {"from": origin, "at": datetime.now(UTC).isoformat(timespec="seconds"),
                      "attribution": b.ATTRIBUTIONS.get(name, "")}
    (folder / b.MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")


def _save_polygons(frame: gpd.GeoDataFrame, folder: Path, name: str, origin: str) -> str:
    _write_atomic(folder / name, lambda tmp: frame.to_parquet(tmp, index=False))
    _record(folder, name, origin)
    return f"{name}: {len(frame)} areas from {origin}"


def _save_table(frame: pd.DataFrame, folder: Path, name: str, origin: str) -> str:
    _write_atomic(folder / name, lambda tmp: frame.to_parquet(tmp, index=False))
    _record(folder, name, origin)
    return f"{name}: {len(frame)} rows from {origin}"


def _latest_wards(files: list[Path]) -> Path | None:
    # Prefer the newest ward vintage (WD25 over WD13): figures go on current wards.
    best: tuple[int, Path] | None = None
    for path in files:
        head = gpd.read_file(path, rows=1)
        col = next((c for c in head.columns if str(c).upper().startswith("WD") and str(c).upper().endswith("CD")), None)
        if col and (best is None or int(col[2:4]) > best[0]):
            best = (int(col[2:4]), path)
    return best[1] if best else None


def import_folder(source: Path, dest: Path, place: Place, report: Report = print) -> list[str]:
    """Import every recognised file under `source` into `dest`. Returns the problems (empty = all well)."""
    problems: list[str] = []

    def step(label: str, action: Callable[[], str | None]) -> None:
        try:
            message = action()
            if message:
                report(message)
        except Exception as exc:  # one bad file must not stop the others
            problems.append(f"{label}: {exc}")
            report(f"{label}: FAILED: {exc}")

    def pick(sub: str, pattern: str, exclude: str | None = None) -> list[Path]:
        return sorted(p for p in (source / sub).glob(pattern) if not (exclude and exclude in p.name.lower()))

    def wards() -> str | None:
        path = _latest_wards(pick("wards", "*.geojson"))
        if path is None:
            return "wards: no ward boundary file found (wards/*.geojson)"
        return _save_polygons(b.read_polygons(path, "wards", place.code), dest, "wards.parquet", f"wards/{path.name}")

    def lsoas() -> str | None:
        messages = []
        for path in pick("lsoa-boundaries", "*.geojson"):
            head = gpd.read_file(path, rows=1)
            kind = "lsoa11" if "LSOA11CD" in head.columns else "lsoa21" if "LSOA21CD" in head.columns else None
            if kind:
                frame = b.read_polygons(path, kind, place.code, place.name)
                messages.append(_save_polygons(frame, dest, f"{kind}.parquet", f"lsoa-boundaries/{path.name}"))
        return "\n".join(messages) or "LSOA boundaries: none found (lsoa-boundaries/*.geojson)"

    def districts() -> str | None:
        files = pick("postcode-districts", "*.geojson")
        if not files:
            return "postcode districts: none found (postcode-districts/*.geojson)"
        frame = b.read_polygons(files[0], "postcode_districts")
        return _save_polygons(frame, dest, "postcode_districts.parquet", f"postcode-districts/{files[0].name}")

    def postcodes() -> str | None:
        candidates = sorted(pick("postcode-centroids", "*.csv"), key=lambda p: "codepoint" not in p.name.lower())
        for path in candidates:
            try:
                frame = read_codepoint_csv(path, place.postcode_area)
            except Exception:  # noqa: S112 - not a Code-Point file (e.g. district centroids): try the next
                continue
            if len(frame):
                return _save_table(frame, dest, "postcodes.parquet", f"postcode-centroids/{path.name}")
        return "postcodes: no Code-Point Open file found (postcode-centroids/*.csv)"

    def imd() -> str | None:
        file7 = pick("imd2019", "*File_7*.csv")
        file2, file6 = pick("imd2019", "*File_2*.csv"), pick("imd2019", "*File_6*.csv")
        if file7:
            frame, origin = b.read_imd(file7[0], None, place.code), f"imd2019/{file7[0].name}"
        elif file2:
            frame = b.read_imd(file2[0], file6[0] if file6 else None, place.code)
            origin = f"imd2019/{file2[0].name}" + (f" + {file6[0].name}" if file6 else "")
        else:
            return "IMD 2019: no File 2 or File 7 found (imd2019/)"
        return _save_table(frame, dest, "imd2019.parquet", origin)

    def imd2025() -> str | None:
        files = pick("national/imd2025", "*lsoa21*.csv") + pick("imd2025", "*.csv")
        if not files:
            return "IMD 2025: no LSOA file found (national/imd2025/*lsoa21*.csv or imd2025/)"
        origin = f"{files[0].parent.name}/{files[0].name}"
        return _save_table(b.read_imd2025(files[0], place.code), dest, "imd2025.parquet", origin)

    def lsoa21_wards() -> str | None:
        files = pick("national/lookups", "lsoa21_ward*.csv") + pick("lookups", "lsoa21_ward*.csv")
        if not files:
            return "LSOA 2021 to ward lookup: none found (national/lookups/lsoa21_ward*.csv)"
        origin = f"{files[0].parent.name}/{files[0].name}"
        return _save_table(b.read_lsoa21_wards(files[0], place.code), dest, "lsoa21_wards.parquet", origin)

    def cni() -> str | None:
        files = pick("cni", "*lsoa21*.csv")
        if not files:
            return "Community Needs Index: no 2021-LSOA file found (cni/*lsoa21*.csv)"
        return _save_table(b.read_cni_lsoa21(files[0]), dest, "cni2023.parquet", f"cni/{files[0].name}")

    def layers() -> str | None:
        found = {
            "libraries.csv": pick("community-spaces", "*librar*.csv", exclude="geocoded"),
            "gp_practices.csv": pick("community-spaces", "*epraccur*.csv"),
            "pharmacies.csv": pick("community-spaces", "*edispensary*.csv"),
            "schools.csv": pick("community-spaces", "*schools_gias*.csv", exclude="geocoded"),
            "authorities.csv": pick("national/lookups", "lad24_csp24*.csv"),
            "osm.json": pick("community-spaces", "*.json") + pick("osm", "*.json"),
        }
        messages = []
        for name, files in found.items():
            if files:
                _write_atomic(dest / "layers" / name, lambda tmp, src=files[0]: shutil.copyfile(src, tmp))
                _record(dest, f"layers/{name}", f"{files[0].parent.name}/{files[0].name}")
                messages.append(f"layers/{name}: copied from {files[0].parent.name}/{files[0].name}")
        return "\n".join(messages) or "community-space layers: none found (community-spaces/)"

    if not source.is_dir():
        return [f"{source}: not a folder"]
    dest.mkdir(parents=True, exist_ok=True)
    for label, action in [("wards", wards), ("LSOAs", lsoas), ("postcode districts", districts),
                          ("postcodes", postcodes), ("IMD 2019", imd), ("IMD 2025", imd2025),
                          ("LSOA 2021 to ward", lsoa21_wards), ("CNI", cni), ("layers", layers)]:
        step(label, action)
    return problems


def _get(url: str, opener: Callable[..., object] = urllib.request.urlopen) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "cohesion-dashboard geo fetch"})
    with opener(request, timeout=TIMEOUT_S) as response:  # type: ignore[attr-defined]
        return response.read()


def probe(url: str = URLS["wards"]) -> None:
    """Raise OfflineError quickly when the publishers' host cannot be reached."""
    host = urllib.parse.urlparse(url).hostname or ""
    try:
        socket.create_connection((host, 443), timeout=PROBE_TIMEOUT_S).close()
    except OSError as exc:
        raise OfflineError(
            f"cannot reach {host} ({exc}). Offline? Import from a local copy instead: "
            "python -m cohesion geo import --from FOLDER (a folder laid out like the reference data)"
        ) from exc


_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def sql_literal(text: str) -> str:
    """A string as an ArcGIS (standard SQL) literal: quoted, with single quotes doubled.

    Council names carry apostrophes (King's Lynn and West Norfolk), commas and hyphens; pasting
    them between quotes would break the query or change its meaning.
    """
    if any(ord(ch) < 32 for ch in str(text)):
        raise ValueError(f"{text!r}: control characters are not allowed in a query value")
    return "'" + str(text).replace("'", "''") + "'"


def where_equals(field: str, value: str) -> str:
    """`FIELD = 'value'` with the value escaped and the field name checked."""
    if not _FIELD.match(field):
        raise ValueError(f"{field!r} is not a field name")
    return f"{field} = {sql_literal(value)}"


def where_starts_with(field: str, prefix: str) -> str:
    """`FIELD LIKE 'prefix%'`: quotes doubled, and LIKE's own wildcards in the prefix escaped."""
    if not _FIELD.match(field):
        raise ValueError(f"{field!r} is not a field name")
    escaped = str(prefix).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    clause = f"{field} LIKE {sql_literal(escaped + '%')}"
    return clause + " ESCAPE '\\'" if escaped != prefix else clause


def _arcgis(kind: str, where: str) -> gpd.GeoDataFrame:
    query = urllib.parse.urlencode({"where": where, "outFields": "*", "outSR": "4326", "f": "geojson"})
    data = _get(f"{URLS[kind]}?{query}")
    return gpd.read_file(io.BytesIO(data))


def fetch_all(dest: Path, place: Place, report: Report = print) -> list[str]:
    """Download every fetchable piece into `dest`. Raises OfflineError before trying when offline."""
    probe()
    problems: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="geo-fetch-"))

    def run(label: str, action: Callable[[], str]) -> None:
        try:
            report(action())
        except Exception as exc:
            problems.append(f"{label}: {exc}")
            report(f"{label}: FAILED: {exc}")

    def polygons(kind: str, name: str, where: str) -> str:
        raw = _arcgis(kind, where)
        path = work / f"{kind}.geojson"
        raw.to_file(path, driver="GeoJSON")
        return _save_polygons(b.read_polygons(path, kind, place.code, place.name), dest, name, URLS[kind])

    def codepoint() -> str:
        archive = zipfile.ZipFile(io.BytesIO(_get(URLS["codepoint"])))
        area = (place.postcode_area or "").lower()
        members = [m for m in archive.namelist() if m.lower().endswith(f"/{area}.csv")] if area else []
        if not members:
            raise RuntimeError("set place.postcode_area in indicators.yaml to keep the lookup small")
        path = work / "codepoint.csv"
        path.write_bytes(archive.read(members[0]))
        return _save_table(read_codepoint_csv(path, place.postcode_area), dest, "postcodes.parquet", URLS["codepoint"])

    def imd() -> str:
        path = work / "imd_file7.csv"
        path.write_bytes(_get(URLS["imd"]))
        return _save_table(b.read_imd(path, None, place.code), dest, "imd2019.parquet", URLS["imd"])

    def imd2025() -> str:
        path = work / "imd2025_file7.csv"
        path.write_bytes(_get(URLS["imd2025"]))
        return _save_table(b.read_imd2025(path, place.code), dest, "imd2025.parquet", URLS["imd2025"])

    def epraccur() -> str:
        archive = zipfile.ZipFile(io.BytesIO(_get(URLS["epraccur"])))
        member = next(m for m in archive.namelist() if m.lower().endswith(".csv"))
        _write_atomic(dest / "layers" / "gp_practices.csv", lambda tmp: tmp.write_bytes(archive.read(member)))
        _record(dest, "layers/gp_practices.csv", URLS["epraccur"])
        return f"layers/gp_practices.csv: downloaded from {URLS['epraccur']}"

    try:
        run("wards", lambda: polygons("wards", "wards.parquet", where_equals("LAD25CD", place.code)))
        run("LSOA 2011", lambda: polygons("lsoa11", "lsoa11.parquet", where_starts_with("LSOA11NM", place.name + " ")))
        run("LSOA 2021", lambda: polygons("lsoa21", "lsoa21.parquet", where_starts_with("LSOA21NM", place.name + " ")))
        run("postcodes", codepoint)
        run("IMD 2019", imd)
        run("IMD 2025", imd2025)
        run("GP practices", epraccur)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for name, why in IMPORT_ONLY.items():
        report(f"{name}: not fetched: {why}")
    return problems

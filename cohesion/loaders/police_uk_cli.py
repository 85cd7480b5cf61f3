"""`python -m cohesion police ...`: add police.uk street files month by month, and list what is there.

- `police fetch --month YYYY-MM`: downloads data.police.uk's monthly archive for that month
  (`https://data.police.uk/data/archive/YYYY-MM.zip`, every force, large) and keeps only the place's
  force's street file for that month. Offline, it stops within seconds with one line saying so.
- `police import --from FILE.zip|FOLDER`: copies the force's street files out of an archive or
  folder downloaded by hand (data.police.uk's custom download gives a zip per force).
- `police status`: the months in the folder, and any month missing in the middle (a gap).

Files go to the folder the catalogue's `police_uk_street` source reads when that is inside the
data folder, else to `data/police_uk/` (the source's path must then point there). Each month is
written to a temporary file and renamed into place, so a half-copied month is never read; the next
`python -m cohesion refresh` picks up new month folders.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pandas as pd

from cohesion import config
from cohesion.loaders.common import slug
from cohesion.loaders.police_uk import FILE_NAME

ARCHIVE_URL = "https://data.police.uk/data/archive/{month}.zip"
PROBE_TIMEOUT_S = 5
TIMEOUT_S = 60
DEFAULT_DEST = "data:police_uk"
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class OfflineError(RuntimeError):
    """data.police.uk could not be reached."""


def destination(catalogue_path: Path | None = None) -> tuple[Path, str]:
    """(folder to write to, a note when the catalogue's source does not read that folder yet)."""
    from cohesion.catalogue import load_catalogue

    catalogue = load_catalogue(catalogue_path or config.CATALOGUE_PATH)
    source = next((s for s in catalogue.sources if s.loader == "police_uk_street"), None)
    spec = source.path if source and source.path and source.path.startswith("data:") else DEFAULT_DEST
    note = "" if source and source.path == spec else (
        f"The catalogue's police.uk source reads {source.path if source else 'nothing'}; set its path to "
        f"\"{spec}\" in indicators.yaml to use these files.")
    return config.resolve_data_path(spec), note


def force_slug(catalogue_path: Path | None = None) -> str:
    from cohesion.catalogue import load_catalogue

    return slug(load_catalogue(catalogue_path or config.CATALOGUE_PATH).place.police_force.name)


def copy_months(archive: Path, dest: Path, force: str, months: set[str] | None = None) -> list[str]:
    """Copy the force's street files (optionally only `months`) from a zip or folder; returns months copied."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            members = {n: (lambda n=n: z.read(n)) for n in z.namelist()}
            return _write(members, dest, force, months)
    if archive.is_dir():
        members = {p.relative_to(archive).as_posix(): p.read_bytes for p in archive.rglob("*-street.csv")}
        return _write(members, dest, force, months)
    raise FileNotFoundError(f"{archive.name}: not a zip archive or a folder of police.uk month files")


def _write(members: dict, dest: Path, force: str, months: set[str] | None) -> list[str]:
    copied = []
    for name, read in sorted(members.items()):
        m = FILE_NAME.search(name)
        if not m or force not in m.group(2).lower() or (months and m.group(1) not in months):
            continue
        month = m.group(1)
        target = dest / month / f"{month}-{m.group(2).lower()}-street.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp:
            tmp.write(read())
        Path(tmp.name).replace(target)
        copied.append(month)
    return copied


def probe(url: str) -> None:
    """Raise OfflineError within PROBE_TIMEOUT_S when the host cannot be reached."""
    parsed = urllib.parse.urlparse(url)
    try:
        socket.create_connection((parsed.hostname or "", parsed.port or 443), timeout=PROBE_TIMEOUT_S).close()
    except OSError as exc:
        raise OfflineError(f"cannot reach {parsed.hostname} ({exc})") from exc


def fetch(month: str, dest: Path, force: str, url: str | None = None) -> list[str]:
    """Download the month's archive, keep the force's street file for that month."""
    url = url or ARCHIVE_URL.format(month=month)
    probe(url)
    dest.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(url, headers={"User-Agent": "cohesion-dashboard police fetch"})
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        archive = Path(tmp) / "archive.zip"
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response, archive.open("wb") as out:
                shutil.copyfileobj(response, out, length=1 << 20)
        except (urllib.error.URLError, OSError) as exc:
            raise OfflineError(f"download of {url} failed ({exc})") from exc
        return copy_months(archive, dest, force, {month})


def months_present(folder: Path) -> list[str]:
    return sorted({m.group(1) for p in folder.rglob("*-street.csv") if (m := FILE_NAME.search(p.name))}) \
        if folder.is_dir() else []


def gaps(months: list[str]) -> list[str]:
    """Months missing between the first and the last present (shown as gaps, never zeros)."""
    if not months:
        return []
    every = [str(p) for p in pd.period_range(months[0], months[-1], freq="M")]
    return [m for m in every if m not in set(months)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m cohesion police",
                                     description="add police.uk street-level files month by month")
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fetch", help="download one month from data.police.uk (online)")
    f.add_argument("--month", required=True, help="YYYY-MM")
    f.add_argument("--url", default=None, help=argparse.SUPPRESS)
    i = sub.add_parser("import", help="copy the force's files from a downloaded zip or folder")
    i.add_argument("--from", dest="source", required=True)
    sub.add_parser("status", help="months present and gaps")
    args = parser.parse_args(argv)
    try:
        dest, note = destination()
        force = force_slug()
    except Exception as exc:  # the catalogue's own problems are listed by `validate`
        print(f"police {args.command}: the catalogue could not be read ({type(exc).__name__}); run "
              "`python -m cohesion validate`")
        return 2
    if args.command == "status":
        present = months_present(dest)
        print(f"{dest}: {len(present)} month(s)" + (f", {present[0]} to {present[-1]}" if present else ""))
        missing = gaps(present)
        if missing:
            print(f"Gaps (shown as missing, not zero): {', '.join(missing)}")
        return 0
    if args.command == "fetch":
        if not _MONTH.match(args.month):
            print(f"police fetch: '{args.month}' is not a month; expected YYYY-MM, e.g. 2025-12")
            return 2
        try:
            copied = fetch(args.month, dest, force, args.url)
        except OfflineError as exc:
            print(f"police fetch: data.police.uk could not be reached ({exc}); download the force's files from "
                  "https://data.police.uk/data/ and run `python -m cohesion police import --from FILE.zip`")
            return 2
    else:
        try:
            copied = copy_months(Path(args.source).resolve(), dest, force)
        except (FileNotFoundError, zipfile.BadZipFile) as exc:
            print(f"police import: {exc}")
            return 2
    if not copied:
        print(f"police {args.command}: no '{force}' street file found for that month; nothing was changed")
        return 1
    print(f"Saved {len(copied)} month(s) ({', '.join(copied)}) to {dest}. Run `python -m cohesion refresh`.")
    if note:
        print(note)
    return 0

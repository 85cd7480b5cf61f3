"""`python -m cohesion geo fetch | import --from FOLDER | status`: fill and inspect the geo cache.

The place (authority code, name, postcode area) comes from the catalogue's `place:` so nothing
about one city is written here; `--place-code` etc. override it (handy before a catalogue exists).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cohesion import config
from cohesion.geo import boundaries
from cohesion.geo.fetch import OfflineError, Place, fetch_all, import_folder


def place_from_catalogue(args: argparse.Namespace) -> Place:
    """The place from the catalogue, with any command-line overrides applied."""
    code, name, area = args.place_code, args.place_name, args.postcode_area
    if not (code and name):
        from cohesion.catalogue import CatalogueError, load_catalogue

        try:
            place = load_catalogue(config.CATALOGUE_PATH).place
        except (CatalogueError, FileNotFoundError) as exc:
            raise SystemExit(
                f"Cannot read the place from {config.CATALOGUE_PATH.name} ({exc}); "
                "pass --place-code, --place-name and --postcode-area"
            ) from exc
        code, name, area = code or place.code, name or place.name, area or place.postcode_area
    return Place(code=code, name=name, postcode_area=area)


def status_lines(folder: Path) -> list[str]:
    """One line per standard file: present (with where it came from) or missing."""
    manifest = boundaries.read_manifest(folder)
    lines = [f"geo folder: {folder}"]
    names = list(boundaries.FILES) + [f"layers/{n}" for n in boundaries.LAYER_FILES]
    for name in names:
        what = boundaries.FILES.get(name) or boundaries.LAYER_FILES.get(name.removeprefix("layers/"), "")
        if (folder / name).exists():
            origin = manifest.get(name, {})
            lines.append(f"  present  {name:28} {what}; from {origin.get('from', '?')} at {origin.get('at', '?')}")
        else:
            lines.append(f"  missing  {name:28} {what}")
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m cohesion geo",
                                     description="fetch or import boundaries, postcodes, deprivation")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("fetch", "import", "status"):
        p = sub.add_parser(name)
        p.add_argument("--to", default=None, help="geo folder (default: COHESION_GEO_DIR or geo/)")
        p.add_argument("--place-code", default=None)
        p.add_argument("--place-name", default=None)
        p.add_argument("--postcode-area", default=None)
        if name == "import":
            p.add_argument("--from", dest="source", required=True,
                           help="folder laid out like the reference data (wards/, lsoa-boundaries/, ...)")
    args = parser.parse_args(argv)
    folder = Path(args.to).resolve() if args.to else config.geo_dir()
    if args.command == "status":
        print("\n".join(status_lines(folder)))
        return 0
    place = place_from_catalogue(args)
    if args.command == "import":
        source = Path(args.source).resolve()
        print(f"Importing geography for {place.name} ({place.code}) from {source} into {folder}")
        problems = import_folder(source, folder, place)
    else:
        print(f"Fetching geography for {place.name} ({place.code}) into {folder} (timeout 20 s per file)")
        try:
            problems = fetch_all(folder, place)
        except OfflineError as exc:
            print(f"geo fetch stopped: {exc}")
            return 2
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print("Done. `python -m cohesion geo status` lists what is in the cache.")
    return 0

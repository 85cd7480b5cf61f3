"""`python -m cohesion spaces check FILE [--layer register|libraries|gp|pharmacies|schools|osm]`.

Validates a register (or a public layer) exactly as the page does and lists every problem row by
row: postcodes normalised, invalid postcodes, postcodes not in the lookup, points outside the
authority, unknown categories, duplicates. It then names every row it cannot place on the map,
including rows with no postcode yet ("location needed"), by row number and name, never only as a
count. Exit code 0 when there is no problem to fix (rows still waiting for a location are listed
but are not errors), 1 when there is, 2 when the file cannot be read at all.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cohesion import config
from cohesion.geo.boundaries import load_geo
from cohesion.loaders.errors import DataFileError
from cohesion.spaces.collect import area_for
from cohesion.spaces.register import load_register, placement_summary, problem_rows

LAYERS = {"register": None, "libraries": "libraries", "gp": "gp_practices", "pharmacies": "pharmacies",
          "schools": "schools", "osm": "osm"}
# Why a row without a problem still has no point (problem rows already say why).
UNPLACED_REASONS = {
    "location needed": "no postcode or coordinates yet (location needed)",
    "district only": "postcode district only: no postcode lookup loaded to place it",
}


def _place() -> tuple[str | None, str]:
    from cohesion.catalogue import CatalogueError, load_catalogue

    try:
        place = load_catalogue(config.CATALOGUE_PATH).place
        return place.code, place.name
    except (CatalogueError, FileNotFoundError):
        return None, "the authority"


def check(path: Path, layer: str = "register", geo_folder: Path | None = None) -> tuple[int, list[str]]:
    """(exit code, report lines) for one file."""
    geo = load_geo(geo_folder or config.geo_dir())
    code, name = _place()
    area = area_for(geo, code or "", name)
    lines = []
    if geo.postcodes is None:
        lines.append("No postcode lookup in the geo folder: postcodes are checked for shape only "
                     "(run `python -m cohesion geo import --from FOLDER` to check they exist).")
    if code is None:
        lines.append("The catalogue could not be read, so points are not checked against the authority.")
    try:
        if layer == "register":
            spaces = load_register(path, geo.postcodes, area)
        else:
            from cohesion.spaces.layer_registry import BY_KEY

            spaces = BY_KEY[LAYERS[layer]].loader(path, geo.postcodes, area).spaces
    except (DataFileError, ValueError, OSError) as exc:
        return 2, lines + [f"{path.name}: cannot be checked: {exc}"]
    problems = problem_rows(spaces)
    lines.append(f"{path.name}: {len(spaces)} rows")
    for row in placement_summary(spaces).itertuples():
        lines.append(f"  {row.status:16} {row.spaces}")
    unplaced = spaces[(spaces["status"] != "located") & (spaces["problem"] == "")]
    if problems.empty:
        lines.append("No problems found.")
    else:
        lines.append(f"{len(problems)} row(s) with problems:")
        for row in problems.itertuples():
            lines.append(f"  row {row.row}: {row.name or '(no name)'}: {row.problem}")
    if len(unplaced):
        lines.append(f"{len(unplaced)} row(s) cannot be placed on the map yet:")
        for row in unplaced.itertuples():
            reason = UNPLACED_REASONS.get(row.status, row.status)
            lines.append(f"  row {row.row}: {row.name or '(no name)'}: {reason}")
    return (0 if problems.empty else 1), lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m cohesion spaces", description="community spaces")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="validate a register or layer and list every problem row by row")
    p.add_argument("file")
    p.add_argument("--layer", choices=list(LAYERS), default="register")
    p.add_argument("--geo", default=None, help="geo folder (default: COHESION_GEO_DIR or geo/)")
    args = parser.parse_args(argv)
    path = Path(args.file)
    if not path.exists():
        print(f"{path}: no such file")
        return 2
    code, lines = check(path, args.layer, Path(args.geo) if args.geo else None)
    print("\n".join(lines))
    return code

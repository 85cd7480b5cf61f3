"""`python -m cohesion init --place CODE_OR_NAME [--out FILE]`: a working catalogue for another council.

The new catalogue is the project's catalogue (dimensions, priorities, indicators, sources) with
the place taken from the shipped lookups: name, GSS code, region, police force area, community
safety partnership, and comparators (England, the region, the single-tier medians when the council
is single-tier, and the medians of its region and its ONS geographic neighbours). Text that named
the template place now names the new one; sources that quote the template place's own one-off
publications, and the indicators read only from them, are left out. National tables are read from
the project's shipped folder, so the result works offline; council-held files (survey export,
police counts, spaces register, manual statuses) go in the catalogue's own folder.

Running the dashboard for that council is then configuration only:
`COHESION_CATALOGUE=FILE python -m cohesion refresh` and `COHESION_CATALOGUE=FILE streamlit run dashboard.py`.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from cohesion import config
from cohesion.national import places

NATIONAL_LOADER = "national_table"
COUNCIL_LOADERS = {"wellbeing_survey", "police_local_counts", "community_spaces_indicator"}
ENGLAND = {"name": "England", "code": "E92000001"}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "")).strip("-")


def _substitute(value: object, pairs: list[tuple[re.Pattern[str], str]]) -> object:
    """Replace the template place's names in every string of a YAML structure."""
    if isinstance(value, str):
        for pattern, new in pairs:
            value = pattern.sub(new, value)
        return value
    if isinstance(value, list):
        return [_substitute(v, pairs) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, pairs) for k, v in value.items()}
    return value


def comparators(place: places.PlaceInfo, display: str) -> list[dict]:
    """England, the region, the single-tier medians when single-tier, and peer-group medians."""
    out = [{"id": "england", "name": "England", "code": ENGLAND["code"]},
           {"id": "region", "name": place.region_name, "code": place.region_code}]
    if place.single_tier:
        out.append({"id": "single_tier_median", "name": "Median of the 132 English single-tier authorities",
                    "code": "STMEDIAN", "note": "As published with the DCMS local estimates; not an England average."})
        if not place.london:
            out.append({"id": "single_tier_median_excl_london",
                        "name": "Median of the 99 English single-tier authorities outside London",
                        "code": "STMEDIAN_XL"})
    out.append({"id": "region_median", "name": f"Median of the authorities in the {place.region_name} region",
                "code": "peers:region", "note": "Computed from the national tables for each period."})
    if place.neighbours:
        out.append({"id": "neighbours_median", "name": f"Median of {display}'s ONS geographic neighbours",
                    "code": "peers:neighbours", "note": "Computed from the national tables for each period; "
                    "the neighbours share a boundary or are nearest (ONS, 2021 districts)."})
    return out


def _place_block(place: places.PlaceInfo, display: str) -> dict:
    csp = {"name": place.csp_names[0], "code": place.csp_codes[0]} if place.csp_codes else None
    if csp and len(place.csp_codes) > 1:
        csp["note"] = "The area still has more than one partnership: " + "; ".join(place.csp_names) + "."
    block = {
        "name": display, "code": place.code, "area_type": "local_authority",
        "police_force": {"name": place.pfa_name, "code": place.force_code,
                         "note": f"Hate crime is published by police force area ({place.pfa_code})."},
        "region": {"name": place.region_name, "code": place.region_code}, "country": dict(ENGLAND),
        "comparators": comparators(place, display),
    }
    if csp:
        block["community_safety_partnership"] = csp
    return block


def build_catalogue(place: places.PlaceInfo, template: dict) -> dict:
    """The new catalogue as data (see the module docstring)."""
    old = template["place"]
    display = place_display_name(place)
    old_names = [old["name"], old["police_force"]["name"]]
    pairs = [(re.compile(re.escape(old["name"])), display)]
    short = re.split(r"[-\s,]", old["name"])[0]
    if short and short != old["name"]:  # e.g. a group named after the place's short name
        pairs.append((re.compile(rf"\b{re.escape(short)}\b"), display))
    pairs.append((re.compile(rf"\b{re.escape(old['police_force']['name'])}\b"), place.pfa_name))
    # Source ids named after the template place ("<place>_wellbeing_survey") become "council_...".
    id_prefix = re.compile(rf"^{re.escape(short.lower())}_") if short else None
    dropped = {s["id"] for s in template["sources"]
               if s.get("loader") == "none" and any(n in s.get("publisher", "") for n in old_names)
               and not str(s.get("path", "")).startswith("data:")}
    sources = []
    for source in template["sources"]:
        if source["id"] in dropped:
            continue
        source = copy.deepcopy(source)
        path = str(source.get("path") or "")
        if source.get("loader") == NATIONAL_LOADER or source.get("loader") == "published_figures":
            source["path"] = "shipped:" + path.split(":", 1)[-1]
        if source.get("loader") in COUNCIL_LOADERS or path.startswith("data:"):
            source = _substitute(source, pairs)
        if id_prefix is not None:
            source["id"] = id_prefix.sub("council_", source["id"])
        sources.append(source)
    indicators = [copy.deepcopy(i) for i in template["indicators"] if i["source"] not in dropped]
    for ind in indicators:
        if id_prefix is not None:
            ind["source"] = id_prefix.sub("council_", ind["source"])
    comparator_ids = {c["id"] for c in comparators(place, display)}
    for ind in indicators:
        status = ind.get("status", {})
        if status.get("rule") == "benchmark" and status.get("comparator") not in comparator_ids | {"previous_period"}:
            status["comparator"] = "neighbours_median" if "neighbours_median" in comparator_ids else "england"
    out = {k: copy.deepcopy(v) for k, v in template.items() if k not in ("place", "sources", "indicators")}
    out = _substitute(out, pairs)
    out["place"] = _place_block(place, display)
    out["sources"] = sources
    out["indicators"] = _substitute(indicators, pairs)
    if "meeting" in out:
        kept = {p["id"] for p in out["priorities"]}
        out["meeting"]["agenda"] = [p for p in out["meeting"].get("agenda", []) if p in kept]
    return _ordered(out)


def _ordered(catalogue: dict) -> dict:
    order = ["schema_version", "last_reviewed", "place", "meeting", "dimensions", "priorities", "sources", "indicators"]
    return {k: catalogue[k] for k in order if k in catalogue} | {k: v for k, v in catalogue.items() if k not in order}


def place_display_name(place: places.PlaceInfo) -> str:
    """The council's everyday name ('Kingston upon Hull', not 'Kingston upon Hull, City of')."""
    if ", " not in place.name:  # ONS names are the official ones (punctuation included)
        return place.name
    nice = places.tables()[0].set_index("code")["nice_name"].get(place.code, "")
    return nice or place.name


def empty_measures(catalogue: dict) -> list[str]:
    """Titles of indicators read from national tables that hold no figure for this place."""
    code = catalogue["place"]["code"]
    force = catalogue["place"]["police_force"]["code"]
    by_source = {s["id"]: s for s in catalogue["sources"]}
    empty, seen = [], {}
    for ind in catalogue["indicators"]:
        source = by_source.get(ind["source"], {})
        if source.get("loader") != NATIONAL_LOADER:
            continue
        path = config.resolve_data_path(source["path"])
        if path not in seen:
            seen[path] = pd.read_csv(path, usecols=["measure", "area_code", "value"], dtype={"area_code": str})
        rows = seen[path]
        mine = rows[(rows["measure"] == (ind.get("measure") or ind["id"])) & rows["area_code"].isin([code, force])
                    & rows["value"].notna()]
        if mine.empty:
            empty.append(ind["title"])
    return empty


def write_catalogue(catalogue: dict, out: Path, header: str) -> None:
    """Write the YAML beside its final name and rename, after checking it validates."""
    from cohesion.catalogue import validate_file

    out.parent.mkdir(parents=True, exist_ok=True)
    text = header + yaml.safe_dump(catalogue, sort_keys=False, allow_unicode=True, width=120)
    fd, tmp = tempfile.mkstemp(prefix=".init-", suffix=".yaml", dir=out.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    _, problems = validate_file(Path(tmp))
    if problems:
        os.unlink(tmp)
        raise ValueError("the generated catalogue does not validate: " + "; ".join(str(p) for p in problems[:5]))
    os.replace(tmp, out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m cohesion init",
                                     description="write a working catalogue for another English council")
    parser.add_argument("--place", required=True, help="GSS code (E08000037) or name (Gateshead)")
    parser.add_argument("--out", default=None, help="catalogue file (default: places/<name>/indicators.yaml)")
    parser.add_argument("--template", default=str(config.DEFAULT_CATALOGUE), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        place = places.find_place(args.place)
    except places.PlaceNotFound as exc:
        print(str(exc))
        return 2
    except FileNotFoundError as exc:
        print(f"Cannot look councils up: {exc}")
        return 2
    template = yaml.safe_load(Path(args.template).read_text(encoding="utf-8"))
    catalogue = build_catalogue(place, template)
    display = catalogue["place"]["name"]
    out = Path(args.out) if args.out else config.PROJECT_ROOT / "places" / slug(display) / "indicators.yaml"
    header = (f"# Catalogue for {display} ({place.code}), written by `python -m cohesion init --place "
              f"{args.place!r}`\n# from the shipped national lookups (data/national/PROVENANCE.csv). Edit freely; "
              "`python -m cohesion validate FILE` checks it.\n")
    try:
        write_catalogue(catalogue, out, header)
    except (ValueError, OSError) as exc:
        print(f"Nothing written: {exc}")
        return 1
    print(f"Wrote {out} for {display} ({place.code}): {place.type_name or 'council'}, {place.region_name}, "
          f"police force area {place.pfa_name}, community safety partnership {', '.join(place.csp_names) or 'unknown'}.")
    names = places.names(place.neighbours)
    print("Comparators: " + "; ".join(c["name"] for c in catalogue["place"]["comparators"]) + ".")
    if names:
        print("ONS geographic neighbours: " + ", ".join(names.values()) + ".")
    else:
        print("No ONS geographic neighbours are listed for this code (the list uses 2021 districts).")
    if not place.single_tier:
        print(f"{display} is a {place.type_name.lower() or 'district'}"
              f"{' in ' + place.county_name if place.county_name else ''}: the Community Life Survey local "
              "estimates cover single-tier authorities only.")
    empty = empty_measures(catalogue)
    if empty:
        print(f"These measures will be empty for {display} (no figure in the national tables):")
        for title in empty:
            print(f"  - {title}")
    print("Set place.postcode_area in the file before `geo fetch` (postcode lookups are fetched by area).")
    print(f"\nNext:\n  COHESION_CATALOGUE={out} python -m cohesion refresh\n"
          f"  COHESION_CATALOGUE={out} streamlit run dashboard.py")
    return 0

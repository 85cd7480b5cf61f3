"""Build the shipped national tables (`data/national/`) from the publishers' files.

`python -m cohesion national build [--from FOLDER]` reads the national folder of the reference
data (`COHESION_REFERENCE_DATA/national`, laid out as `cls_lof_single_tier/`, `aps_wellbeing/`,
`imd2025/`, `hate_crime_pfa/`, `lookups/`) through the national loaders and writes small tables
in the project's own form: only the columns needed, one `publication` per row saying which
publication and table the figure comes from, and `PROVENANCE.csv` with the publisher, licence,
attribution, courier and a checksum of each input. So `make run` on a fresh machine and
`cohesion init` work offline; rebuilding after a new release is this one command.

The tables are written to a temporary folder and moved into place together, so a failed build
leaves the previous tables untouched.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cohesion import config
from cohesion.loaders import national as loaders
from cohesion.loaders.errors import DataFileError

OGL = "Open Government Licence v3.0"
CC_BY = "Creative Commons Attribution 4.0 (CC BY 4.0)"
ONS_ATTRIBUTION = "Source: Office for National Statistics licensed under the Open Government Licence v3.0."
OGL_ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
TIDY_KEEP = ["measure", "period", "area_code", "area_name", "area_type", "breakdown", "value", "lower_ci",
             "upper_ci", "unit", "status_note", "publication"]
PROVENANCE = "PROVENANCE.csv"

# The publication of each CLS/LOF series (DCMS table numbers as given in the source file).
CLS_PUBLICATIONS = {
    "trust": "DCMS Community Life Survey 2024/25, local authority table B4c",
    "influence": "DCMS Community Life Survey 2024/25, local authority table B5c",
    "satisfied_local_area": "DCMS Community Life Survey 2024/25, local authority table B15c",
    "different_backgrounds": "DCMS Community Life Survey 2024/25, local authority table B6c",
    "loneliness_often_always": "DCMS Community Life Survey 2024/25, local authority table A1c",
    "volunteering_any_12m": "DCMS Community Life Survey 2024/25, local authority table C1c(F)",
    "arts_engagement_in_person": "DCMS Participation Survey 2023/24, local authority table A3",
    "flytipping_actions_per_incident": "Defra fly-tipping statistics for England 2024/25 (ratio of enforcement "
                                       "actions to incidents computed by the comparator author)",
}


@dataclass(frozen=True)
class Table:
    """One shipped table: its file, the inputs it is built from, and its provenance."""

    file: str
    inputs: tuple[str, ...]
    publisher: str
    publication: str
    url: str
    licence: str
    attribution: str
    courier: str


TABLES: dict[str, Table] = {
    "cls": Table(
        "cls_lof_single_tier.csv",
        ("cls_lof_single_tier/cls_lof_outcome12_single_tier_authorities.csv",
         "cls_lof_single_tier/cls_lof_outcome12_group_distribution_published.csv"),
        "Department for Culture, Media and Sport (Defra for fly-tipping)",
        "Community Life Survey 2024/25 local authority tables; Participation Survey 2023/24 table A3",
        "https://www.gov.uk/government/statistics/community-life-survey-202425-annual-publication", OGL,
        OGL_ATTRIBUTION + " (DCMS Community Life Survey 2024/25)",
        "NAdamsGHC/Economic-Intelligence @ 0167c406e44b62484fda4dea88a2583be135542a : performance-outcomes/"
        "lgof-comparator.html (values and group medians; not official statistics as assembled)"),
    "aps": Table(
        "aps_wellbeing.csv", ("aps_wellbeing/aps_personal_wellbeing_means_uk_areas_2011_12_to_2021_22.csv",),
        "Office for National Statistics", "Personal well-being in the UK, local authority estimates (Annual "
        "Population Survey), 2011/12 to 2021/22, as revised October 2022",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/wellbeing", OGL, ONS_ATTRIBUTION,
        "ONSvisual/ess-template @ 896130435a7b5cd5522690d047dacdb35a8a698a : annual-personal-wellbeing-estimates.csv"),
    "imd": Table(
        "imd2025_lad.csv", ("imd2025/imd2025_lad24_summaries.csv",),
        "Ministry of Housing, Communities and Local Government",
        "English Indices of Deprivation 2025, File 10 (v2) local authority district summaries",
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025", OGL,
        OGL_ATTRIBUTION + " English Indices of Deprivation 2025, MHCLG.",
        "humaniverse/IMD @ 2f6c9050afee99a40041eb63b02b6b0c58850704 : data/imd2025_england_ltla24.rda"),
    "hate": Table(
        "hate_crime_pfa.csv", ("hate_crime_pfa/hate_crime_by_pfa_and_strand_2017_18_to_2018_19.csv",),
        "Home Office", "Hate crime, England and Wales, 2018 to 2019 (bulletin 24/19), force-level figures",
        "https://www.gov.uk/government/statistics/hate-crime-england-and-wales-2018-to-2019", OGL,
        OGL_ATTRIBUTION + " (Home Office, Hate crime, England and Wales, 2018 to 2019)",
        "BBC-Data-Unit/hatecrime-2019 @ d3927caa0cf1569efc57aaa91714dadef6757fe8 : Hate crime.csv"),
    "places": Table(
        "places.csv", ("lookups/lad24_region24_lookup_england.csv", "lookups/lad24_csp24_pfa24_lookup_ew.csv"),
        "Office for National Statistics (Open Geography Portal)",
        "LAD (2024) to region; LAD to community safety partnership to police force area (December 2024)",
        "https://geoportal.statistics.gov.uk/", OGL,
        ONS_ATTRIBUTION + " Contains OS data © Crown copyright and database right 2024.",
        "humaniverse/geographr @ c026be5cc76cb576358082b53f1f13d69ab577ae"),
    "types": Table(
        "council_types.csv", ("lookups/uk_local_authorities_mysociety.csv",), "mySociety",
        "UK Local Authorities (past and current) v1.6.1", "https://github.com/mysociety/uk_local_authority_names_and_codes",
        CC_BY, "UK Local Authority Names and Codes, mySociety, CC BY 4.0.",
        "mysociety/uk_local_authority_names_and_codes @ 67ef8b118938678401a452f4f19f669a7221cc73"),
    "neighbours": Table(
        "neighbours.csv", ("lookups/lad21_geographic_neighbours_ons.csv",), "Office for National Statistics",
        "Local Authority Districts (2021) geographic neighbours (shared boundary, then nearby)",
        "https://github.com/ONSvisual/Local-Authority-Districts-2021-neighbours",
        OGL + " (normal for ONS material; the repository states no licence)", ONS_ATTRIBUTION,
        "ONSvisual/Local-Authority-Districts-2021-neighbours @ 83627aaad3dec42b866015411a4b7fb62c193b19 : data.json"),
}


def _strings(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataFileError(path, "file not found; expected the publisher's file at this path")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _tidy(frame: pd.DataFrame, publication: pd.Series | str) -> pd.DataFrame:
    return frame.assign(publication=publication)[TIDY_KEEP]


def build_cls(src: Path) -> pd.DataFrame:
    table = TABLES["cls"]
    estimates = loaders.load_cls_single_tier(src / table.inputs[0])
    medians = loaders.load_cls_group_medians(src / table.inputs[1])
    medians_pub = medians["measure"].map(CLS_PUBLICATIONS) + "; group median as published by the comparator author"
    return pd.concat([_tidy(estimates, estimates["measure"].map(CLS_PUBLICATIONS)), _tidy(medians, medians_pub)],
                     ignore_index=True)


APS_PUBLICATION = "ONS personal well-being, local authority estimates (APS), revised Oct 2022"


def build_aps(src: Path) -> pd.DataFrame:
    return _tidy(loaders.load_aps_uk_areas(src / TABLES["aps"].inputs[0]), APS_PUBLICATION)


def build_imd(src: Path) -> pd.DataFrame:
    return _tidy(loaders.load_imd2025_lad(src / TABLES["imd"].inputs[0]), TABLES["imd"].publication)


def build_hate(src: Path) -> pd.DataFrame:
    return _tidy(loaders.load_hate_crime_pfa(src / TABLES["hate"].inputs[0]), TABLES["hate"].publication)


def build_places(src: Path) -> pd.DataFrame:
    """One row per English LAD (2024): region, community safety partnership(s), police force."""
    region = _strings(src / TABLES["places"].inputs[0])
    csp = _strings(src / TABLES["places"].inputs[1])
    hate = build_hate(src)
    # The project's force code is derived from the Home Office force name, joined on the PFA code.
    hate_raw = _strings(src / TABLES["hate"].inputs[0])[["pfa_code", "pfa_name"]].drop_duplicates("pfa_code")
    force_code = dict(zip(hate_raw["pfa_code"], hate_raw["pfa_name"].map(lambda n: loaders.force_area(n)[0]),
                          strict=True))
    del hate
    csps = csp.groupby("lad24_code").agg(csp_codes=("csp24_code", ";".join), csp_names=("csp24_name", ";".join),
                                         pfa_code=("pfa24_code", "first"), pfa_name=("pfa24_name", "first"))
    out = region.rename(columns={"lad24_code": "code", "lad24_name": "name", "region24_code": "region_code",
                                 "region24_name": "region_name"}).merge(csps, left_on="code", right_index=True,
                                                                        how="left")
    out["force_code"] = out["pfa_code"].map(force_code).fillna("")
    return out.fillna("")


def build_types(src: Path) -> pd.DataFrame:
    raw = _strings(src / TABLES["types"].inputs[0])
    current = raw[(raw["current-authority"] == "True") & raw["gss-code"].str.startswith("E")]
    county = dict(zip(raw["local-authority-code"], raw["nice-name"], strict=True))
    county_gss = dict(zip(raw["local-authority-code"], raw["gss-code"], strict=True))
    return pd.DataFrame({
        "code": current["gss-code"], "nice_name": current["nice-name"], "official_name": current["official-name"],
        "type": current["local-authority-type"], "type_name": current["local-authority-type-name"],
        "county_code": current["county-la"].map(county_gss).fillna(""),
        "county_name": current["county-la"].map(county).fillna(""),
    }).sort_values("code")


def build_neighbours(src: Path) -> pd.DataFrame:
    raw = _strings(src / TABLES["neighbours"].inputs[0])
    return raw[raw["lad21_code"].str.startswith("E") & raw["neighbour_lad21_code"].str.startswith("E")]


BUILDERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "cls": build_cls, "aps": build_aps, "imd": build_imd, "hate": build_hate, "places": build_places,
    "types": build_types, "neighbours": build_neighbours,
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(source: Path, dest: Path, report: Callable[[str], None] = print) -> list[str]:
    """Rebuild every table from `source` into `dest`. Returns the problems (empty = all built).

    All or nothing: if any table fails, nothing in `dest` changes.
    """
    problems, built, provenance = [], {}, []
    for key, builder in BUILDERS.items():
        table = TABLES[key]
        try:
            frame = builder(source)
        except (DataFileError, KeyError, ValueError) as exc:
            problems.append(f"{table.file}: {exc}")
            continue
        built[table.file] = frame
        provenance.append({
            "file": table.file, "rows": len(frame), "publisher": table.publisher, "publication": table.publication,
            "url": table.url, "licence": table.licence, "attribution": table.attribution, "courier": table.courier,
            "built_from": "; ".join(f"national/{i}" for i in table.inputs),
            "input_sha256": "; ".join(_sha256(source / i)[:16] for i in table.inputs),
        })
        report(f"{table.file}: {len(frame):,} rows from {', '.join(table.inputs)}")
    if problems:
        return problems
    dest.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=dest))
    try:
        for name, frame in built.items():
            frame.to_csv(work / name, index=False, float_format="%.10g")
        pd.DataFrame(provenance).to_csv(work / PROVENANCE, index=False)
        for name in [*built, PROVENANCE]:
            os.replace(work / name, dest / name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return []


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m cohesion national",
                                     description="rebuild data/national/ from the publishers' files")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build")
    p.add_argument("--from", dest="source", default=None,
                   help="the publishers' national folder (default: COHESION_REFERENCE_DATA/national)")
    p.add_argument("--to", default=None, help="output folder (default: data/national)")
    args = parser.parse_args(argv)
    if args.source:
        source = Path(args.source).resolve()
    else:
        ref = config.reference_dir()
        if ref is None:
            print(f"No publishers' files: set {config.ENV_REFERENCE_DIR} or pass --from FOLDER "
                  "(a folder holding cls_lof_single_tier/, aps_wellbeing/, imd2025/, hate_crime_pfa/, lookups/).")
            return 2
        source = ref / "national"
    dest = Path(args.to).resolve() if args.to else config.national_dir()
    print(f"Building national tables from {source} into {dest}")
    problems = build(source, dest)
    if problems:
        print(f"\nNothing changed: {len(problems)} problem(s):")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(f"Done. Provenance and licences: {dest / PROVENANCE}")
    return 0

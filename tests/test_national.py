"""National tables: the publishers' real files through the real loaders, the shipped tables, the
places lookup, `cohesion init`, and the comparison with peers (worked examples)."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohesion import config, tidy
from cohesion.catalogue import load_catalogue
from cohesion.cli import main as cli_main
from cohesion.loaders import national as loaders
from cohesion.loaders.errors import DataFileError
from cohesion.national import build, compare, places

NATIONAL = config.national_dir()


def one(frame: pd.DataFrame, **where: str) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= frame[column].to_numpy() == value
    rows = frame[mask]
    assert len(rows) == 1, (where, len(rows))
    return rows.iloc[0]


# --------------------------------------------------------------------------- publishers' files


@pytest.mark.reference
def test_cls_single_tier_real_file(reference_data: Path) -> None:
    src = reference_data / "national" / build.TABLES["cls"].inputs[0]
    out = loaders.load_cls_single_tier(src)
    assert tidy.check_tidy(out) == []
    assert len(out) == 8 * 132 and out["area_code"].nunique() == 132
    stoke = one(out, area_code="E06000021", measure="satisfied_local_area")
    assert (stoke["value"], stoke["lower_ci"], stoke["upper_ci"]) == (57.7336, 52.9746, 62.3531)
    assert "E08000016" in set(out["area_code"]) and "E08000038" not in set(out["area_code"])  # Barnsley, LAD 2024
    missing = out[out["value"].isna()]
    assert len(missing) == 2 and (missing["status_note"] != "").all()  # fly-tipping gaps keep their reason
    medians = loaders.load_cls_group_medians(reference_data / "national" / build.TABLES["cls"].inputs[1])
    assert one(medians, area_code="STMEDIAN", measure="satisfied_local_area", period="2024/25")["value"] == 70.0285
    # The published median equals the median of the 132 estimates (as the source's checks say).
    sat = out[(out["measure"] == "satisfied_local_area")]
    assert round(float(sat["value"].median()), 4) == 70.0285


@pytest.mark.reference
def test_aps_hate_imd_real_files(reference_data: Path) -> None:
    root = reference_data / "national"
    aps = loaders.load_aps_uk_areas(root / build.TABLES["aps"].inputs[0])
    assert len(aps) == 18436 and aps["area_code"].nunique() == 419
    life = one(aps, area_code="E06000021", measure="life_satisfaction", period="2020/21")
    assert (life["value"], life["lower_ci"], life["upper_ci"]) == (7.40, 7.21, 7.58)
    notes = aps.loc[aps["value"].isna(), "status_note"].value_counts()
    assert notes.sum() == 376 + 76 and len(notes) == 2  # 'x' not available and 'u' low reliability stay distinct
    hate = loaders.load_hate_crime_pfa(root / build.TABLES["hate"].inputs[0])
    assert one(hate, area_code="force:staffordshire", period="2017/18", breakdown="",
               measure="hate_crime_offences")["value"] == 1578
    assert one(hate, area_code="force:greater-manchester", period="2018/19", breakdown="",
               measure="hate_crime_offences")["value"] == 8984
    assert one(hate, area_code="force:staffordshire", period="2018/19", breakdown="strand=Race")["value"] == 1159
    assert hate["area_code"].nunique() == 43
    imd = loaders.load_imd2025_lad(root / build.TABLES["imd"].inputs[0])
    assert one(imd, area_code="E06000021", measure="imd2025_average_score")["value"] == 33.614
    assert one(imd, area_code="E06000021", measure="imd2025_rank_of_average_score")["value"] == 21
    assert round(one(imd, area_code="E06000021", measure="imd2025_share_lsoas_most_deprived_10pct")["value"], 2) == 28.83


@pytest.mark.reference
def test_shipped_tables_are_what_the_build_makes(reference_data: Path, tmp_path: Path) -> None:
    problems = build.build(reference_data / "national", tmp_path, report=lambda _m: None)
    assert problems == []
    for table in build.TABLES.values():
        assert (tmp_path / table.file).read_bytes() == (NATIONAL / table.file).read_bytes(), table.file
    provenance = pd.read_csv(NATIONAL / build.PROVENANCE)
    assert set(provenance["file"]) == {t.file for t in build.TABLES.values()}
    assert provenance.loc[provenance["file"] == "council_types.csv", "licence"].item().startswith("Creative Commons")
    assert (provenance.drop(columns="file").loc[provenance["file"] != "council_types.csv", "licence"]
            .str.startswith("Open Government Licence").all())


def test_build_with_a_missing_file_changes_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "places.csv").write_text("old\n", encoding="utf-8")
    problems = build.build(tmp_path / "nowhere", dest, report=lambda _m: None)
    assert problems and "file not found" in problems[0]
    assert (dest / "places.csv").read_text(encoding="utf-8") == "old\n"


def test_shipped_table_refuses_an_unexplained_gap(tmp_path: Path) -> None:
    bad = tmp_path / "t.csv"
    bad.write_text("measure,period,area_code,area_name,area_type,value,lower_ci,upper_ci,unit,status_note\n"
                   "trust,2024/25,E06000001,Hartlepool,local_authority,,,,%,\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"t.csv, row 2, column 'status_note': value is empty"):
        loaders.load_national_table(bad)


# --------------------------------------------------------------------------- places and init


@pytest.mark.parametrize("query, code", [
    ("Gateshead", "E08000037"), ("e08000037", "E08000037"), ("Kingston upon Hull", "E06000010"),
    ("King's Lynn and West Norfolk", "E07000146"), ("kings lynn & west norfolk", "E07000146"),
    ("Bristol", "E06000023"), ("Newcastle-under-Lyme", "E07000195"), ("  camden ", "E09000007"),
])
def test_find_place_by_code_or_name(query: str, code: str) -> None:
    assert places.find_place(query).code == code


def test_unknown_name_gets_the_closest_matches() -> None:
    with pytest.raises(places.PlaceNotFound) as caught:
        places.find_place("Gatesheed")
    assert caught.value.suggestions == ["Gateshead"]
    assert str(caught.value) == "No English council called or coded 'Gatesheed'. Did you mean: Gateshead?"


def test_peer_groups() -> None:
    camden, hull = places.find_place("Camden"), places.find_place("E06000010")
    assert len(places.peer_codes(camden, "single_tier")) == 132
    assert len(places.peer_codes(camden, "single_tier_excl_london")) == 99
    assert camden.london and not hull.london and hull.single_tier
    assert compare.group_members(hull, "neighbours")[:3] == ["E06000011", "E06000013", "E06000012"]
    assert "E06000010" not in compare.group_members(hull, "neighbours")
    assert places.find_place("Stafford").type == "NMD" and not places.find_place("Stafford").single_tier


def run_cli(*argv: str) -> tuple[int, str]:
    with redirect_stdout(io.StringIO()) as out:
        code = cli_main(list(argv))
    return code, out.getvalue()


def test_init_for_a_county_district_names_the_empty_measures(tmp_path: Path) -> None:
    out = tmp_path / "kl" / "indicators.yaml"
    code, printed = run_cli("init", "--place", "King's Lynn & West Norfolk", "--out", str(out))
    assert code == 0, printed
    catalogue = load_catalogue(out)
    assert catalogue.place.name == "King's Lynn and West Norfolk" and catalogue.place.code == "E07000146"
    assert catalogue.place.police_force.code == "force:norfolk"
    assert {c.id for c in catalogue.place.comparators} == {"england", "region", "region_median", "neighbours_median"}
    assert "non-metropolitan district in Norfolk" in printed
    assert "  - Satisfied with the local area as a place to live" in printed
    assert "Life satisfaction" not in printed.split("will be empty")[1]  # ONS well-being covers districts
    text = out.read_text(encoding="utf-8")
    template = load_catalogue(config.DEFAULT_CATALOGUE).place
    assert template.name not in text and template.police_force.name not in text


def test_init_unknown_place(tmp_path: Path) -> None:
    code, printed = run_cli("init", "--place", "Gatesheed", "--out", str(tmp_path / "x.yaml"))
    assert code == 2 and printed.strip() == "No English council called or coded 'Gatesheed'. Did you mean: Gateshead?"
    assert not (tmp_path / "x.yaml").exists()


# --------------------------------------------------------------------------- compare


@pytest.fixture(scope="module")
def stoke_store(tmp_path_factory: pytest.TempPathFactory):
    import os
    import shutil

    from cohesion import store
    from cohesion.refresh import refresh

    data = tmp_path_factory.mktemp("cmp") / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("processed", "meetings"))
    old = os.environ.get(config.ENV_DATA_DIR)
    os.environ[config.ENV_DATA_DIR] = str(data)
    try:
        refresh(progress=lambda _m: None)
        yield load_catalogue(config.CATALOGUE_PATH), store.read_observations()
    finally:
        os.environ.pop(config.ENV_DATA_DIR) if old is None else os.environ.__setitem__(config.ENV_DATA_DIR, old)


def test_compare_sentence_worked_example(stoke_store) -> None:
    catalogue, observations = stoke_store
    result = compare.compare(catalogue, observations, "satisfied_local_area", "single_tier")
    # DCMS CLS 2024/25: 57.7% (95% CI 53.0 to 62.4); median of the 132 published as 70.0285.
    assert result.sentence == ("Stoke-on-Trent is significantly below the median of the 132 English single-tier "
                               "authorities (57.7% against 70.0% in 2024/25); 9 of the other 131 are lower.")
    assert result.median == pytest.approx(70.0285) and result.group_size == 132
    assert result.table.iloc[9]["area_code"] == catalogue.place.code and result.table.iloc[9]["rank"] == 10
    assert (result.table["role"] == "this council").sum() == 1
    chart = compare.chart(result, catalogue.place.name).to_dict()
    assert len(chart["layer"]) == 5  # intervals, dots, the council on top and its label, the median line
    assert chart["title"]["text"] == "Dashed line: median of the 132 English single-tier authorities, 70.0%"
    download = compare.download_table(result, catalogue)
    assert list(download.columns[:3]) == ["rank", "role", "peer_group"] and "licence" in download
    assert download["licence"].eq("Open Government Licence v3.0").all()


def test_benchmark_against_a_peer_group(stoke_store) -> None:
    from datetime import date

    from cohesion.catalogue.models import BenchmarkRule
    from cohesion.status.engine import assess_all

    catalogue, observations = stoke_store
    swapped = catalogue.model_copy(update={"indicators": [
        i.model_copy(update={"status": BenchmarkRule(rule="benchmark", comparator="neighbours_median")})
        if i.id == "satisfied_local_area" else i for i in catalogue.indicators]})
    result = assess_all(swapped, observations, today=date(2026, 11, 30))["satisfied_local_area"]
    neighbours = compare.group_members(places.find_place(catalogue.place.code), "neighbours")
    rows = observations[(observations["indicator_id"] == "satisfied_local_area")
                        & observations["area_code"].isin(neighbours)]
    assert result.status == "Red" and result.figures["comparator_value"] == pytest.approx(rows["value"].median())
    assert "significantly below the median of Stoke-on-Trent's ONS geographic neighbours" in result.sentence


def test_comparable_measures_are_the_national_ones(stoke_store) -> None:
    catalogue, observations = stoke_store
    ids = [i.id for i in compare.comparable_indicators(catalogue, observations)]
    assert {"satisfied_local_area", "life_satisfaction", "happiness", "worthwhile", "anxiety"} <= set(ids)
    assert "wellbeing_different_backgrounds" not in ids  # a comparator measure is not the council's own question
    assert compare.deprivation_context("E06000021", "Stoke-on-Trent").startswith(
        "Deprivation context: Stoke-on-Trent's average IMD 2025 score is 33.6, ranked 21 of 296")

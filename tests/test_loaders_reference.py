"""The publisher-format loaders on the real published files (the reference data folder).

Each expected figure is the one the publisher printed (see the folder's SOURCE.md files).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from cohesion import tidy
from cohesion.loaders.aps_wellbeing import load_aps_wellbeing
from cohesion.loaders.cls_estimates import load_cls_estimates
from cohesion.loaders.home_office import load_hate_crime
from tests.test_loaders_formats import one

pytestmark = pytest.mark.reference

HATE = "indicators/hate_crime_home_office"


value = one  # the row-picking helper shared with the format tests


@pytest.fixture(scope="module")
def bbc(reference_data: Path) -> pd.DataFrame:
    return load_hate_crime(reference_data / HATE / "hate_crime_by_force_2017_18_to_2018_19_staffordshire.csv")


@pytest.fixture(scope="module")
def bulletin(reference_data: Path) -> pd.DataFrame:
    return load_hate_crime(reference_data / "indicators/format_fixtures/hate-crime-1819-hosb2419-tables.ods")


@pytest.fixture(scope="module")
def excl_met(reference_data: Path) -> pd.DataFrame:
    return load_hate_crime(reference_data / HATE / "hate_crime_england_wales_excl_met_by_strand_2011_12_to_2024_25.csv")


def test_staffordshire_offences_and_factors(bbc: pd.DataFrame) -> None:
    assert tidy.check_tidy(bbc) == []
    staffs = bbc[bbc["area_code"] == "force:staffordshire"]
    assert set(staffs["area_name"]) == {"Staffordshire"} and set(staffs["area_type"]) == {"police_force_area"}
    offences = staffs[(staffs["measure"] == "hate_crime_offences") & (staffs["breakdown"] == "")]
    assert dict(zip(offences["period"], offences["value"], strict=True)) == {"2017/18": 1578, "2018/19": 1570}
    assert set(offences["denominator"]) == {1131100}
    factors = staffs[staffs["measure"] == "hate_crime_motivating_factors"]
    assert dict(zip(factors["period"], factors["value"], strict=True)) == {"2017/18": 1654, "2018/19": 1625}
    assert factors["denominator"].isna().all()
    strands = staffs[staffs["breakdown"].str.startswith("strand=")]
    assert set(strands["breakdown"]) == {f"strand={s}" for s in
                                         ["Race", "Religion", "Sexual orientation", "Disability", "Transgender"]}
    assert value(staffs, period="2017/18", breakdown="strand=Religion")["value"] == 57  # "Total Religion"
    # strands overlap: they add to motivating factors, more than offences
    assert strands[strands["period"] == "2017/18"]["value"].sum() == 1654


def test_bulletin_ods_race_and_na(bulletin: pd.DataFrame) -> None:
    assert tidy.check_tidy(bulletin) == []
    assert set(bulletin["area_code"]) == {"K04000001"}
    assert value(bulletin, period="2011/12", breakdown="strand=Race")["value"] == 35944
    # "2017/183" header (footnote 3 glued on) reads as 2017/18
    assert value(bulletin, period="2017/18", breakdown="strand=Race")["value"] == 71264
    assert "2017/183" not in set(bulletin["period"])
    missing = value(bulletin, period="2011/12", measure="hate_crime_offences", breakdown="")
    assert math.isnan(missing["value"]) and missing["status_note"].startswith("N/A")
    assert value(bulletin, period="2018/19", measure="hate_crime_offences", breakdown="")["value"] == 103379
    assert value(bulletin, period="2018/19", measure="hate_crime_motivating_factors")["value"] == 112637


def test_bulletin_ods_matches_its_long_csv_copy(bulletin: pd.DataFrame, reference_data: Path) -> None:
    long = load_hate_crime(reference_data / HATE / "hate_crime_england_wales_by_strand_2011_12_to_2018_19.csv")
    key = ["measure", "period", "breakdown"]
    merged = bulletin.merge(long, on=key, suffixes=("_ods", "_csv"))
    assert len(merged) == len(bulletin) == len(long) == 56
    both = merged.dropna(subset=["value_ods"])
    assert (both["value_ods"] == both["value_csv"]).all()
    assert merged["value_csv"].isna().sum() == merged["value_ods"].isna().sum() == 1


def test_england_wales_excluding_met(excl_met: pd.DataFrame) -> None:
    assert tidy.check_tidy(excl_met) == []
    assert set(excl_met["area_code"]) == {"K04000001-xMPS"}
    assert set(excl_met["area_type"]) == {"country_group_excl_met"}
    assert set(excl_met["area_name"]) == {"England and Wales excluding Metropolitan Police"}
    total = excl_met[(excl_met["measure"] == "hate_crime_offences") & (excl_met["breakdown"] == "")]
    assert value(total, period="2018/19")["value"] == 86593
    assert value(total, period="2024/25")["value"] == 115990
    gap = excl_met[excl_met["period"] == "2019/20"]
    assert len(gap) == 6 and gap["value"].isna().all()  # missing, not zero
    assert (gap["status_note"].str.contains("missing in third-party extraction")).all()


@pytest.fixture(scope="module")
def stoke_cls(reference_data: Path) -> pd.DataFrame:
    return load_cls_estimates(reference_data / "indicators/lof_neighbourhoods/"
                              "lof_outcome12_stoke_on_trent_vs_single_tier_2024_25.csv")


def test_cls_stoke_2024_25(stoke_cls: pd.DataFrame) -> None:
    assert tidy.check_tidy(stoke_cls) == []
    la = stoke_cls[stoke_cls["area_code"] == "E06000021"].set_index("measure")
    satisfied = la.loc["satisfied_local_area"]
    assert satisfied["period"] == "2024/25" and satisfied["unit"] == "%"
    assert (round(satisfied["value"], 1), round(satisfied["lower_ci"], 1), round(satisfied["upper_ci"], 1)) == \
        (57.7, 53.0, 62.4)
    assert round(la.loc["different_backgrounds", "value"], 1) == 69.5
    assert round(la.loc["influence", "value"], 1) == 24.5
    assert round(la.loc["loneliness_often_always", "value"], 1) == 8.7
    for key in ["trust", "volunteering_any_12m", "arts_engagement_in_person"]:
        assert key in la.index
    median = value(stoke_cls, area_code="STMEDIAN", measure="satisfied_local_area")
    assert round(median["value"], 1) == 70.0 and median["area_type"] == "comparator_median"
    assert median["area_name"] == "Median of the 132 English single-tier authorities"


def test_cls_england_breaks(reference_data: Path) -> None:
    eng = load_cls_estimates(reference_data / "indicators/community_life_survey_england/"
                             "community_life_survey_england_headline_page_figures.csv")
    assert tidy.check_tidy(eng) == []
    assert set(eng["area_code"]) == {"E92000001"}
    assert {"different_backgrounds", "influence", "satisfied_local_area", "pull_together",
            "belong_neighbourhood", "loneliness_often_always", "loneliness_indirect_high"} == set(eng["measure"])
    breaks = eng[eng["series_break"] != ""]
    assert set(zip(breaks["measure"], breaks["period"], strict=True)) == {
        ("different_backgrounds", "2016/17"),  # face-to-face -> push-to-web
        ("satisfied_local_area", "2019/20"),  # first push-to-web year published for this measure
        ("influence", "2016/17"),
        ("belong_neighbourhood", "2023/24"),  # boosted redesign
    }
    assert value(eng, measure="different_backgrounds", period="2012/13")["value"] == 87


def test_aps_explorer_long_file(reference_data: Path) -> None:
    out = load_aps_wellbeing(reference_data / "indicators/aps_wellbeing/"
                             "aps_personal_wellbeing_means_2020_21_ons_subnational_explorer_stoke_and_staffs_districts.csv")
    assert tidy.check_tidy(out) == []
    stoke = out[out["area_code"] == "E06000021"].set_index("measure")["value"]
    assert stoke.to_dict() == {"life_satisfaction": 7.39, "worthwhile": 7.71, "happiness": 7.32, "anxiety": 3.06}
    assert set(out["unit"]) == {"mean score (0-10)"} and set(out["period"]) == {"2020/21"}


def test_aps_time_series_file(reference_data: Path) -> None:
    out = load_aps_wellbeing(reference_data / "indicators/aps_wellbeing/"
                             "aps_personal_wellbeing_means_stoke_staffs_wm_england_2011_12_to_2021_22.csv")
    assert tidy.check_tidy(out) == []
    assert value(out, area_code="E92000001", measure="life_satisfaction", period="2011/12")["value"] == 7.41
    assert value(out, area_code="E06000021", measure="life_satisfaction", period="2020/21")["value"] == 7.40
    assert "happiness" not in set(out["measure"])  # dropped from this file at source (merge error)
    assert set(out["period"]) == {f"{y}/{(y + 1) % 100:02d}" for y in range(2011, 2022)}
    assert value(out, area_code="E06000021", measure="anxiety", period="2020/21")["area_type"] == "local_authority"

"""Publisher-format loaders on small inline files: layouts, markers, breaks and the Wilson interval.

Inline numbers are either copied from the real published files (noted where so) or small
synthetic figures that exist only to exercise the parser.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from cohesion import tidy
from cohesion.loaders import common
from cohesion.loaders.aps_wellbeing import load_aps_wellbeing
from cohesion.loaders.cls_estimates import load_cls_estimates, survey_mode
from cohesion.loaders.errors import DataFileError
from cohesion.loaders.home_office import force_area, load_hate_crime
from cohesion.loaders.police_local import load_police_counts
from cohesion.loaders.registry import get_loader
from cohesion.loaders.wellbeing_survey import MIN_BASE_N, SUPPRESSED_NOTE, load_wellbeing_survey


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def one(frame: pd.DataFrame, **where: str) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for col, val in where.items():
        mask &= frame[col] == val
    rows = frame[mask]
    assert len(rows) == 1, f"expected one row for {where}, got {len(rows)}"
    return rows.iloc[0]


# --- common helpers -------------------------------------------------------------------------

def test_wilson_interval_worked_example() -> None:
    # 45 of 100: p = 0.45, z = 1.96. centre = (0.45 + 1.96^2/200) / (1 + 1.96^2/100) = 0.4519;
    # half-width = 1.96 * sqrt(0.45*0.55/100 + 1.96^2/40000) / 1.0384 = 0.0957 -> 35.6% to 54.8%.
    lower, upper = common.wilson_interval(45, 100)
    assert round(lower, 1) == 35.6 and round(upper, 1) == 54.8


def test_wilson_interval_matches_scipy_and_stays_in_range() -> None:
    from scipy.stats import binomtest

    for k, n in [(45, 100), (3, 31), (120, 400), (0, 50), (50, 50)]:
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        lower, upper = common.wilson_interval(k, n)
        assert lower == pytest.approx(100 * ci.low, abs=1e-9)
        assert upper == pytest.approx(100 * ci.high, abs=1e-9)
        assert 0 <= lower <= upper <= 100
    assert all(math.isnan(x) for x in common.wilson_interval(0, 0))


@pytest.mark.parametrize(("label", "expected"), [
    ("Hate crime strand1,2", "Hate crime strand"),
    ("Other notifiable offences4", "Other notifiable offences"),
    ("Race [note 3]", "Race"),
    ("2017/183", "2017/183"),  # years keep their digits; tidy.financial_year drops the footnote
    ("Covid 19", "Covid 19"),
])
def test_clean_label_strips_glued_footnotes(label: str, expected: str) -> None:
    assert common.clean_label(label) == expected


def test_parse_cell_keeps_missing_reasons() -> None:
    assert common.parse_cell("35,944") == (35944.0, "")
    assert common.parse_cell("1,234 [note 3]") == (1234.0, "")
    value, reason = common.parse_cell("[c]")
    assert math.isnan(value) and "confidential" in reason
    value, reason = common.parse_cell("[note 5]")
    assert math.isnan(value) and "footnote" in reason


@pytest.mark.parametrize(("period", "ok"), [
    ("2025-06", True), ("2024/25", True), ("2025", True), ("2024-25", False), ("2024/26", False),
    ("2025-13", False), ("June 2025", False),
])
def test_check_period(period: str, ok: bool) -> None:
    assert (common.check_period(period) is None) is ok


def test_registry_resolves_these_loaders() -> None:
    for name in ["home_office_hate_crime", "police_local_counts", "cls_local_estimates",
                 "ons_aps_wellbeing", "wellbeing_survey"]:
        assert callable(get_loader(name))


# --- Home Office hate crime -----------------------------------------------------------------

def test_force_names_normalise_to_one_code() -> None:
    assert force_area("Staffordshire Police")[0] == force_area("Staffordshire")[0] == "force:staffordshire"
    assert force_area("England and Wales")[0] == "K04000001"
    assert force_area("England and Wales excluding Metropolitan Police")[0] == "K04000001-xMPS"


def test_bbc_layout_population_and_missing(tmp_path: Path) -> None:
    # Staffordshire row copied from the BBC file; the "#N/A" population row is the BBC's City
    # of London style, with synthetic counts.
    path = write(tmp_path, "bbc.csv",
                 'Force,Year,Race,Total Religion,Sexual orientation,Disability,Transgender,'
                 'Total number of motivating factors,Total number of offences,Population,"Offences per 100,000 pop"\r\n'
                 'Staffordshire,2017-18,1198,57,210,156,33,1654,1578,"1,131,100",140\r\n'
                 '"London, City of",2017-18,5,1,2,0,0,8,7,#N/A,#N/A\r\n')
    out = load_hate_crime(path)
    assert tidy.check_tidy(out) == []
    total = one(out, area_code="force:staffordshire", measure="hate_crime_offences", breakdown="")
    assert total["value"] == 1578 and total["denominator"] == 1131100 and total["period"] == "2017/18"
    assert one(out, area_code="force:staffordshire", breakdown="strand=Religion")["value"] == 57
    city = one(out, area_code="force:london-city-of", measure="hate_crime_offences", breakdown="")
    assert city["value"] == 7 and math.isnan(city["denominator"])
    # strands are not summed into the total, and factors are their own measure
    assert one(out, area_code="force:staffordshire", measure="hate_crime_motivating_factors")["value"] == 1654


def test_long_layout_keeps_status_text(tmp_path: Path) -> None:
    path = write(tmp_path, "long.csv",
                 "area_name,area_type,financial_year,measure,value,status\n"
                 "England and Wales,country_group,2011/12,Total number of offences,,not available (published as N/A)\n"
                 "England and Wales,country_group,2012/13,Total number of offences,42255,\n"
                 "England and Wales,country_group,2012/13,% change,3.1,\n")
    out = load_hate_crime(path)
    assert len(out) == 2  # the unknown "% change" measure is skipped
    missing = one(out, period="2011/12")
    assert math.isnan(missing["value"]) and missing["status_note"] == "not available (published as N/A)"


def _bulletin_workbook(path: Path, title: str, race_cells: list[object]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Cover"
    ws.append(["Hate crime tables"])
    table = wb.create_sheet("2")
    for row in [[title], [], ["Numbers", None, None, "England and Wales, recorded crime"],
                ["Hate crime strand [note 1]", "2018/19", "2019/20 [note 2]", "2020/21",
                 "% change 2019/20 to 2020/21"],
                [], ["Race", *race_cells, 1.0], ["Total number of offences", "86,593", "[x]", "99,813", 2.0],
                ["Source: Police recorded crime, Home Office"]]:
        table.append(row)
    wb.save(path)
    return path


def test_bulletin_workbook_markers_and_excl_met_title(tmp_path: Path) -> None:
    # 2018/19 and 2020/21 figures are the published England and Wales excl. Met series; the
    # [x] and [c] markers are placed to exercise the parser.
    path = _bulletin_workbook(tmp_path / "tables.xlsx",
                              "Table 2a: Hate crimes, excluding the Metropolitan Police, by strand",
                              ["62,992", "[c]", 71995])
    out = load_hate_crime(path)
    assert set(out["area_code"]) == {"K04000001-xMPS"}
    assert set(out["period"]) == {"2018/19", "2019/20", "2020/21"}  # "% change" column skipped
    assert one(out, breakdown="strand=Race", period="2018/19")["value"] == 62992
    suppressed = one(out, breakdown="strand=Race", period="2019/20")
    assert math.isnan(suppressed["value"]) and "confidential" in suppressed["status_note"]
    not_available = one(out, breakdown="", period="2019/20")
    assert math.isnan(not_available["value"]) and not_available["status_note"].startswith("[x]")


def test_unrecognised_hate_crime_csv(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not a recognised hate crime layout"):
        load_hate_crime(write(tmp_path, "x.csv", "a,b\n1,2\n"))


# --- police local counts --------------------------------------------------------------------

POLICE_HEADER = "period,area_type,area_code,area_name,measure,strand,count,population,note\n"


def test_police_counts_template_layout(tmp_path: Path) -> None:
    path = write(tmp_path, "police.csv", POLICE_HEADER +
                 "2025-04,force,,Testshire Police,hate_crimes,All,12,1000,\n"
                 "2025-04,force,,Testshire Police,hate_crimes,race,9,1000,\n"
                 "2025/26,csp,TESTCSP,Test CSP,hate_incidents,All,*,,provisional\n"
                 "2025,ward,TESTW01,Test ward,hate_crimes,Disability,\"1,204\",,\n")
    out = load_police_counts(path)
    assert tidy.check_tidy(out) == []
    force = one(out, area_code="force:testshire", breakdown="")
    assert force["measure"] == "police_hate_crimes" and force["area_type"] == "police_force_area"
    assert force["value"] == 12 and force["denominator"] == 1000
    assert one(out, breakdown="strand=Race")["value"] == 9
    csp = one(out, area_code="TESTCSP")
    assert csp["measure"] == "police_hate_incidents" and csp["area_type"] == "community_safety_partnership"
    assert math.isnan(csp["value"]) and "suppressed" in csp["status_note"] and "provisional" in csp["status_note"]
    assert one(out, area_code="TESTW01")["value"] == 1204
    assert str(one(out, area_code="TESTCSP")["period_end"].date()) == "2026-03-31"
    assert str(force["period_end"].date()) == "2025-04-30"  # a month, not the year to March 2026
    assert str(one(out, area_code="TESTW01")["period_end"].date()) == "2025-12-31"


def test_police_template_file_is_refused_until_examples_removed() -> None:
    template = Path(__file__).resolve().parents[1] / "data" / "templates" / "police_counts_template.csv"
    with pytest.raises(DataFileError, match="EXAMPLE row"):
        load_police_counts(template)


# --- Community Life Survey ------------------------------------------------------------------

def test_cls_la_layout_gives_median_comparator(tmp_path: Path) -> None:
    path = write(tmp_path, "la.csv",
                 "area_code,area_name,metric_key,measure,period,value,lower_95,upper_95,unit,"
                 "single_tier_median,comparator_universe\n"
                 "E06000021,Stoke-on-Trent,trust,x,2024/25,29.262,25.1407,33.7542,%,35.8435,"
                 "132 English single-tier authorities\n"
                 "E06000021,Stoke-on-Trent,pull_together,x,2024/25,,,,%,,132 English single-tier authorities\n")
    out = load_cls_estimates(path)
    la = one(out, measure="trust", area_code="E06000021")
    assert (la["value"], la["lower_ci"], la["upper_ci"]) == (29.262, 25.1407, 33.7542)
    median = one(out, measure="trust", area_code="STMEDIAN")
    assert median["area_type"] == "comparator_median" and median["value"] == 35.8435
    assert median["area_name"] == "Median of the 132 English single-tier authorities"
    assert math.isnan(median["lower_ci"])
    blank = one(out, measure="pull_together", area_code="E06000021")
    assert math.isnan(blank["value"]) and blank["status_note"] == "blank in source"


def test_cls_england_records_mode_breaks_without_smoothing(tmp_path: Path) -> None:
    path = write(tmp_path, "eng.csv",
                 "area_code,area_name,measure_key,period_financial_year,value,mode_and_comparability_note\n"
                 "E92000001,England,cohesion_different_backgrounds,2012/13,87,face-to-face\n"
                 "E92000001,England,cohesion_different_backgrounds,2014/15,86,face-to-face\n"
                 "E92000001,England,cohesion_different_backgrounds,2016/17,81,push-to-web\n"
                 "E92000001,England,cohesion_different_backgrounds,2020/21,83,push-to-web\n"
                 "E92000001,England,cohesion_different_backgrounds,2023/24,80,boosted\n")
    out = load_cls_estimates(path).set_index("period")
    assert set(out["measure"]) == {"different_backgrounds"}
    assert out.loc["2012/13", "series_break"] == "" and out.loc["2014/15", "series_break"] == ""
    assert "2016/17" in out.loc["2016/17", "series_break"] and "push-to-web" in out.loc["2016/17", "series_break"]
    assert out.loc["2020/21", "series_break"] == ""
    assert "2023/24" in out.loc["2023/24", "series_break"]
    assert out.loc["2016/17", "value"] == 81  # values are as published


def test_survey_mode_eras() -> None:
    assert [survey_mode(p) for p in ["2012/13", "2015/16", "2016/17", "2022/23", "2023/24"]] == [0, 0, 1, 1, 2]


# --- ONS personal well-being ----------------------------------------------------------------

def test_aps_cmd_time_series(tmp_path: Path) -> None:
    # Layout of the ONS CMD wellbeing-local-authority CSV; values are synthetic except 7.39.
    path = write(tmp_path, "cmd.csv",
                 "v4_3,Data Marking,Lower limit,Upper limit,Time,yyyy-yy,administrative-geography,Geography,"
                 "wellbeing-estimate,Estimate,measure-of-wellbeing,MeasureOfWellbeing\n"
                 "7.39,,7.1,7.6,2020-21,2020-21,E06000021,Stoke-on-Trent,average-mean,Average (mean),"
                 "life-satisfaction,Life satisfaction\n"
                 "12.5,,,,2020-21,2020-21,E06000021,Stoke-on-Trent,poor,Poor,life-satisfaction,Life satisfaction\n"
                 ",[u],,,2022-23,2022-23,E09000001,City of London,average-mean,Average (mean),anxiety,Anxiety\n")
    out = load_aps_wellbeing(path)
    assert len(out) == 2  # the threshold band row is skipped
    stoke = one(out, area_code="E06000021")
    assert (stoke["measure"], stoke["period"], stoke["value"]) == ("life_satisfaction", "2020/21", 7.39)
    assert stoke["unit"] == "mean score (0-10)" and stoke["area_type"] == "local_authority"
    city = one(out, area_code="E09000001")
    assert city["period"] == "2022/23" and math.isnan(city["value"]) and "low reliability" in city["status_note"]


def test_aps_subnational_explorer(tmp_path: Path) -> None:
    # Rows copied from ONS's explorer export (Life satisfaction, April 2020 - March 2021).
    path = write(tmp_path, "explorer.csv",
                 "Indicator:,Average life satisfaction rating,(Back to data dictionary),,\n"
                 "Date:,04/2020-03/2021,,,\nCoverage:,UK,,,\n"
                 'Geography:,"Local Authority Districts and Unitary Authorities, 2019",,,\n,,,,\n'
                 "Area Code,Area,Mean satisfaction with your life nowadays scored 0 (not at all) - 10 (completely),Notes,\n"
                 "E06000021,Stoke-on-Trent,7.39,,\nE06000053,Isles of Scilly,na,,\n"
                 'E07000150,Corby,na,"Obsolete code since 2021 (replaced by E06000061 North Northamptonshire)\n",\n')
    out = load_aps_wellbeing(path)
    assert set(out["measure"]) == {"life_satisfaction"} and set(out["period"]) == {"2020/21"}
    assert one(out, area_code="E06000021")["value"] == 7.39
    scilly = one(out, area_code="E06000053")
    assert math.isnan(scilly["value"]) and scilly["status_note"].startswith("na:")
    assert "Obsolete code" in one(out, area_code="E07000150")["status_note"]


def test_aps_explorer_bad_date(tmp_path: Path) -> None:
    path = write(tmp_path, "explorer.csv", "Indicator:,Anxiety,,\nDate:,2020,,\n,,,\nArea Code,Area,Mean anxiety,Notes\n")
    with pytest.raises(DataFileError, match="Date line"):
        load_aps_wellbeing(path)


# --- council Wellbeing Survey ---------------------------------------------------------------

SURVEY_HEADER = "question_id,question_text,period,area_code,area_name,breakdown,response,positive,count,percentage,base_n\n"


def test_survey_counts_give_headline_with_wilson_ci(tmp_path: Path) -> None:
    path = write(tmp_path, "survey.csv", SURVEY_HEADER +
                 "belong,Q,2025/26,TEST01,Test area,,Definitely agree,yes,20,,100\n"
                 "belong,Q,2025/26,TEST01,Test area,,Tend to agree,Yes,25,,100\n"
                 "belong,Q,2025/26,TEST01,Test area,,Disagree,no,55,,100\n"
                 f"belong,Q,2025/26,TEST01,Test area,age=16-24,Agree,yes,10,,{MIN_BASE_N - 1}\n"
                 f"belong,Q,2025/26,TEST01,Test area,age=16-24,Disagree,no,19,,{MIN_BASE_N - 1}\n")
    out = load_wellbeing_survey(path)
    head = one(out, breakdown="")
    assert head["measure"] == "belong" and head["unit"] == "%"
    assert (head["value"], head["numerator"], head["denominator"]) == (45.0, 45.0, 100.0)
    assert round(head["lower_ci"], 1) == 35.6 and round(head["upper_ci"], 1) == 54.8
    small = one(out, breakdown="age=16-24")
    assert math.isnan(small["value"]) and math.isnan(small["numerator"])
    assert small["status_note"] == SUPPRESSED_NOTE and small["denominator"] == MIN_BASE_N - 1


def test_survey_percentages_only(tmp_path: Path) -> None:
    path = write(tmp_path, "survey.csv", SURVEY_HEADER +
                 "safe,Q,2025,TEST01,Test area,,Very safe,yes,,12.5,240\n"
                 "safe,Q,2025,TEST01,Test area,,Fairly safe,yes,,40,240\n"
                 "safe,Q,2025,TEST01,Test area,,Unsafe,no,,47.5,240\n")
    row = one(load_wellbeing_survey(path), measure="safe")
    assert row["value"] == pytest.approx(52.5)
    assert row["numerator"] == 126  # round(52.5% of 240)
    lower, upper = common.wilson_interval(126, 240)
    assert (row["lower_ci"], row["upper_ci"]) == (pytest.approx(lower), pytest.approx(upper))


def test_survey_xlsx_data_sheet_with_title_above_header(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "read me"
    ws = wb.create_sheet("Data")
    ws.append(["Wellbeing Survey export"])
    ws.append([])
    ws.append(SURVEY_HEADER.strip().split(","))
    ws.append(["belong", "Q", "2025/26", "TEST01", "Test area", None, "Agree", "yes", 60, None, 150])
    ws.append(["belong", "Q", "2025/26", "TEST01", "Test area", None, "Disagree", "no", 90, None, 150])
    path = tmp_path / "survey.xlsx"
    wb.save(path)
    row = one(load_wellbeing_survey(path), measure="belong")
    assert row["value"] == pytest.approx(40.0) and row["denominator"] == 150


def test_survey_xlsx_error_names_sheet_and_row(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(SURVEY_HEADER.strip().split(","))
    ws.append(["belong", "Q", "2025/26", "TEST01", "Test area", None, "Agree", "yes", 60, None, None])
    path = tmp_path / "survey.xlsx"
    wb.save(path)
    with pytest.raises(DataFileError) as err:
        load_wellbeing_survey(path)
    assert "row 2" in str(err.value) and "'base_n'" in str(err.value) and "Sheet" in str(err.value)


@pytest.mark.parametrize("name", ["wellbeing_survey_template.csv", "wellbeing_survey_template.xlsx"])
def test_survey_templates_have_the_loader_header_and_only_example_rows(name: str) -> None:
    template = Path(__file__).resolve().parents[1] / "data" / "templates" / name
    with pytest.raises(DataFileError, match="EXAMPLE row"):
        load_wellbeing_survey(template)

"""National, authority-level publishers' files: every English council and force, in the tidy shape.

One loader per publisher format (each `fn(path) -> tidy frame`, columns matched by name, any
non-numeric cell missing with its reason, never 0):

- `load_cls_single_tier`: DCMS Community Life Survey 2024/25 local estimates (Local Outcomes
  Framework "Neighbourhoods" metrics) for the 132 English single-tier authorities, with 95%
  intervals; DCMS Participation Survey arts engagement; Defra fly-tipping ratio (no interval).
  Layout: `area_code, area_name, metric_key, period, value, lower_ci_95, upper_ci_95, unit,
  row_kind, status, source_table, ...`. Authority codes of the 2026 list (Barnsley E08000038,
  Sheffield E08000039) are written as their LAD 2024 codes so every table joins on one code.
- `load_cls_group_medians`: the published group medians of those estimates (`series_id,
  metric_key, group_id, period, median, ...`): all 132 single-tier authorities (`STMEDIAN`) and
  single-tier excluding London (`STMEDIAN_XL`), area_type `comparator_median`, no interval.
- `load_aps_uk_areas`: ONS personal well-being means with 95% intervals for every UK area
  (`area_code, area_name, geography_type, period, measure, value, lower_ci_95, upper_ci_95,
  observation_status`); `x` and `u` are kept as reasons.
- `load_imd2025_lad`: MHCLG English Indices of Deprivation 2025, File 10 (v2) local authority
  summaries (`lad24_code, lad24_name, imd_average_score, ...`): a few headline measures.
- `load_hate_crime_pfa`: Home Office police-recorded hate crime by force area and strand
  (`pfa_code, pfa_name, financial_year, measure, value, value_as_in_source`). Forces get the
  project's force codes (`force:<slug>`, as `home_office.force_area`); strands are breakdowns of
  `hate_crime_offences`; the BBC's own population and rate columns are not Home Office figures
  and are skipped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cohesion import tidy
from cohesion.loaders.common import area_type_from_code, read_csv_strings
from cohesion.loaders.errors import DataFileError, require_columns
from cohesion.loaders.home_office import MOTIVATING_FACTORS, OFFENCES, force_area

# ONS LAD 2024 code for each 2026 code used by the CLS comparator (the national lookups'
# `lad_code_crosswalk_barnsley_sheffield.csv`; both authorities kept their boundaries).
CODE_2026_TO_2024 = {"E08000038": "E08000016", "E08000039": "E08000019"}
MEDIAN_GROUPS = {
    "national": ("STMEDIAN", "Median of the 132 English single-tier authorities"),
    "national_excl_london": ("STMEDIAN_XL", "Median of the 99 English single-tier authorities outside London"),
}
APS_MEASURES = {"Life satisfaction": "life_satisfaction", "Worthwhile": "worthwhile",
                "Happiness": "happiness", "Anxiety": "anxiety"}
APS_UNIT = "mean score (0-10)"
APS_STATUS = {"x": "x: not available in the ONS source", "u": "[u]: low reliability, suppressed by the publisher"}
IMD_MEASURES = {
    "imd_average_score": ("imd2025_average_score", "score"),
    "imd_rank_of_average_score": ("imd2025_rank_of_average_score", "rank of 296 (1 = most deprived)"),
    "imd_proportion_of_lsoas_in_most_deprived_10_percent_nationally":
        ("imd2025_share_lsoas_most_deprived_10pct", "%"),
    "imd25_extent": ("imd2025_extent", "%"),
    "imd25_local_concentration": ("imd2025_local_concentration", "score"),
}
HATE_STRANDS = ("Race", "Religion", "Sexual orientation", "Disability", "Transgender")


def _numbers(path: Path, frame: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    """(values, reasons) for a column of published cells: text that is not a number is missing."""
    text = frame[column].astype(str).str.strip()
    values = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    reasons = pd.Series("", index=frame.index)
    bad = values.isna()
    reasons[bad & (text == "")] = "blank in source"
    other = bad & (text != "")
    reasons[other] = text[other].map(lambda t: tidy.MISSING_MARKERS.get(t.lower(), f"non-numeric value '{t}' in source"))
    return values, reasons


def _check_periods(path: Path, frame: pd.DataFrame, column: str) -> pd.Series:
    periods = frame[column].map(lambda p: tidy.financial_year(p) or str(p).strip())
    bad = periods.map(tidy.period_end).isna()
    if bad.any():
        idx = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataFileError(path, f"'{frame[column].iloc[idx]}' is not a period; expected a financial year such "
                            "as 2024/25", row=idx + 2, field=column)
    return periods


def load_cls_single_tier(path: Path) -> pd.DataFrame:
    """Community Life Survey local estimates for all single-tier authorities (module docstring)."""
    path = Path(path)
    frame = read_csv_strings(path)
    require_columns(path, list(frame.columns), ["area_code", "area_name", "metric_key", "period", "value",
                                                "lower_ci_95", "upper_ci_95", "unit"])
    if "row_kind" in frame:  # Gateshead's earlier values have no interval and no peers: not comparable
        frame = frame[frame["row_kind"].str.strip().isin(["", "latest"])]
    frame = frame[frame["area_code"].str.strip() != ""]
    values, reasons = _numbers(path, frame, "value")
    status = frame["status"].str.strip() if "status" in frame else ""
    reasons = reasons.where(~(values.isna() & (status != "")), status)
    codes = frame["area_code"].str.strip().replace(CODE_2026_TO_2024)
    out = pd.DataFrame({
        "measure": frame["metric_key"].str.strip(), "period": _check_periods(path, frame, "period"),
        "area_code": codes, "area_name": frame["area_name"].str.strip(), "area_type": "local_authority",
        "value": values, "lower_ci": _numbers(path, frame, "lower_ci_95")[0],
        "upper_ci": _numbers(path, frame, "upper_ci_95")[0], "unit": frame["unit"].str.strip(),
        "status_note": reasons.where(values.isna(), ""),
    })
    return tidy.conform(out)


def load_cls_group_medians(path: Path) -> pd.DataFrame:
    """The published medians of the two national groups, as comparator rows (module docstring)."""
    path = Path(path)
    frame = read_csv_strings(path)
    require_columns(path, list(frame.columns), ["metric_key", "group_id", "period", "median"])
    frame = frame[frame["group_id"].str.strip().isin(MEDIAN_GROUPS)]
    values, reasons = _numbers(path, frame, "median")
    groups = frame["group_id"].str.strip()
    units = frame["metric_key"].str.strip().map(lambda k: "actions per incident" if k.startswith("flytipping") else "%")
    out = pd.DataFrame({
        "measure": frame["metric_key"].str.strip(), "period": _check_periods(path, frame, "period"),
        "area_code": groups.map(lambda g: MEDIAN_GROUPS[g][0]), "area_name": groups.map(lambda g: MEDIAN_GROUPS[g][1]),
        "area_type": "comparator_median", "value": values, "unit": units,
        "status_note": reasons.where(values.isna(), ""),
    })
    return tidy.conform(out)


def load_aps_uk_areas(path: Path) -> pd.DataFrame:
    """ONS personal well-being means with 95% intervals for every UK area (module docstring)."""
    path = Path(path)
    frame = read_csv_strings(path)
    require_columns(path, list(frame.columns), ["area_code", "area_name", "period", "measure", "value",
                                                "lower_ci_95", "upper_ci_95"])
    measures = frame["measure"].str.strip().map(APS_MEASURES)
    if measures.isna().any():
        idx = int(np.flatnonzero(measures.isna().to_numpy())[0])
        raise DataFileError(path, f"'{frame['measure'].iloc[idx]}' is not an ONS4 measure; expected "
                            f"{', '.join(APS_MEASURES)}", row=idx + 2, field="measure")
    values, reasons = _numbers(path, frame, "value")
    marking = frame["observation_status"].str.strip().str.lower() if "observation_status" in frame else \
        pd.Series("", index=frame.index)
    reasons = marking.map(APS_STATUS).fillna(reasons).where(marking != "", reasons)
    codes = frame["area_code"].str.strip()
    types = codes.map(area_type_from_code)
    out = pd.DataFrame({
        "measure": measures, "period": _check_periods(path, frame, "period"), "area_code": codes,
        "area_name": frame["area_name"].str.strip(), "area_type": types, "value": values,
        "lower_ci": _numbers(path, frame, "lower_ci_95")[0], "upper_ci": _numbers(path, frame, "upper_ci_95")[0],
        "unit": APS_UNIT, "status_note": reasons.where(values.isna(), ""),
    })
    return tidy.conform(out)


def load_imd2025_lad(path: Path) -> pd.DataFrame:
    """IoD2025 File 10 (v2) local authority summaries: the headline measures, period 2025."""
    path = Path(path)
    frame = read_csv_strings(path)
    require_columns(path, list(frame.columns), ["lad24_code", "lad24_name", *IMD_MEASURES])
    parts = []
    for column, (measure, unit) in IMD_MEASURES.items():
        values, reasons = _numbers(path, frame, column)
        if unit == "%":  # published as proportions (0-1); shown as percentages
            values = values * 100
        parts.append(pd.DataFrame({
            "measure": measure, "period": "2025", "area_code": frame["lad24_code"].str.strip(),
            "area_name": frame["lad24_name"].str.strip(), "area_type": "local_authority", "value": values,
            "unit": unit, "status_note": reasons.where(values.isna(), ""),
        }))
    return tidy.conform(pd.concat(parts, ignore_index=True))


def load_hate_crime_pfa(path: Path) -> pd.DataFrame:
    """Home Office hate crime by police force area and strand (module docstring)."""
    path = Path(path)
    frame = read_csv_strings(path)
    require_columns(path, list(frame.columns), ["pfa_name", "financial_year", "measure", "value"])
    label = frame["measure"].str.strip()
    measure = pd.Series(pd.NA, index=frame.index, dtype=object)
    breakdown = pd.Series("", index=frame.index)
    strands = label.isin(HATE_STRANDS)
    measure[strands] = OFFENCES
    breakdown[strands] = "strand=" + label[strands]
    measure[label == "Total number of offences"] = OFFENCES
    measure[label == "Total number of motivating factors"] = MOTIVATING_FACTORS
    keep = measure.notna()  # the BBC's population and rate columns are not Home Office figures
    frame, measure, breakdown = frame[keep], measure[keep], breakdown[keep]
    cell = frame["value_as_in_source"] if "value_as_in_source" in frame else frame["value"]
    values, reasons = _numbers(path, frame.assign(_cell=cell.where(frame["value"].str.strip() == "", frame["value"])),
                               "_cell")
    areas = {name: force_area(name) for name in frame["pfa_name"].str.strip().unique()}
    names = frame["pfa_name"].str.strip()
    out = pd.DataFrame({
        "measure": measure, "breakdown": breakdown, "period": _check_periods(path, frame, "financial_year"),
        "area_code": names.map(lambda n: areas[n][0]), "area_name": names.map(lambda n: areas[n][1]),
        "area_type": "police_force_area", "value": values, "unit": "count",
        "status_note": reasons.where(values.isna(), ""),
    })
    return tidy.conform(out)


SHIPPED_COLUMNS = ["measure", "period", "area_code", "area_name", "area_type", "value", "lower_ci", "upper_ci",
                   "unit", "status_note"]


def load_national_table(path: Path) -> pd.DataFrame:
    """A table shipped under `data/national/` (built by `python -m cohesion national build`).

    Already in the tidy shape with one `publication` per row (kept in the file, not in the store);
    read fast and checked: a missing value must say why.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "file not found; rebuild it with `python -m cohesion national build`")
    try:
        frame = pd.read_csv(path, dtype={c: str for c in ("measure", "period", "area_code", "area_name", "area_type",
                                                          "breakdown", "unit", "status_note")},
                            keep_default_na=False, na_values={"value": [""], "lower_ci": [""], "upper_ci": [""]})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"could not read as CSV ({exc})") from exc
    require_columns(path, list(frame.columns), SHIPPED_COLUMNS)
    unexplained = frame["value"].isna() & (frame["status_note"].str.strip() == "")
    if unexplained.any():
        row = int(np.flatnonzero(unexplained.to_numpy())[0]) + 2
        raise DataFileError(path, "value is empty and status_note gives no reason; a missing figure must say why",
                            row=row, field="status_note")
    return tidy.conform(frame.drop(columns=[c for c in ("publication",) if c in frame]))

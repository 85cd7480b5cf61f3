"""Community Life Survey (DCMS) estimates: local-authority figures with CIs, and England figures.

Publisher: Department for Culture, Media and Sport (Cabinet Office before 2016); Open Government
Licence v3.0. Since 2023/24 the survey's boosted sample gives local-authority estimates with 95%
confidence intervals; these feed the Local Outcomes Framework's Neighbourhoods metrics.

Layouts accepted (detected by header columns):

(a) Local-authority comparator table (`area_code, area_name, metric_key, period, value, lower_95,
    upper_95, unit, single_tier_median, ...`): one row per metric for the authority. Each gives
    the authority's row (value with its 95% CI) and a comparator row for the median of the
    English single-tier authorities (area_code `STMEDIAN`, area_type `comparator_median`; no CI,
    because a median of estimates has none). The median is not an England figure.
(b) England headline figures (`area_code, area_name, measure_key, period_financial_year, value,
    mode_and_comparability_note`). Measure keys are normalised to the ones used by (a):
    `cohesion_different_backgrounds` -> `different_backgrounds`, `influence_local_decisions` ->
    `influence`; others are kept (`satisfied_local_area`, `pull_together`,
    `belong_neighbourhood`, `loneliness_often_always`, `loneliness_indirect_high`).

Measures (unit "%"): trust, influence, satisfied_local_area, different_backgrounds,
loneliness_often_always, volunteering_any_12m, arts_engagement_in_person, and the England-only
keys above. A metric with another unit in the file keeps that unit.

Series breaks: the survey changed mode twice. Face-to-face interviews 2012/13-2015/16;
online/paper ("push-to-web") from 2016/17; a boosted, redesigned survey from 2023/24. DCMS warns
that comparisons across these breaks may not be valid, so the first period of each new mode in a
series gets a `series_break` note (the mode, plus the publisher's comparability note) and charts
should not join across it. Nothing is smoothed or adjusted.

Missing values: an empty value cell is NaN with "blank in source"; any other non-numeric text is
NaN with the text quoted in `status_note`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cohesion import tidy
from cohesion.loaders.common import (
    area_type_from_code,
    csv_row_number,
    drop_blank_rows,
    parse_cell,
    read_csv_strings,
)
from cohesion.loaders.errors import DataFileError, require_columns

MEDIAN_CODE = "STMEDIAN"
MEDIAN_TYPE = "comparator_median"

KEY_ALIASES = {
    "cohesion_different_backgrounds": "different_backgrounds",
    "influence_local_decisions": "influence",
}

# (first financial year of the mode, description). Order matters: later modes start later.
SURVEY_MODES: list[tuple[int, str]] = [
    (2012, "face-to-face interviews (2012/13 to 2015/16)"),
    (2016, "online/paper push-to-web survey from 2016/17"),
    (2023, "boosted, redesigned push-to-web survey from 2023/24"),
]

_LA_COLUMNS = ["area_code", "area_name", "metric_key", "period", "value", "lower_95", "upper_95"]
_ENGLAND_COLUMNS = ["area_code", "area_name", "measure_key", "period_financial_year", "value"]


def load_cls_estimates(path: Path) -> pd.DataFrame:
    """Read a Community Life Survey layout described in the module docstring."""
    path = Path(path)
    frame = read_csv_strings(path)
    cols = set(frame.columns)
    if {"metric_key", "lower_95"} <= cols:
        require_columns(path, list(frame.columns), _LA_COLUMNS)
        out = _from_la_table(path, frame)
    elif {"measure_key", "period_financial_year"} <= cols:
        require_columns(path, list(frame.columns), _ENGLAND_COLUMNS)
        out = _from_england(path, frame)
    else:
        raise DataFileError(
            path,
            "not a recognised Community Life Survey layout; expected either a local-authority table "
            f"({', '.join(_LA_COLUMNS)}, single_tier_median) or England figures "
            f"({', '.join(_ENGLAND_COLUMNS)}); found {', '.join(frame.columns)}",
            row=1,
        )
    return tidy.conform(mark_mode_breaks(out))


def survey_mode(period: str) -> int | None:
    """Index into SURVEY_MODES of the mode in use in a financial year like `2016/17`."""
    fy = tidy.financial_year(period)
    if not fy:
        return None
    start = int(fy[:4])
    current = None
    for i, (first_year, _) in enumerate(SURVEY_MODES):
        if start >= first_year:
            current = i
    return current


def mark_mode_breaks(frame: pd.DataFrame) -> pd.DataFrame:
    """Set `series_break` on the first period of each new survey mode, per series.

    A series is (measure, area, breakdown). The first row of a series is not a break: there is
    nothing before it to compare with. The note says which mode starts and keeps any
    comparability note the publisher gave (column `_mode_note`, dropped here).
    """
    out = frame.copy()
    for col in ("_mode_note", "breakdown"):
        if col not in out:
            out[col] = ""
    out["series_break"] = ""
    out["_mode"] = out["period"].map(survey_mode)
    out["_order"] = out["period"].map(lambda p: tidy.financial_year(p) or p)
    for _, group in out.sort_values("_order").groupby(["measure", "area_code", "breakdown"], sort=False):
        previous = None
        for idx, mode in group["_mode"].items():
            if mode is not None and previous is not None and mode != previous:
                note = f"Survey mode change: {SURVEY_MODES[mode][1]}; not comparable with earlier years"
                published = str(out.at[idx, "_mode_note"]).strip()
                out.at[idx, "series_break"] = f"{note}. Source note: {published}" if published else note
            if mode is not None:
                previous = mode
    return out.drop(columns=["_mode", "_order", "_mode_note"])


def _row(path: Path, row_no: int, rec: pd.Series, period_col: str) -> dict:
    period = tidy.financial_year(rec[period_col]) or rec[period_col].strip()
    if tidy.period_end(period) is None:
        raise DataFileError(path, f"'{rec[period_col]}' is not a period; expected a financial year "
                            "such as 2024/25", row=row_no, field=period_col)
    value, reason = parse_cell(rec["value"])
    code = rec["area_code"].strip()
    if not code:
        raise DataFileError(path, "area_code is blank; expected a GSS code such as E92000001 (England)",
                            row=row_no, field="area_code")
    unit = str(rec.get("unit", "")).strip() or "%"
    return {
        "period": period, "area_code": code, "area_name": rec["area_name"].strip(),
        "area_type": area_type_from_code(code), "value": value, "unit": unit,
        "status_note": reason if pd.isna(value) else "",
    }


def _from_la_table(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for idx, rec in drop_blank_rows(frame).iterrows():
        row_no = csv_row_number(int(idx))
        measure = rec["metric_key"].strip()
        if not measure:
            raise DataFileError(path, "metric_key is blank; expected a key such as satisfied_local_area",
                                row=row_no, field="metric_key")
        base = _row(path, row_no, rec, "period") | {"measure": measure}
        base["lower_ci"] = parse_cell(rec["lower_95"])[0]
        base["upper_ci"] = parse_cell(rec["upper_95"])[0]
        rows.append(base)
        if "single_tier_median" in rec:
            median, reason = parse_cell(rec["single_tier_median"])
            rows.append(base | {
                "area_code": MEDIAN_CODE, "area_type": MEDIAN_TYPE,
                "area_name": _median_name(str(rec.get("comparator_universe", ""))),
                "value": median, "lower_ci": float("nan"), "upper_ci": float("nan"),
                "status_note": reason if pd.isna(median) else "",
            })
    return pd.DataFrame(rows)


def _median_name(universe: str) -> str:
    """`Median of the 132 English single-tier authorities`, taking the count from the file."""
    m = re.match(r"\s*(\d+)\s+English single-tier", universe)
    return f"Median of the {m.group(1)} English single-tier authorities" if m else \
        "Median of the English single-tier authorities"


def _from_england(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for idx, rec in drop_blank_rows(frame).iterrows():
        row_no = csv_row_number(int(idx))
        key = rec["measure_key"].strip()
        if not key:
            raise DataFileError(path, "measure_key is blank; expected a key such as satisfied_local_area",
                                row=row_no, field="measure_key")
        row = _row(path, row_no, rec, "period_financial_year")
        row["measure"] = KEY_ALIASES.get(key, key)
        row["_mode_note"] = str(rec.get("mode_and_comparability_note", ""))
        rows.append(row)
    return pd.DataFrame(rows)

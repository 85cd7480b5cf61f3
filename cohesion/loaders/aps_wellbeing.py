"""ONS personal well-being (ONS4) from the Annual Population Survey, local-authority estimates.

Publisher: Office for National Statistics ("Personal well-being in the UK"); Open Government
Licence v3.0. Scores are means on a 0-10 scale: life satisfaction, worthwhile and happiness
(higher is better) and anxiety (lower is better).

Layouts accepted (detected by header content, columns matched by name):

(a) Long CSV (`area_code, area_name, area_type, period_financial_year, measure, estimate, value,
    unit[, notes_in_source]`), as kept in the reference data folder; rows whose estimate is not
    "Average (mean)" are skipped.
(b) The ONS CMD dataset `wellbeing-local-authority`, edition `time-series` CSV: value column
    `v4_N` (any case), `Data Marking`, `Time` (`2022-23`), `administrative-geography` (GSS
    code), `Geography`, `wellbeing-estimate` (`average-mean`) or `Estimate` (`Average (mean)`),
    `MeasureOfWellbeing` (`Life satisfaction` ...) or `measure-of-wellbeing` (`life-satisfaction`).
    Only the average-mean estimate is read; threshold bands are percentages, not means.
(c) The ONS Subnational indicators explorer CSV: metadata lines (`Indicator:`, `Date:
    04/2020-03/2021`, ...), a blank line, then `Area Code, Area, <measure description>, Notes`.
    The measure is read from the description; the period from the `Date:` line.

Measures: `life_satisfaction`, `worthwhile`, `happiness`, `anxiety`; unit "mean score (0-10)";
periods are financial years (`2020/21`; the survey year runs April to March).

Missing values: empty value with a data marking (CMD; e.g. `[u]` low reliability, `[x]` not
available) and the literal `na` (explorer) are NaN with the reason in `status_note`; never 0.
Explorer notes such as "Obsolete code since 2020" are kept in `status_note`. Series breaks: none
are recorded by this loader (ONS reweights past years in place; the latest file is the record).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from cohesion import tidy
from cohesion.loaders.common import (
    area_type_from_code,
    csv_row_number,
    drop_blank_rows,
    parse_cell,
    read_csv_strings,
    read_text,
)
from cohesion.loaders.errors import DataFileError, require_columns

UNIT = "mean score (0-10)"
MEASURES = ["life_satisfaction", "worthwhile", "happiness", "anxiety"]
MEAN_ESTIMATES = {"average (mean)", "average-mean", "mean"}

# Words that identify each measure in labels, codes and the explorer's long descriptions
# ("Mean satisfaction with your life nowadays ..."; "Mean anxiety yesterday ...").
_MEASURE_WORDS = [
    ("life_satisfaction", ("life satisfaction", "life-satisfaction", "satisfaction")),
    ("worthwhile", ("worthwhile",)),
    ("happiness", ("happiness", "happy")),
    ("anxiety", ("anxiety", "anxious")),
]


def measure_key(label: str) -> str | None:
    """`Life satisfaction` / `life-satisfaction` / an explorer description -> `life_satisfaction`."""
    text = str(label).lower()
    for key, words in _MEASURE_WORDS:
        if any(w in text for w in words):
            return key
    return None


def load_aps_wellbeing(path: Path) -> pd.DataFrame:
    """Read an ONS personal well-being layout described in the module docstring."""
    path = Path(path)
    text = read_text(path)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.lower().startswith("indicator"):
        return tidy.conform(_from_explorer(path, text))
    frame = read_csv_strings(path, text=text)
    lower = {c.lower(): c for c in frame.columns}
    if any(re.fullmatch(r"v4_\d+", c) for c in lower):
        return tidy.conform(_from_cmd(path, frame))
    if "period_financial_year" in lower:
        return tidy.conform(_from_long(path, frame))
    raise DataFileError(
        path,
        "not a recognised ONS well-being layout; expected the CMD time-series CSV (v4_N, Time, "
        "administrative-geography, ...), an explorer CSV (Indicator:/Date: lines then Area Code, Area, ...)"
        f" or a long CSV (area_code, period_financial_year, measure, estimate, value); found "
        f"{', '.join(frame.columns)}",
        row=1,
    )


def _result(measure: str, period: str, code: str, name: str, area_type: str, cell: object,
            reason_if_missing: str = "", note: str = "") -> dict:
    value, reason = parse_cell(cell)
    missing = np.isnan(value)
    status = "; ".join(t for t in ((reason_if_missing or reason) if missing else "", note) if t)
    # The code decides the type, so one authority has one area_type across layouts (files say
    # local_authority_district, unitary, ...); the file's own text is the fallback.
    by_code = area_type_from_code(code)
    return {
        "measure": measure, "period": period, "area_code": code, "area_name": name,
        "area_type": by_code if by_code != "other" else (area_type or "other"),
        "value": value, "unit": UNIT,
        "status_note": status,
    }


def _from_long(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    required = ["area_code", "area_name", "period_financial_year", "measure", "value"]
    require_columns(path, list(frame.columns), required)
    rows = []
    for idx, rec in drop_blank_rows(frame).iterrows():
        row_no = csv_row_number(int(idx))
        if "estimate" in rec and rec["estimate"].strip().lower() not in MEAN_ESTIMATES:
            continue
        key = measure_key(rec["measure"])
        if key is None:
            raise DataFileError(path, f"'{rec['measure']}' is not an ONS4 measure; expected Life "
                                "satisfaction, Worthwhile, Happiness or Anxiety", row=row_no, field="measure")
        period = tidy.financial_year(rec["period_financial_year"])
        if not period:
            raise DataFileError(path, f"'{rec['period_financial_year']}' is not a financial year; "
                                "expected e.g. 2020/21", row=row_no, field="period_financial_year")
        rows.append(_result(key, period, rec["area_code"].strip(), rec["area_name"].strip(),
                            str(rec.get("area_type", "")).strip(), rec["value"],
                            note=str(rec.get("notes_in_source", "")).strip()))
    return pd.DataFrame(rows)


def _pick(frame: pd.DataFrame, *names: str) -> str | None:
    lower = {c.lower(): c for c in frame.columns}
    return next((lower[n] for n in names if n in lower), None)


def _from_cmd(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    value_col = next(c for c in frame.columns if re.fullmatch(r"v4_\d+", c.lower()))
    time_col = _pick(frame, "time", "yyyy-yy")
    code_col = _pick(frame, "administrative-geography")
    name_col = _pick(frame, "geography")
    est_col = _pick(frame, "wellbeing-estimate", "estimate")
    measure_col = _pick(frame, "measureofwellbeing", "measure-of-wellbeing")
    marking_col = _pick(frame, "data marking", "data-marking")
    needed = {"Time": time_col, "administrative-geography": code_col, "Geography": name_col,
              "wellbeing-estimate": est_col, "MeasureOfWellbeing": measure_col}
    absent = [k for k, v in needed.items() if v is None]
    if absent:
        raise DataFileError(path, f"missing column(s) {', '.join(absent)}; expected the ONS CMD "
                            "wellbeing-local-authority time-series header", row=1)
    rows = []
    for idx, rec in drop_blank_rows(frame).iterrows():
        row_no = csv_row_number(int(idx))
        if rec[est_col].strip().lower() not in MEAN_ESTIMATES:
            continue
        key = measure_key(rec[measure_col])
        if key is None:
            continue  # a measure this dashboard does not track
        period = tidy.financial_year(rec[time_col])
        if not period:
            raise DataFileError(path, f"'{rec[time_col]}' is not a financial year; expected e.g. 2022-23",
                                row=row_no, field=time_col)
        marking = rec[marking_col].strip() if marking_col else ""
        reason = ""
        if marking:
            reason = tidy.MISSING_MARKERS.get(marking.lower(), f"{marking}: data marking in source")
        code = rec[code_col].strip()
        rows.append(_result(key, period, code, rec[name_col].strip(), "", rec[value_col], reason))
    return pd.DataFrame(rows)


_DATE = re.compile(r"(\d{2})/(\d{4})\s*-\s*(\d{2})/(\d{4})")


def _from_explorer(path: Path, text: str) -> pd.DataFrame:
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if line.lower().startswith("area code,")), None)
    if header is None:
        raise DataFileError(path, "no 'Area Code,Area,...' header line after the metadata; expected "
                            "the ONS Subnational indicators explorer layout")
    meta = {line.split(",", 1)[0].strip().rstrip(":").lower(): line.split(",", 1)[-1]
            for line in lines[:header] if "," in line}
    m = _DATE.search(meta.get("date", ""))
    if not m:
        raise DataFileError(path, f"the Date line '{meta.get('date', '').strip(', ')}' is not a period; "
                            "expected e.g. 04/2020-03/2021", row=next(
                                (i + 1 for i, line in enumerate(lines) if line.lower().startswith("date")), 1))
    start_month, start_year, end_month, end_year = (int(g) for g in m.groups())
    if (start_month, end_month, end_year) != (4, 3, start_year + 1):
        raise DataFileError(path, f"period {m.group(0)} is not an April-March year; expected e.g. "
                            "04/2020-03/2021", field="Date")
    period = f"{start_year}/{(start_year + 1) % 100:02d}"
    frame = read_csv_strings(path, text=text, skiprows=header)
    require_columns(path, list(frame.columns), ["Area Code", "Area"])
    value_col = frame.columns[2] if len(frame.columns) > 2 else None
    key = measure_key(value_col or "") or measure_key(meta.get("indicator", ""))
    if value_col is None or key is None:
        raise DataFileError(path, f"cannot tell which measure column '{value_col}' holds; expected a "
                            "description naming life satisfaction, worthwhile, happiness or anxiety",
                            row=header + 1)
    rows = []
    for _, rec in drop_blank_rows(frame).iterrows():
        code = rec["Area Code"].strip()
        if not code:
            continue
        note = " ".join(str(rec.get("Notes", "")).split())
        rows.append(_result(key, period, code, rec["Area"].strip(), "", rec[value_col], note=note))
    return pd.DataFrame(rows)

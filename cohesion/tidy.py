"""The one tidy shape every loader returns and every page reads.

One row is one published figure: an indicator (or, before mapping, a loader's `measure`) for one
period, one area and one breakdown. The headline series of an indicator is the row whose
`breakdown` is empty (the Open SDG convention). Missing or suppressed values keep `value` as NaN
and say why in `status_note`; they are never written as 0. `series_break` holds a note on the
first period after a change of method, so charts can annotate it rather than join across it.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TIDY_COLUMNS: list[str] = [
    "indicator_id",  # catalogue id; empty until the refresh maps `measure` to an indicator
    "measure",  # the loader's own key for what was measured (stable across releases)
    "period",  # as published: "2024/25", "2025", "2025-06"
    "period_end",  # last day of the period, for sorting and plotting
    "area_code",  # GSS code where one exists, else a documented local code
    "area_name",
    "area_type",  # local_authority, police_force_area, ward, country, comparator_median, ...
    "breakdown",  # "" for the headline series, else e.g. "strand=Race"
    "value",
    "lower_ci",
    "upper_ci",
    "numerator",
    "denominator",
    "unit",  # "%", "count", "mean score 0-10", "per 1,000 residents"
    "source_id",  # catalogue source id
    "status_note",  # why a value is missing or suppressed, as the publisher marked it
    "series_break",  # note on the first period after a method change; "" otherwise
]

TEXT_COLUMNS = [
    "indicator_id", "measure", "period", "area_code", "area_name", "area_type", "breakdown",
    "unit", "source_id", "status_note", "series_break",
]
NUMBER_COLUMNS = ["value", "lower_ci", "upper_ci", "numerator", "denominator"]

_FY = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")  # 2024/25, 2024-25, 2024/2025
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def empty_frame() -> pd.DataFrame:
    """A tidy frame with no rows and the right columns and dtypes."""
    return conform(pd.DataFrame(columns=TIDY_COLUMNS))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with exactly the tidy columns, in order, with their dtypes.

    Missing text columns become "", missing number columns NaN. `period_end` is derived from
    `period` where it is not already set.
    """
    out = frame.copy()
    for col in TEXT_COLUMNS:
        if col not in out:
            out[col] = ""
        elif not (pd.api.types.is_string_dtype(out[col]) and not out[col].hasnans):
            out[col] = out[col].fillna("").astype(str)
    for col in NUMBER_COLUMNS:
        if col not in out:
            out[col] = np.nan
        elif out[col].dtype != float:
            out[col] = to_float(out[col])
    if "period_end" not in out:
        out["period_end"] = pd.NaT
    if out["period_end"].isna().any():
        # Derive on the distinct labels only: a national-scale table has few periods, many rows.
        labels = out["period"].unique()
        derived = pd.to_datetime(out["period"].map({label: period_end(label) for label in labels}), errors="coerce")
        out["period_end"] = pd.to_datetime(out["period_end"], errors="coerce").fillna(derived)
    elif not pd.api.types.is_datetime64_any_dtype(out["period_end"]):
        out["period_end"] = pd.to_datetime(out["period_end"], errors="coerce")
    return out[TIDY_COLUMNS].reset_index(drop=True)


def to_float(values: pd.Series) -> pd.Series:
    """`pd.to_numeric(values, errors="coerce")` as float: NaN wherever that gives NaN.

    Text columns of numbers (blank cells allowed) are parsed by Arrow, about ten times faster
    than pandas: a national-scale table has millions of cells. Anything Arrow cannot read takes
    pandas' path, so the result never differs.
    """
    if pd.api.types.is_string_dtype(values) and len(values):
        try:
            text = pc.utf8_trim_whitespace(pa.array(values, type=pa.string(), from_pandas=True))
            text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
            parsed = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
            return pd.Series(parsed, index=values.index, name=values.name, dtype=float)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            pass
    return pd.to_numeric(values, errors="coerce").astype(float)


def period_end(period: str) -> date | None:
    """Last day of a published period label, or None when the label is not recognised.

    Financial years (2024/25, 2024-25) end on 31 March; calendar years on 31 December; months
    (2025-06) on their last day.
    """
    text = str(period).strip()
    # "2025-06" is a month; loaders write financial years as "2025/26" (see financial_year), so a
    # hyphenated label is only read as a financial year when it cannot be a month ("2012-13").
    if (m := _MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
        return (pd.Timestamp(int(m.group(1)), int(m.group(2)), 1) + pd.offsets.MonthEnd(0)).date()
    if m := _FY.match(text):
        return date(int(m.group(1)) + 1, 3, 31)
    if m := _YEAR.match(text):
        return date(int(m.group(1)), 12, 31)
    return None


def financial_year(text: str) -> str | None:
    """Normalise `2017-18`, `2017/183` (footnote glued on) or `2017/2018` to `2017/18`."""
    m = re.match(r"^\s*(\d{4})\s*[/-]\s*(\d{2})", str(text))
    return f"{m.group(1)}/{m.group(2)}" if m else None


def parse_number(cell: object) -> tuple[float, str]:
    """Read a published cell: `"35,944"` -> (35944.0, ""); `"N/A"` -> (nan, "N/A: ...").

    Any non-numeric cell is missing with the marker kept as the reason, never 0.
    """
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return np.nan, "blank in source"
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return float(cell), ""
    text = str(cell).strip()
    if text == "":
        return np.nan, "blank in source"
    cleaned = text.replace(",", "").replace("%", "").strip()
    try:
        return float(cleaned), ""
    except ValueError:
        return np.nan, MISSING_MARKERS.get(text.lower(), f"non-numeric value '{text}' in source")


# Publishers' markers for missing values (see the README's data-sources section).
MISSING_MARKERS: dict[str, str] = {
    "n/a": "N/A: not available or not collected (publisher's marker)",
    "#n/a": "#N/A: no figure in the source spreadsheet",
    "na": "na: not available or suppressed (publisher's marker)",
    "[x]": "[x]: not available (publisher's marker)",
    "[c]": "[c]: confidential, suppressed by the publisher",
    "[z]": "[z]: not applicable (publisher's marker)",
    "[u]": "[u]: low reliability, suppressed by the publisher",
    "..": "..: not available (publisher's marker)",
    "-": "-: not available (publisher's marker)",
    "x": "x: suppressed by the publisher",
    "*": "*: suppressed (small number)",
}


def check_tidy(frame: pd.DataFrame) -> list[str]:
    """Problems with a frame that claims to be tidy; an empty list means it conforms."""
    problems = []
    missing = [c for c in TIDY_COLUMNS if c not in frame.columns]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
        return problems
    no_period = frame["period"].astype(str).str.strip() == ""
    if no_period.any():
        problems.append(f"{int(no_period.sum())} rows have no period")
    no_area = frame["area_code"].astype(str).str.strip() == ""
    if no_area.any():
        problems.append(f"{int(no_area.sum())} rows have no area code")
    unexplained = frame["value"].isna() & (frame["status_note"].astype(str).str.strip() == "")
    if unexplained.any():
        problems.append(f"{int(unexplained.sum())} missing values have no status_note")
    return problems

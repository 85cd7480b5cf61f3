"""The council's own annual Wellbeing Survey: response counts -> headline percentages with CIs.

Publisher: the council (its residents' Wellbeing Survey). The survey export has no public
format, so this module defines one: `data/templates/wellbeing_survey_template.csv` / `.xlsx`,
documented column by column in `docs/data-templates.md`.

Layout accepted: a CSV, or an XLSX (the sheet named "data", else the first sheet; the header
row is found by its `question_id` cell), one row per answer category:
`question_id, question_text (optional), period, area_code, area_name, breakdown, response,
positive, count (optional), percentage (optional), base_n[, note]`.

For each (question_id, period, area_code, breakdown) the loader writes ONE headline row:
value = 100 x (sum of counts of the `positive` categories) / base_n, with a Wilson score 95%
interval; numerator = that positive count, denominator = base_n; measure = question_id; unit "%".
When a category has a percentage but no count, its count is taken as percentage x base_n / 100
(numerator rounded to a whole respondent for the interval). Breakdown is as given: "" for the
whole area, or `key=value` such as `age=16-24`, `ward=E05008123`.

Suppression: a cell whose base_n is below MIN_BASE_N (30) is not publishable; value and
numerator are NaN and status_note says "suppressed: base below 30 respondents".

Strict validation (DataFileError naming file, row, column and what was expected): a count above
base_n or positive counts adding to more than base_n; base_n missing or not a whole number;
percentage outside 0-100; different base_n values within one question/period/area/breakdown; a
duplicated response; positive not yes/no; bad period or breakdown; a period that starts after today;
an EXAMPLE row left in from the template; an unknown file extension. Checks are vectorised (each
distinct cell checked once, see `common.per_value`) and report the first bad row, as a row-by-row
check would. Series breaks: none recorded; a change of questionnaire
should be noted in the catalogue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cohesion import tidy
from cohesion.loaders.common import (
    area_type_from_code,
    check_period,
    distinct_rows,
    drop_blank_rows,
    find_header_row,
    first_failure,
    future_period_problem,
    per_combination,
    per_value,
    read_csv_strings,
    read_sheet,
    sheet_names,
    template_period_end,
    wilson_intervals,
)
from cohesion.loaders.errors import DataFileError, require_columns

MIN_BASE_N = 30  # smallest base (respondents) for which a percentage is published
SUPPRESSED_NOTE = f"suppressed: base below {MIN_BASE_N} respondents"
REQUIRED = ["question_id", "period", "area_code", "area_name", "breakdown", "response", "positive", "base_n"]
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
_BREAKDOWN = re.compile(r"^[a-z_]+=\S.*$")
_GROUP = ["question_id", "period", "area_code", "breakdown"]


def load_wellbeing_survey(path: Path) -> pd.DataFrame:
    """Read a Wellbeing Survey export in the template layout; one headline row per cell."""
    path = Path(path)
    frame, first_row, sheet = _read(path)
    frame.columns = [c.strip().lower() for c in frame.columns]
    require_columns(path, list(frame.columns), REQUIRED, sheet=sheet)
    if "count" not in frame and "percentage" not in frame:
        raise DataFileError(path, "no 'count' or 'percentage' column; expected at least one of them",
                            row=first_row - 1, sheet=sheet)
    frame = drop_blank_rows(frame)
    if frame.empty:
        raise DataFileError(path, "no data rows under the header", row=first_row, sheet=sheet)
    rows = first_row + frame.index.to_numpy()
    cells = _check_rows(path, sheet, rows, frame)
    return tidy.conform(_headlines(path, sheet, rows, cells))


def _check_rows(path: Path, sheet: str | None, rows: np.ndarray, frame: pd.DataFrame) -> dict[str, Any]:
    """Every per-row check, in the order a row is read; returns the parsed columns."""
    def col(name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series("", index=frame.index, dtype=object)

    def text(name: str) -> pd.Categorical:
        return per_value(col(name), lambda v: str(v).strip(), category=True)

    def where(series: Any, problem: Callable[[str], str | None]) -> pd.Categorical:
        return per_value(series, lambda v: problem(str(v).strip()), category=True)

    got = {name: text(name) for name in ("question_id", "period", "area_code", "area_name", "breakdown", "response")}
    positive = per_value(col("positive"), lambda v: str(v).strip().lower() in YES).astype(bool)
    base_n = per_value(col("base_n"), lambda v: _number(str(v).strip(), whole=True)).astype(float)
    count = per_value(col("count"), lambda v: _number(str(v).strip(), whole=True)).astype(float)
    pct = per_value(col("percentage"), lambda v: _number(str(v).strip(), whole=False)).astype(float)
    over_base = count > base_n
    no_figure = positive & np.isnan(count) & np.isnan(pct)
    first_failure(path, rows, [
        ("area_name", per_combination(
            lambda name, code, qid: _EXAMPLE if "EXAMPLE" in f"{name}{code}" or str(qid).strip().lower().startswith("example")
            else None, col("area_name"), col("area_code"), col("question_id"))),
        *[(field, where(got[field], lambda v, f=field: None if v else f"{f} is blank; expected a value on every row"))
          for field in ("question_id", "area_code", "area_name", "response")],
        ("period", where(got["period"], _period_problem)),
        ("breakdown", where(got["breakdown"], lambda v: None if not v or _BREAKDOWN.match(v) else
                            f"'{v}' is not a breakdown; expected blank or key=value such as age=16-24")),
        ("positive", where(col("positive"), lambda v: None if v.lower() in YES | NO else
                           f"'{v}' is not yes or no; expected yes when this answer counts toward the headline percentage")),
        ("base_n", where(col("base_n"), lambda v: _number_problem(v, whole=True) or (
            "base_n is missing; expected the number of respondents who answered" if v == "" else None))),
        ("count", where(col("count"), lambda v: _number_problem(v, whole=True))),
        ("count", _messages(over_base, lambda i: f"count {count[i]:g} is more than base_n {base_n[i]:g}; expected at most the base")),
        ("percentage", where(col("percentage"), lambda v: _number_problem(v, whole=False) or (
            f"{float(v.replace(',', '').rstrip('%')):g} is outside 0-100; expected a percentage of base_n"
            if v and not 0 <= float(v.replace(",", "").rstrip("%")) <= 100 else None))),
        ("count", _messages(no_figure, lambda _i: "a positive answer needs a count or a percentage; both are blank")),
    ], sheet=sheet)
    return got | {"positive": positive, "base_n": base_n, "count": count, "percentage": pct}


def _messages(mask: np.ndarray, message: Callable[[int], str]) -> np.ndarray:
    out = np.full(len(mask), None, dtype=object)
    bad = np.flatnonzero(mask)
    if len(bad):
        out[bad[0]] = message(int(bad[0]))  # only the first is ever reported
    return out


def _headlines(path: Path, sheet: str | None, rows: np.ndarray, c: dict[str, Any]) -> pd.DataFrame:
    """One headline row per (question, period, area, breakdown), after the cell-level checks."""
    group, first = distinct_rows(*(c[k] for k in _GROUP))
    base = c["base_n"][first][group]
    differs = c["base_n"] != base
    response_group, response_first = distinct_rows(group, per_value(c["response"], str.lower, category=True))
    repeats = response_first[response_group] != np.arange(len(group))
    exact = np.where(np.isnan(c["count"]), c["percentage"] * c["base_n"] / 100, c["count"])
    positive_sum = np.bincount(group, weights=np.where(c["positive"], exact, 0.0), minlength=len(first))
    base_first = c["base_n"][first]
    # The first cell (in file order) with a problem is reported; within it, the first answer.
    answer_bad = np.flatnonzero(differs | repeats)
    bad_groups = set(group[answer_bad].tolist()) | set(np.flatnonzero(positive_sum > base_first + 0.5).tolist())
    if bad_groups:
        g = min(bad_groups)
        in_group = answer_bad[group[answer_bad] == g]
        if len(in_group):
            i, f = int(in_group[0]), int(first[g])
            if differs[i]:
                raise DataFileError(path, f"base_n {c['base_n'][i]:g} differs from {base_first[g]:g} on row {rows[f]} "
                                    "for the same question, period, area and breakdown; expected one base per cell",
                                    row=int(rows[i]), field="base_n", sheet=sheet)
            raise DataFileError(path, f"response '{c['response'][i]}' repeats row {rows[response_first[response_group[i]]]}; "
                                "expected each answer once per cell", row=int(rows[i]), field="response", sheet=sheet)
        raise DataFileError(path, f"positive answers add to {positive_sum[g]:g}, more than base_n {base_first[g]:g}; "
                            "expected counts of respondents out of base_n", row=int(rows[first[g]]), field="count", sheet=sheet)
    shown = base_first >= MIN_BASE_N
    numerator = np.where(shown, np.round(positive_sum), np.nan)
    lower, upper = wilson_intervals(numerator, np.where(shown, base_first, np.nan))
    out = pd.DataFrame({k: c[k][first] for k in ("question_id", "period", "area_code", "area_name", "breakdown")})
    return out.rename(columns={"question_id": "measure"}).astype(str).assign(
        period_end=pd.to_datetime(per_value(out["period"], template_period_end)),
        area_type=per_value(out["area_code"], area_type_from_code),
        unit="%", denominator=base_first,
        value=np.where(shown, 100 * positive_sum / np.where(base_first > 0, base_first, np.nan), np.nan),
        numerator=numerator, lower_ci=lower, upper_ci=upper,
        status_note=np.where(shown, "", SUPPRESSED_NOTE),
    )


_EXAMPLE = ("this is an EXAMPLE row from the template; delete the example rows and enter the survey's own "
            "figures")


def _period_problem(period: str) -> str | None:
    if problem := check_period(period):
        return f"'{period}': {problem}; expected YYYY/YY (financial year), YYYY (calendar year) or YYYY-MM"
    return future_period_problem(period)


def _read(path: Path) -> tuple[pd.DataFrame, int, str | None]:
    """(frame of text cells, sheet row number of the first data row, sheet name or None)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_strings(path, categorical=True), 2, None
    if suffix != ".xlsx":
        raise DataFileError(path, f"unsupported file type '{suffix or '(none)'}'; expected .csv or .xlsx")
    names = sheet_names(path)
    sheet = next((s for s in names if s.strip().lower() == "data"), names[0])
    grid = read_sheet(path, sheet)
    header = find_header_row(grid.itertuples(index=False), lambda cells: "question_id" in cells)
    if header is None:
        raise DataFileError(path, "no header row with a 'question_id' cell; expected the template header",
                            sheet=sheet)
    text = grid.map(_as_text)
    frame = text.iloc[header + 1:].copy()
    frame.columns = [str(c).strip() for c in text.iloc[header]]
    frame.index = range(len(frame))
    return frame, header + 2, sheet


def _as_text(cell: object) -> str:
    """A spreadsheet cell as the text a person sees: 45.0 -> "45", empty -> ""."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _number(text: str, *, whole: bool) -> float:
    """The cell as a number; NaN when blank or not a valid number (see _number_problem)."""
    return np.nan if _number_problem(text, whole=whole) or text == "" else float(text.replace(",", "").rstrip("%"))


def _number_problem(text: str, *, whole: bool) -> str | None:
    if text == "":
        return None
    try:
        value = float(text.replace(",", "").rstrip("%"))
    except ValueError:
        return f"'{text}' is not a number; expected {'a whole number' if whole else 'a number'} or blank"
    if value < 0 or (whole and not value.is_integer()):
        return f"{text}: expected {'a whole number' if whole else 'a number'} of 0 or more"
    return None

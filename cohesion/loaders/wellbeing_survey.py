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
duplicated response; positive not yes/no; bad period or breakdown; an EXAMPLE row left in from the
template; an unknown file extension. Series breaks: none recorded; a change of questionnaire
should be noted in the catalogue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from cohesion import tidy
from cohesion.loaders.common import (
    area_type_from_code,
    check_period,
    drop_blank_rows,
    find_header_row,
    read_csv_strings,
    read_sheet,
    sheet_names,
    template_period_end,
    wilson_interval,
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
    answers = [_parse_row(path, sheet, first_row + int(idx), rec)
               for idx, rec in drop_blank_rows(frame).iterrows()]
    if not answers:
        raise DataFileError(path, "no data rows under the header", row=first_row, sheet=sheet)
    return tidy.conform(pd.DataFrame([_headline(path, sheet, group) for group in _groups(answers)]))


def _read(path: Path) -> tuple[pd.DataFrame, int, str | None]:
    """(frame of text cells, sheet row number of the first data row, sheet name or None)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_strings(path), 2, None
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


def _parse_row(path: Path, sheet: str | None, row_no: int, rec: pd.Series) -> dict:
    def fail(field: str, message: str) -> DataFileError:
        return DataFileError(path, message, row=row_no, field=field, sheet=sheet)

    get = {k: str(v).strip() for k, v in rec.items()}
    if "EXAMPLE" in get["area_name"] or "EXAMPLE" in get["area_code"] or \
            get["question_id"].lower().startswith("example"):
        raise fail("area_name", "this is an EXAMPLE row from the template; delete the example rows "
                   "and enter the survey's own figures")
    for field in ("question_id", "area_code", "area_name", "response"):
        if not get[field]:
            raise fail(field, f"{field} is blank; expected a value on every row")
    if problem := check_period(get["period"]):
        raise fail("period", f"'{get['period']}': {problem}; expected YYYY/YY (financial year), "
                   "YYYY (calendar year) or YYYY-MM")
    if get["breakdown"] and not _BREAKDOWN.match(get["breakdown"]):
        raise fail("breakdown", f"'{get['breakdown']}' is not a breakdown; expected blank or key=value "
                   "such as age=16-24")
    positive = get["positive"].lower()
    if positive not in YES | NO:
        raise fail("positive", f"'{get['positive']}' is not yes or no; expected yes when this answer "
                   "counts toward the headline percentage")
    base_n = _number(get["base_n"], "base_n", fail, whole=True)
    if math.isnan(base_n):
        raise fail("base_n", "base_n is missing; expected the number of respondents who answered")
    count = _number(get.get("count", ""), "count", fail, whole=True)
    if count > base_n:
        raise fail("count", f"count {count:g} is more than base_n {base_n:g}; expected at most the base")
    pct = _number(get.get("percentage", ""), "percentage", fail, whole=False)
    if not math.isnan(pct) and not 0 <= pct <= 100:
        raise fail("percentage", f"{pct:g} is outside 0-100; expected a percentage of base_n")
    if positive in YES and math.isnan(count) and math.isnan(pct):
        raise fail("count", "a positive answer needs a count or a percentage; both are blank")
    return {"row": row_no, "question_id": get["question_id"], "period": get["period"],
            "area_code": get["area_code"], "area_name": get["area_name"], "breakdown": get["breakdown"],
            "response": get["response"], "positive": positive in YES, "base_n": base_n,
            "count": count, "percentage": pct}


def _number(text: str, field: str, fail: Callable[[str, str], DataFileError], *, whole: bool) -> float:
    if text == "":
        return np.nan
    try:
        value = float(text.replace(",", "").rstrip("%"))
    except ValueError:
        raise fail(field, f"'{text}' is not a number; expected "
                   f"{'a whole number' if whole else 'a number'} or blank") from None
    if value < 0 or (whole and not value.is_integer()):
        raise fail(field, f"{text}: expected {'a whole number' if whole else 'a number'} of 0 or more")
    return value


def _groups(answers: list[dict]) -> list[list[dict]]:
    groups: dict[tuple, list[dict]] = {}
    for answer in answers:
        groups.setdefault(tuple(answer[k] for k in _GROUP), []).append(answer)
    return list(groups.values())


def _headline(path: Path, sheet: str | None, group: list[dict]) -> dict:
    first = group[0]
    seen: dict[str, int] = {}
    for answer in group:
        if answer["base_n"] != first["base_n"]:
            raise DataFileError(
                path, f"base_n {answer['base_n']:g} differs from {first['base_n']:g} on row {first['row']} "
                "for the same question, period, area and breakdown; expected one base per cell",
                row=answer["row"], field="base_n", sheet=sheet)
        if answer["response"].lower() in seen:
            raise DataFileError(path, f"response '{answer['response']}' repeats row "
                                f"{seen[answer['response'].lower()]}; expected each answer once per cell",
                                row=answer["row"], field="response", sheet=sheet)
        seen[answer["response"].lower()] = answer["row"]
    base_n = first["base_n"]
    positive_exact = sum(a["count"] if not math.isnan(a["count"]) else a["percentage"] * base_n / 100
                         for a in group if a["positive"])
    if positive_exact > base_n + 0.5:
        raise DataFileError(path, f"positive answers add to {positive_exact:g}, more than base_n {base_n:g}; "
                            "expected counts of respondents out of base_n", row=first["row"],
                            field="count", sheet=sheet)
    out = {"measure": first["question_id"], "period": first["period"],
           "period_end": template_period_end(first["period"]), "area_code": first["area_code"],
           "area_name": first["area_name"], "area_type": area_type_from_code(first["area_code"]), "breakdown": first["breakdown"],
           "unit": "%", "denominator": base_n}
    if base_n < MIN_BASE_N:
        return out | {"value": np.nan, "numerator": np.nan, "status_note": SUPPRESSED_NOTE}
    numerator = float(round(positive_exact))
    lower, upper = wilson_interval(numerator, base_n)
    return out | {"value": 100 * positive_exact / base_n, "numerator": numerator,
                  "lower_ci": lower, "upper_ci": upper, "status_note": ""}


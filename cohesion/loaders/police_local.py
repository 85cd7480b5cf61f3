"""Hate crime and hate incident counts shared by the local police force with the council.

Publisher: the police force, under a local data-sharing arrangement. There is no national format
for these extracts, so this module defines one: the CSV template in
`data/templates/police_counts_template.csv`, documented column by column in
`docs/data-templates.md`. The Home Office publishes hate crime by force only, so this is the
route to community safety partnership (CSP) and ward figures.

Layout accepted: one CSV, header on row 1, columns matched by name (order free):
`period, area_type, area_code, area_name, measure, strand, count[, population][, note]`.

- period: `YYYY-MM` (month), `YYYY/YY` (financial year, April-March) or `YYYY` (calendar year).
- area_type: `force`, `csp` or `ward`. For a force, area_code may be left blank and becomes
  `force:<slug of area_name>`, matching the Home Office series (`force:northumbria`).
- measure: `hate_crimes` or `hate_incidents`; strand: All, Race, Religion, Sexual orientation,
  Disability, Transgender. Strands can overlap (one crime, several strands): they need not sum.
- count: a whole number >= 0, or a suppression marker (`*`, `[c]`, `[x]`, `x`, `..`, `-`),
  which becomes a missing value with the marker's meaning in `status_note`. Blank is an error:
  a blank cell cannot be told apart from a forgotten one.
- population (optional): residents of the area, used as the rate denominator.
- note (optional): free text kept in `status_note` (after the suppression reason, if any).

Output measures `police_hate_crimes` / `police_hate_incidents`; breakdown "" for strand All,
else `strand=<name>`; unit "count". Validation is strict: any bad row stops the load with a
DataFileError naming the file, the CSV row (header = row 1), the column and what was expected.
A period that starts after today is refused (a typo such as 2031 for 2021 would otherwise sit
at the end of every chart).

Checks are vectorised: columns are read as categories and each distinct cell is checked once
(`per_value`), then the first failing row is reported exactly as a row-by-row check would
(`first_failure`). A 50 MB export loads in seconds (see `python -m cohesion bench`).
Series breaks: none are recorded; put a change of recording practice in `note`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from cohesion import tidy
from cohesion.loaders.common import (
    check_period,
    csv_row_number,
    distinct_rows,
    drop_blank_rows,
    first_failure,
    future_period_problem,
    per_combination,
    per_value,
    read_csv_strings,
    template_period_end,
)
from cohesion.loaders.errors import DataFileError, require_columns
from cohesion.loaders.home_office import force_area

REQUIRED = ["period", "area_type", "area_code", "area_name", "measure", "strand", "count"]
OPTIONAL = ["population", "note"]

AREA_TYPES = {"force": "police_force_area", "csp": "community_safety_partnership", "ward": "ward"}
MEASURES = {"hate_crimes": "police_hate_crimes", "hate_incidents": "police_hate_incidents"}
STRANDS = ["All", "Race", "Religion", "Sexual orientation", "Disability", "Transgender"]
SUPPRESSION_MARKERS = {"*", "[c]", "[x]", "x", "..", "-"}
_MARKERS = ", ".join(sorted(SUPPRESSION_MARKERS))


def load_police_counts(path: Path) -> pd.DataFrame:
    """Read and validate a police counts CSV in the template layout (see module docstring)."""
    path = Path(path)
    if path.suffix.lower() not in {".csv", ".txt"}:
        raise DataFileError(path, f"unsupported file type '{path.suffix}'; expected a .csv file "
                            "in the police counts template layout")
    frame = read_csv_strings(path, categorical=True)
    frame.columns = [c.lower() for c in frame.columns]
    require_columns(path, list(frame.columns), REQUIRED)
    frame = drop_blank_rows(frame)
    if frame.empty:
        raise DataFileError(path, "no data rows under the header; expected at least one count", row=2)
    rows = csv_row_number(0) + frame.index.to_numpy()

    def col(name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series("", index=frame.index, dtype="category")

    def text(name: str, fn: Callable[[str], str | None] = str.strip) -> pd.Categorical:
        return per_value(col(name), lambda v: fn(str(v)), category=True)

    def where(name: str, problem: Callable[[str], str | None]) -> pd.Categorical:
        return per_value(col(name), lambda v: problem(str(v)), category=True)

    period, area_name = text("period"), text("area_name")
    area_type = text("area_type", lambda v: AREA_TYPES.get(v.strip().lower()))
    measure = text("measure", lambda v: MEASURES.get(v.strip().lower()))
    breakdown = text("strand", _breakdown)
    # A force's area_code may be blank: it takes the Home Office series' code (force:<slug>).
    area_code = per_combination(lambda code, kind, name: code.strip() or (force_area(name.strip())[0] if
                                kind.strip().lower() == "force" else ""),
                                col("area_code"), col("area_type"), col("area_name"))
    first_failure(path, rows, [
        ("area_name", per_combination(lambda name, code: _EXAMPLE if "EXAMPLE" in name + code else None,
                                      col("area_name"), col("area_code"))),
        ("period", where("period", _period_problem)),
        ("area_type", where("area_type", lambda v: None if v.strip().lower() in AREA_TYPES else
                            f"'{v}' is not an area type; expected one of {', '.join(AREA_TYPES)}")),
        ("area_name", where("area_name", lambda v: None if v.strip() else "area_name is blank; expected the area's name")),
        ("area_code", per_value(area_code, lambda v: None if v else
                                "area_code is blank; expected a GSS code (e.g. a ward's E05 code)", category=True)),
        ("measure", where("measure", lambda v: None if v.strip().lower() in MEASURES else
                          f"'{v}' is not a measure; expected one of {', '.join(MEASURES)}")),
        ("strand", where("strand", lambda v: None if _breakdown(v) is not None else
                         f"'{v}' is not a strand; expected one of {', '.join(STRANDS)}")),
        ("count", per_value(col("count"), lambda v: _error(_parse_count(v)), category=True)),
        ("population", where("population", lambda v: _error(_parse_population(v)))),
        (None, _duplicates(rows, period, area_code, measure, breakdown)),
    ])
    reason = per_value(col("count"), lambda v: _parse_count(v)[1], category=True)
    out = pd.DataFrame({
        "measure": measure, "period": period,
        "period_end": pd.to_datetime(per_value(period, template_period_end)),
        "area_code": area_code, "area_name": area_name, "area_type": area_type, "breakdown": breakdown,
        "value": per_value(col("count"), lambda v: _parse_count(v)[0]).astype(float),
        "denominator": per_value(col("population"), _parse_population).astype(float), "unit": "count",
        "status_note": per_combination(lambda r, n: "; ".join(t for t in (r, n.strip()) if t), reason, col("note")),
    })
    # Plain text columns out, like every loader (categories were only for the checks' speed).
    return tidy.conform(out.astype({c: str for c in out.columns if isinstance(out[c].dtype, pd.CategoricalDtype)}))


_EXAMPLE = "this is an EXAMPLE row from the template; delete the example rows and enter the force's own counts"


def _error(parsed: object) -> str | None:
    """The message of a failed parse (parsers return the message as text), else None."""
    return parsed if isinstance(parsed, str) else None


def _breakdown(cell: str) -> str | None:
    """'' for strand All, 'strand=<name>' for another strand, None when it is not a strand."""
    text = str(cell).strip().lower()
    strand = next((s for s in STRANDS if s.lower() == text), None)
    return None if strand is None else ("" if strand == "All" else f"strand={strand}")


def _period_problem(cell: object) -> str | None:
    period = str(cell).strip()
    if problem := check_period(period):
        return (f"'{period}': {problem}; expected YYYY-MM (month), YYYY/YY (financial year) or YYYY "
                "(calendar year)")
    return future_period_problem(period)


def _duplicates(rows: np.ndarray, *key: object) -> np.ndarray:
    """Per row, 'duplicate of row N' when an earlier row has the same key, else missing."""
    codes, first = distinct_rows(*key)
    first_row = first[codes]
    dup = first_row != np.arange(len(codes))
    messages = np.full(len(codes), None, dtype=object)
    messages[dup] = [f"duplicate of row {rows[p]} (same period, area_code, measure and strand); "
                     "expected one row per period, area, measure and strand" for p in first_row[dup]]
    return messages


def _parse_count(cell: object) -> tuple[float, str] | str:
    """(value, missing reason), or the error message when the cell is not a count."""
    text = str(cell).strip()
    if text.lower() in SUPPRESSION_MARKERS:
        return np.nan, tidy.MISSING_MARKERS.get(text.lower(), f"{text}: suppressed")
    if text == "":
        return f"count is blank; expected a whole number >= 0 or a suppression marker ({_MARKERS})"
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return f"'{text}' is not a count; expected a whole number >= 0 or a suppression marker ({_MARKERS})"
    if number < 0:
        return f"{text} is negative; expected a whole number >= 0"
    if not number.is_integer():
        return f"{text} is not a whole number; expected a count of crimes or incidents"
    return number, ""


def _parse_population(cell: object) -> float | str:
    """Residents as a number (NaN when blank), or the error message."""
    text = str(cell if cell is not None else "").strip()
    if text == "":
        return np.nan
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return f"'{text}' is not a number; expected a whole number of residents, or leave blank"
    if number <= 0 or not number.is_integer():
        return f"{text}: expected a whole number of residents above 0, or blank"
    return number

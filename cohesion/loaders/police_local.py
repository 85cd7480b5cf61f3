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
  `force:<slug of area_name>`, matching the Home Office series (`force:staffordshire`).
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
    drop_blank_rows,
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

def load_police_counts(path: Path) -> pd.DataFrame:
    """Read and validate a police counts CSV in the template layout (see module docstring)."""
    path = Path(path)
    if path.suffix.lower() not in {".csv", ".txt"}:
        raise DataFileError(path, f"unsupported file type '{path.suffix}'; expected a .csv file "
                            "in the police counts template layout")
    frame = read_csv_strings(path)
    frame.columns = [c.lower() for c in frame.columns]
    require_columns(path, list(frame.columns), REQUIRED)
    rows = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for idx, rec in drop_blank_rows(frame).iterrows():
        row_no = csv_row_number(int(idx))
        row = _parse_row(path, row_no, rec)
        key = (row["period"], row["area_code"], row["measure"], row["breakdown"])
        if key in seen:
            raise DataFileError(
                path, f"duplicate of row {seen[key]} (same period, area_code, measure and strand); "
                "expected one row per period, area, measure and strand", row=row_no,
            )
        seen[key] = row_no
        rows.append(row)
    if not rows:
        raise DataFileError(path, "no data rows under the header; expected at least one count", row=2)
    return tidy.conform(pd.DataFrame(rows))


def _parse_row(path: Path, row_no: int, rec: pd.Series) -> dict:
    def fail(field: str, message: str) -> DataFileError:
        return DataFileError(path, message, row=row_no, field=field)

    if "EXAMPLE" in rec["area_name"] or "EXAMPLE" in rec["area_code"]:
        raise fail("area_name", "this is an EXAMPLE row from the template; delete the example rows and "
                   "enter the force's own counts")
    period = rec["period"].strip()
    if problem := check_period(period):
        raise fail("period", f"'{period}': {problem}; expected YYYY-MM (month), YYYY/YY (financial "
                   "year) or YYYY (calendar year)")
    area_type_key = rec["area_type"].strip().lower()
    if area_type_key not in AREA_TYPES:
        raise fail("area_type", f"'{rec['area_type']}' is not an area type; expected one of "
                   f"{', '.join(AREA_TYPES)}")
    area_name = rec["area_name"].strip()
    if not area_name:
        raise fail("area_name", "area_name is blank; expected the area's name")
    area_code = rec["area_code"].strip()
    if not area_code:
        if area_type_key != "force":
            raise fail("area_code", "area_code is blank; expected a GSS code (e.g. a ward's E05 code)")
        area_code = force_area(area_name)[0]  # same code as the Home Office force series
    measure_key = rec["measure"].strip().lower()
    if measure_key not in MEASURES:
        raise fail("measure", f"'{rec['measure']}' is not a measure; expected one of {', '.join(MEASURES)}")
    strand = next((s for s in STRANDS if s.lower() == rec["strand"].strip().lower()), None)
    if strand is None:
        raise fail("strand", f"'{rec['strand']}' is not a strand; expected one of {', '.join(STRANDS)}")
    value, reason = _parse_count(rec["count"], fail)
    population = _parse_population(rec.get("population", ""), fail)
    note = str(rec.get("note", "")).strip()
    return {
        "measure": MEASURES[measure_key], "period": period, "period_end": template_period_end(period),
        "area_code": area_code,
        "area_name": area_name, "area_type": AREA_TYPES[area_type_key],
        "breakdown": "" if strand == "All" else f"strand={strand}", "value": value,
        "denominator": population, "unit": "count",
        "status_note": "; ".join(t for t in (reason, note) if t),
    }


def _parse_count(cell: str, fail: Callable[[str, str], DataFileError]) -> tuple[float, str]:
    text = str(cell).strip()
    if text.lower() in SUPPRESSION_MARKERS:
        return np.nan, tidy.MISSING_MARKERS.get(text.lower(), f"{text}: suppressed")
    if text == "":
        raise fail("count", "count is blank; expected a whole number >= 0 or a suppression marker "
                   f"({', '.join(sorted(SUPPRESSION_MARKERS))})")
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise fail("count", f"'{text}' is not a count; expected a whole number >= 0 or a suppression "
                   f"marker ({', '.join(sorted(SUPPRESSION_MARKERS))})") from None
    if number < 0:
        raise fail("count", f"{text} is negative; expected a whole number >= 0")
    if not number.is_integer():
        raise fail("count", f"{text} is not a whole number; expected a count of crimes or incidents")
    return number, ""


def _parse_population(cell: object, fail: Callable[[str, str], DataFileError]) -> float:
    text = str(cell if cell is not None else "").strip()
    if text == "":
        return np.nan
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise fail("population", f"'{text}' is not a number; expected a whole number of "
                   "residents, or leave blank") from None
    if number <= 0 or not number.is_integer():
        raise fail("population", f"{text}: expected a whole number of residents above 0, or blank")
    return number

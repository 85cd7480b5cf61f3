"""Home Office police-recorded hate crime ("Hate crime, England and Wales", annual release).

Publisher: the Home Office (police recorded crime; Open Government Licence v3.0).

Layouts accepted (detected from the file's content, never from fixed row numbers):

(a) The bulletin data tables workbook (.ods or .xlsx), e.g. `hate-crime-1819-hosb2419-tables.ods`.
    The sheet holding the strand table is found by its header cell "Hate crime strand"
    (sheet `Table_2` in 2018/19; numbered sheets such as `2` in later releases). Footnote digits
    glued onto labels (`strand1,2`, `2017/183`) and `[note N]` references are stripped; numbers
    may be text with thousands separators. A title mentioning "excluding the Metropolitan
    Police" (Table 2a in recent releases) marks the England and Wales excluding the Met series.
(b) The BBC England Data Unit's tidy force CSV of the same statistics (`Force, Year, Race,
    Total Religion, ..., Total number of offences, Population, ...`), years like `2017-18`.
    `Population` (the force area's residents as the BBC published it) becomes the
    `denominator` of the total-offences rows.
(c) A long CSV (`area_name, area_type, financial_year, measure, value[, value_as_published],
    status`) as kept in the reference data folder for England and Wales series.

Measures: `hate_crime_offences` (breakdown "" = total offences; `strand=Race`, `strand=Religion`,
`strand=Sexual orientation`, `strand=Disability`, `strand=Transgender` = offences flagged with
that strand) and `hate_crime_motivating_factors` (breakdown "", the total of strand flags).
One offence can carry more than one strand, so the strand counts do NOT sum to total offences;
their sum is the motivating-factors total, which is larger.

Areas: police forces as `force:<slug>` (`Northumbria` and `Northumbria Police` both become
`force:northumbria`), England and Wales `K04000001`, England and Wales excluding the
Metropolitan Police `K04000001-xMPS`. The two national series are not comparable with each other.

Missing values: `N/A` (not collected: 2011/12 total offences), `#N/A` (BBC, no population),
bracketed markers `[x]` `[c]` `[z]`, and empty cells stay NaN with the publisher's reason in
`status_note` (for the long CSV, its `status` text). Series breaks: none are recorded by this
loader; the bulletin notes revisions (e.g. Merseyside 2017/18) only in footnotes.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from cohesion import tidy
from cohesion.loaders.common import (
    clean_label,
    drop_blank_rows,
    find_header_row,
    parse_cell,
    read_csv_strings,
    read_sheet,
    sheet_names,
    slug,
)
from cohesion.loaders.errors import DataFileError, require_columns

OFFENCES = "hate_crime_offences"
MOTIVATING_FACTORS = "hate_crime_motivating_factors"
STRANDS = ["Race", "Religion", "Sexual orientation", "Disability", "Transgender"]

EW_CODE, EW_NAME = "K04000001", "England and Wales"
EW_EXCL_MET_CODE = "K04000001-xMPS"
EW_EXCL_MET_NAME = "England and Wales excluding Metropolitan Police"

_HEADER_LABEL = "hate crime strand"


def load_hate_crime(path: Path) -> pd.DataFrame:
    """Read any of the Home Office hate crime layouts described in the module docstring."""
    path = Path(path)
    if path.suffix.lower() in {".ods", ".xlsx", ".xls"}:
        return tidy.conform(_from_workbook(path))
    frame = read_csv_strings(path)
    cols = {c.lower() for c in frame.columns}
    if {"force", "year"} <= cols:
        return tidy.conform(_from_bbc(path, frame))
    if {"area_name", "financial_year", "measure", "value"} <= cols:
        return tidy.conform(_from_long(path, frame))
    raise DataFileError(
        path,
        "not a recognised hate crime layout; expected the Home Office bulletin tables (.ods/.xlsx), "
        "a BBC force CSV (Force, Year, Race, ...) or a long CSV (area_name, area_type, "
        f"financial_year, measure, value, status); found columns {', '.join(frame.columns)}",
        row=1,
    )


def classify(label: str) -> tuple[str, str] | None:
    """A row or column label -> (measure, breakdown), or None when it is not one we read."""
    text = clean_label(label).lower().strip()
    text = re.sub(r"^total\s+(?=religion$)", "", text)  # the BBC's "Total Religion"
    for strand in STRANDS:
        if text == strand.lower():
            return OFFENCES, f"strand={strand}"
    if "motivating factors" in text:
        return MOTIVATING_FACTORS, ""
    if text in {"total number of offences", "total offences", "total hate crime offences"}:
        return OFFENCES, ""
    return None


def force_area(name: str) -> tuple[str, str, str]:
    """(area_code, area_name, area_type) for a force or national name as publishers write it."""
    text = " ".join(str(name).split())
    lowered = text.lower()
    if lowered.startswith("england and wales"):
        if "excluding" in lowered or "excl" in lowered:
            return EW_EXCL_MET_CODE, EW_EXCL_MET_NAME, "country_group_excl_met"
        return EW_CODE, EW_NAME, "country_group"
    # "Northumbria Police" (police.uk) and "Northumbria" (Home Office) are the same force;
    # the Met keeps its full name because "Metropolitan" alone reads oddly on screen.
    short = re.sub(r"\s+(police(\s+service)?|constabulary)$", "", text, flags=re.IGNORECASE).strip()
    if short.lower() == "metropolitan":
        short = "Metropolitan Police"
    return f"force:{slug(short)}", short, "police_force_area"


def _row(measure: str, breakdown: str, period: str, area: tuple[str, str, str], cell: object,
         reason_if_missing: str = "") -> dict:
    value, reason = parse_cell(cell)
    code, name, area_type = area
    return {
        "measure": measure, "breakdown": breakdown, "period": period, "area_code": code,
        "area_name": name, "area_type": area_type, "value": value, "unit": "count",
        "status_note": (reason_if_missing or reason) if np.isnan(value) else "",
    }


def _from_workbook(path: Path) -> pd.DataFrame:
    # The strand table is Table 2 (sheet "Table_2", or "2" in recent releases); look there first
    # so another table that happens to share the header cannot be read instead.
    names = sheet_names(path)
    preferred = [n for n in names if re.sub(r"[^a-z0-9]", "", n.lower()) in {"table2", "2", "table2a", "2a"}]
    for sheet in preferred + [n for n in names if n not in preferred]:
        grid = read_sheet(path, sheet)
        header = find_header_row(grid.itertuples(index=False), lambda cells: _HEADER_LABEL in cells)
        if header is not None:
            return _parse_strand_table(path, sheet, grid, header)
    raise DataFileError(
        path, "no sheet has a 'Hate crime strand' header row; expected the bulletin's strand table "
        "(Table 2 or Table 2a)",
    )


def _parse_strand_table(path: Path, sheet: str, grid: pd.DataFrame, header: int) -> pd.DataFrame:
    head = grid.iloc[header].tolist()
    label_col = next(i for i, c in enumerate(head) if clean_label(c).lower() == _HEADER_LABEL)
    # Year columns by content; "% change 2017/18 to 2018/19" starts with "%" and is skipped.
    years = {i: tidy.financial_year(str(c)) for i, c in enumerate(head) if i != label_col}
    years = {i: fy for i, fy in years.items() if fy}
    if not years:
        raise DataFileError(path, "the header row has no year columns; expected labels like 2018/19",
                            row=header + 1, sheet=sheet)
    title = " ".join(str(c) for row in grid.iloc[:header].itertuples(index=False) for c in row).lower()
    area = force_area("England and Wales excluding" if "excluding the metropolitan" in title
                      or "excluding metropolitan" in title else "England and Wales")
    rows = []
    for r in range(header + 1, len(grid)):
        label = grid.iat[r, label_col]
        kind = classify(str(label))
        if kind is None:
            continue  # blank spacer rows, "Source: ...", footnotes
        for col, fy in years.items():
            rows.append(_row(*kind, fy, area, grid.iat[r, col]))
    if not rows:
        raise DataFileError(path, "no strand or total rows under the header; expected rows such as "
                            "'Race' and 'Total number of offences'", row=header + 1, sheet=sheet)
    return pd.DataFrame(rows)


_BBC_POPULATION = "population"


def _from_bbc(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    by_lower = {c.lower(): c for c in frame.columns}
    value_cols = {c: classify(c) for c in frame.columns if classify(c)}
    if not any(kind == (OFFENCES, "") for kind in value_cols.values()):
        raise DataFileError(path, "no 'Total number of offences' column; expected the BBC hate crime "
                            "layout", row=1)
    rows = []
    for idx, rec in drop_blank_rows(frame).iterrows():
        period = tidy.financial_year(rec[by_lower["year"]])
        if not period:
            raise DataFileError(path, f"year '{rec[by_lower['year']]}' is not a financial year; "
                                "expected e.g. 2017-18", row=int(idx) + 2, field=by_lower["year"])
        area = force_area(rec[by_lower["force"]])
        population = np.nan
        if _BBC_POPULATION in by_lower:
            population, _ = parse_cell(rec[by_lower[_BBC_POPULATION]])  # "#N/A" -> NaN
        for col, kind in value_cols.items():
            row = _row(*kind, period, area, rec[col])
            if kind == (OFFENCES, ""):
                row["denominator"] = population
            rows.append(row)
    return pd.DataFrame(rows)


def _from_long(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    require_columns(path, list(frame.columns), ["area_name", "financial_year", "measure", "value"])
    rows = []
    for idx, rec in drop_blank_rows(frame).iterrows():
        row_no = int(idx) + 2
        kind = classify(rec["measure"])
        if kind is None:
            continue  # a measure this dashboard does not read (e.g. a % change row)
        period = tidy.financial_year(rec["financial_year"])
        if not period:
            raise DataFileError(path, f"'{rec['financial_year']}' is not a financial year; expected "
                                "e.g. 2018/19", row=row_no, field="financial_year")
        area = force_area(rec["area_name"])  # national names map to K04000001[-xMPS], others to forces
        if str(rec.get("area_code", "")).strip():
            area = (rec["area_code"].strip(), area[1], area[2])
        status = str(rec.get("status", "")).strip()
        published = str(rec.get("value_as_published", "")).strip()
        reason = status
        if not reason and published:
            reason = parse_cell(published)[1]
        rows.append(_row(*kind, period, area, rec["value"], reason))
    return pd.DataFrame(rows)

"""Loader for the project's own table of published figures (`data/published_figures.csv`).

Figures that exist only in a report's text (the 2025 listening exercise, the Wellbeing Survey
figures quoted in the strategy, police news releases) or that we ship so the dashboard works
before any publisher's file is imported. Each row is typed in by hand and must cite its
publisher, publication, table or section, vintage and licence; a row without a citation is
rejected, because an uncited number must never reach the screen. `source_id` names the
catalogue source the figure belongs to, so the dashboard credits the real publisher.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from cohesion import tidy
from cohesion.loaders.common import future_period_problem, ragged_row, read_bytes, require_not_empty, require_utf8
from cohesion.loaders.errors import DataFileError, require_columns

CITATION_COLUMNS = ["publisher", "publication", "table_or_section", "vintage", "licence"]
REQUIRED = ["source_id", "measure", "period", "area_code", "area_name", "area_type", "value", "unit", *CITATION_COLUMNS]


def read_published_table(path: Path) -> pd.DataFrame:
    """The table as text, with every row checked for a citation and a readable value."""
    data = read_bytes(path)
    require_not_empty(path, data)
    require_utf8(path, data)  # typed-in citations: refuse a guessed encoding rather than garble them
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig", engine="pyarrow")
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        raise ragged_row(path, data) or DataFileError(path, f"could not read as CSV ({exc}); expected "
                                                      "comma-separated UTF-8 text") from None
    require_columns(path, list(raw.columns), REQUIRED)
    # Checks are column-wise so a national-scale table (hundreds of thousands of rows) stays fast;
    # the first offending row is reported with its CSV line (header = row 1).
    for col in ("source_id", "measure", "period", "area_code", "unit", *CITATION_COLUMNS):
        _first_bad(path, raw[col].str.strip() == "", col, f"'{col}' is empty; every published figure needs it (a citation or key)")
    periods = raw["period"].map(dict.fromkeys(raw["period"].unique()) | {
        p: tidy.period_end(p) for p in raw["period"].unique()})
    bad_period = periods.isna()
    if bad_period.any():
        i = int(bad_period.idxmax())
        _first_bad(path, bad_period, "period", f"period '{raw.at[i, 'period']}' not recognised; expected 2024/25, 2025 or 2025-06")
    future = raw["period"].map({p: future_period_problem(p) for p in raw["period"].unique()})
    if future.notna().any():
        _first_bad(path, future.notna(), "period", str(future[future.notna()].iloc[0]))
    values = tidy.to_float(raw["value"].str.replace(",", "", regex=False))
    notes = raw["status_note"].str.strip() if "status_note" in raw else pd.Series("", index=raw.index)
    bad_value = values.isna() & (notes == "")
    if bad_value.any():
        i = int(bad_value.idxmax())
        _first_bad(path, bad_value, "value", f"value '{raw.at[i, 'value']}' is not a number; give a number, or leave it "
                   "empty and say why in status_note")
    for col in ("lower_ci", "upper_ci"):
        if col in raw:
            text = raw[col].str.strip()
            bad = (text != "") & tidy.to_float(text).isna()
            if bad.any():
                _first_bad(path, bad, col, f"'{raw.at[int(bad.idxmax()), col]}' is not a number")
    return raw


def _first_bad(path: Path, mask: pd.Series, field: str, message: str) -> None:
    if mask.any():
        raise DataFileError(path, message, row=int(mask.idxmax()) + 2, field=field)


def load_published_figures(path: Path) -> pd.DataFrame:
    """Tidy rows from the published-figures table; `source_id` is kept from each row."""
    raw = read_published_table(path)
    frame = raw.copy()
    text = frame["value"].str.replace(",", "", regex=False).str.strip()
    frame["value"] = tidy.to_float(text)
    notes = frame["status_note"] if "status_note" in frame else pd.Series("", index=frame.index)
    # A non-numeric cell keeps the publisher's marker as its reason (see tidy.MISSING_MARKERS).
    unexplained = frame["value"].isna() & (notes.str.strip() == "")
    notes = notes.copy()
    notes[unexplained] = raw.loc[unexplained, "value"].map(lambda cell: tidy.parse_number(cell)[1])
    frame["status_note"] = notes
    return tidy.conform(frame)


def citations(path: Path) -> pd.DataFrame:
    """One row per published figure with its full citation, for the Data & sources page."""
    raw = read_published_table(path)
    cols = ["source_id", "measure", "period", "area_name", "breakdown", "value", "unit", *CITATION_COLUMNS, "url", "derivation"]
    return raw[[c for c in cols if c in raw.columns]]

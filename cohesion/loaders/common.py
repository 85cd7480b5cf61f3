"""Helpers shared by the publisher-format loaders: reading files, finding headers, cleaning cells.

Publishers' files are presentation tables as often as data tables: titles above the header,
footnote digits glued onto labels (`strand1,2`, `2017/183`), numbers stored as text with
commas, and missing values written as markers (`N/A`, `[x]`, `na`). These helpers keep every
loader to the same rules: find the header by its content (never a fixed row number), match
columns by name, and turn any non-numeric cell into "missing, with the publisher's reason".

The Wilson score interval lives here too, because more than one survey loader needs a
confidence interval for a proportion computed from counts.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from cohesion import tidy
from cohesion.loaders.errors import DataFileError

# z for a two-sided 95% interval (scipy.stats.norm.ppf(0.975)); a constant so the loaders need
# no scipy import at run time.
Z_95 = 1.959963984540054

_STRICT_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_STRICT_FY = re.compile(r"^(\d{4})/(\d{2})$")
_STRICT_YEAR = re.compile(r"^\d{4}$")
_NOTE = re.compile(r"\[\s*note\s*\d+\s*\]", re.IGNORECASE)  # "[note 3]" footnote references
# Footnote digits glued straight onto a word ("strand1,2", "offences4"); "Covid 19" keeps its number.
_TRAILING_FOOTNOTE = re.compile(r"(?<=[A-Za-z)])\d+(?:,\d+)*$")


def read_text(path: Path) -> str:
    """The file's text (UTF-8, with or without a byte-order mark; cp1252 as a fallback).

    Raises DataFileError when the file is absent or is not text, so the refresh can say which
    file to fix instead of showing a traceback.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "file not found; expected a readable file at this path")
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise DataFileError(path, "this is not a text (CSV) file; expected comma-separated text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets saved as "CSV" on Windows are often cp1252; accept them rather than fail.
        return raw.decode("cp1252", errors="replace")


def read_csv_strings(path: Path, *, skiprows: int = 0, text: str | None = None) -> pd.DataFrame:
    """Read a CSV with every cell as text ("" for empty) and no marker turned into NaN.

    Blank lines are kept as empty rows so that `csv_row_number` stays true to the file.
    """
    text = read_text(path) if text is None else text
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
            skip_blank_lines=False, skiprows=skiprows,
        )
    except pd.errors.EmptyDataError as exc:
        raise DataFileError(path, "the file is empty; expected a header row and data rows", row=1) from exc
    except pd.errors.ParserError as exc:
        raise DataFileError(path, f"could not read as CSV ({exc}); expected comma-separated values") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def csv_row_number(index: int, header_row: int = 1) -> int:
    """The row number a person sees in a spreadsheet for data row `index` (header = row 1)."""
    return header_row + 1 + int(index)


def drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows where every cell is empty text are layout, not data; the index is kept."""
    if frame.empty:
        return frame
    blank = frame.apply(lambda col: col.astype(str).str.strip() == "").all(axis=1)
    return frame[~blank]


def find_header_row(rows: Iterable[Iterable[object]], predicate: Callable[[list[str]], bool]) -> int | None:
    """Index of the first row whose cleaned cell texts satisfy `predicate`, or None."""
    for i, row in enumerate(rows):
        cells = [clean_label(c).lower() for c in row]
        if predicate(cells):
            return i
    return None


def clean_label(cell: object) -> str:
    """A label without footnote references: `strand1,2` -> `strand`, `Race [note 3]` -> `Race`.

    Year labels are left alone here (use `tidy.financial_year`, which drops glued digits).
    """
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    text = _NOTE.sub("", str(cell)).strip()
    if re.fullmatch(r"\d{4}\s*[/-]\s*\d{2,4}.*", text):
        return text
    return _TRAILING_FOOTNOTE.sub("", text).strip()


def parse_cell(cell: object) -> tuple[float, str]:
    """A published number cell -> (value, reason). Footnote references are dropped first.

    `"35,944"` -> 35944.0; `"1,234 [note 3]"` -> 1234.0; `"[c]"` -> NaN with the marker's
    meaning (tidy.MISSING_MARKERS); an empty cell -> NaN, "blank in source". Never 0 for missing.
    """
    if isinstance(cell, str):
        stripped = _NOTE.sub("", cell).strip()
        if stripped == "" and cell.strip() != "":
            return np.nan, f"no figure in source, only a footnote reference '{cell.strip()}'"
        cell = stripped
    return tidy.parse_number(cell)


def slug(text: str) -> str:
    """Lower-case, hyphen-separated: `London, City of` -> `london-city-of`."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def area_type_from_code(code: str) -> str:
    """A GSS code's area type, by its entity prefix (E06 unitary, E10 county, E12 region ...)."""
    prefix = str(code).strip()[:3].upper()
    if prefix in {"E06", "E07", "E08", "E09", "W06", "S12", "N09"}:
        return "local_authority"
    return {
        "E10": "county", "E11": "metropolitan_county", "E12": "region", "E92": "country",
        "W92": "country", "S92": "country", "N92": "country", "K02": "country",
        "K03": "country_group", "K04": "country_group", "E05": "ward", "W05": "ward",
        "E23": "police_force_area", "W15": "police_force_area",
    }.get(prefix, "other")


def wilson_interval(successes: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion, as percentages (0-100).

    Preferred to the normal ("Wald") interval because it stays inside 0-100 and behaves at small
    bases and at proportions near 0 or 1, which ward-level survey cells often are.
    Returns (nan, nan) when n is not a positive number.
    """
    if not n or n <= 0 or np.isnan(n) or np.isnan(successes):
        return np.nan, np.nan
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def read_sheet(path: Path, sheet: str | int) -> pd.DataFrame:
    """One spreadsheet sheet with no header, every cell as read and no marker turned into NaN."""
    engine = "odf" if Path(path).suffix.lower() == ".ods" else None
    try:
        return pd.read_excel(path, sheet_name=sheet, header=None, dtype=object,
                             keep_default_na=False, engine=engine)
    except (ValueError, KeyError, OSError) as exc:
        raise DataFileError(path, f"could not read sheet '{sheet}' ({exc})") from exc


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook (.ods, .xlsx), raising DataFileError if it cannot be opened."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "file not found; expected a readable workbook at this path")
    engine = "odf" if path.suffix.lower() == ".ods" else None
    try:
        return [str(s) for s in pd.ExcelFile(path, engine=engine).sheet_names]
    except Exception as exc:  # odfpy/openpyxl raise many types for corrupt files
        raise DataFileError(path, f"could not open as a spreadsheet ({type(exc).__name__}: {exc})") from exc


def check_period(text: str) -> str | None:
    """Why `text` is not a period a council template accepts, or None when it is fine.

    Templates take exactly `YYYY-MM` (month), `YYYY/YY` (financial year) or `YYYY` (calendar
    year). A hyphenated financial year such as `2024-25` is refused with a hint, because
    `2011-12` would read as December 2011.
    """
    fy_hint = f"write financial years as YYYY/YY, e.g. {text[:4]}/{(int(text[:4]) + 1) % 100:02d}" \
        if re.match(r"^\d{4}", text) else ""
    if m := _STRICT_MONTH.match(text):
        if 1 <= int(m.group(2)) <= 12:
            return None
        if int(m.group(2)) == (int(m.group(1)) + 1) % 100:
            return f"looks like a financial year; {fy_hint}"
        return f"month {m.group(2)} does not exist"
    if m := _STRICT_FY.match(text):
        start, end = int(m.group(1)), int(m.group(2))
        return None if (start + 1) % 100 == end else f"{text} is not a single financial year"
    if _STRICT_YEAR.match(text):
        return None
    if re.match(r"^\d{4}[/-]\d{4}$", text):
        return fy_hint
    return "not a recognised period"


def template_period_end(period: str) -> pd.Timestamp | None:
    """Last day of a template period (see check_period), months included.

    Set explicitly by the template loaders because `tidy.period_end` tries the financial-year
    pattern first and so reads a month such as `2025-06` as the year to March 2026.
    """
    if m := _STRICT_MONTH.match(period):
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), 1) + pd.offsets.MonthEnd(0)
    end = tidy.period_end(period)
    return pd.Timestamp(end) if end else None

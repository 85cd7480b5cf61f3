"""Helpers shared by the publisher-format loaders: reading files, finding headers, cleaning cells.

Publishers' files are presentation tables as often as data tables: titles above the header,
footnote digits glued onto labels (`strand1,2`, `2017/183`), numbers stored as text with
commas, and missing values written as markers (`N/A`, `[x]`, `na`). These helpers keep every
loader to the same rules: find the header by its content (never a fixed row number), match
columns by name, and turn any non-numeric cell into "missing, with the publisher's reason".

The Wilson score interval lives here too: a loader that computes a proportion from counts (today
the council's wellbeing survey export) gives it the interval by the same tested formula.
"""

from __future__ import annotations

import codecs
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

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


def read_bytes(path: Path) -> bytes:
    """The file's bytes; DataFileError when it is absent or is not text (a NUL byte near the start)."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "file not found; expected a readable file at this path")
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise DataFileError(path, "this is not a text (CSV) file; expected comma-separated text")
    return raw


def text_encoding(raw: bytes) -> str:
    """`utf-8-sig` when the bytes are UTF-8 (with or without a byte-order mark), else `cp1252`.

    Spreadsheets saved as "CSV" on Windows are often cp1252; we accept them rather than fail.
    """
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


_UTF8_SLICE = 16 * 1024 * 1024


def require_utf8(path: Path, raw: bytes) -> None:
    """DataFileError at the row (line) of the first byte that is not UTF-8 text."""
    # Checked in slices: decoding a national-scale file whole would hold a second copy of it as text.
    decoder, view = codecs.getincrementaldecoder("utf-8")(), memoryview(raw)
    for start in range(0, max(len(raw), 1), _UTF8_SLICE):
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the slice before
        try:
            decoder.decode(view[start:start + _UTF8_SLICE], final=start + _UTF8_SLICE >= len(raw))
        except UnicodeDecodeError as exc:
            at = start - pending + exc.start
            row = raw[:at].count(b"\n") + 1
            raise DataFileError(path, f"byte 0x{raw[at]:02x} is not UTF-8 text (the file looks saved as "
                                "Windows-1252); expected UTF-8: save it again as 'CSV UTF-8'", row=row) from None


def require_not_empty(path: Path, raw: bytes) -> None:
    if not raw or raw.isspace():  # isspace stops at the first other character: no copy
        raise DataFileError(path, "the file is empty; expected a header row and data rows", row=1)


def ragged_row(path: Path, raw: bytes) -> DataFileError | None:
    """The first CSV row whose number of cells differs from the header's, as a located error."""
    import csv

    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig", errors="replace"), newline=""))
    header = next(reader, [])
    for row in reader:
        if row and len(row) != len(header):
            return DataFileError(path, f"{len(row)} cells where the header has {len(header)}; expected one "
                                 "cell per column (check for an unquoted comma)", row=reader.line_num)
    return None


def read_text(path: Path) -> str:
    """The file's text (UTF-8, with or without a byte-order mark; cp1252 as a fallback).

    Raises DataFileError when the file is absent or is not text, so the refresh can say which
    file to fix instead of showing a traceback.
    """
    raw = read_bytes(path)
    return raw.decode(text_encoding(raw), errors="replace")


def read_csv_strings(path: Path, *, skiprows: int = 0, text: str | None = None,
                     categorical: bool = False) -> pd.DataFrame:
    """Read a CSV with every cell as text ("" for empty) and no marker turned into NaN.

    Blank lines are kept as empty rows so that `csv_row_number` stays true to the file.
    `categorical` stores each column as categories: a big export repeats a few periods, areas
    and strands on every row, so this keeps a 50 MB file to tens of MB in memory, and lets
    `per_value` check each distinct cell once.
    """
    if text is None:
        raw = read_bytes(path)
        source: Any = io.BytesIO(raw)
        encoding = text_encoding(raw)
    else:
        source, encoding = io.StringIO(text), None
    content = raw if text is None else text
    if not content or content.isspace():  # isspace stops at the first other character: no copy
        require_not_empty(path, b"")
    try:
        frame = pd.read_csv(
            source, dtype="category" if categorical else str, keep_default_na=False, na_filter=False,
            skip_blank_lines=False, skiprows=skiprows, encoding=encoding, encoding_errors="replace",
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
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        blank &= per_value(frame[col], lambda cell: str(cell).strip() == "").astype(bool)
    return frame[~blank]


def per_value(series: pd.Series | pd.Categorical | np.ndarray, fn: Callable[[Any], Any], *,
              category: bool = False) -> Any:
    """`fn` of every cell, computed once per distinct value: one result per row.

    Template checks are per cell but a big export repeats the same few values; this keeps a
    half-million-row file to a few thousand calls. With `category`, text results (None for
    missing) come back as a pandas Categorical: int codes plus the few distinct strings, so a
    column of half a million rows costs a few megabytes. Otherwise an object array.
    """
    codes, uniques = pd.factorize(series, sort=False, use_na_sentinel=False)
    return _spread(codes, [fn(value) for value in uniques], category)


def _spread(codes: np.ndarray, results: list, category: bool) -> Any:
    if category:
        result_codes, result_uniques = pd.factorize(pd.Index(results, dtype=object), sort=False)
        return pd.Categorical.from_codes(result_codes[codes], categories=result_uniques.astype(str))
    out = np.empty(len(results), dtype=object)
    for i, value in enumerate(results):
        out[i] = value
    return out[codes]


def distinct_rows(*columns: Any) -> tuple[np.ndarray, np.ndarray]:
    """(group code per row, first row position per group) of the combination of `columns`."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(column, sort=False, use_na_sentinel=False)
        # Refactorise after each column so the combined code stays below rows x distinct values.
        combined, _ = pd.factorize(combined * len(uniques) + codes, sort=False)
    first = np.full(int(combined.max()) + 1 if len(combined) else 0, -1, dtype=np.int64)
    first[combined[::-1]] = np.arange(len(combined))[::-1]
    return combined, first


def per_combination(fn: Callable[..., Any], *columns: Any, category: bool = True) -> Any:
    """`fn(a, b, ...)` of every row's values of `columns`, once per distinct combination."""
    codes, first = distinct_rows(*columns)
    values = [np.asarray(column.iloc[first] if isinstance(column, pd.Series) else column[first], dtype=object)
              for column in columns]
    return _spread(codes, [fn(*args) for args in zip(*values, strict=True)], category)


def first_failure(path: Path, rows: Sequence[int] | np.ndarray,
                  checks: Iterable[tuple[str | None, np.ndarray]], *, sheet: str | None = None) -> None:
    """Raise DataFileError for the first row with a problem, as a row-by-row check would.

    `checks` are (field, messages) in the order a row is checked; messages holds, per row, what
    is wrong (None when fine). The earliest failing row wins; on that row, the earliest check.
    """
    best: tuple[int, str | None, str] | None = None
    for field, messages in checks:
        bad = np.flatnonzero(pd.notna(messages))
        if len(bad) and (best is None or bad[0] < best[0]):
            best = (int(bad[0]), field, str(messages[bad[0]]))
    if best is not None:
        pos, field, message = best
        raise DataFileError(path, message, row=int(rows[pos]), field=field, sheet=sheet)


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


def wilson_intervals(successes: np.ndarray, n: np.ndarray, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """`wilson_interval` for arrays at once (same arithmetic); NaN where n is not positive."""
    successes, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(n > 0, n, np.nan)
        p = successes / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        return 100 * np.maximum(0.0, centre - half), 100 * np.minimum(1.0, centre + half)


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


def period_start(period: str) -> date | None:
    """First day of a period label (month, financial year from 1 April, calendar year), or None."""
    text = str(period).strip()
    if (m := _STRICT_MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
        return date(int(m.group(1)), int(m.group(2)), 1)
    if m := re.match(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$", text):
        return date(int(m.group(1)), 4, 1)
    if _STRICT_YEAR.match(text):
        return date(int(text), 1, 1)
    return None


def future_period_problem(period: str, today: date | None = None) -> str | None:
    """Why `period` cannot hold figures yet (it starts after today), or None."""
    today = today or date.today()
    start = period_start(period)
    if start is None or start <= today:
        return None
    return (f"'{str(period).strip()}' is in the future (it starts on {start.isoformat()}, after today, "
            f"{today.isoformat()}); expected a period that has begun")


def template_period_end(period: str) -> pd.Timestamp | None:
    """Last day of a template period (see check_period), months included.

    Set explicitly by the template loaders because `tidy.period_end` tries the financial-year
    pattern first and so reads a month such as `2025-06` as the year to March 2026.
    """
    if m := _STRICT_MONTH.match(period):
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), 1) + pd.offsets.MonthEnd(0)
    end = tidy.period_end(period)
    return pd.Timestamp(end) if end else None

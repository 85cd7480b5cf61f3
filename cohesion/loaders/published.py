"""Loader for the project's own table of published figures (`data/published_figures.csv`).

Figures that exist only in a report's text (the 2025 listening exercise, the Wellbeing Survey
figures quoted in the strategy, police news releases) or that we ship so the dashboard works
before any publisher's file is imported. Each row is typed in by hand and must cite its
publisher, publication, table or section, vintage and licence; a row without a citation is
rejected, because an uncited number must never reach the screen. `source_id` names the
catalogue source the figure belongs to, so the dashboard credits the real publisher.

At national scale the table has millions of rows that repeat a few hundred codes, periods and
citations, so it is read in blocks with every column dictionary-encoded from the CSV reader on
(pandas categoricals): each check and each number is worked out once per distinct cell and
spread to the rows through the codes, and the file is never held in memory whole.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv

from cohesion import tidy
from cohesion.loaders.common import future_period_problem, ragged_row, read_bytes, require_not_empty, require_utf8
from cohesion.loaders.errors import DataFileError, require_columns

CITATION_COLUMNS = ["publisher", "publication", "table_or_section", "vintage", "licence"]
REQUIRED = ["source_id", "measure", "period", "area_code", "area_name", "area_type", "value", "unit", *CITATION_COLUMNS]
BLOCK_BYTES = 4 << 20  # the reader's block: small enough to stream, big enough to be cheap per block
# Cells are read as bytes and checked as UTF-8 once per distinct value (see _Codes.add), not per cell.
_CELLS = pa.dictionary(pa.int32(), pa.binary())


def read_published_table(path: Path) -> pd.DataFrame:
    """The table as text (every column categorical), with every row checked for a citation and a
    readable value. The first offending row is reported with its CSV line (header = row 1)."""
    raw = _read_text_table(Path(path))
    require_columns(path, list(raw.columns), REQUIRED)
    for col in ("source_id", "measure", "period", "area_code", "unit", *CITATION_COLUMNS):
        _first_bad(path, _blank(raw[col]), col, f"'{col}' is empty; every published figure needs it (a citation or key)")
    bad_period = _per_category(raw["period"], lambda p: tidy.period_end(p) is None)
    _first_bad(path, bad_period, "period",
               lambda i: f"period '{raw['period'].iat[i]}' not recognised; expected 2024/25, 2025 or 2025-06")
    future = np.array([future_period_problem(p) for p in raw["period"].cat.categories], dtype=object)
    periods = raw["period"].cat.codes.to_numpy()
    _first_bad(path, pd.notna(future)[periods], "period", lambda i: str(future[periods[i]]))
    values = _numbers(raw["value"], commas=True)
    notes = _blank(raw["status_note"]) if "status_note" in raw else np.ones(len(raw), dtype=bool)
    _first_bad(path, np.isnan(values) & notes, "value", lambda i: f"value '{raw['value'].iat[i]}' is not a number; "
               "give a number, or leave it empty and say why in status_note")
    for col in ("lower_ci", "upper_ci"):
        if col in raw:
            bad = ~_blank(raw[col]) & np.isnan(_numbers(raw[col]))
            _first_bad(path, bad, col, lambda i, col=col: f"'{raw[col].iat[i]}' is not a number")
    return raw


def _read_text_table(path: Path) -> pd.DataFrame:
    """Every cell as text ("" for empty), each column categorical; the file is read in blocks.

    Each block's columns arrive dictionary-encoded from the CSV reader and are kept as small
    integer codes into that block's distinct values; only one block is held as Arrow data, and
    the blocks' values are made one set of categories per column at the end.
    """
    _require_text(path)
    options = {"read_options": pcsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=False),
               "convert_options": pcsv.ConvertOptions(default_column_type=_CELLS, null_values=[],
                                                      strings_can_be_null=False, quoted_strings_can_be_null=False)}
    try:
        with pcsv.open_csv(path, **options) as reader:
            names = reader.schema.names
            columns = [_Codes() for _ in names]
            for batch in reader:
                for column, array in zip(columns, batch.columns, strict=True):
                    column.add(array)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        # Rare and slow on purpose: read the file whole to say exactly what is wrong, and where.
        data = read_bytes(path)
        require_utf8(path, data)  # typed-in citations: refuse a guessed encoding rather than garble them
        raise ragged_row(path, data) or DataFileError(path, f"could not read as CSV ({exc}); expected "
                                                      "comma-separated UTF-8 text") from None
    finally:
        pa.default_memory_pool().release_unused()  # the blocks' memory, back to the system
    return pd.DataFrame({name: column.categorical() for name, column in zip(_dedup_names(names), columns, strict=True)})


class _Codes:
    """One column read block by block: each block's own dictionary and its rows' codes into it
    (in the smallest integer type that holds them); one set of categories is made at the end."""

    def __init__(self) -> None:
        self.dictionaries: list[pa.Array] = []
        self.parts: list[np.ndarray] = []

    def add(self, array: pa.DictionaryArray) -> None:
        self.dictionaries.append(array.dictionary.cast(pa.string()))  # ArrowInvalid when not UTF-8
        self.parts.append(array.indices.to_numpy(zero_copy_only=False).astype(_code_type(len(array.dictionary))))

    def categorical(self) -> pd.Categorical:
        if not self.parts:
            return pd.Categorical.from_codes(np.zeros(0, np.int8), categories=pd.Index([], dtype=str))
        # Arrow unifies the blocks' dictionaries (hashing each block's distinct values once) and
        # says where each block's values landed; the rows' codes follow through that map.
        unified = pa.chunked_array([pa.DictionaryArray.from_arrays(pa.array(np.arange(len(d), dtype=np.int32)), d)
                                    for d in self.dictionaries]).unify_dictionaries()
        categories = pd.Index(unified.chunk(0).dictionary.to_numpy(zero_copy_only=False), dtype=str)
        code_type = _code_type(len(categories))
        codes = np.concatenate([chunk.indices.to_numpy().astype(code_type)[part]
                                for chunk, part in zip(unified.chunks, self.parts, strict=True)])
        return pd.Categorical.from_codes(codes, categories=categories)


def _code_type(distinct: int) -> type:
    return np.int8 if distinct <= 127 else np.int16 if distinct <= 32767 else np.int32


def _require_text(path: Path) -> None:
    """read_bytes' and require_not_empty's checks, on the start of the file only (it may be huge)."""
    if not path.is_file():
        read_bytes(path)  # raises: file not found
    with path.open("rb") as handle:
        start = handle.read(4096)
        if b"\x00" in start:
            read_bytes(path)  # raises: not a text file
        while start.isspace() and (more := handle.read(1 << 20)):  # whitespace only so far: read on
            start = more
    require_not_empty(path, start)


def _dedup_names(names: Any) -> list[str]:
    """Repeated header names as pandas' reader gives them: `a`, `a.1`, `a.2`."""
    names, counts = list(names), {}
    for i, col in enumerate(names):
        count = counts.get(col, 0)
        while count > 0:
            counts[col] = count + 1
            col = f"{col}.{count}"
            count = counts.get(col, 0)
        names[i] = col
        counts[col] = count + 1
    return names


def _per_category(column: pd.Series, fn: Callable[[str], bool]) -> np.ndarray:
    """`fn` of every cell of a categorical column, computed once per distinct value."""
    return np.array([fn(value) for value in column.cat.categories], dtype=bool)[column.cat.codes.to_numpy()]


def _blank(column: pd.Series) -> np.ndarray:
    """Cells that are empty or only whitespace."""
    return np.asarray(column.cat.categories.str.strip() == "", dtype=bool)[column.cat.codes.to_numpy()]


def _numbers(column: pd.Series, *, commas: bool = False, strip: bool = False) -> np.ndarray:
    """The column as floats, NaN where a cell is not a number (tidy.to_float, once per distinct cell)."""
    text = pd.Series(column.cat.categories, dtype=str)
    if commas:
        text = text.str.replace(",", "", regex=False)
    if strip:
        text = text.str.strip()
    return tidy.to_float(text).to_numpy()[column.cat.codes.to_numpy()] if len(text) else np.full(len(column), np.nan)


def _first_bad(path: Path, mask: np.ndarray, field: str, message: str | Callable[[int], str]) -> None:
    """DataFileError at the first row of `mask`; a callable message is given that row's position."""
    if mask.any():
        i = int(np.argmax(mask))
        raise DataFileError(path, message if isinstance(message, str) else message(i), row=i + 2, field=field)


def load_published_figures(path: Path) -> pd.DataFrame:
    """Tidy rows from the published-figures table; `source_id` is kept from each row.

    Text columns stay categorical (dictionary-encoded), so a national-scale table costs codes,
    not millions of strings; `period_end` is derived once per period.
    """
    raw = read_published_table(path)
    frame = pd.DataFrame(index=raw.index)
    for col in tidy.TIDY_COLUMNS:
        if col in tidy.NUMBER_COLUMNS:
            if col in raw:
                frame[col] = _numbers(raw[col], commas=col == "value", strip=col == "value")
        elif col in raw:
            frame[col] = raw[col]
        elif col in tidy.TEXT_COLUMNS:  # absent: empty text, still one code per row
            frame[col] = pd.Categorical.from_codes(np.zeros(len(raw), dtype=np.int8), categories=[""])
    if "period_end" not in raw:
        periods = pd.Series(raw["period"].cat.categories, dtype=object)
        ends = pd.to_datetime(periods.map({label: tidy.period_end(label) for label in periods}),
                              errors="coerce").astype("datetime64[ns]")  # as tidy.conform derives it
        frame["period_end"] = ends.to_numpy()[raw["period"].cat.codes.to_numpy()] if len(periods) else pd.NaT
    return tidy.conform(frame)


def citations(path: Path) -> pd.DataFrame:
    """One row per published figure with its full citation, for the Data & sources page."""
    raw = read_published_table(path)
    cols = ["source_id", "measure", "period", "area_name", "breakdown", "value", "unit", *CITATION_COLUMNS, "url", "derivation"]
    return raw[[c for c in cols if c in raw.columns]]

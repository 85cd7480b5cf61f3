"""The tidy shape's helpers: period labels, publishers' missing markers, conform."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from cohesion import tidy


@pytest.mark.parametrize(
    ("label", "end"),
    [("2024/25", date(2025, 3, 31)), ("2025-06", date(2025, 6, 30)), ("2024-02", date(2024, 2, 29)),
     ("2012-13", date(2013, 3, 31)), ("2025", date(2025, 12, 31)), ("sometime", None)],
)
def test_period_end(label: str, end: date | None) -> None:
    assert tidy.period_end(label) == end


@pytest.mark.parametrize(
    ("cell", "value", "reason_start"),
    [("35,944", 35944.0, ""), ("N/A", None, "N/A"), ("#N/A", None, "#N/A"), ("[c]", None, "[c]: confidential"),
     ("", None, "blank"), ("12%", 12.0, ""), ("lots", None, "non-numeric value 'lots'")],
)
def test_parse_number_keeps_markers_as_reasons(cell: str, value: float | None, reason_start: str) -> None:
    got, reason = tidy.parse_number(cell)
    if value is None:
        assert np.isnan(got) and reason.startswith(reason_start)
    else:
        assert got == value and reason == ""


def test_conform_fills_columns_and_never_turns_missing_into_zero() -> None:
    frame = tidy.conform(pd.DataFrame({"measure": ["m"], "period": ["2024/25"], "value": [None], "status_note": ["[x]"]}))
    assert list(frame.columns) == tidy.TIDY_COLUMNS
    assert np.isnan(frame.loc[0, "value"]) and frame.loc[0, "status_note"] == "[x]"
    assert frame.loc[0, "period_end"] == pd.Timestamp(2025, 3, 31)
    assert tidy.check_tidy(frame) == ["1 rows have no area code"]


def test_check_tidy_flags_unexplained_missing_values() -> None:
    frame = tidy.conform(pd.DataFrame({"period": ["2025"], "area_code": ["E1"], "value": [np.nan]}))
    assert tidy.check_tidy(frame) == ["1 missing values have no status_note"]

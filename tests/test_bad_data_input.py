"""Bad input files: each must fail with a DataFileError naming the file, row/column and expectation.

The fixtures live in tests/fixtures/bad_data/ (synthetic numbers, fake area codes); each breaks
exactly one rule, so a message that names the wrong row or column fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cohesion.loaders.aps_wellbeing import load_aps_wellbeing
from cohesion.loaders.cls_estimates import load_cls_estimates
from cohesion.loaders.errors import DataFileError
from cohesion.loaders.home_office import load_hate_crime
from cohesion.loaders.police_local import load_police_counts
from cohesion.loaders.wellbeing_survey import load_wellbeing_survey

BAD = Path(__file__).resolve().parent / "fixtures" / "bad_data"

# (loader, fixture, row, column, words the message must contain to say what was expected)
CASES = [
    (load_police_counts, "police_unknown_area_type.csv", 3, "area_type", ["'district'", "force, csp, ward"]),
    (load_police_counts, "police_bad_period.csv", 4, "period", ["2024-25", "YYYY/YY", "2024/25"]),
    (load_police_counts, "police_negative_count.csv", 2, "count", ["-2", "negative", ">= 0"]),
    (load_police_counts, "police_fractional_count.csv", 2, "count", ["2.5", "not a whole number"]),
    (load_police_counts, "police_duplicate_rows.csv", 4, None, ["duplicate of row 2", "one row per"]),
    (load_police_counts, "police_missing_column.csv", 1, None, ["'strand'", "expected header"]),
    (load_police_counts, "police_blank_count.csv", 2, "count", ["blank", "suppression marker"]),
    (load_wellbeing_survey, "survey_count_exceeds_base.csv", 3, "count", ["160", "base_n 150", "at most"]),
    (load_wellbeing_survey, "survey_missing_base.csv", 3, "base_n", ["missing", "respondents"]),
    (load_wellbeing_survey, "survey_percentage_out_of_range.csv", 2, "percentage", ["104", "0-100"]),
    (load_wellbeing_survey, "survey_inconsistent_base.csv", 4, "base_n", ["160", "150", "row 2", "one base"]),
    (load_wellbeing_survey, "survey_positive_not_yes_no.csv", 2, "positive", ["'maybe'", "yes or no"]),
    (load_wellbeing_survey, "survey_unknown_extension.ods", None, None, ["'.ods'", ".csv or .xlsx"]),
    (load_hate_crime, "hate_crime_unrecognised_layout.csv", 1, None, ["not a recognised", "Force, Year"]),
    (load_hate_crime, "hate_crime_bad_year.csv", 3, "financial_year", ["'FY19'", "2018/19"]),
    (load_cls_estimates, "cls_blank_area_code.csv", 3, "area_code", ["blank", "GSS code"]),
    (load_aps_wellbeing, "aps_unknown_measure.csv", 3, "measure", ["'Optimism'", "Life satisfaction"]),
    (load_police_counts, "empty.csv", 1, None, ["empty", "header row"]),
]


@pytest.mark.parametrize(("loader", "name", "row", "field", "words"), CASES, ids=[c[1] for c in CASES])
def test_bad_file_message_names_file_row_column_and_expectation(loader, name, row, field, words) -> None:
    with pytest.raises(DataFileError) as caught:
        loader(BAD / name)
    err = caught.value
    message = str(err)
    assert message.startswith(name), message
    assert err.row == row, message
    if row is not None:
        assert f"row {row}" in message
    assert err.field == field, message
    if field:
        assert f"column '{field}'" in message
    for word in words:
        assert word in message, f"{word!r} not in: {message}"


def test_missing_file_is_a_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="file not found"):
        load_police_counts(tmp_path / "absent.csv")


def test_binary_file_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary spreadsheet bytes")
    with pytest.raises(DataFileError, match="not a text"):
        load_police_counts(path)


def test_corrupt_workbook(tmp_path: Path) -> None:
    path = tmp_path / "tables.ods"
    path.write_bytes(b"this is not a workbook")
    with pytest.raises(DataFileError, match="could not open as a spreadsheet"):
        load_hate_crime(path)


def test_every_fixture_is_exercised() -> None:
    used = {c[1] for c in CASES}
    present = {p.name for p in BAD.iterdir() if p.name != "SOURCE.md"}
    assert present == used

"""Big council exports: the vectorised template checks report the same first bad row as a
row-by-row check would. Speed is measured in `python -m cohesion bench`, not here."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from benchmarks.loaders import generate_police_export
from cohesion.loaders.errors import DataFileError
from cohesion.loaders.police_local import load_police_counts


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("big") / "police.csv"
    generate_police_export(path, target_mb=2)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load(frame: pd.DataFrame, tmp_path: Path) -> pd.DataFrame:
    path = tmp_path / "police.csv"
    frame.to_csv(path, index=False)
    return load_police_counts(path)


def test_generated_export_loads_every_row(export: pd.DataFrame, tmp_path: Path) -> None:
    tidy = load(export, tmp_path)
    assert len(tidy) == len(export) > 15_000
    suppressed = export["count"] == "[c]"
    assert tidy["value"].isna().sum() == suppressed.sum()
    assert set(tidy.loc[tidy["value"].isna(), "status_note"]) == {
        "[c]: confidential, suppressed by the publisher; generated for benchmarking, not real"}


def test_first_bad_row_wins_whatever_the_column(export: pd.DataFrame, tmp_path: Path) -> None:
    bad = export.copy()
    bad.loc[9_000, "population"] = "many"     # a later column, earlier row: reported
    bad.loc[12_000, "period"] = "2024-13"     # an earlier column, later row: not reached
    with pytest.raises(DataFileError) as caught:
        load(bad, tmp_path)
    assert str(caught.value) == ("police.csv, row 9002, column 'population': 'many' is not a number; expected a "
                                 "whole number of residents, or leave blank")


def test_on_one_row_the_first_check_wins(export: pd.DataFrame, tmp_path: Path) -> None:
    bad = export.copy()
    bad.loc[7_000, ["strand", "count"]] = ["Age", "-3"]
    with pytest.raises(DataFileError) as caught:
        load(bad, tmp_path)
    assert str(caught.value) == ("police.csv, row 7002, column 'strand': 'Age' is not a strand; expected one of "
                                 "All, Race, Religion, Sexual orientation, Disability, Transgender")


def test_duplicate_deep_in_the_file_names_both_rows(export: pd.DataFrame, tmp_path: Path) -> None:
    bad = pd.concat([export.iloc[:15_000], export.iloc[[10_000]], export.iloc[15_000:]], ignore_index=True)
    with pytest.raises(DataFileError) as caught:
        load(bad, tmp_path)
    assert str(caught.value) == ("police.csv, row 15002: duplicate of row 10002 (same period, area_code, measure "
                                 "and strand); expected one row per period, area, measure and strand")


def test_vectorised_wilson_matches_the_worked_scalar_one() -> None:
    from cohesion.loaders.common import wilson_interval, wilson_intervals

    successes = [0, 1, 45, 150, 7, float("nan")]
    bases = [10, 30, 150, 150, 0, 40]
    lower, upper = wilson_intervals(successes, bases)
    for i, (k, n) in enumerate(zip(successes, bases, strict=True)):
        expected = wilson_interval(k, n)
        assert (lower[i], upper[i]) == pytest.approx(expected, nan_ok=True, rel=1e-12)

"""The published-figures table read in blocks, as a national-scale table is: the same rows, the
same first bad row, and duplicates found across blocks. Blocks are made small here so a table of
a few hundred rows spans many of them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cohesion import config, store
from cohesion import refresh as refresh_module
from cohesion.loaders import published
from cohesion.loaders.errors import DataFileError
from cohesion.loaders.published import load_published_figures
from cohesion.refresh import refresh

QUIET = {"progress": lambda _m: None}
ROWS = 300


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(published, "BLOCK_BYTES", 4096)  # about ten rows a block


def national_table(rows: int = ROWS) -> pd.DataFrame:
    """The shipped table's first figure for `rows` areas (E06900000, E06900001, ...), value = the row's number."""
    first = pd.read_csv(config.DATA_DIR / "published_figures.csv", dtype=str, keep_default_na=False).head(1)
    table = pd.concat([first] * rows, ignore_index=True)
    table["area_code"] = [f"E069{i:05d}" for i in range(rows)]
    table["value"] = [str(i) for i in range(rows)]
    return table


def test_a_table_read_in_blocks_gives_the_rows_as_written(tmp_path: Path, small_blocks: None) -> None:
    path = tmp_path / "published_figures.csv"
    national_table().to_csv(path, index=False)
    frame = load_published_figures(path)
    assert frame["area_code"].tolist() == [f"E069{i:05d}" for i in range(ROWS)]
    assert frame["value"].tolist() == [float(i) for i in range(ROWS)]
    assert frame["period_end"].nunique() == 1 and frame["period_end"].notna().all()


def test_the_first_bad_row_is_found_in_a_later_block(tmp_path: Path, small_blocks: None) -> None:
    path = tmp_path / "published_figures.csv"
    table = national_table()
    table.loc[250, "value"] = "lots"
    table.to_csv(path, index=False)
    with pytest.raises(DataFileError) as caught:
        load_published_figures(path)
    assert str(caught.value).startswith("published_figures.csv, row 252, column 'value': value 'lots' is not a number")

    table.loc[200, "licence"] = " "  # a missing citation is reported before a bad value, as before
    table.to_csv(path, index=False)
    with pytest.raises(DataFileError) as caught:
        load_published_figures(path)
    assert str(caught.value).startswith("published_figures.csv, row 202, column 'licence': 'licence' is empty")


def test_a_figure_repeated_in_another_block_keeps_its_first_value(isolated_data: Path, small_blocks: None) -> None:
    table = national_table()
    repeat = table.iloc[[3]].assign(value="999")  # the same figure again, blocks later
    pd.concat([table, repeat], ignore_index=True).to_csv(isolated_data / "published_figures.csv", index=False)
    refresh(config.CATALOGUE_PATH, **QUIET)
    obs = store.read_observations()
    figures = obs[obs.area_code.str.startswith("E069")].set_index("area_code")
    assert len(figures) == ROWS
    assert figures.loc["E06900003", "value"] == 3


def test_categorical_and_text_sources_combine_to_the_same_store(isolated_data: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    refresh(config.CATALOGUE_PATH, **QUIET)
    as_text = store.read_observations()
    monkeypatch.setattr(refresh_module, "SMALL_ROWS", 0)  # merge categories as a national-scale refresh does
    refresh(config.CATALOGUE_PATH, **QUIET)
    pd.testing.assert_frame_equal(store.read_observations(), as_text)

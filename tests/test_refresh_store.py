"""Refresh and the processed store: atomic swap, failed sources keep their last good rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cohesion import config, store
from cohesion.catalogue import CatalogueError, load_catalogue, validate_file
from cohesion.loaders.errors import DataFileError
from cohesion.loaders.published import load_published_figures
from cohesion.refresh import combine, format_report, has_failures, refresh

QUIET = {"progress": lambda _m: None}


def test_refresh_on_shipped_data(isolated_data: Path) -> None:
    manifest = refresh(config.CATALOGUE_PATH, **QUIET)
    published = manifest.sources["published_figures"]
    assert published.status == "loaded" and published.rows > 80
    obs = store.read_observations()
    # The strategy's headline figures reach the store with their own publishers credited.
    sat = obs[(obs.indicator_id == "satisfied_local_area") & (obs.area_code == "E06000021")]
    # The shipped national table (4 dp, as published) wins over the typed-in copy (1 dp).
    assert sat.value.round(1).tolist() == [57.7] and sat.lower_ci.round(1).tolist() == [53.0]
    assert sat.source_id.tolist() == ["cls_local_estimates"]
    hate = obs[(obs.indicator_id == "hate_crime_offences") & (obs.breakdown == "")]
    assert hate["area_code"].nunique() == 43  # every police force of England and Wales
    staffs = hate[hate.area_code == "force:staffordshire"].set_index("period").value
    assert staffs["2017/18"] == 1578 and staffs["2018/19"] == 1570
    assert not has_failures(manifest)
    report = format_report(manifest)
    assert "published_figures" in report and "no file at data:council/wellbeing_survey.csv" in report


def test_comparator_measure_never_becomes_the_place_series(isolated_data: Path) -> None:
    refresh(config.CATALOGUE_PATH, **QUIET)
    obs = store.read_observations()
    wb = obs[obs.indicator_id == "wellbeing_different_backgrounds"]
    # England's Community Life Survey figures are context for the council's own question...
    assert "E92000001" in set(wb.area_code)
    # ...and the place's own rows for that question wait for the council's survey export.
    assert (wb.area_code == "E06000021").sum() == 0


def test_failed_source_keeps_last_good_rows(isolated_data: Path) -> None:
    refresh(config.CATALOGUE_PATH, **QUIET)
    before = store.read_observations()
    table = isolated_data / "published_figures.csv"
    text = table.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    broken = text[1].split(",")
    broken[header.index("publisher")] = ""
    table.write_text("\n".join([text[0], ",".join(broken), *text[2:]]) + "\n", encoding="utf-8")

    manifest = refresh(config.CATALOGUE_PATH, **QUIET)
    report = manifest.sources["published_figures"]
    assert report.status == "kept_previous"
    assert "published_figures.csv, row 2, column 'publisher'" in report.problems[0]
    assert "kept" in report.problems[1]
    after = store.read_observations()
    assert len(after) == len(before)
    assert has_failures(manifest)
    assert "Problems:" in format_report(manifest)


def test_failed_write_leaves_previous_version_live(isolated_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refresh(config.CATALOGUE_PATH, **QUIET)
    live = store.current_version()

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(store, "write_parquet", boom)  # the store's one table writer
    with pytest.raises(OSError):
        refresh(config.CATALOGUE_PATH, **QUIET)
    assert store.current_version() == live
    staging = [p for p in (config.store_dir() / "versions").iterdir() if p.name.startswith(".staging")]
    assert staging == []


def test_unsafe_source_path_is_refused(isolated_data: Path, tmp_path: Path) -> None:
    text = config.CATALOGUE_PATH.read_text(encoding="utf-8").replace(
        'path: "data:published_figures.csv"', 'path: "data:../../../etc/passwd"')
    catalogue_path = tmp_path / "indicators.yaml"
    catalogue_path.write_text(text, encoding="utf-8")
    # `validate` and `refresh` use the same check: the catalogue itself is refused, store untouched.
    _, problems = validate_file(catalogue_path)
    index = [s.id for s in load_catalogue(config.CATALOGUE_PATH).sources].index("published_figures")
    expected = (f"sources[{index}].path (id 'published_figures'): 'data:../../../etc/passwd' resolves outside "
                "the data folder; expected a path inside one of the data folders, such as data:file.csv")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "etc/passwd" in row)
    assert [str(p) for p in problems] == [f"indicators.yaml:{line}: {expected}"]
    with pytest.raises(CatalogueError) as caught:
        refresh(catalogue_path, **QUIET)
    assert [str(p) for p in caught.value.problems] == [f"indicators.yaml:{line}: {expected}"]
    assert store.current_version() is None


def test_resolve_data_path_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_DATA_DIR, str(tmp_path))
    assert config.resolve_data_path("data:x/y.csv") == tmp_path / "x" / "y.csv"
    assert config.resolve_data_path("y.csv") == tmp_path / "y.csv"
    for bad in ("/etc/passwd", "data:/etc/passwd", "data:../secret", "web:evil"):
        with pytest.raises(config.UnsafePathError):
            config.resolve_data_path(bad)
    monkeypatch.delenv(config.ENV_REFERENCE_DIR, raising=False)
    with pytest.raises(FileNotFoundError, match="COHESION_REFERENCE_DATA"):
        config.resolve_data_path("reference:indicators/x.csv")


def test_publisher_file_wins_over_typed_copy() -> None:
    catalogue = load_catalogue(config.CATALOGUE_PATH)
    row = {"indicator_id": "satisfied_local_area", "period": "2024/25", "area_code": "E06000021", "breakdown": ""}
    frames = {
        "published_figures": pd.DataFrame([{**row, "value": 57.7, "source_id": "cls_local_estimates"}]),
        "cls_local_estimates": pd.DataFrame([{**row, "value": 57.7336, "source_id": "cls_local_estimates"}]),
    }
    assert combine(frames, catalogue).value.tolist() == [57.7336]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("period", "last year", "row 2, column 'period': period 'last year' not recognised"),
        ("value", "lots", "row 2, column 'value': value 'lots' is not a number"),
        ("licence", "", "row 2, column 'licence': 'licence' is empty"),
        ("lower_ci", "low", "row 2, column 'lower_ci': 'low' is not a number"),
    ],
)
def test_published_table_bad_rows(tmp_path: Path, column: str, value: str, expected: str) -> None:
    good = pd.read_csv(config.DATA_DIR / "published_figures.csv", dtype=str, keep_default_na=False).head(3)
    good.loc[0, column] = value
    path = tmp_path / "figures.csv"
    good.to_csv(path, index=False)
    with pytest.raises(DataFileError) as err:
        load_published_figures(path)
    assert str(err.value).startswith("figures.csv, ") and expected in str(err.value)


def test_published_table_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text("measure,period,value\nx,2025,1\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"figures.csv, row 1: missing column\(s\) 'source_id'"):
        load_published_figures(path)


def test_every_shipped_figure_is_cited() -> None:
    table = pd.read_csv(config.DATA_DIR / "published_figures.csv", dtype=str, keep_default_na=False)
    for col in ("publisher", "publication", "table_or_section", "vintage", "licence"):
        assert (table[col].str.strip() != "").all(), col
    catalogue = load_catalogue(config.CATALOGUE_PATH)
    assert set(table.source_id) <= {s.id for s in catalogue.sources}

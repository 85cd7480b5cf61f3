"""AppTest runs of the entry point and the Data & sources page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from cohesion import config
from tests.pagetest import DASHBOARD, unescape


def _app() -> AppTest:
    return AppTest.from_file(DASHBOARD, default_timeout=60)


def test_data_sources_page_lists_sources_and_offers_download(isolated_data: Path) -> None:
    at = _app()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert at.title[0].value == "Data & sources"
    sources = at.dataframe[0].value
    assert "Home Office" in set(sources["publisher"])
    assert "Open Government Licence v3.0" in set(sources["licence"])
    assert {"next release", "latest period", "refresh"} <= set(sources.columns)
    headers = [h.value for h in at.header]
    assert headers == ["Sources", "Indicators in the catalogue", "Figures typed in from publications", "Download"]


def test_long_source_titles_wrap_and_empty_cells_are_blank_not_none(isolated_data: Path) -> None:
    """The grid wraps text only in rows taller than 4rem (64 px): the sources table's rows are,
    so a long title is read whole; and an empty field is blank, where the grid writes "None"."""
    at = _app()
    at.switch_page("pages/data.py").run()
    sources = at.dataframe[0]
    assert sources.proto.row_height > 64
    assert max(len(title) for title in sources.value["source"]) > 60  # the shipped titles that were cut
    assert len(at.dataframe) == 3
    for table in at.dataframe:
        assert table.proto.HasField("placeholder") and table.proto.placeholder == ""
    typed_in = at.dataframe[2].value
    assert (typed_in["breakdown"].astype(str) == "").any()  # the figures for everyone: shown blank


def test_broken_published_table_is_reported_not_crashed(isolated_data: Path) -> None:
    table = isolated_data / "published_figures.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    table.write_text("\n".join(lines[:3] + ["listening_exercise,x,someday" + "," * 17] + lines[3:]) + "\n", encoding="utf-8")
    at = _app()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    errors = " ".join(unescape(e.value) for e in at.error)
    assert "published_figures.csv, row 4, column 'area_code'" in errors


def test_broken_catalogue_shows_problems_on_every_page(isolated_data: Path, tmp_path: Path, monkeypatch) -> None:
    bad = tmp_path / "indicators.yaml"
    bad.write_text(config.CATALOGUE_PATH.read_text(encoding="utf-8").replace("dimension: safety", "dimension: danger", 1),
                   encoding="utf-8")
    monkeypatch.setattr(config, "CATALOGUE_PATH", bad)
    at = _app()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert "indicator catalogue has 1 problem" in at.error[0].value
    assert "unknown dimension 'danger'" in at.dataframe[0].value["problem"].iloc[0]


def test_how_to_load_gives_the_refresh_s_own_reason_before_the_path() -> None:
    """Trends says why a source has no figures in the words the last refresh used, not only a
    configured path such as 'reference:...' that means little to an officer."""
    from cohesion.sources_view import how_to_load
    from cohesion.store import Manifest, SourceReport

    reason = ("'reference:indicators/police_uk_street' needs the reference-data folder; set "
              "COHESION_REFERENCE_DATA to a folder holding the publishers' files")
    manifest = Manifest("v1", "2026-12-01T00:00:00+00:00", "sha", {
        "police_uk_street": SourceReport("police_uk_street", "not_configured", problems=[reason]),
        "survey": SourceReport("survey", "loaded", rows=12),
    })
    assert how_to_load(manifest, "police_uk_street", "reference:indicators/police_uk_street") == (
        f"The last refresh had nothing to load: {reason}. Then run python -m cohesion refresh.")
    # Loaded, or never refreshed: where the file goes.
    assert how_to_load(manifest, "survey", "data:council/survey.csv") == (
        "Place the file at data:council/survey.csv and run python -m cohesion refresh.")
    assert how_to_load(None, "survey", "data:council/survey.csv").startswith("Place the file at data:council/survey.csv")
    assert how_to_load(None, "survey", None) == ""

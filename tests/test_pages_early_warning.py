"""AppTest runs of the Early warning page: without police.uk files, and on the real 2025 files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cohesion import config
from cohesion.refresh import refresh


def plain(text: str) -> str:
    """Markdown text without the presenter's escaping backslashes."""
    return str(text).replace("\\", "")


def _app() -> AppTest:
    return AppTest.from_file(str(Path(config.PROJECT_ROOT) / "dashboard.py"), default_timeout=120)


def test_page_says_how_to_load_the_files_when_none_are_loaded(isolated_data: Path, monkeypatch) -> None:
    monkeypatch.delenv(config.ENV_REFERENCE_DIR, raising=False)
    at = _app()
    at.switch_page("pages/early_warning.py").run()
    assert not at.exception
    assert at.title[0].value == "Early warning: community tension indicators"
    text = " ".join(i.value for i in at.info)
    assert "No monthly figures are loaded" in text and "police fetch --month YYYY-MM" in text


@pytest.fixture
def loaded(isolated_data: Path, with_reference: Path, tmp_path: Path, monkeypatch) -> Path:
    geo = tmp_path / "geo"
    geo.mkdir()
    shutil.copy(with_reference / "national/lookups/lsoa21_ward24_lad24_lookup_ew.csv", geo)
    monkeypatch.setenv(config.ENV_GEO_DIR, str(geo))
    monkeypatch.setenv("COHESION_BASEMAP", "none")
    refresh(progress=lambda _m: None)
    return geo


@pytest.mark.reference
def test_city_chart_ward_table_and_signals_on_the_real_files(loaded: Path) -> None:
    at = _app()
    at.switch_page("pages/early_warning.py").run()
    assert not at.exception
    assert at.markdown[0].value.startswith(":blue-badge[● No signal]")
    assert "Public order in Stoke-on-Trent: 259 in December 2025, within the expected range of 206 to 301" \
        in plain(at.markdown[1].value)
    assert [h.value for h in at.header] == ["Wards with a signal in December 2025", "About these figures"]
    table = at.dataframe[0].value
    assert len(table) == 34 and set(table["Month"]) == {"2025-12"}
    # Small counts are hidden, never shown as a number below the threshold.
    shown = table["Count"][table["Count"] != "fewer than 10"].astype(int)
    assert (shown >= 10).all() and (table["Count"] == "fewer than 10").any()
    # No ward boundaries in this geo folder: the map says so instead of drawing.
    assert any("No ward boundaries are in the geo folder" in i.value for i in at.info)

    at.segmented_control[0].set_value("police_uk_anti_social_behaviour").run()
    assert not at.exception
    assert at.markdown[0].value.startswith(":violet-badge[◇ Signal: lower than expected]")
    signals = [plain(m.value) for m in at.markdown if m.value.startswith("- **Signal")]
    assert signals == ["- **Signal: lower than expected:** Anti-social behaviour in Sandford Hill: fewer than 10 in "
                       "December 2025, within the expected range of 3 to 23 but part of a pattern (two of three "
                       "points close to a limit)."]

    at.selectbox[0].set_value("E05014574").run()  # Hanley Park, Joiner's Square & Shelton
    assert not at.exception
    assert "Anti-social behaviour in Hanley Park, Joiner's Square & Shelton" in plain(at.markdown[1].value)


@pytest.mark.reference
def test_trends_never_calls_police_uk_series_hate_crime(loaded: Path) -> None:
    at = _app()
    at.switch_page("pages/trends.py")
    at.query_params["indicator"] = "police_uk_public_order"
    at.run()
    assert not at.exception
    text = plain(" ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.subheader, *at.header, *at.text]))
    assert "hate crimes in" not in text.lower() and "Stoke-on-Trent: 2,385 reports in 2025/26" in text
    # The monthly chart of these series lives on the Early warning page, not under Trends' hate-crime section.
    assert "Early warning: monthly counts" not in [h.value for h in at.header]

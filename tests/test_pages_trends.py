"""AppTest runs of the Trends page: every indicator, deep links, and the early-warning panel.

The monthly police series used here is SYNTHETIC test data written in the police template
layout: no monthly police figures are published below force level, so the flags are built in.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cohesion.catalogue import load_catalogue
from cohesion.config import CATALOGUE_PATH, resolve_data_path
from tests.pagetest import run_page, shown, unescape

PAGE = "pages/trends.py"


def run(**params: str) -> AppTest:
    return run_page(PAGE, **params)


def texts(at: AppTest) -> list[str]:
    return shown(at)


def takeaways(at: AppTest) -> list[str]:
    return [unescape(m.value) for m in at.markdown if m.value.startswith("**Takeaway:**")]


def select(at: AppTest, dimension: str, indicator: str) -> AppTest:
    at.selectbox(key="trends_dimension").set_value(dimension).run()
    at.selectbox(key="trends_indicator").set_value(indicator).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def check_every_indicator(at: AppTest) -> int:
    catalogue = load_catalogue(CATALOGUE_PATH)
    with_data = 0
    for ind in catalogue.indicators:
        select(at, ind.dimension, ind.id)
        assert at.selectbox(key="trends_indicator").value == ind.id
        assert unescape(at.header[0].value) == ind.title
        assert at.query_params["indicator"] == ind.id  # the link follows the choice
        if at.get("vega_lite_chart"):
            assert takeaways(at), f"{ind.id}: chart without a takeaway"
            with_data += 1
        else:
            assert at.info, f"{ind.id}: neither a chart nor a message"
    return with_data


def test_every_indicator_selectable_on_shipped_data(isolated_data):
    assert check_every_indicator(run()) >= 5


def test_every_indicator_selectable_with_real_files(isolated_data, with_reference):
    assert check_every_indicator(run()) >= 10


def test_deep_link_selects_the_indicator(isolated_data, with_reference):
    at = run(indicator="satisfied_local_area")
    assert at.selectbox(key="trends_indicator").value == "satisfied_local_area"
    assert at.selectbox(key="trends_dimension").value == "belonging"
    assert any("Stoke" in t for t in takeaways(at))


def test_without_a_link_the_page_opens_on_an_indicator_with_a_series(isolated_data):
    at = run()
    chosen = at.selectbox(key="trends_indicator").value
    catalogue = load_catalogue(CATALOGUE_PATH)
    assert catalogue.indicator(chosen).headline  # a strategy measure, not the first indicator of the list
    assert at.get("vega_lite_chart")
    table = at.dataframe[0].value
    place = table[table["Group"].isin(["All", ""])] if "Group" in table else table
    assert place["Period"].nunique() > 1, f"{chosen}: the default indicator has a single period"


def test_breakdown_bars_show_every_group_in_full(isolated_data):
    from cohesion import query
    from cohesion.refresh import refresh
    from cohesion.trends import charts

    refresh(progress=lambda _m: None)
    catalogue = load_catalogue(CATALOGUE_PATH)
    rows = query.indicator_rows(query.current(catalogue), "le_services_understand_needs")
    parts = rows[rows["breakdown"].str.startswith("response=")]
    spec = charts.breakdown_bars(parts, catalogue.indicator("le_services_understand_needs")).to_dict()
    bars = spec["layer"][0]["encoding"]
    assert spec["layer"][0]["mark"]["type"] == "bar" and bars["y"]["field"] == "group"  # horizontal bars
    assert bars["y"]["axis"]["labelLimit"] == 0  # labels never cut
    assert spec["height"] == {"step": charts.BAR_STEP_PX}  # a fixed band per bar, however many groups
    assert "Not very well or not at all" in set(bars["y"]["sort"])


def test_unknown_deep_link_warns_and_still_draws(isolated_data):
    at = run(indicator="no_such_indicator")
    assert at.warning and "not in the catalogue" in at.warning[0].value
    assert at.selectbox(key="trends_indicator").value


def test_survey_indicator_shows_takeaway_trend_table_and_download(isolated_data, with_reference):
    at = run(indicator="life_satisfaction")
    assert takeaways(at)[0].startswith("**Takeaway:** Stoke")
    assert any(t.startswith("Recent trend: ") for t in texts(at))
    assert at.dataframe and at.get("download_button")


def test_hate_crime_without_monthly_data_shows_the_how_to(isolated_data, with_reference):
    at = run(indicator="hate_crime_offences")
    shown = " ".join(texts(at))
    assert "Early warning" in " ".join(h.value for h in at.header)
    assert "No monthly police counts are loaded" in shown
    assert "python -m cohesion refresh" in shown and "police_counts_template.csv" in shown
    assert "Reports per year" in " ".join(s.value for s in at.subheader)


# ------------------------------------------------------------------ with a monthly police export

BASELINE = [42, 38, 44, 36, 41, 39, 43, 37, 45, 35, 42, 38]  # mean 40: limits 22 to 60


def write_synthetic_police_export(data_dir: Path) -> Path:
    """A SYNTHETIC monthly export in the police template: a CSP series with one spike, a small ward."""
    catalogue = load_catalogue(CATALOGUE_PATH)
    source = next(s for s in catalogue.sources if s.loader == "police_local_counts")
    path = resolve_data_path(source.path)
    assert path.is_relative_to(data_dir)
    months = [str(p) for p in pd.period_range("2024-04", periods=15, freq="M")]
    csp = BASELINE + [41, 66, 39]  # 2025-05: 66, above the expected range of 22 to 60
    ward = [3, 1, 2, 4, 2, 1, 3, 2, 2, 1, 3, 2, 9, 2, 1]
    rows = []
    for month, a, b in zip(months, csp, ward, strict=True):
        rows.append([month, "csp", catalogue.place.code, catalogue.place.name, "hate_crimes", "All", a, "",
                     "SYNTHETIC test data"])
        rows.append([month, "ward", "E05999999", "Test ward", "hate_crimes", "All", b, "", "SYNTHETIC test data"])
    frame = pd.DataFrame(rows, columns=["period", "area_type", "area_code", "area_name", "measure", "strand",
                                        "count", "population", "note"])
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def monthly_store(isolated_data: Path) -> Path:
    from cohesion.refresh import refresh

    write_synthetic_police_export(isolated_data)
    manifest = refresh(progress=lambda _m: None)
    assert manifest.sources["police_local_counts"].status == "loaded", manifest.sources["police_local_counts"]
    return isolated_data


def test_early_warning_panel_with_monthly_data(monthly_store):
    at = run(indicator="police_hate_crimes_local")
    shown = " ".join(texts(at))
    assert "No monthly police counts are loaded" not in shown
    assert at.selectbox(key="ew_area").value is not None
    assert "May 2025: 66 reports, above the expected range of 22 to 60." in shown.replace("\\", "")
    assert "SYNTHETIC test data" in shown
    assert len(at.get("vega_lite_chart")) >= 2  # the trend chart and the control chart


def test_small_ward_gets_no_flags_and_its_counts_are_hidden(monthly_store):
    at = run(indicator="police_hate_crimes_local")
    at.selectbox(key="ew_area").set_value("E05999999").run()
    assert not at.exception
    shown = " ".join(texts(at)).replace("\\", "")
    assert "no early-warning flags" in shown and "Too few reports to judge" in shown
    assert "9 reports" not in shown
    # Every monthly ward count is below 10, so the table (like the download) shows none of them.
    table = at.dataframe[0].value
    ward = table[table["Area"] == "Test ward"]
    assert len(ward) == 15 and (ward["Value (count)"] == "no figure").all()
    assert ward["Note"].str.startswith("suppressed: fewer than 10").all()
    # Its annual total (26 in 2024/25) is above the threshold and is shown.
    place_table, ward_table = [d.value for d in at.dataframe if "Strand" in d.value.columns]
    assert "26" in ward_table[ward_table["Area"] == "Test ward"]["Count"].tolist()
    # Ward rows are under their own expander, so the place's own yearly rows come first and short.
    assert "Test ward" not in place_table["Area"].tolist() and len(place_table)
    assert any(e.label == f"Ward by ward ({len(ward_table):,} rows)" for e in at.expander)

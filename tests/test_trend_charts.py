"""Chart builders checked on their Vega-Lite specification, plus the takeaway and download beside each chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohesion import tidy
from cohesion.catalogue.models import Catalogue, Indicator, Target
from cohesion.trends import charts, downloads, spc, takeaway

PLACE = "E06000099"


def indicator(unit="%", target=None, **kw) -> Indicator:
    return Indicator(id="test_ind", title="Satisfied with the area", definition="d", dimension="belonging",
                     priorities=["p1"], source="survey", unit=unit, polarity="higher_is_better",
                     target=target or Target(reason="none set"), status={"rule": "target"}, **kw)


def catalogue(publisher="Test Council", disclosure_control=False, unit="%") -> Catalogue:
    return Catalogue.model_validate({
        "schema_version": 1,
        "place": {"name": "Testtown", "code": PLACE, "police_force": {"name": "Testshire", "code": "force:testshire"},
                  "region": {"name": "Region", "code": "E12000099"}, "country": {"name": "England", "code": "E92000001"},
                  "comparators": [{"id": "england", "name": "England", "code": "E92000001"}]},
        "meeting": {"small_count_threshold": 10},
        "dimensions": [{"id": "belonging", "title": "Belonging", "description": "d"}],
        "priorities": [{"id": "p1", "number": 1, "title": "P", "summary": "s"}],
        "sources": [{"id": "survey", "publisher": publisher, "title": "Survey", "licence": "OGL v3.0",
                     "attribution": "Test attribution", "cadence": "annual", "loader": "none",
                     "disclosure_control": disclosure_control,
                     "url": "https://example.org/survey"}],
        "indicators": [indicator(unit=unit).model_dump()],
    })


def frame() -> pd.DataFrame:
    periods = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    return tidy.conform(pd.DataFrame({
        "indicator_id": "test_ind", "period": periods * 2,
        "area_code": [PLACE] * 5 + ["E92000001"] * 5, "area_name": ["Testtown"] * 5 + ["England"] * 5,
        "value": [60, 61, np.nan, 63, 64, 70, 71, 72, 73, 74],
        "lower_ci": [57, 58, np.nan, 60, 61] + [np.nan] * 5, "upper_ci": [63, 64, np.nan, 66, 67] + [np.nan] * 5,
        "status_note": ["", "", "[x]: not available", "", ""] + [""] * 5,
        "series_break": ["", "", "", "Survey mode change", ""] + [""] * 5,
        "unit": "%", "source_id": "survey",
    }))


def layers(chart) -> dict[str, dict]:
    spec = chart.to_dict()
    return {layer["name"]: layer for layer in spec["layer"]}, spec["datasets"]


def data_of(layer: dict, datasets: dict) -> list[dict]:
    return datasets[layer["data"]["name"]]


def test_trend_chart_layers_and_encodings():
    chart = charts.trend_chart(frame(), indicator(target=Target(value=70, year=2030)), primary_code=PLACE,
                               target=Target(value=70, year=2030), comparators={"E92000001": "England"})
    by_name, datasets = layers(chart)
    assert {"ci", "lines", "points", "gaps", "gap_labels", "breaks", "target", "target_label"} <= set(by_name)
    lines = by_name["lines"]
    assert lines["mark"]["type"] == "line"
    assert lines["encoding"]["x"]["field"] == "date" and lines["encoding"]["y"]["field"] == "value"
    assert lines["encoding"]["x"]["type"] == "temporal"
    assert lines["encoding"]["detail"]["field"] == "segment"  # gaps and breaks split the line
    assert lines["encoding"]["color"]["scale"]["domain"] == ["Testtown", "England"]
    # One tick per period at its middle, labelled as the publisher labels it (2019/20).
    axis = lines["encoding"]["x"]["axis"]
    assert len(axis["values"]) == 5 and "utcyear" in axis["labelExpr"]


def test_missing_period_is_not_plotted_as_zero():
    by_name, datasets = layers(charts.trend_chart(frame(), indicator(), primary_code=PLACE))
    plotted = data_of(by_name["lines"], datasets)
    assert all(row["value"] is not None and row["value"] > 0 for row in plotted)
    assert "2021/22" not in {row["period"] for row in plotted if row["series"] == "Testtown"}
    gaps = data_of(by_name["gaps"], datasets)
    assert [(g["gap_start"], g["gap_end"], g["label"]) for g in gaps] == [("2021-04-01", "2022-04-01", "no figure")]
    assert gaps[0]["why"] == "No figure for 2021/22 (2021/22: [x]: not available)."
    # The run before the gap and the run after it are separate line segments.
    segments = {row["period"]: row["segment"] for row in plotted}
    assert segments["2020/21"] != segments["2022/23"]


def test_confidence_intervals_drawn_from_lower_to_upper():
    by_name, datasets = layers(charts.trend_chart(frame(), indicator(), primary_code=PLACE))
    ci = by_name["ci"]
    assert ci["mark"]["type"] == "rule"
    assert ci["encoding"]["y"]["field"] == "lower_ci" and ci["encoding"]["y2"]["field"] == "upper_ci"
    assert {r["period"] for r in data_of(ci, datasets)} == {"2019/20", "2020/21", "2022/23", "2023/24"}


def test_target_rule_with_label():
    tgt = Target(value=70, year=2030)
    by_name, datasets = layers(charts.trend_chart(frame(), indicator(target=tgt), primary_code=PLACE, target=tgt))
    assert by_name["target"]["mark"]["type"] == "rule"
    assert data_of(by_name["target"], datasets)[0]["target"] == 70
    assert data_of(by_name["target_label"], datasets)[0]["label"] == "Target 70% by 2030"


def test_no_target_layer_without_a_target_value():
    by_name, _ = layers(charts.trend_chart(frame(), indicator(), primary_code=PLACE))
    assert "target" not in by_name


def test_series_break_annotated():
    by_name, datasets = layers(charts.trend_chart(frame(), indicator(), primary_code=PLACE))
    breaks = data_of(by_name["breaks"], datasets)
    assert breaks[0]["period"] == "2022/23" and breaks[0]["note"] == "Survey mode change"


def test_comparator_is_dashed():
    by_name, _ = layers(charts.trend_chart(frame(), indicator(), primary_code=PLACE,
                                           comparators={"E92000001": "England"}))
    dashes = by_name["lines"]["encoding"]["strokeDash"]["scale"]["range"]
    assert dashes[0] == [1, 0] and dashes[1] != [1, 0]


def test_small_multiples_one_panel_per_group():
    rows = pd.concat([frame().assign(breakdown=f"age={g}") for g in ("16-24", "25-64", "65+")], ignore_index=True)
    rows = rows[rows["area_code"] == PLACE]
    spec = charts.small_multiples(rows, indicator()).to_dict()
    assert spec["facet"]["field"] == "panel" and spec["columns"] == 3
    data = spec["datasets"][spec["data"]["name"]]
    assert {r["panel"] for r in data} == {"16-24", "25-64", "65+"}
    assert all(r["value"] is not None for r in data)


def test_control_chart_hides_small_counts_and_marks_signals_by_shape():
    values = [42, 38, 44, 36, 41, 39, 43, 37, 45, 35, 42, 38, 65, 8]
    idx = pd.period_range("2024-01", periods=len(values), freq="M")
    counts = pd.DataFrame({"period": [str(p) for p in idx], "value": np.asarray(values, float),
                           "period_end": [p.to_timestamp(how="end") for p in idx]})
    result = spc.control_chart_data(counts, threshold=10)
    spec = charts.control_chart(result, threshold=10, title="Ward A").to_dict()
    assert spec["title"]["text"] == "Ward A"
    point_layer = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert point_layer["encoding"]["shape"]["field"] == "signal"
    # Altair may hoist a layer's data to the top level; read it from wherever it sits.
    data = spec["datasets"][point_layer.get("data", spec.get("data", {}))["name"]]
    shown = {row["period"]: row["shown"] for row in data}
    assert shown["2025-01"] == 65 and shown["2025-02"] is None  # 8 is below 10: hidden
    texts = {row["period"]: row["shown_text"] for row in data}
    assert texts["2025-02"] == "fewer than 10"


def test_trend_chart_builds_with_no_rows():
    empty = tidy.empty_frame()
    assert charts.trend_chart(empty, indicator(), primary_code=PLACE).to_dict()["layer"]


def test_choose_series_prefers_the_authority_then_the_force():
    cat = catalogue()
    rows = frame()
    choice = charts.choose_series(cat, rows)
    assert choice.primary_code == PLACE and choice.comparators == {"E92000001": "England"}
    force = rows[rows["area_code"] == PLACE].assign(area_code="force:testshire", area_name="Testshire")
    assert charts.choose_series(cat, force).primary_code == "force:testshire"


# ------------------------------------------------------------------ takeaways


def test_takeaway_sentence():
    text = takeaway.trend_takeaway(frame(), indicator(), primary_code=PLACE, comparators={"E92000001": "England"},
                                   target=Target(value=70, year=2030))
    assert text == ("Testtown: 64.0% in 2023/24 (95% interval 61.0% to 67.0%), up 1.0 percentage points from "
                    "63.0% in 2022/23; England: 74.0%; target 70.0% by 2030.")


def test_takeaway_across_a_series_break_does_not_compare():
    rows = frame()
    rows = rows[rows["period"] != "2023/24"]
    text = takeaway.trend_takeaway(rows, indicator(), primary_code=PLACE)
    assert "not directly comparable with 2020/21 because of a series break" in text


def test_takeaway_when_latest_is_missing_says_so():
    rows = frame()
    rows.loc[(rows["area_code"] == PLACE) & (rows["period"] == "2023/24"), ["value", "status_note"]] = \
        [np.nan, "[c]: suppressed"]
    text = takeaway.trend_takeaway(rows, indicator(), primary_code=PLACE)
    assert "no figure yet for 2023/24" in text and " 0" not in text


def test_takeaway_with_no_local_rows():
    rows = frame()
    text = takeaway.trend_takeaway(rows[rows["area_code"] != PLACE], indicator(), primary_code=PLACE,
                                   comparators={"E92000001": "England"}, area_label="Testtown")
    assert text.startswith("No figure for Testtown") and "England" in text


# ------------------------------------------------------------------ downloads


def test_download_rows_carry_source_licence_and_period():
    out = downloads.download_frame(frame(), indicator(), catalogue(), primary_code=PLACE)
    assert list(out.columns) == downloads.DOWNLOAD_COLUMNS
    assert (out["licence"] == "OGL v3.0").all() and (out["publisher"] == "Test Council").all()
    assert (out["source_url"] == "https://example.org/survey").all()
    assert out["period"].iloc[0] == "2019/20" and out["area_code"].iloc[0] == PLACE
    assert out["period_end"].iloc[0] == "2020-03-31"
    assert np.isnan(out.loc[(out["period"] == "2021/22") & (out["area_code"] == PLACE), "value"]).all()  # stays missing
    text = downloads.to_csv_bytes(out).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("indicator_id,indicator,area_code")


def test_police_counts_are_suppressed_in_downloads():
    counts = tidy.conform(pd.DataFrame({"indicator_id": "test_ind", "period": ["2024/25", "2024/25"],
                                        "area_code": ["E05000001", "E05000002"], "area_name": ["Ward A", "Ward B"],
                                        "value": [7, 25], "numerator": [7, 25], "unit": "count",
                                        "source_id": "survey"}))
    ind = indicator(unit="count")
    # The catalogue's unit decides what is a count (the row's unit text is not trusted).
    out = downloads.download_frame(counts, ind, catalogue(publisher="Testshire Police", disclosure_control=True,
                                                          unit="count"))
    ward_a = out[out["area_code"] == "E05000001"].iloc[0]
    assert np.isnan(ward_a["value"]) and np.isnan(ward_a["numerator"])
    assert ward_a["status_note"].startswith("suppressed: fewer than 10")
    assert out[out["area_code"] == "E05000002"]["value"].iloc[0] == 25
    # A count that is not about crime (a register of spaces) is not suppressed.
    assert downloads.download_frame(counts, ind, catalogue(unit="count"))["value"].notna().all()


@pytest.mark.parametrize("unit,expected", [("%", ".1f"), ("count", ",.0f"), ("mean score (0-10)", ".2f")])
def test_value_format(unit, expected):
    assert charts.value_format(unit) == expected


def test_takeaway_names_a_score_unit_once():
    rows = frame().assign(unit="mean score (0-10)")
    rows["value"] = rows["value"] / 10
    text = takeaway.trend_takeaway(rows, indicator(unit="mean score (0-10)"), primary_code=PLACE)
    assert text.startswith("Testtown: 6.40 mean score (0-10) in 2023/24")
    assert text.count("mean score") == 1


# ------------------------------------------------------------------ time is time

def gappy() -> pd.DataFrame:
    """The force's racially or religiously aggravated offences: 2011/12, then 2020/21 and 2021/22."""
    return tidy.conform(pd.DataFrame({
        "indicator_id": "test_ind", "period": ["2011/12", "2020/21", "2021/22"], "area_code": PLACE,
        "area_name": "Testshire", "value": [556, 801, 900], "series_break": ["", "Recording change", ""],
        "unit": "count", "source_id": "survey"}))


def test_periods_sit_at_their_real_dates_with_the_gap_marked():
    by_name, datasets = layers(charts.trend_chart(gappy(), indicator(unit="count"), primary_code=PLACE))
    x = by_name["lines"]["encoding"]["x"]
    assert x["type"] == "temporal" and x["field"] == "date"
    plotted = data_of(by_name["lines"], datasets)
    # Each financial year at its middle (1 April to 31 March -> 30 September).
    assert [r["date"] for r in plotted] == ["2011-09-30", "2020-09-30", "2021-09-30"]
    # The domain runs from the first period's start to the day after the last one ends.
    assert x["scale"]["domain"] == [{"year": 2011, "month": 4, "date": 1, "utc": True},
                                    {"year": 2022, "month": 4, "date": 1, "utc": True}]
    assert x["axis"]["values"][0] == {"year": 2011, "month": 9, "date": 30, "utc": True}
    # The line is split: 2011/12 alone (gap after it), then 2020/21-2021/22 after the break.
    segments = [r["segment"] for r in plotted]
    assert segments[0] != segments[1] and segments[1] == segments[2]
    gaps = data_of(by_name["gaps"], datasets)
    assert len(gaps) == 1
    assert (gaps[0]["gap_start"], gaps[0]["gap_end"], gaps[0]["periods"]) == ("2012-04-01", "2020-04-01", 8)
    assert gaps[0]["label"] == "no figures for 8 years"
    assert gaps[0]["why"] == "No figure for 2012/13 to 2019/20 (not in the published table)."
    assert by_name["gaps"]["mark"]["type"] == "rect"
    assert data_of(by_name["gap_labels"], datasets)[0]["label"] == "no figures for 8 years"
    assert data_of(by_name["breaks"], datasets)[0]["start"] == "2020-04-01"


def test_a_break_alone_splits_the_line_without_a_gap():
    rows = gappy()
    rows = rows[rows["period"] != "2011/12"]
    by_name, datasets = layers(charts.trend_chart(rows, indicator(unit="count"), primary_code=PLACE))
    assert "gaps" not in by_name
    plotted = data_of(by_name["lines"], datasets)
    assert plotted[0]["segment"] == plotted[1]["segment"]  # the break is on the first row: nothing before it


def test_axis_labels_render_as_published_periods():
    import vl_convert

    spec = charts.trend_chart(gappy(), indicator(unit="count"), primary_code=PLACE, width=700).to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    for label in ("2011/12", "2020/21", "2021/22", "no figures for 8 years", "series break"):
        assert label in svg
    assert ">2012/13<" not in svg  # no tick label for a year with no figure; the band says it is missing


@pytest.mark.parametrize(("periods", "dates", "label_fn"), [
    (["2019", "2020", "2023"], ["2019-07-02", "2020-07-01", "2023-07-02"], "utcFormat(datum.value, '%Y')"),
    (["2025-01", "2025-02", "2025-04"], ["2025-01-16", "2025-02-14", "2025-04-15"], "utcFormat(datum.value, '%b %Y')"),
])
def test_calendar_years_and_months(periods, dates, label_fn):
    rows = tidy.conform(pd.DataFrame({"indicator_id": "test_ind", "period": periods, "area_code": PLACE,
                                      "area_name": "Testtown", "value": [1.0, 2.0, 3.0], "unit": "count"}))
    by_name, datasets = layers(charts.trend_chart(rows, indicator(unit="count"), primary_code=PLACE))
    assert [r["date"] for r in data_of(by_name["lines"], datasets)] == dates
    assert by_name["lines"]["encoding"]["x"]["axis"]["labelExpr"] == label_fn
    gaps = data_of(by_name["gaps"], datasets)
    assert [g["periods"] for g in gaps] == [2 if len(periods[0]) == 4 else 1]


def test_small_multiples_use_the_time_axis_and_split_at_gaps():
    rows = pd.concat([gappy().assign(breakdown=f"strand={g}") for g in ("Race", "Religion")], ignore_index=True)
    spec = charts.small_multiples(rows, indicator(unit="count")).to_dict()
    x = spec["spec"]["layer"][1]["encoding"]["x"]
    assert x["type"] == "temporal" and x["field"] == "date"
    plotted = spec["datasets"][spec["data"]["name"]]
    race = [r["segment"] for r in plotted if r["panel"] == "Race"]
    assert race[0] != race[1] and race[1] == race[2]


def test_years_no_plotted_series_has_are_marked_even_when_the_place_has_one_figure():
    # Satisfied with the local area: the city has 2024/25 only; England has 2012/13, 2019/20 and 2020/21.
    rows = tidy.conform(pd.DataFrame({
        "indicator_id": "test_ind", "period": ["2024/25", "2012/13", "2019/20", "2020/21"],
        "area_code": [PLACE, "E92000001", "E92000001", "E92000001"],
        "area_name": ["Testtown", "England", "England", "England"], "value": [57.7, 84.0, 76.0, 79.0],
        "series_break": ["", "", "Survey mode change", ""], "unit": "%", "source_id": "survey"}))
    by_name, datasets = layers(charts.trend_chart(rows, indicator(), primary_code=PLACE,
                                                  comparators={"E92000001": "England"}))
    gaps = data_of(by_name["gaps"], datasets)
    assert [(g["gap_start"], g["gap_end"], g["label"]) for g in gaps] == [
        ("2013-04-01", "2019-04-01", "no figures for 6 years"), ("2021-04-01", "2024-04-01", "no figures for 3 years")]
    england = [r for r in data_of(by_name["lines"], datasets) if r["series"] == "England"]
    assert england[0]["segment"] != england[1]["segment"] == england[2]["segment"]


def test_series_break_label_sits_left_of_its_rule_clear_of_the_points():
    """Drawn (vl-convert's scenegraph): the label ends at the rule, at the plot's foot, and no point
    lies under it. It used to sit right of the rule at the top, over the new series' first point."""
    import vl_convert

    spec = charts.trend_chart(gappy(), indicator(unit="count"), primary_code=PLACE, width=330, height=140).to_dict()
    marks: dict[str, list[dict]] = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("name"):
                marks.setdefault(node["name"], []).extend(node.get("items", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(vl_convert.vegalite_to_scenegraph(spec))
    (rule,), (label,) = marks["breaks_marks"], marks["break_labels_marks"]
    assert label["text"] == "series break" and label["x"] == rule["x"]
    assert label["align"] == "right" and label["dx"] < 0 and label["baseline"] == "bottom" and label["y"] > 140 - 10
    right = label["x"] + label["dx"]
    left = right - len(label["text"]) * charts.FONT_SIZE * 0.6  # a generous text width
    top = label["y"] - charts.FONT_SIZE
    points = marks["points_marks"]
    assert len(points) == 3
    assert not [p for p in points if left <= p["x"] <= right and top <= p["y"] <= label["y"]]
    assert left > 0  # inside the plot

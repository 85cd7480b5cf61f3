"""Worked examples for the read layer (series selection, disclosure control) and the presenter."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cohesion import query, tidy
from cohesion.catalogue import load_catalogue
from cohesion.config import CATALOGUE_PATH
from cohesion.present import format_value, grey_reason_text, html_text, plain, source_line, status_badge_html


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE_PATH)


def _rows(catalogue, indicator_id, values, *, area=None, breakdown="", source=None, period="2024/25"):
    ind = catalogue.indicator(indicator_id)
    area = area or catalogue.place.code
    return [{"indicator_id": indicator_id, "period": period, "area_code": area, "area_name": "A", "breakdown": b,
             "value": v, "numerator": v, "unit": ind.unit, "source_id": source or ind.source}
            for b, v in (values.items() if isinstance(values, dict) else [(breakdown, values)])]


def test_small_controlled_counts_are_hidden_and_so_is_a_total_that_would_reveal_them(catalogue):
    # police_hate_crimes_local comes from a source with disclosure_control: true (threshold 10).
    frame = tidy.conform(pd.DataFrame(
        _rows(catalogue, "police_hate_crimes_local", {"": 30, "strand=Race": 26, "strand=Religion": 4})
        + _rows(catalogue, "police_hate_crimes_local", {"": 45, "strand=Race": 30, "strand=Religion": 15},
                period="2023/24")))
    out = query.publishable(frame, catalogue)
    by = {(r.period, r.breakdown): r for r in out.itertuples()}
    assert math.isnan(by[("2024/25", "strand=Religion")].value)  # 4 < 10: primary
    assert math.isnan(by[("2024/25", "strand=Religion")].numerator)
    assert by[("2024/25", "strand=Religion")].status_note.startswith("suppressed: fewer than 10")
    assert math.isnan(by[("2024/25", "")].value)  # 30 - 26 = 4: the total would reveal it
    assert "would reveal it" in by[("2024/25", "")].status_note
    assert by[("2024/25", "strand=Race")].value == 26
    assert [by[("2023/24", b)].value for b in ("", "strand=Race", "strand=Religion")] == [45, 30, 15]
    # Idempotent, and the input is untouched.
    assert query.publishable(out, catalogue).equals(out)
    assert frame["value"].notna().all()


def test_a_hidden_ward_cannot_be_worked_out_from_the_city_total(catalogue):
    # City 100 = wards 4 + 12 + 30 + 54. Hiding only the 4 would let 100 - 12 - 30 - 54 give it
    # back, so the next smallest ward (12) is hidden too: two hidden, together 16 >= 10.
    wards = {"W1": 4, "W2": 12, "W3": 30, "W4": 54}
    rows = _rows(catalogue, "police_uk_public_order", 100, period="2025-07")
    for code, value in wards.items():
        rows += [{**_rows(catalogue, "police_uk_public_order", value, area=code, period="2025-07")[0],
                  "area_type": "ward"}]
    # Two small wards (3 + 2 = 5 < 10) need a third: 3, 2 and the 30.
    small = {"W5": 3, "W6": 2, "W7": 30, "W8": 65}
    for code, value in small.items():
        rows += [{**_rows(catalogue, "police_uk_public_order", value, area=code, period="2025-08")[0],
                  "area_type": "ward"}]
    out = query.publishable(tidy.conform(pd.DataFrame(rows)), catalogue)
    shown = {(r.period, r.area_code): r.value for r in out.itertuples() if not math.isnan(r.value)}
    assert shown == {("2025-07", catalogue.place.code): 100, ("2025-07", "W3"): 30, ("2025-07", "W4"): 54,
                     ("2025-08", "W8"): 65}
    notes = {r.area_code: r.status_note for r in out.itertuples() if r.period == "2025-07"}
    assert notes["W1"].startswith("suppressed: fewer than 10") and "would reveal it" in notes["W2"]
    assert query.publishable(out, catalogue).equals(out)


def test_uncontrolled_sources_and_non_counts_pass_through(catalogue):
    survey = tidy.conform(pd.DataFrame(_rows(catalogue, "satisfied_local_area", 3.0)))
    assert query.publishable(survey, catalogue).equals(survey)
    spaces = tidy.conform(pd.DataFrame(_rows(catalogue, "community_spaces_located", 4)))
    assert query.publishable(spaces, catalogue)["value"].tolist() == [4]


def test_place_series_prefers_the_authority_then_the_force_and_keeps_one_row_per_period(catalogue):
    rows = (_rows(catalogue, "hate_crime_offences", 1500, area=catalogue.place.police_force.code, period="2017/18")
            + _rows(catalogue, "hate_crime_offences", 1570, area=catalogue.place.police_force.code, period="2018/19")
            + _rows(catalogue, "hate_crime_offences", 999, area="E92000001", period="2018/19"))
    frame = tidy.conform(pd.DataFrame(rows))
    series = query.place_series(catalogue, frame, "hate_crime_offences")
    assert series["period"].tolist() == ["2017/18", "2018/19"]
    assert query.latest(catalogue, frame, "hate_crime_offences")["value"] == 1570
    assert query.periods(catalogue, frame, "hate_crime_offences") == ["2017/18", "2018/19"]
    england, name = query.comparator_series(catalogue, frame, "hate_crime_offences", "england")
    assert england["value"].tolist() == [999] and name


def test_a_figure_is_credited_to_its_own_source(catalogue):
    ind = catalogue.indicator("hate_crime_offences")
    row = pd.Series({"source_id": "staffordshire_police_news", "value": 2010.0})
    assert source_line(catalogue, row, ind).startswith("Staffordshire Police")
    assert "Home Office" in source_line(catalogue, pd.Series({"source_id": ""}), ind)


def test_default_series_indicator_has_more_than_one_period(catalogue):
    rows = pd.DataFrame(_rows(catalogue, "satisfied_local_area", 57.7)
                        + _rows(catalogue, "life_satisfaction", 7.4, period="2020/21")
                        + _rows(catalogue, "life_satisfaction", 7.5, period="2021/22"))
    frame = tidy.conform(rows)
    # satisfied_local_area is a headline measure but has one period; life_satisfaction has two.
    assert query.default_series_indicator(catalogue, frame) == "life_satisfaction"
    frame2 = tidy.conform(pd.DataFrame(rows.to_dict("records") + _rows(catalogue, "satisfied_local_area", 60.0,
                                                                       period="2023/24")))
    assert query.default_series_indicator(catalogue, frame2) == "satisfied_local_area"  # headline first
    assert query.default_series_indicator(catalogue, frame.iloc[0:0]) is None


@pytest.mark.parametrize(("value", "unit", "text"), [
    (57.66, "%", "57.7%"), (2010.0, "count", "2,010"), (7.394, "mean score (0-10)", "7.39 mean score (0-10)"),
    (4.123, "rate per 1,000", "4.12 per 1,000"), (None, "%", "no figure"), (float("nan"), "count", "no figure"),
])
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


def test_missing_says_why():
    assert format_value(None, "%", reason="[c] confidential") == "no figure ([c] confidential)"


NASTY = "[click](http://x) ![i](http://x/p.png) <b>x</b> http://auto.link www.auto.link :red[r] $x$ a@b.co"


def test_plain_leaves_no_markdown_construct_and_no_autolink():
    text = plain(NASTY + "\n    code\n===")
    for construct in ("](", "![", "<b>", "http://", "www.", ":red[", "$x$", "@b.", "\n"):
        assert construct not in text, construct
    assert plain(None) == "" and "None" not in plain(None)


def test_html_and_badge_escape_everything():
    assert html_text("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    badge = status_badge_html("Amber", "<img src=x>")
    assert "<img" not in badge and "▲ Amber" in badge


def test_grey_reason_words_come_from_one_table():
    assert grey_reason_text("no_interval") == "No interval published"
    assert grey_reason_text("series_break") == "Series break"
    assert grey_reason_text("unknown") == "Not assessed"


def test_catalogue_lookups_fail_clearly(catalogue):
    assert catalogue.source("no_such_source") is None
    with pytest.raises(KeyError, match="no indicator with id 'nope'"):
        catalogue.indicator("nope")


def test_units_are_a_controlled_vocabulary(catalogue):
    from pydantic import ValidationError

    from cohesion.catalogue.models import Indicator

    raw = catalogue.indicators[0].model_dump()
    with pytest.raises(ValidationError):
        Indicator.model_validate({**raw, "unit": "offences"})


def test_aggravated_offences_are_not_called_hate_crimes(catalogue):
    from cohesion.present import count_noun
    from cohesion.trends.hatecrime import change_sentence

    rra = catalogue.indicator("rra_offences_force")
    assert count_noun(rra) == "racially or religiously aggravated offences"
    summary = pd.DataFrame([{"area_name": "Staffordshire", "period": "2021/22", "period_end": pd.Timestamp("2022-03-31"),
                             "count": 982.0, "change_pct": 22.6,
                             "previous_period": "2020/21", "previous_count": 801.0, "rate_per_1k": float("nan")}])
    sentence = change_sentence(summary, noun=count_noun(rra))
    assert "hate crime" not in sentence and "racially or religiously aggravated offences" in sentence
    assert count_noun(catalogue.indicator("hate_crime_offences")) == "hate crimes"

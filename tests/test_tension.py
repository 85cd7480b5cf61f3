"""Early warning on the police.uk tension series: the control_chart status rule, ward table, signals.

Series are constructed so each outcome is known; the real 2025 series are checked at the end.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohesion import tidy
from cohesion.catalogue import load_catalogue
from cohesion.catalogue.models import ControlChartRule
from cohesion.config import CATALOGUE_PATH
from cohesion.loaders.police_uk import PlaceInfo, load_police_uk
from cohesion.status import assess_all, roll_up
from cohesion.status.control import control_chart_status
from cohesion.style import style_for
from cohesion.trends import tension

CATALOGUE = load_catalogue(CATALOGUE_PATH)
PLACE = CATALOGUE.place
PUBLIC_ORDER = CATALOGUE.indicator("police_uk_public_order")
BASELINE = [42, 38, 44, 36, 41, 39, 43, 37, 45, 35, 42, 38]  # mean 40; Poisson limits 22 to 60


def rows(values, *, code=PLACE.code, name=PLACE.name, area_type="local_authority", start="2025-01",
         indicator="police_uk_public_order") -> pd.DataFrame:
    idx = pd.period_range(start, periods=len(values), freq="M")
    values = np.asarray(values, dtype=float)
    return tidy.conform(pd.DataFrame({
        "indicator_id": indicator, "measure": "police_uk_public_order", "period": [str(p) for p in idx],
        "area_code": code, "area_name": name, "area_type": area_type, "value": values, "unit": "count",
        "source_id": "police_uk_street", "status_note": np.where(np.isnan(values), "gap", ""),
    }))


def status(values) -> object:
    return control_chart_status(PUBLIC_ORDER, rows(values), ControlChartRule(rule="control_chart"), 10)


def test_catalogue_tension_indicators_use_the_control_chart_rule() -> None:
    found = {i.id: i for i in tension.tension_indicators(CATALOGUE)}
    assert set(found) == {"police_uk_public_order", "police_uk_criminal_damage_arson", "police_uk_violence_sexual",
                          "police_uk_anti_social_behaviour"}
    for ind in found.values():
        assert ind.polarity == "no_judgement" and ind.polarity_reason and ind.caveats and ind.definition
        assert ind.dimension == "safety" and "p07_tensions_early" in ind.priorities
        assert "hate" not in ind.title.lower()
    assert tension.crime_type(found["police_uk_criminal_damage_arson"]) == "Criminal damage and arson"


def test_signal_higher_than_expected() -> None:
    result = status(BASELINE + [41, 65])
    assert result.status == "Signal: higher than expected" and result.rule == "control_chart"
    assert result.sentence == ("Signal: higher than expected: Public order in Stoke-on-Trent: 65 in February 2026, "
                               "above the expected range of 22 to 60.")
    assert result.latest_period == "2026-02" and result.figures["upper"] == 60


def test_signal_lower_than_expected_and_no_signal() -> None:
    assert status(BASELINE + [15]).status == "Signal: lower than expected"
    quiet = status(BASELINE + [41])
    assert quiet.status == "No signal"
    assert quiet.sentence.endswith("41 in January 2026, within the expected range of 22 to 60.")


def test_a_run_ending_this_month_is_a_signal_inside_the_range() -> None:
    result = status(BASELINE + [43, 45, 42, 44, 46, 43, 45])
    assert result.status == "Signal: higher than expected"
    assert "within the expected range of 22 to 60 but part of a pattern (a run of seven on one side" in result.sentence


def test_small_numbers_and_no_data_are_grey_with_a_reason() -> None:
    small = status([1, 3, 2, 2, 1, 3, 2, 2, 1, 3, 2, 2, 9])
    assert small.status == "Grey" and small.grey_reason == "too_few_points"
    assert "fewer than 5 a month" in small.sentence and "9" not in small.sentence.split(":")[0]
    empty = control_chart_status(PUBLIC_ORDER, rows([]).iloc[0:0], ControlChartRule(rule="control_chart"))
    assert empty.status == "Grey" and empty.grey_reason == "no_data"


def test_signal_words_have_their_own_symbol_and_are_not_scored() -> None:
    for word, symbol in (("Signal: higher than expected", "◆"), ("Signal: lower than expected", "◇"),
                         ("No signal", "●")):
        assert style_for(word).symbol == symbol and style_for(word).label == word
    observations = rows(BASELINE + [65])
    results = assess_all(CATALOGUE, observations, today=date(2026, 11, 30))
    assert results["police_uk_public_order"].status == "Signal: higher than expected"
    p07 = roll_up(CATALOGUE, results)["p07_tensions_early"]
    assert "police_uk_public_order" in p07.indicator_ids and p07.assessed == 0  # not Red/Green, not scored


def test_ward_table_sentences_and_suppression() -> None:
    ward_rows = pd.concat([
        rows(BASELINE + [65], code="E05000001", name="North", area_type="ward"),
        rows(BASELINE + [41], code="E05000002", name="South", area_type="ward"),
        rows([1, 3, 2, 2, 1, 3, 2, 2, 1, 3, 2, 2, 3], code="E05000003", name="Small", area_type="ward"),
    ], ignore_index=True)
    table = tension.ward_table(CATALOGUE, ward_rows, PUBLIC_ORDER)
    assert table["ward_name"].tolist() == ["North", "South", "Small"]
    north, south, small = (table.iloc[i] for i in range(3))
    assert north["status"] == "Signal: higher than expected"
    assert north["sentence"] == "Public order in North: 65 in January 2026, above the expected range of 22 to 60."
    assert south["status"] == "No signal" and south["count_shown"] == "41"
    assert small["status"] == "Not judged" and small["count_shown"] == "fewer than 10"
    assert "3 in" not in small["sentence"]
    signals = tension.signals_now(CATALOGUE, ward_rows)
    assert [s["area_name"] for s in signals] == ["North"]
    assert tension.flag_sentences(CATALOGUE, ward_rows) == {"police_uk_public_order": [
        "Signal: higher than expected: Public order in North: 65 in January 2026, above the expected range of 22 to 60."]}


def test_seasonal_baseline_once_two_years_are_loaded() -> None:
    year = [38, 42, 36, 44, 39, 41, 37, 43, 35, 45, 40, 70]
    plain = tension.chart(rows(year * 2 + year[:11] + [72]).assign(), seasonal=False)
    seasonal = tension.chart(tension.area_series(rows(year * 2 + year[:11] + [72]), PLACE.code), seasonal=True)
    assert not seasonal.flags and seasonal.seasonal and len(seasonal.baseline_periods) == 24
    assert any(f.rule == "beyond_limits" for f in plain.flags)
    short = tension.chart(tension.area_series(rows(year + [72]), PLACE.code), seasonal=True)
    assert not short.seasonal and len(short.baseline_periods) == 12


def test_a_missing_month_is_a_gap_in_the_series() -> None:
    series = tension.area_series(rows(BASELINE + [np.nan, 41]), PLACE.code)
    assert len(series) == 14 and np.isnan(series["value"].iloc[12])
    assert status(BASELINE + [np.nan, 41]).status == "No signal"


# ------------------------------------------------------------------------------ the real 2025 files


@pytest.mark.reference
def test_real_2025_series_signals(reference_data: Path) -> None:
    """What the twelve real months show (baseline = the same twelve months, no seasonal baseline yet)."""
    place = PlaceInfo(PLACE.name, PLACE.code, PLACE.police_force.name)
    raw = load_police_uk(reference_data / "indicators/police_uk_street", place=place,
                         lookup=reference_data / "national/lookups/lsoa21_ward24_lad24_lookup_ew.csv")
    from cohesion.refresh import map_to_indicators

    observations = map_to_indicators(raw, CATALOGUE.source("police_uk_street"), CATALOGUE)
    results = assess_all(CATALOGUE, observations, today=date(2026, 11, 30))
    got = {i: results[i].status for i in ("police_uk_public_order", "police_uk_criminal_damage_arson",
                                          "police_uk_violence_sexual", "police_uk_anti_social_behaviour")}
    assert got == {"police_uk_public_order": "No signal", "police_uk_criminal_damage_arson": "No signal",
                   "police_uk_violence_sexual": "Signal: higher than expected",
                   "police_uk_anti_social_behaviour": "Signal: lower than expected"}
    assert results["police_uk_violence_sexual"].sentence.endswith(
        "1,211 in December 2025, above the expected range of 1,005 to 1,204.")
    po_rows = observations[observations["indicator_id"] == "police_uk_public_order"]
    result, _reading = tension.city_chart(CATALOGUE, po_rows, PUBLIC_ORDER)
    assert [(f.rule, f.periods) for f in result.flags if f.rule == "beyond_limits"] == [
        ("beyond_limits", ("2025-01",)), ("beyond_limits", ("2025-02",)), ("beyond_limits", ("2025-07",)),
        ("beyond_limits", ("2025-09",))]
    signals = tension.signals_now(CATALOGUE, observations)
    wards = [(s["indicator_id"], s["area_name"]) for s in signals if s["area_code"] != PLACE.code]
    assert wards == [("police_uk_anti_social_behaviour", "Sandford Hill")]


def test_ward_signals_reach_the_status_service_flags_that_meeting_mode_and_the_pack_read() -> None:
    from cohesion.status.service import assess

    ward_rows = pd.concat([
        rows(BASELINE + [41]),
        rows(BASELINE + [65], code="E05000001", name="North", area_type="ward"),
        rows([1, 3, 2, 2, 1, 3, 2, 2, 1, 3, 2, 2, 3], code="E05000003", name="Small", area_type="ward"),
    ], ignore_index=True)
    bundle = assess(CATALOGUE, ward_rows, None, date(2026, 2, 15))
    assert bundle.results["police_uk_public_order"].status == "No signal"  # the city is within its range
    assert bundle.flags["police_uk_public_order"] == [
        "Signal: higher than expected: Public order in North: 65 in January 2026, above the expected range of 22 to 60."]
    # The small ward's counts (below the threshold) never appear in a flag sentence.
    assert not any("Small" in s for sentences in bundle.flags.values() for s in sentences)

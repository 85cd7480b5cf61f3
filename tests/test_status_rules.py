"""Status rules against worked examples written out by hand, plus the statistics beneath them."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from cohesion import tidy
from cohesion.catalogue.models import Catalogue
from cohesion.status import assess_all, assess_indicator, headline_area, latest_and_previous, stats
from cohesion.status.manual import load_manual_statuses
from cohesion.status.rules import format_value

TODAY = date(2025, 11, 1)


def make_catalogue(indicators: list[dict], **extra: object) -> Catalogue:
    """A tiny valid catalogue: one place, two dimensions, two priorities, the given indicators."""
    return Catalogue.model_validate({**extra,
        "schema_version": 1,
        "place": {
            "name": "Testham", "code": "E06000999",
            "police_force": {"name": "Testshire", "code": "force:testshire"},
            "community_safety_partnership": {"name": "Testham CSP", "code": "csp:testham"},
            "region": {"name": "Region", "code": "E12000005"}, "country": {"name": "England", "code": "E92000001"},
            "comparators": [{"id": "single_tier_median", "name": "Median of single-tier authorities", "code": "STMEDIAN"},
                            {"id": "england", "name": "England", "code": "E92000001"}],
        },
        "dimensions": [{"id": "trust", "title": "Trust", "description": "d"},
                       {"id": "safety", "title": "Safety", "description": "d"}],
        "priorities": [{"id": "p01", "number": 1, "title": "First", "summary": "s"},
                       {"id": "p02", "number": 2, "title": "Second", "summary": "s"}],
        "sources": [{"id": "src", "publisher": "Pub", "title": "T", "licence": "OGL", "attribution": "a",
                     "cadence": "annual", "loader": "none"}],
        "indicators": [{"definition": "d", "dimension": "trust", "priorities": ["p01"], "source": "src",
                        "unit": "%", "polarity": "higher_is_better", "target": {"reason": "none"}, **ind}
                       for ind in indicators],
    })


def rows(indicator_id: str, points: list[tuple], area: str = "E06000999", unit: str = "%") -> pd.DataFrame:
    """Tidy rows from (period, value[, lower, upper[, series_break]]) tuples."""
    records = []
    for p in points:
        period, value, *rest = p
        lo, hi = (rest + [None, None])[:2]
        brk = rest[2] if len(rest) > 2 else ""
        records.append({"indicator_id": indicator_id, "period": period, "area_code": area, "value": value,
                        "lower_ci": lo, "upper_ci": hi, "unit": unit, "series_break": brk,
                        "status_note": "" if value is not None else "[c]: confidential, suppressed by the publisher"})
    return tidy.conform(pd.DataFrame(records))


# ---------------------------------------------------------------- statistics


def test_poisson_ratio_interval_for_1578_to_1570_contains_one():
    # Conditional binomial: 1570 of 3148, Clopper-Pearson 95% for p is about 0.4811 to 0.5164,
    # so the ratio p/(1-p) runs from about 0.927 to 1.068: no significant change.
    ratio, lo, hi = stats.poisson_ratio_ci(1578, 1570)
    assert ratio == pytest.approx(1570 / 1578)
    assert lo == pytest.approx(0.927, abs=0.002) and hi == pytest.approx(1.068, abs=0.002)
    assert lo < 1 < hi


def test_poisson_ratio_interval_for_100_to_150_excludes_one():
    ratio, lo, hi = stats.poisson_ratio_ci(100, 150)
    assert ratio == 1.5
    assert lo == pytest.approx(1.157, abs=0.002) and hi == pytest.approx(1.952, abs=0.003)


def test_poisson_ratio_from_zero_has_unbounded_upper_limit():
    ratio, lo, hi = stats.poisson_ratio_ci(0, 5)
    assert math.isinf(ratio) and math.isinf(hi) and lo > 0


def test_poisson_ratio_rejects_fractional_counts():
    with pytest.raises(ValueError, match="whole number"):
        stats.poisson_ratio_ci(10.5, 12)


def test_clopper_pearson_matches_known_values():
    # 0 of 10: upper limit 1 - 0.025 ** (1/10) = 0.3085
    assert stats.clopper_pearson(0, 10) == (0.0, pytest.approx(0.3085, abs=1e-4))
    lo, hi = stats.clopper_pearson(5, 10)
    assert lo == pytest.approx(0.1871, abs=1e-4) and hi == pytest.approx(0.8129, abs=1e-4)


def test_fingertips_comparison():
    assert stats.compare_with_interval(53.0, 62.4, 70.0) == "lower"
    assert stats.compare_with_interval(20.8, 28.7, 23.7) == "similar"
    assert stats.compare_with_interval(71.0, 75.0, 70.0) == "higher"
    assert stats.compare_with_interval(53.0, 62.4, 62.4) == "similar"  # on the limit counts as inside


def test_confidence_labels_from_width_and_base_size():
    assert stats.confidence_label(60.0, 58.5, 61.5) == "High"  # half-width 1.5 = 2.5%
    assert stats.confidence_label(57.7, 53.0, 62.4) == "Medium"  # 4.7 / 57.7 = 8%
    assert stats.confidence_label(24.5, 20.8, 28.7) == "Low"  # 3.95 / 24.5 = 16%
    assert stats.confidence_label(None, count=1570) == "High"
    assert stats.confidence_label(None, count=100) == "Low"  # exact interval 81 to 122
    assert stats.confidence_label(7.4) == "n/a"


# ---------------------------------------------------------------- benchmark


def test_benchmark_57_7_against_median_70_is_red_with_sentence():
    cat = make_catalogue([{"id": "satisfied", "title": "Satisfied with the area",
                           "status": {"rule": "benchmark", "comparator": "single_tier_median"}}])
    obs = pd.concat([rows("satisfied", [("2024/25", 57.7, 53.0, 62.4)]),
                     rows("satisfied", [("2024/25", 70.0)], area="STMEDIAN")])
    r = assess_indicator(cat.indicator("satisfied"), cat, obs, today=TODAY)
    assert r.status == "Red" and r.rule == "benchmark" and r.confidence == "Medium"
    assert r.sentence == ("Red: Satisfied with the area: 57.7% in 2024/25 (95% CI 53.0 to 62.4), significantly "
                          "below the median of single-tier authorities (70.0%).")
    assert r.figures["comparator_value"] == 70.0 and r.latest_period == "2024/25"


@pytest.mark.parametrize(("polarity", "bench", "expected"), [
    ("higher_is_better", 50.0, "Green"), ("lower_is_better", 50.0, "Red"),
    ("lower_is_better", 70.0, "Green"), ("higher_is_better", 60.0, "Amber"),
])
def test_benchmark_polarity(polarity, bench, expected):
    cat = make_catalogue([{"id": "xx", "title": "X", "polarity": polarity,
                           "status": {"rule": "benchmark", "comparator": "england"}}])
    obs = pd.concat([rows("xx", [("2024/25", 57.7, 53.0, 62.4)]), rows("xx", [("2024/25", bench)], area="E92000001")])
    assert assess_indicator(cat.indicator("xx"), cat, obs, today=TODAY).status == expected


def test_benchmark_without_comparator_or_interval_is_grey_saying_why():
    cat = make_catalogue([{"id": "xx", "title": "X", "status": {"rule": "benchmark", "comparator": "england"}}])
    no_comp = assess_indicator(cat.indicator("xx"), cat, rows("xx", [("2024/25", 57.7, 53.0, 62.4)]), today=TODAY)
    assert (no_comp.status, no_comp.grey_reason) == ("Grey", "no_comparator")
    assert "no figure for 2024/25 from England" in no_comp.sentence
    obs = pd.concat([rows("xx", [("2024/25", 57.7)]), rows("xx", [("2024/25", 60.0)], area="E92000001")])
    no_ci = assess_indicator(cat.indicator("xx"), cat, obs, today=TODAY)
    assert no_ci.status == "Grey" and "no published confidence interval" in no_ci.sentence
    assert no_ci.grey_reason == "no_interval"


def test_benchmark_previous_period_and_no_data():
    cat = make_catalogue([{"id": "xx", "title": "X", "status": {"rule": "benchmark", "comparator": "previous_period"}}])
    obs = rows("xx", [("2023/24", 50.0, 47.0, 53.0), ("2024/25", 56.0, 53.0, 59.0)])
    r = assess_indicator(cat.indicator("xx"), cat, obs, today=TODAY)
    assert r.status == "Green" and "significantly above the 2023/24 figure (50.0%)" in r.sentence
    empty = assess_indicator(cat.indicator("xx"), cat, tidy.empty_frame(), today=TODAY)
    assert (empty.status, empty.grey_reason, empty.latest_value) == ("Grey", "no_data", None)
    assert empty.sentence.startswith("Grey: no data yet")


def test_suppressed_latest_value_is_grey_suppressed_never_zero():
    cat = make_catalogue([{"id": "xx", "title": "X", "status": {"rule": "benchmark", "comparator": "previous_period"}}])
    r = assess_indicator(cat.indicator("xx"), cat, rows("xx", [("2023/24", 50.0, 47, 53), ("2024/25", None)]),
                         today=TODAY)
    assert (r.status, r.grey_reason, r.latest_value) == ("Grey", "suppressed", None)
    assert "withheld" in r.sentence


# ---------------------------------------------------------------- count change


def hate_catalogue(polarity: str = "no_judgement") -> Catalogue:
    extra = {"polarity_reason": "either way"} if polarity == "no_judgement" else {}
    return make_catalogue([{"id": "hate", "title": "Hate crimes", "unit": "count", "polarity": polarity,
                            "dimension": "safety", "status": {"rule": "count_change"}, **extra}])


def test_count_change_1578_to_1570_is_similar_with_interval():
    cat = hate_catalogue()
    obs = rows("hate", [("2017/18", 1578), ("2018/19", 1570)], area="force:testshire", unit="count")
    r = assess_indicator(cat.indicator("hate"), cat, obs, today=TODAY)
    assert r.status == "Similar" and r.figures["change"] == "similar"
    assert r.sentence == ("Similar: Hate crimes: 1,570 in 2018/19 against 1,578 in 2017/18 (-0.5%; rate ratio 0.99, "
                          "95% CI 0.93 to 1.07), not a significant change.")
    assert r.confidence == "High"


def test_count_change_100_to_150_is_a_significant_rise():
    cat = hate_catalogue()
    r = assess_indicator(cat.indicator("hate"), cat, rows("hate", [("2023/24", 100), ("2024/25", 150)], unit="count"),
                         today=TODAY)
    assert r.status == "Higher" and "a significant rise" in r.sentence and "1.16 to 1.95" in r.sentence
    lower_better = hate_catalogue("lower_is_better")
    r2 = assess_indicator(lower_better.indicator("hate"), lower_better,
                          rows("hate", [("2023/24", 100), ("2024/25", 150)], unit="count"), today=TODAY)
    assert r2.status == "Red"


def test_count_change_small_counts_break_and_single_period_are_grey():
    cat = hate_catalogue()
    small = assess_indicator(cat.indicator("hate"), cat, rows("hate", [("2023/24", 4), ("2024/25", 9)]), today=TODAY)
    assert (small.status, small.grey_reason) == ("Grey", "suppressed")
    assert "4" not in small.sentence.replace("below 10", "")  # the suppressed counts are not printed
    one = assess_indicator(cat.indicator("hate"), cat, rows("hate", [("2024/25", 90)]), today=TODAY)
    assert one.grey_reason == "too_few_points"
    brk = assess_indicator(cat.indicator("hate"), cat,
                           rows("hate", [("2018/19", 1570), ("2022/23", 2010, None, None, "force's own count")]),
                           today=TODAY)
    assert brk.status == "Grey" and "not comparable with 2018/19" in brk.sentence


def test_headline_area_prefers_authority_then_force_then_partnership():
    cat = hate_catalogue()
    both = pd.concat([rows("hate", [("2024/25", 50)], area="force:testshire"),
                      rows("hate", [("2024/25", 20)], area="csp:testham")])
    assert headline_area(cat, both) == "force:testshire"
    assert headline_area(cat, rows("hate", [("2024/25", 20)], area="csp:testham")) == "csp:testham"
    assert headline_area(cat, pd.concat([both, rows("hate", [("2024/25", 9)])])) == "E06000999"
    assert headline_area(cat, rows("hate", [("2024/25", 20)], area="E92000001")) is None
    latest, previous = latest_and_previous(rows("hate", [("2023/24", 1), ("2024/25", 2)]), "hate", "E06000999")
    assert (latest["period"], previous["period"]) == ("2024/25", "2023/24")


# ---------------------------------------------------------------- target and trajectory


def target_catalogue(rule: dict, polarity: str = "higher_is_better", **target) -> Catalogue:
    return make_catalogue([{"id": "tt", "title": "Agree", "polarity": polarity, "status": rule,
                            "target": {"value": 60.0, "year": 2030, **target}}])


@pytest.mark.parametrize(("value", "expected"), [(61.0, "Green"), (60.0, "Green"), (58.5, "Amber"),
                                                 (58.0, "Amber"), (57.9, "Red")])
def test_target_amber_band_higher_is_better(value, expected):
    cat = target_catalogue({"rule": "target", "amber_band": 2.0})
    r = assess_indicator(cat.indicator("tt"), cat, rows("tt", [("2024/25", value)]), today=TODAY)
    assert r.status == expected


def test_target_lower_is_better_and_sentence():
    cat = target_catalogue({"rule": "target", "amber_band": 2.0}, polarity="lower_is_better")
    r = assess_indicator(cat.indicator("tt"), cat, rows("tt", [("2024/25", 61.5)]), today=TODAY)
    assert r.status == "Amber"
    assert r.sentence == ("Amber: Agree: 61.5% in 2024/25, 1.5 points short of the target of 60.0% by 2030, "
                          "within the amber band of 2.0 points.")


def test_trajectory_worked_examples():
    # Baseline 50% in 2024/25 (ends 2025), target 60% by 2030: required growth (60/50)^(1/5)-1 = 3.714%/yr.
    cat = target_catalogue({"rule": "trajectory"}, baseline_value=50.0, baseline_period="2024/25")
    ind = cat.indicator("tt")
    # 2026/27 (ends 2027) at 54%: observed (54/50)^(1/2)-1 = 3.923%/yr; ratio 1.056 -> Green
    green = assess_indicator(ind, cat, rows("tt", [("2026/27", 54.0)]), today=TODAY)
    assert green.status == "Green" and green.figures["ratio"] == pytest.approx(1.056, abs=0.002)
    # 52% after 2 years: observed 1.980%/yr; ratio 0.533 -> Red (below 0.6)
    red = assess_indicator(ind, cat, rows("tt", [("2026/27", 52.0)]), today=TODAY)
    assert red.status == "Red" and red.figures["ratio"] == pytest.approx(0.533, abs=0.002)
    # 53% after 2 years: observed 2.956%/yr; ratio 0.796 -> Amber
    amber = assess_indicator(ind, cat, rows("tt", [("2026/27", 53.0)]), today=TODAY)
    assert amber.status == "Amber" and amber.figures["ratio"] == pytest.approx(0.796, abs=0.002)
    assert "0.80 of the progress needed a year" in amber.sentence
    # Target reached is Green whatever the pace; only the baseline year is too few points.
    assert assess_indicator(ind, cat, rows("tt", [("2025/26", 61.0)]), today=TODAY).status == "Green"
    only_base = assess_indicator(ind, cat, rows("tt", [("2024/25", 50.0)]), today=TODAY)
    assert only_base.grey_reason == "too_few_points"


def test_trajectory_falling_value_for_lower_is_better_and_missing_target():
    # Lower is better: 20% baseline 2024/25 to target 15% by 2030; 18% in 2026/27.
    # required (15/20)^(1/5)-1 = -5.591%/yr; observed (18/20)^(1/2)-1 = -5.132%/yr; ratio 0.918 -> Amber
    cat = make_catalogue([{"id": "tt", "title": "Lonely", "polarity": "lower_is_better", "status": {"rule": "trajectory"},
                           "target": {"value": 15.0, "year": 2030, "baseline_value": 20.0,
                                      "baseline_period": "2024/25"}}])
    r = assess_indicator(cat.indicator("tt"), cat, rows("tt", [("2026/27", 18.0)]), today=TODAY)
    assert r.status == "Amber" and r.figures["ratio"] == pytest.approx(0.918, abs=0.002)
    no_target = make_catalogue([{"id": "tt", "title": "T", "status": {"rule": "trajectory"}}])
    g = assess_indicator(no_target.indicator("tt"), no_target, rows("tt", [("2026/27", 18.0)]), today=TODAY)
    assert (g.status, g.grey_reason) == ("Grey", "no_target")


# ---------------------------------------------------------------- manual


def test_manual_status_current_and_stale(tmp_path):
    path = tmp_path / "manual_status.csv"
    path.write_text("indicator_id,status,commentary,owner,set_on,review_days\n"
                    "plan,Amber,Draft plan out for comment,Cohesion lead,2025-09-01,\n"
                    "old,Green,Was fine,Someone,2025-01-01,30\n", encoding="utf-8")
    manual = load_manual_statuses(path)
    cat = make_catalogue([{"id": "plan", "title": "Plan", "unit": "assessment", "status": {"rule": "manual"}},
                          {"id": "old", "title": "Old", "unit": "assessment", "status": {"rule": "manual"}},
                          {"id": "unset", "title": "Unset", "unit": "assessment", "status": {"rule": "manual"}}])
    results = assess_all(cat, tidy.empty_frame(), today=TODAY, manual=manual)
    plan = results["plan"]
    assert plan.status == "Amber" and plan.commentary == "Draft plan out for comment"
    assert plan.owner == "Cohesion lead" and plan.assessed_on == "2025-09-01"
    assert "next review due by 2025-12-02" in plan.sentence  # 1 Sept + 92 days
    old = results["old"]
    assert (old.status, old.grey_reason) == ("Grey", "stale")
    assert "due for review by 2025-01-31" in old.sentence
    assert results["unset"].status == "Grey" and "has not yet set a status" in results["unset"].sentence
    # The day after the review date the Amber entry goes stale too.
    later = assess_all(cat, tidy.empty_frame(), today=date(2025, 12, 3), manual=manual)
    assert later["plan"].grey_reason == "stale"


def test_format_value_never_shows_missing_as_zero():
    assert format_value(float("nan"), "%") == "no figure"
    assert format_value(1570.0, "count") == "1,570"
    assert format_value(7.39, "mean score (0-10)") == "7.39 mean score (0-10)"

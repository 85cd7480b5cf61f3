"""Count intervals (Byar's and exact) and the two-level benchmark, against worked examples.

The numbers in the docstrings can be checked by hand; the formulas are PHE's (PHEindicatormethods
`byars_lower` / `byars_upper`, Breslow and Day 1987) and Fingertips' 95% / 99.8% comparison.
"""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import chi2

from cohesion.status import assess_indicator, stats
from tests.test_status_rules import TODAY, make_catalogue, rows


def test_byar_interval_worked_example_for_100_events():
    """O = 100 at 95% (z = 1.959964).

    lower = 100 (1 - 1/900 - 1.959964 / 30)^3 = 100 x 0.933557^3 = 81.362
    upper = 101 (1 - 1/909 + 1.959964 / (3 sqrt 101))^3 = 101 x 1.063907^3 = 121.628
    The exact (Garwood) interval is 81.364 to 121.627: Byar's is within 0.01 at this size.
    """
    lo, hi = stats.byar_count_ci(100)
    assert lo == pytest.approx(100 * (1 - 1 / 900 - 1.959964 / 30) ** 3, rel=1e-6)
    assert (round(lo, 3), round(hi, 3)) == (81.362, 121.628)
    ex_lo, ex_hi = stats.poisson_count_ci(100)
    assert abs(lo - ex_lo) < 0.01 and abs(hi - ex_hi) < 0.01


def test_byar_interval_for_10_events_and_at_99_8():
    """O = 10: Byar 4.787 to 18.391 against exact chi2(0.025, 20)/2 = 4.795 to chi2(0.975, 22)/2 = 18.390.

    At 99.8% (z = 3.090232) and O = 100: 71.904 to 134.944.
    """
    assert tuple(round(v, 3) for v in stats.byar_count_ci(10)) == (4.787, 18.391)
    assert stats.poisson_count_ci(10)[0] == pytest.approx(chi2.ppf(0.025, 20) / 2)
    assert tuple(round(v, 3) for v in stats.byar_count_ci(100, 0.998)) == (71.904, 134.944)


def test_count_interval_uses_byar_from_ten_and_exact_below_and_says_so():
    big = stats.count_interval(2010)  # the force's 2022/23 hate crime count
    assert big.method == "byar" and big.label == "95% confidence interval (Byar's method)"
    small = stats.count_interval(9)
    assert small.method == "exact" and small.label == "95% confidence interval (exact Poisson method)"
    assert (small.lower, small.upper) == stats.poisson_count_ci(9)
    assert stats.count_interval(2010, method="exact").method == "exact"
    with pytest.raises(ValueError, match="method must be"):
        stats.count_interval(20, method="wilson")
    with pytest.raises(ValueError, match="whole number"):
        stats.count_interval(2.5)


def test_interval_widened_to_99_8_side_by_side():
    """57.7336% (52.9746 to 62.3531), the Community Life Survey 2024/25 estimate for the city.

    k = z(0.999) / z(0.975) = 3.090232 / 1.959964 = 1.576679.
    lower = 57.7336 - 4.7590 x 1.576679 = 50.2302;  upper = 57.7336 + 4.6195 x 1.576679 = 65.0171.
    """
    lo, hi = stats.widen_interval(57.7336, 52.9746, 62.3531, 0.998)
    assert (round(lo, 4), round(hi, 4)) == (50.2302, 65.0171)


def test_two_level_comparison():
    # Against the single-tier median 70.0285: outside the 99.8% interval too.
    assert stats.compare_two_levels(57.7336, 52.9746, 62.3531, 70.0285) == ("lower", "99.8%")
    # Against 64: outside the 95% interval (upper 62.4) but inside the 99.8% one (upper 65.11).
    assert stats.compare_two_levels(57.7, 53.0, 62.4, 64.0) == ("lower", "95%")
    assert stats.compare_two_levels(57.7, 53.0, 62.4, 60.0) == ("similar", None)


def _two_level(bench: float, two_level: bool = True):
    cat = make_catalogue([{"id": "xx", "title": "Satisfied with the area",
                           "status": {"rule": "benchmark", "comparator": "england", "two_level": two_level}}])
    obs = pd.concat([rows("xx", [("2024/25", 57.7, 53.0, 62.4)]), rows("xx", [("2024/25", bench)], area="E92000001")])
    return assess_indicator(cat.indicator("xx"), cat, obs, today=TODAY)


def test_benchmark_rule_two_level_option_in_the_sentence_and_figures():
    strong = _two_level(70.0)
    assert strong.status == "Red" and strong.figures["significance_level"] == "99.8%"
    assert strong.sentence.endswith("significantly below the England figure (70.0%) at the 99.8% level as well as 95%.")
    weak = _two_level(64.0)
    assert weak.status == "Red" and weak.figures["significance_level"] == "95%"
    assert weak.sentence.endswith("(64.0%) at the 95% level but not at 99.8%.")
    similar = _two_level(60.0)
    assert similar.status == "Amber" and similar.figures["significance_level"] is None


def test_benchmark_rule_one_level_is_unchanged_by_default():
    one = _two_level(64.0, two_level=False)
    assert "significance_level" not in one.figures
    assert one.sentence.endswith("significantly below the England figure (64.0%).")

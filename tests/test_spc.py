"""Control-chart rules on series whose flags are known by construction.

The baseline is twelve months averaging exactly 40 reports, alternating above and below the
average (no runs, no trends, nothing near a limit). Exact Poisson limits around 40 are 22 to 60
(0.135% and 99.865% quantiles); the two-sigma lines are 28 and 53.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohesion.trends import spc

BASELINE = [42, 38, 44, 36, 41, 39, 43, 37, 45, 35, 42, 38]  # mean 40; ends below the centre


def months(values, start="2024-01") -> pd.DataFrame:
    idx = pd.period_range(start, periods=len(values), freq="M")
    return pd.DataFrame({"period": [str(p) for p in idx],
                         "period_end": [p.to_timestamp(how="end").normalize() for p in idx],
                         "value": np.asarray(values, dtype=float)})


def rules(result: spc.SpcResult) -> list[str]:
    return [f.rule for f in result.flags]


def test_baseline_limits_are_exact_poisson():
    result = spc.control_chart_data(months(BASELINE))
    assert result.points["centre"].iloc[0] == pytest.approx(40)
    assert result.points["lower"].iloc[0] == 22
    assert result.points["upper"].iloc[0] == 60
    assert result.baseline_periods[0] == "2024-01" and len(result.baseline_periods) == 12


def test_quiet_series_has_no_flags():
    result = spc.control_chart_data(months(BASELINE * 2))
    assert result.flags == []
    assert not result.guarded
    assert "no unusual months" in spc.summary_sentence(result, "Test area")


def test_single_spike_beyond_the_upper_limit():
    result = spc.control_chart_data(months(BASELINE + [41, 39, 65, 38, 42]))
    assert rules(result) == ["beyond_limits"]
    flag = result.flags[0]
    assert flag.periods == ("2025-03",) and flag.direction == "high"
    assert flag.sentence == "March 2025: 65 reports, above the expected range of 22 to 60."
    assert result.points.set_index("period").loc["2025-03", "flagged"] != ""


def test_low_point_below_the_threshold_is_not_shown_as_a_number():
    result = spc.control_chart_data(months(BASELINE + [5]), threshold=10)
    assert rules(result) == ["beyond_limits"]
    assert result.flags[0].sentence == "January 2025: fewer than 10 reports, below the expected range of 22 to 60."


def test_run_of_seven_above_the_centre():
    result = spc.control_chart_data(months(BASELINE + [43, 45, 42, 44, 46, 43, 45]))
    assert rules(result) == ["shift"]
    assert result.flags[0].periods == tuple(f"2025-{m:02d}" for m in range(1, 8))
    assert "7 months in a row above the usual level of about 40" in result.flags[0].sentence


def test_run_of_six_is_not_a_shift():
    assert spc.control_chart_data(months(BASELINE + [43, 45, 42, 44, 46, 43, 38])).flags == []


def test_seven_rising():
    # 30 .. 48: four below the centre then three above, so no shift; all within the limits.
    result = spc.control_chart_data(months(BASELINE + [30, 33, 36, 39, 42, 45, 48]))
    assert rules(result) == ["trend"]
    assert result.flags[0].periods[0] == "2025-01" and result.flags[0].periods[-1] == "2025-07"
    assert "rising" in result.flags[0].sentence


def test_seven_falling():
    result = spc.control_chart_data(months(BASELINE + [50, 47, 44, 41, 38, 35, 32]))
    assert rules(result) == ["trend"]
    assert result.flags[0].direction == "low"


def test_two_of_three_near_the_upper_limit():
    # 55 and 56 are above the two-sigma line (53) but inside the limit (60).
    result = spc.control_chart_data(months(BASELINE + [55, 41, 56]))
    assert rules(result) == ["two_of_three"]
    assert result.flags[0].periods == ("2025-01", "2025-03")
    assert "close to the upper limit" in result.flags[0].sentence


def test_small_number_area_raises_no_flags():
    # A ward averaging 2 a month; 9 would be far outside Poisson(2) limits, but the guard holds.
    ward = [1, 3, 2, 2, 1, 3, 2, 2, 1, 3, 2, 2, 9]
    result = spc.control_chart_data(months(ward))
    assert result.guarded and result.flags == []
    assert "Too few reports to judge" in result.guard_reason
    assert "no early-warning flags" in spc.summary_sentence(result, "A ward")


def test_too_short_a_baseline_raises_no_flags():
    result = spc.control_chart_data(months([40, 41, 90]))
    assert result.guarded and result.flags == []


def test_missing_month_is_a_gap_not_a_zero():
    values = BASELINE + [np.nan, 41]
    result = spc.control_chart_data(months(values))
    assert result.flags == []  # a zero would be below the lower limit of 22
    assert np.isnan(result.points["value"].iloc[12])


def test_seasonal_baseline_expects_the_usual_december_peak():
    year = [38, 42, 36, 44, 39, 41, 37, 43, 35, 45, 40, 70]
    third = year[:11] + [72]
    plain = spc.control_chart_data(months(year * 2 + third), baseline_points=24)
    seasonal = spc.control_chart_data(months(year * 2 + third), baseline_points=24, seasonal=True)
    assert "2026-12" in {p for f in plain.flags if f.rule == "beyond_limits" for p in f.periods}
    assert seasonal.seasonal and seasonal.flags == []
    assert seasonal.points.set_index("period").loc["2026-12", "centre"] == pytest.approx(70)


def test_c_chart_method():
    result = spc.control_chart_data(months(BASELINE + [65]), method="c")
    assert result.points["upper"].iloc[0] == pytest.approx(40 + 3 * np.sqrt(40))
    assert rules(result) == ["beyond_limits"]


def test_unknown_method_is_a_clear_error():
    with pytest.raises(ValueError, match="expected 'poisson' or 'c'"):
        spc.control_chart_data(months(BASELINE), method="x")


def test_period_label():
    assert spc.period_label("2025-06") == "June 2025"
    assert spc.period_label("2024/25") == "2024/25"


# ------------------------------------------------ "two out of three" as Making Data Count reads it


def test_two_of_three_needs_all_three_on_the_same_side_of_the_mean():
    # 55 and 56 are beyond the upper two-sigma line (53), but the middle month (39) is below the
    # centre (40): MDC's Single Chart tool requires all three points on one side, so no signal.
    assert spc.control_chart_data(months(BASELINE + [55, 39, 56])).flags == []


def test_two_of_three_on_opposite_limits_is_no_signal():
    # 55 is near the upper limit and 26 near the lower one (two-sigma line 28): different sides.
    assert "two_of_three" not in rules(spc.control_chart_data(months(BASELINE + [55, 26, 41])))


def test_two_of_three_windows_slide_so_a_signal_does_not_hide_the_next():
    # Months 1-2 near the limit make one signal; months 4-5 another. A window that jumps past the
    # first signal's last point would still see 4-5, but one that jumps past its window (1-3)
    # would test only 4-6; here the second pair starts at month 3, inside the first window.
    result = spc.control_chart_data(months(BASELINE + [55, 56, 54, 41, 42]))
    pairs = [f.periods for f in result.flags if f.rule == "two_of_three"]
    assert pairs == [("2025-01", "2025-02", "2025-03")]
    result = spc.control_chart_data(months(BASELINE + [55, 41, 56, 41, 55]))
    pairs = [f.periods for f in result.flags if f.rule == "two_of_three"]
    assert pairs == [("2025-01", "2025-03"), ("2025-03", "2025-05")]


def test_points_beyond_the_limit_count_towards_two_of_three():
    # 65 is beyond the upper limit (60) and 55 beyond two sigma: both count (MDC change, Nov 2023).
    result = spc.control_chart_data(months(BASELINE + [65, 55, 41]))
    assert sorted(rules(result)) == ["beyond_limits", "two_of_three"]
    assert next(f for f in result.flags if f.rule == "two_of_three").periods == ("2025-01", "2025-02")


def test_two_of_three_low_side():
    result = spc.control_chart_data(months(BASELINE + [26, 27, 39]))
    flag = next(f for f in result.flags if f.rule == "two_of_three")
    assert flag.direction == "low" and flag.periods == ("2025-01", "2025-02")
    assert "close to the lower limit" in flag.sentence
